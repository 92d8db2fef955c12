"""Input bytes → text: size limit, sniffing of binary formats, and encoding detection.

Every step is bounded: the size is checked before a file is read (`read_bytes`), and decoding is a
fixed number of linear passes over at most `MAX_TEXT_BYTES`. Failures are `xxgk.errors.InputError`
subclasses with a one-line message saying what was wrong and what to do about it.

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    >>> load_text("年度报告".encode("gb18030"), name="r.txt")
    '年度报告'
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import BinaryInput, EmptyInput, EncodingError, InputError, InputTooLarge

#: Largest input the text reader accepts (bytes). A text report is ~10 KB; 20 MB is generous.
MAX_TEXT_BYTES = 20 * 1024 * 1024

#: (magic bytes, kind, what it is). Checked in order at the start of the data; first match wins.
MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "pdf", "PDF"),
    (b"PK\x03\x04", "zip", "ZIP archive"),
    (b"PK\x05\x06", "zip", "ZIP archive"),
    (b"PK\x07\x08", "zip", "ZIP archive"),
    (b"\x89PNG\r\n\x1a\n", "png", "PNG image"),
    (b"\xff\xd8\xff", "jpeg", "JPEG image"),
    (b"GIF87a", "gif", "GIF image"),
    (b"GIF89a", "gif", "GIF image"),
    (b"II*\x00", "tiff", "TIFF image"),
    (b"MM\x00*", "tiff", "TIFF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "binary", "legacy Office file (.doc/.xls/.ppt)"),
    (b"{\\rtf", "binary", "RTF document"),
    (b"\x7fELF", "binary", "ELF executable"),
    (b"\x1f\x8b", "binary", "gzip archive"),
    (b"\xfd7zXZ\x00", "binary", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "binary", "7z archive"),
    (b"Rar!\x1a\x07", "binary", "RAR archive"),
    (b"SQLite format 3\x00", "binary", "SQLite database"),
)

KINDS = ("text", "pdf", "docx", "zip", "png", "jpeg", "tiff", "gif", "binary")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
#: How much of the start is looked at for NUL patterns and control characters.
_SAMPLE = 64 * 1024
#: Legacy encodings tried, in order, when the data is not UTF-8. GB18030 is a superset of GBK/GB2312.
FALLBACK_ENCODINGS = ("gb18030", "gbk")
_REPLACEMENT_RUN = re.compile("\ufffd+")
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1a\x1b")
_ICONV_HINT = "convert it to UTF-8, e.g. `iconv -f GB18030 -t UTF-8 FILE > FILE.utf8.txt`"


# -- sniffing --------------------------------------------------------------------------------


def sniff(data: bytes) -> str:
    """The kind of `data`: one of `KINDS`. Looks at magic numbers, BOMs and NUL-byte patterns only.

    'text' means "worth trying to decode"; decoding may still fail with EncodingError.
    """
    return _sniff(data)[0]


def describe(data: bytes) -> str:
    """A short human name for what `data` looks like ('PDF', 'PNG image', 'binary data', 'text')."""
    return _sniff(data)[1]


def _sniff(data: bytes) -> tuple[str, str]:
    head = data[:1024]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return "text", "text"
    if head.lstrip(b" \t\r\n").startswith(b"%PDF-"):
        return "pdf", "PDF"
    for magic, kind, what in MAGIC:
        if head.startswith(magic):
            if kind == "zip":
                return _sniff_zip(data)
            return kind, what
    if _utf16_without_bom(data) is not None:
        return "text", "text"
    sample = data[:_SAMPLE]
    if b"\x00" in sample or _control_ratio(sample) > 0.01:
        return "binary", "binary data"
    return "text", "text"


def _sniff_zip(data: bytes) -> tuple[str, str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        # NotImplementedError: a central directory asking for a ZIP version zipfile lacks (fuzz, issue 13).
        return "zip", "ZIP archive"
    if "word/document.xml" in names:
        return "docx", "Word document (.docx)"
    return "zip", "ZIP archive"


#: The control bytes a text report does not hold: counted by deleting them in one pass over the
#: sample (25 `bytes.count` passes cost 0.1 ms a file).
_BAD_CONTROLS = bytes(b for b in range(32) if chr(b) not in _ALLOWED_CONTROLS)


def _control_ratio(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = len(sample) - len(sample.translate(None, _BAD_CONTROLS))
    return bad / len(sample)


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' if the NUL bytes sit where UTF-16 puts them, else None.

    In UTF-16 every ASCII character (digits, spaces, newlines: plenty in a report) has a NUL high
    byte: at odd offsets in LE, at even ones in BE. CJK characters rarely contain a NUL byte.
    """
    sample = data[:_SAMPLE]
    if len(sample) < 2:
        return None
    sample = sample[: len(sample) // 2 * 2]
    units = len(sample) // 2
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    # A NUL in at least 5 % of the code units, nearly all on one side.
    if odd >= 0.05 * units and odd >= 4 * even:
        return "utf-16-le"
    if even >= 0.05 * units and even >= 4 * odd:
        return "utf-16-be"
    return None


# -- decoding --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # 'utf-8', 'utf-8-sig', 'utf-16-le', 'utf-16-be', 'gb18030', 'gbk'


def load_text(data: bytes, *, name: str, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """Decode a text report. Raises EmptyInput, InputTooLarge, BinaryInput or EncodingError."""
    return decode(data, name=name, max_bytes=max_bytes).text


def decode(data: bytes, *, name: str, max_bytes: int = MAX_TEXT_BYTES) -> Decoded:
    """Like `load_text`, and also say which encoding was used."""
    if len(data) > max_bytes:
        raise InputTooLarge(_too_large(len(data), max_bytes))
    if not data:
        raise EmptyInput("empty input (0 bytes)")
    kind, what = _sniff(data)
    if kind != "text":
        raise BinaryInput(_not_text_message(kind, what))
    decoded = _decode(data)
    _check_plausible(decoded)
    if not decoded.text.strip():
        raise EmptyInput(f"empty input (only whitespace, {len(data)} bytes)")
    return decoded


def _not_text_message(kind: str, what: str) -> str:
    if kind == "pdf":
        return "PDF input is not supported yet by the text reader; copy its text into a .txt file"
    if kind in ("png", "jpeg", "tiff", "gif"):
        return f"{what} input is not supported yet (scans need OCR); provide the report as text"
    if kind == "zip":
        return "ZIP archive input is not supported; unpack it and pass the files inside"
    if what == "binary data":
        return "binary content (NUL or control bytes), not a text report"
    return f"{what} is not a text report"


def _decode(data: bytes) -> Decoded:
    if data.startswith(codecs.BOM_UTF8):
        return Decoded(_strict(data[3:], "utf-8", offset=3), "utf-8-sig")
    if data.startswith(codecs.BOM_UTF16_LE):
        return Decoded(_strict(data[2:], "utf-16-le", offset=2), "utf-16-le")
    if data.startswith(codecs.BOM_UTF16_BE):
        return Decoded(_strict(data[2:], "utf-16-be", offset=2), "utf-16-be")
    utf16 = _utf16_without_bom(data)
    if utf16:
        return Decoded(_strict(data, utf16), utf16)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as e:
        utf8_error = e
    if _mostly_utf8(data):
        raise EncodingError(
            f"not valid UTF-8 at byte offset {utf8_error.start} ({utf8_error.reason}: bytes "
            f"{data[utf8_error.start : utf8_error.start + 4].hex(' ')}) in otherwise UTF-8 text; the file looks corrupted. "
            f"Find it with `iconv -f UTF-8 -t UTF-8 FILE >/dev/null`, fix or re-export the file"
        )
    legacy_errors: list[str] = []
    for enc in FALLBACK_ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as e:
            legacy_errors.append(f"{enc.upper()} at byte offset {e.start}")
            continue
        if _implausible_ratio(text[:_SAMPLE]) <= 0.01:
            return Decoded(text, enc)
        legacy_errors.append(f"{enc.upper()} gives implausible characters")
    raise EncodingError(
        f"unknown text encoding: tried UTF-8 (bad byte at offset {utf8_error.start}), "
        + ", ".join(legacy_errors)
        + f"; {_ICONV_HINT}"
    )


def _strict(data: bytes, encoding: str, *, offset: int = 0) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        raise EncodingError(
            f"not valid {encoding.upper()}: {e.reason} at byte offset {offset + e.start}; "
            f"fix or re-export the file, or {_ICONV_HINT.replace('GB18030', encoding.upper())}"
        ) from None


def _mostly_utf8(data: bytes) -> bool:
    """True when almost all non-ASCII sequences are valid UTF-8: a UTF-8 file with a few bad bytes.

    Legacy Chinese text decoded as UTF-8 fails at nearly every character, so the share of
    replacement characters tells the two apart.
    """
    text = data.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    replaced = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = non_ascii - replaced
    bad_runs = len(_REPLACEMENT_RUN.findall(text))  # one corrupted byte may cost a whole character
    return good >= 8 and bad_runs <= 0.05 * good


_COMMON_CHARS = re.compile("[\t\n\r\x20-\x7e\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]+")


def _implausible_ratio(text: str) -> float:
    """Share of characters that do not occur in a Chinese government report (PUA, controls, rare scripts)."""
    if not text:
        return 0.0
    bad = 0
    # Most characters are ASCII, CJK or CJK punctuation: drop those in C, judge the rest one by one.
    for ch in _COMMON_CHARS.sub("", text):
        o = ord(ch)
        if o < 0x80:
            if o < 32 and ch not in _ALLOWED_CONTROLS:
                bad += 1
        elif 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
            continue
        elif 0xE000 <= o <= 0xF8FF or 0xD800 <= o <= 0xDFFF or unicodedata.category(ch) in ("Cc", "Co", "Cn", "Cs"):
            bad += 1
    return bad / len(text)


def _check_plausible(decoded: Decoded) -> None:
    text = decoded.text
    nul = text.find("\x00")
    if nul >= 0:
        raise BinaryInput(f"binary content: NUL character at position {nul} of the {decoded.encoding} text")
    sample = text[:_SAMPLE]
    if len(sample) >= 64 and _implausible_ratio(sample) > 0.01:
        raise BinaryInput(
            f"binary content: too many control or private-use characters for {decoded.encoding} text"
        )


# -- reading ---------------------------------------------------------------------------------


def _too_large(size: int, limit: int) -> str:
    # Not "of the text reader": `read.parse` reads every kind through here with the 100 MiB
    # document limit; the 20 MiB one of text and HTML is applied after sniffing, with its own message.
    return (
        f"input is {size / 1048576:.1f} MiB, over the {limit / 1048576:.0f} MiB limit; "
        "a report is at most a few MB: check that this is the right file"
    )


def read_bytes(source: str | os.PathLike[str], *, max_bytes: int = MAX_TEXT_BYTES, stdin: BinaryIO | None = None) -> bytes:
    """The bytes of a file path or '-' (stdin), never more than `max_bytes` + 1 read.

    A file larger than `max_bytes` is rejected from its size alone, before reading.
    """
    if os.fspath(source) == "-":
        stream = stdin if stdin is not None else sys.stdin.buffer
        data = stream.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise InputTooLarge(
                f"standard input is over the {max_bytes / 1048576:.0f} MiB limit"
            )
        return data
    path = os.fspath(source)
    try:
        st = os.stat(path)
        if os.path.isdir(path):
            raise InputError("is a directory; pass the files in it, or use the CLI, which expands directories")
        if st.st_size > max_bytes:
            raise InputTooLarge(_too_large(st.st_size, max_bytes))
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError("no such file") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from None
    if len(data) > max_bytes:  # grew while we looked, or a device/pipe with no size
        raise InputTooLarge(_too_large(len(data), max_bytes))
    return data
