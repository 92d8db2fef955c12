"""Many rows in few statements, without the ORM's per-object work: the batch writer's inserts and
updates (`ingest._Batch`), on SQLite and PostgreSQL alike.

`QuerySet.bulk_create` / `bulk_update` cost the driver ~1 ms a file (measured on the 1,000-file text
corpus, 2026-12-07): compiling expressions, resolving each field of each object, a CASE per row
for an update. Here each value is prepared as its field's own `get_db_prep_save` would wherever the
field changes it (JSON, binary, dates: the stored bytes are Django's; `_preparers`), plain values
pass as they are, and the SQL is built once per statement shape. Inserts that need the new ids use one multi-row
INSERT … RETURNING per batch of rows, as bulk_create does (and relies on, as it does: the ids come
back in the order of the rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

#: Field classes whose values are stored as given when of a plain type (str, int, float, bool,
#: None); others (JSON, binary, dates and times) are prepared as the field would (`_preparers`).
_PLAIN_FIELDS = ("CharField", "TextField", "IntegerField", "PositiveIntegerField", "BigIntegerField",
                 "BooleanField", "FloatField", "ForeignKey", "BigAutoField", "AutoField")
_PLAIN_TYPES = (str, int, float, bool, type(None))
#: Values a JSONField hands to the backend's `adapt_json_value` unchanged (`Field.get_prep_value`
#: changes only lazy translations; an expression has `as_sql`): those go there directly.
_JSON_TYPES = (dict, list, str, int, float, bool)


def _fields(model: Any, names: Sequence[str]) -> list[Any]:
    return [model._meta.get_field(n) for n in names]


def _preparers(fields: Sequence[Any], connection: Any) -> list[Any]:
    """One function per field giving what `field.get_db_prep_save(value, connection)` gives, by the
    shortest exact way: plain values as they are, JSON straight to the backend's adapter (Django's
    own last step), binary to the driver's Binary, and a date or time (the batch's one `now`,
    repeated on every row) prepared once per distinct value. The field's generic path cost ~0.1 ms
    a file of the driver's CPU (15,000 calls for 1,006 files, measured 2026-12-06); anything
    unexpected still takes it."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from .jsontext import CompactJSON, RawJSON, RawJSONUTF8

    out = []
    for f in fields:
        kind = f.get_internal_type()
        if kind in _PLAIN_FIELDS:
            def prep(v: Any, f: Any = f) -> Any:
                return v if type(v) in _PLAIN_TYPES else f.get_db_prep_save(v, connection)
        elif kind == "JSONField":
            # Where the adapter is json.dumps(value, cls=encoder) (not PostgreSQL's Jsonb), a
            # `RawJSON` that the encoder passes through is its own text: no encoder is made.
            raw = (type(connection.ops).adapt_json_value is BaseDatabaseOperations.adapt_json_value
                   and getattr(f.encoder, "encode", None) is CompactJSON.encode)

            utf8 = raw and connection.vendor == "sqlite"  # bytes written as TEXT (`_placeholder`)

            def prep(v: Any, f: Any = f, adapt: Any = connection.ops.adapt_json_value, raw: bool = raw,
                     utf8: bool = utf8) -> Any:
                if v is None:
                    return None
                if type(v) is RawJSONUTF8:
                    if utf8:
                        return v.data
                    v = v.text()
                if raw and type(v) is RawJSON:
                    return str(v)
                if isinstance(v, _JSON_TYPES):
                    return adapt(v, f.encoder)
                return f.get_db_prep_save(v, connection)
        elif kind == "BinaryField":
            def prep(v: Any, f: Any = f, binary: Any = connection.Database.Binary) -> Any:
                if v is None:
                    return None
                if type(v) is bytes:
                    return binary(v)
                return f.get_db_prep_save(v, connection)
        elif kind in ("DateTimeField", "DateField"):
            def prep(v: Any, f: Any = f, seen: dict[Any, Any] = {}) -> Any:  # noqa: B006 - one per field
                key = (type(v), v, getattr(v, "tzinfo", None))  # equal instants in two zones stay apart
                got = seen.get(key, seen)
                if got is seen:
                    got = seen[key] = f.get_db_prep_save(v, connection)
                return got
        else:
            def prep(v: Any, f: Any = f) -> Any:
                return f.get_db_prep_save(v, connection)
        out.append(prep)
    return out


