"""The scan reader: a scanned page image (PNG, JPEG, TIFF) → Report, by OCR (RapidOCR's PP-OCRv4 models, ONNX runtime).

    from xxgk.read.ocr import parse_image, parse_images, ocr_blocks
    report = parse_image(data, name="scan.png")
    blocks = ocr_blocks(pil_image, page=3)     # for the PDF reader, on pages without a text layer

Modules, one job each: `load` (image limits, decoding, grayscale with red ink left out), `engine` (the
two ONNX models), `detect` (steps 1–3), `boxes` (step 4), `recognise` (steps 5–6), `postcorrect` (the
numeric post-correction), `page` (one page, all steps, → blocks), `findings` (the reader's findings),
`cells` (wrapped lines of a ruled cell joined), `params` (every tuning constant). This package
assembles pages into a report.

Loading: the image's header is read first and anything over `MAX_SIDE` px a side or `MAX_PIXELS` pixels is
refused (`InputTooLarge`) before a pixel is decoded; undecodable data is an `InputError`.

Why not RapidOCR's own pipeline: with its defaults it spends ~8.5 s on a 200 dpi A4 page on one core
(bench/bench_ocr.py), most of it recognising each of ~150 boxes padded to ≥ 320 px; read alone, a "0"
often comes out as "o" or "。", with a score its default `text_score` drops. This reader uses the same
two models, single-threaded (`THREADS`), and reads a page of tables in ~1.5 s, a page dense with prose
in ~3 s (bench/bench_ocr.py):

0. Colour: a colour page's red ink (the agency's seal, often pressed across the tables) is turned to
   paper before anything else (`gray`), with a `read.red_ink_ignored` warning; black print under it
   stays. Costs ~60 ms a 200 dpi colour page; a grey page is read as it is.
1. Detection, once: the text detector (DB) runs on the page scaled to a short side of `DET_SHORT_SIDE`
   px (~0.4× at 200 dpi), cropped to the ink. Its boxes only say which ink belongs to which text line;
   at that scale their outlines are too coarse to cut from, and a thin lone "1" may have none.
2. Skew: the angle (within ±`MAX_SKEW`°) that makes the horizontal ink profile sharpest. The page is
   turned upright at full resolution (text taller than `TEXT_PX`, from scans over ~250 dpi, is scaled
   down to it on the way), so that rows and rules are axis-aligned.
3. Text sizes and rules: each detector line's text height is measured on the ink (its tallest
   character, `boxes.line_scales`); lines over `BIG_TEXT` × the page's usual height (3号 body text
   and a 2号 title over 10.5 pt tables, in a whole report as printed) are handled at their own
   height from here on. Ink runs longer than any stroke of a character, horizontal or vertical, are
   found by morphological opening and erased, so that no table line reaches a crop as a "1" or "|";
   a run inside a line of larger text no longer than its characters is a stroke, kept.
4. Boxes from ink: each connected component of the remaining ink goes to the detector box on its
   line; components no box covers are kept too, grouped by proximity (that lone "1"; the strokes of a
   三 the detector left out). A detector box more than 1.7 text heights tall holds two rows and is cut
   between them. Pieces of one line the detector split are joined, and a line is cut into boxes where
   a rule was erased or the gap between inks exceeds `SPLIT_GAP` text heights (of that line), so one
   table cell is one box. Dots and stroke fragments join the box they touch, or go.
5. Recognition: every box is cut from the clean upright page at one scale for its text size (height
   from the page's or its line's text height, not the box's, so a "0" or a "一" is not blown up), resized to the
   recogniser's 48 px, and laid side by side in reading order into strips of about `STRIP_WIDTH` px with
   `STRIP_GAP` px of white between boxes. Lines of prose (`PROSE_MIN_EM` text heights wide or more) are read at
   `PROSE_REC_H` px, table cells at 48. One recogniser call per strip, instead of one per box, is
   most of the saving; and a "0" read among its neighbours is read as a digit. Each character goes
   to the box under the time step where its probability peaks.
6. Confidence of a box: its least certain character, a character's certainty being the probability
   of what it was read as among the non-blank outcomes at its peak. A full-width digit counts as the
   same digit; in a box of digits every round glyph (0 ０ 〇 O o, and ○ 。 when the ink is digit-sized)
   counts as 0. The confidence is lowered to one minus the probability of an extra character wherever
   one nearly appears between characters; to 0.5 when a box of digits has ink no character was read
   from (a digit lost: pieces of one broken glyph count as one), when a digit is held over 3+ time
   steps (two equal digits run together), or when a character straddles two boxes.

7. Assembly: the lines of one ruled cell (a row label wrapped inside its cell, the figures centred on
   its middle line) are joined into one box (`cells.join_cell_lines`), unless the cell spans several
   rows of figures (a group label, a table ruled only around its border); a title wrapped on two
   lines of large text is one line.

Blocks: boxes are grouped into visual rows by their upright y-centre (within half the text height of
the row's mean), each row sorted by x. A row of one box is a `Para`; a row of two or more is a table
row, each box one `GridCell` (consecutive such rows form one `Table`). Empty cells leave no box, which
is the text reader's convention for flattened tables.

`where` of every block / cell: `{"page": p, "bbox": [x0, top, x1, bottom], "confidence": c}` in the
original image's pixels (the box's crop turned back onto the page, axis-aligned), plus
`"corrected_from": raw` when the numeric post-correction changed the text. That correction applies
only to a box that is almost a number: one stray symbol (¥ ' " ‘ ’ “ ” . , : ; | `) stripped at either
end, and O/o→0, l/I/|→1, kept only when the result is a number.

Every cell read with confidence below `CONFIDENCE_WARN` or corrected gets a `read.ocr_uncertain`
warning naming it, so no doubtful digit passes silently. A scan is the whole document (every page was
read): it is never refused as truncated; a table row of which nothing was read is a
`read.ocr_row_lost` error naming its cells.
"""

