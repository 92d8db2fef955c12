"""A version's `Figures` row computed from its contract object, with no Django: the Dask worker
that parsed the file makes it beside the tables digest (`ingest.parse_bytes`), so the one driver
process writes a ready row instead of decoding the 30 KB contract JSON again (0.6 ms a file of the
driver's CPU, measured 2026-12-06: the driver is what bounds the speed-up from more workers).

`store.models` takes its column list from here and `store.figures` its extraction, so the row
made in a worker and the one made from the database (`figures.fill`) are the same code.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from ..report import keys as _K

#: The 信息处理费 figures of `extra.fees` (report-json.md), summed beside the tables' cells.
FEE_KEYS = ("extra.fees.notices", "extra.fees.notice_amount_yuan", "extra.fees.collected_yuan")
#: Every cell key `Figures` holds: both formats' table cells, then the fees.
FIGURE_KEYS: tuple[str, ...] = tuple(dict.fromkeys(_K.cell_keys("2021") + _K.cell_keys("2019"))) + FEE_KEYS
#: Keys whose values are decimals (万元, 元): held as integers of millionths, so that the database
#: sums them exactly on every backend (SQLite's SUM of a DecimalField is a float).
DECIMAL_FIGURES = frozenset(_K.DECIMAL_KEYS | {"extra.fees.notice_amount_yuan", "extra.fees.collected_yuan"})


def figure_column(key: str) -> str:
    """The `Figures` column of a cell key: "t3.granted.total" → "t3_granted_total"."""
    return key.replace(".", "_")


#: The columns in FIGURE_KEYS order: the order of a row's values (`row`).
COLUMNS: tuple[str, ...] = tuple(figure_column(k) for k in FIGURE_KEYS)

_INT64 = 2**63
#: (key, part of the contract object, path inside the part) of each figure.
_PATHS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (key, "fees" if key.startswith("extra.fees.") else key.split(".")[0],
     tuple(key.split(".")[2:] if key.startswith("extra.fees.") else key.split(".")[1:]))
    for key in FIGURE_KEYS
)


def finite_decimal(value: Any) -> Decimal | None:
    """A decimal cell's value or text ("1,200.50", 3, " 7 ") as a finite Decimal; None for no
    value, a bool, or what is no finite number. Shared by the `Figures` row and the Parquet export,
    which then bound it each their own way."""
    if value is None or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def scaled(value: Any) -> int | None:
    """A decimal cell ("12.50", 3) as an integer of millionths; None when it is not an exact
    decimal of at most 6 places within 64 bits."""
    d = finite_decimal(value)
    if d is None:
        return None
    n = d.scaleb(6)
    if n != n.to_integral_value() or abs(n) >= _INT64:
        return None
    return int(n)


def extract(parts: dict[str, Any]) -> tuple[dict[str, int | None], list[str]]:
    """Column values of the figures in `parts` ({"t2": {...}, "t3": …, "fees": {...}}), and the
    keys whose non-null value could not be held exactly."""
    values, inexact = _values(parts)
    return dict(zip(COLUMNS, values)), inexact


#: Per part, its figures grouped by the first step of their path: (first step, [(index in
#: FIGURE_KEYS, rest of the path, key, is decimal)]), so a part's nested dicts are looked up once
#: per row of the table instead of once per cell.
_PLAN: tuple[tuple[str, tuple[tuple[str, tuple[tuple[int, tuple[str, ...], str, bool], ...]], ...]], ...]


def _plan() -> Any:
    by_part: dict[str, dict[str, list[tuple[int, tuple[str, ...], str, bool]]]] = {}
    for i, (key, part, path) in enumerate(_PATHS):
        by_part.setdefault(part, {}).setdefault(path[0], []).append((i, path[1:], key, key in DECIMAL_FIGURES))
    return tuple((part, tuple((first, tuple(leaves)) for first, leaves in firsts.items()))
                 for part, firsts in by_part.items())


_PLAN = _plan()


def _values(parts: dict[str, Any]) -> tuple[list[int | None], list[str]]:
    """The row's values in FIGURE_KEYS order, and the inexact keys in that order (as `extract`
    has always listed them: key by key, a missing step or a container is None)."""
    values: list[int | None] = [None] * len(FIGURE_KEYS)
    bad: list[tuple[int, str]] = []
    for part, firsts in _PLAN:
        top = parts.get(part)
        if not isinstance(top, dict):
            continue  # every value of the part is None, and None is exact
        for first, leaves in firsts:
            node = top.get(first)
            for i, rest, key, decimal in leaves:
                v = node
                for step in rest:
                    v = v.get(step) if isinstance(v, dict) else None
                if v is None:
                    continue
                if type(v) is int and not decimal:
                    if -_INT64 <= v < _INT64:
                        values[i] = v
                        continue
                    n = None
                elif isinstance(v, (dict, list)):
                    continue
                elif decimal:
                    n = scaled(v)
                else:
                    n = None
                if n is None:
                    bad.append((i, key))
                else:
                    values[i] = n
    bad.sort()
    return values, [key for _, key in bad]


def parts_of(data: dict[str, Any]) -> dict[str, Any]:
    """The objects of a contract object that hold figures: the tables and `extra.fees`."""
    extra = data.get("extra")
    return {"t2": data.get("t2"), "t3": data.get("t3"), "t4": data.get("t4"), "t2_2019": data.get("t2_2019"),
            "fees": extra.get("fees") if isinstance(extra, dict) else None}


def row(data: dict[str, Any]) -> tuple[Any, ...]:
    """The `Figures` row of a contract object but its version id: (inexact keys as JSON text, the
    values in COLUMNS order). Made in the worker (`ingest.Parsed.figures`)."""
    values, inexact = _values(parts_of(data))
    return (json.dumps(inexact), *values)
