"""The fuzzer's starting points: real and generated inputs of every kind the readers take.

Mutations of well-formed documents reach deep into the readers (a byte flip inside Table 三 of a
DOCX, not one a ZIP parser refuses at once), so every reader gets inputs that it reads today:

- the sample reports `../shared/seeds/*.txt` and the real published ones `../shared/real/*/source.*`
  (portal text, extractor markdown, a WPS-made PDF);
- generated reports (`tests.corpus.generate`) in four text layouts and as a portal HTML page;
- xxgk's own renderings of one non-zero 2021 report and one 2019 report: DOCX, HTML, PDF (WeasyPrint),
  XLSX and Markdown;
- a Chromium-printed PDF (Type 3 CJK fonts, the producer of most portal PDFs) when Chromium is
  installed, and with `images=True` a small PNG scan of two table rows, the same image as an
  image-only PDF and a scanned page that reads as a report (all read by OCR, 1–3 s each, hence
  optional and rare).

Everything is built from fixed seeds; only the PDF producers add timestamps, so a crash is always
reproduced from the saved input file, not from the corpus.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"

#: Generated text layouts used as starting points (glued-free tab, one cell per line, markdown, spaces).
TEXT_LAYOUTS = ("tab000", "lines001", "md003", "space004")
#: Formats xxgk writes; every one is read back by some reader.
RENDER_FORMATS = ("docx", "html", "pdf", "xlsx", "md")


@dataclass(frozen=True)
class Start:
    """One starting point: `kind` picks the structure-aware mutations (text, html, docx, xlsx, pdf, image)."""

    name: str
    kind: str
    data: bytes


def kind_of(name: str, data: bytes) -> str:
    """The mutation family for `data`, from its content (as the readers sniff it)."""
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK"):
        return "xlsx" if b"xl/workbook.xml" in data else "docx"
    if data.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    head = data[:4096].lower()
    if b"<html" in head or b"<table" in head or b"<!doctype" in head:
        return "html"
    return "text"


def _files() -> list[Start]:
    paths = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "real").glob("*/source.*"))
    out = []
    for p in paths:
        data = p.read_bytes()
        out.append(Start(f"{p.parent.name}/{p.name}", kind_of(p.name, data), data))
    return out


def _generated() -> list[Start]:
    import xxgk
    from tests.corpus.generate import random_report
    from tests.corpus.html import render_html
    from tests.corpus.layouts import render_text

    out: list[Start] = []
    reports = {"2021": random_report(random.Random(3)), "2019": random_report(random.Random(7), fmt="2019")}
    for fmt, report in reports.items():
        for layout in TEXT_LAYOUTS:
            text = render_text(report, layout, random.Random(f"fuzz:{layout}"))
            out.append(Start(f"gen{fmt}/{layout}.txt", "text", text.encode("utf-8")))
        page = render_html(report, random.Random(fmt), style="portal")
        out.append(Start(f"gen{fmt}/portal.html", "html", page.encode("utf-8")))
        for to in RENDER_FORMATS:
            data = xxgk.render(report, to)
            out.append(Start(f"render{fmt}/report.{to}", kind_of(to, data), data))
    return out


def _chromium_pdf() -> list[Start]:
    from tests.corpus.generate import random_report
    from tests.corpus.pdf import chromium, render_pdf

    if chromium() is None:
        return []
    report = random_report(random.Random(11))
    try:
        data = render_pdf(report, random.Random(11), style="official", running=True)
    except Exception:  # a broken browser install: fuzz without this starting point
        return []
    return [Start("chromium/report.pdf", "pdf", data)]


def _images() -> list[Start]:
    from PIL import Image

    from tests.corpus.pdf import images_to_pdf
    from tests.corpus.scan import render_rows

    jpeg = render_rows([["（一）本年新收政府信息公开申请数量", "3", "4", "7"], ["（七）总计", "1", "0", "1"]], random.Random(1), dpi=150)
    image = Image.open(io.BytesIO(jpeg)).convert("L")
    image = image.crop((0, 0, image.width, min(image.height, 300)))
    buf = io.BytesIO()
    image.save(buf, "PNG", optimize=True)
    png = buf.getvalue()
    # The second page of a scanned generated report (表三's end and 表四, 200 dpi JPEG): read by OCR
    # into a Report (~3 s), so that mutations reach past the detector into row assembly.
    from tests.corpus.scan import scan_case

    page = scan_case(0)[1][1]
    return [Start("scan/rows.png", "image", png), Start("scan/rows.pdf", "pdf", images_to_pdf([png], dpi=150)),
            Start("scan/page2.jpg", "image", page)]


def starting_points(*, chromium: bool = True, images: bool = False) -> list[Start]:
    """All starting points, in a fixed order (the fuzzer's seed indexes into this list)."""
    out = _files() + _generated()
    if chromium:
        out += _chromium_pdf()
    if images:
        out += _images()
    return out
