"""The issues list's query: every open finding of the scope, filtered, in pages, counted cheaply.

A finding on the list is either on a report's active version (the reader's, the checks' and the
store's signals) or on an agency-year (`quality.missing`). The two are queried apart, each by an
indexed path (reports of the subtree → their active versions → findings by `version_id`; agencies
of the subtree → findings by `agency_id`), and joined with UNION ALL for a page: one OR across both
paths would make the database test every finding of the store. Counts stop at
`limits.ISSUES_COUNT_CAP`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

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


def parts(scope: Any, f: Filters) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """(findings on active versions, findings on agency-years) of the scope matching `f`."""
    reports = scope.reports().filter(active__isnull=False)
    agencies = scope.agencies()
    if f.agency is not None:
        reports = reports.filter(agency__path__startswith=f.agency.path)
        agencies = agencies.filter(path__startswith=f.agency.path)
    if f.level:
        reports = reports.filter(agency__level=f.level)
        agencies = agencies.filter(level=f.level)
    if f.year is not None:
        reports = reports.filter(year=f.year)
    common: dict[str, Any] = {}
    if f.rule:
        common["rule"] = f.rule
    if f.severity:
        common["severity"] = f.severity
    if f.source:
        common["source"] = f.source
    if f.state != "all":
        common["handled"] = f.state == "handled"
    base = scope.findings().filter(**common)
    on_versions = base.filter(version_id__in=reports.values("active_id"))
    agency_year = base.filter(version__isnull=True, agency_id__in=agencies.values("id"))
    if f.year is not None:
        agency_year = agency_year.filter(year=f.year)
    if f.source in ("read", "check"):
        agency_year = agency_year.none()
    return on_versions, agency_year


class Ids:
    """The ids of both parts, newest first, sliceable and counted up to a cap: what Django's
    `Paginator` needs, without COUNT(*) over a whole store."""

    def __init__(self, on_versions: QuerySet[Any], agency_year: QuerySet[Any], cap: int) -> None:
        self.a, self.b, self.cap = on_versions, agency_year, cap
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            n = self.a.order_by().values("id")[: self.cap + 1].count()
            if n <= self.cap:
                n += self.b.order_by().values("id")[: self.cap + 1 - n].count()
            self._count = n
        return self._count

    @property
    def capped(self) -> bool:
        return self.count() > self.cap

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, s: slice) -> list[int]:
        union = (self.a.order_by().values_list("id", flat=True)
                 .union(self.b.order_by().values_list("id", flat=True), all=True).order_by("-id"))
        return list(union[s])


class CappedPaginator(Paginator):
    """A paginator whose count stops at `Ids.cap` (+1: "more than")."""

    @property
    def count(self) -> int:  # type: ignore[override]
        return min(self.object_list.count(), self.object_list.cap)


def page_of(scope: Any, f: Filters, number: Any) -> Any:
    """The page `number` of the list: a `Page` whose `object_list` are Finding rows (agency,
    version and report joined in the same query)."""
    ids = Ids(*parts(scope, f), limits.ISSUES_COUNT_CAP)
    page = CappedPaginator(ids, limits.PAGE_SIZE).get_page(number)
    wanted = list(page.object_list)
    rows = {r.pk: r for r in scope.findings().filter(id__in=wanted).select_related(
        "agency", "version", "version__report", "version__report__agency")}
    page.object_list = [rows[i] for i in wanted if i in rows]
    page.capped = ids.capped
    return page


def rows_for_export(scope: Any, f: Filters) -> Any:
    """Every matching finding (up to `limits.ISSUES_EXPORT_MAX_ROWS`), newest first per part."""
    budget = limits.ISSUES_EXPORT_MAX_ROWS
    for part in parts(scope, f):
        qs = part.select_related("agency", "version__report__agency").order_by("-id")[:budget]
        n = 0
        for finding in qs.iterator(chunk_size=2000):
            n += 1
            yield finding
        budget -= n
        if budget <= 0:
            return
