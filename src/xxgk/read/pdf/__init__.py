"""The PDF reader: PDF bytes → Report, for born-digital PDFs (a text layer), scans and mixtures.

One job per module, in the order a page goes through them:

- `pdfium`: the only caller of PDFium. Opens the document, loads each page, reads its characters and
  its thin path objects (rules), optionally through the C loops of xxgk/read/_pdfscan.c; every PDFium
  failure becomes a one-line InputError.
- `objects`: what a page holds, public and typed: `Char`, `Rule`, `Page` (pdfplumber's coordinates).
- `lines`: characters into lines, lines into pieces (split at a gap over 0.8× the character height);
  a box's text, read in the direction its characters are turned.
- `grids`: ruled tables: rules that touch form a table; its cells, merged ones included, and their
  characters; layout frames told apart from tables.
- `chrome`: page numbers and running titles dropped; flip-book sheets split into their two pages.
- `unruled`: tables without rules, from the text lines outside ruled tables.
- `assemble`: a page's tables and paragraphs in reading order; a ruled table row broken across a
  page break joined back.
- `document`: the pages in order, scans read by OCR, the blocks parsed into a Report.
- `limits`, `tolerances`: the size limits and the geometric tolerances, each in one place.

`where` for every cell and paragraph: `{"page": p, "bbox": [x0, top, x1, bottom]}`, p 1-based, in PDF
points with `top` measured from the top of the page (pdfplumber's convention); for a ruled table cell
the bbox is the cell's ruled box. Cells read by OCR add `"confidence"` (and `"corrected_from"`), their
bbox converted from the rendered image's pixels to the same points.

Limits: over `MAX_PDF_BYTES` or `MAX_PAGES` → InputTooLarge; encrypted → InputError "encrypted PDF";
unreadable (a document, page or object PDFium cannot load) → InputError "not a valid PDF: …";
nothing readable on any page → InputError.
"""

from __future__ import annotations

from .document import parse_pdf, pdf_blocks
from .limits import MAX_PAGES, MAX_PDF_BYTES, OCR_DPI
from .objects import Char, Page, Rule

__all__ = ["parse_pdf", "pdf_blocks", "MAX_PDF_BYTES", "MAX_PAGES", "OCR_DPI", "Char", "Rule", "Page"]
