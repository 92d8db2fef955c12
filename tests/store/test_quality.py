"""The store's quality signals (`xxgk.store.quality.refresh`) on hand-built stores.

Versions are made through the ORM from generated reports (`tests.corpus.generate.random_report`)
with the one thing a test is about changed by hand; expectations are literal. Every rule is tested
firing and not firing; refresh is tested to give the same findings whatever the order of arrival.
Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
from typing import Any

import pytest

from tests.corpus.generate import random_report
from xxgk.report.model import Cell
from xxgk.store import similar
from xxgk.store.digest import tables_digest
from xxgk.store.models import Agency, Finding, Report, Version
from xxgk.store.quality import refresh
from xxgk.store.quality.rules import is_jump

pytestmark = pytest.mark.django_db

# --- building a store by hand ---------------------------------------------------------------------

#: Narratives of three different offices, each long enough to be compared, sharing nothing but
#: boilerplate: what independent reports look like (the generator's templates are 雷同 among
#: themselves, see thresholds.py).
TEXTS = {
    "a": {
        "overview": "2024年，临巴镇依托县政府门户网站公布镇财政预算决算信息、专项资金公示和行政执法人员名单，发布涉及文物保护、"
                    "教育助学、环保节能、安全生产等方面的惠民政策38条。走好网上群众路线，办理县委书记信箱4件，咨询投诉2件，"
                    "设置政务公开栏公示机关职能、机构设置、办公地址、办公时间和负责人姓名，方便群众联系和办事。",
        "problems": "部分业务科室对工作的重视程度不够，提供的信息不够及时；公开的信息涉及日常业务较多，群众更为关心的政策类信息偏少。"
                    "下一步将加大科室人员培训力度，及时传达上级最新要求，以集中学习和个别指导相结合的方法持续推进队伍建设。",
        "other": "无。",
    },
    "b": {
        "overview": "2024年我镇利用县政府网站发布各类信息38条，通过镇级微信公众号岚皋佐龙推送信息303条。明确依申请公开工作程序，"
                    "让工作有章可循。完善健全信息管理制度，明确职责、内容、程序、方式和时限要求。积极推进平台建设，"
                    "在便民服务大厅设置查阅点，方便群众随时查阅。",
        "problems": "一是部分信息更新不够及时；二是公开渠道还不够丰富多样，群众获取信息渠道单一；三是公开内容未能完全满足群众需求。"
                    "改进方面，定期组织工作人员学习相关法律法规和政策文件，积极探索多元化的渠道，深入开展调查研究，广泛征求群众意见。",
        "other": "本年度未收取信息处理费。",
    },
    "c": {
        "overview": "2023年，卷硐镇聚焦省市县工作要点，围绕县委县政府中心工作，推进决策、执行、管理、服务和结果公开，"
                    "加强政策解读、扩大公众参与。以渠县工作要点为指引，重点公开与群众联系最密切、最紧急、最直接的热点问题，"
                    "全年公开解读党委政府重大决策部署43条，让群众广泛知晓涉及切身利益的惠民政策。",
        "problems": "相关工作人员意识和能力有所欠缺，缺乏信息工作观念，实效性不够强，公开的时间不够及时；对宣传不够，很多居民不知道如何获取信息；"
                    "基层公开场所标准化建设不够完善。将积极安排相关工作人员参与专题培训，加强与上级部门的对接沟通。",
        "other": "无其他需要报告的事项。",
    },
}


def tree() -> dict[str, Agency]:
    """A province, a city, a county, a township and a county department (rule-making power from
    the level: province and city have it)."""
    prov = Agency.objects.create(code="51", name="四川省人民政府", level="province")
    city = Agency.objects.create(code="5117", name="达州市人民政府", level="city", parent=prov)
    county = Agency.objects.create(code="511724", name="渠县人民政府", level="county", parent=city)
    town = Agency.objects.create(code="511724101", name="渠县临巴镇人民政府", level="township", parent=county)
    dept = Agency.objects.create(code="511724-12", name="渠县教育局", level="department", parent=county)
    return {"prov": prov, "city": city, "county": county, "town": town, "dept": dept}


def data(seed: int = 1, *, fmt: str = "2021", year: int = 2024, agency: str = "某某镇", values: dict[str, Any] | None = None,
         sections: dict[str, str] | None = None, published_on: str | None = None,
         headings: dict[str, str] | None = None) -> dict[str, Any]:
    """A version's `data`: a generated report (all identities hold) with some cells, the sections,
    the date or the printed headings set by hand."""
    r = random_report(random.Random(seed), fmt=fmt)
    r.agency, r.year = agency, year
    for key, v in (values or {}).items():
        r.cells[key] = Cell.from_raw(key, "" if v is None else str(v))
    if sections is not None:
        r.sections = dict(sections)
    r.published_on = published_on
    if headings is not None:
        r.extra["headings"] = headings
    return r.to_dict(with_findings=False)


def add(who: Agency | str, year: int, d: dict[str, Any], *, sha: str | None = None, origin: str = "", name: str = "",
        made_by: str = "parsed", xxgk: str = "0.1.0", active: bool = True) -> Version:
    """Record a version as the batch does: next number, signature from its sections, published_on
    denormalised, the report made active (optionally) and stale."""
    if isinstance(who, Agency):
        report, _ = Report.objects.get_or_create(agency=who, year=year, defaults={"printed_agency": who.name, "match": "exact"})
    else:
        report, _ = Report.objects.get_or_create(agency=None, printed_agency=who, year=year)
    number = report.versions.count() + 1
    sha = sha or hashlib.sha256(json.dumps(d, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    published = dt.date.fromisoformat(d["published_on"]) if d.get("published_on") else None
    v = Version.objects.create(
        report=report, number=number, sha256=sha, medium="text", name=name, origin=origin, made_by=made_by,
        xxgk_version=xxgk, data=d, format=d.get("format", "unknown"), published_on=published,
        signature=similar.signature(d.get("sections") or {}), tables_sha=tables_digest(d),
    )
    if active:
        report.active = v
    report.stale = True
    report.save()
    return v


def quality(rule: str | None = None) -> list[Finding]:
    qs = Finding.objects.filter(source="quality").order_by("id")
    return list(qs.filter(rule=rule) if rule else qs)


def snapshot() -> set[tuple[Any, ...]]:
    """Every quality finding by natural keys only (agency code or printed name, year, version
    number), never database ids: comparable between two stores filled in another order."""
    out = set()
    for f in Finding.objects.filter(source="quality").select_related("version__report__agency", "agency"):
        if f.version is not None:
            rep = f.version.report
            who = (rep.agency.code if rep.agency else rep.printed_agency, rep.year, f.version.number)
        else:
            who = (f.agency.code if f.agency else None, f.year, None)
        out.add((*who, f.rule, f.severity, json.dumps(f.cells), f.message, json.dumps(f.expected), json.dumps(f.actual),
                 json.dumps(f.details, sort_keys=True, ensure_ascii=False)))
    return out


# --- store.version_changed / store.sources_differ ---------------------------------------------------


def test_a_changed_file_from_the_same_origin_is_a_change_after_publication() -> None:
    t = tree()
    d1 = data(1, sections=TEXTS["a"])
    add(t["town"], 2024, d1, origin="https://qx.gov.cn/2024.html")
    refresh()
    assert quality("store.version_changed") == []
    old = d1["t3"]["granted"]["natural_person"]
    d2 = data(1, sections={**TEXTS["a"], "other": "2024年未发出收费通知。"},
              values={"t3.granted.natural_person": old + 1, "t3.granted.total": d1["t3"]["granted"]["total"] + 1})
    v2 = add(t["town"], 2024, d2, origin="https://qx.gov.cn/2024.html")
    refresh()
    (f,) = quality("store.version_changed")
    assert f.version_id == v2.id and f.severity == "warning"
    assert f.cells == ["t3.granted.natural_person", "t3.granted.total"]
    assert f.details["previous_version"] == 1
    assert f.details["cells"] == [
        {"key": "t3.granted.natural_person", "old": old, "new": old + 1},
        {"key": "t3.granted.total", "old": d1["t3"]["granted"]["total"], "new": d1["t3"]["granted"]["total"] + 1},
    ]
    assert f.details["sections"] == ["other"]
    assert f.details["cells_changed"] == 2
    assert f.message == (
        "报告发布后被修改：来自「https://qx.gov.cn/2024.html」的文件与第 1 版不同，表格 2 个单元格"
        f"（表三「（一）予以公开」「自然人」 {old} → {old + 1}；表三「（一）予以公开」「总计」 "
        f"{d1['t3']['granted']['total']} → {d1['t3']['granted']['total'] + 1}）；文字部分：六、其他需要报告的事项"
    )


def test_same_content_in_other_bytes_a_reparse_or_another_origin_is_no_change() -> None:
    t = tree()
    d = data(2, sections=TEXTS["a"])
    add(t["town"], 2024, d, origin="a/2024.txt", sha="1" * 64)
    add(t["town"], 2024, d, origin="a/2024.txt", sha="2" * 64)  # re-saved: same tables and text
    add(t["town"], 2024, d, origin="a/2024.txt", sha="2" * 64, xxgk="0.2.0", made_by="reparsed")
    changed = data(2, sections=TEXTS["a"], values={"t2.licensing": 999999})
    add(t["town"], 2024, changed, origin="b/2024.txt", sha="3" * 64)  # another origin: not "changed"
    add(t["town"], 2024, changed, made_by="corrected", sha="4" * 64)  # a correction by hand: no source
    refresh()
    assert quality("store.version_changed") == []
    (f,) = quality("store.sources_differ")  # but the two origins' latest versions differ
    assert f.version.number == 4 and f.details["other_version"] == 3
    assert f.cells == ["t2.licensing"] and f.details["cells"][0]["new"] == 999999


def test_the_file_name_stands_for_the_origin_when_there_is_none() -> None:
    t = tree()
    add(t["dept"], 2024, data(3), name="2024年报.docx")
    add(t["dept"], 2024, data(3, values={"t2.penalty": 12345}), name="2024年报.docx")
    refresh()
    (f,) = quality("store.version_changed")
    assert f.version.number == 2 and "来自「2024年报.docx」的文件与第 1 版不同" in f.message


def test_two_sources_whose_tables_agree_differ_in_nothing() -> None:
    t = tree()
    d = data(4)
    add(t["dept"], 2024, d, origin="https://a.gov.cn/x.html", sha="a" * 64)
    add(t["dept"], 2024, {**d, "sections": TEXTS["b"]}, origin="https://b.gov.cn/y.pdf", sha="b" * 64)
    refresh()
    assert quality("store.sources_differ") == []


# --- store.duplicate_report ---------------------------------------------------------------------------


def test_the_same_file_as_another_agencys_report_is_a_duplicate_on_both() -> None:
    t = tree()
    d = data(5, sections=TEXTS["a"])
    va = add(t["town"], 2024, d, sha="f" * 64)
    vb = add(t["dept"], 2024, data(6, sections=TEXTS["b"]), sha="f" * 64)  # same bytes stored as the department's
    refresh()
    found = {f.version_id: f for f in quality("store.duplicate_report")}
    assert set(found) == {va.id, vb.id}
    assert found[va.id].details == {"others": [
        {"agency": "511724-12", "name": "渠县教育局", "year": 2024, "version": 1, "same": "file"}]}
    assert found[va.id].message == (
        "本报告与其他机关或年度的报告重复，可能匹配错了机关或年度：「渠县教育局」2024 年报告为同一文件（SHA-256 相同）")
    # The duplicate pair is not also reported as 雷同.
    assert quality("quality.narrative_duplicate") == []


def test_the_same_tables_and_narrative_under_another_year_is_a_duplicate() -> None:
    t = tree()
    d = data(7, sections=TEXTS["c"])
    add(t["town"], 2023, d)
    add(t["town"], 2024, {**d, "year": 2024, "source": {"name": "other-bytes.txt"}})
    refresh()
    (a, b) = sorted(quality("store.duplicate_report"), key=lambda f: f.version.report.year)
    assert a.details["others"] == [{"agency": "511724101", "name": "渠县临巴镇人民政府", "year": 2024, "version": 1, "same": "content"}]
    assert "「渠县临巴镇人民政府」2023 年报告的表格数字完全相同、文字几乎相同" in b.message


def test_same_zero_tables_with_another_narrative_or_same_narrative_with_other_tables_is_no_duplicate() -> None:
    t = tree()
    zeros = {k: 0 for k in ("t2.normative_documents.issued", "t2.normative_documents.in_force", "t2.licensing",
                            "t2.penalty", "t2.compulsion")}
    d = data(8, sections=TEXTS["a"], values=zeros)
    for key in list(d["t3"]):  # no applications, no appeals: what most townships print
        d["t3"][key] = {c: 0 for c in d["t3"][key]}
    d["t4"] = {b: {c: 0 for c in cols} for b, cols in d["t4"].items()}
    d["cells"] = []
    add(t["town"], 2024, d)
    add(t["dept"], 2024, {**d, "sections": TEXTS["b"]})  # the same all-zero tables, another text
    add(t["county"], 2024, data(9, sections=TEXTS["a"]))  # same text, other numbers: 雷同, not a duplicate
    refresh()
    assert quality("store.duplicate_report") == []
    assert {f.version.report.agency.code for f in quality("quality.narrative_duplicate")} == {"511724101", "511724"}


def test_the_same_tables_with_numbers_in_them_under_another_agency_are_a_duplicate_whatever_the_text() -> None:
    t = tree()
    d = next(x for seed in range(100) if tables_digest(x := data(seed, sections=TEXTS["a"])))
    small = next(y for seed in range(100) if not tables_digest(y := data(seed, sections=TEXTS["a"])))
    assert small["t3"] != d["t3"]  # the generator makes both kinds: the test can tell them apart
    va = add(t["town"], 2024, d)
    vb = add(t["dept"], 2024, {**d, "sections": TEXTS["b"], "agency": "渠县教育局"})  # an XLSX would have no text at all
    refresh()
    found = {f.version_id: f for f in quality("store.duplicate_report")}
    assert set(found) == {va.id, vb.id}
    assert found[vb.id].details["others"][0]["same"] == "tables"
    assert found[vb.id].message.endswith("「渠县临巴镇人民政府」2024 年报告的表格数字完全相同")


# --- quality.late -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "published", "days"), [
    ("dept", "2025-01-31", None), ("dept", "2025-02-01", 1), ("town", "2025-02-10", 10),
    ("county", "2025-03-31", None), ("county", "2025-04-01", 1), ("city", "2025-03-01", None), ("prov", "2025-05-01", 31),
    ("unmatched", "2025-03-31", None), ("unmatched", "2025-04-02", 2), ("dept", None, None),
])
def test_late_against_the_deadline_of_the_agencys_level(who: str, published: str | None, days: int | None) -> None:
    t = tree()
    v = add(t[who] if who != "unmatched" else "某某街道办事处", 2024, data(10, published_on=published))
    refresh()
    found = quality("quality.late")
    if days is None:
        assert found == []
        return
    (f,) = found
    assert f.version_id == v.id and f.details["days_late"] == days and f.actual == published
    deadline = {"dept": "2025-01-31", "town": "2025-01-31"}.get(who, "2025-03-31")
    assert f.expected == deadline


def test_late_message() -> None:
    t = tree()
    add(t["dept"], 2024, data(10, published_on="2025-02-14"))
    refresh()
    (f,) = quality("quality.late")
    assert f.message == "2024 年报告于 2025年02月14日 发布，晚于部门和乡镇（街道）报告的发布期限 2025年01月31日 14 天"


# --- quality.missing ------------------------------------------------------------------------------------


def _missing() -> set[tuple[str, int]]:
    return {(f.agency.code, f.year) for f in quality("quality.missing")}


def test_every_agency_of_a_hierarchy_is_expected_for_each_year_it_has_reports() -> None:
    t = tree()
    other_root = Agency.objects.create(code="64", name="宁夏回族自治区人民政府", level="province")
    add(t["town"], 2024, data(11))
    add(t["dept"], 2023, data(12))
    refresh()
    all_codes = {"51", "5117", "511724", "511724101", "511724-12"}
    assert _missing() == {(c, 2024) for c in all_codes - {"511724101"}} | {(c, 2023) for c in all_codes - {"511724-12"}}
    assert not Finding.objects.filter(agency=other_root).exists()  # a root without reports expects nothing
    f = Finding.objects.get(rule="quality.missing", agency=t["county"], year=2024)
    assert f.version is None and f.source == "quality"
    assert f.message == "未见「渠县人民政府」2024 年政府信息公开工作年度报告（「四川省人民政府」所属机关已有 2024 年报告入库）"
    # The report arrives: its finding goes, the others stay.
    add(t["county"], 2024, data(13))
    refresh()
    assert ("511724", 2024) not in _missing() and ("5117", 2024) in _missing()


def test_unmatched_reports_expect_nothing() -> None:
    tree()
    add("某某乡", 2024, data(14))
    refresh()
    assert _missing() == set()


# --- quality.section_renamed -----------------------------------------------------------------------------

OFFICIAL = {"overview": "一、总体情况", "proactive": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
            "appeals": "四、政府信息公开行政复议、行政诉讼情况", "problems": "五、存在的主要问题及改进情况", "other": "六、其他需要报告的事项"}


def test_a_heading_printed_otherwise_than_the_official_title_is_renamed() -> None:
    t = tree()
    add(t["dept"], 2024, data(15, headings={**OFFICIAL, "problems": "五、存在的主要问题及改进措施", "appeals": "四、政府信息公开行政复议与行政诉讼情况"}))
    refresh()
    (f,) = quality("quality.section_renamed")
    assert f.details == {"renamed": [
        {"section": "appeals", "printed": "四、政府信息公开行政复议与行政诉讼情况", "official": "四、政府信息公开行政复议、行政诉讼情况"},
        {"section": "problems", "printed": "五、存在的主要问题及改进措施", "official": "五、存在的主要问题及改进情况"},
    ]}
    assert f.message.startswith("2 个部分的标题与格式规定的不同：「四、政府信息公开行政复议与行政诉讼情况」应为「四、政府信息公开行政复议、行政诉讼情况」")


@pytest.mark.parametrize("headings", [
    OFFICIAL, {"overview": "一.总体情况", "problems": "五、 存在的主要问题及改进情况：", "appeals": "四、政府信息公开行政复议，行政诉讼情况"}, None,
])
def test_official_titles_punctuation_and_no_recorded_headings_are_not_renamed(headings: dict[str, str] | None) -> None:
    t = tree()
    add(t["dept"], 2024, data(16, headings=headings))
    add(t["town"], 2018, {**data(17, headings={"overview": "一、概述"}), "format": "pre2019"})  # no format titles before 2019
    refresh()
    assert quality("quality.section_renamed") == []


def test_2019_format_has_the_same_titles() -> None:
    t = tree()
    add(t["dept"], 2020, data(18, fmt="2019", year=2020, headings={**OFFICIAL, "overview": "一、概述"}))
    refresh()
    (f,) = quality("quality.section_renamed")
    assert f.details["renamed"] == [{"section": "overview", "printed": "一、概述", "official": "一、总体情况"}]


# --- quality.yoy_jump ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("previous", "current", "jump"), [
    (2, 20, True), (0, 20, True), (200, 20, True), (20, 0, True), (5, 50, True), (10, 100, True),
    (1, 19, False), (0, 19, False), (1, 10, False), (21, 3, False), (3, 21, False), (10, 99, False), (20, 20, False), (0, 0, False),
])
def test_jump_edges(previous: int, current: int, jump: bool) -> None:
    assert is_jump(previous, current) is jump


def test_a_count_row_ten_times_last_years_is_a_jump() -> None:
    t = tree()
    # One generated report for both years (every other row equal), three rows set by hand.
    add(t["dept"], 2023, data(20, year=2023, values={"t3.new_received.total": 3, "t2.licensing": 40, "t4.review.total": 0}))
    v = add(t["dept"], 2024, data(20, values={"t3.new_received.total": 45, "t2.licensing": 4, "t4.review.total": 19}))
    refresh()
    (f,) = quality("quality.yoy_jump")
    assert f.version_id == v.id
    assert f.cells == ["t2.licensing", "t3.new_received.total"]  # 0 → 19 (表四) is below the floor
    assert f.details == {"previous_year": 2023, "previous_version": 1, "rows": [
        {"key": "t2.licensing", "previous": 40, "current": 4}, {"key": "t3.new_received.total", "previous": 3, "current": 45}]}
    assert f.message == ("与 2023 年报告相比，数字变化达 10 倍以上：表二「行政许可」 40 → 4；"
                         "表三「一、本年新收政府信息公开申请数量」「总计」 3 → 45")


def test_no_jump_without_last_year_or_across_agencies() -> None:
    t = tree()
    add(t["town"], 2023, data(22, year=2023, values={"t3.new_received.total": 1}))
    add(t["dept"], 2024, data(23, values={"t3.new_received.total": 500}))
    add(t["dept"], 2022, data(24, year=2022, values={"t3.new_received.total": 1}))  # two years back
    refresh()
    assert quality("quality.yoy_jump") == []


# --- quality.regulations_without_power -------------------------------------------------------------


REGS = {"t2.regulations.issued": 2, "t2.regulations.repealed": 0, "t2.regulations.in_force": 0}


def test_regulations_from_an_agency_without_rule_making_power() -> None:
    t = tree()
    v = add(t["county"], 2024, data(30, values=REGS))
    add(t["city"], 2024, data(31, values=REGS))  # a 设区的市 makes 规章
    add("某某县人民政府", 2024, data(32, values=REGS))  # unmatched: the agency's power is unknown
    refresh()
    (f,) = quality("quality.regulations_without_power")
    assert f.version_id == v.id and f.cells == ["t2.regulations.issued"] and f.actual == {"t2.regulations.issued": 2}
    assert f.message == "「渠县人民政府」为县级机关，无规章制定权，但表二「规章」有非零数字：表二「规章」「本年制发件数」 2"


def test_the_agencys_own_rule_making_flag_overrides_its_level() -> None:
    t = tree()
    Agency.objects.filter(pk=t["city"].pk).update(rule_making=False)  # a county-level city without the power
    Agency.objects.filter(pk=t["county"].pk).update(rule_making=True)
    add(t["city"], 2024, data(33, values=REGS))
    add(t["county"], 2024, data(34, values=REGS))
    add(t["dept"], 2020, data(35, fmt="2019", year=2020, values={"t2_2019.regulations.made": 0, "t2_2019.regulations.published": 1}))
    refresh()
    assert sorted((f.version.report.agency.code, f.cells[0]) for f in quality("quality.regulations_without_power")) == [
        ("5117", "t2.regulations.issued"), ("511724-12", "t2_2019.regulations.published")]


# --- t3.cross_year / t2.stock_flow against last year -------------------------------------------------------


def _cross_year_pair(t: dict[str, Agency]) -> tuple[dict[str, Any], dict[str, Any]]:
    before = data(40, year=2023, values={"t3.carried_forward.total": 4, "t2.normative_documents.in_force": 10})
    now = data(41, values={"t3.carried_over.total": 5, "t2.normative_documents.in_force": 13,
                           "t2.normative_documents.issued": 2, "t2.normative_documents.repealed": 0})
    return before, now


def test_last_years_carried_forward_and_stock_are_checked() -> None:
    t = tree()
    before, now = _cross_year_pair(t)
    add(t["dept"], 2023, before)
    v = add(t["dept"], 2024, now)
    refresh()
    (f,) = [f for f in quality("t3.cross_year") if f.cells == ["t3.carried_over.total"]]
    assert f.version_id == v.id and (f.expected, f.actual) == (4, 5)
    assert f.message == "表三「总计」列：本年「二、上年结转」(5) ≠ 2023 年报告「四、结转下年度继续办理」(4)"
    (s,) = [f for f in quality("t2.stock_flow") if "t2.normative_documents.in_force" in f.cells]
    assert (s.expected, s.actual) == (12, 13)
    assert all(f.version.report.year == 2024 for f in quality("t3.cross_year") + quality("t2.stock_flow"))


def test_an_earlier_year_arriving_later_refreshes_the_later_one() -> None:
    t = tree()
    before, now = _cross_year_pair(t)
    add(t["dept"], 2024, now)
    refresh()
    assert quality("t3.cross_year") == [] and quality("t2.stock_flow") == []
    add(t["dept"], 2023, before)  # only 2023 is stale
    assert list(Report.objects.filter(stale=True).values_list("year", flat=True)) == [2023]
    refresh()
    assert {f.version.report.year for f in quality("t3.cross_year")} == {2024}
    assert not Report.objects.filter(stale=True).exists()


# --- quality.narrative_duplicate (雷同) -------------------------------------------------------------------


def copied(text: dict[str, str], old: str, new: str, seed: int = 0) -> dict[str, str]:
    """Another office's copy: the name replaced and every number changed."""
    rng = random.Random(seed)
    return {k: re.sub(r"\d+", lambda m: str(rng.randint(1, 999)), v.replace(old, new)) for k, v in text.items()}


