"""Documents made of paragraphs and tables (HTML, DOCX, PDF after layout) → Report.

Such a reader only has to say what the document's blocks are. They are laid out as the text
reader's input, one line per paragraph and one tab-separated line per table row (a merged cell
appears once, at its first row and column, as published copies flatten it), so that label matching,
window resolution and checks are the same code for every input. Each cell's `{"line", "col"}` is
then mapped back to where it sits in the source: `{"table", "row", "col"}` for a grid cell, the
paragraph's own location for text.

Blank cells. Flat text cannot tell a blank data cell at the edge of a row's values (`规章 | (blank) | 0 |
0`, or a blank 总计 at the end) from a merged-cell placeholder or a column the row does not use, so the
text reader drops such blanks. A grid knows more: each cell's grid column. An empty cell is an
*optional blank* when its row holds at least one value, it stands after the row's last text cell
(its label), and its grid column is a value column for that row: one holding a value in a row under
the same header rows, or named by those headers and holding no row label (`_value_columns`). The
text reader turns it into an optional blank token (`Token.optional`), which assignment uses as a
blank data cell only where that is the one reading that gives the row its number of columns
(`assign._settle`); where it is not, the row is read as without it (a finding, never a guess). A row
with no value at all (a header, a group label, or a row left wholly blank) marks nothing: it is read
as before. A PDF's ruled table has no grid columns in its `where` (a bbox in points), but its cells
tile each row, so the rank of a cell's left edge among the table's is its column (`_ruled_cols`);
an unruled table's cells are text boxes and get none. Spreadsheets: the XLSX reader does not keep a row's trailing empty cells, so a table
addressed by `{"cell": "C12"}` gets them back here, as optional blanks at the value columns past
the row's end.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..report.model import Report
from ..report.values import is_value_token
from .text import parse_text

#: What ends a line for the text reader (`str.splitlines`). layout() must split paragraphs and flatten
#: cells on exactly these, or its spans and the reader's line numbers disagree: a cell holding \x1c or
#: \x85 (NEL) became two reader lines and an IndexError in parse_blocks (fuzz, issue 13).
_LINE_BOUNDARY = re.compile(r"\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]+")
_ADDRESS = re.compile(r"([A-Z]{1,3})([0-9]+)")


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
    #: An empty grid cell that may be a blank data cell (module docstring).
    optional: bool = False


def layout(blocks: Iterable[Block]) -> tuple[str, list[list[_Span]]]:
    """The text the text reader sees, and for each of its lines the source location of each span."""
    lines: list[str] = []
    spans: list[list[_Span]] = []
    for block in blocks:
        if isinstance(block, Para):
            for part in _LINE_BOUNDARY.split(block.text):
                lines.append(part)
                spans.append([_Span(0, len(part), block.where)])
            continue
        # A cell's own line breaks are wrapping, not structure: keep it one grid cell.
        rows = [[_BREAKS.sub(" ", c.text).strip() for c in row] for row in block.rows]
        marks = _optional_blanks(block, rows)
        for r, (row, texts) in enumerate(zip(block.rows, rows)):
            row_spans: list[_Span] = []
            pos = 0
            flags, extra = marks[r] if marks else (None, None)
            for i, (cell, t) in enumerate(zip(row, texts)):
                row_spans.append(_Span(pos, pos + len(t), cell.where, flags[i]) if flags else _Span(pos, pos + len(t), cell.where))
                pos += len(t) + 1
            if extra:
                for where in extra:
                    row_spans.append(_Span(pos, pos, where, True))
                    pos += 1
                texts = texts + [""] * len(extra)
            lines.append("\t".join(texts))
            spans.append(row_spans)
    return "\n".join(lines), spans


def _optional_blanks(table: Table, texts: list[list[str]]) -> list[tuple[list[bool] | None, list[dict[str, Any]] | None]] | None:
    """Per row: which of its cells are optional blanks, and the `where` of the optional blanks to
    add at its end (a spreadsheet's trailing empty cells); None when the table has none (module
    docstring)."""
    sheet = bool(table.rows) and bool(table.rows[0]) and "cell" in table.rows[0][0].where
    if not sheet and all(all(ts) for ts in texts):
        return None  # no empty cell: nothing to mark
    cols = [[_grid_col(c.where) for c in row] for row in table.rows]
    if any(c is None for rc in cols for c in rc):
        cols = _ruled_cols(table)  # type: ignore[assignment]
        if cols is None:
            return None  # no grid columns (unruled PDF, OCR): nothing is known about positions
    is_value = [[bool(t) and is_value_token(t) for t in ts] for ts in texts]
    if not any(v for rv in is_value for v in rv):
        return None
    out: list[tuple[list[bool] | None, list[dict[str, Any]] | None]] = []
    for n, value_cols in _value_columns(texts, cols, is_value):  # type: ignore[arg-type]
        ts, rc, rv = texts[n], cols[n], is_value[n]
        if not value_cols or (not sheet and all(ts)):
            out.append((None, None))
            continue
        label_end = max((i for i, t in enumerate(ts) if t and not rv[i]), default=-1)
        flags = [i > label_end and not t and rc[i] in value_cols for i, t in enumerate(ts)]
        extra = None
        if sheet:  # a spreadsheet row: its trailing empty cells were not kept
            last = table.rows[n][-1].where
            extra = [_at_col(last, c) for c in sorted(value_cols) if c > rc[-1]]  # type: ignore[operator]
        out.append((flags, extra))
    return out


def _value_columns(texts: list[list[str]], cols: list[list[int]], is_value: list[list[bool]]) -> list[tuple[int, set[int]]]:
    """(row index, value columns) of each row; no value columns for a row without a value.

    A *header row* has no value and text over a column holding values somewhere in the table. Each
    run of consecutive header rows heads the rows below it, up to the next run: their value columns
    are those holding a value in one of these rows, and those the headers name (a non-empty header
    cell: 表四's single row of values leaves a blank 总计 named by its header only) unless a row
    below has label text there. Rows above every header use the columns holding a value anywhere.
    A column a header leaves empty, or fills with the text of the column on its left (a merged cell
    flattened), is no value column below it (2019 表二's two-column blocks in a four-column grid)."""
    anywhere = {c for rc, rv in zip(cols, is_value) for c, v in zip(rc, rv) if v}
    header = [not any(rv) and any(t and c in anywhere for c, t in zip(rc, ts)) for ts, rc, rv in zip(texts, cols, is_value)]
    # Segments: the rows headed by one run of header rows (the first segment may have none).
    segments: list[list[int]] = [[]]
    for n, h in enumerate(header):
        if h and not (n and header[n - 1]):
            segments.append([])
        segments[-1].append(n)
    out: list[tuple[int, set[int]]] = []
    for seg in segments:
        heads = [n for n in seg if header[n]]
        data = [n for n in seg if any(is_value[n])]
        if heads:
            # A header repeated in the next column is one merged cell, flattened: it names one column.
            named = {c for n in heads for i, (c, t) in enumerate(zip(cols[n], texts[n])) if t and not (i and t == texts[n][i - 1])}
            labels = {c for n in data for c, t, v in zip(cols[n], texts[n], is_value[n]) if t and not v}
            values = {c for n in data for c, v in zip(cols[n], is_value[n]) if v}
            value_cols = values | (named - labels)
        else:
            value_cols = anywhere
        data_rows = set(data)
        out.extend((n, value_cols if n in data_rows else set()) for n in seg)
    return out


def _grid_col(where: dict[str, Any]) -> int | None:
    """The 0-based grid column of a cell: `col`, or the column of a spreadsheet address."""
    col = where.get("col")
    if isinstance(col, int):
        return col
    addr = where.get("cell")
    m = _ADDRESS.fullmatch(addr) if isinstance(addr, str) else None
    if m is None:
        return None
    n = 0
    for ch in m.group(1):
        n = n * 26 + ord(ch) - 64
    return n - 1


#: Points by which two ruled cells' shared edge may differ (the PDF reader rounds grid lines to 0.01).
_EDGE_TOL = 0.02


def _ruled_cols(table: Table) -> list[list[int]] | None:
    """Grid columns of a table whose cells are boxes of a ruled grid (`where["bbox"]`, a PDF's ruled
    table): each cell's column is the rank of its left edge among the table's left edges, so a merged
    cell has the column of its first grid column, as in HTML. Only when every row tiles (each cell
    starts where the one before it ends): the cells of an unruled table are their text's boxes, with
    gaps between them, whose left edges name no column. None otherwise."""
    boxes: list[list[Sequence[float]]] = []
    for row in table.rows:
        row_boxes = []
        for cell in row:
            bbox = cell.where.get("bbox")
            if not isinstance(bbox, (list, tuple)) or len(bbox) != 4:
                return None
            row_boxes.append(bbox)
        if any(abs(a[2] - b[0]) > _EDGE_TOL for a, b in zip(row_boxes, row_boxes[1:])):
            return None
        boxes.append(row_boxes)
    edges: list[float] = []
    for x in sorted(b[0] for rb in boxes for b in rb):
        if not edges or x - edges[-1] > _EDGE_TOL:
            edges.append(x)
    return [[min(range(len(edges)), key=lambda i: abs(edges[i] - b[0])) for b in rb] for rb in boxes]


def _at_col(where: dict[str, Any], col: int) -> dict[str, Any]:
    """A spreadsheet cell's `where`, moved to column `col` of its row."""
    letters = ""
    n = col + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return {**where, "cell": letters + _ADDRESS.fullmatch(where["cell"]).group(2)}  # type: ignore[union-attr]


def parse_blocks(blocks: Sequence[Block], *, name: str, kind: str, whole: bool = False) -> Report:
    """Parse a block document; every cell's `where` points into the source, not the laid-out text.
    `whole`: see `text.parse_text` (scans: all pages were read, so no truncation refusal)."""
    text, spans = layout(blocks)
    optional = {n: tuple(s.start for s in line if s.optional) for n, line in enumerate(spans, 1) if any(s.optional for s in line)}
    report = parse_text(text, name=name, optional_blanks=optional, whole=whole)
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
