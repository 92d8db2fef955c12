"""cases part of the office app: appeals (行政复议 / 行政诉讼) linked to applications, and their
表四 (t4.py)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("office/cases/", views.case_list, name="office_cases"),
    path("office/cases/new/", views.case_create, name="office_case_create"),
    path("office/cases/<int:pk>/edit/", views.case_edit, name="office_case_edit"),
]
