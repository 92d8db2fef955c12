"""Ruled grids: a table's ruling lines (thin path objects, `tolerances.RULE` thick at most) that touch
form one table; its grid is the distinct rule positions; two neighbouring grid positions belong to one
(merged) cell when no rule segment separates them, and each cell is emitted once, at its first row and
column, as the HTML reader does. A cell's characters are the ones whose centre lies inside it, read
line by line (so vertical text, one character per line or `writing-mode: vertical-rl`, reads top to
bottom); its `where` bbox is its ruled box.

Layout frames (a bordered box around a web page's article, printed) are told from tables and taken
apart (`without_frames`, `_peeled`): the text inside a frame is text, the tables inside it tables."""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass
from typing import Any

from .. import blocks as B
from .lines import cell_text
from .objects import Char, Page, Rule
from .tolerances import FRAME_MIN, OPEN, PEELS, SPACING, TOL

__all__ = ["Grid", "UnionFind", "grids", "merged", "rule_groups", "ruled", "without_frames"]


class UnionFind:
    """Disjoint sets over 0..n-1 (path halving; the smaller index is a set's root)."""

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
    """The distinct positions among `values`: each within `TOL` of the last kept one is dropped."""
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= TOL:
            continue
        out.append(v)
    return out


@dataclass
class Grid:
    """A ruled table's grid: its outer box, the column (`xs`) and row (`ys`) rule positions, and for
    every grid position (row, column) the first position of the (merged) cell that covers it."""

    x0: float
    top: float
    x1: float
    bottom: float
    xs: list[float]
    ys: list[float]
    region: dict[tuple[int, int], tuple[int, int]]  # grid position → its cell's first position


def rule_groups(rules: list[Rule]) -> list[list[Rule]]:
    """Rules that touch (collinear and overlapping within `TOL`, or crossing), as connected groups."""
    n = len(rules)
    uf = UnionFind(n)
    hs = sorted((k for k in range(n) if rules[k].horizontal), key=lambda k: (rules[k].at, rules[k].a0))
    vs = sorted((k for k in range(n) if not rules[k].horizontal), key=lambda k: (rules[k].at, rules[k].a0))
    h_lines = _collinear(rules, hs, uf)
    _collinear(rules, vs, uf)
    exact = [(at, spans, members) for at, spans, members in h_lines if members is not None]
    loose = [k for _, run, members in h_lines if members is None for k in run]
    h_at = [at for at, _, _ in exact]
    for kv in vs:
        v = rules[kv]
        lo, hi = bisect.bisect_left(h_at, v.a0 - TOL), bisect.bisect_right(h_at, v.a1 + TOL)
        for _, (los, his), members in exact[lo:hi]:
            # Chains start and end in increasing order, but two chains' widened spans can overlap
            # (their rules 1.5–3 pt apart do not touch each other): a vertical in the overlap touches
            # both, so every chain from the last one starting at or before it back is tested.
            j = bisect.bisect_right(los, v.at) - 1
            while j >= 0 and his[j] >= v.at:
                uf.union(members[j], kv)
                j -= 1
        for kh in loose:  # rules at several positions within TOL: every segment is tested
            h = rules[kh]
            if h.a0 - TOL <= v.at <= h.a1 + TOL and v.a0 - TOL <= h.at <= v.a1 + TOL:
                uf.union(kh, kv)
    groups: dict[int, list[Rule]] = {}
    for k in range(n):
        groups.setdefault(uf.find(k), []).append(rules[k])
    return list(groups.values())


