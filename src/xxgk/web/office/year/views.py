"""The year pages of the office: the list of years, a year's compiled report with its workflow,
the records behind a cell, the reconciliation with published reports, and the downloads.

A year is addressed by its number within the office's own agency (`request.office`): another
agency's year is simply not there (404). Every change is a POST handled by `service`, which
writes the audit event in the change's transaction.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xxgk.office.compile import CompileError
from xxgk.office.reconcile import carry_check, reconcile
from xxgk.report import keys as K
from xxgk.report.checks import cell_label
from xxgk.web.limits import PAGE_SIZE

from ..models import Application, YearReport
from ..scope import office_view
from . import service, tables

#: Workflow steps: action → (service function, capability, needs a note).
ACTIONS: dict[str, tuple[Any, str, bool]] = {
    "submit": (service.submit, "edit", False),
    "sign": (service.sign_review, "review", False),
    "return": (service.return_to_draft, "review", True),
    "approve": (service.approve, "approve", False),
    "publish": (service.publish, "approve", False),
    "reopen": (service.reopen, "approve", True),
}
#: Years a clerk may close: the first 2008 report (the 2007 条例 took effect in May 2008) to this one.
FIRST_YEAR = 2008


def _agency(request: HttpRequest) -> Any:
    from xxgk.store.models import Agency

    return Agency.objects.get(pk=request.office.agency_id)  # type: ignore[attr-defined]


def _year(request: HttpRequest, year: int) -> YearReport:
    yr = request.office.get(YearReport, year=year)  # type: ignore[attr-defined]
    return yr


def _back(year: int) -> HttpResponse:
    return redirect("office_year", year=year)


@office_view
@require_GET
def year_list(request: HttpRequest) -> HttpResponse:
    """`/office/years/`: the office's years with their state, and the form to close a year."""
    office = request.office  # type: ignore[attr-defined]
    years = list(office.records(YearReport).order_by("-year"))
    have = {y.year for y in years}
    first = office.records(Application).order_by("received_on").values_list("received_on", flat=True).first()
    today = dt.date.today()
    start = max(FIRST_YEAR, first.year if first else today.year - 1)
    open_years = [y for y in range(today.year, start - 1, -1) if y not in have]
    return render(request, "office/year/list.html", {"years": years, "open_years": open_years,
                                                     "default_year": today.year - 1})


@office_view
@require_POST
def year_compile(request: HttpRequest) -> HttpResponse:
    """POST `/office/years/compile/` (year=…): compile (or recompile) a year from the records."""
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        year = 0
    if not FIRST_YEAR <= year <= dt.date.today().year:
        messages.error(request, _("Choose a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": dt.date.today().year})
        return redirect("office_years")
    try:
        service.close_year(_agency(request), year, request.user, request=request)
    except CompileError as e:
        messages.error(request, str(e))
    except service.YearError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The %(year)s report was compiled from the records.") % {"year": year})
    if request.office.records(YearReport).filter(year=year).exists():  # type: ignore[attr-defined]
        return _back(year)
    return redirect("office_years")


@office_view
@require_GET
def year_page(request: HttpRequest, year: int) -> HttpResponse:
    """`/office/years/<year>/`: the tables as compiled, the sections, the workflow, the downloads."""
    office = request.office  # type: ignore[attr-defined]
    yr = _year(request, year)
    report = service.report_of(yr)
    found = service.problems(yr)
    can = {c: office.can(c) for c in ("edit", "review", "approve")}
    ctx = {
        "yr": yr, "report": report, "tables": tables.tables_html(report, year),
        "sections": [{"key": k, "title": K.SECTION_TITLES[k], "text": yr.sections.get(k, ""),
                      "placeholders": len(found["placeholders"].get(k, ()))} for k in K.SECTION_KEYS],
        "problems": found, "can": can, "formats": list(service.FORMATS),
        "editable": yr.state == "draft" and can["edit"],
        "carried_from_report": yr.carried_over_from.startswith("report:"),
    }
    return render(request, "office/year/page.html", ctx)


