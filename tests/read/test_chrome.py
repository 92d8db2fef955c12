"""The web page around a report: a portal page printed to PDF or saved as text ends with its sidebar
and footer after section 六. Those lines are left out of the last section, with a read.page_chrome
warning quoting where the cut is; a report's own last lines (contact telephone, where to download
it, signature and date) are never cut."""

from __future__ import annotations

import random

import pytest

from tests.corpus.generate import random_report, render_text
from tests.read.test_roundtrip import _diff
from xxgk.read.text import parse_text
from xxgk.report.values import normalize


def _with_tail(seed: int, tail: list[str]) -> tuple[object, str]:
    report = random_report(random.Random(seed))
    text = render_text(report, "tab000", random.Random(seed), variants=False)
    return report, text.rstrip("\n") + "\n" + "\n".join(tail) + "\n"


def _chrome(got) -> list[str]:
    return [f.message for f in got.findings if f.rule == "read.page_chrome"]


TAILS = {
    "footer": ["主办单位：某某县人民政府办公室 联系电话：0818-1234567 网站标识码：5117000001", "蜀ICP备05003306号"],
    "sidebar": ["相关报告", "某某县人民政府2023年政府信息公开工作年度报告", "某某县人民政府2022年政府信息公开工作年度报告"],
    "buttons": ["【打印本页】 【关闭窗口】", "分享到：", "版权所有：某某县人民政府"],
    "copyright": ["Copyright © 2025 某某县人民政府 All Rights Reserved", "技术支持：某某网络科技有限公司"],
    "link-alone": ["某某县人民政府2023年政府信息公开工作年度报告"],
}


@pytest.mark.parametrize("tail", sorted(TAILS))
def test_a_portal_pages_sidebar_and_footer_are_left_out_of_section_six(tail: str) -> None:
    report, text = _with_tail(2, TAILS[tail])
    got = parse_text(text)
    assert _diff(report, got) == []  # section 六 included, exactly
    assert len(_chrome(got)) == 1 and normalize(TAILS[tail][0])[:20] in _chrome(got)[0]
    assert f"{len(TAILS[tail])} 行" in _chrome(got)[0]


LEGIT = [
    "如有疑问或意见建议，可直接与某某县人民政府联系。电话：0952-6860685",
    "本报告电子版可在“某某县人民政府门户网站”查阅下载，更多政府信息可登录网站http://www.example.gov.cn查询。",
    "某某县人民政府办公室",
    "2025年1月20日",
    "本机关将主动联系我们的服务对象，打印并发放政策解读材料。",
]


def test_a_reports_own_last_lines_are_kept() -> None:
    report, text = _with_tail(3, LEGIT)
    got = parse_text(text)
    assert _chrome(got) == []
    other = normalize(got.sections["other"])
    assert other.startswith(normalize(report.sections["other"]))
    assert all(normalize(line) in other for line in LEGIT)


def test_chrome_words_inside_the_report_are_not_a_cut() -> None:
    # A chrome word inside a sentence is not a footer, and a section's first line is never cut
    # (here 相关链接 alone would be chrome anywhere after it: the third line shows the rule works).
    report = random_report(random.Random(5))
    report.sections["other"] = "相关链接已在网站“政务公开”栏目公布。\n版权所有的作品依法不予公开。\n相关链接"
    text = render_text(report, "tab000", random.Random(5), variants=False)
    got = parse_text(text)
    assert normalize(got.sections["other"]) == normalize(report.sections["other"]).removesuffix("相关链接")
    assert len(_chrome(got)) == 1
    report.sections["other"] = "相关链接\n已在网站“政务公开”栏目公布。"
    got = parse_text(render_text(report, "tab000", random.Random(5), variants=False))
    assert normalize(got.sections["other"]) == normalize(report.sections["other"]) and _chrome(got) == []
