"""Every tuning constant of the scan reader, in one place, with what it was fitted on.

Image limits first (checked before a pixel is decoded), then detection, boxes, recognition, red ink.
The figures quoted are from the generated scan corpus (tests/corpus/scan.py) and bench/bench_ocr.py."""

from __future__ import annotations

#: Largest image side accepted (pixels): an A0 sheet at 300 dpi is ~14,000; A4 at 600 dpi ~7,000.
MAX_SIDE = 12_000
#: Largest image area accepted (pixels).
MAX_PIXELS = 100_000_000
#: Cells read with a lower OCR confidence get a read.ocr_uncertain warning.
CONFIDENCE_WARN = 0.90
#: Largest encoded image accepted (bytes).
MAX_IMAGE_BYTES = 200 * 1024 * 1024
#: ONNX runtime threads per model. One: scans are read one page after another, and a batch of files
#: is better spread over cores by file than by matrix.
THREADS = 1
#: The detector sees the page scaled to this short side (A4 at 200 dpi: 1,654 px → 0.48×).
DET_SHORT_SIDE = 800
#: Text taller than this (px; ~26 at 200 dpi for 10.5 pt) is read from the page scaled down to it.
TEXT_PX = 32
#: Skew searched, degrees either way.
MAX_SKEW = 5.0
#: A detector line whose text is taller than this × the page's usual text height (its median) is read
#: at its own height: whole scanned reports set the body in 3号 (16 pt) and the title in 2号 (22 pt) over
#: tables in 10.5–12 pt, 1.5–2.1× taller; at the tables' height a 16 pt character's vertical stroke
#: passed for a rule and 情 was cut into 忄 | 青.
BIG_TEXT = 1.25
#: Lines this much taller than the page's median line are title lines; two such lines one under the
#: other are one title wrapped (2号 title over 3号 body: 22/16 = 1.375).
TITLE_SCALE = 1.2
#: A text line is cut into boxes at horizontal gaps wider than this × the text height (or at a rule).
#: Full-width punctuation leaves gaps of up to ~1.3× between inks (》（); table columns leave more.
SPLIT_GAP = 1.8
#: Target width (px at the recogniser's 48 px height) of one strip of boxes read in one call.
STRIP_WIDTH = 800
#: White gap between two boxes in a strip, px at 48 px height.
STRIP_GAP = 4
#: The recogniser's own input height (px): table cells and short lines are read at it.
REC_H = 48
#: Lines of prose are read at 32 px: the recogniser takes any height (its output has one time step
#: per 8 px of width either way) and costs ~0.44× as much there (two thirds the height, two thirds the
#: width). On dense prose pages (48 lines of 46 characters, 200 dpi) 3.1 against 6.7 s a page, with
#: characters as right (similarity 0.990 against 0.988). Not for figures: at 32 px a lone "11" in a
#: cell collapsed into "1" (two equal digits in too few time steps), and the pitch of CJK characters
#: is under 3 time steps, too coarse to see one lost (a title line is read again at 48 px).
PROSE_REC_H = 32
#: A box at least this many text heights wide is a line of prose (far wider than any figure).
PROSE_MIN_EM = 6.0
PAD_Y = 0.30  # crop margin above and below the ink, × text height
PAD_X = 0.08  # crop margin left and right of the ink, × text height
MIN_H = 0.85  # a crop is at least this × text height tall before its margins (digits, "一")
CJK_GAP = 1.7  # × the line's usual distance between two CJK characters' peaks: one was lost between
RED_MARGIN = 48  # a pixel is red ink when its red exceeds both green and blue by this much (0–255)
RED_GHOST = 175  # near red ink, lighter than this is paper (the seal's ghost), darker is print
RED_REACH = 3  # px around red ink where a faintly red pixel is ink too
RED_MIN_SHARE = 0.0005  # share of the page's pixels that must be red ink before it counts as present
