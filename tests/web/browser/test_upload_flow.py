"""The upload flow in a real browser (issue 15): upload a born-digital PDF → the job finishes →
the report page → click a finding → the source page with the cell's box is shown. The PDF holds one
slip of the agency (a row that no longer adds up), so the page has a finding to click."""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.web.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CELL = "t3.granted.natural_person"


def test_upload_pdf_to_finding_source(page: Any, browser_login: Any, tree: dict[str, Any], users: dict[str, Any],
                                      tmp_path: Any) -> None:
    import xxgk
    from tests.corpus.generate import random_report

    rep = random_report(random.Random(44), fmt="2021")
    rep.agency, rep.year = tree["town_a"].name, 2024
    rep.cells[CELL] = xxgk.Cell.from_raw(CELL, str(rep.value(CELL) + 2))
    pdf = tmp_path / "戊镇2024年报.pdf"
    pdf.write_bytes(xxgk.render(rep, "pdf", allow_errors=True))

    browser_login(users["sup_a"])
    page.goto("/upload/")
    screenshot(page, "upload")
    page.set_input_files("input[type=file][name=files]", str(pdf))
    page.click("form.upload button[type=submit]")
    # The job page: finished (Huey runs in-process in the tests), the agency matched and linked.
    page.wait_for_selector(".badge.job-finished")
    row = page.locator("table.job-files tbody tr").first
    assert "戊镇2024年报.pdf" in row.inner_text()
    assert tree["town_a"].name in row.inner_text() and "2024" in row.inner_text()
    screenshot(page, "job")
    row.locator(f"a:has-text('{tree['town_a'].name}')").click()
    page.wait_for_selector("#findings-t3")
    screenshot(page, "report")
    page.click("#findings-t3 li.finding a:has-text('t3.row_sum')")
    img = page.wait_for_selector("#source-panel img")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=img)
    keys = page.eval_on_selector_all("td.hl", "els => els.map(e => e.dataset.key)")
    assert CELL in keys
    # The image is the cell's page with its box: a PNG served from the version's source.
    src = img.get_attribute("src") or ""
    assert "/source/page/" in src and "key=" in src
    screenshot(page, "report-source")
