"""The four exported tables: their Arrow schemas, and the code that fills them from the store.

Column names are the contract's keys (report-json.md) where one exists (`key`, `raw`, `value`,
`semantic`, `rule`, `severity`, `cells`, `message`, `format`, `year`, `published_on`, …); a cell's
`where` becomes one `where_<name>` column per provenance key the readers write (text: line/col,
PDF and scans: page/bbox/confidence, HTML and DOCX: table/row/col, Excel: sheet/cell).

Cells are read without decoding a version's JSON in Python: the database hands over the text of
`data.cells` alone (SQLite's JSON functions, PostgreSQL's `->>`), and Arrow's C++ JSON reader turns
each chunk of it into columns. The few decimal values (the 万元 fee) are JSON strings among JSON
integers, which Arrow cannot read into one column; they are renamed to `value_s` in the text first.
A chunk that Arrow refuses anyway (a provenance key of an unexpected type, an integer past int64)
is read by a plain Python path that coerces what it can (`_cells_python`), so odd data never stops
an export.
"""

from __future__ import annotations

import io
import json
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from ..figrow import finite_decimal

#: Decimal values (万元 fee, 元 amounts): 6 fractional digits keep a 万元 figure exact to the fen
#: (0.000001 万元 = 0.01 元); 18 digits in all hold up to 10^12. A decimal string with more digits
#: than that keeps its exact text in `value_text` and a null here.
DECIMAL = pa.decimal128(18, 6)
_QUANTUM = Decimal("0.000001")
_DECIMAL_MAX = Decimal(10) ** 12
#: Times are stored in UTC (Django keeps them so); CSV and XLSX print them as UTC wall time.
TIMESTAMP = pa.timestamp("us", tz="UTC")

#: Provenance keys of `where`, as the readers write them (xxgk/read: text, pdf, ocr, html, docx, xlsx).
WHERE_FIELDS: list[tuple[str, pa.DataType]] = [
    ("line", pa.int32()), ("col", pa.int32()),
    ("page", pa.int32()), ("bbox", pa.list_(pa.float64())), ("confidence", pa.float64()),
    ("table", pa.int32()), ("row", pa.int32()),
    ("sheet", pa.string()), ("cell", pa.string()),
]

#: Per report version, repeated on each of its cells (what most analyses group by).
_CELL_CONTEXT = [
    ("report_id", pa.int64()), ("version_id", pa.int64()), ("active", pa.bool_()),
    ("agency_code", pa.string()), ("agency_name", pa.string()), ("level", pa.string()),
    ("year", pa.int32()), ("format", pa.string()),
]

CELLS = pa.schema(_CELL_CONTEXT + [
    ("key", pa.string()),
    # Integers (件, signed changes) exactly; null for blanks and for decimal cells.
    ("value", pa.int64()),
    # Decimal cells (t2.admin_fees_wan_yuan, t2_2019.procurement.amount) as exact decimals.
    ("value_decimal", DECIMAL),
    # The contract's value as text, exact for every kind: "12" or "0.50"; null when value is null.
    ("value_text", pa.string()),
    ("raw", pa.string()), ("semantic", pa.string()),
] + [(f"where_{name}", t) for name, t in WHERE_FIELDS])

VERSIONS = pa.schema([
    ("version_id", pa.int64()), ("report_id", pa.int64()), ("active", pa.bool_()),
    ("agency_code", pa.string()), ("agency_name", pa.string()), ("level", pa.string()),
    # The agency as printed in the report (the contract's `agency`), and how it was matched.
    ("agency", pa.string()), ("match", pa.string()),
    ("year", pa.int32()), ("number", pa.int32()), ("sha256", pa.string()), ("medium", pa.string()),
    ("name", pa.string()), ("origin", pa.string()), ("fetched_at", TIMESTAMP), ("made_by", pa.string()),
    ("author", pa.string()), ("note", pa.string()), ("xxgk_version", pa.string()), ("created_at", TIMESTAMP),
    ("format", pa.string()), ("published_on", pa.date32()),
    ("errors", pa.int32()), ("warnings", pa.int32()), ("n_cells", pa.int32()),
    # extra.fees (信息处理费, 国办函〔2020〕109号) when the report carries it.
    ("fees_notices", pa.int64()), ("fees_notice_amount_yuan", DECIMAL), ("fees_collected_yuan", DECIMAL),
])

