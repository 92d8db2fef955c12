"""Accounts, scope, audit log, login limit, CSRF and headers: the frame every page stands on."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from tests.web.conftest import PASSWORD


def test_login_page_is_chinese_and_has_csp(client: Any, db: Any) -> None:
    r = client.get("/login/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "登录" in body and "用户名" in body
    assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert r.headers["X-Frame-Options"] == "DENY"


def test_pages_need_login(client: Any, db: Any) -> None:
    r = client.get("/audit/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_user_without_profile_is_refused(client: Any, db: Any) -> None:
    from django.contrib.auth.models import User

    client.force_login(User.objects.create_user("nobody", password=PASSWORD))
    assert client.get("/audit/").status_code == 403


def test_login_rate_limited_per_user_and_address(client: Any, users: dict[str, Any]) -> None:
    for _ in range(5):
        r = client.post("/login/", {"username": "sup_a", "password": "wrong"})
        assert r.status_code == 200
    # The sixth attempt is refused even with the right password.
    r = client.post("/login/", {"username": "sup_a", "password": PASSWORD})
    assert r.status_code == 429
    assert "15 分钟" in r.content.decode()
    # Another user from the same address is not locked out by sup_a's failures.
    r = client.post("/login/", {"username": "sup_b", "password": PASSWORD})
    assert r.status_code == 302


def test_successful_login_is_audited(client: Any, users: dict[str, Any]) -> None:
    from xxgk.web.core.models import AuditEvent

    assert client.post("/login/", {"username": "sup_a", "password": PASSWORD}).status_code == 302
    assert Client().post("/login/", {"username": "sup_a", "password": "bad"}).status_code == 200
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "username"))
    assert actions == [("login", "sup_a"), ("login.failed", "")]


def test_csrf_enforced(users: dict[str, Any]) -> None:
    c = Client(enforce_csrf_checks=True)
    c.force_login(users["sup_a"])
    assert c.post("/logout/").status_code == 403
    r = c.post("/login/", {"username": "sup_a", "password": PASSWORD})
    assert r.status_code == 403


def test_audit_log_is_append_only(users: dict[str, Any]) -> None:
    from xxgk.web.core.audit import record
    from xxgk.web.core.models import AppendOnly, AuditEvent

    e = record("test.event", user=users["sup_a"], agency_path="/10/", n=1)
    e.action = "rewritten"
    with pytest.raises(AppendOnly):
        e.save()
    with pytest.raises(AppendOnly):
        e.delete()
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=e.pk).update(action="x")
    with pytest.raises(AppendOnly):
        AuditEvent.objects.filter(pk=e.pk).delete()
    # The database itself refuses an UPDATE, whatever code sends it.
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE core_auditevent SET action = 'x' WHERE id = %s", [e.pk])
    assert AuditEvent.objects.get(pk=e.pk).action == "test.event"


def test_audit_page_shows_only_the_scope(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.web.core.audit import record

    record("corrected", user=users["sup_a"], agency_path=tree["county_a"].path, what="丙县的更正")
    record("corrected", user=users["sup_b"], agency_path=tree["county_b"].path, what="丁县的更正")
    body = login(users["sup_a"]).get("/audit/").content.decode()
    assert "丙县的更正" in body and "丁县的更正" not in body
    body = login(users["sup_city"]).get("/audit/").content.decode()
    assert "丙县的更正" in body and "丁县的更正" in body


def test_admin_only_for_whole_store_administrators(users: dict[str, Any], make_user: Any, tree: dict[str, Any],
                                                   login: Any) -> None:
    county_admin = make_user("county_admin", "administrator", tree["county_a"], is_staff=True)
    r = login(county_admin).get("/admin/")
    assert r.status_code == 302 and "/admin/login/" in r.url
    assert login(users["sup_a"]).get("/admin/core/auditevent/").status_code == 302
    r = login(users["admin"]).get("/admin/")
    assert r.status_code == 200
    # Even the administrator cannot change or delete an audit event through the admin.
    from xxgk.web.core.audit import record

    e = record("x", user=users["admin"])
    r = login(users["admin"]).post(f"/admin/core/auditevent/{e.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403


def test_scope_querysets(users: dict[str, Any], tree: dict[str, Any]) -> None:
    from xxgk.store.models import Report
    from xxgk.web.core.scope import scope_of

    for key in ("county_a", "town_a", "dept_b", "city"):
        Report.objects.create(agency=tree[key], year=2024)
    Report.objects.create(agency=None, printed_agency="某未匹配单位", year=2024)
    names = lambda user: sorted(r.agency.name if r.agency else r.printed_agency for r in scope_of(user).reports())  # noqa: E731
    assert names(users["sup_a"]) == ["丙县戊镇", "乙市丙县"]
    assert names(users["sup_b"]) == ["丁县教育局"]
    assert names(users["sup_city"]) == sorted(["丁县教育局", "丙县戊镇", "甲省乙市", "乙市丙县"])
    assert len(names(users["admin"])) == 5  # the unmatched report only for the whole store
    assert scope_of(users["ana_a"]).can_write is False
    assert scope_of(users["sup_a"]).can_write is True


def test_tabular_exports_keys_labels_and_defuses_formulas() -> None:
    import io

    from openpyxl import load_workbook

    from xxgk.web.core import tabular

    cols = [("agency", "机构"), ("year", "年度"), ("note", "备注")]
    rows = [{"agency": "丙县", "year": 2024, "note": "=HYPERLINK(\"http://x\")"}, {"agency": "丁县", "year": None}]
    text = tabular.csv_bytes(rows, cols).decode("utf-8")
    assert text == "\ufeffagency,year,note\r\n丙县,2024,\"'=HYPERLINK(\"\"http://x\"\")\"\r\n丁县,,\r\n"
    wb = load_workbook(io.BytesIO(tabular.xlsx_bytes(rows, cols)))
    values = [list(r) for r in wb.active.iter_rows(values_only=True)]
    assert values[0] == ["机构", "年度", "备注"] and values[1] == ["agency", "year", "note"]
    assert values[2] == ["丙县", 2024, "'=HYPERLINK(\"http://x\")"]


def test_put_report_files_generated_reports_under_their_agency(tree: dict[str, Any], put_report: Any) -> None:
    v = put_report(tree["county_a"], 2024, seed=3)
    assert v.report.agency == tree["county_a"] and v.report.year == 2024 and v.report.active_id == v.pk
    assert v.errors == 0
    assert v.data["t3"]["new_received"]["total"] > 0  # a non-zero report: zeros would hide bugs


def test_interface_is_chinese_whatever_the_browser_asks(client: Any, db: Any) -> None:
    for accept in ("en-US,en;q=0.9", "fr", "zh-TW", ""):
        body = client.get("/login/", HTTP_ACCEPT_LANGUAGE=accept).content.decode()
        assert "<h1>登录</h1>" in body and "Log in" not in body, accept


def test_admin_changes_are_in_the_audit_log(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Agency
    from xxgk.web.core.models import AuditEvent

    c = login(users["admin"])
    a = tree["dept_a"]
    r = c.post(f"/admin/store/agency/{a.pk}/change/", {"name": "丙县教育体育局", "aliases": '["丙县教体局"]',
                                                        "level": "department", "rule_making": "unknown"})
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Agency.objects.get(pk=a.pk).name == "丙县教育体育局"
    assert Agency.objects.get(pk=a.pk).parent_id == tree["county_a"].pk  # the hierarchy is not editable here
    e = AuditEvent.objects.get(action="admin.change")
    assert e.username == "admin" and e.target == f"store.Agency:{a.pk}" and e.agency_path == a.path
    profile = users["ana_a"].xxgk
    r = c.post(f"/admin/core/profile/{profile.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302
    assert AuditEvent.objects.filter(action="admin.delete", target=f"core.Profile:{profile.pk}").count() == 1
    assert c.get(f"/admin/store/agency/{a.pk}/delete/").status_code == 403


def test_whole_store_administrator_reads_the_audit_log_in_the_admin(users: dict[str, Any], login: Any) -> None:
    from xxgk.web.core.audit import record

    e = record("test.event", user=users["admin"], what="可见")
    c = login(users["admin"])
    assert c.get("/admin/core/auditevent/").status_code == 200
    assert c.get(f"/admin/core/auditevent/{e.pk}/change/").status_code == 200  # read-only view
    assert c.post(f"/admin/core/auditevent/{e.pk}/change/", {"action": "x"}).status_code == 403
