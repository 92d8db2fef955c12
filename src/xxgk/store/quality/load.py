"""Batch loading for `refresh`: the fields each signal needs, a few queries for any number of
reports (never one query per report), and as little of each version's ~30 KB contract JSON as
possible: `refresh` runs in the batch's one driver process, after every run, so its cost per report
bounds what more Dask workers can gain (issue 14).

* the counts the signals read come from the version's `Figures` row, written at ingest (`cells`);
  the contract's tables are decoded only where a version has no row, or its row lists one of those
  cells as inexact, and for the few pairs whose tables must be compared cell by cell;
* of the JSON, only `extra.headings`, `format` and `published_on`, in one call (`_DataKeys`: on
  SQLite one parse of the document), the data being the truth over the denormalised columns;
* id lists are bound as they are (`where_in`), not prepared value by value by Django's `__in`.

On SQLite, the `Version` columns after `data` (format, published_on, tables_sha, signature) cost a
walk over the document's overflow pages to read: the queries that can avoid them do
(`reports_with_tables`, `signed_reports`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from ...report import keys as K
from django.db import connection
from django.db.models import Count, F, Func, Lookup, TextField

from ..figrow import figure_column
from ..models import RULE_MAKING_LEVELS, Agency, Report, Version
from .cells import VALUE_KEY_SET, VALUE_KEYS

#: Ids per `__in` query: far below every backend's limit on query parameters.
CHUNK = 5000
_T = TypeVar("_T")


class _In(Lookup):  # type: ignore[type-arg]
    """`field IN (%s, %s, …)` with the values bound as they are: Django's `__in` prepares each
    value through the field (~1 µs a value: a millisecond for each chunk of ids, and a refresh runs
    a dozen such queries). Only for plain ints and strings, which every backend binds as is."""

    lookup_name = "quality_in"
    prepare_rhs = False

    def get_prep_lookup(self) -> Any:
        return self.rhs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]


def where_in(qs: Any, field: str, values: Sequence[int] | Sequence[str]) -> Any:
    """`qs.filter(**{f"{field}__in": values})` for a non-empty chunk of ints or strings (`_In`)."""
    assert values and all(type(v) in (int, str) for v in values)
    return qs.filter(_In(F(field), list(values)))


def chunks(items: Iterable[_T], size: int = CHUNK) -> Iterator[list[_T]]:
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class Ag(NamedTuple):
    """An agency as the signals need it (a named tuple: a refresh makes one per agency, and a frozen
    dataclass costs five times as much to build)."""

    id: int
    code: str
    name: str
    level: str
    rule_making: bool | None
    path: str

    @property
    def has_rule_making_power(self) -> bool:
        """`Agency.has_rule_making_power`, without loading the model."""
        if self.rule_making is not None:
            return self.rule_making
        return self.level in RULE_MAKING_LEVELS

    @property
    def root_path(self) -> str:
        """"/51/" for "/51/5117/511724/": the top of its hierarchy."""
        top = self.path.strip("/").split("/")[0]
        return f"/{top}/"


@dataclass
class Rep:
    """A report and its active version's fields."""

    id: int
    agency_id: int | None
    printed_agency: str
    year: int | None
    active_id: int | None
    number: int | None = None
    sha256: str | None = None
    format: str | None = None
    published_on: dt.date | None = None
    signature: bytes | None = None
    #: `extra.headings` of the text reader: section key → heading as printed.
    headings: dict[str, str] | None = None
    #: Version.tables_sha: set when the tables hold enough non-zero counts to identify a report.
    tables_sha: str = ""
    #: The cells the signals read (`cells.VALUE_KEYS`) by dotted key: `values.get(key)` is the
    #: cell's integer, else None (blank, text, absent). Read from the version's `Figures` row (the
    #: contract's tables only where it has none or lists one of those cells as inexact).
    values: dict[str, int | None] = field(default_factory=dict)
    #: The contract's t2/t3/t4/t2_2019 objects present in the active version; None until a pair
    #: signal needs them (`Reports.ensure_tables`: a handful of reports, not every one).
    tables: dict[str, Any] | None = field(default=None, repr=False)
    #: What the signals derive from it once (`rules._mini_report`).
    memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def flatten(tables: dict[str, Any]) -> dict[str, Any]:
    """The contract's nested t2/t3/t4 objects (at most table.row.column) as dotted cell keys → values."""
    out: dict[str, Any] = {}
    for name, rows in tables.items():
        if not isinstance(rows, dict):
            continue
        for row, v in rows.items():
            if isinstance(v, dict):
                prefix = f"{name}.{row}."
                for col, x in v.items():
                    out[prefix + col] = x
            else:
                out[f"{name}.{row}"] = v
    return out


