"""Debug images: every page of a report's source, with the box and key of each cell the reader read.

    from xxgk.read.debug import draw
    report = xxgk.parse(path)                 # path = "report.pdf"
    paths = draw(report, path, "debug/")      # debug/report-p1.png, debug/report-p2.png, …

The question these images answer is "why was this number read as that cell?": a person looks at the
page as printed and sees, on top of it, the box the reader took each cell from, labelled with the
cell's key, coloured by what became of it:

- green: a value was read (a number or 0);
- grey: the cell was located but holds no value (blank, `/`, `-`);
- orange: a warning finding names the cell (e.g. `read.ocr_uncertain`, `read.window_by_identity`);
- red: an error finding names the cell (an identity that fails, a value that is not a number).

Inside (or just above, when the box is tight around its text) each box is the key's last part (the
column, e.g. `total`); the rest of the key (the row, e.g. `t3.granted`) is written once per printed
row in a gutter added to the right of the page, with a leader line to the row, so that labels never
hide the numbers they explain. The gutter also carries a legend and the page's cell counts.

What is drawn on depends on what the reader saw (`report.source["kind"]`):

- PDF: each page rendered by PDFium at `scale` × 72 dpi (2 → 144 dpi); cell boxes are the `bbox` of
  `where` (points, top from the page top) times `scale`.
- Scanned image: the image itself (downscaled when a side is over `MAX_IMAGE_SIDE` px); boxes are the
  OCR segments' pixel boxes.
- Plain text, HTML, Word, Excel: these have no pages, so the images show the text the text reader was given,
  laid out as it saw it: one row per line, numbered, with tab-separated cells aligned in columns
  across consecutive table rows (for HTML/Word/Excel, `blocks.layout` of the document: a merged cell
  appears once, at its first row and column). Boxes cover the characters each cell was read from.
  This rather than a picture of each source table because it is the flattened rows, not the original
  grid, that decide which number lands in which cell; the `{"table", "row", "col"}` of each HTML/Word
  cell (`{"sheet", "cell"}` in Excel) is still the box's source. Pages hold `TEXT_ROWS_PER_PAGE` rows.

Cells without a location (never found in the source) cannot be drawn; the legend counts them.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from ..report.model import Finding, Report

__all__ = ["draw", "render", "statuses", "text_view", "Page", "Box", "Span", "COLOURS", "MAX_IMAGE_SIDE", "TEXT_ROWS_PER_PAGE"]

#: Box colour per cell status (RGB).
COLOURS: dict[str, tuple[int, int, int]] = {
    "read": (22, 163, 74),
    "blank": (100, 116, 139),
    "warning": (234, 134, 0),
    "error": (220, 38, 38),
}
_LEGEND = {"read": "value read", "blank": "no value (blank, /, -)", "warning": "named in a warning", "error": "named in an error"}
_RANK = {"read": 0, "blank": 0, "warning": 1, "error": 2}
#: Scanned images with a longer side are drawn downscaled to it (an A4 page at 300 dpi is 3,508 px).
MAX_IMAGE_SIDE = 3508
#: Rows of laid-out text per image for inputs without pages (text, HTML, Word, Excel).
TEXT_ROWS_PER_PAGE = 60
_TEXT_PX = 16
_TEXT_MAX_WIDTH = 3200
#: Lines without cells are wrapped at this width (px).
_TEXT_WRAP = 1400
#: Least width of a table column in the text view, in em (a key must fit above a lone "0").
_TEXT_MIN_COL = 5
_FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)
Source = bytes | str | os.PathLike[str] | Sequence[bytes]


@dataclass(frozen=True)
class Box:
    """One cell to draw: its key, its status (a `COLOURS` key) and its rectangle in image pixels."""

    key: str
    status: str
    rect: tuple[float, float, float, float]


@dataclass
class Page:
    """One debug image: page `number` (1-based) of the source, and the boxes drawn on it. The page
    occupies the image from (0, 0): a box's `rect` is where it is in `image`; the gutter of row labels
    and legend is to its right."""

    number: int
    image: Image.Image
    boxes: list[Box]


# -- public API -----------------------------------------------------------------------------------


def statuses(report: Report, findings: Sequence[Finding] | None = None) -> dict[str, str]:
    """Each cell's status: "error" / "warning" when a finding of that severity names it (the worse
    wins), else "read" when it has a value, else "blank"."""
    if findings is None:
        findings = report.check()
    out = {key: ("read" if cell.value is not None else "blank") for key, cell in report.cells.items()}
    for f in findings:
        for key in f.cells:
            if key in out and _RANK.get(f.severity, 0) > _RANK[out[key]]:
                out[key] = f.severity
    return out


def render(
    report: Report, source: Source, *, scale: float = 2.0, findings: Sequence[Finding] | None = None,
    page: int | None = None,
) -> Iterator[Page]:
    """A `Page` (image and boxes) for each page of `source`, the input `report` was parsed from.

    `source` is a path or the bytes that were parsed; for a report read with `ocr.parse_images`,
    the list of page images. `findings` default to `report.check()`. A generator, so a long PDF is
    never held in memory at once. `page` (1-based) draws that page only, without rasterising the
    others (a web page showing one cell's box); none when the source has fewer pages. Raises
    ValueError when the bytes are not the ones the report was read from (sha256) or the report's
    kind has no pages to draw.
    """
    status = statuses(report, findings)
    kind = report.source.get("kind")
    if not isinstance(source, (bytes, bytearray, memoryview, str, os.PathLike)):
        if kind != "image":
            raise ValueError("a list of page images is only a source for a scanned (image) report")
        yield from _image_pages(report, [bytes(d) for d in source], status, page)
        return
    data = _bytes(source)
    _check_same(report, data)
    if kind == "pdf":
        yield from _pdf_pages(report, data, status, scale, page)
    elif kind == "image":
        yield from _image_pages(report, [data], status, page)
    elif kind in ("html", "docx", "xlsx"):
        yield from _text_pages(report, *_block_text(data, kind, report.source.get("name", "")), status, page)
    elif kind == "text":
        yield from _text_pages(report, *_plain_text(report, data), status, page)
    else:
        raise ValueError(f"no debug image for a source of kind {kind!r}")


def text_view(report: Report, source: bytes | str | os.PathLike[str]) -> tuple[list[str], dict[str, Span]]:
    """The text the text reader saw for a report without pages (text, HTML, Word, Excel) as lines,
    and each located cell's place in them: key → (1-based line, first character, end character).

    What the text debug images draw, as data: a web page shows the lines around a cell with the
    cell's characters marked. Raises ValueError for another kind or bytes the report was not read
    from."""
    data = _bytes(source)
    _check_same(report, data)
    kind = report.source.get("kind")
    if kind == "text":
        lines, spans = _plain_text(report, data)
    elif kind in ("html", "docx", "xlsx"):
        lines, spans = _block_text(data, kind, report.source.get("name", ""))
    else:
        raise ValueError(f"no text view for a source of kind {kind!r}")
    return lines, _cell_spans(report, spans)


def draw(
    report: Report,
    source: Source,
    out_dir: str | os.PathLike[str],
    *,
    stem: str | None = None,
    scale: float = 2.0,
    findings: Sequence[Finding] | None = None,
) -> list[Path]:
    """Write `render`'s images as `out_dir/<stem>-p<N>.png` (N from 1) and return their paths.

    `stem` defaults to the source file's name without its extension (or the report's source name,
    or "report"). `out_dir` must exist. Each file is written whole (to a temporary name, then
    renamed), so an image that fails halfway never leaves a truncated PNG behind.
    """
    out = Path(out_dir)
    stem = stem or _default_stem(report, source)
    paths: list[Path] = []
    for page in render(report, source, scale=scale, findings=findings):
        path = out / f"{stem}-p{page.number}.png"
        tmp = out / f".{path.name}.tmp"
        try:
            page.image.save(tmp, "PNG")
            os.replace(tmp, path)
        finally:
            if tmp.exists():
                tmp.unlink()
        paths.append(path)
    return paths


def _default_stem(report: Report, source: Source) -> str:
    if isinstance(source, (str, os.PathLike)) and os.fspath(source) != "-":
        return Path(source).stem or "report"
    name = str(report.source.get("name") or "")
    stem = Path(name).stem if name and not name.startswith("<") else name.strip("<>")
    return stem or "report"


def _bytes(source: bytes | bytearray | memoryview | str | os.PathLike[str]) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    return Path(source).read_bytes()


def _check_same(report: Report, data: bytes) -> None:
    import hashlib

    want = report.source.get("sha256")
    if want and hashlib.sha256(data).hexdigest() != want:
        raise ValueError("the source given is not the input this report was read from (sha256 differs)")


# -- fonts ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _font_file() -> tuple[str, int] | None:
    """A CJK-capable font: fontconfig's choice for Chinese, else a known path, else None."""
    if shutil.which("fc-match"):
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}\t%{index}", "sans-serif:lang=zh-cn"], capture_output=True, text=True, timeout=10
            ).stdout
            path, _, index = out.partition("\t")
            if path and os.path.exists(path) and re.search(r"(?i)cjk|wqy|hei|song|kai|ming|han|droid", path):
                return path, int(index or 0)
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    for path in _FONT_CANDIDATES:
        if os.path.exists(path):
            return path, 0
    return None


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font at `size` px; Pillow's own font (ASCII only) when no CJK font is installed."""
    found = _font_file()
    if found is not None:
        try:
            return ImageFont.truetype(found[0], size, index=found[1])
        except OSError:
            pass
    return ImageFont.load_default(size)


