"""What the year pages draw: the three tables in the official layout with every value cell linking
to its records, and the records behind a list of refs.

The grid is the writers' (`xxgk.write.grid`), so the page shows the layout the DOCX/PDF/HTML
print. Written as HTML here, not in a template, for the reason `supervise/report/layout.py` gives
(200 value cells; the template engine is ~20× slower); every text is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from xxgk.report import keys as K
from xxgk.write.grid import Grid, grids

from ...core.gridhtml import grid_table
from ..models import (APPLICANT_TYPES, CASE_KINDS, CASE_RESULTS, DECISION_KINDS, DOCUMENT_KINDS, OUTCOMES,
                      Application, Case, DecisionCount, Document, FeeIncome, label_of)

CELL_KEYS: frozenset[str] = frozenset(K.cell_keys("2021"))
_PLACEHOLDER = "x.placeholder"


def grid_html(grid: Grid, cell_url: str, stale: set[str] = frozenset()) -> SafeString:  # type: ignore[assignment]
    """One table (`core.gridhtml`); each value cell links to `cell_url` (PLACEHOLDER replaced by its
    key). Cells in `stale` (the records now count differently) are classed `st-warning`."""

    def value_cell(key: str, text: str) -> tuple[str, str]:
        return (" st-warning" if key in stale else ""), f'<a href="{cell_url.replace(_PLACEHOLDER, escape(key))}">{text}</a>'

    return grid_table(grid, value_cell)


def tables_html(report: Any, year: int, stale: set[str] = frozenset()) -> list[SafeString]:  # type: ignore[assignment]
    """表二, 表三, 表四 of `report`, cells linking to the year's cell pages."""
    url = reverse("office_year_cell", args=[year, _PLACEHOLDER])
    return [grid_html(g, url, stale) for g in grids(report, "2021").values()]


def application_url(pk: int) -> str | None:
    """The application's own page, when the applications part is installed."""
    try:
        return reverse("office_application", args=[pk])
    except NoReverseMatch:
        return None


def _pks(refs: list[str], prefix: str) -> list[int]:
    out = []
    for r in refs:
        if r.startswith(prefix) and r[len(prefix):].isdigit():
            out.append(int(r[len(prefix):]))
    return out


def describe(office: Any, key: str, refs: list[str]) -> tuple[list[str], list[dict[str, Any]]]:
    """(column headings, rows) for the records `refs` of cell `key`, in the refs' order, read
    through the office's scope (a ref of another agency is simply not found)."""
    table = key.split(".", 1)[0]
    rows: dict[str, dict[str, Any]] = {}
    if table == "t3":
        heads = [_("Ref"), _("Applicant type"), _("Received on"), _("Closed on"), _("Outcome")]
        for a in office.records(Application).filter(ref__in=refs).values("pk", "ref", "applicant_type", "received_on", "closed_on", "outcome"):
            rows[a["ref"]] = {"ref": a["ref"], "url": application_url(a["pk"]),
                              "cols": [label_of(APPLICANT_TYPES, a["applicant_type"]), a["received_on"],
                                       a["closed_on"] or "", label_of(OUTCOMES, a["outcome"]) if a["outcome"] else ""]}
    elif table == "t4":
        heads = [_("Ref"), _("Case number"), _("Kind"), _("Filed"), _("Decided"), _("Result")]
        for c in office.records(Case).filter(pk__in=_pks(refs, "case-")).select_related("application"):
            rows[f"case-{c.pk}"] = {"ref": f"case-{c.pk}", "url": application_url(c.application_id) if c.application_id else None,
                                    "cols": [c.case_no, label_of(CASE_KINDS, c.kind), c.filed_on, c.decided_on or "",
                                             label_of(CASE_RESULTS, c.result)]}
    elif key.startswith(("t2.regulations", "t2.normative_documents")):
        heads = [_("Ref"), _("Document number"), _("Title"), _("Kind"), _("Issued"), _("Repealed on")]
        for d in office.records(Document).filter(pk__in=_pks(refs, "doc-")):
            rows[f"doc-{d.pk}"] = {"ref": f"doc-{d.pk}", "url": None,
                                   "cols": [d.doc_no, d.title, label_of(DOCUMENT_KINDS, d.kind), d.issued_on, d.repealed_on or ""]}
    elif key == K.T2_FEE_KEY:
        heads = [_("Ref"), _("Period"), _("Amount (10,000 yuan)"), _("Note")]
        for f in office.records(FeeIncome).filter(pk__in=_pks(refs, "fee-")):
            rows[f"fee-{f.pk}"] = {"ref": f"fee-{f.pk}", "url": None, "cols": [f.period, f.amount_wan_yuan, f.note]}
    else:
        heads = [_("Ref"), _("Kind"), _("Period"), _("Number of decisions"), _("Note")]
        for d in office.records(DecisionCount).filter(pk__in=_pks(refs, "decision-")):
            rows[f"decision-{d.pk}"] = {"ref": f"decision-{d.pk}", "url": None,
                                        "cols": [label_of(DECISION_KINDS, d.kind), d.period, d.count, d.note]}
    return heads, [rows.get(r, {"ref": r, "url": None, "cols": [], "missing": True}) for r in refs]
