"""Tests of xxgk.report.narrative: drafted sections state the table numbers exactly and pass the checks."""

from __future__ import annotations

import doctest
import random
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.corpus.generate import random_report
from xxgk.report import keys as K
from xxgk.report import narrative
from xxgk.report.model import Report
from xxgk.report.narrative import PLACEHOLDER_RE, FeeFigures, draft_sections, find_placeholders

NARRATIVE_RULES = ("narrative.mismatch", "t3.fee_unpaid_vs_notice")
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
FORMATS = st.sampled_from(("2021", "2019"))


def drafted(report: Report, **kw: object) -> Report:
    report.sections = draft_sections(report, keep_existing=False, **kw)  # type: ignore[arg-type]
    return report


def narrative_findings(report: Report) -> list[str]:
    return [f"{f.rule}: {f.message}" for f in report.check() if f.rule in NARRATIVE_RULES]


def zero_values(fmt: str = "2021") -> dict[str, object]:
    return {k: ("0" if k in K.DECIMAL_KEYS else 0) for k in K.cell_keys(fmt)}


def without_placeholders(text: str) -> str:
    return PLACEHOLDER_RE.sub("", text)


# --- parsing numbers back -----------------------------------------------------------------------

Expect = Callable[[Report], object]


def cell(key: str) -> Expect:
    return lambda r: r.value(key)


def total(*keys: str) -> Expect:
    return lambda r: sum(r.value(k) for k in keys)  # type: ignore[misc]


def _in_parens(head: str, word: str) -> str:
    """`word` inside the parenthesis that follows `head…N件`, e.g. 行政复议22件（…、结果维持."""
    return rf"{head}\d+件（(?:[^（）]*、)?{word}$"


