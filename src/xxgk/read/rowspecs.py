"""The rows of Tables 二 and 三 as the reader matches them (`RowSpec`: key, label pattern, cell keys,
numbering), and what an assignment hands back (`Assigned`). Split out of `assign` (which re-exports
these names): the formats' rows are data every step of the assignment reads, not one of its steps.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from ..report import keys as K
from ..report.model import Cell, Finding
from ..report.values import normalize

# --- Row label patterns (matched on whitespace-free NFKC text) ----------------------------------

_T3_PATTERNS: dict[str, str] = {
    "new_received": r"本年新收|新收政府信息",
    "carried_over": r"上年结转",
    "granted": r"予以公开",
    "partially_granted": r"部分公开",
    "denied_state_secret": r"国家秘密",
    "denied_law_prohibited": r"禁止公开|法律行政法规",
    "denied_security_stability": r"三安全|一稳定|危及",
    "denied_third_party": r"第三方",
    "denied_internal_affairs": r"内部事务",
    "denied_process_info": r"过程性",
    "denied_enforcement_file": r"执法案卷",
    "denied_admin_query": r"行政查询",
    "unable_not_held": r"不掌握",
    "unable_needs_creation": r"另行制作|没有现成",
    "unable_unclear": r"仍不明确|补正后",
    "not_processed_petition": r"信访|举报投诉",
    "not_processed_duplicate": r"重复申请",
    "not_processed_publication": r"出版物",
    "not_processed_excessive": r"大量反复",
    "not_processed_confirm": r"重新出具|确认或",
    "other_no_correction": r"不补正",
    "other_fee_unpaid": r"收费通知|缴纳费用|逾期未[按接]",
    "other_other": r"3\.?其他(?!法律|处理|情形)",
    "other_processing": r"其[他它]处理",
    "results_total": r"\(?七\)?总计",
    "carried_forward": r"结转下年",
}

_T2_PATTERNS: dict[str, str] = {
    "regulations": r"(?<!行政)规章",
    "normative_documents": r"规范性文件",
    "licensing": r"行政许可",
    "other_services": r"其他对外管理服务",
    "penalty": r"行政处罚",
    "compulsion": r"行政强制",
    "admin_fees_wan_yuan": r"事业性收费",
    "admin_fees": r"事业性收费",
    "procurement": r"集中采购",
}

_NUMBERING = re.compile(r"^(?:\d{1,2}\.|\([一二三四五六七八]\)|[一二三四五]、)")

#: More numbers than this on one printed row is not a row with placeholders but a broken extraction
#: (or hostile input): the row is refused instead of searched, which also bounds time and memory.
MAX_ROW_VALUES = 40


@dataclass(frozen=True)
class RowSpec:
    """One printed row: its key prefix, label pattern, value column keys, and numbering."""

    name: str
    pattern: re.Pattern[str]
    columns: tuple[str, ...]  # full cell keys, in printed order
    label: str
    numbering: str = ""


@dataclass
class Assigned:
    cells: dict[str, Cell] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    rows_found: int = 0
    #: Index of the last row that received values (for truncation detection).
    last_row: int = -1


def _numbering(label: str) -> str:
    m = _NUMBERING.match(normalize(label))
    return m.group(0) if m else ""


@functools.lru_cache(maxsize=None)
def t3_specs(fmt: str) -> tuple[RowSpec, ...]:
    rows = K.T3_ROWS_2019 if fmt == "2019" else K.T3_ROWS_2021
    return tuple(
        RowSpec(key, re.compile(_T3_PATTERNS[key]), tuple(f"t3.{key}.{c}" for c in K.T3_COLUMNS), label, _numbering(label))
        for key, label in rows
    )


@functools.lru_cache(maxsize=None)
def t2_specs(fmt: str) -> tuple[RowSpec, ...]:
    specs = []
    if fmt == "2019":
        for row, label, cols in K.T2_ROWS_2019:
            specs.append(RowSpec(row, re.compile(_T2_PATTERNS[row]), tuple(f"t2_2019.{row}.{c}" for c in cols), label))
    else:
        for row, label, cols21 in K.T2_ROWS_2021:
            cols = tuple(f"t2.{row}.{c}" for c in cols21) if cols21 else (f"t2.{row}",)
            specs.append(RowSpec(row, re.compile(_T2_PATTERNS[row]), cols, label))
    return tuple(specs)