def _width(font: Any, text: str) -> float:
    return float(font.getlength(text)) if text else 0.0


def _fit(text: str, font: Any, width: float) -> str:
    """`text`, cut with "…" to fit `width` pixels."""
    if _width(font, text) <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if _width(font, text[:mid] + "…") <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo] + "…" if lo else ""


# -- pages with coordinates: PDF, images ------------------------------------------------------------


def _page_boxes(report: Report, status: dict[str, str], page: int, factor: float) -> list[Box]:
    boxes = []
    for key, cell in report.cells.items():
        bbox = cell.where.get("bbox")
        if cell.where.get("page", 1) != page or not bbox or len(bbox) != 4:
            continue
        x0, top, x1, bottom = (float(v) * factor for v in bbox)
        boxes.append(Box(key, status[key], (x0, top, x1, bottom)))
    return boxes


def _unlocated(report: Report) -> int:
    return sum(1 for c in report.cells.values() if not c.where)


def _pdf_pages(report: Report, data: bytes, status: dict[str, str], scale: float, only: int | None = None) -> Iterator[Page]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        total = len(doc)
        for p in (range(total) if only is None else [only - 1] if 1 <= only <= total else []):
            page = doc[p]
            try:
                image = page.render(scale=scale).to_pil().convert("RGB")
            finally:
                page.close()
            yield _annotate(report, p + 1, total, image, _page_boxes(report, status, p + 1, scale), _unlocated(report))
    finally:
        doc.close()


