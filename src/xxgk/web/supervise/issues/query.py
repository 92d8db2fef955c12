"""The issues list's query: every open finding of the scope, filtered, in pages, counted cheaply.

A finding on the list is on an agency-year (`quality.missing`: no report to hang it on) or on the
active version of a report (the reader's, the checks' and the store's signals). The list shows
them in that order, each part in the order of the hierarchy (agency path, newest year first), so
that each part is one query the database drives from the subtree's agencies down through their
reports to the findings by index, and stops after a page: measured at 100,000 reports and
~800,000 findings, 1–25 ms a part on PostgreSQL (bench/bench_rollup.py). Ordered by finding id
instead, a county's findings (ingested together, so adjacent ids) cost a scan of most of the table;
one query over both kinds of finding (OR, or a UNION) loses the index-driven plan.

The access rule holds twice: the parts start from `scope.reports()` and `scope.findings()` (a
count filtered by rule or year runs on `Finding` restricted to the active versions of the scope's
reports), and the rows shown or exported are read through `scope.findings()`. Counts stop at
`limits.ISSUES_COUNT_CAP`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest

from xxgk.store.models import Finding

from ... import limits
from ..rollup.sums import LEVEL_NAMES

STATES = ("open", "handled", "all")
SOURCES = ("read", "check", "quality")
SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class Filters:
    rule: str = ""
    severity: str = ""
    level: str = ""
    year: int | None = None
    agency: Any = None  # an Agency within the scope: its subtree
    state: str = "open"
    source: str = ""

    @classmethod
    def parse(cls, request: HttpRequest) -> Filters:
        """From the query string; a value outside the known ones is a 404 (never a silent 'all')."""
        g = request.GET
        severity, level, state, source = (g.get("severity", ""), g.get("level", ""), g.get("state", "open") or "open",
                                          g.get("source", ""))
        if severity and severity not in SEVERITIES or level and level not in LEVEL_NAMES \
                or state not in STATES or source and source not in SOURCES:
            raise Http404("unknown filter value")
        year = None
        if g.get("year"):
            try:
                year = int(g["year"])
            except ValueError:
                raise Http404("bad year") from None
        code = g.get("agency", "").strip()
        agency = request.scope.agency(code) if code else None  # type: ignore[attr-defined]
        return cls(g.get("rule", "").strip()[:64], severity, level, year, agency, state, source)

    def query(self) -> dict[str, str]:
        """The filters as query-string values (for links that keep them)."""
        q = {"rule": self.rule, "severity": self.severity, "level": self.level,
             "year": str(self.year) if self.year else "", "agency": self.agency.code if self.agency else "",
             "state": self.state, "source": self.source}
        return {k: v for k, v in q.items() if v}


@dataclass
class Part:
    """One part of the list: its ids in list order, and the cheapest query that counts them."""

    ids: QuerySet[Any]
    counted: QuerySet[Any]


def parts(scope: Any, f: Filters) -> list[Part]:
    """The matching findings in list order: agency-year findings, findings on matched reports'
    active versions, then (whole-store users) on unmatched reports'."""
    common: dict[str, Any] = {}
    for name, value in (("rule", f.rule), ("severity", f.severity), ("source", f.source)):
        if value:
            common[name] = value
    if f.state != "all":
        common["handled"] = f.state == "handled"
    reports = scope.reports().filter(active__isnull=False)
    agency_year = scope.findings().filter(version__isnull=True, agency__isnull=False, **common)
    if f.agency is not None:
        reports = reports.filter(agency__path__startswith=f.agency.path)
        agency_year = agency_year.filter(agency__path__startswith=f.agency.path)
    if f.level:
        reports = reports.filter(agency__level=f.level)
        agency_year = agency_year.filter(agency__level=f.level)
    if f.year is not None:
        reports = reports.filter(year=f.year)
        agency_year = agency_year.filter(year=f.year)
    if f.source in ("read", "check"):
        agency_year = agency_year.none()
    agency_year = agency_year.order_by("agency__path", "-year", "id").values_list("id", flat=True)
    out = [Part(agency_year, agency_year)]
    groups = [reports.filter(agency__isnull=False)]
    if scope.everything and f.agency is None and not f.level:
        groups.append(reports.filter(agency__isnull=True))
    for i, group in enumerate(groups):
        # One filter() call, so that every condition is on the same join to the findings.
        on = group.filter(active__findings__isnull=False, **{f"active__findings__{k}": v for k, v in common.items()})
        ids = on.order_by("agency__path" if i == 0 else "printed_agency", "-year", "active__findings__id") \
            .values_list("active__findings__id", flat=True)
        counted = ids
        if f.state == "handled":
            # Handled findings are few: found through their partial index (store migration 0003),
            # most recently handled first, instead of walking every report of the subtree in path
            # order to find them (bench store: 468 ms → see bench/RESULTS.md).
            extra = {"year": f.year} if f.year is not None else {}
            on_active = Exists(group.filter(active_id=OuterRef("version_id")))  # per handled finding
            ids = Finding.objects.filter(on_active, **common, **extra) \
                .order_by("-handled_at", "-id").values_list("id", flat=True)
            counted = ids
        elif f.rule or f.year is not None:
            # Counted from the findings' side, on the (year, rule) index: a finding's year is its
            # report's (ingest, corrections and the store's signals all copy it).
            extra = {"year": f.year} if f.year is not None else {}
            # EXISTS per finding, not IN (the scope's active ids): SQLite builds the IN list of every
            # active version first (88 ms at 101,443 reports), EXISTS runs from the index (rule/year).
            counted = Finding.objects.filter(Exists(group.filter(active_id=OuterRef("version_id"))), **common, **extra) \
                .values_list("id", flat=True)
        out.append(Part(ids, counted))
    return out


