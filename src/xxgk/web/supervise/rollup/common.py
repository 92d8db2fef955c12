"""What the roll-up, rankings and issues pages share: the node and year a request asks for, links
to a report page, and decimals as reports print them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from django.urls import NoReverseMatch, reverse

from xxgk.store import figures


def node_of(request: HttpRequest, code: str | None = None) -> Any:
    """The agency `code` (or `?node=`) within the user's scope (404 outside it); without one, the
    user's own node, or None for a whole-store user (every agency)."""
    scope = request.scope  # type: ignore[attr-defined]
    code = code if code is not None else request.GET.get("node", "").strip()
    if code:
        return scope.agency(code)
    if scope.agency_id is not None:
        return scope.agencies().get(pk=scope.agency_id)
    return None


def year_of(request: HttpRequest, years: list[int]) -> int | None:
    """`?year=` when it is one of `years`, else the newest of them (None when there are none)."""
    raw = request.GET.get("year", "").strip()
    if raw:
        try:
            year = int(raw)
        except ValueError:
            raise Http404("bad year") from None
        if year in years:
            return year
    return years[0] if years else None


def report_url(pk: int | None) -> str | None:
    """The report page (URL name `report`), or its conventional address while that part is absent."""
    if pk is None:
        return None
    try:
        return reverse("report", args=[pk])
    except NoReverseMatch:
        return f"/reports/{pk}/"


def ancestors(scope: Any, node: Any) -> list[Any]:
    """The node's ancestors the user may see, top first (the breadcrumb)."""
    if node is None:
        return []
    parts = node.path.strip("/").split("/")
    paths = ["/" + "/".join(parts[:i]) + "/" for i in range(1, len(parts))]
    return list(scope.agencies().filter(path__in=paths).order_by("path"))


def shown(v: Any) -> Any:
    """A cell value for a table or an export: a decimal as printed (2 places at least), else as is."""
    if isinstance(v, Decimal):
        return Decimal(figures.decimal_text(v) or "0")
    return v