def test_a_narrative_copied_by_another_agency_is_found_on_both_with_the_shared_passages() -> None:
    t = tree()
    va = add(t["town"], 2024, data(50, sections=TEXTS["a"]))
    vb = add(t["dept"], 2024, data(51, sections=copied(TEXTS["a"], "临巴镇", "教育局")))
    add(t["county"], 2024, data(52, sections=TEXTS["b"]))
    add(t["city"], 2024, data(53, sections=TEXTS["c"]))
    refresh()
    found = {f.version_id: f for f in quality("quality.narrative_duplicate")}
    assert set(found) == {va.id, vb.id}
    fa = found[va.id]
    (other,) = fa.details["others"]
    assert {k: other[k] for k in ("agency", "name", "year", "version")} == {"agency": "511724-12", "name": "渠县教育局", "year": 2024, "version": 1}
    assert 0.88 <= other["similarity"] <= 1.0 and other["similarity"] == found[vb.id].details["others"][0]["similarity"]
    assert fa.message.startswith("叙述文字与其他机关的报告雷同（去除套话、数字后的相似度不低于 0.3）：「渠县教育局」2024 年报告（相似度 ")
    passages = other["passages"]
    assert 1 <= len(passages) <= 3 and all(p["chars"] >= 30 for p in passages)
    for p in passages:  # offsets point into each report's own section text
        assert TEXTS["a"][p["this"]["section"]][p["this"]["start"]:p["this"]["end"]] == p["text"]
        theirs = copied(TEXTS["a"], "临巴镇", "教育局")[p["other"]["section"]][p["other"]["start"]:p["other"]["end"]]
        assert re.sub(r"\d+", "#", theirs.replace("教育局", "临巴镇")) == re.sub(r"\d+", "#", p["text"])


