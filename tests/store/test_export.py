"""`xxgk.store.export` and `xxgk export` on a small hand-made store whose answers are worked out by hand.

The README's Analytics queries are read out of README.md and run as written, so the documentation
cannot drift from the tables. Every expected value below is a literal computed from the fixture's
numbers (the working is in the comments), not by the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from xxgk.store.export import ExportError, duckdb_connect, export, run_export
from xxgk.store.export import tables as T
from xxgk.store.models import Agency, Finding, Report, Version

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"
SHANGHAI = dt.timezone(dt.timedelta(hours=8))

# -- the store -----------------------------------------------------------------------------------

WHERE = {
    "text": lambda i: {"line": 40 + i, "col": 8},
    "pdf": lambda i: {"page": 2, "bbox": [100.5, 200.0 + i, 130.25, 212.0 + i]},
    "html": lambda i: {"table": 1, "row": 3 + i, "col": 7},
    "xlsx": lambda i: {"sheet": "表三", "cell": f"I{12 + i}"},
    "image": lambda i: {"page": 1, "bbox": [10.0, 20.0, 30.0, 40.0], "confidence": 0.875},
}


def _cell(key: str, value: Any, i: int, medium: str) -> dict[str, Any]:
    if value is None:
        raw, semantic = "/", "na"
    else:
        raw, semantic = str(value), ("zero" if str(value).strip("0.") == "" else "number")
    return {"key": key, "raw": raw, "value": value, "semantic": semantic, "where": WHERE[medium](i)}


def _data(agency: str, year: int, *, new: int, handled: int, denied: dict[str, int], fee: str | None,
          medium: str, granted: int | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A contract object with only the cells the queries use (a real one has 200)."""
    cells = [("t2.admin_fees_wan_yuan", fee), ("t3.new_received.total", new),
             ("t3.granted.total", granted if granted is not None else handled - sum(denied.values())),
             *((f"t3.{row}.total", n) for row, n in denied.items()),
             ("t3.results_total.total", handled)]
    d: dict[str, Any] = {"schema": "xxgk/report@1", "source": {"name": f"{agency}{year}.{medium}"}, "format": "2021",
                         "agency": agency, "year": year, "findings": [],
                         "cells": [_cell(k, v, i, medium) for i, (k, v) in enumerate(cells)]}
    if extra:
        d["extra"] = extra
    return d


def _version(report: Report, number: int, data: dict[str, Any], medium: str, *, active: bool = True,
             **fields: Any) -> Version:
    v = Version.objects.create(report=report, number=number, sha256=f"{report.pk:032d}{number:032d}", medium=medium,
                               xxgk_version="0.1.0", data=data, format=data["format"], **fields)
    if active:
        report.active = v
        report.save(update_fields=["active"])
    return v


