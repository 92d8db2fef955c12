"""年报汇总 (coverage): for a node of the hierarchy and a year, how many of its agencies were expected
to publish, published, published late, did not publish, published with errors, without tables, or as
a scan; drill-down from the user's node to each child; the list of agencies with their report and a
link to it, filterable and exportable (CSV/XLSX).

    /coverage/                  the user's node (the store's roots for a whole-store user)
    /coverage/<agency code>/    another node of the user's subtree (404 outside it)
    ?year=2024&errors=1&late=1&export=csv

Every number comes from `coverage_data` (a handful of queries whatever the subtree's size).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from xxgk.store.models import LEVELS, MEDIA

from .. import limits
from ..core import tabular
from ..core.scope import Scope, scoped
from . import coverage_data as data

#: Seconds the years of a scope are cached (the year selector; a new year appears within this).
YEARS_CACHE_SECONDS = 300
_LEVEL_ORDER = {code: i for i, (code, _) in enumerate(LEVELS)}
_LEVEL_NAMES = dict(LEVELS)
_MEDIUM_NAMES = dict(MEDIA)

#: The export's columns: (key, label); keys are the store's column names (README, Analytics).
COLUMNS = [
    ("agency_code", "机关代码"), ("agency_name", "机关名称"), ("level", "层级"), ("year", "年度"),
    ("status", "状态"), ("report_id", "年报编号"), ("published_on", "发布日期"), ("deadline", "发布期限"),
    ("days_late", "迟报天数"), ("medium", "介质"), ("format", "格式"), ("errors", "错误数"), ("warnings", "警告数"),
    ("late", "迟报"), ("missing", "未报"), ("no_tables", "无表格"), ("scanned", "扫描件"),
]


def _years(scope: Scope) -> list[int]:
    key = f"xxgk:coverage:years:{scope.path or '/'}"
    years = cache.get(key)
    if years is None:
        years = sorted(set(scope.reports().filter(active__isnull=False, year__isnull=False)
                           .values_list("year", flat=True).distinct().order_by()), reverse=True)
        cache.set(key, years, YEARS_CACHE_SECONDS)
    return years


def _year(request: HttpRequest, years: list[int]) -> int:
    raw = request.GET.get("year", "")
    if raw:
        try:
            year = int(raw)
        except ValueError:
            raise Http404("bad year") from None
        if not 1990 <= year <= 2100:
            raise Http404("bad year")
        return year
    return years[0] if years else dt.date.today().year - 1


def _report_url() -> Any:
    """`report_url(pk)`: the report page (URL name `report`) when installed, else /reports/<pk>/."""
    try:
        reverse("report", args=[1])
    except NoReverseMatch:
        return lambda pk: f"/reports/{pk}/"
    return lambda pk: reverse("report", args=[pk])


def _status(row: dict[str, Any]) -> str:
    if row["version_id"] is None:
        return "missing"
    return "late" if row["is_late"] else "published"


def _row(row: dict[str, Any], year: int) -> dict[str, Any]:
    """A list row with the export's keys."""
    due = data.deadline(row["level"], year)
    published = row["published_on"]
    return {
        "agency_code": row["code"], "agency_name": row["name"], "level": row["level"], "year": year,
        "status": _status(row), "report_id": row["report_id"] if row["version_id"] else None,
        "published_on": published.isoformat() if published else None, "deadline": due.isoformat(),
        "days_late": (published - due).days if published and row["is_late"] else None,
        "medium": row["medium"], "format": row["format"], "errors": row["errors"], "warnings": row["warnings"],
        "late": int(row["is_late"]), "missing": int(row["version_id"] is None),
        "no_tables": int(row["is_no_tables"]), "scanned": int(row["is_scanned"]),
    }


def _node(request: HttpRequest, code: str | None) -> Any:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    if code is not None:
        return scope.agency(code)
    if scope.everything:
        return None
    return scope.agencies().get(pk=scope.agency_id)


def _breadcrumb(scope: Scope, node: Any) -> list[Any]:
    """The nodes from the user's own down to `node` (nothing above the user's node)."""
    if node is None:
        return []
    codes = [c for c in node.path.strip("/").split("/") if c]
    above = {a.code: a for a in scope.agencies().filter(code__in=codes).only("code", "name", "path", "level")}
    return [above[c] for c in codes if c in above]


