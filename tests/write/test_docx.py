"""The DOCX writer: parse_docx(write(r)) == r, the official merged-cell structure, and the page layout.

The round trip uses the project's own reader (`xxgk.read.docx.parse_docx`) on generated reports of both
formats (tests/corpus/generate.py), with some cells made blank or not applicable, and on the sample
reports in ../shared/seeds. The structure tests read word/document.xml with lxml, independently of the
writer's code: 表三's 3 × 3 note cell, its header bands and vertically merged group labels, 表四's three
header levels, repeated header rows, rows that cannot split, A4 with the GB/T 9704 margins, and the PAGE
field in the footers. The grid model of `xxgk.write.grid` is checked on its own too.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import tempfile
import zipfile

import docx as python_docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tests.corpus.generate import random_report
from tests.write import roundtrip as rt
from xxgk.errors import ValidationFailed
from xxgk.read.docx import parse_docx
from xxgk.report import Report
from xxgk.report import keys as K
from xxgk.report.model import Cell
from xxgk.write import render
from xxgk.write.docx import write
from xxgk.write.grid import IDENTITY_NOTE, SECTION_TITLES, grids, is_subheading, outline, preface, value_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: A write + read costs ~40 ms: half the profile's examples, at least 50.
_EXAMPLES = max(50, settings.default.max_examples // 2)


def _parts(data: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith((".xml", ".rels"))}


def _tables(data: bytes) -> list[etree._Element]:
    return _parts(data)["word/document.xml"].findall(f"{W}body/{W}tbl")


def _val(tc: etree._Element, name: str) -> str | None:
    node = tc.find(f"{W}tcPr/{W}{name}")
    if node is None:
        return None
    return node.get(f"{W}val", "continue")


def _span(tc: etree._Element) -> int:
    return int(_val(tc, "gridSpan") or 1)


def _text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{W}t"))


def _rows(tbl: etree._Element) -> list[list[etree._Element]]:
    return [tr.findall(f"{W}tc") for tr in tbl.findall(f"{W}tr")]


# --- round trip -------------------------------------------------------------------------------------


@settings(max_examples=_EXAMPLES)
@given(seed=rt.seeds, fmt=rt.table_formats, holes=rt.holes, fonts=st.sampled_from(["free", "official"]))
def test_read_write_roundtrip(seed: int, fmt: str, holes: list[tuple[int, str]], fonts: str) -> None:
    rt.check_roundtrip_with_holes("docx", seed, fmt, holes, fonts=fonts)


def test_zero_reports_roundtrip() -> None:
    rt.check_zero_reports_roundtrip("docx")


def test_sample_reports_roundtrip(seed_reports: list) -> None:
    rt.check_seed_reports_roundtrip(seed_reports, "docx")


def test_na_cells_print_as_slash_and_blank_cells_as_empty() -> None:
    report = random_report(random.Random(5))
    report.cells["t2.regulations.issued"] = Cell.from_raw("t2.regulations.issued", "不适用")
    report.cells["t2.regulations.repealed"] = Cell.from_raw("t2.regulations.repealed", "")
    grid = grids(report)["t2"]
    assert grid.value_cells()["t2.regulations.issued"].text == "/"
    assert grid.value_cells()["t2.regulations.repealed"].text == ""
    data = write(report)
    row = next(r for r in _rows(_tables(data)[0]) if _text(r[0]) == "规章")
    assert [_text(tc) for tc in row] == ["规章", "/", "", str(report.value("t2.regulations.in_force"))]
    # Values are printed canonically, never reformatted.
    report.cells["t2.regulations.repealed"] = Cell.from_raw("t2.regulations.repealed", "0")
    report.cells["t2.admin_fees_wan_yuan"] = Cell.from_raw("t2.admin_fees_wan_yuan", "316441.20")
    got = rt.roundtrip(report, "docx")
    assert got.cells["t2.admin_fees_wan_yuan"].raw == "316441.20"


def test_blank_cells_roundtrip() -> None:
    rt.check_blank_cells_roundtrip("docx")


def test_signed_2019_change_and_decimal_amount_roundtrip() -> None:
    report = random_report(random.Random(11), fmt="2019")
    report.cells["t2_2019.licensing.change"] = Cell.from_raw("t2_2019.licensing.change", "-8")
    report.cells["t2_2019.procurement.amount"] = Cell.from_raw("t2_2019.procurement.amount", "251000.50")
    got = rt.roundtrip(report, "docx")
    assert got.value("t2_2019.licensing.change") == -8
    assert got.value("t2_2019.procurement.amount") == "251000.50"


def test_text_is_escaped_and_control_characters_dropped() -> None:
    report = random_report(random.Random(2))
    report.sections["problems"] = "一是A&B<C>“三安全一稳定”\t不够；\x01二是\x0b  空格  。"
    report.sections["other"] = "第一段。\r\n\r\n第二段。"
    data = write(report)
    _parts(data)  # well-formed XML
    got = parse_docx(data)
    assert "A&B<C>" in got.sections["problems"]
    assert "\x01" not in got.sections["problems"]
    assert got.sections["other"].split("\n") == ["第一段。", "第二段。"]


def test_report_without_tables_and_empty_report() -> None:
    r = rt.report_without_tables()
    data = write(r)
    assert _tables(data) == []
    got = parse_docx(data)
    assert (got.format, got.agency, got.year) == ("pre2019", "某某县人民政府", 2015)
    rt.assert_same_report(r, got)
    empty = write(Report())
    assert len(_tables(empty)) == 0
    python_docx.Document(io.BytesIO(empty))


def test_render_dispatches_and_refuses_failing_reports() -> None:
    report = random_report(random.Random(4))
    assert render(report, "docx") == write(report)
    bad = rt.broken_report()
    with pytest.raises(ValidationFailed):
        render(bad, "docx")
    parse_docx(render(bad, "docx", allow_errors=True))


def test_output_is_deterministic_and_opens_in_python_docx() -> None:
    report = random_report(random.Random(8))
    a, b = write(report), write(report)
    assert a == b
    document = python_docx.Document(io.BytesIO(a))
    assert document.paragraphs[0].text == f"{report.agency}{report.year}年政府信息公开工作年度报告"
    assert document.core_properties.title == document.paragraphs[0].text
    with zipfile.ZipFile(io.BytesIO(a)) as z:
        assert z.testzip() is None
        assert z.namelist()[0] == "[Content_Types].xml"


# --- document text ----------------------------------------------------------------------------------


def test_title_preface_and_headings() -> None:
    report = random_report(random.Random(9))
    document = python_docx.Document(io.BytesIO(write(report)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == f"{report.agency}{report.year}年政府信息公开工作年度报告"
    assert "国办公开办函〔2021〕30号" in texts[1]
    assert f"统计期限为{report.year}年1月1日至{report.year}年12月31日" in texts[1]
    for title in SECTION_TITLES.values():
        assert title in texts
    styles = {p.text: p.style.style_id for p in document.paragraphs}
    assert styles[texts[0]] == "xxgkTitle"
    assert all(styles[t] == "Heading1" for t in SECTION_TITLES.values())


def test_drafted_preface_uses_extra_fields() -> None:
    r = random_report(random.Random(1), fmt="2019")
    assert "国办公开办函〔2019〕60号" in preface(r)[0] and "（试行）" in preface(r)[0]
    r.extra = {"telephone": ["0818-7410369"], "legal_basis": ["《中华人民共和国政府信息公开条例》(国务院令711号)"]}
    text = preface(r)[0]
    assert "《中华人民共和国政府信息公开条例》(国务院令711号)" in text and "0818-7410369" in text
    r.extra = {"preface": "第一段。\n第二段。"}
    assert preface(r) == ["第一段。", "第二段。"]


def test_subheadings() -> None:
    assert is_subheading("（一）主动公开")
    assert is_subheading("(二) 依申请公开")
    assert not is_subheading("（一）主动公开。2024年，本镇公开信息12条。")
    assert not is_subheading("一是信息发布不够及时")


# --- table structure --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_every_row_fills_the_grid(fmt: str) -> None:
    data = write(random_report(random.Random(1), fmt=fmt))
    mar = _parts(data)["word/document.xml"].find(f"{W}body/{W}sectPr/{W}pgMar")
    text_width = 11906 - int(mar.get(f"{W}left")) - int(mar.get(f"{W}right"))
    for tbl in _tables(data):
        cols = [int(g.get(f"{W}w")) for g in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        assert sum(cols) == text_width  # 156 mm
        assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        for tr in tbl.findall(f"{W}tr"):
            assert sum(_span(tc) for tc in tr.findall(f"{W}tc")) == len(cols)
            assert tr.find(f"{W}trPr/{W}cantSplit") is not None


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_t3_official_merges(fmt: str) -> None:
    t2, t3, t4 = _tables(write(random_report(random.Random(3), fmt=fmt)))
    rows = _rows(t3)
    n_rows = len(K.t3_rows(fmt))
    assert len(rows) == 3 + n_rows
    # top-left: the 勾稽 note over 3 columns × 3 rows
    note = rows[0][0]
    assert (_span(note), _val(note, "vMerge"), _text(note)) == (3, "restart", IDENTITY_NOTE)
    for r in (1, 2):
        assert (_span(rows[r][0]), _val(rows[r][0], "vMerge"), _text(rows[r][0])) == (3, "continue", "")
    # 申请人情况 over the 7 value columns; 自然人 and 总计 two rows high; 法人或其他组织 over 5
    assert (_text(rows[0][1]), _span(rows[0][1])) == ("申请人情况", 7)
    assert [(_text(tc), _span(tc), _val(tc, "vMerge")) for tc in rows[1][1:]] == [
        ("自然人", 1, "restart"), ("法人或其他组织", 5, None), ("总计", 1, "restart")]
    assert [_text(tc) for tc in rows[2][1:]] == ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]
    assert _val(rows[2][1], "vMerge") == _val(rows[2][-1], "vMerge") == "continue"
    # header rows repeat on each page, data rows do not
    trs = t3.findall(f"{W}tr")
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs] == [True] * 3 + [False] * n_rows
    # 一、二、四 over the 3 label columns
    body = rows[3:]
    assert (_text(body[0][0]), _span(body[0][0])) == ("一、本年新收政府信息公开申请数量", 3)
    assert (_text(body[1][0]), _span(body[1][0])) == ("二、上年结转政府信息公开申请数量", 3)
    assert (_text(body[-1][0]), _span(body[-1][0])) == ("四、结转下年度继续办理", 3)
    # 三、本年度办理结果: one cell down its rows, （一） to （七）总计
    group = [row[0] for row in body[2:-1]]
    assert _text(group[0]) == "三、本年度办理结果" and _val(group[0], "vMerge") == "restart"
    assert all(_val(tc, "vMerge") == "continue" and _text(tc) == "" for tc in group[1:])
    assert len(group) == (22 if fmt == "2021" else 20)
    assert (_text(body[2][1]), _span(body[2][1])) == ("（一）予以公开", 2)
    assert (_text(body[-2][1]), _span(body[-2][1])) == ("（七）总计", 2)
    # （三）不予公开 down its 8 numbered rows, each label in the third column
    sub = [row[1] for row in body[4:12]]
    assert _text(sub[0]) == "（三）不予公开" and _val(sub[0], "vMerge") == "restart"
    assert all(_val(tc, "vMerge") == "continue" for tc in sub[1:])
    assert [_text(row[2]) for row in body[4:12]][:2] == ["1.属于国家秘密", "2.其他法律行政法规禁止公开"]
    if fmt == "2021":
        six = [row[1] for row in body[20:23]]
        assert _text(six[0]) == "（六）其他处理" and [_val(tc, "vMerge") for tc in six] == ["restart", "continue", "continue"]
    else:
        assert (_text(body[20][1]), _span(body[20][1])) == ("（六）其他处理", 2)
    # 7 value cells per data row
    assert all(sum(_span(tc) for tc in row[-7:]) == 7 for row in body)


def test_t4_three_header_levels() -> None:
    report = random_report(random.Random(6))
    t4 = _tables(write(report))[2]
    rows = _rows(t4)
    assert len(rows) == 4
    assert [(_text(tc), _span(tc)) for tc in rows[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [(_text(tc), _val(tc, "vMerge")) for tc in rows[1][:5]] == [(h, "restart") for h in heads]
    assert [(_text(tc), _span(tc)) for tc in rows[1][5:]] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]
    assert [_val(tc, "vMerge") for tc in rows[2][:5]] == ["continue"] * 5
    assert [_text(tc) for tc in rows[2][5:]] == heads * 2
    assert [_text(tc) for tc in rows[3]] == [value_text(report, k) for k in K.t4_keys()]
    trs = t4.findall(f"{W}tr")
    assert [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in trs] == [True, True, True, False]


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_t2_blocks(fmt: str) -> None:
    report = random_report(random.Random(12), fmt=fmt)
    rows = _rows(_tables(write(report))[0])
    captions = [(_text(r[0]), _span(r[0])) for r in rows if len(r) == 1]
    expected = ["（一）", "（五）", "（六）", "（八）"] + (["（九）"] if fmt == "2019" else [])
    assert captions == [(f"第二十条第{c}项", 4) for c in expected]
    heads = [[_text(tc) for tc in r] for r in rows if _text(r[0]) == "信息内容"]
    if fmt == "2021":
        assert heads == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["信息内容", "本年处理决定数量"],
                         ["信息内容", "本年处理决定数量"], ["信息内容", "本年收费金额（单位：万元）"]]
        fee = next(r for r in rows if _text(r[0]) == "行政事业性收费")
        assert (_text(fee[1]), _span(fee[1])) == (report.value(K.T2_FEE_KEY), 3)
    else:
        assert heads[1] == ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
        assert heads[-1] == ["信息内容", "采购项目数量", "采购总金额"]


# --- page layout ------------------------------------------------------------------------------------


def test_page_size_margins_and_footer_page_numbers() -> None:
    parts = _parts(write(random_report(random.Random(1))))
    sect = parts["word/document.xml"].find(f"{W}body/{W}sectPr")
    size = sect.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4 portrait
    mar = sect.find(f"{W}pgMar")
    mm = {side: round(int(mar.get(f"{W}{side}")) / 1440 * 25.4, 1) for side in ("top", "bottom", "left", "right")}
    assert mm == {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
    refs = {ref.get(f"{W}type") for ref in sect.findall(f"{W}footerReference")}
    assert refs == {"default", "even"}
    assert parts["word/settings.xml"].find(f"{W}evenAndOddHeaders") is not None
    for name, align in (("word/footer1.xml", "right"), ("word/footer2.xml", "left")):
        p = parts[name].find(f"{W}p")
        assert "".join(p.itertext()).replace(" ", "") == "-PAGE1-"  # "- ", the field (code, result), " -"
        assert [i.text.strip() for i in p.iter(f"{W}instrText")] == ["PAGE"]
        assert [f.get(f"{W}fldCharType") for f in p.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == align
    footer_style = next(s for s in parts["word/styles.xml"].iter(f"{W}style") if s.get(f"{W}styleId") == "Footer")
    assert footer_style.find(f"{W}rPr/{W}sz").get(f"{W}val") == "28"  # 4号, 14 pt


def _style(styles: etree._Element, sid: str) -> etree._Element:
    return next(s for s in styles.iter(f"{W}style") if s.get(f"{W}styleId") == sid)


def test_styles_sizes_and_fonts() -> None:
    report = random_report(random.Random(1))
    styles = _parts(write(report))["word/styles.xml"]
    normal = _style(styles, "Normal")
    assert normal.find(f"{W}rPr/{W}sz").get(f"{W}val") == "32"  # 3号
    spacing = normal.find(f"{W}pPr/{W}spacing")
    assert (spacing.get(f"{W}lineRule"), spacing.get(f"{W}line")) == ("exact", "579")  # 22 lines a page
    assert normal.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "Noto Serif CJK SC"
    assert _style(styles, "Heading1").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "Noto Sans CJK SC"
    title = _style(styles, "xxgkTitle")
    assert title.find(f"{W}rPr/{W}sz").get(f"{W}val") == "44"  # 2号
    assert _style(styles, "xxgkTable").find(f"{W}rPr/{W}sz").get(f"{W}val") == "21"

    official = _parts(write(report, fonts="official", table_font_size=12))
    st_ = official["word/styles.xml"]
    assert _style(st_, "Normal").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert _style(st_, "xxgkTitle").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "方正小标宋简体"
    assert _style(st_, "xxgkTitle").find(f"{W}rPr/{W}b") is None
    assert _style(st_, "Heading1").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "黑体"
    assert _style(st_, "xxgkTable").find(f"{W}rPr/{W}sz").get(f"{W}val") == "24"
    fonts = {f.get(f"{W}name") for f in official["word/fontTable.xml"].iter(f"{W}font")}
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"} <= fonts

    custom = _parts(write(report, fonts={"body": "仿宋_GB2312", "heading": ("黑体", "Arial")}))["word/styles.xml"]
    assert _style(custom, "Normal").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "仿宋_GB2312"
    assert _style(custom, "Heading1").find(f"{W}rPr/{W}rFonts").get(f"{W}ascii") == "Arial"
    assert _style(custom, "xxgkTitle").find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") == "Noto Serif CJK SC"


def test_bad_options() -> None:
    report = random_report(random.Random(1))
    with pytest.raises(ValueError):
        write(report, fonts="comic")
    with pytest.raises(ValueError):
        write(report, fonts={"footnote": "宋体"})
    with pytest.raises(ValueError):
        write(report, table_font_size=40)
    with pytest.raises(TypeError):
        write(report, landscape=True)  # type: ignore[call-arg]


# --- the grid model ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_grids_cover_every_position_once_and_every_key_in_order(fmt: str) -> None:
    report = random_report(random.Random(2), fmt=fmt)
    g = grids(report)
    assert list(g["t2"].value_cells()) == list(K.t2_keys(fmt))
    assert list(g["t3"].value_cells()) == list(K.t3_keys(fmt))
    assert list(g["t4"].value_cells()) == list(K.t4_keys())
    for grid in g.values():
        assert abs(sum(grid.widths) - 1) < 1e-9 and len(grid.widths) == grid.n_cols
        for r in range(grid.n_rows):
            covered = [c for cell, _ in grid.segments(r) for c in range(cell.col, cell.col + cell.colspan)]
            assert covered == list(range(grid.n_cols))
            assert all(grid.cell_at(r, c).col <= c for c in range(grid.n_cols))
        for key, cell in grid.value_cells().items():
            assert cell.role == "value" and cell.text == value_text(report, key)
    t3 = g["t3"]
    assert t3.header_rows == 3 and t3.rows[0][0].is_header and t3.rows[0][0].rowspan == 3
    assert not g["t2"].header_rows and g["t2"].keep_together
    blank = grids(None, fmt)
    assert all(c.text == "" for grid in blank.values() for c in grid.value_cells().values())


def test_outline_sections_and_tables() -> None:
    report = random_report(random.Random(3))
    doc = outline(report)
    assert [s.key for s in doc.sections] == list(K.SECTION_KEYS)
    assert [s.table.name if s.table else None for s in doc.sections] == [None, "t2", "t3", "t4", None, None]
    assert "\n".join(doc.sections[0].paragraphs) == report.sections["overview"]


# --- speed and rendering ----------------------------------------------------------------------------


def test_write_is_fast() -> None:
    per = rt.seconds_per_write(write, rt.mixed_reports(40))
    assert per < 0.06, f"{per * 1000:.1f} ms per DOCX"


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
def test_libreoffice_renders_it() -> None:
    """LibreOffice opens the document and lays it out on A4 pages with the page numbers."""
    import pypdfium2 as pdfium

    exe = shutil.which("soffice") or shutil.which("libreoffice")
    report = random_report(random.Random(1))
    with tempfile.TemporaryDirectory(prefix="xxgk-docx-") as tmp:
        src = os.path.join(tmp, "report.docx")
        with open(src, "wb") as f:
            f.write(write(report))
        subprocess.run([exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", tmp, src], check=True, capture_output=True, timeout=120)
        pdf = pdfium.PdfDocument(os.path.join(tmp, "report.pdf"))
        try:
            assert 3 <= len(pdf) <= 8
            w, h = pdf[0].get_size()
            assert (round(w / 72 * 25.4), round(h / 72 * 25.4)) == (210, 297)
            text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
            assert "申请人情况" in text and "未经复议直接起诉" in text
            assert "- 1 -" in text and "- 2 -" in text
        finally:
            pdf.close()
