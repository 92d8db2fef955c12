"""Roll-up (汇总): sums by level and in total, hand-computed from literal values set on three
generated reports; the node's own report compared cell by cell; Figures filled at ingest and on
demand; isolation, escaping, exports."""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal
from typing import Any

import pytest

YEAR = 2024
#: Literal cells set on the three reports under 乙市 (county 丙县, township 戊镇, department 教育局).
LITERAL = {
    "county_a": {"t3.new_received.total": "10", "t4.review.total": "1", "t2.admin_fees_wan_yuan": "1.25",
                 "t3.granted.natural_person": "4"},
    "town_a": {"t3.new_received.total": "20", "t4.review.total": "2", "t2.admin_fees_wan_yuan": "2.50",
               "t3.granted.natural_person": "5"},
    "dept_a": {"t3.new_received.total": "30", "t4.review.total": "3", "t2.admin_fees_wan_yuan": "0.75",
               "t3.granted.natural_person": "6"},
}


def generated(agency: Any, year: int, seed: int, values: dict[str, str]) -> tuple[Any, bytes]:
    """A generated 2021-format report of `agency` with `values` printed in place of its own."""
    from tests.corpus.generate import random_report
    from tests.corpus.layouts import render_text
    from xxgk.report.model import Cell

    rng = random.Random(seed)
    report = random_report(rng, fmt="2021")
    report.agency, report.year = agency.name, year
    for key, raw in values.items():
        report.cells[key] = Cell.from_raw(key, raw)
    return report, render_text(report, "tab000", rng).encode("utf-8")


@pytest.fixture
def three(tree: dict[str, Any], put_report: Any) -> dict[str, Any]:
    """The three reports under 乙市 with LITERAL values, and 丁县教育局's (another county)."""
    out = {}
    for seed, name in enumerate(LITERAL, start=1):
        report, data = generated(tree[name], YEAR, seed, LITERAL[name])
        out[name] = (report, put_report(tree[name], YEAR, data=data, name=f"{name}.txt"))
    report, data = generated(tree["dept_b"], YEAR, 9, {"t3.new_received.total": "1000"})
    out["dept_b"] = (report, put_report(tree["dept_b"], YEAR, data=data, name="dept_b.txt"))
    return out


def _csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _cells(client: Any, code: str, **params: str) -> dict[str, dict[str, str]]:
    r = client.get(f"/rollup/{code}/", {"year": YEAR, "export": "csv", "table": "cells", **params})
    return {row["key"]: row for row in _csv(r)}


def test_sums_by_level_and_total_hand_computed(three: dict[str, Any], users: dict[str, Any], login: Any,
                                               tree: dict[str, Any]) -> None:
    """乙市 has no report of its own here: 丙县 (county) 10, 戊镇 (township) 20, 教育局 (department) 30,
    and 丁县教育局 (department) 1000 — all below 乙市."""
    cells = _cells(login(users["sup_city"]), "1001")
    row = cells["t3.new_received.total"]
    assert row["total"] == str(10 + 20 + 30 + 1000)
    assert row["county"] == "10" and row["township"] == "20" and row["department"] == str(30 + 1000)
    assert cells["t4.review.total"]["total"] == str(1 + 2 + 3 + three["dept_b"][0].value("t4.review.total"))
    fee_b = Decimal(str(three["dept_b"][0].value("t2.admin_fees_wan_yuan")))
    assert Decimal(cells["t2.admin_fees_wan_yuan"]["total"]) == Decimal("1.25") + Decimal("2.50") + Decimal("0.75") + fee_b
    # 丙县 sees its two agencies below: 20 + 30, 5 + 6.
    cells = _cells(login(users["sup_a"]), "100101")
    assert cells["t3.new_received.total"]["total"] == "50"
    assert cells["t3.granted.natural_person"]["total"] == "11"
    assert cells["t2.admin_fees_wan_yuan"]["total"] == "3.25"
    assert cells["t3.new_received.total"]["children"] == "50"


def test_every_cell_equals_the_sum_of_the_versions_data(three: dict[str, Any], users: dict[str, Any],
                                                        login: Any) -> None:
    """An independent oracle: each report's cells as the reader stored them in Version.data."""
    cells = _cells(login(users["admin"]), "1001")
    expected: dict[str, Any] = {}
    for _report, version in three.values():
        for c in version.data["cells"]:
            if c["value"] is None:
                continue
            v = Decimal(str(c["value"])) if c["key"] == "t2.admin_fees_wan_yuan" else c["value"]
            expected[c["key"]] = expected.get(c["key"], 0) + v
    assert len(expected) == 200
    for key, v in expected.items():
        assert (Decimal(cells[key]["total"]) if isinstance(v, Decimal) else int(cells[key]["total"])) == v, key