def test_independent_narratives_short_ones_and_one_agencys_own_years_are_not_duplicates() -> None:
    t = tree()
    add(t["town"], 2023, data(54, year=2023, sections=TEXTS["a"]))
    add(t["town"], 2024, data(55, sections=copied(TEXTS["a"], "2024", "2025")))  # the office reuses its own text
    add(t["dept"], 2024, data(56, sections=TEXTS["b"]))
    add(t["county"], 2024, data(57, sections=TEXTS["c"]))
    short = {"overview": "本年度按要求做好各项工作。", "other": "无。"}
    add(t["city"], 2024, data(58, sections=short))
    add(t["prov"], 2024, data(59, sections=short))  # identical, but too short to call copying
    refresh()
    assert quality("quality.narrative_duplicate") == []


def test_two_agencies_printed_alike_are_two_agencies_and_unmatched_ones_are_told_apart_by_name() -> None:
    t = tree()
    other_county = Agency.objects.create(code="511725", name="大竹县人民政府", level="county", parent=t["city"])
    twin = Agency.objects.create(code="511725101", name="大竹县城关镇人民政府", level="township", parent=other_county)
    Report.objects.create(agency=twin, year=2024, printed_agency="城关镇")
    Report.objects.create(agency=t["town"], year=2024, printed_agency="城关镇")
    add(twin, 2024, data(60, sections=TEXTS["a"]))
    add(t["town"], 2024, data(61, sections=copied(TEXTS["a"], "临巴镇", "城关镇")))
    add("城关镇", 2023, data(62, year=2023, sections=copied(TEXTS["a"], "临巴镇", "城关镇", 1)))  # unmatched, same printed name
    refresh()
    flagged = {(f.version.report.agency_id, f.version.report.year) for f in quality("quality.narrative_duplicate")}
    assert flagged == {(twin.id, 2024), (t["town"].id, 2024)}