def _image_pages(report: Report, pages: list[bytes], status: dict[str, str], only: int | None = None) -> Iterator[Page]:
    for p, data in enumerate(pages, 1):
        if only is not None and p != only:
            continue
        image = Image.open(io.BytesIO(data))  # the first frame of a TIFF, as the scan reader reads it
        image.load()
        image = image.convert("RGB")
        factor = min(1.0, MAX_IMAGE_SIDE / max(image.size))
        if factor < 1.0:
            image = image.resize((round(image.width * factor), round(image.height * factor)), Image.Resampling.BILINEAR)
        yield _annotate(report, p, len(pages), image, _page_boxes(report, status, p, factor), _unlocated(report))


# -- drawing boxes, labels and the gutter --------------------------------------------------------------


def _annotate(report: Report, number: int, total: int, image: Image.Image, boxes: list[Box], unlocated: int) -> Page:
    """`image` with `boxes` drawn on it (page pixels unchanged: a box is where its rectangle says) and,
    to its right, a gutter with the row labels and, at the bottom, the legend."""
    unit = max(10, round(image.width / 110))  # label size, in proportion to the page
    font = _font(unit)
    labels = _place(_row_labels(boxes), unit)
    gutter = max([int(unit * 18), *(int(_width(font, t)) + 3 * unit for t, *_ in labels)])
    legend_h = unit * (2.5 + 4 * 1.4 + (1.4 if unlocated else 0))
    legend_y = max(image.height - legend_h, max((y for *_, y in labels), default=0) + unit * 2)
    canvas = Image.new("RGB", (image.width + gutter, max(image.height, int(legend_y + legend_h))), "white")
    canvas.paste(image, (0, 0))
    d = ImageDraw.Draw(canvas, "RGBA")  # RGBA colours blend onto the page
    line = max(1, round(unit / 6))
    boxes = sorted(boxes, key=lambda b: _RANK[b.status])  # errors drawn last, on top
    for b in boxes:
        d.rectangle(b.rect, fill=COLOURS[b.status] + (40,), outline=COLOURS[b.status], width=line)
    _box_labels(d, boxes, unit, image.width)
    _gutter(d, labels, image.width, unit, line)
    title = f"{report.source.get('name', '')}  page {number}/{total}"
    _legend(d, boxes, title, unlocated, image.width + unit, legend_y, unit)
    return Page(number, canvas, boxes)


