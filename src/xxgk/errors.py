"""The exception tree of xxgk.

    XxgkError
    ├── InputError            the input cannot be read at all (CLI exit code 2)
    │   ├── EmptyInput
    │   ├── InputTooLarge
    │   ├── BinaryInput
    │   ├── EncodingError
    │   ├── NotAReport        readable text, but no annual report in it
    │   ├── TruncatedInput    the text stops inside a table
    │   └── InvalidReport     a report object (JSON) that contradicts itself: Report.from_dict
    ├── ValidationFailed      raised by Report.raise_for_errors() and xxgk.render
    └── RenderError           a report cannot be written in the asked format
        ├── UnknownFormat     an output format xxgk cannot write (xxgk.render, `--to`)
        ├── MissingGlyphs     no installed font can print some characters (PDF)
        └── PdfUnavailable    WeasyPrint or its Pango library is missing

InvalidReport and UnknownFormat are also ValueErrors: they replace the ValueError these cases
raised before they had a class of their own, so callers catching ValueError keep working.

Readers raise InputError subclasses with a one-line message that says what was wrong and, where
there is one, what to do about it; the CLI prints that line and nothing else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .report.model import Finding


class XxgkError(Exception):
    """Base class of every error xxgk raises on purpose."""


class InputError(XxgkError):
    """The input cannot be read as a report."""


class EmptyInput(InputError):
    pass


class InputTooLarge(InputError):
    pass


class BinaryInput(InputError):
    pass


class EncodingError(InputError):
    pass


class NotAReport(InputError):
    pass


class ValidationFailed(XxgkError):
    """A report's hard identities fail; `findings` holds the errors."""

    def __init__(self, findings: list[Finding]):
        self.findings = findings
        super().__init__(f"{len(findings)} error(s): " + "; ".join(f.message for f in findings[:3]))


class TruncatedInput(InputError):
    """The text stops inside a table: a cut download or extraction, not blank cells."""


class InvalidReport(InputError, ValueError):
    """A report object that is not a consistent `xxgk/report@1` report: an unknown schema, a cell
    whose value disagrees with its raw text (the raw text is what was printed; the value is only
    what it reads as), a table value that disagrees with its cell, a cell that is not an object."""


class RenderError(XxgkError):
    """A report cannot be written in the asked format (the report itself may be fine)."""


class UnknownFormat(RenderError, ValueError):
    """An output format xxgk has no writer for."""


class PdfUnavailable(RenderError):
    """WeasyPrint (or the Pango library it needs) is not installed."""


class MissingGlyphs(RenderError):
    """Characters of the report that no installed font can print (they would be empty boxes)."""

    def __init__(self, chars: list[str]) -> None:
        self.chars = chars
        shown = " ".join(f"{c!r} (U+{ord(c):04X})" for c in chars[:10])
        more = f" and {len(chars) - 10} more" if len(chars) > 10 else ""
        super().__init__(
            f"no installed font has a glyph for {shown}{more}: install a CJK font (Debian: fonts-noto-cjk), "
            "or pass missing_glyphs='allow' to print empty boxes"
        )
