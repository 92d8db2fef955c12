"""The report page in a real browser: click a finding → its cells are highlighted in the grid and
the source page with the cell's box is shown; correct a cell → a new version whose finding is gone.
Screenshots at desktop and phone width are kept as artefacts."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.web.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CELL = "t3.granted.natural_person"


def test_finding_shows_its_source_and_a_correction_removes_it(page: Any, browser_login: Any, tree: dict[str, Any],
                                                               users: dict[str, Any], put_report: Any) -> None:
    import xxgk
    from tests.corpus.generate import random_report

    rep = random_report(random.Random(31), fmt="2021")
    rep.agency, rep.year = tree["dept_a"].name, 2023
    right = rep.value(CELL)
    rep.cells[CELL] = xxgk.Cell.from_raw(CELL, str(right + 1))  # the agency's slip: the row no longer adds up
    v = put_report(tree["dept_a"], 2023, data=xxgk.render(rep, "pdf", allow_errors=True), name="dept.pdf")
    assert v.errors == 2
    browser_login(users["sup_a"])
    page.goto(f"/reports/{v.report_id}/")
    page.click("#findings-t3 li.finding a:has-text('t3.row_sum')")
    page.wait_for_selector("#source-panel img")
    # The finding's cells are highlighted, the row of （一）予以公开.
    keys = page.eval_on_selector_all("td.hl", "els => els.map(e => e.dataset.key)")
    assert CELL in keys and all(k.startswith("t3.granted.") for k in keys)
    img = page.wait_for_selector("#source-panel img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img)
    assert img.evaluate("i => i.naturalWidth") > 500
    screenshot(page, "report-finding")
    # Correct the cell from its panel.
    page.click(f"td[data-key='{CELL}'] a")
    page.click("text=更正此单元格")
    page.fill("form.correct input[name=value]", str(right))
    page.fill("form.correct textarea[name=note]", "核对原件，应为正确值")
    page.click("form.correct button[type=submit]")
    page.wait_for_selector("text=第 2 版")
    assert page.locator("#findings-t3 li.finding:has-text('t3.row_sum')").count() == 0
    assert "st-error" not in (page.get_attribute(f"td[data-key='{CELL}']", "class") or "")
    assert page.inner_text(f"td[data-key='{CELL}']") == str(right)
    page.goto(f"/reports/{v.report_id}/versions/")
    assert "核对原件，应为正确值" in page.inner_text("table.list")
    screenshot(page, "report-history")
