"""URLs of the office app (under /office/): one list per part, each part in its own package."""

from __future__ import annotations

from django.urls import path

from . import accounts, applications, cases, register, views, year

urlpatterns: list = [path("office/", views.home, name="office_home")]
urlpatterns += applications.urlpatterns
urlpatterns += register.urlpatterns
urlpatterns += cases.urlpatterns
urlpatterns += year.urlpatterns
urlpatterns += accounts.urlpatterns
