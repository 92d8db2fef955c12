"""Reconcile the office's records with a report (issue 16, item 4; domain.md §4.2, §7.6).

Two questions a disclosure office must answer before it publishes:

* `reconcile(compiled, report)`: where do the numbers computed from the records differ from a
  published (or parsed, or edited) report of the same year, and which records are behind each
  computed number? A blank or `/` cell in the report differs from any computed count: the records
  always hold a number.
* `carry_check(previous, current)`: is this year's 二、上年结转 last year's 四、结转下年度继续办理, per
  column (the cross-year warning of §4.2)? Either side may be a compiled year or a report; with two
  compiled years the refs that moved are listed too (a record edited after last year's close).

Pure Python, no Django, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from xxgk.office.compile import CompiledYear
from xxgk.report import keys as K
from xxgk.report.checks import cell_label

if TYPE_CHECKING:  # pragma: no cover
    from xxgk.report.model import Report

__all__ = ["Difference", "CarryDifference", "reconcile", "carry_check"]


@dataclass(frozen=True)
class Difference:
    """One cell where the records and the report disagree. `label` is the cell as printed
    (表三「（一）予以公开」「自然人」); `reported` is the report's value (None: blank, `/`, missing);
    `refs` are the records behind the compiled number."""

    key: str
    label: str
    compiled: int | str
    reported: int | str | None
    refs: tuple[str, ...]

    @property
    def delta(self) -> int | Decimal | None:
        """compiled − reported, when both are numbers (the fee as a Decimal)."""
        a, b = _number(self.compiled), _number(self.reported)
        return None if a is None or b is None else a - b


def reconcile(compiled: CompiledYear, report: Report) -> list[Difference]:
    """Every 2021-format cell, in printed order, whose report value differs from the compiled one.

    The report must be in the 2021 format (the office compiles only that format) and of the same
    year when it states one; ValueError otherwise. The fee compares as a decimal ('1.5' = '1.50')."""
    if report.format != "2021":
        raise ValueError(f"the report is in the {report.format!r} format; records compile to the 2021 format only")
    if report.year is not None and report.year != compiled.year:
        raise ValueError(f"the report is of {report.year}, the records were compiled for {compiled.year}")
    out: list[Difference] = []
    for key in K.cell_keys("2021"):
        mine = compiled.values[key]
        theirs = report.value(key)
        if _same(mine, theirs):
            continue
        out.append(Difference(key, cell_label(key), mine, theirs, tuple(compiled.sources[key])))
    return out


@dataclass(frozen=True)
class CarryDifference:
    """One 表三 column whose carried_over this year is not last year's carried_forward.

    `previous` / `current` are the two counts (None when the report has no number). With two compiled
    years, `missing` are refs open at last year's end that this year does not carry over (closed or
    re-dated since) and `extra` refs carried over that last year did not carry forward."""

    column: str
    label: str
    previous: int | None
    current: int | None
    missing: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()


def carry_check(previous: CompiledYear | Report, current: CompiledYear | Report) -> list[CarryDifference]:
    """Columns (the six and 总计, printed order) where previous.carried_forward ≠ current.carried_over,
    or, both sides compiled, where the refs differ even though the counts agree.

    The years must follow each other when both are known (ValueError otherwise)."""
    y0, y1 = _year(previous), _year(current)
    if y0 is not None and y1 is not None and y1 != y0 + 1:
        raise ValueError(f"carry-over runs from one year to the next, not from {y0} to {y1}")
    out: list[CarryDifference] = []
    for col in K.T3_COLUMNS:
        before = _count(previous, f"t3.carried_forward.{col}")
        after = _count(current, f"t3.carried_over.{col}")
        missing: tuple[str, ...] = ()
        extra: tuple[str, ...] = ()
        if isinstance(previous, CompiledYear) and isinstance(current, CompiledYear):
            a = previous.sources[f"t3.carried_forward.{col}"]
            b = current.sources[f"t3.carried_over.{col}"]
            b_set, a_set = set(b), set(a)
            missing = tuple(r for r in a if r not in b_set)
            extra = tuple(r for r in b if r not in a_set)
        if before != after or before is None or missing or extra:
            out.append(CarryDifference(col, f"表三「{K.T3_COLUMN_LABELS[col]}」列", before, after, missing, extra))
    return out


def _year(x: CompiledYear | Report) -> int | None:
    return x.year


def _count(x: CompiledYear | Report, key: str) -> int | None:
    v = x.values[key] if isinstance(x, CompiledYear) else x.value(key)
    return v if type(v) is int else None


def _number(v: Any) -> int | Decimal | None:
    if type(v) is int:
        return v
    if isinstance(v, str):
        try:
            d = Decimal(v)
        except InvalidOperation:
            return None
        return d if d.is_finite() else None
    return None


def _same(mine: int | str, theirs: Any) -> bool:
    if type(mine) is int:
        return type(theirs) is int and mine == theirs
    a, b = _number(mine), _number(theirs)
    return a is not None and b is not None and a == b
