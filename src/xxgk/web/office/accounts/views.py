"""The office's staff accounts, managed by its administrator (capability "accounts").

    /office/accounts/              the staff of this agency (office roles only)
    /office/accounts/new/          create an account
    /office/accounts/<pk>/         change role, deactivate/reactivate, reset password (POST `op`)

An account of another agency, or without an office role (a supervisor placed on this agency), is a
404 to everyone, before the role check: nobody learns which accounts exist elsewhere. Nobody is
deleted (the audit log names them), an administrator cannot demote or deactivate themselves, and no
change may leave the agency without an active administrator. Every change is audited
(office.account.create|role|active|password); a password never is.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ...core import audit
from ...core.models import OFFICE_ROLES, Profile
from ..register.common import page_of
from ..scope import OfficeScope, office_view
from .forms import NewAccountForm, ResetPasswordForm, RoleForm


def staff_of(office: OfficeScope) -> QuerySet[User]:
    """The accounts of this office: an office role at exactly this agency."""
    return User.objects.filter(xxgk__agency_id=office.agency_id, xxgk__role__in=OFFICE_ROLES)


def _account(office: OfficeScope, pk: int) -> User:
    try:
        return staff_of(office).select_related("xxgk").get(pk=pk)
    except User.DoesNotExist:
        raise Http404 from None


def _active_admins(office: OfficeScope) -> int:
    """The active administrators of the agency, their profiles locked until the transaction ends
    (two administrators demoting each other at once cannot both pass the check)."""
    pks = list(Profile.objects.select_for_update().filter(agency_id=office.agency_id, role="administrator")
               .order_by("pk").values_list("user_id", flat=True))
    return User.objects.filter(pk__in=pks, is_active=True).count()


@office_view(capability="accounts")
def account_list(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    qs = staff_of(office).select_related("xxgk").order_by("-is_active", "username")
    return render(request, "office/accounts/list.html", {"page": page_of(qs, request.GET.get("page"))})


@office_view(capability="accounts")
def account_new(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with transaction.atomic():
            user = User.objects.create_user(d["username"], password=d["password1"], first_name=d["full_name"])
            Profile.objects.create(user=user, agency_id=office.agency_id, role=d["role"])
            audit.record("office.account.create", request=request, target=user, agency_path=office.path,
                         username=user.username, full_name=user.first_name, role=d["role"])
        messages.success(request, _("Account %(name)s created.") % {"name": user.username})
        return redirect("office_account", pk=user.pk)
    return render(request, "office/accounts/new.html", {"form": form}, status=400 if form.errors else 200)


@office_view
def account_edit(request: HttpRequest, pk: int) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    account = _account(office, pk)  # 404 outside this office, whatever the role
    office.require("accounts")
    role_form, password_form = RoleForm(initial={"role": account.xxgk.role}), ResetPasswordForm(user=account)
    error = ""
    if request.method == "POST":
        op = request.POST.get("op", "")
        if op == "role":
            role_form = RoleForm(request.POST)
            if role_form.is_valid():
                error = _change_role(request, office, account, role_form.cleaned_data["role"])
                if not error:
                    return redirect("office_account", pk=account.pk)
        elif op == "active":
            error = _set_active(request, office, account, request.POST.get("active") == "1")
            if not error:
                return redirect("office_account", pk=account.pk)
        elif op == "password":
            password_form = ResetPasswordForm(request.POST, user=account)
            if password_form.is_valid():
                _reset_password(request, office, account, password_form.cleaned_data["password1"])
                return redirect("office_account", pk=account.pk)
        else:
            error = _("Unknown operation.")
    elif request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "POST"])
    invalid = bool(error or role_form.errors or password_form.errors)
    return render(request, "office/accounts/edit.html", {
        "account": account, "role_form": role_form, "password_form": password_form, "error": error,
        "is_self": account.pk == office.user_id,
    }, status=400 if invalid else 200)


def _change_role(request: HttpRequest, office: OfficeScope, account: User, role: str) -> str:
    """"" when done (or nothing to do), else why it was refused."""
    with transaction.atomic():
        admins = _active_admins(office)  # locks first, always in the same order: no deadlock
        profile = Profile.objects.select_for_update().get(user=account)
        before = profile.role
        if role == before:
            return ""
        if before == "administrator":
            if account.pk == office.user_id:
                return _("You cannot demote yourself.")
            if account.is_active and admins <= 1:
                return _("The office must keep an active administrator.")
        profile.role = role
        profile.save(update_fields=["role"])
        audit.record("office.account.role", request=request, target=account, agency_path=office.path,
                     username=account.username, role=[before, role])
    messages.success(request, _("Role changed."))
    return ""


def _set_active(request: HttpRequest, office: OfficeScope, account: User, active: bool) -> str:
    with transaction.atomic():
        admins = _active_admins(office)
        account = User.objects.select_for_update().get(pk=account.pk)
        if account.is_active == active:
            return ""
        if not active:
            if account.pk == office.user_id:
                return _("You cannot deactivate yourself.")
            if Profile.objects.get(user=account).role == "administrator" and admins <= 1:
                return _("The office must keep an active administrator.")
        account.is_active = active
        account.save(update_fields=["is_active"])
        audit.record("office.account.active", request=request, target=account, agency_path=office.path,
                     username=account.username, active=[not active, active])
    messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return ""


def _reset_password(request: HttpRequest, office: OfficeScope, account: User, password: str) -> None:
    with transaction.atomic():
        account.set_password(password)
        account.save(update_fields=["password"])
        # the event says that it changed, never what to
        audit.record("office.account.password", request=request, target=account, agency_path=office.path,
                     username=account.username)
    if account.pk == office.user_id:
        update_session_auth_hash(request, account)  # resetting one's own password keeps one logged in
    messages.success(request, _("Password reset."))
