"""PDF renderer of generated reports: the HTML renderer's page printed by headless Chromium.

    from tests.corpus.pdf import render_pdf, chromium, STYLES
    data = render_pdf(report, rng, style="official")
    data = render_pdf(report, rng, style="flat", borders=False, running=True)

A born-digital PDF with a real text layer, table rules drawn by the browser, CJK from the system's
Noto CJK fonts (Chromium writes them as Type 3 fonts: every glyph a small drawing, which is what makes
PDFium's page loading the dominant cost of reading these files). Styles are the HTML styles
(`tests.corpus.html.STYLES`); on top of the page, print CSS chosen by `rng`: A4, font size 9–11pt,
borders on every cell. Options, each one a layout of real reports (issue 4):

- ``page_break``: a forced page break before a random data row of Table 三
  (`page-break-before: always`); with ``repeat_header`` the three header rows of Table 三 are a
  `<thead>`, which Chromium prints again at the top of the continuation page. With style ``split`` the
  break goes before the second part (the second table, or what stands between the parts).
- ``borders=False``: no ruling lines at all (every border off, cell padding widened so that columns
  stay apart): the reader must find the columns from the text alone.
- ``running=True``: a running title (the report's title, or the agency) at the top of every page, with
  a rule under it, and a page number at the bottom ("- N -", "第 N 页 共 M 页" or "N / M"), printed in
  the page margins by CSS `@page` margin boxes.
- ``vertical=True``: the tall header cells of ``official`` tables (rowspan, at most 12 characters:
  三、本年度办理结果, 自然人, 总计, the （三）–（六） groups, 行政复议) printed vertically: by `writing-mode: vertical-rl` or as one
  character per line (`<br>` between characters), chosen per document.
- ``font="truetype"``: WenQuanYi Zen Hei, a TrueType CJK font, instead of Noto CJK (CFF): Chromium
  embeds it as a CID-keyed TrueType font (CIDFontType2), as it would SimSun or Microsoft YaHei on
  Windows, instead of Type 3 fonts; its metrics wrap cells differently ("368" over "件").
- ``flipbook=True``: two logical pages side by side on one landscape sheet (A3 landscape, two CSS
  columns with a wide gutter, each column an A4-wide page); text and tables flow from the left column
  into the right one.

Chromium takes ~1 s per document; nothing is cached.

Office PDFs: `office_pdfs([docx, …])` converts Word files (e.g. `tests.corpus.docx.render_docx`) with
headless LibreOffice in one run, as an agency's "save as PDF" would: LibreOffice re-encodes the CJK
font into simple (Type 1) fonts instead of Chromium's Type 3 fonts; table rows allowed to break
across pages.

`two_up(pdf)` imposes a PDF two pages to a landscape sheet (PDFium's N-up: each page becomes a form
XObject placed by a matrix), the other way flip-book PDFs are made.

Scans: `images_to_pdf(pngs)` wraps page images (e.g. `tests.corpus.scan.render_scan_pages`) into an
image-only PDF, one page per image at 200 dpi; `scan_pages_of(pdf, [n])` replaces pages of a
born-digital PDF by 200-dpi renderings of themselves (grey, a little noise): a mixed PDF.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import subprocess
import tempfile

from xxgk.report import Report

from .html import STYLES, render_html

__all__ = ["STYLES", "chromium", "render_pdf", "html_to_pdf", "images_to_pdf", "scan_pages_of", "soffice", "office_pdfs", "two_up"]

def chromium() -> str | None:
    """The headless browser's path, or None when it is not installed."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def html_to_pdf(page: str, *, timeout: float = 60) -> bytes:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (make sysdeps)")
    with tempfile.TemporaryDirectory(prefix="xxgk-pdf-") as tmp:
        src, out = os.path.join(tmp, "in.html"), os.path.join(tmp, "out.pdf")
        with open(src, "w", encoding="utf-8") as f:
            f.write(page)
        cmd = [
            exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            f"--user-data-dir={os.path.join(tmp, 'profile')}", f"--print-to-pdf={out}",
            "--no-pdf-header-footer", f"file://{src}",
        ]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
        if not os.path.exists(out):
            raise RuntimeError(f"chromium produced no PDF (exit {proc.returncode}): {proc.stderr[-500:]!r}")
        with open(out, "rb") as f:
            return f.read()


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _running_css(report: Report, rng: random.Random) -> str:
    """@page margin boxes: a running title with a rule under it, and a page number."""
    title = rng.choice((f"{report.agency}{report.year}年政府信息公开工作年度报告", f"{report.agency}", f"{report.year}年政府信息公开工作年度报告"))
    number = rng.choice(('"- " counter(page) " -"', '"第 " counter(page) " 页 共 " counter(pages) " 页"', 'counter(page) " / " counter(pages)', "counter(page)"))
    where = rng.choice(("top-center", "top-right", "top-left"))
    foot = rng.choice(("bottom-center", "bottom-right"))
    return (
        f"@{where} {{ content: {_css_string(title)}; font-size: 8pt; border-bottom: 0.5pt solid #000; vertical-align: bottom; }}\n"
        f"@{foot} {{ content: {number}; font-size: 9pt; }}\n"
    )


