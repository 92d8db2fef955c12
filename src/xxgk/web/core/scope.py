"""What a user may see and change: the one place where access is decided.

Every view gets its querysets from `Scope` (`request.scope`, set by `@scoped`), never from
`Model.objects` directly, so a county supervisor's pages, exports, downloads and htmx fragments all
stop at the county's subtree. An object outside the scope is a 404, not a 403: a user learns nothing
of what exists beyond their node.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from .models import WRITE_ROLES

V = TypeVar("V", bound=Callable[..., HttpResponse])


@dataclass(frozen=True)
class Scope:
    """A user's node (None: the whole store) and role."""

    user_id: int | None
    username: str
    role: str
    agency_id: int | None
    path: str  # the node's materialised path; "" for the whole store

    @property
    def everything(self) -> bool:
        return self.agency_id is None

    @property
    def can_write(self) -> bool:
        return self.role in WRITE_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == "administrator"

    # -- querysets ---------------------------------------------------------------------------

    def agencies(self) -> QuerySet[Any]:
        from xxgk.store.models import Agency

        qs = Agency.objects.all()
        return qs if self.everything else qs.filter(path__startswith=self.path)

    def reports(self) -> QuerySet[Any]:
        """Reports of agencies in the scope; reports not yet matched to an agency only for the
        whole-store scope (their agency is unknown, so no node can claim them)."""
        from xxgk.store.models import Report

        qs = Report.objects.all()
        return qs if self.everything else qs.filter(agency__path__startswith=self.path)

    def versions(self) -> QuerySet[Any]:
        from xxgk.store.models import Version

        qs = Version.objects.all()
        return qs if self.everything else qs.filter(report__agency__path__startswith=self.path)

    def findings(self) -> QuerySet[Any]:
        """Findings on versions in the scope, and the store's agency-year findings (missing
        reports) of agencies in the scope."""
        from xxgk.store.models import Finding

        qs = Finding.objects.all()
        if self.everything:
            return qs
        return qs.filter(Q(version__report__agency__path__startswith=self.path) | Q(version__isnull=True, agency__path__startswith=self.path))

    def audit(self) -> QuerySet[Any]:
        from .models import AuditEvent

        qs = AuditEvent.objects.all()
        return qs if self.everything else qs.filter(agency_path__startswith=self.path)

    # -- single objects (404 outside the scope) ------------------------------------------------

    def report(self, pk: Any) -> Any:
        return _get(self.reports().select_related("agency", "active"), pk=pk)

    def version(self, pk: Any) -> Any:
        return _get(self.versions().select_related("report", "report__agency"), pk=pk)

    def agency(self, code: str) -> Any:
        return _get(self.agencies(), code=code)

    def finding(self, pk: Any) -> Any:
        return _get(self.findings(), pk=pk)

    def contains_path(self, path: str | None) -> bool:
        return self.everything or bool(path and path.startswith(self.path))

    def require_write(self) -> None:
        if not self.can_write:
            raise PermissionDenied("read-only role")


def _get(qs: QuerySet[Any], **lookup: Any) -> Any:
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def scope_of(user: Any) -> Scope | None:
    """The scope of an authenticated user with a profile; None for anyone else (no access)."""
    if not getattr(user, "is_authenticated", False):
        return None
    profile = getattr(user, "xxgk", None)
    if profile is None:
        return None
    agency = profile.agency
    return Scope(user.pk, user.get_username(), profile.role, agency.pk if agency else None, agency.path if agency else "")


def scoped(view: V | None = None, *, write: bool = False) -> Any:
    """Decorator: login required, `request.scope` set, 403 for a user without a profile, and for a
    read-only role when `write` (or on any unsafe method)."""

    def wrap(fn: V) -> V:
        @functools.wraps(fn)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_of(request.user)
            if scope is None:
                raise PermissionDenied("no profile")
            if (write or request.method not in ("GET", "HEAD", "OPTIONS")) and not scope.can_write:
                raise PermissionDenied("read-only role")
            request.scope = scope  # type: ignore[attr-defined]
            return fn(request, *args, **kwargs)

        return inner  # type: ignore[return-value]

    return wrap(view) if view is not None else wrap
