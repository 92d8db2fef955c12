"""Log in with a rate limit: LOGIN_MAX_ATTEMPTS failures per (client address, user name) within
LOGIN_WINDOW_SECONDS, then 429 until the window ends. Counted in the cache (Redis when configured,
so every web process shares the count)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from .. import limits
from . import audit


def _key(request: HttpRequest, username: str) -> str:
    who = f"{request.META.get('REMOTE_ADDR', '')}|{username.strip().lower()}"
    return "xxgk:login:" + hashlib.sha256(who.encode("utf-8")).hexdigest()


def attempts(request: HttpRequest, username: str) -> int:
    return int(cache.get(_key(request, username), 0))


class LoginView(auth_views.LoginView):
    template_name = "xxgk/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")
        if attempts(request, username) >= limits.LOGIN_MAX_ATTEMPTS:
            response = self.render_to_response(self.get_context_data(form=self.get_form(), limited=True))
            response.status_code = 429
            response.headers["Retry-After"] = str(limits.LOGIN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: Any) -> HttpResponse:
        username = self.request.POST.get("username", "")
        key = _key(self.request, username)
        if cache.add(key, 1, limits.LOGIN_WINDOW_SECONDS) is False:
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, limits.LOGIN_WINDOW_SECONDS)
        audit.record("login.failed", request=self.request, username_tried=username[:150])
        return super().form_invalid(form)

    def form_valid(self, form: Any) -> HttpResponse:
        cache.delete(_key(self.request, form.get_user().get_username()))
        response = super().form_valid(form)
        audit.record("login", request=self.request)
        return response


def limited_message() -> str:
    return _("Too many failed attempts. Try again in 15 minutes.")
