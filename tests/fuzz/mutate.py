"""Mutations of a starting point: blind byte damage plus damage that knows the container.

`mutate(start, other, rng)` stacks one to four mutations chosen by `rng`. Blind ones (bit flips,
interesting bytes, truncation, chunk deletion / duplication / insertion, splicing with another input)
work on any input; the others know the structure so that they get past the first parser:

- text and HTML: hostile text inserted at a random place (a 200,000-digit run, 100,000 tabs, 5,000
  nested elements, huge row/column spans, entity declarations, stray encodings and BOMs), lines
  duplicated, deleted or swapped, numbers replaced by huge ones, the whole text re-encoded;
- HTML, DOCX, XLSX: an attribute's value replaced (colspan, w:gridSpan, ref, r, s, t: 1e9, -1, NaN,
  A1:XFD1048576, 5,000 digits, …);
- DOCX / XLSX: one ZIP entry's XML damaged with the text mutations (document.xml, sheets and
  sharedStrings most often), entries dropped, renamed or duplicated, the central directory's sizes,
  offsets and methods mangled, hostile Office XML (gridSpan 100000, 3,000 nested tables, merged ranges
  over the whole sheet, numbers 1e308 / NaN / odd number formats);
- PDF: the xref table and startxref damaged, dictionary numbers (/Count, /Length, /MediaBox, /Rotate,
  object references) changed, a Flate content stream inflated, damaged with hostile operators
  (unbalanced q/Q, huge or NaN matrices, 100,000 path segments) and deflated again;
- images: header dimensions, chunk lengths and CRCs damaged; or decoded and saved again valid but
  hostile (1×3000 or 12000×8 px, blank, inverted, noise, modes 1/P/I;16/F/CMYK, JPEG quality 5,
  multi-frame TIFF).

Every output is capped at `MAX_OUTPUT` bytes so that one input cannot eat the run's time budget.
"""

from __future__ import annotations

import io
import random
import re
import warnings
import zipfile
import zlib
from collections.abc import Callable

from .corpus import Start

#: Largest mutated input (bytes): above the text reader's usual inputs, below its 20 MiB limit.
MAX_OUTPUT = 4 * 1024 * 1024

_INTERESTING = (0x00, 0x01, 0x09, 0x0A, 0x0D, 0x20, 0x22, 0x25, 0x28, 0x29, 0x2F, 0x30, 0x39, 0x3C, 0x3E, 0x5B, 0x5D,
                0x7F, 0x80, 0xC0, 0xE4, 0xEF, 0xFE, 0xFF)


# -- blind byte mutations ------------------------------------------------------------------------


def _pos(rng: random.Random, n: int) -> int:
    return rng.randrange(n + 1) if n else 0


def _chunk(rng: random.Random, n: int) -> tuple[int, int]:
    """A random [i, j) range, short more often than long."""
    if n == 0:
        return 0, 0
    length = min(n, int(2 ** rng.uniform(0, min(16, max(1, n.bit_length())))))
    i = rng.randrange(n - length + 1)
    return i, i + length


def flip_bits(data: bytes, rng: random.Random, other: bytes) -> bytes:
    if not data:
        return data
    b = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def set_bytes(data: bytes, rng: random.Random, other: bytes) -> bytes:
    if not data:
        return data
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        b[rng.randrange(len(b))] = rng.choice(_INTERESTING) if rng.random() < 0.7 else rng.randrange(256)
    return bytes(b)


def truncate(data: bytes, rng: random.Random, other: bytes) -> bytes:
    if not data:
        return data
    # Downloads are cut near the end more often than at the start.
    cut = int(len(data) * (1 - rng.random() ** 2)) if rng.random() < 0.7 else rng.randrange(len(data))
    return data[:cut]


def delete_chunk(data: bytes, rng: random.Random, other: bytes) -> bytes:
    i, j = _chunk(rng, len(data))
    return data[:i] + data[j:]


def duplicate_chunk(data: bytes, rng: random.Random, other: bytes) -> bytes:
    i, j = _chunk(rng, len(data))
    k = _pos(rng, len(data))
    times = rng.choice((1, 1, 2, 10, 100))
    return data[:k] + data[i:j] * times + data[k:]


