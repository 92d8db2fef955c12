"""The scan reader: a scanned page image (PNG, JPEG, TIFF) → Report, by OCR (RapidOCR's PP-OCRv4 models, ONNX runtime).

    from xxgk.read.ocr import parse_image, parse_images, ocr_blocks
    report = parse_image(data, name="scan.png")
    blocks = ocr_blocks(pil_image, page=3)     # for the PDF reader, on pages without a text layer

Loading: the image's header is read first and anything over `MAX_SIDE` px a side or `MAX_PIXELS` pixels is
refused (`InputTooLarge`) before a pixel is decoded; undecodable data is an `InputError`.

Why not RapidOCR's own pipeline: with its defaults it spends ~8.5 s on a 200 dpi A4 page on one core
(bench/bench_ocr.py), most of it recognising each of ~150 boxes padded to ≥ 320 px; read alone, a "0"
often comes out as "o" or "。", with a score its default `text_score` drops. This reader uses the same
two models, single-threaded (`THREADS`), and reads a page of tables in ~1.5 s, a page dense with prose
in ~3 s (bench/bench_ocr.py):

0. Colour: a colour page's red ink (the agency's seal, often pressed across the tables) is turned to
   paper before anything else (`gray`), with a `read.red_ink_ignored` warning; black print under it
   stays. Costs ~60 ms a 200 dpi colour page; a grey page is read as it is.
1. Detection, once: the text detector (DB) runs on the page scaled to a short side of `DET_SHORT_SIDE`
   px (~0.4× at 200 dpi), cropped to the ink. Its boxes only say which ink belongs to which text line;
   at that scale their outlines are too coarse to cut from, and a thin lone "1" may have none.
2. Skew: the angle (within ±`MAX_SKEW`°) that makes the horizontal ink profile sharpest. The page is
   turned upright at full resolution (text taller than `TEXT_PX`, from scans over ~250 dpi, is scaled
   down to it on the way), so that rows and rules are axis-aligned.
3. Rules: ink runs longer than any stroke of a character, horizontal or vertical, are found by
   morphological opening and erased, so that no table line reaches a crop as a "1" or "|".
4. Boxes from ink: each connected component of the remaining ink goes to the detector box on its
   line; components no box covers are kept too, grouped by proximity (that lone "1"; the strokes of a
   三 the detector left out). A detector box more than 1.7 text heights tall holds two rows and is cut
   between them. Pieces of one line the detector split are joined, and a line is cut into boxes where
   a rule was erased or the gap between inks exceeds `SPLIT_GAP` text heights, so one table cell is
   one box. Dots and stroke fragments join the box they touch, or go.
5. Recognition: every box is cut from the clean upright page at one scale for the whole page (height
   from the page's text height, not the box's, so a "0" or a "一" is not blown up), resized to the
   recogniser's 48 px, and laid side by side in reading order into strips of about `STRIP_WIDTH` px with
   `STRIP_GAP` px of white between boxes. Lines of prose (`PROSE_MIN_EM` text heights wide or more) are read at
   `PROSE_REC_H` px, table cells at 48. One recogniser call per strip, instead of one per box, is
   most of the saving; and a "0" read among its neighbours is read as a digit. Each character goes
   to the box under the time step where its probability peaks.
6. Confidence of a box: its least certain character, a character's certainty being the probability
   of what it was read as among the non-blank outcomes at its peak. A full-width digit counts as the
   same digit; in a box of digits every round glyph (0 ０ 〇 O o, and ○ 。 when the ink is digit-sized)
   counts as 0. The confidence is lowered to one minus the probability of an extra character wherever
   one nearly appears between characters; to 0.5 when a box of digits has ink no character was read
   from (a digit lost: pieces of one broken glyph count as one), when a digit is held over 3+ time
   steps (two equal digits run together), or when a character straddles two boxes.

Blocks: boxes are grouped into visual rows by their upright y-centre (within half the text height of
the row's mean), each row sorted by x. A row of one box is a `Para`; a row of two or more is a table
row, each box one `GridCell` (consecutive such rows form one `Table`). Empty cells leave no box, which
is the text reader's convention for flattened tables.

`where` of every block / cell: `{"page": p, "bbox": [x0, top, x1, bottom], "confidence": c}` in the
original image's pixels (the box's crop turned back onto the page, axis-aligned), plus
`"corrected_from": raw` when the numeric post-correction changed the text. That correction applies
only to a box that is almost a number: one stray symbol (¥ ' " ‘ ’ “ ” . , : ; | `) stripped at either
end, and O/o→0, l/I/|→1, kept only when the result is a number.

Every cell read with confidence below `CONFIDENCE_WARN` or corrected gets a `read.ocr_uncertain`
warning naming it, so no doubtful digit passes silently.
"""

from __future__ import annotations

import io
import math
import re
import statistics
import threading
import unicodedata
import warnings
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Finding, Report
from . import blocks as B