#: font-family per `font=` of render_pdf: Noto CJK has CFF outlines (Chromium embeds it as Type 3
#: fonts), WenQuanYi Zen Hei TrueType ones (embedded as CIDFontType2, as Windows' SimSun would be).
FONTS = {"cff": "'Noto Serif CJK SC', 'Noto Sans CJK SC', serif", "truetype": "'WenQuanYi Zen Hei'"}


def _print_css(report: Report, rng: random.Random, *, borders: bool, running: bool, flipbook: bool, font: str = "cff") -> str:
    size = rng.choice((9, 10, 10.5, 11))
    page = "size: A3 landscape; margin: 2cm 2cm;" if flipbook else "size: A4; margin: 2cm 1.8cm;"
    margin_boxes = _running_css(report, rng) if running else ""
    cell = "border: 0.75pt solid #000; padding: 2pt 3pt;" if borders else "border: none !important; padding: 2pt 7pt;"
    columns = "body { column-count: 2; column-gap: 4cm; column-fill: auto; }\n" if flipbook else ""
    return (
        f"<style>@page {{ {page}\n{margin_boxes}}}\n"
        f"body {{ font-family: {FONTS[font]}; font-size: {size}pt; }}\n"
        "table { border-collapse: collapse; width: 100%; }\n"
        + ("" if borders else "table { border: none !important; }\n")
        + f"td, th {{ {cell} }}\n"
        "thead { display: table-header-group; }\n"
        "tr { page-break-inside: avoid; break-inside: avoid; }\n"
        ".v { writing-mode: vertical-rl; }\n"
        f"{columns}"
        "</style>\n"
    )


def _t3_span(page: str) -> tuple[int, int, int]:
    """(start of Table 三's <table>, its first data row (本年新收), its </table>) in `page`."""
    data = page.find("本年新收")
    if data < 0:
        return -1, -1, -1
    start = page.rfind("<table", 0, data)
    row = page.rfind("<tr>", 0, data)
    return start, row, page.find("</table>", data)


def _break_in_t3(page: str, rng: random.Random) -> str:
    """Force a page break before a random data row of Table 三 (the first table after 本年新收)."""
    start = page.find("本年新收")
    if start < 0:
        return page
    t_end = page.find("</table>", start)
    rows = [m.start() for m in re.finditer(r"<tr>", page[start:t_end])]
    if len(rows) < 3:
        return page
    at = start + rng.choice(rows[1:])
    return page[:at] + '<tr style="page-break-before: always; break-before: page">' + page[at + 4 :]


def _break_before_second_part(page: str) -> str:
    """Style ``split``: the page breaks before the second part of Table 三 (a `<p>` between or the table)."""
    _, _, end = _t3_span(page)
    if end < 0:
        return page
    at = end + len("</table>")
    return page[:at] + '\n<div style="page-break-before: always; break-before: page"></div>' + page[at:]


def _thead(page: str) -> str:
    """Table 三's header rows (everything before the 本年新收 row) as a <thead>, repeated by Chromium."""
    start, row, _ = _t3_span(page)
    if start < 0:
        return page
    open_end = page.find(">", start) + 1
    head = page[open_end:row]
    tbody = "<tbody>" if "<tbody>" in head else ""
    return page[:open_end] + "<thead>" + head.replace("<tbody>", "") + "</thead>" + tbody + page[row:]


