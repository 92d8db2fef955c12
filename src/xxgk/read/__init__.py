"""Readers: any supported input → `Report`.

`parse` is the one entry point: it reads the bytes (bounded), sniffs what they are and hands them to
the reader for that kind, chosen by content, not by the file's name: plain text, HTML, Word (.docx;
.doc/.wps/.odt through LibreOffice), Excel (.xlsx), PDF (born-digital; pages without a text layer
through OCR) and scanned images (PNG/JPEG/TIFF, OCR); GIF is recognised and refused in one line.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Literal

from ..errors import InputError, InputTooLarge
from ..report.model import Report
from .source import MAX_TEXT_BYTES, decode, read_bytes, sniff

__all__ = ["parse", "iter_inputs", "sniff", "MAX_TEXT_BYTES", "MAX_DOCUMENT_BYTES"]

Source = str | os.PathLike[str] | bytes
Stdin = Literal["-"]

#: Readers not written yet, by sniffed kind: what to tell the user.
_NOT_YET = {
    "gif": "image (GIF)",
}


#: Any input (a path, stdin or bytes) is refused above this before its kind matters: Office documents,
#: PDFs and scans carry images. Text and HTML are held to MAX_TEXT_BYTES after sniffing; Office XML is
#: bounded separately when unpacked (docx.check_zip), images by their pixels (ocr.MAX_SIDE, MAX_PIXELS).
MAX_DOCUMENT_BYTES = 100 * 1024 * 1024


def parse(source: Source, *, name: str | None = None, max_bytes: int = MAX_TEXT_BYTES) -> Report:
    """Read one report from a path, raw bytes, or '-' (standard input).

    Raises an `xxgk.InputError` subclass when the input cannot be read as a report; never returns
    a half-read report silently (reader doubts are `report.findings`).
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "<bytes>"
        limit = max(max_bytes, MAX_DOCUMENT_BYTES)
        if len(data) > limit:  # the same bound as a file on disk (read_bytes), whatever the kind
            raise InputTooLarge(
                f"input is {len(data) / 1048576:.1f} MiB, over the {limit / 1048576:.0f} MiB limit; "
                "a report is at most a few MB: check that this is the right file"
            )
    else:
        data = read_bytes(source, max_bytes=max(max_bytes, MAX_DOCUMENT_BYTES))
        if name is None:
            name = "<stdin>" if os.fspath(source) == "-" else os.fspath(source)
    kind = sniff(data)
    if kind in _NOT_YET:
        raise InputError(f"{_NOT_YET[kind]} reader not available yet; provide the report as plain text")
    report = _read(data, kind, name, max_bytes)
    report.source = {
        **report.source,
        "name": name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "layout": report.source.get("layout"),
    }
    return report


def _read(data: bytes, kind: str, name: str, max_bytes: int) -> Report:
    """The reader for what the content is, whatever the file is called."""
    if kind in ("png", "jpeg", "tiff"):
        from .ocr import parse_image

        return parse_image(data, name=name)  # every uncertain reading carries a read.ocr_uncertain finding
    if kind == "pdf":
        from .pdf import parse_pdf

        return parse_pdf(data, name=name)  # pages without a text layer go to OCR (read.page_ocr)
    if kind in ("docx", "zip", "binary"):
        from .docx import parse_docx, sniff_office

        office = sniff_office(data)
        if office == "xlsx":
            from .xlsx import parse_xlsx

            return parse_xlsx(data, name=name)
        if office is not None:  # .docx, or .doc/.wps/.odt converted by LibreOffice, or "encrypted"
            report = parse_docx(data, name=name)
            report.source = {**report.source, "kind": "docx", "container": office}
            return report
    if len(data) > max_bytes:
        raise InputTooLarge(
            f"input is {len(data) / 1048576:.1f} MiB, over the {max_bytes / 1048576:.0f} MiB limit for text and HTML; "
            "a report is a few hundred KB: check that this is the right file"
        )
    from .html import looks_like_html

    if kind == "text" and looks_like_html(data):
        from .html import parse_html

        return parse_html(data, name=name)  # sets source kind "html" and encoding
    # Raises EmptyInput, BinaryInput (ZIP, executables, …) or EncodingError with the precise message.
    decoded = decode(data, name=name, max_bytes=max_bytes)

    from .text import parse_text

    report = parse_text(decoded.text, name=name)
    report.source = {**report.source, "kind": "text", "encoding": decoded.encoding}
    return report


def iter_inputs(args: Iterable[str | os.PathLike[str]]) -> Iterator[Path | Stdin]:
    """Expand command-line arguments: '-' stays, a directory yields its files (recursively, sorted,
    hidden files and folders skipped), anything else is yielded as a Path (it may not exist: the
    error is reported when it is read)."""
    for arg in args:
        if os.fspath(arg) == "-":
            yield "-"
            continue
        path = Path(arg)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(root: Path) -> Iterator[Path]:
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath, f) for f in filenames if not f.startswith("."))
    yield from sorted(found, key=lambda p: p.relative_to(root).parts)
