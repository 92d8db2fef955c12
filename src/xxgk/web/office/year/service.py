"""Year close: the office's records compiled into the annual report, and its workflow
(draft → review → approved → published), for the views, the demo and the bench.

The numbers are never typed: `compile_records` counts this office's rows with
`xxgk.office.compile.compile_year`, and the `YearReport` keeps the 200 cells as compiled, the six
sections as the clerk edited them, and the 信息处理费 figures. Every state change is one transaction
with its audit event (`xxgk.web.core.audit.record`).

Where 表三's 上年结转 comes from: the records, when the office kept its register in the system
before the year (it closed last year here, or entered a record before 1 Jan), so every application
open on 1 Jan is in it; otherwise the office started mid-life — the backlog it types in may be
incomplete — and last year's report published in the store (its active version) gives the number,
`carried_over_from = "report:<version pk>"`; the records' own count stays visible
(`CompiledYear.records_carried_over`, the reconciliation page) and a mismatch fails 表三's identity,
which blocks approval. With no published report either, the records give it.

Refs (what a cell's sources name): an application's own `ref`; other records by kind and primary
key — `case-<pk>`, `doc-<pk>`, `decision-<pk>`, `fee-<pk>` — so the cell page can find them again.

Recompiling keeps what the clerk wrote: a section whose text is no longer the draft it was given
(`YearReport.drafted`) is kept; an untouched one is redrafted from the new numbers. Capabilities
(who may approve) are checked by the views; the functions here check the states.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xxgk.office.compile import CompiledYear, DocumentRecord, T2Records, carried_forward_of, compile_year
from xxgk.report import keys as K
from xxgk.report.narrative import find_placeholders
from xxgk.web.core.audit import record

from ..models import (Application, ApplicationEvent, Case, DecisionCount, Document, FeeIncome, YearReport)

__all__ = [
    "YearError", "fee_conflict", "compile_records", "compile_with_origin", "t2_records", "carry_source", "fee_figures", "close_year", "report_of", "problems",
    "save_sections", "submit", "sign_review", "return_to_draft", "approve", "publish", "reopen",
    "previous_published", "used_before", "published_report", "render_report", "FORMATS",
]

#: Download formats of the compiled report and their content types.
FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}
#: The longest section a clerk may save (characters); the longest sample report's section is ~6,000.
MAX_SECTION = 50_000


class YearError(Exception):
    """A refused step (wrong state, placeholders left, identities failing); the message is for the office."""


def _user_name(user: Any) -> str:
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return (full or user.get_username())[:150]


# --- compile ------------------------------------------------------------------------------------


class _AppRow(NamedTuple):
    ref: str
    applicant_type: str
    received_on: dt.date
    closed_on: dt.date | None
    outcome: str | None


def _applications(agency: Any, year: int) -> list[_AppRow]:
    """The applications that can count in `year` (received by 31 Dec, not closed before 1 Jan), as
    named rows; an open one's blank outcome becomes None, as the compiler wants.

    The query is the ORM's, its rows fetched with the bare cursor: for 100,000 applications the
    ORM's row iteration cost ~0.4 s more than the fetch itself (the budget for a year is 1 s)."""
    qs = (Application.objects.filter(agency=agency, received_on__lte=dt.date(year, 12, 31))
          .exclude(closed_on__lt=dt.date(year, 1, 1))
          .values_list("ref", "applicant_type", "received_on", "closed_on", "outcome"))
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if rows and not isinstance(rows[0][2], dt.date):  # a backend that returns dates as text
        rows = list(qs)
    return [_AppRow(ref, col, rec, closed, out or None) for ref, col, rec, closed, out in rows]


def _cases(agency: Any) -> list[Any]:
    from xxgk.office.compile import CaseRecord

    return [CaseRecord(f"case-{pk}", kind, result, filed, decided)
            for pk, kind, result, filed, decided in
            Case.objects.filter(agency=agency).values_list("pk", "kind", "result", "filed_on", "decided_on")]


