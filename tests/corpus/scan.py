"""Scanned-page renderer of generated reports: the report as PNG images a scanner would produce.

    from tests.corpus.scan import render_scan, render_scan_pages
    pages = render_scan_pages(report, rng)   # list of PNG bytes, one per page (usually 2)
    png = render_scan(report, rng)           # the whole report on one tall page

Content is the ``tab000`` text layout in its canonical form (``variants=False``): the title line
"{agency}{year}年政府信息公开工作年度报告", the preface, the six section headings with (only) the first
paragraph of each section cut to two printed lines (OCR costs per text line), and the three tables.
Table rows are drawn as ruled rows: one box per non-empty cell, label cells left-aligned, number
cells centred in fixed-width columns. Body text at ~29 px (10.5 pt at 200 dpi), table text at 26 px,
Noto Sans CJK. Each page is then rotated by a uniform angle in ±3°, given Gaussian noise
(σ 4–10 grey levels), re-encoded as JPEG at quality 60–85, and returned as PNG bytes of the
degraded image.
"""

from __future__ import annotations

import io
import random
import re

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from xxgk.report import Report

from .layouts import render_text

__all__ = ["render_scan", "render_scan_pages", "FONT_PATH"]

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
_NUM = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")

_BODY_PX = 29
_TABLE_PX = 26
_MARGIN = 110
_PAGE_H = 2339  # A4 at 200 dpi
_MIN_W = 1654
_NUM_COL = 110
_PARA_CHARS = 46  # characters per printed paragraph line (at _BODY_PX on a ~1654 px page)


def _lines(report: Report, rng: random.Random) -> list[tuple[str, list[str]]]:
    """("para", [text]) and ("row", [cells]) in page order."""
    text = render_text(report, "tab000", random.Random(rng.random()), variants=False)
    out: list[tuple[str, list[str]]] = []
    after_heading = False
    para_seen = False
    for ln in text.split("\n"):
        if "\t" in ln:
            cells = [c for c in ln.split("\t") if c.strip()]
            if cells:
                out.append(("row", cells))
            continue
        s = ln.strip()
        if not s:
            continue
        heading = bool(re.match(r"^[一二三四五六]、", s)) and len(s) < 40
        title = "年政府信息公开工作年度报告" in s and len(s) < 60
        if heading or title:
            out.append(("para", [s]))
            after_heading, para_seen = heading, False
            continue
        if after_heading and para_seen:
            continue  # only the first paragraph of a section
        para_seen = True
        s = s[: 2 * _PARA_CHARS]
        for i in range(0, len(s), _PARA_CHARS):
            out.append(("para", [s[i : i + _PARA_CHARS]]))
    # The title as one line: "{agency}{year}年政府信息公开工作年度报告".
    agency, year = report.agency or "", report.year
    out = [l for l in out if not (l[0] == "para" and (l[1][0] == agency or "年政府信息公开工作年度报告" in l[1][0] and len(l[1][0]) < 20))]
    out.insert(0, ("para", [f"{agency}{year}年政府信息公开工作年度报告"]))
    return out


def _text_w(font: ImageFont.FreeTypeFont, s: str) -> int:
    return int(font.getlength(s))


def _draw_pages(lines: list[tuple[str, list[str]]], rng: random.Random, max_pages: int) -> list[Image.Image]:
    body = ImageFont.truetype(FONT_PATH, _BODY_PX)
    tab = ImageFont.truetype(FONT_PATH, _TABLE_PX)
    # Page width: the widest table row.
    width = _MIN_W
    for kind, cells in lines:
        if kind == "row":
            labels = [c for c in cells if not _NUM.match(c)]
            w = sum(_text_w(tab, c) + 40 for c in labels) + _NUM_COL * (len(cells) - len(labels))
            width = max(width, w + 2 * _MARGIN)
    row_h, para_h = 46, 44
    total = sum(row_h if k == "row" else para_h for k, _ in lines)
    per_page = max(_PAGE_H - 2 * _MARGIN, total // max_pages + row_h * 2)
    page_h = max(_PAGE_H, per_page + 2 * _MARGIN)
    pages: list[Image.Image] = []
    img = draw = None
    y = 0
    for kind, cells in lines:
        h = row_h if kind == "row" else para_h
        if img is None or y + h > _MARGIN + per_page:
            img = Image.new("L", (width, page_h), 255)
            draw = ImageDraw.Draw(img)
            pages.append(img)
            y = _MARGIN
        assert draw is not None
        if kind == "para":
            draw.text((_MARGIN, y + 6), cells[0], font=body, fill=0)
        else:
            x = _MARGIN
            draw.line([(x, y), (width - _MARGIN, y)], fill=0, width=2)
            draw.line([(x, y + h), (width - _MARGIN, y + h)], fill=0, width=2)
            draw.line([(x, y), (x, y + h)], fill=0, width=2)
            for c in cells:
                if _NUM.match(c):
                    w = _NUM_COL
                    tx = x + (w - _text_w(tab, c)) // 2
                else:
                    w = _text_w(tab, c) + 40
                    tx = x + 20
                draw.text((tx, y + 8), c, font=tab, fill=0)
                x += w
                draw.line([(x, y), (x, y + h)], fill=0, width=2)
        y += h
    return pages


def _degrade(img: Image.Image, rng: random.Random) -> bytes:
    angle = rng.uniform(-3.0, 3.0)
    img = img.rotate(angle, resample=Image.BILINEAR, expand=True, fillcolor=255)
    arr = np.asarray(img, dtype=np.float32)
    nrng = np.random.default_rng(rng.getrandbits(32))
    arr = arr + nrng.normal(0.0, rng.uniform(4.0, 10.0), arr.shape)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(60, 85))
    img = Image.open(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    img.save(out, "PNG")
    return out.getvalue()


def render_scan_pages(report: Report, rng: random.Random, *, dpi: int = 200, max_pages: int = 3) -> list[bytes]:
    """The report as 2–3 scanned pages (PNG bytes each). Only dpi=200 is drawn to scale."""
    lines = _lines(report, rng)
    return [_degrade(p, rng) for p in _draw_pages(lines, rng, max_pages)]


def render_scan(report: Report, rng: random.Random, *, dpi: int = 200) -> bytes:
    """The whole report on one tall scanned page (PNG bytes)."""
    lines = _lines(report, rng)
    pages = _draw_pages(lines, rng, 1)
    return _degrade(pages[0], rng)
