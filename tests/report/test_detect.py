"""Format detection by content (domain.md §3.3)."""

from __future__ import annotations

import pytest

from xxgk.report.detect import detect_format
from xxgk.report.values import normalize


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("信息内容 本年制发件数 本年废止件数 现行有效件数", 2024, "2021"),
        ("2.申请人逾期未按收费通知要求缴纳费用", None, "2021"),  # Table 二 omitted: the fee row decides
        ("2.申请人逾期未接收费通知要求缴纳费用", None, "2021"),  # OCR 按→接
        ("(六)其他处理 1.申请人无正当理由逾期不补正", 2019, "2021"),  # tables win over a wrong year
        ("信息内容 本年新制作数量 本年新公开数量 对外公开总数量", 2020, "2019"),
        ("第二十条第（九）项 政府集中采购", None, "2019"),
        ("（六）其他处理 0 0 0 0 0 0 0 （七）总计 0 0", None, "2019"),
        ("一、概述 根据国务院令第492号 收费及减免", None, "pre2019"),
        ("本年度政府信息公开工作", 2015, "pre2019"),
        ("第二十条第（一）项 一、本年新收政府信息公开申请数量", 2020, "2019"),
        ("第二十条第（一）项 一、本年新收政府信息公开申请数量", 2022, "2021"),
        ("本年度工作总结", None, "unknown"),
    ],
)
def test_detect_format(text: str, year: int | None, expected: str) -> None:
    assert detect_format(normalize(text), year) == expected