@pytest.fixture
def store() -> dict[str, Any]:
    """Six agencies in two provinces, eight reports, one of them with an older version, one unmatched.

    new / handled / denied per active report (denied rows in brackets):
      51 province   2023 text  100 /  90 / 9 (state_secret 5, third_party 4)   fee 0.00
      51 province   2024 pdf   120 / 110 / 10 (state_secret 10)                fee 1.50
      5117 city     2024 html   40 /  40 / 2 (third_party 2)                   fee 0, extra.fees 3 notices, 300.00 collected
      511724 county 2024 xlsx   30 /  28 / 1 (process_info 1)                  fee 0.25   (v1, inactive: 999/999/999)
      511724100 township 2024 image 0 / 0 / 0                                 fee 0
      5117-fgw department 2023 text 7 / 7 / 1 (internal_affairs 1)            fee blank
      50 province   2024 text  200 / 180 / 20 (state_secret 20)                fee 2.00
      unmatched 某某街道办事处 2024 text 5 / 5 / 0                              fee 0
    """
    p51 = Agency.objects.create(code="51", name="四川省人民政府", level="province")
    c = Agency.objects.create(code="5117", name="达州市人民政府", level="city", parent=p51)
    county = Agency.objects.create(code="511724", name="渠县人民政府", level="county", parent=c,
                                   aliases=["渠县政府"])
    town = Agency.objects.create(code="511724100", name="天星镇人民政府", level="township", parent=county)
    dept = Agency.objects.create(code="5117-fgw", name="达州市发展和改革委员会", level="department", parent=c)
    p50 = Agency.objects.create(code="50", name="重庆市人民政府", level="province")

    def report(agency: Agency | None, year: int, printed: str = "") -> Report:
        return Report.objects.create(agency=agency, year=year, printed_agency=printed or (agency.name if agency else ""),
                                     match="exact" if agency else "none")

    r51a = report(p51, 2023)
    _version(r51a, 1, _data("四川省人民政府", 2023, new=100, handled=90,
                            denied={"denied_state_secret": 5, "denied_third_party": 4}, fee="0.00", medium="text"), "text",
             fetched_at=dt.datetime(2024, 3, 1, 10, 0, tzinfo=SHANGHAI), published_on=dt.date(2024, 1, 31),
             origin='=HYPERLINK("http://example.invalid","x")')
    r51b = report(p51, 2024)
    v51b = _version(r51b, 1, _data("四川省人民政府", 2024, new=120, handled=110, denied={"denied_state_secret": 10},
                                   fee="1.50", medium="pdf"), "pdf")
    rc = report(c, 2024)
    _version(rc, 1, _data("达州市人民政府", 2024, new=40, handled=40, denied={"denied_third_party": 2}, fee="0",
                          medium="html", extra={"fees": {"notices": 3, "notice_amount_yuan": "450.00",
                                                         "collected_yuan": "300.00"}}), "html")
    rcounty = report(county, 2024)
    old = _version(rcounty, 1, _data("渠县人民政府", 2024, new=999, handled=999, denied={"denied_state_secret": 999},
                                     fee="9.99", medium="xlsx"), "xlsx", active=False)
    new = _version(rcounty, 2, _data("渠县人民政府", 2024, new=30, handled=28, denied={"denied_process_info": 1},
                                     fee="0.25", medium="xlsx"), "xlsx")
    rtown = report(town, 2024)
    _version(rtown, 1, _data("天星镇人民政府", 2024, new=0, handled=0, denied={}, fee="0", medium="image"), "image")
    rdept = report(dept, 2023)
    _version(rdept, 1, _data("达州市发展和改革委员会", 2023, new=7, handled=7, denied={"denied_internal_affairs": 1},
                             fee=None, medium="text"), "text")
    r50 = report(p50, 2024)
    _version(r50, 1, _data("重庆市人民政府", 2024, new=200, handled=180, denied={"denied_state_secret": 20}, fee="2.00",
                           medium="text"), "text")
    runmatched = report(None, 2024, printed="某某街道办事处")
    _version(runmatched, 1, _data("某某街道办事处", 2024, new=5, handled=5, denied={}, fee="0", medium="text"), "text")

    def finding(version: Version | None, rule: str, severity: str, **kw: Any) -> None:
        Finding.objects.create(version=version, agency=kw.pop("agency", version.report.agency if version else None),
                               year=kw.pop("year", version.report.year if version else None), rule=rule,
                               severity=severity, message=kw.pop("message", rule), **kw)

    finding(v51b, "t3.column_identity", "error", cells=["t3.new_received.total", "t3.results_total.total"],
            expected=110, actual=120)
    finding(old, "t3.row_identity", "error")
    finding(old, "t3.row_identity", "error")
    finding(new, "t3.column_identity", "error", message="=1+1")
    finding(new, "quality.year_jump", "warning", source="quality", details={"factor": 10})
    finding(None, "quality.missing_report", "warning", agency=town, year=2023, source="quality")
    return {"old": old, "new": new, "v51b": v51b}


# -- the README's queries ------------------------------------------------------------------------


