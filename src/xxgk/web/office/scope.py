"""What an office user may see and do: exactly one agency's records, and a role's capabilities.

An office works on its own agency only (not the subtree below it: a county government's office does
not keep a township's register). Every office view gets its querysets from `OfficeScope`
(`request.office`, set by `@office_view`); a record of another agency is a 404.

Capabilities by role (separation of duties: a clerk cannot approve what they typed):

| capability | clerk | reviewer | head | administrator |
|---|---|---|---|---|
| edit (records, events, drafts) | ✓ | ✓ | ✓ | ✓ |
| review (items, the annual report) | | ✓ | ✓ | ✓ |
| approve (extensions, publication, the annual report) | | | ✓ | ✓ |
| templates (notice texts) | | | ✓ | ✓ |
| accounts (the office's staff: create, role, deactivate, password) | | | | ✓ |
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from ..core.models import OFFICE_ROLES

CAPABILITIES: dict[str, frozenset[str]] = {
    "clerk": frozenset({"edit"}),
    "reviewer": frozenset({"edit", "review"}),
    "head": frozenset({"edit", "review", "approve", "templates"}),
    "administrator": frozenset({"edit", "review", "approve", "templates", "accounts"}),
}


@dataclass(frozen=True)
class OfficeScope:
    user_id: int
    username: str
    role: str
    agency_id: int
    agency_name: str
    path: str

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.role, frozenset())

    def require(self, capability: str) -> None:
        if not self.can(capability):
            raise PermissionDenied(capability)

    def records(self, model: type) -> QuerySet[Any]:
        """`model`'s rows of this office's agency (any model with an `agency` foreign key)."""
        return model.objects.filter(agency_id=self.agency_id)

    def get(self, model: type, **lookup: Any) -> Any:
        try:
            return self.records(model).get(**lookup)
        except (model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    # Short names for the common querysets.
    def applications(self) -> QuerySet[Any]:
        from .models import Application

        return self.records(Application)

    def items(self) -> QuerySet[Any]:
        from .models import ProactiveItem

        return self.records(ProactiveItem)

    def cases(self) -> QuerySet[Any]:
        from .models import Case

        return self.records(Case)

    def documents(self) -> QuerySet[Any]:
        from .models import Document

        return self.records(Document)


def office_of(user: Any) -> OfficeScope | None:
    """The office scope of an authenticated user with an office role and an agency; else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "xxgk", None)
    if profile is None or profile.role not in OFFICE_ROLES or profile.agency_id is None:
        return None
    a = profile.agency
    return OfficeScope(user.pk, user.get_username(), profile.role, a.pk, a.name, a.path)


def office_view(view: Callable[..., HttpResponse] | None = None, *, capability: str | None = None) -> Any:
    """Decorator: login required, `request.office` set, 403 for a user without an office, and for a
    role without `capability` (default: "edit" on any unsafe method, nothing on GET)."""

    def wrap(fn: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(fn)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            office = office_of(request.user)
            if office is None:
                raise PermissionDenied("no office")
            needed = capability or ("edit" if request.method not in ("GET", "HEAD", "OPTIONS") else None)
            if needed:
                office.require(needed)
            request.office = office  # type: ignore[attr-defined]
            return fn(request, *args, **kwargs)

        return inner

    return wrap(view) if view is not None else wrap
