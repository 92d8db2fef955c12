"""Issues list (问题清单): every open finding across the user's hierarchy, filterable, paged,
exportable, each marked handled with a note (htmx, audited).

    /issues/?rule=&severity=error|warning&level=&year=&agency=<code>&state=open|handled|all
            &source=read|check|quality&page=n&export=csv|xlsx
    POST /issues/<pk>/handle/   note=…&handled=1|0   (a write role; 404 outside the scope)
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xxgk.store.models import Finding

from ... import limits
from ...core import audit, tabular
from ...core.scope import scoped
from ..rollup.common import report_url
from ..rollup.sums import LEVEL_NAMES
from . import query

#: How long the filter choices (rules and years present in a scope) are kept.
CHOICES_SECONDS = 600


def _choices(scope: Any) -> tuple[list[str], list[int]]:
    """The rules and years present in the scope, for the filter menus (cached: a DISTINCT over a
    whole store's findings costs more than the page). Rules are names of checks, not data: the
    menu reads them by the findings' own agency (indexed), which a report settled to another
    agency after its reading may leave behind; the list itself never relies on it."""
    key = f"xxgk:issues:choices:{scope.path or '*'}"
    hit = cache.get(key)
    if hit is None:
        if scope.everything:  # DISTINCT on the rule index
            found = set(scope.findings().values_list("rule", flat=True).distinct().order_by())
        else:  # the rules of findings filed under the subtree's agencies, on the (agency, year) index
            found = set(Finding.objects.filter(agency_id__in=scope.agencies().values("id"))
                        .values_list("rule", flat=True).distinct().order_by())
        rules = sorted(found)
        years = sorted({y for y in scope.reports().values_list("year", flat=True).distinct().order_by() if y},
                       reverse=True)
        hit = (rules, years)
        cache.set(key, hit, CHOICES_SECONDS)
    return hit


def _where(f: Any) -> tuple[Any, Any, str]:
    """(agency, report pk, agency path) of a finding: its report's, or its agency-year's."""
    report = f.version.report if f.version_id is not None else None
    agency = report.agency if report is not None and report.agency_id is not None else f.agency
    return agency, report, agency.path if agency is not None else ""


def _row(f: Any) -> dict[str, Any]:
    agency, report, _path = _where(f)
    return {
        "finding": f, "agency": agency, "report": report,
        "name": agency.name if agency is not None else (report.printed_agency if report is not None else ""),
        "level": LEVEL_NAMES.get(agency.level, "") if agency is not None else "",
        "year": report.year if report is not None else f.year,
        "url": report_url(report.pk if report is not None else None),
        "handle_url": reverse("issue_handle", args=[f.pk]),
    }


@scoped
def issues(request: HttpRequest) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    f = query.Filters.parse(request)
    fmt = request.GET.get("export")
    if fmt:
        return tabular.download((_export_row(x) for x in query.rows_for_export(scope, f)), _COLUMNS(),
                                "issues", fmt)
    page = query.page_of(scope, f, request.GET.get("page"))
    rules, years = _choices(scope)
    ctx = {"page": page, "rows": [_row(x) for x in page.object_list], "f": f, "rules": rules, "years": years,
           "levels": list(LEVEL_NAMES.items()), "cap": limits.ISSUES_COUNT_CAP, "note_max": limits.NOTE_MAX_CHARS,
           "filters": f.query()}
    return render(request, "supervise/issues/list.html", ctx)


@scoped(write=True)
def handle(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a finding handled with a note (handled=1), or open again (handled=0). POST only."""
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    scope = request.scope  # type: ignore[attr-defined]
    note = request.POST.get("note", "").strip()
    done = request.POST.get("handled", "1") != "0"
    if done and not note:
        return HttpResponseBadRequest(_("A note is required."))
    if len(note) > limits.NOTE_MAX_CHARS:
        return HttpResponseBadRequest(_("The note is too long."))
    with transaction.atomic():
        try:
            f = (scope.findings().select_for_update(of=("self",))
                 .select_related("agency", "version", "version__report", "version__report__agency").get(pk=pk))
        except ObjectDoesNotExist:
            raise Http404 from None
        f.handled = done
        f.handled_note = note if done else f.handled_note
        f.handled_by = scope.username if done else ""
        f.handled_at = timezone.now() if done else None
        f.save(update_fields=["handled", "handled_note", "handled_by", "handled_at"])
        _agency, _report, path = _where(f)
        audit.record("finding.handled" if done else "finding.reopened", request=request, target=f,
                     agency_path=path, rule=f.rule, note=note)
    if request.headers.get("HX-Request"):
        return render(request, "supervise/issues/rows.html",
                      {"rows": [_row(f)], "note_max": limits.NOTE_MAX_CHARS, "state": request.POST.get("state", "open")})
    return redirect("issues")


def _COLUMNS() -> list[tuple[str, Any]]:  # noqa: N802 (labels translated per request)
    return [("id", _("Finding")), ("agency", _("Agency code")), ("name", _("Agency")), ("level", _("Level")),
            ("year", _("Year")), ("rule", _("Rule")), ("severity", _("Severity")), ("cells", _("Cells")),
            ("message", _("Message")), ("source", _("Source")), ("report", _("Report")),
            ("handled", _("Handled")), ("handled_note", _("Note")), ("handled_by", _("Handled by")),
            ("handled_at", _("Handled at"))]


def _export_row(f: Any) -> dict[str, Any]:
    r = _row(f)
    agency = r["agency"]
    return {"id": f.pk, "agency": agency.code if agency is not None else "", "name": r["name"], "level": r["level"],
            "year": r["year"], "rule": f.rule, "severity": f.severity, "cells": " ".join(f.cells or []),
            "message": f.message, "source": f.source, "report": r["report"].pk if r["report"] is not None else None,
            "handled": f.handled, "handled_note": f.handled_note, "handled_by": f.handled_by,
            "handled_at": timezone.localtime(f.handled_at).strftime("%Y-%m-%d %H:%M:%S") if f.handled_at else None}
