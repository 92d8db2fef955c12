"""Deadline engine (issue 16, domain.md §7.3).  Every expected date below was counted by hand on the
calendars of the State Council notices (国务院办公厅关于2024/2025/2026年部分节假日安排的通知); the
counts are written out in the comments so a reader can re-check them without running the code."""
import datetime as dt

import pytest

from xxgk.office import calendar as cal
from xxgk.office.clock import (
    CalendarNotLoaded, Clock, ClockError, Consultation, CorrectionReceived, CorrectionRequested,
    Extension, FeeNotice, received_on,
)

D = dt.date


# -- the calendar data against the notices -------------------------------------------------------------
@pytest.mark.parametrize("day,working", [
    # 2024 春节 2月10日–17日 off, 2月4日(日)、2月18日(日) 上班
    (D(2024, 2, 4), True), (D(2024, 2, 12), False), (D(2024, 2, 16), False), (D(2024, 2, 18), True),
    # 2024 国庆 10月1日–7日 off, 9月29日(日)、10月12日(六) 上班; 中秋 9月15–17日, 9月14日(六) 上班
    (D(2024, 9, 14), True), (D(2024, 9, 16), False), (D(2024, 9, 29), True), (D(2024, 10, 7), False),
    (D(2024, 10, 12), True), (D(2024, 10, 13), False),
    # 2025 春节 1月28日–2月4日 off, 1月26日(日)、2月8日(六) 上班
    (D(2025, 1, 26), True), (D(2025, 1, 27), True), (D(2025, 1, 28), False), (D(2025, 2, 4), False),
    (D(2025, 2, 5), True), (D(2025, 2, 8), True), (D(2025, 2, 9), False),
    # 2025 国庆中秋 10月1日–8日 off, 9月28日(日)、10月11日(六) 上班
    (D(2025, 9, 28), True), (D(2025, 10, 8), False), (D(2025, 10, 11), True),
    # 2026 元旦 1月1–3日 off, 1月4日(日) 上班; 春节 2月15–23日 off, 2月14日(六)、2月28日(六) 上班
    (D(2026, 1, 2), False), (D(2026, 1, 4), True), (D(2026, 2, 14), True), (D(2026, 2, 23), False),
    (D(2026, 2, 28), True),
    # 2026 国庆 10月1–7日 off, 9月20日(日)、10月10日(六) 上班
    (D(2026, 9, 20), True), (D(2026, 10, 7), False), (D(2026, 10, 10), True),
    # ordinary weekend / weekday
    (D(2025, 3, 15), False), (D(2025, 3, 17), True),
])
def test_calendar_matches_notices(day, working):
    assert cal.is_working_day(day) is working


def test_loaded_years_and_missing_year():
    years = cal.loaded_years()
    assert {2024, 2025, 2026} <= set(years)
    assert 2030 not in years and not cal.is_loaded(2030)
    with pytest.raises(CalendarNotLoaded) as e:
        cal.is_working_day(D(2030, 3, 1))
    assert e.value.year == 2030 and "2030" in str(e.value)


# -- plain 20-working-day deadlines ---------------------------------------------------------------------
def test_plain_across_spring_festival_2025():
    # from 1/21: 21,22,23,24(4) 26日调休(5) 27(6) [1/28–2/4 off] 2/5,6,7(9) 2/8六调休(10)
    # 10–14(15) 17–21(20) → 2月21日
    assert Clock(D(2025, 1, 20), channel="counter").due() == D(2025, 2, 21)


def test_plain_across_national_day_2024():
    # from 9/21: 23–27(5) 29日调休(6) 30(7) [10/1–7 off] 8–11(11) 12六调休(12) 14–18(17) 21,22,23(20)
    assert Clock(D(2024, 9, 20)).due() == D(2024, 10, 23)


def test_due_lands_on_make_up_saturday_2025():
    # from 9/9: 9–12(4) 15–19(9) 22–26(14) 28日调休(15) 29,30(17) [10/1–8 off] 9,10(19) 11六调休(20)
    clock = Clock(D(2025, 9, 8))
    assert clock.due() == D(2025, 10, 11)
    assert "调休上班" in str(clock.explain()[-1])


def test_correction_notice_deadline_lands_on_make_up_sunday_2024():
    # from 1/26: 26(1) 29,30,31(4) 2/1,2(6) 2/4日调休(7)
    assert Clock(D(2024, 1, 25)).correction_notice_deadline() == D(2024, 2, 4)


def test_received_on_a_holiday_counts_from_the_next_working_day():
    # received Sat 2025-02-01 (in the festival): 2/5,6,7(3) 8六调休(4) 10,11,12(7)
    assert Clock(D(2025, 2, 1)).correction_notice_deadline() == D(2025, 2, 12)


