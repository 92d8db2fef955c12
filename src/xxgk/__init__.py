"""xxgk: government information disclosure annual reports, read, checked and written exactly.

    >>> import xxgk
    >>> report = xxgk.parse("report.txt")          # any supported input → Report
    >>> findings = report.check()                   # identities and warnings, never raises
    >>> report.to_json()                            # the xxgk/report@1 contract
    >>> data = xxgk.render(report, "docx")          # the official layout, as bytes
"""

from __future__ import annotations

from .errors import (
    BinaryInput,
    EmptyInput,
    EncodingError,
    InputError,
    InputTooLarge,
    InvalidReport,
    MissingGlyphs,
    NotAReport,
    PdfUnavailable,
    RenderError,
    TruncatedInput,
    UnknownFormat,
    ValidationFailed,
    XxgkError,
)
from .report import SCHEMA, Cell, Finding, Report

__version__ = "0.1.0"


def parse(source, *, name=None):  # type: ignore[no-untyped-def]
    """Read a report from a path, bytes, or '-' (stdin) → Report. See `xxgk.read.parse`."""
    from .read import parse as _parse

    return _parse(source, name=name)


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """All findings on `report` (reader findings, identities, warnings); cross-year with `previous`."""
    return report.check(previous)


def render(report: Report, to: str, *, allow_errors: bool = False, **options):  # type: ignore[no-untyped-def]
    """The report written as `to` ('docx', 'html', 'pdf', 'xlsx', 'md') → bytes. See `xxgk.write.render`.

    Raises ValidationFailed when a hard identity fails, unless `allow_errors` is true: a published
    table that does not add up is worse than none; UnknownFormat for a format not in that list."""
    from .write import render as _render

    return _render(report, to, allow_errors=allow_errors, **options)


__all__ = [
    "SCHEMA",
    "BinaryInput",
    "Cell",
    "EmptyInput",
    "EncodingError",
    "Finding",
    "InputError",
    "InputTooLarge",
    "InvalidReport",
    "MissingGlyphs",
    "NotAReport",
    "PdfUnavailable",
    "RenderError",
    "Report",
    "TruncatedInput",
    "UnknownFormat",
    "ValidationFailed",
    "XxgkError",
    "check",
    "parse",
    "render",
]
