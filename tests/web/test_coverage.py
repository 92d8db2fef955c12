"""年报汇总 (coverage): counts per node worked out by hand on the conftest tree, drill-down, filters,
exports, isolation between counties, the analyst's read-only access, and a query count that does
not grow with the number of agencies.

The store (year 2024; deadlines: 2025-01-31 for departments and townships, 2025-03-31 for
governments):

    甲省 (10)            published 2025-03-20, on time; its version marked a scan (medium image)
      乙市 (1001)        published 2025-04-02: late (a government, 2 days)
        丙县 (100101)    published 2025-02-15: on time (a government)
          戊镇 (10010101)     published 2025-02-03: late (a township, 3 days)
          丙县教育局 (10010102) no 2024 report: missing (its 2023 report was published 2024-01-20)
        丁县 (100102)    published 2025-03-01, prose only: no tables (the reader's errors)
          丁县教育局 (10010201) published 2025-01-20 with an arithmetic error
"""

from __future__ import annotations

import csv
import io
import random
from typing import Any

import pytest
from django.urls import NoReverseMatch, reverse

from tests.corpus.generate import inject_error, random_report
from tests.corpus.layouts import render_text


def _signed(agency: Any, year: int, date: str, *, seed: int, error: bool = False) -> bytes:
    """A generated report of `agency` and `year`, signed and dated at the end."""
    rng = random.Random(seed)
    report = random_report(rng, fmt="2021")
    if error:
        report, _, _ = inject_error(report, rng, "double_count")
    report.agency, report.year = agency.name, year
    y, m, d = date.split("-")
    return (render_text(report, "tab000", rng) + f"\n{agency.name}\n{y}年{int(m)}月{int(d)}日\n").encode("utf-8")


def _prose_only(agency: Any, year: int, date: str) -> bytes:
    sections = ["一、总体情况", f"{year}年，{agency.name}认真贯彻《条例》，推进政务公开。", "二、主动公开政府信息情况", "详见附件。",
                "三、收到和处理政府信息公开申请情况", "详见附件。", "四、政府信息公开行政复议、行政诉讼情况", "详见附件。",
                "五、存在的主要问题及改进情况", "公开内容有待丰富。", "六、其他需要报告的事项", "无。"]
    y, m, d = date.split("-")
    text = "\n".join([f"{agency.name}{year}年政府信息公开工作年度报告", "", *sections, agency.name, f"{y}年{int(m)}月{int(d)}日"])
    return text.encode("utf-8")


@pytest.fixture
def store(tree: dict[str, Any], users: dict[str, Any], put_report: Any) -> dict[str, Any]:
    t = tree
    v = {
        "province": put_report(t["province"], 2024, data=_signed(t["province"], 2024, "2025-03-20", seed=1), name="p.txt"),
        "city": put_report(t["city"], 2024, data=_signed(t["city"], 2024, "2025-04-02", seed=2), name="c.txt"),
        "county_a": put_report(t["county_a"], 2024, data=_signed(t["county_a"], 2024, "2025-02-15", seed=3), name="a.txt"),
        "town_a": put_report(t["town_a"], 2024, data=_signed(t["town_a"], 2024, "2025-02-03", seed=4), name="t.txt"),
        "dept_a_2023": put_report(t["dept_a"], 2023, data=_signed(t["dept_a"], 2023, "2024-01-20", seed=5), name="d.txt"),
        "county_b": put_report(t["county_b"], 2024, data=_prose_only(t["county_b"], 2024, "2025-03-01"), name="b.txt"),
        "dept_b": put_report(t["dept_b"], 2024, data=_signed(t["dept_b"], 2024, "2025-01-20", seed=6, error=True), name="e.txt"),
    }
    # A scan costs seconds of OCR: the province's version stands for one (what the page reads is the medium).
    from xxgk.store.models import Version

    Version.objects.filter(pk=v["province"].pk).update(medium="image")
    return v


def _totals(html: str) -> dict[str, int]:
    import re

    return {k: int(n) for k, n in re.findall(r'class="num total-(\w+)">(\d+)<', html)}


def _child_row(html: str, name: str) -> list[int]:
    """The numbers of a child's row in the roll-up table (expected, published, late, missing, errors,
    no tables, scanned)."""
    import re

    start = html.index(f">{name}</a></td>", html.index('class="list coverage"'))
    row = html[start: html.index("</tr>", start)]
    cells = re.findall(r'<td class="num">(?:<a[^>]*>)?(\d+)', row)
    return [int(c) for c in cells]


def _marked_row(html: str, marker: str) -> list[int]:
    """The numbers of the roll-up row holding `marker` (the node's own row: "（本级）"; the agencies
    directly under it: 'class="direct"')."""
    import re

    start = html.index(marker, html.index('class="list coverage"'))
    row = html[start: html.index("</tr>", start)]
    return [int(c) for c in re.findall(r'<td class="num">(?:<a[^>]*>)?(\d+)', row)]


