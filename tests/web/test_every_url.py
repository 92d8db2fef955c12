"""Every URL of the web app, found by walking the URL resolver (so a page added later is covered
without editing this test): an anonymous visitor is sent to the login page, a logged-in user
without a profile is refused, and nothing answers 200 to either. Admin, login and static are the
only exceptions, each checked for what it must do."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

#: Open to anyone: the login page itself, and logout (which only ends a session).
PUBLIC = {"login", "logout"}


def _patterns(resolver: Any = None, prefix: str = "") -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith("admin/"):
                continue  # Django's admin: checked below
            out += _patterns(p, route)
        elif isinstance(p, URLPattern):
            out.append((route, p.name))
    return out


#: A value of each path converter (Django's and the app's own), naming nothing that exists.
SAMPLES = {"int": "999999", "str": "nothing", "slug": "nothing", "path": "nothing", "renderfmt": "docx",
           "cellkey": "t3.granted.total"}


def _concrete(route: str) -> str:
    """A path for a route, its parameters filled with values that exist nowhere; it must resolve
    to the route's own view (a converter without a sample fails here, not silently)."""
    from django.urls import resolve

    path = "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES[m.group(1) or "str"], route)
    path = path.replace("^", "").replace("$", "")
    resolve(path)
    return path


ROUTES = [(r, n) for r, n in _patterns() if n not in PUBLIC]


def test_there_are_routes_to_check() -> None:
    names = {n for _, n in ROUTES}
    assert {"home", "audit"} <= names
    assert len(ROUTES) >= 10, ROUTES


@pytest.mark.parametrize("route,name", ROUTES)
def test_anonymous_is_sent_to_login(client: Any, db: Any, route: str, name: str) -> None:
    path = _concrete(route)
    for method in ("get", "post"):
        r = getattr(client, method)(path)
        assert r.status_code in (302, 405), f"{method.upper()} {path} ({name}) → {r.status_code}"
        if r.status_code == 302:
            assert r.url.startswith("/login/"), f"{path} ({name}) redirects to {r.url}"


@pytest.mark.parametrize("route,name", ROUTES)
def test_user_without_profile_is_refused(client: Any, db: Any, route: str, name: str) -> None:
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("nobody", password="pw-nobody-123"))
    path = _concrete(route)
    r = client.get(path)
    assert r.status_code in (403, 404, 405), f"GET {path} ({name}) → {r.status_code}"


def test_admin_refuses_everyone_but_whole_store_administrators(client: Any, users: dict[str, Any]) -> None:
    for who in ("sup_city", "sup_a", "ana_a", "sup_b"):
        client.force_login(users[who])
        for path in ("/admin/", "/admin/store/agency/", "/admin/core/auditevent/", "/admin/auth/user/"):
            r = client.get(path)
            assert r.status_code == 302 and "/admin/login/" in r.url, (who, path, r.status_code)
