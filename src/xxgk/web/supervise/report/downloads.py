"""Downloads of a version: the source file as uploaded, the contract JSON, and the official
renderings (DOCX, PDF, XLSX) of what was read.

Every download is an attachment with a safe file name (no path, no control characters, the
Chinese kept through RFC 6266's `filename*`), the content type of what it is, and `nosniff`, so a
hostile upload (an HTML file, an SVG named .pdf) is never rendered by the browser in our origin.
Renderings allow errors: a report whose identities fail still renders, so a supervisor can print
what the agency filed, findings and all (`xxgk.render(..., allow_errors=True)`).
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header

from xxgk.web.core.scope import scoped

from .load import blob_bytes, contract, version_of

RENDER_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Content types of a source file, by the medium the reader saw; the exact one from its extension
#: when that agrees (a legacy .doc is medium "docx" too).
MEDIUM_TYPES = {
    "text": "text/plain", "html": "text/html", "pdf": "application/pdf", "json": "application/json",
    "docx": RENDER_TYPES["docx"], "xlsx": RENDER_TYPES["xlsx"], "image": "application/octet-stream",
}
EXTENSION_TYPES = {
    ".doc": "application/msword", ".wps": "application/vnd.ms-works", ".xls": "application/vnd.ms-excel",
    ".odt": "application/vnd.oasis.opendocument.text", ".htm": "text/html", ".md": "text/markdown",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".tif": "image/tiff",
    ".tiff": "image/tiff", ".bmp": "image/bmp", ".webp": "image/webp",
}
_IMAGE_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"II*\x00", "image/tiff"),
                (b"MM\x00*", "image/tiff"), (b"BM", "image/bmp"))
#: How long a rendering stays cached: a version never changes (seconds).
RENDER_CACHE_SECONDS = 3600
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|;]+')


def safe_filename(name: str, fallback: str) -> str:
    """The last part of `name` (after any `/`, `\\` or ZIP `!`), without control characters or the
    characters file systems and headers refuse; `fallback` when nothing is left."""
    base = re.split(r"[/\\!]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" ._")[:150]
    return base or fallback


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-transform"
    return response


def _stem(version: Any) -> str:
    rep = version.report
    who = rep.agency.name if rep.agency_id else rep.printed_agency or "report"
    return safe_filename(f"{who}-{rep.year or ''}-v{version.number}", f"report-{version.pk}")


def source_type(version: Any, data: bytes) -> str:
    name = (version.name or "").lower()
    ext = name[name.rfind("."):] if "." in name else ""
    if version.medium == "image":
        return next((t for magic, t in _IMAGE_MAGIC if data.startswith(magic)), EXTENSION_TYPES.get(ext, MEDIUM_TYPES["image"]))
    if ext in EXTENSION_TYPES and (version.medium != "text" or ext == ".md"):
        return EXTENSION_TYPES[ext]
    return MEDIUM_TYPES.get(version.medium, "application/octet-stream")


@scoped
def source_file(request: HttpRequest, pk: int) -> HttpResponse:
    """`/versions/<pk>/source/`: the file as uploaded, byte for byte."""
    version = version_of(request, pk)
    data = blob_bytes(version)
    ext = {"text": ".txt", "html": ".html", "pdf": ".pdf", "docx": ".docx", "xlsx": ".xlsx", "json": ".json"}.get(version.medium, "")
    return _attachment(data, source_type(version, data), safe_filename(version.name, f"source-{version.pk}{ext}"))


@scoped
def contract_json(request: HttpRequest, pk: int) -> HttpResponse:
    """`/versions/<pk>/report.json`: the version's xxgk/report@1 object, findings included."""
    version = version_of(request, pk)
    data = json.dumps(version.data, ensure_ascii=False, indent=1).encode("utf-8")
    return _attachment(data, "application/json", f"{_stem(version)}.json")


@scoped
def rendering(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """`/versions/<pk>/report.<docx|pdf|xlsx>`: the official layout of what was read."""
    import xxgk

    if fmt not in RENDER_TYPES:
        raise Http404("unknown format")
    version = version_of(request, pk)
    key = f"xxgk:report:render:{version.pk}:{version.created_at.timestamp() if version.created_at else 0}:{fmt}"
    data = cache.get(key)
    if data is None:
        try:
            data = xxgk.render(contract(version), fmt, allow_errors=True)
        except xxgk.XxgkError as e:
            raise Http404(f"cannot render: {e}") from None
        cache.set(key, data, RENDER_CACHE_SECONDS)
    return _attachment(data, RENDER_TYPES[fmt], f"{_stem(version)}.{fmt}")
