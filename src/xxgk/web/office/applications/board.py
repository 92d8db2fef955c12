"""The deadline board (期限看板): what needs doing, sorted by due date, personal data masked.

Buckets (each with its count and its first BOARD_ROWS rows):

* overdue — open, clock running, due date before today;
* due this week — open, clock running, due today or within the next six days;
* stopped — open, waiting for the applicant (补正 pending, fee unpaid), with the closing the
  record offers once the applicant's period has passed;
* correction notices due — open, received recently, no 补正 notice yet and the 7-working-day
  window for one (Art. 30) still open: the last day to ask is shown;
* consultations running — an unanswered consultation whose 15 working days have not ended;
* no due date — the calendar of a year the clock needs is not loaded (flagged, never guessed).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from xxgk.office.calendar import CalendarNotLoaded, add_working_days
from xxgk.office.clock import CONSULTATION_DAYS, CORRECTION_NOTICE_DAYS

from ..masking import mask_name
from ..models import APPLICANT_TYPES, OUTCOMES, ApplicationEvent, label_of
from ..scope import office_view
from . import service

#: Rows shown per bucket, the most urgent first (the lists behind "overdue" and "stopped" page
#: through the rest): rendering is the board's main cost once an office has thousands of open
#: applications; 4 buckets of 50 rows took ~60 ms at 100k applications (bench/bench_office.py).
BOARD_ROWS = 20

#: Calendar days back that can still hold a 7-working-day window: the longest run of off days is
#: the Spring Festival week with its weekends (≤ 11 days), plus 7 working days and their weekends.
CORRECTION_LOOKBACK_DAYS = 25


def _iso(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


@functools.lru_cache(maxsize=1)
def _base() -> str:
    return reverse("office_application", args=[0])[:-2]  # ".../applications/0/" → ".../applications/"


def _row(a: Any, **extra: Any) -> dict[str, Any]:
    """A board row, with its link and dates already as text: up to 250 rows rendered with {% url %}
    and date filters took ~100 ms (bench/bench_office.py)."""
    row = {"pk": a.pk, "ref": a.ref, "applicant_name": mask_name(a.applicant_name),
           "applicant_type": label_of(APPLICANT_TYPES, a.applicant_type), "received_on": a.received_on,
           "due_on": a.due_on, "url": f"{_base()}{a.pk}/", "received": _iso(a.received_on), "due": _iso(a.due_on),
           **extra}
    if "until" in extra:
        row["until_text"] = _iso(extra["until"])
    return row


def buckets(agency_id: int, today: dt.date) -> dict[str, dict[str, Any]]:
    """The board of one agency on `today` (pure over the database; the view only renders it)."""
    from ..models import Application

    n = BOARD_ROWS
    open_ = Application.objects.filter(agency_id=agency_id, closed_on__isnull=True).only(
        "id", "ref", "applicant_name", "applicant_type", "received_on", "due_on", "stopped", "channel", "agency_id")
    week_end = today + dt.timedelta(days=6)
    out: dict[str, dict[str, Any]] = {}

    running = Q(stopped=False)
    where = {"overdue": running & Q(due_on__lt=today), "week": running & Q(due_on__gte=today, due_on__lte=week_end),
             "stopped": Q(stopped=True), "no_due": running & Q(due_on__isnull=True)}
    found = open_.aggregate(**{f"n_{k}": Count("id", filter=q) for k, q in where.items()})  # one scan for all four
    counts = {k: found[f"n_{k}"] for k in where}

    def plain(key: str, qs: Any) -> None:
        out[key] = {"count": counts[key], "rows": [_row(a) for a in qs[:n]]}

    plain("overdue", open_.filter(where["overdue"]).order_by("due_on", "id"))
    plain("week", open_.filter(where["week"]).order_by("due_on", "id"))
    stopped = open_.filter(where["stopped"]).order_by("received_on", "id")
    rows = []
    for a in stopped[:n].prefetch_related(Prefetch("events", queryset=ApplicationEvent.objects.order_by("on", "id"))):
        evs = list(a.events.all())
        waiting = "fee" if service._fee_pending(evs) and not service._correction_pending(evs) else "correction"
        offered = [label_of(OUTCOMES, k) for k in service.offered_closures(a, today, evs)]
        try:
            until = service.correction_due(evs) if waiting == "correction" else service.clock_of(a, evs).fee_payment_deadline()
        except CalendarNotLoaded:
            until = None
        rows.append(_row(a, waiting=waiting, until=until, offered=offered))
    out["stopped"] = {"count": counts["stopped"], "rows": rows}

    # 补正 notices still possible: received on or after `since`, the earliest day whose 7-working-day
    # limit is not yet past (the limit only grows with the received date), with no notice sent.
    # Counted and ordered in the database: an office with thousands open reads one page of them.
    asked = ApplicationEvent.objects.filter(application=OuterRef("pk"), kind="correction_requested")
    since = _correction_since(today)
    rows = []
    count = 0
    if since is not None:
        recent = (open_.filter(received_on__gte=since, received_on__lte=today).filter(~Exists(asked))
                  .order_by("received_on", "id"))
        count = recent.count()
        for a in recent[:n]:
            rows.append(_row(a, until=add_working_days(a.received_on, CORRECTION_NOTICE_DAYS)))
    out["correction"] = {"count": count, "rows": rows}

    cons = (ApplicationEvent.objects.filter(application__agency_id=agency_id, application__closed_on__isnull=True,
                                            kind="consultation", answered_on__isnull=True, on__lte=today)
            .select_related("application").order_by("on", "id"))
    rows = []
    for e in cons:
        try:
            end = add_working_days(e.on, CONSULTATION_DAYS)
        except CalendarNotLoaded:
            end = None
        if end is None or end >= today:
            rows.append(_row(e.application, until=end, party=e.get_party_display()))
    rows.sort(key=lambda r: (r["due_on"] or dt.date.max, r["pk"]))
    out["consultation"] = {"count": len(rows), "rows": rows[:n]}

    # ordered on the board index (agency, closed_on, due_on): by received_on the planner scans the year
    plain("no_due", open_.filter(where["no_due"]).order_by("due_on", "id"))
    return out


@office_view
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    today = service.today()
    office = request.office  # type: ignore[attr-defined]
    return render(request, "office/applications/board.html",
                  {"b": buckets(office.agency_id, today), "today": today, "week_end": today + dt.timedelta(days=6)})


def _correction_since(today: dt.date) -> dt.date | None:
    """The earliest received date whose 补正 limit (7 working days after it) is today or later;
    None when the calendar around today is not loaded (the bucket is then empty: never a guess)."""
    try:
        day = today
        while add_working_days(day - dt.timedelta(days=1), CORRECTION_NOTICE_DAYS) >= today:
            day -= dt.timedelta(days=1)
            if (today - day).days > CORRECTION_LOOKBACK_DAYS:
                break
        return day
    except CalendarNotLoaded:
        return None