def t2_records(agency: Any, year: int) -> T2Records:
    """The registers behind 表二: the whole document register (in force needs the stock), the year's
    decision counts and administrative fee income, each with the refs of its entries."""
    docs: dict[str, list[DocumentRecord]] = {"regulations": [], "normative_documents": []}
    for pk, kind, issued, repealed in Document.objects.filter(agency=agency).values_list("pk", "kind", "issued_on", "repealed_on"):
        docs[kind].append(DocumentRecord(f"doc-{pk}", issued, repealed))
    counts = {"licensing": 0, "penalty": 0, "compulsion": 0}
    sources: dict[str, list[str]] = {"licensing": [], "penalty": [], "compulsion": [], "admin_fees_wan_yuan": []}
    for pk, kind, n in DecisionCount.objects.filter(agency=agency, year=year).values_list("pk", "kind", "count"):
        counts[kind] += n
        sources[kind].append(f"decision-{pk}")
    fee = Decimal("0")
    for pk, amount in FeeIncome.objects.filter(agency=agency, year=year).values_list("pk", "amount_wan_yuan"):
        fee += amount
        sources["admin_fees_wan_yuan"].append(f"fee-{pk}")
    # The column holds four decimals ("1.2500"): the report prints what was meant (1.25 → "1.25").
    fee = fee.normalize() if fee else Decimal("0")
    return T2Records(regulations=tuple(docs["regulations"]), normative_documents=tuple(docs["normative_documents"]),
                     admin_fees_wan_yuan=fee, sources=sources, **counts)


def published_report(agency: Any, year: int) -> tuple[Any, Any] | None:
    """(xxgk Report, store Version) of the agency's active version of `year` in the store, or None."""
    from xxgk.report.model import Report
    from xxgk.store.models import Report as StoreReport

    rep = StoreReport.objects.filter(agency=agency, year=year).select_related("active").first()
    if rep is None or rep.active is None:
        return None
    return Report.from_dict(dict(rep.active.data)), rep.active


def previous_published(agency: Any, year: int) -> tuple[Any, Any] | None:
    """Last year's published report (active store version), or None."""
    return published_report(agency, year - 1)


def used_before(agency: Any, year: int) -> bool:
    """Did the office keep its register in the system before `year`? It closed last year here, or
    entered an application, case or document before 1 Jan (by when it was typed, not the date it
    records: a backlog typed in this year does not make last year's register complete)."""
    start = timezone.make_aware(dt.datetime(year, 1, 1))
    if YearReport.objects.filter(agency=agency, year=year - 1).exclude(compiled_at=None).exists():
        return True
    return any(m.objects.filter(agency=agency, created_at__lt=start).exists() for m in (Application, Case, Document))


def carry_source(agency: Any, year: int) -> tuple[dict[str, int] | None, str]:
    """(carried_over to pass to `compile_year`, its origin): (None, "records") when the office holds
    applications from before the year (or nothing says otherwise); last year's published report's
    carried_forward row and "report:<version pk>" when the office started mid-life."""
    if used_before(agency, year):
        return None, "records"
    found = previous_published(agency, year)
    if found is None:
        return None, "records"
    report, version = found
    return carried_forward_of(report), f"report:{version.pk}"


def compile_with_origin(agency: Any, year: int) -> tuple[CompiledYear, str]:
    """`compile_records` and where its carried_over came from ("records" or "report:<pk>")."""
    carried, origin = carry_source(agency, year)
    compiled = compile_year(year, _applications(agency, year), _cases(agency), t2_records(agency, year), carried_over=carried)
    return compiled, origin


def compile_records(agency: Any, year: int) -> CompiledYear:
    """表二/三/四 of `year` from this office's records (carried_over per `carry_source`).
    Raises `xxgk.office.compile.CompileError` listing every record that cannot be counted."""
    return compile_with_origin(agency, year)[0]