def test_a_partner_that_stops_copying_loses_the_finding_on_both_sides() -> None:
    t = tree()
    add(t["town"], 2024, data(63, sections=TEXTS["a"]))
    add(t["dept"], 2024, data(64, sections=copied(TEXTS["a"], "临巴镇", "教育局")))
    refresh()
    assert len(quality("quality.narrative_duplicate")) == 2
    add(t["dept"], 2024, data(64, sections=TEXTS["b"]))  # a corrected file: only the department is stale
    refresh()
    assert quality("quality.narrative_duplicate") == []


# --- determinism, incremental refresh, handled marks, a failed refresh ---------------------------------------


RENAMED = {**OFFICIAL, "problems": "五、存在的主要问题及改进措施"}


def scenario(t: dict[str, Agency]) -> list[tuple[Any, ...]]:
    """(agency key or printed name, year, data, add() keywords): a store where every rule fires."""
    return [
        ("dept", 2023, data(70, year=2023, values={"t3.carried_forward.total": 4, "t3.new_received.total": 2}), {}),
        ("dept", 2024, data(70, values={"t3.carried_over.total": 6}), {"origin": "mirror/1"}),
        ("dept", 2024, data(70, values={"t3.carried_over.total": 5, "t3.new_received.total": 40, **REGS},
                            published_on="2025-02-03", headings=RENAMED), {"origin": "u/1"}),
        ("dept", 2024, data(70, values={"t3.carried_over.total": 5, "t3.new_received.total": 41, **REGS},
                            published_on="2025-02-03", headings=RENAMED), {"origin": "u/1"}),
        ("town", 2024, data(71, sections=TEXTS["a"]), {}),
        ("county", 2024, data(72, sections=copied(TEXTS["a"], "临巴镇", "渠县")), {}),
        ("city", 2024, data(73, sections=TEXTS["b"]), {"sha": "d" * 64}),
        ("某某乡", 2024, data(74, sections=TEXTS["c"]), {"sha": "d" * 64}),
        ("town", 2023, data(75, year=2023, sections=TEXTS["c"], published_on="2024-05-01"), {}),
    ]


