"""Draft the narrative sections of an annual report from its tables.

`draft_sections(report)` returns the text of the six sections (`keys.SECTION_KEYS`): every sentence
with a number states a cell of 表二/表三/表四 (or an exact sum of cells, such as 不予公开 = the eight
不予公开 rows), and everything the tables cannot know — 平台建设, 监督保障, problems, the channels
through which information was published — is a marked placeholder `【请填写：…】` for the office to
replace. A cell that is blank or `/` is never guessed: its sentence is left out and a
`【请核对：…】` placeholder names the cell. `find_placeholders` lists what is still to be filled.

Drafting never changes a number, and never touches a section that already has text unless
`keep_existing=False`: the office edits the text, the tables stay as they are.

The drafted text passes the narrative checks of `checks.py` by construction: the 依申请公开
sentence is worded "新收政府信息公开申请N件" / "未收到政府信息公开申请" with N = 表三 新收 总计,
"予以公开N件" is 表三 予以公开 总计, and section 六 never says "未发出收费通知" while 表三
「申请人逾期未按收费通知要求缴纳费用」 is non-zero.

**Fees (section 六).** 表三 has no cell for 信息处理费: the fee figures come from `fees=` or, failing
that, `report.extra["fees"]` (a mapping with the keys of `FeeFigures`: `notices`,
`notice_amount_yuan`, `collected_yuan`; amounts in 元, as decimal strings or numbers). The format
asks for the number of fee notices issued, their total amount and the amount actually collected
(国办公开办函〔2021〕30号, 国办函〔2020〕109号; domain.md §2.3, §7.4 — the exact 30号 wording is
unverified). The zero wording is the sample reports' "未发出政府信息处理费收费通知，未收取信息处理费"
(seeds 000, 002). Without fee figures, the zero sentence is written only when the tables prove it
(no application was received or carried over, so no notice could have been sent, cf. seed 003);
otherwise section 六 gets a placeholder. Pure Python, no I/O.

>>> from xxgk.report import Report, keys as K
>>> values = {k: 0 for k in K.cell_keys("2021")}
>>> values.update({"t3.new_received.natural_person": 3, "t3.new_received.total": 3,
...                "t3.granted.natural_person": 2, "t3.granted.total": 2,
...                "t3.unable_not_held.natural_person": 1, "t3.unable_not_held.total": 1,
...                "t3.results_total.natural_person": 3, "t3.results_total.total": 3})
>>> report = Report.from_values(values, format="2021", agency="某某镇人民政府", year=2024)
>>> sections = draft_sections(report)
>>> lines = sections["overview"].splitlines()
>>> print(lines[lines.index("（二）依申请公开") + 1])
2024年，某某镇人民政府新收政府信息公开申请3件（均由自然人提出）。本年度办结3件，其中予以公开2件，无法提供1件（本机关不掌握相关政府信息1件）；无结转下年度继续办理的申请。
>>> print(sections["other"].splitlines()[0])
【请填写：本年度发出政府信息处理费收费通知的件数、通知收费金额（元）和实际收取的信息处理费金额（元）；如未发出收费通知，写“本年度未发出政府信息处理费收费通知，未收取信息处理费。”】
>>> print(draft_sections(report, fees=FeeFigures(0))["other"].splitlines()[0])
某某镇人民政府2024年未发出政府信息处理费收费通知，未收取信息处理费。
>>> report.sections["problems"] = "（一）存在的主要问题……"
>>> draft_sections(report)["problems"]
'（一）存在的主要问题……'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from . import keys as K
from .checks import cell_label
from .model import Report

__all__ = ["FeeFigures", "PLACEHOLDER_RE", "draft_sections", "find_placeholders"]

#: A placeholder the office must replace (`填写`) or a table cell it must look at (`核对`).
PLACEHOLDER_RE = re.compile(r"【请(?:填写|核对)：[^【】]*】")

OVERVIEW_HEADINGS = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设", "（五）监督保障")

_TODO = {
    "intro": "【请填写：本机关贯彻落实《中华人民共和国政府信息公开条例》、推进政府信息公开工作的总体情况综述】",
    "proactive": "【请填写：通过政府网站、政务新媒体、政务公开栏等渠道主动公开政府信息的数量和重点领域信息公开情况】",
    "applications": "【请填写：依申请公开工作机制、办理流程等情况】",
    "management": "【请填写：政府信息公开审查（保密审查）、公开目录更新、失效信息清理等政府信息管理情况】",
    "platform": "【请填写：政府网站、政务新媒体、政务公开专区等政府信息公开平台建设情况】",
    "supervision": "【请填写：监督保障情况，含工作考核、社会评议和责任追究结果情况】",
    "problems": "【请填写：本年度政府信息公开工作存在的主要问题】",
    "improvements": "【请填写：针对上述问题的改进情况和措施】",
    "fees": "【请填写：本年度发出政府信息处理费收费通知的件数、通知收费金额（元）和实际收取的信息处理费金额（元）】",
    "fees_none_hint": "；如未发出收费通知，写“本年度未发出政府信息处理费收费通知，未收取信息处理费。”】",
    "other": "【请填写：其他需要报告的事项，如本年度政务公开工作要点落实情况；如无，请删除本段】",
}


def find_placeholders(text: str) -> list[str]:
    """The placeholders still in `text`, in order (an empty list means the draft has been completed)."""
    return PLACEHOLDER_RE.findall(text or "")


# --- fees ---------------------------------------------------------------------------------------


def _money(value: Any, name: str) -> Decimal:
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"{name}: give an amount in 元 as a decimal string, int or Decimal, not {type(value).__name__} {value!r}")
    try:
        d = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{name}: {value!r} is not an amount in 元") from None
    if not d.is_finite() or d < 0:
        raise ValueError(f"{name}: {value!r} is not a non-negative amount in 元")
    return d


@dataclass(frozen=True)
class FeeFigures:
    """The 信息处理费 figures of the year (国办函〔2020〕109号), which 表三 does not hold.

    `notices`: fee notices (收费通知) issued in the year; `notice_amount_yuan`: their total amount;
    `collected_yuan`: the amount actually collected. Amounts in 元 (Decimal, int or decimal string;
    a float is refused, since it cannot hold 0.1 元 exactly).
    """

    notices: int
    notice_amount_yuan: Decimal | int | str = 0
    collected_yuan: Decimal | int | str = 0

    def __post_init__(self) -> None:
        if isinstance(self.notices, bool) or not isinstance(self.notices, int) or self.notices < 0:
            raise ValueError(f"notices: {self.notices!r} is not a non-negative number of fee notices")
        object.__setattr__(self, "notice_amount_yuan", _money(self.notice_amount_yuan, "notice_amount_yuan"))
        object.__setattr__(self, "collected_yuan", _money(self.collected_yuan, "collected_yuan"))
        if self.notices == 0 and self.notice_amount_yuan != 0:
            raise ValueError("notice_amount_yuan is non-zero, but no fee notice was issued")

    @classmethod
    def from_mapping(cls, d: Mapping[str, Any]) -> FeeFigures:
        unknown = set(d) - {"notices", "notice_amount_yuan", "collected_yuan"}
        if unknown:
            raise ValueError(f"unknown fee fields: {', '.join(sorted(unknown))}")
        return cls(d["notices"], d.get("notice_amount_yuan", 0), d.get("collected_yuan", 0))


def _yuan(d: Decimal) -> str:
    """The amount exactly as given, never in exponent form ('380', '380.50', '1000')."""
    return format(d, "f")


# --- cells --------------------------------------------------------------------------------------


class _Cells:
    """Integer cells of one report; a blank, `/` or text cell is None and is remembered as missing."""

    def __init__(self, r: Report) -> None:
        self.r = r
        self.missing: list[str] = []

    def n(self, key: str) -> int | None:
        cell = self.r.cells.get(key)
        v = cell.value if cell else None
        if type(v) is int:
            return v
        if key not in self.missing:
            self.missing.append(key)
        return None

    def total(self, keys: Iterable[str]) -> int | None:
        vals = [self.n(k) for k in keys]
        return None if None in vals else sum(vals)  # type: ignore[arg-type]

    def decimal(self, key: str) -> str | None:
        cell = self.r.cells.get(key)
        v = cell.value if cell else None
        if isinstance(v, str):
            try:
                d = Decimal(v)
            except InvalidOperation:
                d = None
            if d is not None and d.is_finite() and d >= 0:
                return v
        if key not in self.missing:
            self.missing.append(key)
        return None

    def text(self, key: str) -> str | None:
        cell = self.r.cells.get(key)
        v = cell.value if cell else None
        if v is None or isinstance(v, bool):
            if key not in self.missing:
                self.missing.append(key)
            return None
        return str(v)

    def check_note(self) -> str:
        """A 【请核对】 placeholder for the cells that were missing, then forget them."""
        if not self.missing:
            return ""
        names = "、".join(cell_label(k) for k in self.missing)
        self.missing = []
        return f"【请核对：{names}为空或不是数字，相应内容未写入本段】"


def _join(parts: list[str], sep: str = "、") -> str:
    return sep.join(p for p in parts if p)


# --- Table 三 ------------------------------------------------------------------------------------

_LEAF_WORDS = {
    "denied_state_secret": "属于国家秘密",
    "denied_law_prohibited": "其他法律行政法规禁止公开",
    "denied_security_stability": "危及“三安全一稳定”",
    "denied_third_party": "保护第三方合法权益",
    "denied_internal_affairs": "属于三类内部事务信息",
    "denied_process_info": "属于四类过程性信息",
    "denied_enforcement_file": "属于行政执法案卷",
    "denied_admin_query": "属于行政查询事项",
    "unable_not_held": "本机关不掌握相关政府信息",
    "unable_needs_creation": "没有现成信息需要另行制作",
    "unable_unclear": "补正后申请内容仍不明确",
    "not_processed_petition": "信访举报投诉类申请",
    "not_processed_duplicate": "重复申请",
    "not_processed_publication": "要求提供公开出版物",
    "not_processed_excessive": "无正当理由大量反复申请",
    "not_processed_confirm": "要求行政机关确认或重新出具已获取信息",
    "other_no_correction": "申请人无正当理由逾期不补正",
    "other_fee_unpaid": "申请人逾期未按收费通知要求缴纳费用",
    "other_other": "其他情形",
}
#: (group word, leaf rows) in printed order; a one-row group is written without parentheses.
_GROUPS_2021: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ("granted",)),
    ("部分公开", ("partially_granted",)),
    ("不予公开", tuple(r for r in K.t3_outcome_rows("2021") if r.startswith("denied_"))),
    ("无法提供", tuple(r for r in K.t3_outcome_rows("2021") if r.startswith("unable_"))),
    ("不予处理", tuple(r for r in K.t3_outcome_rows("2021") if r.startswith("not_processed_"))),
    ("其他处理", ("other_no_correction", "other_fee_unpaid", "other_other")),
)
_GROUPS_2019 = _GROUPS_2021[:-1] + (("其他处理", ("other_processing",)),)

_APPLICANT_WORDS = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "public_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他法人或其他组织",
}


def _applicants(c: _Cells) -> str:
    """'（自然人2件、商业企业1件）' or '（均由自然人提出）' for the 新收 row; '' when unknown."""
    vals = {col: c.n(f"t3.new_received.{col}") for col in K.T3_APPLICANT_COLUMNS}
    if None in vals.values():
        return ""
    nonzero = [col for col, v in vals.items() if v]
    if len(nonzero) == 1:
        return f"（均由{_APPLICANT_WORDS[nonzero[0]]}提出）"
    if not nonzero:
        return ""
    return "（" + _join([f"{_APPLICANT_WORDS[col]}{vals[col]}件" for col in nonzero]) + "）"


def _outcomes(c: _Cells, fmt: str) -> str:
    """'予以公开2件，不予公开3件（属于国家秘密1件、…），…': the non-zero groups, each with its rows."""
    parts: list[str] = []
    for word, rows in _GROUPS_2019 if fmt == "2019" else _GROUPS_2021:
        total = c.total(f"t3.{r}.total" for r in rows)
        if not total:
            continue
        detail = ""
        if len(rows) > 1:
            detail = "（" + _join([f"{_LEAF_WORDS[r]}{c.n(f't3.{r}.total')}件" for r in rows if c.n(f"t3.{r}.total")]) + "）"
        parts.append(f"{word}{total}件{detail}")
    return "，".join(parts)


def _applications_paragraph(c: _Cells, who: str, when: str, fmt: str) -> str:
    new, over = c.n("t3.new_received.total"), c.n("t3.carried_over.total")
    done, forward = c.n("t3.results_total.total"), c.n("t3.carried_forward.total")
    sentences: list[str] = []
    if new is not None:
        if new:
            s = f"{when}，{who}新收政府信息公开申请{new}件{_applicants(c)}"
        else:  # the checker reads "未收到…政府信息公开申请" as 新收 = 0
            s = f"{when}，{who}未收到{'新的' if over else ''}政府信息公开申请"
        sentences.append(s + (f"，上年结转{over}件。" if over else "。"))
    elif over:
        sentences.append(f"{when}，{who}上年结转政府信息公开申请{over}件。")
    if new or over or done or forward:
        parts: list[str] = []
        if done:
            outcomes = _outcomes(c, fmt)
            parts.append(f"本年度办结{done}件" + (f"，其中{outcomes}" if outcomes else ""))
        elif done == 0:
            parts.append("本年度暂无办结的申请")
        if forward:
            parts.append(f"结转下年度继续办理{forward}件")
        elif forward == 0:
            parts.append("无结转下年度继续办理的申请")
        if parts:
            sentences.append("；".join(parts) + "。")
    return "".join(sentences) + c.check_note()


# --- Table 二 ------------------------------------------------------------------------------------


def _flows(word: str, flows: list[tuple[str, int]], nothing: str) -> str:
    """'制发行政规范性文件2件、废止1件' (the noun after the first verb only), or `nothing`."""
    done = [(verb, n) for verb, n in flows if n]
    if not done:
        return nothing
    (verb, n), rest = done[0], done[1:]
    return f"{verb}{word}{n}件" + "".join(f"、{v}{m}件" for v, m in rest)


def _t2_2021(c: _Cells, who: str, when: str) -> str:
    out: list[str] = []
    for row, word in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        issued, repealed, in_force = (c.n(f"t2.{row}.{col}") for col in ("issued", "repealed", "in_force"))
        if issued is None or repealed is None or in_force is None:
            continue
        if row == "regulations" and not (issued or repealed or in_force):
            continue  # most bodies have no rule-making power: nothing to say
        flows = _flows(word, [("制发", issued), ("废止", repealed)], f"未制发{word}")
        out.append(f"本年{flows}" + (f"，现行有效{word}{in_force}件。" if in_force else "。"))
    decisions = {word: c.n(f"t2.{row}") for row, word in (("licensing", "行政许可"), ("penalty", "行政处罚"), ("compulsion", "行政强制"))}
    made = [f"{w}处理决定{v}件" for w, v in decisions.items() if v]
    none = [w for w, v in decisions.items() if v == 0]
    if made:
        out.append(f"本年作出{_join(made)}" + (f"，未作出{_join(none)}处理决定。" if none else "。"))
    elif none:
        out.append(f"本年未作出{_join(none)}处理决定。")
    fee = c.decimal(K.T2_FEE_KEY)
    if fee is not None:
        out.append(f"本年行政事业性收费金额{fee}万元。" if Decimal(fee) else "本年无行政事业性收费。")
    text = f"{when}，{who}主动公开政府信息情况详见表二。" + "".join(out) if out else ""
    return text + c.check_note()


def _signed(change: int) -> str:
    return f"增加{change}项" if change > 0 else (f"减少{-change}项" if change < 0 else "无增减")


def _procurement_amount(c: _Cells) -> str | None:
    """The 采购总金额 as printed: its unit is in the raw text only ('251000元'); without one, say so."""
    value = c.text("t2_2019.procurement.amount")
    if value is None:
        return None
    raw = re.sub(r"\s+", "", c.r.cells["t2_2019.procurement.amount"].raw)
    unit = re.search(r"(?:亿元|万元|元)$", raw)
    return value + (unit[0] if unit else "（单位同表二）")


_T2_2019_ITEMS = (
    ("licensing", "行政许可事项"),
    ("other_services", "其他对外管理服务事项"),
    ("penalty", "行政处罚事项"),
    ("compulsion", "行政强制事项"),
    ("admin_fees", "行政事业性收费项目"),
)


def _t2_2019(c: _Cells, who: str, when: str) -> str:
    out: list[str] = []
    for row, word in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        made, published, total = (c.n(f"t2_2019.{row}.{col}") for col in ("made", "published", "total_published"))
        if made is None or published is None or total is None:
            continue
        if row == "regulations" and not (made or published or total):
            continue
        flows = _flows(word, [("新制作", made), ("新公开", published)], f"未新制作、新公开{word}")
        out.append(f"本年{flows}" + (f"，对外公开{word}总数{total}件。" if total else "。"))
    for row, word in _T2_2019_ITEMS:
        cols = ("previous_items", "change", "decisions") if row != "admin_fees" else ("previous_items", "change")
        prev, change, *decisions = (c.n(f"t2_2019.{row}.{col}") for col in cols)
        if prev is None or change is None or None in decisions:
            continue
        items = f"{word}上一年{prev}项、本年{_signed(change)}" if prev else f"{word}本年{_signed(change)}"
        if decisions:
            items += f"，作出处理决定{decisions[0]}件" if decisions[0] else "，未作出处理决定"
        out.append(items + "。")
    items = c.n("t2_2019.procurement.items")
    amount = _procurement_amount(c) if items else None
    if items == 0:
        out.append("本年无政府集中采购项目。")
    elif items:
        out.append(f"政府集中采购项目{items}个" + (f"，采购总金额{amount}。" if amount is not None else "。"))
    text = f"{when}，{who}主动公开政府信息情况详见表二。" + "".join(out) if out else ""
    return text + c.check_note()


# --- Table 四 ------------------------------------------------------------------------------------

_T4_RESULT_WORDS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结"}


def _t4_detail(c: _Cells, block: str) -> str:
    parts = [f"{w}{c.n(f't4.{block}.{col}')}件" for col, w in _T4_RESULT_WORDS.items() if c.n(f"t4.{block}.{col}")]
    return "（" + _join(parts) + "）" if parts else ""


def _appeals_paragraph(c: _Cells, who: str, when: str) -> str:
    review = c.n("t4.review.total")
    direct, after = c.n("t4.litigation_direct.total"), c.n("t4.litigation_after_review.total")
    lit = None if direct is None or after is None else direct + after
    if review == 0 and lit == 0:
        return f"{when}，{who}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。" + c.check_note()
    parts: list[str] = []
    if review is not None:
        parts.append(f"被申请行政复议{review}件{_t4_detail(c, 'review')}" if review else "未被申请行政复议")
    if lit:
        blocks = _join([f"{name}{n}件{_t4_detail(c, b)}" for b, name, n in (
            ("litigation_direct", "未经复议直接起诉", direct), ("litigation_after_review", "复议后起诉", after)) if n], "，")
        parts.append(f"被提起行政诉讼{lit}件，其中{blocks}")
    elif lit == 0:
        parts.append("未被提起行政诉讼")
    text = f"{when}，{who}因政府信息公开工作" + "；".join(parts) + "。" if parts else ""
    return text + "具体情况见下表。" + c.check_note()


# --- section 六 -----------------------------------------------------------------------------------


def _fees_paragraph(r: Report, who: str, when: str, fees: FeeFigures | None) -> str:
    c = _Cells(r)  # a blank 表三 cell is reported in section 一, not again here
    unpaid = (c.n("t3.other_fee_unpaid.total") or 0) if r.table_format == "2021" else 0
    lapsed = f"因申请人逾期未按收费通知要求缴纳费用而不再处理的政府信息公开申请{unpaid}件。" if unpaid else ""
    if fees is None:
        if c.n("t3.new_received.total") == 0 and c.n("t3.carried_over.total") == 0 and not unpaid:
            # No application was handled this year, so no fee notice can have been sent (cf. seed 003).
            return f"{who}{when}未收到政府信息公开申请，未发出政府信息处理费收费通知，未收取信息处理费。"
        if unpaid:  # a notice was sent: the "未发出" hint would be wrong (and flagged by the checker)
            return _TODO["fees"] + "\n" + f"{when}，{who}{lapsed}"
        return _TODO["fees"][:-1] + _TODO["fees_none_hint"]
    if fees.notices == 0:
        if unpaid:
            raise ValueError(
                f"fees.notices is 0, but {cell_label('t3.other_fee_unpaid.total')} is {unpaid}: an application "
                "lapses for an unpaid fee only after a fee notice; correct the fee figures or the table"
            )
        collected = f"收取信息处理费{_yuan(fees.collected_yuan)}元" if fees.collected_yuan else "未收取信息处理费"  # type: ignore[arg-type]
        return f"{who}{when}未发出政府信息处理费收费通知，{collected}。"
    collected = f"实际收取信息处理费{_yuan(fees.collected_yuan)}元" if fees.collected_yuan else "实际未收取信息处理费"  # type: ignore[arg-type]
    s = (f"{who}{when}共发出政府信息处理费收费通知{fees.notices}件，"
         f"通知收费金额合计{_yuan(fees.notice_amount_yuan)}元，{collected}。")  # type: ignore[arg-type]
    return s + (f"其中{lapsed}" if lapsed else "")


def _fee_figures(r: Report, fees: FeeFigures | Mapping[str, Any] | None) -> FeeFigures | None:
    if fees is None:
        fees = r.extra.get("fees") if isinstance(r.extra, Mapping) else None
    if fees is None or isinstance(fees, FeeFigures):
        return fees
    if isinstance(fees, Mapping):
        return FeeFigures.from_mapping(fees)
    raise TypeError(f"fees must be FeeFigures or a mapping, not {type(fees).__name__}")


# --- public API -----------------------------------------------------------------------------------


def draft_sections(
    report: Report, *, keep_existing: bool = True, fees: FeeFigures | Mapping[str, Any] | None = None
) -> dict[str, str]:
    """Draft text for every key of `keys.SECTION_KEYS`, filled from the report's tables.

    Returns a new dict (the report is not modified); assign it with `report.sections.update(...)`.
    With `keep_existing` (the default) a section that already has non-blank text is returned
    unchanged, character for character. Paragraphs are joined by "\\n"; the sub-headings of 一、总体情况
    (`OVERVIEW_HEADINGS`) are paragraphs of their own.

    `fees` (or `report.extra["fees"]`) gives the 信息处理费 figures of section 六; see the module
    docstring. Raises ValueError for a pre2019 report (it has no national tables to draft from) and
    for fee figures that contradict 表三 (no fee notice, yet applications dropped for an unpaid fee).
    """
    if report.format == "pre2019":
        raise ValueError("a pre2019 report has no national tables (domain.md §3.2): nothing to draft from")
    fmt = report.table_format
    who = report.agency.strip() if report.agency and report.agency.strip() else "本机关"
    when = f"{report.year}年" if report.year else "本年度"
    figures = _fee_figures(report, fees)
    c = _Cells(report)

    t2 = _t2_2019(c, who, when) if fmt == "2019" else _t2_2021(c, who, when)
    overview = [
        _TODO["intro"],
        OVERVIEW_HEADINGS[0], *(p for p in (t2, _TODO["proactive"]) if p),
        OVERVIEW_HEADINGS[1], *(p for p in (_applications_paragraph(c, who, when, fmt), _TODO["applications"]) if p),
        OVERVIEW_HEADINGS[2], _TODO["management"],
        OVERVIEW_HEADINGS[3], _TODO["platform"],
        OVERVIEW_HEADINGS[4], _TODO["supervision"],
    ]
    drafts = {
        "overview": "\n".join(overview),
        "proactive": f"{who}{when}主动公开政府信息情况如下。",
        "applications": f"{who}{when}收到和处理政府信息公开申请情况如下。",
        "appeals": _appeals_paragraph(c, who, when),
        "problems": "\n".join(("（一）存在的主要问题", _TODO["problems"], "（二）改进情况", _TODO["improvements"])),
        "other": "\n".join((_fees_paragraph(report, who, when, figures), _TODO["other"])),
    }
    out: dict[str, str] = {}
    for key in K.SECTION_KEYS:
        existing = report.sections.get(key) or ""
        out[key] = existing if keep_existing and existing.strip() else drafts[key]
    return out
