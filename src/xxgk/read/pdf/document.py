"""A whole PDF: its pages read in order (text pages laid out, pages without a text layer read by OCR),
assembled into blocks, parsed into a Report.

Pages without a text layer (no characters, or fewer than `limits.SCAN_MAX_CHARS` over a page-sized
image) are rendered at `limits.OCR_DPI` and read by OCR (`xxgk.read.ocr.ocr_blocks`, needs the `ocr`
extra); each such page gets a `read.page_ocr` warning and every uncertain OCR cell a
`read.ocr_uncertain` one."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...errors import InputError, InputTooLarge
from ...report.model import Finding, Report
from .. import blocks as B
from . import limits
from .assemble import assemble
from .chrome import halves
from .objects import Page
from .pdfium import document, is_scan, load_page, page_count, read_page

__all__ = ["ocr_available", "ocr_page", "parse_pdf", "pdf_blocks"]


def ocr_available() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def ocr_page(page: Any, number: int, red: list[int] | None = None) -> list[B.Block]:
    """Render the page for OCR (`limits.OCR_DPI`, less for a page too large for the OCR's image
    limits) and read it; boxes come back in the image's pixels and are mapped to page points."""
    from .. import ocr

    width, height = page.get_size()
    scale = limits.OCR_DPI / 72
    scale = min(scale, ocr.MAX_SIDE / max(width, height, 1.0), math.sqrt(ocr.MAX_PIXELS / max(width * height, 1.0)))
    image = page.render(scale=scale).to_pil()  # in colour: a red seal is left out (ocr.gray)
    blocks = ocr.ocr_blocks(image, number, red)
    for where in _wheres(blocks):
        where["bbox"] = [round(v / scale, 2) for v in where["bbox"]]
    return blocks


def _wheres(blocks: list[B.Block]) -> Iterator[dict[str, Any]]:
    for b in blocks:
        if isinstance(b, B.Para):
            yield b.where
        else:
            for row in b.rows:
                for cell in row:
                    yield cell.where


@dataclass
class _Read:
    blocks: list[B.Block]
    ocr_pages: list[int]
    pages: int
    red_pages: list[int]


def _read(data: bytes) -> _Read:
    """Blocks of every page in order: text pages laid out, scanned pages read by OCR."""
    pages: list[Page] = []
    scanned: dict[int, list[B.Block]] = {}
    red: list[int] = []
    with document(bytes(data)) as doc:
        n = page_count(doc)
        if n > limits.MAX_PAGES:
            raise InputTooLarge(f"PDF has {n} pages, over the {limits.MAX_PAGES} page limit; a report has a few dozen")
        if n == 0:
            raise InputError("not a valid PDF: no pages")
        for p in range(1, n + 1):
            content = _load(doc, p, scanned, red)
            if content is not None:
                pages.extend(halves(content))
    blocks = assemble(pages, scanned)
    if not blocks:
        if scanned:
            raise InputError(f"PDF has no text layer and OCR found no text on its {n} page(s)")
        raise InputError("PDF has no text layer and nothing on its pages to read (blank pages)")
    return _Read(blocks, sorted(scanned), n, red)


def _load(doc: Any, number: int, scanned: dict[int, list[B.Block]], red: list[int]) -> Page | None:
    """Page `number`'s content, or None when it is a scan (then read by OCR into `scanned`)."""
    with load_page(doc, number) as page:
        content = read_page(page, number)
        if not is_scan(content):
            return content
        scanned[number] = _scan(page, number, red)
        return None


def _scan(page: Any, number: int, red: list[int]) -> list[B.Block]:
    if not ocr_available():
        raise InputError(f"PDF page {number} has no text layer (a scan); reading it needs the OCR extra: pip install 'xxgk[ocr]'")
    return ocr_page(page, number, red)


def pdf_blocks(data: bytes) -> list[B.Block]:
    """The blocks of a PDF, in page and reading order (see the package docstring)."""
    return _read(data).blocks


def parse_pdf(data: bytes, *, name: str = "<pdf>") -> Report:
    """Parse a PDF report (born-digital, scanned or both). Raises an `xxgk.InputError` subclass when it
    cannot be read."""
    read = _read(data)
    # A PDF of scanned pages only is read as a scan: every page was read, so a row OCR lost is a
    # read.ocr_row_lost error, never a refusal of the document as truncated.
    scanned = bool(read.ocr_pages) and len(read.ocr_pages) == read.pages
    report = B.parse_blocks(read.blocks, name=name, kind="pdf", whole=scanned)
    report.source = {**report.source, "name": name}
    if read.ocr_pages:
        from ..ocr import add_lost_row_findings, add_red_ink_findings, add_title_findings, add_uncertain_findings

        _page_ocr_findings(report, read)
        add_uncertain_findings(report)
        add_title_findings(report, read.blocks)
        add_red_ink_findings(report, read.red_pages)
        if scanned:
            add_lost_row_findings(report)
    return report


def _page_ocr_findings(report: Report, read: _Read) -> None:
    """One read.page_ocr warning per page read by OCR, naming the cells that came from it."""
    for p in read.ocr_pages:
        keys = [k for k, cell in report.cells.items() if cell.where.get("page") == p and "confidence" in cell.where]
        msg = f"第 {p} 页（共 {read.pages} 页）没有文字层，是扫描页：已用 OCR 识别，其中 {len(keys)} 个表格单元格，请核对"
        report.findings.append(Finding("read.page_ocr", "warning", keys, msg, expected=None, actual=p))
