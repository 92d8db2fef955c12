"""The office accounts page: the office administrator lists, creates, re-roles, deactivates and
reactivates its own agency's staff and resets their passwords; never deletes; never demotes or
deactivates themselves; every change audited without the password. Isolation, CSRF and escaping
are in test_office_security.py."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client, RequestFactory

from xxgk.web.core.models import AuditEvent, Profile
from xxgk.web.office.accounts import views
from xxgk.web.office.scope import office_of

NEW_PW = "Lantern-river-4471"


def _as(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _usernames(html: str) -> set[str]:
    return set(re.findall(r'<a href="/office/accounts/\d+/">([^<]+)</a>', html))


def _new(c: Client, **over: str) -> Any:
    data = {"username": "clerk_a2", "full_name": "王小明", "role": "reviewer", "password1": NEW_PW, "password2": NEW_PW}
    return c.post("/office/accounts/new/", {**data, **over})


def test_list_shows_this_offices_staff_only(staff: dict[str, Any], users: dict[str, Any], tree: dict[str, Any],
                                            make_user: Any) -> None:
    make_user("sup_dept_a", "supervisor", tree["dept_a"])    # no office role: not office staff
    make_user("clerk_town", "clerk", tree["town_a"])          # another agency of the same county
    r = _as(staff["admin_a"]).get("/office/accounts/")
    assert r.status_code == 200
    assert _usernames(r.content.decode()) == {"clerk_a", "reviewer_a", "head_a", "admin_a"}


def test_create_account(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    c = _as(staff["admin_a"])
    r = _new(c)
    u = User.objects.get(username="clerk_a2")
    assert r.status_code == 302 and r.url == f"/office/accounts/{u.pk}/"
    assert u.check_password(NEW_PW) and u.is_active and not u.is_staff and not u.is_superuser
    assert u.first_name == "王小明" and u.xxgk.role == "reviewer" and u.xxgk.agency_id == tree["dept_a"].pk
    ev = AuditEvent.objects.get(action="office.account.create")
    assert ev.target == f"auth.User:{u.pk}" and ev.username == "admin_a" and ev.agency_path == tree["dept_a"].path
    assert ev.details == {"username": "clerk_a2", "full_name": "王小明", "role": "reviewer"}
    assert "王小明" in c.get("/office/accounts/").content.decode()
    # the new account works in the office, as a reviewer of 丙县教育局
    assert office_of(u).agency_id == tree["dept_a"].pk and office_of(u).can("review")
    assert _as(u).get("/office/").status_code == 200


@pytest.mark.parametrize("over,field,says", [
    ({"password1": "short1", "password2": "short1"}, "password1", "8"),         # under 8 characters
    ({"password1": "12345678", "password2": "12345678"}, "password1", "常见"),  # a common password
    ({"password2": NEW_PW + "x"}, "password2", "两次输入的密码不一致"),
    ({"username": "CLERK_A"}, "username", "该用户名已被使用"),                     # taken, whatever the case
    ({"username": "a b"}, "username", ""),
    ({"role": "supervisor"}, "role", ""),                                          # not an office role
    ({"role": "analyst"}, "role", ""),
    ({"full_name": ""}, "full_name", ""),
])
def test_create_refuses(staff: dict[str, Any], over: dict[str, str], field: str, says: str) -> None:
    n = User.objects.count()
    r = _new(_as(staff["admin_a"]), **over)
    assert r.status_code == 400 and list(r.context["form"].errors) == [field]
    assert says in " ".join(r.context["form"].errors[field]) and says in r.content.decode()
    assert User.objects.count() == n and not AuditEvent.objects.filter(action__startswith="office.account").exists()


def test_change_role(staff: dict[str, Any]) -> None:
    c, clerk = _as(staff["admin_a"]), staff["clerk_a"]
    r = c.post(f"/office/accounts/{clerk.pk}/", {"op": "role", "role": "head"})
    assert r.status_code == 302
    assert Profile.objects.get(user=clerk).role == "head"
    ev = AuditEvent.objects.get(action="office.account.role")
    assert ev.target == f"auth.User:{clerk.pk}" and ev.details == {"username": "clerk_a", "role": ["clerk", "head"]}
    # the same role again changes nothing and writes nothing
    c.post(f"/office/accounts/{clerk.pk}/", {"op": "role", "role": "head"})
    assert AuditEvent.objects.filter(action="office.account.role").count() == 1
    # an administrator may promote and demote another administrator
    c.post(f"/office/accounts/{clerk.pk}/", {"op": "role", "role": "administrator"})
    assert c.post(f"/office/accounts/{clerk.pk}/", {"op": "role", "role": "clerk"}).status_code == 302
    assert Profile.objects.get(user=clerk).role == "clerk"


def test_administrator_cannot_demote_or_deactivate_themselves(staff: dict[str, Any], make_user: Any,
                                                               tree: dict[str, Any]) -> None:
    make_user("admin_a2", "administrator", tree["dept_a"])  # even with another administrator
    me = staff["admin_a"]
    c = _as(me)
    page = c.get(f"/office/accounts/{me.pk}/").content.decode()
    assert "不能修改自己的角色" in page and "不能停用自己的账号" in page
    r = c.post(f"/office/accounts/{me.pk}/", {"op": "role", "role": "clerk"})
    assert r.status_code == 400 and "不能降低自己的角色" in r.content.decode()
    r = c.post(f"/office/accounts/{me.pk}/", {"op": "active", "active": "0"})
    assert r.status_code == 400 and "不能停用自己的账号" in r.content.decode()
    me.refresh_from_db()
    assert me.is_active and me.xxgk.role == "administrator"
    assert not AuditEvent.objects.filter(action__startswith="office.account").exists()


def test_last_active_administrator_is_kept(staff: dict[str, Any], make_user: Any, tree: dict[str, Any]) -> None:
    """The view never lets an administrator act on themselves, so the last administrator can only
    be lost in a race: the acting administrator was demoted a moment ago. The check under the lock
    refuses then too (called as the view calls it, with the acting scope taken before the race)."""
    actor, last = staff["admin_a"], staff["head_a"]
    Profile.objects.filter(user=last).update(role="administrator")
    office = office_of(actor)
    Profile.objects.filter(user=actor).update(role="clerk")  # the race: actor demoted meanwhile
    request = RequestFactory().post("/")
    request.user = actor
    assert views._change_role(request, office, last, "clerk") == "本机关必须保留至少一名启用的管理员。"
    assert views._set_active(request, office, last, False) == "本机关必须保留至少一名启用的管理员。"
    last.refresh_from_db()
    assert last.is_active and last.xxgk.role == "administrator"
    # an inactive administrator does not count: with a second, active one, the change passes
    make_user("admin_a3", "administrator", tree["dept_a"], is_active=False)
    assert views._set_active(request, office, last, False) != ""
    make_user("admin_a4", "administrator", tree["dept_a"])
    request._messages = type("M", (), {"add": lambda *a, **k: None})()  # type: ignore[attr-defined]
    assert views._set_active(request, office, last, False) == ""
    last.refresh_from_db()
    assert not last.is_active


def test_deactivate_and_reactivate(staff: dict[str, Any]) -> None:
    c, clerk = _as(staff["admin_a"]), staff["clerk_a"]
    clerk_client = _as(clerk)
    assert clerk_client.get("/office/").status_code == 200
    assert c.post(f"/office/accounts/{clerk.pk}/", {"op": "active", "active": "0"}).status_code == 302
    clerk.refresh_from_db()
    assert not clerk.is_active
    r = clerk_client.get("/office/")  # the open session ends with the account
    assert r.status_code == 302 and r.url.startswith("/login/")
    assert "已停用" in c.get("/office/accounts/").content.decode()
    assert c.post(f"/office/accounts/{clerk.pk}/", {"op": "active", "active": "1"}).status_code == 302
    clerk.refresh_from_db()
    assert clerk.is_active
    evs = list(AuditEvent.objects.filter(action="office.account.active").order_by("id")
               .values_list("details", flat=True))
    assert evs == [{"username": "clerk_a", "active": [True, False]}, {"username": "clerk_a", "active": [False, True]}]


def test_reset_password(staff: dict[str, Any]) -> None:
    c, clerk = _as(staff["admin_a"]), staff["clerk_a"]
    r = c.post(f"/office/accounts/{clerk.pk}/", {"op": "password", "password1": "abc", "password2": "abc"})
    assert r.status_code == 400
    r = c.post(f"/office/accounts/{clerk.pk}/", {"op": "password", "password1": NEW_PW, "password2": NEW_PW})
    assert r.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PW) and not clerk.check_password("pw-xxgk-test-1")
    ev = AuditEvent.objects.get(action="office.account.password")
    assert ev.details == {"username": "clerk_a"}
    # resetting one's own password keeps one's session
    me = staff["admin_a"]
    r = c.post(f"/office/accounts/{me.pk}/", {"op": "password", "password1": NEW_PW, "password2": NEW_PW})
    assert r.status_code == 302
    assert c.get("/office/accounts/").status_code == 200


def test_no_password_in_the_audit_log(staff: dict[str, Any]) -> None:
    c = _as(staff["admin_a"])
    _new(c)
    u = User.objects.get(username="clerk_a2")
    c.post(f"/office/accounts/{u.pk}/", {"op": "password", "password1": NEW_PW + "9", "password2": NEW_PW + "9"})
    dump = json.dumps(list(AuditEvent.objects.values_list("details", flat=True)), ensure_ascii=False)
    assert AuditEvent.objects.filter(action__startswith="office.account").count() == 2
    assert NEW_PW not in dump and "password1" not in dump and u.password not in dump


def test_never_deleted(staff: dict[str, Any]) -> None:
    c, clerk = _as(staff["admin_a"]), staff["clerk_a"]
    assert c.post(f"/office/accounts/{clerk.pk}/", {"op": "delete"}).status_code == 400
    assert c.delete(f"/office/accounts/{clerk.pk}/").status_code == 405
    assert User.objects.filter(pk=clerk.pk, is_active=True).exists()


def test_menu_entry_for_administrators_only(staff: dict[str, Any]) -> None:
    for who, shown in (("admin_a", True), ("head_a", False), ("reviewer_a", False), ("clerk_a", False)):
        page = _as(staff[who]).get("/office/").content.decode()
        assert ('href="/office/accounts/"' in page) is shown, who
