"""Tokens: the unit every reader hands to table assignment.

A token is one printed cell fragment with its location. Readers differ in how they find fragments
(tabs, pipes, table cells, PDF words); assignment (`assign.py`) only sees this flat, ordered stream, so
one piece of code maps every reader's output onto the cell keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..report.values import is_value_token, normalize


@dataclass(slots=True)
class Token:
    raw: str
    where: dict[str, Any] = field(default_factory=dict, compare=False)
    #: An interior blank cell in a grid (between two values on one row): a blank *data* cell.
    blank: bool = False
    norm: str = field(init=False, compare=False)
    is_value: bool = field(init=False, compare=False)

    def __post_init__(self) -> None:
        self.norm = normalize(self.raw)
        self.is_value = self.blank or is_value_token(self.raw)
