"""Rankings (排名): by workload from literal cells, by quality from literal errors, warnings and
store signals; missing agencies; charts and exports; isolation and escaping."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from typing import Any

import pytest

from tests.web.test_rollup import generated
from xxgk.report import keys as K

YEAR = 2024
#: Applications received (表三 一、「总计」) per agency.
RECEIVED = {"county_a": 10, "town_a": 20, "dept_a": 30, "dept_b": 1000}
#: 教育局's outcomes (「总计」 column): 30 received + 10 carried over = 40 handled = 10 granted
#: + 6 partially + 4 refused + 12 unable (8 not held) + 5 not processed + 3 other.
OUTCOMES_DEPT_A = {"granted": 10, "partially_granted": 6, "denied_state_secret": 2, "denied_third_party": 2,
                   "unable_not_held": 8, "unable_needs_creation": 4, "not_processed_duplicate": 5, "other_other": 3}


def _values(name: str) -> dict[str, str]:
    """Every cell of 表三, consistent (all applications from natural persons): the others granted
    everything they received."""
    n = RECEIVED[name]
    totals = {row: 0 for row in K.t3_rows("2021")}
    if name == "dept_a":
        totals |= OUTCOMES_DEPT_A | {"new_received": n, "carried_over": 10, "results_total": 40}
    else:
        totals |= {"new_received": n, "granted": n, "results_total": n}
    values = {}
    for row, total in totals.items():
        for col in K.T3_COLUMNS:
            values[f"t3.{row}.{col}"] = str(total if col in ("natural_person", "total") else 0)
    return values


@pytest.fixture
def four(tree: dict[str, Any], put_report: Any) -> dict[str, Any]:
    out = {}
    for seed, name in enumerate(RECEIVED, start=11):
        _report, data = generated(tree[name], YEAR, seed, _values(name))
        out[name] = put_report(tree[name], YEAR, data=data, name=f"{name}.txt")
    return out


def _csv(r: Any) -> list[dict[str, str]]:
    assert r.status_code == 200, r.status_code
    return list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))


def _chart(body: str, chart_id: str) -> Any:
    m = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', body, re.S)
    assert m, chart_id
    return json.loads(m.group(1))


def test_workload_order_and_outcome_shares(four: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_a"])
    rows = _csv(client.get("/rankings/", {"by": "workload", "year": YEAR, "export": "csv"}))
    assert [(r["rank"], r["agency"], r["t3.new_received.total"]) for r in rows] == [
        ("1", "10010102", "30"), ("2", "10010101", "20"), ("3", "100101", "10")]
    dept = rows[0]
    assert dept["t3.results_total.total"] == "40"
    assert dept["t3.denied_*.total"] == "4" and dept["t3.unable_*.total"] == "12"
    assert dept["t3.not_processed_*.total"] == "5" and dept["t3.other_*.total"] == "3"
    assert dept["share.t3.granted.total"] == "25.0"           # 10 / 40
    assert dept["share.t3.partially_granted.total"] == "15.0"  # 6 / 40
    assert dept["share.t3.denied_*.total"] == "10.0"          # 4 / 40
    assert dept["share.t3.unable_not_held.total"] == "20.0"   # 8 / 40
    # Sorted by the share granted instead; a level filter keeps the township only.
    rows = _csv(client.get("/rankings/", {"by": "workload", "year": YEAR, "export": "csv", "sort": "s_granted",
                                          "level": "township"}))
    assert [r["agency"] for r in rows] == ["10010101"]
    # The whole city: 丁县教育局's 1000 first.
    rows = _csv(login(users["sup_city"]).get("/rankings/", {"by": "workload", "year": YEAR, "export": "csv"}))
    assert [r["t3.new_received.total"] for r in rows] == ["1000", "30", "20", "10"]


def test_quality_ranking_from_literal_counts(four: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Finding, Version

    county, town, dept = four["county_a"], four["town_a"], four["dept_a"]
    # The store's own signals on generated reports (their narratives are 雷同 by design) are
    # replaced by literal ones.
    Finding.objects.filter(source="quality").delete()
    Version.objects.filter(pk=town.pk).update(errors=3, warnings=1)
    Version.objects.filter(pk=dept.pk).update(errors=1, warnings=5)
    Version.objects.filter(pk=county.pk).update(errors=0, warnings=0, published_on=dt.date(2025, 4, 10))
    for version, rule, n in ((county, "quality.late", 1), (dept, "quality.narrative_duplicate", 2),
                             (town, "store.duplicate_report", 1)):
        for i in range(n):
            Finding.objects.create(version=version, agency_id=version.report.agency_id, year=YEAR, rule=rule,
                                   severity="warning", message=f"{rule} {i}", source="quality")
    client = login(users["sup_a"])
    rows = _csv(client.get("/rankings/", {"year": YEAR, "export": "csv"}))
    assert [(r["agency"], r["errors"], r["warnings"]) for r in rows] == [
        ("10010101", "3", "1"), ("10010102", "1", "5"), ("100101", "0", "0")]
    by_code = {r["agency"]: r for r in rows}
    assert by_code["100101"]["quality.late"] == "1" and by_code["100101"]["days_late"] == "10"
    assert by_code["10010102"]["quality.narrative_duplicate"] == "2"
    assert by_code["10010101"]["store.duplicate_report"] == "1"
    rows = _csv(client.get("/rankings/", {"year": YEAR, "export": "csv", "sort": "q_near_duplicate"}))
    assert rows[0]["agency"] == "10010102"
    rows = _csv(client.get("/rankings/", {"year": YEAR, "export": "csv", "sort": "q_late"}))
    assert rows[0]["agency"] == "100101"
    body = client.get("/rankings/", {"year": YEAR}).content.decode()
    assert "迟报 10 天" in body
    years = _chart(body, "chart-years")
    series = {s["name"]: s["data"] for s in years["series"]}
    assert years["xAxis"]["data"] == ["2024"]
    assert series["错误"] == [4] and series["雷同"] == [2] and series["迟报"] == [1] and series["年报数"] == [3]


def test_missing_agencies_listed_per_scope(four: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    """Reports of 2024 exist for 丙县, 戊镇, 丙县教育局 and 丁县教育局: 甲省, 乙市 and 丁县 are missing."""
    assert login(users["sup_a"]).get("/rankings/", {"year": YEAR}).context["missing_count"] == 0
    r = login(users["sup_city"]).get("/rankings/", {"year": YEAR})
    assert r.context["missing_count"] == 2
    assert [m["agency"] for m in r.context["missing"]] == ["1001", "100102"]
    rows = _csv(login(users["admin"]).get("/rankings/", {"year": YEAR, "export": "csv", "table": "missing"}))
    assert [m["agency"] for m in rows] == ["10", "1001", "100102"]


def test_charts_and_table_on_the_page(four: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    body = login(users["sup_a"]).get("/rankings/", {"by": "workload", "year": YEAR}).content.decode()
    top = _chart(body, "chart-top")
    assert top["yAxis"]["data"] == ["丙县教育局", "丙县戊镇", "乙市丙县"]
    assert top["series"][0]["data"] == [30, 20, 10]
    years = _chart(body, "chart-years")
    line = next(s for s in years["series"] if s["type"] == "line")
    assert line["data"] == [60]
    assert 'data-chart="chart-top"' in body and "echarts-5.6.0.min.js" in body
    assert "<script>" not in body


def test_isolation(four: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    client = login(users["sup_a"])
    assert client.get("/rankings/", {"node": "100102"}).status_code == 404
    assert client.get("/rankings/", {"node": "100102", "export": "csv"}).status_code == 404
    assert client.get("/rankings/", {"node": "1001"}).status_code == 404
    for by in ("quality", "workload"):
        body = client.get("/rankings/", {"by": by, "year": YEAR}).content.decode()
        assert "丁县" not in body and "1000" not in body
        for table in ("ranking", "missing"):
            for fmt in ("csv", "xlsx"):
                r = client.get("/rankings/", {"by": by, "year": YEAR, "export": fmt, "table": table})
                assert r.status_code == 200
                if fmt == "csv":
                    assert "丁县" not in r.content.decode("utf-8-sig")
    assert client.get("/rankings/", {"by": "nonsense"}).status_code == 404
    assert login(users["ana_a"]).post("/rankings/").status_code == 403


def test_script_in_agency_name_is_escaped(four: dict[str, Any], tree: dict[str, Any], users: dict[str, Any],
                                          login: Any) -> None:
    town = tree["town_a"]
    town.name = "<script>alert(1)</script>镇"
    town.save()
    body = login(users["sup_a"]).get("/rankings/", {"by": "workload", "year": YEAR}).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;镇" in body
    # In the chart's JSON too (json_script escapes < and >).
    assert "\\u003Cscript\\u003E" in body
