"""Year-on-year comparison (`xxgk.report.compare`) and the narrative diff (`xxgk.report.textdiff`):
literal expected changes on hand-built reports, reuse ratios computed by hand, the carry-over rows,
and the one agency's two real years of ../shared/real (values from their truth.json)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from xxgk.report import keys as K
from xxgk.report.compare import compare
from xxgk.report.model import Cell, Report
from xxgk.report.textdiff import MIN_EQUAL, Op, Run, diff, reuse, section_diff
from tests.read.test_real import REAL


def rep(cells: dict[str, str] | None = None, *, fmt: str = "2021", year: int = 2023, sections: Any = None) -> Report:
    """A report of `fmt` whose every cell prints 0, except `cells` (key → raw text)."""
    r = Report(format=fmt, agency="乙市丙县教育局", year=year, sections=dict(sections or {}))
    for key in K.cell_keys(fmt):
        r.cells[key] = Cell.from_raw(key, "0")
    for key, raw in (cells or {}).items():
        r.cells[key] = Cell.from_raw(key, raw)
    return r


# --- cells ------------------------------------------------------------------------------------


CASES = [
    # key, raw a, raw b → status, delta, ratio, outlier
    ("t3.granted.natural_person", "10", "15", "up", 5, 1.5, False),
    ("t3.granted.commercial_enterprise", "8", "6", "down", -2, 0.75, False),
    ("t3.granted.research_institution", "0", "3", "up", 3, None, False),
    ("t3.granted.public_welfare_org", "0", "12", "up", 12, None, True),  # from 0 to ≥ 10
    ("t3.granted.legal_service_org", "20", "2", "down", -18, 0.1, True),
    ("t3.granted.other_org", "3", "16", "up", 13, 16 / 3, True),
    ("t3.granted.total", "1", "6", "up", 5, 6.0, False),  # ratio 6 but both under 10
    ("t3.partially_granted.total", "7", "7", "same", 0, 1.0, False),
    ("t3.carried_over.total", "/", "2", "new", None, None, False),
    ("t3.carried_forward.total", "4", "", "gone", None, None, False),
    ("t3.unable_unclear.total", "/", "", "none", None, None, False),
    ("t3.other_other.total", "零", "0", "same", 0, None, False),  # 零 reads as 0; 0/0 has no ratio
    ("t3.denied_admin_query.total", "五", "5", "new", None, None, False),  # 五 is text, not a number
    ("t2.admin_fees_wan_yuan", "1.50", "0.25", "down", "-1.25", 0.25 / 1.5, False),
]


@pytest.mark.parametrize("key,ra,rb,status,delta,ratio,outlier", CASES)
def test_cell_change(key: str, ra: str, rb: str, status: str, delta: Any, ratio: Any, outlier: bool) -> None:
    c = compare(rep({key: ra}), rep({key: rb}, year=2024)).cell(key)
    assert c.status == status
    assert c.delta == delta
    assert c.ratio == (pytest.approx(ratio) if ratio is not None else None)
    assert c.outlier is outlier
    assert c.a is not None and c.a.raw == ra and c.b is not None and c.b.raw == rb


def test_raw_change_without_number_change_is_a_change() -> None:
    c = compare(rep({"t3.unable_unclear.total": "/"}), rep({"t3.unable_unclear.total": ""})).cell("t3.unable_unclear.total")
    assert c.status == "none" and c.raw_changed and c.changed
    same = compare(rep(), rep()).cell("t3.granted.total")
    assert same.status == "same" and not same.changed


def test_every_cell_is_compared_and_counted() -> None:
    c = compare(rep({"t3.granted.total": "9"}), rep({"t3.granted.total": "4", "t4.review.pending": "/"}))
    assert len(c.cells) == 200
    assert c.counts() == {"same": 198, "up": 0, "down": 1, "new": 0, "gone": 1, "none": 0}
    # 表二 in two blocks, 表三 of 25 rows, 表四 of 3 blocks.
    assert [(t.key, len(t.rows)) for t in c.tables] == [("t2", 2), ("t2", 4), ("t3", 25), ("t4", 3)]
    t3 = c.tables[2]
    assert t3.rows[4].label == "1.属于国家秘密" and t3.rows[4].group == "（三）不予公开"
    assert t3.rows[2].group == "" and len(t3.rows[0].cells) == 7


def test_signed_2019_change_has_a_delta_but_no_ratio() -> None:
    key = "t2_2019.licensing.change"
    c = compare(rep({key: "-2"}, fmt="2019"), rep({key: "3"}, fmt="2019", year=2024)).cell(key)
    assert (c.status, c.delta, c.ratio, c.outlier) == ("up", 5, None, False)


def test_formats_differ_both_tables_and_both_other_rows() -> None:
    a = rep({"t3.other_processing.total": "2"}, fmt="2019", year=2020)
    b = rep({"t3.other_other.total": "1"}, fmt="2021", year=2021)
    c = compare(a, b)
    assert [t.key for t in c.tables] == ["t2", "t2", "t2_2019", "t2_2019", "t2_2019", "t2_2019", "t3", "t4"]
    rows = [r.key for r in c.tables[-2].rows]
    assert len(rows) == 26 and rows.index("other_processing") == rows.index("other_no_correction") - 1
    assert c.cell("t3.other_processing.total").status == "gone"
    assert c.cell("t3.other_processing.total").b is None
    assert c.cell("t3.other_other.total").status == "new"
    assert c.cell("t2.licensing").a is None and c.cell("t2_2019.licensing.decisions").b is None
    assert len(c.cells) == 10 + 26 * 7 + 15 + 22


def test_findings_of_both_reports() -> None:
    # a: 一 (5) + 二 (0) ≠ （七） (0) + 四 (0) in the total column.
    a = rep({"t3.new_received.total": "5"})
    b = rep(year=2024)
    c = compare(a, b)
    assert "t3.column_identity" in {f.rule for f in c.findings_a}
    assert c.summary_a["error"] >= 2  # the column identity and the row sum
    assert c.summary_b == {"error": 0, "warning": 0}


# --- carry-over -------------------------------------------------------------------------------


def test_carry_over_mismatch_detected() -> None:
    a = rep({"t3.carried_forward.natural_person": "4", "t3.carried_forward.total": "4",
             "t3.new_received.natural_person": "4", "t3.new_received.total": "4"}, year=2023)
    b = rep({"t3.carried_over.natural_person": "3", "t3.carried_over.total": "3",
             "t3.carried_forward.natural_person": "3", "t3.carried_forward.total": "3"}, year=2024)
    c = compare(a, b)
    assert c.consecutive
    by_key = {r.key: r for r in c.carry}
    total = by_key["t3.carried_over.total"]
    assert (total.actual, total.expected, total.ok) == (3, 4, False)
    assert total.operands == ("a:t3.carried_forward.total",)
    assert by_key["t3.carried_over.other_org"].ok is True
    assert [r.key for r in c.carry if r.ok is False] == ["t3.carried_over.natural_person", "t3.carried_over.total"]
    # The checks' own cross-year warnings, and only those: b alone is clean.
    assert [(f.rule, f.cells, f.expected, f.actual) for f in c.cross_year] == [
        ("t3.cross_year", ["t3.carried_over.natural_person"], 4, 3),
        ("t3.cross_year", ["t3.carried_over.total"], 4, 3),
    ]
    assert c.summary_b == {"error": 0, "warning": 0}


def test_carry_over_needs_consecutive_years() -> None:
    a = rep({"t3.carried_forward.total": "4"}, year=2021)
    c = compare(a, rep(year=2023))
    assert not c.consecutive and c.carry == [] and c.cross_year == []


def test_t2_stock_flow_carry() -> None:
    a = rep({"t2.normative_documents.in_force": "10"}, year=2023)
    ok = rep({"t2.normative_documents.issued": "3", "t2.normative_documents.repealed": "1",
              "t2.normative_documents.in_force": "12"}, year=2024)
    row = next(r for r in compare(a, ok).carry if r.key == "t2.normative_documents.in_force")
    assert (row.actual, row.expected, row.ok) == (12, 12, True)
    bad = rep({"t2.normative_documents.issued": "3", "t2.normative_documents.in_force": "15"}, year=2024)
    c = compare(a, bad)
    row = next(r for r in c.carry if r.key == "t2.normative_documents.in_force")
    assert (row.actual, row.expected, row.ok) == (15, 13, False)
    assert [f.rule for f in c.cross_year] == ["t2.stock_flow"]
    blank = rep({"t2.normative_documents.repealed": "/"}, year=2024)
    row = next(r for r in compare(a, blank).carry if r.key == "t2.normative_documents.in_force")
    assert (row.expected, row.ok) == (None, None)


def test_2019_items_carry() -> None:
    a = rep({"t2_2019.licensing.previous_items": "3", "t2_2019.licensing.change": "-1",
             "t2_2019.normative_documents.total_published": "7"}, fmt="2019", year=2019)
    b = rep({"t2_2019.licensing.previous_items": "2", "t2_2019.normative_documents.published": "4",
             "t2_2019.normative_documents.total_published": "10"}, fmt="2019", year=2020)
    by_key = {r.key: r for r in compare(a, b).carry}
    lic = by_key["t2_2019.licensing.previous_items"]
    assert (lic.actual, lic.expected, lic.ok) == (2, 2, True)
    pub = by_key["t2_2019.normative_documents.total_published"]
    assert (pub.actual, pub.expected, pub.ok) == (10, 11, False)


# --- narratives -------------------------------------------------------------------------------


def test_reuse_ratio_by_hand() -> None:
    a = "甲乙丙丁戊己庚辛壬癸子丑"
    # The first 10 characters are a run of a: 10 of 12 counted.
    assert reuse(a, "甲乙丙丁戊己庚辛壬癸天地") == pytest.approx(10 / 12)
    # 9 in common is under the 10-character run: nothing reused.
    assert reuse(a, "甲乙丙丁戊己庚辛壬天地玄") == 0.0
    # Whitespace is not counted; digits are read as '#': a copied sentence with new numbers is reused.
    assert reuse("今年共收到信息公开申请12件", "今年 共收到信息公开申请34件") == 1.0
    # Order does not matter: two swapped passages are all reused.
    assert reuse("子丑寅卯辰巳午未申酉。甲乙丙丁戊己庚辛壬癸。", "甲乙丙丁戊己庚辛壬癸。子丑寅卯辰巳午未申酉。") == 1.0
    assert reuse(a, "  ") is None


def test_diff_of_a_changed_number() -> None:
    ops = diff("我局今年公开信息100条。", "我局今年公开信息120条。")
    assert ops == [Op("equal", "我局今年公开信息1", "我局今年公开信息1"), Op("replace", "0", "2"), Op("equal", "0条。", "0条。")]


def test_diff_keeps_equal_sentences_whole_and_folds_short_equal_runs() -> None:
    a = "第一句不变。开头相同部分，旧旧的旧文字，结尾相同部分。第三句删去。"
    b = "第一句不变。开头相同部分，新的新文字，结尾相同部分。"
    ops = diff(a, b)
    assert MIN_EQUAL == 3
    # "的" (1 character) between two changes is shown as changed; "第三句删去。" is deleted whole.
    assert ops == [
        Op("equal", "第一句不变。开头相同部分，", "第一句不变。开头相同部分，"),
        Op("replace", "旧旧的旧", "新的新"),
        Op("equal", "文字，结尾相同部分。", "文字，结尾相同部分。"),
        Op("delete", "第三句删去。", ""),
    ]
    d = section_diff(a, b)
    assert d.left() == [Run("equal", "第一句不变。开头相同部分，"), Run("delete", "旧旧的旧"),
                        Run("equal", "文字，结尾相同部分。"), Run("delete", "第三句删去。")]
    assert d.right()[1] == Run("insert", "新的新")
    assert (d.deleted_chars, d.inserted_chars) == (10, 3)


def test_moved_text_is_marked() -> None:
    a = "子丑寅卯辰巳午未申酉。甲乙丙丁戊己庚辛壬癸。"
    b = "甲乙丙丁戊己庚辛壬癸。新写一句话。子丑寅卯辰巳午未申酉。"
    d = section_diff(a, b)
    kinds = {r.kind: r.text for r in d.right()}
    assert "moved" in kinds and "insert" in kinds
    assert "新写一句话。" in "".join(r.text for r in d.right() if r.kind == "insert")
    assert all(len(r.text) >= 10 for r in d.right() if r.kind == "moved")


def test_sections_and_overall_reuse() -> None:
    a = rep(sections={"overview": "甲乙丙丁戊己庚辛壬癸", "problems": "子丑寅卯辰巳午未申酉"})
    # b's overview copies a's problems: 0 within the section, but counts overall.
    b = rep(year=2024, sections={"overview": "子丑寅卯辰巳午未申酉", "problems": "天地玄黄宇宙洪荒日月"})
    c = compare(a, b)
    assert [s.key for s in c.sections] == ["overview", "problems"]
    assert [s.diff.reuse for s in c.sections] == [0.0, 0.0]
    assert c.reuse == pytest.approx(10 / 20)
    assert c.sections[0].title == "一、总体情况"


def test_large_low_variety_section_stays_fast() -> None:
    import random

    rng = random.Random(7)
    alphabet = "的是在了公开信息政府申请"
    a = "".join(rng.choice(alphabet) for _ in range(6000))
    b = "".join(rng.choice(alphabet) for _ in range(6000))
    t = time.process_time()
    d = section_diff(a, b)
    assert time.process_time() - t < 5.0
    assert "".join(op.a_text for op in d.ops) == a and "".join(op.b_text for op in d.ops) == b


# --- two real years -------------------------------------------------------------------------


@pytest.mark.skipif(not REAL.is_dir(), reason="../shared/real not present")
def test_real_pair_of_one_agency() -> None:
    import xxgk

    a = xxgk.parse(REAL / "015_pingtan_czj_2019" / "source.txt")
    b = xxgk.parse(REAL / "008_pingtan_czj_2020" / "source.txt")
    t = time.process_time()
    c = compare(a, b)
    elapsed = time.process_time() - t
    assert c.consecutive and (a.year, b.year) == (2019, 2020)
    # truth.json: normative_documents made 10 → 6, published 7 → 4, total_published 7 → 11.
    made = c.cell("t2_2019.normative_documents.made")
    assert (made.a_value, made.b_value, made.status, made.delta) == (10, 6, "down", -4)
    total = c.cell("t2_2019.normative_documents.total_published")
    assert (total.delta, total.ratio) == (4, pytest.approx(11 / 7))
    by_key = {r.key: r for r in c.carry}
    # 7 + 4 = 11 holds; licensing's 3 items of 2019 (change 0) became 0 in 2020 (meta.json notes).
    assert by_key["t2_2019.normative_documents.total_published"].ok is True
    lic = by_key["t2_2019.licensing.previous_items"]
    assert (lic.actual, lic.expected, lic.ok) == (0, 3, False)
    assert all(r.ok for r in c.carry if r.rule == "t3.cross_year")  # zero applications both years
    assert c.reuse is not None and 0.35 < c.reuse < 0.5
    assert elapsed < 1.0