def test_year_end_inside_loaded_data():
    # from 12/2/2026: 2,3,4(3) 7–11(8) 14–18(13) 21–25(18) 28,29(20)
    assert Clock(D(2026, 12, 1)).due() == D(2026, 12, 29)


def test_deadline_in_unloaded_year_is_flagged_not_guessed():
    # 2026-12-10: 11(1) 14–18(6) 21–25(11) 28–31(15), the 16th day is in 2027
    clock = Clock(D(2026, 12, 10))
    if cal.is_loaded(2027):
        pytest.skip("installed chinesecalendar already carries 2027")
    with pytest.raises(CalendarNotLoaded) as e:
        clock.due()
    assert e.value.year == 2027
    with pytest.raises(CalendarNotLoaded):
        Clock(D(2030, 1, 7))


# -- 补正 --------------------------------------------------------------------------------------------
def test_correction_restarts_the_clock_2026():
    # notice deadline from 1/6: 6–9(4) 12,13,14(7) → 1月14日
    # restart after 1/30: 2/2–6(5) 9–13(10) 14六调休(11) [2/15–23 off] 24–27(15) 28六调休(16) 3/2–5(20)
    events = [CorrectionRequested(D(2026, 1, 9)), CorrectionReceived(D(2026, 1, 30))]
    clock = Clock(D(2026, 1, 5), events, channel="post_registered")
    assert clock.correction_notice_deadline() == D(2026, 1, 14)
    assert clock.start == D(2026, 1, 30)
    assert clock.due() == D(2026, 3, 5)
    assert not clock.late_correction_notice
    # without the correction the due date would have been 2/2 (6–9, 12–16, 19–23, 26–30, 2/2)
    assert Clock(D(2026, 1, 5)).due() == D(2026, 2, 2)


def test_clock_stopped_while_waiting_for_correction():
    clock = Clock(D(2026, 1, 5), [CorrectionRequested(D(2026, 1, 9))])
    assert clock.stopped and clock.due() is None
    assert "等待补正" in clock.explain()[-1].text


def test_late_correction_notice_is_flagged():
    clock = Clock(D(2026, 1, 5), [CorrectionRequested(D(2026, 1, 15)), CorrectionReceived(D(2026, 1, 16))])
    assert clock.late_correction_notice
    assert any("已超过补正告知期限" in s.text for s in clock.explain())


# -- consultation -------------------------------------------------------------------------------------
def test_consultation_with_reply_suspends_2024():
    # counted 9/3–6, 9/9, 9/10 (6); suspended 9/11,12,13,14六调休,18,19,20 (7)
    # 23–27(11) 29日调休(12) 30(13) [10/1–7] 8–11(17) 12六调休(18) 14,15(20)
    c = Consultation(D(2024, 9, 10), "third_party", replied_on=D(2024, 9, 20))
    clock = Clock(D(2024, 9, 2), [c])
    assert Clock(D(2024, 9, 2)).due() == D(2024, 9, 30)
    assert len(clock.suspended_days()) == 7
    assert clock.due() == D(2024, 10, 15)
    # 15 wd from 9/10: 11,12,13,14,18,19,20,23,24,25,26,27,29,30,10/8
    assert clock.consultation_deadline(c) == D(2024, 10, 8)


def test_silent_co_producer_suspends_the_full_15_days():
    # 6 counted, 15 suspended to 10/8; 9,10,11(9) 12六调休(10) 14–18(15) 21–25(20)
    clock = Clock(D(2024, 9, 2), [Consultation(D(2024, 9, 10), "co_producer")])
    assert len(clock.suspended_days()) == 15
    assert clock.due() == D(2024, 10, 25)


def test_late_reply_ends_suspension_at_the_consultation_deadline():
    late = Clock(D(2024, 9, 2), [Consultation(D(2024, 9, 10), replied_on=D(2024, 10, 11))])
    assert late.due() == D(2024, 10, 25)


def test_overlapping_consultations_suspend_once():
    two = [Consultation(D(2024, 9, 10), replied_on=D(2024, 9, 20)),
           Consultation(D(2024, 9, 12), "co_producer", replied_on=D(2024, 9, 19))]
    assert Clock(D(2024, 9, 2), two).due() == D(2024, 10, 15)


# -- extension ---------------------------------------------------------------------------------------
def test_one_extension_of_20_and_of_10_days_2025():
    # due 2/21; +20: 2/24–28(5) 3/3–7(10) 10–14(15) 17–21(20); +10 → 3/7
    assert Clock(D(2025, 1, 20), [Extension(D(2025, 2, 20), 20)]).due() == D(2025, 3, 21)
    assert Clock(D(2025, 1, 20), [Extension(D(2025, 2, 21), 10)]).due() == D(2025, 3, 7)