@office_view
@require_POST
def year_sections(request: HttpRequest, year: int) -> HttpResponse:
    """POST `/office/years/<year>/sections/`: save the clerk's text of the sections."""
    yr = _year(request, year)
    given = {k: request.POST[k] for k in K.SECTION_KEYS if k in request.POST}
    try:
        service.save_sections(yr, request.user, given, request=request)
    except service.YearError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The sections were saved."))
    return _back(year)


@office_view
@require_POST
def year_action(request: HttpRequest, year: int, action: str) -> HttpResponse:
    """POST `/office/years/<year>/do/<action>/`: one step of the workflow, by capability."""
    if action not in ACTIONS:
        raise Http404("no such step")
    fn, capability, with_note = ACTIONS[action]
    request.office.require(capability)  # type: ignore[attr-defined]
    yr = _year(request, year)
    try:
        if with_note:
            fn(yr, request.user, request.POST.get("note", ""), request=request)
        else:
            fn(yr, request.user, request=request)
    except service.YearError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("Done: %(step)s.") % {"step": _step_label(action)})
    return _back(year)


def _step_label(action: str) -> str:
    return {"submit": _("submitted for review"), "sign": _("review signed"), "return": _("returned to draft"),
            "approve": _("approved"), "publish": _("published"), "reopen": _("reopened")}[action]


@office_view
@require_GET
def year_cell(request: HttpRequest, year: int, key: str) -> HttpResponse:
    """`/office/years/<year>/cell/<key>/`: the records behind one cell, as the records count now."""
    if key not in tables.CELL_KEYS:
        raise Http404("no such cell")
    office = request.office  # type: ignore[attr-defined]
    yr = _year(request, year)
    try:
        compiled = service.compile_records(_agency(request), year)
    except CompileError as e:
        messages.error(request, str(e))
        return _back(year)
    refs = compiled.refs(key)
    page = Paginator(refs, PAGE_SIZE).get_page(request.GET.get("page"))
    heads, rows = tables.describe(office, key, list(page.object_list))
    ctx = {"yr": yr, "key": key, "label": cell_label(key), "stored": yr.values.get(key), "now": compiled.values[key],
           "count": len(refs), "heads": heads, "rows": rows, "page": page,
           "from_report": key.startswith("t3.carried_over.") and compiled.carried_over_from == "report"}
    return render(request, "office/year/cell.html", ctx)


@office_view
@require_GET
def year_reconcile(request: HttpRequest, year: int) -> HttpResponse:
    """`/office/years/<year>/reconcile/`: every difference between the records and (a) the report
    of the year in the store, (b) last year's closing (published report, else stored close, else
    the records), each with the records behind the compiled number."""
    office = request.office  # type: ignore[attr-defined]
    yr = _year(request, year)
    agency = _agency(request)
    try:
        compiled = service.compile_records(agency, year)
    except CompileError as e:
        messages.error(request, str(e))
        return _back(year)
    published = service.published_report(agency, year)
    same_year: dict[str, Any] = {"version": None, "differences": [], "error": ""}
    if published is not None:
        report, version = published
        same_year["version"] = version
        try:
            same_year["differences"] = [_difference(office, year, d) for d in reconcile(compiled, report)]
        except ValueError as e:
            same_year["error"] = str(e)
    carry = _carry(office, agency, year, compiled)
    ctx = {"yr": yr, "same_year": same_year, "carry": carry, "year": year}
    return render(request, "office/year/reconcile.html", ctx)


#: Refs shown inline under a difference; the cell page lists all of them.
INLINE_REFS = 20


def _difference(office: Any, year: int, d: Any) -> dict[str, Any]:
    _heads, rows = tables.describe(office, d.key, list(d.refs[:INLINE_REFS]))
    return {"key": d.key, "label": d.label, "compiled": d.compiled, "reported": d.reported, "delta": d.delta,
            "rows": rows, "more": max(0, len(d.refs) - INLINE_REFS)}


