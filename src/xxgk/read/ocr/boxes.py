"""Ink → text boxes (step 4 of the package docstring): the connected components of the text ink are
grouped into lines by the detector's boxes (or by proximity where it saw nothing), and lines are cut
into one box per table cell at rules and wide gaps."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .params import BIG_TEXT, SPLIT_GAP


@dataclass
class Box:
    """One text box on the upright page: its ink, then what was read there."""

    x0: int
    y0: int
    x1: int
    y1: int
    ink: list[tuple[int, int, int]]  # (x0, x1, height) of each connected component of its ink
    text: str = ""
    score: float = 0.0
    crop: tuple[int, int, int, int] = (0, 0, 0, 0)  # x0, y0, x1, y1 of the crop on the upright page
    where: dict[str, Any] = field(default_factory=dict)
    scale: float = 1.0  # its line's text height ÷ the page's: > 1 for a title or body text over small tables

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _components(text_ink: Any, th: float, top: float) -> tuple[Any, Any, list[int]]:
    """Connected components of text ink: (stats, centroids, ids kept). Specks (by the page's text
    height `th`) and blobs far larger than a character (of the largest text, `top`) are dropped."""
    import cv2

    n, _, st, cen = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    min_area = max(3, int(0.006 * th * th))
    keep = [
        i for i in range(1, n)
        if st[i, cv2.CC_STAT_AREA] >= min_area and st[i, cv2.CC_STAT_HEIGHT] <= 3 * top and st[i, cv2.CC_STAT_WIDTH] <= 6 * top
    ]
    return st, cen, keep


def _owners(rects: Any, st: Any, cen: Any, ids: list[int], th: float) -> tuple[dict[int, list[int]], list[int]]:
    """Components per detector box (the one on the component's own line), and those no box covers."""
    import numpy as np

    m = 0.25 * th
    owned: dict[int, list[int]] = {}
    orphans: list[int] = []
    if not ids:
        return owned, orphans
    cx, cy = cen[ids, 0:1], cen[ids, 1:2]  # (n, 1) against rects (r,)
    x0, y0, x1, y1 = rects[:, 0], rects[:, 1], rects[:, 2], rects[:, 3]
    near = (x0 - m <= cx) & (cx <= x1 + m) & (y0 - m <= cy) & (cy <= y1 + m)
    inside = (x0 <= cx) & (cx <= x1) & (y0 <= cy) & (cy <= y1)
    cand = np.where(inside.any(1, keepdims=True), inside, near)
    dist = np.where(cand, np.abs((y0 + y1) / 2 - cy), np.inf)  # the box whose line centre is nearest
    best = dist.argmin(1)
    for i, j, ok in zip(ids, best.tolist(), cand.any(1).tolist()):
        if ok:
            owned.setdefault(j, []).append(i)
        else:
            orphans.append(i)
    return owned, orphans


def cluster(ids: list[int], st: Any, th: float) -> list[list[int]]:
    """Components no detector box covers, grouped by proximity: those within 0.4 × the text height of
    each other, both ways, are one group (the three strokes of 三 and the 、 after it; not two rows)."""
    import numpy as np

    if len(ids) > 3000:  # the detector saw next to nothing: fall back to rows alone
        return _split_lines(ids, st, th)
    b = st[ids, :4].astype(np.float64)
    x0, y0, x1, y1 = b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]
    gx = np.maximum(x0[:, None], x0[None, :]) - np.minimum(x1[:, None], x1[None, :])
    gy = np.maximum(y0[:, None], y0[None, :]) - np.minimum(y1[:, None], y1[None, :])
    near = (gx <= 0.4 * th) & (gy <= 0.4 * th)
    group = [-1] * len(ids)
    out: list[list[int]] = []
    for start in range(len(ids)):
        if group[start] >= 0:
            continue
        group[start], todo, members = len(out), [start], []
        while todo:
            k = todo.pop()
            members.append(ids[k])
            for j in np.nonzero(near[k])[0].tolist():
                if group[j] < 0:
                    group[j] = group[start]
                    todo.append(j)
        out.append(members)
    return [ln for g in out for ln in _split_lines(g, st, th)]