def _collinear(rules: list[Rule], order: list[int], uf: UnionFind) -> list[tuple[float, Any, Any]]:
    """Union the collinear rules that touch; return the lines as (position, spans, members).

    Rules at exactly one position (the usual case) touch when one's span reaches within `TOL` of the
    other's: a sweep finds the chains, and each chain is one span [lo, hi] widened by `TOL` (its start
    in `los`, its end in `his`, both increasing), its first rule in `members`. Rules whose positions
    differ by up to `TOL` are compared pairwise and returned with `members` None and their indices
    in place of the spans."""
    out: list[tuple[float, Any, Any]] = []
    i = 0
    while i < len(order):
        j = i + 1
        while j < len(order) and rules[order[j]].at - rules[order[j - 1]].at <= TOL:
            j += 1
        run = order[i:j]
        if rules[run[-1]].at == rules[run[0]].at:
            los: list[float] = []
            his: list[float] = []
            members: list[int] = []
            for k in run:
                r = rules[k]
                if his and r.a0 <= his[-1]:
                    uf.union(members[-1], k)
                    his[-1] = max(his[-1], r.a1 + TOL)
                else:
                    los.append(r.a0 - TOL)
                    his.append(r.a1 + TOL)
                    members.append(k)
            out.append((rules[run[0]].at, (los, his), members))
        else:
            for a, ka in enumerate(run):
                r = rules[ka]
                for kb in run[a + 1 :]:
                    s = rules[kb]
                    if s.at - r.at <= TOL and r.a0 <= s.a1 + TOL and s.a0 <= r.a1 + TOL:
                        uf.union(ka, kb)
            out.append((rules[run[0]].at, run, None))
        i = j
    return out


def _coverage(rules: list[Rule], positions: list[float]) -> list[list[float]]:
    """For each grid position, where the rules drawn at it reach: disjoint closed spans (widened by
    `TOL`), flattened to [lo, hi, lo, hi, …] for bisection."""
    spans: list[list[tuple[float, float]]] = [[] for _ in positions]
    for r in rules:
        j = bisect.bisect_left(positions, r.at - TOL)
        while j < len(positions) and positions[j] <= r.at + TOL:
            spans[j].append((r.a0 - TOL, r.a1 + TOL))
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


def _open_edges(ys: list[float], vs: list[Rule]) -> None:
    """Extend the row positions `ys` to where the column rules `vs` reach beyond the first or last
    horizontal rule (by two rules at least, and more than `OPEN`): a row left open at a page break.

    Why: a browser printing a collapsed-border table draws the border between two rows once, on
    the page where the first row ends, so the row opening the next page has its columns ruled but no
    rule above it. Without this edge that row would fall outside the grid and be read as unruled
    text, where wrapped cells ("368" over "件") can land in the wrong column."""
    if len(vs) < 2:
        return
    top = sorted(r.a0 for r in vs)[1]
    bottom = sorted(r.a1 for r in vs)[-2]
    if top < ys[0] - OPEN:
        ys.insert(0, top)
    if bottom > ys[-1] + OPEN:
        ys.append(bottom)


def _grid(group: list[Rule]) -> Grid | None:
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
    cuf = UnionFind(rows * cols)
    for i in range(rows):
        ymid = (ys[i] + ys[i + 1]) / 2
        for j in range(cols):
            xmid = (xs[j] + xs[j + 1]) / 2
            if j + 1 < cols and not _covered(v_at[j + 1], ymid):
                cuf.union(i * cols + j, i * cols + j + 1)
            if i + 1 < rows and not _covered(h_at[i + 1], xmid):
                cuf.union(i * cols + j, (i + 1) * cols + j)
    region = {(i, j): divmod(cuf.find(i * cols + j), cols) for i in range(rows) for j in range(cols)}
    return Grid(xs[0], ys[0], xs[-1], ys[-1], xs, ys, region)


def merged(rules: list[Rule]) -> list[Rule]:
    """Collinear rules at exactly one position whose spans touch (within `TOL`) as one rule.

    Why: HTML renderers draw every cell's border as its own segment, so a 表三 grid arrives as ~500
    rules that make ~40 lines. Merging first is what `_collinear` and `_coverage` would conclude anyway
    (touching segments at one position join one group; their widened spans overlap into one span),
    at the cost of one sort instead of hundreds of unions."""
    out: list[Rule] = []
    last: Rule | None = None
    for r in sorted(rules, key=_BY_RULE):
        if last is not None and r.horizontal == last.horizontal and r.at == last.at and r.a0 <= last.a1 + TOL:
            if r.a1 > last.a1:
                last.a1 = r.a1
            continue
        last = Rule(r.horizontal, r.a0, r.a1, r.at)
        out.append(last)
    return out


_BY_RULE = operator.attrgetter("horizontal", "at", "a0")


