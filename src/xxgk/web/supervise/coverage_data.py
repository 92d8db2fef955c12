"""The numbers of 年报汇总 (coverage), computed in the database.

For a node of the hierarchy and a year, every agency of the node's subtree is expected to publish a
report. One query joins each agency to its report of that year (a `FilteredRelation`: an agency
without one keeps a row with nulls) and to the report's active version, and counts per child of
the node, the child found from the agency's materialised path (the path segment after the node's
own, by `Substr`/`StrIndex`): no loop over agencies in Python, one query whatever the subtree's size.

What is counted (`FLAGS`), per agency of the subtree:

- `published`: its report of the year has an active version;
- `missing`: it has none (no report, or a report without an active version); the store's
  `quality.missing` findings say the same for the years its hierarchy reports;
- `late`: published after the statutory deadline of its level (`xxgk.store.quality.thresholds.
  DEADLINES`: 31 January of the next year for departments and townships, 31 March for
  governments), the rule of the store's `quality.late` findings, evaluated on `published_on`;
- `errors`: its active version has error findings;
- `no_tables`: its active version has no national tables (format neither 2019 nor 2021, or 表三
  missing: `t3.missing`);
- `scanned`: its active version is an image, or a PDF with pages read by OCR (`read.page_ocr`).

The finding-based flags test membership in the (uncorrelated) set of versions that carry the
finding in that year, which PostgreSQL hashes once per query rather than probing per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import BooleanField, Case, CharField, Count, F, FilteredRelation, Q, QuerySet, Value, When
from django.db.models.functions import StrIndex, Substr

from xxgk.store.quality.thresholds import DEADLINE_UNKNOWN_LEVEL, DEADLINES

#: Counted per node and listed per agency, in the order of the page's columns.
FLAGS = ("published", "late", "missing", "errors", "no_tables", "scanned")
#: The filters of the agency list (a subset of FLAGS) and their query-string names.
FILTERS = ("errors", "no_tables", "scanned", "late", "missing")
#: Formats with the national tables (report-json.md).
TABLE_FORMATS = ("2019", "2021")


def with_report(agencies: QuerySet[Any], year: int) -> QuerySet[Any]:
    """`agencies` each joined to its report of `year` and that report's active version (null when
    it has none), with the columns the page reads as aliases (`r_id`, `v_id`, `v_published_on`, …):
    conditions on an alias are resolved once, not walked through the relations for every filter."""
    return agencies.alias(yr=FilteredRelation("reports", condition=Q(reports__year=year))).alias(
        r_id=F("yr__id"), v_id=F("yr__active_id"), v_published_on=F("yr__active__published_on"),
        v_medium=F("yr__active__medium"), v_format=F("yr__active__format"), v_errors=F("yr__active__errors"),
        v_warnings=F("yr__active__warnings"))


def deadline_q(year: int) -> Q:
    """Published after its level's deadline for reports of `year`."""
    by_deadline: dict[tuple[int, int], list[str]] = defaultdict(list)
    for level, md in DEADLINES.items():
        by_deadline[md].append(level)
    q = Q()
    for (month, day), levels in by_deadline.items():
        q |= Q(level__in=levels, v_published_on__gt=dt.date(year + 1, month, day))
    known = [lvl for lvls in by_deadline.values() for lvl in lvls]
    m, d = DEADLINE_UNKNOWN_LEVEL
    q |= Q(v_published_on__gt=dt.date(year + 1, m, d)) & ~Q(level__in=known)
    return q


def flag_q(year: int) -> dict[str, Q]:
    """Each flag as a condition on an agency joined by `with_report`."""
    from xxgk.store.models import Finding

    def carrying(*rules: str) -> Any:
        return Finding.objects.filter(rule__in=rules, year=year, version__isnull=False).values("version_id")

    published = Q(v_id__isnull=False)
    return {
        "published": published,
        "late": published & deadline_q(year),
        "missing": Q(v_id__isnull=True),
        "errors": Q(v_errors__gt=0),
        "no_tables": published & (~Q(v_format__in=TABLE_FORMATS) | Q(v_id__in=carrying("t3.missing"))),
        "scanned": Q(v_medium="image") | Q(v_id__in=carrying("read.page_ocr")),
    }


def _counts(year: int) -> dict[str, Any]:
    flags = flag_q(year)
    return {"expected": Count("id"), **{name: Count("id", filter=flags[name]) for name in FLAGS}}


