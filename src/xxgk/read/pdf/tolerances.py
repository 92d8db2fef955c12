"""The PDF reader's geometric tolerances, in PDF points or in multiples of a character's height.

Fitted on the generated corpus as printed by headless Chromium (CFF and TrueType fonts), LibreOffice
and WeasyPrint, and on the printed portal pages (tests/read/test_pdf.py); each says what it separates."""

from __future__ import annotations

#: A path object at most this thick (pt) is a rule.
RULE = 2.0
#: Rule positions closer than this (pt) are one; rules whose ends are this close touch.
TOL = 1.5
#: A grid column or row narrower than this (pt) holds no text: the spacing between boxed cells
#: (HTML cellspacing printed by Chromium: 0.75 pt, 2.24 pt when a row's boxes shrink).
SPACING = 3.5
#: Column rules reaching this far (pt) past the first or last row rule bound a row left open at a
#: page break; 2 pt past is a line cap.
OPEN = 4.0
#: A layout frame's sides are at least this long (pt, on one page).
FRAME_MIN = 150.0
#: Frames inside frames are taken apart at most this deep.
PEELS = 4
#: × character height: a gap this wide separates two pieces of a line (two cells of a row).
PIECE_GAP = 0.8
# Multiples of the font size as printed (`Char.size`: PDFium's size times the text matrix's scale),
# fitted on Chromium prints when the size was PDFium's alone, which for Chromium is the size in CSS px
# (the matrix scales by 0.75): each value is the old one × 4/3, so Chromium prints read as before.
#: A gap this wide between two characters of a piece is a word space.
WORD_SPACE = 0.25 * 4 / 3
#: A paragraph's line runs to the right edge of the text when it ends within this of it.
PARA_RIGHT = 2.5 * 4 / 3
#: A line continues the paragraph above when the gap between them is under this.
PARA_GAP = 0.8 * 4 / 3
#: pt: lines of one paragraph differ in font size by at most this.
PARA_SIZE = 0.5 * 3 / 4
#: × character height: numbered label pieces of one unruled row whose left edges are this close start
#: two rows (a row printed blank under or above a row with values). Left-aligned labels of one column
#: start within a fraction of a point (Chromium, LibreOffice); their numbers are different widths.
BLANK_ROW_EDGE = 0.3