def fee_figures(agency: Any, year: int) -> dict[str, Any]:
    """信息处理费 of the year (report-json.md `extra.fees`): fee notices received by the applicant in
    the year, their amount, and the amounts paid in the year (元, decimal strings)."""
    n, amount, paid = 0, Decimal("0"), Decimal("0")
    # Summed here, not with SUM(): SQLite adds decimals as floats.
    for on, value, paid_on in (ApplicationEvent.objects.filter(application__agency=agency, kind="fee_notice")
                               .filter(Q(on__year=year) | Q(paid_on__year=year))
                               .values_list("on", "amount_yuan", "paid_on")):
        value = value or Decimal("0")
        if on.year == year:
            n, amount = n + 1, amount + value
        if paid_on is not None and paid_on.year == year:
            paid += value
    cent = Decimal("0.01")
    return {"notices": n, "notice_amount_yuan": format(amount.quantize(cent), "f"),
            "collected_yuan": format(paid.quantize(cent), "f")}


def _plain(values: Mapping[str, Any]) -> dict[str, Any]:
    """Cell values for JSON: ints as they are, the fee (a decimal string) as it is."""
    return {k: (v if isinstance(v, (int, str)) or v is None else str(v)) for k, v in values.items()}


def close_year(agency: Any, year: int, user: Any, *, request: Any = None) -> YearReport:
    """Compile `year` into the agency's `YearReport` (created on first close): values, fee figures,
    sections (edited ones kept, untouched ones redrafted), compiled_at. Refused (YearError) while the
    year is approved or published: reopen it first. A report under review whose numbers change goes
    back to draft. Raises CompileError for records that cannot be counted. Fee figures that
    contradict 表三 do not stop the compile (`fee_conflict` blocks the approval instead)."""
    compiled, origin = compile_with_origin(agency, year)
    fees = fee_figures(agency, year)
    drafted = _to_report(compiled, agency.name, {}, fees).sections
    with transaction.atomic():
        yr, created = YearReport.objects.select_for_update().get_or_create(
            agency=agency, year=year, defaults={"created_by": user if getattr(user, "pk", None) else None})
        if yr.state in ("approved", "published"):
            raise YearError(_("The %(year)s report is %(state)s: reopen it before compiling again.")
                            % {"year": year, "state": yr.get_state_display()})
        edited = [k for k in K.SECTION_KEYS if (yr.sections.get(k) or "").strip() and yr.sections.get(k) != yr.drafted.get(k)]
        values = _plain(compiled.values)
        changed = sorted(k for k in values if yr.values.get(k) != values[k]) if yr.values else []
        yr.values, yr.fees, yr.drafted = values, fees, drafted
        yr.open_at_end = {c: compiled.refs(f"t3.carried_forward.{c}") for c in K.T3_APPLICANT_COLUMNS}
        yr.sections = {k: (yr.sections[k] if k in edited else drafted[k]) for k in K.SECTION_KEYS}
        yr.carried_over_from = origin
        yr.compiled_at = timezone.now()
        before = yr.state
        if yr.state == "review" and changed:
            yr.state = "draft"
        yr.save()
        record("office.year.compile", user=user, request=request, target=yr, agency_path=agency.path, year=year,
               created=created, carried_over_from=origin, changed=changed[:50], changed_count=len(changed),
               kept_sections=edited, state_before=before, state=yr.state)
    return yr


# --- the report ---------------------------------------------------------------------------------


def report_of(yr: YearReport) -> Any:
    """The xxgk Report of the year as stored: the compiled values, the edited sections, the fees."""
    origin = "report" if yr.carried_over_from.startswith("report:") else "records"
    compiled = CompiledYear(yr.year, dict(yr.values), {}, origin)  # type: ignore[arg-type]
    return _to_report(compiled, yr.agency.name, yr.sections, yr.fees or None)