__all__ = ["parse_image", "parse_images", "ocr_blocks", "gray", "add_uncertain_findings", "add_title_findings", "add_red_ink_findings", "MAX_SIDE", "MAX_PIXELS", "CONFIDENCE_WARN"]

#: Largest image side accepted (pixels): an A0 sheet at 300 dpi is ~14,000; A4 at 600 dpi ~7,000.
MAX_SIDE = 12_000
#: Largest image area accepted (pixels).
MAX_PIXELS = 100_000_000
#: Cells read with a lower OCR confidence get a read.ocr_uncertain warning.
CONFIDENCE_WARN = 0.90
#: Largest encoded image accepted (bytes).
MAX_IMAGE_BYTES = 200 * 1024 * 1024

#: ONNX runtime threads per model. One: scans are read one page after another, and a batch of files
#: is better spread over cores by file than by matrix.
THREADS = 1
#: The detector sees the page scaled to this short side (A4 at 200 dpi: 1,654 px → 0.48×).
DET_SHORT_SIDE = 800
#: Text taller than this (px; ~26 at 200 dpi for 10.5 pt) is read from the page scaled down to it.
TEXT_PX = 32
#: Skew searched, degrees either way.
MAX_SKEW = 5.0
#: A text line is cut into boxes at horizontal gaps wider than this × the text height (or at a rule).
#: Full-width punctuation leaves gaps of up to ~1.3× between inks (》（); table columns leave more.
SPLIT_GAP = 1.8
#: Target width (px at the recogniser's 48 px height) of one strip of boxes read in one call.
STRIP_WIDTH = 800
#: White gap between two boxes in a strip, px at 48 px height.
STRIP_GAP = 4

_REC_H = 48
# Lines of prose are read at 32 px: the recogniser takes any height (its output has one time step
# per 8 px of width either way) and costs ~0.44× as much there (two thirds the height, two thirds the
# width). On dense prose pages (48 lines of 46 characters, 200 dpi) 3.1 against 6.7 s a page, with
# characters as right (similarity 0.990 against 0.988). Not for figures: at 32 px a lone "11" in a
# cell collapsed into "1" (two equal digits in too few time steps), and the pitch of CJK characters
# is under 3 time steps, too coarse to see one lost (a title line is read again at 48 px).
PROSE_REC_H = 32
PROSE_MIN_EM = 6.0
_PAD_Y = 0.30  # crop margin above and below the ink, × text height
_PAD_X = 0.08  # crop margin left and right of the ink, × text height
_MIN_H = 0.85  # a crop is at least this × text height tall before its margins (digits, "一")
_ZEROS = "0０〇OoＯｏ"
_ROUND = "○。"  # round glyphs counted as 0 only when the ink is digit-sized

_engine: Any = None
_engine_lock = threading.Lock()

_STRAY = "¥￥'\"‘’“”.,:;|`"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_NUMBER_LIKE = re.compile(r"^[\dOolI|]+(?:\.[\dOolI|]+)?$")
_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_TABLE_NAMES = {"t2": "表二", "t2_2019": "表二", "t3": "表三", "t4": "表四"}


# -- engine ----------------------------------------------------------------------------------------------------


class _Engine:
    """RapidOCR's detector and recogniser sessions, with the lookup tables the decoder needs."""

    def __init__(self) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR
        except ImportError as e:  # pragma: no cover - depends on the install
            raise InputError("reading scanned images needs the OCR extra: pip install 'xxgk[ocr]' (rapidocr-onnxruntime)") from e
        import numpy as np

        ocr = RapidOCR(intra_op_num_threads=THREADS, inter_op_num_threads=THREADS)
        self.det = ocr.text_det
        self.det.postprocess_op.box_thresh = 0.4
        self.det.postprocess_op.unclip_ratio = 1.6
        self.det.postprocess_op.min_size = 2
        self.rec = ocr.text_rec.session
        self.chars: list[str] = list(ocr.text_rec.postprocess_op.character)
        pos = {c: i for i, c in enumerate(self.chars)}
        #: class → class it is read as: full-width digits fold onto ASCII digits.
        self.fold = {
            i: pos[n] for i, c in enumerate(self.chars)
            if i and len(c) == 1 and (n := unicodedata.normalize("NFKC", c)) != c and n.isdigit() and n in pos
        }
        members: dict[int, list[int]] = {}
        for i, j in self.fold.items():
            members.setdefault(j, [j]).append(i)
        self.members = {j: np.array(m) for j, m in members.items()}
        self.fold_arr = np.arange(len(self.chars))
        self.twin = np.full(len(self.chars), -1)  # class → its full-width twin, or -1
        for i, j in self.fold.items():
            self.fold_arr[i] = j
            self.twin[j] = i
        self.zeros = np.array([pos[c] for c in _ZEROS if c in pos])
        self.round_zeros = np.array([pos[c] for c in _ZEROS + _ROUND if c in pos])
        self.spaces = np.array([i for i, c in enumerate(self.chars) if i and c.isspace()])

    def classes(self, c: int) -> Any:
        """The classes read as class `c` (itself and its full-width twin)."""
        import numpy as np

        m = self.members.get(c)
        return m if m is not None else np.array([c])


