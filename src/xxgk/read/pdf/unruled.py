"""Tables without rules: a run of text lines with two or more pieces (with the short lines wrapped
between them, and a stacked header's short lines above) is a table.

Its values are the pieces that end a line and read as values (numbers, `/`, `-`; a value wrapped under
itself, '2' over '件', is joined; a value that an overflowing label ran into is cut off where a value
column starts); values that overlap vertically are one row, and the fullest rows give the columns (a
blank between two values stays a blank cell). A label piece goes to the row it overlaps or, between
two rows, to the side of the widest vertical gap in its column (labels centred on their row and
top-aligned ones both read right); a row's label pieces that overlap horizontally are one cell, read
top to bottom. Other pieces over the value columns (headers, captions) are header rows, the lines of a
stacked cell (one character per line) joined."""

from __future__ import annotations

import bisect
import math
import re

from ...report.values import is_value_token, normalize
from .. import blocks as B
from .grids import UnionFind
from .lines import BOTTOM, TOP, X1, bbox_of, is_cjk, line_height, line_text
from .objects import Char
from .tolerances import BLANK_ROW_EDGE

__all__ = ["Piece", "borderless", "regions"]


class Piece:
    """A run of characters on one line with no wide gap: a cell's text, or one line of it."""

    __slots__ = ("chars", "text", "x0", "top", "x1", "bottom", "value")

    def __init__(self, chars: list[Char]):
        self.chars = chars
        self.text = line_text(chars)
        self.x0, self.x1 = chars[0].x0, max(map(X1, chars))
        self.top, self.bottom = min(map(TOP, chars)), max(map(BOTTOM, chars))
        self.value = is_value_token(self.text)

    def absorb(self, below: Piece) -> None:
        """Take in the piece printed under this one (a wrapped cell's next line)."""
        self.chars = self.chars + below.chars
        self.text += below.text
        self.x0, self.x1 = min(self.x0, below.x0), max(self.x1, below.x1)
        self.top, self.bottom = min(self.top, below.top), max(self.bottom, below.bottom)
        self.value = is_value_token(self.text)


def regions(lines: list[list[Char]], pieces: list[list[Piece]], left: float, right: float) -> list[tuple[int, int]]:
    """[start, end) line ranges that form tables without rules: runs of lines with two or more
    pieces, with the short lines between them; above, the short lines of a header (not numbered, not
    ending a sentence, under 1.2 lines apart); below, a wrapped label's short lines closer than 0.7
    of a line."""
    folio = [bool(_PAGE_NUMBER.match("".join(q.text for q in p))) for p in pieces]
    multi = [len(p) >= 2 and not f for p, f in zip(pieces, folio)]
    width = max(right - left, 1.0)
    narrow = [not m and not f and (ps[0].x1 - ps[0].x0) <= 0.45 * width and not _sentence(ps[0].text) for m, f, ps in zip(multi, folio, pieces)]
    out: list[tuple[int, int]] = []
    i, n = 0, len(lines)
    while i < n:
        if not multi[i]:
            i += 1
            continue
        start, end, k = i, i + 1, i + 1
        while k < n and (multi[k] or narrow[k]) and _gap(lines[k - 1], lines[k]) <= 1.2 * line_height(lines[k - 1]):
            if multi[k]:
                end = k + 1
            k += 1
        # Short lines hanging below the last multi-piece line or above the first: close ones only.
        while end < n and narrow[end] and _gap(lines[end - 1], lines[end]) <= 0.7 * line_height(lines[end - 1]) and not _starts_numbered(pieces[end][0].text):
            end += 1
        while start > (out[-1][1] if out else 0) and narrow[start - 1] and _gap(lines[start - 1], lines[start]) <= 1.2 * line_height(lines[start]) and not _starts_numbered(pieces[start - 1][0].text):
            start -= 1
        out.append((start, end))
        i = end
    return out


#: A page number printed in the body, between the parts of a table continued on the next page
#: ('- 9 -', as Word prints its footer): three pieces, but no row of the table.
_PAGE_NUMBER = re.compile(r"^[-—–－]\s*\d{1,4}\s*[-—–－]$")
_NUMBERED = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d{1,2}\s*[、.．])")


def _sentence(text: str) -> bool:
    """Prose, as the text reader sees it: a full stop, or a long line introducing what follows."""
    t = normalize(text)
    return "。" in t or (len(t) > 8 and t.endswith(":"))


