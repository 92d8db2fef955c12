"""The exception tree of xxgk.

    XxgkError
    ├── InputError            the input cannot be read at all (CLI exit code 2)
    │   ├── EmptyInput
    │   ├── InputTooLarge
    │   ├── BinaryInput
    │   ├── EncodingError
    │   ├── NotAReport        readable text, but no annual report in it
    │   └── TruncatedInput    the text stops inside a table
    └── ValidationFailed      raised only by Report.raise_for_errors()

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