def readme_examples() -> dict[str, str]:
    """The SQL blocks of README's Analytics section, by their `-- example: NAME` first line."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Analytics\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n-- example: (\w+)\n(.*?)```", section, re.S)
    return {name: sql for name, sql in blocks}


EXPECTED = {
    # active new_received per level and year: province 2024 = 120 (51) + 200 (50); NULL = the unmatched report.
    "applications_by_level_year": [
        ("city", 2024, 40, 1), ("county", 2024, 30, 1), ("department", 2023, 7, 1), ("province", 2023, 100, 1),
        ("province", 2024, 320, 2), ("township", 2024, 0, 1), (None, 2024, 5, 1),
    ],
    # 2023: denied 5+4 (51) + 1 (dept) = 10 of 90+7 = 97 handled; 10/97 = 0.10309…
    # 2024: denied 10 + 2 + 1 + 0 + 20 + 0 = 33 of 110+40+28+0+180+5 = 363; 33/363 = 0.090909…
    "denied_share": [(2023, 10, 97, 0.1031), (2024, 33, 363, 0.0909)],
    # fee > 0: 50 (2.00), 51 2024 (1.50), 511724 (0.25, the active version: not 9.99); 5117 by extra.fees.
    "fee_reporters": [
        ("50", "重庆市人民政府", 2024, Decimal("2.000000"), None, None),
        ("51", "四川省人民政府", 2024, Decimal("1.500000"), None, None),
        ("5117", "达州市人民政府", 2024, Decimal("0"), 3, Decimal("300.000000")),
        ("511724", "渠县人民政府", 2024, Decimal("0.250000"), None, None),
    ],
    # active: column_identity on 51/2024 and county v2; year_jump on county v2; missing_report has no
    # version. The two row_identity findings are on the inactive county v1.
    "findings_by_rule": [
        ("t3.column_identity", "error", 2, 2), ("quality.missing_report", "warning", 1, 0),
        ("quality.year_jump", "warning", 1, 1),
    ],
    # years reported: 2023, 2024; 51 has both, every other agency one of them.
    "missing_reports": [
        ("50", "重庆市人民政府", 2023), ("5117", "达州市人民政府", 2023), ("5117-fgw", "达州市发展和改革委员会", 2024),
        ("511724", "渠县人民政府", 2023), ("511724100", "天星镇人民政府", 2023),
    ],
}


def _rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    rows = con.execute(sql).fetchall()
    return [tuple(float(x) if isinstance(x, float) else x for x in row) for row in rows]


def test_readme_has_every_example_and_no_other() -> None:
    assert sorted(readme_examples()) == sorted(EXPECTED)


@pytest.mark.parametrize("versions", ["active", "all"])
def test_readme_queries_give_the_hand_worked_answers(store: dict[str, Any], tmp_path: Path, versions: str) -> None:
    export(tmp_path, versions=versions)
    con = duckdb_connect(tmp_path)
    for name, sql in readme_examples().items():
        assert _rows(con, sql) == EXPECTED[name], name


# -- tables ---------------------------------------------------------------------------------------


def test_parquet_columns_types_and_provenance(store: dict[str, Any], tmp_path: Path) -> None:
    paths = export(tmp_path)
    assert set(paths) == {"cells", "findings", "versions", "agencies"}
    cells = pq.read_table(paths["cells"])
    assert cells.schema == T.CELLS
    # 8 active versions; 5 cells each plus one per denied row: 1+2 (51/2023) … : 8*4 + (2+1+1+1+0+1+1+0) = 39
    assert cells.num_rows == 39
    rows = {(r["version_id"], r["key"]): r for r in cells.to_pylist()}
    v51b = store["v51b"].pk
    fee = rows[(v51b, "t2.admin_fees_wan_yuan")]
    assert (fee["value"], fee["value_decimal"], fee["value_text"], fee["raw"]) == (None, Decimal("1.5"), "1.50", "1.50")
    assert fee["where_page"] == 2 and fee["where_bbox"] == [100.5, 200.0, 130.25, 212.0] and fee["where_line"] is None
    total = rows[(v51b, "t3.new_received.total")]
    assert (total["value"], total["value_decimal"], total["value_text"]) == (120, None, "120")
    assert (total["agency_code"], total["agency_name"], total["level"], total["year"], total["format"], total["active"]) \
        == ("51", "四川省人民政府", "province", 2024, "2021", True)
    county = rows[(store["new"].pk, "t3.new_received.total")]
    assert (county["where_sheet"], county["where_cell"]) == ("表三", "I13")
    by_key = {(r["agency_name"], r["key"]): r for r in cells.to_pylist()}
    town = by_key[("天星镇人民政府", "t3.new_received.total")]
    assert (town["where_page"], town["where_bbox"], town["where_confidence"]) == (1, [10.0, 20.0, 30.0, 40.0], 0.875)
    city = by_key[("达州市人民政府", "t3.new_received.total")]
    assert (city["where_table"], city["where_row"], city["where_col"]) == (1, 4, 7)
    blank = by_key[("达州市发展和改革委员会", "t2.admin_fees_wan_yuan")]
    assert (blank["value"], blank["value_decimal"], blank["value_text"], blank["raw"], blank["semantic"]) \
        == (None, None, None, "/", "na")
    unmatched = by_key[("某某街道办事处", "t3.new_received.total")]
    assert (unmatched["agency_code"], unmatched["level"]) == (None, None)
    # Rows by agency path (/50/ before /51/…), then year.
    assert [r["agency_code"] for r in cells.to_pylist()][:5] == ["50"] * 5

    versions = {r["version_id"]: r for r in pq.read_table(paths["versions"]).to_pylist()}
    assert len(versions) == 8
    first = next(r for r in versions.values() if r["agency_code"] == "51" and r["year"] == 2023)
    assert first["fetched_at"] == dt.datetime(2024, 3, 1, 2, 0, tzinfo=dt.timezone.utc)
    assert first["published_on"] == dt.date(2024, 1, 31) and first["n_cells"] == 6 and first["medium"] == "text"
    city_v = next(r for r in versions.values() if r["agency_code"] == "5117")
    assert (city_v["fees_notices"], city_v["fees_notice_amount_yuan"], city_v["fees_collected_yuan"]) \
        == (3, Decimal("450"), Decimal("300"))
    assert (city_v["agency"], city_v["match"]) == ("达州市人民政府", "exact")

    findings = {r["rule"]: r for r in pq.read_table(paths["findings"]).to_pylist()}
    col = [r for r in pq.read_table(paths["findings"]).to_pylist() if r["version_id"] == v51b][0]
    assert (col["cells"], col["expected"], col["actual"], col["report_id"]) == (
        ["t3.new_received.total", "t3.results_total.total"], "110", "120", store["v51b"].report_id)
    assert findings["quality.year_jump"]["details"] == '{"factor": 10}'
    missing = findings["quality.missing_report"]
    assert (missing["version_id"], missing["report_id"], missing["agency_code"], missing["level"], missing["year"],
            missing["active"]) == (None, None, "511724100", "township", 2023, True)

    agencies = pq.read_table(paths["agencies"]).to_pylist()
    assert [a["code"] for a in agencies] == ["50", "51", "5117", "5117-fgw", "511724", "511724100"]
    county_a = agencies[4]
    assert (county_a["parent_code"], county_a["path"], county_a["aliases"], county_a["rule_making"]) == (
        "5117", "/51/5117/511724/", ["渠县政府"], False)
    assert agencies[2]["rule_making"] is True


def test_all_versions_adds_the_inactive_ones(store: dict[str, Any], tmp_path: Path) -> None:
    paths = export(tmp_path, versions="all")
    versions = pq.read_table(paths["versions"]).to_pylist()
    assert len(versions) == 9
    old = [v for v in versions if v["version_id"] == store["old"].pk]
    assert len(old) == 1 and old[0]["active"] is False and old[0]["number"] == 1
    cells = pq.read_table(paths["cells"]).to_pylist()
    assert len(cells) == 39 + 5  # county v1: fee, new, granted, one denied row, results
    assert {c["active"] for c in cells if c["version_id"] == store["old"].pk} == {False}
    findings = pq.read_table(paths["findings"]).to_pylist()
    assert sorted(f["rule"] for f in findings if not f["active"]) == ["t3.row_identity", "t3.row_identity"]
    assert len(findings) == 6


def test_year_and_under_filters(store: dict[str, Any], tmp_path: Path) -> None:
    paths = export(tmp_path / "y", years=[2023])
    versions = pq.read_table(paths["versions"]).to_pylist()
    assert sorted((v["agency_code"], v["year"]) for v in versions) == [("51", 2023), ("5117-fgw", 2023)]
    assert {c["year"] for c in pq.read_table(paths["cells"]).to_pylist()} == {2023}
    # the missing township report of 2023 is a finding of 2023; the others are of 2024
    assert [f["rule"] for f in pq.read_table(paths["findings"]).to_pylist()] == ["quality.missing_report"]
    assert pq.read_table(paths["agencies"]).num_rows == 6  # every agency, reporting or not

    paths = export(tmp_path / "u", under="5117", years=[2024, 2023])
    versions = pq.read_table(paths["versions"]).to_pylist()
    assert sorted(v["agency_code"] for v in versions) == ["5117", "5117-fgw", "511724", "511724100"]
    assert [a["code"] for a in pq.read_table(paths["agencies"]).to_pylist()] == ["5117", "5117-fgw", "511724",
                                                                                   "511724100"]
    assert sorted(f["rule"] for f in pq.read_table(paths["findings"]).to_pylist()) == [
        "quality.missing_report", "quality.year_jump", "t3.column_identity"]

    paths = export(tmp_path / "n", under="511724100", years=[2022])
    assert [pq.read_table(p).num_rows for p in paths.values()] == [0, 0, 0, 1]
    with pytest.raises(ExportError, match="没有代码为 99 的机关"):
        export(tmp_path / "bad", under="99")


def test_csv_is_utf8_with_bom_and_guards_formulas(store: dict[str, Any], tmp_path: Path) -> None:
    paths = export(tmp_path, fmt="csv")
    raw = paths["cells"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with paths["cells"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == T.CELLS.names and len(rows) == 1 + 39
    header = rows[0]
    recs = [dict(zip(header, r)) for r in rows[1:]]
    fee = next(r for r in recs if r["agency_code"] == "51" and r["year"] == "2024" and r["key"] == "t2.admin_fees_wan_yuan")
    assert (fee["value"], fee["value_decimal"], fee["value_text"]) == ("", "1.500000", "1.50")
    assert json.loads(fee["where_bbox"]) == [100.5, 200.0, 130.25, 212.0] and fee["where_line"] == ""
    assert fee["active"] == "true" and fee["agency_name"] == "四川省人民政府"
    with paths["versions"].open(encoding="utf-8-sig", newline="") as f:
        versions = list(csv.DictReader(f))
    first = next(v for v in versions if v["agency_code"] == "51" and v["year"] == "2023")
    assert first["origin"] == "'" + '=HYPERLINK("http://example.invalid","x")'
    assert first["fetched_at"] == "2024-03-01 02:00:00" and first["published_on"] == "2024-01-31"
    with paths["findings"].open(encoding="utf-8-sig", newline="") as f:
        findings = list(csv.DictReader(f))
    assert "'=1+1" in [r["message"] for r in findings]
    with paths["agencies"].open(encoding="utf-8-sig", newline="") as f:
        agencies = {r["code"]: r for r in csv.DictReader(f)}
    assert json.loads(agencies["511724"]["aliases"]) == ["渠县政府"]
    # Parquet keeps the text exact.
    export(tmp_path / "pq")
    origins = pq.read_table(tmp_path / "pq" / "versions.parquet").column("origin").to_pylist()
    assert '=HYPERLINK("http://example.invalid","x")' in origins


def test_xlsx_has_a_sheet_per_table_with_text_never_a_formula(store: dict[str, Any], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    paths = export(tmp_path / "out.xlsx", fmt="xlsx", under="5117")
    assert set(paths.values()) == {tmp_path / "out.xlsx"}
    book = load_workbook(tmp_path / "out.xlsx")
    assert book.sheetnames == ["cells", "findings", "versions", "agencies"]
    cells = list(book["cells"].iter_rows(values_only=True))
    assert list(cells[0]) == T.CELLS.names
    assert len(cells) == 1 + 19  # 5117: 5, 511724 (v2): 5, 511724100: 4, 5117-fgw: 5
    findings = book["findings"]
    messages = [c.value for c in findings["L"]]
    assert messages[0] == "message" and "=1+1" in messages
    cell = next(c for c in findings["L"] if c.value == "=1+1")
    assert cell.data_type == "s"
    versions = list(book["versions"].iter_rows(values_only=True))
    header = versions[0]
    city = dict(zip(header, next(r for r in versions[1:] if r[header.index("agency_code")] == "5117")))
    assert city["fees_notices"] == 3 and city["fees_collected_yuan"] == 300
    assert isinstance(city["created_at"], dt.datetime) and city["created_at"].tzinfo is None
    agencies = list(book["agencies"].iter_rows(values_only=True))
    assert [r[0] for r in agencies[1:]] == ["5117", "5117-fgw", "511724", "511724100"]
    # a directory gets xxgk-export.xlsx inside it
    assert export(tmp_path, fmt="xlsx", years=[2023])["cells"] == tmp_path / "xxgk-export.xlsx"


def test_xlsx_refuses_a_table_past_excel_rows_and_writes_nothing(store: dict[str, Any], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from openpyxl.worksheet._writer import ALL_TEMP_FILES  # openpyxl's per-sheet streams

    from xxgk.store.export import sinks

    streams = len(ALL_TEMP_FILES)
    monkeypatch.setattr(sinks, "XLSX_MAX_ROWS", 10)
    with pytest.raises(ExportError, match="cells 表超过 Excel 每个工作表 10 行的上限"):
        export(tmp_path / "big.xlsx", fmt="xlsx")
    assert list(tmp_path.iterdir()) == []
    assert len(ALL_TEMP_FILES) == streams


@pytest.mark.parametrize("fmt", ["parquet", "csv", "xlsx"])
def test_a_failure_midway_leaves_the_previous_export(store: dict[str, Any], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    import xxgk.store.export as E

    target = tmp_path / ("out.xlsx" if fmt == "xlsx" else "out")
    before = export(target, fmt=fmt, years=[2023])
    contents = {p: p.read_bytes() for p in set(before.values())}

    def boom(*args: Any, **kwargs: Any) -> Any:  # after the cells and versions are written
        raise RuntimeError("disk gone")

    monkeypatch.setattr(E, "finding_batches", boom)
    with pytest.raises(RuntimeError, match="disk gone"):
        export(target, fmt=fmt)
    assert {p: p.read_bytes() for p in set(before.values())} == contents
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == sorted(p.name for p in contents)

    fresh = tmp_path / "fresh"
    with pytest.raises(RuntimeError, match="disk gone"):
        export(fresh / "x.xlsx" if fmt == "xlsx" else fresh, fmt=fmt)
    assert [p for p in fresh.rglob("*") if p.is_file()] == []


def test_chunks_give_the_same_tables(store: dict[str, Any], tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    one = run_export(tmp_path / "one", chunk_versions=3, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 8), (3, 8), (6, 8), (8, 8)]
    one = run_export(tmp_path / "one", chunk_versions=1)
    big = run_export(tmp_path / "big")
    assert one.rows == big.rows == {"cells": 39, "findings": 4, "versions": 8, "agencies": 6}
    for table in ("cells", "versions"):
        a = pq.read_table(one.paths[table]).drop_columns(["created_at"] if table == "versions" else [])
        b = pq.read_table(big.paths[table]).drop_columns(["created_at"] if table == "versions" else [])
        assert a.equals(b)
    assert pq.ParquetFile(one.paths["cells"]).num_row_groups == 8


def test_odd_cells_are_coerced_not_fatal(tmp_path: Path) -> None:
    """A cell Arrow's JSON reader refuses (a string line number, a float value, an integer past
    int64, a bbox with text) sends the chunk through the Python path: what fits is kept."""
    agency = Agency.objects.create(code="1", name="某机关", level="county")
    report = Report.objects.create(agency=agency, year=2024)
    cells = [
        {"key": "a", "raw": "12", "value": 12, "semantic": "number", "where": {"line": "12", "col": 3}},
        {"key": "b", "raw": "1.5", "value": 1.5, "semantic": "number", "where": {"bbox": [1, "x", 3, 4], "page": 1}},
        {"key": "c", "raw": "9" * 25, "value": int("9" * 25), "semantic": "number", "where": {"cell": 7}},
        {"key": "d", "raw": "3.25", "value": "3.25", "semantic": "number", "where": None},
        "not a cell",
    ]
    _version(report, 1, {"format": "2021", "agency": "某机关", "year": 2024, "cells": cells}, "text")
    rows = pq.read_table(export(tmp_path)["cells"]).to_pylist()
    got = [(r["key"], r["value"], r["value_decimal"], r["value_text"], r["where_line"], r["where_col"],
            r["where_bbox"], r["where_page"], r["where_cell"]) for r in rows]
    assert got == [
        ("a", 12, None, "12", None, 3, None, None, None),
        ("b", None, Decimal("1.5"), "1.5", None, None, None, 1, None),
        ("c", None, None, "9" * 25, None, None, None, None, "7"),
        ("d", None, Decimal("3.25"), "3.25", None, None, None, None, None),
    ]


def test_arrow_and_python_paths_agree() -> None:
    from django.db import connection

    # JSON as the database prints it: SQLite without spaces, PostgreSQL's jsonb with them.
    sep = (",", ":") if connection.vendor == "sqlite" else (", ", ": ")
    texts = [json.dumps(_data("甲", 2024, new=3, handled=3, denied={"denied_third_party": 1}, fee=fee,
                              medium=m)["cells"], ensure_ascii=False, separators=sep)
             for m in WHERE for fee in ("0.50", None)] + ["[]"]
    fast = T._cells_arrow(texts)
    slow = T._cells_python(texts)
    assert fast.equals(slow)
    assert len(fast) == 11 and fast.value_lengths().to_pylist() == [5] * 10 + [0]
    assert fast.flatten().field("value_s").to_pylist()[:5] == ["0.50", None, None, None, None]


def test_empty_store_writes_empty_tables_with_their_columns(tmp_path: Path) -> None:
    for fmt in ("parquet", "csv"):
        paths = export(tmp_path / fmt, fmt=fmt)
        for table, path in paths.items():
            if fmt == "parquet":
                t = pq.read_table(path)
                assert t.num_rows == 0 and t.schema == T.SCHEMAS[table]
            else:
                assert path.read_text(encoding="utf-8-sig").splitlines() == [
                    ",".join(f'"{n}"' for n in T.SCHEMAS[table].names)]


def test_duckdb_connect_needs_an_export(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        duckdb_connect(tmp_path)


# -- the command ---------------------------------------------------------------------------------


def test_cli_export(store: dict[str, Any], tmp_path: Path) -> None:
    from xxgk.cli import main

    runner = CliRunner()
    result = runner.invoke(main, ["export", "--parquet", str(tmp_path / "p"), "--year", "2024", "--under", "51",
                                  "--all-versions"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split("\t")[:2] == ["cells", "24 行（单元格）"]  # 51/2024 5, 5117 5, county 5+5, town 4; fgw is 2023
    versions = pq.read_table(tmp_path / "p" / "versions.parquet")
    assert sorted(versions.column("agency_code").to_pylist()) == ["51", "5117", "511724", "511724", "511724100"]

    result = runner.invoke(main, ["export", "--csv", str(tmp_path / "c"), "--xlsx", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "只给出一种输出" in result.output
    result = runner.invoke(main, ["export", "--parquet", str(tmp_path / "q"), "--under", "nope"])
    assert result.exit_code == 2 and "没有代码为 nope 的机关" in result.output
    assert not (tmp_path / "q").exists() or list((tmp_path / "q").iterdir()) == []
    (tmp_path / "f").write_text("x")
    result = runner.invoke(main, ["export", "--csv", str(tmp_path / "f")])
    assert result.exit_code == 2 and "不是目录" in result.output


def test_schemas_name_the_contract_keys() -> None:
    assert {"key", "raw", "value", "semantic", "year", "format"} <= set(T.CELLS.names)
    assert {"rule", "severity", "cells", "message", "expected", "actual"} <= set(T.FINDINGS.names)
    assert T.CELLS.field("value").type == pa.int64() and T.CELLS.field("value_decimal").type == pa.decimal128(18, 6)


def test_the_store_text_goes_through_arrow(store: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Well-formed cells never need the slow path, whichever way the database prints JSON
    (SQLite without spaces, PostgreSQL's jsonb with them)."""
    def slow(texts: list[str]) -> Any:
        raise AssertionError("slow path taken")

    monkeypatch.setattr(T, "_cells_python", slow)
    assert run_export(tmp_path).rows["cells"] == 39