def grids(rules: list[Rule]) -> list[Grid]:
    """The tables' grids drawn by `rules` (a page's): touching rules grouped, frames left out or
    peeled off the tables they enclose; a single box (a frame around text) is not a grid."""
    items = _grid_items(rule_groups(without_frames(merged(rules))))
    for _ in range(PEELS):
        frames = {id(g) for g, _ in items if any(h is not g and _encloses(g, h) for h, _ in items)}
        if not frames:
            break
        kept = [(g, group) for g, group in items if id(g) not in frames]
        for g, group in items:
            if id(g) in frames:
                inside = _grid_items(rule_groups(_peeled(g, group)))
                if all(_closed(h, own) for h, own in inside):
                    kept += inside
        items = kept
    else:  # still nested after PEELS rounds: drop what still encloses, as a frame
        items = [(g, group) for g, group in items if not any(h is not g and _encloses(g, h) for h, _ in items)]
    return [g for g, _ in items]


def _grid_items(groups: list[list[Rule]]) -> list[tuple[Grid, list[Rule]]]:
    out = []
    for group in groups:
        g = _grid(group)
        # A single box is a frame around text (a bordered text box), not a table.
        if g is not None and (len(g.xs) > 2 or len(g.ys) > 2):
            out.append((g, group))
    return out


def _closed(grid: Grid, group: list[Rule]) -> bool:
    """No horizontal of `group` runs past `grid`'s outer columns: a table found inside a peeled
    frame has borders of its own. When one does (a table ruled only across, whose sides were the
    frame's), the table cannot be told from the frame and the frame is dropped whole, as before."""
    return all(r.a0 >= grid.x0 - TOL and r.a1 <= grid.x1 + TOL for r in group if r.horizontal)


def _peeled(frame: Grid, group: list[Rule]) -> list[Rule]:
    """The rules of a grid that encloses another grid (so a layout frame, see `_encloses`) without
    its sides: the verticals down its whole height at its left and right, the horizontals across its
    whole width at its top and bottom. Empty when it has no such sides.

    Why: a table drawn as wide as the frame it sits in touches the frame's sides within `TOL`, so
    both are one group; dropping the group as a frame lost that table (its rules gone, its header
    text read into the section's prose: printed portal page seed 14, 表四). What is left once the
    sides are gone is grouped again; the table's own borders, shorter than the frame, stay."""
    x0, top, x1, bottom = frame.x0, frame.top, frame.x1, frame.bottom
    sides = []
    for r in group:
        if r.horizontal:
            side = (abs(r.at - top) <= TOL or abs(r.at - bottom) <= TOL) and r.a0 <= x0 + TOL and r.a1 >= x1 - TOL
        else:
            side = (abs(r.at - x0) <= TOL or abs(r.at - x1) <= TOL) and r.a0 <= top + TOL and r.a1 >= bottom - TOL
        sides.append(side)
    if not any(sides):
        return []
    return [r for r, side in zip(group, sides) if not side]


def without_frames(rules: list[Rule]) -> list[Rule]:
    """`rules` without the sides (and top and bottom) of layout frames: a bordered box around a web
    page's article, printed, often broken over pages.

    Why: a table inside the frame drawn 1 pt from its side touches it within `TOL`, so frame and
    table would be one group, and the prose between the frame's top and the table would become one
    huge cell of a grid: sections silently lost. A frame is two long vertical rules over the same
    span with, between them, no rule across the whole width except at its ends and no column rule
    down (nearly) the whole span, and no rule reaching out past a side. A table has one of these:
    rules across its width between rows, a column rule down its whole height, or, for a column
    merged over every row, the rest of the table beyond its side. So a frame around a table as wide
    as itself stays (its sides then fall within `TOL` of the table's)."""
    vs = [r for r in rules if not r.horizontal and r.a1 - r.a0 >= FRAME_MIN]
    if len(vs) < 2:
        return rules
    vs_all = [r for r in rules if not r.horizontal]
    drop: set[int] = set()
    for left in vs:
        for right in vs:
            if right.at - left.at < 2 * FRAME_MIN / 3 or abs(left.a0 - right.a0) > TOL or abs(left.a1 - right.a1) > TOL:
                continue
            top, bottom, span = max(left.a0, right.a0), min(left.a1, right.a1), left.a1 - left.a0
            caps = []
            inner = [v for v in vs_all if v is not left and v is not right and left.at < v.at < right.at]
            for r in rules:
                if r.horizontal:
                    if top - TOL <= r.at <= bottom + TOL and (r.a0 < left.at - TOL or r.a1 > right.at + TOL):
                        break  # a rule reaching out past a side: the sides belong to a wider table
                    across = r.a0 <= left.at + TOL and r.a1 >= right.at - TOL
                    if across and _boxed(r, inner):
                        continue  # a table of its own inside the frame, as wide as it within TOL
                    if across and top + TOL < r.at < bottom - TOL:
                        break  # a rule across the whole width between rows: a table
                    if across and (abs(r.at - top) <= TOL or abs(r.at - bottom) <= TOL):
                        caps.append(r)
                elif left.at + TOL < r.at < right.at - TOL and r.a1 - r.a0 >= 0.9 * span and r.a0 <= top + 0.1 * span:
                    break  # a column rule down the whole height: a table
            else:
                drop.update(map(id, (left, right, *caps)))
    return [r for r in rules if id(r) not in drop] if drop else rules


