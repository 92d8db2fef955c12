"""The HTML reader: parse_html(render_html(r)) == r in every page style, provenance of every cell in
the page's own table grid, decoding, and bounded failure on hostile or broken pages."""

from __future__ import annotations

import random
import re
import time

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.corpus.generate import random_report
from tests.corpus.html import STYLES, render_html
from tests.read.test_roundtrip import _diff
from xxgk.errors import EmptyInput, InputError, InputTooLarge, NotAReport, TruncatedInput
from xxgk.read.blocks import GridCell, Para, Table
from xxgk.read.html import MAX_HTML_BYTES, html_blocks, looks_like_html, parse_html
from xxgk.report import keys as K

_WS = re.compile(r"\s+")


def _grid(page: str) -> dict[tuple[int, int, int], str]:
    """(table, row, col) → text of the <td> there, walked independently of the reader: every
    <table> of the page in document order, its own rows, an occupancy set of merged cells."""
    doc = lxml.html.document_fromstring(page)
    out: dict[tuple[int, int, int], str] = {}
    for t, table in enumerate(doc.xpath("//table")):
        taken: set[tuple[int, int]] = set()
        for r, tr in enumerate(table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")):
            c = 0
            for td in tr.xpath("./td | ./th"):
                while (r, c) in taken:
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                taken.update((r + i, c + j) for i in range(rs) for j in range(cs))
                out[(t, r, c)] = _WS.sub("", td.text_content())
                c += cs
    return out


def _roundtrip(seed: int, style: str, fmt: str, variants: bool) -> None:
    report = random_report(random.Random(seed), fmt=fmt)
    page = render_html(report, random.Random(seed ^ 0x4854), style=style, variants=variants)
    got = parse_html(page, name=f"{style}-{seed}")
    assert _diff(report, got) == [], page
    errors = [f for f in got.check() if f.severity == "error"]
    assert errors == [], [f.message for f in errors]
    assert len(got.cells) == len(K.cell_keys(report.table_format))
    assert got.source["kind"] == "html"
    grid = _grid(page)
    for key, cell in got.cells.items():
        w = cell.where
        assert set(w) == {"table", "row", "col"}, (key, w)
        assert _WS.sub("", cell.raw) in grid[(w["table"], w["row"], w["col"])], (key, cell.raw, w)


@pytest.mark.parametrize("style", STYLES)
@given(seed=st.integers(0, 2**32 - 1), variants=st.booleans(), fmt=st.sampled_from(["2021", "2021", "2021", "2019"]))
def test_parse_render_roundtrip(style: str, seed: int, variants: bool, fmt: str) -> None:
    _roundtrip(seed, style, fmt, variants)


@pytest.mark.parametrize("style", STYLES)
def test_all_zero_reports_roundtrip_without_findings(style: str) -> None:
    for seed in range(3):
        report = random_report(random.Random(seed), zero=True)
        got = parse_html(render_html(report, random.Random(seed), style=style))
        assert _diff(report, got) == []
        assert got.check() == []


# --- blocks -------------------------------------------------------------------------------------

_SMALL = """<html><body><div class="content"><h1>某某镇人民政府2024年政府信息公开工作年度报告</h1>
<p>第一行<br>第二<span>行</span></p>
<table>
<tr><td rowspan="2" colspan="2">A</td><td>B</td><td></td></tr>
<tr><td>&nbsp;</td><td>C</td></tr>
<tbody><tr><td>D</td><td colspan="3">E</td></tr></tbody>
</table>
<table><tr><td><table><tr><td>inner</td></tr></table>after</td></tr></table>
</div></body></html>"""


def test_blocks_grid_positions_merged_cells_once_and_empty_cells_kept() -> None:
    blocks, enc = html_blocks(_SMALL)
    paras = [b.text for b in blocks if isinstance(b, Para)]
    assert paras[:3] == ["某某镇人民政府2024年政府信息公开工作年度报告", "第一行", "第二行"]
    tables = [b for b in blocks if isinstance(b, Table)]
    rows = [[(c.text, c.where["row"], c.where["col"]) for c in row] for row in tables[0].rows]
    assert rows == [[("A", 0, 0), ("B", 0, 2), ("", 0, 3)], [("", 1, 2), ("C", 1, 3)], [("D", 2, 0), ("E", 2, 1)]]
    assert all(isinstance(c, GridCell) and c.where["table"] == 0 for row in tables[0].rows for c in row)
    # A table holding a table is layout: the inner one (document index 2) is its own block.
    assert [(c.text, c.where["table"]) for row in tables[1].rows for c in row] == [("inner", 2)]
    assert "after" in paras


def test_chrome_is_dropped_and_the_article_container_chosen() -> None:
    report = random_report(random.Random(3))
    page = render_html(report, random.Random(4), style="portal")
    blocks, _ = html_blocks(page)
    text = "\n".join(b.text for b in blocks if isinstance(b, Para))
    for chrome in ("首页", "相关报告", "网站标识码", "document.write", "当前位置", f"{report.year - 1}年政府信息公开"):
        assert chrome not in text
    assert text.startswith(f"{report.agency}{report.year}年政府信息公开工作年度报告")


# --- decoding -----------------------------------------------------------------------------------


def _page(seed: int = 7, style: str = "official") -> str:
    return render_html(random_report(random.Random(seed)), random.Random(seed), style=style)


@pytest.mark.parametrize("declared", ["gb2312", "GBK", "gb18030"])
def test_meta_charset_gb(declared: str) -> None:
    page = _page().replace('<meta charset="utf-8">', f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">')
    got = parse_html(page.encode("gb18030"), name="gb.html")
    assert got.source["encoding"] == "gb18030"
    assert got.agency and not [f for f in got.check() if f.severity == "error"]


def test_undeclared_gbk_bom_and_xml_declaration() -> None:
    page = _page().replace('<meta charset="utf-8">', "")
    assert parse_html(page.encode("gbk")).source["encoding"] in ("gb18030", "gbk")
    assert parse_html(b"\xef\xbb\xbf" + page.encode()).source["encoding"] == "utf-8-sig"
    xml = '<?xml version="1.0" encoding="utf-8"?>\n' + page
    assert parse_html(xml).agency == parse_html(page).agency


def test_looks_like_html() -> None:
    assert looks_like_html(b"  <!DOCTYPE html><html>")
    assert looks_like_html("<TABLE><tr><td>1</td></tr></TABLE>")
    assert looks_like_html(_page().encode("utf-16"))
    assert not looks_like_html("某某镇2024年政府信息公开工作年度报告\n一、总体情况\n")
    assert not looks_like_html(b"%PDF-1.7")


# --- hostile and broken input -----------------------------------------------------------------


def _one_line(e: BaseException) -> str:
    msg = str(e)
    assert msg and "\n" not in msg
    return msg


def test_oversized_input_is_refused_before_parsing() -> None:
    data = b"<html><body>" + b"<p>x</p>" * (25 * 1024 * 1024 // 8) + b"</body></html>"
    t = time.process_time()
    with pytest.raises(InputTooLarge) as e:
        parse_html(data)
    assert time.process_time() - t < 1.0
    assert "MiB" in _one_line(e.value) and str(MAX_HTML_BYTES // 1048576) in str(e.value)


def test_deeply_nested_page_fails_fast() -> None:
    data = "<html><body>" + "<div>" * 100_000 + "本年新收" + "</div>" * 100_000 + "</body></html>"
    t = time.process_time()
    with pytest.raises(InputError) as e:
        parse_html(data)
    assert time.process_time() - t < 10
    assert "nested" in _one_line(e.value)


def test_huge_table_is_bounded() -> None:
    row = "<tr>" + "<td>1</td>" * 200 + "</tr>"
    data = "<html><body><table>" + row * 1000 + "</table></body></html>"  # 200k cells
    t = time.process_time()
    with pytest.raises(InputError) as e:
        parse_html(data)
    assert time.process_time() - t < 10
    _one_line(e.value)


def test_huge_table_inside_a_report_still_reads_the_report() -> None:
    junk = "<table>" + ("<tr>" + "<td>1</td>" * 200 + "</tr>") * 1000 + "</table>"
    page = _page().replace("</body>", junk + "</body>")
    t = time.process_time()
    got = parse_html(page)
    assert time.process_time() - t < 10
    assert got.agency


def test_hostile_spans_are_bounded() -> None:
    row = '<tr>' + '<td rowspan="65534" colspan="1000">1</td>' * 50 + "</tr>"
    data = "<html><body><table>" + row * 2000 + "</table></body></html>"
    t = time.process_time()
    with pytest.raises(InputError) as e:
        parse_html(data)
    assert time.process_time() - t < 10
    assert "grid" in _one_line(e.value)


def test_truncated_inside_table_three() -> None:
    page = _page(11)
    cut = page.index("属于行政执法案卷")
    with pytest.raises(TruncatedInput) as e:
        parse_html(page[:cut])
    assert "Table 三" in _one_line(e.value)


def test_page_without_a_report() -> None:
    page = (
        "<html><head><title>新闻</title><script>var x=1;</script></head><body><nav>首页</nav>"
        "<div class='content'><h1>我县召开政务公开工作会议</h1><p>会议强调，要做好2024年政务公开工作。</p>"
        "<table><tr><td>姓名</td><td>电话</td></tr><tr><td>张三</td><td>123</td></tr></table></div></body></html>"
    )
    with pytest.raises(NotAReport) as e:
        parse_html(page)
    _one_line(e.value)


@pytest.mark.parametrize("data", [b"", b"   \n", "  "])
def test_empty_input(data: bytes | str) -> None:
    with pytest.raises(EmptyInput):
        parse_html(data)


@settings(max_examples=max(20, settings.default.max_examples // 5))
@given(seed=st.integers(0, 2**32 - 1), frac=st.floats(0.0, 1.0))
def test_any_truncation_gives_a_report_or_a_one_line_input_error(seed: int, frac: float) -> None:
    page = _page(seed % 1000, STYLES[seed % len(STYLES)])
    try:
        parse_html(page[: int(len(page) * frac)])
    except InputError as e:
        _one_line(e)
