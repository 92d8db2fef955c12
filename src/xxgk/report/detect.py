"""Format detection by content (domain.md §3.3), on whitespace-free NFKC text."""

from __future__ import annotations

import re

_2021 = ("本年制发件数", "本年废止件数", "现行有效件数", "收费通知要求缴纳", "逾期未按收费通知", "逾期未接收费通知", "缴纳费用")
_2019 = ("本年新制作数量", "对外公开总数量", "上一年项目数量", "本年增/减", "第二十条第(九)项", "政府集中采购")
_2019_OTHER_THEN_TOTAL = re.compile(r"\(六\)其他处理[\d\s/\-—]*\(七\)总计")
_PRE2019 = ("国务院令第492号", "国办发〔2014〕32号", "收费及减免", "同意公开答复数", "申诉情况")


def detect_format(norm_text: str, year: int | None = None) -> str:
    """'2021', '2019', 'pre2019' or 'unknown' for a report's whitespace-free NFKC text.

    Table markers win over the year because reports are sometimes dated wrongly; the year only breaks
    ties when no table is present.
    """
    if any(m in norm_text for m in _2021) or re.search(r"\(六\)其他处理1\.", norm_text):
        return "2021"
    if any(m in norm_text for m in _2019) or _2019_OTHER_THEN_TOTAL.search(norm_text):
        return "2019"
    has_tables = "第二十条第" in norm_text or "本年新收" in norm_text
    if year is not None and year <= 2018:
        return "pre2019"
    if not has_tables and any(m in norm_text for m in _PRE2019):
        return "pre2019"
    if year is not None and has_tables:
        return "2019" if year in (2019, 2020) else "2021"
    if year is not None and year >= 2021 and "30号" in norm_text:
        return "2021"
    return "unknown"
