"""The agency hierarchy: import (CSV UTF-8/GBK, XLSX), export round trip, subtree queries, settling
a report, and the `xxgk agencies` verbs. Expected values are written out by hand from
tests/store/data/sample_hierarchy.csv."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from xxgk.store.agencies import (AgencyFileError, ancestors, export_agencies, import_agencies, parse_level, settle,
                                 subtree)
from xxgk.store.models import Agency, Blob, Finding, Ingest, Report, Run, Version

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "sample_hierarchy.csv"
SAMPLE_GBK = DATA / "sample_hierarchy_gbk.csv"
HEADER = "编码,名称,层级,上级编码,别名,规章制定权\n"


def snapshot() -> set[tuple[Any, ...]]:
    return {(a.code, a.name, a.level, a.parent.code if a.parent else None, tuple(a.aliases), a.rule_making, a.path)
            for a in Agency.objects.select_related("parent")}


def csv_bytes(body: str, header: str = HEADER) -> bytes:
    return (header + body).encode("utf-8")


def clear() -> None:
    Agency.objects.update(parent=None)  # parent is PROTECT
    Agency.objects.all().delete()


# -- import ------------------------------------------------------------------------------------


def test_import_sample() -> None:
    result = import_agencies(SAMPLE)
    assert (result.ok, result.applied, result.rows, result.created, result.updated) == (True, True, 48, 48, 0)
    gaj = Agency.objects.get(code="350128-GAJ")  # listed before its parent in the file
    assert gaj.path == "/35/350128/350128-GAJ/" and gaj.parent.code == "350128" and gaj.level == "department"
    assert Agency.objects.get(code="350128").aliases == ["平潭综合实验区管委会", "平潭综合实验区管理委员会"]
    assert Agency.objects.get(code="31-KW").aliases == ["上海市科委"]
    assert Agency.objects.get(code="350128").rule_making is False
    assert Agency.objects.get(code="100000-CZB").rule_making is True
    assert Agency.objects.get(code="320813").rule_making is None
    assert Agency.objects.get(code="320813001").path == "/32/3208/320813/320813001/"
    assert Agency.objects.get(code="360821101").level == "township"
    assert Agency.objects.get(code="100000").level == "national"


def test_gbk_equals_utf8() -> None:
    assert SAMPLE_GBK.read_bytes()[:4] != SAMPLE.read_bytes()[:4]  # really another encoding
    assert import_agencies(SAMPLE_GBK).created == 48
    gbk = snapshot()
    clear()
    assert import_agencies(SAMPLE.read_bytes()).created == 48
    assert snapshot() == gbk


def test_utf8_bom_utf16_and_tabs() -> None:
    body = "51,四川省人民政府,省级,,,\n5117,达州市人民政府,市级,51,,\n"
    assert import_agencies(b"\xef\xbb\xbf" + csv_bytes(body)).created == 2
    clear()
    assert import_agencies((HEADER + body).replace(",", "\t").encode("utf-16")).created == 2
    assert Agency.objects.get(code="5117").path == "/51/5117/"


def test_xlsx_first_visible_sheet_english_headers_numeric_codes() -> None:
    from openpyxl import Workbook

    wb = Workbook()
    hidden = wb.active
    hidden.title = "说明"
    hidden.append(["this sheet is hidden and must be skipped"])
    hidden.sheet_state = "hidden"
    ws = wb.create_sheet("机构")
    ws.append(["Code", "Name", "Level", "Parent_Code", "Aliases", "Rule_Making", "备注"])
    ws.append([51, "四川省人民政府", "province", None, None, None, "x"])
    ws.append([5117, "达州市人民政府", "市级", 51, "", "是", None])
    ws.append([])
    ws.append(["511724-CZJ", "渠县财政局", "部门", "511724", "渠县财政局；渠县财政 | 县财政局", "否", None])
    ws.append([511724.0, "渠县人民政府", "县级", 5117, None, None, None])
    buf = io.BytesIO()
    wb.save(buf)
    result = import_agencies(buf.getvalue(), name="h.xlsx")
    assert result.ok and result.created == 4
    assert Agency.objects.get(code="511724").path == "/51/5117/511724/"
    czj = Agency.objects.get(code="511724-CZJ")
    assert czj.aliases == ["渠县财政", "县财政局"] and czj.rule_making is False
    assert Agency.objects.get(code="5117").rule_making is True


def test_level_words() -> None:
    assert [parse_level(w) for w in ("国家", "省级", "市级", "县级", "乡镇", "街道", "部门", "乡镇（街道）",
                                     "county", "Township", "省级政府", "县级市", "地级市", "自治县", "村")] == [
        "national", "province", "city", "county", "township", "township", "department", "township",
        "county", "township", "province", "county", "city", "county", None]


def test_reimport_updates_and_moves_subtree() -> None:
    import_agencies(SAMPLE)
    assert import_agencies(SAMPLE).unchanged == 48
    before = {a.code: a.path for a in Agency.objects.all()}
    # A part of the hierarchy: 渠县 moves under 吉安市 (a made-up move), gets an alias, is renamed.
    edit = csv_bytes("511724,渠县人民政府（新）,县级,3608,渠县政府,\n51,四川省人民政府,省级,,,\n")
    result = import_agencies(edit)
    assert (result.ok, result.created, result.updated, result.unchanged, result.moved) == (True, 0, 1, 1, 6)
    quxian = Agency.objects.get(code="511724")
    assert (quxian.name, quxian.aliases, quxian.path) == ("渠县人民政府（新）", ["渠县政府"], "/36/3608/511724/")
    assert Agency.objects.get(code="511724-CZJ").path == "/36/3608/511724/511724-CZJ/"
    assert Agency.objects.get(code="511724101").path == "/36/3608/511724/511724101/"
    assert {c for c, p in before.items() if Agency.objects.get(code=c).path != p} == {
        "511724", "511724-BGS", "511724-CZJ", "511724-XW", "511724001", "511724101"}
    assert set(subtree("3608").values_list("code", flat=True)) >= {"511724", "511724-CZJ"}


def test_missing_optional_columns_keep_stored_values() -> None:
    import_agencies(SAMPLE)
    result = import_agencies("编码,名称,层级\n31-KW,上海市科学技术委员会,部门\n".encode())
    assert result.ok and result.unchanged == 1
    kw = Agency.objects.get(code="31-KW")
    assert (kw.parent.code, kw.aliases) == ("31", ["上海市科委"])
    # A new agency without a parent column is a root.
    import_agencies("code,name,level\nX1,某某局,部门\n".encode())
    assert Agency.objects.get(code="X1").path == "/X1/"


#: Each file starts with HEADER (line 1) and a good row (line 2): errors start on line 3.
@pytest.mark.parametrize(("body", "errors"), [
    ("1,甲,省级,,,\n1,乙,省级,,,\n", [(4, "1", "编码重复（与第 3 行相同）")]),
    ("1,甲,省级,404,,\n", [(3, "1", "上级编码“404”既不在文件中，也不在库中")]),
    ("1,甲,省级,1,,\n", [(3, "1", "上级编码不能是自身")]),
    ("1,甲,省级,2,,\n2,乙,市级,3,,\n3,丙,县级,1,,\n", [(3, "1", "上级关系成环：1 → 2 → 3 → 1"),
                                                        (4, "2", "上级关系成环：1 → 2 → 3 → 1"),
                                                        (5, "3", "上级关系成环：1 → 2 → 3 → 1")]),
    ("1,甲,村级,,,\n", [(3, "1", "无法识别的层级“村级”（应为 国家/省级/市级/县级/乡镇/部门 之一）")]),
    ("1,甲,,,,\n", [(3, "1", "层级为空")]),
    (",甲,省级,,,\n", [(3, "", "编码为空")]),
    ("1,,省级,,,\n", [(3, "1", "名称为空")]),
    ("1,\"=HYPERLINK(\"\"x\"\")\",省级,,,\n", [(3, "1", "名称不能以 = + - @ 开头")]),
    ("5.11724E+05,渠县,县级,,,\n", [(3, "5.11724E+05", "编码“5.11724E+05”像是被 Excel 转成了科学计数法，"
                                                       "请把编码列设为文本后重新导出")]),
    ("a/b,甲,省级,,,\n", [(3, "a/b", "编码不能包含“/”或空白")]),
    ("1,甲,省级,,,也许\n", [(3, "1", "规章制定权应为 是/否 或留空，而不是“也许”")]),
    # A quoted field over two lines: the next row's line number counts both.
    ("1,\"甲\n省\",省级,,,\n2,乙,山级,1,,\n", [(5, "2", "无法识别的层级“山级”（应为 国家/省级/市级/县级/乡镇/部门 之一）")]),
    # Several errors on one row, several rows: all listed, by line.
    ("1,,村级,,,\n2,乙,省级,404,,\n", [(3, "1", "名称为空"),
                                       (3, "1", "无法识别的层级“村级”（应为 国家/省级/市级/县级/乡镇/部门 之一）"),
                                       (4, "2", "上级编码“404”既不在文件中，也不在库中")]),
])
def test_row_errors_import_nothing(body: str, errors: list[tuple[int, str, str]]) -> None:
    result = import_agencies(csv_bytes("9,好的机构,省级,,,\n" + body))
    assert [(e.line, e.code, e.message) for e in result.errors] == errors
    assert not result.applied and Agency.objects.count() == 0
    assert str(result.errors[0]).startswith(f"第 {errors[0][0]} 行")


def test_a_failure_while_writing_leaves_nothing_half_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    import xxgk.store.agencies as agencies

    import_agencies(SAMPLE)
    before = snapshot()
    real = agencies._execute_many
    calls = []

    def fail_on_paths(columns: str, params: list[Any]) -> None:
        calls.append(columns)
        if columns == "path":
            raise RuntimeError("disk full")
        real(columns, params)

    monkeypatch.setattr(agencies, "_execute_many", fail_on_paths)
    # A new agency, an update and a move: all written before the paths fail.
    edit = csv_bytes("NEW,新机构,部门,511724,,\n511724-CZJ,渠县财政局,部门,5117,县财政局,是\n")
    with pytest.raises(RuntimeError):
        import_agencies(edit)
    assert calls == ["name level aliases rule_making parent", "path"]
    assert snapshot() == before


def test_cycle_through_the_store_is_refused() -> None:
    import_agencies(SAMPLE)
    before = snapshot()
    result = import_agencies(csv_bytes("51,四川省人民政府,省级,511724,,\n"))
    assert [(e.line, e.code, e.message) for e in result.errors] == [
        (2, "51", "上级关系成环：51 → 511724 → 5117 → 51")]
    assert snapshot() == before


@pytest.mark.parametrize(("data", "message"), [
    (b"", "文件为空"),
    (b" \r\n\t\n", "文件为空"),
    ("编码,名称,层级\n".encode(), "文件只有表头，没有机构"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "无法识别文件编码或不是文本文件"),
    (bytes(range(256)) * 4, "无法识别文件编码或不是文本文件"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不支持旧版 Excel（.xls）文件"),
    (b"PK\x03\x04" + b"garbage" * 20, "无法读取 XLSX 文件"),
    (b"foo,bar\n1,2\n", "缺少必需的列"),
    ("名称,层级\n甲,省级\n".encode(), "缺少必需的列：编码（code）；表头为：名称、层级"),
    ("编码,名称,名称,层级\n1,甲,乙,省级\n".encode(), "表头中“名称”列出现了 2 次：名称、名称"),
])
def test_bad_files(data: bytes, message: str) -> None:
    with pytest.raises(AgencyFileError) as e:
        import_agencies(data)
    assert message in str(e.value)
    assert "\n" not in str(e.value)
    assert Agency.objects.count() == 0


def test_bad_paths(tmp_path: Path) -> None:
    with pytest.raises(AgencyFileError, match="是目录"):
        import_agencies(tmp_path)
    with pytest.raises(AgencyFileError, match="无法读取文件"):
        import_agencies(tmp_path / "missing.csv")


# -- export, queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trip(fmt: str) -> None:
    import_agencies(SAMPLE)
    before = snapshot()
    data = export_agencies(fmt)
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert text.startswith(HEADER.strip() + "\r\n")
        assert "\r\n31-KW,上海市科学技术委员会,部门,31,上海市科委,\r\n" in text
        assert "\r\n350128,平潭综合实验区,市级,35,平潭综合实验区管委会；平潭综合实验区管理委员会,否\r\n" in text
        # parents before children
        assert text.index("\r\n35,") < text.index("\r\n350128,") < text.index("\r\n350128-GAJ,")
    clear()
    result = import_agencies(data, name=f"export.{fmt}")
    assert result.ok and result.created == 48
    assert snapshot() == before


def test_export_under() -> None:
    import_agencies(SAMPLE)
    text = export_agencies("csv", under="511724").decode("utf-8-sig")
    assert [ln.split(",")[0] for ln in text.strip().split("\r\n")[1:]] == [
        "511724", "511724-BGS", "511724-CZJ", "511724-XW", "511724001", "511724101"]
    with pytest.raises(ValueError):
        export_agencies("pdf")


def test_subtree_and_ancestors() -> None:
    import_agencies(SAMPLE)
    assert set(subtree("5117").values_list("code", flat=True)) == {
        "5117", "5117-CZJ", "511702", "511702-CZJ", "511724", "511724-BGS", "511724-CZJ", "511724-XW",
        "511724001", "511724101"}
    assert set(subtree(Agency.objects.get(code="320813"), include_self=False).values_list("code", flat=True)) == {
        "320813-CZJ", "320813001"}
    assert [a.code for a in ancestors("511724-CZJ")] == ["51", "5117", "511724"]
    with pytest.raises(KeyError):
        subtree("nope")


# -- settling ----------------------------------------------------------------------------------


def _version(report: Report, number: int, sha: str, *, made_by: str = "parsed", xxgk: str = "0.1.0") -> Version:
    Blob.objects.get_or_create(sha256=sha, defaults={"size": 1, "data": b"x"})
    v = Version.objects.create(report=report, number=number, sha256=sha, blob_id=sha, medium="text",
                               xxgk_version=xxgk, made_by=made_by, data={"n": number})
    Finding.objects.create(version=v, agency=report.agency, year=report.year, rule="t3.row_sum", severity="error",
                           message="x")
    return v


def test_settle_unmatched_report_without_existing() -> None:
    import_agencies(SAMPLE)
    r = Report.objects.create(printed_agency="财政局", year=2023, match="ambiguous",
                              candidates=[{"code": "511724-CZJ", "name": "渠县财政局", "method": "normalised"}])
    v1 = _version(r, 1, "a" * 64)
    r.active = v1
    r.save()
    out = settle(r.pk, "511724-CZJ", user="张三")
    assert out.pk == r.pk
    out.refresh_from_db()
    assert (out.agency.code, out.match, out.candidates, out.stale, out.printed_agency) == (
        "511724-CZJ", "manual", [], True, "财政局")
    v1.refresh_from_db()
    assert "张三 人工确认机构为 渠县财政局（511724-CZJ），原印 “财政局”" in v1.note
    assert set(Finding.objects.values_list("agency__code", "year")) == {("511724-CZJ", 2023)}


def test_settle_merges_into_existing_report() -> None:
    import_agencies(SAMPLE)
    czj = Agency.objects.get(code="511724-CZJ")
    dest = Report.objects.create(agency=czj, year=2023, match="exact")
    d1 = _version(dest, 1, "a" * 64)
    d2 = _version(dest, 2, "b" * 64)
    dest.active = d2
    dest.save()
    src = Report.objects.create(printed_agency="财政局", year=2023, match="ambiguous")
    s1 = _version(src, 1, "a" * 64)  # the same file read by the same xxgk as d1: not moved twice
    s2 = _version(src, 2, "c" * 64)
    src.active = s2
    src.save()
    run = Run.objects.create(xxgk_version="0.1.0")
    Ingest.objects.create(run=run, item="x.txt", sha256="a" * 64, status="read", version=s1, xxgk_version="0.1.0")

    out = settle(src, czj, user="李四")
    assert out.pk == dest.pk
    assert not Report.objects.filter(pk=src.pk).exists()
    assert list(dest.versions.order_by("number").values_list("number", "sha256")) == [
        (1, "a" * 64), (2, "b" * 64), (3, "c" * 64)]
    assert not Version.objects.filter(pk=s1.pk).exists()
    assert Ingest.objects.get().version_id == d1.pk
    out.refresh_from_db()
    assert (out.match, out.stale, out.active_id) == ("manual", True, s2.pk)  # the later reading is active
    assert set(Finding.objects.filter(version__report=dest).values_list("agency__code", flat=True)) == {"511724-CZJ"}
    assert "李四" in Version.objects.get(pk=s2.pk).note and "李四" not in Version.objects.get(pk=d1.pk).note


def test_settle_keeps_a_correction_active() -> None:
    import_agencies(SAMPLE)
    czj = Agency.objects.get(code="511724-CZJ")
    dest = Report.objects.create(agency=czj, year=2023, match="exact")
    _version(dest, 1, "a" * 64)
    fixed = _version(dest, 2, "a" * 64, made_by="corrected")
    dest.active = fixed
    dest.save()
    src = Report.objects.create(printed_agency="渠县财政", year=2023, match="none")
    s1 = _version(src, 1, "d" * 64)
    src.active = s1
    src.save()
    out = settle(src.pk, "511724-CZJ", user=None)
    out.refresh_from_db()
    assert out.active_id == fixed.pk and out.versions.count() == 3
    assert Version.objects.get(pk=s1.pk).number == 3


# -- the CLI -----------------------------------------------------------------------------------


def _cli(*args: str) -> Any:
    from xxgk.cli import main

    return CliRunner().invoke(main, ["agencies", *args], catch_exceptions=False)


def test_cli_import_list_match_export(tmp_path: Path) -> None:
    r = _cli("import", str(SAMPLE_GBK))
    assert r.exit_code == 0 and "新增 48" in r.output
    r = _cli("list", "--under", "511724")
    assert r.exit_code == 0
    assert r.output.splitlines()[:2] == ["511724\t渠县人民政府\t县级", "  511724-BGS\t渠县人民政府办公室\t部门  别名：渠县政府办"]
    r = _cli("match", "洪泽区人民政府", "上海市科委")
    assert r.exit_code == 0
    assert r.output.splitlines() == ["洪泽区人民政府\tnormalised\t320813\t淮安市洪泽区人民政府",
                                     "上海市科委\talias\t31-KW\t上海市科学技术委员会"]
    r = _cli("match", "城关镇人民政府")
    assert r.exit_code == 1
    assert r.output.splitlines() == ["城关镇人民政府\tambiguous\t多个候选",
                                     "  360821102\t吉安县城关镇人民政府\tnormalised",
                                     "  511724101\t城关镇人民政府\texact"]
    r = CliRunner().invoke(__import__("xxgk.cli").cli.main, ["agencies", "export", "--under", "320813"])
    assert r.exit_code == 0 and r.stdout_bytes.decode("utf-8-sig").splitlines() == [
        "编码,名称,层级,上级编码,别名,规章制定权", "320813,淮安市洪泽区人民政府,县级,3208,,",
        "320813-CZJ,淮安市洪泽区财政局,部门,320813,,", "320813001,高良涧街道办事处,乡镇（街道）,320813,,"]
    r = _cli("match", "财政局", "--under", "511724")
    assert r.exit_code == 0 and r.output == "财政局\tnormalised\t511724-CZJ\t渠县财政局（由 --under 区分）\n"
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"h.{fmt}"
        r = _cli("export", "--format", fmt, "-o", str(out))
        assert r.exit_code == 0 and out.stat().st_size > 0
        assert import_agencies(out).unchanged == 48


@pytest.mark.parametrize(("content", "message"), [
    (b"", "文件为空"),
    (b"foo,bar\n1,2\n", "缺少必需的列"),
    ("编码,名称,层级\n1,甲,省级\n1,乙,省级\n".encode(), "第 3 行（1）：编码重复（与第 2 行相同）"),
])
def test_cli_bad_files_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    from xxgk.cli import main

    r = CliRunner().invoke(main, ["agencies", "import", str(bad)])
    assert r.exit_code == 2
    assert r.stderr.startswith(f"xxgk: {bad}: ") and message in r.stderr
    assert Agency.objects.count() == 0


def test_cli_settle() -> None:
    import_agencies(SAMPLE)
    src = Report.objects.create(printed_agency="城关镇人民政府", year=2024, match="ambiguous")
    _version(src, 1, "e" * 64)
    r = _cli("settle", str(src.pk), "360821102", "--user", "王五")
    assert r.exit_code == 0 and "吉安县城关镇人民政府（360821102）2024 年，共 1 个版本" in r.output
    assert Report.objects.get(pk=src.pk).agency.code == "360821102"
    assert _cli("settle", str(src.pk), "nope").exit_code == 2
    assert _cli("settle", "999999", "360821102").exit_code == 2
