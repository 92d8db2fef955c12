"""Year close and the annual report (issue 16, point 4): compile the year from the records, edit the
narrative, review, approve, publish into the store; the records behind every cell; reconciliation
with published reports. Logic in `service`, pages in `views`."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("office/years/", views.year_list, name="office_years"),
    path("office/years/compile/", views.year_compile, name="office_year_compile"),
    path("office/years/<int:year>/", views.year_page, name="office_year"),
    path("office/years/<int:year>/sections/", views.year_sections, name="office_year_sections"),
    path("office/years/<int:year>/do/<str:action>/", views.year_action, name="office_year_action"),
    path("office/years/<int:year>/cell/<str:key>/", views.year_cell, name="office_year_cell"),
    path("office/years/<int:year>/reconcile/", views.year_reconcile, name="office_year_reconcile"),
    path("office/years/<int:year>/report.<str:fmt>", views.year_download, name="office_year_download"),
]
