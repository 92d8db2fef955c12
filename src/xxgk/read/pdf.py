"""The PDF reader: PDF bytes → Report, for born-digital PDFs (a text layer), scans and mixtures.

Per page, PDFium (pypdfium2, through its raw ctypes API: one call per character and per page object,
no Python wrapper objects) gives the characters with their boxes and the page's path objects.

Ruled tables: a table's ruling lines are the thin path objects (≤ 2 pt across); rules that touch form
one table. Its grid is the distinct rule positions; two neighbouring grid positions belong to one
(merged) cell when no rule segment separates them, and each cell is emitted once, at its first row and
column, as the HTML reader does. Its characters are the ones whose centre lies inside it, read line by
line (so vertical text, one character per line or `writing-mode: vertical-rl`, reads top to bottom).

Everything outside ruled tables is text: characters are grouped into lines (vertical overlap), lines
into pieces (split where the gap exceeds 0.8× the character height). A run of lines with two or more
pieces (plus the short lines wrapped between them) is a table without rules; its rows are anchored on
the lines that end in values (numbers, `/`, `-`): the pieces after the label are the value columns, a
wrapped label line between two anchors belongs to the row on its side of the widest vertical gap
(labels centred on their row or top-aligned both read right), and a row's label pieces that overlap
horizontally are one cell, read top to bottom. Lines without values (headers, captions) stay rows of
their own. Any other line is a paragraph (wrapped lines joined).

Removed before that: page numbers ("- 3 -", "第3页", "第 3 页 共 9 页", "3/12") in the top or bottom
6% of a page, and running titles: a line in the top or bottom 10% whose text (digits aside) recurs at
the same height on another page. A landscape page with an empty vertical gutter near its middle (no
character, no rule; at least 6% of the width) is a flip-book sheet: two logical pages side by side,
read left half then right half.

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
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Finding, Report
from ..report.values import is_value_token, normalize
from . import blocks as B

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
_PIECE_GAP = 0.8  # × character height: a gap this wide separates two pieces of a line
_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})$")
_SKIP = frozenset({0xFFFE, 0xFFFF, 0x200B, 0xFEFF})
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
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if out:
            h = min(bottom - top, ch.bottom - ch.top)
            overlap = min(bottom, ch.bottom) - max(top, ch.top)
            if overlap > 0.5 * h:
                out[-1].append(ch)  # the band stays the first character's: no drift down the page
                continue
        out.append([ch])
        top, bottom = ch.top, ch.bottom
    for line in out:
        line.sort(key=lambda c: c.x0)
    return out


def _clusters(line: list[_Ch], factor: float) -> list[list[_Ch]]:
    """Split a line where the gap between characters is over `factor` × the font size."""
    out: list[list[_Ch]] = [[line[0]]]
    for prev, ch in zip(line, line[1:]):
        size = max(prev.size, ch.size, 1.0)
        if ch.x0 - prev.x1 > factor * size:
            out.append([ch])
        else:
            out[-1].append(ch)
    return out


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
    parts = [line[0].c]
    for prev, ch in zip(line, line[1:]):
        if ch.x0 - prev.x1 > 0.25 * max(prev.size, ch.size, 1.0):
            parts.append(" ")
        parts.append(ch.c)
    return "".join(parts)


def _bbox(chars: list[_Ch]) -> list[float]:
    return [round(min(c.x0 for c in chars), 2), round(min(c.top for c in chars), 2), round(max(c.x1 for c in chars), 2), round(max(c.bottom for c in chars), 2)]


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

    def cell_of(self, ch: _Ch) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.ys, ch.cy) - 1
        j = bisect.bisect_right(self.xs, ch.cx) - 1
        if 0 <= i < len(self.ys) - 1 and 0 <= j < len(self.xs) - 1:
            return self.region[(i, j)]
        return None


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


def _coverage(rules: list[_Rule], positions: list[float]) -> list[list[tuple[float, float]]]:
    """For each grid position, the spans of the rules drawn at it."""
    out: list[list[tuple[float, float]]] = [[] for _ in positions]
    for r in rules:
        j = bisect.bisect_left(positions, r.at - _TOL)
        while j < len(positions) and positions[j] <= r.at + _TOL:
            out[j].append((r.a0 - _TOL, r.a1 + _TOL))
            j += 1
    return out


def _covered(spans: list[tuple[float, float]], mid: float) -> bool:
    return any(a0 <= mid <= a1 for a0, a1 in spans)


def _grid(group: list[_Rule]) -> _Grid | None:
    hs = [r for r in group if r.horizontal]
    vs = [r for r in group if not r.horizontal]
    ys, xs = _positions([r.at for r in hs]), _positions([r.at for r in vs])
    if len(ys) < 2 or len(xs) < 2:
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


def _grids(rules: list[_Rule]) -> list[_Grid]:
    return [g for g in (_grid(group) for group in _rule_groups(rules)) if g is not None]


def _table(grid: _Grid, chars: list[_Ch], page: int) -> B.Table:
    cols = len(grid.xs) - 1
    by_cell: dict[tuple[int, int], list[_Ch]] = {}
    for ch in chars:
        cell = grid.cell_of(ch)
        if cell is not None:
            by_cell.setdefault(cell, []).append(ch)
    # A merged cell's extent: the last grid position it covers.
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for pos, first in grid.region.items():
        e = extent.get(first, first)
        extent[first] = (max(e[0], pos[0]), max(e[1], pos[1]))
    rows: list[list[B.GridCell]] = []
    for i in range(len(grid.ys) - 1):
        row: list[B.GridCell] = []
        for j in range(cols):
            if grid.region[(i, j)] != (i, j):
                continue
            li, lj = extent[(i, j)]
            chars_in = by_cell.get((i, j))
            text = "".join(_text(line) for line in _lines(chars_in)) if chars_in else ""
            bbox = [round(grid.xs[j], 2), round(grid.ys[i], 2), round(grid.xs[lj + 1], 2), round(grid.ys[li + 1], 2)]
            row.append(B.GridCell(text, {"page": page, "bbox": bbox}))
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
    for ch in page.chars:
        for g, grid in enumerate(grids):
            if grid.x0 - _TOL <= ch.cx <= grid.x1 + _TOL and grid.top - _TOL <= ch.cy <= grid.bottom + _TOL:
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
        self.x0, self.x1 = chars[0].x0, max(c.x1 for c in chars)
        self.top, self.bottom = min(c.top for c in chars), max(c.bottom for c in chars)
        self.value = is_value_token(self.text)

    def absorb(self, below: _Piece) -> None:
        """Take in the piece printed under this one (a wrapped cell's next line)."""
        self.chars = self.chars + below.chars
        self.text += below.text
        self.x0, self.x1 = min(self.x0, below.x0), max(self.x1, below.x1)
        self.top, self.bottom = min(self.top, below.top), max(self.bottom, below.bottom)
        self.value = is_value_token(self.text)


def _height(line: list[_Ch]) -> float:
    return max(c.bottom for c in line) - min(c.top for c in line)


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
    groups: list[list[_Piece]] = []
    for p in sorted(pieces, key=lambda p: p.x0):
        if groups and p.x0 < max(q.x1 for q in groups[-1]) - 0.5:
            groups[-1].append(p)
        else:
            groups.append([p])
    out = []
    for g in groups:
        g.sort(key=lambda p: (p.top, p.x0))
        out.append(B.GridCell("".join(p.text for p in g), {"page": page, "bbox": _bbox([c for p in g for c in p.chars])}))
    return out


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
    left = min(min(c.x0 for c in line) for line in lines)
    right = max(max(c.x1 for c in line) for line in lines)
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
        top = min(c.top for c in line)
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
    size = max(c.size for c in prev)
    if abs(max(c.size for c in line) - size) > 0.5:
        return False
    if max(c.x1 for c in prev) < right - 2.5 * size:
        return False
    if min(c.top for c in line) - max(c.bottom for c in prev) > 0.8 * size:
        return False
    text = "".join(c.c for c in line)
    return not _HEADING.match(text)


# -- margins: page numbers and running titles ------------------------------------------------------------


def _margin_key(line: list[_Ch], height: float) -> tuple[str, int] | None:
    """(text with digits as '#', height bucket) for a line in the top or bottom 10% of its page."""
    top, bottom = min(c.top for c in line), max(c.bottom for c in line)
    if bottom > 0.10 * height and top < 0.90 * height:
        return None
    text = re.sub(r"\d+", "#", normalize("".join(c.c for c in line)))
    return text, round(top / 4)


def _drop_margins(pages: list[_Page]) -> None:
    """Remove page numbers and running titles from every page's lines (see the module docstring)."""
    seen: dict[tuple[str, int], set[int]] = {}
    for k, page in enumerate(pages):
        for line in page.lines:
            key = _margin_key(line, page.height)
            if key is not None:
                seen.setdefault(key, set()).add(k)
    for page in pages:
        keep = []
        for line in page.lines:
            key = _margin_key(line, page.height)
            if key is not None and (len(seen[key]) >= 2 and re.search(r"[^#\W]", key[0]) or _is_page_number(line, page.height)):
                continue
            keep.append(line)
        page.lines = keep


def _is_page_number(line: list[_Ch], height: float) -> bool:
    margin = 0.06 * height
    top, bottom = min(c.top for c in line), max(c.bottom for c in line)
    return (bottom < margin or top > height - margin) and bool(_PAGE_NO.match(_text(line).strip()))


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


def _read_chars(c: Any, textpage: Any, height: float) -> list[_Ch]:
    """The page's visible characters, one raw PDFium call each for code, loose box and font size."""
    n = min(c.FPDFText_CountChars(textpage), MAX_CHARS_PER_PAGE)
    get_unicode, get_box, get_size = c.FPDFText_GetUnicode, c.FPDFText_GetLooseCharBox, c.FPDFText_GetFontSize
    rect = c.FS_RECTF()
    ref = ctypes.byref(rect)
    chars: list[_Ch] = []
    for k in range(n):
        code = get_unicode(textpage, k)
        if code <= 0x20 or code in _SKIP:
            continue
        ch = chr(code)
        if ch.isspace() or not get_box(textpage, k, ref):
            continue
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        if right <= left and top <= bottom:
            continue
        size = get_size(textpage, k) or (top - bottom)
        chars.append(_Ch(ch, left, height - top, right, height - bottom, float(size)))
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
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    refs = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    fm = c.FS_MATRIX()
    height = page.height
    identity: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[Any, bool, _Matrix, int]] = [(page_raw, False, identity, 0)]
    while stack:
        parent, is_form, matrix, depth = stack.pop()
        count = (c.FPDFFormObj_CountObjects if is_form else c.FPDFPage_CountObjects)(parent)
        get = c.FPDFFormObj_GetObject if is_form else c.FPDFPage_GetObject
        for i in range(max(count, 0)):
            page.objects += 1
            if page.objects > MAX_OBJECTS_PER_PAGE or len(page.rules) >= 50_000:
                return
            obj = get(parent, i)
            kind = c.FPDFPageObj_GetType(obj)
            if kind == _FORM and depth < 3:
                c.FPDFPageObj_GetMatrix(obj, ctypes.byref(fm))
                inner = (fm.a, fm.b, fm.c, fm.d, fm.e, fm.f)
                stack.append((obj, True, _compose(inner, matrix), depth + 1))
                continue
            if kind not in (_PATH, _IMAGE) or not c.FPDFPageObj_GetBounds(obj, *refs):
                continue
            x0, y0, x1, y1 = left.value, bottom.value, right.value, top.value
            if is_form:
                x0, y0, x1, y1 = _map_box(matrix, x0, y0, x1, y1)
            if kind == _IMAGE:
                page.image_area = max(page.image_area, (x1 - x0) * (y1 - y0))
                continue
            w, h = x1 - x0, y1 - y0
            if h <= _RULE and w > _RULE:
                page.rules.append(_Rule(True, x0, x1, height - (y1 + y0) / 2))
            elif w <= _RULE and h > _RULE:
                page.rules.append(_Rule(False, height - y1, height - y0, (x0 + x1) / 2))
            # Anything larger is a filled box or a drawing, not a rule.


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


