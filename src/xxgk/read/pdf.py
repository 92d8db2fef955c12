"""The PDF reader: PDF bytes → Report, for born-digital PDFs (a text layer), scans and mixtures.

Per page, PDFium (pypdfium2's raw API, no Python wrapper objects) gives the characters with their
boxes and the page's path objects. The per-character and per-object loops run in C when the optional
module xxgk/read/_pdfscan.c is built (setup.py, at install), else in Python through ctypes: same
result (tests/read/test_pdfscan.py); the C loops are what lets a Chromium print, one text object per
character, read at 20 reports/s (bench/RESULTS.md).

Ruled tables: a table's ruling lines are the thin path objects (≤ 2 pt across); rules that touch form
one table. Its grid is the distinct rule positions; two neighbouring grid positions belong to one
(merged) cell when no rule segment separates them, and each cell is emitted once, at its first row and
column, as the HTML reader does. Its characters are the ones whose centre lies inside it, read line by
line (so vertical text, one character per line or `writing-mode: vertical-rl`, reads top to bottom).

Everything outside ruled tables is text: characters are grouped into lines (vertical overlap), lines
into pieces (split where the gap exceeds 0.8× the character height). A run of lines with two or more
pieces (with the short lines wrapped between them, and a stacked header's short lines above) is a
table without rules. Its values are the pieces that end a line and read as values (numbers, `/`, `-`;
a value wrapped under itself, '2' over '件', is joined; a value that an overflowing label ran into is
cut off where a value column starts); values that overlap vertically are one row, and the fullest
rows give the columns (a blank between two values stays a blank cell). A label piece goes to the row
it overlaps or, between two rows, to the side of the widest vertical gap in its column (labels centred
on their row and top-aligned ones both read right); a row's label pieces that overlap horizontally are
one cell, read top to bottom. Other pieces over the value columns (headers, captions) are header rows,
the lines of a stacked cell (one character per line) joined. Any other line is a paragraph (wrapped
lines joined).

A ruled table row broken across a page break (its label continued at the top of the next page, its
values on one side only) is joined back into one row.

Removed before that: page numbers ("- 3 -", "第3页", "第 3 页 共 9 页", "3/12") in the top or bottom
6% of a page, and running titles: a line in the top or bottom 10%, set apart from the body (a line's
height or more away, or a header's or footer's rule between), whose text (digits aside) recurs at the
same height on another page; never a line with a value in it (a table row). A landscape page with an
empty vertical gutter near its middle (no character, no rule; at least 6% of the width) is a
flip-book sheet: two logical pages side by side, read left half then right half.

Pages without a text layer (no characters, or fewer than 30 over a page-sized image) are rendered at
200 dpi and read by OCR (`xxgk.read.ocr.ocr_blocks`, needs the `ocr` extra); each such page gets a
`read.page_ocr` warning and every uncertain OCR cell a `read.ocr_uncertain` one.

`where` for every cell and paragraph: `{"page": p, "bbox": [x0, top, x1, bottom]}`, p 1-based, in PDF
points with `top` measured from the top of the page (pdfplumber's convention); for a ruled table cell
the bbox is the cell's ruled box. Cells read by OCR add `"confidence"` (and `"corrected_from"`), their
bbox converted from the rendered image's pixels to the same points.

Limits: over `MAX_PDF_BYTES` or `MAX_PAGES` → InputTooLarge; encrypted → InputError "encrypted PDF";
unreadable → InputError "not a valid PDF: …"; nothing readable on any page → InputError.
"""

from __future__ import annotations

import bisect
import ctypes
import importlib.util
import math
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Finding, Report
from ..report.values import is_value_token, normalize
from . import blocks as B
from .type3 import blank_type3_glyphs

try:  # the optional C loops (setup.py builds them when a compiler is present)
    from . import _pdfscan as _cloops
except ImportError:  # pragma: no cover - exercised by forcing _cloops = None in the tests
    _cloops = None

__all__ = ["parse_pdf", "pdf_blocks", "MAX_PDF_BYTES", "MAX_PAGES", "OCR_DPI"]

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_PAGES = 2000
#: Characters read per page at most (a report page holds ~2,000).
MAX_CHARS_PER_PAGE = 200_000
#: Page objects looked at per page at most (a report page has under a thousand).
MAX_OBJECTS_PER_PAGE = 200_000
#: Resolution at which a page without a text layer is rendered for OCR.
OCR_DPI = 200
#: A page with fewer characters than this over a page-sized image is a scan (a stamped page number).
SCAN_MAX_CHARS = 30

_RULE = 2.0  # a path object at most this thick (pt) is a rule
_TOL = 1.5  # rule positions closer than this are one
_SPACING = 3.5  # pt: a grid column or row narrower than this holds no text (the spacing between boxes)
_OPEN = 4.0  # column rules reaching this far past the last row rule bound an open row (pt)
_PIECE_GAP = 0.8  # × character height: a gap this wide separates two pieces of a line
_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})$")
_SKIP = frozenset({0xFFFE, 0xFFFF, 0x200B, 0xFEFF, 0x3000})  # 0x3000: the one space at or above 0x2E80
_PATH, _IMAGE, _FORM = 2, 3, 5  # FPDF_PAGEOBJ_*


class _Ch:
    """One character: its box in points, top from the page top."""

    __slots__ = ("c", "x0", "top", "x1", "bottom", "size", "cx", "cy")

    def __init__(self, c: str, x0: float, top: float, x1: float, bottom: float, size: float):
        self.c, self.x0, self.top, self.x1, self.bottom, self.size = c, x0, top, x1, bottom, size
        self.cx = (x0 + x1) / 2
        self.cy = (top + bottom) / 2


@dataclass(slots=True)
class _Rule:
    horizontal: bool
    a0: float  # along: x0 (h) or top (v)
    a1: float
    at: float  # across: y (h) or x (v)


@dataclass
class _Page:
    """What one page (or one half of a flip-book sheet) holds."""

    number: int
    chars: list[_Ch]
    rules: list[_Rule]
    width: float
    height: float
    image_area: float = 0.0  # largest image on the page, in pt²
    objects: int = 0
    lines: list[list[_Ch]] = field(default_factory=list)  # text outside ruled tables, after filtering
    tables: list[tuple[float, B.Table]] = field(default_factory=list)


# -- characters, lines ---------------------------------------------------------------------------


def _lines(chars: list[_Ch]) -> list[list[_Ch]]:
    """Characters grouped into lines (vertical overlap with the line's band), each sorted by x, in
    reading order."""
    out: list[list[_Ch]] = []
    top = bottom = 0.0
    for ch in sorted(chars, key=_BY_CY_X0):
        if out:
            ct, cb = ch.top, ch.bottom
            h = bottom - top if bottom - top < cb - ct else cb - ct
            overlap = (bottom if bottom < cb else cb) - (top if top > ct else ct)
            if overlap > 0.5 * h:
                out[-1].append(ch)  # the band stays the first character's: no drift down the page
                continue
        out.append([ch])
        top, bottom = ch.top, ch.bottom
    for line in out:
        if len(line) > 1:
            line.sort(key=_BY_X0)
    return out


_BY_CY_X0 = operator.attrgetter("cy", "x0")
_BY_X0 = operator.attrgetter("x0")
# min/max over a line's characters by map(attrgetter): half the cost of a generator expression.
_X0, _X1, _TOP, _BOTTOM, _SIZE, _C = (operator.attrgetter(a) for a in ("x0", "x1", "top", "bottom", "size", "c"))


def _pieces(line: list[_Ch]) -> list[list[_Ch]]:
    """Split a line where the gap is over `_PIECE_GAP` × the characters' height (the font size PDFium
    reports is unreliable for Type 3 fonts; the box height is what the eye sees)."""
    out: list[list[_Ch]] = [[line[0]]]
    for prev, ch in zip(line, line[1:]):
        h = max(prev.bottom - prev.top, ch.bottom - ch.top, 1.0)
        if ch.x0 - prev.x1 > _PIECE_GAP * h:
            out.append([ch])
        else:
            out[-1].append(ch)
    return out


def _text(line: list[_Ch]) -> str:
    """A line's text: a space where the gap is a word space (over 0.25× the font size)."""
    if len(line) == 1:
        return line[0].c
    parts = [line[0].c]
    prev = line[0]
    for ch in line[1:]:
        size = prev.size if prev.size > ch.size else ch.size
        if ch.x0 - prev.x1 > 0.25 * (size if size > 1.0 else 1.0):
            parts.append(" ")
        parts.append(ch.c)
        prev = ch
    return "".join(parts)


