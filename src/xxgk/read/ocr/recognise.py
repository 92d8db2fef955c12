"""Recognition (steps 5–6 of the package docstring): boxes cropped at one scale per page, laid side by
side into strips, one recogniser call per strip, CTC-decoded into each box's text and confidence."""

from __future__ import annotations

import math
import statistics
import unicodedata
from typing import Any

from .boxes import Box
from .engine import ZEROS, get_engine
from .params import CJK_GAP, MIN_H, PAD_X, PAD_Y, REC_H, STRIP_GAP, STRIP_WIDTH


def crop_box(page: Any, box: Box, href: float) -> Any:
    """The box cut from the upright page at the common scale (step 5), white outside the page."""
    import numpy as np

    href *= box.scale
    py, px = PAD_Y * href, PAD_X * href
    ch = max(box.h, MIN_H * href) + 2 * py
    y0, y1 = round(box.cy - ch / 2), round(box.cy + ch / 2)
    x0, x1 = round(box.x0 - px), round(box.x1 + px)
    box.crop = (x0, y0, x1, y1)
    out = np.full((y1 - y0, x1 - x0), 255, np.uint8)
    h, w = page.shape
    sy0, sy1, sx0, sx1 = max(y0, 0), min(y1, h), max(x0, 0), min(x1, w)
    if sy1 > sy0 and sx1 > sx0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = page[sy0:sy1, sx0:sx1]
    return out


def to_rec_height(crop: Any, height: int = REC_H) -> Any:
    import cv2

    h, w = crop.shape
    nw = max(8, math.ceil(height * w / max(1, h)))
    return cv2.resize(crop, (nw, height), interpolation=cv2.INTER_AREA if h > height else cv2.INTER_LINEAR)


def strips(widths: list[int]) -> list[list[int]]:
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


def read_boxes(boxes: list[Box], page: Any, href: float, height: int) -> None:
    parts = [to_rec_height(crop_box(page, b, href), height) for b in boxes]
    for strip in strips([p.shape[1] for p in parts]):
        read_strip([parts[i] for i in strip], [boxes[i] for i in strip], href, height)


def read_strip(parts: list[Any], boxes: list[Box], href: float, height: int = REC_H) -> None:
    """Recognise one strip and give each box its text and score (step 6)."""
    import numpy as np

    canvas, spans = _lay_out(parts, height)
    x_in = canvas.astype(np.float32) * (2 / 255.0) - 1.0
    width = canvas.shape[1]
    probs = get_engine().rec(np.ascontiguousarray(np.broadcast_to(x_in, (1, 3, height, width))))[0][0]
    step = width / probs.shape[0]  # strip px per time step
    starts = np.array([a - STRIP_GAP / 2 for a, _ in spans])
    owner = np.clip(np.searchsorted(starts, (np.arange(probs.shape[0]) + 0.5) * step, side="right") - 1, 0, len(spans) - 1)
    inks = [_strip_ink(box, span, href) for box, span in zip(boxes, spans)]
    for box, (text, score) in zip(boxes, _decode(probs, owner, boxes, href, inks, step)):
        box.text, box.score = text, score


def _lay_out(parts: list[Any], height: int = REC_H) -> tuple[Any, list[tuple[int, int]]]:
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


def _strip_ink(box: Box, span: tuple[int, int], href: float) -> list[tuple[float, float]]:
    """The box's digit-sized ink components as glyph x-ranges in strip coordinates."""
    a, b = span
    f = (b - a) / max(1, box.crop[2] - box.crop[0])
    href *= box.scale
    ink = [(a + (x0 - box.crop[0]) * f, a + (x1 - box.crop[0]) * f) for x0, x1, h in box.ink if h >= 0.4 * href]
    return glyphs(ink, href * f)


def _decode(
    probs: Any, owner: Any, boxes: list[Box], href: float, inks: list[list[tuple[float, float]]], step: float
) -> list[tuple[str, float]]:
    """CTC decoding of one strip into (text, score) per box: see step 6 of the package docstring."""
    import numpy as np

    eng = get_engine()
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
        if doubtful[k] or (is_number(text) and not ink_covered(inks[k], [(t + 0.5) * step for _, t in chars], step)):
            score = min(score, 0.5)
        elif wide_gap(text, [t for _, t in chars]):
            score = min(score, 0.5)
        out.append((text, score))
    return out


def _characters(probs: Any, cls: Any, owner: Any, n: int) -> tuple[list[list[tuple[int, int]]], list[bool]]:
    """(per box, its characters as (class, peak time step)); per box, whether one is doubtful.

    A character is a run of time steps with the same (folded) class; it belongs to the box under its
    peak. A character straddling two boxes, or a digit held over 3+ steps (a glyph takes 1–2: two equal
    digits run together collapse into one), makes its boxes doubtful."""
    import numpy as np

    eng = get_engine()
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
    eng = get_engine()
    if not len(steps):
        return "", 0.0
    t = steps[int(probs[steps, 1:].max(1).argmax())]
    c = int(probs[t, 1:].argmax()) + 1
    return eng.chars[eng.fold.get(c, c)], 0.0


def _score_chars(probs: Any, chars: list[tuple[int, int]], box: Box, href: float) -> tuple[str, float]:
    """Text of one box and its least certain character's probability among non-blank outcomes; in a
    box of digits, round glyphs are read as 0."""
    eng = get_engine()
    text = "".join(eng.chars[c] for c, _ in chars)
    numeric = all(ch.isdigit() or ch in ZEROS or ch in ".," for ch in text) and any(ch.isdigit() or ch in ZEROS for ch in text)
    zeros = eng.round_zeros if box.h >= 0.55 * href * box.scale else eng.zeros
    out, worst = [], 1.0
    for c, t in chars:
        ch = eng.chars[c]
        if numeric and ch in ZEROS:
            p, ch = float(probs[t, zeros].sum()), "0"
        else:
            p = float(probs[t, eng.classes(c)].sum())
        worst = min(worst, p / max(1e-6, 1.0 - float(probs[t, 0])))
        out.append(ch)
    return "".join(out), worst


def wide_gap(text: str, peaks: list[int]) -> bool:
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


def is_number(text: str) -> bool:
    return bool(text) and all(ch.isdigit() or ch in ".," for ch in text)


def glyphs(ink: list[tuple[float, float]], em: float) -> list[tuple[float, float]]:
    """Ink x-ranges joined into glyphs: pieces less than 0.2 em apart that together stay narrower than
    0.75 em are one glyph broken in two (the hairlines of a serif 0). `em` ≈ the text height."""
    out: list[tuple[float, float]] = []
    for x0, x1 in sorted(ink):
        if out and x0 - out[-1][1] < 0.2 * em and max(x1, out[-1][1]) - out[-1][0] < 0.75 * em:
            out[-1] = (out[-1][0], max(x1, out[-1][1]))
        else:
            out.append((x0, x1))
    return out


def ink_covered(ink: list[tuple[float, float]], peaks: list[float], step: float) -> bool:
    """Whether every glyph of digit-sized ink (x-range in strip coordinates) has a character peak over
    it or within half a time step of it: peaks fall inside their glyph. Two touching glyphs pass (a
    lost digit among them goes unseen here); ink the recogniser read nothing from does not."""
    return all(any(x0 - step / 2 <= p <= x1 + step / 2 for p in peaks) for x0, x1 in ink)


def _insertion_risk(probs: Any, cls: Any, owner: Any, n: int) -> Any:
    """Per box: the largest probability of a character at one of its blank steps that would add one to
    the text (spaces, and the character of a neighbouring step, which would only lengthen it, do not)."""
    import numpy as np

    eng = get_engine()
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
