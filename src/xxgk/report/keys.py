"""Cell keys of the report formats, in printed order.

The names are the public contract of ../shared/spec/report-json.md (`xxgk/report@1`): every reader,
writer, CSV header and database column uses exactly these strings, so they live in one module.
"""

from __future__ import annotations

import functools

# --- Table 三 -------------------------------------------------------------------------------

T3_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "public_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
T3_APPLICANT_COLUMNS: tuple[str, ...] = T3_COLUMNS[:6]

T3_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "public_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}

#: (key, printed label) for the 25 rows of the 2021 format.
T3_ROWS_2021: tuple[tuple[str, str], ...] = (
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("denied_state_secret", "1.属于国家秘密"),
    ("denied_law_prohibited", "2.其他法律行政法规禁止公开"),
    ("denied_security_stability", "3.危及“三安全一稳定”"),
    ("denied_third_party", "4.保护第三方合法权益"),
    ("denied_internal_affairs", "5.属于三类内部事务信息"),
    ("denied_process_info", "6.属于四类过程性信息"),
    ("denied_enforcement_file", "7.属于行政执法案卷"),
    ("denied_admin_query", "8.属于行政查询事项"),
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    ("not_processed_petition", "1.信访举报投诉类申请"),
    ("not_processed_duplicate", "2.重复申请"),
    ("not_processed_publication", "3.要求提供公开出版物"),
    ("not_processed_excessive", "4.无正当理由大量反复申请"),
    ("not_processed_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
)

#: Group labels printed in merged cells, keyed by the first row of the group.
T3_GROUPS_2021: dict[str, str] = {
    "granted": "三、本年度办理结果",
    "denied_state_secret": "（三）不予公开",
    "unable_not_held": "（四）无法提供",
    "not_processed_petition": "（五）不予处理",
    "other_no_correction": "（六）其他处理",
}

_OTHER_2021 = ("other_no_correction", "other_fee_unpaid", "other_other")


def _rows_2019() -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    for key, label in T3_ROWS_2021:
        if key == "other_no_correction":
            rows.append(("other_processing", "（六）其他处理"))
        elif key in _OTHER_2021:
            continue
        else:
            rows.append((key, label))
    return tuple(rows)


#: The 2019 trial format: （六）其他处理 is one row.
T3_ROWS_2019: tuple[tuple[str, str], ...] = _rows_2019()

T3_GROUPS_2019: dict[str, str] = {k: v for k, v in T3_GROUPS_2021.items() if k != "other_no_correction"}


@functools.lru_cache(maxsize=16)  # tuples of str: immutable, shared safely
def t3_rows(fmt: str) -> tuple[str, ...]:
    """Row keys of Table 三 for a format ('2019' or '2021')."""
    rows = T3_ROWS_2019 if fmt == "2019" else T3_ROWS_2021
    return tuple(k for k, _ in rows)


@functools.lru_cache(maxsize=16)  # tuples of str: immutable, shared safely
def t3_outcome_rows(fmt: str) -> tuple[str, ...]:
    """The leaf outcome rows that rule 3 sums (21 in 2021, 19 in 2019)."""
    rows = t3_rows(fmt)
    return rows[rows.index("granted") : rows.index("results_total")]


# --- Table 四 -------------------------------------------------------------------------------

T4_BLOCKS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
T4_BLOCK_LABELS: dict[str, str] = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
T4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# --- Table 二 -------------------------------------------------------------------------------

#: The 2021 format's Table 二: (key, row label, value column keys or None for a single value).
T2_ROWS_2021: tuple[tuple[str, str, tuple[str, ...] | None], ...] = (
    ("regulations", "规章", ("issued", "repealed", "in_force")),
    ("normative_documents", "行政规范性文件", ("issued", "repealed", "in_force")),
    ("licensing", "行政许可", None),
    ("penalty", "行政处罚", None),
    ("compulsion", "行政强制", None),
    ("admin_fees_wan_yuan", "行政事业性收费", None),
)
T2_COLUMN_LABELS_2021: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
}
T2_FEE_KEY = "t2.admin_fees_wan_yuan"

#: The 2019 trial format's Table 二 (`t2_2019`).
T2_ROWS_2019: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("regulations", "规章", ("made", "published", "total_published")),
    ("normative_documents", "规范性文件", ("made", "published", "total_published")),
    ("licensing", "行政许可", ("previous_items", "change", "decisions")),
    ("other_services", "其他对外管理服务事项", ("previous_items", "change", "decisions")),
    ("penalty", "行政处罚", ("previous_items", "change", "decisions")),
    ("compulsion", "行政强制", ("previous_items", "change", "decisions")),
    ("admin_fees", "行政事业性收费", ("previous_items", "change")),
    ("procurement", "政府集中采购", ("items", "amount")),
)


@functools.lru_cache(maxsize=16)  # tuples of str: immutable, shared safely
def t2_keys(fmt: str) -> tuple[str, ...]:
    """Cell keys of Table 二 in printed order."""
    if fmt == "2019":
        return tuple(f"t2_2019.{row}.{col}" for row, _, cols in T2_ROWS_2019 for col in cols)
    out: list[str] = []
    for row, _, cols in T2_ROWS_2021:
        out.extend(f"t2.{row}.{c}" for c in cols) if cols else out.append(f"t2.{row}")
    return tuple(out)


@functools.lru_cache(maxsize=16)  # tuples of str: immutable, shared safely
def t3_keys(fmt: str) -> tuple[str, ...]:
    return tuple(f"t3.{r}.{c}" for r in t3_rows(fmt) for c in T3_COLUMNS)


@functools.lru_cache(maxsize=16)  # tuples of str: immutable, shared safely
def t4_keys() -> tuple[str, ...]:
    return tuple(f"t4.{b}.{c}" for b in T4_BLOCKS for c in T4_COLUMNS)


@functools.lru_cache(maxsize=16)  # tuples of str: immutable, shared safely
def cell_keys(fmt: str) -> tuple[str, ...]:
    """Every cell key of a report in `fmt` ('2021' → 200 keys, '2019' → 196 keys)."""
    return t2_keys(fmt) + t3_keys(fmt) + t4_keys()


#: Cells whose value is a decimal string rather than an integer count.
DECIMAL_KEYS = frozenset({T2_FEE_KEY, "t2_2019.procurement.amount"})
#: Cells that may be negative (the 2019 format's signed 本年增/减).
SIGNED_SUFFIX = ".change"

FORMATS = ("2021", "2019", "pre2019", "unknown")
SECTION_KEYS: tuple[str, ...] = ("overview", "proactive", "applications", "appeals", "problems", "other")
#: The official section titles (国办公开办函〔2021〕30号), in printed order.
SECTION_TITLES: dict[str, str] = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}