def _carry(office: Any, agency: Any, year: int, compiled: Any) -> dict[str, Any]:
    """The carry check against last year: its published report, else its stored close, else its
    records compiled now. When the number was taken from last year's report (an office started
    mid-life), the check is the report's number against the applications the records hold open
    on 1 January."""
    if compiled.carried_over_from == "report":
        out = []
        for col in K.T3_COLUMNS:
            key = f"t3.carried_over.{col}"
            have, given = compiled.records_carried_over[col], compiled.values[key]
            if have != given:
                refs = compiled.refs(key)
                _h, rows = tables.describe(office, key, refs[:INLINE_REFS])
                out.append({"column": col, "label": f"表三「{K.T3_COLUMN_LABELS[col]}」列", "previous": given,
                            "current": have, "missing": (), "extra": (), "rows": rows,
                            "more": max(0, len(refs) - INLINE_REFS)})
        found = service.previous_published(agency, year)
        return {"source": "report", "version": found[1] if found else None, "differences": out}
    previous: Any = None
    source, version = "", None
    found = service.previous_published(agency, year)
    if found is not None:
        previous, version = found
        source = "published"
    else:
        last = office.records(YearReport).filter(year=year - 1).exclude(compiled_at=None).first()
        if last is not None:
            return _carry_from_close(office, last, compiled)
        elif office.records(Application).filter(received_on__lt=dt.date(year, 1, 1)).exists():
            previous, source = service.compile_records(agency, year - 1), "records"
    if previous is None:
        return {"source": "", "differences": []}
    out = []
    for d in carry_check(previous, compiled):
        refs = compiled.refs(f"t3.carried_over.{d.column}")
        _h, rows = tables.describe(office, f"t3.carried_over.{d.column}", refs[:INLINE_REFS])
        out.append({"column": d.column, "label": d.label, "previous": d.previous, "current": d.current,
                    "missing": d.missing, "extra": d.extra, "rows": rows, "more": max(0, len(refs) - INLINE_REFS)})
    return {"source": source, "version": version, "differences": out}


def _carry_from_close(office: Any, last: YearReport, compiled: Any) -> dict[str, Any]:
    """The carry check against last year's close: its carried_forward counts and its year-end
    snapshot of open applications, so the refs that moved since are named."""
    out = []
    snapshot = last.open_at_end or {}
    for col in K.T3_COLUMNS:
        key = f"t3.carried_over.{col}"
        before = last.values.get(f"t3.carried_forward.{col}")
        after = compiled.values[key]
        refs = compiled.refs(key)
        was = [r for c in (K.T3_APPLICANT_COLUMNS if col == "total" else (col,)) for r in snapshot.get(c, [])]
        now = set(refs)
        missing = tuple(r for r in was if r not in now)
        was_set = set(was)
        extra = tuple(r for r in refs if r not in was_set) if snapshot else ()
        if before != after or missing or extra:
            _h, rows = tables.describe(office, key, refs[:INLINE_REFS])
            out.append({"column": col, "label": f"表三「{K.T3_COLUMN_LABELS[col]}」列", "previous": before,
                        "current": after, "missing": missing, "extra": extra, "rows": rows,
                        "more": max(0, len(refs) - INLINE_REFS)})
    return {"source": "closed", "version": None, "differences": out}


@office_view
@require_GET
def year_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """`/office/years/<year>/report.<docx|pdf|html>`: the report as compiled and edited, in the
    official layout (an attachment, never rendered in our origin)."""
    if fmt not in service.FORMATS:
        raise Http404("unknown format")
    yr = _year(request, year)
    data = service.render_report(yr, fmt)
    response = HttpResponse(data, content_type=service.FORMATS[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{yr.agency.name}-{year}.{fmt}")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