def _bbox(chars: list[_Ch]) -> list[float]:
    x0, top, x1, bottom = chars[0].x0, chars[0].top, chars[0].x1, chars[0].bottom
    for c in chars:
        if c.x0 < x0:
            x0 = c.x0
        if c.top < top:
            top = c.top
        if c.x1 > x1:
            x1 = c.x1
        if c.bottom > bottom:
            bottom = c.bottom
    return [round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)]


# -- tables from rules -----------------------------------------------------------------------------


class _UF:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, i: int) -> int:
        p = self.p
        while p[i] != i:
            p[i] = p[p[i]]
            i = p[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def _positions(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= _TOL:
            continue
        out.append(v)
    return out


@dataclass
class _Grid:
    x0: float
    top: float
    x1: float
    bottom: float
    xs: list[float]
    ys: list[float]
    region: dict[tuple[int, int], tuple[int, int]]  # grid position → its cell's first position


def _rule_groups(rules: list[_Rule]) -> list[list[_Rule]]:
    """Rules that touch (collinear and overlapping within `_TOL`, or crossing), as connected groups."""
    n = len(rules)
    uf = _UF(n)
    hs = sorted((k for k in range(n) if rules[k].horizontal), key=lambda k: (rules[k].at, rules[k].a0))
    vs = sorted((k for k in range(n) if not rules[k].horizontal), key=lambda k: (rules[k].at, rules[k].a0))
    h_lines = _collinear(rules, hs, uf)
    _collinear(rules, vs, uf)
    exact = [(at, ranges, members) for at, ranges, members in h_lines if members is not None]
    loose = [k for _, run, members in h_lines if members is None for k in run]
    h_at = [at for at, _, _ in exact]
    for kv in vs:
        v = rules[kv]
        lo, hi = bisect.bisect_left(h_at, v.a0 - _TOL), bisect.bisect_right(h_at, v.a1 + _TOL)
        for _, ranges, members in exact[lo:hi]:
            j = bisect.bisect_right(ranges, v.at) - 1
            if j >= 0 and (j % 2 == 0 or v.at == ranges[j]):
                uf.union(members[j // 2], kv)
        for kh in loose:  # rules at several positions within _TOL: every segment is tested
            h = rules[kh]
            if h.a0 - _TOL <= v.at <= h.a1 + _TOL and v.a0 - _TOL <= h.at <= v.a1 + _TOL:
                uf.union(kh, kv)
    groups: dict[int, list[_Rule]] = {}
    for k in range(n):
        groups.setdefault(uf.find(k), []).append(rules[k])
    return list(groups.values())


def _collinear(rules: list[_Rule], order: list[int], uf: _UF) -> list[tuple[float, Any, Any]]:
    """Union the collinear rules that touch; return the lines as (position, ranges, members).

    Rules at exactly one position (the usual case) touch when their spans, widened by `_TOL`, overlap:
    a sweep finds the chains, and each chain is one range [lo, hi] (flattened into `ranges`), its
    first rule in `members`. Rules whose positions differ by up to `_TOL` are compared pairwise and
    returned with `members` None and `ranges` their indices."""
    out: list[tuple[float, Any, Any]] = []
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and rules[order[j]].at - rules[order[j - 1]].at <= _TOL:
            j += 1
        run = order[i:j]
        if rules[run[-1]].at == rules[run[0]].at:
            ranges: list[float] = []
            members: list[int] = []
            for k in run:
                r = rules[k]
                if ranges and r.a0 <= ranges[-1]:
                    uf.union(members[-1], k)
                    ranges[-1] = max(ranges[-1], r.a1 + _TOL)
                else:
                    ranges += [r.a0 - _TOL, r.a1 + _TOL]
                    members.append(k)
            out.append((rules[run[0]].at, ranges, members))
        else:
            for a, ka in enumerate(run):
                r = rules[ka]
                for kb in run[a + 1 :]:
                    s = rules[kb]
                    if s.at - r.at <= _TOL and r.a0 <= s.a1 + _TOL and s.a0 <= r.a1 + _TOL:
                        uf.union(ka, kb)
            out.append((rules[run[0]].at, run, None))
        i = j
    return out


def _coverage(rules: list[_Rule], positions: list[float]) -> list[list[float]]:
    """For each grid position, where the rules drawn at it reach: disjoint closed spans (widened by
    `_TOL`), flattened to [lo, hi, lo, hi, …] for bisection."""
    spans: list[list[tuple[float, float]]] = [[] for _ in positions]
    for r in rules:
        j = bisect.bisect_left(positions, r.at - _TOL)
        while j < len(positions) and positions[j] <= r.at + _TOL:
            spans[j].append((r.a0 - _TOL, r.a1 + _TOL))
            j += 1
    out: list[list[float]] = []
    for at in spans:
        flat: list[float] = []
        for lo, hi in sorted(at):
            if flat and lo <= flat[-1]:
                flat[-1] = max(flat[-1], hi)
            else:
                flat += [lo, hi]
        out.append(flat)
    return out


def _covered(flat: list[float], mid: float) -> bool:
    j = bisect.bisect_right(flat, mid) - 1
    return j >= 0 and (j % 2 == 0 or flat[j] == mid)


def _open_edges(ys: list[float], vs: list[_Rule]) -> None:
    """Extend the row positions `ys` to where the column rules `vs` reach beyond the first or last
    horizontal rule (by two rules at least, and more than `_OPEN`): a row left open at a page break.

    Why: a browser printing a collapsed-border table draws the border between two rows once, on
    the page where the first row ends, so the row opening the next page has its columns ruled but no
    rule above it. Without this edge that row would fall outside the grid and be read as unruled
    text, where wrapped cells ("368" over "件") can land in the wrong column."""
    if len(vs) < 2:
        return
    top = sorted(r.a0 for r in vs)[1]
    bottom = sorted(r.a1 for r in vs)[-2]
    if top < ys[0] - _OPEN:
        ys.insert(0, top)
    if bottom > ys[-1] + _OPEN:
        ys.append(bottom)


def _grid(group: list[_Rule]) -> _Grid | None:
    hs = [r for r in group if r.horizontal]
    vs = [r for r in group if not r.horizontal]
    ys, xs = _positions([r.at for r in hs]), _positions([r.at for r in vs])
    if not ys or len(xs) < 2:
        return None
    _open_edges(ys, vs)
    if len(ys) < 2:
        return None
    rows, cols = len(ys) - 1, len(xs) - 1
    v_at, h_at = _coverage(vs, xs), _coverage(hs, ys)
    cuf = _UF(rows * cols)
    for i in range(rows):
        ymid = (ys[i] + ys[i + 1]) / 2
        for j in range(cols):
            xmid = (xs[j] + xs[j + 1]) / 2
            if j + 1 < cols and not _covered(v_at[j + 1], ymid):
                cuf.union(i * cols + j, i * cols + j + 1)
            if i + 1 < rows and not _covered(h_at[i + 1], xmid):
                cuf.union(i * cols + j, (i + 1) * cols + j)
    region = {(i, j): divmod(cuf.find(i * cols + j), cols) for i in range(rows) for j in range(cols)}
    return _Grid(xs[0], ys[0], xs[-1], ys[-1], xs, ys, region)


def _merged(rules: list[_Rule]) -> list[_Rule]:
    """Collinear rules at exactly one position whose spans touch (within `_TOL`) as one rule.

    Why: HTML renderers draw every cell's border as its own segment, so a 表三 grid arrives as ~500
    rules that make ~40 lines. Merging first is what `_collinear` and `_coverage` would conclude anyway
    (touching segments at one position join one group; their widened spans overlap into one span),
    at the cost of one sort instead of hundreds of unions."""
    out: list[_Rule] = []
    last: _Rule | None = None
    for r in sorted(rules, key=_BY_RULE):
        if last is not None and r.horizontal == last.horizontal and r.at == last.at and r.a0 <= last.a1 + _TOL:
            if r.a1 > last.a1:
                last.a1 = r.a1
            continue
        last = _Rule(r.horizontal, r.a0, r.a1, r.at)
        out.append(last)
    return out


_BY_RULE = operator.attrgetter("horizontal", "at", "a0")


def _grids(rules: list[_Rule]) -> list[_Grid]:
    items = _grid_items(_rule_groups(_without_frames(_merged(rules))))
    for _ in range(_PEELS):
        frames = {id(g) for g, _ in items if any(h is not g and _encloses(g, h) for h, _ in items)}
        if not frames:
            break
        kept = [(g, group) for g, group in items if id(g) not in frames]
        for g, group in items:
            if id(g) in frames:
                inside = _grid_items(_rule_groups(_peeled(g, group)))
                if all(_closed(h, own) for h, own in inside):
                    kept += inside
        items = kept
    else:  # still nested after _PEELS rounds: drop what still encloses, as a frame
        items = [(g, group) for g, group in items if not any(h is not g and _encloses(g, h) for h, _ in items)]
    return [g for g, _ in items]


_PEELS = 4  # frames inside frames taken apart at most this deep


def _grid_items(groups: list[list[_Rule]]) -> list[tuple[_Grid, list[_Rule]]]:
    out = []
    for group in groups:
        g = _grid(group)
        # A single box is a frame around text (a bordered text box), not a table.
        if g is not None and (len(g.xs) > 2 or len(g.ys) > 2):
            out.append((g, group))
    return out


def _closed(grid: _Grid, group: list[_Rule]) -> bool:
    """No horizontal of `group` runs past `grid`'s outer columns: a table found inside a peeled
    frame has borders of its own. When one does (a table ruled only across, whose sides were the
    frame's), the table cannot be told from the frame and the frame is dropped whole, as before."""
    return all(r.a0 >= grid.x0 - _TOL and r.a1 <= grid.x1 + _TOL for r in group if r.horizontal)


def _peeled(frame: _Grid, group: list[_Rule]) -> list[_Rule]:
    """The rules of a grid that encloses another grid (so a layout frame, see `_encloses`) without
    its sides: the verticals down its whole height at its left and right, the horizontals across its
    whole width at its top and bottom. Empty when it has no such sides.

    Why: a table drawn as wide as the frame it sits in touches the frame's sides within `_TOL`, so
    both are one group; dropping the group as a frame lost that table (its rules gone, its header
    text read into the section's prose: printed portal page seed 14, 表四). What is left once the
    sides are gone is grouped again; the table's own borders, shorter than the frame, stay."""
    x0, top, x1, bottom = frame.x0, frame.top, frame.x1, frame.bottom
    sides = []
    for r in group:
        if r.horizontal:
            side = (abs(r.at - top) <= _TOL or abs(r.at - bottom) <= _TOL) and r.a0 <= x0 + _TOL and r.a1 >= x1 - _TOL
        else:
            side = (abs(r.at - x0) <= _TOL or abs(r.at - x1) <= _TOL) and r.a0 <= top + _TOL and r.a1 >= bottom - _TOL
        sides.append(side)
    if not any(sides):
        return []
    return [r for r, side in zip(group, sides) if not side]


_FRAME_MIN = 150.0  # pt: a layout frame's sides are at least this long (on one page)


def _without_frames(rules: list[_Rule]) -> list[_Rule]:
    """`rules` without the sides (and top and bottom) of layout frames: a bordered box around a web
    page's article, printed, often broken over pages.

    Why: a table inside the frame drawn 1 pt from its side touches it within `_TOL`, so frame and
    table would be one group, and the prose between the frame's top and the table would become one
    huge cell of a grid: sections silently lost. A frame is two long vertical rules over the same
    span with, between them, no rule across the whole width except at its ends and no column rule
    down (nearly) the whole span, and no rule reaching out past a side. A table has one of these:
    rules across its width between rows, a column rule down its whole height, or, for a column
    merged over every row, the rest of the table beyond its side. So a frame around a table as wide
    as itself stays (its sides then fall within `_TOL` of the table's)."""
    vs = [r for r in rules if not r.horizontal and r.a1 - r.a0 >= _FRAME_MIN]
    if len(vs) < 2:
        return rules
    vs_all = [r for r in rules if not r.horizontal]
    drop: set[int] = set()
    for left in vs:
        for right in vs:
            if right.at - left.at < 2 * _FRAME_MIN / 3 or abs(left.a0 - right.a0) > _TOL or abs(left.a1 - right.a1) > _TOL:
                continue
            top, bottom, span = max(left.a0, right.a0), min(left.a1, right.a1), left.a1 - left.a0
            caps = []
            inner = [v for v in vs_all if v is not left and v is not right and left.at < v.at < right.at]
            for r in rules:
                if r.horizontal:
                    if top - _TOL <= r.at <= bottom + _TOL and (r.a0 < left.at - _TOL or r.a1 > right.at + _TOL):
                        break  # a rule reaching out past a side: the sides belong to a wider table
                    across = r.a0 <= left.at + _TOL and r.a1 >= right.at - _TOL
                    if across and _boxed(r, inner):
                        continue  # a table of its own inside the frame, as wide as it within _TOL
                    if across and top + _TOL < r.at < bottom - _TOL:
                        break  # a rule across the whole width between rows: a table
                    if across and (abs(r.at - top) <= _TOL or abs(r.at - bottom) <= _TOL):
                        caps.append(r)
                elif left.at + _TOL < r.at < right.at - _TOL and r.a1 - r.a0 >= 0.9 * span and r.a0 <= top + 0.1 * span:
                    break  # a column rule down the whole height: a table
            else:
                drop.update(map(id, (left, right, *caps)))
    return [r for r in rules if id(r) not in drop] if drop else rules


def _boxed(h: _Rule, inner: list[_Rule]) -> bool:
    """The horizontal `h` ends on verticals of its own, inside the candidate frame's sides: `h`
    belongs to a table drawn within `_TOL` of the frame (a web page's bordered layout cell with
    cellspacing around a 100%-wide table), not to a table whose outer border the sides are. Each
    end's vertical is within `_TOL` of that end and reaches `h`."""
    ends = [False, False]
    for v in inner:
        if v.a0 - _TOL <= h.at <= v.a1 + _TOL:
            if abs(v.at - h.a0) <= _TOL:
                ends[0] = True
            if abs(v.at - h.a1) <= _TOL:
                ends[1] = True
    return ends[0] and ends[1]


def _encloses(outer: _Grid, inner: _Grid) -> bool:
    """`inner` lies within `outer`'s frame: `outer` is a layout frame (a web page's bordered layout
    table around the article, a box drawn around a page), not a table; its text is read as text and
    the tables inside it as tables."""
    return outer.x0 - _TOL <= inner.x0 and inner.x1 <= outer.x1 + _TOL and outer.top - _TOL <= inner.top and inner.bottom <= outer.bottom + _TOL


def _table(grid: _Grid, chars: list[_Ch], page: int) -> B.Table:
    xs, ys, region = grid.xs, grid.ys, grid.region
    cols, rows_n = len(xs) - 1, len(ys) - 1
    by_cell: dict[tuple[int, int], list[_Ch]] = {}
    find = bisect.bisect_right
    for ch in chars:  # the grid position under each character's centre (bisection), then its cell
        i = find(ys, ch.cy) - 1
        j = find(xs, ch.cx) - 1
        if 0 <= i < rows_n and 0 <= j < cols:
            cell = region[(i, j)]
            if cell in by_cell:
                by_cell[cell].append(ch)
            else:
                by_cell[cell] = [ch]
    # A merged cell's extent: the last grid position it covers.
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for pos, first in region.items():
        if pos != first:
            e = extent.get(first, first)
            extent[first] = (e[0] if e[0] > pos[0] else pos[0], e[1] if e[1] > pos[1] else pos[1])
    rx, ry = [round(x, 2) for x in xs], [round(y, 2) for y in ys]
    # Cell spacing: cells drawn as separate boxes further apart than _TOL leave a strip of grid
    # positions between them, too narrow for any text; its empty cells are not cells of the table.
    thin_col = [xs[j + 1] - xs[j] < _SPACING for j in range(cols)]
    thin_row = [ys[i + 1] - ys[i] < _SPACING for i in range(rows_n)]
    rows: list[list[B.GridCell]] = []
    for i in range(rows_n):
        row: list[B.GridCell] = []
        for j in range(cols):
            if region[(i, j)] != (i, j):
                continue
            li, lj = extent.get((i, j), (i, j))
            chars_in = by_cell.get((i, j))
            if not chars_in and (all(thin_col[j : lj + 1]) or all(thin_row[i : li + 1])):
                continue
            if not chars_in:
                text = ""
            elif len(chars_in) == 1:
                text = chars_in[0].c
            else:
                text = "".join(_text(line) for line in _lines(chars_in))
            row.append(B.GridCell(text, {"page": page, "bbox": [rx[j], ry[i], rx[lj + 1], ry[li + 1]]}))
        if row:
            rows.append(row)
    return B.Table(rows)


def _ruled(page: _Page) -> list[_Ch]:
    """Fill `page.tables` with the ruled tables; return the characters outside them."""
    grids = _grids(page.rules)
    if not grids:
        return page.chars
    rest: list[_Ch] = []
    inside: dict[int, list[_Ch]] = {}
    boxes = [(g, grid.x0 - _TOL, grid.x1 + _TOL, grid.top - _TOL, grid.bottom + _TOL) for g, grid in enumerate(grids)]
    for ch in page.chars:
        cx, cy = ch.cx, ch.cy
        for g, x0, x1, top, bottom in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                inside.setdefault(g, []).append(ch)
                break
        else:
            rest.append(ch)
    for g, grid in enumerate(grids):
        if g in inside:
            table = _table(grid, inside[g], page.number)
            if table.rows:
                page.tables.append((grid.top, table))
    return rest


# -- tables without rules ---------------------------------------------------------------------------


class _Piece:
    """A run of characters on one line with no wide gap: a cell's text, or one line of it."""

    __slots__ = ("chars", "text", "x0", "top", "x1", "bottom", "value")

    def __init__(self, chars: list[_Ch]):
        self.chars = chars
        self.text = _text(chars)
        self.x0, self.x1 = chars[0].x0, max(map(_X1, chars))
        self.top, self.bottom = min(map(_TOP, chars)), max(map(_BOTTOM, chars))
        self.value = is_value_token(self.text)

    def absorb(self, below: _Piece) -> None:
        """Take in the piece printed under this one (a wrapped cell's next line)."""
        self.chars = self.chars + below.chars
        self.text += below.text
        self.x0, self.x1 = min(self.x0, below.x0), max(self.x1, below.x1)
        self.top, self.bottom = min(self.top, below.top), max(self.bottom, below.bottom)
        self.value = is_value_token(self.text)


def _height(line: list[_Ch]) -> float:
    return max(map(_BOTTOM, line)) - min(map(_TOP, line))


def _regions(lines: list[list[_Ch]], pieces: list[list[_Piece]], left: float, right: float) -> list[tuple[int, int]]:
    """[start, end) line ranges that form tables without rules: runs of lines with two or more
    pieces, with the short lines between them; above, the short lines of a header (not numbered, not
    ending a sentence, under 1.2 lines apart); below, a wrapped label's short lines closer than 0.7
    of a line."""
    multi = [len(p) >= 2 for p in pieces]
    width = max(right - left, 1.0)
    narrow = [not m and (ps[0].x1 - ps[0].x0) <= 0.45 * width and not _sentence(ps[0].text) for m, ps in zip(multi, pieces)]
    out: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if not multi[i]:
            i += 1
            continue
        start, end, k = i, i + 1, i + 1
        while k < n and (multi[k] or narrow[k]) and _gap(lines[k - 1], lines[k]) <= 1.2 * _height(lines[k - 1]):
            if multi[k]:
                end = k + 1
            k += 1
        # Short lines hanging below the last multi-piece line or above the first: close ones only.
        while end < n and narrow[end] and _gap(lines[end - 1], lines[end]) <= 0.7 * _height(lines[end - 1]) and not _starts_numbered(pieces[end][0].text):
            end += 1
        while start > (out[-1][1] if out else 0) and narrow[start - 1] and _gap(lines[start - 1], lines[start]) <= 1.2 * _height(lines[start]) and not _starts_numbered(pieces[start - 1][0].text):
            start -= 1
        out.append((start, end))
        i = end
    return out


_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d{1,2}\s*[、.．])")


def _sentence(text: str) -> bool:
    """Prose, as the text reader sees it: a full stop, or a long line introducing what follows."""
    t = normalize(text)
    return "。" in t or (len(t) > 8 and t.endswith(":"))


def _starts_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(text))


def _gap(a: list[_Ch], b: list[_Ch]) -> float:
    return min(c.top for c in b) - max(c.bottom for c in a)


def _value_run(pieces: list[_Piece]) -> int:
    """Index of the first piece of the line's trailing run of values (len(pieces) if none)."""
    k = len(pieces)
    while k > 0 and pieces[k - 1].value:
        k -= 1
    return k


def _columns(rows: list[list[_Piece]]) -> list[float]:
    """Value column centres: from the rows with the most values (the full rows)."""
    most = max(len(r) for r in rows)
    full = [r for r in rows if len(r) == most]
    return [sum((r[j].x0 + r[j].x1) / 2 for r in full) / len(full) for j in range(most)]


def _value_cells(values: list[_Piece], centres: list[float], page: int, band: tuple[float, float]) -> list[B.GridCell]:
    """The row's value cells, with an empty cell for a column left blank between two values."""
    cells = [B.GridCell(p.text, {"page": page, "bbox": _bbox(p.chars)}) for p in values]
    if len(values) < 2 or len(centres) <= len(values):
        return cells
    idx = [min(range(len(centres)), key=lambda j: abs(centres[j] - (p.x0 + p.x1) / 2)) for p in values]
    if any(b <= a for a, b in zip(idx, idx[1:])):
        return cells  # the columns do not line up: keep what is printed, in order
    out: list[B.GridCell] = []
    for k, (p, j) in enumerate(zip(values, idx)):
        if k:
            for missing in range(idx[k - 1] + 1, j):
                x = centres[missing]
                out.append(B.GridCell("", {"page": page, "bbox": [round(x - 1, 2), round(band[0], 2), round(x + 1, 2), round(band[1], 2)]}))
        out.append(cells[k])
    return out


def _label_cells(pieces: list[_Piece], page: int) -> list[B.GridCell]:
    """A row's label pieces: those overlapping horizontally are one cell, read top to bottom."""
    return [_joined(sorted(g, key=lambda p: (p.top, p.x0)), page) for g in _stacks(pieces)]


def _split_at_widest_gap(items: list[_Piece], upper: tuple[float, float], lower: tuple[float, float]) -> int:
    """How many of `items` (one column's wrapped label lines between two anchor rows, top to bottom)
    belong to the upper row: the rows part at the widest vertical gap (ties: nearest the middle)."""
    edges = [upper[1]] + [p for it in items for p in (it.top, it.bottom)] + [lower[0]]
    gaps = [edges[2 * k + 1] - edges[2 * k] for k in range(len(items) + 1)]
    widest = max(gaps)
    mid = (upper[1] + lower[0]) / 2
    best = min((k for k, g in enumerate(gaps) if g >= widest - 0.5), key=lambda k: abs((edges[2 * k] + edges[2 * k + 1]) / 2 - mid))
    return best


def _merge_wrapped_values(pieces: list[list[_Piece]]) -> None:
    """A value cell wrapped in a narrow column ('2' over '件', '12.5' over '万元'): the lower piece is
    joined to the value above it when it overlaps it horizontally, follows within 0.8 of a line, and
    the two read together as a value."""
    for i in range(1, len(pieces)):
        keep = []
        for p in pieces[i]:
            # The line above, or the one above it when the row's other cells sit between (centred).
            near = pieces[i - 1] + (pieces[i - 2] if i >= 2 else [])
            above = next((q for q in near if q.value and q.x0 < p.x1 and p.x0 < q.x1), None)
            if above is not None and not p.value and p.top - above.bottom <= 0.8 * (p.bottom - p.top) and is_value_token(above.text + p.text):
                above.absorb(p)
                continue
            keep.append(p)
        pieces[i] = keep


def _split_glued_values(pieces: list[list[_Piece]]) -> None:
    """A label that overflows its column runs into the value beside it ('…一稳定” 5', 2 pt apart):
    the value is cut off when it starts, centres or ends where the values of a column do."""
    values = [p for ps in pieces for p in ps if p.value]
    if not values:
        return
    edges = (sorted(p.x0 for p in values), sorted((p.x0 + p.x1) / 2 for p in values), sorted(p.x1 for p in values))
    for ps in pieces:
        k = _value_run(ps)
        if k == 0:
            continue
        cut = _glued_value(ps[k - 1], edges)
        if cut is not None:
            ps[k - 1 : k] = cut


def _glued_value(piece: _Piece, edges: tuple[list[float], list[float], list[float]]) -> list[_Piece] | None:
    """The piece cut before its trailing value: after its last gap, when what follows is a value that
    lines up with a value column, or stands a word space (a quarter line) away from CJK text."""
    chars = piece.chars
    for j in range(len(chars) - 1, 0, -1):
        gap = chars[j].x0 - chars[j - 1].x1
        h = chars[j].bottom - chars[j].top
        if gap < 0.1 * h:
            continue  # no gap at all: inside a word
        tail = _Piece(chars[j:])
        if not tail.value:
            return None
        aligned = any(_near(sorted_edges, x) for sorted_edges, x in zip(edges, (tail.x0, (tail.x0 + tail.x1) / 2, tail.x1)))
        if aligned or (gap >= 0.25 * h and _cjk(chars[j - 1].c)):
            return [_Piece(chars[:j]), tail]
        return None
    return None


def _near(sorted_values: list[float], x: float, tol: float = 1.5) -> bool:
    j = bisect.bisect_left(sorted_values, x - tol)
    return j < len(sorted_values) and sorted_values[j] <= x + tol


def _value_rows(values: list[_Piece]) -> list[list[_Piece]]:
    """Value pieces grouped into table rows: pieces that overlap vertically are one row."""
    rows: list[list[_Piece]] = []
    bottom = -math.inf
    for p in sorted(values, key=lambda p: p.top):
        if rows and p.top < bottom - 0.3 * (p.bottom - p.top):
            rows[-1].append(p)
            bottom = max(bottom, p.bottom)
        else:
            rows.append([p])
            bottom = p.bottom
    for r in rows:
        r.sort(key=lambda p: p.x0)
    return rows


def _overlaps(p: _Piece, band: tuple[float, float]) -> bool:
    return min(p.bottom, band[1]) - max(p.top, band[0]) > 0.5 * (p.bottom - p.top)


def _borderless(lines: list[list[_Ch]], pieces: list[list[_Piece]], page: int) -> list[tuple[float, B.Block]]:
    """One table without rules (see the module docstring) as a (top, Table) block."""
    _merge_wrapped_values(pieces)
    _split_glued_values(pieces)
    runs = [_value_run(ps) for ps in pieces]
    values = [p for ps, k in zip(pieces, runs) for p in ps[k:]]
    if not values:
        rows = _header_rows([p for ps in pieces for p in ps], [], page)
        return [(rows[0][0], B.Table([r for _, r in rows]))]
    rows = _value_rows(values)
    value_left = min(p.x0 for p in values)
    rest = [p for ps, k in zip(pieces, runs) for p in ps[:k]]
    others = [p for p in rest if p.x1 > value_left + 1]  # headers and captions over the value columns
    bands: list[tuple[float, float, int]] = [(*_band(r), k) for k, r in enumerate(rows)]  # k ≥ 0: a value row
    bands += [(*_band(g), -1) for g in _vertical_groups(others)]  # -1: header lines
    bands.sort()
    labels: list[list[_Piece]] = [[] for _ in rows]
    head: list[_Piece] = list(others)
    floating: list[_Piece] = []
    for p in rest:
        if p.x1 > value_left + 1:
            continue
        owner = next((k for t, b, k in bands if k >= 0 and _overlaps(p, (t, b))), None)
        if owner is None and any(_overlaps(p, (t, b)) for t, b, k in bands if k < 0):
            head.append(p)
        elif owner is None:
            floating.append(p)
        else:
            labels[owner].append(p)
    for p, k in _assign_floating(floating, bands):
        (labels[k] if k >= 0 else head).append(p)
    out: list[tuple[float, list[B.GridCell]]] = []
    centres = _columns(rows)
    for k, r in enumerate(rows):
        band = _band(r)
        out.append((min([band[0]] + [p.top for p in labels[k]]), _label_cells(labels[k], page) + _value_cells(r, centres, page, band)))
    out += _header_rows(head, [_band(r)[0] for r in rows], page)
    out.sort(key=lambda r: r[0])
    return [(out[0][0], B.Table([r for _, r in out]))]


def _vertical_groups(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped by vertical proximity (a header block, a caption line)."""
    groups: list[list[_Piece]] = []
    bottom = -math.inf
    for p in sorted(pieces, key=lambda p: p.top):
        if groups and p.top - bottom <= 0.8 * (p.bottom - p.top):
            groups[-1].append(p)
            bottom = max(bottom, p.bottom)
        else:
            groups.append([p])
            bottom = p.bottom
    return groups


def _assign_floating(floating: list[_Piece], bands: list[tuple[float, float, int]]) -> list[tuple[_Piece, int]]:
    """Each wrapped label piece that touches no row: to the row above or below it, split per column
    at the widest vertical gap."""
    out: list[tuple[_Piece, int]] = []
    tops = [t for t, _, _ in bands]
    between: dict[int, list[_Piece]] = {}
    for p in floating:
        between.setdefault(bisect.bisect_right(tops, p.top), []).append(p)
    for k, items in between.items():
        if k == 0 or k == len(bands):
            owner = bands[0][2] if k == 0 else bands[-1][2]
            out += [(p, owner) for p in items]
            continue
        upper, lower = bands[k - 1], bands[k]
        for column in _stacks(items):
            cut = _split_at_widest_gap(column, (upper[0], upper[1]), (lower[0], lower[1]))
            out += [(p, upper[2]) for p in column[:cut]] + [(p, lower[2]) for p in column[cut:]]
    return out


def _header_rows(head: list[_Piece], row_tops: list[float], page: int) -> list[tuple[float, list[B.GridCell]]]:
    """Header and caption pieces as rows: pieces of one wrapped or stacked cell (horizontal overlap,
    under 0.6 of a line apart) joined top to bottom; cells starting on the same line are one row."""
    out: list[tuple[float, list[B.GridCell]]] = []
    zones: dict[int, list[_Piece]] = {}
    for p in head:
        zones.setdefault(bisect.bisect_right(row_tops, p.top), []).append(p)
    for items in zones.values():
        cells = _header_cells(items)
        cells.sort(key=lambda c: (c[0].top, c[0].x0))
        row: list[list[_Piece]] = []
        for cell in cells:
            if row and cell[0].top >= row[0][0].bottom - 0.3 * (row[0][0].bottom - row[0][0].top):
                out.append((row[0][0].top, [_joined(c, page) for c in sorted(row, key=lambda c: c[0].x0)]))
                row = []
            row.append(cell)
        if row:
            out.append((row[0][0].top, [_joined(c, page) for c in sorted(row, key=lambda c: c[0].x0)]))
    return out


def _header_cells(items: list[_Piece]) -> list[list[_Piece]]:
    items = sorted(items, key=lambda p: (p.top, p.x0))
    uf = _UF(len(items))
    for a, p in enumerate(items):
        for b in range(a + 1, len(items)):
            q = items[b]
            if q.top - p.bottom > 0.6 * (p.bottom - p.top):
                break
            overlap = min(p.x1, q.x1) - max(p.x0, q.x0)
            if q.top >= p.bottom - 0.5 and overlap > 0.5 * min(p.x1 - p.x0, q.x1 - q.x0):
                uf.union(a, b)
    cells: dict[int, list[_Piece]] = {}
    for k, p in enumerate(items):
        cells.setdefault(uf.find(k), []).append(p)
    return [sorted(c, key=lambda p: p.top) for c in cells.values()]


def _joined(cell: list[_Piece], page: int) -> B.GridCell:
    return B.GridCell("".join(p.text for p in cell), {"page": page, "bbox": _bbox([c for p in cell for c in p.chars])})


def _band(pieces: list[_Piece]) -> tuple[float, float]:
    return min(p.top for p in pieces), max(p.bottom for p in pieces)


def _plain_row(pieces: list[_Piece], page: int) -> list[B.GridCell]:
    return [B.GridCell(p.text, {"page": page, "bbox": _bbox(p.chars)}) for p in pieces]


def _stacks(items: list[_Piece]) -> list[list[_Piece]]:
    """Pieces grouped into columns by horizontal overlap, each top to bottom."""
    groups: list[list[_Piece]] = []
    for p in sorted(items, key=lambda p: p.x0):
        if groups and p.x0 < max(q.x1 for q in groups[-1]) - 0.5:
            groups[-1].append(p)
        else:
            groups.append([p])
    return [sorted(g, key=lambda p: p.top) for g in groups]


# -- pages ---------------------------------------------------------------------------------------------


def _page_blocks(page: _Page) -> list[tuple[float, B.Block]]:
    """(top, block) for the page's tables and text, in reading order."""
    out: list[tuple[float, B.Block]] = list(page.tables)
    lines = page.lines
    if not lines:
        return out
    pieces = [[_Piece(p) for p in _pieces(line)] for line in lines]
    left = min(min(map(_X0, line)) for line in lines)
    right = max(max(map(_X1, line)) for line in lines)
    # The text column's right edge: the longest line's, or a ruled table's (as wide as the column) on a
    # page whose few text lines are all short, lest a heading there seem to run to the edge and wrap
    # into the paragraph under it.
    for _, table in page.tables:
        right = max(right, max(cell.where["bbox"][2] for cell in table.rows[0]))
    regions = _regions(lines, pieces, left, right)
    taken = [False] * len(lines)
    for s, e in regions:
        out.extend(_borderless(lines[s:e], pieces[s:e], page.number))
        for k in range(s, e):
            taken[k] = True
    prev: tuple[B.Para, list[_Ch]] | None = None
    for k, line in enumerate(lines):
        if taken[k]:
            prev = None
            continue
        text = _text(line)
        top = min(map(_TOP, line))
        if prev is not None and _continues(prev[1], line, right):
            para, last = prev
            para.text += ("" if _cjk(para.text[-1]) or _cjk(text[0]) else " ") + text
            para.where["bbox"] = _bbox(last + line)  # the paragraph's box so far
            prev = (para, last + line)
            continue
        para = B.Para(text, {"page": page.number, "bbox": _bbox(line)})
        out.append((top, para))
        prev = (para, line)
    out.sort(key=lambda tb: tb[0])
    return out


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|第[一二三四五六七八九十]+[章部分条]|\d{1,2}\s*[、.．])")


def _cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _continues(prev: list[_Ch], line: list[_Ch], right: float) -> bool:
    """True if `line` is the wrapped continuation of the paragraph whose last line is `prev`: that line
    runs to the right edge of the page's text, the font size is the same, the gap is under one line,
    and `line` does not start like a heading."""
    size = max(map(_SIZE, prev))
    if abs(max(map(_SIZE, line)) - size) > 0.5:
        return False
    if max(map(_X1, prev)) < right - 2.5 * size:
        return False
    if min(map(_TOP, line)) - max(map(_BOTTOM, prev)) > 0.8 * size:
        return False
    text = "".join(map(_C, line))
    return not _HEADING.match(text)


# -- margins: page numbers and running titles ------------------------------------------------------------


def _in_margin(line: list[_Ch], height: float, share: float) -> bool:
    """The line lies in the top or bottom `share` of the page."""
    return max(map(_BOTTOM, line)) <= share * height or min(map(_TOP, line)) >= (1 - share) * height


def _margin_key(line: list[_Ch]) -> tuple[str, int] | None:
    """(text with digits as '#', height bucket) of a margin line that could be a running title: not a
    table row (no piece of it is a value)."""
    pieces = _pieces(line)
    if len(pieces) > 1 and any(is_value_token(_text(p)) for p in pieces):
        return None
    text = re.sub(r"\d+", "#", normalize("".join(map(_C, line))))
    return text, round(min(map(_TOP, line)) / 4)


def _drop_margins(pages: list[_Page]) -> None:
    """Remove page numbers and running titles from every page's lines (see the module docstring)."""
    keys: list[dict[int, tuple[str, int] | None]] = []
    seen: dict[tuple[str, int], set[int]] = {}
    for p, page in enumerate(pages):
        margin = {k: None for k, line in enumerate(page.lines) if _in_margin(line, page.height, 0.10)}
        for k in margin:
            key = _margin_key(page.lines[k]) if _set_apart(page, k) else None
            margin[k] = key
            if key is not None:
                seen.setdefault(key, set()).add(p)
        keys.append(margin)
    for page, margin in zip(pages, keys):
        drop = {k for k, key in margin.items() if _running(key, seen) or _is_page_number(page.lines[k], page.height)}
        if drop:
            page.lines = [line for k, line in enumerate(page.lines) if k not in drop]


def _running(key: tuple[str, int] | None, seen: dict[tuple[str, int], set[int]]) -> bool:
    """Recurring at the same height on two pages or more, with a letter in it (not only numbers)."""
    return key is not None and len(seen[key]) >= 2 and re.search(r"[^#\W]", key[0]) is not None


def _set_apart(page: _Page, k: int) -> bool:
    """A margin line stands apart from the body: a line's height or more from its neighbours, or a
    horizontal rule (a header's or footer's border, ≥ 30% of the page wide) between it and them. A
    table's header repeated at the top of each page does neither."""
    lines = page.lines
    line = lines[k]
    h = _height(line)
    top, bottom = min(map(_TOP, line)), max(map(_BOTTOM, line))
    above = max(c.bottom for c in lines[k - 1]) if k > 0 else -math.inf
    below = min(c.top for c in lines[k + 1]) if k + 1 < len(lines) else math.inf
    if min(top - above, below - bottom) >= h:
        return True
    lo, hi = (bottom, below) if top < page.height / 2 else (above, top)
    return any(r.horizontal and r.a1 - r.a0 >= 0.3 * page.width and lo - 1 <= r.at <= hi + 1 for r in page.rules)


def _is_page_number(line: list[_Ch], height: float) -> bool:
    return _in_margin(line, height, 0.06) and bool(_PAGE_NO.match(_text(line).strip()))


# -- flip-book sheets ----------------------------------------------------------------------------------


def _gutter(page: _Page) -> float | None:
    """The x of a flip-book sheet's gutter: an empty vertical band (no character, no rule) at least 6%
    of the width wide, centred within the middle fifth of a landscape page, with text on both sides."""
    if page.width <= page.height * 1.05 or len(page.chars) < 20:
        return None
    spans = [(c.x0, c.x1) for c in page.chars]
    spans += [(r.a0, r.a1) if r.horizontal else (r.at - 0.5, r.at + 0.5) for r in page.rules]
    spans.sort()
    reach = spans[0][1]
    best: tuple[float, float] | None = None
    for a, b in spans[1:]:
        if a > reach:
            mid = (a + reach) / 2
            if a - reach >= 0.06 * page.width and 0.4 * page.width <= mid <= 0.6 * page.width and (best is None or a - reach > best[1] - best[0]):
                best = (reach, a)
        reach = max(reach, b)
    if best is None:
        return None
    x = (best[0] + best[1]) / 2
    left = sum(1 for c in page.chars if c.cx < x)
    if min(left, len(page.chars) - left) < 0.05 * len(page.chars):
        return None
    return x


def _halves(page: _Page) -> list[_Page]:
    """The page, or its two logical pages (left, right) when it is a flip-book sheet."""
    x = _gutter(page)
    if x is None:
        return [page]
    out = []
    for side in (lambda v: v < x, lambda v: v >= x):
        chars = [c for c in page.chars if side(c.cx)]
        rules = [r for r in page.rules if side((r.a0 + r.a1) / 2 if r.horizontal else r.at)]
        out.append(_Page(page.number, chars, rules, page.width, page.height, page.image_area, page.objects))
    return out


# -- reading a page with PDFium ---------------------------------------------------------------------------


class _Api:
    """The few PDFium functions called once per character or page object, re-declared on plain
    integer handles: pypdfium2's declarations wrap every handle in a ctypes pointer object, which
    costs more than the call itself. Same functions, same calling convention (the library's own
    function-pointer class)."""

    def __init__(self, c: Any):
        V, I = ctypes.c_void_p, ctypes.c_int
        self.unicode = self._fn(c.FPDFText_GetUnicode, ctypes.c_uint, V, I)
        self.loose_box = self._fn(c.FPDFText_GetLooseCharBox, I, V, I, V)
        self.font_size = self._fn(c.FPDFText_GetFontSize, ctypes.c_double, V, I)
        self.count_objects = self._fn(c.FPDFPage_CountObjects, I, V)
        self.get_object = self._fn(c.FPDFPage_GetObject, V, V, I)
        self.form_count = self._fn(c.FPDFFormObj_CountObjects, I, V)
        self.form_object = self._fn(c.FPDFFormObj_GetObject, V, V, ctypes.c_ulong)
        self.type = self._fn(c.FPDFPageObj_GetType, I, V)
        self.bounds = self._fn(c.FPDFPageObj_GetBounds, I, V, V, V, V, V)
        self.matrix = self._fn(c.FPDFPageObj_GetMatrix, I, V, V)
        self.FS_MATRIX = c.FS_MATRIX
        self.draw_mode = self._fn(c.FPDFPath_GetDrawMode, I, V, V, V)
        self.count_segments = self._fn(c.FPDFPath_CountSegments, I, V)
        self.segment = self._fn(c.FPDFPath_GetPathSegment, V, V, I)
        self.segment_point = self._fn(c.FPDFPathSegment_GetPoint, I, V, V, V)
        # The same functions' addresses, for the C loops (xxgk/read/_pdfscan.c).
        addr = self._addr
        self.addr_unicode, self.addr_loose_box, self.addr_font_size = addr(self.unicode), addr(self.loose_box), addr(self.font_size)
        self.addr_objects = tuple(map(addr, (self.count_objects, self.get_object, self.form_count, self.form_object, self.type, self.bounds)))

    @staticmethod
    def _addr(f: Any) -> int:
        return ctypes.cast(f, ctypes.c_void_p).value or 0

    @staticmethod
    def _fn(original: Any, restype: Any, *argtypes: Any) -> Any:
        f = type(original)(ctypes.cast(original, ctypes.c_void_p).value)
        f.restype, f.argtypes = restype, argtypes
        return f


_api: _Api | None = None


def _fast(c: Any) -> _Api:
    global _api
    if _api is None:
        _api = _Api(c)
    return _api


def _handle(ptr: Any) -> int:
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


def _read_chars(c: Any, textpage: Any, height: float) -> list[_Ch]:
    """The page's visible characters: by the C loop when the accelerator is built, else in Python."""
    n = min(c.FPDFText_CountChars(textpage), MAX_CHARS_PER_PAGE)
    if _cloops is None:
        return _read_chars_py(c, textpage, n, height)
    api = _fast(c)
    return _cloops.chars(api.addr_unicode, api.addr_loose_box, api.addr_font_size, _handle(textpage), n, height, _SKIP, _Ch)


def _read_chars_py(c: Any, textpage: Any, n: int, height: float) -> list[_Ch]:
    """The reference loop (xxgk/read/_pdfscan.c does the same): one PDFium call each for code, loose
    box and font size. Kept: code above U+0020, not in _SKIP, not whitespace below U+2E80, with a box
    not empty both ways. PDFium gives a character beyond U+FFFF (a CJK Extension B name, say) as
    two characters, its UTF-16 surrogates, at one box: they are joined into one (with the first's
    box). A lone surrogate or a code beyond U+10FFFF (a broken ToUnicode map) reads U+FFFD, visibly
    wrong rather than dropped."""
    api = _fast(c)
    get_unicode, get_box, get_size = api.unicode, api.loose_box, api.font_size
    tp = _handle(textpage)
    rect = c.FS_RECTF()
    ref = ctypes.addressof(rect)
    chars: list[_Ch] = []
    append, skip, new = chars.append, _SKIP, _Ch
    low = -1  # the index of a low surrogate already joined to the character before it
    for k in range(n):
        if k == low:
            continue
        code = get_unicode(tp, k)
        if code <= 0x20:
            continue
        if code >= 0xD800 and (code <= 0xDFFF or code > 0x10FFFF):
            following = get_unicode(tp, k + 1) if code <= 0xDBFF and k + 1 < n else 0
            if 0xDC00 <= following <= 0xDFFF:
                code = 0x10000 + ((code - 0xD800) << 10) + (following - 0xDC00)
                low = k + 1
            else:
                code = 0xFFFD
        if code in skip:
            continue
        ch = chr(code)
        if (code < 0x2E80 and ch.isspace()) or not get_box(tp, k, ref):
            continue
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        if right <= left and top <= bottom:
            continue
        append(new(ch, left, height - top, right, height - bottom, get_size(tp, k) or (top - bottom)))
    return chars


_Matrix = tuple[float, float, float, float, float, float]


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    A, Bm, C, D, E, F = outer
    return (a * A + b * C, a * Bm + b * D, c * A + d * C, c * Bm + d * D, e * A + f * C + E, e * Bm + f * D + F)


def _read_objects(c: Any, page_raw: Any, page: _Page) -> None:
    """The page's rules (thin path objects), largest image and object count, descending into form
    XObjects (their objects' bounds are in the form's space: mapped through the form's matrix)."""
    api = _fast(c)
    fm = c.FS_MATRIX()
    height = page.height
    identity: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[int, bool, _Matrix, int]] = [(_handle(page_raw), False, identity, 0)]
    rules = page.rules
    while stack:
        parent, is_form, matrix, depth = stack.pop()
        limit = MAX_OBJECTS_PER_PAGE - page.objects
        if _cloops is None:
            count, found = _objects_py(api, parent, is_form, limit)
        else:
            count, found = _cloops.objects(*api.addr_objects, parent, is_form, limit)
        for obj, kind, x0, y0, x1, y1 in found:
            if kind == _FORM:
                if depth < 3:
                    api.matrix(obj, ctypes.addressof(fm))
                    stack.append((obj, True, _compose((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), matrix), depth + 1))
                continue
            if is_form:
                x0, y0, x1, y1 = _map_box(matrix, x0, y0, x1, y1)
            if kind == _IMAGE:
                page.image_area = max(page.image_area, (x1 - x0) * (y1 - y0))
                continue
            w, h = x1 - x0, y1 - y0
            if h <= _RULE and w > _RULE:
                rules.append(_Rule(True, x0, x1, height - (y1 + y0) / 2))
            elif w <= _RULE and h > _RULE:
                rules.append(_Rule(False, height - y1, height - y0, (x0 + x1) / 2))
            elif w > _RULE and h > _RULE and not is_form and _stroked_rectangle(api, obj):
                # A cell drawn as its own outlined box (a browser's separate-border table): its
                # four sides are rules; the box's bounds include half the line width all round.
                top, bottom = height - y1, height - y0
                rules += (_Rule(True, x0, x1, top), _Rule(True, x0, x1, bottom), _Rule(False, top, bottom, x0), _Rule(False, top, bottom, x1))
            # Anything else is a filled box or a drawing, not a rule.
            if len(rules) >= 50_000:
                return
        page.objects += max(count, 0)
        if page.objects >= MAX_OBJECTS_PER_PAGE:
            return


_Found = tuple[int, int, float, float, float, float]


def _objects_py(api: _Api, parent: int, is_form: bool, limit: int) -> tuple[int, list[_Found]]:
    """The reference loop (xxgk/read/_pdfscan.c does the same): the parent's object count, and of its
    first `limit` objects, in order, the paths and images whose bounds PDFium gives (left, bottom,
    right, top) and the form XObjects (bounds 0)."""
    box = (ctypes.c_float * 4)()
    refs = [ctypes.addressof(box) + 4 * k for k in range(4)]
    count = (api.form_count if is_form else api.count_objects)(parent)
    get, get_type, get_bounds = (api.form_object if is_form else api.get_object), api.type, api.bounds
    found: list[_Found] = []
    for i in range(min(max(count, 0), limit)):
        obj = get(parent, i)
        if not obj:
            continue
        kind = get_type(obj)
        if kind == _FORM:
            found.append((obj, kind, 0.0, 0.0, 0.0, 0.0))
        elif (kind == _PATH or kind == _IMAGE) and get_bounds(obj, *refs):
            found.append((obj, kind, *box))
    return count, found


def _stroked_rectangle(api: _Api, obj: int) -> bool:
    """The path object is one axis-aligned rectangle, stroked and not filled (4 or 5 segments: a move
    and its lines, closed)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not api.draw_mode(obj, ctypes.addressof(fill), ctypes.addressof(stroke)) or fill.value or not stroke.value:
        return False
    m = api.FS_MATRIX()
    if not api.matrix(obj, ctypes.addressof(m)) or not (abs(m.b) + abs(m.c) < 1e-6 or abs(m.a) + abs(m.d) < 1e-6):
        return False  # rotated or skewed: its bounds are not its sides
    n = api.count_segments(obj)
    if n not in (4, 5):
        return False
    x, y = ctypes.c_float(), ctypes.c_float()
    xs, ys = set(), set()
    for k in range(n):
        if not api.segment_point(api.segment(obj, k), ctypes.addressof(x), ctypes.addressof(y)):
            return False
        xs.add(round(x.value, 2))
        ys.add(round(y.value, 2))
    return len(xs) == 2 and len(ys) == 2


def _map_box(m: _Matrix, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    pts = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def _read_page(c: Any, page: Any, number: int) -> _Page:
    width, height = page.get_size()
    textpage = c.FPDFText_LoadPage(page.raw)
    if not textpage:
        raise InputError(f"not a valid PDF: page {number} has no readable content")
    try:
        chars = _read_chars(c, textpage, height)
    finally:
        c.FPDFText_ClosePage(textpage)
    out = _Page(number, chars, [], width, height)
    _read_objects(c, page.raw, out)
    return out


def _is_scan(page: _Page) -> bool:
    """No text layer: no characters at all on a page that shows something, or a handful (a stamped
    page number) over an image covering most of the page."""
    if not page.chars:
        return page.objects > 0
    return len(page.chars) < SCAN_MAX_CHARS and page.image_area >= 0.5 * page.width * page.height


# -- OCR ------------------------------------------------------------------------------------------------


def _ocr_available() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _ocr_page(page: Any, number: int, red: list[int] | None = None) -> list[B.Block]:
    """Render the page for OCR (200 dpi, less for a page too large for the OCR's image limits) and
    read it; boxes come back in the image's pixels and are mapped to page points."""
    from . import ocr

    width, height = page.get_size()
    scale = OCR_DPI / 72
    scale = min(scale, ocr.MAX_SIDE / max(width, height, 1.0), math.sqrt(ocr.MAX_PIXELS / max(width * height, 1.0)))
    image = page.render(scale=scale).to_pil()  # in colour: a red seal is left out (ocr.gray)
    blocks = ocr.ocr_blocks(image, number, red)
    for where in _wheres(blocks):
        where["bbox"] = [round(v / scale, 2) for v in where["bbox"]]
    return blocks


def _wheres(blocks: list[B.Block]) -> Iterator[dict[str, Any]]:
    for b in blocks:
        if isinstance(b, B.Para):
            yield b.where
        else:
            for row in b.rows:
                for cell in row:
                    yield cell.where


# -- document ---------------------------------------------------------------------------------------------


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium

    if len(data) > MAX_PDF_BYTES:
        raise InputTooLarge(
            f"PDF is {len(data) / 1048576:.1f} MiB, over the {MAX_PDF_BYTES / 1048576:.0f} MiB limit of the PDF reader; "
            "a report is a few MB: check that this is the right file"
        )
    if not data.lstrip()[:5].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError("not a valid PDF: no %PDF- header")
    try:
        # Text only: Type 3 glyph outlines are never looked at (see type3.py); 40% faster on Chromium prints.
        return pdfium.PdfDocument(blank_type3_glyphs(data))
    except pdfium.PdfiumError as e:
        msg = " ".join(str(e).split())
        if "password" in msg.lower():
            raise InputError("encrypted PDF: remove the password (e.g. qpdf --decrypt) and try again") from None
        raise InputError(f"not a valid PDF: {msg}") from None


@dataclass
class _Read:
    blocks: list[B.Block]
    ocr_pages: list[int]
    pages: int
    red_pages: list[int]


def _read(data: bytes) -> _Read:
    """Blocks of every page in order: text pages laid out, scanned pages read by OCR."""
    import pypdfium2.raw as c

    doc = _open(bytes(data))
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise InputTooLarge(f"PDF has {n} pages, over the {MAX_PAGES} page limit; a report has a few dozen")
        if n == 0:
            raise InputError("not a valid PDF: no pages")
        pages: list[_Page] = []
        scanned: dict[int, list[B.Block]] = {}
        red: list[int] = []
        for p in range(1, n + 1):
            content = _load(c, doc, p, scanned, red)
            if content is not None:
                pages.extend(_halves(content))
    finally:
        doc.close()
    blocks = _assemble(pages, scanned)
    if not blocks:
        if scanned:
            raise InputError(f"PDF has no text layer and OCR found no text on its {n} page(s)")
        raise InputError("PDF has no text layer and nothing on its pages to read (blank pages)")
    return _Read(blocks, sorted(scanned), n, red)


def _load(c: Any, doc: Any, number: int, scanned: dict[int, list[B.Block]], red: list[int]) -> _Page | None:
    """Page `number`'s content, or None when it is a scan (then read by OCR into `scanned`)."""
    page = doc[number - 1]
    try:
        try:
            content = _read_page(c, page, number)
        except InputError:
            raise
        except Exception as e:  # a broken page object: pdfium's own errors
            raise InputError(f"not a valid PDF: page {number} cannot be read ({type(e).__name__})") from None
        if not _is_scan(content):
            return content
        scanned[number] = _scan(page, number, red)
        return None
    finally:
        page.close()


def _assemble(pages: list[_Page], scanned: dict[int, list[B.Block]]) -> list[B.Block]:
    """Ruled tables, margins dropped, text blocks per logical page (a flip-book sheet's halves are
    two); then rows broken across pages joined."""
    for page in pages:
        page.lines = _lines(_ruled(page))
    _drop_margins(pages)
    ruled = {id(t) for page in pages for _, t in page.tables}
    logical = [(page.number, [b for _, b in _page_blocks(page)]) for page in pages]
    logical += list(scanned.items())
    logical.sort(key=lambda nb: nb[0])  # stable: a sheet's left half stays before its right half
    _join_split_rows([blocks for _, blocks in logical], ruled)
    return [b for _, blocks in logical for b in blocks]


def _join_split_rows(pages: list[list[B.Block]], ruled: set[int]) -> None:
    """A table row broken by a page break (Word's "allow row to break across pages"): the first row of
    a ruled table opening a page continues the last row of the ruled table closing the page before
    when its cells line up with that row's (or are empty: the continuation of a cell merged down from
    an earlier row) and no column has a value in both parts. The parts are joined cell by cell (the
    cell keeps its first part's location) and the continuation row is removed."""
    for before, after in zip(pages, pages[1:]):
        if not before or not after:
            continue
        t1, t2 = before[-1], after[0]
        if not (isinstance(t1, B.Table) and isinstance(t2, B.Table) and id(t1) in ruled and id(t2) in ruled and t1.rows and t2.rows):
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


def _scan(page: Any, number: int, red: list[int]) -> list[B.Block]:
    if not _ocr_available():
        raise InputError(f"PDF page {number} has no text layer (a scan); reading it needs the OCR extra: pip install 'xxgk[ocr]'")
    return _ocr_page(page, number, red)


def pdf_blocks(data: bytes) -> list[B.Block]:
    """The blocks of a PDF, in page and reading order (see the module docstring)."""
    return _read(data).blocks


def parse_pdf(data: bytes, *, name: str = "<pdf>") -> Report:
    """Parse a PDF report (born-digital, scanned or both). Raises an `xxgk.InputError` subclass when it
    cannot be read."""
    read = _read(data)
    report = B.parse_blocks(read.blocks, name=name, kind="pdf")
    report.source = {**report.source, "name": name}
    if read.ocr_pages:
        from .ocr import add_red_ink_findings, add_title_findings, add_uncertain_findings

        _page_ocr_findings(report, read)
        add_uncertain_findings(report)
        add_title_findings(report, read.blocks)
        add_red_ink_findings(report, read.red_pages)
    return report


def _page_ocr_findings(report: Report, read: _Read) -> None:
    """One read.page_ocr warning per page read by OCR, naming the cells that came from it."""
    for p in read.ocr_pages:
        keys = [k for k, cell in report.cells.items() if cell.where.get("page") == p and "confidence" in cell.where]
        msg = f"第 {p} 页（共 {read.pages} 页）没有文字层，是扫描页：已用 OCR 识别，其中 {len(keys)} 个表格单元格，请核对"
        report.findings.append(Finding("read.page_ocr", "warning", keys, msg, expected=None, actual=p))
