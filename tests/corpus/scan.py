"""Scanned-page renderer of generated reports: the report as the JPEG images a scanner would produce.

    from tests.corpus.scan import render_scan, render_scan_pages
    pages = render_scan_pages(report, rng)             # list of JPEG bytes, one per page (usually 2)
    pages = render_scan_pages(report, rng, dpi=300, angle=-3.0)
    jpg = render_scan(report, rng)                     # the whole report on one tall page
    jpg = render_rows([["合计", "0", "1", "10"]], rng) # bare table rows
    report, pages, meta = scan_case(seed)              # one case of the OCR test corpus
    pages = render_report_scan(report, rng)            # the WHOLE report as published, scanned (4–5 pages)
    report, pages, meta = report_scan_case(seed)       # one case of the whole-report scan corpus

Content is the ``tab000`` text layout in its canonical form (``variants=False``): the title line
"{agency}{year}年政府信息公开工作年度报告", the preface, the six section headings with (only) the first
paragraph of each section cut to two printed lines (OCR costs per text line), and the three tables.
Table rows are drawn as ruled rows: one box per non-empty cell, label cells left-aligned, number
cells centred in columns of fixed width (wider when the number needs it, so that no digit overlaps a
rule). At 200 dpi body text is ~29 px (10.5 pt) and table text 26 px, in Noto Sans CJK or
(`font="serif"`) the 宋体-like Noto Serif CJK; every size, margin and rule scales with `dpi` (150–300 dpi
are the usual scanner settings), so a 300 dpi page is drawn at 300 dpi, not enlarged. Each page is then
rotated by `angle` (default: uniform in ±3°), given Gaussian noise (σ 4–10 grey levels) and encoded as
JPEG at quality 60–85: those bytes are returned, as a scanner saves them.

Whole reports (`render_report_scan`): the report printed as agencies publish it, on A4 pages in the
layout of 国办公开办函〔2021〕30号 — the title in 2号 (wrapped when long), the preface and the six sections in
3号 body text (16 pt, 28 characters a line, 1.5× the tables' type), 表二/三/四 ruled with their merged
headers, labels wrapped inside their cells, 表三 continued over a page break with its header repeated,
page numbers "- N -" — then scanned: grey paper (paper 200–235, ink 20–60 grey levels), skewed
uniformly in ±1.5°, noisy, JPEG. The printed pages come from xxgk's DOCX/PDF layout
(`xxgk.render(report, "pdf")`, WeasyPrint), rasterised by PDFium; the test's oracle is the generated
report itself, never what a reader makes of the pages.
"""

from __future__ import annotations

import io
import math
import random
import re

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from xxgk.report import Report

from .layouts import render_text

__all__ = ["render_report_scan", "report_scan_case", "render_scan", "render_scan_pages", "render_prose_page", "render_rows", "scan_case", "score_cells", "FONT_PATH", "FONTS"]