def test_consultation_and_extension_explained_step_by_step_2025():
    # from 1/3: 3(1) 6–10(6); suspended 13–17 (5); 20–24(11) 26日调休(12) 27(13) 2/5,6,7(16)
    # 2/8六调休(17) 10,11,12(20) → 2/12; +10: 13,14,17–21,24,25,26 → 2/26
    # without suspension: 6 + 5 = 11 by 1/17, 20–24(16) 26(17) 27(18) 2/5(19) 2/6(20)
    clock = Clock(D(2025, 1, 2), [Consultation(D(2025, 1, 10), replied_on=D(2025, 1, 17)),
                                  Extension(D(2025, 2, 5), 10)], channel="online")
    assert clock.due() == D(2025, 2, 26)
    steps = clock.explain()
    assert [s.on for s in steps] == [D(2025, 1, 2), D(2025, 1, 10), D(2025, 2, 5), D(2025, 2, 6),
                                     D(2025, 2, 26)]
    assert "第三十一条" in steps[0].rule and "双方确认" in steps[0].text
    assert "第三十二条" in steps[1].rule and "5个工作日不计入" in steps[1].text
    assert "延长答复期限10个工作日" in steps[2].text
    assert "原答复期限届满日" in steps[3].text
    assert "延长10个工作日" in steps[-1].text and "不计入期间5个工作日" in steps[-1].text
    assert str(steps[-1]).startswith("2025年2月26日（星期三）")


def test_explain_restart_steps():
    events = [CorrectionRequested(D(2026, 1, 9)), CorrectionReceived(D(2026, 1, 30))]
    steps = Clock(D(2026, 1, 5), events).explain()
    assert [s.on for s in steps] == [D(2026, 1, 5), D(2026, 1, 9), D(2026, 1, 30), D(2026, 3, 5),
                                     D(2026, 3, 5)]
    assert "2026年1月14日" in steps[1].text and "重新计算" in steps[2].text


# -- fee ---------------------------------------------------------------------------------------------
def test_fee_payment_deadline_2025():
    # from 9/26: 26(1) 28日调休(2) 29,30(4) [10/1–8] 9,10(6) 11六调休(7) 13–17(12) 20–24(17) 27,28,29(20)
    clock = Clock(D(2025, 9, 22), [FeeNotice(D(2025, 9, 25))])
    assert clock.fee_payment_deadline() == D(2025, 10, 29)
    assert clock.fee_unpaid
    assert not Clock(D(2025, 9, 22), [FeeNotice(D(2025, 9, 25), D(2025, 10, 29))]).fee_unpaid
    assert Clock(D(2025, 9, 22), [FeeNotice(D(2025, 9, 25), D(2025, 10, 30))]).fee_unpaid


# -- received-date rules (Art. 31) -----------------------------------------------------------------
def test_received_date_rules():
    day = D(2025, 3, 3)
    assert received_on("counter", submitted_on=day) == day
    assert received_on("post_registered", signed_for_on=day) == day
    assert received_on("post_ordinary", confirmed_on=day, arrived_on=D(2025, 2, 28)) == day
    for ch in ("fax", "email", "online"):
        assert received_on(ch, confirmed_on=day) == day
    with pytest.raises(ClockError):
        received_on("post_registered", confirmed_on=day)  # registered post: the signing date only
    with pytest.raises(ClockError):
        received_on("email", submitted_on=day)
    with pytest.raises(ClockError):
        received_on("counter")
    with pytest.raises(ClockError):
        received_on("pigeon", submitted_on=day)
    with pytest.raises(ClockError):
        received_on("online", confirmed_on=D(2025, 2, 27), arrived_on=D(2025, 2, 28))


# -- impossible sequences -----------------------------------------------------------------------------
@pytest.mark.parametrize("events", [
    [Extension(D(2025, 2, 3), 10), Extension(D(2025, 2, 10), 5)],          # two extensions
    [Extension(D(2025, 2, 10), 21)],                                          # > 20
    [Extension(D(2025, 2, 10), 0)],
    [Extension(D(2025, 2, 24), 10)],                                          # after due 2/21
    [CorrectionReceived(D(2025, 1, 22))],                                     # no notice
    [CorrectionRequested(D(2025, 1, 23)), CorrectionReceived(D(2025, 1, 22))],
    [CorrectionRequested(D(2025, 1, 21)), CorrectionRequested(D(2025, 1, 22))],
    [CorrectionRequested(D(2025, 1, 17))],                                    # before receipt
    [CorrectionRequested(D(2025, 1, 21)), Extension(D(2025, 1, 22), 5)],      # clock stopped
    [CorrectionRequested(D(2025, 1, 21)), Consultation(D(2025, 1, 22))],
    [Consultation(D(2025, 1, 22), replied_on=D(2025, 1, 21))],
    [Consultation(D(2025, 2, 24))],                                           # after due 2/21
    [Consultation(D(2025, 1, 22), party="neighbour")],
])
def test_impossible_sequences_refused(events):
    with pytest.raises(ClockError):
        Clock(D(2025, 1, 20), events)