def _split_key(key: str) -> tuple[str, str]:
    """(row, column) of a key for labelling: t3.granted.total → (t3.granted, total); t2.penalty →
    (t2.penalty, penalty)."""
    head, _, last = key.rpartition(".")
    return (head if head.count(".") >= 1 else key), last or key


def _box_labels(d: ImageDraw.ImageDraw, boxes: list[Box], unit: int, page_width: int) -> None:
    """Each box's column name, inside its top-left corner, or just above it when the box is tight
    around its text; cut to the room before the next box on the same row."""
    small = max(7, round(unit * 0.8))
    for b in boxes:
        x0, top, x1, bottom = b.rect
        room = _room(b, boxes, page_width) - x0 - 2
        size = small
        text = _split_key(b.key)[1]
        while size > 7 and _width(_font(size), text) > room:
            size -= 1
        font = _font(size)
        text = _fit(text, font, room)
        if not text:
            continue
        inside = bottom - top >= 2.5 * size * 1.25
        y = top + 1 if inside else top - size * 1.25
        w = _width(font, text)
        d.rectangle((x0 + 1, y, x0 + 3 + w, y + size * 1.2), fill=(255, 255, 255, 200))
        d.text((x0 + 2, y), text, font=font, fill=COLOURS[b.status])


def _room(b: Box, boxes: list[Box], page_width: int) -> float:
    """The x where the next box on the same row starts (or the page's edge)."""
    x0, top, x1, bottom = b.rect
    right = float(page_width)
    for o in boxes:
        ox0, otop, _, obottom = o.rect
        if o is not b and ox0 > x0 + 1 and otop < bottom and obottom > top:
            right = min(right, ox0)
    return max(right, x1)


def _row_labels(boxes: list[Box]) -> list[tuple[str, str, float, float]]:
    """(row label, worst status, y centre, rightmost x) of each printed row of each key row: boxes
    with the same row part whose vertical centres lie within one another's box."""
    groups: dict[str, list[Box]] = {}
    for b in boxes:
        groups.setdefault(_split_key(b.key)[0], []).append(b)
    out = []
    for label, group in groups.items():
        clusters: list[list[Box]] = []
        for b in sorted(group, key=lambda b: (b.rect[1] + b.rect[3]) / 2):
            cy = (b.rect[1] + b.rect[3]) / 2
            if clusters and clusters[-1][-1].rect[1] <= cy <= clusters[-1][-1].rect[3]:
                clusters[-1].append(b)
            else:
                clusters.append([b])
        for c in clusters:
            worst = max((b.status for b in c), key=lambda s: _RANK[s])
            cy = sum((b.rect[1] + b.rect[3]) / 2 for b in c) / len(c)
            out.append((label, worst, cy, max(b.rect[2] for b in c)))
    return sorted(out, key=lambda t: t[2])


def _place(labels: list[tuple[str, str, float, float]], unit: int) -> list[tuple[str, str, float, float, float]]:
    """Each row label with the y it is written at: its row's height, pushed down not to overlap."""
    pitch = unit * 1.3
    out = []
    y_free = 0.0
    for label, status, cy, right in labels:
        y = max(cy - pitch / 2, y_free)
        y_free = y + pitch
        out.append((label, status, cy, right, y))
    return out


def _gutter(d: ImageDraw.ImageDraw, labels: list[tuple[str, str, float, float, float]], x: int, unit: int, line: int) -> None:
    """The row labels in the gutter, each with a leader line back to its row."""
    font = _font(unit)
    half = unit * 0.65
    for label, status, cy, right, y in labels:
        colour = COLOURS[status]
        d.line([(right, cy), (x + unit * 0.5, cy), (x + unit, y + half)], fill=colour + (150,), width=line)
        d.text((x + unit * 1.5, y), label, font=font, fill=colour)


