"""比对 in a real browser: the one agency's 2019 and 2020 reports of ../shared/real side by side
(values from their truth.json), with screenshots at desktop and phone width."""

from __future__ import annotations

from typing import Any

import pytest

from tests.read.test_real import REAL
from tests.web.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PINGTAN = "平潭综合实验区财政金融局"


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")
def test_year_on_year_of_two_real_reports(page: Any, browser_login: Any, users: dict[str, Any], tree: dict[str, Any],
                                          put_report: Any) -> None:
    from xxgk.store.models import Agency

    zone = Agency.objects.create(code="350128", name="平潭综合实验区", level="county", parent=tree["city"])
    agency = Agency.objects.create(code="35012801", name=PINGTAN, level="department", parent=zone)
    put_report(agency, 2019, data=(REAL / "015_pingtan_czj_2019" / "source.txt").read_bytes(), name="015.txt")
    put_report(agency, 2020, data=(REAL / "008_pingtan_czj_2020" / "source.txt").read_bytes(), name="008.txt")
    browser_login(users["sup_city"])
    page.goto("/agencies/35012801/compare/")
    assert page.inner_text("h1") == f"{PINGTAN} 2019年度与2020年度年报比对"
    # 规范性文件 本年新制作数量: 10 in 2019, 6 in 2020.
    made = page.locator('td[data-key="t2_2019.normative_documents.made"]')
    assert made.locator(".vb").inner_text() == "6" and made.locator(".va").inner_text() == "10"
    assert made.locator(".dl").inner_text() == "-4 (-40%)"
    # The failing carry-over row is marked, and the narratives show what changed.
    assert page.locator('tr.bad[data-key="t2_2019.licensing.previous_items"]').count() == 1
    assert page.locator(".cmp-text ins").count() > 10 and page.locator(".cmp-text del").count() > 10
    assert page.locator(".cmp-text script").count() == 0
    screenshot(page, "compare")
    # Choosing the years again goes through the form.
    page.select_option("select[name=a]", "2019")
    page.click("button:has-text('比对')")
    page.wait_for_load_state()
    assert "a=2019" in page.url