def _placeholder(field: Any, connection: Any) -> str:
    """`%s`, but for a JSON column on SQLite, `CAST(%s AS TEXT)`: a `RawJSONUTF8` is bound as its
    bytes (a BLOB), which SQLite then stores as the TEXT of those bytes (the database's encoding is
    UTF-8), exactly what binding the decoded str stores; on a TEXT or NULL the CAST changes nothing."""
    if connection.vendor == "sqlite" and field.get_internal_type() == "JSONField":
        return "CAST(%s AS TEXT)"
    return "%s"


def _params(rows: Iterable[Sequence[Any]], preparers: Sequence[Any]) -> list[list[Any]]:
    return [[p(v) for p, v in zip(preparers, row)] for row in rows]


def insert(model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]], *, returning: bool = False) -> list[int]:
    """INSERT `rows` (values in the order of the field `names`) into `model`'s table; the new
    primary keys, in row order, when `returning`."""
    from django.db import connection

    if not rows:
        return []
    fields = _fields(model, names)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES "
    one = "(" + ", ".join(_placeholder(f, connection) for f in fields) + ")"
    params = _params(rows, _preparers(fields, connection))
    with connection.cursor() as cursor:
        if not returning:
            cursor.executemany(head + one, params)
            return []
        pk = qn(model._meta.pk.column)
        ids: list[int] = []
        if not connection.features.can_return_rows_from_bulk_insert:  # pragma: no cover - old SQLite
            for row in params:
                cursor.execute(head + one, row)
                ids.append(connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column))
            return ids
        size = max(1, connection.ops.bulk_batch_size(fields, rows))
        for start in range(0, len(params), size):
            chunk = params[start : start + size]
            cursor.execute(f"{head}{', '.join([one] * len(chunk))} RETURNING {pk}", [v for row in chunk for v in row])
            ids.extend(r[0] for r in cursor.fetchall())
        if len(ids) != len(rows):  # pragma: no cover - a backend that returns fewer rows
            raise RuntimeError(f"INSERT INTO {model._meta.db_table}: {len(ids)} ids for {len(rows)} rows")
        return ids


def update(model: Any, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """UPDATE `model` SET the field `names` to each row's values WHERE pk = the row's last value."""
    from django.db import connection

    if not rows:
        return
    fields = _fields(model, names)
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(f.column)} = {_placeholder(f, connection)}" for f in fields)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"
    preparers = _preparers(fields, connection) + [lambda v: v]
    with connection.cursor() as cursor:
        cursor.executemany(sql, _params(rows, preparers))


#: Values bound per SELECT … IN (…): under SQLite's oldest limit (999 variables).
_IN_CHUNK = 900


def select(model: Any, names: Sequence[str], column: str, values: Iterable[Any], *, where: str = "") -> list[tuple[Any, ...]]:
    """The field `names` of `model`'s rows whose field `column` is one of `values` (and the raw SQL
    condition `where`, if any), as the database returns them (a JSON column as its text: decode
    with the field's `from_db_value`), in no particular order. The batch writer's lookups: a
    QuerySet compiled anew each time cost more than the query (~0.3 ms each, several a batch)."""
    from django.db import connection

    wanted = list(dict.fromkeys(values))
    if not wanted:
        return []
    qn = connection.ops.quote_name
    cols = ", ".join(qn(f.column) for f in _fields(model, names))
    key = qn(model._meta.get_field(column).column)
    head = f"SELECT {cols} FROM {qn(model._meta.db_table)} WHERE {where + ' AND ' if where else ''}{key} IN "
    out: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), _IN_CHUNK):
            chunk = wanted[start : start + _IN_CHUNK]
            cursor.execute(head + "(" + ", ".join(["%s"] * len(chunk)) + ")", chunk)
            out.extend(cursor.fetchall())
    return out