def _split_lines(ids: list[int], st: Any, th: float) -> list[list[int]]:
    """Components of one detector box → text lines. A box at most 1.7 × the text height tall is one
    line (三 and 言 have gaps between their strokes); a taller one, which holds two rows the detector
    merged at low resolution, is cut where the vertical extents of its components leave a gap."""
    if not ids:
        return []
    if max(st[i, 1] + st[i, 3] for i in ids) - min(st[i, 1] for i in ids) <= 1.7 * th:
        return [list(ids)]
    out: list[list[int]] = []
    bottom = 0
    for i in sorted(ids, key=lambda i: st[i, 1]):
        if out and st[i, 1] <= bottom + 0.3 * th:
            out[-1].append(i)
            bottom = max(bottom, st[i, 1] + st[i, 3])
        else:
            out.append([i])
            bottom = st[i, 1] + st[i, 3]
    return out


def _bbox(ids: list[int], st: Any) -> tuple[int, int, int, int]:
    return (
        int(min(st[i, 0] for i in ids)), int(min(st[i, 1] for i in ids)),
        int(max(st[i, 0] + st[i, 2] for i in ids)), int(max(st[i, 1] + st[i, 3] for i in ids)),
    )


def _merge_line_pieces(lines: list[tuple[list[int], float]], st: Any, ver: Any) -> list[tuple[list[int], float]]:
    """Join pieces of one text line that the detector split (二 | 、上年…), unless a rule or a wide gap
    (at the larger of their text heights) lies between them."""
    boxes = [_bbox(ln, st) for ln, _ in lines]
    ems = [em for _, em in lines]
    widest = max(ems, default=0.0)
    order = sorted(range(len(lines)), key=lambda k: boxes[k][0])
    parent = list(range(len(lines)))

    def root(k: int) -> int:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for a_pos, a in enumerate(order):
        ax0, ay0, ax1, ay1 = boxes[a]
        for b in order[a_pos + 1 :]:
            bx0, by0, bx1, by1 = boxes[b]
            if bx0 - ax1 > SPLIT_GAP * widest:
                break
            if bx0 - ax1 > SPLIT_GAP * max(ems[a], ems[b]):
                continue
            overlap = min(ay1, by1) - max(ay0, by0)
            if overlap < 0.5 * min(ay1 - ay0, by1 - by0) or root(a) == root(b):
                continue
            if not _rule_between(ver, ax1, bx0, max(ay0, by0), min(ay1, by1)):
                parent[root(b)] = root(a)
    groups: dict[int, tuple[list[int], float]] = {}
    for k, (ln, em) in enumerate(lines):
        ids, top = groups.get(root(k), ([], 0.0))
        groups[root(k)] = (ids + ln, max(top, em))
    return list(groups.values())


def _rule_between(ver: Any, xa: int, xb: int, ya: int, yb: int) -> bool:
    if xb <= xa or yb <= ya:
        return False
    return bool(ver[ya:yb, xa:xb].any())


def _split_cells(ids: list[int], st: Any, ver: Any, th: float) -> list[list[int]]:
    """One text line → boxes: cut at gaps wider than `SPLIT_GAP` × th or where a rule was erased."""
    out: list[list[int]] = []
    right = 0
    y0, y1 = min(st[i, 1] for i in ids), max(st[i, 1] + st[i, 3] for i in ids)
    for i in sorted(ids, key=lambda i: st[i, 0]):
        x = int(st[i, 0])
        if out and (x - right > SPLIT_GAP * th or _rule_between(ver, right, x, y0, y1)):
            out.append([i])
        elif out:
            out[-1].append(i)
        else:
            out.append([i])
        right = x + st[i, 2] if len(out[-1]) == 1 else max(right, x + st[i, 2])
    return out


