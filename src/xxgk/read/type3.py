"""Blank the glyph programs of Type 3 fonts before PDFium loads a PDF for its text.

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
    """`data` with the outlines of its Type 3 glyph programs replaced by spaces (same length), or
    `data` itself when it has none that can be blanked safely."""
    if b"/Type3" not in data:
        return data
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
