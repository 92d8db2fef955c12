"""Django admin for setup (agencies, accounts), open only to whole-store administrators: a node's
users never reach it, so it needs no per-agency filtering of its own. The audit log is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.http import HttpRequest

from xxgk.store.models import Agency

from . import audit
from .models import AuditEvent, Profile
from .scope import scope_of


def _whole_store_admin(request: HttpRequest) -> bool:
    user = request.user
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    s = scope_of(user)
    return s is not None and s.everything and s.is_admin


admin.site.has_permission = _whole_store_admin  # type: ignore[method-assign]
admin.site.site_header = "xxgk 政府信息公开年报系统 · 管理"
admin.site.site_title = "xxgk 管理"


class AuditedAdmin(admin.ModelAdmin):
    """Every add, change and delete made in the admin is also written to the audit log (Django's
    own `LogEntry` is neither append-only nor scoped): the audit log holds every change, whoever
    makes it and through whichever door."""

    # A whole-store administrator (role administrator, no node) manages these without Django's
    # per-model permissions; nobody else reaches the admin at all (`_whole_store_admin`).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return _whole_store_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _whole_store_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _whole_store_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _whole_store_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _whole_store_admin(request)

    def _path(self, obj: Any) -> str:
        agency = obj if isinstance(obj, Agency) else getattr(obj, "agency", None)
        return getattr(agency, "path", "") or ""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit.record("admin.add", request=request, target=obj, agency_path=self._path(obj), change=str(message))
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit.record("admin.change", request=request, target=obj, agency_path=self._path(obj), change=str(message))
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            audit.record("admin.delete", request=request, target=obj, agency_path=self._path(obj), what=str(obj))
        return super().log_deletions(request, queryset)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    """Names, aliases, level and rule-making power are edited here; the hierarchy itself (code,
    parent) only by `xxgk agencies import`, which recomputes every descendant's path."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("code", "parent", "path")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return self.readonly_fields if obj is not None else ("path",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports hang on agencies (PROTECT); a hierarchy change is an import


admin.site.unregister(User)


@admin.register(User)
class AuditedUserAdmin(AuditedAdmin, UserAdmin):
    pass


@admin.register(Profile)
class ProfileAdmin(AuditedAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role",)
    raw_id_fields = ("agency",)
    search_fields = ("user__username", "agency__name")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "target", "agency_path")
    list_filter = ("action",)
    search_fields = ("username", "target", "action")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _whole_store_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _whole_store_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
