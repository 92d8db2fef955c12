"""URLs of the project: login/logout, the admin, and each app's pages."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from .core import views as core_views
from .core.auth import LoginView

urlpatterns = [
    path("", core_views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", core_views.audit_log, name="audit"),
    path("admin/", admin.site.urls),
    path("", include("xxgk.web.supervise.urls")),
    path("", include("xxgk.web.office.urls")),
]
