"""Type 3 glyph programs blanked before PDFium reads a PDF's text (xxgk.read.type3): the characters,
their boxes and font sizes, and the parsed report are the same as without blanking; only glyph
programs are touched, every byte keeps its offset, and broken or hostile streams are left alone."""

from __future__ import annotations

import ctypes
import random
import re
import tracemalloc
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus.generate import random_report
from tests.corpus.pdf import chromium, render_pdf
from xxgk.read import pdf as P
from xxgk.read.pdf import pdfium as PA
from xxgk.read.type3 import _compact_differences, _differences, _differences_py, blank_type3_glyphs

needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium not installed (run `make sysdeps` as root)")


def _pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF file from numbered object bodies, with a correct xref table (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for num in sorted(objects):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + objects[num] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for num in range(1, size):
        out += b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<</Size %d /Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _stream(content: bytes, flate: bool) -> bytes:
    if flate:
        data = zlib.compress(content)
        return b"<</Filter /FlateDecode\n/Length %d>> stream\n" % len(data) + data + b"\nendstream"
    return b"<</Length %d>> stream\n" % len(content) + content + b"\nendstream"


def _type3_pdf(
    *, flate: bool = True, glyph_a: bytes | None = None, to_unicode: bytes | None = None, differences: bytes | None = None, text: bytes = b"AB 12"
) -> bytes:
    """One page, "AB 12" in a Type 3 font whose glyphs are filled shapes (A: d1, B: d0); with
    `to_unicode`, the bfchar lines of a ToUnicode CMap (`<41> <D800>`...) that the font carries; with
    `differences`, that Differences array instead (a glyph /g0 is there: the space's program)."""
    a = glyph_a or b"600 0 0 -10 560 700 d1\n0 0 m 280 700 l 560 0 l h f\n100 0 m 200 300 l 300 0 l h f\n"
    b = b"620 0 d0\n0 0 560 700 re f\n"
    digit = b"500 0 20 0 480 700 d1\n20 0 460 700 re f\n"
    content = b"BT /F1 12 Tf 72 700 Td (" + text + b") Tj ET\n0.5 w 70 690 m 200 690 l S\n"
    objects = {
        1: b"<</Type /Catalog /Pages 2 0 R>>",
        2: b"<</Type /Pages /Kids [3 0 R] /Count 1>>",
        3: b"<</Type /Page /Parent 2 0 R /MediaBox [0 0 300 800] /Resources <</Font <</F1 5 0 R>>>> /Contents 4 0 R>>",
        4: _stream(content, flate),
        5: (
            b"<</Type /Font /Subtype /Type3 /FontBBox [0 -10 620 700] /FontMatrix [0.001 0 0 0.001 0 0]"
            b" /FirstChar 32 /LastChar 66 /Widths [250 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 500 500"
            b" 0 0 0 0 0 0 0 0 0 0 0 0 0 0 600 620]"
            b" /Encoding <</Type /Encoding /Differences [32 /space 49 /one /two 65 /A /B]>>"
            b" /CharProcs <</A 6 0 R /B 7 0 R /one 8 0 R /two 8 0 R /space 9 0 R /g0 9 0 R>> /Resources <<>>>>"
        ),
        6: _stream(a, flate),
        7: _stream(b, flate),
        8: _stream(digit, flate),
        9: _stream(b"250 0 d0\n", flate),
    }
    if differences is not None:
        objects[5] = re.sub(rb"/Differences \[[^\]]*\]", lambda _: b"/Differences [" + differences + b"]", objects[5])
    if to_unicode is not None:
        n = to_unicode.count(b"<") // 2
        cmap = (
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /T3 def\n"
            b"1 begincodespacerange <00> <FF> endcodespacerange\n%d beginbfchar\n%s\nendbfchar\n"
            b"endcmap CMapName currentdict /CMap defineresource pop end end\n" % (n, to_unicode)
        )
        objects[10] = _stream(cmap, flate)
        objects[5] = objects[5][:-2] + b" /ToUnicode 10 0 R>>"
    return _pdf(objects)


def _chars(data: bytes) -> list[tuple]:
    """Every character PDFium reports: page, code, loose box, font size."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    doc = pdfium.PdfDocument(data)
    rect = c.FS_RECTF()
    out = []
    try:
        for i in range(len(doc)):
            page = c.FPDF_LoadPage(doc.raw, i)
            tp = c.FPDFText_LoadPage(page)
            for k in range(c.FPDFText_CountChars(tp)):
                c.FPDFText_GetLooseCharBox(tp, k, ctypes.byref(rect))
                box = tuple(round(v, 4) for v in (rect.left, rect.bottom, rect.right, rect.top))
                out.append((i, c.FPDFText_GetUnicode(tp, k), box, round(c.FPDFText_GetFontSize(tp, k), 4)))
            c.FPDFText_ClosePage(tp)
            c.FPDF_ClosePage(page)
    finally:
        doc.close()
    return out


def _bodies(data: bytes) -> list[tuple[bytes, bytes]]:
    """(dictionary, decoded content) of every stream."""
    out = []
    for m in re.finditer(rb"(<<[^>]*>>) stream\n", data):
        n = int(re.search(rb"/Length (\d+)", m[1])[1])
        body = data[m.end() : m.end() + n]
        out.append((m[1], zlib.decompress(body) if b"FlateDecode" in m[1] else body))
    return out


@pytest.mark.parametrize("flate", [True, False])
def test_only_glyph_programs_are_blanked(flate: bool) -> None:
    data = _type3_pdf(flate=flate)
    out = blank_type3_glyphs(data)
    assert len(out) == len(data) and out != data
    before, after = _bodies(data), _bodies(out)
    assert before[0] == after[0]  # the page content: untouched
    for (d0, b0), (d1, b1) in zip(before[1:], after[1:]):
        line = re.match(rb"[^\n]*d[01]", b0)[0]
        assert b1 == line.ljust(len(b1)) and b1.startswith(line), (b0, b1)
        assert b"FlateDecode" not in d1
        assert b"/Length" in d1
    # Everything outside the glyph streams keeps its bytes: the xref table still points at the objects.
    assert out[out.index(b"xref") :] == data[data.index(b"xref") :]
    for m in re.finditer(rb"(\d+) 0 obj", data):
        assert out[m.start() : m.end()] == m[0]


@pytest.mark.parametrize("flate", [True, False])
def test_text_and_boxes_unchanged_on_a_hand_made_type3_pdf(flate: bool) -> None:
    data = _type3_pdf(flate=flate)
    chars = _chars(data)
    assert "".join(chr(c[1]) for c in chars if c[1] > 32) == "AB12"
    assert _chars(blank_type3_glyphs(data)) == chars


def test_pdf_without_type3_fonts_is_returned_as_is() -> None:
    data = _type3_pdf().replace(b"/Subtype /Type3", b"/Subtype /TypeX")
    assert blank_type3_glyphs(data) is data


@pytest.mark.parametrize(
    "case",
    ["corrupt-flate", "length-past-end", "not-a-glyph", "indirect-length", "d1-line-longer-than-stream"],
)
def test_broken_or_unusual_streams_are_left_alone(case: str) -> None:
    data = _type3_pdf()
    glyph = _bodies(data)[1][0]
    start = data.index(glyph)
    if case == "corrupt-flate":
        i = data.index(b"stream\n", start) + 7
        data = data[:i] + b"\x00\x01garbage" + data[i + 9 :]
    elif case == "length-past-end":
        data = data.replace(glyph, re.sub(rb"/Length \d+", b"/Length 99999999", glyph), 1)
    elif case == "not-a-glyph":
        data = _type3_pdf(glyph_a=b"0 0 m 280 700 l 560 0 l h f\n")
    elif case == "indirect-length":
        data = data.replace(glyph, glyph.replace(b"/Length ", b"/Length 6 0 R %"), 1)
    else:
        data = _type3_pdf(glyph_a=b"600 0 0 -10 560 700.00000000000000000000000000000000000000 d1\n")
    out = blank_type3_glyphs(data)
    assert len(out) == len(data)
    # Glyph A's stream (object 6, the one broken in each case) is byte for byte what it was.
    i = data.index(b"\n6 0 obj\n")
    j = data.index(b"endstream", i)
    assert out[i:j] == data[i:j]


def test_a_compressed_bomb_in_a_glyph_program_is_not_inflated() -> None:
    # 256 MB of outline behind a d1 line, compressed to a few hundred KB: only the first bytes are decoded.
    z = zlib.compressobj(9)
    body = z.compress(b"600 0 0 0 560 700 d1\n") + b"".join(z.compress(b"0 0 m 1 1 l f\n" * 65536) for _ in range(256)) + z.flush()
    glyph = b"<</Filter /FlateDecode\n/Length %d>> stream\n" % len(body) + body + b"\nendstream"
    data = b"%PDF-1.4\n% /Type3\n1 0 obj\n" + glyph + b"\nendobj\n"
    tracemalloc.start()
    try:
        out = blank_type3_glyphs(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(out) == len(data) and out != data
    assert peak < 4 * len(data) + 1_000_000, peak


def _chromium_like_differences() -> bytes:
    """Codes 0–66 as Chromium names them: the font's five glyphs, `/g0` for every other code."""
    names = {32: b"/space", 49: b"/one", 50: b"/two", 65: b"/A", 66: b"/B"}
    return b"0 " + b" ".join(names.get(k, b"/g0") for k in range(67))  # 65 and 66 are real: 65 is kept anyway


def _reader_chars(data: bytes) -> list[tuple]:
    doc = PA.open_document(data)
    try:
        page = doc[0]
        got = [(h.text, h.x0, h.top, h.x1, h.bottom, h.size) for h in PA.read_page(page, 1).chars]
        page.close()
    finally:
        doc.close()
    return got


@pytest.mark.parametrize("flate", [True, False])
def test_placeholder_codes_are_left_out_of_a_type3_encoding(flate: bool) -> None:
    data = _type3_pdf(flate=flate, differences=_chromium_like_differences())
    out = blank_type3_glyphs(data)
    assert len(out) == len(data)
    assert re.search(rb"/Differences \[0 /g0 32 /space 49 /one 50 /two 65 /A 66 /B +\]", out)
    assert _chars(out) == _chars(data)  # every character PDFium reports: code, box, size
    for m in re.finditer(rb"(\d+) 0 obj", data):  # offsets kept: the xref table still holds
        assert out[m.start() : m.end()] == m[0]


def test_a_drawn_placeholder_code_keeps_its_text_and_only_its_box_changes() -> None:
    # "C" (67) is drawn but named /g0, with no ToUnicode entry. Chromium never does this (a /g0 code
    # is a glyph outside the subset); were it done, PDFium reads the code itself as the character
    # either way; what changes is that character's width (glyph 0's before, none after), so its box
    # and the rest of its text run move. Chromium places every character with its own Td anyway.
    data = _type3_pdf(differences=_chromium_like_differences() + b" /g0", text=b"AB C12")
    out = blank_type3_glyphs(data)
    assert re.search(rb"/Differences \[0 /g0 32 /space 49 /one 50 /two 65 /A 66 /B +\]", out)
    assert [c[1] for c in _chars(out)] == [c[1] for c in _chars(data)]
    fast = _reader_chars(out)
    monkey = PA.blank_type3_glyphs
    try:
        PA.blank_type3_glyphs = lambda d: d
        slow = _reader_chars(data)
    finally:
        PA.blank_type3_glyphs = monkey
    assert "".join(ch[0] for ch in fast) == "".join(ch[0] for ch in slow) == "ABC12"
    k = "".join(ch[0] for ch in fast).index("C")
    assert fast[:k] == slow[:k]
    assert fast[k][1] == slow[k][1] and fast[k][3] == fast[k][1] < slow[k][3]  # same origin, no width
    advance = 250 / 1000 * 12  # glyph 0's width at 12 pt: what the rest of the run moves back by
    for a, b in zip(fast[k + 1 :], slow[k + 1 :]):
        assert (a[0], a[2], a[4], a[5]) == (b[0], b[2], b[4], b[5])
        assert a[1] == pytest.approx(b[1] - advance) and a[3] == pytest.approx(b[3] - advance)


@pytest.mark.parametrize(
    "body",
    [
        b"0 /space /space /space /A /space /space",  # another placeholder: /space is a character
        b"1 /g0 /g0 /g0 /A /g0 /g0",  # not from code 0
        b"0 /g0 /g0 5 /g0 /A /g0 /g0",  # a code inside
        b"0 /g0 /A /B /C /D /g0",  # mostly real names: nothing to gain
        b"0 /g0 /g0/g0 /A /g0 /g0 /g0",  # two names without a space
    ],
)
def test_other_encodings_are_left_alone(body: bytes) -> None:
    assert _differences_py(body) is None
    data = b"5 0 obj\n<</Type /Font /Subtype /Type3 /Encoding <</Differences [" + body + b"]>> >>\nendobj\n"
    assert _compact_differences(data) is data


def test_only_type3_fonts_are_compacted() -> None:
    body = b"0 /g0 /g0 /g0 /A /g0 /g0"
    font = b"5 0 obj\n<</Type /Font /Subtype /%s /Encoding <</Differences [" + body + b"]>> >>\nendobj\n"
    assert _compact_differences(font % b"Type1") == font % b"Type1"
    assert _compact_differences(font % b"Type3") == (font % b"Type3").replace(body, b"0 /g0 3 /A".ljust(len(body)))
    # an array outside any object, or past the end of the font's object, is not the font's
    assert _compact_differences(b"<</Differences [" + body + b"]>>") == b"<</Differences [" + body + b"]>>"
    after = font % b"Type3" + b"<</Differences [" + body + b"]>>"
    assert _compact_differences(after).endswith(b"<</Differences [" + body + b"]>>")


_TOKENS = [b"0", b"1", b"12", b"/g0", b"/g0", b"/g0", b"/g1", b"/A", b"/g0A", b"/space", b"/a/b", b"/", b"(", b"]", b"<", b"/x%"]
_SPACES = [b" ", b"  ", b"\n", b"\r\n", b"\t", b"\0", b"\x0b", b"\x0c", b""]


@pytest.mark.skipif(_differences is _differences_py, reason="xxgk.read._pdfscan not built")
@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_SPACES), st.sampled_from(_TOKENS)), max_size=40), st.sampled_from(_SPACES))
def test_c_differences_equal_the_python_reference(parts: list[tuple[bytes, bytes]], tail: bytes) -> None:
    body = b"".join(a + b for a, b in parts) + tail
    assert _differences(body) == _differences_py(body)
    chromium = b"0 " + b" ".join(t for _, t in parts if t.startswith(b"/g"))
    assert _differences(chromium) == _differences_py(chromium)


