"""Views of applications: the list (masked, filtered, exported), intake, the application's page
with its clock, events, reply and notices.

    /office/applications/?state=open|closed|overdue|stopped&type=&outcome=&year=&q=<ref>&page=&export=csv|xlsx
    /office/applications/new/                    intake (the Art. 31 date field follows the channel)
    /office/applications/received-fields/?channel=   htmx: the date field and rule sentence of a channel
    /office/applications/<pk>/                   full record (its office only), clock explained
    POST /office/applications/<pk>/events/<kind>/      correction_requested | correction_received |
                                                       consultation | extension (approve) | fee_notice
    POST /office/applications/<pk>/events/<event>/answer/ | paid/
    POST /office/applications/<pk>/reply/
    /office/applications/<pk>/fee/?method=&pages=      htmx: the fee a notice would carry, explained
    /office/applications/<pk>/notices/<kind>/          the DOCX notice
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xxgk.office import clock as ck

from ... import limits
from ...core import tabular
from .. import notices
from ..masking import masked
from ..models import APPLICANT_TYPES, CHANNELS, OUTCOMES, Application, ApplicationEvent, label_of
from ..scope import office_view
from . import forms as f
from . import service

_WHOLE_REF = re.compile(r"^\d{4}-\d{4,}$")
STATES = ("open", "closed", "overdue", "stopped", "all")


def _filtered(request: HttpRequest, today: dt.date) -> tuple[Any, dict[str, str]]:
    office = request.office  # type: ignore[attr-defined]
    qs = office.applications()
    g = request.GET
    state = g.get("state", "all") if g.get("state") in STATES else "all"
    if state == "open":
        qs = qs.filter(closed_on__isnull=True)
    elif state == "closed":
        qs = qs.filter(closed_on__isnull=False)
    elif state == "overdue":
        qs = qs.filter(closed_on__isnull=True, stopped=False, due_on__lt=today)
    elif state == "stopped":
        qs = qs.filter(closed_on__isnull=True, stopped=True)
    kind = g.get("type", "")
    if kind in dict(APPLICANT_TYPES):
        qs = qs.filter(applicant_type=kind)
    else:
        kind = ""
    outcome = g.get("outcome", "")
    if outcome in dict(OUTCOMES):
        qs = qs.filter(outcome=outcome)
    else:
        outcome = ""
    year = g.get("year", "")
    if year.isdigit() and 1990 <= int(year) <= 2100:
        y = int(year)
        qs = qs.filter(received_on__gte=dt.date(y, 1, 1), received_on__lte=dt.date(y, 12, 31))
    else:
        year = ""
    q = g.get("q", "").strip()[:32]
    if q:  # a whole ref is found on the (agency, ref) index; a part of one by a scan
        qs = qs.filter(ref=q) if _WHOLE_REF.match(q) else qs.filter(ref__icontains=q)
    return qs, {"state": state, "type": kind, "outcome": outcome, "year": year, "q": q}


def _row(a: Any, today: dt.date) -> dict[str, Any]:
    m = masked(a)
    return {
        "pk": a.pk, "ref": a.ref, "applicant_type": label_of(APPLICANT_TYPES, a.applicant_type), **m,
        "channel": label_of(CHANNELS, a.channel), "received_on": a.received_on, "due_on": a.due_on,
        "stopped": a.stopped, "closed_on": a.closed_on, "outcome": label_of(OUTCOMES, a.outcome) if a.outcome else "",
        "items": a.items, "overdue": a.is_open and not a.stopped and a.due_on is not None and a.due_on < today,
    }


def _page_row(a: Any, today: dt.date, base: str) -> dict[str, Any]:
    """`_row` with its link and dates as text: 100 rows through {% url %} and date filters cost
    more than the queries (bench/bench_office.py)."""
    r = _row(a, today)
    r.update(url=f"{base}{a.pk}/", received=a.received_on.isoformat(),
             due=a.due_on.isoformat() if a.due_on else "—", closed=a.closed_on.isoformat() if a.closed_on else "")
    return r


def columns() -> list[tuple[str, Any]]:
    return [("ref", _("Ref")), ("applicant_type", _("Applicant type")), ("applicant_name", _("Applicant")),
            ("id_number", _("ID number")), ("phone", _("Phone")), ("address", _("Address")), ("email", _("E-mail")),
            ("channel", _("Channel")), ("received_on", _("Received on")), ("items", _("Items")),
            ("due_on", _("Due on")), ("stopped", _("Clock stopped")), ("closed_on", _("Closed on")),
            ("outcome", _("Outcome"))]


_LIST_FIELDS = ("id", "ref", "applicant_type", "applicant_name", "id_number", "phone", "address", "email", "channel",
                "received_on", "due_on", "stopped", "closed_on", "outcome", "items")


@office_view
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    today = service.today()
    qs, filters = _filtered(request, today)
    qs = qs.only(*_LIST_FIELDS).order_by("-received_on", "-id")
    fmt = request.GET.get("export")
    if fmt:
        rows = (_row(a, today) for a in qs.iterator(chunk_size=2000))
        return tabular.download(rows, columns(), f"applications-{today:%Y%m%d}", fmt)
    page = Paginator(qs, limits.PAGE_SIZE).get_page(request.GET.get("page"))
    base = reverse("office_application", args=[0])[:-2]  # ".../applications/0/" → ".../applications/"
    ctx = {"page": page, "rows": [_page_row(a, today, base) for a in page.object_list], "f": filters,
           "types": APPLICANT_TYPES, "outcomes": OUTCOMES, "states": STATES,
           "years": list(range(today.year, today.year - 8, -1)),
           "filters": {k: v for k, v in filters.items() if v},
           "can_templates": request.office.can("templates")}  # type: ignore[attr-defined]
    return render(request, "office/applications/list.html", ctx)


def _rule_context(channel: str | None) -> dict[str, Any]:
    channel = channel if channel in f.CHANNEL_FIELD else "counter"
    return {"channel": channel, "date_field": f.CHANNEL_FIELD[channel], "rule": ck.received_rule(channel)}


@office_view
def application_new(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    form = f.ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            app = service.create_application(office.agency_id, request.user, request=request, **form.cleaned_data)
        except service.ServiceError as e:
            form.add_error(None, str(e))
        else:
            return redirect("office_application", pk=app.pk)
    ctx = {"form": form, **_rule_context(form.data.get("channel") if form.is_bound else None)}
    return render(request, "office/applications/new.html", ctx, status=400 if form.is_bound else 200)


@office_view
@require_GET
def received_fields(request: HttpRequest) -> HttpResponse:
    """htmx: the one date field the chosen channel needs, with its Art. 31 sentence."""
    ctx = {"form": f.ApplicationForm(), **_rule_context(request.GET.get("channel"))}
    return render(request, "office/applications/received_fields.html", ctx)


# -- the application's page ------------------------------------------------------------------------

def _get(request: HttpRequest, pk: int) -> Any:
    return request.office.get(Application, pk=pk)  # type: ignore[attr-defined]


def _panel(request: HttpRequest, app: Any, bound: dict[str, Any] | None = None, error: str = "") -> dict[str, Any]:
    """Context of the clock panel: the clock explained, the timeline, the forms open now."""
    office = request.office  # type: ignore[attr-defined]
    today = service.today()
    events = service.events_of(app)
    rep = service.report(app, today, events)
    kinds = {e.kind for e in events}
    open_forms: dict[str, Any] = {}
    if app.is_open:
        pending = "correction_requested" in kinds and "correction_received" not in kinds
        if "correction_requested" not in kinds:
            open_forms["correction_requested"] = f.CorrectionRequestForm()
        if pending:
            open_forms["correction_received"] = f.DateForm()
        else:
            open_forms["consultation"] = f.ConsultationForm()
            if "extension" not in kinds and office.can("approve"):
                open_forms["extension"] = f.ExtensionForm()
        if "fee_notice" not in kinds:
            open_forms["fee_notice"] = f.FeeNoticeForm()
    for k, form in (bound or {}).items():
        if k in open_forms:
            open_forms[k] = form
    reply_form = (bound or {}).get("reply") or f.ReplyForm(initial={"outcome": (rep.offered or [""])[0]})
    timeline = [{"e": e, "kind": label_of(_event_kinds(), e.kind),
                 "answer_form": (bound or {}).get(f"answer-{e.pk}") or f.AnswerForm()
                 if e.kind == "consultation" and e.answered_on is None and app.is_open else None,
                 "paid_form": (bound or {}).get(f"paid-{e.pk}") or f.PaymentForm()
                 if e.kind == "fee_notice" and e.paid_on is None and app.is_open else None}
                for e in events]
    return {"app": app, "rep": rep, "timeline": timeline, "open_forms": open_forms, "reply_form": reply_form,
            "error": error, "can_approve": office.can("approve"), "today": today,
            "notice_kinds": [(k, label_of(notices.NOTICE_KINDS, k)) for k in notices.available(app)],
            "outcome_label": label_of(OUTCOMES, app.outcome) if app.outcome else "",
            "offered_labels": [(k, label_of(OUTCOMES, k)) for k in rep.offered],
            "event_labels": dict(_event_kinds())}


def _event_kinds() -> list[tuple[str, str]]:
    return ApplicationEvent._meta.get_field("kind").choices  # type: ignore[return-value]


@office_view
@require_GET
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    app = _get(request, pk)
    ctx = _panel(request, app) | {"type_label": label_of(APPLICANT_TYPES, app.applicant_type),
                                  "channel_label": label_of(CHANNELS, app.channel),
                                  "received_rule": ck.received_rule(app.channel)}
    return render(request, "office/applications/detail.html", ctx)


def _after_post(request: HttpRequest, app: Any, bound: dict[str, Any] | None = None, error: str = "") -> HttpResponse:
    """htmx: the clock panel again (with the form's errors); a plain form: back to the page on
    success, the page with the errors otherwise."""
    app.refresh_from_db()
    failed = bool(error) or any(form.errors for form in (bound or {}).values())
    if request.headers.get("HX-Request"):
        return render(request, "office/applications/panel.html", _panel(request, app, bound, error))
    if not failed:
        return redirect("office_application", pk=app.pk)
    ctx = _panel(request, app, bound, error) | {"type_label": label_of(APPLICANT_TYPES, app.applicant_type),
                                                "channel_label": label_of(CHANNELS, app.channel),
                                                "received_rule": ck.received_rule(app.channel)}
    return render(request, "office/applications/detail.html", ctx, status=400)


@office_view
@require_POST
def add_event(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    app = _get(request, pk)
    if kind not in f.EVENT_FORMS:
        raise Http404
    if kind == "extension":
        request.office.require("approve")  # type: ignore[attr-defined]
    form = f.EVENT_FORMS[kind](request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            service.add_event(app, kind, request.user, request=request, on=d["on"], party=d.get("party") or "third_party",
                              days=d.get("days"), method=d.get("method", ""), pages=d.get("pages"),
                              note=d.get("note", ""))
        except service.ServiceError as e:
            form.add_error(None, str(e))
    return _after_post(request, app, {kind: form})


def _event(app: Any, event: int) -> ApplicationEvent:
    try:
        return app.events.get(pk=event)
    except ApplicationEvent.DoesNotExist:
        raise Http404 from None


@office_view
@require_POST
def answer(request: HttpRequest, pk: int, event: int) -> HttpResponse:
    app = _get(request, pk)
    ev = _event(app, event)
    form = f.AnswerForm(request.POST)
    if form.is_valid():
        try:
            service.answer_consultation(ev, request.user, request=request, **form.cleaned_data)
        except service.ServiceError as e:
            form.add_error(None, str(e))
    return _after_post(request, app, {f"answer-{ev.pk}": form})


@office_view
@require_POST
def paid(request: HttpRequest, pk: int, event: int) -> HttpResponse:
    app = _get(request, pk)
    ev = _event(app, event)
    form = f.PaymentForm(request.POST)
    if form.is_valid():
        try:
            service.record_payment(ev, request.user, request=request, **form.cleaned_data)
        except service.ServiceError as e:
            form.add_error(None, str(e))
    return _after_post(request, app, {f"paid-{ev.pk}": form})


@office_view
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    app = _get(request, pk)
    form = f.ReplyForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            service.reply(app, d["on"], d["outcome"], d["withheld_parts"], d["withheld_grounds"], d["note"],
                          user=request.user, request=request)
        except service.ServiceError as e:
            form.add_error(None, str(e))
    return _after_post(request, app, {"reply": form})


@office_view
@require_GET
def fee_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the amount a fee notice by this method would carry, with its explanation (computed)."""
    app = _get(request, pk)
    method = request.GET.get("method", "")
    pages_text = request.GET.get("pages", "").strip()
    pages = int(pages_text) if pages_text.isdigit() and len(pages_text) <= 7 else None
    try:
        fee = service.fee_for(app, method, pages)
        ctx: dict[str, Any] = {"fee": fee}
    except service.ServiceError as e:
        ctx = {"error": str(e)}
    return render(request, "office/applications/fee_preview.html", ctx)


@office_view
@require_GET
def notice(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    app = _get(request, pk)
    if kind not in notices.available(app):
        raise Http404
    stem, data = notices.render(app, kind, service.today(), request.office.agency_name)  # type: ignore[attr-defined]
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)
    response["Content-Disposition"] = f'attachment; filename="{safe}.docx"'
    return response


def detail_url(pk: int) -> str:
    return reverse("office_application", args=[pk])
