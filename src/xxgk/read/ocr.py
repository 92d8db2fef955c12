"""The scan reader: a scanned page image (PNG, JPEG, TIFF) → Report, by OCR (RapidOCR, ONNX runtime).

    from xxgk.read.ocr import parse_image, parse_images, ocr_blocks
    report = parse_image(data, name="scan.png")
    blocks = ocr_blocks(pil_image, page=3)     # for the PDF reader, on pages without a text layer

Steps: the image's header is read first and anything over `MAX_SIDE` px a side or `MAX_PIXELS` pixels is
refused (`InputTooLarge`) before a pixel is decoded; undecodable data is an `InputError`. The page is
converted to grayscale and handed to the OCR engine (created once per process, on first use: loading
the models takes a few seconds). Each text segment comes back with its quadrilateral box and a
score. Skew is estimated as the median angle of the segments' top edges; segment centres are rotated
by −angle about the page centre before grouping, so a page scanned ±3° askew still groups by row.
Segments are grouped into visual rows by y-centre (tolerance half the median segment height); within a
row they are sorted by x. A row of one segment is a `Para`; a row of two or more is a table row, each
segment one `GridCell` (consecutive such rows form one `Table`). Empty cells leave no segment, which
is the text reader's convention for flattened tables.

`where` of every block / cell: `{"page": p, "bbox": [x0, top, x1, bottom], "confidence": score}` in the
image's pixels (axis-aligned box around the segment's quadrilateral), plus `"corrected_from": raw`
when the numeric post-correction changed the text. That correction applies only to a segment that is
almost a number: one stray symbol (¥ ' " ‘ ’ “ ” . , : ; | `) stripped at either end, and O/o→0,
l/I/|→1, kept only when the result is a number.

Every cell read with confidence below `CONFIDENCE_WARN` or corrected gets a `read.ocr_uncertain`
warning naming it, so no doubtful digit passes silently.
"""

from __future__ import annotations

import io
import math
import re
import statistics
import threading
import warnings
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Finding, Report
from . import blocks as B

__all__ = ["parse_image", "parse_images", "ocr_blocks", "MAX_SIDE", "MAX_PIXELS", "CONFIDENCE_WARN"]

#: Largest image side accepted (pixels): an A0 sheet at 300 dpi is ~14,000; A4 at 600 dpi ~7,000.
MAX_SIDE = 12_000
#: Largest image area accepted (pixels).
MAX_PIXELS = 100_000_000
#: Cells read with a lower OCR score get a read.ocr_uncertain warning.
CONFIDENCE_WARN = 0.90
#: Largest encoded image accepted (bytes).
MAX_IMAGE_BYTES = 200 * 1024 * 1024

_engine: Any = None
_engine_lock = threading.Lock()

_STRAY = "¥￥'\"‘’“”.,:;|`"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_NUMBER_LIKE = re.compile(r"^[\dOolI|]+(?:\.[\dOolI|]+)?$")
_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})
_TABLE_NAMES = {"t2": "表二", "t2_2019": "表二", "t3": "表三", "t4": "表四"}


def _get_engine() -> Any:
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                try:
                    from rapidocr_onnxruntime import RapidOCR
                except ImportError as e:  # pragma: no cover - depends on the install
                    raise InputError(
                        "reading scanned images needs the OCR extra: pip install 'xxgk[ocr]' (rapidocr-onnxruntime)"
                    ) from e
                _engine = RapidOCR()
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


def _segments(result: list[Any]) -> list[dict[str, Any]]:
    segs = []
    for box, text, score in result or []:
        xs = [float(p[0]) for p in box]
        ys = [float(p[1]) for p in box]
        (x0, y0), (x1, y1) = box[0], box[1]
        angle = math.atan2(float(y1) - float(y0), float(x1) - float(x0))
        segs.append(
            {"text": str(text), "score": float(score), "bbox": [round(min(xs)), round(min(ys)), round(max(xs)), round(max(ys))],
             "cx": sum(xs) / 4, "cy": sum(ys) / 4, "h": max(ys) - min(ys), "angle": angle,
             "edge": math.hypot(float(x1) - float(x0), float(y1) - float(y0))}
        )
    return segs


