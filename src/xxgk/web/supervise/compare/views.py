"""Year on year (比对, issue 15 point 5): one agency's two years side by side, or any two reports
of the user's scope, with DOCX, PDF, CSV and XLSX exports of the same comparison.

    /agencies/<code>/compare/?a=2023&b=2024        the agency's years (default: its two latest)
    /compare/?a=<report pk>&b=<report pk>          any two reports; the earlier year is put first
    …&export=docx|pdf|csv|xlsx                     the comparison as a file

Everything comes through `request.scope` (an agency or report outside it is a 404). The comparison
(`xxgk.report.compare`) is computed from the two active versions and kept in the cache under their
ids: a version never changes (a correction is a new version), so the key is never stale; a
comparison takes ~20 ms on two real reports, the cached one under 1 ms to load.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

import xxgk
from xxgk.report.compare import compare
from xxgk.report.model import Report

from ...core import tabular
from ...core.scope import scoped
from . import export, present

#: Bump when `present.build` or `compare` change what they give: older cached entries are ignored.
CACHE_VERSION = 4
CACHE_SECONDS = 7 * 24 * 3600
EXPORTS = ("docx", "pdf", "csv", "xlsx")


def comparison(scope: Any, version_a: int, version_b: int) -> dict[str, Any]:
    """The display data of two versions' comparison (`present.build`), from the cache when there."""
    key = f"xxgk:compare:{CACHE_VERSION}:{xxgk.__version__}:{version_a}:{version_b}"
    data = cache.get(key)
    if data is None:
        rows = dict(scope.versions().filter(pk__in=[version_a, version_b]).values_list("pk", "data"))
        if version_a not in rows or version_b not in rows:
            raise Http404
        data = present.build(compare(Report.from_dict(rows[version_a]), Report.from_dict(rows[version_b])))
        cache.set(key, data, CACHE_SECONDS)
    return data


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


def _report_url(pk: int) -> str | None:
    """The report page (part 3) when it is installed."""
    try:
        return reverse("report", args=[pk])
    except NoReverseMatch:
        return None


def _reports(scope: Any) -> Any:
    return scope.reports().select_related("agency").filter(active__isnull=False).only(
        "pk", "year", "printed_agency", "active_id", "agency__code", "agency__name", "agency__path")


@scoped
def agency_compare(request: HttpRequest, code: str) -> HttpResponse:
    """An agency's two years: `a` and `b` are years (default: the two latest with a report)."""
    scope = request.scope  # type: ignore[attr-defined]
    agency = scope.agency(code)
    reports = {r.year: r for r in _reports(scope).filter(agency=agency, year__isnull=False).order_by("-year")}
    years = list(reports)
    ctx: dict[str, Any] = {"agency": agency, "years": years, "mode": "agency"}
    if "a" in request.GET or "b" in request.GET:
        ya, yb = _int(request.GET.get("a")), _int(request.GET.get("b"))
        if ya not in reports or yb not in reports:
            raise Http404
    elif len(years) >= 2:
        yb, ya = years[0], years[1]
    else:
        return render(request, "supervise/compare/page.html", ctx)
    if ya > yb:
        ya, yb = yb, ya
    return _answer(request, ctx, reports[ya], reports[yb], f"compare-{agency.code}-{ya}-{yb}", {"a": ya, "b": yb})


@scoped
def reports_compare(request: HttpRequest) -> HttpResponse:
    """Any two reports of the scope, by report id; the one of the earlier year is shown first."""
    scope = request.scope  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {"mode": "reports", "ask_a": request.GET.get("a", ""), "ask_b": request.GET.get("b", "")}
    if not request.GET.get("a") or not request.GET.get("b"):
        return render(request, "supervise/compare/choose.html", ctx)
    ra, rb = (_get(_reports(scope), _int(request.GET.get(k))) for k in ("a", "b"))
    if (ra.year or 0) > (rb.year or 0):
        ra, rb = rb, ra
    return _answer(request, ctx, ra, rb, f"compare-{ra.pk}-{rb.pk}", {"a": ra.pk, "b": rb.pk})


def _get(qs: Any, pk: int) -> Any:
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _answer(request: HttpRequest, ctx: dict[str, Any], ra: Any, rb: Any, stem: str, query: dict[str, Any]) -> HttpResponse:
    """The page, or with `export` the file, of reports `ra` (earlier) and `rb` (later)."""
    data = comparison(request.scope, ra.active_id, rb.active_id)  # type: ignore[attr-defined]
    fmt = request.GET.get("export")
    ctx |= {"c": data, "title": _title(ra, rb, data), "url_a": _report_url(ra.pk), "url_b": _report_url(rb.pk),
            "exports": [(f.upper(), "?" + urlencode({**query, "export": f})) for f in EXPORTS]}
    if fmt is None:
        return render(request, "supervise/compare/page.html", ctx)
    if fmt not in EXPORTS:
        raise Http404("unknown export format")
    if fmt in ("csv", "xlsx"):
        return tabular.download(export.cell_rows(data), export.CELL_COLUMNS, stem, fmt)
    if fmt == "docx":
        body, mime = export.docx_bytes(data, ctx["title"]), export.DOCX
    else:
        body, mime = export.pdf_bytes(request, ctx), "application/pdf"
    response = HttpResponse(body, content_type=mime)
    safe = "".join(ch if (ch.isascii() and ch.isalnum()) or ch in "-_." else "_" for ch in stem)
    response["Content-Disposition"] = f'attachment; filename="{safe}.{fmt}"'
    return response


def _title(ra: Any, rb: Any, data: dict[str, Any]) -> str:
    """"<agency> <year> and <year> compared", or both agencies when they differ (generic URL); the
    agency as the hierarchy names it, else as printed (a report not matched to an agency yet)."""
    name_a = (ra.agency.name if ra.agency_id else "") or data["a"]["agency"]
    name_b = (rb.agency.name if rb.agency_id else "") or data["b"]["agency"]
    year_a, year_b = _year(data["a"]["year"]), _year(data["b"]["year"])
    if name_a == name_b:
        return _("%(agency)s: %(a)s and %(b)s compared") % {"agency": name_b, "a": year_a, "b": year_b}
    return _("%(a)s and %(b)s compared") % {"a": f"{name_a} {year_a}", "b": f"{name_b} {year_b}"}


def _year(y: int | None) -> str:
    return _("year %(year)s") % {"year": "?" if y is None else y}
