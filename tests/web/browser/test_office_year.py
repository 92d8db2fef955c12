"""The annual report of 丙县教育局 for 2025 compiled, approved and published in a real browser: the
clerk compiles the year from the register and completes the narrative (every 【…】 filled in the
textareas), submits; the reviewer signs; the head approves and publishes into the store; the county
supervisor opens the published report among the county's reports and finds the compiled numbers.
Each person logs in through the login form and sees only the buttons of their role.

The register is six applications of 2025 with literal outcomes (one still open at the year's end);
the expected cells are counted by hand from that list.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.web.browser.conftest import overflow_at_phone_width, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

D = dt.date
#: (ref, applicant type, received, closed, outcome)
REGISTER = [
    ("2025-0001", "natural_person", D(2025, 3, 3), D(2025, 3, 20), "granted"),
    ("2025-0002", "natural_person", D(2025, 4, 7), D(2025, 4, 25), "granted"),
    ("2025-0003", "commercial_enterprise", D(2025, 5, 12), D(2025, 6, 3), "partially_granted"),
    ("2025-0004", "natural_person", D(2025, 6, 10), D(2025, 6, 30), "unable_not_held"),
    ("2025-0005", "legal_service_org", D(2025, 9, 1), D(2025, 9, 19), "not_processed_duplicate"),
    ("2025-0006", "natural_person", D(2025, 12, 22), None, ""),
]
#: 表三 by hand from REGISTER: received 4 + 1 + 1; 5 closed, 0006 open on 31 Dec.
EXPECTED = {
    "t3.new_received.natural_person": "4",
    "t3.new_received.commercial_enterprise": "1",
    "t3.new_received.legal_service_org": "1",
    "t3.new_received.total": "6",
    "t3.granted.natural_person": "2",
    "t3.partially_granted.commercial_enterprise": "1",
    "t3.unable_not_held.natural_person": "1",
    "t3.not_processed_duplicate.legal_service_org": "1",
    "t3.results_total.natural_person": "3",
    "t3.results_total.total": "5",
    "t3.carried_forward.natural_person": "1",
    "t3.carried_forward.total": "1",
    "t3.carried_over.total": "0",
}
FILLED = "本局已按规定办理"
PLACEHOLDER = re.compile(r"【[^】]*】")


def _seed(agency: Any, clerk: Any) -> None:
    from xxgk.web.office.models import Application

    for ref, kind, received, closed, outcome in REGISTER:
        Application.objects.create(
            agency=agency, created_by=clerk, ref=ref, applicant_type=kind, applicant_name="王五", channel="counter",
            submitted_on=received, received_on=received, description=f"申请 {ref}", closed_on=closed, outcome=outcome,
            withheld_parts="学生个人信息" if outcome == "partially_granted" else "",
            withheld_grounds="条例第十五条" if outcome == "partially_granted" else "")


def _buttons(page: Any) -> set[str]:
    return {t.strip() for t in page.locator("section.workflow button").all_inner_texts()}


def _badge(page: Any) -> str:
    return page.inner_text("p.meta .badge").strip()


def _relogin(page: Any, browser_login: Any, user: Any, url: str) -> None:
    page.context.clear_cookies()
    browser_login(user)
    page.goto(url)


def test_compile_approve_and_publish_the_year(page: Any, browser_login: Any, tree: dict[str, Any],
                                               users: dict[str, Any], make_user: Any) -> None:
    clerk = make_user("clerk_a", "clerk", tree["dept_a"])
    reviewer = make_user("reviewer_a", "reviewer", tree["dept_a"])
    head = make_user("head_a", "head", tree["dept_a"])
    _seed(tree["dept_a"], clerk)
    year_url = "/office/years/2025/"

    # -- the clerk compiles 2025 ----------------------------------------------------------------------
    browser_login(clerk)
    page.goto("/office/years/")
    page.select_option("select[name=year]", "2025")
    page.click("button:has-text('根据台账编制')")
    page.wait_for_load_state()
    assert page.url.endswith(year_url)
    assert _badge(page) == "编写中"
    for key, value in EXPECTED.items():
        assert page.inner_text(f"td[data-key='{key}']").strip() == value, key

    # -- … fills every placeholder of the narrative in its textarea, saves ------------------------
    areas = page.locator("form.sections textarea")
    assert areas.count() == 6
    filled = 0
    for i in range(areas.count()):
        area = areas.nth(i)
        text = area.input_value()
        filled += len(PLACEHOLDER.findall(text))
        area.fill(PLACEHOLDER.sub(FILLED, text))
    assert filled > 0, "the drafted narrative has no placeholder to fill"
    assert page.locator("form.sections .badge.warning").count() > 0  # before saving
    page.click("button:has-text('保存正文')")
    page.wait_for_load_state()
    assert "正文已保存" in page.inner_text("main")
    assert page.locator("form.sections .badge.warning").count() == 0
    assert not PLACEHOLDER.search(" ".join(page.locator("form.sections textarea").evaluate_all(
        "els => els.map(e => e.value)")))
    assert page.locator("section.workflow .warning").count() == 0  # nothing left before approval
    assert "批准" not in _buttons(page) and "发布" not in _buttons(page)
    screenshot(page, "office-year-draft-filled")
    assert overflow_at_phone_width(page) == []
    page.click("section.workflow button:has-text('提交审核')")
    page.wait_for_load_state()
    assert _badge(page) == "待审核"
    buttons = _buttons(page)
    assert not buttons & {"批准", "发布", "审核签字", "提交审核"}, buttons  # the clerk cannot review or approve

    # -- the reviewer signs -------------------------------------------------------------------------
    _relogin(page, browser_login, reviewer, year_url)
    assert "批准" not in _buttons(page)
    page.click("section.workflow button:has-text('审核签字')")
    page.wait_for_load_state()
    assert _badge(page) == "待审核"
    assert "审核人 reviewer_a" in page.inner_text("p.meta")

    # -- the head approves ----------------------------------------------------------------------------
    _relogin(page, browser_login, head, year_url)
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_load_state()
    assert _badge(page) == "已批准", page.inner_text("main")[:500]
    assert "批准人 head_a" in page.inner_text("p.meta")

    # The clerk, on the approved report: no publishing, no reopening, no editing.
    _relogin(page, browser_login, clerk, year_url)
    assert _badge(page) == "已批准"
    assert _buttons(page) == set(), _buttons(page)
    assert page.locator("form.sections textarea").count() == 0

    # -- the head publishes into the store ------------------------------------------------------------
    _relogin(page, browser_login, head, year_url)
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_load_state()
    assert _badge(page) == "已发布", page.inner_text("main")[:500]
    link = page.locator("a:has-text('库中已发布的年报')")
    href = link.get_attribute("href") or ""
    assert re.fullmatch(r"/reports/\d+/", href), href
    assert FILLED in page.inner_text("main")
    screenshot(page, "office-year-published")
    assert overflow_at_phone_width(page) == []
    page.goto("/office/years/")
    assert "已发布" in page.inner_text("table.list")

    # The clerk sees the published year and its link, still without any step to take.
    _relogin(page, browser_login, clerk, year_url)
    assert _badge(page) == "已发布" and _buttons(page) == set()
    assert page.locator(f"a[href='{href}']").count() == 1

    # -- the county supervisor opens the published report ----------------------------------------------
    _relogin(page, browser_login, users["sup_a"], href)
    main = page.inner_text("main")
    assert "丙县教育局" in main and "2025" in main
    assert page.inner_text("td[data-key='t3.granted.natural_person']").strip() == "2"
    assert page.inner_text("td[data-key='t3.new_received.total']").strip() == "6"
    assert page.inner_text("td[data-key='t3.carried_forward.total']").strip() == "1"
    screenshot(page, "office-year-store-report")
    assert overflow_at_phone_width(page) == []