def labels(report: Report) -> list[tuple[re.Pattern[str], Expect]]:
    """(label ending right before a number in its sentence, the cell value that number must equal).

    Written independently of narrative.py from the printed labels: a number that no label explains,
    or that differs from its cell, fails the test.
    """
    fmt = report.table_format
    out: list[tuple[str, Expect]] = []
    if fmt == "2021":
        for row, word in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
            out += [(f"制发{word}$", cell(f"t2.{row}.issued")), (f"{word}\\d+件、废止$", cell(f"t2.{row}.repealed")),
                    (f"废止{word}$", cell(f"t2.{row}.repealed")), (f"现行有效{word}$", cell(f"t2.{row}.in_force"))]
        out += [("行政许可处理决定$", cell("t2.licensing")), ("行政处罚处理决定$", cell("t2.penalty")),
                ("行政强制处理决定$", cell("t2.compulsion")),
                ("行政事业性收费金额$", lambda r: Decimal(str(r.value(K.T2_FEE_KEY))))]
    else:
        for row, word in (("regulations", "规章"), ("normative_documents", "规范性文件")):
            out += [(f"新制作{word}$", cell(f"t2_2019.{row}.made")), (f"{word}\\d+件、新公开$", cell(f"t2_2019.{row}.published")),
                    (f"新公开{word}$", cell(f"t2_2019.{row}.published")),
                    (f"对外公开{word}总数$", cell(f"t2_2019.{row}.total_published"))]
        for row, word in (("licensing", "行政许可事项"), ("other_services", "其他对外管理服务事项"), ("penalty", "行政处罚事项"),
                          ("compulsion", "行政强制事项"), ("admin_fees", "行政事业性收费项目")):
            out += [(f"{word}上一年$", cell(f"t2_2019.{row}.previous_items")),
                    (f"{word}(?:上一年\\d+项、)?本年增加$", cell(f"t2_2019.{row}.change")),
                    (f"{word}(?:上一年\\d+项、)?本年减少$", lambda r, row=row: -r.value(f"t2_2019.{row}.change")),  # type: ignore[misc]
                    (f"{word}[^。]*作出处理决定$", cell(f"t2_2019.{row}.decisions"))]
        out += [("政府集中采购项目$", cell("t2_2019.procurement.items")),
                ("采购总金额$", lambda r: Decimal(re.sub(r"[^\d.]", "", str(r.value("t2_2019.procurement.amount")))))]
    t3 = lambda row: cell(f"t3.{row}.total")  # noqa: E731
    out += [("新收政府信息公开申请$", t3("new_received")), ("上年结转(?:政府信息公开申请)?$", t3("carried_over")),
            ("本年度办结$", t3("results_total")), ("结转下年度继续办理$", t3("carried_forward")),
            ("予以公开$", t3("granted")), ("部分公开$", t3("partially_granted"))]
    applicant_words = {"natural_person": "自然人", "commercial_enterprise": "商业企业", "research_institution": "科研机构",
                       "public_welfare_org": "社会公益组织", "legal_service_org": "法律服务机构", "other_org": "其他法人或其他组织"}
    out += [(_in_parens("新收政府信息公开申请", w), cell(f"t3.new_received.{col}")) for col, w in applicant_words.items()]
    leaves = K.t3_outcome_rows(fmt)
    for group, prefix in (("不予公开", "denied_"), ("无法提供", "unable_"), ("不予处理", "not_processed_"), ("其他处理", "other_")):
        out.append((f"{group}$", total(*(f"t3.{r}.total" for r in leaves if r.startswith(prefix)))))
    leaf_words = {
        "denied_state_secret": "属于国家秘密", "denied_law_prohibited": "其他法律行政法规禁止公开",
        "denied_security_stability": "危及“三安全一稳定”", "denied_third_party": "保护第三方合法权益",
        "denied_internal_affairs": "属于三类内部事务信息", "denied_process_info": "属于四类过程性信息",
        "denied_enforcement_file": "属于行政执法案卷", "denied_admin_query": "属于行政查询事项",
        "unable_not_held": "本机关不掌握相关政府信息", "unable_needs_creation": "没有现成信息需要另行制作",
        "unable_unclear": "补正后申请内容仍不明确", "not_processed_petition": "信访举报投诉类申请",
        "not_processed_duplicate": "重复申请", "not_processed_publication": "要求提供公开出版物",
        "not_processed_excessive": "无正当理由大量反复申请", "not_processed_confirm": "要求行政机关确认或重新出具已获取信息",
        "other_no_correction": "申请人无正当理由逾期不补正", "other_fee_unpaid": "申请人逾期未按收费通知要求缴纳费用",
        "other_other": "其他情形",
    }
    out += [(f"[（、]{re.escape(w)}$", t3(row)) for row, w in leaf_words.items() if row in leaves]
    blocks = (("review", "被申请行政复议"), ("litigation_direct", "未经复议直接起诉"), ("litigation_after_review", "(?<!直接起诉)复议后起诉"))
    for block, head in blocks:
        out.append((f"{head}$", cell(f"t4.{block}.total")))
        for col, w in (("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结")):
            out.append((_in_parens(head, w), cell(f"t4.{block}.{col}")))
    out.append(("被提起行政诉讼$", total("t4.litigation_direct.total", "t4.litigation_after_review.total")))
    out.append(("不再处理的政府信息公开申请$", t3("other_fee_unpaid")))
    return [(re.compile(p), f) for p, f in out]


def fee_labels(fees: FeeFigures) -> list[tuple[re.Pattern[str], Expect]]:
    return [(re.compile("收费通知$"), lambda r: fees.notices),
            (re.compile("通知收费金额合计$"), lambda r: fees.notice_amount_yuan),
            (re.compile("收取信息处理费$"), lambda r: fees.collected_yuan)]


_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def unexplained_numbers(report: Report, text: str, table: list[tuple[re.Pattern[str], Expect]]) -> list[str]:
    """Every number outside placeholders, with the label before it: [] when each equals its cell."""
    problems: list[str] = []
    for line in without_placeholders(text).split("\n"):
        for m in _NUMBER.finditer(line):
            if line[m.end() : m.end() + 1] == "年" and int(m[0]) == report.year:
                continue
            prefix = line[: m.start()].rsplit("。", 1)[-1]
            expected = {Decimal(str(f(report))) for p, f in table if p.search(prefix)}
            if not expected:
                problems.append(f"{m[0]} after「{prefix[-20:]}」is explained by no label")
            elif expected != {Decimal(m[0])}:
                problems.append(f"{m[0]} after「{prefix[-20:]}」should be {sorted(map(str, expected))}")
    return problems