def _legend(d: ImageDraw.ImageDraw, boxes: list[Box], title: str, unlocated: int, x: float, y: float, unit: int) -> None:
    """The page's name, the colours with the number of boxes of each, and the cells never located."""
    font = _font(unit)
    y += unit * 0.5
    d.text((x, y), _fit(title.strip(), font, unit * 16), font=font, fill=(0, 0, 0))
    y += unit * 1.5
    counts = {s: sum(1 for b in boxes if b.status == s) for s in COLOURS}
    for status in ("read", "blank", "warning", "error"):
        d.rectangle((x, y + unit * 0.2, x + unit * 0.9, y + unit * 1.1), outline=COLOURS[status], fill=COLOURS[status] + (80,), width=2)
        d.text((x + unit * 1.4, y), f"{_LEGEND[status]}: {counts[status]}", font=font, fill=(0, 0, 0))
        y += unit * 1.4
    if unlocated:
        d.text((x, y), f"cells without a location: {unlocated}", font=font, fill=(0, 0, 0))


# -- inputs without pages: the text the text reader saw --------------------------------------------


#: A cell's place in laid-out text: (1-based line, first character, end character).
Span = tuple[int, int, int]


def _plain_text(report: Report, data: bytes) -> tuple[list[str], dict[str, Span]]:
    """The decoded lines (as the text reader numbers them) and each located cell's characters."""
    from .source import MAX_TEXT_BYTES, decode

    text = decode(data, name=str(report.source.get("name", "")), max_bytes=max(MAX_TEXT_BYTES, len(data))).text
    lines = text.splitlines()
    spans: dict[str, Span] = {}
    for key, cell in report.cells.items():
        line = cell.where.get("line")
        if not isinstance(line, int) or not 1 <= line <= len(lines):
            continue
        col = cell.where.get("col")
        if col is None:
            spans[key] = (line, 0, len(lines[line - 1]))
        else:
            spans[key] = (line, col, col + max(1, len(cell.raw)))
    return lines, spans


def _block_text(data: bytes, kind: str, name: str) -> tuple[list[str], dict[str, Span]]:
    """HTML/Word/Excel: `blocks.layout` of the document, and each cell's grid cell found in it by `where`.
    Returned keyed by `where` (as JSON); `_text_pages` looks the cells up."""
    from .blocks import layout

    text, line_spans = layout(_blocks(data, kind, name))
    by_where: dict[str, Span] = {}
    for n, spans in enumerate(line_spans, 1):
        for s in spans:
            by_where.setdefault(_where_key(s.where), (n, s.start, s.end))
    return text.split("\n"), by_where


def _where_key(where: dict[str, Any]) -> str:
    return "where:" + json.dumps(where, sort_keys=True, ensure_ascii=False)


def _blocks(data: bytes, kind: str, name: str) -> list[Any]:
    if kind == "html":
        from .html import html_blocks

        return html_blocks(data, name=name)[0]
    if kind == "xlsx":
        from .xlsx import xlsx_blocks

        return xlsx_blocks(data)
    from .docx import convert_legacy, docx_blocks, sniff_office

    office = sniff_office(data)
    if office in ("doc", "odt"):  # what parse_docx does: LibreOffice converts it first
        suffix = os.path.splitext(name)[1].lower()
        data = convert_legacy(data, ".odt" if office == "odt" else (suffix if suffix in (".doc", ".wps", ".wpt", ".dot") else ".doc"))
    return docx_blocks(data)


@dataclass
class _Row:
    """One row of a text page: the source line it shows (None for a wrapped continuation) and its
    pieces, each (first character in the line, x, text)."""

    line: int | None
    pieces: list[tuple[int, float, str]]