def child_segment(node_path: str, node_id: int | None = None) -> Any:
    """The code of the child of `node_path` ("/" for the store's root) an agency's path lies under;
    "" for the node itself (`node_id`)."""
    rest = Substr("path", len(node_path) + 1)
    segment = Substr("path", len(node_path) + 1, StrIndex(rest, Value("/")) - 1)
    if node_id is None:
        return segment
    return Case(When(pk=node_id, then=Value("")), default=segment, output_field=CharField())


#: The key of the node's own row in `by_child`.
SELF = ""


def by_child(scope_agencies: QuerySet[Any], node_path: str, node_id: int | None, year: int) -> dict[str, dict[str, int]]:
    """child code → counts over the child's subtree, for every child of the node, and `SELF` → the
    node's own (when it is an agency): one query, one pass over the subtree."""
    qs = with_report(scope_agencies.filter(path__startswith=node_path), year)
    rows = qs.annotate(child=child_segment(node_path, node_id)).values("child").annotate(**_counts(year)).order_by()
    return {r.pop("child"): r for r in rows}


#: Seconds an aggregate is reused while the store has no new version, report or agency. What
#: changes without a new row (a version made active, a report settled to an agency, an agency
#: moved) shows within this time.
CACHE_SECONDS = 60


def generation() -> tuple[int, int, int]:
    """The store's newest version, report and agency ids: any ingestion, correction or import
    changes it, so a cached aggregate keyed by it is never older than the last of those."""
    from django.db import connection

    from xxgk.store.models import Agency, Report, Version

    tables = [m._meta.db_table for m in (Version, Report, Agency)]
    with connection.cursor() as c:
        c.execute("SELECT " + ", ".join(f"(SELECT MAX(id) FROM {connection.ops.quote_name(t)})" for t in tables))
        row = c.fetchone()
    return tuple(int(x or 0) for x in row)  # type: ignore[return-value]


def by_child_cached(scope_agencies: QuerySet[Any], scope_path: str, node_path: str, node_id: int | None,
                    year: int) -> dict[str, dict[str, int]]:
    """`by_child`, reused for CACHE_SECONDS while `generation()` stays the same: a province's
    aggregate joins every report of the year, and a supervisor reloading the page should not pay
    for it again when nothing was ingested meanwhile."""
    from django.core.cache import cache

    import hashlib

    where = hashlib.sha256(f"{scope_path}|{node_path}".encode()).hexdigest()[:32]  # paths can be long
    key = f"xxgk:coverage:{where}:{year}:{'.'.join(map(str, generation()))}"
    groups = cache.get(key)
    if groups is None:
        groups = by_child(scope_agencies, node_path, node_id, year)
        cache.set(key, groups, CACHE_SECONDS)
    return groups


def total(groups: dict[str, dict[str, int]]) -> dict[str, int]:
    """The counts over the whole subtree: the sum of `by_child`'s groups."""
    return {k: sum(g[k] for g in groups.values()) for k in ("expected", *FLAGS)}


def agency_list(scope_agencies: QuerySet[Any], node_path: str, year: int, filters: list[str]) -> QuerySet[Any]:
    """The agencies of the subtree (hierarchy order) with their report of the year, narrowed by
    `filters` (all must hold); rows are dicts with the columns of `COLUMNS`."""
    flags = flag_q(year)
    qs = with_report(scope_agencies.filter(path__startswith=node_path), year)
    for name in filters:
        qs = qs.filter(flags[name])
    annotations = {f"is_{name}": _case(flags[name]) for name in ("late", "no_tables", "scanned")}
    return qs.annotate(
        report_id=F("r_id"), version_id=F("v_id"), published_on=F("v_published_on"), medium=F("v_medium"),
        format=F("v_format"), errors=F("v_errors"), warnings=F("v_warnings"), **annotations,
    ).values("code", "name", "level", "path", "report_id", "version_id", "published_on", "medium", "format", "errors",
             "warnings", *annotations).order_by("path")


def _case(q: Q) -> Any:
    return Case(When(q, then=Value(True)), default=Value(False), output_field=BooleanField())


def deadline(level: str | None, year: int) -> dt.date:
    month, day = DEADLINES.get(level or "", DEADLINE_UNKNOWN_LEVEL)
    return dt.date(year + 1, month, day)
