"""The coverage page (年报汇总) in a real browser: a county supervisor sees their county with one
late and one missing agency, follows the late count to the filtered list, and sees nothing of the
other county. Screenshots at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.conftest import screenshot
from tests.web.test_coverage import _signed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coverage_late_and_missing(page: Any, browser_login: Any, tree: dict[str, Any], users: dict[str, Any],
                                   put_report: Any) -> None:
    t = tree
    put_report(t["county_a"], 2024, data=_signed(t["county_a"], 2024, "2025-02-15", seed=3), name="a.txt")
    put_report(t["town_a"], 2024, data=_signed(t["town_a"], 2024, "2025-02-03", seed=4), name="t.txt")  # 3 days late
    put_report(t["dept_a"], 2023, data=_signed(t["dept_a"], 2023, "2024-01-20", seed=5), name="d.txt")  # 2024 missing
    put_report(t["dept_b"], 2024, data=_signed(t["dept_b"], 2024, "2025-01-20", seed=6), name="e.txt")

    browser_login(users["sup_a"])
    page.goto("/coverage/?year=2024")
    rows = {r.get_attribute("data-code"): r.inner_text() for r in page.query_selector_all("table.agencies tbody tr")}
    assert set(rows) == {t["county_a"].code, t["town_a"].code, t["dept_a"].code}  # never 丁县's
    assert "迟报" in rows[t["town_a"].code] and "3" in rows[t["town_a"].code]
    assert "未报" in rows[t["dept_a"].code]
    assert page.inner_text("td.total-late") == "1" and page.inner_text("td.total-missing") == "1"
    assert page.inner_text("td.total-expected") == "3" and page.inner_text("td.total-published") == "2"
    screenshot(page, "coverage")
    page.check("form.filters input[name=late]")  # the list filtered to the late agency
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    codes = [r.get_attribute("data-code") for r in page.query_selector_all("table.agencies tbody tr")]
    assert codes == [t["town_a"].code]
    assert "丁县" not in page.inner_text("main")
