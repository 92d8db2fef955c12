"""A line of text split into cells: markdown pipes, tabs, runs of spaces; and the empty cells of a
markdown pipe table that may be blank data cells.

Split out of the text reader so that the one place that knows a layout's separators is small; every
function here keeps each piece's character column (the cell's provenance).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from ..report.values import is_value_token

_UNIT_ONLY = frozenset({"件", "元", "万元", "个", "项", "条", "笔"})


class _NumberedLine(Protocol):
    no: int
    raw: str


def cell_spans(raw: str, sep: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a line split on `sep`."""
    spans = []
    start = 0
    for cell in raw.split(sep):
        end = start + len(cell)
        spans.append((start, end))
        start = end + 1
    if sep == "|":  # drop the empty cells outside the outer pipes
        if spans and not raw[spans[0][0] : spans[0][1]].strip():
            spans = spans[1:]
        if spans and not raw[spans[-1][0] : spans[-1][1]].strip():
            spans = spans[:-1]
    return spans


_NON_SPACE = re.compile(r"\S+")
_HAS_SPACE = re.compile(r"\s")


def pieces(raw: str, start: int, end: int) -> list[tuple[int, str]]:
    """Whitespace-separated pieces of raw[start:end] with their columns; a detached unit ('12 件')
    stays with its number."""
    cell = raw[start:end]
    stripped = cell.strip()
    if not stripped:
        return []
    if len(stripped) == 1 or not _HAS_SPACE.search(stripped):  # the common case: one piece
        return [(start + cell.index(stripped[0]), stripped)]
    out: list[tuple[int, str]] = []
    for m in _NON_SPACE.finditer(raw, start, end):
        p = m.group(0)
        if out and unicodedata.normalize("NFKC", p) in _UNIT_ONLY and is_value_token(out[-1][1]):
            out[-1] = (out[-1][0], raw[out[-1][0] : m.end()])
        else:
            out.append((m.start(), p))
    return out



_PIPE_RULE = re.compile(r"^\s*:?-+:?\s*$")


def pipe_optional_blanks(lines: Sequence[_NumberedLine]) -> dict[int, tuple[int, ...]]:
    """Line number → columns of the empty cells of markdown pipe-table rows that may be blank data
    cells (`| 规章 |  | 0 | 0 |`, a blank 总计 at a row's end), as `blocks` marks a grid's: in a row
    holding a value, after its label, in a column that holds a value in some row of the same pipe
    table. Assignment takes them as blank cells only where that is the one reading that gives the row
    its number of columns (`assign._settle`), so a placeholder of a merged label is never a cell. Flat
    text has no cells to tell such blanks by; a pipe table has."""
    out: dict[int, tuple[int, ...]] = {}
    table: list[tuple[int, _PipeRow]] = []
    for ln in lines:
        row = _pipe_row(ln.raw)
        if row is None:  # a line that is no pipe row ends the table
            if table:
                out.update(_pipe_table_blanks(table))
                table = []
        elif row:  # () is the |---|---| line under the header row
            table.append((ln.no, row))
    if table:
        out.update(_pipe_table_blanks(table))
    return out


#: A pipe row's cells: (first column, is empty, is a value, has text that is not a value).
_PipeRow = tuple[tuple[int, bool, bool, bool], ...]


@functools.lru_cache(maxsize=4096)
def _pipe_row(raw: str) -> _PipeRow | None:
    """The cells of a markdown pipe-table row; () for its |---| rule line; None for any other line."""
    if "\t" in raw or not raw.lstrip().startswith("|") or raw.count("|") < 2:
        return None
    spans = cell_spans(raw, "|")
    if all(_PIPE_RULE.match(raw[a:b]) for a, b in spans):
        return ()
    out = []
    for a, b in spans:
        cell = pieces(raw, a, b)
        value = bool(cell) and all(is_value_token(t) for _, t in cell)
        out.append((a, not cell, value, bool(cell) and not value))
    return tuple(out)


def _pipe_table_blanks(table: list[tuple[int, _PipeRow]]) -> dict[int, tuple[int, ...]]:
    """The optional blanks of one pipe table. Its value columns: those holding a value in some row,
    and those a header row (a row without values) names, unless a row with values has its label
    there: a 总计 column left blank in every row is named by its header alone (`blocks._value_columns`
    does the same for grids, by header segments)."""
    value_cols = {i for _, row in table for i, c in enumerate(row) if c[2]}
    named = {i for _, row in table if not any(c[2] for c in row) for i, c in enumerate(row) if not c[1]}
    labels = {i for _, row in table if any(c[2] for c in row) for i, c in enumerate(row) if c[3]}
    value_cols |= named - labels
    out: dict[int, tuple[int, ...]] = {}
    for no, row in table:
        if not any(c[2] for c in row):
            continue
        label_end = max((i for i, c in enumerate(row) if c[3]), default=-1)
        cols = tuple(c[0] for i, c in enumerate(row) if i > label_end and c[1] and i in value_cols)
        if cols:
            out[no] = cols
    return out