def _absorb_fragments(cells: list[list[int]], st: Any, th: float) -> list[list[int]]:
    """Boxes smaller than 0.45 th both ways (a dot, the top stroke of 言) join the box they sit next to,
    or go: alone they are specks, not text."""
    boxes = [_bbox(c, st) for c in cells]
    small = {k for k, b in enumerate(boxes) if b[2] - b[0] < 0.45 * th and b[3] - b[1] < 0.45 * th}
    out = {k: list(c) for k, c in enumerate(cells) if k not in small}
    m = 0.35 * th
    for k in small:
        cx, cy = (boxes[k][0] + boxes[k][2]) / 2, (boxes[k][1] + boxes[k][3]) / 2
        best, dist = -1, math.inf
        for j in out:
            x0, y0, x1, y1 = boxes[j]
            if x0 - m <= cx <= x1 + m and y0 - m <= cy <= y1 + m:
                d = max(x0 - cx, 0, cx - x1) + max(y0 - cy, 0, cy - y1)
                if d < dist:
                    best, dist = j, d
        if best >= 0:
            out[best] += cells[k]
    return list(out.values())


def line_scales(ink: Any, rects: Any) -> tuple[Any, float]:
    """(per detector line, its text height ÷ the page's usual one: 1.0, or more when it is over
    `BIG_TEXT`; the page's usual text height in px, as measured here).

    A line's text height is its tallest character: the tallest ink component centred in it that is
    not a rule (at most 1.25 × the detector's box, at least 0.3 as wide as tall). Not the detector's
    box: that is the text plus a margin that barely grows with it (16 pt body lines 55 px, 10.5 pt
    table cells 44 px, a 22 pt title 54 px at 200 dpi). The page's usual height is the median over its
    wide lines (at least 3 text heights wide: labels and prose, not lone figures, whose digits are
    shorter than characters)."""
    import cv2
    import numpy as np

    scales = np.ones(len(rects))
    if not len(rects):
        return scales, 0.0
    n, _, st, cen = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return scales, 0.0
    h, w = st[1:, 3].astype(np.float64), st[1:, 2].astype(np.float64)
    cx, cy = cen[1:, 0:1], cen[1:, 1:2]
    inside = (rects[:, 0] <= cx) & (cx <= rects[:, 2]) & (rects[:, 1] <= cy) & (cy <= rects[:, 3])
    inside &= (h[:, None] <= 1.25 * (rects[:, 3] - rects[:, 1])[None, :]) & (w >= 0.3 * h)[:, None]
    own = np.where(inside, h[:, None], 0.0).max(0)
    wide = (own > 0) & ((rects[:, 2] - rects[:, 0]) >= 3 * own)
    if not wide.any():
        return scales, 0.0
    ref = float(np.median(own[wide]))
    big = own > BIG_TEXT * ref
    scales[big] = own[big] / ref
    return scales, ref


def _orphan_em(ids: list[int], st: Any, th: float, ref: float) -> float:
    """The text height of a group of ink no detector line covers: th, or larger like `line_scales`
    (measured here by the group's height)."""
    if ref <= 0 or len(ids) < 2:
        return th
    own = max(st[i, 3] for i in ids if st[i, 2] >= 0.3 * st[i, 3]) if any(st[i, 2] >= 0.3 * st[i, 3] for i in ids) else 0
    return th * own / ref if own > BIG_TEXT * ref else th


def text_boxes(rects: Any, text_ink: Any, ver: Any, th: float, scales: Any, ref: float = 0.0) -> list[Box]:
    """Step 4 of the package docstring. Each line is cut and cleaned at its own text height, th × its
    scale (`line_scales`); ink no detector line covers is measured the same way against `ref`."""
    ems = th * scales
    st, cen, ids = _components(text_ink, th, float(ems.max()) if len(ems) else th)
    owned, orphans = _owners(rects, st, cen, ids, th)
    lines = [(ln, float(ems[r])) for r, comps in owned.items() for ln in _split_lines(comps, st, float(ems[r]))]
    lines += [(ln, _orphan_em(ln, st, th, ref)) for ln in cluster(orphans, st, th)]
    lines = _merge_line_pieces(lines, st, ver)
    out: list[Box] = []
    for ln, em in lines:
        for c in _absorb_fragments(_split_cells(ln, st, ver, em), st, em):
            ink = [(int(st[i, 0]), int(st[i, 0] + st[i, 2]), int(st[i, 3])) for i in c]
            out.append(Box(*_bbox(c, st), ink=ink, scale=em / th))
    return out