class Ids:
    """The ids of the parts one after the other, sliceable and counted up to a cap: what Django's
    `Paginator` needs, without COUNT(*) over a whole store."""

    def __init__(self, parts: list[Part], cap: int) -> None:
        self.parts, self.cap = parts, cap
        self._counts: list[int] | None = None

    def counts(self) -> list[int]:
        """Rows of each part, counted until the cap is passed (later parts then count 0)."""
        if self._counts is None:
            left = self.cap + 1
            self._counts = []
            for part in self.parts:
                n = part.counted.order_by()[:left].count() if left > 0 else 0
                self._counts.append(n)
                left -= n
        return self._counts

    def count(self) -> int:
        return sum(self.counts())

    @property
    def capped(self) -> bool:
        return self.count() > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, s: slice) -> list[int]:
        start, stop = s.start or 0, s.stop
        out: list[int] = []
        for part, n in zip(self.parts, self.counts()):
            if stop <= 0:
                break
            if start < n:
                out += list(part.ids[start:min(stop, n)])
            start, stop = max(0, start - n), stop - n
        return out


class CappedPaginator(Paginator):
    """A paginator whose count stops at `Ids.cap` (the page says "more than")."""

    @property
    def count(self) -> int:  # type: ignore[override]
        return min(self.object_list.count(), self.object_list.cap)


def page_of(scope: Any, f: Filters, number: Any) -> Any:
    """The page `number` of the list: a `Page` whose `object_list` are Finding rows (agency,
    version and report joined in the same query)."""
    ids = Ids(parts(scope, f), limits.ISSUES_COUNT_CAP)
    page = CappedPaginator(ids, limits.PAGE_SIZE).get_page(number)
    wanted = list(page.object_list)
    page.object_list = _rows(scope, wanted)
    page.capped = ids.capped
    return page


def _rows(scope: Any, ids: list[int]) -> list[Any]:
    rows = {r.pk: r for r in scope.findings().filter(id__in=ids).select_related(
        "agency", "version", "version__report", "version__report__agency")
        .defer("version__data", "version__signature", "version__report__candidates")}
    return [rows[i] for i in ids if i in rows]


def rows_for_export(scope: Any, f: Filters) -> Any:
    """Every matching finding in list order, up to `limits.ISSUES_EXPORT_MAX_ROWS`."""
    budget = limits.ISSUES_EXPORT_MAX_ROWS
    for part in parts(scope, f):
        ids = list(part.ids[:budget])
        budget -= len(ids)
        for start in range(0, len(ids), 1000):
            yield from _rows(scope, ids[start:start + 1000])
        if budget <= 0:
            return