def insert_chunk(data: bytes, rng: random.Random, other: bytes) -> bytes:
    k = _pos(rng, len(data))
    if rng.random() < 0.5 and other:
        i, j = _chunk(rng, len(other))
        piece = other[i:j]
    else:
        piece = rng.randbytes(rng.randint(1, 64))
    return data[:k] + piece + data[k:]


def swap_chunks(data: bytes, rng: random.Random, other: bytes) -> bytes:
    i, j = sorted((_pos(rng, len(data)), _pos(rng, len(data))))
    k, m = sorted((_pos(rng, len(data)), _pos(rng, len(data))))
    if j > k:
        return data
    return data[:i] + data[k:m] + data[j:k] + data[i:j] + data[m:]


def splice(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """The head of one input on the tail of another (a download resumed from the wrong file)."""
    return data[: _pos(rng, len(data))] + other[_pos(rng, len(other)) :]


BLIND: tuple[Callable[[bytes, random.Random, bytes], bytes], ...] = (
    flip_bits, set_bytes, truncate, delete_chunk, duplicate_chunk, insert_chunk, swap_chunks, splice,
)


# -- hostile text ----------------------------------------------------------------------------------

_LABELS = ("（七）总计", "（一）本年新收政府信息公开申请数量", "三、本年度办理结果", "表三", "行政复议", "自然人", "合计",
           "年政府信息公开工作年度报告", "一、总体情况", "二、主动公开政府信息情况", "六、其他需要报告的事项", "商业企业",
           "（三）不予公开", "1.属于国家秘密", "发布机构：", "标题:", "成文日期：2024-01-01", "- 4 -", "[bookmark: _Toc1]")


#: Runs of what regular expressions repeat (dashes, pipes, numbering, years, brackets): a pattern that
#: backtracks shows up as a hang on a long run.
_RUNS = ("-", "—", "|", ".", "、", "（", "(", "《", "2020", "年", "第1", "1.", "一、", ",0", " \t", "\u3000", "-1-", "件", "0 ", "/")


def _hostile_text(rng: random.Random) -> str:
    n = rng.choice((10, 1000, 100_000, 200_000))
    pick = rng.randrange(24)
    if pick >= 22:
        return rng.choice(_RUNS) * (n // 2) + rng.choice(("x", "", "\n", "年政府信息公开工作年度报告", "|"))
    if pick == 0:
        return "9" * n
    if pick == 1:
        return "\t" * min(n, 100_000)
    if pick == 2:
        return "\n" * min(n, 50_000)
    if pick == 3:
        return " ".join(str(rng.randrange(10 ** rng.randint(1, 30))) for _ in range(min(n, 20_000)))
    if pick == 4:
        return "\t".join("0" for _ in range(min(n, 50_000)))
    if pick == 5:
        return rng.choice(_LABELS) * rng.choice((1, 2, 50, 2000))
    if pick == 6:
        return "\n".join(rng.choice(_LABELS) + "\t" + "\t".join(str(rng.randrange(1000)) for _ in range(rng.randint(0, 12)))
                         for _ in range(rng.randint(1, 300)))
    if pick == 7:
        return "０１２３４５６７８９" * rng.randint(1, 1000)
    if pick == 8:
        return ",".join("999" for _ in range(rng.randint(2, 5000)))
    if pick == 9:
        return "".join(chr(rng.choice((0x200B, 0x200E, 0x202E, 0xFEFF, 0x0301, 0x3000, 0x00A0, 0xFFFD, 0x2028, 0x0085)))
                       for _ in range(rng.randint(1, 5000)))
    if pick == 10:
        return "|" * rng.randint(1, 5000) + "\n" + "|---" * rng.randint(1, 500)
    if pick == 11:
        return "1e308 NaN inf -0 1.5E+400 0x1F ½ ⅔ 一二三 Ⅻ ⑳ 12.5% 3/4 1,2,3 ９９９ 100万 -1 +1"
    if pick == 12:
        return "<div>" * min(n, 20_000)
    if pick == 13:
        return "<table><tr><td>" * rng.choice((10, 500, 3000)) + "1"
    if pick == 14:
        span = rng.choice(("100000", "1000000000", "-1", "0", "1e9", "abc", "99999999999999999999"))
        return f'<table><tr><td rowspan="{span}" colspan="{span}">1</td><td>2</td></tr><tr><td colspan="{span}">3</td></tr></table>'
    if pick == 15:
        return '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><p>&c;&c;</p>'
    if pick == 16:
        return rng.choice(('<meta charset="utf-16">', '<meta charset="x-nonsense">', '<meta charset="gb18030">',
                           '<meta http-equiv="Content-Type" content="text/html; charset=utf-32">', "<?xml version='1.0' encoding='ebcdic'?>"))
    if pick == 17:
        return "&#" + str(rng.choice((0, 1, 0xD800, 0x10FFFF, 0x110000, 10**12))) + ";" + "&#x" + "F" * rng.randint(1, 40) + ";"
    if pick == 18:
        return "<td>" * rng.randint(1, 5000) + "</tr>" * rng.randint(1, 100)
    if pick == 19:
        return "\r" * rng.randint(1, 10_000) + "\x0b\x0c\x1c\x1d\x1e\x85"
    if pick == 20:
        return "".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(min(n, 50_000)))
    return "".join(chr(rng.randrange(0x20, 0x10FFFF)) for _ in range(rng.randint(1, 500))).encode("utf-8", "replace").decode("utf-8", "replace")


def _encode(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def insert_hostile(data: bytes, rng: random.Random, other: bytes) -> bytes:
    k = _pos(rng, len(data))
    # Insert at a line start or after a '>' half the time, so that the text lands between cells.
    if rng.random() < 0.5 and data:
        j = max(data.rfind(b"\n", 0, k), data.rfind(b">", 0, k))
        k = j + 1 if j >= 0 else 0
    return data[:k] + _encode(_hostile_text(rng)) + data[k:]


def _lines_op(data: bytes, rng: random.Random, other: bytes) -> bytes:
    lines = data.split(b"\n")
    if len(lines) < 2:
        return data
    i = rng.randrange(len(lines))
    op = rng.randrange(5)
    if op == 0:
        del lines[i : i + rng.randint(1, 20)]
    elif op == 1:
        lines[i:i] = lines[i : i + rng.randint(1, 5)] * rng.choice((1, 2, 100))
    elif op == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == 3:
        lines[i] = lines[i].replace(b"\t", b"") if rng.random() < 0.5 else lines[i].replace(b" ", b"\t")
    else:
        lines[i] = lines[i] + lines[(i + 1) % len(lines)]  # two rows glued
    return b"\n".join(lines)


_NUMBER = re.compile(rb"\d+")


def replace_number(data: bytes, rng: random.Random, other: bytes) -> bytes:
    found = list(_NUMBER.finditer(data[:MAX_OUTPUT]))
    if not found:
        return data
    m = rng.choice(found)
    new = rng.choice((b"0", b"00", b"", b"-1", b"/", b"1" * rng.randint(20, 5000), b"9" * 400, b"1.5", b"\xef\xbc\x91",
                      str(rng.randrange(10**6)).encode(), m.group() * 2, b"3 000", b"1,000"))
    return data[: m.start()] + new + data[m.end() :]


def reencode(data: bytes, rng: random.Random, other: bytes) -> bytes:
    text = data.decode("utf-8", "replace")
    enc = rng.choice(("utf-16", "utf-16-le", "utf-16-be", "gb18030", "utf-8-sig", "utf-32", "big5", "shift_jis"))
    out = text.encode(enc, "replace")
    if rng.random() < 0.3:
        out = rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) + out
    return out


#: Bounded name length: an unbounded `[\w:.-]+` backtracks quadratically over a 200,000-digit run.
_ATTRIBUTE = re.compile(rb"""(?<![\w:.-])([A-Za-z_][\w:.-]{0,40})\s*=\s*(["'])([^"'<>]{0,200})\2""")
_HOSTILE_VALUES = (b"0", b"-1", b"1000000000", b"99999999999999999999", b"2147483648", b"1e309", b"NaN", b"", b" ", b"abc",
                   b"A1:XFD1048576", b"XFD1048576", b"A0", b"A:Z", b"1:1048576", b"-5:3", b"\xe4\xb8\x80", b"../..",
                   b"restart", b"continue", b"true", b"9" * 5000)


def attribute_value(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Replace an XML/HTML attribute's value (colspan, w:val, ref, r, s, t, numFmtId, …) by a hostile one."""
    found = list(_ATTRIBUTE.finditer(data[:MAX_OUTPUT]))
    if not found:
        return insert_hostile(data, rng, other)
    m = rng.choice(found)
    return data[: m.start(3)] + rng.choice(_HOSTILE_VALUES) + data[m.end(3) :]


TEXT: tuple[Callable[[bytes, random.Random, bytes], bytes], ...] = (insert_hostile, insert_hostile, _lines_op, replace_number, reencode)
HTML: tuple[Callable[[bytes, random.Random, bytes], bytes], ...] = TEXT + (attribute_value, attribute_value)


# -- ZIP (DOCX, XLSX) -------------------------------------------------------------------------------

_OFFICE_HOSTILE = (
    b'<w:tc><w:tcPr><w:gridSpan w:val="100000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>',
    b'<w:tc><w:tcPr><w:gridSpan w:val="-5"/><w:vMerge w:val="restart"/></w:tcPr></w:tc>',
    b'<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>',
    b'<w:tr><w:trPr><w:gridBefore w:val="99999999"/></w:trPr><w:tc><w:p><w:r><w:t>7</w:t></w:r></w:p></w:tc></w:tr>',
    b'<w:tbl><w:tr><w:tc>' * 3000 + b"<w:p/>",
    b'<w:p><w:r><w:t>' + b"9" * 200_000 + b"</w:t></w:r></w:p>",
    b'<w:p><w:r>' + b"<w:tab/>" * 100_000 + b"</w:r></w:p>",
    b'<w:txbxContent>' * 500,
    b'<mc:AlternateContent><mc:Choice Requires="x"></mc:Choice></mc:AlternateContent>',
    b'<mergeCell ref="A1:XFD1048576"/>',
    b'<mergeCell ref="ZZZZ1:A0"/>',
    b'<c r="XFD1048576" t="n"><v>1e308</v></c>',
    b'<c r="A1" t="n"><v>NaN</v></c><c r="B1" t="n"><v>inf</v></c><c r="C1" t="s"><v>999999</v></c>',
    b'<c r="B2" t="d"><v>not-a-date</v></c><c r="C2" t="b"><v>2</v></c><c r="D2" s="99999"><v>1</v></c>',
    b'<numFmt numFmtId="200" formatCode="[h]:mm;;;@&quot;\xe4\xbb\xb6&quot;0.0E+00#,##0.000000000000000000000"/>',
    b'<dimension ref="A1:XFD1048576"/>',
    b'<row r="1048577"><c r="A1048577"><v>1</v></c></row>',
    b'<row r="0"><c r="A0"><v>1</v></c></row>',
    b'<sheetView><pane xSplit="-1"/></sheetView>',
    b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
)


def _zip_entries(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return [(i, z.read(i)) for i in z.infolist()]
    except Exception:
        return None


def _zip_write(entries: list[tuple[zipfile.ZipInfo | str, bytes]], rng: random.Random) -> bytes:
    buf = io.BytesIO()
    method = zipfile.ZIP_STORED if rng.random() < 0.1 else zipfile.ZIP_DEFLATED
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w", method) as z:
        warnings.simplefilter("ignore")  # duplicate names are the point
        for info, body in entries:
            name = info if isinstance(info, str) else info.filename
            try:
                z.writestr(zipfile.ZipInfo(name), body, compress_type=method)
            except Exception:
                continue
    return buf.getvalue()


def _entry_weight(name: str) -> float:
    if name in ("word/document.xml", "xl/sharedStrings.xml") or name.startswith("xl/worksheets/"):
        return 6.0
    if name.endswith((".xml", ".rels")):
        return 1.0
    return 0.2


def zip_entry(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Damage the XML of one entry (decompressed), then zip the package again."""
    entries = _zip_entries(data)
    if not entries:
        return rng.choice(BLIND)(data, rng, other)
    k = rng.choices(range(len(entries)), weights=[_entry_weight(i.filename) for i, _ in entries])[0]
    info, body = entries[k]
    if rng.random() < 0.4:
        pos = _pos(rng, len(body))
        j = body.rfind(b">", 0, pos)
        pos = j + 1 if j >= 0 else pos
        body = body[:pos] + rng.choice(_OFFICE_HOSTILE) + body[pos:]
    else:
        body = rng.choice(BLIND + TEXT + (attribute_value,) * 4)(body, rng, other)
    entries[k] = (info, body)
    return _zip_write(entries, rng)


def zip_layout(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Drop, rename, duplicate or reorder entries. (Never an ODT `mimetype`: that input would go to
    LibreOffice, a separate program with its own timeout, not to xxgk's readers.)"""
    entries: list = _zip_entries(data)  # type: ignore[assignment]
    if not entries:
        return rng.choice(BLIND)(data, rng, other)
    op = rng.randrange(4)
    k = rng.randrange(len(entries))
    if op == 0:
        del entries[k]
    elif op == 1:
        entries[k] = (rng.choice(("word/document.xml", "xl/workbook.xml", "xl/worksheets/sheet2.xml", "[Content_Types].xml",
                                  "../../evil.xml", "word/document.xml\x00", "word/Document.xml")), entries[k][1])
    elif op == 2:
        entries.append(entries[k])
    else:
        rng.shuffle(entries)
    return _zip_write(entries, rng)


_ZIP_RECORDS = {b"PK\x01\x02": (10, 12, 16, 20, 24, 28, 30, 32, 42), b"PK\x03\x04": (8, 14, 18, 22, 26, 28),
                b"PK\x05\x06": (8, 10, 12, 16, 20)}


def zip_headers(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Mangle a field (method, CRC, sizes, name length, offset) of a local or central directory record."""
    sig = rng.choice(list(_ZIP_RECORDS))
    starts = [m.start() for m in re.finditer(re.escape(sig), data)]
    if not starts:
        return rng.choice(BLIND)(data, rng, other)
    at = rng.choice(starts) + rng.choice(_ZIP_RECORDS[sig])
    value = rng.choice((b"\x00\x00", b"\xff\xff", b"\xff\xff\xff\xff", b"\x00\x00\x00\x00", b"\x0e\x00", b"\x63\x00",
                        rng.randbytes(2), rng.randbytes(4)))
    return data[:at] + value + data[at + len(value) :]


ZIP: tuple[Callable[[bytes, random.Random, bytes], bytes], ...] = (zip_entry, zip_entry, zip_entry, zip_layout, zip_headers)


# -- PDF ---------------------------------------------------------------------------------------------

_PDF_NUMBER_KEYS = rb"/(Count|Length|Rotate|Size|Prev|First|N|W|Index|BitsPerComponent|Width|Height|Columns|Predictor|StructParents)\s+(-?\d+)"
_PDF_HOSTILE_OPS = (
    b"q " * 100_000,
    b"Q " * 1000,
    b"BT /F1 1e38 Tf 1e38 0 0 1e38 0 0 Tm (1) Tj ET ",
    b"BT 0 0 0 0 0 0 Tm (0) Tj ET ",
    b"BT /F1 12 Tf NaN NaN Td (9) Tj ET ",
    b"0 0 m " + b"1 1 l " * 100_000 + b"S ",
    b"0 0 1e30 1e30 re f " * 1000,
    b"1 0 0 1 0 0 cm " * 10_000,
    b"/Im0 Do " * 1000,
    b"BT [(1) -100000 (2)] TJ ET ",
    b"BT /F1 12 Tf 3 Tr 100 700 Td (" + b"8" * 100_000 + b") Tj ET ",
    b"0 0 m 100 0 l 100 100 l 0 100 l h S " * 5000,
)


def pdf_xref(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Damage the cross-reference table, the trailer or startxref."""
    op = rng.randrange(5)
    if op == 0:
        i = data.rfind(b"startxref")
        if i >= 0:
            j = i + len(b"startxref")
            return data[:j] + b"\n" + str(rng.choice((0, 1, len(data), len(data) * 10, rng.randrange(max(len(data), 1))))).encode() + b"\n%%EOF\n"
    if op == 1:
        i = data.rfind(b"xref")
        if i >= 0:
            k = i + rng.randrange(1, 400)
            return data[:k] + bytes(rng.choice(b"0123456789 fn") for _ in range(rng.randint(1, 20))) + data[k + rng.randint(0, 20) :]
    if op == 2:
        return data.replace(b"xref", rng.choice((b"xreg", b"", b"xref\n0 0\n")), 1)
    if op == 3:
        i = data.rfind(b"trailer")
        if i >= 0:
            return data[:i] + b"trailer\n<< /Size 1 /Root 1 0 R /Root 99999 0 R >>\n" + data[i + 7 :]
    i = data.rfind(b"%%EOF")
    return data[: i if i >= 0 else len(data)] + rng.choice((b"", b"%%EO", b"\x00" * 1000))


def pdf_numbers(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Change a structural number or array: page counts, lengths, boxes, rotations, references."""
    op = rng.randrange(3)
    if op == 0:
        found = list(re.finditer(_PDF_NUMBER_KEYS, data))
        if found:
            m = rng.choice(found)
            v = rng.choice((b"0", b"-1", b"1", b"2147483647", b"99999999999", b"45", b"-270", b"3.5", b"1e9"))
            return data[: m.start(2)] + v + data[m.end(2) :]
    if op == 1:
        found = list(re.finditer(rb"/(MediaBox|CropBox|BBox|Matrix|Rect)\s*\[[^\]]*\]", data))
        if found:
            m = rng.choice(found)
            box = rng.choice((b"[0 0 0 0]", b"[0 0 -595 -842]", b"[0 0 1e30 1e30]", b"[0 0 14400 14400]", b"[NaN 0 1 1]",
                              b"[595 842 0 0]", b"[0 0 595]", b"[]", b"[0 0 0.001 0.001]", b"[1 0 0 1 1e20 -1e20]"))
            return data[: m.end(1)] + b" " + box + data[m.end() :]
    found = list(re.finditer(rb"(\d+) 0 R", data))
    if found:
        m = rng.choice(found)
        v = rng.choice((b"0", b"1", b"99999", b"2", m.group(1)))
        return data[: m.start(1)] + v + data[m.end(1) :]
    return flip_bits(data, rng, other)


_STREAM = re.compile(rb"stream\r?\n")


def pdf_stream(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Inflate one Flate stream, damage it (hostile operators or blind), deflate it, fix /Length."""
    starts = [m.end() for m in _STREAM.finditer(data)]
    rng.shuffle(starts)
    for s in starts[:20]:
        e = data.find(b"endstream", s)
        if e < 0:
            continue
        d = zlib.decompressobj()
        try:
            body = d.decompress(data[s:e], 8 * 1024 * 1024)
        except zlib.error:
            continue
        if not body:
            continue
        if rng.random() < 0.5:
            k = _pos(rng, len(body))
            body = body[:k] + b"\n" + rng.choice(_PDF_HOSTILE_OPS) + b"\n" + body[k:]
        else:
            body = rng.choice(BLIND + (replace_number,))(body, rng, other)
        packed = zlib.compress(body)
        head = data[:s]
        m = list(re.finditer(rb"/Length\s+(\d+)(?!\s+\d+\s+R)", head[max(0, len(head) - 400) :]))
        if m:
            base = max(0, len(head) - 400)
            last = m[-1]
            head = head[: base + last.start(1)] + str(len(packed)).encode() + head[base + last.end(1) :]
        return head + packed + b"\n" + data[e:]
    return rng.choice(BLIND)(data, rng, other)


PDF: tuple[Callable[[bytes, random.Random, bytes], bytes], ...] = (pdf_xref, pdf_numbers, pdf_numbers, pdf_stream, pdf_stream, pdf_stream)


# -- images --------------------------------------------------------------------------------------------


def image_header(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """Damage the PNG IHDR (width, height, depth, colour type) or a chunk length, or a JPEG SOF."""
    b = bytearray(data)
    if data.startswith(b"\x89PNG") and len(b) > 33:
        at = rng.choice((16, 20, 24, 25, 26, 28, 33))
        b[at : at + 4] = rng.choice((b"\x00\x00\x00\x00", b"\x7f\xff\xff\xff", b"\x00\x01\x00\x00", b"\xff\xff\xff\xff", rng.randbytes(4)))
        return bytes(b)
    i = data.find(b"\xff\xc0")
    if i >= 0 and len(b) > i + 9:
        at = i + rng.choice((5, 7, 9))
        b[at : at + 2] = rng.choice((b"\x00\x00", b"\xff\xff", b"\x7f\xff", rng.randbytes(2)))
        return bytes(b)
    return flip_bits(data, rng, other)


def image_pixels(data: bytes, rng: random.Random, other: bytes) -> bytes:
    """A valid image with hostile content: extreme sizes, odd modes, rotation, noise, multi-frame TIFF.
    Blind damage to a PNG almost always breaks a CRC and is refused at once; this reaches the OCR."""
    from PIL import Image, ImageOps

    try:
        im = Image.open(io.BytesIO(data))
        im.load()
    except Exception:
        return image_header(data, rng, other)
    op = rng.randrange(9)
    if op == 0:
        w, h = rng.choice(((1, 1), (1, 3000), (3000, 1), (12000, 8), (8, 12000), (4, 4), (im.width * 3, im.height * 3)))
        im = im.resize((w, h))
    elif op == 1:
        im = im.rotate(rng.choice((90, 180, 3.5, -45, 1.5)), expand=True, fillcolor=255 if im.mode == "L" else None)
    elif op == 2:
        im = ImageOps.invert(im.convert("L"))
    elif op == 3:
        im = im.convert(rng.choice(("1", "P", "RGBA", "LA", "I", "I;16", "F", "CMYK", "RGB")))
    elif op == 4:
        im = im.convert("L").point(lambda v: rng.choice((0, 255, v)))
    elif op == 5:
        im = Image.new(rng.choice(("L", "RGB")), im.size, rng.choice((0, 255, 128)))
    elif op == 6:
        im = im.crop((0, 0, max(1, im.width // rng.randint(1, 50)), max(1, im.height // rng.randint(1, 50))))
    elif op == 7:
        b = bytearray(im.convert("L").tobytes())
        for _ in range(rng.randint(1, len(b) // 10 + 1)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        im = Image.frombytes("L", im.size, bytes(b))
    else:
        im = im.convert("L")
    fmt = rng.choice(("PNG", "PNG", "JPEG", "TIFF", "TIFF-multi"))
    out = io.BytesIO()
    try:
        if fmt == "JPEG":
            im.convert("RGB" if im.mode not in ("L", "RGB", "CMYK") else im.mode).save(out, "JPEG", quality=rng.choice((5, 60, 95)))
        elif fmt == "TIFF-multi":
            im.save(out, "TIFF", save_all=True, append_images=[im.rotate(90, expand=True)] * rng.randint(1, 3))
        else:
            im.save(out, fmt)
    except Exception:
        return image_header(data, rng, other)
    return out.getvalue()


IMAGE: tuple[Callable[[bytes, random.Random, bytes], bytes], ...] = (image_header, image_pixels, image_pixels, image_pixels)


# -- all together --------------------------------------------------------------------------------------

#: Structure-aware mutations by starting point kind; blind ones are added to every kind.
BY_KIND: dict[str, tuple[Callable[[bytes, random.Random, bytes], bytes], ...]] = {
    "text": TEXT, "html": HTML, "docx": ZIP, "xlsx": ZIP, "pdf": PDF, "image": IMAGE,
}


def mutate(start: Start, other: Start, rng: random.Random) -> tuple[bytes, list[str]]:
    """`start` with one to four stacked mutations, and their names (the first ones structure-aware
    two times in three)."""
    data = start.data
    names: list[str] = []
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 4))):
        aware = BY_KIND.get(start.kind, ())
        pool = aware if aware and rng.random() < 0.67 else BLIND
        op = rng.choice(pool)
        try:
            data = op(data, rng, other.data)[:MAX_OUTPUT]
        except Exception:  # a mutator's own limit (e.g. a Pillow mode it cannot convert): damage blindly
            op = flip_bits
            data = flip_bits(data, rng, other.data)
        names.append(op.__name__)
    return data, names
