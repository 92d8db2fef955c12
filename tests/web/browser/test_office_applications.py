"""An application through its whole life in a real browser, as the clerk of 丙县教育局 does it: register
it at the counter, send a 补正 notice (the clock stops), record the correction (the clock restarts
from zero, across Labour Day and its 调休 Saturday), reply; then close the year and see the reply
counted in 表三; a second application, replied differently, changes 表三 on recompiling.

Every date and count below is counted by hand from the 2026 official calendar (国办发明电 for 2026:
清明 4–6 Apr off; 劳动节 1–5 May off, Sat 9 May worked; 端午 19 Jun off), the day of the event never
counting (xxgk/office/clock.py). The app's "today" is the real date, so every date lies in 2026,
whose calendar is loaded, and none of them is in the future.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.web.browser.conftest import overflow_at_phone_width, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVENT_FORM = "form[action$='/events/{kind}/']"
REPLY_FORM = "form[action$='/reply/']"


def _cell(page: Any, key: str) -> str:
    return page.inner_text(f"td[data-key='{key}']").strip()


def _register(page: Any, *, name: str, channel: str, date_field: str, on: str, text: str) -> None:
    """Fill the intake form; for a channel other than the counter, the htmx swap brings the one
    date field that channel's Art. 31 rule names."""
    page.goto("/office/applications/new/")
    page.select_option("select[name=applicant_type]", "natural_person")
    page.fill("input[name=applicant_name]", name)
    page.fill("input[name=id_number]", "110101199001011234")
    page.fill("input[name=phone]", "13812345678")
    if channel != "counter":
        page.select_option("select[name=channel]", channel)
        page.wait_for_selector(f"#received-fields input[name={date_field}]")
    page.fill(f"#received-fields input[name={date_field}]", on)
    page.fill("textarea[name=description]", text)
    page.click("main form button[type=submit]")
    page.wait_for_load_state()


def _reply(page: Any, on: str, outcome: str, note: str) -> None:
    form = page.locator(REPLY_FORM)
    form.locator("input[name=on]").fill(on)
    form.locator("select[name=outcome]").select_option(outcome)
    form.locator("textarea[name=note]").fill(note)
    form.locator("button[type=submit]").click()
    expect(page.locator("#clock p.ok")).to_contain_text(on)


