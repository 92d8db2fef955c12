"""Agency and year from the title when the head of the document holds other title-like lines: links
to the agency's earlier reports in a portal page's sidebar, printed to PDF or saved as text. The
report's own title is chosen (it stands alone; its year is the statistics period's), and other
candidates naming another year or agency are reported, never silently taken."""

from __future__ import annotations

import random

import pytest

from tests.corpus.generate import random_report, render_text
from tests.corpus.html import render_html
from tests.corpus.pdf import chromium, html_to_pdf
from tests.read.test_roundtrip import _diff
from xxgk.read.pdf import parse_pdf
from xxgk.read.text import parse_text


def _text_with_head(seed: int, head: list[str]) -> tuple[object, str]:
    report = random_report(random.Random(seed))
    text = render_text(report, "tab000", random.Random(seed), variants=False)
    return report, "\n".join(head) + "\n" + text


def _links(report, years: list[int], agency: str | None = None) -> list[str]:
    return [f"{agency or report.agency}{y}年政府信息公开工作年度报告" for y in years]


def _ambiguous(got) -> list[str]:
    return [f.message for f in got.findings if f.rule == "read.title_ambiguous"]


def test_a_list_of_links_above_the_title_is_passed_over() -> None:
    report, _ = _text_with_head(1, [])
    _, text = _text_with_head(1, ["当前位置：首页 > 年度报告", "政府信息公开年报", *_links(report, [report.year - 1, report.year - 2])])
    got = parse_text(text)
    assert (got.agency, got.year) == (report.agency, report.year)
    assert _diff(report, got) == []
    (msg,) = _ambiguous(got)
    assert str(report.year - 1) in msg and str(report.year - 2) in msg


def test_a_single_link_above_the_title_loses_to_the_statistics_period() -> None:
    report, _ = _text_with_head(2, [])
    _, text = _text_with_head(2, ["相关报告", *_links(report, [report.year - 1]), "热点专题"])
    assert "年1月1日" in text, "the generated report states its statistics period"
    got = parse_text(text)
    assert got.year == report.year
    assert len(_ambiguous(got)) == 1
    assert not [f for f in got.findings if f.rule == "read.year_mismatch"]


def test_same_title_repeated_is_not_ambiguous() -> None:
    report, _ = _text_with_head(3, [])
    _, text = _text_with_head(3, _links(report, [report.year]))  # e.g. a running title above the title
    got = parse_text(text)
    assert (got.agency, got.year) == (report.agency, report.year)
    assert _ambiguous(got) == []


def test_another_agency_alone_above_is_reported() -> None:
    report, _ = _text_with_head(4, [])
    _, text = _text_with_head(4, ["友情链接", *_links(report, [report.year], agency="某某县人民政府办公室"), "返回顶部"])
    got = parse_text(text)
    # Both stand alone with the period's year: the first is taken, and the other is named.
    assert len(_ambiguous(got)) == 1


@pytest.mark.skipif(chromium() is None, reason="chromium not installed (run `make sysdeps` as root)")
@pytest.mark.parametrize("seed", [3, 8, 19, 23])
def test_portal_page_printed_to_pdf(seed: int) -> None:
    # The whole portal page printed: header, nav, breadcrumb, sidebars with links to earlier reports,
    # cells outlined one by one (separate borders), sometimes a bordered layout table around the article.
    report = random_report(random.Random(seed))
    page = render_html(report, random.Random(seed), style="portal")
    got = parse_pdf(html_to_pdf(page), name=f"portal-{seed}.pdf")
    assert got.year == report.year and got.format == report.format
    assert got.agency in (report.agency, None), "never another agency (a sidebar link's)"
    # Every number and every section exact: the page's right sidebar and footer follow the article
    # in the PDF and are cut from section 六 where they start (read.page_chrome says where).
    diff = [d for d in _diff(report, got) if not d.startswith("agency")]
    assert diff == []
    assert [f.message[:7] for f in got.findings if f.rule == "read.page_chrome"] == ["从“相关报告”"]
