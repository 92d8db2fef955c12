"""Detection (steps 1–3 of the package docstring): the detector's text-line boxes on the page scaled
down, the page's skew, the affine map that turns it upright, and the table rules as ink masks."""

from __future__ import annotations

import math
from typing import Any

from .engine import get_engine
from .params import MAX_SKEW


def scaled(gray: Any, short: int) -> tuple[Any, float]:
    """The page scaled to `short` px on its short side (never enlarged), and that scale."""
    import cv2

    h, w = gray.shape
    s = min(1.0, short / min(h, w))
    if s == 1.0:
        return gray, 1.0
    return cv2.resize(gray, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA), s


def detect_boxes(small: Any, scale: float) -> list[Any]:
    """Detector boxes (4×2 corner arrays, full-resolution pixels) on the scaled page `small`.

    Only the bounding box of the ink is given to the detector (sides rounded to its multiple of 32): the
    blank half of a last page costs nothing."""
    import numpy as np

    eng = get_engine()
    ys, xs = np.nonzero(small < 128)
    if len(xs) == 0:
        return []
    pad = 16
    x0, y0 = max(0, int(xs.min()) - pad), max(0, int(ys.min()) - pad)
    x1, y1 = min(small.shape[1], int(xs.max()) + pad + 1), min(small.shape[0], int(ys.max()) + pad + 1)
    win = small[y0:y1, x0:x1]
    h, w = win.shape
    ch, cw = max(32, math.ceil(h / 32) * 32), max(32, math.ceil(w / 32) * 32)
    canvas = np.full((ch, cw), 255, np.uint8)
    canvas[:h, :w] = win
    x = canvas.astype(np.float32) * (2 / 255.0) - 1.0
    pred = eng.det.infer(np.ascontiguousarray(np.broadcast_to(x, (1, 3, ch, cw))))[0]
    boxes, _ = eng.det.postprocess_op(pred, (ch, cw))
    out = []
    for b in boxes:
        q = np.asarray(b, dtype=np.float32)
        q[:, 0] += x0
        q[:, 1] += y0
        out.append(q / scale)
    return out


def find_skew(small: Any) -> float:
    """Page skew in radians: the angle that makes the horizontal profile of the ink sharpest.

    Text lines and ruled lines both make peaks; the search is coarse (0.25°) then fine (0.025°), on at
    most 60,000 ink pixels of the scaled page."""
    import numpy as np

    ys, xs = np.nonzero(small < 128)
    if len(xs) < 50:
        return 0.0
    if len(xs) > 60_000:
        pick = np.random.default_rng(0).choice(len(xs), 60_000, replace=False)
        xs, ys = xs[pick], ys[pick]
    xf = xs.astype(np.float32) - small.shape[1] / 2
    yf = ys.astype(np.float32)

    def sharpness(deg: float) -> float:
        a = math.radians(deg)
        y = yf * math.cos(a) - xf * math.sin(a)
        hist = np.bincount((y - y.min()).astype(np.int32)).astype(np.float64)
        return float((hist * hist).sum())

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25), key=sharpness)
    best = max(np.arange(best - 0.25, best + 0.25 + 1e-9, 0.025), key=sharpness)
    return math.radians(float(best))


def rotation(w: int, h: int, angle: float, zoom: float) -> Any:
    """Affine matrix that turns the page upright (rotates by −angle about its centre) and scales it."""
    import cv2

    return cv2.getRotationMatrix2D((w / 2, h / 2), math.degrees(angle), zoom)


def apply_affine(m: Any, pts: Any) -> Any:
    import numpy as np

    pts = np.asarray(pts, dtype=np.float32).reshape(-1, 2)
    return pts @ m[:, :2].T + m[:, 2]


def rule_runs(ink: Any, th: float) -> tuple[Any, Any]:
    """(horizontal, vertical) ink runs longer than any stroke of a character of the page's text height:
    horizontal 2 × th; vertical 1.3 × th (a table row is often barely taller than its text, and each
    row of a generated table has its own column rules)."""
    import cv2

    kh, kv = max(15, int(2.0 * th)), max(12, int(1.3 * th))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    return hor, ver


def find_rules(hor: Any, ver: Any, big: Any = None) -> tuple[Any, Any]:
    """(all rules, vertical rules) as masks, from `rule_runs`. `big`: rows (x0, y0, x1, y1, em) of lines
    of larger text (`BIG_TEXT`); a run inside one of them no longer than 1.3 × its em is a stroke of
    its characters, not a rule."""
    import cv2
    import numpy as np

    if big is not None and len(big):
        hor, ver = _keep_strokes(hor, big, 2), _keep_strokes(ver, big, 3)
    grow = np.ones((3, 3), np.uint8)
    return cv2.dilate(hor | ver, grow), cv2.dilate(ver, grow)


def _keep_strokes(mask: Any, big: Any, axis: int) -> Any:
    """`mask` without its runs that lie inside a line of large text and are no longer than 1.3 × that
    line's em (`axis`: 2 for horizontal runs, measured by width; 3 for vertical ones, by height)."""
    import cv2
    import numpy as np

    n, labels, st, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return mask
    x0, y0 = st[1:, 0:1].astype(np.float64), st[1:, 1:2].astype(np.float64)
    x1, y1 = x0 + st[1:, 2:3], y0 + st[1:, 3:4]
    m = 0.3 * big[:, 4]  # the detector box can be tighter than a large title's glyphs
    inside = (x0 >= big[:, 0] - m) & (x1 <= big[:, 2] + m) & (y0 >= big[:, 1] - m) & (y1 <= big[:, 3] + m)
    short = st[1:, axis : axis + 1] <= 1.3 * big[:, 4]
    drop = np.concatenate([[False], (inside & short).any(1)])
    if not drop.any():
        return mask
    return np.where(drop[labels], 0, mask).astype(mask.dtype)
