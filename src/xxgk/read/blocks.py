"""Documents made of paragraphs and tables (HTML, DOCX, PDF after layout) → Report.

Such a reader only has to say what the document's blocks are. They are laid out as the text
reader's input, one line per paragraph and one tab-separated line per table row (a merged cell
appears once, at its first row and column, as published copies flatten it), so that label matching,
window resolution and checks are the same code for every input. Each cell's `{"line", "col"}` is
then mapped back to where it sits in the source: `{"table", "row", "col"}` for a grid cell, the
paragraph's own location for text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..report.model import Report
from .text import parse_text

_BREAKS = re.compile(r"[\t\r\n\u2028\u2029\x0b\x0c]+")


@dataclass
class Para:
    text: str
    where: dict[str, Any] = field(default_factory=dict)


@dataclass
class GridCell:
    text: str
    #: {"table": t, "row": r, "col": c}, 0-based, in the source's own grid.
    where: dict[str, Any]


@dataclass
class Table:
    #: Visual rows; a merged cell only in the first row and column it covers.
    rows: list[list[GridCell]]


Block = Para | Table


@dataclass
class _Span:
    start: int
    end: int
    where: dict[str, Any]


def layout(blocks: Iterable[Block]) -> tuple[str, list[list[_Span]]]:
    """The text the text reader sees, and for each of its lines the source location of each span."""
    lines: list[str] = []
    spans: list[list[_Span]] = []
    for block in blocks:
        if isinstance(block, Para):
            for part in block.text.split("\n"):
                lines.append(part)
                spans.append([_Span(0, len(part), block.where)])
            continue
        for row in block.rows:
            texts: list[str] = []
            row_spans: list[_Span] = []
            pos = 0
            for cell in row:
                # A cell's own line breaks are wrapping, not structure: keep it one grid cell.
                t = _BREAKS.sub(" ", cell.text).strip()
                row_spans.append(_Span(pos, pos + len(t), cell.where))
                texts.append(t)
                pos += len(t) + 1
            lines.append("\t".join(texts))
            spans.append(row_spans)
    return "\n".join(lines), spans


def parse_blocks(blocks: Sequence[Block], *, name: str, kind: str) -> Report:
    """Parse a block document; every cell's `where` points into the source, not the laid-out text."""
    text, spans = layout(blocks)
    report = parse_text(text, name=name)
    for cell in report.cells.values():
        line, col = cell.where.get("line"), cell.where.get("col")
        if line is None:
            continue
        cell.where = dict(_locate(spans[line - 1], col or 0))
    report.source = {**report.source, "kind": kind}
    return report


def _locate(line_spans: list[_Span], col: int) -> dict[str, Any]:
    """The source location of the span holding column `col`.

    A column outside every span means layout() and the text reader disagree about the text: a bug,
    so raise (the CLI reports an internal error) rather than point the cell at a neighbour."""
    for span in line_spans:
        if span.start <= col <= span.end:
            return span.where
    raise RuntimeError(f"internal: column {col} lies in no source span of its line")