FINDINGS = pa.schema([
    ("finding_id", pa.int64()), ("report_id", pa.int64()), ("version_id", pa.int64()),
    # On the active version, or on an agency-year with no version (a missing report).
    ("active", pa.bool_()),
    ("agency_code", pa.string()), ("agency_name", pa.string()), ("level", pa.string()), ("year", pa.int32()),
    ("rule", pa.string()), ("severity", pa.string()), ("cells", pa.list_(pa.string())), ("message", pa.string()),
    # JSON text: the contract's expected/actual, a store signal's details.
    ("expected", pa.string()), ("actual", pa.string()), ("details", pa.string()),
    ("source", pa.string()), ("handled", pa.bool_()),
])

AGENCIES = pa.schema([
    ("code", pa.string()), ("name", pa.string()), ("aliases", pa.list_(pa.string())), ("level", pa.string()),
    ("parent_code", pa.string()), ("path", pa.string()),
    # Whether it may make 规章 (Agency.has_rule_making_power).
    ("rule_making", pa.bool_()),
])

SCHEMAS: dict[str, pa.Schema] = {"cells": CELLS, "findings": FINDINGS, "versions": VERSIONS, "agencies": AGENCIES}

#: Bytes per block of Arrow's JSON reader (see `_cells_arrow`).
JSON_BLOCK = 4 << 20

#: What Arrow's JSON reader reads of each line `{"c": <data.cells>}`.
_JSON_SCHEMA = pa.schema([("c", pa.list_(pa.struct([
    ("key", pa.string()), ("raw", pa.string()), ("value", pa.int64()), ("value_s", pa.string()),
    ("semantic", pa.string()), ("where", pa.struct(WHERE_FIELDS)),
])))])