FONT_PATH = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
#: Typefaces by name: a 黑体-like sans and a 宋体-like serif, the two faces of printed government reports.
FONTS = {"sans": FONT_PATH, "serif": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"}
_NUM = re.compile(r"^[-+]?\d[\d,]*(\.\d+)?$")

# Sizes in pixels at 200 dpi; `_Geometry` scales them.
_BODY_PX = 29
_TABLE_PX = 26
_MARGIN = 110
_PAGE_H = 2339  # A4 at 200 dpi
_MIN_W = 1654
_NUM_COL = 110
_ROW_H = 46
_PARA_H = 44
_PARA_CHARS = 46  # characters per printed paragraph line (at _BODY_PX on a ~1654 px page)


class _Geometry:
    """Every size of the page at `dpi`, from the 200 dpi design above."""

    def __init__(self, dpi: int, font: str = "sans") -> None:
        if not 72 <= dpi <= 600:
            raise ValueError(f"dpi {dpi} outside 72–600")
        f = dpi / 200
        self.body = ImageFont.truetype(FONTS[font], round(_BODY_PX * f))
        self.tab = ImageFont.truetype(FONTS[font], round(_TABLE_PX * f))
        self.margin, self.page_h, self.min_w = round(_MARGIN * f), round(_PAGE_H * f), round(_MIN_W * f)
        self.num_col, self.row_h, self.para_h = round(_NUM_COL * f), round(_ROW_H * f), round(_PARA_H * f)
        self.pad, self.text_dy, self.para_dy = round(20 * f), round(8 * f), round(6 * f)
        self.rule = max(1, round(2 * f))

    def cell_w(self, c: str) -> int:
        """Width of the box drawn around cell text `c`."""
        w = _text_w(self.tab, c) + 2 * self.pad
        return max(self.num_col, w) if _NUM.match(c) else w


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


def _draw_pages(lines: list[tuple[str, list[str]]], g: _Geometry, max_pages: int) -> list[Image.Image]:
    # Page width: the widest table row.
    width = g.min_w
    for kind, cells in lines:
        if kind == "row":
            width = max(width, sum(g.cell_w(c) for c in cells) + 2 * g.margin)
    total = sum(g.row_h if k == "row" else g.para_h for k, _ in lines)
    per_page = max(g.page_h - 2 * g.margin, total // max_pages + g.row_h * 2)
    page_h = max(g.page_h, per_page + 2 * g.margin)
    pages: list[Image.Image] = []
    img = draw = None
    y = 0
    for kind, cells in lines:
        h = g.row_h if kind == "row" else g.para_h
        if img is None or y + h > g.margin + per_page:
            img = Image.new("L", (width, page_h), 255)
            draw = ImageDraw.Draw(img)
            pages.append(img)
            y = g.margin
        assert draw is not None
        if kind == "para":
            draw.text((g.margin, y + g.para_dy), cells[0], font=g.body, fill=0)
        else:
            _draw_row(draw, cells, g, y, width)
        y += h
    return pages


def _draw_row(draw: ImageDraw.ImageDraw, cells: list[str], g: _Geometry, y: int, width: int) -> None:
    """One ruled table row at height `y`: numbers centred in their boxes, labels left-aligned."""
    x, h, r = g.margin, g.row_h, g.rule
    draw.line([(x, y), (width - g.margin, y)], fill=0, width=r)
    draw.line([(x, y + h), (width - g.margin, y + h)], fill=0, width=r)
    draw.line([(x, y), (x, y + h)], fill=0, width=r)
    for c in cells:
        w = g.cell_w(c)
        tx = x + (w - _text_w(g.tab, c)) // 2 if _NUM.match(c) else x + g.pad
        draw.text((tx, y + g.text_dy), c, font=g.tab, fill=0)
        x += w
        draw.line([(x, y), (x, y + h)], fill=0, width=r)


SEAL_RED = (212, 38, 42)  # 印泥 red as scanned


def _seal(size: int, text: str, font_path: str, rng: random.Random) -> Image.Image:
    """An official seal (公章) `size` px across: ring, five-pointed star, `text` along the upper arc,
    "政务公开专用章"-style words under the star; as an ink mask (L, 255 = full ink), unevenly inked."""
    mask = Image.new("L", (size, size), 0)
    d = ImageDraw.Draw(mask)
    r = size / 2
    ring = max(3, round(size * 0.035))
    d.ellipse([ring / 2, ring / 2, size - ring / 2, size - ring / 2], outline=255, width=ring)
    # the star: 10 points alternating outer/inner radius
    cx = cy = r
    rs = size * 0.16
    pts = [(cx + (rs if k % 2 == 0 else rs * 0.38) * math.sin(math.pi * k / 5), cy - (rs if k % 2 == 0 else rs * 0.38) * math.cos(math.pi * k / 5)) for k in range(10)]
    d.polygon(pts, fill=255)
    glyph = round(size * 0.12)
    font = ImageFont.truetype(font_path, glyph)
    n = len(text)
    span = min(240.0, 22.0 * n)  # degrees of arc the text covers, centred at the top
    for k, ch in enumerate(text):
        a = math.radians(-span / 2 + span * (k + 0.5) / n)
        tile = Image.new("L", (glyph * 2, glyph * 2), 0)
        ImageDraw.Draw(tile).text((glyph / 2, glyph / 2), ch, font=font, fill=255)
        tile = tile.rotate(-math.degrees(a), resample=Image.BILINEAR)
        rr = r - ring - glyph * 0.75
        x, y = cx + rr * math.sin(a) - glyph, cy - rr * math.cos(a) - glyph
        mask.paste(255, (round(x), round(y)), tile)
    small = ImageFont.truetype(font_path, round(size * 0.09))
    words = "政务公开专用章"
    d.text((cx - small.getlength(words) / 2, cy + size * 0.2), words, font=small, fill=255)
    # uneven inking: the mask times smooth noise in 0.55–1
    h = np.asarray(mask, dtype=np.float32) / 255.0
    nrng = np.random.default_rng(rng.getrandbits(32))
    coarse = nrng.uniform(0.55, 1.0, (8, 8)).astype(np.float32)
    shade = np.asarray(Image.fromarray((coarse * 255).astype(np.uint8), "L").resize((size, size), Image.BILINEAR), dtype=np.float32) / 255.0
    return Image.fromarray(np.clip(h * shade * 255, 0, 255).astype(np.uint8), "L")


def _stamped(img: Image.Image, seal: Image.Image, centre: tuple[int, int]) -> Image.Image:
    """`img` (L) in colour with `seal` pressed on it at `centre`: ink multiplies what is under it, as
    red ink over black print does on paper."""
    rgb = np.asarray(img.convert("RGB"), dtype=np.float32)
    x0, y0 = centre[0] - seal.width // 2, centre[1] - seal.height // 2
    layer = Image.new("L", img.size, 0)
    layer.paste(seal, (x0, y0))
    ink = np.asarray(layer, dtype=np.float32)[..., None] / 255.0
    colour = np.array(SEAL_RED, dtype=np.float32) / 255.0
    out = rgb * (1.0 - ink + ink * colour)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8), "RGB")


