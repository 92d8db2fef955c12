"""Where a cell was read: the page image with the cell's box (PDF, scans) or the text lines around
it (text, HTML, Word, Excel), from the reader's debug drawing (`xxgk.read.debug`).

Images are rendered on demand, one page at a time (`debug.render(page=n)` rasterises only that
page), bounded in size (`MAX_PAGE_PX`), and cached: a version never changes, so its images never
go stale (the key is the version, the page, the crop and the cells emphasised). The cache is in
the web process and bounded in bytes (`PAGE_CACHE_BYTES`), not Django's cache: the default
local-memory cache bounds entries, not bytes, and 300 page images of up to 1 MB each would be
300 MB a process; browsers keep each image for a day (`Cache-Control`). The cells a person
asked about are outlined thickly in blue over the reader's own status colours.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import urlencode

from xxgk.web.core.scope import scoped

from .layout import valid_keys
from .load import blob_bytes, contract, version_of

#: Longest side of a page image sent to the browser: an A4 page at 144 dpi is 1,191 × 1,684 px;
#: a scan's 3,508 px side is brought down to this.
MAX_PAGE_PX = 1800
#: Most pixels a page is rasterised at before that (a poster-sized PDF page is drawn smaller).
MAX_RASTER_PIXELS = 1400 * 2000
#: Pages beyond this are not drawn (no real report comes near; a hostile PDF may claim thousands).
MAX_PAGE = 500
#: How long a browser keeps a drawn page, and a text view stays cached (seconds).
CACHE_SECONDS = 24 * 3600
#: Bytes of page images kept in each web process (an A4 page is 150–400 KB as PNG).
PAGE_CACHE_BYTES = 64 * 1024 * 1024
#: Lines shown above and below a cell in the text view.
CONTEXT_LINES = 3
#: A cropped page image shows this share of the page's height above and below the cells.
CROP_MARGIN = 0.08
#: The emphasis of the cells asked about (RGB), distinct from the reader's status colours.
EMPHASIS = (37, 99, 235)

PAGED = ("pdf", "image")
TEXTUAL = ("text", "html", "docx", "xlsx")


class _Pages:
    """A least-recently-used map of page images, bounded in bytes, safe across threads."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            data = self.items.get(key)
            if data is not None:
                self.items.move_to_end(key)
            return data

    def put(self, key: str, data: bytes) -> None:
        if len(data) > self.limit // 8:
            return
        with self.lock:
            if key in self.items:
                return
            self.items[key] = data
            self.size += len(data)
            while self.size > self.limit:
                _, old = self.items.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


PAGES = _Pages(PAGE_CACHE_BYTES)


def _identity(version: Any) -> str:
    """What a version's drawings depend on, as a cache key: its id and its creation time (an id a
    database hands out again after a deletion never meets the old drawings)."""
    return f"{version.pk}:{version.created_at.timestamp() if version.created_at else 0}"


def _pdf_scale(data: bytes, page: int) -> float:
    """The rendering scale of a PDF page: 2 (144 dpi), less for a page that would exceed
    MAX_RASTER_PIXELS."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(doc):
            raise Http404("no such page")
        w, h = doc[page - 1].get_size()
    finally:
        doc.close()
    area = max(1.0, float(w) * float(h))
    return max(0.1, min(2.0, (MAX_RASTER_PIXELS / area) ** 0.5))


def page_png(version: Any, page: int, keys: list[str], crop: bool = False) -> bytes:
    """PNG of page `page` of the version's source with its cells drawn, `keys` emphasised; with
    `crop`, only the band of the page around the emphasised cells (what the side panel shows
    first: the cells without scrolling through the page)."""
    from PIL import ImageDraw

    from xxgk.read import debug

    report = contract(version)
    data = blob_bytes(version)
    scale = _pdf_scale(data, page) if version.medium == "pdf" else 2.0
    try:
        drawn = next(debug.render(report, data, scale=scale, findings=report.check(), page=page), None)
    except ValueError:  # not the bytes the report was read from, or no pages for this kind
        raise Http404("no source image") from None
    if drawn is None:
        raise Http404("no such page")
    image = drawn.image
    d = ImageDraw.Draw(image)
    width = max(3, round(image.width / 300))
    shown = [b.rect for b in drawn.boxes if b.key in keys]
    for x0, top, x1, bottom in shown:
        d.rectangle((x0 - 2 * width, top - 2 * width, x1 + 2 * width, bottom + 2 * width), outline=EMPHASIS, width=width)
    if crop and shown:
        margin = image.height * CROP_MARGIN
        top = max(0, int(min(r[1] for r in shown) - margin))
        bottom = min(image.height, int(max(r[3] for r in shown) + margin))
        image = image.crop((0, top, image.width, bottom))
    image.thumbnail((MAX_PAGE_PX, MAX_PAGE_PX * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@scoped
def page_image(request: HttpRequest, pk: int, page: int) -> HttpResponse:
    """`/versions/<pk>/source/page/<n>.png?key=…`: page n of a PDF or scan with the reader's boxes."""
    version = version_of(request, pk)
    if version.medium not in PAGED or version.blob_id is None or not 1 <= page <= MAX_PAGE:
        raise Http404("no page images for this version")
    keys = sorted(valid_keys(request.GET.getlist("key")))
    crop = request.GET.get("crop") == "1"
    digest = hashlib.sha1(" ".join(keys).encode()).hexdigest()[:16]
    cache_key = f"{_identity(version)}:{page}:{int(crop)}:{digest}"
    png = PAGES.get(cache_key)
    if png is None:
        png = page_png(version, page, keys, crop)
        PAGES.put(cache_key, png)
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = f"private, max-age={CACHE_SECONDS}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- the view of a finding's or a cell's source, for the side panel --------------------------------


