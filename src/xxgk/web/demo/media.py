"""A demo report as the file an office publishes: written by xxgk's own writers (`xxgk.render`), in
the media the store meets in practice (a portal's HTML page, a Word file, a PDF, a spreadsheet, plain
text, a scanned PDF, a page that prints the prose and leaves the tables out).

Every medium reads back through the store's readers to the same tables (the demo's tests hold it),
so what the demo shows in the web app is what a batch of real files would give.
"""

from __future__ import annotations

import io
import re

import xxgk
from xxgk.report import keys as K
from xxgk.report.model import Report

#: medium → file suffix.
SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf", "xlsx": ".xlsx", "md": ".md", "txt": ".txt",
          "scan": ".pdf", "no_tables": ".txt"}
#: Resolution of the scanned pages: as offices scan (150 dpi, grey).
SCAN_DPI = 150


def render(report: Report, medium: str) -> bytes:
    """The bytes of `report` published in `medium` (a key of SUFFIX). Errors injected on purpose
    are written as they are (`allow_errors`): the demo's job is to show them found."""
    if medium in ("html", "docx", "pdf", "xlsx", "md"):
        return xxgk.render(report, medium, allow_errors=True)
    if medium == "txt":
        return plain_text(xxgk.render(report, "md", allow_errors=True).decode("utf-8")).encode("utf-8")
    if medium == "scan":
        return scanned(xxgk.render(report, "pdf", allow_errors=True))
    if medium == "no_tables":
        return prose_only(report).encode("utf-8")
    raise ValueError(f"unknown demo medium {medium!r}")


def plain_text(markdown: str) -> str:
    """The Markdown writer's page as a Word user's copy-paste gives it: no `#`, table rows as
    tab-separated cells."""
    lines = []
    for line in markdown.splitlines():
        if re.fullmatch(r"\|(?:\s*-+\s*\|)+", line.strip()):
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            lines.append("\t".join(cells))
        else:
            lines.append(line.lstrip("#").strip())
    return "\n".join(lines) + "\n"


def prose_only(report: Report) -> str:
    """Title and the six sections, without 表二/三/四 (a portal page whose tables were images)."""
    out = [f"{report.agency}{report.year}年政府信息公开工作年度报告", ""]
    for key in K.SECTION_KEYS:
        out += [K.SECTION_TITLES[key], report.sections.get(key, ""), ""]
    return "\n".join(out)


def scanned(pdf: bytes, dpi: int = SCAN_DPI) -> bytes:
    """A printed-and-scanned copy of a PDF: every page an image, no text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf)
    try:
        pages = [doc[i].render(scale=dpi / 72).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


def can_scan() -> bool:
    """Whether scans can be read here (the `ocr` extra installed): without it the demo publishes that
    report as a PDF instead."""
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None