def test_application_correction_reply_and_table_three(page: Any, browser_login: Any, tree: dict[str, Any],
                                                      make_user: Any) -> None:
    clerk = make_user("clerk_a", "clerk", tree["dept_a"])
    browser_login(clerk)

    # -- register at the counter on Mon 2 Mar 2026 ------------------------------------------------
    _register(page, name="张三", channel="counter", date_field="submitted_on", on="2026-03-02",
              text="2025年本县义务教育学校校舍维修经费使用情况")
    assert page.inner_text("h1").endswith("2026-0001")
    clock = page.locator("#clock")
    # 20 working days from Tue 3 Mar: 3–6 (4), 9–13 (9), 16–20 (14), 23–27 (19), Mon 30 Mar (20).
    expect(clock.locator("strong.due")).to_have_text("2026-03-30")
    # Art. 30: 7 working days: 3, 4, 5, 6, 9, 10, 11 Mar.
    expect(clock).to_contain_text("补正告知最迟日期（条例第三十条）: 2026-03-11")
    main = page.inner_text("main")
    assert "张三" in main and "110101199001011234" in main  # its own page: the full data
    app_url = page.url
    screenshot(page, "office-application-new")
    assert overflow_at_phone_width(page) == []

    # -- 补正 sent Thu 5 Mar, 30 working days to correct: the clock stops ------------------------
    form = page.locator(EVENT_FORM.format(kind="correction_requested"))
    form.locator("input[name=on]").fill("2026-03-05")
    form.locator("input[name=days]").fill("30")
    form.locator("textarea[name=note]").fill("请明确所需信息的学校名称")
    form.locator("button[type=submit]").click()
    expect(clock.locator("strong.due")).to_have_text("计时中止")
    expect(clock.locator(".badge")).to_have_text("计时中止")
    # 30 working days from Fri 6 Mar: 6 (1), 9–13 (6), 16–20 (11), 23–27 (16), 30–31 (18),
    # 1–3 Apr (21), [4–6 Apr 清明], 7–10 (25), 13–17 Apr (30).
    expect(clock).to_contain_text("申请人补正期限届满日: 2026-04-17")

    # The board lists it among the stopped clocks, the applicant's name masked.
    page.goto("/office/board/")
    stopped = page.inner_text("#stopped")
    assert "2026-0001" in stopped and "张*" in stopped and "张三" not in page.inner_text("main")
    assert "2026-0001" not in page.inner_text("#overdue")
    screenshot(page, "office-board")
    assert overflow_at_phone_width(page) == []

    # -- correction received Wed 15 Apr: the clock restarts from zero -----------------------------
    page.goto(app_url)
    form = page.locator(EVENT_FORM.format(kind="correction_received"))
    form.locator("input[name=on]").fill("2026-04-15")
    form.locator("button[type=submit]").click()
    # 20 working days from Thu 16 Apr: 16–17 (2), 20–24 (7), 27–30 (11), [1–5 May 劳动节],
    # 6–8 May (14), Sat 9 May 调休 (15), 11–15 May (20).
    expect(clock.locator("strong.due")).to_have_text("2026-05-15")
    expect(clock.locator(".badge")).to_have_count(0)
    assert "补正" in page.inner_text("table.events")

    # -- reply: granted on Tue 12 May --------------------------------------------------------------
    _reply(page, "2026-05-12", "granted", "已提供校舍维修经费明细")
    closed = page.inner_text("#clock p.ok")
    assert "予以公开" in closed and "2026-05-15" in closed and "逾期" not in closed
    assert page.locator(REPLY_FORM).count() == 0  # closed: no more forms
    screenshot(page, "office-application-replied")
    assert overflow_at_phone_width(page) == []

    # -- close 2026: 表三 counts it ----------------------------------------------------------------
    page.goto("/office/years/")
    page.select_option("select[name=year]", "2026")
    page.click("button:has-text('根据台账编制')")
    page.wait_for_load_state()
    assert re.search(r"/office/years/2026/$", page.url)
    assert _cell(page, "t3.new_received.natural_person") == "1"
    assert _cell(page, "t3.granted.natural_person") == "1"
    assert _cell(page, "t3.granted.total") == "1"
    assert _cell(page, "t3.unable_not_held.natural_person") == "0"
    assert _cell(page, "t3.results_total.natural_person") == "1"
    assert _cell(page, "t3.carried_forward.natural_person") == "0"
    assert _cell(page, "t3.granted.commercial_enterprise") == "0"
    # The cell links to the records behind it.
    page.click("td[data-key='t3.granted.natural_person'] a")
    page.wait_for_load_state()
    assert "2026-0001" in page.inner_text("main table")

    # -- a second application by registered post, signed for Mon 15 Jun ----------------------------
    _register(page, name="李四", channel="post_registered", date_field="signed_for_on", on="2026-06-15",
              text="本局2026年招聘教师的考试成绩")
    assert page.inner_text("h1").endswith("2026-0002")
    # 20 working days from Tue 16 Jun: 16–18 (3), [19 Jun 端午], 22–26 (8), 29–30 (10), 1–3 Jul (13),
    # 6–10 (18), 13–14 Jul (20).
    expect(page.locator("#clock strong.due")).to_have_text("2026-07-14")
    _reply(page, "2026-06-30", "unable_not_held", "本机关不掌握该信息")
    assert "无法提供：本机关不掌握相关政府信息" in page.inner_text("#clock p.ok")

    # -- recompile: the cells change ---------------------------------------------------------------
    page.goto("/office/years/2026/")
    assert _cell(page, "t3.unable_not_held.natural_person") == "0"  # as compiled before
    page.click("button:has-text('根据台账重新编制')")
    page.wait_for_load_state()
    assert _cell(page, "t3.new_received.natural_person") == "2"
    assert _cell(page, "t3.new_received.total") == "2"
    assert _cell(page, "t3.granted.natural_person") == "1"
    assert _cell(page, "t3.unable_not_held.natural_person") == "1"
    assert _cell(page, "t3.unable_not_held.total") == "1"
    assert _cell(page, "t3.results_total.natural_person") == "2"
    assert _cell(page, "t3.carried_forward.total") == "0"
    screenshot(page, "office-year-draft")
    assert overflow_at_phone_width(page) == []
