"""A finding: one thing a check or a reader wants a person to look at.

Its own module so that both the model (`Report.findings`) and the checks can use it without the
checks importing the model (see model.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass
class Finding:
    """One thing a check or a reader wants a person to look at.

    `rule` is a stable id (`t3.column_identity`, `read.ambiguous_window`, …); `message` is Chinese and
    carries the numbers so that it can be read without the table at hand.
    """

    rule: str
    severity: Severity
    cells: list[str]
    message: str
    expected: Any = None
    actual: Any = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"rule": self.rule, "severity": self.severity, "cells": self.cells, "message": self.message}
        if self.expected is not None:
            d["expected"] = self.expected
        if self.actual is not None:
            d["actual"] = self.actual
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Finding:
        return cls(d["rule"], d["severity"], list(d.get("cells", [])), d.get("message", ""), d.get("expected"), d.get("actual"))