_TABLES = ("t2", "t3", "t4", "t2_2019")
_FIGURES = tuple(f"active__figures__{figure_column(k)}" for k in VALUE_KEYS)
_REP_FIELDS = (
    "id", "agency_id", "printed_agency", "year", "active_id",
    "active__number", "active__sha256", "active__format", "active__published_on", "active__signature",
    "active__tables_sha", "active__figures__pk", "active__figures__inexact", *_FIGURES,
)
#: What `reports` reads of the version's `data`, in `_DataKeys`' order; Django's key transforms
#: where the backend is neither SQLite nor PostgreSQL.
_DATA_KEYS = ("active__data__extra__headings", "active__data__format", "active__data__published_on")


class _DataKeys(Func):
    """The active version's `extra.headings`, `format` and `published_on` as the text of one JSON
    array: SQLite parses the ~30 KB document once (Django's three key transforms make nine JSON
    calls a row, and each value is decoded apart), Python decodes one short text."""

    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(F("active__data"))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"json_extract({sql}, '$.extra.headings', '$.format', '$.published_on')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return (f"(jsonb_build_array({sql} #> '{{extra,headings}}', {sql} -> 'format', {sql} -> 'published_on'))::text",
                [*params, *params, *params])


def _as_django_on_sqlite(v: Any) -> Any:
    """A JSON string value as Django's key transform hands it back on SQLite: json_extract returns
    it unquoted and the field decodes that text when it can ("2021" → 2021)."""
    if isinstance(v, str):
        try:
            return json.loads(v)
        except json.JSONDecodeError:
            return v
    return v


#: Strings that are no JSON text, so `_as_django_on_sqlite` leaves them as they are: the formats
#: (but "2021" and "2019", which decode to the same `str()`) and ISO dates.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _data_keys(vendor: str, rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Rows of `_REP_FIELDS` and the data keys' array (`_DataKeys`) as rows of `_REP_FIELDS` and
    the three values the way Django's key transforms give them on this backend (on SQLite, a
    string decoded as JSON where it is one: what `_format` and `_date` then make of it is the same
    for a format's name or an ISO date, the common case, which is passed through)."""
    sqlite = vendor == "sqlite"
    formats = K.FORMATS
    iso = _ISO_DATE.fullmatch
    for row in rows:
        text = row[-1]
        if text is None:  # no active version
            yield (*row[:-1], None, None, None)
            continue
        heads, fmt, published = json.loads(text)
        if sqlite:
            if isinstance(heads, str):
                heads = _as_django_on_sqlite(heads)
            if isinstance(fmt, str) and fmt not in formats:
                fmt = _as_django_on_sqlite(fmt)
            if isinstance(published, str) and not iso(published):
                published = _as_django_on_sqlite(published)
        yield (*row[:-1], heads, fmt, published)


def _format(column: str | None, in_data: Any) -> str | None:
    """The version's format: its `data` is the truth (the column only a copy for queries, which a
    writer may leave at its default). SQLite hands a JSON scalar back decoded ("2021" → 2021)."""
    if in_data is not None and str(in_data) in K.FORMATS:
        return str(in_data)
    return column


def _date(column: dt.date | None, in_data: Any) -> dt.date | None:
    if isinstance(in_data, str):
        try:
            return dt.date.fromisoformat(in_data)
        except ValueError:
            pass
    return column


def integers(tables: dict[str, Any]) -> dict[str, int]:
    """The cells of `cells.VALUE_KEYS` that hold an integer, from the contract's tables: what a
    `Figures` row gives for the same version (`reports`)."""
    flat = flatten(tables)
    return {k: v for k in VALUE_KEYS if type(v := flat.get(k)) is int}


def reports(ids: Iterable[int]) -> dict[int, Rep]:
    """Reports by id, with their active version's cells the signals read, headings, date and
    signature. One query: the numbers from the `Figures` row written at ingest (a version made
    without one, or whose row lists one of those cells as inexact, has its tables decoded), the
    format, date and headings extracted from the version's `data` by the database."""
    out: dict[int, Rep] = {}
    todo: dict[int, Rep] = {}  # active version id → report without usable Figures
    vendor = connection.vendor
    for batch in chunks(sorted(set(ids))):
        qs = where_in(Report.objects, "id", batch)
        if vendor in ("sqlite", "postgresql"):
            rows = _data_keys(vendor, qs.annotate(_data_keys=_DataKeys()).values_list(*_REP_FIELDS, "_data_keys"))
        else:
            rows = qs.values_list(*_REP_FIELDS, *_DATA_KEYS)
        for row in rows:
            (rid, agency_id, printed, year, active_id, number, sha, fmt, published, sig, tables_sha, fig,
             inexact) = row[:13]
            heads, data_fmt, data_published = row[-3:]
            figures = row[13:-3]
            rep = Rep(
                rid, agency_id, printed or "", year, active_id, number, sha, _format(fmt, data_fmt),
                _date(published, data_published), bytes(sig) if sig is not None else None,
                heads if isinstance(heads, dict) else None, tables_sha or "",
            )
            if active_id is not None:
                if fig is None or (inexact and not VALUE_KEY_SET.isdisjoint(inexact)):
                    todo[active_id] = rep
                else:
                    rep.values = dict(zip(VALUE_KEYS, figures))
            else:
                rep.tables = {}
            out[rid] = rep
    if todo:
        for vid, t in tables(todo).items():
            todo[vid].tables = t
            todo[vid].values = integers(t)
    return out


def tables(version_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """version id → the contract's t2/t3/t4/t2_2019 objects it holds."""
    out: dict[int, dict[str, Any]] = {}
    fields = ("id", "data__t2", "data__t3", "data__t4", "data__t2_2019")
    for batch in chunks(sorted(set(version_ids))):
        for vid, *parts in where_in(Version.objects, "id", batch).values_list(*fields):
            out[vid] = {name: t for name, t in zip(_TABLES, parts) if isinstance(t, dict)}
    return out


def agencies(ids: Iterable[int | None]) -> dict[int, Ag]:
    out: dict[int, Ag] = {}
    for batch in chunks(sorted({i for i in ids if i is not None})):
        for row in where_in(Agency.objects, "id", batch).values_list("id", "code", "name", "level", "rule_making", "path"):
            out[row[0]] = Ag(*row)
    return out


def reports_of_agencies(agency_ids: Iterable[int]) -> dict[tuple[int, int], int]:
    """(agency id, year) → report id, for every report of these agencies."""
    out: dict[tuple[int, int], int] = {}
    for batch in chunks(sorted(set(agency_ids))):
        for rid, agency_id, year in where_in(Report.objects.filter(year__isnull=False), "agency_id", batch).values_list("id", "agency_id", "year"):
            out[(agency_id, year)] = rid
    return out


class Ver(NamedTuple):
    """A version's identity, without its data."""

    id: int
    report_id: int
    number: int
    sha256: str
    origin: str
    name: str
    made_by: str
    xxgk_version: str


def versions(report_ids: Iterable[int]) -> dict[int, list[Ver]]:
    """Every version of these reports that have more than one, by report, in number order: a
    report's only version is compared with nothing (`rules.version_rules`), and a batch's reports
    mostly have one, which the index on (report, number) counts without reading their rows."""
    out: dict[int, list[Ver]] = {}
    fields = ("id", "report_id", "number", "sha256", "origin", "name", "made_by", "xxgk_version")
    for batch in chunks(sorted(set(report_ids))):
        several = [rid for rid, n in where_in(Version.objects.order_by(), "report_id", batch)
                   .values_list("report_id").annotate(n=Count("id")).values_list("report_id", "n") if n > 1]
        for ids in chunks(several):
            for row in where_in(Version.objects, "report_id", ids).values_list(*fields):
                out.setdefault(row[1], []).append(Ver(*row))
    for vs in out.values():
        vs.sort(key=lambda v: v.number)
    return out


def version_contents(version_ids: Iterable[int]) -> dict[int, tuple[dict[str, Any], dict[str, str]]]:
    """version id → (tables, sections) of these versions."""
    out: dict[int, tuple[dict[str, Any], dict[str, str]]] = {}
    fields = ("id", "data__t2", "data__t3", "data__t4", "data__t2_2019", "data__sections")
    for batch in chunks(sorted(set(version_ids))):
        for vid, t2, t3, t4, t2_2019, sections in where_in(Version.objects, "id", batch).values_list(*fields):
            tables = {name: t for name, t in zip(_TABLES, (t2, t3, t4, t2_2019)) if isinstance(t, dict)}
            out[vid] = (tables, sections if isinstance(sections, dict) else {})
    return out


def sections(version_ids: Iterable[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for batch in chunks(sorted(set(version_ids))):
        for vid, secs in where_in(Version.objects, "id", batch).values_list("id", "data__sections"):
            out[vid] = secs if isinstance(secs, dict) else {}
    return out


class Signed(NamedTuple):
    """A report whose active version has a narrative signature."""

    id: int
    agency_id: int | None
    printed_agency: str
    year: int | None
    active_id: int
    signature: bytes


#: Most id ranges `signed_reports` leaves out by SQL (each a `NOT BETWEEN` test on the report row).
_SKIP_RANGES = 100


def signed_reports(known: Iterable[Rep] = ()) -> list[Signed]:
    """Every report whose active version has a signature, in id order (the LSH index's input).

    `known`: reports loaded already (in this transaction), whose signatures are taken from there:
    their rows are left out of the query by ranges of consecutive ids (a batch's new reports are
    one or a few), so that SQLite does not read their versions again (on SQLite the signature sits
    after `data` in the row: reading it walks the ~30 KB document's overflow pages)."""
    known = {r.id: r for r in known}
    runs: list[tuple[int, int]] = []
    for rid in sorted(known):
        if runs and runs[-1][1] == rid - 1:
            runs[-1] = (runs[-1][0], rid)
        else:
            runs.append((rid, rid))
    qs = Report.objects.filter(active__isnull=False, active__signature__isnull=False)
    for lo, hi in sorted(runs, key=lambda r: r[0] - r[1])[:_SKIP_RANGES]:  # the longest
        qs = qs.exclude(id__range=(lo, hi))
    out = {rid: Signed(rid, a, p or "", y, v, bytes(s))
           for rid, a, p, y, v, s in qs.values_list("id", "agency_id", "printed_agency", "year", "active_id", "active__signature")}
    for r in known.values():
        if r.active_id is not None and r.signature is not None:
            out[r.id] = Signed(r.id, r.agency_id, r.printed_agency, r.year, r.active_id, r.signature)
    return [out[rid] for rid in sorted(out)]


def reports_with_sha(shas: Sequence[str]) -> dict[str, list[int]]:
    """sha256 → ids of the reports whose active version is that file."""
    out: dict[str, list[int]] = {}
    for batch in chunks(sorted(set(shas))):
        for rid, sha in where_in(Report.objects, "active__sha256", batch).values_list("id", "active__sha256"):
            out.setdefault(sha, []).append(rid)
    return out


def reports_with_tables(digests: Sequence[str]) -> dict[str, list[int]]:
    """tables digest → ids of the reports whose active version has those tables."""
    out: dict[str, list[int]] = {}
    for batch in chunks(sorted(set(d for d in digests if d))):
        # The versions from the index on tables_sha alone, then the reports they are active in: on
        # SQLite the column sits after `data` in the row, and reading it walks the ~30 KB document's
        # overflow pages of every version matched (6 µs each).
        versions = dict(where_in(Version.objects.order_by(), "tables_sha", batch).values_list("id", "tables_sha"))
        for vids in chunks(sorted(versions)):
            for rid, vid in where_in(Report.objects, "active_id", vids).values_list("id", "active_id"):
                out.setdefault(versions[vid], []).append(rid)
    return out


def resolve(keys: Iterable[tuple[str | None, str, int | None]]) -> dict[tuple[str | None, str, int | None], int]:
    """Natural keys (agency code or None, printed agency, year) → report id: how findings name
    other reports (database ids differ between two runs that ingest the same files)."""
    keys = set(keys)
    out: dict[tuple[str | None, str, int | None], int] = {}
    by_code: dict[tuple[str, int | None], list[tuple[str | None, str, int | None]]] = {}
    for k in keys:
        if k[0]:
            by_code.setdefault((k[0], k[2]), []).append(k)
    for batch in chunks(sorted({c for c, _ in by_code})):
        for rid, code, year in where_in(Report.objects, "agency__code", batch).values_list("id", "agency__code", "year"):
            for k in by_code.get((code, year), ()):
                out[k] = rid
    printed = sorted({p for c, p, _ in keys if not c})
    for batch in chunks(printed):
        for rid, p, year in where_in(Report.objects.filter(agency__isnull=True), "printed_agency", batch).values_list("id", "printed_agency", "year"):
            if (None, p, year) in keys:
                out[(None, p, year)] = rid
    return out