def _degrade(img: Image.Image, rng: random.Random, angle: float | None) -> bytes:
    """The page as a scanner saves it: skewed, noisy, JPEG."""
    drawn = rng.uniform(-3.0, 3.0)  # drawn even when `angle` is given, so the noise stays the same
    mode = img.mode
    img = img.rotate(drawn if angle is None else angle, resample=Image.BILINEAR, expand=True, fillcolor=255 if mode == "L" else (255, 255, 255))
    arr = np.asarray(img, dtype=np.float32)
    nrng = np.random.default_rng(rng.getrandbits(32))
    arr = arr + nrng.normal(0.0, rng.uniform(4.0, 10.0), arr.shape).astype(np.float32)
    img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), mode)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(60, 85))
    return buf.getvalue()


def render_scan_pages(
    report: Report,
    rng: random.Random,
    *,
    dpi: int = 200,
    max_pages: int = 3,
    angle: float | None = None,
    font: str = "sans",
    seal: str | None = None,
) -> list[bytes]:
    """The report as 2–3 scanned pages (JPEG bytes each) at `dpi`, each rotated by `angle` degrees
    (counter-clockwise; None: uniform in ±3°), in typeface `font` (a key of FONTS).

    `seal`: the agency's red seal (42 mm across) pressed on each page, scanned in colour: "end" at the
    foot of the last page's text, "table" on a random spot of the table rows of every page (a seal
    over figures, as on pages sealed across for binding), None for none (grey pages, as before)."""
    lines = _lines(report, rng)
    g = _Geometry(dpi, font)
    pages = _draw_pages(lines, g, max_pages)
    if seal is not None:
        if seal not in ("end", "table"):
            raise ValueError(f"unknown seal {seal!r}; expected 'end' or 'table'")
        size = round(42 / 25.4 * dpi)
        stamp = _seal(size, report.agency or "人民政府", FONTS[font], rng)
        out = []
        for k, p in enumerate(pages):
            if seal == "end" and k < len(pages) - 1:
                out.append(p.convert("RGB"))
                continue
            ink = np.asarray(p) < 128
            rows = np.nonzero(ink.any(axis=1))[0]
            if seal == "end":
                centre = (p.width - g.margin - size // 2 - rng.randrange(0, max(1, p.width // 4)), min(p.height - size // 2, int(rows[-1]) + rng.randrange(-size // 2, size // 4)))
            else:
                centre = (rng.randrange(g.margin + size // 3, p.width - g.margin - size // 3), rng.randrange(int(rows[0]) + size // 3, max(int(rows[0]) + size // 3 + 1, int(rows[-1]) - size // 3)))
            out.append(_stamped(p, stamp, centre))
        pages = out
    return [_degrade(p, rng, angle) for p in pages]


def render_scan(
    report: Report, rng: random.Random, *, dpi: int = 200, angle: float | None = None, font: str = "sans"
) -> bytes:
    """The whole report on one tall scanned page (JPEG bytes)."""
    lines = _lines(report, rng)
    pages = _draw_pages(lines, _Geometry(dpi, font), 1)
    return _degrade(pages[0], rng, angle)


def render_prose_page(
    report: Report, rng: random.Random, *, dpi: int = 200, font: str = "sans", lines: int = 48, chars: int = 46
) -> tuple[bytes, list[str]]:
    """A page dense with running text (`lines` lines of `chars` characters: the report's own prose,
    repeated to fill it), scanned; with the text of each printed line. At the defaults it holds
    ~2,200 characters, more than an A4 page of 16 pt (~600) or 12 pt (~1,300) body text."""
    text = render_text(report, "tab000", random.Random(rng.random()), variants=False)
    prose = "".join(ln.strip() for ln in text.split("\n") if "\t" not in ln and len(ln.strip()) > 20)
    prose = prose * (1 + lines * chars // max(1, len(prose)))
    printed = [prose[i : i + chars] for i in range(0, lines * chars, chars)]
    page = _draw_pages([("para", [ln]) for ln in printed], _Geometry(dpi, font), 1)[0]
    return _degrade(page, rng, None), printed


def render_rows(
    rows: list[list[str]], rng: random.Random, *, dpi: int = 200, angle: float | None = None, font: str = "sans"
) -> bytes:
    """Table rows alone (one ruled row per list of cell texts) on one scanned page (JPEG bytes)."""
    return _degrade(_draw_pages([("row", r) for r in rows], _Geometry(dpi, font), 1)[0], rng, angle)


def scan_case(seed: int) -> tuple[Report, list[bytes], dict[str, object]]:
    """Generated report `seed` (2019 format every 5th) as the scan corpus of the tests draws it:
    (report, JPEG pages, {"dpi", "font", "angle"}).

    By seed: dpi 200, 150, 200, 300 in turn; every other report in the serif face; every third
    report skewed by exactly +3° or −3° (the others uniformly in ±3°)."""
    from .generate import random_report

    report = random_report(random.Random(seed), fmt="2019" if seed % 5 == 4 else "2021")
    meta: dict[str, object] = {
        "dpi": (200, 150, 200, 300)[seed % 4],
        "font": ("sans", "serif")[seed % 2],
        "angle": (3.0, None, None, -3.0, None, None)[seed % 6],
    }
    pages = render_scan_pages(report, random.Random(seed ^ 0x5CA9), **meta)  # type: ignore[arg-type]
    return report, pages, meta


def _paper(img: Image.Image, rng: random.Random, angle: float | None) -> bytes:
    """A printed page (L, or RGB when sealed; white paper) as scanned on grey paper: paper and ink
    levels drawn per page, skewed by `angle` (None: uniform in ±1.5°), noisy, JPEG."""
    drawn = rng.uniform(-1.5, 1.5)
    paper, ink = rng.uniform(200.0, 235.0), rng.uniform(20.0, 60.0)
    arr = ink + np.asarray(img, dtype=np.float32) / 255.0 * (paper - ink)
    grey = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode)
    fill = round(paper) if img.mode == "L" else (round(paper),) * 3
    grey = grey.rotate(drawn if angle is None else angle, resample=Image.BILINEAR, expand=True, fillcolor=fill)
    arr = np.asarray(grey, dtype=np.float32)
    arr = arr + np.random.default_rng(rng.getrandbits(32)).normal(0.0, rng.uniform(4.0, 10.0), arr.shape).astype(np.float32)
    buf = io.BytesIO()
    Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), img.mode).save(buf, "JPEG", quality=rng.randint(60, 85))
    return buf.getvalue()


def render_report_scan(
    report: Report, rng: random.Random, *, dpi: int = 200, angle: float | None = None, seal: bool = False
) -> list[bytes]:
    """The whole report as published (title, preface, six sections, tables over page breaks) scanned
    at `dpi` on grey paper: JPEG bytes, one per A4 page (see the module docstring). `seal`: the
    agency's red seal pressed over the end of the last page's text (the signature and date), that
    page scanned in colour."""
    import pypdfium2 as pdfium

    import xxgk

    doc = pdfium.PdfDocument(xxgk.render(report, "pdf"))
    try:
        printed = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()
    if seal:
        last = printed[-1]
        size = round(42 / 25.4 * dpi)
        rows = np.nonzero((np.asarray(last) < 128)[: int(last.height * 0.9)].any(axis=1))[0]
        centre = (last.width - round(25 / 25.4 * dpi) - size // 2 - rng.randrange(0, max(1, last.width // 5)), max(size // 2, int(rows[-1]) - rng.randrange(0, size // 3)))
        printed[-1] = _stamped(last, _seal(size, report.agency or "人民政府", FONTS["sans"], rng), centre)
    return [_paper(p, rng, angle) for p in printed]


def report_scan_case(seed: int, *, seal: bool = False) -> tuple[Report, list[bytes], dict[str, object]]:
    """Generated report `seed` (2019 format every 5th) scanned whole, as the whole-report scan corpus
    draws it: (report, JPEG pages, {"dpi", "pages", "seal"}). dpi 200, 150, 300 in turn; `seal`: a red
    seal over the end of the last page (scanned in colour)."""
    from .generate import random_report

    report = random_report(random.Random(seed), fmt="2019" if seed % 5 == 4 else "2021")
    dpi = (200, 150, 300)[seed % 3]
    pages = render_report_scan(report, random.Random(seed ^ 0x7E90), dpi=dpi, seal=seal)
    return report, pages, {"dpi": dpi, "pages": len(pages), "seal": seal}


def score_cells(expected: Report, got: Report) -> tuple[int, int, list[str]]:
    """(cells right, cells wrong with a finding on them, keys of cells wrong without one) of a read
    scan: the OCR target is that no wrong cell goes unflagged. Findings are the reader's and the
    checks'."""
    from xxgk.report import keys as K

    named = {k for f in list(got.findings) + list(got.check()) for k in f.cells}
    right = flagged = 0
    silent: list[str] = []
    for key in K.cell_keys(expected.table_format):
        if got.value(key) == expected.value(key):
            right += 1
        elif key in named:
            flagged += 1
        else:
            silent.append(key)
    return right, flagged, silent