def _get_engine() -> _Engine:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = _Engine()
    return _engine


# -- loading -------------------------------------------------------------------------------------------


def _open_image(data: bytes, name: str) -> Any:
    from PIL import Image

    if len(data) > MAX_IMAGE_BYTES:
        raise InputTooLarge(f"{name}: image file is {len(data) / 1048576:.0f} MiB, over the {MAX_IMAGE_BYTES // 1048576} MiB limit")
    if not data:
        raise InputError(f"{name}: empty image file")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            w, h = img.size  # header only: no pixel decoded yet
            _check_size(w, h, name)
            img.load()
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InputTooLarge(f"{name}: image too large ({e}); limit {MAX_PIXELS:,} pixels") from None
    except Exception as e:  # PIL raises many kinds (UnidentifiedImageError, OSError, SyntaxError, …)
        raise InputError(f"{name}: cannot read the image ({type(e).__name__}: {e}); expected PNG, JPEG or TIFF") from None
    return img


def _check_size(w: int, h: int, name: str) -> None:
    if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
        raise InputTooLarge(
            f"{name}: image is {w}×{h} px, over the limit ({MAX_SIDE:,} px a side, {MAX_PIXELS // 1_000_000} MP); "
            "a page scanned at 300 dpi is about 2,500×3,500 px"
        )


# -- one page: detection, skew, rules ------------------------------------------------------------------------


@dataclass
class _Box:
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

    @property
    def h(self) -> int:
        return self.y1 - self.y0

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


def _scaled(gray: Any, short: int) -> tuple[Any, float]:
    """The page scaled to `short` px on its short side (never enlarged), and that scale."""
    import cv2

    h, w = gray.shape
    s = min(1.0, short / min(h, w))
    if s == 1.0:
        return gray, 1.0
    return cv2.resize(gray, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA), s


def _detect(small: Any, scale: float) -> list[Any]:
    """Detector boxes (4×2 corner arrays, full-resolution pixels) on the scaled page `small`.

    Only the bounding box of the ink is given to the detector (sides rounded to its multiple of 32): the
    blank half of a last page costs nothing."""
    import numpy as np

    eng = _get_engine()
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


def _skew(small: Any) -> float:
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


def _rotation(w: int, h: int, angle: float, zoom: float) -> Any:
    """Affine matrix that turns the page upright (rotates by −angle about its centre) and scales it."""
    import cv2

    return cv2.getRotationMatrix2D((w / 2, h / 2), math.degrees(angle), zoom)


def _apply(m: Any, pts: Any) -> Any:
    import numpy as np

    pts = np.asarray(pts, dtype=np.float32).reshape(-1, 2)
    return pts @ m[:, :2].T + m[:, 2]


def _rules(ink: Any, th: float) -> tuple[Any, Any]:
    """(all rules, vertical rules) as masks: ink runs longer than any stroke of a character.

    Horizontal: 2 × text height. Vertical: 1.3 × (a table row is often barely taller than its text, and
    each row of a generated table has its own column rules)."""
    import cv2
    import numpy as np

    kh, kv = max(15, int(2.0 * th)), max(12, int(1.3 * th))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (kh, 1)))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    grow = np.ones((3, 3), np.uint8)
    return cv2.dilate(hor | ver, grow), cv2.dilate(ver, grow)


# -- one page: ink → text boxes ------------------------------------------------------------------------------


