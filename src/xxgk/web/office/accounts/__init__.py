"""accounts part of the office app: the office administrator manages the staff of their own agency
(clerk, reviewer, head, administrator): create, change role, deactivate/reactivate, reset password.
Never delete: the audit log names them."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("office/accounts/", views.account_list, name="office_accounts"),
    path("office/accounts/new/", views.account_new, name="office_account_new"),
    path("office/accounts/<int:pk>/", views.account_edit, name="office_account"),
]
