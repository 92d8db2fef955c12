"""The HTML writer: parse_html(write(r)) == r, an accessible table structure, escaping, print CSS.

The round trip uses the project's own reader (`xxgk.read.html.parse_html`) on generated reports of both
formats (tests/corpus/generate.py), with some cells not applicable, and on the sample reports in
../shared/seeds. The structure tests read the page with lxml, independently of the writer's code: the
`<caption>`s, 表三's 3 × 3 note cell and header bands, the row groups, `th` scopes and the explicit
`headers` of every value cell, the grid of every table against `xxgk.write.grid`; then escaping of
hostile report text, the print style sheet (A4, GB/T 9704 margins, repeated header, unsplittable rows,
page numbers, font stacks) and the options.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from tests.corpus.generate import random_report
from tests.write import roundtrip as rt
from xxgk.errors import ValidationFailed
from xxgk.read.html import parse_html
from xxgk.report import Report
from xxgk.report import keys as K
from xxgk.report.model import Cell
from xxgk.write import html as H
from xxgk.write import render
from xxgk.write.grid import IDENTITY_NOTE, SECTION_TITLES, TABLE_TITLES, grids
from xxgk.write.html import write

#: A write + read costs ~30 ms: half the profile's examples, at least 50.
_EXAMPLES = max(50, settings.default.max_examples // 2)
_TABLE_SECTIONS = {"proactive": "t2", "applications": "t3", "appeals": "t4"}


def _page(data: bytes) -> etree._Element:
    return lxml_html.document_fromstring(data)


def _text(el: etree._Element) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


# --- round trip -------------------------------------------------------------------------------------


@settings(max_examples=_EXAMPLES)
@given(seed=rt.seeds, fmt=rt.table_formats, holes=rt.holes, page_numbers=st.sampled_from(["outside", "center"]))
def test_read_write_roundtrip(seed: int, fmt: str, holes: list[tuple[int, str]], page_numbers: str) -> None:
    rt.check_roundtrip_with_holes("html", seed, fmt, holes, page_numbers=page_numbers)


def test_zero_reports_roundtrip() -> None:
    rt.check_zero_reports_roundtrip("html")


def test_sample_reports_roundtrip(seed_reports: list) -> None:
    rt.check_seed_reports_roundtrip(seed_reports, "html")


def test_caption_is_not_section_text() -> None:
    report = random_report(random.Random(3))
    rt.assert_same_report(report, parse_html(write(report)))


def test_blank_cells_roundtrip() -> None:
    rt.check_blank_cells_roundtrip("html")


def test_values_are_printed_canonically() -> None:
    report = random_report(random.Random(11), fmt="2019")
    report.cells["t2_2019.licensing.change"] = Cell.from_raw("t2_2019.licensing.change", "-8")
    report.cells["t2_2019.procurement.amount"] = Cell.from_raw("t2_2019.procurement.amount", "251000.50")
    report.cells["t3.granted.other_org"] = Cell.from_raw("t3.granted.other_org", "不适用")
    got = rt.roundtrip(report, "html")
    assert got.value("t2_2019.licensing.change") == -8
    assert got.value("t2_2019.procurement.amount") == "251000.50"
    page = _page(write(report))
    t3 = page.get_element_by_id("t3")
    row = next(tr for tr in t3.iter("tr") if any(_text(th) == "（一）予以公开" for th in tr.findall("th")))
    assert _text(row.findall("td")[5]) == "/"
    assert _text(write_cell(page, "t2", "t2_2019.procurement.amount", report)) == "251000.50"


def write_cell(page: etree._Element, table: str, key: str, report: Report) -> etree._Element:
    """The <td> printed for cell `key`, found through the grid position the writer was given."""
    grid = grids(report)[table]
    cell = grid.value_cells()[key]
    return _html_grid(page.get_element_by_id(table))[cell.row][cell.col]


# --- page structure ---------------------------------------------------------------------------------


def test_page_language_title_and_outline() -> None:
    report = random_report(random.Random(9))
    data = write(report)
    assert data.startswith(b"<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    page = _page(data)
    assert page.get("lang") == "zh-CN"
    assert page.find(".//meta[@charset]").get("charset") == "utf-8"
    title = f"{report.agency}{report.year}年政府信息公开工作年度报告"
    assert _text(page.find(".//title")) == title
    assert [_text(h) for h in page.iter("h1")] == [title]
    assert [_text(h) for h in page.iter("h2")] == list(SECTION_TITLES.values())
    sections = page.findall(".//main/section")
    assert [s.get("aria-labelledby") for s in sections] == list(K.SECTION_KEYS)
    first_p = page.find(".//main/p")
    assert "国办公开办函〔2021〕30号" in _text(first_p) and f"统计期限为{report.year}年1月1日" in _text(first_p)
    # The sentence introducing each table is kept with it.
    for s in sections:
        if s.find(".//table") is not None:
            lead = s.findall("p")[-1] if s.findall("p") else None
            assert lead is None or lead.get("class") == "lead-in"


def test_subheadings_are_h3() -> None:
    report = random_report(random.Random(1))
    report.sections["overview"] = "2024年，本镇认真落实《条例》。\n（一）主动公开\n全年公开信息12条。\n（二）依申请公开。全年收到申请3件。"
    page = _page(write(report))
    overview = page.find(".//section[@aria-labelledby='overview']")
    assert [(el.tag, _text(el)) for el in overview[1:]] == [
        ("p", "2024年，本镇认真落实《条例》。"), ("h3", "（一）主动公开"), ("p", "全年公开信息12条。"),
        ("p", "（二）依申请公开。全年收到申请3件。"),
    ]


def _html_grid(table: etree._Element) -> list[list[etree._Element]]:
    """grid position → the <th>/<td> covering it, rebuilt from rowspan/colspan like a browser."""
    rows = [tr for tr in table.iter("tr")]
    grid: list[list[etree._Element | None]] = [[] for _ in rows]
    for r, tr in enumerate(rows):
        c = 0
        for cell in tr:
            if cell.tag not in ("th", "td"):
                continue
            while c < len(grid[r]) and grid[r][c] is not None:
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            for dr in range(rs):
                row = grid[r + dr]
                while len(row) < c + cs:
                    row.append(None)
                for dc in range(cs):
                    assert row[c + dc] is None, f"overlap at ({r + dr}, {c + dc})"
                    row[c + dc] = cell
            c += cs
    assert all(None not in row for row in grid)
    return grid  # type: ignore[return-value]


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_tables_match_the_official_grids(fmt: str) -> None:
    report = random_report(random.Random(2), fmt=fmt)
    page = _page(write(report))
    for name, grid in grids(report).items():
        table = page.get_element_by_id(name)
        assert table.tag == "table"
        assert _text(table.find("caption")) == TABLE_TITLES[name]
        cols = table.findall("colgroup/col")
        assert len(cols) == grid.n_cols
        assert abs(sum(float(re.search(r"([\d.]+)%", c.get("style")).group(1)) for c in cols) - 100) < 0.1
        html_grid = _html_grid(table)
        assert len(html_grid) == grid.n_rows and all(len(row) == grid.n_cols for row in html_grid)
        for cell in grid.cells():
            el = html_grid[cell.row][cell.col]
            assert _text(el) == cell.text
            assert int(el.get("rowspan", 1)) == cell.rowspan and int(el.get("colspan", 1)) == cell.colspan
            assert el.tag == ("td" if cell.role in ("value", "note") else "th")
        thead = table.find("thead")
        assert (len(thead.findall("tr")) if thead is not None else 0) == grid.header_rows
        for th in table.iter("th"):
            assert th.get("scope") in ("col", "row", "colgroup", "rowgroup"), etree.tostring(th)


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_t3_header_note_and_row_groups(fmt: str) -> None:
    page = _page(write(random_report(random.Random(4), fmt=fmt)))
    t3 = page.get_element_by_id("t3")
    head = t3.find("thead").findall("tr")
    note = head[0][0]
    assert note.tag == "td" and note.get("class") == "note"
    assert (note.get("rowspan"), note.get("colspan")) == ("3", "3")
    assert _text(note) == IDENTITY_NOTE
    band = head[0][1]
    assert (band.tag, _text(band), band.get("scope"), band.get("colspan")) == ("th", "申请人情况", "colgroup", "7")
    assert [(_text(th), th.get("scope"), th.get("rowspan"), th.get("colspan")) for th in head[1]] == [
        ("自然人", "col", "2", None), ("法人或其他组织", "colgroup", None, "5"), ("总计", "col", "2", None)]
    assert [_text(th) for th in head[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert all(th.get("scope") == "col" for th in head[2])
    bodies = t3.findall("tbody")
    assert len(bodies) == 3  # 一、二 | 三、本年度办理结果 … （七）总计 | 四
    group = bodies[1].find("tr/th")
    n = 22 if fmt == "2021" else 20
    assert (_text(group), group.get("scope"), group.get("rowspan")) == ("三、本年度办理结果", "rowgroup", str(n))
    assert len(bodies[1].findall("tr")) == n
    sub = {_text(th): (th.get("scope"), th.get("rowspan")) for th in bodies[1].iter("th") if th.get("rowspan")}
    assert sub["（三）不予公开"] == ("row", "8") and sub["（四）无法提供"] == ("row", "3") and sub["（五）不予处理"] == ("row", "5")
    assert ("（六）其他处理" in sub) == (fmt == "2021")
    for tr in t3.iter("tr"):
        tds = [td for td in tr.findall("td") if td.get("class") != "note"]
        if tds:
            assert len(tds) == 7 and tr.findall("th")[-1].get("scope") == "row"


def test_every_value_cell_names_its_headers() -> None:
    report = random_report(random.Random(6))
    page = _page(write(report))
    for name in ("t2", "t3", "t4"):
        table = page.get_element_by_id(name)
        ids = {th.get("id"): th for th in table.iter("th")}
        for td in table.iter("td"):
            if td.get("class") == "note":
                assert td.get("headers") is None
                continue
            refs = td.get("headers").split()
            assert refs and all(r in ids for r in refs), td.get("headers")
    t3 = page.get_element_by_id("t3")
    ids = {th.get("id"): _text(th) for th in t3.iter("th")}
    cell = write_cell(page, "t3", "t3.denied_state_secret.commercial_enterprise", report)
    assert [ids[r] for r in cell.get("headers").split()] == [
        "申请人情况", "法人或其他组织", "商业企业", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密"]
    cell = write_cell(page, "t3", "t3.new_received.total", report)
    assert [ids[r] for r in cell.get("headers").split()] == ["申请人情况", "总计", "一、本年新收政府信息公开申请数量"]
    t4 = page.get_element_by_id("t4")
    ids = {th.get("id"): _text(th) for th in t4.iter("th")}
    cell = write_cell(page, "t4", "t4.litigation_after_review.pending", report)
    assert [ids[r] for r in cell.get("headers").split()] == ["行政诉讼", "复议后起诉", "尚未审结"]
    t2 = page.get_element_by_id("t2")
    ids = {th.get("id"): _text(th) for th in t2.iter("th")}
    cell = write_cell(page, "t2", "t2.penalty", report)
    assert [ids[r] for r in cell.get("headers").split()] == ["第二十条第（六）项", "本年处理决定数量", "行政处罚"]


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_t2_blocks_and_t4_header_levels(fmt: str) -> None:
    page = _page(write(random_report(random.Random(7), fmt=fmt)))
    t2 = page.get_element_by_id("t2")
    assert t2.find("thead") is None
    blocks = t2.findall("tbody")
    assert len(blocks) == (5 if fmt == "2019" else 4)
    for body in blocks:
        cap = body.find("tr/th")
        assert re.fullmatch(r"第二十条第（[一二三四五六七八九]）项", _text(cap))
        assert (cap.get("scope"), cap.get("colspan")) == ("rowgroup", "4")
        assert _text(body.findall("tr")[1][0]) == "信息内容"
    if fmt == "2021":
        single = [th for th in t2.iter("th") if _text(th) == "本年处理决定数量"]
        assert len(single) == 2 and all((th.get("scope"), th.get("colspan")) == ("col", "3") for th in single)
    assert "keep" in t2.get("class")
    t4 = page.get_element_by_id("t4")
    head = t4.find("thead").findall("tr")
    assert [(_text(th), th.get("scope"), th.get("colspan")) for th in head[0]] == [
        ("行政复议", "colgroup", "5"), ("行政诉讼", "colgroup", "10")]
    assert [(_text(th), th.get("rowspan")) for th in head[1][:5]] == [
        (h, "2") for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
    assert [_text(th) for th in head[1][5:]] == ["未经复议直接起诉", "复议后起诉"]
    assert len(head[2]) == 10 and len(t4.find("tbody").findall("tr/td")) == 15


def test_table_is_a_focusable_named_region() -> None:
    page = _page(write(random_report(random.Random(1))))
    for name in ("t2", "t3", "t4"):
        wrap = page.get_element_by_id(name).getparent()
        assert wrap.get("role") == "region" and wrap.get("tabindex") == "0"
        assert wrap.get("aria-labelledby") == f"{name}-caption"
        assert page.get_element_by_id(f"{name}-caption").tag == "caption"


# --- escaping ---------------------------------------------------------------------------------------


def test_hostile_text_is_escaped() -> None:
    report = random_report(random.Random(2))
    report.agency = '<script>alert("agency")</script>某某镇人民政府'
    report.sections["problems"] = '一是A&B<C>“三安全一稳定”；</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    report.sections["other"] = '第一段\x00\x01\x7f\x9f。\r\n\r\n{{ 7*7 }}{% raw %}\u202e第二段。'
    report.cells["t3.granted.other_org"] = Cell("t3.granted.other_org", "<b>x</b>", None, "text", {})
    data = write(report)
    page = _page(data)
    assert page.find(".//script") is None and page.find(".//img") is None and page.find(".//b") is None
    assert b"<script>" not in data and b"&lt;script&gt;alert(" in data
    assert page.find(".//meta[@name='author']").get("content") == report.agency
    assert _text(page.find(".//title")).startswith('<script>alert("agency")</script>某某镇人民政府')
    problems = page.find(".//section[@aria-labelledby='problems']/p")
    assert _text(problems) == '一是A&B<C>“三安全一稳定”；</p><script>alert(1)</script><img src=x onerror="alert(2)">'
    other = [_text(p) for p in page.findall(".//section[@aria-labelledby='other']/p")]
    assert other == ["第一段。", "{{ 7*7 }}{% raw %}\u202e第二段。"]  # no template evaluation, controls dropped
    got = parse_html(data)
    assert "<script>alert(1)</script>" in got.sections["problems"]


def test_report_without_tables_and_empty_report() -> None:
    r = rt.report_without_tables()
    page = _page(write(r))
    assert page.find(".//table") is None
    got = parse_html(write(r))
    assert (got.format, got.agency, got.year) == ("pre2019", "某某县人民政府", 2015)
    rt.assert_same_report(r, got)
    empty = _page(write(Report()))
    assert empty.find(".//table") is None and _text(empty.find(".//h1")) == "政府信息公开工作年度报告"
    assert empty.find(".//meta[@name='author']") is None


# --- print style sheet ------------------------------------------------------------------------------


def _css(data: bytes) -> str:
    return _text(_page(data).find(".//style"))


def test_print_css_follows_gb_t_9704() -> None:
    css = _css(write(random_report(random.Random(1))))
    assert re.search(r"@page \{ size: A4 portrait; margin: 37mm 26mm 35mm 28mm; \}", css)
    assert "thead { display: table-header-group; }" in css
    assert re.search(r"tr \{ break-inside: avoid;", css) and re.search(r"table\.keep \{ break-inside: avoid;", css)
    assert re.search(r"@page :right \{ @bottom-right \{ content: \"- \" counter\(page\) \" -\";", css)
    assert re.search(r"@page :left \{ @bottom-left \{ content: \"- \" counter\(page\) \" -\";", css)
    assert "line-height: 28.95pt" in css and "font-size: 16pt" in css and "font-size: 22pt" in css
    assert "font-size: 10.5pt" in css
    body = re.search(r"body \{ margin: 0; font-family: ([^;]+);", css).group(1)
    names = [n.strip().strip('"') for n in body.split(",")]
    assert names[:2] == ["FangSong", "仿宋"] and names.index("Noto Serif CJK SC") > names.index("仿宋_GB2312")
    assert names[-1] == "serif"
    h2 = re.search(r"h2 \{ font-family: ([^;]+);", css).group(1)
    assert h2.startswith('"SimHei", "黑体", "Noto Sans CJK SC"') and h2.endswith("sans-serif")
    assert "@media print { body { line-height: 28.95pt; }" in css and "caption { display: none; }" in css


def test_options() -> None:
    report = random_report(random.Random(1))
    css = _css(write(report, page_numbers="center", page_dash="—", table_font_size=12, bold_title=False))
    assert '@bottom-center { content: "— " counter(page) " —";' in css and "@bottom-right" not in css
    assert "font-size: 12pt" in css and "font-weight: normal; text-align: center" in css
    report.cells["t4.review.upheld"] = Cell.from_raw("t4.review.upheld", "不适用")
    assert _text(write_cell(_page(write(report)), "t4", "t4.review.upheld", report)) == "/"
    assert _text(write_cell(_page(write(report, na="不适用")), "t4", "t4.review.upheld", report)) == "不适用"
    for bad in ({"table_font_size": 40}, {"page_numbers": "left"}, {"page_dash": '"; } body { x'},
                {"na": "<x>\x00"}, {"table_font_size": "10"}):
        with pytest.raises(ValueError):
            write(report, **bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        write(report, landscape=True)  # type: ignore[call-arg]


# --- behaviour --------------------------------------------------------------------------------------


def test_render_dispatches_and_refuses_failing_reports() -> None:
    report = random_report(random.Random(4))
    assert render(report, "html") == write(report)
    bad = rt.broken_report()
    with pytest.raises(ValidationFailed):
        render(bad, "html")
    assert parse_html(render(bad, "html", allow_errors=True)).value("t3.granted.total") == bad.value("t3.granted.total")


def test_output_is_deterministic_utf8_and_environment_is_cached() -> None:
    report = random_report(random.Random(8))
    a, b = write(report), write(report)
    assert a == b
    a.decode("utf-8")
    assert H._env() is H._env()
    assert H._env().get_template("report.html.j2") is H._env().get_template("report.html.j2")


def test_write_is_fast() -> None:
    per = rt.seconds_per_write(write, rt.mixed_reports(40))
    assert per < 0.05, f"{per * 1000:.1f} ms per page"
