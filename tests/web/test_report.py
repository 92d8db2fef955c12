"""The report page (issue 15, point 3): the official grid with each cell's key and status, the
findings by table, the source of a finding (page image or text lines), and the downloads; all
inside the user's scope.

Expected values are independent of the page: a generated report's values come from the generator
(`tests.corpus.generate.random_report`, the input that was printed and uploaded), a real report's
from its hand-read truth.json (../shared/real).
"""

from __future__ import annotations

import io
import json
import random
import re
from pathlib import Path
from typing import Any

import pytest

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
HONGZE = REAL / "021_huaian_hongze_2023"


def _generated(seed: int) -> Any:
    """The report put_report(seed=seed) prints and uploads (its values before any reading)."""
    from tests.corpus.generate import random_report

    return random_report(random.Random(seed), fmt="2021")


def _cell(body: str, key: str) -> str:
    """The text shown in the grid cell `key` (the value cell's link text)."""
    m = re.search(rf'<td data-key="{re.escape(key)}"[^>]*><a [^>]*>([^<]*)</a></td>', body)
    assert m, f"no grid cell {key}"
    return m.group(1)


def _cell_class(body: str, key: str) -> str:
    m = re.search(rf'<td data-key="{re.escape(key)}" class="([^"]*)"', body)
    assert m, f"no grid cell {key}"
    return m.group(1)


def _group(body: str, name: str) -> str:
    m = re.search(rf'<div class="group" id="findings-{name}">(.*?)</div>', body, re.S)
    assert m, f"no findings group {name}"
    return m.group(1)


@pytest.fixture
def hongze(tree: dict[str, Any], put_report: Any) -> Any:
    """The real PDF of 洪泽区人民政府 2023, filed under 丙县 (an agency of that name added there)."""
    if not HONGZE.is_dir():
        pytest.skip("no ../shared/real")
    from xxgk.store.models import Agency

    Agency.objects.create(code="10010199", name="洪泽区人民政府", level="county", parent=tree["county_a"])
    return put_report(tree["county_a"], 2023, data=(HONGZE / "source.pdf").read_bytes(), name="洪泽区2023年报.pdf")


# --- the page -------------------------------------------------------------------------------------