def _text_view(version: Any) -> tuple[list[str], dict[str, tuple[int, int, int]]]:
    """The lines the text reader saw and each cell's span, cached per version (immutable)."""
    from xxgk.read import debug

    cache_key = f"xxgk:report:text:{_identity(version)}"
    hit = cache.get(cache_key)
    if hit is not None:
        return hit
    try:
        lines, spans = debug.text_view(contract(version), blob_bytes(version))
    except ValueError:
        lines, spans = [], {}
    value = (lines, {k: tuple(v) for k, v in spans.items()})
    cache.set(cache_key, value, CACHE_SECONDS)
    return value  # type: ignore[return-value]


def _windows(lines: list[str], spans: dict[str, tuple[int, int, int]], keys: list[str]) -> list[list[dict[str, Any]]]:
    """Runs of numbered lines around the cells' lines (CONTEXT_LINES either side, overlapping runs
    merged), each line as pieces with the cells' characters marked."""
    marks: dict[int, list[tuple[int, int, str]]] = {}
    for key in keys:
        if key in spans:
            line, start, end = spans[key]
            marks.setdefault(line, []).append((start, end, key))
    if not marks:
        return []
    wanted = sorted({n for line in marks for n in range(max(1, line - CONTEXT_LINES), min(len(lines), line + CONTEXT_LINES) + 1)})
    runs: list[list[dict[str, Any]]] = []
    prev = None
    for n in wanted:
        if prev is None or n != prev + 1:
            runs.append([])
        runs[-1].append({"number": n, "pieces": _pieces(lines[n - 1], marks.get(n, [])), "marked": n in marks})
        prev = n
    return runs


def _pieces(text: str, marks: list[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """`text` split into plain and marked pieces (marks sorted, overlaps folded into the first)."""
    out: list[dict[str, Any]] = []
    pos = 0
    for start, end, key in sorted(marks):
        start, end = max(start, pos), min(max(end, start), len(text))
        if start >= end:
            continue
        if start > pos:
            out.append({"text": text[pos:start], "key": ""})
        out.append({"text": text[start:end], "key": key})
        pos = end
    if pos < len(text) or not out:
        out.append({"text": text[pos:], "key": ""})
    return out


def view(version: Any, report: Any, keys: list[str]) -> dict[str, Any]:
    """What the side panel shows of the source for `keys`: page images (with their URLs), text
    line windows, or why there is nothing to show."""
    keys = valid_keys(keys)
    out: dict[str, Any] = {"kind": version.medium, "images": [], "runs": [], "unlocated": []}
    if version.blob_id is None:
        out["kind"] = "none"
        return out
    if version.medium in PAGED:
        pages: dict[int, list[str]] = {}
        for key in keys:
            cell = report.cells.get(key)
            where = cell.where if cell else {}
            page = where.get("page", 1) if where.get("bbox") else None
            if isinstance(page, int) and 1 <= page <= MAX_PAGE:
                pages.setdefault(page, []).append(key)
            else:
                out["unlocated"].append(key)
        if not pages:
            pages = {1: []}
        for page, ks in sorted(pages.items()):
            query = urlencode([("key", k) for k in sorted(ks)])
            url = reverse("report-page-image", args=[version.pk, page]) + (f"?{query}" if query else "")
            out["images"].append({"page": page, "url": url, "keys": ks,
                                  "crop": f"{url}&crop=1" if query else url})
    elif version.medium in TEXTUAL:
        lines, spans = _text_view(version)
        out["runs"] = _windows(lines, spans, keys)
        out["unlocated"] = [k for k in keys if k not in spans]
    else:
        out["kind"] = "none"
    return out
