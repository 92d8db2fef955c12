"""Text geometry as office suites and scanners write it, in PDFs written here byte by byte:

- vertical-writing fonts (Identity-V) under a scaling text matrix, as an office suite writes a table's
  vertical group label ('三、本年度办理结果', one character per line): each character's box is where
  the glyph is, not PDFium's box sized by the unscaled font size, so the label stays in its cell;
- font sizes as printed (the Tf operand times the matrix's scale), so paragraphs under a 0.05 matrix
  are told apart;
- pages turned by /Rotate, and page boxes away from the origin, read as displayed;
- a cell's text turned sideways (Word's text direction), read in its own direction.

The font is a TrueType font of square glyphs built by fontTools (a dependency of WeasyPrint, so always
installed): the expected boxes follow from the content stream alone (font size 200 under a 0.05 matrix
is 10 pt; a vertical glyph is centred on the text position and advances 10 pt down)."""

from __future__ import annotations

import io

import pytest

from xxgk.read import blocks as B
from xxgk.read.pdf import pdf_blocks
from xxgk.read.pdf import pdfium as PA

_CJK = "三本年甲乙丙"
_HEIGHT = 842


def _square_font() -> bytes:
    """A TrueType font whose glyphs 1–6 are squares 0.8 em wide (100–900 units), 1 em advance."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    names = [".notdef"] + [f"g{k}" for k in range(1, len(_CJK) + 1)]
    fb = FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder(names)
    fb.setupCharacterMap({})
    glyphs = {}
    for name in names:
        pen = TTGlyphPen(None)
        if name != ".notdef":
            pen.moveTo((100, -50))
            pen.lineTo((100, 750))
            pen.lineTo((900, 750))
            pen.lineTo((900, -50))
            pen.closePath()
        glyphs[name] = pen.glyph()
    fb.setupGlyf(glyphs)
    fb.setupHorizontalMetrics({n: (1000, 100) for n in names})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "Box", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def _pdf(content: bytes) -> bytes:
    """One A4 page with `content`; fonts /FV (Identity-V) and /FH (Identity-H) over the square font,
    CIDs 1–6 read as 三本年甲乙丙 (ToUnicode), and /FN (Helvetica)."""
    font = _square_font()
    cmap = "".join(f"<{k + 1:04X}> <{ord(ch):04X}>\n" for k, ch in enumerate(_CJK)).encode()
    tounicode = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T def "
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange %d beginbfchar\n" % len(_CJK)
        + cmap
        + b"endbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /FV 5 0 R /FH 6 0 R /FN 9 0 R >> >> >>",
        _stream(content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Box /Encoding /Identity-V /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /Box /Encoding /Identity-H /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Box /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity)"
        b" /Supplement 0 >> /FontDescriptor 10 0 R /DW 1000 /CIDToGIDMap /Identity >>",
        _stream(tounicode),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /FontDescriptor /FontName /Box /Flags 4 /FontBBox [0 -120 1000 880] /ItalicAngle 0 /Ascent 880"
        b" /Descent -120 /CapHeight 700 /StemV 80 /FontFile2 11 0 R >>",
        _stream(font, b"/Length1 %d " % len(font)),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % k + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text(font: bytes, x: float, y: float, text: str) -> bytes:
    """`text` at (x, y) (PDF user space, y up) in /FV or /FH at 200 under a 0.05 matrix: 10 pt."""
    codes = "".join(f"{_CJK.index(ch) + 1:04X}" for ch in text).encode()
    return b"BT /%s 200 Tf 0.05 0 0 0.05 %g %g Tm <%s> Tj ET\n" % (font, x, y, codes)


def _chars(data: bytes) -> list[tuple[str, float, float, float, float, float, int]]:
    with PA.document(data) as doc, PA.load_page(doc, 1) as page:
        return [(c.text, c.x0, c.top, c.x1, c.bottom, c.size, c.turn) for c in PA.read_page(page, 1).chars]


@pytest.mark.parametrize("loops", ["c", "python"])
def test_vertical_characters_are_boxed_where_their_glyphs_are(loops: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if loops == "python":
        monkeypatch.setattr(PA, "accelerator", None)
    elif PA.accelerator is None:
        pytest.skip("xxgk.read._pdfscan not built")
    data = _pdf(_text(b"FV", 100, 700, "三本年") + _text(b"FH", 300, 700, "甲乙"))
    got = {ch: box[:4] for ch, *box in _chars(data)}
    assert set(got) == set("三本年甲乙")
    for k, ch in enumerate("三本年"):  # centred on x 100, one under the other from y 700 (top 142) down
        x0, top, x1, bottom = got[ch]
        assert x0 == pytest.approx(95, abs=0.5) and x1 == pytest.approx(105, abs=0.5), (ch, got[ch])
        assert top == pytest.approx(_HEIGHT - 700 + 10 * k, abs=1.0) and bottom - top == pytest.approx(10, abs=0.5), (ch, got[ch])
    for k, ch in enumerate("甲乙"):  # horizontal: PDFium's own box, 10 pt, side by side from x 300
        x0, top, x1, bottom = got[ch]
        assert x0 == pytest.approx(300 + 10 * k, abs=0.01) and x1 - x0 == pytest.approx(10, abs=0.01)


def test_the_c_and_python_loops_agree_on_vertical_characters(monkeypatch: pytest.MonkeyPatch) -> None:
    if PA.accelerator is None:
        pytest.skip("xxgk.read._pdfscan not built")
    data = _pdf(_text(b"FV", 100, 700, "三本年") + _text(b"FV", 123.4, 512.3, "甲乙丙") + _text(b"FH", 300, 700, "甲乙") + _turned(b"0 1 -1 0 200 410", "甲乙") + _turned(b"-1 0 0 -1 400 300", "丙"))
    fast = _chars(data)
    assert [c[-1] for c in fast][-3:] == [1, 1, 2]
    monkeypatch.setattr(PA, "accelerator", None)
    assert _chars(data) == fast


def _rule(x0: float, y0: float, x1: float, y1: float) -> bytes:
    return b"%g %g m %g %g l S\n" % (x0, y0, x1, y1)


def test_a_vertical_group_label_stays_in_its_merged_cell() -> None:
    # Columns x 50 | 90 | 200 | 300, rows y 700–680–660–640 (top 142–202 from the page's top); the
    # first column one cell merged over the three rows, the label '三本年' down it, one character
    # per line. With PDFium's boxes (200 pt square) its characters fell right of and above their
    # cell: into 甲's cell or out of the table.
    rules = b"0.5 w\n" + _rule(50, 700, 300, 700) + _rule(50, 640, 300, 640)
    rules += _rule(90, 680, 300, 680) + _rule(90, 660, 300, 660)
    rules += b"".join(_rule(x, 640, x, 700) for x in (50, 90, 200, 300))
    text = _text(b"FV", 70, 695, "三本年")
    for label, value, y in (("甲", b"1", 686), ("乙", b"2", 666), ("丙", b"3", 646)):
        text += _text(b"FH", 95, y, label) + b"BT /FN 10 Tf 210 %d Td (%s) Tj ET\n" % (y, value)
    tables = [b for b in pdf_blocks(_pdf(rules + text)) if isinstance(b, B.Table)]
    assert [[c.text for c in row] for t in tables for row in t.rows] == [["三本年", "甲", "1"], ["乙", "2"], ["丙", "3"]]


def test_a_characters_size_is_its_printed_size() -> None:
    # 200 Tf under a 0.05 matrix prints at 10 pt (PDFium's own figure is the Tf operand, 200).
    data = _pdf(_text(b"FH", 300, 700, "甲乙") + b"BT /FN 10 Tf 100 600 Td (12) Tj ET\n" + b"BT /FN 1 Tf 12 0 0 12 100 500 Tm (34) Tj ET\n")
    with PA.document(data) as doc, PA.load_page(doc, 1) as page:
        sizes = {c.text: round(c.size, 3) for c in PA.read_page(page, 1).chars}
    assert sizes == {"甲": 10.0, "乙": 10.0, "1": 10.0, "2": 10.0, "3": 12.0, "4": 12.0}


def test_paragraphs_under_a_scaling_matrix_are_told_apart() -> None:
    # An office PDF's text at 200 Tf under a 0.05 matrix (10 pt): a short heading, a paragraph of two
    # lines (the first running to the right edge), and a short closing line set apart by a blank
    # line. With PDFium's size (200) every line seemed to run to the edge and follow within a line:
    # all four were one paragraph.
    def line(y: float, text: str) -> bytes:
        return _text(b"FH", 60, y, text)

    wide = "甲乙丙" * 15  # 45 characters: 450 pt, x 60–510
    content = line(760, "甲乙") + line(740, wide) + line(726, "丙甲乙丙") + line(690, "乙丙")
    paras = [b.text for b in pdf_blocks(_pdf(content)) if isinstance(b, B.Para)]
    assert paras == ["甲乙", wide + "丙甲乙丙", "乙丙"]


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_page_turned_by_rotate_reads_as_displayed(turns: int) -> None:
    # A landscape page as scanners and some office exports make it: a portrait media box with
    # /Rotate, the content drawn turned the other way so that it displays upright. Drawn here in
    # the displayed page's coordinates (X, Y; 842 × 595 or 595 × 842) under the matrix that undoes
    # the turn; read as displayed, with every box inside the displayed page.
    w, h = (842, 595) if turns % 2 else (595, 842)
    cm = {1: b"0 1 -1 0 595 0", 2: b"-1 0 0 -1 595 842", 3: b"0 -1 1 0 0 842"}[turns]
    rules = b"0.5 w\n" + b"".join(_rule(100, y, 400, y) for y in (500, 470, 440)) + b"".join(_rule(x, 440, x, 500) for x in (100, 300, 400))
    text = _text(b"FH", 110, 486, "甲乙") + b"BT /FN 10 Tf 310 486 Td (1) Tj ET\n" + _text(b"FH", 110, 456, "丙") + b"BT /FN 10 Tf 310 456 Td (2) Tj ET\n"
    text += _text(b"FH", 100, 540, "乙丙甲")
    data = _pdf(b"q " + cm + b" cm\n" + rules + text + b"Q\n").replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 595 842] /Rotate %d" % (90 * turns))
    blocks = pdf_blocks(data)
    assert [b.text for b in blocks if isinstance(b, B.Para)] == ["乙丙甲"]
    (table,) = [b for b in blocks if isinstance(b, B.Table)]
    assert [[c.text for c in row] for row in table.rows] == [["甲乙", "1"], ["丙", "2"]]
    assert [c.where["bbox"] for c in table.rows[0]] == [[100, h - 500, 300, h - 470], [300, h - 500, 400, h - 470]]


@pytest.mark.parametrize("turns", [0, 1])
def test_a_page_box_away_from_the_origin(turns: int) -> None:
    # The same ruled table and line on a media box [100 200 695 1042], drawn 100 right and 200 up:
    # read exactly as on [0 0 595 842], with the same boxes (x from the box's left, top from its top).
    rules = b"0.5 w\n" + b"".join(_rule(100, y, 400, y) for y in (500, 470, 440)) + b"".join(_rule(x, 440, x, 500) for x in (100, 300, 400))
    text = _text(b"FH", 110, 486, "甲乙") + b"BT /FN 10 Tf 310 486 Td (1) Tj ET\n" + _text(b"FH", 100, 540, "乙丙甲")
    rotate = b" /Rotate 90" if turns else b""
    plain = _pdf(rules + text).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [0 0 595 842]" + rotate)
    moved = _pdf(b"1 0 0 1 100 200 cm\n" + rules + text).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [100 200 695 1042]" + rotate)

    def read(data: bytes) -> list[tuple[str, list[float]]]:
        out = []
        for b in pdf_blocks(data):
            cells = [b] if isinstance(b, B.Para) else [c for row in b.rows for c in row]
            out += [(c.text, c.where["bbox"]) for c in cells]
        return out

    assert read(moved) == read(plain)
    if not turns:  # the line at y 540, 10 pt (ascent 0.88 em, descent 0.12 em), x 100–130
        assert ("乙丙甲", [100.0, 293.2, 130.0, 303.2]) in read(plain)


def _turned(matrix: bytes, text: str) -> bytes:
    """`text` in /FH at 10 pt under the text matrix `matrix` (turned)."""
    codes = "".join(f"{_CJK.index(ch) + 1:04X}" for ch in text).encode()
    return b"BT /FH 10 Tf %s Tm <%s> Tj ET\n" % (matrix, codes)


@pytest.mark.parametrize(
    "text",
    [
        _turned(b"0 1 -1 0 200 410", "甲乙丙"),  # turned counter-clockwise: reads bottom to top
        _turned(b"0 -1 1 0 200 490", "甲乙丙"),  # turned clockwise: reads top to bottom
        _turned(b"0 1 -1 0 200 410", "甲乙") + _turned(b"0 1 -1 0 212 410", "丙"),  # wrapped: columns left to right
        _turned(b"0 -1 1 0 212 490", "甲乙") + _turned(b"0 -1 1 0 200 490", "丙"),  # wrapped: columns right to left
    ],
)
def test_a_cells_turned_text_reads_in_its_own_direction(text: bytes) -> None:
    # A ruled cell (x 100–300, y 400–500) whose label is turned sideways, as Word's 'text direction'
    # prints it; read line by line, the counter-clockwise label came out backwards (丙乙甲).
    rules = b"0.5 w\n" + b"".join(_rule(100, y, 400, y) for y in (500, 400)) + b"".join(_rule(x, 400, x, 500) for x in (100, 300, 400))
    data = _pdf(rules + text + b"BT /FN 10 Tf 310 446 Td (1) Tj ET\n")
    assert [[c.text for c in row] for b in pdf_blocks(data) if isinstance(b, B.Table) for row in b.rows] == [["甲乙丙", "1"]]
