"""Assembly: a page's ruled tables, tables without rules and paragraphs in reading order, and the
pages of a document joined.

Any text line outside a table is a paragraph, its wrapped lines joined. A ruled table row broken
across a page break (its label continued at the top of the next page, its values on one side only) is
joined back into one row."""

from __future__ import annotations

import re

from ...report.values import is_value_token
from .. import blocks as B
from .chrome import drop_margins
from .grids import ruled
from .lines import BOTTOM, SIZE, TEXT, TOP, X0, X1, bbox_of, group_lines, is_cjk, line_text, split_pieces
from .objects import Char, Page
from .tolerances import PARA_GAP, PARA_RIGHT, PARA_SIZE
from .unruled import Piece, borderless, regions

__all__ = ["assemble", "page_blocks"]


def page_blocks(page: Page) -> list[tuple[float, B.Block]]:
    """(top, block) for the page's tables and text, in reading order."""
    out: list[tuple[float, B.Block]] = list(page.tables)
    lines = page.lines
    if not lines:
        return out
    pieces = [[Piece(p) for p in split_pieces(line)] for line in lines]
    left = min(min(map(X0, line)) for line in lines)
    right = max(max(map(X1, line)) for line in lines)
    # The text column's right edge: the longest line's, or a ruled table's (as wide as the column) on a
    # page whose few text lines are all short, lest a heading there seem to run to the edge and wrap
    # into the paragraph under it.
    for _, table in page.tables:
        right = max(right, max(cell.where["bbox"][2] for cell in table.rows[0]))
    spans = regions(lines, pieces, left, right)
    taken = [False] * len(lines)
    for s, e in spans:
        out.extend(borderless(lines[s:e], pieces[s:e], page.number))
        for k in range(s, e):
            taken[k] = True
    prev: tuple[B.Para, list[Char]] | None = None
    for k, line in enumerate(lines):
        if taken[k]:
            prev = None
            continue
        text = line_text(line)
        top = min(map(TOP, line))
        if prev is not None and _continues(prev[1], line, right):
            para, last = prev
            para.text += ("" if is_cjk(para.text[-1]) or is_cjk(text[0]) else " ") + text
            para.where["bbox"] = bbox_of(last + line)  # the paragraph's box so far
            prev = (para, last + line)
            continue
        para = B.Para(text, {"page": page.number, "bbox": bbox_of(line)})
        out.append((top, para))
        prev = (para, line)
    out.sort(key=lambda tb: tb[0])
    return out


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|第[一二三四五六七八九十]+[章部分条]|\d{1,2}\s*[、.．])")


def _continues(prev: list[Char], line: list[Char], right: float) -> bool:
    """True if `line` is the wrapped continuation of the paragraph whose last line is `prev`: that line
    runs to the right edge of the page's text, the font size is the same, the gap is under one line,
    and `line` does not start like a heading."""
    size = max(map(SIZE, prev))
    if abs(max(map(SIZE, line)) - size) > PARA_SIZE:
        return False
    if max(map(X1, prev)) < right - PARA_RIGHT * size:
        return False
    if min(map(TOP, line)) - max(map(BOTTOM, prev)) > PARA_GAP * size:
        return False
    text = "".join(map(TEXT, line))
    return not _HEADING.match(text)


def assemble(pages: list[Page], scanned: dict[int, list[B.Block]]) -> list[B.Block]:
    """Ruled tables, margins dropped, text blocks per logical page (a flip-book sheet's halves are
    two); then rows broken across pages joined."""
    for page in pages:
        page.lines = group_lines(ruled(page))
    drop_margins(pages)
    ruled_ids = {id(t) for page in pages for _, t in page.tables}
    logical = [(page.number, [b for _, b in page_blocks(page)]) for page in pages]
    logical += list(scanned.items())
    logical.sort(key=lambda nb: nb[0])  # stable: a sheet's left half stays before its right half
    _join_split_rows([blocks for _, blocks in logical], ruled_ids)
    return [b for _, blocks in logical for b in blocks]


def _join_split_rows(pages: list[list[B.Block]], ruled_ids: set[int]) -> None:
    """A table row broken by a page break (Word's "allow row to break across pages"): the first row of
    a ruled table opening a page continues the last row of the ruled table closing the page before
    when its cells line up with that row's (or are empty: the continuation of a cell merged down from
    an earlier row) and no column has a value in both parts. The parts are joined cell by cell (the
    cell keeps its first part's location) and the continuation row is removed."""
    for before, after in zip(pages, pages[1:]):
        if not before or not after:
            continue
        t1, t2 = before[-1], after[0]
        if not (isinstance(t1, B.Table) and isinstance(t2, B.Table) and id(t1) in ruled_ids and id(t2) in ruled_ids and t1.rows and t2.rows):
            continue
        r1, r2 = t1.rows[-1], t2.rows[0]
        pairs = _row_continuation(r1, r2, _right(r1) - _right(r2))
        if pairs is None:
            continue
        for c1, c2 in pairs:
            c1.text = c1.text.strip() + c2.text.strip()
        del t2.rows[0]
        if not t2.rows:
            del after[0]


def _right(row: list[B.GridCell]) -> float:
    """A ruled row's right edge: the table's (cells merged down from above sit on the left), which
    its parts on two pages, or on two halves of a sheet, share up to a shift."""
    return max(c.where["bbox"][2] for c in row)


def _row_continuation(r1: list[B.GridCell], r2: list[B.GridCell], shift: float) -> list[tuple[B.GridCell, B.GridCell]] | None:
    """The (first part, continuation) cell pairs when `r2` (moved right by `shift`) continues `r1`."""
    pairs: list[tuple[B.GridCell, B.GridCell]] = []
    values = [0, 0]
    for c2 in r2:
        b0, _, b1, _ = c2.where["bbox"]
        b0, b1 = b0 + shift, b1 + shift
        c1 = next((c for c in r1 if abs(c.where["bbox"][0] - b0) <= 2 and abs(c.where["bbox"][2] - b1) <= 2), None)
        t2 = c2.text.strip()
        if c1 is None:
            if t2:
                return None
            continue
        t1 = c1.text.strip()
        v1, v2 = bool(t1) and is_value_token(t1), bool(t2) and is_value_token(t2)
        if t1 and t2 and (v1 or v2):
            return None
        values[0] += v1
        values[1] += v2
        if t2:
            pairs.append((c1, c2))
    if not pairs or (values[0] > 0) == (values[1] > 0):
        return None
    return pairs