def ingest(t: dict[str, Agency], ops: list[tuple[Any, ...]]) -> None:
    for who, year, d, kw in ops:
        add(t.get(who, who), year, d, **kw)


def wipe() -> None:
    Report.objects.update(active=None)
    Finding.objects.all().delete()
    Version.objects.all().delete()
    Report.objects.all().delete()


def test_refresh_is_the_same_in_one_go_again_incrementally_and_in_any_order() -> None:
    t = tree()
    ops = scenario(t)
    ingest(t, ops)
    written = refresh()
    once = snapshot()
    assert written == len(once)
    assert {r[3] for r in once} == {
        "store.version_changed", "store.sources_differ", "store.duplicate_report", "quality.late", "quality.missing",
        "quality.section_renamed", "quality.yoy_jump", "quality.regulations_without_power", "t3.cross_year",
        "t2.stock_flow", "quality.narrative_duplicate",
    }
    assert refresh() == 0 and refresh([r.pk for r in Report.objects.all()]) == 0 and snapshot() == once
    for seed in (1, 2, 3):
        wipe()
        rng = random.Random(seed)
        order = list(range(len(ops)))
        rng.shuffle(order)
        # One report's versions keep their order (their numbers are the batch's arrival order).
        by_report: dict[tuple[Any, int], list[int]] = {}
        for i in range(len(ops)):
            by_report.setdefault((ops[i][0], ops[i][1]), []).append(i)
        queues = {k: list(v) for k, v in by_report.items()}
        shuffled = [ops[queues[(ops[i][0], ops[i][1])].pop(0)] for i in order]
        step = 1 + seed % 3
        for i in range(0, len(shuffled), step):
            ingest(t, shuffled[i:i + step])
            refresh()
        assert snapshot() == once, f"order {order}, refresh every {step}"


