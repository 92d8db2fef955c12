"""Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed by
`make sysdeps`) against pytest-django's live server.

Screenshots of the main pages at desktop and phone width are kept in `artifacts/screenshots/`
(git-ignored), one PNG per page and width, for a person to look at after a run.

Playwright's sync API runs an event loop in the test's thread; the test itself touches the
database only through fixtures, so Django's async-safety guard is relaxed for these tests.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.web.conftest import PASSWORD

SCREENSHOTS = REPO / "artifacts" / "screenshots"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    exe = _chromium()
    if exe is None:
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("chromium is not installed (make sysdeps)")
        pytest.skip("chromium is not installed (make sysdeps)")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox", "--disable-dev-shm-usage"])
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=DESKTOP, locale="en-US", base_url=live_server.url)
    context.set_default_timeout(15_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(f"{m.text} {m.location.get('url', '')}") if m.type == "error" else None)
    try:
        yield pg
    finally:
        context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def browser_login(page: Any) -> Any:
    """browser_login(user) logs the page in through the login form."""

    def login(user: Any) -> Any:
        page.goto("/login/")
        page.fill("input[name=username]", user.get_username())
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return login


def screenshot(page: Any, name: str) -> list[Path]:
    """The page at desktop and phone width, full height, as artefacts; returns the paths."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    paths = []
    before = page.viewport_size
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(before)
    return paths


def overflow_at_phone_width(page: Any) -> list[str]:
    """What sticks out to the right at phone width (empty when the page fits): the page's own
    scroll width, and each element wider than the screen, outside the scrolling `.table-wrap`s."""
    before = page.viewport_size
    page.set_viewport_size(PHONE)
    try:
        return page.evaluate("""() => {
          const w = document.documentElement.clientWidth, out = [];
          if (document.documentElement.scrollWidth > w) out.push(`page ${document.documentElement.scrollWidth}px`);
          for (const e of document.querySelectorAll('main *')) {
            if (e.closest('.table-wrap')) continue;
            const r = e.getBoundingClientRect();
            const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '');
            if (r.right > w + 1) out.push(`${name} ${Math.round(r.right)}px`);
          }
          return out.slice(0, 10);
        }""")
    finally:
        page.set_viewport_size(before)
