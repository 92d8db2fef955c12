"""A proactive item published through its review in a real browser: the clerk drafts and submits,
the reviewer approves the content, the head publishes after the confidentiality review; each step
is shown signed on the item's page, under the CSP with no JavaScript errors."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.conftest import overflow_at_phone_width, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_publish_an_item_through_review(page: Any, browser_login: Any, tree: dict[str, Any], make_user: Any) -> None:
    clerk = make_user("clerk_a", "clerk", tree["dept_a"])
    reviewer = make_user("reviewer_a", "reviewer", tree["dept_a"])
    head = make_user("head_a", "head", tree["dept_a"])

    browser_login(clerk)
    page.goto("/office/items/new/")
    page.fill("input[name=title]", "2025年部门预算公开")
    page.fill("input[name=index_no]", "XJ-2025-007")
    page.select_option("select[name=category]", "7")
    page.fill("input[name=formed_on]", "2025-09-22")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.inner_text("h1") == "2025年部门预算公开"
    assert "2025-10-24" in page.inner_text("main")  # Art. 26 due, across National Day 2025
    page.click("button:has-text('提交审核')")
    page.wait_for_load_state()
    assert "内容审核" in page.inner_text("main")

    page.context.clear_cookies()
    browser_login(reviewer)
    page.goto("/office/items/")
    page.click("a:has-text('2025年部门预算公开')")
    page.fill("form:has(button:has-text('内容审核通过')) input[name=note]", "内容准确")
    page.click("button:has-text('内容审核通过')")
    page.wait_for_load_state()
    assert "保密审查" in page.inner_text("main")

    page.context.clear_cookies()
    browser_login(head)
    page.goto("/office/items/")
    page.click("a:has-text('2025年部门预算公开')")
    page.fill("input[name=published_on]", "2025-10-24")
    page.click("button:has-text('保密审查通过并公开')")
    page.wait_for_load_state()
    main = page.inner_text("main")
    assert "已公开" in main and "按时" in main
    steps = page.inner_text("table:last-of-type")
    assert "clerk_a" in steps and "reviewer_a" in steps and "head_a" in steps and "内容准确" in steps
    screenshot(page, "office-item-published")
    assert overflow_at_phone_width(page) == []
    page.goto("/office/items/?late=no")
    assert "2025年部门预算公开" in page.inner_text("table.items")
    screenshot(page, "office-items")
    assert overflow_at_phone_width(page) == []