# --- the checker agrees with the draft -------------------------------------------------------------


@given(seed=SEEDS, fmt=FORMATS)
def test_draft_passes_the_narrative_checks(seed: int, fmt: str) -> None:
    report = drafted(random_report(random.Random(seed), fmt=fmt))
    assert narrative_findings(report) == []
    assert [f for f in report.check() if f.severity == "error"] == []


@given(seed=SEEDS, fmt=FORMATS, extra=st.integers(0, 5), paid=st.booleans())
def test_draft_with_fee_figures_passes_the_narrative_checks(seed: int, fmt: str, extra: int, paid: bool) -> None:
    report = random_report(random.Random(seed), fmt=fmt)
    unpaid = report.value("t3.other_fee_unpaid.total") if fmt == "2021" else 0
    notices = unpaid + extra  # type: ignore[operator]
    fees = FeeFigures(notices, Decimal(100) * notices, Decimal(100) * extra if paid else 0)
    drafted(report, fees=fees)
    assert narrative_findings(report) == []
    assert unexplained_numbers(report, report.sections["other"], labels(report) + fee_labels(fees)) == []


@given(seed=SEEDS, fmt=FORMATS)
def test_the_checker_reads_the_drafted_sentences(seed: int, fmt: str) -> None:
    """Not vacuous: change 新收 after drafting, and the checker points at the drafted sentence."""
    report = drafted(random_report(random.Random(seed), fmt=fmt))
    new = report.value("t3.new_received.total")
    report.cells["t3.new_received.total"] = report.cells["t3.new_received.total"].from_raw("t3.new_received.total", str(new + 1))  # type: ignore[operator]
    assert any(f.startswith("narrative.mismatch") and f"新收政府信息公开申请{new}件" in f for f in narrative_findings(report))


def test_fee_unpaid_without_fee_figures_leaves_no_no_notice_sentence() -> None:
    values = zero_values()
    for row in ("new_received", "other_fee_unpaid", "results_total"):
        values.update({f"t3.{row}.natural_person": 2, f"t3.{row}.total": 2})
    report = drafted(Report.from_values(values, format="2021", agency="某某市某某局", year=2023))
    other = report.sections["other"]
    assert "未发出" not in other and "因申请人逾期未按收费通知要求缴纳费用而不再处理的政府信息公开申请2件" in other
    assert find_placeholders(other)[0].startswith("【请填写：本年度发出政府信息处理费收费通知的件数")
    assert narrative_findings(report) == []


# --- every number is a cell -----------------------------------------------------------------------


@given(seed=SEEDS, fmt=FORMATS)
def test_every_number_in_the_draft_equals_its_cell(seed: int, fmt: str) -> None:
    report = random_report(random.Random(seed), fmt=fmt)
    text = "\n".join(draft_sections(report, keep_existing=False).values())
    assert unexplained_numbers(report, text, labels(report)) == []
    assert "【请核对" not in text  # the generator fills every cell


@given(seed=SEEDS, fmt=FORMATS)
def test_zero_cells_are_not_written_as_zero(seed: int, fmt: str) -> None:
    text = without_placeholders("\n".join(draft_sections(random_report(random.Random(seed), fmt=fmt), keep_existing=False).values()))
    assert re.search(r"(?<![\d.])0(?:\.0+)?(?:件|项|个|元|万元)", text) is None


def test_number_check_can_fail() -> None:
    report = random_report(random.Random(7), fmt="2021")
    text = "\n".join(draft_sections(report, keep_existing=False).values())
    new = report.value("t3.new_received.total")
    assert unexplained_numbers(report, text, labels(report)) == []
    wrong = text.replace(f"新收政府信息公开申请{new}件", f"新收政府信息公开申请{new + 1}件")  # type: ignore[operator]
    assert wrong != text and len(unexplained_numbers(report, wrong, labels(report))) == 1
    assert unexplained_numbers(report, text + "另有42件。", labels(report)) == ["42 after「另有」is explained by no label"]