# -- selection -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """Which versions (and so cells and findings) and agencies an export holds.

    `max_version`/`max_finding` are the highest ids when the export started: a batch writing
    meanwhile adds rows the export does not half-include (a version without its cells)."""

    active_only: bool
    years: tuple[int, ...] | None
    under_path: str | None
    max_version: int
    max_finding: int

    def versions(self) -> Any:
        from django.db.models import F

        from ..models import Version

        qs = Version.objects.filter(id__lte=self.max_version)
        if self.active_only:
            qs = qs.filter(report__active_id=F("id"))
        if self.years is not None:
            qs = qs.filter(report__year__in=self.years)
        if self.under_path is not None:
            qs = qs.filter(report__agency__path__startswith=self.under_path)
        return qs

    def version_ids(self) -> array[int]:
        """Ids in the order rows are written: by agency (hierarchy path), year, version number, so
        that a Parquet row group covers few agencies and years (DuckDB skips the others by min/max).
        Eight bytes an id (20 MB for 2.5 million versions, five years of every agency in China)."""
        from django.db.models import F

        order = [F("report__agency__path").asc(nulls_last=True), "report__printed_agency", "report__year",
                 "report_id", "number"]
        ids = array("q")
        ids.extend(self.versions().order_by(*order).values_list("id", flat=True).iterator(chunk_size=10_000))
        return ids

    def findings(self) -> Any:
        from django.db.models import Q

        from ..models import Finding

        without = Q(version__isnull=True)
        if self.years is not None:
            without &= Q(year__in=self.years)
        if self.under_path is not None:
            without &= Q(agency__path__startswith=self.under_path)
        return Finding.objects.filter(id__lte=self.max_finding).filter(
            Q(version_id__in=self.versions().values("id")) | without)

    def agencies(self) -> Any:
        from ..models import Agency

        qs = Agency.objects.all()
        if self.under_path is not None:
            qs = qs.filter(path__startswith=self.under_path)
        return qs.order_by("path")


# -- versions and their cells --------------------------------------------------------------------

_VERSION_FIELDS = (
    "id", "report_id", "report__active_id", "report__agency__code", "report__agency__name",
    "report__agency__level", "report__printed_agency", "report__match", "report__year", "number", "sha256",
    "medium", "name", "origin", "fetched_at", "made_by", "author", "note", "xxgk_version", "created_at",
    "format", "published_on", "errors", "warnings",
)


def version_rows(ids: Sequence[int]) -> list[Any]:
    """The rows of `ids`, in that order, as named tuples: the fields above, then data.agency
    (`x_agency`), data.extra.fees (`x_fees`) and data.cells (`x_cells`) as JSON text, which
    nobody but Arrow decodes."""
    from ..models import Version

    rows = Version.objects.filter(id__in=list(ids)).annotate(
        x_agency=_json_text_at("agency"), x_fees=_json_text_at("extra", "fees"), x_cells=_json_text_at("cells"),
    ).values_list(*_VERSION_FIELDS, "x_agency", "x_fees", "x_cells", named=True)
    by_id = {r.id: r for r in rows.order_by()}
    return [by_id[i] for i in ids if i in by_id]


def _json_text_at(*path: str) -> Any:
    """data at `path` as text (a string's value; an object's or array's JSON), null when absent.

    Not Django's KT: on SQLite it tests JSON_TYPE before JSON_EXTRACT, parsing each document
    twice more; one JSON_EXTRACT (SQLite) or `#>>` (PostgreSQL) suffices for text."""
    from django.db.models import Func, TextField, Value

    class JsonTextAt(Func):
        output_field = TextField()

        def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
            return self.as_sql(compiler, connection, template="JSON_EXTRACT(%(expressions)s)", arg_joiner=", ")

        def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
            return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" #>> ")

    if any(not k.isidentifier() for k in path):
        raise ValueError(f"not a plain key path: {path!r}")
    from django.db import connection

    target = "$." + ".".join(path) if connection.vendor == "sqlite" else "{" + ",".join(path) + "}"
    return JsonTextAt("data", Value(target))


def _decimal(text: Any) -> Decimal | None:
    """An exact decimal of at most 6 fractional digits below 10^12, else None (the text stays)."""
    d = finite_decimal(text)
    if d is None or abs(d) >= _DECIMAL_MAX or d != d.quantize(_QUANTUM):
        return None
    return d


def _int(x: Any) -> int | None:
    return x if isinstance(x, int) and not isinstance(x, bool) and -(2**63) <= x < 2**63 else None


def _fees(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        loaded = json.loads(text)
    except ValueError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


def chunk_batches(rows: list[Any]) -> tuple[pa.RecordBatch, pa.RecordBatch]:
    """The `versions` rows and the `cells` rows of a chunk of `version_rows`."""
    texts = [r.x_cells or "[]" for r in rows]
    try:
        cells = _cells_arrow(texts)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
        cells = _cells_python(texts)
    fees = [_fees(r.x_fees) for r in rows]
    columns: dict[str, list[Any]] = {
        "version_id": [r.id for r in rows],
        "report_id": [r.report_id for r in rows],
        "active": [r.id == r.report__active_id for r in rows],
        "agency_code": [r.report__agency__code for r in rows],
        # The hierarchy's name; the printed one while the agency is not settled.
        "agency_name": [r.report__agency__name if r.report__agency__code is not None else r.report__printed_agency
                        for r in rows],
        "level": [r.report__agency__level for r in rows],
        "agency": [r.x_agency for r in rows],
        "match": [r.report__match for r in rows],
        "year": [r.report__year for r in rows],
        **{name: [getattr(r, name) for r in rows] for name in (
            "number", "sha256", "medium", "name", "origin", "fetched_at", "made_by", "author", "note", "xxgk_version",
            "created_at", "format", "published_on", "errors", "warnings")},
        "n_cells": cells.value_lengths().to_pylist(),
        "fees_notices": [_int(f.get("notices")) for f in fees],
        "fees_notice_amount_yuan": [_decimal(f.get("notice_amount_yuan")) for f in fees],
        "fees_collected_yuan": [_decimal(f.get("collected_yuan")) for f in fees],
    }
    versions = pa.RecordBatch.from_arrays([pa.array(columns[f.name], f.type) for f in VERSIONS], schema=VERSIONS)
    # Each cell repeats its version's context columns (same names and types in both tables).
    parents = cells.value_parent_indices()
    context = [versions.column(name).take(parents) for name, _ in _CELL_CONTEXT]
    flat = cells.flatten()
    key, raw, value, value_s, semantic, where = (flat.field(i) for i in range(6))
    value_text = pc.coalesce(value_s, pc.cast(value, pa.string()))
    arrays = context + [key, value, _decimals(value_s), value_text, raw, semantic] + where.flatten()
    return versions, pa.RecordBatch.from_arrays(arrays, schema=CELLS)


def _cells_arrow(texts: list[str]) -> pa.ListArray:
    from django.db import connection

    parts: list[bytes] = []
    for t in texts:
        parts += (b'{"c":', t.encode("utf-8"), b"}\n")
    # A JSON string value follows `"value":` only for decimal cells; the sequence cannot occur
    # inside a JSON string (its quotes would be escaped). SQLite prints JSON without spaces,
    # PostgreSQL's jsonb with one after the colon; one pass over the bytes for the backend's form.
    pattern = b'"value":"' if connection.vendor == "sqlite" else b'"value": "'
    data = b"".join(parts).replace(pattern, pattern.replace(b"value", b"value_s"))
    del parts
    longest = max((len(t) for t in texts), default=0) * 4 + 64  # UTF-8 bytes of the longest line, at most
    table = pj.read_json(
        io.BytesIO(data),
        # Blocks of a few MB parse faster than one block of the whole chunk (they stay in the
        # caches: 0.22 s against 0.28 s for 1,000 versions); a line must fit in one block.
        read_options=pj.ReadOptions(use_threads=False, block_size=max(JSON_BLOCK, longest)),
        parse_options=pj.ParseOptions(explicit_schema=_JSON_SCHEMA, unexpected_field_behavior="ignore"),
    )
    return table.column("c").combine_chunks()


def _cells_python(texts: list[str]) -> pa.ListArray:
    """The slow path: each cell coerced to the columns' types; what cannot be coerced is null
    (its raw text is always kept)."""
    lists: list[list[dict[str, Any]]] = []
    for text in texts:
        try:
            cells = json.loads(text)
        except ValueError:
            cells = []
        out = []
        for c in cells if isinstance(cells, list) else []:
            if not isinstance(c, dict):
                continue
            v = c.get("value")
            where = c.get("where") if isinstance(c.get("where"), dict) else {}
            out.append({
                "key": _str(c.get("key")), "raw": _str(c.get("raw")), "semantic": _str(c.get("semantic")),
                "value": _int(v), "value_s": None if v is None or _int(v) is not None else _str(v),
                "where": {name: _coerce(where.get(name), t) for name, t in WHERE_FIELDS},
            })
        lists.append(out)
    return pa.array(lists, _JSON_SCHEMA.field("c").type)


def _str(x: Any) -> str | None:
    if x is None or isinstance(x, str):
        return x
    return json.dumps(x, ensure_ascii=False)


def _coerce(x: Any, t: pa.DataType) -> Any:
    if x is None:
        return None
    if pa.types.is_integer(t):
        return x if _int(x) is not None and -(2**31) <= x < 2**31 else None
    if pa.types.is_floating(t):
        return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None
    if pa.types.is_list(t):
        ok = isinstance(x, list) and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in x)
        return [float(v) for v in x] if ok else None
    return _str(x)


def _decimals(value_s: pa.Array) -> pa.Array:
    """`value_decimal`: the decimal strings parsed in Python (about one a report)."""
    valid = pc.is_valid(value_s)
    if not pc.any(valid).as_py():
        return pa.nulls(len(value_s), DECIMAL)
    texts = value_s.to_pylist()
    return pa.array([_decimal(t) if t is not None else None for t in texts], DECIMAL)


# -- findings and agencies ----------------------------------------------------------------------


def finding_batches(selection: Selection, chunk: int) -> Iterator[pa.RecordBatch]:
    from django.db.models.functions import Coalesce

    qs = selection.findings().order_by("id").annotate(
        x_code=Coalesce("version__report__agency__code", "agency__code"),
        x_name=Coalesce("version__report__agency__name", "agency__name", "version__report__printed_agency"),
        x_level=Coalesce("version__report__agency__level", "agency__level"),
        x_year=Coalesce("version__report__year", "year"),
    ).values_list("id", "version__report_id", "version_id", "version__report__active_id", "x_code", "x_name",
                  "x_level", "x_year", "rule", "severity", "cells", "message", "expected", "actual", "details",
                  "source", "handled")
    rows: list[tuple[Any, ...]] = []
    for row in qs.iterator(chunk_size=chunk):
        rows.append(row)
        if len(rows) >= chunk:
            yield _findings_batch(rows)
            rows = []
    if rows:
        yield _findings_batch(rows)


def _json_text(x: Any) -> str | None:
    return None if x is None or x == {} else json.dumps(x, ensure_ascii=False, sort_keys=True)


def _findings_batch(rows: list[tuple[Any, ...]]) -> pa.RecordBatch:
    cols: dict[str, list[Any]] = {name: [] for name in FINDINGS.names}
    for (fid, rid, vid, active_id, code, name, level, year, rule, severity, cells, message, expected, actual, details,
         source, handled) in rows:
        values = (fid, rid, vid, vid is None or vid == active_id, code, name, level, year, rule, severity,
                  [_str(c) for c in cells] if isinstance(cells, list) else [], message, _json_text(expected),
                  _json_text(actual), _json_text(details), source, handled)
        for column, value in zip(cols.values(), values):
            column.append(value)
    return pa.RecordBatch.from_arrays([pa.array(cols[f.name], f.type) for f in FINDINGS], schema=FINDINGS)


def agency_batches(selection: Selection, chunk: int) -> Iterator[pa.RecordBatch]:
    from ..models import RULE_MAKING_LEVELS

    qs = selection.agencies().values_list("code", "name", "aliases", "level", "parent__code", "path", "rule_making")
    rows: list[tuple[Any, ...]] = []
    for row in qs.iterator(chunk_size=chunk):
        rows.append(row)
        if len(rows) >= chunk:
            yield _agencies_batch(rows, RULE_MAKING_LEVELS)
            rows = []
    if rows:
        yield _agencies_batch(rows, RULE_MAKING_LEVELS)


def _agencies_batch(rows: list[tuple[Any, ...]], rule_making_levels: frozenset[str]) -> pa.RecordBatch:
    cols: dict[str, list[Any]] = {name: [] for name in AGENCIES.names}
    for code, name, aliases, level, parent, path, rule_making in rows:
        power = rule_making if rule_making is not None else level in rule_making_levels
        aliases = [_str(a) for a in aliases] if isinstance(aliases, list) else []
        for column, value in zip(cols.values(), (code, name, aliases, level, parent, path, power)):
            column.append(value)
    return pa.RecordBatch.from_arrays([pa.array(cols[f.name], f.type) for f in AGENCIES], schema=AGENCIES)