def _text_pages(report: Report, lines: list[str], spans: dict[str, Span], status: dict[str, str],
                only: int | None = None) -> Iterator[Page]:
    cell_spans = _cell_spans(report, spans)
    font = _font(_TEXT_PX)
    margin = _width(font, "00000 ")
    rows = _layout_rows(lines, {s[0] for s in cell_spans.values()}, font, margin)
    label_h = round(_TEXT_PX * 0.8 * 1.3)
    pitch = round(_TEXT_PX * 1.35) + label_h
    width = min(_TEXT_MAX_WIDTH, max(1000, int(max((x + _width(font, t) for r in rows for _, x, t in r.pieces), default=0) + 40)))
    row_of = {r.line: i for i, r in enumerate(rows) if r.line is not None}
    pages = max(1, -(-len(rows) // TEXT_ROWS_PER_PAGE))
    for p in range(pages):
        if only is not None and p + 1 != only:
            continue
        first = p * TEXT_ROWS_PER_PAGE
        page_rows = rows[first : first + TEXT_ROWS_PER_PAGE]
        image = Image.new("RGB", (width, max(pitch * len(page_rows) + 2 * label_h, 200)), "white")
        d = ImageDraw.Draw(image)
        for i, row in enumerate(page_rows):
            y = label_h + i * pitch + label_h
            if row.line is not None:
                d.text((4, y + 3), str(row.line), font=_font(_TEXT_PX - 4), fill=(150, 150, 150))
            for _, x, t in row.pieces:
                d.text((x, y), _fit(t, font, width - x - 4), font=font, fill=(0, 0, 0))
        boxes = []
        for key, (line, start, end) in cell_spans.items():
            i = row_of.get(line, -1) - first
            if 0 <= i < len(page_rows):
                y = label_h + i * pitch + label_h
                x0, x1 = _x_at(page_rows[i], start, font), _x_at(page_rows[i], end, font)
                boxes.append(Box(key, status[key], (x0 - 2, y - 1, max(x1, x0 + 6) + 2, y + _TEXT_PX * 1.35)))
        yield _annotate(report, p + 1, pages, image, boxes, sum(1 for k in report.cells if k not in cell_spans))


def _cell_spans(report: Report, spans: dict[str, Span]) -> dict[str, Span]:
    """Key → span: directly for text, through the cell's grid `where` for HTML/Word/Excel."""
    out: dict[str, Span] = {}
    for key, cell in report.cells.items():
        span = spans.get(key) or (spans.get(_where_key(cell.where)) if cell.where else None)
        if span is not None:
            out[key] = span
    return out


def _layout_rows(lines: list[str], cell_lines: set[int], font: Any, margin: float) -> list[_Row]:
    """Rows of a text page: each run of tab-separated lines laid out as a table (see `_tab_rows`);
    long lines without cells wrapped at `_TEXT_WRAP` px (3 rows at most); lines with cells never
    wrapped, so that a cell's box is on its line."""
    rows: list[_Row] = []
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            j = i
            while j < len(lines) and "\t" in lines[j]:
                j += 1
            rows.extend(_tab_rows(lines, i, j, font, margin))
            i = j
            continue
        rows.extend(_plain_rows(lines[i], i + 1, i + 1 in cell_lines, font, margin))
        i += 1
    return rows


def _tab_rows(lines: list[str], start: int, end: int, font: Any, margin: float) -> list[_Row]:
    """A run of tab-separated lines as a table. Cells are aligned by their place counted from the end
    of the line, because that is where a row's numbers are whatever the number of label cells before
    them; each line's first cell (its label) starts at the margin and takes all the room left of its
    column. Columns are at least `_TEXT_MIN_COL` em wide, so that keys fit above their numbers."""
    cells = [lines[k].split("\t") for k in range(start, end)]
    em = _width(font, "中")
    count = max(len(row) for row in cells)
    widths = [_TEXT_MIN_COL * em] * count  # by place from the end: widths[0] is the last column
    for row in cells:
        for i, text in enumerate(row[1:], 1):
            k = len(row) - 1 - i
            widths[k] = max(widths[k], min(_width(font, text), 30 * em))

    def right(k: int) -> float:  # where column k ends, from the margin
        return sum(widths[k:]) + em * (count - 1 - k)

    widths[-1] += max([0.0, *(min(_width(font, row[0]), 30 * em) - right(len(row) - 1) for row in cells)])
    out = []
    for n, row in enumerate(cells):
        pos = len(row[0]) + 1
        pieces = [(0, margin, _fit(row[0], font, right(len(row) - 1)))]
        for i, text in enumerate(row[1:], 1):
            k = len(row) - 1 - i
            pieces.append((pos, margin + right(k) - widths[k], _fit(text, font, widths[k])))
            pos += len(text) + 1
        out.append(_Row(start + n + 1, pieces))
    return out


def _plain_rows(line: str, no: int, has_cells: bool, font: Any, margin: float) -> list[_Row]:
    limit = _TEXT_WRAP - margin
    if has_cells or _width(font, line) <= limit:
        return [_Row(no, [(0, margin, line)])]
    out: list[_Row] = []
    pos = 0
    while pos < len(line) and len(out) < 3:
        piece = _fit(line[pos:], font, limit).removesuffix("…") or line[pos : pos + 1]
        out.append(_Row(no if not out else None, [(pos, margin, piece)]))
        pos += len(piece)
    if pos < len(line):
        last = out[-1].pieces[0]
        out[-1] = _Row(out[-1].line, [(last[0], last[1], _fit(last[2] + "…", font, limit))])
    return out


def _x_at(row: _Row, col: int, font: Any) -> float:
    """The x of character `col` of the row's line: in the piece that holds it, else the nearest."""
    best = row.pieces[0]
    for piece in row.pieces:
        if piece[0] <= col:
            best = piece
    start, x, text = best
    return x + _width(font, text[: max(0, col - start)])


# -- inputs that could be opened but not read ------------------------------------------------------


def draw_unread(data: bytes, out_dir: str | os.PathLike[str], *, stem: str, message: str, scale: float = 2.0) -> list[Path]:
    """Pages of an input that opens but could not be read as a report (`xxgk.parse` raised), written
    as `out_dir/<stem>-p<N>.png` under a red line saying why: a PDF's pages rendered, a scan's pages
    with every text box the OCR read outlined in grey and its text beside it. Why: when reading fails
    the pages are what one needs to see, above all for a scan (what did the OCR find?). An input with
    no pages (text, HTML, Word, Excel) or that does not open (not an image or PDF, over the limits)
    gets none: returns []."""
    pages: Iterator[Image.Image]
    if data.lstrip()[:5].startswith(b"%PDF-"):
        pages = _unread_pdf(data, scale)
    else:
        pages = _unread_scan(data)
    out = Path(out_dir)
    paths: list[Path] = []
    try:
        for n, image in enumerate(pages, 1):
            path = out / f"{stem}-p{n}.png"
            tmp = out / f".{path.name}.tmp"
            try:
                _banner(image, f"未能读取为年度报告：{message}").save(tmp, "PNG")
                os.replace(tmp, path)
            finally:
                if tmp.exists():
                    tmp.unlink()
            paths.append(path)
    except _CannotOpen:
        pass
    return paths


class _CannotOpen(Exception):
    pass


def _unread_pdf(data: bytes, scale: float) -> Iterator[Image.Image]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except Exception as e:  # not a PDF PDFium opens (broken, encrypted): nothing to draw
        raise _CannotOpen from e
    try:
        for p in range(len(doc)):
            page = doc[p]
            try:
                yield page.render(scale=scale).to_pil().convert("RGB")
            finally:
                page.close()
    finally:
        doc.close()


def _unread_scan(data: bytes) -> Iterator[Image.Image]:
    from ..errors import InputError

    try:
        from .ocr import ocr_blocks, open_image

        image = open_image(data, "debug")
    except (InputError, ImportError) as e:  # not an image, over the limits, no OCR extra
        raise _CannotOpen from e
    from . import blocks as B

    blocks = ocr_blocks(image, 1)
    page = image.convert("RGB")
    d = ImageDraw.Draw(page)
    font = _font(max(10, round(page.width / 110)))
    wheres = [(b.text, b.where) for b in blocks if isinstance(b, B.Para)]
    wheres += [(c.text, c.where) for b in blocks if isinstance(b, B.Table) for row in b.rows for c in row]
    for text, where in wheres:
        x0, top, x1, bottom = where["bbox"]
        d.rectangle((x0, top, x1, bottom), outline=(128, 128, 128), width=2)
        d.text((x0, max(0, top - font.size - 2) if hasattr(font, "size") else top), _fit(text, font, max(40.0, x1 - x0 + 200)), fill=(90, 90, 90), font=font)
    yield page


def _banner(image: Image.Image, text: str) -> Image.Image:
    """`image` under a white strip with `text` in red (cut to the width)."""
    unit = max(12, round(image.width / 80))
    font = _font(unit)
    canvas = Image.new("RGB", (image.width, image.height + 2 * unit), "white")
    canvas.paste(image, (0, 2 * unit))
    ImageDraw.Draw(canvas).text((unit // 2, unit // 2), _fit(text, font, image.width - unit), fill=COLOURS["error"], font=font)
    return canvas