def test_a_refresh_that_fails_midway_writes_nothing_and_the_next_one_finishes(monkeypatch: pytest.MonkeyPatch) -> None:
    t = tree()
    ingest(t, scenario(t))
    from xxgk.store.quality import rules

    def boom(*args: Any) -> list[Any]:
        raise RuntimeError("killed")

    monkeypatch.setattr(rules, "cross_year", boom)
    with pytest.raises(RuntimeError):
        refresh()
    assert quality() == [] and Report.objects.filter(stale=True).count() == Report.objects.count()
    monkeypatch.undo()
    refresh()
    resumed = snapshot()
    wipe()
    ingest(t, scenario(t))
    refresh()
    assert snapshot() == resumed and not Report.objects.filter(stale=True).exists()


def test_an_unchanged_finding_keeps_its_handled_mark() -> None:
    t = tree()
    add(t["dept"], 2024, data(80, published_on="2025-03-01"))
    refresh()
    (f,) = quality("quality.late")
    Finding.objects.filter(pk=f.pk).update(handled=True, handled_note="已核实")
    add(t["town"], 2024, data(81))  # another report of the hierarchy: the root's signals are recomputed
    add(t["dept"], 2024, data(80, published_on="2025-03-01", values={"t2.penalty": 98765}))  # the department's new version
    refresh()
    late = quality("quality.late")
    assert [x.version.number for x in late] == [2] and not late[0].handled  # a new version: a new finding
    missing = Finding.objects.get(rule="quality.missing", agency=t["county"], year=2024)
    Finding.objects.filter(pk=missing.pk).update(handled=True)
    add(t["prov"], 2024, data(82))
    refresh()
    assert Finding.objects.get(pk=missing.pk).handled  # kept, not rewritten