def test_generated_report_page_shows_its_values_in_the_grid(tree: dict[str, Any], users: dict[str, Any],
                                                            put_report: Any, login: Any) -> None:
    v = put_report(tree["town_a"], 2023, seed=5)
    gen = _generated(5)
    r = login(users["sup_a"]).get(f"/reports/{v.report_id}/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "丙县戊镇2023年政府信息公开工作年度报告" in body
    # The generator's values for seed 5, written out once by hand.
    literal = {"t3.new_received.total": "39", "t3.granted.natural_person": "15", "t3.results_total.total": "37",
               "t2.licensing": "8", "t4.review.total": "0", "t2.normative_documents.in_force": "25"}
    for key, value in literal.items():
        assert _cell(body, key) == value == str(gen.value(key)), key
    # Every value cell of a 2021 report is in the grid, once: 10 + 175 + 15.
    assert len(re.findall(r'<td data-key="', body)) == 200
    # The official layout: 表三's merged 三、本年度办理结果 spans its 22 rows, 申请人情况 7 columns.
    assert 'rowspan="22"' in body and ">三、本年度办理结果<" in body
    assert re.search(r'<th colspan="7"[^>]*>申请人情况</th>', body)
    # Downloads are offered.
    for url in (f"/versions/{v.pk}/source/", f"/versions/{v.pk}/report.json", f"/versions/{v.pk}/report.docx"):
        assert url in body


def test_generated_report_findings_grouped_and_cells_coloured(tree: dict[str, Any], users: dict[str, Any],
                                                              put_report: Any, login: Any) -> None:
    from xxgk.store.models import Finding

    v = put_report(tree["town_a"], 2023, seed=5)
    # Three findings of the store placed by hand, one per group they belong to.
    Finding.objects.create(version=v, rule="t3.row_sum", severity="error", cells=["t3.granted.total"],
                           message="行总计不符 MARK-T3", expected=9, actual=8)
    Finding.objects.create(version=v, rule="t4.block_sum", severity="warning", cells=["t4.review.total"],
                           message="表四 MARK-T4")
    Finding.objects.create(version=v, rule="quality.section_renamed", severity="warning", cells=[],
                           message="标题改动 MARK-NARR")
    body = login(users["sup_a"]).get(f"/reports/{v.report_id}/").content.decode()
    assert "MARK-T3" in _group(body, "t3") and "MARK-T3" not in _group(body, "t4")
    assert "MARK-T4" in _group(body, "t4")
    assert "MARK-NARR" in _group(body, "narrative")
    assert "st-error" in _cell_class(body, "t3.granted.total")
    assert "st-warning" in _cell_class(body, "t4.review.total")
    assert "st-" not in _cell_class(body, "t3.granted.natural_person")
    assert "应为 9 · 实为 8" in _group(body, "t3")


def test_real_pdf_report_page_matches_its_truth(hongze: Any, users: dict[str, Any], login: Any) -> None:
    truth = json.loads((HONGZE / "truth.json").read_text(encoding="utf-8"))
    body = login(users["sup_a"]).get(f"/reports/{hongze.report_id}/").content.decode()
    for block, cols in truth["t4"].items():
        for col, value in cols.items():
            assert _cell(body, f"t4.{block}.{col}") == str(value), (block, col)
    assert _cell(body, "t2.penalty") == "4119"
    assert _cell(body, "t2.admin_fees_wan_yuan") == "7730.28"
    # The source's own errors (meta.json: 表四 totals left at 0) are listed under 表四, as errors.
    t4 = _group(body, "t4")
    assert t4.count("t4.block_sum") == 2 and "st-error" in _cell_class(body, "t4.review.total")
    assert "t4.block_sum" not in _group(body, "t3")


def test_report_text_is_escaped(tree: dict[str, Any], users: dict[str, Any], put_report: Any, login: Any) -> None:
    from tests.corpus.layouts import render_text

    rng = random.Random(7)
    rep = _generated(7)
    rep.agency, rep.year = tree["town_a"].name, 2023
    rep.sections["problems"] = "问题<script>alert(1)</script>改进"
    v = put_report(tree["town_a"], 2023, data=render_text(rep, "tab000", rng).encode("utf-8"), name="<b>x</b>.txt")
    body = login(users["sup_a"]).get(f"/reports/{v.report_id}/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<b>x</b>" not in body


def test_version_parameter_must_be_of_this_report(tree: dict[str, Any], users: dict[str, Any], put_report: Any,
                                                  login: Any) -> None:
    a = put_report(tree["town_a"], 2023, seed=1)
    b = put_report(tree["dept_a"], 2023, seed=2)
    c = login(users["sup_a"])
    assert c.get(f"/reports/{a.report_id}/?version={a.pk}").status_code == 200
    assert c.get(f"/reports/{a.report_id}/?version={b.pk}").status_code == 404
    assert c.get(f"/reports/{a.report_id}/?version=x").status_code == 404


# --- the source of a finding ------------------------------------------------------------------------


def test_finding_on_text_version_shows_the_source_line(tree: dict[str, Any], users: dict[str, Any],
                                                       put_report: Any, login: Any) -> None:
    from tests.corpus.layouts import render_text
    from xxgk.store.models import Finding

    rep = _generated(11)
    rep.agency, rep.year = tree["town_a"].name, 2023
    text = render_text(rep, "tab000", random.Random(11))
    v = put_report(tree["town_a"], 2023, data=text.encode("utf-8"), name="town.txt")
    lines = text.splitlines()
    # The line of 表二's 行政处罚 row, found in the uploaded text by hand (not by the reader).
    want = next(i for i, line in enumerate(lines, 1) if line.startswith("行政处罚"))
    f = Finding.objects.create(version=v, rule="t2.fee_scale", severity="warning", cells=["t2.penalty"], message="m")
    c = login(users["sup_a"])
    r = c.get(f"/findings/{f.pk}/source/", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    body = r.content.decode()
    assert 'data-highlight="t2.penalty"' in body
    m = re.search(r'<li value="(\d+)" class="marked"><code>(.*?)</code></li>', body)
    assert m and int(m.group(1)) == want
    assert f'<mark data-key="t2.penalty">{rep.value("t2.penalty")}</mark>' in m.group(2)
    assert m.group(2).startswith("行政处罚")
    # Context lines either side, numbered.
    assert f'<li value="{want - 1}">' in body and f'<li value="{want + 1}">' in body
    # Without htmx: the page renders the same panel, and the cells highlighted by the server.
    page = c.get(f"/reports/{v.report_id}/?finding={f.pk}").content.decode()
    assert 'class="marked"' in page and " hl" in _cell_class(page, "t2.penalty")


def test_cell_panel_and_page_image_for_a_pdf_version(tree: dict[str, Any], users: dict[str, Any],
                                                     put_report: Any, login: Any) -> None:
    import xxgk
    from PIL import Image

    rep = _generated(3)
    rep.agency, rep.year = tree["dept_a"].name, 2023
    pdf = xxgk.render(rep, "pdf")
    v = put_report(tree["dept_a"], 2023, data=pdf, name="dept.pdf")
    assert v.medium == "pdf"
    c = login(users["sup_a"])
    panel = c.get(f"/versions/{v.pk}/cells/t3.granted.total/", HTTP_HX_REQUEST="true").content.decode()
    m = re.search(r'<img src="(/versions/\d+/source/page/(\d+)\.png\?key=t3\.granted\.total)&amp;crop=1"', panel)
    assert m, panel[:2000]
    # 表三 is on a later page than the title: never page 1 of a rendered report.
    assert int(m.group(2)) >= 2
    r = c.get(m.group(1))
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["X-Content-Type-Options"] == "nosniff"
    img = Image.open(io.BytesIO(r.content))
    assert img.format == "PNG" and 600 <= img.width <= 1800
    # Cached: the second request is the same bytes.
    assert c.get(m.group(1)).content == r.content
    # The panel's cropped view is a band of that page around the cell.
    band = Image.open(io.BytesIO(c.get(m.group(1) + "&crop=1").content))
    assert band.width == img.width and 0 < band.height < img.height / 2
    assert c.get(f"/versions/{v.pk}/source/page/99.png").status_code == 404


def test_real_pdf_finding_shows_the_page_of_its_cells(hongze: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Finding

    f = Finding.objects.filter(version=hongze, rule="t4.block_sum").order_by("id").first()
    body = login(users["sup_a"]).get(f"/findings/{f.pk}/source/").content.decode()
    # 表四 of this report is printed on page 4 (source.pdf, read by hand).
    assert re.search(r'<img src="/versions/\d+/source/page/4\.png\?key=t4\.', body)


@pytest.mark.parametrize("fmt", ["html", "docx"])
def test_cell_source_of_html_and_word_versions_is_their_text(fmt: str, tree: dict[str, Any], users: dict[str, Any],
                                                             put_report: Any, login: Any) -> None:
    import xxgk

    rep = _generated(12)
    rep.agency, rep.year = tree["dept_a"].name, 2023
    v = put_report(tree["dept_a"], 2023, data=xxgk.render(rep, fmt), name=f"dept.{fmt}")
    assert v.medium == fmt
    body = login(users["sup_a"]).get(f"/versions/{v.pk}/cells/t3.granted.total/").content.decode()
    m = re.search(r'<li value="\d+" class="marked"><code>(.*?)</code></li>', body)
    assert m and f'<mark data-key="t3.granted.total">{rep.value("t3.granted.total")}</mark>' in m.group(1)
    assert "（一）予以公开" in m.group(1)


def test_source_of_a_text_version_is_not_an_image(tree: dict[str, Any], users: dict[str, Any], put_report: Any,
                                                  login: Any) -> None:
    v = put_report(tree["town_a"], 2023, seed=1)
    assert login(users["sup_a"]).get(f"/versions/{v.pk}/source/page/1.png").status_code == 404


# --- downloads ------------------------------------------------------------------------------------


def test_downloads(tree: dict[str, Any], users: dict[str, Any], put_report: Any, login: Any) -> None:
    from tests.corpus.layouts import render_text

    rep = _generated(4)
    rep.agency, rep.year = tree["town_a"].name, 2023
    data = render_text(rep, "tab000", random.Random(4)).encode("utf-8")
    v = put_report(tree["town_a"], 2023, data=data, name='dir/戊镇"年报".txt')
    c = login(users["ana_a"])  # an analyst reads and downloads
    r = c.get(f"/versions/{v.pk}/source/")
    assert r.status_code == 200 and r.content == data
    assert r["Content-Type"] == "text/plain" and r["X-Content-Type-Options"] == "nosniff"
    cd = r["Content-Disposition"]
    assert cd.startswith("attachment;") and "dir" not in cd and '"年报"' not in cd
    assert "filename*=utf-8''" in cd
    j = c.get(f"/versions/{v.pk}/report.json")
    assert j["Content-Type"] == "application/json" and j["Content-Disposition"].startswith("attachment;")
    assert json.loads(j.content)["t3"]["new_received"]["total"] == rep.value("t3.new_received.total")
    for fmt, magic in (("docx", b"PK"), ("xlsx", b"PK"), ("pdf", b"%PDF")):
        r = c.get(f"/versions/{v.pk}/report.{fmt}")
        assert r.status_code == 200 and r.content.startswith(magic), fmt
        assert r["Content-Disposition"].startswith("attachment;")
    assert c.get(f"/versions/{v.pk}/report.html").status_code == 404


def test_rendering_of_a_report_whose_identities_fail(hongze: Any, users: dict[str, Any], login: Any) -> None:
    assert hongze.errors == 2
    r = login(users["sup_a"]).get(f"/versions/{hongze.pk}/report.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    src = login(users["sup_a"]).get(f"/versions/{hongze.pk}/source/")
    assert src["Content-Type"] == "application/pdf" and src.content == (HONGZE / "source.pdf").read_bytes()


# --- isolation ------------------------------------------------------------------------------------


def test_other_county_is_404_everywhere(tree: dict[str, Any], users: dict[str, Any], put_report: Any,
                                        login: Any) -> None:
    from xxgk.store.models import Finding

    v = put_report(tree["dept_b"], 2023, seed=9)
    f = Finding.objects.create(version=v, rule="t3.row_sum", severity="error", cells=["t3.granted.total"], message="m")
    mine = put_report(tree["town_a"], 2023, seed=8)
    c = login(users["sup_a"])
    urls = [f"/reports/{v.report_id}/", f"/reports/{mine.report_id}/?version={v.pk}", f"/findings/{f.pk}/source/",
            f"/versions/{v.pk}/cells/t3.granted.total/", f"/versions/{v.pk}/source/page/1.png",
            f"/versions/{v.pk}/source/", f"/versions/{v.pk}/report.json", f"/versions/{v.pk}/report.pdf",
            f"/versions/{v.pk}/report.docx", f"/versions/{v.pk}/report.xlsx"]
    for url in urls:
        assert c.get(url).status_code == 404, url
        assert c.get(url, HTTP_HX_REQUEST="true").status_code == 404, url
    # sup_b, whose county it is, sees it; so does the city above.
    assert login(users["sup_b"]).get(urls[0]).status_code == 200
    assert login(users["sup_city"]).get(urls[0]).status_code == 200


def test_page_image_cache_is_bounded_in_bytes() -> None:
    from xxgk.web.supervise.report.source import _Pages

    pages = _Pages(800)
    for i in range(10):
        pages.put(str(i), bytes(100))
    assert pages.size == 800 and pages.get("0") is None and pages.get("9") == bytes(100)
    pages.get("2")  # used: kept over 3, the least recently used
    pages.put("x", bytes(100))
    assert pages.get("2") is not None and pages.get("3") is None
    pages.put("big", bytes(101))  # over an eighth of the bound: not kept
    assert pages.get("big") is None
