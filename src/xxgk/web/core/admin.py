"""Django admin for setup (agencies, accounts), open only to whole-store administrators: a node's
users never reach it, so it needs no per-agency filtering of its own. The audit log is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

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


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "agency")
    list_filter = ("role",)
    raw_id_fields = ("agency",)
    search_fields = ("user__username", "agency__name")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "action", "target", "agency_path")
    list_filter = ("action",)
    search_fields = ("username", "target", "action")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
