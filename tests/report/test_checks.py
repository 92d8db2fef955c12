"""Tests of xxgk.report.checks: identities, unverifiable nulls, warnings and their messages."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.report import keys as K
from xxgk.report.checks import agency_level, check, summarize
from xxgk.report.model import Cell, Finding, Report

CITY = "某某市人民政府"
TOWNSHIP = "某某镇人民政府"


# --- helpers ----------------------------------------------------------------------------------


def valid_values(randint: Callable[[int, int], int], fmt: str = "2021", low: int = 1) -> dict[str, object]:
    """Values of a report that satisfies every identity; `randint(a, b)` supplies the free choices.

    With low=1 every cell is non-zero; leaf values are sometimes two- or three-digit so that
    dropping a digit changes them.
    """
    v: dict[str, object] = {}
    leaves = K.t3_outcome_rows(fmt)
    for col in K.T3_APPLICANT_COLUMNS:
        for row in leaves:
            v[f"t3.{row}.{col}"] = randint(low, 9) if randint(0, 2) else randint(10, 150)
        results = sum(int(v[f"t3.{r}.{col}"]) for r in leaves)  # type: ignore[arg-type]
        forward = randint(low, 30)
        over = randint(low, min(results + forward - low, 40))  # keeps new_received >= low
        v[f"t3.results_total.{col}"] = results
        v[f"t3.carried_forward.{col}"] = forward
        v[f"t3.carried_over.{col}"] = over
        v[f"t3.new_received.{col}"] = results + forward - over
    for row in K.t3_rows(fmt):
        v[f"t3.{row}.total"] = sum(int(v[f"t3.{row}.{c}"]) for c in K.T3_APPLICANT_COLUMNS)  # type: ignore[arg-type]
    for block in K.T4_BLOCKS:
        parts = [randint(low, 60) for _ in range(4)]
        v.update({f"t4.{block}.{c}": n for c, n in zip(K.T4_COLUMNS[:4], parts)})
        v[f"t4.{block}.total"] = sum(parts)
    for key in K.t2_keys(fmt):
        v[key] = randint(low, 99)
    if fmt == "2021":
        v[K.T2_FEE_KEY] = f"{randint(low, 500)}.{randint(0, 99):02d}"
        v["t2.regulations.in_force"] = int(v["t2.regulations.issued"]) + randint(0, 50)  # type: ignore[arg-type]
    else:
        v["t2_2019.licensing.change"] = -randint(low, 9)
        v["t2_2019.procurement.amount"] = f"{randint(low, 999999)}元"
    return v


def seeded(seed: int, fmt: str = "2021") -> dict[str, object]:
    return valid_values(random.Random(seed).randint, fmt)


def build(values: dict[str, object], fmt: str = "2021", agency: str = CITY, year: int = 2024, **kw: object) -> Report:
    return Report.from_values(values, format=fmt, agency=agency, year=year, **kw)


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def by_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def named_in_error(findings: list[Finding], key: str) -> bool:
    return any(key in f.cells for f in errors(findings))


T34_2021 = K.t3_keys("2021") + K.t4_keys()


# --- valid reports ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("seed", range(8))
def test_valid_report_has_no_findings(seed: int, fmt: str) -> None:
    report = build(seeded(seed, fmt), fmt)
    assert check(report) == []
    assert report.check() == []


def test_valid_report_zero_filled_has_no_findings() -> None:
    values = valid_values(lambda a, b: a, low=0)
    values[K.T2_FEE_KEY] = "0.00"
    assert check(build(values, agency=TOWNSHIP)) == []


def test_generator_really_is_nonzero_and_multidigit() -> None:
    values = seeded(0)
    assert all(values[k] != 0 for k in T34_2021)
    assert sum(1 for k in T34_2021 if int(values[k]) >= 10) > 30  # type: ignore[arg-type]


# --- single-cell corruptions ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_every_plus_one_is_an_error_naming_the_cell(seed: int) -> None:
    base = seeded(seed)
    for key in T34_2021:
        values = dict(base, **{key: int(base[key]) + 1})  # type: ignore[arg-type]
        assert named_in_error(check(build(values)), key), key


@pytest.mark.parametrize("seed", [3, 4])
def test_every_dropped_digit_is_an_error_naming_the_cell(seed: int) -> None:
    base = seeded(seed)
    tried = 0
    for key in T34_2021:
        text = str(base[key])
        for i in range(len(text)) if len(text) > 1 else ():
            values = dict(base, **{key: text[:i] + text[i + 1 :]})  # 12 → 2 and 12 → 1
            assert named_in_error(check(build(values)), key), (key, text, i)
            tried += 1
    assert tried > 50


@pytest.mark.parametrize("seed", [5, 6])
def test_every_swap_within_a_t3_row_is_an_error_naming_both_cells(seed: int) -> None:
    base = seeded(seed)
    for row in K.t3_rows("2021"):
        for i, a in enumerate(K.T3_COLUMNS):
            for b in K.T3_COLUMNS[i + 1 :]:
                ka, kb = f"t3.{row}.{a}", f"t3.{row}.{b}"
                if base[ka] == base[kb]:
                    continue
                findings = check(build(dict(base, **{ka: base[kb], kb: base[ka]})))
                assert named_in_error(findings, ka) and named_in_error(findings, kb), (ka, kb)


def test_swap_with_a_t4_total_is_an_error() -> None:
    base = seeded(7)
    for block in K.T4_BLOCKS:
        for col in K.T4_COLUMNS[:4]:
            ka, kb = f"t4.{block}.{col}", f"t4.{block}.total"
            findings = check(build(dict(base, **{ka: base[kb], kb: base[ka]})))
            assert by_rule(findings, "t4.block_sum") and named_in_error(findings, ka), ka


@st.composite
def corrupted_report(draw: st.DrawFn) -> tuple[dict[str, object], str, int]:
    """Hypothesis picks the shape (format, how sparse, which cell, by how much); a seeded Random fills
    the ~170 free values, because drawing each through Hypothesis costs more than the check itself."""
    fmt = draw(st.sampled_from(["2021", "2019"]))
    rng = random.Random(draw(st.integers(0, 2**32 - 1)))
    zero_rate = draw(st.sampled_from([0.0, 0.5, 0.95]))
    values = valid_values(lambda a, b: a if a == 0 and rng.random() < zero_rate else rng.randint(a, b), fmt, low=0)
    key = draw(st.sampled_from(K.t3_keys(fmt) + K.t4_keys()))
    delta = draw(st.integers(-20, 20).filter(bool))
    return values, key, delta


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(corrupted_report())
def test_hypothesis_valid_passes_and_any_changed_cell_is_named(case: tuple[dict[str, object], str, int]) -> None:
    values, key, delta = case
    fmt = "2019" if any(k.startswith("t2_2019") for k in values) else "2021"
    assert errors(check(build(values, fmt))) == []
    bad = dict(values, **{key: int(values[key]) + delta})  # type: ignore[arg-type]
    assert named_in_error(check(build(bad, fmt)), key)


# --- messages ---------------------------------------------------------------------------------


def test_column_identity_message_blames_results_total_when_details_add_up() -> None:
    values = seeded(8)
    for col in ("natural_person", "total"):
        values[f"t3.results_total.{col}"] = int(values[f"t3.results_total.{col}"]) - 1  # type: ignore[arg-type]
    findings = check(build(values))
    col_errors = by_rule(findings, "t3.column_identity")
    assert [f.cells for f in col_errors] == [
        [f"t3.new_received.{c}", f"t3.carried_over.{c}", f"t3.results_total.{c}", f"t3.carried_forward.{c}"]
        for c in ("natural_person", "total")
    ]
    total = col_errors[1]
    lhs = int(values["t3.new_received.total"]) + int(values["t3.carried_over.total"])  # type: ignore[arg-type]
    rhs = int(values["t3.results_total.total"]) + int(values["t3.carried_forward.total"])  # type: ignore[arg-type]
    assert (total.expected, total.actual) == (lhs, rhs)
    assert f"表三「总计」列：一+二 ({lhs}) ≠ （七）+四 ({rhs})" in total.message
    assert "疑「（七）总计」有误" in total.message
    assert len(by_rule(findings, "t3.results_total")) == 2
    assert by_rule(findings, "t3.row_sum") == []


def test_column_identity_message_says_when_details_do_not_add_up() -> None:
    values = seeded(9)
    for col in ("commercial_enterprise", "total"):
        values[f"t3.new_received.{col}"] = int(values[f"t3.new_received.{col}"]) + 3  # type: ignore[arg-type]
    findings = errors(check(build(values)))
    assert {f.rule for f in findings} == {"t3.column_identity"}
    assert all("错误不只在「（七）总计」" in f.message for f in findings)
    assert "表三「商业企业」列" in findings[0].message


def test_row_sum_and_block_sum_messages_show_the_numbers() -> None:
    values = seeded(10)
    values.update({f"t3.granted.{c}": n for c, n in zip(K.T3_APPLICANT_COLUMNS, [3, 1, 0, 0, 2, 0])})
    values["t3.granted.total"] = 7
    values.update({"t4.review.upheld": 119, "t4.review.corrected": 25, "t4.review.other": 91, "t4.review.pending": 24})
    values["t4.review.total"] = 260
    findings = check(build(values))
    (row,) = [f for f in by_rule(findings, "t3.row_sum")]
    assert "表三「（一）予以公开」行" in row.message and "(3+1+0+0+2+0=6) ≠ 总计 (7)" in row.message
    assert row.cells[-1] == "t3.granted.total" and len(row.cells) == 7
    (block,) = by_rule(findings, "t4.block_sum")
    assert block.message == "表四「行政复议」：维持+纠正+其他+尚未审结 (119+25+91+24=259) ≠ 总计 (260)"
    assert (block.expected, block.actual) == (259, 260)


def test_sub_row_labels_carry_their_group() -> None:
    values = seeded(11)
    values["t3.denied_state_secret.total"] = int(values["t3.denied_state_secret.total"]) + 1  # type: ignore[arg-type]
    (row,) = by_rule(check(build(values)), "t3.row_sum")
    assert "「（三）不予公开1.属于国家秘密」" in row.message


# --- nulls, text, negative values -------------------------------------------------------------


@pytest.mark.parametrize("blank", [None, "/", "—"])
def test_null_operand_is_unverifiable_not_an_error(blank: object) -> None:
    values = seeded(12)
    values["t3.granted.natural_person"] = blank
    findings = check(build(values))
    assert errors(findings) == []
    (row,) = by_rule(findings, "t3.row_sum.unverifiable")
    (col,) = by_rule(findings, "t3.results_total.unverifiable")
    assert row.severity == col.severity == "warning"
    assert "t3.granted.natural_person" in row.cells and "t3.granted.natural_person" in col.cells
    assert "无法核对" in row.message and "「（一）予以公开」「自然人」" in row.message


def test_null_operand_does_not_hide_other_errors() -> None:
    values = seeded(13)
    values["t3.granted.natural_person"] = None
    values["t4.review.total"] = int(values["t4.review.total"]) + 1  # type: ignore[arg-type]
    findings = check(build(values))
    assert [f.rule for f in errors(findings)] == ["t4.block_sum"]


def test_totals_only_table_is_unverifiable_per_row() -> None:
    """Shanghai 2019 style: applicant columns blank, only 总计 filled."""
    values = seeded(14)
    for key in K.t3_keys("2021"):
        if not key.endswith(".total"):
            values[key] = None
    findings = check(build(values))
    assert errors(findings) == []
    assert len(by_rule(findings, "t3.row_sum.unverifiable")) == 25
    assert by_rule(findings, "t3.column_identity.unverifiable")  # applicant columns
    assert not by_rule(findings, "t3.missing")


def test_text_cell_is_an_error_with_its_raw_text() -> None:
    values = seeded(15)
    values["t3.granted.research_institution"] = "详见附表"
    findings = check(build(values))
    nan = by_rule(findings, "value.not_a_number")
    assert [f.cells for f in nan] == [["t3.granted.research_institution"]]
    assert "详见附表" in nan[0].message and "「（一）予以公开」「科研机构」" in nan[0].message
    assert {f.rule for f in errors(findings)} == {"value.not_a_number"}


@pytest.mark.parametrize(
    ("key", "raw", "says"),
    [
        ("t3.unable_unclear.other_org", "1.5", "为 1.5，应为非负整数"),
        ("t3.granted.natural_person", "-3", "为 -3，件数不能为负"),
        ("t4.review.upheld", "-1件", "为 -1，件数不能为负"),
        (K.T2_FEE_KEY, "-2", "为 -2，应为非负金额"),
        (K.T2_FEE_KEY, "-0.50", "为 -0.50，应为非负金额"),
    ],
)
def test_a_printed_number_a_cell_cannot_hold_is_non_negative_integer(key: str, raw: str, says: str) -> None:
    """README: `value.non_negative_integer` is "a count below zero or not whole; a negative fee" as
    printed, not only for a Cell built in Python with a value its raw text does not give."""
    values = dict(seeded(15), **{key: raw})
    report = build(values)
    assert report.cells[key].semantic == "text" and report.value(key) is None  # never rounded nor kept signed
    findings = check(report)
    assert [(f.rule, f.cells) for f in errors(findings)] == [("value.non_negative_integer", [key])]
    assert says in errors(findings)[0].message


def test_negative_counts_and_fees_are_errors_but_2019_change_is_signed() -> None:
    report = build(seeded(16))
    report.cells["t3.granted.natural_person"] = Cell("t3.granted.natural_person", "-3", -3, "number")
    report.cells[K.T2_FEE_KEY] = Cell(K.T2_FEE_KEY, "-1.50", "-1.50", "number")
    report.cells["t2.licensing"] = Cell("t2.licensing", "2.5", "2.5", "number")
    bad = by_rule(check(report), "value.non_negative_integer")
    assert [f.cells for f in bad] == [["t2.licensing"], [K.T2_FEE_KEY], ["t3.granted.natural_person"]]  # printed order
    assert "2.5" in bad[0].message and "-1.50" in bad[1].message and "-3" in bad[2].message
    assert by_rule(check(build(dict(seeded(16), **{K.T2_FEE_KEY: "-2"}))), "value.non_negative_integer")
    values_2019 = seeded(16, "2019")
    assert values_2019["t2_2019.licensing.change"] < 0  # type: ignore[operator]
    assert check(build(values_2019, "2019")) == []


@pytest.mark.parametrize("table", ["t2", "t3", "t4"])
def test_missing_table_is_one_warning(table: str) -> None:
    values = {k: v for k, v in seeded(17).items() if not k.startswith(table + ".")}
    findings = check(build(values))
    assert [(f.rule, f.severity) for f in findings] == [(f"{table}.missing", "warning")]


def test_table_of_na_marks_counts_as_missing() -> None:
    values = dict(seeded(18), **{k: "/" for k in K.t4_keys()})
    assert [f.rule for f in check(build(values))] == ["t4.missing"]


# --- cross-year and stock-flow ----------------------------------------------------------------


def previous_of(values: dict[str, object]) -> Report:
    prev = seeded(19)
    for col in K.T3_COLUMNS:
        prev[f"t3.carried_forward.{col}"] = values[f"t3.carried_over.{col}"]
    prev["t2.regulations.in_force"] = 10
    prev["t2.normative_documents.in_force"] = 40
    return build(prev, year=2023)


def stock_values() -> dict[str, object]:
    values = seeded(20)
    values.update({"t2.regulations.issued": 3, "t2.regulations.repealed": 1, "t2.regulations.in_force": 12})
    values.update({"t2.normative_documents.issued": 5, "t2.normative_documents.repealed": 0,
                   "t2.normative_documents.in_force": 45})
    return values


def test_cross_year_consistent_has_no_findings() -> None:
    values = stock_values()
    assert check(build(values), previous_of(values)) == []


def test_cross_year_mismatch_is_a_warning_per_column() -> None:
    values = stock_values()
    prev = previous_of(values)
    prev.cells["t3.carried_forward.total"] = Cell.from_raw("t3.carried_forward.total", "999")
    (f,) = check(build(values), prev)
    assert (f.rule, f.severity, f.cells) == ("t3.cross_year", "warning", ["t3.carried_over.total"])
    assert "999" in f.message and str(values["t3.carried_over.total"]) in f.message and "2023" in f.message


def test_cross_year_wrong_previous_year() -> None:
    values = stock_values()
    prev = previous_of(values)
    prev.year = 2021
    prev.cells["t3.carried_forward.total"] = Cell.from_raw("t3.carried_forward.total", "999")
    (f,) = check(build(values), prev)
    assert f.rule == "t3.cross_year" and "2021" in f.message and "2023" in f.message


def test_stock_flow_mismatch() -> None:
    values = dict(stock_values(), **{"t2.regulations.in_force": 15})
    (f,) = check(build(values), previous_of(values))
    assert (f.rule, f.severity) == ("t2.stock_flow", "warning")
    assert f.cells == ["t2.regulations.in_force", "t2.regulations.issued", "t2.regulations.repealed"]
    assert (f.expected, f.actual) == (12, 15)
    for n in ("15", "10", "3", "1", "12"):
        assert f"({n})" in f.message or f"= {n}" in f.message
    assert "规章" in f.message


# --- agency-dependent warnings ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("某某镇人民政府", "township"),
        ("渠县临巴镇人民政府", "township"),
        ("某某街道办事处", "township"),
        ("某某苏木", "township"),
        ("某某省某某市某某县某某乡人民政府", "township"),
        ("雄县人民政府", "county"),
        ("渠县农业农村局", "county"),
        ("上海市黄浦区统计局", "county"),
        ("某某市某某区人民政府", "county"),
        ("阿拉善左旗人民政府", "county"),
        ("某某市人民政府", None),
        ("某某市住房和城乡建设局", None),
        ("某某市市场监督管理局", None),
        ("某某市社区矫正管理局", None),
        ("广东省人民政府", None),
        ("内蒙古自治区人民政府", None),
        ("某某自治州人民政府", None),
        ("某某地区行政公署", None),
        ("教育部", None),
        ("", None),
        (None, None),
    ],
)
def test_agency_level(name: str | None, level: str | None) -> None:
    assert agency_level(name) == level


def test_regulations_without_power_township_only() -> None:
    values = dict(seeded(21), **{"t2.regulations.issued": 2, "t2.regulations.repealed": 0, "t2.regulations.in_force": 0})
    (f,) = check(build(values, agency=TOWNSHIP))
    assert (f.rule, f.severity, f.cells) == ("t2.regulations_without_power", "warning", ["t2.regulations.issued"])
    assert TOWNSHIP in f.message and "本年制发件数」 2" in f.message
    assert check(build(values, agency=CITY)) == []
    zero = dict(values, **{"t2.regulations.issued": 0})
    assert check(build(zero, agency=TOWNSHIP)) == []
    slash = dict(values, **{"t2.regulations.issued": "/"})
    assert check(build(slash, agency=TOWNSHIP)) == []


def test_regulations_without_power_2019_format() -> None:
    (f,) = check(build(seeded(22, "2019"), "2019", agency="某某县人民政府"))
    assert f.rule == "t2.regulations_without_power" and all(k.startswith("t2_2019.regulations.") for k in f.cells)


@pytest.mark.parametrize(
    ("agency", "fee", "warns"),
    [
        (TOWNSHIP, "5000.00", True),
        (TOWNSHIP, "500.5", False),
        ("某某县人民政府", "200000", True),
        ("某某县人民政府", "5000", False),
        (CITY, "316441", False),
        (CITY, "20000000", True),
    ],
)
def test_fee_scale(agency: str, fee: str, warns: bool) -> None:
    values = dict(seeded(23), **{K.T2_FEE_KEY: fee, "t2.regulations.issued": 0, "t2.regulations.repealed": 0,
                                 "t2.regulations.in_force": 0})
    findings = check(build(values, agency=agency))
    assert [f.rule for f in findings] == (["t2.fee_scale"] if warns else [])
    if warns:
        assert fee in findings[0].message and "万元" in findings[0].message


# --- narrative --------------------------------------------------------------------------------


def narrative_report(overview: str, *, new: int, carried: int = 0, granted: int = 0, other: str = "",
                     unpaid: int = 0) -> Report:
    values = seeded(24)
    values.update({"t3.new_received.total": new, "t3.carried_over.total": carried, "t3.granted.total": granted,
                   "t3.other_fee_unpaid.total": unpaid})
    return build(values, sections={"overview": overview, "other": other})


def narrative(report: Report) -> list[Finding]:
    return [f for f in check(report) if f.severity == "warning" and f.rule.startswith(("narrative.", "t3.fee_"))]


@pytest.mark.parametrize(
    ("text", "new", "carried", "granted", "expected_cells"),
    [
        ("（二）依申请公开。2024年共收到政府信息公开申请12件，其中予以公开5件。", 12, 0, 5, []),
        ("（二）依申请公开。2024年共收到政府信息公开申请12件，其中予以公开5件。", 10, 0, 5, [["t3.new_received.total", "t3.carried_over.total"]]),
        ("全年收到政府信息公开申请 12 件（含上年结转2件）。", 10, 2, 0, []),
        ("本年度新收政府信息公开申请8件。", 9, 0, 0, [["t3.new_received.total"]]),
        ("全年收到依申请公开0件。", 0, 0, 0, []),
        ("全年收到依申请公开0件。", 3, 0, 0, [["t3.new_received.total", "t3.carried_over.total"]]),
        ("截至 2024 年 12 月 31 日，我镇未接到公众、法人或其他组织公开政府信息的申请。", 0, 0, 0, []),
        ("截至 2024 年 12 月 31 日，我镇未接到公众、法人或其他组织公开政府信息的申请。", 4, 0, 0, [["t3.new_received.total"]]),
        ("2024 年度，清溪场镇未收到政府信息\n\n公开申请，未因政府信息公开引发行政复议。", 2, 0, 0, [["t3.new_received.total"]]),
        ("收到申请12件，予以公开3件。", 12, 0, 4, [["t3.granted.total"]]),
        # no claim on Table 三: nothing to compare
        ("本年度未收到行政复议申请，主动公开政府信息120条。", 5, 0, 0, []),
        ("主动予以公开文件30件。", 5, 0, 0, []),
        ("部分予以公开3件，均已按期答复申请人。", 5, 0, 0, []),
        ("2023年收到政府信息公开申请7件。", 5, 0, 0, []),
        ("除上述申请外，未收到其他政府信息公开申请。", 5, 0, 0, []),
        ("我镇高度重视政府信息公开工作，持续完善制度。", 5, 0, 3, []),
    ],
)
def test_narrative_mismatch(text: str, new: int, carried: int, granted: int, expected_cells: list[list[str]]) -> None:
    findings = narrative(narrative_report(text, new=new, carried=carried, granted=granted))
    assert [f.cells for f in findings] == expected_cells
    for f in findings:
        assert f.rule == "narrative.mismatch" and str(f.expected) in f.message and str(f.actual) in f.message


def test_narrative_number_longer_than_any_count_is_no_claim() -> None:
    """Fuzz (issue 13): int() of a 5,000-digit "count" raised ValueError inside check()."""
    text = "全年收到政府信息公开申请" + "9" * 5000 + "件，予以公开" + "8" * 5000 + "件。"
    assert narrative(narrative_report(text, new=5, granted=3)) == []
    assert [f.cells for f in narrative(narrative_report("全年收到政府信息公开申请" + "9" * 100 + "件。", new=5))] == [
        ["t3.new_received.total", "t3.carried_over.total"]]


def test_narrative_same_claim_in_two_sections_is_reported_once() -> None:
    report = narrative_report("全年收到政府信息公开申请9件。", new=5)
    report.sections["applications"] = "全年收到政府信息公开申请9件。"
    assert len(narrative(report)) == 1


def test_narrative_ignores_table_text_in_the_applications_section() -> None:
    table = "一、本年新收政府信息公开申请数量 3 0 0 0 0 0 3\n（一）予以公开\t1\t0\t0\t0\t0\t0\t1\n"
    report = narrative_report("", new=5, granted=2)
    report.sections["applications"] = table
    assert narrative(report) == []


def test_fee_unpaid_vs_notice() -> None:
    other = "某某镇 2024 年未发出政府信息处理费收费通知，未收取信息处理费。"
    (f,) = narrative(narrative_report("", new=0, other=other, unpaid=2))
    assert (f.rule, f.cells) == ("t3.fee_unpaid_vs_notice", ["t3.other_fee_unpaid.total"])
    assert "为 2" in f.message and "未发出政府信息处理费收费通知" in f.message
    assert narrative(narrative_report("", new=0, other=other, unpaid=0)) == []
    issued = "本年度发出收费通知2件，申请人均未缴费。"
    assert narrative(narrative_report("", new=0, other=issued, unpaid=2)) == []


# --- 2019 format, other formats, plumbing -----------------------------------------------------


def test_2019_format_shape_and_identities() -> None:
    assert len(K.t3_rows("2019")) == 23 and len(K.t3_outcome_rows("2019")) == 19
    values = seeded(25, "2019")
    assert "t3.other_processing.total" in values and "t3.other_fee_unpaid.total" not in values
    assert errors(check(build(values, "2019"))) == []
    bad = dict(values, **{"t3.other_processing.natural_person": int(values["t3.other_processing.natural_person"]) + 1})  # type: ignore[arg-type]
    findings = errors(check(build(bad, "2019")))
    assert {f.rule for f in findings} == {"t3.row_sum", "t3.results_total"}
    assert all("t3.other_processing.natural_person" in f.cells for f in findings)
    assert any("（六）其他处理" in f.message for f in findings)
    # the 2019 sum is over 19 rows: a 2021-only row does not take part
    assert errors(check(build(dict(values, **{"t3.other_fee_unpaid.total": 5}), "2019"))) == []


def test_reader_findings_come_first_and_pre2019_gets_no_table_checks() -> None:
    read = Finding("read.ambiguous_window", "warning", ["t3.granted.total"], "读取时有歧义")
    report = build(dict(seeded(26), **{"t4.review.total": 0}), findings=[read])
    findings = check(report)
    assert findings[0] is read and findings[1].rule == "t4.block_sum"
    assert report.findings == [read]  # check() does not mutate the report
    assert check(Report(format="pre2019", findings=[read])) == [read]


def test_raise_for_errors_and_summarize() -> None:
    values = dict(seeded(27), **{"t4.review.total": 0, "t3.granted.natural_person": None})
    findings = check(build(values))
    counts = summarize(findings)
    assert counts == {"error": 1, "warning": 2}
    assert summarize([]) == {"error": 0, "warning": 0}
    from xxgk.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        build(values).raise_for_errors()
    build(seeded(27)).raise_for_errors()


def test_findings_survive_json_round_trip() -> None:
    values = dict(seeded(28), **{"t3.granted.total": 0})
    report = build(values)
    again = Report.from_json(report.to_json())
    assert [f.to_dict() for f in again.check()] == [f.to_dict() for f in report.check()]


def _with_sections(**text: str) -> Report:
    from tests.corpus.generate import random_report

    report = random_report(random.Random(7))
    report.sections = dict(text)
    return report


def _missing(report: Report) -> list[str]:
    return [f.message for f in check(report) if f.rule == "sections.missing"]


def test_every_section_present_gives_no_section_warning() -> None:
    full = {k: f"{k} 的内容。" for k in K.SECTION_KEYS}
    assert _missing(_with_sections(**full)) == []
    # the three table sections may have no lead-in text at all
    assert _missing(_with_sections(**{**full, "proactive": "", "applications": "", "appeals": ""})) == []


def test_a_missing_or_empty_section_is_named() -> None:
    full = {k: f"{k} 的内容。" for k in K.SECTION_KEYS}
    lost = {k: v for k, v in full.items() if k not in ("appeals", "problems")}
    (msg,) = _missing(_with_sections(**lost))
    assert "缺少 2 个部分" in msg and "四、政府信息公开行政复议、行政诉讼情况" in msg and "五、存在的主要问题及改进情况" in msg
    (msg,) = _missing(_with_sections(**{**full, "other": "  "}))
    assert "六、其他需要报告的事项" in msg and "缺少 1 个部分" in msg


def test_a_report_without_any_section_text_is_not_held_to_them() -> None:
    # tables only (a spreadsheet), or a report built in code
    assert _missing(_with_sections()) == []
    assert _missing(_with_sections(proactive="", applications="")) == []