def _starts_numbered(text: str) -> bool:
    return bool(_NUMBERED.match(text))


def _gap(a: list[Char], b: list[Char]) -> float:
    return min(c.top for c in b) - max(c.bottom for c in a)


def _value_run(pieces: list[Piece]) -> int:
    """Index of the first piece of the line's trailing run of values (len(pieces) if none)."""
    k = len(pieces)
    while k > 0 and pieces[k - 1].value:
        k -= 1
    return k


def _columns(rows: list[list[Piece]]) -> list[float]:
    """Value column centres: from the rows with the most values (the full rows)."""
    most = max(len(r) for r in rows)
    full = [r for r in rows if len(r) == most]
    return [sum((r[j].x0 + r[j].x1) / 2 for r in full) / len(full) for j in range(most)]


def _value_cells(values: list[Piece], centres: list[float], page: int, band: tuple[float, float]) -> list[B.GridCell]:
    """The row's value cells, with an empty cell for a column left blank between two values."""
    cells = [B.GridCell(p.text, {"page": page, "bbox": bbox_of(p.chars)}) for p in values]
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


def _label_cells(pieces: list[Piece], page: int) -> list[B.GridCell]:
    """A row's label pieces: those overlapping horizontally are one cell, read top to bottom."""
    return [_joined(sorted(g, key=lambda p: (p.top, p.x0)), page) for g in _stacks(pieces)]


def _split_at_widest_gap(items: list[Piece], upper: tuple[float, float], lower: tuple[float, float]) -> int:
    """How many of `items` (one column's wrapped label lines between two anchor rows, top to bottom)
    belong to the upper row: the rows part at the widest vertical gap (ties: nearest the middle)."""
    edges = [upper[1]] + [p for it in items for p in (it.top, it.bottom)] + [lower[0]]
    gaps = [edges[2 * k + 1] - edges[2 * k] for k in range(len(items) + 1)]
    widest = max(gaps)
    mid = (upper[1] + lower[0]) / 2
    best = min((k for k, g in enumerate(gaps) if g >= widest - 0.5), key=lambda k: abs((edges[2 * k] + edges[2 * k + 1]) / 2 - mid))
    return best


def _merge_wrapped_values(pieces: list[list[Piece]]) -> None:
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


def _split_glued_values(pieces: list[list[Piece]]) -> None:
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


def _glued_value(piece: Piece, edges: tuple[list[float], list[float], list[float]]) -> list[Piece] | None:
    """The piece cut before its trailing value: after its last gap, when what follows is a value that
    lines up with a value column, or stands a word space (a quarter line) away from CJK text."""
    chars = piece.chars
    for j in range(len(chars) - 1, 0, -1):
        gap = chars[j].x0 - chars[j - 1].x1
        h = chars[j].bottom - chars[j].top
        if gap < 0.1 * h:
            continue  # no gap at all: inside a word
        tail = Piece(chars[j:])
        if not tail.value:
            return None
        aligned = any(_near(sorted_edges, x) for sorted_edges, x in zip(edges, (tail.x0, (tail.x0 + tail.x1) / 2, tail.x1)))
        if aligned or (gap >= 0.25 * h and is_cjk(chars[j - 1].text)):
            return [Piece(chars[:j]), tail]
        return None
    return None


def _near(sorted_values: list[float], x: float, tol: float = 1.5) -> bool:
    j = bisect.bisect_left(sorted_values, x - tol)
    return j < len(sorted_values) and sorted_values[j] <= x + tol


def _value_rows(values: list[Piece]) -> list[list[Piece]]:
    """Value pieces grouped into table rows: pieces that overlap vertically are one row."""
    rows: list[list[Piece]] = []
    bottom = -math.inf
    for p in sorted(values, key=lambda p: p.top):
        # A character's height, not the piece's: a value wrapped over two lines ('１' over '件') is
        # twice as tall, and would need twice the overlap to join its row.
        if rows and p.top < bottom - 0.3 * max(c.bottom - c.top for c in p.chars):
            rows[-1].append(p)
            bottom = max(bottom, p.bottom)
        else:
            rows.append([p])
            bottom = p.bottom
    for r in rows:
        r.sort(key=lambda p: (p.x0, p.top))
        _join_stacked(r)
    return rows