def _components(text_ink: Any, th: float) -> tuple[Any, Any, list[int]]:
    """Connected components of text ink: (stats, centroids, ids kept). Specks and blobs far larger than
    a character are dropped."""
    import cv2

    n, _, st, cen = cv2.connectedComponentsWithStats(text_ink, connectivity=8)
    min_area = max(3, int(0.006 * th * th))
    keep = [
        i for i in range(1, n)
        if st[i, cv2.CC_STAT_AREA] >= min_area and st[i, cv2.CC_STAT_HEIGHT] <= 3 * th and st[i, cv2.CC_STAT_WIDTH] <= 6 * th
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


def _cluster(ids: list[int], st: Any, th: float) -> list[list[int]]:
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


def _merge_line_pieces(lines: list[list[int]], st: Any, ver: Any, th: float) -> list[list[int]]:
    """Join pieces of one text line that the detector split (二 | 、上年…), unless a rule or a wide gap
    lies between them."""
    boxes = [_bbox(ln, st) for ln in lines]
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
            if bx0 - ax1 > SPLIT_GAP * th:
                break
            overlap = min(ay1, by1) - max(ay0, by0)
            if overlap < 0.5 * min(ay1 - ay0, by1 - by0) or root(a) == root(b):
                continue
            if not _rule_between(ver, ax1, bx0, max(ay0, by0), min(ay1, by1)):
                parent[root(b)] = root(a)
    groups: dict[int, list[int]] = {}
    for k, ln in enumerate(lines):
        groups.setdefault(root(k), []).extend(ln)
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


def _text_boxes(rects: Any, text_ink: Any, ver: Any, th: float) -> list[_Box]:
    """Step 4 of the module docstring."""
    st, cen, ids = _components(text_ink, th)
    owned, orphans = _owners(rects, st, cen, ids, th)
    lines = [ln for comps in owned.values() for ln in _split_lines(comps, st, th)]
    lines += _cluster(orphans, st, th)
    lines = _merge_line_pieces(lines, st, ver, th)
    cells = [c for ln in lines for c in _split_cells(ln, st, ver, th)]
    return [
        _Box(*_bbox(c, st), ink=[(int(st[i, 0]), int(st[i, 0] + st[i, 2]), int(st[i, 3])) for i in c])
        for c in _absorb_fragments(cells, st, th)
    ]


# -- one page: recognition ----------------------------------------------------------------------------------


def _crop(page: Any, box: _Box, href: float) -> Any:
    """The box cut from the upright page at the common scale (step 5), white outside the page."""
    import numpy as np

    py, px = _PAD_Y * href, _PAD_X * href
    ch = max(box.h, _MIN_H * href) + 2 * py
    y0, y1 = round(box.cy - ch / 2), round(box.cy + ch / 2)
    x0, x1 = round(box.x0 - px), round(box.x1 + px)
    box.crop = (x0, y0, x1, y1)
    out = np.full((y1 - y0, x1 - x0), 255, np.uint8)
    h, w = page.shape
    sy0, sy1, sx0, sx1 = max(y0, 0), min(y1, h), max(x0, 0), min(x1, w)
    if sy1 > sy0 and sx1 > sx0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = page[sy0:sy1, sx0:sx1]
    return out


def _to_rec_height(crop: Any, height: int = _REC_H) -> Any:
    import cv2

    h, w = crop.shape
    nw = max(8, math.ceil(height * w / max(1, h)))
    return cv2.resize(crop, (nw, height), interpolation=cv2.INTER_AREA if h > height else cv2.INTER_LINEAR)


def _strips(widths: list[int]) -> list[list[int]]:
    """Consecutive boxes into strips of at most `STRIP_WIDTH` px (a wider box is a strip alone)."""
    out: list[list[int]] = []
    used = STRIP_WIDTH
    for k, w in enumerate(widths):
        if used + w + STRIP_GAP > STRIP_WIDTH:
            out.append([])
            used = STRIP_GAP
        out[-1].append(k)
        used += w + STRIP_GAP
    return out


def _read_strip(parts: list[Any], boxes: list[_Box], href: float, height: int = _REC_H) -> None:
    """Recognise one strip and give each box its text and score (step 6)."""
    import numpy as np

    canvas, spans = _lay_out(parts, height)
    x_in = canvas.astype(np.float32) * (2 / 255.0) - 1.0
    width = canvas.shape[1]
    probs = _get_engine().rec(np.ascontiguousarray(np.broadcast_to(x_in, (1, 3, height, width))))[0][0]
    step = width / probs.shape[0]  # strip px per time step
    starts = np.array([a - STRIP_GAP / 2 for a, _ in spans])
    owner = np.clip(np.searchsorted(starts, (np.arange(probs.shape[0]) + 0.5) * step, side="right") - 1, 0, len(spans) - 1)
    inks = [_strip_ink(box, span, href) for box, span in zip(boxes, spans)]
    for box, (text, score) in zip(boxes, _decode(probs, owner, boxes, href, inks, step)):
        box.text, box.score = text, score


def _lay_out(parts: list[Any], height: int = _REC_H) -> tuple[Any, list[tuple[int, int]]]:
    """The strip image (white, width a multiple of the recogniser's 8 px step) and each part's x-span."""
    import numpy as np

    spans, x = [], STRIP_GAP
    for p in parts:
        spans.append((x, x + p.shape[1]))
        x += p.shape[1] + STRIP_GAP
    canvas = np.full((height, math.ceil(x / 8) * 8), 255, np.uint8)
    for p, (a, b) in zip(parts, spans):
        canvas[:, a:b] = p
    return canvas, spans


def _strip_ink(box: _Box, span: tuple[int, int], href: float) -> list[tuple[float, float]]:
    """The box's digit-sized ink components as glyph x-ranges in strip coordinates."""
    a, b = span
    f = (b - a) / max(1, box.crop[2] - box.crop[0])
    ink = [(a + (x0 - box.crop[0]) * f, a + (x1 - box.crop[0]) * f) for x0, x1, h in box.ink if h >= 0.4 * href]
    return _glyphs(ink, href * f)


def _decode(
    probs: Any, owner: Any, boxes: list[_Box], href: float, inks: list[list[tuple[float, float]]], step: float
) -> list[tuple[str, float]]:
    """CTC decoding of one strip into (text, score) per box: see step 6 of the module docstring."""
    import numpy as np

    eng = _get_engine()
    cls = eng.fold_arr[probs.argmax(1)]
    risk = _insertion_risk(probs, cls, owner, len(boxes))
    per_box, doubtful = _characters(probs, cls, owner, len(boxes))
    out = []
    for k, chars in enumerate(per_box):
        if not chars:
            out.append(_unread(probs, np.nonzero(owner == k)[0]))
            continue
        text, score = _score_chars(probs, chars, boxes[k], href)
        score = min(score, 1.0 - float(risk[k]))
        if doubtful[k] or (_is_number(text) and not _ink_covered(inks[k], [(t + 0.5) * step for _, t in chars], step)):
            score = min(score, 0.5)
        elif _wide_gap(text, [t for _, t in chars]):
            score = min(score, 0.5)
        out.append((text, score))
    return out


def _characters(probs: Any, cls: Any, owner: Any, n: int) -> tuple[list[list[tuple[int, int]]], list[bool]]:
    """(per box, its characters as (class, peak time step)); per box, whether one is doubtful.

    A character is a run of time steps with the same (folded) class; it belongs to the box under its
    peak. A character straddling two boxes, or a digit held over 3+ steps (a glyph takes 1–2: two equal
    digits run together collapse into one), makes its boxes doubtful."""
    import numpy as np

    eng = _get_engine()
    runs: list[tuple[int, list[int]]] = []
    for t, c in enumerate(cls.tolist()):
        if c == 0:
            continue
        if runs and runs[-1][0] == c and runs[-1][1][-1] == t - 1:
            runs[-1][1].append(t)
        else:
            runs.append((c, [t]))
    per_box: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    doubtful = [False] * n
    for c, ts in runs:
        peak = ts[int(np.argmax([float(probs[t, eng.classes(c)].sum()) for t in ts]))]
        held = {int(owner[t]) for t in ts}
        if len(held) > 1 or (len(ts) >= 3 and eng.chars[c].isdigit()):
            for k in held:
                doubtful[k] = True
        per_box[int(owner[peak])].append((c, peak))
    return per_box, doubtful


def _unread(probs: Any, steps: Any) -> tuple[str, float]:
    """A box with ink but no character read: its likeliest character, with score 0."""
    eng = _get_engine()
    if not len(steps):
        return "", 0.0
    t = steps[int(probs[steps, 1:].max(1).argmax())]
    c = int(probs[t, 1:].argmax()) + 1
    return eng.chars[eng.fold.get(c, c)], 0.0


def _score_chars(probs: Any, chars: list[tuple[int, int]], box: _Box, href: float) -> tuple[str, float]:
    """Text of one box and its least certain character's probability among non-blank outcomes; in a
    box of digits, round glyphs are read as 0."""
    eng = _get_engine()
    text = "".join(eng.chars[c] for c, _ in chars)
    numeric = all(ch.isdigit() or ch in _ZEROS or ch in ".," for ch in text) and any(ch.isdigit() or ch in _ZEROS for ch in text)
    zeros = eng.round_zeros if box.h >= 0.55 * href else eng.zeros
    out, worst = [], 1.0
    for c, t in chars:
        ch = eng.chars[c]
        if numeric and ch in _ZEROS:
            p, ch = float(probs[t, zeros].sum()), "0"
        else:
            p = float(probs[t, eng.classes(c)].sum())
        worst = min(worst, p / max(1e-6, 1.0 - float(probs[t, 0])))
        out.append(ch)
    return "".join(out), worst


CJK_GAP = 1.7  # × the line's usual distance between two CJK characters' peaks: one was lost between


def _wide_gap(text: str, peaks: list[int]) -> bool:
    """Whether two CJK characters read next to each other stand as far apart as if one between them
    had been lost: a character the recogniser does not know (硐, 犇, many place names' rare
    characters) is read as nothing at all, and the rest reads as another, plausible name.

    CJK characters are set on a fixed pitch, so their peaks are evenly spaced; the pitch is the
    median distance over the box's own pairs, and only boxes with at least 4 such pairs are judged."""
    gaps = [peaks[k + 1] - peaks[k] for k in range(len(text) - 1) if _wide(text[k]) and _wide(text[k + 1])]
    if len(gaps) < 4:
        return False
    pitch = statistics.median(gaps)
    return pitch > 0 and max(gaps) > CJK_GAP * pitch


def _wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) == "W" and ch.isalpha()


