"""The numeric cells of versions as `Figures` rows: what roll-ups and rankings sum in the database.

A version's cells live in its contract JSON (`Version.data`); summing a province's 30,000 reports
from there means decoding 30,000 documents of ~30 KB. `Figures` holds the same numbers one column
per cell key, so the sum is one `SUM()` per column (measured on PostgreSQL: 100,000 rows × 232
columns in ~0.25 s; a county's hundred rows in ~1 ms).

Two ways in, both idempotent:

* `record(entries, outcomes)`: called by `ingest.Recorder.record_many` in the batch's transaction,
  from the JSON text the worker already made (no read back): ~0.8 ms a file on SQLite, of which
  0.4 ms decoding the JSON;
* `fill(version_ids)`: from the database, for versions made elsewhere (a correction, a compiled
  report) or before this table existed; the roll-up calls it for any active version it finds
  without a row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from .models import DECIMAL_FIGURES, FIGURE_KEYS, figure_column

#: The contract's objects that hold the figures (report-json.md): tables, and `extra.fees`.
_PARTS = ("t2", "t3", "t4", "t2_2019", "fees")
_INT64 = 2**63
_PATHS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (key, "fees" if key.startswith("extra.fees.") else key.split(".")[0],
     tuple(key.split(".")[2:] if key.startswith("extra.fees.") else key.split(".")[1:]))
    for key in FIGURE_KEYS
)
_BATCH = 500


def scaled(value: Any) -> int | None:
    """A decimal cell ("12.50", 3) as an integer of millionths; None when it is not an exact
    decimal of at most 6 places within 64 bits."""
    if value is None or isinstance(value, bool):
        return None
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    n = d.scaleb(6)
    if n != n.to_integral_value() or abs(n) >= _INT64:
        return None
    return int(n)


def extract(parts: dict[str, Any]) -> tuple[dict[str, int | None], list[str]]:
    """Column values of the figures in `parts` ({"t2": {...}, "t3": …, "fees": {...}}), and the
    keys whose non-null value could not be held exactly."""
    values: dict[str, int | None] = {}
    inexact: list[str] = []
    for key, part, path in _PATHS:
        v: Any = parts.get(part)
        for step in path:
            v = v.get(step) if isinstance(v, dict) else None
        if isinstance(v, (dict, list)):
            v = None
        if key in DECIMAL_FIGURES:
            n = scaled(v)
        else:
            n = v if type(v) is int and -_INT64 <= v < _INT64 else None
        if n is None and v is not None:
            inexact.append(key)
        values[figure_column(key)] = n
    return values, inexact


def _row(version_id: int, parts: dict[str, Any]) -> Any:
    from .models import Figures

    values, inexact = extract(parts)
    return Figures(version_id=version_id, inexact=inexact, **values)


def _parts_of(data: dict[str, Any]) -> dict[str, Any]:
    extra = data.get("extra")
    return {"t2": data.get("t2"), "t3": data.get("t3"), "t4": data.get("t4"), "t2_2019": data.get("t2_2019"),
            "fees": extra.get("fees") if isinstance(extra, dict) else None}


def record(entries: Sequence[Any], outcomes: Sequence[Any]) -> int:
    """The `Figures` rows of the versions a recorder batch just made (`Outcome.status == "read"`),
    from the parsed JSON text of each entry. Returns the number of rows written.

    Plain tuples written in one statement (`_insert`): Django's bulk_create prepares each of a row's
    234 values through its field (~1 ms a row, measured), as much as the rest of recording a file."""
    rows = []
    for entry, outcome in zip(entries, outcomes):
        if outcome.status != "read" or outcome.version_id is None or entry.parsed is None:
            continue
        text = entry.parsed.json
        data = json.loads(text) if text is not None else (entry.parsed.report or {})
        values, inexact = extract(_parts_of(data))
        rows.append((outcome.version_id, json.dumps(inexact), *(values[c] for c in _COLUMNS)))
    if rows:
        _insert(rows)
    return len(rows)


_COLUMNS = [figure_column(k) for k in FIGURE_KEYS]


def _insert(rows: list[tuple[Any, ...]]) -> None:
    """The rows of versions made in this transaction (so no other writer can have filed them):
    COPY on PostgreSQL (0.04 ms a row, measured, against 0.6–1.2 ms for a many-row INSERT of 234
    columns), executemany on SQLite (~0.1 ms a row)."""
    from django.db import connection

    q = connection.ops.quote_name
    names = ", ".join(q(c) for c in ("version_id", "inexact", *_COLUMNS))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {q('store_figures')} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join(["%s"] * (2 + len(_COLUMNS)))
        cursor.executemany(f"INSERT INTO {q('store_figures')} ({names}) VALUES ({marks}) ON CONFLICT DO NOTHING", rows)


def fill(version_ids: Iterable[int]) -> int:
    """The `Figures` rows of these versions that have none, read from the database (the JSON
    objects extracted by the database, not whole documents). Returns the number written."""
    from django.db import IntegrityError, transaction

    from .models import Figures, Version

    ids = sorted(set(version_ids))
    written = 0
    for start in range(0, len(ids), _BATCH):
        batch = ids[start:start + _BATCH]
        have = set(Figures.objects.filter(version_id__in=batch).values_list("version_id", flat=True))
        todo = [i for i in batch if i not in have]
        if not todo:
            continue
        rows = [
            _row(pk, {"t2": t2, "t3": t3, "t4": t4, "t2_2019": t2_2019, "fees": fees})
            for pk, t2, t3, t4, t2_2019, fees in Version.objects.filter(id__in=todo).values_list(
                "id", "data__t2", "data__t3", "data__t4", "data__t2_2019", "data__extra__fees")
        ]
        try:
            with transaction.atomic():
                Figures.objects.bulk_create(rows, ignore_conflicts=True)
        except IntegrityError:  # a version deleted meanwhile: the rest are written one by one
            for row in rows:
                try:
                    with transaction.atomic():
                        row.save(force_insert=True)
                except IntegrityError:
                    continue
        written += len(rows)
    return written


def value(column_value: int | None, key: str) -> int | Decimal | None:
    """A summed or stored column value as the cell's value: Decimal for a decimal key."""
    if column_value is None or key not in DECIMAL_FIGURES:
        return column_value
    return Decimal(column_value).scaleb(-6)


def decimal_text(d: Decimal | None) -> str | None:
    """A decimal as printed in reports: at least 2 places, no trailing zeros beyond them."""
    if d is None:
        return None
    q = d.quantize(Decimal("0.01")) if d == d.quantize(Decimal("0.01")) else d.normalize()
    return format(q, "f")
