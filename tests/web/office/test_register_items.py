"""The proactive register through its pages: the review workflow end to end with roles and
separation of duties, Art. 26 due/late shown and filtered, exports, isolation from agency B,
CSRF, escaping and the audit trail."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client

from xxgk.web.core.models import AuditEvent
from xxgk.web.office.models import ProactiveItem, ReviewStep

D = dt.date


def _item(agency: Any, user: Any, **kw: Any) -> ProactiveItem:
    data = {"title": "2025年部门预算", "category": 7, "channel": "website", "formed_on": D(2025, 1, 20)}
    data.update(kw)
    return ProactiveItem.objects.create(agency=agency, created_by=user, **data)


def _as(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _post(c: Client, item: ProactiveItem, action: str, **kw: Any) -> Any:
    return c.post(f"/office/items/{item.pk}/transition/", {"action": action, **kw})


def test_create_edit_and_the_whole_review(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    clerk, reviewer, head = (_as(staff[n]) for n in ("clerk_a", "reviewer_a", "head_a"))
    r = clerk.post("/office/items/new/", {"title": "教育收费标准", "summary": "学费", "category": "8", "art21": "",
                                          "channel": "website", "formed_on": "2025-09-22", "index_no": "XJ-2025-001"})
    assert r.status_code == 302
    item = ProactiveItem.objects.get(title="教育收费标准")
    assert item.state == "draft" and item.agency == tree["dept_a"] and item.due_on == D(2025, 10, 24)
    assert clerk.post(f"/office/items/{item.pk}/edit/", {"title": "教育收费标准（修订）", "category": "8",
                                                         "channel": "website", "formed_on": "2025-09-22"}).status_code == 302
    assert _post(clerk, item, "submit").status_code == 302
    # a submitted item cannot be edited
    assert clerk.get(f"/office/items/{item.pk}/edit/").status_code == 409
    assert clerk.post(f"/office/items/{item.pk}/edit/", {"title": "x", "category": "8", "channel": "website",
                                                         "formed_on": "2025-09-22"}).status_code == 409
    # the clerk cannot approve; the reviewer returns without a note → refused, with a note → returned
    assert _post(clerk, item, "approve").status_code == 403
    r = _post(reviewer, item, "return", note="  ")
    assert r.status_code == 409 and "退回意见" in r.content.decode()
    assert _post(reviewer, item, "return", note="概述不完整").status_code == 302
    item.refresh_from_db()
    assert item.state == "returned"
    assert clerk.post(f"/office/items/{item.pk}/edit/", {"title": "教育收费标准（修订）", "summary": "学费、住宿费",
                                                         "category": "8", "channel": "website",
                                                         "formed_on": "2025-09-22"}).status_code == 302
    assert _post(clerk, item, "submit").status_code == 302
    assert _post(reviewer, item, "approve", note="内容无误").status_code == 302
    # confidentiality review: the reviewer may not publish, the head does, on a given date
    assert _post(reviewer, item, "publish").status_code == 403
    assert _post(head, item, "publish", published_on="2025-09-21").status_code == 409  # before formed
    assert _post(head, item, "publish", published_on="2025-10-27", note="不涉密").status_code == 302
    item.refresh_from_db()
    assert item.state == "published" and item.published_on == D(2025, 10, 27)
    # published after 24 Oct: late, shown on the detail page
    page = clerk.get(f"/office/items/{item.pk}/").content.decode()
    assert "2025-10-24" in page and "逾期" in page
    # illegal transition on a published item
    r = _post(head, item, "return", note="x")
    assert r.status_code == 409 and "已公开" in r.content.decode()
    steps = list(ReviewStep.objects.filter(item=item).values_list("from_state", "to_state", "by_name", "role", "note"))
    assert steps == [
        ("draft", "content_review", "clerk_a", "clerk", ""),
        ("content_review", "returned", "reviewer_a", "reviewer", "概述不完整"),
        ("returned", "content_review", "clerk_a", "clerk", ""),
        ("content_review", "secrecy_review", "reviewer_a", "reviewer", "内容无误"),
        ("secrecy_review", "published", "head_a", "head", "不涉密"),
    ]
    assert all(s.at is not None for s in ReviewStep.objects.filter(item=item))
    actions = list(AuditEvent.objects.filter(target=f"office.ProactiveItem:{item.pk}").order_by("id")
                   .values_list("action", "username"))
    assert actions == [("office.item.create", "clerk_a"), ("office.item.edit", "clerk_a"),
                       ("office.item.submit", "clerk_a"), ("office.item.return", "reviewer_a"),
                       ("office.item.edit", "clerk_a"), ("office.item.submit", "clerk_a"),
                       ("office.item.approve", "reviewer_a"), ("office.item.publish", "head_a")]
    ev = AuditEvent.objects.get(action="office.item.publish")
    assert ev.details["published_on"] == "2025-10-27" and ev.agency_path == tree["dept_a"].path


def test_publish_defaults_to_today(staff: dict[str, Any]) -> None:
    item = _item(staff["clerk_a"].xxgk.agency, staff["clerk_a"], state="secrecy_review", formed_on=D(2026, 3, 2))
    assert _post(_as(staff["head_a"]), item, "publish").status_code == 302
    item.refresh_from_db()
    assert item.published_on == dt.date.today()
    # a future date is refused
    item2 = _item(item.agency, staff["clerk_a"], state="secrecy_review", formed_on=D(2026, 3, 2))
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert _post(_as(staff["head_a"]), item2, "publish", published_on=future).status_code == 409


def test_separation_of_duties(staff: dict[str, Any]) -> None:
    reviewer, head = _as(staff["reviewer_a"]), _as(staff["head_a"])
    # the reviewer drafts and submits an item: they cannot approve it themselves
    reviewer.post("/office/items/new/", {"title": "自拟", "category": "2", "channel": "website",
                                         "formed_on": "2026-03-02"})
    item = ProactiveItem.objects.get(title="自拟")
    assert _post(reviewer, item, "submit").status_code == 302
    r = _post(reviewer, item, "approve")
    assert r.status_code == 403 and "本人" in r.content.decode()
    item.refresh_from_db()
    assert item.state == "content_review" and not AuditEvent.objects.filter(action="office.item.approve").exists()
    # the head may approve it, but then cannot publish an item the head submitted
    item2 = _item(item.agency, staff["clerk_a"], formed_on=D(2026, 3, 2))
    assert _post(head, item2, "submit").status_code == 302
    assert _post(reviewer, item2, "approve").status_code == 302
    assert _post(head, item2, "publish").status_code == 403
    assert _post(_as(staff["admin_a"]), item2, "publish").status_code == 302


def test_list_shows_due_and_filters_late(staff: dict[str, Any]) -> None:
    a, u = staff["clerk_a"].xxgk.agency, staff["clerk_a"]
    on_time = _item(a, u, title="按时", formed_on=D(2025, 1, 6), published_on=D(2025, 2, 8), state="published")
    late = _item(a, u, title="逾期公开", formed_on=D(2025, 1, 6), published_on=D(2025, 2, 10), state="published")
    open_late = _item(a, u, title="未公开已超期", formed_on=D(2025, 9, 22))
    unknown = _item(a, u, title="无日历", formed_on=D(2003, 6, 2))
    assert (on_time.due_on, late.due_on, unknown.due_on) == (D(2025, 2, 8), D(2025, 2, 8), None)
    c = _as(u)
    page = c.get("/office/items/").content.decode()
    assert "2025-02-08" in page and "2025-10-24" in page and "无法计算" in page

    def titles(q: str) -> set[str]:
        return {r["title"] for r in csv.DictReader(io.StringIO(
            c.get(f"/office/items/?{q}&export=csv").content.decode("utf-8-sig")))}
    assert titles("late=yes") == {"逾期公开", "未公开已超期"}
    assert titles("late=no") == {"按时"}
    assert titles("late=unknown") == {"无日历"}
    assert titles("year=2025&state=published") == {"按时", "逾期公开"}
    assert titles("category=7&channel=website") == {"按时", "逾期公开", "未公开已超期", "无日历"}
    rows = list(csv.DictReader(io.StringIO(c.get("/office/items/?late=yes&export=csv").content.decode("utf-8-sig"))))
    assert {r["title"]: (r["due_on"], r["late"]) for r in rows} == {
        "逾期公开": ("2025-02-08", "yes"), "未公开已超期": ("2025-10-24", "yes")}
    x = c.get("/office/items/?export=xlsx")
    assert x.status_code == 200 and x.content[:2] == b"PK"
    assert open_late.pk


def test_due_filled_for_items_saved_without_it(staff: dict[str, Any]) -> None:
    item = _item(staff["clerk_a"].xxgk.agency, staff["clerk_a"], formed_on=D(2025, 9, 22))
    ProactiveItem.objects.filter(pk=item.pk).update(due_on=None)  # e.g. a bulk load
    _as(staff["clerk_a"]).get("/office/items/")
    item.refresh_from_db()
    assert item.due_on == D(2025, 10, 24)


def test_title_is_escaped(staff: dict[str, Any]) -> None:
    item = _item(staff["clerk_a"].xxgk.agency, staff["clerk_a"], title="<script>alert(1)</script>")
    c = _as(staff["clerk_a"])
    for url in ("/office/items/", f"/office/items/{item.pk}/", f"/office/items/{item.pk}/edit/"):
        page = c.get(url).content.decode()
        assert "<script>alert(1)" not in page and "&lt;script&gt;" in page, url


def test_csrf_enforced(staff: dict[str, Any]) -> None:
    item = _item(staff["clerk_a"].xxgk.agency, staff["clerk_a"])
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff["clerk_a"])
    assert c.post("/office/items/new/", {"title": "x"}).status_code == 403
    assert c.post(f"/office/items/{item.pk}/transition/", {"action": "submit"}).status_code == 403
    assert c.post(f"/office/items/{item.pk}/edit/", {"title": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.state == "draft" and item.title == "2025年部门预算"


def test_isolation_from_other_office(staff: dict[str, Any]) -> None:
    item = _item(staff["clerk_a"].xxgk.agency, staff["clerk_a"], title="甲的事项", state="secrecy_review")
    for who in ("clerk_b", "head_b"):
        c = _as(staff[who])
        for url in (f"/office/items/{item.pk}/", f"/office/items/{item.pk}/edit/"):
            assert c.get(url).status_code == 404, (who, url)
        assert c.post(f"/office/items/{item.pk}/edit/", {"title": "x", "category": "2", "channel": "website",
                                                         "formed_on": "2026-01-05"}).status_code == 404
        for action in ("submit", "approve", "publish", "return"):
            assert _post(c, item, action, note="x").status_code == 404, (who, action)
        for q in ("", "?export=csv", "?export=xlsx", "?late=yes&export=csv"):
            r = c.get(f"/office/items/{q}")
            assert r.status_code == 200 and "甲的事项".encode() not in r.content and "甲的事项" not in (
                r.content.decode("utf-8", "ignore")), q
    item.refresh_from_db()
    assert item.state == "secrecy_review" and item.title == "甲的事项"
    assert not ReviewStep.objects.exists()


def test_linked_document_must_be_the_offices_own(staff: dict[str, Any]) -> None:
    from xxgk.web.office.models import Document

    other = Document.objects.create(agency=staff["clerk_b"].xxgk.agency, kind="normative_documents",
                                    title="乙的文件", issued_on=D(2025, 1, 2))
    r = _as(staff["clerk_a"]).post("/office/items/new/", {"title": "链接", "category": "1", "channel": "website",
                                                          "formed_on": "2025-03-03", "document": str(other.pk)})
    assert r.status_code == 200 and not ProactiveItem.objects.filter(title="链接").exists()


@pytest.mark.parametrize("bad", [{"formed_on": ""}, {"category": "16"}, {"title": "   "}, {"channel": "fax"}])
def test_create_validation(staff: dict[str, Any], bad: dict[str, str]) -> None:
    data = {"title": "t", "category": "2", "channel": "website", "formed_on": "2025-03-03", **bad}
    r = _as(staff["clerk_a"]).post("/office/items/new/", data)
    assert r.status_code == 200 and not ProactiveItem.objects.exists()