def _is_number(text: str) -> bool:
    return bool(text) and all(ch.isdigit() or ch in ".," for ch in text)


def _glyphs(ink: list[tuple[float, float]], em: float) -> list[tuple[float, float]]:
    """Ink x-ranges joined into glyphs: pieces less than 0.2 em apart that together stay narrower than
    0.75 em are one glyph broken in two (the hairlines of a serif 0). `em` ≈ the text height."""
    out: list[tuple[float, float]] = []
    for x0, x1 in sorted(ink):
        if out and x0 - out[-1][1] < 0.2 * em and max(x1, out[-1][1]) - out[-1][0] < 0.75 * em:
            out[-1] = (out[-1][0], max(x1, out[-1][1]))
        else:
            out.append((x0, x1))
    return out


def _ink_covered(ink: list[tuple[float, float]], peaks: list[float], step: float) -> bool:
    """Whether every glyph of digit-sized ink (x-range in strip coordinates) has a character peak over
    it or within half a time step of it: peaks fall inside their glyph. Two touching glyphs pass (a
    lost digit among them goes unseen here); ink the recogniser read nothing from does not."""
    return all(any(x0 - step / 2 <= p <= x1 + step / 2 for p in peaks) for x0, x1 in ink)


def _insertion_risk(probs: Any, cls: Any, owner: Any, n: int) -> Any:
    """Per box: the largest probability of a character at one of its blank steps that would add one to
    the text (spaces, and the character of a neighbouring step, which would only lengthen it, do not)."""
    import numpy as np

    eng = _get_engine()
    masked = probs.copy()
    masked[:, 0] = 0.0
    if len(eng.spaces):
        masked[:, eng.spaces] = 0.0
    steps = np.arange(len(cls))
    c = eng.fold_arr[masked.argmax(1)]
    twin = eng.twin[c]
    p = probs[steps, c] + np.where(twin >= 0, probs[steps, np.maximum(twin, 0)], 0.0)
    prev = np.concatenate([[-1], cls[:-1]])
    nxt = np.concatenate([cls[1:], [-1]])
    counts = (cls == 0) & (prev != c) & (nxt != c)
    risk = np.zeros(n)
    np.maximum.at(risk, owner[counts], p[counts])
    return risk


