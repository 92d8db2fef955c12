"""Applications part of the office app (依申请公开, issue 16 point 2): list, intake, the clock of
each application with its events and reply, the deadline board, the DOCX notices and their texts.
Logic in `service` (pure functions over the models, also used by the demo and the bench)."""

from __future__ import annotations

from django.urls import path

from . import board, templates_view, views

urlpatterns: list = [
    path("office/applications/", views.application_list, name="office_applications"),
    path("office/applications/new/", views.application_new, name="office_application_new"),
    path("office/applications/received-fields/", views.received_fields, name="office_application_received_fields"),
    path("office/applications/<int:pk>/", views.application_detail, name="office_application"),
    path("office/applications/<int:pk>/events/<slug:kind>/", views.add_event, name="office_application_event"),
    path("office/applications/<int:pk>/events/<int:event>/answer/", views.answer, name="office_application_answer"),
    path("office/applications/<int:pk>/events/<int:event>/paid/", views.paid, name="office_application_paid"),
    path("office/applications/<int:pk>/reply/", views.reply, name="office_application_reply"),
    path("office/applications/<int:pk>/fee/", views.fee_preview, name="office_application_fee"),
    path("office/applications/<int:pk>/notices/<slug:kind>/", views.notice, name="office_application_notice"),
    path("office/board/", board.board, name="office_board"),
    path("office/notice-templates/", templates_view.notice_templates, name="office_notice_templates"),
]