def _join_stacked(row: list[Piece]) -> None:
    """A number wrapped in a narrow column, its digits over each other ('７' over '４' when '７４' in
    full-width digits does not fit), centred on its row: the row's other values hold the lines
    together as one row, and the stacked pieces, one over the other in one column, are one value,
    read top to bottom. Pieces of two rows never share a row (rows do not overlap)."""
    k = 0
    while k + 1 < len(row):
        a, b = row[k], row[k + 1]
        overlap = min(a.x1, b.x1) - max(a.x0, b.x0)
        upper, lower = (a, b) if a.top <= b.top else (b, a)
        if overlap > 0.5 * min(a.x1 - a.x0, b.x1 - b.x0) and lower.top >= upper.bottom - 0.5 and is_value_token(upper.text + lower.text):
            upper.absorb(lower)
            row[k : k + 2] = [upper]
            continue
        k += 1


def _overlaps(p: Piece, band: tuple[float, float]) -> bool:
    return min(p.bottom, band[1]) - max(p.top, band[0]) > 0.5 * (p.bottom - p.top)


def borderless(lines: list[list[Char]], pieces: list[list[Piece]], page: int) -> list[tuple[float, B.Block]]:
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
    side = [p for p in rest if p.x1 <= value_left + 1]
    labels, head = _assign_labels(side, bands, len(rows), others)
    blank = _blank_row_starts(labels, [_band(r) for r in rows])
    if blank:
        # Rows whose cells are all blank print a label and nothing else: each becomes a row band of
        # its own, and the labels are assigned again around the new bands.
        bands += [(p.top, p.bottom, len(rows) + j) for j, p in enumerate(blank)]
        bands.sort()
        labels, head = _assign_labels(side, bands, len(rows) + len(blank), others)
    out: list[tuple[float, list[B.GridCell]]] = []
    centres = _columns(rows)
    for k, r in enumerate(rows):
        band = _band(r)
        out.append((min([band[0]] + [p.top for p in labels[k]]), _label_cells(labels[k], page) + _value_cells(r, centres, page, band)))
    for j, p in enumerate(blank):
        own = labels[len(rows) + j]
        if not own:  # its label went to a neighbouring band on reassignment: no row of its own
            continue
        band = (p.top, p.bottom)
        empty = [B.GridCell("", {"page": page, "bbox": [round(x - 1, 2), round(band[0], 2), round(x + 1, 2), round(band[1], 2)]}) for x in centres]
        out.append((min(q.top for q in own), _label_cells(own, page) + empty))
    out += _header_rows(head, [_band(r)[0] for r in rows], page)
    out.sort(key=lambda r: r[0])
    return [(out[0][0], B.Table([r for _, r in out]))]


def _assign_labels(side: list[Piece], bands: list[tuple[float, float, int]], n_rows: int, others: list[Piece]) -> tuple[list[list[Piece]], list[Piece]]:
    """Label pieces (left of the values) to row bands: the band a piece overlaps, header lines, or for
    a piece between two rows the side of the widest gap in its column. Returns (labels per row, the
    header pieces: `others` and the label pieces beside header lines)."""
    labels: list[list[Piece]] = [[] for _ in range(n_rows)]
    head: list[Piece] = list(others)
    floating: list[Piece] = []
    for p in side:
        owner = next((k for t, b, k in bands if k >= 0 and _overlaps(p, (t, b))), None)
        if owner is None and any(_overlaps(p, (t, b)) for t, b, k in bands if k < 0):
            head.append(p)
        elif owner is None:
            floating.append(p)
        else:
            labels[owner].append(p)
    for p, k in _assign_floating(floating, bands):
        (labels[k] if k >= 0 else head).append(p)
    return labels, head


def _blank_row_starts(labels: list[list[Piece]], value_bands: list[tuple[float, float]]) -> list[Piece]:
    """The first lines of rows printed with every cell blank (a label and no value), found among the
    labels given to the value rows around them: two numbered pieces starting at the same left edge
    ('5.要求…' and '1.申请人…') are two rows' labels, since a wrapped label's next line does not start
    with a number. The one overlapping the row's values keeps them; when none does, the row's label is
    elsewhere if another numbered piece overlaps its values ('(七)总计' left of the blank rows of
    （六）), else it is the numbered piece nearest above the values (a label centred on its row wraps
    above and below them). Every other one starts a row of its own."""
    out: list[Piece] = []
    for pieces, band in zip(labels, value_bands):
        numbered = sorted((p for p in pieces if _starts_numbered(p.text)), key=lambda p: p.top)
        if len(numbered) < 2:
            continue
        for edge in _left_edges(numbered):
            if len(edge) < 2:
                continue
            keep = next((p for p in edge if _overlaps(p, band)), None)
            if keep is None and not any(_overlaps(p, band) for p in numbered):
                above = [p for p in edge if p.bottom <= band[1]]
                keep = above[-1] if above else edge[0]
            out += [p for p in edge if p is not keep]
    return out


