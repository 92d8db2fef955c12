"""问题清单, roll-up and rankings in a real browser: a finding marked handled with a note through
htmx leaves the open list (and the audit log records it); the roll-up and ranking pages draw their
ECharts charts without a script error. Screenshots at desktop and phone width."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.web.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_handle_an_issue_then_roll_up_and_rank(page: Any, browser_login: Any, tree: dict[str, Any],
                                               users: dict[str, Any], put_report: Any) -> None:
    import xxgk
    from tests.corpus.generate import random_report

    rep = random_report(random.Random(8), fmt="2021")
    rep.agency, rep.year = tree["dept_a"].name, 2024
    cell = "t3.granted.natural_person"
    rep.cells[cell] = xxgk.Cell.from_raw(cell, str(rep.value(cell) + 1))
    put_report(tree["dept_a"], 2024, data=xxgk.render(rep, "md", allow_errors=True), name="dept.md")
    put_report(tree["county_a"], 2024, seed=2)
    put_report(tree["town_a"], 2024, seed=3)

    browser_login(users["sup_a"])
    page.goto("/issues/?severity=error")
    row = page.locator("tr.finding:has-text('t3.row_sum')").first
    assert tree["dept_a"].name in row.inner_text()
    screenshot(page, "issues")
    fid = row.get_attribute("id")
    row.locator("textarea[name=note]").fill("已与该局核对，原件系笔误")
    row.locator("button:has-text('标记为已处理')").click()
    page.wait_for_selector(f"#{fid}.handled")
    page.goto("/issues/?severity=error")
    assert page.locator(f"#{fid}").count() == 0  # gone from the open list
    page.goto("/audit/?action=finding.handled")
    assert "finding.handled" in page.inner_text("table.list")

    page.goto(f"/rollup/{tree['county_a'].code}/?year=2024")
    page.wait_for_selector(".chart[data-drawn]")
    screenshot(page, "rollup")
    page.goto("/rankings/?year=2024")
    page.wait_for_selector("table")
    assert "丁县" not in page.inner_text("main")
    screenshot(page, "rankings")
