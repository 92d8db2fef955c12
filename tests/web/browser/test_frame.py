"""The frame in a real browser: log in, navigate, log out; no JavaScript errors under the CSP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_login_navigate_logout(page: Any, browser_login: Any, users: dict[str, Any]) -> None:
    from xxgk.web.core.audit import record

    record("corrected", user=users["sup_a"], agency_path=users["sup_a"].xxgk.agency.path, what="<script>alert(1)</script>")
    page.goto("/login/")
    assert page.inner_text("h1") == "登录"
    shots = screenshot(page, "login")
    assert all(p.stat().st_size > 1000 for p in shots)
    browser_login(users["sup_a"])
    page.goto("/audit/")
    assert page.inner_text("h1") == "操作日志"
    # The event's text is shown as text, not run.
    assert "<script>alert(1)</script>" in page.inner_text("table.list")
    assert page.evaluate("document.querySelectorAll('table.list script').length") == 0
    screenshot(page, "audit")
    page.click("button:has-text('退出')")
    page.wait_for_url("**/login/")
    page.goto("/audit/")
    assert "/login/" in page.url
