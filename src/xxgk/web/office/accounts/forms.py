"""Forms of the office accounts page. Roles offered are the office roles only (a supervision role
would give the account another app's pages), passwords pass Django's validators
(AUTH_PASSWORD_VALIDATORS) and are never echoed back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from ...core.models import OFFICE_ROLES, ROLES

#: (role, Chinese label) of the office roles, from the least to the most rights.
OFFICE_ROLE_CHOICES = [(k, dict(ROLES)[k]) for k in ("clerk", "reviewer", "head", "administrator")]
assert {k for k, _label in OFFICE_ROLE_CHOICES} == OFFICE_ROLES


class PasswordFields(forms.Form):
    """A new password typed twice, checked by Django's validators against `self.user_for_validation`."""

    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def user_for_validation(self) -> User | None:
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            try:
                password_validation.validate_password(p1, self.user_for_validation())
            except forms.ValidationError as e:
                self.add_error("password1", e)
        return data


class NewAccountForm(PasswordFields):
    username = forms.CharField(label=_("Username"), max_length=150, validators=[UnicodeUsernameValidator()])
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=OFFICE_ROLE_CHOICES)

    field_order = ["username", "full_name", "role", "password1", "password2"]

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This username is taken."))
        return name

    def user_for_validation(self) -> User:
        # the similarity validator (when configured) compares the password with these
        return User(username=self.cleaned_data.get("username", ""), first_name=self.cleaned_data.get("full_name", ""))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=OFFICE_ROLE_CHOICES)


class ResetPasswordForm(PasswordFields):
    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def user_for_validation(self) -> User:
        return self.user
