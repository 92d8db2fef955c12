"""Year on year (比对): see views.py. URL names: `compare` (an agency's two years),
`compare_reports` (any two reports of the scope)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("agencies/<str:code>/compare/", views.agency_compare, name="compare"),
    path("compare/", views.reports_compare, name="compare_reports"),
]