def _left_edges(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped by their left edge (within BLANK_ROW_EDGE of a character's height), top to bottom."""
    groups: list[list[Piece]] = []
    for p in sorted(pieces, key=lambda p: p.x0):
        h = p.bottom - p.top
        if groups and p.x0 - groups[-1][0].x0 <= BLANK_ROW_EDGE * h:
            groups[-1].append(p)
        else:
            groups.append([p])
    return [sorted(g, key=lambda p: p.top) for g in groups]


def _vertical_groups(pieces: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped by vertical proximity (a header block, a caption line)."""
    groups: list[list[Piece]] = []
    bottom = -math.inf
    for p in sorted(pieces, key=lambda p: p.top):
        if groups and p.top - bottom <= 0.8 * (p.bottom - p.top):
            groups[-1].append(p)
            bottom = max(bottom, p.bottom)
        else:
            groups.append([p])
            bottom = p.bottom
    return groups


def _assign_floating(floating: list[Piece], bands: list[tuple[float, float, int]]) -> list[tuple[Piece, int]]:
    """Each wrapped label piece that touches no row: to the row above or below it, split per column
    at the widest vertical gap."""
    out: list[tuple[Piece, int]] = []
    tops = [t for t, _, _ in bands]
    between: dict[int, list[Piece]] = {}
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


def _header_rows(head: list[Piece], row_tops: list[float], page: int) -> list[tuple[float, list[B.GridCell]]]:
    """Header and caption pieces as rows: pieces of one wrapped or stacked cell (horizontal overlap,
    under 0.6 of a line apart) joined top to bottom; cells starting on the same line are one row."""
    out: list[tuple[float, list[B.GridCell]]] = []
    zones: dict[int, list[Piece]] = {}
    for p in head:
        zones.setdefault(bisect.bisect_right(row_tops, p.top), []).append(p)
    for items in zones.values():
        cells = _header_cells(items)
        cells.sort(key=lambda c: (c[0].top, c[0].x0))
        row: list[list[Piece]] = []
        for cell in cells:
            if row and cell[0].top >= row[0][0].bottom - 0.3 * (row[0][0].bottom - row[0][0].top):
                out.append((row[0][0].top, [_joined(c, page) for c in sorted(row, key=lambda c: c[0].x0)]))
                row = []
            row.append(cell)
        if row:
            out.append((row[0][0].top, [_joined(c, page) for c in sorted(row, key=lambda c: c[0].x0)]))
    return out


def _header_cells(items: list[Piece]) -> list[list[Piece]]:
    items = sorted(items, key=lambda p: (p.top, p.x0))
    uf = UnionFind(len(items))
    for a, p in enumerate(items):
        for b in range(a + 1, len(items)):
            q = items[b]
            if q.top - p.bottom > 0.6 * (p.bottom - p.top):
                break
            overlap = min(p.x1, q.x1) - max(p.x0, q.x0)
            if q.top >= p.bottom - 0.5 and overlap > 0.5 * min(p.x1 - p.x0, q.x1 - q.x0):
                uf.union(a, b)
    cells: dict[int, list[Piece]] = {}
    for k, p in enumerate(items):
        cells.setdefault(uf.find(k), []).append(p)
    return [sorted(c, key=lambda p: p.top) for c in cells.values()]


def _joined(cell: list[Piece], page: int) -> B.GridCell:
    return B.GridCell("".join(p.text for p in cell), {"page": page, "bbox": bbox_of([c for p in cell for c in p.chars])})


def _band(pieces: list[Piece]) -> tuple[float, float]:
    return min(p.top for p in pieces), max(p.bottom for p in pieces)


def _stacks(items: list[Piece]) -> list[list[Piece]]:
    """Pieces grouped into columns by horizontal overlap, each top to bottom."""
    groups: list[list[Piece]] = []
    for p in sorted(items, key=lambda p: p.x0):
        if groups and p.x0 < max(q.x1 for q in groups[-1]) - 0.5:
            groups[-1].append(p)
        else:
            groups.append([p])
    return [sorted(g, key=lambda p: p.top) for g in groups]
