"""What the report page draws, as plain data for the templates: the official grid of 表二/三/四 with
each value cell's key and status, the narrative, and the findings grouped by table.

The grid is the writers' (`xxgk.write.grid`): the page shows exactly the layout the DOCX/PDF/HTML
renderings print, merged header cells included, so a supervisor compares it with the paper at a
glance. Every value cell carries its key (`data-key`), which is what a finding names and what the
highlight script and the source view look up.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape  # the stdlib's: Django's lazy-aware wrapper costs 5 µs a call, 500 calls a grid
from typing import Any

from django.utils.safestring import SafeString

from xxgk.report import keys as K
from xxgk.report.checks import cell_label
from xxgk.write.grid import Grid, is_subheading, outline

from ...core.gridhtml import grid_table

#: A cell key as the contract spells it (t3.granted.total): what a URL or a finding may name.
KEY_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+){1,3}$")
_RANK = {"error": 2, "warning": 1}
#: Stands for the key in a cell URL reversed once for all the cells of a grid.
PLACEHOLDER = "x.placeholder"
#: The order of the findings' groups on the page.
GROUPS = ("t2", "t3", "t4", "narrative", "other")


def valid_keys(keys: Iterable[Any], limit: int = 250) -> list[str]:
    """The well-formed cell keys among `keys`, at most `limit` (a 2021 report has 200 cells)."""
    out: list[str] = []
    for k in keys:
        if isinstance(k, str) and KEY_RE.match(k) and k not in out:
            out.append(k)
            if len(out) >= limit:
                break
    return out


def statuses(findings: Iterable[Any]) -> dict[str, str]:
    """key → "error"/"warning": the worst severity among the findings naming the cell."""
    out: dict[str, str] = {}
    for f in findings:
        for key in f.cells or []:
            if isinstance(key, str) and _RANK.get(f.severity, 0) > _RANK.get(out.get(key, ""), 0):
                out[key] = f.severity
    return out


def group_of(rule: str, cells: Sequence[str]) -> str:
    """The table a finding is listed under: the narrative's own rules (`narrative.*`, `sections.*`,
    renamed or copied sections) first, then the table of the first cell it names, then its rule's
    prefix; anything else is "other"."""
    if rule.startswith(("narrative.", "sections.")) or rule in ("quality.section_renamed", "quality.narrative_duplicate"):
        return "narrative"
    for key in cells or []:
        table = str(key).split(".", 1)[0]
        if table in ("t2", "t2_2019"):
            return "t2"
        if table in ("t3", "t4"):
            return table
    prefix = rule.split(".", 1)[0]
    return prefix if prefix in ("t2", "t3", "t4") else "other"


@dataclass
class Group:
    name: str
    findings: list[Any] = field(default_factory=list)

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


def grouped(findings: Iterable[Any]) -> list[Group]:
    """The findings by table, errors before warnings; every group listed, empty ones too (a table
    with nothing to say is something a supervisor wants to see said)."""
    groups = {name: Group(name) for name in GROUPS}
    for f in sorted(findings, key=lambda f: (-_RANK.get(f.severity, 0), f.pk or 0)):
        groups[group_of(f.rule, f.cells or [])].findings.append(f)
    return list(groups.values())


def grid_html(grid: Grid, status: dict[str, str], highlight: set[str], cell_url: str, page_url: str) -> SafeString:
    """The table as HTML (`core.gridhtml`), each value cell classed by status (`st-error`,
    `st-warning`) and highlight (`hl`), its link opening the cell in the side panel (`cell_url` with
    `PLACEHOLDER` replaced; `page_url` without htmx)."""

    def value_cell(key: str, text: str) -> tuple[str, str]:
        k = escape(key)
        cls = (f" st-{status[key]}" if key in status else "") + (" hl" if key in highlight else "")
        return cls, (f'<a href="{page_url}cell={k}" hx-get="{cell_url.replace(PLACEHOLDER, k)}" '
                     f'hx-target="#source-panel">{text}</a>')

    return grid_table(grid, value_cell)


def document(report: Any, status: dict[str, str], highlight: Iterable[str] = (), *, cell_url: str = "",
             page_url: str = "?") -> dict[str, Any]:
    """The report as the page draws it: title, preface, and each official section with its
    paragraphs (sub-headings marked) and its table (as HTML, `grid_html`)."""
    doc = outline(report)
    hl = set(highlight)
    return {
        "title": doc.title,
        "preface": list(doc.preface),
        "sections": [
            {"key": s.key, "title": s.title, "text": report.sections.get(s.key, ""),
             "paragraphs": [{"text": p, "sub": is_subheading(p)} for p in s.paragraphs],
             "table": grid_html(s.table, status, hl, cell_url, page_url) if s.table is not None else None}
            for s in doc.sections
        ],
    }


def cell_info(report: Any, key: str) -> dict[str, Any]:
    """One cell for the side panel: its label, raw text, value, semantic and where it was read."""
    cell = report.cells.get(key)
    return {
        "key": key, "label": cell_label(key),
        "raw": cell.raw if cell else "", "value": cell.value if cell else None,
        "semantic": cell.semantic if cell else "", "where": cell.where if cell else {},
        "known": key in K.cell_keys(report.table_format),
    }