def _codes(html: str) -> list[str]:
    import re

    return re.findall(r'<tr data-code="([^"]+)">', html)


def test_the_stored_versions_are_as_the_docstring_says(store: dict[str, Any]) -> None:
    """The fixture itself: the dates the reader took from the signatures, the error, the prose-only
    report, so that the counts below rest on what was meant."""
    import datetime as dt

    assert store["city"].published_on == dt.date(2025, 4, 2)
    assert store["town_a"].published_on == dt.date(2025, 2, 3)
    assert store["county_a"].published_on == dt.date(2025, 2, 15)
    assert store["dept_b"].errors > 0 and store["county_a"].errors == 0 and store["town_a"].errors == 0
    assert store["county_b"].format not in ("2019", "2021")


def test_city_supervisor_sees_counts_per_county(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    r = login(users["sup_city"]).get("/coverage/")
    assert r.status_code == 200
    html = r.content.decode()
    # 乙市's subtree: 乙市, 丙县, 戊镇, 丙县教育局, 丁县, 丁县教育局.
    assert _totals(html) == {"expected": 6, "published": 5, "late": 2, "missing": 1, "errors": 2, "no_tables": 1, "scanned": 0}
    # (expected, published, late, missing, errors, no tables, scanned)
    assert _child_row(html, "乙市丙县") == [3, 2, 1, 1, 0, 0, 0]
    assert _child_row(html, "乙市丁县") == [2, 2, 0, 0, 2, 1, 0]
    assert _marked_row(html, "（本级）") == [1, 1, 1, 0, 0, 0, 0]  # 乙市's own report: late
    assert 'class="direct"' not in html  # every child of 乙市 has agencies under it
    assert "2024 年度年报" in html and "年报汇总" in html


def test_whole_store_counts_and_year_selection(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    c = login(users["admin"])
    html = c.get("/coverage/").content.decode()
    assert _totals(html) == {"expected": 7, "published": 6, "late": 2, "missing": 1, "errors": 2, "no_tables": 1, "scanned": 1}
    assert _child_row(html, "甲省") == [7, 6, 2, 1, 2, 1, 1]
    html = c.get("/coverage/?year=2023").content.decode()
    assert _totals(html) == {"expected": 7, "published": 1, "late": 0, "missing": 6, "errors": 0, "no_tables": 0, "scanned": 0}
    assert '<option value="2023" selected>' in html and '<option value="2024">' in html


def test_drill_down_to_a_county_lists_its_agencies(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    c = login(users["sup_city"])
    html = c.get("/coverage/100101/?year=2024").content.decode()
    assert _totals(html) == {"expected": 3, "published": 2, "late": 1, "missing": 1, "errors": 0, "no_tables": 0, "scanned": 0}
    assert _marked_row(html, "（本级）") == [1, 1, 0, 0, 0, 0, 0]
    # 戊镇 (late) and 丙县教育局 (missing) stand alone: one row, and each in the list below.
    assert _marked_row(html, 'class="direct"') == [2, 1, 1, 1, 0, 0, 0]
    assert "直属机关 2 个" in html
    assert _codes(html) == ["100101", "10010101", "10010102"]
    # The breadcrumb starts at the user's node, and a published agency links to its report.
    assert 'href="/coverage/1001/?year=2024"' in html and "/coverage/10/" not in html
    try:
        link = reverse("report", args=[store["town_a"].report_id])
    except NoReverseMatch:
        link = f"/reports/{store['town_a'].report_id}/"
    assert f'href="{link}"' in html
    row = html[html.index('<tr data-code="10010101">'):]
    row = row[: row.index("</tr>")]
    assert "迟报" in row and "3 天" in row and "2025-02-03" in row
    row = html[html.index('<tr data-code="10010102">'):]
    assert "未报" in row[: row.index("</tr>")]


@pytest.mark.parametrize(("query", "codes"), [
    ("late=1", ["1001", "10010101"]),
    ("missing=1", ["10010102"]),
    ("errors=1", ["100102", "10010201"]),
    ("no_tables=1", ["100102"]),
    ("scanned=1", []),
    ("errors=1&no_tables=1", ["100102"]),
    ("late=1&errors=1", []),
])
def test_filters(store: dict[str, Any], users: dict[str, Any], login: Any, query: str, codes: list[str]) -> None:
    html = login(users["sup_city"]).get(f"/coverage/?year=2024&{query}").content.decode()
    assert _codes(html) == codes
    assert "筛选条件" in html
    # The roll-up above the list is the node's, whatever the filters.
    assert _totals(html)["expected"] == 6


def test_scanned_filter_for_the_whole_store(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    assert _codes(login(users["admin"]).get("/coverage/?year=2024&scanned=1").content.decode()) == ["10"]


def test_csv_export_holds_the_filtered_list(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    r = login(users["sup_city"]).get("/coverage/?year=2024&late=1&export=csv")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert 'filename="coverage-1001-2024.csv"' in r["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(x["agency_code"], x["status"], x["published_on"], x["deadline"], x["days_late"], x["late"]) for x in rows] == [
        ("1001", "late", "2025-04-02", "2025-03-31", "2", "1"),
        ("10010101", "late", "2025-02-03", "2025-01-31", "3", "1"),
    ]
    assert rows[0]["report_id"] == str(store["city"].report_id)


def test_xlsx_export_has_every_agency_of_the_node(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    from openpyxl import load_workbook

    r = login(users["sup_a"]).get("/coverage/?year=2024&export=xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("机关代码", "机关名称", "层级") and rows[1][:3] == ("agency_code", "agency_name", "level")
    body = {row[0]: dict(zip(rows[1], row)) for row in rows[2:]}
    assert sorted(body) == ["100101", "10010101", "10010102"]
    assert body["10010102"]["status"] == "missing" and body["10010102"]["report_id"] is None
    assert body["100101"]["status"] == "published" and body["100101"]["late"] == 0


def test_county_supervisor_never_sees_the_other_county(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    c = login(users["sup_a"])
    html = c.get("/coverage/").content.decode()
    assert "丁县" not in html and "100102" not in html
    assert _totals(html)["expected"] == 3
    for url in ("/coverage/100102/", "/coverage/10010201/", "/coverage/1001/", "/coverage/10/",
                "/coverage/100102/?export=csv", "/coverage/100102/?export=xlsx&year=2024", "/coverage/nope/"):
        assert c.get(url).status_code == 404, url
    data = c.get("/coverage/?export=csv&year=2024").content.decode("utf-8-sig")
    assert "丁县" not in data and "100102" not in data and "1001," not in data
    # The other county's supervisor, the same way round.
    c = login(users["sup_b"])
    assert c.get("/coverage/100101/").status_code == 404
    assert "丙县" not in c.get("/coverage/?year=2024").content.decode()


def test_analyst_reads_but_cannot_post(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    c = login(users["ana_a"])
    assert c.get("/coverage/").status_code == 200
    assert c.get("/coverage/?export=csv").status_code == 200
    assert c.post("/coverage/").status_code == 403
    assert c.post("/coverage/10010101/").status_code == 403
    assert login(users["sup_a"]).post("/coverage/").status_code == 405  # a read-only page for everyone


def test_bad_year_and_unknown_export(store: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    c = login(users["sup_a"])
    assert c.get("/coverage/?year=abc").status_code == 404
    assert c.get("/coverage/?year=1").status_code == 404
    assert c.get("/coverage/?export=pdf").status_code == 404


def test_names_are_escaped(tree: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Agency

    Agency.objects.create(code="10010199", name="<script>alert(1)</script>局", level="department", parent=tree["county_a"])
    html = login(users["sup_a"]).get("/coverage/?year=2024").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in html


def test_login_required(client: Any, db: Any) -> None:
    r = client.get("/coverage/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_queries_do_not_grow_with_agencies(store: dict[str, Any], users: dict[str, Any], login: Any,
                                           django_assert_max_num_queries: Any) -> None:
    """The page aggregates in the database: 40 more agencies (each its own row in a county) cost no
    more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xxgk.store.models import Agency

    from django.core.cache import cache

    c = login(users["sup_city"])
    c.get("/coverage/?year=2024")  # the session and the user's profile are read the same way after
    cache.clear()  # the aggregate is computed, not reused, in both measured requests
    with CaptureQueriesContext(connection) as before:
        c.get("/coverage/?year=2024")
    for i in range(40):
        Agency.objects.create(code=f"1001019{i:02d}", name=f"丙县第{i}局", level="department", parent=store["county_a"].report.agency)
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        html = c.get("/coverage/?year=2024").content.decode()
    assert len(after) == len(before) <= 14
    with CaptureQueriesContext(connection) as again:  # nothing ingested since: the aggregate is reused
        c.get("/coverage/?year=2024")
    assert len(again) == len(after) - 2  # neither the aggregate nor the years
    assert _totals(html)["expected"] == 46 and _totals(html)["missing"] == 41


def test_a_new_report_shows_at_once(store: dict[str, Any], tree: dict[str, Any], users: dict[str, Any], login: Any,
                                    put_report: Any) -> None:
    """The aggregate is reused between requests only while nothing is ingested."""
    c = login(users["sup_a"])
    assert _totals(c.get("/coverage/?year=2024").content.decode())["missing"] == 1
    assert _totals(c.get("/coverage/?year=2024").content.decode())["missing"] == 1
    put_report(tree["dept_a"], 2024, data=_signed(tree["dept_a"], 2024, "2025-01-10", seed=9), name="late-comer.txt")
    totals = _totals(c.get("/coverage/?year=2024").content.decode())
    assert (totals["missing"], totals["published"]) == (0, 3)


def test_nav_links_to_coverage_and_home_redirects(users: dict[str, Any], login: Any) -> None:
    c = login(users["sup_a"])
    r = c.get("/")
    assert r.status_code == 302 and r.url == "/coverage/"
    assert 'href="/coverage/"' in c.get("/coverage/").content.decode()