# -- one page: all steps ---------------------------------------------------------------------------------------


def _read_page(gray: Any) -> list[list[_Box]]:
    """Rows of read text boxes of one grayscale page (numpy array), each with its `where` bbox in the
    page's own pixels: steps 1–6 of the module docstring."""
    import cv2
    import numpy as np

    small, scale = _scaled(gray, DET_SHORT_SIDE)
    quads = _detect(small, scale)
    if not quads:
        return []
    upright, m = _upright(gray, quads, _skew(small))
    corners = _apply(m, np.concatenate(quads)).reshape(-1, 4, 2)
    rects = np.stack([corners[:, :, 0].min(1), corners[:, :, 1].min(1), corners[:, :, 0].max(1), corners[:, :, 1].max(1)], 1)
    th = float(np.median(rects[:, 3] - rects[:, 1])) / 1.5  # detector boxes are ~1.5× the text height
    _, ink = cv2.threshold(upright, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rules, ver = _rules(ink, th)
    boxes = _text_boxes(rects, ink & (1 - rules), ver, th)
    if not boxes:
        return []
    upright[rules > 0] = 255
    href = float(np.percentile([b.h for b in boxes], 80))
    rows = _rows(boxes, href)
    _recognise([b for row in rows for b in row], upright, href)  # in reading order: strips read like text
    _place(boxes, cv2.invertAffineTransform(m), gray.shape)
    return rows


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
    m = _rotation(work.shape[1], work.shape[0], angle, zoom if work is gray else 1.0)
    m[:, 2] += ((size[0] - work.shape[1]) / 2, (size[1] - work.shape[0]) / 2)  # keep the page centred
    upright = cv2.warpAffine(work, m, size, flags=cv2.INTER_LINEAR, borderValue=255)
    if work is not gray:
        m = m @ np.array([[zoom, 0.0, 0.0], [0.0, zoom, 0.0], [0.0, 0.0, 1.0]])
    return upright, m


def _recognise(boxes: list[_Box], page: Any, href: float) -> None:
    """Steps 5–6: crop every box from the clean upright page, read them strip by strip; lines of
    prose at `PROSE_REC_H` px, table cells and short lines at the model's own `_REC_H`."""
    is_prose = [_prose(b, href) for b in boxes]
    prose = [b for b, p in zip(boxes, is_prose) if p]
    _read_boxes([b for b, p in zip(boxes, is_prose) if not p], page, href, _REC_H)
    _read_boxes(prose, page, href, PROSE_REC_H)
    # A title line carries the agency and the year: read again at full height, where a character
    # lost between two others still shows in the pitch of the rest (_wide_gap).
    _read_boxes([b for b in prose if _TITLE.search(b.text)], page, href, _REC_H)


_TITLE = re.compile(r"\d{4}\s*年.{0,30}报告\s*$")


def _read_boxes(boxes: list[_Box], page: Any, href: float, height: int) -> None:
    parts = [_to_rec_height(_crop(page, b, href), height) for b in boxes]
    for strip in _strips([p.shape[1] for p in parts]):
        _read_strip([parts[i] for i in strip], [boxes[i] for i in strip], href, height)


def _prose(box: _Box, href: float) -> bool:
    """A line of running text: at least `PROSE_MIN_EM` text heights wide, far wider than any figure."""
    return box.x1 - box.x0 >= PROSE_MIN_EM * href


def _place(boxes: list[_Box], back: Any, shape: tuple[int, int]) -> None:
    """`where` bbox of each box: its crop rotated back onto the original page, clipped to it."""
    h, w = shape
    for b in boxes:
        x0, y0, x1, y1 = b.crop
        q = _apply(back, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)])
        b.where = {"bbox": [max(0, round(float(q[:, 0].min()))), max(0, round(float(q[:, 1].min()))),
                            min(w, round(float(q[:, 0].max()))), min(h, round(float(q[:, 1].max())))]}


