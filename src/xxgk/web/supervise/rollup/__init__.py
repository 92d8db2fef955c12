"""Roll-up (汇总) of a node's reports and rankings of its agencies (issue 15, point 6)."""

from __future__ import annotations

from django.urls import path

from . import cached, rankings, views

cached.connect()

urlpatterns = [
    path("rollup/", views.index, name="rollup_index"),
    path("rollup/<str:code>/", views.rollup, name="rollup"),
    path("rankings/", rankings.rankings, name="rankings"),
]
