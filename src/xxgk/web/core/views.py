"""The pages every user has: home (their node's coverage) and the audit log of their scope."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse

from .. import limits
from .scope import scoped


@scoped
def home(request: HttpRequest) -> HttpResponse:
    from ..office.scope import office_of

    if office_of(request.user) is not None:
        return redirect(reverse("office_home"))
    try:
        return redirect(reverse("coverage"))
    except NoReverseMatch:
        return render(request, "xxgk/home.html")


@scoped
def audit_log(request: HttpRequest) -> HttpResponse:
    events = request.scope.audit()  # type: ignore[attr-defined]
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action=action)
    page = Paginator(events, limits.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "xxgk/audit.html", {"page": page, "action": action})
