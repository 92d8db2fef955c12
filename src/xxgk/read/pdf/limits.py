"""What the PDF reader accepts at most, and when a page is read by OCR.

Module attributes, read at call time (`limits.MAX_PAGES`), so that a test can lower one."""

from __future__ import annotations

#: A report is a few MB; a file over this is refused before PDFium sees it (InputTooLarge).
MAX_PDF_BYTES = 100 * 1024 * 1024
#: A report has a few dozen pages.
MAX_PAGES = 2000
#: Characters read per page at most (a report page holds ~2,000).
MAX_CHARS_PER_PAGE = 200_000
#: Page objects looked at per page at most (a report page has under a thousand).
MAX_OBJECTS_PER_PAGE = 200_000
#: Rules kept per page at most (a Chromium-printed 表三, every cell border its own segment: ~500).
MAX_RULES_PER_PAGE = 50_000
#: Resolution at which a page without a text layer is rendered for OCR.
OCR_DPI = 200
#: A page with fewer characters than this over a page-sized image is a scan (a stamped page number).
SCAN_MAX_CHARS = 30
