"""Image limits and loading: bytes → a decoded PIL image, size checked from the header first; and a
page → the grayscale array the reader works on, red ink (a seal) turned to paper."""

from __future__ import annotations

import io
import warnings
from typing import Any

from ...errors import InputError, InputTooLarge
from .params import MAX_IMAGE_BYTES, MAX_PIXELS, MAX_SIDE, RED_GHOST, RED_MARGIN, RED_MIN_SHARE, RED_REACH


def open_image(data: bytes, name: str) -> Any:
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
            check_size(w, h, name)
            img.load()
    except InputError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        raise InputTooLarge(f"{name}: image too large ({e}); limit {MAX_PIXELS:,} pixels") from None
    except Exception as e:  # PIL raises many kinds (UnidentifiedImageError, OSError, SyntaxError, …)
        raise InputError(f"{name}: cannot read the image ({type(e).__name__}: {e}); expected PNG, JPEG or TIFF") from None
    return img


def check_size(w: int, h: int, name: str) -> None:
    if w > MAX_SIDE or h > MAX_SIDE or w * h > MAX_PIXELS:
        raise InputTooLarge(
            f"{name}: image is {w}×{h} px, over the limit ({MAX_SIDE:,} px a side, {MAX_PIXELS // 1_000_000} MP); "
            "a page scanned at 300 dpi is about 2,500×3,500 px"
        )


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
