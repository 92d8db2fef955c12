"""The applications service over the models: received dates, refs, the clock kept on the record
(补正 restart, consultation suspension, extension), fees, replies. Every expected date is counted
by hand on the State Council calendars; the counts are written out beside each."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xxgk.web.office.applications import service
from xxgk.web.office.models import Application

D = dt.date


def make(agency: Any, user: Any, on: dt.date, **kw: Any) -> Application:
    fields = {"applicant_type": "natural_person", "applicant_name": "张三", "channel": "counter",
              "description": "2024年学校食堂招标文件", "submitted_on": on, "phone": "13812345678",
              "id_number": "110101199001011234"} | kw
    return service.create_application(agency, user, **fields)


@pytest.fixture
def a(tree: dict[str, Any], staff: dict[str, Any]) -> Any:
    return tree["dept_a"]


def test_refs_per_agency_and_year(a: Any, tree: dict[str, Any], staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    assert make(a, u, D(2025, 3, 3)).ref == "2025-0001"
    assert make(a, u, D(2025, 3, 4)).ref == "2025-0002"
    assert make(a, u, D(2024, 12, 30)).ref == "2024-0001"  # the year of receipt decides
    assert make(tree["dept_b"], staff["clerk_b"], D(2025, 3, 3)).ref == "2025-0001"  # per agency
    assert make(a, u, D(2025, 3, 5)).ref == "2025-0003"


def test_received_rule_refuses_the_wrong_fact(a: Any, staff: dict[str, Any]) -> None:
    with pytest.raises(service.ServiceError, match="confirmed_on"):
        make(a, staff["clerk_a"], None, channel="email", submitted_on=D(2025, 3, 3))
    assert not Application.objects.exists()


def test_correction_restarts_across_national_day_2025(a: Any, staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    app = make(a, u, D(2025, 9, 15))
    service.add_event(app, "correction_requested", u, on=D(2025, 9, 17), days=10)
    app.refresh_from_db()
    assert app.due_on is None and app.stopped
    service.add_event(app, "correction_received", u, on=D(2025, 9, 26))
    app.refresh_from_db()
    # from 9/27: 9/27六 off, 9/28日调休(1) 29(2) 30(3) [10/1–10/8 off] 10/9(4) 10/10(5) 10/11六调休(6)
    # 10/13–17(11) 10/20–24(16) 27(17) 28(18) 29(19) 30(20)
    assert app.due_on == D(2025, 10, 30) and not app.stopped


def test_consultation_suspends(a: Any, staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    app = make(a, u, D(2025, 3, 3))
    # plain: 3/4–7(4) 10–14(9) 17–21(14) 24–28(19) 31(20)
    assert app.due_on == D(2025, 3, 31)
    ev = service.add_event(app, "consultation", u, on=D(2025, 3, 5), party="third_party")
    app.refresh_from_db()
    # silent: the letter's 15 working days 3/6,7(2) 10–14(7) 17–21(12) 24,25,26(15) do not count:
    # 3/4(1) 3/5(2) | 3/27(3) 28(4) 3/31–4/3(8) [4/4 清明] 4/7–11(13) 14–18(18) 21(19) 22(20)
    assert app.due_on == D(2025, 4, 22) and not app.stopped
    service.answer_consultation(ev, u, answered_on=D(2025, 3, 12))
    app.refresh_from_db()
    # answered 3/12: 3/6,7,10,11,12 do not count: 3/4(1) 5(2) 13(3) 14(4) 17–21(9) 24–28(14)
    # 3/31–4/3(18) [4/4 清明] 4/7(19) 4/8(20)
    assert app.due_on == D(2025, 4, 8)


def test_extension_needs_head_and_adds_days(a: Any, staff: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    app = make(a, staff["clerk_a"], D(2025, 9, 15))
    # 9/16–19(4) 22–26(9) 28日调休(10) 29(11) 30(12) [10/1–8] 10/9(13) 10(14) 11六调休(15) 13–17(20)
    assert app.due_on == D(2025, 10, 17)
    with pytest.raises(PermissionDenied):
        service.add_event(app, "extension", staff["clerk_a"], on=D(2025, 10, 10), days=20)
    ev = service.add_event(app, "extension", staff["head_a"], on=D(2025, 10, 10), days=20)
    app.refresh_from_db()
    # 20 more: 10/20–24(25) 27–31(30) 11/3–7(35) 10–14(40)
    assert app.due_on == D(2025, 11, 14) and ev.approved_by_name == "head_a"
    with pytest.raises(service.ServiceError, match="只能延长一次"):
        service.add_event(app, "extension", staff["head_a"], on=D(2025, 10, 13), days=5)


def test_fee_per_item_counts_the_month_at_this_agency(a: Any, tree: dict[str, Any], staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    apps = [make(a, u, D(2025, 4, 1) + dt.timedelta(days=i)) for i in range(11)]  # 4/1..4/11, same applicant
    make(tree["dept_b"], staff["clerk_b"], D(2025, 4, 1))  # another agency does not count
    make(a, u, D(2025, 3, 31))  # another month does not count
    make(a, u, D(2025, 4, 2), applicant_name="李四", id_number="")  # another applicant does not count
    assert service.fee_for(apps[9], "per_item").amount == 0  # 10th: free (含10件)
    with pytest.raises(service.ServiceError, match="不收费"):
        service.add_event(apps[9], "fee_notice", u, on=D(2025, 4, 14), method="per_item")
    ev = service.add_event(apps[10], "fee_notice", u, on=D(2025, 4, 14), method="per_item")
    assert ev.amount_yuan == 100 and "第11件" in ev.note  # 11th: 100 元
    apps[10].refresh_from_db()
    assert apps[10].stopped


@pytest.mark.parametrize("pages,amount", [(30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740)])
def test_fee_per_page_band_edges(a: Any, staff: dict[str, Any], pages: int, amount: int) -> None:
    app = make(a, staff["clerk_a"], D(2025, 4, 1))
    assert service.fee_for(app, "per_page", pages).amount == amount


def test_reply_outcomes_and_preconditions(a: Any, staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    app = make(a, u, D(2025, 3, 3))
    with pytest.raises(service.ServiceError, match="区分处理"):
        service.reply(app, D(2025, 3, 20), "partially_granted", withheld_parts="第3页")
    with pytest.raises(service.ServiceError, match="other_no_correction"):
        service.reply(app, D(2025, 3, 20), "other_no_correction")
    with pytest.raises(service.ServiceError, match="未知"):
        service.reply(app, D(2025, 3, 20), "granted_maybe")
    service.reply(app, D(2025, 3, 20), "partially_granted", "第3页", "涉及个人隐私，条例第十五条", user=u)
    app.refresh_from_db()
    assert (app.closed_on, app.outcome, app.withheld_parts) == (D(2025, 3, 20), "partially_granted", "第3页")
    assert [e.kind for e in app.events.all()] == ["reply"]
    with pytest.raises(service.ServiceError, match="已办结"):
        service.reply(app, D(2025, 3, 21), "granted")
    with pytest.raises(service.ServiceError, match="已办结"):
        service.add_event(app, "consultation", u, on=D(2025, 3, 21))


def test_no_correction_closing_offered_after_the_period(a: Any, staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    app = make(a, u, D(2025, 3, 3))
    service.add_event(app, "correction_requested", u, on=D(2025, 3, 5), days=15)
    # 15 working days after 3/5: 3/6,7(2) 10–14(7) 17–21(12) 24,25,26(15) → period ends 3/26
    assert service.offered_closures(app, D(2025, 3, 26)) == []
    assert service.offered_closures(app, D(2025, 3, 27)) == ["other_no_correction"]
    with pytest.raises(service.ServiceError, match="other_no_correction"):
        service.reply(app, D(2025, 3, 26), "other_no_correction")
    with pytest.raises(service.ServiceError, match="等待补正"):
        service.reply(app, D(2025, 3, 27), "granted")
    service.reply(app, D(2025, 3, 27), "other_no_correction")
    assert Application.objects.get(pk=app.pk).outcome == "other_no_correction"


def test_fee_unpaid_closing_offered_after_20_working_days(a: Any, staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    app = make(a, u, D(2025, 2, 17))
    ev = service.add_event(app, "fee_notice", u, on=D(2025, 2, 19), method="per_page", pages=31)
    assert ev.amount_yuan == 10
    # 2/20,21(2) 24–28(7) 3/3–7(12) 10–14(17) 17,18,19(20) → pay by 3/19
    assert service.offered_closures(app, D(2025, 3, 19)) == []
    assert service.offered_closures(app, D(2025, 3, 20)) == ["other_fee_unpaid"]
    service.record_payment(ev, u, paid_on=D(2025, 3, 18))
    app.refresh_from_db()
    assert not app.stopped and service.offered_closures(app, D(2025, 3, 20)) == []


def test_clock_error_saves_nothing(a: Any, staff: dict[str, Any]) -> None:
    u = staff["clerk_a"]
    app = make(a, u, D(2025, 3, 3))
    with pytest.raises(service.ServiceError, match="未发出补正通知"):
        service.add_event(app, "correction_received", u, on=D(2025, 3, 10))
    with pytest.raises(service.ServiceError, match="早于收到申请"):
        service.add_event(app, "consultation", u, on=D(2025, 2, 28))
    assert not app.events.exists()


def test_missing_calendar_is_flagged_not_guessed(a: Any, staff: dict[str, Any]) -> None:
    from xxgk.office.calendar import loaded_years

    last = max(loaded_years())
    app = make(a, staff["clerk_a"], D(last, 12, 28) if D(last, 12, 28).weekday() < 5 else D(last, 12, 24))
    assert app.due_on is None and not app.stopped
    assert service.calendar_missing(app) == last + 1


def test_updates_are_audited(a: Any, staff: dict[str, Any]) -> None:
    from xxgk.web.core.models import AuditEvent

    u = staff["clerk_a"]
    app = make(a, u, D(2025, 3, 3))
    cons = service.add_event(app, "consultation", u, on=D(2025, 3, 5))
    fee = service.add_event(app, "fee_notice", u, on=D(2025, 3, 6), method="per_page", pages=40)
    service.answer_consultation(cons, u, answered_on=D(2025, 3, 7), objection=True)
    service.record_payment(fee, u, paid_on=D(2025, 3, 10))
    rows = list(AuditEvent.objects.filter(target=f"office.Application:{app.pk}").order_by("id")
                .values_list("action", "username", "details"))
    assert [r[0] for r in rows] == ["office.application.create", "office.application.event",
                                    "office.application.event", "office.application.consultation_answered",
                                    "office.application.fee_paid"]
    assert {r[1] for r in rows} == {"clerk_a"}
    assert rows[2][2]["amount_yuan"] == 100 and rows[3][2]["answered_on"] == "2025-03-07"
    assert rows[3][2]["objection"] is True and rows[4][2]["paid_on"] == "2025-03-10"