def test_refresh_of_nothing_writes_nothing() -> None:
    tree()
    assert refresh() == 0 and refresh([]) == 0


def test_everything_recomputes_what_no_stale_flag_records() -> None:
    t = tree()
    add(t["county"], 2024, data(90, values=REGS))
    refresh()
    assert quality("quality.regulations_without_power") != []
    Agency.objects.filter(pk=t["county"].pk).update(rule_making=True)  # an edit of the hierarchy
    new_town = Agency.objects.create(code="511724102", name="渠县清溪场镇人民政府", level="township", parent=t["county"])
    assert refresh() == 0
    refresh(everything=True)
    assert quality("quality.regulations_without_power") == []
    assert ("511724102", 2024) in _missing()
    assert Finding.objects.filter(agency=new_town).count() == 1


def test_narratives_alike_wholesale_stop_the_refresh_instead_of_comparing_every_pair(monkeypatch: pytest.MonkeyPatch) -> None:
    from xxgk.store.quality import pairs

    t = tree()
    for i, key in enumerate(("town", "dept", "county", "city")):
        add(t[key], 2024, data(91 + i, sections=copied(TEXTS["a"], "临巴镇", f"第{i}镇", i)))
    monkeypatch.setattr(pairs, "NARRATIVE_MAX_PAIRS", 2)
    monkeypatch.setattr(pairs, "NARRATIVE_MAX_PAIRS_PER_REPORT", 0)
    with pytest.raises(pairs.NarrativeOverload, match="叙述文字雷同的候选报告对超过 2 对"):
        refresh()
    assert quality() == [] and Report.objects.filter(stale=True).count() == 4
    monkeypatch.undo()
    refresh()
    assert len(quality("quality.narrative_duplicate")) == 4
    assert all(len(f.details["others"]) == 3 for f in quality("quality.narrative_duplicate"))


def test_the_versions_data_is_read_even_where_the_denormalised_columns_were_left_at_their_defaults() -> None:
    t = tree()
    v = add(t["county"], 2024, data(95, values=REGS, published_on="2025-04-03"))
    Version.objects.filter(pk=v.pk).update(format="unknown", published_on=None)
    refresh()
    assert {f.rule for f in quality() if f.version_id == v.id} == {"quality.late", "quality.regulations_without_power"}