def _vertical(page: str, rng: random.Random) -> str:
    """The tall header cells (rowspan, short text) printed vertically; see the module docstring."""
    mode = rng.choice(("css", "br"))

    def sub(m: re.Match[str]) -> str:
        text = m.group(2)
        body = f'<span class="v">{text}</span>' if mode == "css" else "<br>".join(text)
        return f"{m.group(1)}{body}</td>"

    return re.sub(r'(<td rowspan="\d+"(?: colspan="\d+")?>)([^<&]{2,12})</td>', sub, page)


def render_pdf(
    report: Report,
    rng: random.Random,
    *,
    style: str,
    variants: bool = True,
    page_break: bool | None = None,
    repeat_header: bool = False,
    borders: bool = True,
    running: bool = False,
    vertical: bool = False,
    flipbook: bool = False,
    font: str = "cff",
) -> bytes:
    """`report` printed to PDF from its `style` HTML page; see the module docstring."""
    page = render_html(report, rng, style=style, variants=variants)
    if page_break is None:
        page_break = rng.random() < 0.5
    if vertical:
        page = _vertical(page, rng)
    if repeat_header:
        page = _thead(page)
    if page_break:
        page = _break_before_second_part(page) if style == "split" else _break_in_t3(page, rng)
    css = _print_css(report, rng, borders=borders, running=running, flipbook=flipbook, font=font)
    page = page.replace("</head>", css + "</head>", 1)
    return html_to_pdf(page)


def images_to_pdf(images: list[bytes], *, dpi: float = 200.0, colour: bool = False) -> bytes:
    """Page images (PNG/JPEG bytes) as an image-only PDF: no text layer, one page per image; grey, or
    in colour when `colour`."""
    from PIL import Image

    pages = [Image.open(io.BytesIO(b)).convert("RGB" if colour else "L") for b in images]
    buf = io.BytesIO()
    pages[0].save(buf, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return buf.getvalue()


def scan_pages_of(pdf: bytes, pages: list[int], *, dpi: float = 200.0, seed: int = 0) -> bytes:
    """`pdf` with the 1-based `pages` replaced by grey 200-dpi renderings of themselves (Gaussian noise
    σ 6): pages without a text layer inside a born-digital PDF."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image

    src = pdfium.PdfDocument(pdf)
    out = pdfium.PdfDocument.new()
    try:
        for n in range(1, len(src) + 1):
            if n not in pages:
                out.import_pages(src, [n - 1])
                continue
            image = src[n - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            noisy = np.asarray(image, dtype=np.float32) + np.random.default_rng(seed + n).normal(0.0, 6.0, (image.height, image.width))
            png = io.BytesIO()
            Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), "L").save(png, "PNG")
            out.import_pages(pdfium.PdfDocument(images_to_pdf([png.getvalue()], dpi=dpi)))
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


def soffice() -> str | None:
    """LibreOffice's path, or None when it is not installed."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def office_pdfs(docs: list[bytes], *, timeout: float = 600) -> list[bytes]:
    """Word documents converted to PDF by headless LibreOffice (one process for all of them)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-office-") as tmp:
        names = []
        for i, data in enumerate(docs):
            names.append(os.path.join(tmp, f"r{i:04d}.docx"))
            with open(names[-1], "wb") as f:
                f.write(data)
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", "pdf", "--outdir", tmp, *names]
        proc = subprocess.run(cmd, capture_output=True, timeout=timeout)
        out = []
        for name in names:
            pdf = name[:-5] + ".pdf"
            if not os.path.exists(pdf):
                raise RuntimeError(f"LibreOffice produced no PDF for {os.path.basename(name)} (exit {proc.returncode}): {proc.stderr[-300:]!r}")
            with open(pdf, "rb") as f:
                out.append(f.read())
        return out


def two_up(pdf: bytes) -> bytes:
    """`pdf` imposed two pages side by side on landscape sheets of twice the page width."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    src = pdfium.PdfDocument(pdf)
    try:
        width, height = src[0].get_size()
        out = pdfium.PdfDocument(c.FPDF_ImportNPagesToOne(src.raw, 2 * width, height, 2, 1))
        try:
            buf = io.BytesIO()
            out.save(buf)
            return buf.getvalue()
        finally:
            out.close()
    finally:
        src.close()