def test_own_report_differing_in_one_cell_is_listed(three: dict[str, Any], tree: dict[str, Any],
                                                    put_report: Any, users: dict[str, Any], login: Any) -> None:
    """丙县's own report prints, in every cell, the sum of 戊镇's and 教育局's, except 表三「予以公开」
    「自然人」: 5 + 6 = 11 printed as 12."""
    from xxgk.report import keys as K

    town, dept = three["town_a"][0], three["dept_a"][0]
    values = {}
    for key in K.cell_keys("2021"):
        a, b = town.value(key), dept.value(key)
        if key == "t2.admin_fees_wan_yuan":
            values[key] = str(Decimal(str(a)) + Decimal(str(b)))
        else:
            values[key] = str((a or 0) + (b or 0))
    assert values["t3.granted.natural_person"] == "11"
    values["t3.granted.natural_person"] = "12"
    _report, data = generated(tree["county_a"], YEAR, 7, values)
    put_report(tree["county_a"], YEAR, data=data, name="county_own.txt")
    client = login(users["sup_a"])
    page = client.get("/rollup/100101/", {"year": YEAR})
    assert page.status_code == 200
    body = page.content.decode()
    assert 'data-key="t3.granted.natural_person"' in body
    assert body.count("data-key=") == 1
    diff = _csv(client.get("/rollup/100101/", {"year": YEAR, "export": "csv", "table": "diff"}))
    assert [(d["key"], d["own"], d["summed"], d["difference"]) for d in diff] == [
        ("t3.granted.natural_person", "12", "11", "1")]
    # Against one level only (the township 戊镇): many cells differ, 予以公开「自然人」 by 12 − 5.
    diff = _csv(client.get("/rollup/100101/", {"year": YEAR, "export": "csv", "table": "diff", "basis": "township"}))
    by_key = {d["key"]: d for d in diff}
    assert by_key["t3.granted.natural_person"]["difference"] == "7"


