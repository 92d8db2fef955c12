"""Title, agency, year and publication date from what the text means (xxgk.read.meta).

Oracle: literal documents written here, as crawlers, portals and offices print them, with the
expected values written by hand."""

from __future__ import annotations

import pytest

from xxgk.read import meta
from xxgk.read.text import parse_text

BODY = """根据《中华人民共和国政府信息公开条例》要求编制本报告。所列数据统计期限为{year}年1月1日至{year}年12月31日。
一、总体情况
本年度工作情况良好。
二、主动公开政府信息情况
三、收到和处理政府信息公开申请情况
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
存在问题。
六、其他需要报告的事项
无。
"""


def _doc(head: str, year: int = 2022, tail: str = "") -> str:
    return head + "\n" + BODY.format(year=year) + tail


@pytest.mark.parametrize(
    ("head", "agency", "year"),
    [
        # crawler header: the title field's value, never its label
        ("标题: 平潭综合实验区2022年度政府信息公开工作年度报告\n发布时间: 2023-02-20 15:07\n发布机构: ", "平潭综合实验区", 2022),
        ("名称：某某县民政局2022年政府信息公开工作年度报告", "某某县民政局", 2022),
        # year first, with the spaces a PDF extraction leaves
        ("2022 年上海市科委政府信息公开工作年度报告", "上海市科委", 2022),
        # wrapped over two lines
        ("2022 年上海市科委政府信息公开工作\n年度报告", "上海市科委", 2022),
        ("某某县人民政府2022年政府信息公开\n工作年度报告", "某某县人民政府", 2022),
        # year after the title
        ("某某市统计局政府信息公开工作年度报告（2022年度）", "某某市统计局", 2022),
        # agency on the line above, title without it
        ("洪泽区人民政府\n2022 年政府信息公开工作年度报告", "洪泽区人民政府", 2022),
    ],
)
def test_title_forms(head: str, agency: str, year: int) -> None:
    r = parse_text(_doc(head, year))
    assert (r.agency, r.year) == (agency, year)


def test_agency_from_field_when_the_title_names_none() -> None:
    head = "标题: 2022年政府信息公开工作年度报告\n发布机构: 某某县交通运输局\n发布时间: 2023-01-05 10:00"
    r = parse_text(_doc(head))
    assert (r.agency, r.year, r.published_on) == ("某某县交通运输局", 2022, "2023-01-05")


def test_a_field_value_that_is_no_name_is_not_the_agency() -> None:
    head = "标题: 2022年政府信息公开工作年度报告\n发布机构: 1\n发布时间: 2023-01-05 10:00"
    r = parse_text(_doc(head))
    assert r.agency is None


def test_signature_gives_agency_and_date_and_leaves_section_six() -> None:
    head = "2022年政府信息公开工作年度报告"
    r = parse_text(_doc(head, tail="某某镇人民政府\n2023年1月20日\n"))
    assert (r.agency, r.published_on) == ("某某镇人民政府", "2023-01-20")
    assert r.extra["signature"] == {"name": "某某镇人民政府", "date": "2023-01-20"}
    assert r.sections["other"] == "无。"


def test_signature_above_the_last_page_number() -> None:
    """A PDF's layout keeps the last page's number (`- 7 -`) under the signature: the date is still
    the signature's, and the page number is not taken for part of it."""
    head = "2022年政府信息公开工作年度报告"
    r = parse_text(_doc(head, tail="某某镇人民政府2023年1月20日\n-7-\n"))
    assert (r.agency, r.published_on) == ("某某镇人民政府", "2023-01-20")
    r = parse_text(_doc(head, tail="某某镇人民政府\n2023年1月20日\n- 12 -\n"))
    assert r.published_on == "2023-01-20"
    r = parse_text(_doc(head, tail="本报告发布于2023年1月20日后第7页\n"))
    assert r.published_on is None


def test_published_field_wins_over_signature_date() -> None:
    head = "标题: 某某镇人民政府2022年政府信息公开工作年度报告\n发布时间: 2023-02-01 09:00"
    r = parse_text(_doc(head, tail="某某镇人民政府 2023年1月20日 附件下载\n"))
    assert r.published_on == "2023-02-01"
    assert r.extra["signature"]["date"] == "2023-01-20"