def _to_report(compiled: CompiledYear, agency_name: str, sections: Mapping[str, str], fees: Any) -> Any:
    """`compiled.to_report`, without the fee figures when they contradict 表三 (an application
    closed for an unpaid fee, yet no fee notice in the year): section 六 then gets a placeholder
    and `fee_conflict` names the contradiction, which blocks approval until the records agree."""
    try:
        return compiled.to_report(agency_name, compiled.year, sections, fees=fees)
    except ValueError:
        if fees is None:
            raise
        return compiled.to_report(agency_name, compiled.year, sections)


def fee_conflict(yr: YearReport) -> str:
    """Why the year's fee figures cannot stand beside 表三 ("" when they can)."""
    from xxgk.report.narrative import FeeFigures

    unpaid = yr.values.get("t3.other_fee_unpaid.total") or 0
    try:
        figures = FeeFigures.from_mapping(yr.fees) if yr.fees else None
    except (ValueError, KeyError) as e:
        return str(e)
    if figures is not None and figures.notices == 0 and unpaid:
        return _("%(n)s applications were closed for an unpaid fee, but no fee notice of the year is recorded.") % {"n": unpaid}
    return ""


def render_report(yr: YearReport, fmt: str) -> bytes:
    """The report in the official layout (errors allowed: a draft that does not add up still prints)."""
    import xxgk

    if fmt not in FORMATS:
        raise ValueError(fmt)
    return xxgk.render(report_of(yr), fmt, allow_errors=True)


def problems(yr: YearReport) -> dict[str, Any]:
    """What stands between the year and its approval: placeholders per section, identity errors."""
    report = report_of(yr)
    holders = {k: find_placeholders(report.sections.get(k, "")) for k in K.SECTION_KEYS}
    errors = [f for f in report.check() if f.severity == "error"]
    fees = fee_conflict(yr)
    return {"placeholders": {k: v for k, v in holders.items() if v}, "errors": errors, "fees": fees,
            "count": sum(len(v) for v in holders.values()) + len(errors) + (1 if fees else 0)}


def _transition(yr: YearReport, user: Any, request: Any, action: str, allowed: tuple[str, ...], to: str,
                **details: Any) -> YearReport:
    with transaction.atomic():
        locked = YearReport.objects.select_for_update().get(pk=yr.pk)
        if locked.state not in allowed:
            raise YearError(_("This step is not possible while the report is %(state)s.") % {"state": locked.get_state_display()})
        before = locked.state
        for name, value in details.pop("fields", {}).items():
            setattr(locked, name, value)
        locked.state = to
        locked.save()
        record(f"office.year.{action}", user=user, request=request, target=locked, agency_path=locked.agency.path,
               year=locked.year, state_before=before, state=to, **details)
    return locked


def save_sections(yr: YearReport, user: Any, sections: Mapping[str, str], *, request: Any = None) -> YearReport:
    """The clerk's text of the sections (only while draft). Line ends are normalised (a browser
    posts CRLF), so an untouched section still equals its draft."""
    clean: dict[str, str] = {}
    for k in K.SECTION_KEYS:
        if k in sections:
            text = str(sections[k]).replace("\r\n", "\n").replace("\r", "\n")
            if len(text) > MAX_SECTION:
                raise YearError(_("A section may hold at most %(n)s characters.") % {"n": MAX_SECTION})
            clean[k] = text
    with transaction.atomic():
        locked = YearReport.objects.select_for_update().get(pk=yr.pk)
        if locked.state != "draft":
            raise YearError(_("The sections can be edited only while the report is a draft."))
        changed = sorted(k for k, v in clean.items() if locked.sections.get(k) != v)
        locked.sections = {**locked.sections, **clean}
        locked.save(update_fields=["sections"])
        record("office.year.sections", user=user, request=request, target=locked, agency_path=locked.agency.path,
               year=locked.year, sections=changed)
    return locked