def _rows(segs: list[dict[str, Any]], width: float, height: float) -> list[list[dict[str, Any]]]:
    if not segs:
        return []
    # Skew: median top-edge angle of segments wide enough to measure it.
    angles = [s["angle"] for s in segs if s["edge"] >= 2 * max(s["h"], 1)] or [s["angle"] for s in segs]
    a = statistics.median(angles)
    if abs(a) > math.radians(10):
        a = 0.0
    ca, sa = math.cos(-a), math.sin(-a)
    ox, oy = width / 2, height / 2
    for s in segs:
        dx, dy = s["cx"] - ox, s["cy"] - oy
        s["rx"] = ox + dx * ca - dy * sa
        s["ry"] = oy + dx * sa + dy * ca
        # Height of the upright text line: the box height less what the skew adds.
        s["rh"] = max(1.0, s["h"] - abs(math.sin(a)) * s["edge"])
    tol = 0.5 * statistics.median(s["rh"] for s in segs)
    rows: list[list[dict[str, Any]]] = []
    for s in sorted(segs, key=lambda s: s["ry"]):
        if rows and abs(s["ry"] - statistics.fmean(t["ry"] for t in rows[-1])) <= tol:
            rows[-1].append(s)
        else:
            rows.append([s])
    return [sorted(r, key=lambda s: s["rx"]) for r in rows]


def _where(s: dict[str, Any], page: int) -> dict[str, Any]:
    text, corrected = _correct(s["text"])
    w: dict[str, Any] = {"page": page, "bbox": s["bbox"], "confidence": round(s["score"], 4)}
    if corrected:
        w["corrected_from"] = s["text"]
    s["fixed"] = text
    return w


def ocr_blocks(image: Any, page: int) -> list[B.Block]:
    """The blocks of one page image (a PIL image): see the module docstring."""
    import numpy as np

    gray = image.convert("L")
    arr = np.asarray(gray)
    # text_score=0: keep every recognised segment (low scores are flagged, never dropped).
    result, _ = _get_engine()(arr, use_cls=False, box_thresh=0.4, unclip_ratio=1.6, text_score=0.0)
    rows = _rows(_segments(result), gray.width, gray.height)
    out: list[B.Block] = []
    for row in rows:
        wheres = [_where(s, page) for s in row]
        if len(row) == 1:
            out.append(B.Para(row[0]["fixed"], wheres[0]))
            continue
        cells = [B.GridCell(s["fixed"], w) for s, w in zip(row, wheres)]
        if out and isinstance(out[-1], B.Table):
            out[-1].rows.append(cells)
        else:
            out.append(B.Table([cells]))
    return out


# -- public API ----------------------------------------------------------------------------------------------


def parse_images(pages: list[bytes], *, name: str = "<image>") -> Report:
    """Parse a report scanned as several page images, in page order (page numbers 1, 2, …)."""
    blocks: list[B.Block] = []
    for i, data in enumerate(pages, 1):
        img = _open_image(data, f"{name} page {i}" if len(pages) > 1 else name)
        blocks.extend(ocr_blocks(img, i))
    return _finish(blocks, name)


def parse_image(data: bytes, *, name: str = "<image>", page: int = 1) -> Report:
    """Parse one scanned page image. Raises `InputTooLarge` for an image over the size limits and
    `InputError` for data that is not a readable PNG/JPEG/TIFF image."""
    img = _open_image(data, name)
    return _finish(ocr_blocks(img, page), name)


def _finish(blocks: list[B.Block], name: str) -> Report:
    report = B.parse_blocks(blocks, name=name, kind="image")
    report.source = {**report.source, "name": name}
    add_uncertain_findings(report)
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