def _ocr_page(page: Any, number: int) -> list[B.Block]:
    """Render the page for OCR (200 dpi, less for a page too large for the OCR's image limits) and
    read it; boxes come back in the image's pixels and are mapped to page points."""
    from . import ocr

    width, height = page.get_size()
    scale = OCR_DPI / 72
    scale = min(scale, ocr.MAX_SIDE / max(width, height, 1.0), math.sqrt(ocr.MAX_PIXELS / max(width * height, 1.0)))
    image = page.render(scale=scale, grayscale=True).to_pil()
    blocks = ocr.ocr_blocks(image, number)
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
        return pdfium.PdfDocument(data)
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


def _read(data: bytes) -> _Read:
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
        for p in range(n):
            page = doc[p]
            try:
                content = _read_page(c, page, p + 1)
                if _is_scan(content):
                    scanned[p + 1] = _scan(page, p + 1)
                    continue
            except InputError:
                raise
            except Exception as e:  # a broken page object: pdfium's own errors
                raise InputError(f"not a valid PDF: page {p + 1} cannot be read ({type(e).__name__})") from None
            finally:
                page.close()
            pages.extend(_halves(content))
    finally:
        doc.close()
    for page in pages:
        page.lines = _lines(_ruled(page))
    _drop_margins(pages)
    by_page: dict[int, list[B.Block]] = dict(scanned)
    for page in pages:
        by_page.setdefault(page.number, []).extend(b for _, b in _page_blocks(page))
    blocks = [b for p in sorted(by_page) for b in by_page[p]]
    if not blocks:
        if scanned:
            raise InputError(f"PDF has no text layer and OCR found no text on its {n} page(s)")
        raise InputError("PDF has no text layer and nothing on its pages to read (blank pages)")
    return _Read(blocks, sorted(scanned), n)


def _scan(page: Any, number: int) -> list[B.Block]:
    if not _ocr_available():
        raise InputError(f"PDF page {number} has no text layer (a scan); reading it needs the OCR extra: pip install 'xxgk[ocr]'")
    return _ocr_page(page, number)


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
        from .ocr import add_uncertain_findings

        _page_ocr_findings(report, read)
        add_uncertain_findings(report)
    return report


def _page_ocr_findings(report: Report, read: _Read) -> None:
    """One read.page_ocr warning per page read by OCR, naming the cells that came from it."""
    for p in read.ocr_pages:
        keys = [k for k, cell in report.cells.items() if cell.where.get("page") == p and "confidence" in cell.where]
        msg = f"第 {p} 页（共 {read.pages} 页）没有文字层，是扫描页：已用 OCR 识别，其中 {len(keys)} 个表格单元格，请核对"
        report.findings.append(Finding("read.page_ocr", "warning", keys, msg, expected=None, actual=p))
