"""The numeric cells of versions as `Figures` rows: what roll-ups and rankings sum in the database.

A version's cells live in its contract JSON (`Version.data`); summing a province's 30,000 reports
from there means decoding 30,000 documents of ~30 KB. `Figures` holds the same numbers one column
per cell key, so the sum is one `SUM()` per column (measured on PostgreSQL: 100,000 rows × 232
columns in ~0.25 s; a county's hundred rows in ~1 ms).

Two ways in, both idempotent:

* `record(entries, outcomes)`: called by `ingest.Recorder.record_many` in the batch's transaction,
  from the row the worker made beside the tables digest (`figrow.row`, `Parsed.figures`): the
  driver only writes it (it used to decode the contract JSON again: 0.6 ms a file of the one
  driver process); from the JSON text for a `Parsed` without one;
* `fill(version_ids)`: from the database, for versions made elsewhere (a correction, a compiled
  report) or before this table existed; the roll-up calls it for any active version it finds
  without a row.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from . import figrow
from .figrow import COLUMNS, extract, parts_of, scaled  # noqa: F401  (extract, scaled: re-exported)
from .models import DECIMAL_FIGURES

_BATCH = 500


def _row(version_id: int, parts: dict[str, Any]) -> Any:
    from .models import Figures

    values, inexact = extract(parts)
    return Figures(version_id=version_id, inexact=inexact, **values)


_parts_of = parts_of


def record(entries: Sequence[Any], outcomes: Sequence[Any]) -> int:
    """The `Figures` rows of the versions a recorder batch just made (`Outcome.status == "read"`),
    as each entry's worker made them (or from its JSON text). Returns the number of rows written.

    Plain tuples written in one statement (`_insert`): Django's bulk_create prepares each of a row's
    234 values through its field (~1 ms a row, measured), as much as the rest of recording a file."""
    rows = []
    for entry, outcome in zip(entries, outcomes):
        if outcome.status != "read" or outcome.version_id is None or entry.parsed is None:
            continue
        ready = getattr(entry.parsed, "figures", None)
        if ready is not None:  # made by the worker beside the tables digest (`figrow.row`)
            rows.append((outcome.version_id, *ready))
            continue
        text = entry.parsed.json
        data = json.loads(text) if text is not None else (entry.parsed.report or {})
        rows.append((outcome.version_id, *figrow.row(data)))
    if rows:
        _insert(rows)
    return len(rows)


_COLUMNS = list(COLUMNS)


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
