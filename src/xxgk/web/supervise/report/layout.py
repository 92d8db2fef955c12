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

from django.utils.safestring import SafeString, mark_safe

from xxgk.report import keys as K
from xxgk.report.checks import cell_label
from xxgk.write.grid import Grid, is_subheading, outline

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


def _span(c: Any) -> str:
    return (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")


def grid_html(grid: Grid, status: dict[str, str], highlight: set[str], cell_url: str, page_url: str) -> SafeString:
    """The table as HTML: header cells as `<th>`, merged cells as rowspan/colspan, each value cell a
    `<td data-key=…>` classed by status (`st-error`, `st-warning`) and highlight (`hl`) whose link
    opens the cell in the side panel (`cell_url` with `PLACEHOLDER` replaced; `page_url` without htmx).

    Written here rather than in a template because a 2021 report has 200 value cells and 300 more:
    Django's template engine took ~40 ms for them, this ~2 ms (the report page's budget is 100 ms).
    Every text is escaped (a report's labels and values are untrusted)."""
    out = [f'<div class="table-wrap"><table class="grid grid-{grid.name}" id="grid-{grid.name}">',
           f"<caption>{escape(grid.title)}</caption>"]
    for r, row in enumerate(grid.rows):
        if r == 0 and grid.header_rows:
            out.append("<thead>")
        if r == grid.header_rows:
            out.append("</thead><tbody>" if grid.header_rows else "<tbody>")
        out.append("<tr>")
        for c in row:
            text = escape(c.text)
            if c.role == "value" and c.key:
                key = escape(c.key)
                cls = "v" + (f" st-{status[c.key]}" if c.key in status else "") + (" hl" if c.key in highlight else "")
                out.append(f'<td data-key="{key}" class="{cls}" title="{escape(cell_label(c.key))}"{_span(c)}>'
                           f'<a href="{page_url}cell={key}" hx-get="{cell_url.replace(PLACEHOLDER, key)}" '
                           f'hx-target="#source-panel">{text}</a></td>')
            elif c.role == "note":
                out.append(f'<td class="note"{_span(c)}>{text}</td>')
            else:
                cls = ' class="left"' if c.align == "left" else ""
                out.append(f"<th{_span(c)}{cls}>{text}</th>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return mark_safe("".join(out))  # every text above is escaped


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