def _boxed(h: Rule, inner: list[Rule]) -> bool:
    """The horizontal `h` ends on verticals of its own, inside the candidate frame's sides: `h`
    belongs to a table drawn within `TOL` of the frame (a web page's bordered layout cell with
    cellspacing around a 100%-wide table), not to a table whose outer border the sides are. Each
    end's vertical is within `TOL` of that end and reaches `h`."""
    ends = [False, False]
    for v in inner:
        if v.a0 - TOL <= h.at <= v.a1 + TOL:
            if abs(v.at - h.a0) <= TOL:
                ends[0] = True
            if abs(v.at - h.a1) <= TOL:
                ends[1] = True
    return ends[0] and ends[1]


def _encloses(outer: Grid, inner: Grid) -> bool:
    """`inner` lies within `outer`'s frame: `outer` is a layout frame (a web page's bordered layout
    table around the article, a box drawn around a page), not a table; its text is read as text and
    the tables inside it as tables."""
    return outer.x0 - TOL <= inner.x0 and inner.x1 <= outer.x1 + TOL and outer.top - TOL <= inner.top and inner.bottom <= outer.bottom + TOL


def _table(grid: Grid, chars: list[Char], page: int) -> B.Table:
    xs, ys, region = grid.xs, grid.ys, grid.region
    cols, rows_n = len(xs) - 1, len(ys) - 1
    by_cell: dict[tuple[int, int], list[Char]] = {}
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
    # Cell spacing: cells drawn as separate boxes further apart than TOL leave a strip of grid
    # positions between them, too narrow for any text; its empty cells are not cells of the table.
    thin_col = [xs[j + 1] - xs[j] < SPACING for j in range(cols)]
    thin_row = [ys[i + 1] - ys[i] < SPACING for i in range(rows_n)]
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
            text = cell_text(chars_in) if chars_in else ""
            row.append(B.GridCell(text, {"page": page, "bbox": [rx[j], ry[i], rx[lj + 1], ry[li + 1]]}))
        if row:
            rows.append(row)
    return B.Table(rows)


def ruled(page: Page) -> list[Char]:
    """Fill `page.tables` with the ruled tables; return the characters outside them."""
    found = grids(page.rules)
    if not found:
        return page.chars
    rest: list[Char] = []
    inside: dict[int, list[Char]] = {}
    boxes = [(g, grid.x0 - TOL, grid.x1 + TOL, grid.top - TOL, grid.bottom + TOL) for g, grid in enumerate(found)]
    for ch in page.chars:
        cx, cy = ch.cx, ch.cy
        for g, x0, x1, top, bottom in boxes:
            if x0 <= cx <= x1 and top <= cy <= bottom:
                inside.setdefault(g, []).append(ch)
                break
        else:
            rest.append(ch)
    for g, grid in enumerate(found):
        if g in inside:
            table = _table(grid, inside[g], page.number)
            if table.rows:
                page.tables.append((grid.top, table))
    return rest