def submit(yr: YearReport, user: Any, *, request: Any = None) -> YearReport:
    """draft → review (the clerk hands the report to the reviewer)."""
    if yr.compiled_at is None:
        raise YearError(_("Compile the year before submitting it."))
    return _transition(yr, user, request, "submit", ("draft",), "review", fields={"note": "", "reviewed_by_name": ""})


def sign_review(yr: YearReport, user: Any, *, request: Any = None) -> YearReport:
    """The reviewer signs the review (the report stays in review, for the head to approve)."""
    return _transition(yr, user, request, "sign", ("review",), "review", fields={"reviewed_by_name": _user_name(user)})


def return_to_draft(yr: YearReport, user: Any, note: str, *, request: Any = None) -> YearReport:
    """review → draft, with the reviewer's note (required: the clerk must know what to change)."""
    note = (note or "").strip()
    if not note:
        raise YearError(_("Say why the report is returned."))
    return _transition(yr, user, request, "return", ("review",), "draft", note=note[:2000],
                       fields={"note": note[:5000], "reviewed_by_name": ""})


def approve(yr: YearReport, user: Any, *, request: Any = None) -> YearReport:
    """review → approved (the head). Refused while a section holds a 【…】 placeholder or an identity
    of the tables fails."""
    found = problems(yr)
    if found["placeholders"]:
        names = "、".join(_section_title(k) for k in found["placeholders"])
        raise YearError(_("%(n)s placeholders 【…】 remain, in: %(sections)s. Fill them in before approving.")
                        % {"n": sum(len(v) for v in found["placeholders"].values()), "sections": names})
    if found["fees"]:
        raise YearError(found["fees"])
    if found["errors"]:
        raise YearError(_("The tables fail %(n)s checks: %(first)s")
                        % {"n": len(found["errors"]), "first": found["errors"][0].message})
    name = _user_name(user)
    return _transition(yr, user, request, "approve", ("review",), "approved",
                       fields={"approved_by_name": name, "reviewed_by_name": yr.reviewed_by_name or name})


def publish(yr: YearReport, user: Any, *, request: Any = None) -> YearReport:
    """approved → published (the head): the report rendered as DOCX, read back by xxgk's readers
    and filed in the store as the agency's active version of the year (`xxgk.store.compiled.publish`,
    which refuses if any number reads back differently). Raises YearError with its message."""
    import xxgk
    from xxgk.store.compiled import PublishError
    from xxgk.store.compiled import publish as file_in_store

    if yr.state != "approved":
        raise YearError(_("Only an approved report can be published."))
    data = xxgk.render(report_of(yr), "docx")
    name = f"{yr.agency.name}{yr.year}年政府信息公开工作年度报告.docx"
    with transaction.atomic():
        locked = YearReport.objects.select_for_update().get(pk=yr.pk)
        if locked.state != "approved":
            raise YearError(_("Only an approved report can be published."))
        try:
            version = file_in_store(locked.agency, locked.year, name=name, data=data, author=_user_name(user),
                                    note=_("Compiled from the office records, approved by %(name)s") % {"name": locked.approved_by_name},
                                    expected=locked.values)
        except PublishError as e:
            raise YearError(str(e)) from None
        locked.state, locked.version, locked.published_at = "published", version, timezone.now()
        locked.save()
        record("office.year.publish", user=user, request=request, target=locked, agency_path=locked.agency.path,
               year=locked.year, state_before="approved", state="published", version=version.pk,
               store_report=version.report_id, sha256=version.sha256)
    return locked


def reopen(yr: YearReport, user: Any, note: str, *, request: Any = None) -> YearReport:
    """approved / published → draft (the head), with the reason; a published version stays in the
    store until the year is published again."""
    note = (note or "").strip()
    if not note:
        raise YearError(_("Say why the report is reopened."))
    return _transition(yr, user, request, "reopen", ("approved", "published"), "draft", note=note[:2000],
                       fields={"note": note[:5000], "approved_by_name": "", "reviewed_by_name": ""})


def _section_title(key: str) -> str:
    return K.SECTION_TITLES.get(key, key)
