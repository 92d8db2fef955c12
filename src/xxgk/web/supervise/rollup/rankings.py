"""Rankings (排名) of the agencies under a node in a year, by quality or by workload, with charts
per year and the agencies whose report is missing.

    /rankings/?node=<code>&year=2024&by=quality|workload&sort=<column>&level=<level>&page=n
              &export=csv|xlsx[&table=ranking|missing]
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ... import limits
from ...core import tabular
from ...core.scope import scoped
from . import charts, ranks, sums
from .cached import cached, generation
from .common import node_of, report_url, year_of

#: Rows of the top-N chart.
CHART_TOP = 20


def _filters(request: HttpRequest) -> tuple[Any, str, str | None, str | None]:
    node = node_of(request)
    by = request.GET.get("by", "quality")
    if by not in ranks.BY:
        raise Http404("unknown ranking")
    level = request.GET.get("level") or None
    if level is not None and level not in sums.LEVEL_NAMES:
        raise Http404("unknown level")
    return node, by, request.GET.get("sort") or None, level


@scoped
def rankings(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    node, by, sort, level = _filters(request)
    gen = generation()
    where = (node.pk if node is not None else None, scope.path, level)
    under = scope.reports().filter(active__isnull=False, agency__isnull=False)
    if node is not None:
        under = under.filter(agency__path__startswith=node.path)
    if level is not None:
        under = under.filter(agency__level=level)
    years = cached("rank-years", where, lambda: sums.years(under), gen)
    year = year_of(request, years)
    this_year = under.filter(year=year) if year is not None else under.none()

    def compute() -> list[dict[str, Any]]:
        if by == "workload":
            sums.ready(this_year, ("rank", *where, year), gen)
        return ranks.rows(this_year, by)

    cols = ranks.BY[by]
    ranked = ranks.ordered(cached("rank-rows", (*where, year, by), compute, gen), by, sort)
    missing = scope.findings().filter(rule=ranks.MISSING, version__isnull=True, year=year)
    if node is not None:
        missing = missing.filter(agency__path__startswith=node.path)
    if level is not None:
        missing = missing.filter(agency__level=level)
    fmt = request.GET.get("export")
    if fmt:
        if request.GET.get("table") == "missing":
            return tabular.download(_missing_rows(missing), _MISSING_COLUMNS(), f"missing-{year}", fmt)
        return tabular.download(_rows(ranked, cols, 0), _columns(cols), f"rankings-{by}-{year}", fmt)
    page = Paginator(ranked, limits.PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _rows(page.object_list, cols, page.start_index() - 1 if page.paginator.count else 0)
    active_sort = sort if sort in {c.alias for c in cols} else ranks.DEFAULT_SORT[by][0]
    ctx = {
        "node": node, "year": year, "years": years, "by": by, "level": level, "sort": active_sort,
        "levels": [(k, v) for k, v in sums.LEVEL_NAMES.items()], "cols": cols, "rows": rows, "page": page,
        "missing_count": missing.count(), "missing": _missing_rows(missing, limits.PAGE_SIZE),
        "chart_top": _chart_top(ranked, cols, active_sort),
        "chart_years": _chart_years(scope, under, node, level, by, where, gen),
    }
    return render(request, "supervise/rollup/rankings.html", ctx)


def _columns(cols: list[ranks.Column]) -> list[tuple[str, Any]]:
    return [("rank", _("Rank")), ("agency", _("Agency code")), ("name", _("Agency")), ("level", _("Level")),
            ("year", _("Year")), ("published_on", _("Published on")), ("days_late", _("Days late"))] + [
        (c.key, c.label) for c in cols]


def _rows(values: Any, cols: list[ranks.Column], offset: int) -> list[dict[str, Any]]:
    out = []
    for i, r in enumerate(values, start=offset + 1):
        row = {"rank": i, "agency": r["agency__code"], "name": r["agency__name"] or r["printed_agency"],
               "level": sums.LEVEL_NAMES.get(r["agency__level"], ""), "year": r["year"],
               "published_on": r["active__published_on"],
               "days_late": ranks.days_late(r["agency__level"], r["year"], r["active__published_on"]),
               "url": report_url(r["id"])}
        for c in cols:
            row[c.key] = r[c.alias]
        row["cells"] = [row[c.key] for c in cols]
        out.append(row)
    return out


def _MISSING_COLUMNS() -> list[tuple[str, Any]]:  # noqa: N802 (translated at call time)
    return [("agency", _("Agency code")), ("name", _("Agency")), ("level", _("Level")), ("year", _("Year")),
            ("message", _("Finding"))]


def _missing_rows(qs: Any, limit: int | None = None) -> list[dict[str, Any]]:
    rows = qs.order_by("agency__path").values_list("agency__code", "agency__name", "agency__level", "year", "message")
    return [{"agency": code, "name": name, "level": sums.LEVEL_NAMES.get(level, ""), "year": year, "message": msg}
            for code, name, level, year, msg in (rows[:limit] if limit else rows)]


def _chart_top(ranked: list[dict[str, Any]], cols: list[ranks.Column], sort: str) -> dict[str, Any] | None:
    col = next(c for c in cols if c.alias == sort)
    top = ranked[:CHART_TOP]
    if not top:
        return None
    names = [r["agency__name"] or r["printed_agency"] for r in top]
    return charts.bars(f"{col.label} · {_('top %(n)s') % {'n': len(top)}}", names,
                       [(str(col.label), [r[sort] or 0 for r in top])], horizontal=True, percent=col.share)


def _chart_years(scope: Any, under: Any, node: Any, level: str | None, by: str, where: tuple[Any, ...],
                 gen: str) -> dict[str, Any] | None:
    """Per year: the quality counts, or applications received and how they ended."""
    if by == "workload":
        return _chart_workload(cached("rank-work-years", where, lambda: _workload_years(under, where, gen), gen))
    data = cached("rank-quality-years", where, lambda: _quality_years(scope, under, node, level), gen)
    if not data["per"]:
        return None
    per, sig, missing = data["per"], data["sig"], data["missing"]
    years = sorted(per)
    series = [
        (_("Reports"), [per[y]["n"] for y in years]),
        (_("Errors"), [per[y]["errors"] or 0 for y in years]),
        (_("Warnings"), [per[y]["warnings"] or 0 for y in years]),
        (_("Late"), [sig.get((y, ranks.LATE), 0) for y in years]),
        (_("Near-duplicate"), [sig.get((y, ranks.NEAR_DUPLICATE), 0) for y in years]),
        (_("Duplicate report"), [sig.get((y, ranks.DUPLICATE), 0) for y in years]),
        (_("Missing"), [missing.get(y, 0) for y in years]),
    ]
    return charts.lines(_("Quality per year"), years, series)


def _quality_years(scope: Any, under: Any, node: Any, level: str | None) -> dict[str, Any]:
    per = {r["year"]: r for r in under.filter(year__isnull=False).values("year").annotate(
        n=Count("id"), errors=Sum("active__errors"), warnings=Sum("active__warnings")).order_by()}
    rules = [ranks.LATE, ranks.NEAR_DUPLICATE, ranks.DUPLICATE]
    sig = {(y, rule): n for y, rule, n in under.filter(
        active__findings__source="quality", active__findings__rule__in=rules).values_list(
        "year", "active__findings__rule").annotate(n=Count("active__findings__id")).order_by()}
    miss = scope.findings().filter(rule=ranks.MISSING, version__isnull=True, year__in=list(per))
    if node is not None:
        miss = miss.filter(agency__path__startswith=node.path)
    if level is not None:
        miss = miss.filter(agency__level=level)
    missing = dict(miss.values_list("year").annotate(n=Count("id")).order_by())
    return {"per": per, "sig": sig, "missing": missing}


_OUTCOME_ALIASES = ("w_granted", "w_partially", "w_denied", "w_unable", "w_not_processed", "w_other")


def _workload_years(under: Any, where: tuple[Any, ...], gen: str) -> dict[int, dict[str, Any]]:
    sums.ready(under, ("rank-all", *where), gen)
    aggs = {c.alias: Sum(c.expr()) for c in ranks.WORKLOAD if c.alias in _OUTCOME_ALIASES}
    aggs["w_received"] = Sum(ranks._cell("t3.new_received.total"))
    return {r["year"]: r for r in under.filter(year__isnull=False).values("year").annotate(**aggs).order_by()}


def _chart_workload(per: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    if not per:
        return None
    outcomes = [c for c in ranks.WORKLOAD if c.alias in _OUTCOME_ALIASES]
    years = sorted(per)
    shares = [charts.percents([per[y][c.alias] for c in outcomes]) for y in years]
    option = charts.bars(_("Applications received and outcomes per year"), years,
                         [(str(c.label), [s[i] for s in shares]) for i, c in enumerate(outcomes)],
                         stacked=True, percent=True)
    # Applications received as a line on a second axis.
    option["yAxis"] = [option["yAxis"], {"type": "value", "name": str(_("Applications received"))}]
    option["series"].append({"name": str(_("Applications received")), "type": "line", "yAxisIndex": 1,
                             "data": [per[y]["w_received"] or 0 for y in years]})
    return option