def test_levels_table_export_and_xlsx(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_city"])
    rows = _csv(client.get("/rollup/1001/", {"year": YEAR, "export": "csv", "table": "levels"}))
    by_group = {r["group"]: r for r in rows}
    assert by_group["county"]["reports"] == "1" and by_group["department"]["reports"] == "2"
    assert by_group["total"]["reports"] == "4"
    assert by_group["township"]["t3.new_received.total"] == "20"
    r = client.get("/rollup/1001/", {"year": YEAR, "export": "xlsx", "table": "cells"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert client.get("/rollup/1001/", {"year": YEAR, "export": "pdf"}).status_code == 404


def test_figures_filled_at_ingest_and_on_demand(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    """Ingest writes Figures; a version without them (a correction, an older store) is filled when
    the roll-up needs it, and the sums are the same."""
    from xxgk.store.models import Figures

    versions = [v for _r, v in three.values()]
    assert Figures.objects.filter(version__in=versions).count() == 4
    fig = Figures.objects.get(version=three["town_a"][1])
    assert fig.t3_new_received_total == 20 and fig.t2_admin_fees_wan_yuan == 2_500_000
    Figures.objects.all().delete()
    cells = _cells(login(users["sup_city"]), "1001")
    assert cells["t3.new_received.total"]["total"] == "1060"
    assert Figures.objects.count() == 4


def test_page_renders_charts_as_json_and_drills_down(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_city"])
    r = client.get("/rollup/1001/", {"year": YEAR})
    body = r.content.decode()
    assert r.status_code == 200
    assert '<script id="chart-years" type="application/json">' in body
    assert 'data-chart="chart-mix"' in body
    assert "/rollup/100101/?year=2024" in body and "/rollup/100102/?year=2024" in body
    assert "汇总" in body
    assert client.get("/rollup/").url == "/rollup/1001/"


def test_isolation_county_a_never_sees_county_b(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_a"])
    assert client.get("/rollup/100102/", {"year": YEAR}).status_code == 404
    assert client.get("/rollup/100102/", {"year": YEAR, "export": "csv"}).status_code == 404
    assert client.get("/rollup/1001/", {"year": YEAR}).status_code == 404
    body = client.get("/rollup/100101/", {"year": YEAR}).content.decode()
    assert "丁县" not in body and "1000" not in body
    cells = _cells(client, "100101")
    assert "丁县" not in str(cells)
    # sup_b sees only 丁县's 1000.
    cells = _cells(login(users["sup_b"]), "100102")
    assert cells["t3.new_received.total"]["total"] == "1000"


def test_agency_name_with_script_is_escaped(tree: dict[str, Any], users: dict[str, Any], login: Any,
                                            put_report: Any) -> None:
    town = tree["town_a"]
    town.name = "<script>alert(1)</script>镇"
    town.save()
    client = login(users["sup_a"])
    body = client.get("/rollup/100101/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;镇" in body


def test_analyst_reads_and_exports(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["ana_a"])
    assert client.get("/rollup/100101/", {"year": YEAR}).status_code == 200
    assert _cells(client, "100101")["t3.new_received.total"]["total"] == "50"
    assert client.post("/rollup/100101/").status_code == 403


def test_store_migration_is_complete(db: Any) -> None:
    """Figures' 232 columns and the Finding fields are in the store's migrations."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "store", "--check", "--dry-run", stdout=out)


def test_figures_extract_holds_decimals_exactly_and_names_what_it_cannot() -> None:
    from xxgk.store.figures import decimal_text, extract, scaled

    values, inexact = extract({
        "t2": {"admin_fees_wan_yuan": "12.345678", "licensing": 7, "penalty": True},
        "t3": {"granted": {"total": 5, "natural_person": "5"}},
        "fees": {"notices": 2, "collected_yuan": "1,200.50", "notice_amount_yuan": "0.1234567"},
        "t2_2019": {"procurement": {"amount": "约3万元", "items": 4}},
    })
    assert values["t2_admin_fees_wan_yuan"] == 12_345_678
    assert values["t2_licensing"] == 7 and values["t2_penalty"] is None
    assert values["t3_granted_total"] == 5 and values["t3_granted_natural_person"] is None
    assert values["extra_fees_notices"] == 2 and values["extra_fees_collected_yuan"] == 1_200_500_000
    assert values["extra_fees_notice_amount_yuan"] is None and values["t2_2019_procurement_items"] == 4
    assert sorted(inexact) == ["extra.fees.notice_amount_yuan", "t2.penalty", "t2_2019.procurement.amount",
                               "t3.granted.natural_person"]
    assert scaled("0") == 0 and scaled("-1.5") == -1_500_000 and scaled("1e400") is None
    assert decimal_text(Decimal("3.500000")) == "3.50" and decimal_text(Decimal("0.125000")) == "0.125"


def test_every_cell_table_is_an_htmx_fragment(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_a"])
    page = client.get("/rollup/100101/", {"year": YEAR}).content.decode()
    assert 'hx-get="?year=2024&amp;basis=total&amp;part=cells"' in page and 'id="cells"' not in page
    frag = client.get("/rollup/100101/", {"year": YEAR, "part": "cells"}, HTTP_HX_REQUEST="true").content.decode()
    assert frag.startswith('<div class="table-wrap"><table class="list" id="cells">')
    assert "<td class=\"num\">50</td>" in frag and "<html" not in frag
    full = client.get("/rollup/100101/", {"year": YEAR, "part": "cells"}).content.decode()
    assert "<html" in full and 'id="cells"' in full


def test_values_not_summed_are_named(three: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    """A value the reader kept that is no exact number (a 2019 procurement amount "约3万元") is left
    out of the sums, and the page says which cell and how many reports."""
    from xxgk.store.models import Figures

    assert not Figures.objects.exclude(inexact=[]).exists()
    Figures.objects.filter(version=three["town_a"][1]).update(inexact=["t2_2019.procurement.amount"])
    body = login(users["sup_a"]).get("/rollup/100101/", {"year": YEAR}).content.decode()
    assert "<code>t2_2019.procurement.amount</code> × 1" in body


def test_a_correction_shows_in_the_roll_up_at_once(three: dict[str, Any], users: dict[str, Any],
                                                   login: Any) -> None:
    """A correction is a new version (made outside the recorder, so without Figures): the next
    roll-up sums it, not the cached sums of before."""
    from xxgk.store import corrections

    client = login(users["sup_a"])
    assert _cells(client, "100101")["t3.new_received.total"]["total"] == "50"
    corrections.correct(three["town_a"][1].report_id, cells={"t3.new_received.total": "25"}, user="sup_a",
                        note="原表 20 应为 25")
    assert _cells(client, "100101")["t3.new_received.total"]["total"] == str(25 + 30)


def test_an_older_version_made_active_shows_at_once(three: dict[str, Any], tree: dict[str, Any], put_report: Any,
                                                    users: dict[str, Any], login: Any) -> None:
    from xxgk.store import corrections

    client = login(users["sup_a"])
    old = three["town_a"][1]
    _r, data = generated(tree["town_a"], YEAR, 42, {"t3.new_received.total": "70"})
    put_report(tree["town_a"], YEAR, data=data, name="town-2.txt")
    assert _cells(client, "100101")["t3.new_received.total"]["total"] == str(70 + 30)
    assert corrections.make_active(old, user="sup_a", refresh=False)  # no new finding: only the save tells
    assert _cells(client, "100101")["t3.new_received.total"]["total"] == str(20 + 30)


def test_a_node_without_reports(users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_a"])
    r = client.get("/rollup/100101/")
    assert r.status_code == 200 and "暂无年报" in r.content.decode()
    assert client.get("/rankings/").status_code == 200
    assert client.get("/issues/").status_code == 200
    assert client.get("/rollup/100101/", {"year": "x"}).status_code == 404