@scoped
@require_safe
def coverage(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    node = _node(request, code)
    node_path = node.path if node is not None else "/"
    years = _years(scope)
    year = _year(request, years)
    filters = [f for f in data.FILTERS if request.GET.get(f) == "1"]
    agencies = scope.agencies()

    fmt = request.GET.get("export")
    if fmt:
        rows = (_row(r, year) for r in data.agency_list(agencies, node_path, year, filters).iterator(chunk_size=2000))
        stem = f"coverage-{node.code if node is not None else 'all'}-{year}"
        return tabular.download(rows, COLUMNS, stem, fmt)

    counts = data.by_child_cached(agencies, scope.path, node_path, node.pk if node is not None else None, year)
    total = data.total(counts)
    # Children with agencies under them get a row each; those standing alone (a county's townships
    # and departments, a city's bureaus) are summed in one row and listed one by one below.
    kids = agencies.filter(parent=node) if node is not None else agencies.filter(parent__isnull=True)
    branches = [code for code, g in counts.items() if code != data.SELF and g["expected"] > 1]
    children = sorted(
        ({"agency": a, "level_name": _LEVEL_NAMES.get(a.level, a.level), **counts[a.code]}
         for a in kids.filter(code__in=branches).only("code", "name", "level", "path")),
        key=lambda c: (_LEVEL_ORDER.get(c["agency"].level, 99), c["agency"].code))
    leaves = [g for code, g in counts.items() if code != data.SELF and code not in branches]
    direct = data.total({str(i): g for i, g in enumerate(leaves)}) if leaves else None
    own = counts.get(data.SELF) if node is not None else None
    if own is not None:
        children.insert(0, {"agency": node, "own": True, "level_name": _LEVEL_NAMES.get(node.level, node.level), **own})
    base = reverse("coverage", args=["-"])[:-2]  # "/coverage/": reversed once, not per row
    for c in children:
        c["url"] = f"{base}{quote(c['agency'].code, safe='')}/?year={year}"
    for c in (*children, total, *([direct] if direct else [])):
        c["rate"] = round(100 * c["published"] / c["expected"]) if c["expected"] else 0

    listed_qs = data.agency_list(agencies, node_path, year, filters)
    # The list's length is already known from the counts unless several filters are combined.
    known = total["expected"] if not filters else (total[filters[0]] if len(filters) == 1 else None)
    page = _Paginator(listed_qs, limits.PAGE_SIZE, known).get_page(request.GET.get("page"))
    url = _report_url()
    listed = []
    for r in page.object_list:
        row = _row(r, year)
        row["url"] = url(row["report_id"]) if row["report_id"] else None
        row["level_name"] = _LEVEL_NAMES.get(row["level"], row["level"])
        row["medium_name"] = _MEDIUM_NAMES.get(row["medium"], row["medium"]) if row["medium"] else None
        row["is_node"] = node is not None and r["code"] == node.code
        row["node_url"] = f"{base}{quote(r['code'], safe='')}/?year={year}"
        listed.append(row)
    query = {"year": year, **{f: "1" for f in filters}}
    return render(request, "supervise/coverage/page.html", {
        "node": node, "breadcrumb": _breadcrumb(scope, node), "year": year,
        "years": sorted(set(years) | {year}, reverse=True), "filters": filters,
        "filter_choices": [(f, _FILTER_LABELS[f]) for f in data.FILTERS], "total": total,
        "children": children, "direct": direct, "page": page, "rows": listed, "query": urlencode(query),
        "export_csv": "?" + urlencode({**query, "export": "csv"}), "export_xlsx": "?" + urlencode({**query, "export": "xlsx"}),
        "deadline_gov": data.deadline("county", year), "deadline_dept": data.deadline("department", year),
    })


class _Paginator(Paginator):
    """A paginator told its count when it is known (no COUNT query)."""

    def __init__(self, object_list: Any, per_page: int, count: int | None) -> None:
        super().__init__(object_list, per_page)
        if count is not None:
            self.__dict__["count"] = count  # the cached_property's slot


_FILTER_LABELS = {
    "errors": _("With errors"), "no_tables": _("Without tables"), "scanned": _("Scanned"),
    "late": _("Late"), "missing": _("Missing"),
}

urlpatterns = [
    path("coverage/", coverage, name="coverage"),
    path("coverage/<str:code>/", coverage, name="coverage"),
]
