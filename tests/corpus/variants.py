"""Catalogue of row and column labels as real reports print them, each mapped to its contract key.

This is the generator's own oracle. It is written out by hand from the documents themselves
(../shared/real/*/source.*, ../shared/seeds/*.txt, ../shared/spec/domain.md §6 "Variants in real
reports") and from the 2021 and 2019 formats as published; it deliberately imports nothing from
`xxgk` (least of all `xxgk.report.keys` or `xxgk.read`), so that a reader matching labels from its
own tables cannot agree with the generator by construction. `tests/corpus/test_printed.py` checks
that independence by parsing this file's imports.

Vocabulary:

- a row's *body* is its label without numbering (`属于国家秘密`); its *number* is the ordinal it
  carries in the official format (`1.`, `（一）`, `一、`), which `numbered()` prints in one of the
  `NUMBERING` styles;
- every body variant has a *family*: ``official`` (the format's wording), ``wording`` (lost or
  added words and punctuation agencies print: `其他法律、行政法规禁止公开`, `部分公开`),
  ``typo`` (misspellings and OCR confusions seen in published text: `本年废纸件数`,
  `逾期未接收费通知`, `其他法律行政止公开`, `三三、本年度办理结果`);
- `source` says where a variant was seen: ``real NNN`` (../shared/real), ``seed NNN``
  (../shared/seeds), ``domain §x`` (spec/domain.md), or ``plausible`` (a typo of the same kind,
  written here so that exact-substring matching cannot pass by luck).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

__all__ = [
    "Label", "RowSpec", "T3_ROWS_2021", "T3_ROWS_2019", "T3_COLUMNS", "T3_APPLICANT_COLUMNS",
    "T4_BLOCKS", "T4_COLUMNS", "T2_KEYS_2021", "T2_KEYS_2019", "T3_SPECS", "T3_GROUPS", "T3_MIXED_OTHER",
    "T3_COLUMN_LABELS", "T4_LABELS", "T2_LABELS_2021", "T2_LABELS_2019", "T2_COLUMN_LABELS_2021",
    "T2_COLUMN_LABELS_2019", "T2_CAPTIONS", "SECTION_HEADINGS", "NUMBERING", "FAMILIES",
    "numbered", "pick", "group_of",
]

FAMILIES = ("official", "wording", "typo")


@dataclass(frozen=True)
class Label:
    text: str
    family: str = "official"
    source: str = "format"
    #: The text carries its own (mis)printed ordinal, e.g. 三三、本年度办理结果: print it as is.
    numbered: bool = False


def _L(*items: tuple[str, str, str] | str) -> tuple[Label, ...]:
    out = []
    for it in items:
        out.append(Label(it) if isinstance(it, str) else Label(*it))
    return tuple(out)


# --- keys of the contract (../shared/spec/report-json.md), written out ---------------------------

T3_ROWS_2021: tuple[str, ...] = (
    "new_received", "carried_over", "granted", "partially_granted",
    "denied_state_secret", "denied_law_prohibited", "denied_security_stability", "denied_third_party",
    "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_admin_query",
    "unable_not_held", "unable_needs_creation", "unable_unclear",
    "not_processed_petition", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirm",
    "other_no_correction", "other_fee_unpaid", "other_other",
    "results_total", "carried_forward",
)
T3_ROWS_2019: tuple[str, ...] = (
    *T3_ROWS_2021[:T3_ROWS_2021.index("other_no_correction")], "other_processing", "results_total", "carried_forward",
)
T3_APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person", "commercial_enterprise", "research_institution", "public_welfare_org", "legal_service_org", "other_org",
)
T3_COLUMNS: tuple[str, ...] = (*T3_APPLICANT_COLUMNS, "total")
T4_BLOCKS: tuple[str, ...] = ("review", "litigation_direct", "litigation_after_review")
T4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
T2_KEYS_2021: tuple[str, ...] = (
    "t2.regulations.issued", "t2.regulations.repealed", "t2.regulations.in_force",
    "t2.normative_documents.issued", "t2.normative_documents.repealed", "t2.normative_documents.in_force",
    "t2.licensing", "t2.penalty", "t2.compulsion", "t2.admin_fees_wan_yuan",
)
T2_KEYS_2019: tuple[str, ...] = (
    *(f"t2_2019.{r}.{c}" for r in ("regulations", "normative_documents") for c in ("made", "published", "total_published")),
    *(f"t2_2019.{r}.{c}" for r in ("licensing", "other_services", "penalty", "compulsion")
      for c in ("previous_items", "change", "decisions")),
    "t2_2019.admin_fees.previous_items", "t2_2019.admin_fees.change",
    "t2_2019.procurement.items", "t2_2019.procurement.amount",
)

# --- numbering --------------------------------------------------------------------------------

_HAN = "一二三四五六七八九十"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

#: Styles of an item number n (1-based) under （三）–（六）: `1.` official; `1．` full-width dot and
#: `1. ` (seed 003); `1、` (issue 13: `3、其他`); `(1)`, `（1）`, `①` (issue 13); none (013's markdown
#: lost some; agencies drop them in merged Word tables).
NUMBERING: dict[str, str] = {
    "dot": "{n}.", "dot_space": "{n}. ", "fullwidth_dot": "{n}．", "comma": "{n}、", "paren": "({n})",
    "fullparen": "（{n}）", "circled": "{c}", "none": "",
}
#: Styles of a sub-group ordinal （一）–（七） (official `（一）`; `(二)`, `(三) ` in seed 000/002).
SUB_NUMBERING: dict[str, str] = {
    "full": "（{h}）", "half": "({h})", "half_space": "({h}) ", "full_space": "（{h}） ", "none": "",
}
#: Styles of a top-level ordinal 一、 二、 三、 四、 (official `一、`).
TOP_NUMBERING: dict[str, str] = {"comma": "{h}、", "dot": "{h}．", "space": "{h} ", "none": ""}


def numbered(kind: str, n: int, style: str) -> str:
    """The printed number of ordinal `n` for a row of `kind` ('item' | 'sub' | 'top') in `style`."""
    table = {"item": NUMBERING, "sub": SUB_NUMBERING, "top": TOP_NUMBERING}[kind]
    fmt = table.get(style, next(iter(table.values())))
    return fmt.format(n=n, h=_HAN[n - 1], c=_CIRCLED[n - 1])


# --- Table 三 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowSpec:
    key: str
    kind: str  # 'top' (一、二、四、), 'sub' (（一）（二）（七）), 'item' (1.–8. under a group)
    n: int  # the ordinal printed in the official format
    bodies: tuple[Label, ...]  # bodies[0] is the official wording


#: Group labels (merged cells in the official table): key → (kind, ordinal, bodies).
T3_GROUPS: dict[str, RowSpec] = {
    "results": RowSpec("results", "top", 3, _L(
        "本年度办理结果",
        ("本年度办理结果情况", "wording", "plausible"),
        ("本年办理结果", "wording", "plausible"),
    ) + (Label("三三、本年度办理结果", "typo", "real 015 (the ordinal printed twice)", numbered=True),)),
    "denied": RowSpec("denied", "sub", 3, _L("不予公开", ("不予公开的", "wording", "plausible"), ("不与公开", "typo", "plausible"))),
    "unable": RowSpec("unable", "sub", 4, _L("无法提供", ("无法提供的", "wording", "plausible"))),
    "not_processed": RowSpec("not_processed", "sub", 5, _L("不予处理", ("不予处理的", "wording", "plausible"))),
    "other": RowSpec("other", "sub", 6, _L("其他处理", ("其它处理", "typo", "plausible"))),
}

#: Which group label sits above each row (None: no group; 'results' only: directly under 三、).
_GROUP_OF: dict[str, tuple[str, ...]] = {
    **{k: ("results",) for k in ("granted", "partially_granted", "results_total", "other_processing")},
    **{k: ("results", "denied") for k in T3_ROWS_2021 if k.startswith("denied_")},
    **{k: ("results", "unable") for k in T3_ROWS_2021 if k.startswith("unable_")},
    **{k: ("results", "not_processed") for k in T3_ROWS_2021 if k.startswith("not_processed_")},
    **{k: ("results", "other") for k in ("other_no_correction", "other_fee_unpaid", "other_other")},
}


def group_of(key: str) -> tuple[str, ...]:
    """The group labels above row `key`, outermost first (() for 一、二、四、)."""
    return _GROUP_OF.get(key, ())


T3_SPECS: dict[str, RowSpec] = {s.key: s for s in (
    RowSpec("new_received", "top", 1, _L(
        "本年新收政府信息公开申请数量",
        ("本年新收政府信息公开申请数", "wording", "plausible"),
        ("本年新收到政府信息公开申请数量", "wording", "plausible"),
        ("本年新收政府信息公开申清数量", "typo", "plausible (请→清)"),
    )),
    RowSpec("carried_over", "top", 2, _L(
        "上年结转政府信息公开申请数量",
        ("上年度结转政府信息公开申请数量", "wording", "plausible"),
        ("上年结转政府信息公开申请数", "wording", "plausible"),
        ("上年结转政府信息公开申请教量", "typo", "plausible (数→教, OCR)"),
    )),
    RowSpec("granted", "sub", 1, _L("予以公开", ("予以公开的", "wording", "plausible"), ("予于公开", "typo", "plausible"))),
    RowSpec("partially_granted", "sub", 2, _L(
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        ("部分公开(区分处理的, 只计这一情形,不计其他情形)", "wording", "seed 000"),
        ("部分公开", "wording", "plausible (the note left out)"),
        ("部分公开（区分处理的，只计这一情形，不计其它情形）", "typo", "plausible (其他→其它)"),
        ("部分公开（区分处理的只计这一情形不计其他情形）", "wording", "plausible"),
    )),
    RowSpec("denied_state_secret", "item", 1, _L(
        "属于国家秘密", ("国家秘密", "wording", "plausible"), ("属于国家密秘", "typo", "plausible"),
    )),
    RowSpec("denied_law_prohibited", "item", 2, _L(
        "其他法律行政法规禁止公开",
        ("其他法律、行政法规禁止公开", "wording", "plausible (the statute's punctuation)"),
        ("其他法律行政止公开", "typo", "issue 13 (lost 法规禁)"),
        ("其它法律行政法规禁止公开", "typo", "plausible"),
    )),
    RowSpec("denied_security_stability", "item", 3, _L(
        "危及“三安全一稳定”",
        ('危及"三安全一稳定"', "wording", "plausible (ASCII quotes)"),
        ("危及三安全一稳定", "wording", "plausible"),
        ("危及‘三安全一稳定’", "wording", "plausible"),
        ("危及“三安全一稳定“", "typo", "plausible"),
    )),
    RowSpec("denied_third_party", "item", 4, _L(
        "保护第三方合法权益", ("保护第三方合法权益的", "wording", "plausible"), ("保护第三方合法权利", "typo", "plausible"),
    )),
    RowSpec("denied_internal_affairs", "item", 5, _L(
        "属于三类内部事务信息", ("三类内部事务信息", "wording", "plausible"), ("属于三类内部事物信息", "typo", "plausible (务→物)"),
    )),
    RowSpec("denied_process_info", "item", 6, _L(
        "属于四类过程性信息", ("四类过程性信息", "wording", "plausible"), ("属于四类过程信息", "typo", "plausible (lost 性)"),
    )),
    RowSpec("denied_enforcement_file", "item", 7, _L(
        "属于行政执法案卷", ("行政执法案卷", "wording", "plausible"), ("属于行政执法案件", "typo", "plausible"),
    )),
    RowSpec("denied_admin_query", "item", 8, _L(
        "属于行政查询事项", ("行政查询事项", "wording", "plausible"), ("属于行政査询事项", "typo", "plausible (查→査)"),
    )),
    RowSpec("unable_not_held", "item", 1, _L(
        "本机关不掌握相关政府信息",
        ("本行政机关不掌握相关政府信息", "wording", "plausible"),
        ("本机关不掌握相关信息", "wording", "plausible"),
        ("本机关不掌握相关政府信", "typo", "real 013 (a wrapped 息 lost)"),
    )),
    RowSpec("unable_needs_creation", "item", 2, _L(
        "没有现成信息需要另行制作",
        ("没有现成信息，需要另行制作", "wording", "plausible"),
        ("没有现成信息需另行制作", "wording", "plausible"),
        ("没有现成信息需要另行製作", "typo", "plausible (traditional 製)"),
    )),
    RowSpec("unable_unclear", "item", 3, _L(
        "补正后申请内容仍不明确",
        ("补正后申请内容不明确", "wording", "plausible"),
        ("补正后申请内容仍不明确的", "wording", "plausible"),
        ("补证后申请内容仍不明确", "typo", "plausible (正→证)"),
    )),
    RowSpec("not_processed_petition", "item", 1, _L(
        "信访举报投诉类申请", ("信访、举报、投诉类申请", "wording", "plausible"), ("信访举报投诉类", "wording", "plausible"),
        ("信仿举报投诉类申请", "typo", "plausible"),
    )),
    RowSpec("not_processed_duplicate", "item", 2, _L("重复申请", ("重复申请的", "wording", "plausible"), ("重复申清", "typo", "plausible"))),
    RowSpec("not_processed_publication", "item", 3, _L(
        "要求提供公开出版物", ("要求提供公开出版物的", "wording", "plausible"), ("要求提供公开出板物", "typo", "plausible"),
    )),
    RowSpec("not_processed_excessive", "item", 4, _L(
        "无正当理由大量反复申请", ("无正当理由大量、反复申请", "wording", "plausible"), ("无正当理由大量反复申清", "typo", "plausible"),
    )),
    RowSpec("not_processed_confirm", "item", 5, _L(
        "要求行政机关确认或重新出具已获取信息",
        ("要求行政机关确认或重新出具已获取的信息", "wording", "plausible"),
        ("要求行政机关确认或重新出具已获得信息", "typo", "plausible"),
    )),
    RowSpec("other_no_correction", "item", 1, _L(
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("申请人无正当理由逾期不补正，行政机关不再处理其政府信息公开申请", "wording", "plausible"),
        ("申请人无正当理由逾期不补正", "wording", "plausible (the tail left out)"),
        ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申", "typo", "plausible (a wrapped 请 lost)"),
    )),
    RowSpec("other_fee_unpaid", "item", 2, _L(
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("申请人逾期未按收费通知要求缴纳费用", "wording", "plausible (the tail left out)"),
        ("申请人逾期未接收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "typo", "seed 000 (按→接, OCR)"),
        ("申请人逾期未按收费通知要求交纳费用、行政机关不再处理其政府信息公开申请", "typo", "plausible (缴→交)"),
    )),
    RowSpec("other_other", "item", 3, _L("其他", ("其它", "typo", "plausible"))),
    RowSpec("other_processing", "sub", 6, _L("其他处理", ("其它处理", "typo", "plausible"))),
    RowSpec("results_total", "sub", 7, _L("总计", ("合计", "wording", "plausible"), ("总 计", "wording", "seed 003"))),
    RowSpec("carried_forward", "top", 4, _L(
        "结转下年度继续办理",
        ("结转下一年度继续办理", "wording", "plausible"),
        ("结转下年度继续办理的", "wording", "plausible"),
        ("结转下年度继续力理", "typo", "plausible (办→力, OCR)"),
    )),
)}

#: A 2021 table that prints the 2019 row （六）其他处理 as ONE row (real 021): printed under this key,
#: and the contract's three other_* rows are absent (null) in the truth.
T3_MIXED_OTHER = "other_processing"

#: Column headers of Table 三 (the 2021 and 2019 formats agree).
T3_COLUMN_LABELS: dict[str, tuple[Label, ...]] = {
    "natural_person": _L("自然人"),
    "commercial_enterprise": _L("商业企业", ("商业\n企业", "wording", "seed 001")),
    "research_institution": _L("科研机构", ("科研\n机构", "wording", "seed 001")),
    "public_welfare_org": _L("社会公益组织", ("社会公\n益组织", "wording", "real 013")),
    "legal_service_org": _L("法律服务机构", ("法律服\n务机构", "wording", "real 013")),
    "other_org": _L("其他", ("其它", "typo", "plausible")),
    "total": _L("总计", ("合计", "wording", "plausible")),
}
T3_HEADER_TEXT: dict[str, tuple[Label, ...]] = {
    "note": _L(
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
        ("(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", "wording", "seed 002"),
    ),
    "band": _L("申请人情况"),
    "orgs": _L("法人或其他组织", ("法人或其它组织", "typo", "plausible")),
}

# --- Table 四 ---------------------------------------------------------------------------------

T4_LABELS: dict[str, tuple[Label, ...]] = {
    "review": _L("行政复议", ("行政复议情况", "wording", "plausible")),
    "litigation": _L("行政诉讼", ("行政诉讼情况", "wording", "plausible")),
    "litigation_direct": _L("未经复议直接起诉", ("未经复议直接起诉的", "wording", "plausible")),
    "litigation_after_review": _L("复议后起诉", ("经复议后起诉", "wording", "plausible")),
    "upheld": _L("结果维持", ("结果 维持", "wording", "seed 000"), ("结 果 维 持", "wording", "seed 003")),
    "corrected": _L("结果纠正", ("结果 纠正", "wording", "seed 000"), ("结果纠错", "typo", "plausible")),
    "other": _L("其他结果", ("其它结果", "typo", "plausible")),
    "pending": _L("尚未审结", ("尚未 审结", "wording", "seed 000")),
    "total": _L("总计", ("总 计", "wording", "seed 003")),
}

# --- Table 二 ---------------------------------------------------------------------------------

T2_CAPTIONS: dict[str, tuple[Label, ...]] = {
    n: _L(f"第二十条第（{n}）项", (f"第二十条第({n})项", "wording", "seed 002"), (f"第二十条  第({n})项", "wording", "domain §6.1 (长春)"))
    for n in ("一", "五", "六", "八", "九")
}
T2_COLUMN_LABELS_2021: dict[str, tuple[Label, ...]] = {
    "item": _L("信息内容"),
    "issued": _L("本年制发件数", ("本年新制发件数", "wording", "plausible")),
    "repealed": _L("本年废止件数", ("本年废纸件数", "typo", "real 006")),
    "in_force": _L("现行有效件数"),
    "decisions": _L("本年处理决定数量"),
    "fee": _L("本年收费金额（单位：万元）", ("本年收费金额(单位:万元)", "wording", "plausible"), ("本年收费金额（万元）", "wording", "plausible")),
}
#: Table 二 row labels (2021): key prefix → bodies.
T2_LABELS_2021: dict[str, tuple[Label, ...]] = {
    "regulations": _L("规章", ("规 章", "wording", "seed 000"), ("规\u3000章", "wording", "plausible (ideographic space)")),
    "normative_documents": _L("行政规范性文件", ("规范性文件", "wording", "real 013"), ("行政规范姓文件", "typo", "plausible")),
    "licensing": _L("行政许可", ("行政许可决定", "wording", "plausible"), ("行政许 可", "wording", "plausible (spaced as 规 章)")),
    "penalty": _L("行政处罚", ("行政处罚决定", "wording", "plausible"), ("行政处理", "typo", "plausible (罚→理)")),
    "compulsion": _L("行政强制", ("行政强制措施", "wording", "plausible"), ("行政强治", "typo", "plausible")),
    "admin_fees_wan_yuan": _L("行政事业性收费", ("行政事业性收费项目", "wording", "plausible"), ("行政事业收费", "typo", "plausible (lost 性)")),
}
T2_COLUMN_LABELS_2019: dict[str, tuple[Label, ...]] = {
    "item": _L("信息内容"),
    "made": _L("本年新制作数量"),
    "published": _L("本年新公开数量"),
    "total_published": _L("对外公开总数量"),
    "previous_items": _L("上一年项目数量"),
    "change": _L("本年增/减", ("本年增／减", "wording", "plausible")),
    "decisions": _L("处理决定数量"),
    "items": _L("采购项目数量"),
    "amount": _L("采购总金额"),
}
T2_LABELS_2019: dict[str, tuple[Label, ...]] = {
    "regulations": _L("规章", ("规 章", "wording", "seed 000")),
    "normative_documents": _L("规范性文件", ("行政规范性文件", "wording", "plausible (the 2021 name)")),
    "licensing": _L("行政许可", ("行政许可事项", "wording", "plausible")),
    "other_services": _L("其他对外管理服务事项", ("其他对外管理服务", "wording", "plausible"), ("其它对外管理服务事项", "typo", "plausible")),
    "penalty": _L("行政处罚", ("行政处罚事项", "wording", "plausible")),
    "compulsion": _L("行政强制", ("行政强制事项", "wording", "plausible")),
    "admin_fees": _L("行政事业性收费", ("行政事业性收费项目", "wording", "plausible")),
    "procurement": _L("政府集中采购", ("政府集中采购项目", "wording", "plausible"), ("政府集中釆购", "typo", "plausible (采→釆)")),
}

# --- section headings (domain.md §6.1, real 002/025) -------------------------------------------

SECTION_HEADINGS: dict[str, tuple[Label, ...]] = {
    "overview": _L("一、总体情况"),
    "proactive": _L("二、主动公开政府信息情况"),
    "applications": _L("三、收到和处理政府信息公开申请情况"),
    "appeals": _L(
        "四、政府信息公开行政复议、行政诉讼情况",
        ("四、政府信息公开行政复议与行政诉讼情况", "wording", "real 025"),
        ("四、政府信息公开行政法复议、行政诉讼情况", "typo", "real 002"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "wording", "domain §6.1"),
    ),
    "problems": _L(
        "五、存在的主要问题及改进情况",
        ("五、存在的主要问题及改进措施", "wording", "seed 002"),
        ("五、存在主要问题及改进情况", "wording", "seed 003"),
    ),
    "other": _L("六、其他需要报告的事项"),
}


def pick(labels: tuple[Label, ...], family: str, rng: random.Random) -> Label:
    """A label of `family` when the catalogue has one (else the official one).

    `family` 'any' draws among all variants, the official one weighted as half the draws.
    """
    if family == "official":
        return labels[0]
    if family == "any":
        return labels[0] if rng.random() < 0.5 else rng.choice(labels)
    cands = [lab for lab in labels if lab.family == family]
    return rng.choice(cands) if cands else labels[0]
