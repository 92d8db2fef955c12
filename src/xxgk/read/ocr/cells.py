"""Ruled cells: the lines of text wrapped inside one cell of a ruled table are joined into one box.

Why: a report printed on A4 wraps its long row labels inside their cells (表三's
"1.申请人无正当理由逾期不补 / 正、行政机关不再处理其政 / 府信息公开申请"), with the row's figures
centred on the middle line. Read line by line, the label is cut into three rows, and the row with the
figures carries only its middle piece, a label no reader can place (whole-report scans lost 表三's
其他处理 rows this way in 4 of 6 reports). The rules found for erasing (detect.find_rules) say which
boxes share a cell: the same rule above, below, left and right of them.

A cell's lines are joined only when the band between its top and bottom rules holds at most one row
of figures elsewhere: a group label spanning several rows (（三）不予公开 over its eight rows), or a
table ruled only around its border, keeps its lines as they are.
"""

from __future__ import annotations

from typing import Any

from .boxes import Box
from .recognise import is_number


def join_cell_lines(boxes: list[Box], hor: Any, ver: Any, href: float) -> list[Box]:
    """`boxes` (read, upright page) with the wrapped lines of each ruled cell joined into one box."""
    import numpy as np

    if len(boxes) < 2:
        return boxes
    tol = 0.5 * href
    keys: list[tuple[float, float, float, float] | None] = [_cell_of(b, hor, ver) for b in boxes]
    groups: list[list[int]] = []
    for i, k in enumerate(keys):
        if k is None or is_number(boxes[i].text.strip()):
            continue
        for g in groups:
            kg = keys[g[0]]
            assert kg is not None
            if all(abs(a - c) <= tol for a, c in zip(k, kg)):
                g.append(i)
                break
        else:
            groups.append([i])
    numbers = np.array([(b.cy, b.x0, b.x1) for b in boxes if is_number(b.text.strip())]).reshape(-1, 3)
    out = list(boxes)
    drop: set[int] = set()
    for g in groups:
        lines = sorted(g, key=lambda i: (boxes[i].cy, boxes[i].x0))
        if len(lines) < 2 or max(boxes[i].cy for i in g) - min(boxes[i].cy for i in g) < tol:
            continue
        top, bottom, left, right = keys[g[0]]  # type: ignore[misc]
        inside = numbers[(numbers[:, 0] > top) & (numbers[:, 0] < bottom) & ((numbers[:, 2] < left) | (numbers[:, 1] > right))]
        if _distinct_rows(inside[:, 0], tol) > 1:
            continue
        out[lines[0]] = joined_box([boxes[i] for i in lines])
        drop.update(lines[1:])
    return [b for i, b in enumerate(out) if i not in drop]


def _cell_of(box: Box, hor: Any, ver: Any) -> tuple[float, float, float, float] | None:
    """(top, bottom, left, right) of the rules around the box's centre, or None when a side has none."""
    import numpy as np

    h, w = hor.shape
    cx, cy = int(round((box.x0 + box.x1) / 2)), int(round(box.cy))
    if not (0 <= cx < w and 0 <= cy < h):
        return None
    col = np.nonzero(hor[:, cx])[0]
    row = np.nonzero(ver[cy, :])[0]
    above, below = col[col < box.y0], col[col > box.y1]
    lefts, rights = row[row < box.x0], row[row > box.x1]
    if not (len(above) and len(below) and len(lefts) and len(rights)):
        return None
    return float(above[-1]), float(below[0]), float(lefts[-1]), float(rights[0])


def _distinct_rows(ys: Any, tol: float) -> int:
    n, last = 0, None
    for y in sorted(ys.tolist()):
        if last is None or y - last > tol:
            n += 1
        last = y
    return n


def joined_box(lines: list[Box]) -> Box:
    """One box of a cell's lines, top to bottom: its text is theirs in reading order, its confidence
    their lowest; `where` covers them all."""
    out = Box(
        min(b.x0 for b in lines), min(b.y0 for b in lines), max(b.x1 for b in lines), max(b.y1 for b in lines),
        ink=[i for b in lines for i in b.ink],
        text="".join(b.text.strip() for b in lines),
        score=min(b.score for b in lines),
        scale=max(b.scale for b in lines),
    )
    out.crop = (min(b.crop[0] for b in lines), min(b.crop[1] for b in lines), max(b.crop[2] for b in lines), max(b.crop[3] for b in lines))
    boxes = [b.where["bbox"] for b in lines if "bbox" in b.where]
    if boxes:
        out.where = {"bbox": [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]}
    return out
