"""The office's home: what needs doing today (open applications by urgency, items in review)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .scope import office_view


@office_view
def home(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    today = dt.date.today()
    open_apps = office.applications().filter(closed_on__isnull=True)
    context = {
        "today": today,
        "open_count": open_apps.count(),
        "overdue_count": open_apps.filter(due_on__lt=today, stopped=False).count(),
        "stopped_count": open_apps.filter(stopped=True).count(),
        "in_review_count": office.items().filter(state__in=["content_review", "secrecy_review"]).count(),
    }
    return render(request, "office/home.html", context)
