"""Matching printed agency names to the hierarchy (xxgk.store.matching).

Expected codes are written out by hand from tests/store/data/sample_hierarchy.csv (or from the
small hierarchies built in the tests); the sample is read here with the csv module and a literal
level table, not with the importer under test.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from xxgk.store.matching import MAX_CANDIDATES, Matcher, canonical

DATA = Path(__file__).parent / "data"
REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
LEVEL = {"国家": "national", "省级": "province", "市级": "city", "县级": "county", "乡镇": "township", "部门": "department"}


def sample_rows() -> list[dict[str, Any]]:
    with open(DATA / "sample_hierarchy.csv", encoding="utf-8", newline="") as f:
        return [{"code": r["编码"], "name": r["名称"], "level": LEVEL[r["层级"]], "parent": r["上级编码"] or None,
                 "aliases": [a for a in r["别名"].split("；") if a]} for r in csv.DictReader(f)]


@pytest.fixture(scope="module")
def sample() -> Matcher:
    return Matcher.from_rows(sample_rows())


def row(code: str, name: str, level: str, parent: str | None = None, *aliases: str, id: int | None = None
        ) -> dict[str, Any]:
    return {"code": code, "name": name, "level": level, "parent": parent, "aliases": list(aliases), "id": id}


def outcome(m: Any) -> tuple[str, Any]:
    """(method, code) when matched, (method, [candidate codes]) otherwise."""
    return (m.method, m.code) if m.matched else (m.method, [c["code"] for c in m.candidates])


# -- the canonical form ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("渠县人民政府", "渠县"),
    ("渠县政府", "渠县"),
    ("  洪 泽 区\u3000人民政府 ", "洪泽区"),
    ("渠县人民政府办公室", "渠县政府办公室"),
    ("渠县政府办", "渠县政府办公室"),
    ("上海市人民政府办公厅", "上海市政府办公室"),
    ("高良涧街道办事处", "高良涧街道"),
    ("高良涧街道办", "高良涧街道"),
    ("佐龙镇人民政府", "佐龙镇"),
    ("中国共产党渠县委员会", "中共渠县委"),
    ("中共渠县县委", "中共渠县委"),
    ("中共渠县县委宣传部", "中共渠县委宣传部"),
    ("ＡＢＣ开发区管理委员会", "ABC开发区管委会"),
    ("上海市科学技术委员会", "上海市科学技术委员会"),  # 委员会 → 委 only in party names
    ("政府", "政府"),
    ("人民政府", "政府"),
])
def test_canonical(name: str, expected: str) -> None:
    assert canonical(name) == expected


# -- the sample hierarchy ----------------------------------------------------------------------


@pytest.mark.parametrize(("printed", "expected"), [
    # The seven real reports' printed agencies (what xxgk.parse gives, see test_real_reports).
    ("平潭综合实验区", ("exact", "350128")),
    ("平潭综合实验区公安局", ("exact", "350128-GAJ")),
    ("平潭综合实验区财政金融局", ("exact", "350128-CZJ")),
    ("上海市科委", ("alias", "31-KW")),
    ("洪泽区人民政府", ("normalised", "320813")),
    ("平潭综合实验区经济发展局", ("exact", "350128-JFJ")),
    # A former name kept as its own agency wins over the 县/区 fold.
    ("洪泽县人民政府", ("exact", "320829")),
    ("洪泽县", ("normalised", "320829")),
    ("淮安市洪泽区人民政府", ("exact", "320813")),
    ("江苏省淮安市洪泽区人民政府", ("normalised", "320813")),
    ("淮安区人民政府", ("normalised", "320803")),
    ("淮安市人民政府", ("exact", "3208")),
    # Whitespace, full-width spaces, 政府 variants.
    ("洪 泽 区 人 民 政 府", ("normalised", "320813")),
    ("\u3000上海市科学技术委员会\u3000", ("exact", "31-KW")),
    ("上海市政府", ("normalised", "31")),
    ("平潭综合实验区管委会", ("alias", "350128")),
    ("平潭综合实验区管理委员会", ("alias", "350128")),
    # Departments with their government, never another government's.
    ("渠县财政局", ("exact", "511724-CZJ")),
    ("达州市财政局", ("exact", "5117-CZJ")),
    ("达州市渠县财政局", ("normalised", "511724-CZJ")),
    ("四川省渠县财政局", ("normalised", "511724-CZJ")),
    ("四川省达州市渠县财政局", ("normalised", "511724-CZJ")),
    ("通川区财政局", ("exact", "511702-CZJ")),
    ("达州市通川区财政局", ("normalised", "511702-CZJ")),
    ("鼓楼区财政局", ("normalised", "350102-CZJ")),
    ("吉安县财政局", ("normalised", "360821-CZJ")),  # listed in the hierarchy as plain 财政局
    ("渠县公安局", ("none", [])),
    ("达州市渠县教育局", ("none", [])),
    # Offices: the office where the hierarchy lists one, else its government.
    ("渠县人民政府办公室", ("exact", "511724-BGS")),
    ("渠县政府办公室", ("normalised", "511724-BGS")),
    ("渠县政府办", ("alias", "511724-BGS")),
    ("上海市政府办公厅", ("normalised", "31-BGT")),
    ("淮安市洪泽区人民政府办公室", ("normalised", "320813")),
    # Party bodies stay apart from governments.
    ("中共渠县委员会", ("exact", "511724-XW")),
    ("中国共产党渠县委员会", ("normalised", "511724-XW")),
    ("中共渠县县委", ("normalised", "511724-XW")),
    ("中共达州市委员会", ("none", [])),
    ("渠县委员会", ("none", [])),
    # Townships: without their county when unique, 镇/乡/街道 variants.
    ("佐龙镇人民政府", ("exact", "360821101")),
    ("佐龙镇", ("normalised", "360821101")),
    ("佐龙乡人民政府", ("normalised", "360821101")),
    ("吉安县佐龙镇人民政府", ("normalised", "360821101")),
    ("江西省吉安市吉安县佐龙镇", ("normalised", "360821101")),
    ("高良涧街道", ("normalised", "320813001")),
    ("高良涧街道办", ("normalised", "320813001")),
    ("洪泽区高良涧街道办事处", ("normalised", "320813001")),
    ("高良涧镇人民政府", ("normalised", "320813001")),
    ("渠江街道办事处", ("exact", "511724001")),
    ("潭城镇人民政府", ("exact", "350128100")),
    # A ministry stands alone.
    ("财政部", ("exact", "100000-CZB")),
    # Ambiguous: listed, never guessed.
    ("城关镇人民政府", ("ambiguous", ["360821102", "511724101"])),
    ("财政局", ("ambiguous", ["31-CZJ", "3208-CZJ", "320813-CZJ", "3501-CZJ", "350102-CZJ", "3507-CZJ",
                             "360821-CZJ", "5117-CZJ", "511702-CZJ", "511724-CZJ"])),
    ("科委", ("ambiguous", ["31-KW"])),  # a department without its government, even if only one
    ("科学技术委员会", ("ambiguous", ["31-KW"])),
    ("公安局", ("ambiguous", ["3501-GAJ", "350128-GAJ"])),
    # Nothing.
    ("北京市科学技术委员会", ("none", [])),
    ("人民政府", ("none", [])),
    ("政府办公室", ("ambiguous", ["31-BGT", "511724-BGS"])),  # an office without its government
])
def test_sample(sample: Matcher, printed: str, expected: tuple[str, Any]) -> None:
    assert outcome(sample.match(printed)) == expected


def test_candidates_say_how_each_was_found(sample: Matcher) -> None:
    m = sample.match("城关镇人民政府")
    assert m.agency_id is None and m.total == 2
    assert m.candidates == [
        {"code": "360821102", "name": "吉安县城关镇人民政府", "method": "normalised"},
        {"code": "511724101", "name": "城关镇人民政府", "method": "exact"},
    ]
    json.dumps(m.candidates)  # stored as Report.candidates
    assert sample.match("上海市科委").candidates == [{"code": "31-KW", "name": "上海市科学技术委员会", "method": "alias"}]


@pytest.mark.parametrize(("printed", "hint", "expected", "decided_by"), [
    ("财政局", "511724", ("normalised", "511724-CZJ"), "parent_hint"),
    ("财政局", "360821", ("normalised", "360821-CZJ"), "parent_hint"),
    ("财政局", "5117", ("ambiguous", ["5117-CZJ", "511702-CZJ", "511724-CZJ"]), None),
    ("科委", "31", ("normalised", "31-KW"), "parent_hint"),
    ("城关镇人民政府", "511724", ("exact", "511724101"), "parent_hint"),
    ("城关镇人民政府", "3608", ("normalised", "360821102"), "parent_hint"),
    ("公安局", "350128", ("normalised", "350128-GAJ"), "parent_hint"),
    # A hint is a constraint: a unique match outside it is listed, not taken.
    ("渠县财政局", "3208", ("ambiguous", ["511724-CZJ"]), None),
    ("城关镇人民政府", "32", ("ambiguous", ["360821102", "511724101"]), None),
    # Inside the hint: as without it.
    ("渠县财政局", "51", ("exact", "511724-CZJ"), None),
])
def test_parent_hint(sample: Matcher, printed: str, hint: str, expected: tuple[str, Any], decided_by: str | None
                     ) -> None:
    m = sample.match(printed, parent_hint=hint)
    assert (outcome(m), m.decided_by) == (expected, decided_by)


def test_parent_hint_forms() -> None:
    rows = [row("1", "甲县人民政府", "county", None, id=11), row("1-1", "财政局", "department", "1", id=12),
            row("2", "乙县人民政府", "county", None, id=21), row("2-1", "财政局", "department", "2", id=22)]
    m = Matcher.from_rows(rows)

    class AgencyLike:
        code = "2"

    assert m.match("财政局", parent_hint=AgencyLike()).agency_id == 22
    assert m.match("财政局", parent_hint=11).agency_id == 12
    assert m.match("财政局", parent_hint="1").agency_id == 12
    with pytest.raises(ValueError):
        m.match("财政局", parent_hint="999")
    with pytest.raises(ValueError):
        m.match("财政局", parent_hint=999)


@pytest.mark.parametrize(("printed", "origin", "expected"), [
    ("财政局", "https://www.example.gov.cn/渠县/zfxxgk/2023年报.html", ("normalised", "511724-CZJ")),
    ("财政局", "https://www.example.gov.cn/" + quote("渠县/zfxxgk/2023年报.html"), ("normalised", "511724-CZJ")),
    ("城关镇人民政府", "/data/江西省/吉安县/城关镇2023.pdf", ("normalised", "360821102")),
    ("城关镇", "D:\\年报\\渠县\\城关镇.docx", ("normalised", "511724101")),
    ("财政局", "/data/达州市/渠县/财政局.pdf", ("normalised", "511724-CZJ")),
    # Two unrelated places in the origin, or none: still ambiguous
    # (the origin only decides; it does not shorten the list a person chooses from).
    ("财政局", "/data/渠县/通川区/财政局.pdf", ("ambiguous", ["31-CZJ", "3208-CZJ", "320813-CZJ", "3501-CZJ",
                                                     "350102-CZJ", "3507-CZJ", "360821-CZJ", "5117-CZJ",
                                                     "511702-CZJ", "511724-CZJ"])),
    ("城关镇人民政府", "https://example.com/a/b.pdf", ("ambiguous", ["360821102", "511724101"])),
    # A place that holds several candidates names none: 渠县 and 通川区 are in 达州市.
    ("财政局", "/data/达州市/2023/财政局.pdf", ("ambiguous", ["31-CZJ", "3208-CZJ", "320813-CZJ", "3501-CZJ",
                                                     "350102-CZJ", "3507-CZJ", "360821-CZJ", "5117-CZJ",
                                                     "511702-CZJ", "511724-CZJ"])),
    ("财政局", "/data/淮安市/洪泽区/财政局.pdf", ("normalised", "320813-CZJ")),
    # An origin never overrides a unique match.
    ("渠县财政局", "/data/通川区/财政局.pdf", ("exact", "511724-CZJ")),
])
def test_origin_hint(sample: Matcher, printed: str, origin: str, expected: tuple[str, Any]) -> None:
    m = sample.match(printed, origin=origin)
    assert outcome(m) == expected
    if m.matched and printed != "渠县财政局":
        assert m.decided_by == "origin"


def test_origin_and_parent_hint_together(sample: Matcher) -> None:
    # Under 5117 three 财政局 remain; the origin picks 渠县's.
    m = sample.match("财政局", parent_hint="5117", origin="/files/渠县/2023.pdf")
    assert outcome(m) == ("normalised", "511724-CZJ") and m.decided_by == "origin"
    # The origin may not pick a candidate the hint excludes.
    m = sample.match("财政局", parent_hint="3208", origin="/files/渠县/2023.pdf")
    assert outcome(m) == ("ambiguous", ["3208-CZJ", "320813-CZJ"])


@pytest.mark.parametrize(("origin", "expected"), [
    ("github:changwu/pingtan-gov-zwgk-archive/pingtan/zwgk/zfxxgk/dfbmptlj/ptzhsyqbm/ptzhsyqgaj/zfxxgknb/202201/"
     "80607_平潭综合实验区公安局2021年政府信息公开工作年度报告/page.txt@ec2c20622bc6953e6953401ce5430fcf17fea6c8",
     ("exact", "350128-GAJ")),
    ("https://www.example.gov.cn/" + quote("上海市科委2024年政府信息公开工作年度报告.pdf"), ("alias", "31-KW")),
    ("/data/2023年洪泽区人民政府政府信息公开工作年度报告.docx", ("normalised", "320813")),
    ("https://example.com/a/b.pdf", ("none", [])),
    ("", ("none", [])),
])
def test_name_from_origin_when_nothing_printed(sample: Matcher, origin: str, expected: tuple[str, Any]) -> None:
    m = sample.match(None, origin=origin)
    assert outcome(m) == expected
    if m.matched:
        assert m.via == "origin"
    assert outcome(sample.match("", origin=origin)) == expected


@pytest.mark.parametrize("printed", [None, "", "   ", "\x00\x01", "x" * 10_000, "县" * 1000, "区镇乡街道" * 50,
                                     "<script>财政局</script>", "财政局\n渠县"])
def test_hostile_names_match_nothing_quickly(sample: Matcher, printed: str | None) -> None:
    assert sample.match(printed).method in ("none", "ambiguous")
    assert sample.match(printed).agency_id is None


# -- small hierarchies -------------------------------------------------------------------------


def test_county_renamed_district_matches_only_when_unique() -> None:
    city = [row("A", "甲市人民政府", "city"), row("B", "乙市人民政府", "city")]
    # Only the district exists: the old county name reaches it.
    m = Matcher.from_rows([*city, row("A1", "甲市北川区人民政府", "county", "A")])
    assert outcome(m.match("北川县人民政府")) == ("normalised", "A1")
    assert outcome(m.match("甲市北川县")) == ("normalised", "A1")
    # Two districts of that name: the fold finds both, so neither is taken.
    m = Matcher.from_rows([*city, row("A1", "甲市北川区人民政府", "county", "A"),
                           row("B1", "乙市北川区人民政府", "county", "B")])
    assert outcome(m.match("北川县人民政府")) == ("ambiguous", ["A1", "B1"])
    assert outcome(m.match("北川县人民政府", parent_hint="B")) == ("normalised", "B1")
    assert outcome(m.match("甲市北川县")) == ("normalised", "A1")
    # A county and a district both listed: each printed name finds its own at the normalised step.
    m = Matcher.from_rows([*city, row("A1", "甲市北川区人民政府", "county", "A"),
                           row("B1", "乙市北川县人民政府", "county", "B")])
    assert outcome(m.match("北川县人民政府")) == ("normalised", "B1")
    assert outcome(m.match("北川区人民政府")) == ("normalised", "A1")
    # A one-character stem is never folded (渠县 is not 渠区).
    m = Matcher.from_rows([*city, row("A1", "渠县人民政府", "county", "A")])
    assert outcome(m.match("渠区人民政府")) == ("none", [])


def test_township_without_its_county() -> None:
    base = [row("C", "丙县人民政府", "county"), row("D", "丁县人民政府", "county")]
    m = Matcher.from_rows([*base, row("C1", "丙县佐龙镇人民政府", "township", "C")])
    assert outcome(m.match("佐龙镇人民政府")) == ("normalised", "C1")
    m = Matcher.from_rows([*base, row("C1", "丙县佐龙镇人民政府", "township", "C"),
                           row("D1", "佐龙乡人民政府", "township", "D")])
    # 佐龙镇 (C1) at the normalised step, before the 镇/乡 fold that would add D1.
    assert outcome(m.match("佐龙镇人民政府")) == ("normalised", "C1")
    assert outcome(m.match("佐龙乡人民政府")) == ("exact", "D1")
    assert outcome(m.match("佐龙街道")) == ("ambiguous", ["C1", "D1"])
    assert outcome(m.match("佐龙街道", parent_hint="D")) == ("normalised", "D1")


def test_department_never_crosses_to_another_government() -> None:
    m = Matcher.from_rows([
        row("51", "四川省人民政府", "province"),
        row("5117", "达州市人民政府", "city", "51"),
        row("5117-CZJ", "达州市财政局", "department", "5117"),
        row("511724", "渠县人民政府", "county", "5117"),
    ])
    assert outcome(m.match("渠县财政局")) == ("none", [])
    assert outcome(m.match("四川省财政局")) == ("none", [])
    assert outcome(m.match("达州市财政局")) == ("exact", "5117-CZJ")
    assert outcome(m.match("四川省达州市财政局")) == ("normalised", "5117-CZJ")
    assert outcome(m.match("财政局")) == ("ambiguous", ["5117-CZJ"])


def test_sub_department_and_ministry() -> None:
    m = Matcher.from_rows([
        row("0", "国务院", "national"),
        row("0-CZB", "财政部", "department", "0"),
        row("31", "上海市人民政府", "province"),
        row("31-GAJ", "上海市公安局", "department", "31"),
        row("31-GAJ-PD", "上海市公安局浦东分局", "department", "31-GAJ"),
    ])
    assert outcome(m.match("财政部")) == ("exact", "0-CZB")
    assert outcome(m.match("上海市公安局浦东分局")) == ("exact", "31-GAJ-PD")
    assert outcome(m.match("浦东分局")) == ("ambiguous", ["31-GAJ-PD"])


def test_candidates_are_capped() -> None:
    rows = []
    for k in range(25):
        rows += [row(f"{k:02d}", f"县{k:02d}号人民政府", "county"), row(f"{k:02d}-CZJ", "财政局", "department", f"{k:02d}")]
    m = Matcher.from_rows(rows).match("财政局")
    assert m.method == "ambiguous" and m.total == 25 and len(m.candidates) == MAX_CANDIDATES
    assert [c["code"] for c in m.candidates][:2] == ["00-CZJ", "01-CZJ"]


def test_bad_rows() -> None:
    with pytest.raises(ValueError):
        Matcher.from_rows([row("1", "甲县", "county"), row("1", "乙县", "county")])
    # A cycle (the store refuses them; a hand-made list may have one) does not hang the build.
    m = Matcher.from_rows([row("1", "甲县人民政府", "county", "2"), row("2", "乙县人民政府", "county", "1"),
                           row("3", "丙县人民政府", "county", "404")])
    assert outcome(m.match("甲县人民政府")) == ("exact", "1")
    assert outcome(m.match("丙县")) == ("normalised", "3")
    assert len(m) == 3


# -- the store ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_from_db_reports_database_ids() -> None:
    from xxgk.store.agencies import import_agencies
    from xxgk.store.models import Agency

    assert import_agencies(DATA / "sample_hierarchy.csv").ok
    m = Matcher.from_db()
    assert len(m) == 48
    hit = m.match("洪泽区人民政府")
    assert hit.agency_id == Agency.objects.get(code="320813").pk and hit.code == "320813"
    assert m.match("财政局", parent_hint=Agency.objects.get(code="511724")).code == "511724-CZJ"


REAL_EXPECTED = {
    # case: (what xxgk.parse prints as the agency, expected code, method)
    "002_pingtan_2022": ("平潭综合实验区", "350128", "exact"),
    "006_pingtan_gaj_2021": ("平潭综合实验区公安局", "350128-GAJ", "exact"),
    "008_pingtan_czj_2020": ("平潭综合实验区财政金融局", "350128-CZJ", "exact"),
    "013_sh_kewei_2024": ("上海市科委", "31-KW", "alias"),
    "015_pingtan_czj_2019": ("平潭综合实验区财政金融局", "350128-CZJ", "exact"),
    "021_huaian_hongze_2023": ("洪泽区人民政府", "320813", "normalised"),
    "025_pingtan_jjf_2025": ("平潭综合实验区经济发展局", "350128-JFJ", "exact"),
}
#: With nothing printed, the origins of meta.json: the crawler's hold the title, the others don't.
REAL_FROM_ORIGIN = {
    "002_pingtan_2022": "350128", "006_pingtan_gaj_2021": "350128-GAJ", "008_pingtan_czj_2020": "350128-CZJ",
    "013_sh_kewei_2024": None, "015_pingtan_czj_2019": "350128-CZJ", "021_huaian_hongze_2023": None,
    "025_pingtan_jjf_2025": "350128-JFJ",
}


@pytest.fixture(scope="module")
def real_reports() -> dict[str, tuple[str | None, str]]:
    import xxgk

    if not REAL.is_dir():
        pytest.skip(f"no real reports in {REAL}")
    out = {}
    for case in sorted(REAL_EXPECTED):
        source = next((REAL / case).glob("source.*"))
        origin = json.loads((REAL / case / "meta.json").read_text(encoding="utf-8"))["origin"]
        out[case] = (xxgk.parse(source).agency, origin)
    return out


@pytest.mark.django_db
def test_real_reports_match_the_sample_hierarchy(real_reports: dict[str, tuple[str | None, str]]) -> None:
    from xxgk.store.agencies import import_agencies

    assert import_agencies(DATA / "sample_hierarchy_gbk.csv").ok
    m = Matcher.from_db()
    for case, (printed, origin) in real_reports.items():
        want_printed, code, method = REAL_EXPECTED[case]
        assert printed == want_printed, case
        got = m.match(printed, origin=origin)
        assert (got.method, got.code, got.decided_by) == (method, code, None), case
        from_origin = m.match(None, origin=origin)
        assert from_origin.code == REAL_FROM_ORIGIN[case], case
        if from_origin.code:
            assert from_origin.via == "origin"
