"""Applications through the web: intake by every channel (Art. 31), the clock on the page, events
as htmx fragments, extension by the head only, fees, the reply, masking in lists and exports,
isolation from another office, CSRF, escaping and the audit trail."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client

from xxgk.web.core.models import AuditEvent
from xxgk.web.office.applications import service
from xxgk.web.office.models import Application

D = dt.date
NEW = "/office/applications/new/"


def intake(client: Any, **kw: Any) -> Any:
    data = {"applicant_type": "natural_person", "applicant_name": "张三丰", "channel": "counter",
            "description": "学校食堂招标文件", "items": "1", "phone": "13812345678",
            "id_number": "110101199001011234", "address": "北京市东城区景山前街4号", "email": "zsf@example.cn"} | kw
    return client.post(NEW, data)


def make(agency: Any, user: Any, on: dt.date, **kw: Any) -> Application:
    fields = {"applicant_type": "natural_person", "applicant_name": "张三丰", "channel": "counter",
              "description": "学校食堂招标文件", "submitted_on": on, "phone": "13812345678",
              "id_number": "110101199001011234"} | kw
    return service.create_application(agency, user, **fields)


@pytest.mark.parametrize("channel,field,day,rule", [
    ("counter", "submitted_on", D(2025, 3, 3), "以提交之日为收到申请之日"),
    ("post_registered", "signed_for_on", D(2025, 3, 4), "以签收之日为收到申请之日"),
    ("post_ordinary", "confirmed_on", D(2025, 3, 5), "以与申请人确认之日为收到申请之日"),
    ("fax", "confirmed_on", D(2025, 3, 6), "通过传真提交，以双方确认之日为收到申请之日"),
    ("email", "confirmed_on", D(2025, 3, 7), "通过电子邮件提交，以双方确认之日为收到申请之日"),
    ("online", "confirmed_on", D(2025, 3, 10), "通过互联网渠道提交，以双方确认之日为收到申请之日"),
])
def test_every_received_date_rule_through_the_form(staff: dict[str, Any], login: Any, channel: str, field: str,
                                                   day: dt.date, rule: str) -> None:
    c = login(staff["clerk_a"])
    # The channel's rule sentence is shown for the channel (htmx fragment) …
    assert rule in c.get("/office/applications/received-fields/", {"channel": channel}).content.decode()
    # … the other facts are ignored, the channel's own one decides …
    others = {f: "2025-01-02" for f in ("submitted_on", "signed_for_on", "confirmed_on") if f != field}
    r = intake(c, channel=channel, **{field: day.isoformat()}, **others)
    assert r.status_code == 302, r.content.decode()[:2000]
    app = Application.objects.get()
    assert app.received_on == day and app.ref == f"{day.year}-0001"
    assert getattr(app, field) == day and all(getattr(app, f) is None for f in others)
    # … and without it nothing is saved and the rule is the error.
    r = intake(c, channel=channel, **others)
    assert r.status_code == 400 and rule in r.content.decode()
    assert Application.objects.count() == 1


def test_future_date_refused(staff: dict[str, Any], login: Any) -> None:
    r = intake(login(staff["clerk_a"]), submitted_on=(dt.date.today() + dt.timedelta(days=2)).isoformat())
    assert r.status_code == 400 and not Application.objects.exists()


def test_correction_restart_on_the_page(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    c = login(staff["clerk_a"])
    intake(c, submitted_on="2025-09-15")
    app = Application.objects.get()
    url = f"/office/applications/{app.pk}/"
    r = c.post(url + "events/correction_requested/", {"on": "2025-09-17", "days": "10", "note": "请写明年份"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="clock"' in r.content.decode() and "<html" not in r.content.decode()
    assert "计时中止" in r.content.decode()
    # a second notice is refused by the clock: a form error, nothing saved
    r = c.post(url + "events/correction_received/", {"on": "2025-09-16"}, HTTP_HX_REQUEST="true")
    assert "收到补正的日期早于发出补正通知的日期" in r.content.decode()
    assert app.events.count() == 1
    r = c.post(url + "events/correction_received/", {"on": "2025-09-26"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert app.due_on == D(2025, 10, 30)  # counted by hand in test_applications_service
    page = c.get(url).content.decode()
    assert "2025-10-30" in page and "2025年10月30日（星期四）" in page  # the explanation's last step
    assert "收到申请人的补正，答复期限自次日起重新计算20个工作日" in page


def test_consultation_and_answer_by_htmx(staff: dict[str, Any], login: Any) -> None:
    c = login(staff["clerk_a"])
    app = make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 3, 3))
    base = f"/office/applications/{app.pk}/"
    c.post(base + "events/consultation/", {"on": "2025-03-05", "party": "third_party"}, HTTP_HX_REQUEST="true")
    app.refresh_from_db()
    assert app.due_on == D(2025, 4, 22)
    ev = app.events.get()
    r = c.post(base + f"events/{ev.pk}/answer/", {"answered_on": "2025-03-12", "objection": "on"},
               HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "2025-04-08" in r.content.decode()
    ev.refresh_from_db()
    assert ev.answered_on == D(2025, 3, 12) and ev.objection


def test_extension_by_head_only(staff: dict[str, Any], login: Any, client: Any) -> None:
    app = make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 9, 15))
    url = f"/office/applications/{app.pk}/events/extension/"
    data = {"on": "2025-10-10", "days": "20", "note": "需调取档案"}
    page = login(staff["clerk_a"]).get(f"/office/applications/{app.pk}/").content.decode()
    assert "events/extension/" not in page
    assert client.post(url, data).status_code == 403
    assert login(staff["reviewer_a"]).post(url, data).status_code == 403
    assert not app.events.exists()
    assert login(staff["head_a"]).post(url, data).status_code == 302
    app.refresh_from_db()
    assert app.due_on == D(2025, 11, 14) and app.events.get().approved_by_name == "head_a"


def test_fee_notice_amount_is_computed(staff: dict[str, Any], login: Any) -> None:
    a, u = staff["clerk_a"].xxgk.agency, staff["clerk_a"]
    app = make(a, u, D(2025, 4, 1))
    c = login(u)
    base = f"/office/applications/{app.pk}/"
    r = c.get(base + "fee/", {"method": "per_page", "pages": "101"})
    assert "720 元" in r.content.decode() and "第101页（第101–200页档）每页20元，1页=20元" in r.content.decode()
    # an amount typed by the clerk is ignored: only method and pages count
    c.post(base + "events/fee_notice/", {"on": "2025-04-03", "method": "per_page", "pages": "101",
                                         "amount_yuan": "1"})
    ev = app.events.get()
    assert ev.amount_yuan == 720 and ev.pages == 101
    r = c.post(base + "events/fee_notice/", {"on": "2025-04-03", "method": "per_page"}, HTTP_HX_REQUEST="true")
    assert app.events.count() == 1


def test_reply_closes_with_one_outcome(staff: dict[str, Any], login: Any) -> None:
    app = make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 3, 3))
    c = login(staff["clerk_a"])
    url = f"/office/applications/{app.pk}/reply/"
    r = c.post(url, {"on": "2025-03-20", "outcome": "partially_granted", "withheld_parts": "第3页"},
               HTTP_HX_REQUEST="true")
    assert "区分处理（部分公开）须写明" in r.content.decode()
    assert Application.objects.get(pk=app.pk).closed_on is None
    r = c.post(url, {"on": "2025-03-20", "outcome": "denied_third_party", "withheld_grounds": "第三方不同意公开"})
    assert r.status_code == 302
    app.refresh_from_db()
    assert (app.closed_on, app.outcome) == (D(2025, 3, 20), "denied_third_party")
    page = c.get(f"/office/applications/{app.pk}/").content.decode()
    assert "不予公开：保护第三方合法权益" in page and f"/office/applications/{app.pk}/reply/" not in page
    assert c.get("/office/applications/", {"outcome": "denied_third_party"}).content.decode().count(app.ref) == 1
    assert app.ref not in c.get("/office/applications/", {"state": "open"}).content.decode()


def test_list_and_exports_are_masked(staff: dict[str, Any], login: Any) -> None:
    import io

    from openpyxl import load_workbook

    make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 3, 3), address="北京市东城区景山前街4号",
         email="zsf@example.cn")
    c = login(staff["clerk_a"])
    html = c.get("/office/applications/").content.decode()
    csv = c.get("/office/applications/", {"export": "csv"}).content.decode("utf-8-sig")
    wb = load_workbook(io.BytesIO(c.get("/office/applications/", {"export": "xlsx"}).content))
    xlsx = json.dumps([list(r) for r in wb.active.iter_rows(values_only=True)], ensure_ascii=False, default=str)
    board = c.get("/office/board/").content.decode()
    for text in (html, csv, xlsx, board):
        for secret in ("13812345678", "110101199001011234", "张三丰", "景山前街", "zsf@"):
            assert secret not in text
    assert "138****5678" in html and "张**" in html
    header, row = csv.strip().split("\r\n")
    assert header.split(",")[:4] == ["ref", "applicant_type", "applicant_name", "id_number"]
    assert "2025-0001,自然人,张**,110***********1234,138****5678,北京市东城区***,z***@example.cn" in row


def test_list_filters(staff: dict[str, Any], login: Any, monkeypatch: Any) -> None:
    a, u = staff["clerk_a"].xxgk.agency, staff["clerk_a"]
    make(a, u, D(2025, 2, 10))  # 0001 due 3/10
    make(a, u, D(2025, 3, 14), applicant_type="commercial_enterprise", applicant_name="某某公司")  # 0002 due 4/14
    stopped = make(a, u, D(2025, 3, 3))  # 0003
    service.add_event(stopped, "correction_requested", u, on=D(2025, 3, 5))
    make(a, u, D(2024, 5, 6))  # 2024-0001
    monkeypatch.setattr(service, "today", lambda: D(2025, 3, 20))
    c = login(u)

    def refs(**q: str) -> list[str]:
        html = c.get("/office/applications/", q).content.decode()
        return sorted(r for r in ("2025-0001", "2025-0002", "2025-0003", "2024-0001") if f">{r}<" in html)

    assert refs(state="overdue") == ["2024-0001", "2025-0001"]
    assert refs(state="stopped") == ["2025-0003"]
    assert refs(type="commercial_enterprise") == ["2025-0002"]
    assert refs(year="2024") == ["2024-0001"]
    assert refs(q="0003") == ["2025-0003"]
    assert refs(state="closed") == []


def test_escaping_and_no_template_injection(staff: dict[str, Any], login: Any) -> None:
    app = make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 3, 3), applicant_name="<b>王</b>",
               description="<script>alert(1)</script> {agency} {{ request }}")
    c = login(staff["clerk_a"])
    page = c.get(f"/office/applications/{app.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>王</b>" not in page and "&lt;b&gt;王&lt;/b&gt;" in page
    assert "{{ request }}" in page


def test_csrf_enforced(staff: dict[str, Any]) -> None:
    app = make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 3, 3))
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff["head_a"])
    for url, data in ((NEW, {"applicant_name": "x"}),
                      (f"/office/applications/{app.pk}/events/consultation/", {"on": "2025-03-05", "party": "third_party"}),
                      (f"/office/applications/{app.pk}/reply/", {"on": "2025-03-05", "outcome": "granted"}),
                      ("/office/notice-templates/", {"kind": "reply", "reply-title": "t", "reply-body": "b"})):
        assert c.post(url, data).status_code == 403, url
    assert not app.events.exists() and Application.objects.count() == 1


def test_audit_rows_without_personal_data(staff: dict[str, Any], login: Any) -> None:
    c = login(staff["clerk_a"])
    intake(c, submitted_on="2025-03-03")
    app = Application.objects.get()
    c.post(f"/office/applications/{app.pk}/events/consultation/", {"on": "2025-03-05", "party": "third_party"})
    c.post(f"/office/applications/{app.pk}/reply/", {"on": "2025-03-20", "outcome": "granted"})
    rows = list(AuditEvent.objects.filter(action__startswith="office.application").order_by("id"))
    assert [r.action for r in rows] == ["office.application.create", "office.application.event",
                                        "office.application.reply"]
    assert all(r.username == "clerk_a" and r.agency_path == app.agency.path for r in rows)
    assert rows[0].details["applicant"] == "张**" and rows[0].details["ref"] == "2025-0001"
    assert rows[1].details["kind"] == "consultation" and rows[2].details["outcome"] == "granted"
    text = json.dumps([r.details for r in rows], ensure_ascii=False)
    for secret in ("张三丰", "13812345678", "110101199001011234", "景山前街", "zsf@"):
        assert secret not in text


def test_isolation_from_another_office(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    a, u = tree["dept_a"], staff["clerk_a"]
    app = make(a, u, D(2025, 3, 3), applicant_name="甲机关申请人")
    service.add_event(app, "consultation", u, on=D(2025, 3, 5))
    service.add_event(app, "fee_notice", u, on=D(2025, 3, 6), method="per_page", pages=40)
    cons, fee = app.events.order_by("id")
    closed = make(a, u, D(2025, 3, 4), applicant_name="甲机关申请人")
    service.reply(closed, D(2025, 3, 10), "granted")
    mine = make(tree["dept_b"], staff["clerk_b"], D(2025, 3, 3), applicant_name="乙机关申请人")
    b = login(staff["clerk_b"])
    base = f"/office/applications/{app.pk}/"
    gets = [base, base + "fee/?method=per_page&pages=40", base + "notices/consultation/", base + "notices/fee/",
            f"/office/applications/{closed.pk}/notices/reply/", f"/office/applications/{closed.pk}/"]
    for url in gets:
        assert b.get(url).status_code == 404, url
    posts = [(base + "events/correction_requested/", {"on": "2025-03-07", "days": "10"}),
             (base + "events/consultation/", {"on": "2025-03-07", "party": "third_party"}),
             (base + f"events/{cons.pk}/answer/", {"answered_on": "2025-03-07"}),
             (base + f"events/{fee.pk}/paid/", {"paid_on": "2025-03-07"}),
             (base + "reply/", {"on": "2025-03-20", "outcome": "granted"})]
    for url, data in posts:
        assert b.post(url, data).status_code == 404, url
        assert b.post(url, data, HTTP_HX_REQUEST="true").status_code == 404, url
    # the head of B cannot extend A's either
    assert login(staff["head_b"]).post(base + "events/extension/", {"on": "2025-03-07", "days": "5"}).status_code == 404
    # an event of A reached through B's own application is not found either
    own = f"/office/applications/{mine.pk}/"
    b = login(staff["clerk_b"])
    assert b.post(own + f"events/{cons.pk}/answer/", {"answered_on": "2025-03-07"}).status_code == 404
    assert b.post(own + f"events/{fee.pk}/paid/", {"paid_on": "2025-03-07"}).status_code == 404
    app.refresh_from_db()
    assert app.closed_on is None and app.events.count() == 2
    assert cons.answered_on is None and type(fee).objects.get(pk=fee.pk).paid_on is None
    # A's records appear in none of B's lists, exports or board
    for url in ("/office/applications/", "/office/applications/?export=csv", "/office/applications/?export=xlsx",
                "/office/board/", "/office/applications/?state=closed"):
        body = b.get(url).content
        text = body.decode("utf-8-sig", errors="replace")
        assert "甲机" not in text and f"/office/applications/{app.pk}/" not in text, url
    assert "乙*****" in b.get("/office/applications/").content.decode()


def test_other_roles_without_office_are_refused(users: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    app = make(staff["clerk_a"].xxgk.agency, staff["clerk_a"], D(2025, 3, 3))
    for u in (users["sup_a"], users["admin"]):
        c = login(u)
        for url in ("/office/applications/", "/office/board/", f"/office/applications/{app.pk}/", NEW):
            assert c.get(url).status_code == 403
