"""A user's place in the hierarchy (`Profile`) and the append-only audit log (`AuditEvent`).

A user sees the node of the hierarchy given in their profile and everything below it (a county
supervisor never another county); a profile without a node sees the whole store (the national or
system administrator). The role decides what they may change.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

ROLES = [
    ("supervisor", "监督员"),  # reads, uploads, corrects, marks findings handled
    ("analyst", "分析员"),  # reads and exports only
    ("administrator", "管理员"),  # all of the above, and manages accounts within the scope
    # The disclosure office of one agency (issue 16; xxgk.web.office): its own records only.
    ("clerk", "经办人"),  # records items, applications, events, cases; drafts the annual report
    ("reviewer", "审核人"),  # also reviews items (content, confidentiality) and the annual report
    ("head", "机构负责人"),  # also approves extensions, publication and the annual report
]
WRITE_ROLES = frozenset({"supervisor", "administrator"})
#: Roles that work in an agency's disclosure office (with `Profile.agency` set to that agency).
OFFICE_ROLES = frozenset({"clerk", "reviewer", "head", "administrator"})


class Profile(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="xxgk")
    #: The top of what the user sees; null: the whole store.
    agency = models.ForeignKey("store.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=ROLES, default="analyst")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()} @ {self.agency.name if self.agency else '全部'})"


class AppendOnly(Exception):
    """An audit event was to be changed or deleted: the log only grows."""


class _AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("audit events cannot be changed")

    def delete(self) -> Any:
        raise AppendOnly("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One state change: who, when, what, on which object, in which part of the hierarchy.

    Append-only in the model (`save()` refuses an existing row; `delete()`, `QuerySet.update()` and
    `QuerySet.delete()` refuse always) and in the database, whose trigger (migration 0002) refuses any
    UPDATE, so neither a view, the admin nor raw SQL of the app rewrites history. DELETE is left to
    the database's owner (retention periods end), which is also what lets Django's test flush run."""

    objects = _AuditQuerySet.as_manager()

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                             db_constraint=False, related_name="+")
    username = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64, db_index=True)
    #: "app.Model:pk" of the object changed.
    target = models.CharField(max_length=200, blank=True, default="")
    #: The materialised path of the agency concerned ("" when none): a scoped user reads the
    #: events of their subtree with one prefix query.
    agency_path = models.CharField(max_length=1000, blank=True, default="", db_index=True)
    details = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnly("audit events cannot be deleted")
