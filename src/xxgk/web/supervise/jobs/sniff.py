"""What an uploaded file is, from its first bytes, not its name: the web app accepts reports (PDF,
Word/Excel, HTML, text, scans) and ZIPs of them, and refuses executables and anything it cannot
name, before a byte is stored.

The reader sniffs again when it parses (by content too); this check is only the door: cheap, in
the request, and with a message a person can act on.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

#: Magic numbers of programs: refused whatever the file is called (an .exe renamed .pdf).
EXECUTABLES: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows (PE/EXE/DLL)"),
    (b"\x7fELF", "Linux (ELF)"),
    (b"\xfe\xed\xfa\xce", "macOS (Mach-O)"),
    (b"\xfe\xed\xfa\xcf", "macOS (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "macOS (Mach-O)"),
    (b"\xcf\xfa\xed\xfe", "macOS (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "Java class / macOS universal"),
    (b"dex\n", "Android (DEX)"),
    (b"#!", "script"),
)

#: Formats recognised but not accepted, with what to do instead.
UNSUPPORTED: tuple[tuple[bytes, str], ...] = (
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"{\\rtf", "RTF"),
    (b"SQLite format 3\x00", "SQLite"),
)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

#: Kinds accepted, as stored on `JobUpload.kind`.
KINDS = ("pdf", "office", "html", "text", "image", "zip")


class Refused(ValueError):
    """The file is not accepted; the message (Chinese) says why and what to do."""


def kind_of(name: str, data: bytes) -> str:
    """One of `KINDS`, or raises `Refused`."""
    from xxgk.read.docx import sniff_office
    from xxgk.read.source import describe, sniff

    if not data:
        raise Refused(_("The file is empty."))
    for magic, what in EXECUTABLES:
        if data.startswith(magic):
            raise Refused(_("Executable files are not accepted (%(what)s). Upload the report as PDF, Word, "
                            "Excel, HTML, text or a scan.") % {"what": what})
    for magic, what in UNSUPPORTED:
        if data.startswith(magic):
            raise Refused(_("%(what)s files are not accepted. Upload the report as PDF, Word, Excel, HTML, "
                            "text, PNG/JPEG/TIFF, or several of them in a ZIP.") % {"what": what})
    kind = sniff(data)
    if kind == "pdf":
        return "pdf"
    if kind in ("png", "jpeg", "tiff"):
        return "image"
    if kind == "docx" or data.startswith(_OLE):
        return "office"
    if kind == "zip":
        if sniff_office(data) is not None:
            return "office"
        if name.lower().endswith(".zip"):
            return "zip"
        raise Refused(_("This is a ZIP archive but its name does not end in .zip: rename it and upload it again."))
    if kind == "text":
        from xxgk.read.html import looks_like_html

        return "html" if looks_like_html(data[:4096]) else "text"
    raise Refused(_("Unknown file type (%(what)s). Upload the report as PDF, Word, Excel, HTML, text or a "
                    "scan.") % {"what": describe(data)})


def refusal(name: str, data: bytes) -> str | None:
    """Why a file (a ZIP member, in the worker) is not accepted, or None."""
    try:
        kind = kind_of(name, data)
    except Refused as e:
        return str(e)
    if kind == "zip":
        return _("A ZIP inside a ZIP is not expanded: unpack the outer archive first.")
    return None
