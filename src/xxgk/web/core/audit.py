"""`record()`: the one way a state change is written to the audit log."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import AuditEvent


def target_of(obj: models.Model | None) -> str:
    return f"{obj._meta.label}:{obj.pk}" if obj is not None else ""


def record(action: str, *, user: Any = None, request: Any = None, target: models.Model | str | None = None,
           agency_path: str = "", **details: Any) -> AuditEvent:
    """Append one event. `request` (when given) supplies the user and the client address; call it
    inside the transaction of the change, so that a change and its event commit or fail together."""
    if request is not None and user is None:
        user = getattr(request, "user", None)
    ip = request.META.get("REMOTE_ADDR") if request is not None else None
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        user_id=user.pk if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        target=target if isinstance(target, str) else target_of(target),
        agency_path=agency_path,
        details=details,
        ip=ip or None,
    )