def test_a_known_report_reads_as_expected() -> None:
    values = zero_values()
    values.update({
        "t2.normative_documents.issued": 2, "t2.normative_documents.in_force": 9, "t2.licensing": 31, "t2.admin_fees_wan_yuan": "12.50",
        "t4.review.upheld": 1, "t4.review.pending": 1, "t4.review.total": 2, "t4.litigation_after_review.corrected": 1,
        "t4.litigation_after_review.total": 1,
    })
    for row, np, ce in (("new_received", 4, 1), ("carried_over", 1, 0), ("granted", 2, 1), ("denied_third_party", 1, 0),
                        ("denied_process_info", 1, 0), ("results_total", 4, 1), ("carried_forward", 1, 0)):
        values.update({f"t3.{row}.natural_person": np, f"t3.{row}.commercial_enterprise": ce, f"t3.{row}.total": np + ce})
    report = Report.from_values(values, format="2021", agency="某某县自然资源局", year=2024)
    overview = draft_sections(report)["overview"].split("\n")
    assert overview[:2] == [narrative._TODO["intro"], "（一）主动公开"]
    assert overview[2] == ("2024年，某某县自然资源局主动公开政府信息情况详见表二。本年制发行政规范性文件2件，现行有效行政规范性文件9件。"
                           "本年作出行政许可处理决定31件，未作出行政处罚、行政强制处理决定。本年行政事业性收费金额12.50万元。")
    assert overview[5] == ("2024年，某某县自然资源局新收政府信息公开申请5件（自然人4件、商业企业1件），上年结转1件。"
                           "本年度办结5件，其中予以公开3件，不予公开2件（保护第三方合法权益1件、属于四类过程性信息1件）；"
                           "结转下年度继续办理1件。")
    assert [line for line in overview if line.startswith("（")] == list(narrative.OVERVIEW_HEADINGS)
    assert draft_sections(report)["appeals"] == (
        "2024年，某某县自然资源局因政府信息公开工作被申请行政复议2件（结果维持1件、尚未审结1件）；"
        "被提起行政诉讼1件，其中复议后起诉1件（结果纠正1件）。具体情况见下表。")


# --- zero reports and the 2019 format ---------------------------------------------------------------


@given(seed=SEEDS, fmt=FORMATS)
def test_zero_report_wording(seed: int, fmt: str) -> None:
    report = drafted(random_report(random.Random(seed), fmt=fmt, zero=True))
    who, year = report.agency, report.year
    s = report.sections
    assert f"{year}年，{who}未收到政府信息公开申请。" in s["overview"].split("\n")
    assert s["appeals"] == f"{year}年，{who}未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
    assert s["other"].split("\n")[0] == f"{who}{year}年未收到政府信息公开申请，未发出政府信息处理费收费通知，未收取信息处理费。"
    text = without_placeholders("\n".join(s.values()))
    assert re.search(r"\d+(?:件|项|个|元)", text) is None
    assert narrative_findings(report) == []


def test_2019_format_has_one_other_processing_row_and_its_own_table_two() -> None:
    values = zero_values("2019")
    values.update({"t3.new_received.natural_person": 3, "t3.new_received.total": 3, "t3.other_processing.natural_person": 3,
                   "t3.other_processing.total": 3, "t3.results_total.natural_person": 3, "t3.results_total.total": 3,
                   "t2_2019.licensing.previous_items": 12, "t2_2019.licensing.change": -2, "t2_2019.licensing.decisions": 40,
                   "t2_2019.procurement.items": 2, "t2_2019.procurement.amount": "251000元"})
    report = drafted(Report.from_values(values, format="2019", agency="某某县统计局", year=2020))
    overview = report.sections["overview"]
    assert "其他处理3件；" in overview and "（" not in overview.split("其他处理3件")[1][:2]
    assert "行政许可事项上一年12项、本年减少2项，作出处理决定40件。" in overview
    assert "政府集中采购项目2个，采购总金额251000元。" in overview
    assert unexplained_numbers(report, "\n".join(report.sections.values()), labels(report)) == []
    assert narrative_findings(report) == []