def test_the_codes_pdfium_measures_keep_their_names() -> None:
    # PDFium takes a Type 3 font's ascent and descent from the glyphs of 'A' (65) and 'g' (103):
    # dropping them changed the loose box of every character of a Chromium print by ~0.05 pt.
    body = b"0 " + b" ".join(b"/g%X" % k if k in (40, 70, 150) else b"/g0" for k in range(200))
    got = _differences_py(body)
    assert got is not None and _differences(body) == got
    assert got.split() == b"0 /g0 32 /g0 40 /g28 65 /g0 70 /g46 103 /g0 150 /g96".split()


@pytest.fixture(scope="module")
def chromium_prints() -> list[bytes]:
    if chromium() is None:
        pytest.skip("chromium not installed (run `make sysdeps` as root)")
    return [render_pdf(random_report(random.Random(s), fmt=f), random.Random(s), style=st) for s, f, st in [(3, "2021", "official"), (4, "2019", "flat")]]


@needs_chromium
def test_chromium_prints_read_the_same_with_and_without_blanking(chromium_prints: list[bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    for data in chromium_prints:
        out = blank_type3_glyphs(data)
        assert len(out) == len(data) and out != data
        assert len(re.findall(rb"d1\s{20,}", out)) > 100, "Chromium's CJK glyphs were blanked"
        assert out.count(b"/g0") < data.count(b"/g0") // 10, "placeholder codes left out"
        assert _chars(out) == _chars(data)
        fast = P.parse_pdf(data, name="x.pdf")
        monkeypatch.setattr(PA, "blank_type3_glyphs", lambda d: d)
        slow = P.parse_pdf(data, name="x.pdf")
        monkeypatch.undo()
        assert fast.cells == slow.cells
        assert [c.where for c in fast.cells.values()] == [c.where for c in slow.cells.values()]
        assert fast.sections == slow.sections and fast.agency == slow.agency and fast.year == slow.year
