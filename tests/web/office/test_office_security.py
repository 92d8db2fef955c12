"""Security of the office (issue 16): the Django admin refuses office staff whatever their flags; no
view of the project changes or removes an audit event; the accounts pages are isolated per agency
and refused to non-administrators; CSRF enforced and user text escaped on them; the register import
refuses over-size and foreign files with a clear message."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.web.test_every_url import SAMPLES, _patterns
from xxgk.web.core import audit
from xxgk.web.core.models import AuditEvent, Profile
from xxgk.web.office.register import imports

PW = "Lantern-river-4471"


def _as(user: Any, **kw: Any) -> Client:
    c = Client(**kw)
    c.force_login(user)
    return c


# -- (a) the Django admin ----------------------------------------------------------------------

ADMIN_PATHS = ["/admin/", "/admin/store/agency/", "/admin/auth/user/", "/admin/core/profile/",
               "/admin/core/auditevent/", "/admin/office/", "/admin/office/application/",
               "/admin/office/proactiveitem/", "/admin/office/document/", "/admin/office/case/"]


def _refused(r: Any) -> bool:
    return (r.status_code == 302 and "/admin/login/" in r.url) or r.status_code in (403, 404)


@pytest.mark.parametrize("who", ["clerk_a", "head_a", "admin_a"])
def test_admin_refuses_office_staff_even_when_staff(staff: dict[str, Any], who: str) -> None:
    user = staff[who]
    User.objects.filter(pk=user.pk).update(is_staff=True)
    c = _as(User.objects.get(pk=user.pk))
    for path in ADMIN_PATHS + [f"/admin/auth/user/{user.pk}/change/", f"/admin/core/profile/{user.xxgk.pk}/change/"]:
        for method in ("get", "post"):
            r = getattr(c, method)(path)
            assert _refused(r), (who, method, path, r.status_code)
    # logging in through the admin's own form leads nowhere either
    c = Client()
    c.post("/admin/login/", {"username": who, "password": "pw-xxgk-test-1", "next": "/admin/"})
    assert c.get("/admin/").status_code != 200
    assert c.get("/admin/office/application/").status_code != 200


def test_office_models_are_not_in_the_admin(users: dict[str, Any]) -> None:
    """Even the whole-store administrator browses no office record there (the office's records are
    kept through the office's pages, with their audit and scope): nothing of app `office` answers."""
    User.objects.filter(pk=users["admin"].pk).update(is_superuser=True)
    c = _as(users["admin"])
    assert c.get("/admin/").status_code == 200  # the oracle: this user does reach the admin
    for path in ADMIN_PATHS[5:]:
        assert c.get(path).status_code == 404, path


# -- (b) the audit trail cannot be edited through any view --------------------------------------

FIELDS = ("id", "at", "user_id", "username", "action", "target", "agency_path", "details", "ip")
TAMPER = {"action": "tampered", "target": "x:1", "username": "mallory", "agency_path": "", "details": "{}",
          "at": "2000-01-01 00:00", "ip": "10.0.0.1", "op": "active", "active": "0", "_save": "1", "post": "yes"}


def _rows(ids: list[int]) -> list[tuple[Any, ...]]:
    return list(AuditEvent.objects.filter(pk__in=ids).order_by("id").values_list(*FIELDS))


def _paths(event_id: int) -> list[str]:
    """Each route of the project with every parameter filled twice: with a value naming nothing,
    and with the audit event's own id (a view taking an id must not reach the event with it)."""
    out = []
    for route, _name in _patterns():
        for fill in (lambda conv: SAMPLES[conv], lambda conv: str(event_id) if conv == "int" else SAMPLES[conv]):
            out.append("/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m, f=fill: f(m.group(1) or "str"), route))
    return sorted(set(out))


def test_audit_trail_cannot_be_edited_through_any_view(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    admin_a = staff["admin_a"]
    events = [audit.record("office.application.create", user=admin_a, target="office.Application:1",
                           agency_path=tree["dept_a"].path, ref="2025-001"),
              audit.record("office.account.create", user=admin_a, target=f"auth.User:{staff['clerk_a'].pk}",
                           agency_path=tree["dept_a"].path, username="clerk_a"),
              audit.record("upload", user=None, target="store.Version:1", agency_path=tree["dept_b"].path)]
    ids = [e.pk for e in events]
    before = _rows(ids)
    assert len(before) == 3
    paths = _paths(events[0].pk)
    assert len(paths) >= 40 and "/audit/" in paths and "/office/accounts/new/" in paths
    c = Client()
    answered = 0
    for path in paths:
        for method in ("post", "put", "delete", "patch"):
            c.force_login(admin_a)  # a path may log out
            r = getattr(c, method)(path, TAMPER) if method == "post" else getattr(c, method)(path)
            answered += r.status_code < 500
            assert _rows(ids) == before, (method, path, r.status_code)
    assert answered == 4 * len(paths)
    assert AuditEvent.objects.count() >= 3 and not AuditEvent.objects.filter(action="tampered").exists()


def test_admin_cannot_edit_the_audit_trail(users: dict[str, Any]) -> None:
    """The whole-store administrator, who does reach the admin: the audit event's change, delete,
    history and bulk delete answer nothing that changes it."""
    ev = audit.record("login", user=users["sup_a"])
    before = _rows([ev.pk])
    c = _as(users["admin"])
    assert c.get("/admin/core/auditevent/").status_code == 200  # readable
    for path, data in ((f"/admin/core/auditevent/{ev.pk}/change/", TAMPER),
                       (f"/admin/core/auditevent/{ev.pk}/delete/", {"post": "yes"}),
                       ("/admin/core/auditevent/add/", TAMPER),
                       ("/admin/core/auditevent/",
                        {"action": "delete_selected", "_selected_action": [ev.pk], "post": "yes"})):
        r = c.post(path, data)
        assert r.status_code in (302, 403, 404, 200), path
        assert _rows([ev.pk]) == before, path
    assert not AuditEvent.objects.filter(action="tampered").exists()


# -- (c) the accounts pages: isolation, roles, CSRF, escaping -----------------------------------


@pytest.fixture
def admin_b(staff: dict[str, Any], tree: dict[str, Any], make_user: Any) -> Any:
    return make_user("admin_b", "administrator", tree["dept_b"])


def _a_state() -> list[tuple[Any, ...]]:
    return list(User.objects.filter(xxgk__agency__code="10010102").order_by("pk")
                .values_list("pk", "is_active", "password", "xxgk__role"))


@pytest.mark.parametrize("who", ["clerk_b", "head_b", "admin_b"])
def test_other_office_gets_404_on_a_accounts(staff: dict[str, Any], admin_b: Any, who: str) -> None:
    staff = {**staff, "admin_b": admin_b}
    c = _as(staff[who])
    before = _a_state()
    for target in ("clerk_a", "head_a", "admin_a"):
        url = f"/office/accounts/{staff[target].pk}/"
        assert c.get(url).status_code == 404, (who, url)
        for data in ({"op": "role", "role": "clerk"}, {"op": "active", "active": "0"},
                     {"op": "password", "password1": PW, "password2": PW}):
            assert c.post(url, data).status_code == 404, (who, url, data)
    assert _a_state() == before
    assert not AuditEvent.objects.filter(action__startswith="office.account").exists()


def test_other_office_administrator_sees_only_its_own(staff: dict[str, Any], admin_b: Any) -> None:
    page = _as(admin_b).get("/office/accounts/").content.decode()
    shown = set(re.findall(r'<a href="/office/accounts/\d+/">([^<]+)</a>', page))
    assert shown == {"clerk_b", "head_b", "admin_b"}
    # an account created by B's administrator lands at B, whatever the form says
    r = _as(admin_b).post("/office/accounts/new/", {"username": "x_b", "full_name": "x", "role": "clerk",
                                                    "password1": PW, "password2": PW, "agency": "10010102"})
    assert r.status_code == 302 and Profile.objects.get(user__username="x_b").agency.code == "10010201"


@pytest.mark.parametrize("who", ["clerk_a", "reviewer_a", "head_a"])
def test_non_administrators_get_403(staff: dict[str, Any], who: str) -> None:
    c = _as(staff[who])
    before = _a_state()
    target = staff["clerk_a"].pk
    assert c.get("/office/accounts/").status_code == 403
    assert c.get("/office/accounts/new/").status_code == 403
    assert c.post("/office/accounts/new/", {"username": "x", "full_name": "x", "role": "administrator",
                                            "password1": PW, "password2": PW}).status_code == 403
    assert c.get(f"/office/accounts/{target}/").status_code == 403
    assert c.post(f"/office/accounts/{target}/", {"op": "role", "role": "administrator"}).status_code == 403
    r = c.post(f"/office/accounts/{target}/", {"op": "password", "password1": PW, "password2": PW})
    assert r.status_code == 403
    assert _a_state() == before and not User.objects.filter(username="x").exists()


def test_accounts_without_an_office_role_are_404(staff: dict[str, Any], users: dict[str, Any], tree: dict[str, Any],
                                                 make_user: Any) -> None:
    sup_dept_a = make_user("sup_dept_a", "supervisor", tree["dept_a"])
    c = _as(staff["admin_a"])
    for u in (sup_dept_a, users["sup_a"], users["admin"], User.objects.create_user("bare", password=PW)):
        assert c.get(f"/office/accounts/{u.pk}/").status_code == 404, u.username
        assert c.post(f"/office/accounts/{u.pk}/", {"op": "active", "active": "0"}).status_code == 404
        u.refresh_from_db()
        assert u.is_active
    # and supervision users have no office: 403 on the pages
    assert _as(users["sup_a"]).get("/office/accounts/").status_code == 403


def test_csrf_enforced(staff: dict[str, Any]) -> None:
    c = _as(staff["admin_a"], enforce_csrf_checks=True)
    before = _a_state()
    url = f"/office/accounts/{staff['clerk_a'].pk}/"
    assert c.post("/office/accounts/new/", {"username": "x", "full_name": "x", "role": "clerk",
                                            "password1": PW, "password2": PW}).status_code == 403
    for data in ({"op": "role", "role": "head"}, {"op": "active", "active": "0"},
                 {"op": "password", "password1": PW, "password2": PW}):
        assert c.post(url, data).status_code == 403, data
    assert _a_state() == before and not User.objects.filter(username="x").exists()
    # the oracle: with the token the same client succeeds
    page = c.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert c.post(url, {"op": "role", "role": "head", "csrfmiddlewaretoken": token}).status_code == 302


def test_full_name_is_escaped(staff: dict[str, Any]) -> None:
    c = _as(staff["admin_a"])
    evil = "<script>alert(1)</script>"
    r = c.post("/office/accounts/new/", {"username": "evil", "full_name": evil, "role": "clerk",
                                         "password1": PW, "password2": PW})
    assert r.status_code == 302
    for url in ("/office/accounts/", r.url):
        page = c.get(url).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and evil not in page, url


# -- (d) uploads limited ----------------------------------------------------------------------
# The register import's refusals (PDF, .xls, broken XLSX, missing columns, empty) and its size limit
# are tested in test_documents.py (test_import_refuses_files, test_import_size_limit); here only
# that the over-size refusal says so, which that test does not check.


def test_import_over_size_says_why(staff: dict[str, Any]) -> None:
    big = b"year,period,amount_wan_yuan\n" + b"2025,p,1\n" * (imports.IMPORT_MAX_BYTES // 9 + 1)
    r = _as(staff["clerk_a"]).post("/office/fees/import/", {"file": SimpleUploadedFile("big.csv", big)})
    assert r.status_code == 400 and "文件超过 1024 KB。" in r.content.decode()
    png = SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    r = _as(staff["clerk_a"]).post("/office/fees/import/", {"file": png})
    assert r.status_code == 400 and "文件不是 CSV 或 XLSX" in r.content.decode()