def test_another_agency_in_the_field_is_reported() -> None:
    head = "标题: 某某镇人民政府2022年政府信息公开工作年度报告\n发布机构: 某某县人民政府办公室"
    r = parse_text(_doc(head))
    assert r.agency == "某某镇人民政府"
    assert [f.rule for f in r.findings if f.rule == "read.agency_mismatch"] == ["read.agency_mismatch"]


def test_crawler_lines_are_not_the_preface() -> None:
    head = (
        "标题: 某某镇人民政府2022年政府信息公开工作年度报告\n发布时间: 2023-02-20 15:07\n"
        "原文链接: https://example.gov.cn/t20230220_1.htm\n本地目录: zwgk/80629_某某镇人民政府2021年度政府信息公开工作年度报告\n"
        "==================== 正文 ===================="
    )
    r = parse_text(_doc(head))
    assert r.extra["preface"].startswith("根据《中华人民共和国政府信息公开条例》")
    assert not [f for f in r.findings if f.rule == "read.title_ambiguous"], "本地目录's path is no title"


def test_title_repeated_with_the_share_bar_is_cut_from_the_preface() -> None:
    body = BODY.format(year=2022)
    head = "标题: 某某局2022年度政府信息公开工作年度报告"
    text = head + "\n某某局2022年度政府信息公开工作年度报告 来源： 时间：2023-01-28 09:43 --> 微信 微博 相关链接： 某某局2022年度 政府信息公开工作年度报告 " + body
    r = parse_text(text)
    assert r.extra["preface"].startswith("根据《中华人民共和国政府信息公开条例》")


def test_a_title_quoted_in_the_preface_is_kept() -> None:
    body = BODY.format(year=2022).replace("根据", "根据《关于做好2022年政府信息公开工作年度报告编制公布工作的通知》和", 1)
    r = parse_text("某某局2022年度政府信息公开工作年度报告\n" + body)
    assert r.extra["preface"].startswith("根据《关于做好2022年")


@pytest.mark.parametrize(
    ("tail", "want"),
    [
        ("无其他需要报告事项。 平潭综合实验区财政金融局 2020年1月2日 附件下载", ("平潭综合实验区财政金融局", "2020-01-02")),
        ("无收取信息处理费情况。 平潭综合实验区公安局2022年1月7日", ("平潭综合实验区公安局", "2022-01-07")),
        ("事项。\n2023年1月5日", (None, "2023-01-05")),
        ("本报告发布于2023年1月5日", None),  # a sentence, not a signature
        ("六、其他需要报告的事项无。", None),
        ("某某镇人民政府\n2023年13月5日", None),  # no such date
    ],
)
def test_signature(tail: str, want: tuple[str | None, str] | None) -> None:
    sig = meta.signature(tail)
    assert (None if sig is None else (sig.name, sig.date)) == want


def test_fields_on_one_line() -> None:
    f = meta.head_fields(["索引号：000-2023-01 发布机构：某某县人民政府 生成日期：2023-01-02 发布日期：2023-01-05"])
    assert (f.agency(), f.date()) == ("某某县人民政府", "2023-01-05")


#: BODY without its statistics period, section 一 opening with the year.
OVERVIEW_ONLY = (
    BODY.replace("所列数据统计期限为{year}年1月1日至{year}年12月31日。", "")
    .replace("本年度工作情况良好。", "{year}年，我局政府信息公开工作稳步推进。")
    + "{tail}"
)


@pytest.mark.parametrize(
    ("tail", "year"),
    [
        ("", 2021),
        ("某某县公安局\n2022年1月7日", 2021),  # published the next January
        ("某某县公安局\n2025年1月7日", None),  # a date that cannot follow a 2021 report: no year
    ],
)
def test_year_from_the_overview_when_no_title_or_period(tail: str, year: int | None) -> None:
    r = parse_text(OVERVIEW_ONLY.format(year=2021, tail=tail))
    assert r.year == year
    assert [f.rule for f in r.findings if f.rule == "read.year_from_overview"] == (["read.year_from_overview"] if year else [])


def test_a_period_wins_over_the_overview_year() -> None:
    text = OVERVIEW_ONLY.format(year=2021, tail="").replace("编制本报告。", "编制本报告。统计期限为2020年1月1日至2020年12月31日。")
    r = parse_text(text)
    assert r.year == 2020 and not [f for f in r.findings if f.rule == "read.year_from_overview"]