def _rows(boxes: list[_Box], href: float) -> list[list[_Box]]:
    """Upright boxes → visual rows (y-centre within half the text height of the row's mean), each by x."""
    rows: list[list[_Box]] = []
    means: list[float] = []
    for b in sorted(boxes, key=lambda b: b.cy):
        if rows and abs(b.cy - means[-1]) <= 0.5 * href:
            rows[-1].append(b)
            means[-1] = statistics.fmean(x.cy for x in rows[-1])
        else:
            rows.append([b])
            means.append(b.cy)
    return [sorted(r, key=lambda b: b.x0) for r in rows]


# -- OCR → blocks ------------------------------------------------------------------------------------------


def _correct(text: str) -> tuple[str, bool]:
    """(text, corrected?) — the numeric post-correction of the module docstring."""
    t = text.strip()
    if _NUMBER.match(t) or len(t) > 16 or not t:
        return t, False
    s = t
    if len(s) > 1 and s[0] in _STRAY:
        s = s[1:]
    if len(s) > 1 and s[-1] in _STRAY:
        s = s[:-1]
    if not _NUMBER_LIKE.match(s):
        return t, False
    fixed = s.translate(_DIGIT_MAP)
    if _NUMBER.match(fixed) and any(ch.isdigit() for ch in s + ("0" if "O" in s or "o" in s else "")):
        return fixed, fixed != t
    return t, False


def _cell(box: _Box, page: int) -> tuple[str, dict[str, Any]]:
    """(text, where) of one box after the numeric post-correction."""
    text, corrected = _correct(box.text)
    where: dict[str, Any] = {"page": page, "bbox": box.where["bbox"], "confidence": round(box.score, 4)}
    if corrected:
        where["corrected_from"] = box.text
    return text, where


def _blocks(rows: list[list[_Box]], page: int) -> list[B.Block]:
    """Rows of read boxes → paragraphs and tables (see the module docstring)."""
    out: list[B.Block] = []
    for row in rows:
        cells = [_cell(b, page) for b in row if b.text.strip()]
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
    """The blocks of one page image (a PIL image): see the module docstring. A colour page's red ink
    (a seal) is left out (`gray`); when it had some, `page` is appended to `red_pages`."""
    array, red = gray(image)
    if red and red_pages is not None:
        red_pages.append(page)
    return _blocks(_read_page(array), page)


RED_MARGIN = 48  # a pixel is red ink when its red exceeds both green and blue by this much (0–255)
RED_GHOST = 175  # near red ink, lighter than this is paper (the seal's ghost), darker is print
RED_REACH = 3  # px around red ink where a faintly red pixel is ink too
RED_MIN_SHARE = 0.0005  # share of the page's pixels that must be red ink before it counts as present