def test_sample_reports(seed_paths: list) -> None:
    """The five published reports: their own text is kept, and a fresh draft agrees with their tables."""
    import xxgk

    for path in seed_paths:
        report = xxgk.parse(str(path))
        written = {k: v for k, v in report.sections.items() if v.strip()}
        assert {"overview", "problems", "other"} <= set(written)
        kept = draft_sections(report)
        assert {k: kept[k] for k in written} == written and all(kept.values())
        drafted(report)
        assert narrative_findings(report) == [], path.name
        assert unexplained_numbers(report, "\n".join(report.sections.values()), labels(report)) == [], path.name
        assert report.sections["other"].startswith(f"{report.agency}{report.year}年未收到政府信息公开申请，未发出")


# --- blanks are never guessed -------------------------------------------------------------------------


def test_a_blank_cell_is_left_out_and_named() -> None:
    report = random_report(random.Random(3), fmt="2021")
    report.cells["t3.new_received.total"] = report.cells["t3.new_received.total"].from_raw("t3.new_received.total", "/")
    overview = draft_sections(report, keep_existing=False)["overview"]
    assert "新收政府信息公开申请" not in without_placeholders(overview) and "未收到" not in overview
    assert "【请核对：表三「一、本年新收政府信息公开申请数量」「总计」为空或不是数字" in overview
    assert unexplained_numbers(report, overview, labels(report)) == []


def test_an_empty_report_is_all_placeholders() -> None:
    sections = draft_sections(Report(format="2021"))
    assert set(sections) == set(K.SECTION_KEYS)
    for text in sections.values():
        assert re.search(r"\d+件", without_placeholders(text)) is None
    assert "【请核对：" in sections["overview"] and "本机关" in sections["proactive"]


# --- keep_existing -------------------------------------------------------------------------------------


def test_keep_existing_preserves_text_and_fills_the_rest() -> None:
    report = random_report(random.Random(11), fmt="2021")
    before = report.to_dict(with_findings=False)
    office = {"overview": "  我们自己写的总体情况。\n（一）主动公开……  ", "problems": "问题1件", "appeals": " \n\t"}
    report.sections = dict(office)
    out = draft_sections(report)
    assert out["overview"] == office["overview"] and out["problems"] == office["problems"]
    assert out["appeals"].strip() and out["appeals"] != office["appeals"]  # blank counts as empty
    assert out["other"] and out["proactive"]  # missing keys are drafted
    assert report.sections == office  # the report itself is not changed
    assert report.to_dict(with_findings=False)["cells"] == before["cells"]
    assert draft_sections(report, keep_existing=False)["overview"] != office["overview"]


@given(seed=SEEDS, fmt=FORMATS, keep=st.sets(st.sampled_from(K.SECTION_KEYS)))
def test_keep_existing_never_touches_written_sections(seed: int, fmt: str, keep: set[str]) -> None:
    report = random_report(random.Random(seed), fmt=fmt)
    report.sections = {k: v for k, v in report.sections.items() if k in keep}
    out = draft_sections(report)
    assert list(out) == list(K.SECTION_KEYS)
    for key in K.SECTION_KEYS:
        if key in keep:
            assert out[key] == report.sections[key]
        else:
            assert out[key]


# --- fees ----------------------------------------------------------------------------------------------


def small_report(unpaid: int = 0, new: int = 2, **extra: object) -> Report:
    values = zero_values()
    values.update({"t3.new_received.natural_person": new, "t3.new_received.total": new,
                   "t3.granted.natural_person": new - unpaid, "t3.granted.total": new - unpaid,
                   "t3.other_fee_unpaid.natural_person": unpaid, "t3.other_fee_unpaid.total": unpaid,
                   "t3.results_total.natural_person": new, "t3.results_total.total": new})
    return Report.from_values(values, format="2021", agency="某某市某某局", year=2024, **extra)


