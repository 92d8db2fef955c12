"""One page, all steps: grayscale → detection → upright page → boxes → recognition → rows → blocks."""

from __future__ import annotations

import re
import statistics
from typing import Any

from .. import blocks as B
from .boxes import Box, line_scales, text_boxes
from .cells import join_cell_lines, joined_box
from .detect import apply_affine, detect_boxes, find_rules, find_skew, rotation, rule_runs, scaled
from .load import gray
from . import params as P
from .params import DET_SHORT_SIDE, PROSE_MIN_EM, REC_H, TEXT_PX, TITLE_SCALE
from .postcorrect import cell_text
from .recognise import read_boxes


def read_page(gray: Any) -> list[list[Box]]:
    """Rows of read text boxes of one grayscale page (numpy array), each with its `where` bbox in the
    page's own pixels: steps 1–6 of the package docstring."""
    import cv2
    import numpy as np

    small, scale = scaled(gray, DET_SHORT_SIDE)
    quads = detect_boxes(small, scale)
    if not quads:
        return []
    upright, m = _upright(gray, quads, find_skew(small))
    corners = apply_affine(m, np.concatenate(quads)).reshape(-1, 4, 2)
    rects = np.stack([corners[:, :, 0].min(1), corners[:, :, 1].min(1), corners[:, :, 0].max(1), corners[:, :, 1].max(1)], 1)
    th = float(np.median(rects[:, 3] - rects[:, 1])) / 1.5  # detector boxes are ~1.5× the text height
    _, ink = cv2.threshold(upright, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    scales, ref = line_scales(ink, rects)
    # Large text has boxes under 1.5× its height (16 pt body: 1.25×): the ink's measure is then the
    # larger, and the one to cut by (at 300 dpi a body line was cut at every long vertical stroke).
    th = max(th, ref)
    hor, ver = rule_runs(ink, th)
    big = np.concatenate([rects, th * scales[:, None]], 1)[scales > 1.0]
    rules, ver = find_rules(hor, ver, big)
    boxes = text_boxes(rects, ink & (1 - rules), ver, th, scales, ref)
    if not boxes:
        return []
    upright[rules > 0] = 255
    href = float(np.percentile([b.h for b in boxes], 80))
    rows = group_rows(boxes, href)
    _recognise([b for row in rows for b in row], upright, href)  # in reading order: strips read like text
    _place(boxes, cv2.invertAffineTransform(m), gray.shape)
    joined = join_cell_lines(boxes, rules & (1 - ver), ver, href)
    return _join_title_lines(rows if len(joined) == len(boxes) else group_rows(joined, href))


def _join_title_lines(rows: list[list[Box]]) -> list[list[Box]]:
    """Consecutive lines of text larger than the page's lines of prose (by `TITLE_SCALE`), one under the
    other, are one line when together they make a title ("…2024年…报告") and the first alone does not:
    a title wrapped on two ("…2024年政府信息公开工作" / "年度报告"), which the report's reader must see
    whole to find the agency and the year. (A section heading over its first line, both in body text
    larger than a page's tables, is not joined.)"""
    lines = [r[0].scale for r in rows if len(r) == 1 and r[0].x1 - r[0].x0 >= 8 * r[0].h]
    if len(lines) < 2:
        return rows
    body = statistics.median(lines)
    out: list[list[Box]] = []
    for row in rows:
        prev = out[-1] if out else None
        if (
            prev is not None and len(prev) == 1 and len(row) == 1
            and min(prev[0].scale, row[0].scale) >= TITLE_SCALE * body
            and row[0].y0 - prev[0].y1 < max(prev[0].h, row[0].h)
            and _TITLE.search(prev[0].text.strip() + row[0].text.strip()) and not _TITLE.search(prev[0].text.strip())
        ):
            out[-1] = [joined_box([prev[0], row[0]])]
        else:
            out.append(row)
    return out


def _upright(gray: Any, quads: list[Any], angle: float) -> tuple[Any, Any]:
    """(the page turned upright, the affine map from the page's pixels to it).

    Text taller than `TEXT_PX` (scans over ~250 dpi) is scaled down to it on the way: that costs less
    and reads as well (a 300 dpi page gave half the uncertain cells of the same page unscaled)."""
    import cv2
    import numpy as np

    h, w = gray.shape
    zoom = min(1.0, TEXT_PX * 1.5 / float(np.median([np.linalg.norm(q[0] - q[3]) for q in quads])))
    size = (max(1, round(w * zoom)), max(1, round(h * zoom)))
    # warpAffine only interpolates: a large reduction is done by area averaging first.
    work = gray if zoom >= 0.75 else cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
    m = rotation(work.shape[1], work.shape[0], angle, zoom if work is gray else 1.0)
    m[:, 2] += ((size[0] - work.shape[1]) / 2, (size[1] - work.shape[0]) / 2)  # keep the page centred
    upright = cv2.warpAffine(work, m, size, flags=cv2.INTER_LINEAR, borderValue=255)
    if work is not gray:
        m = m @ np.array([[zoom, 0.0, 0.0], [0.0, zoom, 0.0], [0.0, 0.0, 1.0]])
    return upright, m


def _recognise(boxes: list[Box], page: Any, href: float) -> None:
    """Steps 5–6: crop every box from the clean upright page, read them strip by strip; lines of
    prose at `PROSE_REC_H` px, table cells and short lines at the model's own `REC_H`."""
    is_prose = [_prose(b, href) for b in boxes]
    prose = [b for b, p in zip(boxes, is_prose) if p]
    read_boxes([b for b, p in zip(boxes, is_prose) if not p], page, href, REC_H)
    read_boxes(prose, page, href, P.PROSE_REC_H)  # looked up at call time: bench_ocr times both heights
    # A title line carries the agency and the year: read again at full height, where a character
    # lost between two others still shows in the pitch of the rest (wide_gap).
    read_boxes([b for b in prose if _TITLE.search(b.text)], page, href, REC_H)


_TITLE = re.compile(r"\d{4}\s*年.{0,30}报告\s*$")


def _prose(box: Box, href: float) -> bool:
    """A line of running text: at least `PROSE_MIN_EM` text heights wide, far wider than any figure."""
    return box.x1 - box.x0 >= PROSE_MIN_EM * href


def _place(boxes: list[Box], back: Any, shape: tuple[int, int]) -> None:
    """`where` bbox of each box: its crop rotated back onto the original page, clipped to it."""
    h, w = shape
    for b in boxes:
        x0, y0, x1, y1 = b.crop
        q = apply_affine(back, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        b.where = {"bbox": [max(0, round(float(q[:, 0].min()))), max(0, round(float(q[:, 1].min()))),
                            min(w, round(float(q[:, 0].max()))), min(h, round(float(q[:, 1].max())))]}


def group_rows(boxes: list[Box], href: float) -> list[list[Box]]:
    """Upright boxes → visual rows (y-centre within half the text height of the row's mean), each by x."""
    rows: list[list[Box]] = []
    means: list[float] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if rows and abs(b.cy - means[-1]) <= 0.5 * href:
            rows[-1].append(b)
            means[-1] = statistics.fmean(x.cy for x in rows[-1])
        else:
            rows.append([b])
            means.append(b.cy)
    return [sorted(r, key=lambda b: b.x0) for r in rows]


def blocks_of_rows(rows: list[list[Box]], page: int) -> list[B.Block]:
    """Rows of read boxes → paragraphs and tables (see the package docstring)."""
    out: list[B.Block] = []
    for row in rows:
        cells = [cell_text(b, page) for b in row if b.text.strip()]
        if not cells:
            continue
        if len(cells) == 1:
            out.append(B.Para(*cells[0]))
            continue
        grid = [B.GridCell(text, where) for text, where in cells]
        if out and isinstance(out[-1], B.Table):
            out[-1].rows.append(grid)
        else:
            out.append(B.Table([grid]))
    return out


def ocr_blocks(image: Any, page: int, red_pages: list[int] | None = None) -> list[B.Block]:
    """The blocks of one page image (a PIL image): see the package docstring. A colour page's red ink
    (a seal) is left out (`gray`); when it had some, `page` is appended to `red_pages`."""
    array, red = gray(image)
    if red and red_pages is not None:
        red_pages.append(page)
    return blocks_of_rows(read_page(array), page)
