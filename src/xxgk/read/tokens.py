"""Tokens: the unit every reader hands to table assignment.

A token is one printed cell fragment with its location. Readers differ in how they find fragments
(tabs, pipes, table cells, PDF words); assignment (`assign.py`) only sees this flat, ordered stream, so
one piece of code maps every reader's output onto the cell keys.
"""

from __future__ import annotations

from typing import Any

from ..report.values import is_value_token, normalize


class Token:
    """`norm` and `is_value` are derived from `raw`; a reader that already knows them (from a cache)
    passes them in, because token construction is the reader's innermost loop."""

    __slots__ = ("raw", "where", "blank", "norm", "is_value")

    #: A grid cell that may be a blank data cell or mere layout (`blocks`: an empty cell at a value
    #: column, at the edge of a row's values); assignment decides (`assign._settle`). Only the
    #: `optional_blank` tokens have it: a class attribute, so ordinary tokens pay nothing for it.
    optional = False
    #: A number printed glued to its neighbours (`规章000`, `0000000`): evidence that the table's
    #: cells lost their separators (`gluedrows`). Only `glued` tokens have it, as `optional`.
    glued = False

    def __init__(
        self, raw: str, where: dict[str, Any] | None = None, blank: bool = False, *, norm: str | None = None, is_value: bool | None = None
    ) -> None:
        self.raw = raw
        self.where = where if where is not None else {}
        #: An interior blank cell in a grid (between two values on one row): a blank *data* cell; or
        #: an optional blank (`optional`), which may be one.
        self.blank = blank
        self.norm = normalize(raw) if norm is None else norm
        self.is_value = (blank or is_value_token(raw)) if is_value is None else is_value

    @staticmethod
    def optional_blank(where: dict[str, Any]) -> Token:
        return _OptionalBlank("", where, True, norm="", is_value=True)

    @staticmethod
    def glued_run(raw: str, where: dict[str, Any], norm: str | None = None) -> Token:
        return _Glued(raw, where, norm=norm, is_value=True)

    def __repr__(self) -> str:
        flags = ", blank=True" if self.blank else ""
        if self.optional:
            flags += ", optional=True"
        return f"Token({self.raw!r}, {self.where!r}{flags})"


_new = object.__new__


def cell_token(raw: str, where: dict[str, Any], blank: bool, norm: str, is_value: bool) -> Token:
    """`Token(raw, where, blank, norm=norm, is_value=is_value)` with every field known (the text
    reader's cached line cells): the slots set directly, at half the cost of `__init__`'s keywords
    for the ~300 tokens of each report."""
    t = _new(Token)
    t.raw = raw
    t.where = where
    t.blank = blank
    t.norm = norm
    t.is_value = is_value
    return t


class _OptionalBlank(Token):
    __slots__ = ()
    optional = True


class _Glued(Token):
    __slots__ = ()
    glued = True


#: The class of `Token.glued_run`'s tokens, for a reader that builds them directly (the text
#: reader's C loop, `xxgk._speedups.line_tokens`).
GluedToken = _Glued