def test_fee_wording() -> None:
    report = small_report()
    other = lambda **kw: draft_sections(report, **kw)["other"].split("\n")[0]  # noqa: E731
    assert other(fees=FeeFigures(0)) == "某某市某某局2024年未发出政府信息处理费收费通知，未收取信息处理费。"
    assert other(fees=FeeFigures(3, "380.50", Decimal("280.5"))) == (
        "某某市某某局2024年共发出政府信息处理费收费通知3件，通知收费金额合计380.50元，实际收取信息处理费280.5元。")
    assert other(fees=FeeFigures(1, 100)) == (
        "某某市某某局2024年共发出政府信息处理费收费通知1件，通知收费金额合计100元，实际未收取信息处理费。")
    assert other(fees=FeeFigures(2, Decimal("1E+3"), 0)).count("1000元") == 1  # never in exponent form
    assert other(fees={"notices": 0}) == other(fees=FeeFigures(0))
    # Without figures the office is asked, including how to write the zero case.
    assert find_placeholders(other()) == [other()] and "未发出政府信息处理费收费通知" in other()


def test_fee_figures_from_report_extra_and_the_parameter_wins() -> None:
    report = small_report(extra={"fees": {"notices": 2, "notice_amount_yuan": "200", "collected_yuan": "200"}})
    assert "共发出政府信息处理费收费通知2件，通知收费金额合计200元，实际收取信息处理费200元。" in draft_sections(report)["other"]
    assert "未发出政府信息处理费收费通知" in draft_sections(report, fees=FeeFigures(0))["other"]


def test_fee_notices_with_unpaid_applications() -> None:
    report = drafted(small_report(unpaid=1), fees=FeeFigures(1, 100))
    assert report.sections["other"].split("\n")[0] == (
        "某某市某某局2024年共发出政府信息处理费收费通知1件，通知收费金额合计100元，实际未收取信息处理费。"
        "其中因申请人逾期未按收费通知要求缴纳费用而不再处理的政府信息公开申请1件。")
    assert narrative_findings(report) == []


@pytest.mark.parametrize(
    ("fees", "message"),
    [
        ({"notices": -1}, "notices"),
        ({"notices": True}, "notices"),
        ({"notices": 1, "notice_amount_yuan": 0.1}, "float"),
        ({"notices": 1, "collected_yuan": "-5"}, "non-negative"),
        ({"notices": 1, "collected_yuan": "abc"}, "not an amount"),
        ({"notices": 1, "collected_yuan": "NaN"}, "non-negative"),
        ({"notices": 0, "notice_amount_yuan": "10"}, "no fee notice"),
        ({"notices": 1, "yuan": 5}, "unknown fee fields"),
    ],
)
def test_bad_fee_figures_are_refused(fees: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        draft_sections(small_report(), fees=fees)


def test_no_fee_notice_but_unpaid_applications_is_a_contradiction() -> None:
    with pytest.raises(ValueError, match="逾期未按收费通知"):
        draft_sections(small_report(unpaid=1), fees=FeeFigures(0))
    with pytest.raises(TypeError):
        draft_sections(small_report(), fees=3)  # type: ignore[arg-type]


# --- the module ----------------------------------------------------------------------------------------


def test_pre2019_has_nothing_to_draft_from() -> None:
    with pytest.raises(ValueError, match="pre2019"):
        draft_sections(Report(format="pre2019"))


def test_find_placeholders() -> None:
    sections = draft_sections(small_report())
    todo = find_placeholders(sections["overview"])
    assert todo and all(p.startswith("【请填写：") and p.endswith("】") for p in todo)
    filled = sections["overview"]
    for p in todo:
        filled = filled.replace(p, "已填写。")
    assert find_placeholders(filled) == []


def test_docstring_example() -> None:
    failures, tests = doctest.testmod(narrative, verbose=False)
    assert tests > 0 and failures == 0


def test_domain_core_imports_no_reader_writer_or_django() -> None:
    code = ("import sys, xxgk.report.narrative; "
            "bad = [m for m in sys.modules if m.startswith(('xxgk.read', 'xxgk.write', 'django'))]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)
