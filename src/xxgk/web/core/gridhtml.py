"""A writers' grid (`xxgk.write.grid`) as an HTML table, shared by the supervision report page and
the office's year page: header cells as `<th>`, merged cells as rowspan/colspan, notes, and each
value cell a `<td data-key=…>` whose content the caller decides (a link to the source panel, to the
records behind the number …).

Written here rather than in a template because a 2021 report has 200 value cells and 300 more:
Django's template engine took ~40 ms for them, this ~2 ms (the report page's budget is 100 ms).
Every text is escaped (a report's labels and values are untrusted)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape  # the stdlib's: Django's lazy-aware wrapper costs 5 µs a call, 500 calls a grid
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from xxgk.report.checks import cell_label
from xxgk.write.grid import Grid


def span(c: Any) -> str:
    return (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")


def grid_table(grid: Grid, value_cell: Callable[[str, str], tuple[str, str]]) -> SafeString:
    """The table; `value_cell(key, text)` (the cell's key as is, its text escaped) gives a value
    cell's extra classes (" st-error" …) and its inner HTML, which the caller escapes as it builds it."""
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
                cls, inner = value_cell(c.key, text)
                out.append(f'<td data-key="{escape(c.key)}" class="v{cls}" title="{escape(cell_label(c.key))}"{span(c)}>'
                           f"{inner}</td>")
            elif c.role == "note":
                out.append(f'<td class="note"{span(c)}>{text}</td>')
            else:
                cls = ' class="left"' if c.align == "left" else ""
                out.append(f"<th{span(c)}{cls}>{text}</th>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return mark_safe("".join(out))  # every text above is escaped
