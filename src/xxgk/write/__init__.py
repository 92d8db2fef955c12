"""Writers: a Report → the bytes of a published annual report (DOCX, HTML, PDF, XLSX, Markdown).

Each format is one module of this package exposing `write(report, **options) -> bytes`. `render`
is the one entry point (the library's `xxgk.render`, the CLI's `xxgk render`/`convert`, the web
app): it refuses a report whose hard identities fail, because a published table that does not add
up is the failure the whole project exists to prevent; `allow_errors=True` is the explicit way out.
"""

from __future__ import annotations

import importlib
from typing import Any

from ..errors import UnknownFormat, ValidationFailed
from ..report.model import Report

#: Output formats, in the order the CLI lists them; each is the module `xxgk.write.<name>`.
FORMATS = ("docx", "html", "pdf", "xlsx", "md")


def render(report: Report, to: str, *, allow_errors: bool = False, **options: Any) -> bytes:
    """The report in format `to` (one of FORMATS) as bytes.

    Raises UnknownFormat (an XxgkError, and a ValueError) for a format not in FORMATS, before
    anything else, and ValidationFailed when `report.check()` finds an error, unless `allow_errors`
    is true.
    """
    check_format(to)
    if not allow_errors:
        report.raise_for_errors()
    module = importlib.import_module(f"{__name__}.{to}")
    return module.write(report, **options)


def check_format(to: object) -> str:
    """`to` if xxgk can write it, else UnknownFormat naming the formats it can (one line)."""
    if not isinstance(to, str) or to not in FORMATS:
        raise UnknownFormat(f"unknown output format {to!r}; expected one of {', '.join(FORMATS)}")
    return to


__all__ = ["FORMATS", "check_format", "render", "UnknownFormat", "ValidationFailed"]
