"""比对 pages: an agency's two years, any two reports, their DOCX/PDF/CSV exports, and isolation.

The generated pair: seeds 11 (2023) and 12 (2024) of tests/corpus/generate.py, whose values are
pinned below (`test_generated_values_are_the_pinned_ones` fails first if the generator changes).
The real pair: the one agency's 2019 and 2020 reports of ../shared/real (015, 008), values from their
truth.json."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest

from tests.read.test_real import REAL

PINGTAN = "平潭综合实验区财政金融局"
#: key → (2023 value, 2024 value), read from the generated reports of seeds 11 and 12.
PINNED = {
    "t3.new_received.total": (83, 10),
    "t3.granted.total": (54, 5),
    "t2.licensing": (186, 50),
    "t3.new_received.natural_person": (78, 7),
}


def _cell(body: str, key: str) -> str:
    """The text of the table cell `data-key="key"`, tags removed."""
    m = re.search(rf'<td class="([^"]*)" data-key="{re.escape(key)}"[^>]*>(.*?)</td>', body, re.S)
    assert m, f"no cell {key}"
    return m.group(1) + " | " + re.sub(r"<[^>]+>", " ", m.group(2))


@pytest.fixture
def two_years(tree: dict[str, Any], put_report: Any) -> dict[str, Any]:
    a = put_report(tree["dept_a"], 2023, seed=11)
    b = put_report(tree["dept_a"], 2024, seed=12)
    return {"a": a, "b": b}


@pytest.fixture
def other_county(tree: dict[str, Any], put_report: Any) -> dict[str, Any]:
    return {"a": put_report(tree["dept_b"], 2023, seed=21), "b": put_report(tree["dept_b"], 2024, seed=22)}


def test_generated_values_are_the_pinned_ones() -> None:
    import random

    from tests.corpus.generate import random_report

    ra, rb = random_report(random.Random(11)), random_report(random.Random(12))
    assert {k: (ra.value(k), rb.value(k)) for k in PINNED} == PINNED


def test_agency_page_defaults_to_the_two_latest_years(users: dict[str, Any], login: Any, two_years: dict[str, Any],
                                                      put_report: Any, tree: dict[str, Any]) -> None:
    put_report(tree["dept_a"], 2022, seed=13)
    r = login(users["sup_a"]).get("/agencies/10010102/compare/")
    assert r.status_code == 200
    body = r.content.decode()
    assert "丙县教育局" in body
    assert re.search(r'<select name="a">.*?<option value="2023" selected>', body, re.S)
    assert re.search(r'<select name="b">.*?<option value="2024" selected>', body, re.S)
    # 83 → 10: -73, -88 %; 54 → 5: -49 (-91 %), beyond a fifth: outlier.
    new = _cell(body, "t3.new_received.total")
    assert "c-down" in new and "10" in new and "83" in new and "-73 (-88%)" in new
    granted = _cell(body, "t3.granted.total")
    assert "c-outlier" in granted and "-49 (-91%)" in granted
    assert "-136 (-73%)" in _cell(body, "t2.licensing")
    assert "-71 (-91%)" in _cell(body, "t3.new_received.natural_person")
    # Both years' identities hold (generated reports); the carry-over is checked (consecutive years):
    # 表三 carries 0 into 0, but the two independent reports' 规范性文件 stock does not flow:
    # 279 in force in 2023 + 23 issued − 15 repealed in 2024 = 287, printed 168.
    assert "<h3>2023 · 错误 0 个" in body and "<h3>2024 · 错误 0 个" in body
    row = re.search(r'<tr class="bad" data-key="t2.normative_documents.in_force">(.*?)</tr>', body, re.S)
    assert row and re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["168", "287"]
    assert '<tr class="" data-key="t3.carried_over.total">' in body
    assert "现行有效件数 (168) ≠ 上年现行有效 (279) + 本年制发 (23) − 本年废止 (15) = 287" in body
    # The other years can be chosen; an absent year is a 404.
    r = login(users["sup_a"]).get("/agencies/10010102/compare/?a=2022&b=2024")
    assert r.status_code == 200 and "两份年报的年度不相邻" in r.content.decode()
    assert login(users["sup_a"]).get("/agencies/10010102/compare/?a=2021&b=2024").status_code == 404
    assert login(users["sup_a"]).get("/agencies/10010102/compare/?a=x&b=2024").status_code == 404


def test_agency_with_one_year_says_so(users: dict[str, Any], login: Any, tree: dict[str, Any], put_report: Any) -> None:
    put_report(tree["town_a"], 2024, seed=3)
    r = login(users["sup_a"]).get("/agencies/10010101/compare/")
    assert r.status_code == 200 and "不足两个年度" in r.content.decode()


def test_generic_url_puts_the_earlier_year_first(users: dict[str, Any], login: Any, two_years: dict[str, Any]) -> None:
    a, b = two_years["a"].report_id, two_years["b"].report_id
    r = login(users["sup_a"]).get(f"/compare/?a={b}&b={a}")
    assert r.status_code == 200
    assert "-73 (-88%)" in _cell(r.content.decode(), "t3.new_received.total")
    assert login(users["sup_a"]).get("/compare/").status_code == 200  # the form
    assert login(users["sup_a"]).get("/compare/?a=999999&b=1").status_code == 404


def test_exports_open_and_hold_the_changes(users: dict[str, Any], login: Any, two_years: dict[str, Any]) -> None:
    import docx
    import pypdfium2

    c = login(users["sup_a"])
    r = c.get("/agencies/10010102/compare/?a=2023&b=2024&export=docx")
    assert r.status_code == 200 and r["Content-Disposition"] == 'attachment; filename="compare-10010102-2023-2024.docx"'
    d = docx.Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in d.paragraphs) + "\n".join(
        cell.text for t in d.tables for row in t.rows for cell in row.cells)
    assert "丙县教育局" in text and "-73" in text and "（83）" in text

    r = c.get("/agencies/10010102/compare/?a=2023&b=2024&export=pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = pypdfium2.PdfDocument(r.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "丙县教育局" in text and "-73 (-88%)" in text

    r = c.get("/agencies/10010102/compare/?a=2023&b=2024&export=csv")
    rows = r.content.decode("utf-8-sig").splitlines()
    # The generated 2023 report prints some digits full-width (８３): the raw text, then its value.
    assert rows[0] == "key,label,a_raw,a,b_raw,b,delta,ratio,status"
    assert any(line.startswith("t3.new_received.total,") and ",８３,83,10,10,-73,0.1205,减少" in line for line in rows)
    r = c.get("/agencies/10010102/compare/?a=2023&b=2024&export=xlsx")
    import openpyxl

    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["t2.licensing"][2:] == ("１８６", 186, "50", 50, -136, 0.2688, "减少")
    assert c.get("/agencies/10010102/compare/?export=exe").status_code == 404


def test_county_supervisor_gets_404_for_another_county(users: dict[str, Any], login: Any, two_years: dict[str, Any],
                                                      other_county: dict[str, Any]) -> None:
    c = login(users["sup_a"])
    theirs = [other_county["a"].report_id, other_county["b"].report_id]
    ours = two_years["a"].report_id
    for url in ("/agencies/10010201/compare/", "/agencies/100102/compare/",
                f"/compare/?a={theirs[0]}&b={theirs[1]}", f"/compare/?a={ours}&b={theirs[1]}",
                f"/compare/?a={theirs[0]}&b={ours}"):
        for suffix in ("", "&export=docx", "&export=pdf", "&export=csv", "&export=xlsx"):
            full = url + (suffix if "?" in url else suffix.replace("&", "?", 1))
            assert c.get(full).status_code == 404, full
    # The county above sees both; the other county's supervisor sees theirs.
    assert login(users["sup_city"]).get(f"/compare/?a={ours}&b={theirs[1]}").status_code == 200
    assert login(users["sup_b"]).get("/agencies/10010201/compare/").status_code == 200


def test_analyst_reads_but_cannot_post(users: dict[str, Any], login: Any, two_years: dict[str, Any]) -> None:
    c = login(users["ana_a"])
    assert c.get("/agencies/10010102/compare/").status_code == 200
    assert c.post("/agencies/10010102/compare/").status_code == 403
    assert c.post("/compare/").status_code == 403


def test_needs_login(client: Any, two_years: dict[str, Any]) -> None:
    r = client.get("/agencies/10010102/compare/")
    assert r.status_code == 302 and r.url.startswith("/login/")


def test_report_text_is_escaped(users: dict[str, Any], login: Any, tree: dict[str, Any], put_report: Any) -> None:
    import random

    from tests.corpus.generate import random_report
    from tests.corpus.layouts import render_text

    for year, seed, extra in ((2023, 11, "旧的说明文字。"), (2024, 12, "<script>alert('x')</script>新的说明。")):
        rng = random.Random(seed)
        report = random_report(rng)
        report.agency, report.year = tree["dept_a"].name, year
        report.sections["problems"] = report.sections["problems"] + extra
        put_report(tree["dept_a"], year, data=render_text(report, "tab000", rng).encode("utf-8"), name=f"{year}.txt")
    c = login(users["sup_a"])
    body = c.get("/agencies/10010102/compare/").content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert re.search(r"<ins>[^<]*&lt;script&gt;", body)  # new text, marked as inserted, still escaped
    r = c.get("/agencies/10010102/compare/?export=docx")
    import docx

    d = docx.Document(io.BytesIO(r.content))
    assert any("<script>alert('x')</script>" in cell.text for t in d.tables for row in t.rows for cell in row.cells)


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")
def test_generic_url_across_agencies_and_formats(users: dict[str, Any], login: Any, tree: dict[str, Any],
                                                 put_report: Any, two_years: dict[str, Any]) -> None:
    """A 2019-format real report against a generated 2021-format one of another agency."""
    from xxgk.store.models import Agency

    zone = Agency.objects.create(code="350128", name="平潭综合实验区", level="county", parent=tree["city"])
    agency = Agency.objects.create(code="35012801", name=PINGTAN, level="department", parent=zone)
    real = put_report(agency, 2020, data=(REAL / "008_pingtan_czj_2020" / "source.txt").read_bytes(), name="008.txt")
    r = login(users["sup_city"]).get(f"/compare/?a={two_years['b'].report_id}&b={real.report_id}")
    assert r.status_code == 200
    body = r.content.decode()
    # 2020 comes first; both 表二 layouts are shown, and 表三 has the 2019 single （六） row too.
    assert f"{PINGTAN} 2020年度与丙县教育局 2024年度年报比对" in body
    assert "表二 主动公开政府信息情况（2019 年格式）：政府集中采购" in body
    assert 'data-key="t3.other_processing.total"' in body and 'data-key="t3.other_other.total"' in body
    assert "两份年报的年度不相邻" in body
    # 行政许可: 2024 (generated) prints 50, the 2020 report has no such 2021-format cell.
    assert _cell(body, "t2.licensing").split() == ["num", "cell", "c-new", "|", "50", "—"]


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")
def test_real_reports_year_on_year(users: dict[str, Any], login: Any, tree: dict[str, Any], put_report: Any) -> None:
    from xxgk.store.models import Agency

    # As in the real hierarchy: the zone (county level, under the city here) and its bureau.
    zone = Agency.objects.create(code="350128", name="平潭综合实验区", level="county", parent=tree["city"])
    agency = Agency.objects.create(code="35012801", name=PINGTAN, level="department", parent=zone)
    put_report(agency, 2019, data=(REAL / "015_pingtan_czj_2019" / "source.txt").read_bytes(), name="015.txt")
    put_report(agency, 2020, data=(REAL / "008_pingtan_czj_2020" / "source.txt").read_bytes(), name="008.txt")
    assert login(users["sup_a"]).get("/agencies/35012801/compare/").status_code == 404  # not 丙县's
    c = login(users["sup_city"])
    r = c.get("/agencies/35012801/compare/")
    assert r.status_code == 200
    body = r.content.decode()
    assert PINGTAN in body
    # truth.json: 规范性文件 本年新制作数量 10 → 6; 对外公开总数量 7 → 11 (= 7 + 4 published in 2020).
    made = _cell(body, "t2_2019.normative_documents.made")
    assert "c-down" in made and " 6 " in made and " 10 " in made and "-4 (-40%)" in made
    assert "+4 (+57%)" in _cell(body, "t2_2019.normative_documents.total_published")
    # 行政许可 上一年项目数量: 3 + 0 in 2019, printed 0 in 2020 (meta.json: a cross-year inconsistency).
    row = re.search(r'<tr class="bad" data-key="t2_2019.licensing.previous_items">(.*?)</tr>', body, re.S)
    assert row and re.findall(r'<td class="num">(\d+)</td>', row.group(1)) == ["0", "3"]
    assert '<tr class="" data-key="t2_2019.normative_documents.total_published">' in body
    assert "1 项结转核对不一致" in body
    # The narrative: 2020 rewrote its opening; the sections compared with their reuse ratio.
    assert "<ins>坚持以习近平新时代中国特色社会主义思想为指导" in body
    assert re.search(r"文字重复率：后一份正文中有 4\d% 的文字", body)
    r = c.get("/agencies/35012801/compare/?export=pdf")
    import pypdfium2

    pdf = pypdfium2.PdfDocument(r.content)
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert PINGTAN in text and "-4 (-40%)" in text
