"""Issues list (问题清单): every open finding across the hierarchy, marked handled with a note
(issue 15, point 7)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("issues/", views.issues, name="issues"),
    path("issues/<int:pk>/handle/", views.handle, name="issue_handle"),
]