def gray(image: Any) -> tuple[Any, bool]:
    """(the page as a grayscale array with red ink turned to paper, whether there was red ink).

    Why: agencies seal their reports (公章, 政务公开专用章) in red, often across the tables' last rows
    or the page's foot. In plain luminance red ink is as dark as print (212,38,42 → 88), so a seal's
    ring and lettering cross the figures under it: in a test corpus with a seal on the tables, 113
    of 1,598 cells were flagged and 15 lost without a finding. Read through the red channel, red ink
    is near white while black print stays black, also where the seal covers it (ink multiplies).
    Only reddish pixels are taken from the red channel; the rest keep their luminance, so a blue or
    grey tint does not fade. What is lost: text printed in red (a 红头 masthead), which is not part
    of the report's figures; the reader says so (`read.red_ink_ignored`)."""
    import numpy as np

    if image.mode in ("L", "1", "I", "I;16", "F"):
        return np.asarray(image.convert("L")), False
    import cv2

    lum = np.asarray(image.convert("L"))
    width, height = image.size

    def bands() -> Any:  # the page in bands of 512 rows: whole-page RGB and int16 copies would be ~1 GB at 100 MP
        for y in range(0, height, 512):
            band = image.crop((0, y, width, min(height, y + 512)))
            yield y, np.asarray(band if band.mode == "RGB" else band.convert("RGB"))

    strong = np.zeros(lum.shape, dtype=np.uint8)
    hist = np.zeros(256, dtype=np.int64)  # red channel of the red-ink pixels
    for y, band in bands():
        red = (band[..., 0].astype(np.int16) - np.maximum(band[..., 1], band[..., 2])) > RED_MARGIN
        strong[y : y + 512][red] = 1
        hist += np.bincount(band[..., 0][red], minlength=256)
    reds = int(hist.sum())
    if reds < RED_MIN_SHARE * lum.size:
        return lum, False
    # Ink multiplies the paper under it, so under = red channel ÷ the ink's own red: the red channel of
    # solid ink on paper, its 75th percentile over the red pixels (a seal's ink is uneven; lighter
    # pixels are paper showing through).
    ink = max(64, int(np.searchsorted(np.cumsum(hist), 0.75 * reds)))
    lift = np.minimum(255, np.arange(256) * 255 // ink).astype(np.uint8)
    # A stroke's edges are only faintly red (JPEG keeps colour at half resolution), so next to red ink
    # (within RED_REACH px) any reddish pixel counts; black print under or beside the seal stays black.
    near = cv2.dilate(strong, np.ones((2 * RED_REACH + 1, 2 * RED_REACH + 1), np.uint8))
    del strong
    out = lum.copy()
    for y, band in bands():
        zone = near[y : y + 512] > 0
        red = zone & (band[..., 0] > np.maximum(band[..., 1], band[..., 2]))
        view = out[y : y + 512]
        view[red] = lift[band[..., 0][red]]
        # What is left of the seal is its ghost, light grey where JPEG lost the colour; print is dark.
        view[zone & (view > RED_GHOST)] = 255
    return out, True


def add_title_findings(report: Report, blocks: list[B.Block]) -> None:
    """A read.ocr_uncertain warning when the agency and year were taken from a line read with low
    confidence: the first OCR paragraph that holds the agency as read (the title).

    Why: a rare character the recogniser does not know (the 硐 of 卷硐镇) is dropped, and the name then
    reads as another, plausible one. The title line's confidence is what shows it: 0.93 for 平罗县卷镇
    from the recogniser alone, 0.5 once `_wide_gap` sees the lost character's place."""
    agency = report.agency
    if not agency:
        return
    for b in blocks:
        if isinstance(b, B.Para) and agency in b.text and "confidence" in b.where:
            conf = b.where["confidence"]
            if conf < CONFIDENCE_WARN:
                msg = f"机关名称「{agency}」和年度取自第 {b.where.get('page', '?')} 页识别置信度 {conf:.2f} 的文字「{b.text[:60]}」，可能漏认或错认了字，请核对"
                report.findings.append(Finding("read.ocr_uncertain", "warning", [], msg, expected=None, actual=agency))
            return


def add_red_ink_findings(report: Report, pages: list[int]) -> None:
    """One read.red_ink_ignored warning when red ink (a seal) was left out of the OCR of `pages`."""
    if not pages:
        return
    where = "、".join(f"第 {p} 页" for p in pages)
    msg = f"{where}有红色印章或红色文字，识别时已去除红色部分（盖在数字上的印章不再遮挡数字）；红色印刷的文字（如红头）未读入，请核对"
    report.findings.append(Finding("read.red_ink_ignored", "warning", [], msg, expected=None, actual=pages))


# -- public API ----------------------------------------------------------------------------------------------


def parse_images(pages: list[bytes], *, name: str = "<image>") -> Report:
    """Parse a report scanned as several page images, in page order (page numbers 1, 2, …)."""
    blocks: list[B.Block] = []
    red: list[int] = []
    for i, data in enumerate(pages, 1):
        img = _open_image(data, f"{name} page {i}" if len(pages) > 1 else name)
        blocks.extend(ocr_blocks(img, i, red))
    return _finish(blocks, name, red)


def parse_image(data: bytes, *, name: str = "<image>", page: int = 1) -> Report:
    """Parse one scanned page image. Raises `InputTooLarge` for an image over the size limits and
    `InputError` for data that is not a readable PNG/JPEG/TIFF image."""
    img = _open_image(data, name)
    red: list[int] = []
    return _finish(ocr_blocks(img, page, red), name, red)


def _finish(blocks: list[B.Block], name: str, red: list[int] | None = None) -> Report:
    report = B.parse_blocks(blocks, name=name, kind="image")
    report.source = {**report.source, "name": name}
    add_uncertain_findings(report)
    add_title_findings(report, blocks)
    add_red_ink_findings(report, red or [])
    return report


def add_uncertain_findings(report: Report) -> None:
    """One read.ocr_uncertain warning per cell read with low confidence or corrected."""
    for key, cell in report.cells.items():
        conf = cell.where.get("confidence")
        fixed_from = cell.where.get("corrected_from")
        if conf is None and fixed_from is None:
            continue
        if fixed_from is None and conf is not None and conf >= CONFIDENCE_WARN:
            continue
        table = _TABLE_NAMES.get(key.split(".", 1)[0], "表格")
        raw = fixed_from if fixed_from is not None else cell.raw
        msg = f"{table} {key} 识别为 {cell.raw!s}，识别置信度 {conf:.2f}（原文「{raw}」）" if conf is not None else f"{table} {key}（原文「{raw}」）"
        if fixed_from is not None:
            msg += f"，已按数字更正为「{cell.raw}」"
        msg += "，请核对"
        report.findings.append(Finding("read.ocr_uncertain", "warning", [key], msg, expected=None, actual=cell.raw))
