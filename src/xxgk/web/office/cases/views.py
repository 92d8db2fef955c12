"""Appeals (行政复议 / 行政诉讼) about the office's disclosure work, and their 表四 of a year.

    /office/cases/?kind=&result=&year=&page=&export=csv|xlsx   list (year: 表四 summary of that year)
    /office/cases/new/, /office/cases/<pk>/edit/
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ...core import audit, tabular
from ..models import CASE_KINDS, CASE_RESULTS, Case
from ..register.common import changes, int_or_none, page_of, snapshot
from ..scope import office_view
from .forms import CaseForm
from .t4 import COLUMNS, t4_counts

FIELDS = ["case_no", "kind", "result", "filed_on", "decided_on", "note", "application"]


@office_view
def case_list(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    g = request.GET
    kind, result = g.get("kind", ""), g.get("result", "")
    year = int_or_none(g.get("year"))
    summary_year = year if year and 1900 < year < 9999 else dt.date.today().year
    qs = office.cases().select_related("application")
    if kind in dict(CASE_KINDS):
        qs = qs.filter(kind=kind)
    if result in dict(CASE_RESULTS):
        qs = qs.filter(result=result)
    if year is not None and 1900 < year < 9999:
        # the cases that count in the year's 表四: decided in it, or filed by its end and open then
        end = dt.date(year, 12, 31)
        qs = qs.filter(Q(decided_on__year=year) | Q(filed_on__lte=end) & (Q(decided_on__isnull=True) | Q(decided_on__gt=end)))
    qs = qs.order_by("-filed_on", "-id")
    fmt = g.get("export")
    if fmt:
        cols = [("id", "ID"), ("case_no", "案号"), ("kind", "类别"), ("result", "结果"), ("filed_on", "立案日期"),
                ("decided_on", "审结日期"), ("application", "申请编号"), ("note", "备注")]
        rows = ({**snapshot(c, FIELDS), "id": c.pk, "application": c.application.ref if c.application else ""}
                for c in qs.iterator(chunk_size=2000))
        return tabular.download(rows, cols, "cases", fmt)
    counts = t4_counts(office.cases().filter(filed_on__lte=dt.date(summary_year, 12, 31))
                       .only("kind", "result", "filed_on", "decided_on"), summary_year)
    page = page_of(qs, g.get("page"))
    query = {k: v for k, v in (("kind", kind), ("result", result), ("year", year)) if v}
    return render(request, "office/cases/list.html", {
        "page": page, "kinds": CASE_KINDS, "results": CASE_RESULTS, "kind": kind, "result": result, "year": year,
        "query": query, "summary_year": summary_year,
        "t4": [(label, [counts[k][c] for c in COLUMNS]) for k, label in CASE_KINDS],
    })


def _snap(case: Case) -> dict[str, Any]:
    out = snapshot(case, FIELDS[:-1])
    out["application"] = case.application.ref if case.application_id else ""
    return out


@office_view
def case_create(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    form = CaseForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            case = form.save(commit=False)
            case.agency_id, case.created_by_id = office.agency_id, office.user_id
            case.save()
            audit.record("office.case.create", request=request, target=case, agency_path=office.path, **_snap(case))
        return redirect("office_cases")
    return render(request, "office/cases/form.html", {"form": form, "case": None, "title": _("New case")},
                  status=400 if form.errors else 200)


@office_view
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    case = office.get(Case, pk=pk)
    before = _snap(case)
    form = CaseForm(request.POST or None, instance=case, office=office)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            diff = changes(form)
            case = form.save()
            after = _snap(case)
            if before["application"] != after["application"]:
                diff["application"] = [before["application"], after["application"]]
            diff.pop("application_ref", None)
            audit.record("office.case.edit", request=request, target=case, agency_path=office.path, changes=diff)
        return redirect("office_cases")
    return render(request, "office/cases/form.html", {"form": form, "case": case, "title": _("Edit case")},
                  status=400 if form.errors else 200)