from __future__ import annotations

from ...report.model import Report
from .. import blocks as B
from .boxes import Box
from .findings import add_lost_row_findings, add_red_ink_findings, add_title_findings, add_uncertain_findings
from .load import gray, open_image
from .page import blocks_of_rows, group_rows, ocr_blocks
from .params import CONFIDENCE_WARN, MAX_IMAGE_BYTES, MAX_PIXELS, MAX_SIDE, MAX_SKEW, PROSE_REC_H, REC_H

__all__ = [
    "parse_image", "parse_images", "ocr_blocks", "finish_report", "open_image", "gray", "Box", "group_rows", "blocks_of_rows",
    "add_uncertain_findings", "add_title_findings", "add_red_ink_findings", "add_lost_row_findings",
    "MAX_SIDE", "MAX_PIXELS", "MAX_IMAGE_BYTES", "MAX_SKEW", "CONFIDENCE_WARN", "REC_H", "PROSE_REC_H",
]


def parse_images(pages: list[bytes], *, name: str = "<image>") -> Report:
    """Parse a report scanned as several page images, in page order (page numbers 1, 2, …)."""
    blocks: list[B.Block] = []
    red: list[int] = []
    for i, data in enumerate(pages, 1):
        img = open_image(data, f"{name} page {i}" if len(pages) > 1 else name)
        blocks.extend(ocr_blocks(img, i, red))
    return finish_report(blocks, name, red)


def parse_image(data: bytes, *, name: str = "<image>", page: int = 1) -> Report:
    """Parse one scanned page image. Raises `InputTooLarge` for an image over the size limits and
    `InputError` for data that is not a readable PNG/JPEG/TIFF image."""
    img = open_image(data, name)
    red: list[int] = []
    return finish_report(ocr_blocks(img, page, red), name, red)


def finish_report(blocks: list[B.Block], name: str, red: list[int] | None = None) -> Report:
    """The report of the blocks of a scan's pages, with the scan reader's findings (for a caller that
    read the pages itself, as bench/bench_ocr.py does)."""
    report = B.parse_blocks(blocks, name=name, kind="image", whole=True)
    report.source = {**report.source, "name": name}
    add_lost_row_findings(report)
    add_uncertain_findings(report)
    add_title_findings(report, blocks)
    add_red_ink_findings(report, red or [])
    return report
