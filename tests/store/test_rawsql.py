"""`xxgk.store.rawsql`, the batch writer's multi-row statements: what they store is what the ORM
stores for the same values (read back through the ORM), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from xxgk.store import rawsql
from xxgk.store.jsontext import RawJSON
from xxgk.store.models import Agency, Blob, Finding, Report, Version

pytestmark = pytest.mark.django_db

_VERSION = ("report", "number", "sha256", "blob", "medium", "name", "origin", "fetched_at", "made_by", "author", "note",
            "xxgk_version", "created_at", "data", "format", "published_on", "errors", "warnings", "tables_sha", "signature")


def test_inserts_return_the_new_ids_in_row_order_and_store_what_the_orm_reads_back() -> None:
    agency = Agency.objects.create(code="51", name="四川省人民政府", level="province")
    report = Report.objects.create(agency=agency, year=2024)
    rawsql.insert(Blob, ("sha256", "size", "data"), [("a" * 64, 3, b"abc"), ("b" * 64, 0, b"")])
    assert bytes(Blob.objects.get(sha256="a" * 64).data) == b"abc"
    fetched = dt.datetime(2025, 1, 31, 8, 0, tzinfo=dt.timezone.utc)
    now = timezone.now()
    rows = [
        [report.pk, n, "a" * 64, "a" * 64 if n == 1 else "b" * 64, "text", f"{n}.txt", "/x",
         fetched if n == 1 else None, "parsed" if n == 1 else "corrected", "xxgk 0.1.0", "", "0.1.0", now,
         RawJSON('{"format":"2021","年":1}') if n == 1 else {"format": "2019", "k": [1, None]},
         "2021", dt.date(2025, 1, 2) if n == 1 else None, n, 0, "", b"\x00\x01" if n == 2 else None]
        for n in (1, 2, 3)
    ]
    ids = rawsql.insert(Version, _VERSION, rows, returning=True)
    assert len(ids) == 3 and len(set(ids)) == 3
    got = {v.pk: v for v in Version.objects.filter(pk__in=ids)}
    assert [got[i].number for i in ids] == [1, 2, 3]
    v1, v2, v3 = (got[i] for i in ids)
    assert v1.data == {"format": "2021", "年": 1} and v2.data == {"format": "2019", "k": [1, None]}
    assert v1.fetched_at == fetched and v2.fetched_at is None
    assert v1.published_on == dt.date(2025, 1, 2) and v3.published_on is None
    assert bytes(v2.signature) == b"\x00\x01" and v1.signature is None
    assert v1.created_at == now and v1.blob_id == "a" * 64 and v2.blob_id == "b" * 64
    # JSON nulls and lists as the ORM keeps them: expected None is SQL NULL, cells a list.
    rawsql.insert(Finding, ("version", "agency", "year", "rule", "severity", "cells", "message", "expected", "actual",
                            "details", "source", "handled", "handled_note"),
                  [(ids[0], agency.pk, 2024, "t3.row_sum", "error", ["t3.granted.total"], "m", None, 5, {}, "check", False, "")])
    f = Finding.objects.get(version_id=ids[0])
    assert (f.cells, f.expected, f.actual, f.details, f.handled) == (["t3.granted.total"], None, 5, {}, False)
    assert Finding.objects.filter(version_id=ids[0], expected__isnull=True).count() == 1


def test_update_sets_each_rows_values_by_primary_key() -> None:
    agency = Agency.objects.create(code="51", name="四川省人民政府", level="province")
    a = Report.objects.create(agency=agency, year=2023)
    b = Report.objects.create(agency=agency, year=2024, stale=True)
    rawsql.update(Report, ("stale", "year"), [(True, 2020, a.pk), (False, 2021, b.pk)])
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.stale, a.year, b.stale, b.year) == (True, 2020, False, 2021)
    rawsql.update(Report, ("stale",), [])  # nothing to do
    assert rawsql.insert(Blob, ("sha256", "size", "data"), []) == []


def test_each_preparer_gives_what_the_fields_own_preparation_gives() -> None:
    """`rawsql._preparers` take shortcuts (JSON to the backend's adapter, binary to the driver's
    Binary, one `now` prepared once): each must equal `field.get_db_prep_save` on this backend,
    value by value."""
    from django.db import connection

    from xxgk.store.models import Ingest

    now = timezone.now()
    shanghai = now.astimezone(dt.timezone(dt.timedelta(hours=8)))
    samples: dict[str, list] = {
        "JSONField": [None, RawJSON('{"a":"年","b":[1,2]}'), {"k": [1, None, "年"]}, [], ["t3.granted.total"], {}, 5,
                      "text", 1.5, True],
        "BinaryField": [None, b"", b"\x00\x01", b"abc" * 100],
        "DateTimeField": [None, now, now, shanghai, dt.datetime(2025, 1, 31, 8, 0, tzinfo=dt.timezone.utc)],
        "DateField": [None, dt.date(2025, 1, 2), dt.date(2025, 1, 2), dt.date(1999, 12, 31)],
    }

    def comparable(v: object) -> object:
        if isinstance(v, (bytes, bytearray, memoryview)):
            return ("binary", bytes(v))
        if hasattr(v, "obj") and hasattr(v, "dumps"):  # psycopg's Jsonb: what it would send
            return ("jsonb", v.dumps(v.obj))
        if hasattr(v, "obj"):  # psycopg's Binary wrapper
            return ("binary", bytes(v.obj))
        return (type(v), v)

    checked = set()
    for model, names in ((Version, _VERSION), (Blob, ("sha256", "size", "data")),
                         (Finding, ("version", "cells", "expected", "actual", "details", "handled", "year")),
                         (Ingest, ("created_at", "seconds", "size"))):
        fields = rawsql._fields(model, names)
        for field, prep in zip(fields, rawsql._preparers(fields, connection)):
            kind = field.get_internal_type()
            for value in samples.get(kind, []):  # plain fields pass plain values as they are
                assert comparable(prep(value)) == comparable(field.get_db_prep_save(value, connection)), (field, value)
            checked.add(kind)
    assert {"JSONField", "BinaryField", "DateTimeField", "DateField"} <= checked


def test_json_sent_as_utf8_bytes_is_stored_as_the_same_text() -> None:
    """A worker's contract JSON arrives as UTF-8 bytes (`RawJSONUTF8`): stored exactly as the str
    `RawJSON` of the same text is (as TEXT on SQLite, not a BLOB), on both backends."""
    from django.db import connection

    from xxgk.store.jsontext import RawJSONUTF8

    agency = Agency.objects.create(code="51", name="四川省人民政府", level="province")
    report = Report.objects.create(agency=agency, year=2024)
    text = '{"agency":"四川省人民政府","t3":{"granted":{"total":3}},"s":"\\t\\"年"}'
    rows = [[report.pk, n, str(n) * 64, None, "text", "", "", None, "parsed", "", "", "0.1.0", timezone.now(), data,
             "2021", None, 0, 0, "", None]
            for n, data in ((1, RawJSON(text)), (2, RawJSONUTF8(text.encode("utf-8"))))]
    ids = rawsql.insert(Version, _VERSION, rows, returning=True)
    typeof = "typeof(data)" if connection.vendor == "sqlite" else "pg_typeof(data)::text"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {typeof}, data::text FROM store_version" if connection.vendor != "sqlite"
                       else f"SELECT id, {typeof}, data FROM store_version")
        got = {pk: (kind, stored) for pk, kind, stored in cursor.fetchall()}
    assert got[ids[0]] == got[ids[1]]
    if connection.vendor == "sqlite":
        assert got[ids[1]] == ("text", text)
    assert Version.objects.get(pk=ids[1]).data == Version.objects.get(pk=ids[0]).data
