"""The report as Markdown: headings, paragraphs and pipe tables.

Markdown has no merged cells, so each table is printed as its grid flattened the way published
copies flatten it (and the way every xxgk reader sees a table): a merged cell's text once, at its
first row and column, and an empty cell at every other position it covers. The first grid row is
the pipe table's header row. That keeps every row of a table the same width, which is what both
Markdown renderers and xxgk's text reader rely on.

Paragraphs are written as they are, not escaped: the file is for people and for xxgk's own reader,
and an escaped "\\#" would read back as different text. Only "|" inside a table cell is escaped.
"""

from __future__ import annotations

from typing import Any

from ..report.model import Report
from . import grid as G


def write(report: Report, **options: Any) -> bytes:
    """UTF-8 Markdown (no options yet; accepted for the common writer signature)."""
    doc = G.outline(report)
    out: list[str] = [f"# {doc.title}", ""]
    for p in doc.preface:
        out += [p, ""]
    for section in doc.sections:
        out += [f"## {section.title}", ""]
        for p in section.paragraphs:
            out += [f"### {p}" if G.is_subheading(p) else p, ""]
        if section.table is not None:
            out += [*table(section.table), ""]
    return ("\n".join(out).rstrip("\n") + "\n").encode("utf-8")


def table(grid: G.Grid) -> list[str]:
    """The grid as pipe-table lines (header row, separator, body rows)."""
    rows: list[list[str]] = []
    for r in range(grid.n_rows):
        row = [""] * grid.n_cols
        for cell, first in grid.segments(r):
            if first:
                row[cell.col] = cell.text
        rows.append(row)
    lines = [_pipe(rows[0]), _pipe(["---"] * grid.n_cols)]
    lines += [_pipe(row) for row in rows[1:]]
    return lines


def _pipe(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |"
