"""Blank the glyph programs of Type 3 fonts, and drop their placeholder encodings, before PDFium
loads a PDF for its text.

Why: a Type 3 font draws each glyph with a small content stream of its own (its `CharProcs`).
PDFium parses every glyph program a page uses while loading the page, to know the glyph's box; the
reader never looks at glyph outlines: a character's text comes from the encoding and ToUnicode map,
its box from the font's widths and the glyph's declared box (the d0/d1 operands). Headless Chromium
embeds CFF fonts (Noto CJK, the CJK fonts of Linux desktops) as Type 3 fonts of up to 256 glyphs
each, so a printed report carries hundreds of glyph programs; parsing them was 38% of PDFium's time
on such PDFs (bench/bench_pdf.py).

How: a glyph program is recognised by what it starts with — `wx wy d0` or `wx wy llx lly urx ury
d1`, operators legal nowhere else — so no font or xref structure needs to be parsed. Each such stream
(unfiltered or FlateDecode, with a direct /Length) keeps its d0/d1 line, so the glyph's width and box
are unchanged, and the outline after it is overwritten with spaces; the /Filter entry is overwritten
with spaces too. Every byte keeps its offset, so the cross-reference table stays valid. Anything else
(encrypted, other filters, an indirect /Length, a stream cut short, glyph programs inside unusual
dictionaries) is left as it is: only the speed differs. At most `_PEEK` bytes of a stream are decoded.

Second, in each Type 3 font's Differences array, the codes named `/g0` after code 0 (Chromium's
name for every glyph of a 256-glyph range that the page does not use) are left out, again in place
(`_compact_differences`; ' ', 'A' and 'g' excepted): PDFium makes a string of every name while
loading a font, ~120 fonts a print. Measured with callgrind on 4 Chromium prints: 12% fewer
instructions for the whole of parse + check, PDFium's characters unchanged.

The blanked bytes are for reading text: debug images (xxgk.read.debug) render the original bytes. A
scanned page inside a PDF is rendered for OCR from the blanked bytes; what it loses is only Type 3
text drawn over the scan (a stamped page number), which is not what OCR is there to read.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["blank_type3_glyphs"]

# A stream dictionary holding only /Length (direct) and possibly /Filter /FlateDecode, either order.
_STREAM = re.compile(
    rb"<<\s*(?P<f1>/Filter\s*/FlateDecode\s*)?/Length\s+(?P<len>\d{1,9})\s*(?P<f2>/Filter\s*/FlateDecode\s*)?>>\s*stream(?:\r\n|\n)"
)
_NUM = rb"[-+]?(?:\d+\.?\d*|\.\d+)\s+"
_GLYPH = re.compile(rb"\s*(?:(?:" + _NUM + rb"){6}d1|(?:" + _NUM + rb"){2}d0)(?=[\s\[\]<>()/%]|$)")
_PEEK = 128  # bytes of decoded content enough to hold the d0/d1 line


def blank_type3_glyphs(data: bytes) -> bytes:
    """`data` with the outlines of its Type 3 glyph programs replaced by spaces and their placeholder
    encodings left out (same length), or `data` itself when it has none that can be changed safely."""
    if b"/Type3" not in data:
        return data
    return _compact_differences(_blank_glyphs(data))


_TYPE3 = re.compile(rb"/Subtype\s*/Type3(?![^\s\[\]<>(){}/%])")
_LOOKBACK = 8192  # a font dictionary's bytes before its encoding: /Widths of 256 codes is ~1.3 KB
_DIFFERENCES = re.compile(rb"/Differences\s*\[([^\]]*)\]")


def _compact_differences(data: bytes) -> bytes:
    """Leave out of each Type 3 font's Differences array the codes that name `/g0` after code 0.

    Why: Chromium (Skia) splits a CJK font into Type 3 fonts of up to 256 consecutive glyphs and
    names every glyph of the range that the page does not use `/g0`, so a print carries ~120 arrays
    of ~160 names of which ~4 are real; PDFium makes a string of every name while loading the font,
    ~15% of its page-loading time. `[0 /g0 /g0 /g0 /g9C81 /g0]` becomes `[0 /g0 3 /g9C81]` padded
    with spaces: every byte keeps its offset. Codes 32, 65 and 103 keep their names (`_KEEP`).

    What it changes: a code left out has no glyph name instead of `g0`. Chromium draws no such code
    (its glyph is not in the subset: /Widths 0, no ToUnicode entry). Were one drawn, its text would
    be the same (from ToUnicode, or else PDFium takes the code itself, `g0` being no glyph name of
    Unicode's list) but its width would be 0 instead of glyph 0's: its box would shrink and the rest
    of its text run move back by that width (tests/read/test_type3.py shows it; Chromium places each
    character with its own Td, so even there nothing else would move). Only `/g0`, only arrays of
    exactly this form, and only inside a Type 3 font's own dictionary (in another font a code
    without a name takes the base encoding's) are touched."""
    out: list[bytes] = []
    pos = 0
    compact = _differences
    for m in _DIFFERENCES.finditer(data):
        body = compact(m[1])
        if body is None:
            continue
        # the object holding it: its header within _LOOKBACK bytes, no endobj between, a Type 3 font
        start = data.rfind(b" obj", max(0, m.start() - _LOOKBACK), m.start())
        head = data[start : m.start()]
        if start < 0 or b"endobj" in head or _TYPE3.search(head) is None:
            continue
        a, b = m.span(1)
        out += (data[pos:a], body)
        pos = b
    if not out:
        return data
    out.append(data[pos:])
    return b"".join(out)


_WS = rb"\0\t\n\f\r "  # PDF whitespace (not Python's: \0 is, \v is not)
_FORM = re.compile(rb"[" + _WS + rb"]*0((?:[" + _WS + rb"]+/[^" + _WS + rb"()<>\[\]{}/%]+)+)[" + _WS + rb"]*")
_NAME = re.compile(rb"/[^" + _WS + rb"()<>\[\]{}/%]+")


_PLACEHOLDER = b"/g0"  # Skia's name for glyph 0 and for every glyph of a range the page does not use
# Codes named as before whatever their name: PDFium takes a Type 3 font's ascent and descent from the
# glyphs of 'A' and 'g' (CPDF_Font::CheckFontMetrics), and these set every loose character box; ' '
# is what it measures word spaces against.
_KEEP = frozenset({32, 65, 103})


def _differences_py(body: bytes) -> bytes | None:
    """The inside of a Differences array `0 /g0 /g0 /a /g0` (code 0, then one name per code) as `0
    /g0 3 /a`, padded with spaces to its length; None when the array has another form or another
    name at code 0, when more than about half its names are not /g0, or when the result would be
    longer. The reference for the C version (xxgk/read/_pdfscan.c), which this module uses when it
    is built: ~130 arrays of ~160 names a print cost ~4 ms here, about what leaving the names out
    saves PDFium."""
    m = _FORM.fullmatch(body)
    if m is None:
        return None
    names = _NAME.findall(m[1])
    placeholder = names[0]
    if placeholder != _PLACEHOLDER or len(names) < 2 or (len(names) - names.count(placeholder)) * 2 > len(names) + 1:
        return None
    out = b"0 " + placeholder + b"".join(b" %d %s" % (k, name) for k, name in enumerate(names) if k and (k in _KEEP or name != placeholder))
    return out.ljust(len(body)) if len(out) <= len(body) else None


try:
    from ._pdfscan import differences as _differences
except ImportError:  # pragma: no cover - the optional C module was not built
    _differences = _differences_py


def _blank_glyphs(data: bytes) -> bytes:
    out: list[bytes] = []
    pos = 0  # data[:pos] is in `out`
    decoder = zlib.decompressobj
    for m in _STREAM.finditer(data):
        f1, n, f2 = m.group("f1", "len", "f2")
        length = int(n)
        start = m.end()
        if f1 is None and f2 is None:
            head = data[start : start + min(length, _PEEK)]
        else:
            try:
                head = decoder().decompress(data[start : start + length], _PEEK)
            except zlib.error:
                continue
        g = _GLYPH.match(head)
        if g is None or g.end() >= length or start + length > len(data):
            continue
        # The new body is the d0/d1 line and spaces, unfiltered: the /Filter entry becomes spaces.
        if f1 is not None or f2 is not None:
            key = "f1" if f1 is not None else "f2"
            a, b = m.span(key)
            out += (data[pos:a], b" " * (b - a))
            pos = b
        out += (data[pos:start], head[: g.end()].ljust(length))
        pos = start + length
    if not out:
        return data
    out.append(data[pos:])
    return b"".join(out)
