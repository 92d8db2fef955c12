"""Crawler-text renderings of generated reports: the whole report on one line, table cells glued.

Imitates what a crawler stores from a portal page's HTML (innerText, cell borders lost), as in the
real reports of ../shared/real (002, 006, 015, 025): `规章000行政规范性文件8855698…`, a row's digits
running into the next row's numbering (`10000016.属于四类过程性信息`), 表四 glued
(`010000000000000`) or space-separated. Labels are typed here from the official form (国办公开办函
〔2021〕30号 and the 2019 trial form), not taken from the reader's tables, so a reading that only
knows its own spelling cannot pass by construction.
"""

from __future__ import annotations

import random

from xxgk.report import Report

T2_2021 = (
    "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数",
    ("规章", ("t2.regulations.issued", "t2.regulations.repealed", "t2.regulations.in_force")),
    ("行政规范性文件", ("t2.normative_documents.issued", "t2.normative_documents.repealed", "t2.normative_documents.in_force")),
    "第二十条第（五）项信息内容本年处理决定数量",
    ("行政许可", ("t2.licensing",)),
    "第二十条第（六）项信息内容本年处理决定数量",
    ("行政处罚", ("t2.penalty",)),
    ("行政强制", ("t2.compulsion",)),
    "第二十条第（八）项信息内容本年收费金额（单位：万元）",
    ("行政事业性收费", ("t2.admin_fees_wan_yuan",)),
)


def _t2_2019_row(label: str, row: str, cols: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    return label, tuple(f"t2_2019.{row}.{c}" for c in cols)


_FLOW = ("previous_items", "change", "decisions")
T2_2019 = (
    "第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量",
    _t2_2019_row("规章", "regulations", ("made", "published", "total_published")),
    _t2_2019_row("规范性文件", "normative_documents", ("made", "published", "total_published")),
    "第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量",
    _t2_2019_row("行政许可", "licensing", _FLOW),
    _t2_2019_row("其他对外管理服务事项", "other_services", _FLOW),
    "第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量",
    _t2_2019_row("行政处罚", "penalty", _FLOW),
    _t2_2019_row("行政强制", "compulsion", _FLOW),
    "第二十条第（八）项信息内容上一年项目数量本年增/减",
    _t2_2019_row("行政事业性收费", "admin_fees", ("previous_items", "change")),
    "第二十条第（九）项信息内容采购项目数量采购总金额",
    _t2_2019_row("政府集中采购", "procurement", ("items", "amount")),
)

#: (printed label, row key) of 表三 in printed order, group labels included where a portal prints them.
T3_2021 = (
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
    ("（三）不予公开1.属于国家秘密", "denied_state_secret"),
    ("2.其他法律行政法规禁止公开", "denied_law_prohibited"),
    ("3.危及“三安全一稳定”", "denied_security_stability"),
    ("4.保护第三方合法权益", "denied_third_party"),
    ("5.属于三类内部事务信息", "denied_internal_affairs"),
    ("6.属于四类过程性信息", "denied_process_info"),
    ("7.属于行政执法案卷", "denied_enforcement_file"),
    ("8.属于行政查询事项", "denied_admin_query"),
    ("（四）无法提供1.本机关不掌握相关政府信息", "unable_not_held"),
    ("2.没有现成信息需要另行制作", "unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unable_unclear"),
    ("（五）不予处理1.信访举报投诉类申请", "not_processed_petition"),
    ("2.重复申请", "not_processed_duplicate"),
    ("3.要求提供公开出版物", "not_processed_publication"),
    ("4.无正当理由大量反复申请", "not_processed_excessive"),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed_confirm"),
    ("（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_fee_unpaid"),
    ("3.其他", "other_other"),
    ("（七）总计", "results_total"),
    ("四、结转下年度继续办理", "carried_forward"),
)
_OTHER_2021 = ("other_no_correction", "other_fee_unpaid", "other_other")
T3_2019 = tuple(
    [(lab, key) for lab, key in T3_2021 if key not in _OTHER_2021][:20]
    + [("（六）其他处理", "other_processing")]
    + [(lab, key) for lab, key in T3_2021[-2:]]
)
T3_COLUMNS = ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org", "legal_service_org", "other_org", "total")
T3_HEAD = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
T4_HEAD = (
    "行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
    "结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
)
T4_KEYS = tuple(f"t4.{b}.{c}" for b in ("review", "litigation_direct", "litigation_after_review") for c in ("upheld", "corrected", "other", "pending", "total"))
HEADINGS = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "applications": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other": "六、其他需要报告的事项",
}


def _v(report: Report, key: str) -> str:
    cell = report.cells.get(key)
    return "" if cell is None or cell.value is None else str(cell.value)


def render_glued(report: Report, rng: random.Random) -> str:
    """`report` as a crawler's page.txt: metadata lines, then the whole report on one line."""
    fmt = report.format
    title = f"{report.agency}{report.year}年度政府信息公开工作年度报告"
    sep = lambda: rng.choice(("", "", " "))  # noqa: E731  (002 puts a space before some runs)
    t2 = []
    for item in T2_2019 if fmt == "2019" else T2_2021:
        if isinstance(item, str):
            t2.append(item)
        else:
            label, keys = item
            vals = [_v(report, k) for k in keys]
            if keys[-1] == "t2_2019.procurement.amount":
                vals = [vals[0], vals[1] + "元"]
            t2.append(label + sep() + "".join(vals))
    t3 = [T3_HEAD]
    for label, key in T3_2019 if fmt == "2019" else T3_2021:
        t3.append(label + sep() + "".join(_v(report, f"t3.{key}.{c}") for c in T3_COLUMNS))
    t4_vals = [_v(report, k) for k in T4_KEYS]
    t4 = T4_HEAD + (" " + " ".join(t4_vals) if rng.random() < 0.3 else "".join(t4_vals))
    s = report.sections
    parts = [
        HEADINGS["overview"] + " " + (s.get("overview") or "").replace("\n", " "),
        HEADINGS["proactive"] + "".join(t2),
        HEADINGS["applications"] + "".join(t3),
        HEADINGS["appeals"] + t4,
        HEADINGS["problems"] + (s.get("problems") or "").replace("\n", " "),
        HEADINGS["other"] + (s.get("other") or "").replace("\n", " "),
    ]
    header = f"标题: {title}\n发布时间: {report.year + 1}-01-20 10:00\n==================== 正文 ====================\n"
    return header + " ".join(parts) + "\n"
