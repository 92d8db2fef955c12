"""Suggestions on broken identities (issue 13 point 6, domain.md §6.3): for OCR and PDF input, when one
cell explains the failing identities, a warning names the cell and the value that would make them hold;
the cell keeps its printed value. Literal reports: every value below is written out or derived from a
valid generated report by one edit whose truth the test knows."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.report.test_checks import build, errors, seeded, valid_values
from xxgk.report import keys as K
from xxgk.report.checks import check
from xxgk.report.model import Cell, Report
from xxgk.report.suggest import identities, is_digit_drop, suggest

RULE = "identity.suggestion"


def _suggestions(report: Report) -> list:
    return [f for f in check(report) if f.rule == RULE]


def _printed(values: dict[str, object], kind: str, **edits: str) -> Report:
    """A report as read from a `kind` source, the cells in `edits` printed otherwise (key with '.'
    written as '__')."""
    report = build(values)
    report.source = {"kind": kind, "name": f"r.{kind}"}
    for k, raw in edits.items():
        key = k.replace("__", ".")
        report.cells[key] = Cell.from_raw(key, raw, {"page": 3, "bbox": [1, 2, 3, 4]})
    return report


def _with(values: dict[str, object], **cells: int) -> dict[str, object]:
    return dict(values, **{k.replace("__", "."): v for k, v in cells.items()})


def _t3_with_12() -> dict[str, object]:
    """A valid report whose 予以公开/自然人 cell is 12 (row and column totals adjusted)."""
    v = seeded(31)
    d = 12 - int(v["t3.granted.natural_person"])  # type: ignore[call-overload]
    for key in ("t3.granted.natural_person", "t3.granted.total", "t3.results_total.natural_person", "t3.results_total.total",
                "t3.new_received.natural_person", "t3.new_received.total"):
        v[key] = int(v[key]) + d  # type: ignore[call-overload]
    assert check(build(v)) == [] and v["t3.granted.natural_person"] == 12
    return v


def test_one_dropped_digit_12_read_as_2_is_suggested_for_pdf_and_scans() -> None:
    for kind in ("pdf", "image"):
        report = _printed(_t3_with_12(), kind, t3__granted__natural_person="2")
        findings = check(report)
        assert {f.rule for f in errors(findings)} == {"t3.row_sum", "t3.results_total"}
        (s,) = [f for f in findings if f.rule == RULE]
        assert (s.severity, s.cells, s.expected, s.actual) == ("warning", ["t3.granted.natural_person"], 12, 2)
        assert "表三「（一）予以公开」「自然人」（第 3 页）印刷为 2，若为 12" in s.message
        assert "表三「（一）予以公开」行、表三「自然人」列" in s.message and "漏掉一位数字" in s.message
        assert report.cells["t3.granted.natural_person"].raw == "2" and report.value("t3.granted.natural_person") == 2


@pytest.mark.parametrize("kind", ["text", "html", "docx", "xlsx", None])
def test_text_and_office_input_get_no_suggestion(kind: str | None) -> None:
    """domain.md §6.3 is about OCR and extraction: typed digits that do not add up are the source's."""
    report = _printed(_t3_with_12(), "pdf", t3__granted__natural_person="2")
    report.source = {"kind": kind} if kind else {}
    assert errors(check(report)) and _suggestions(report) == []


def _t4(upheld: int, corrected: int, other: int, pending: int, total: int) -> dict[str, object]:
    v = seeded(32)
    v.update({"t4.review.upheld": upheld, "t4.review.corrected": corrected, "t4.review.other": other,
              "t4.review.pending": pending, "t4.review.total": total})
    return v


def test_table_four_10_read_as_1_singled_out_by_the_digit_drop() -> None:
    """金湖县 (domain.md §6.3): `10` parsed as `1` in 表四. Five cells could balance the block; only one
    is a dropped digit (1 → 10), so it is suggested."""
    report = _printed(_t4(10, 3, 5, 2, 20), "pdf", t4__review__upheld="1")
    (s,) = _suggestions(report)
    assert (s.cells, s.expected, s.actual) == (["t4.review.upheld"], 10, 1)
    assert "表四「行政复议」" in s.message


def test_two_cells_that_could_explain_it_give_no_suggestion() -> None:
    """Truth 维持 12; printed 2. Reading 2 as 12, 其他 3 as 13 or 尚未审结 4 as 14 all balance the
    block and all are dropped digits: no single cell is named (never a wrong one)."""
    report = _printed(_t4(12, 21, 3, 4, 40), "pdf", t4__review__upheld="2")
    assert [f.rule for f in errors(check(report))] == ["t4.block_sum"]
    assert _suggestions(report) == []
    assert len(suggest({k: report.value(k) for k in report.cells if isinstance(report.value(k), int)}, "2021")) == 0


def test_an_arithmetic_only_candidate_among_several_is_not_suggested() -> None:
    """Truth 维持 27 printed 2: the block balances with 维持 27, 纠正 55, 其他 33, 尚未审结 31 or
    总计 46; only 27 is a dropped digit of 2, so it is the one suggested."""
    report = _printed(_t4(27, 30, 8, 6, 71), "pdf", t4__review__upheld="2")
    (s,) = _suggestions(report)
    assert (s.cells, s.expected) == (["t4.review.upheld"], 27)
    # Printed 5 where the truth is 27: no digit drop singles a cell out; nothing is suggested.
    report = _printed(_t4(27, 30, 8, 6, 71), "pdf", t4__review__upheld="5")
    assert _suggestions(report) == []


def test_a_value_printed_in_the_next_column_is_suggested_as_a_swap() -> None:
    v = seeded(33)
    a, b = "t3.granted.natural_person", "t3.granted.commercial_enterprise"
    assert v[a] != v[b]
    report = _printed(v, "pdf", **{a.replace(".", "__"): str(v[b]), b.replace(".", "__"): str(v[a])})
    assert {f.rule for f in errors(check(report))} == {"t3.results_total"}  # the row still adds up
    (s,) = _suggestions(report)
    assert s.cells == [a, b] and s.expected == {a: v[a], b: v[b]} and "若互换" in s.message and "错列" in s.message


def test_a_report_whose_identities_hold_gets_no_suggestion() -> None:
    report = _printed(seeded(34), "image")
    assert check(report) == []


@pytest.mark.parametrize(("printed", "suggested", "drop"), [(2, 12, True), (1, 12, True), (1, 10, True), (15, 105, True),
                                                          (0, 12, False), (3, 13, True), (12, 12, False), (21, 12, False), (5, 27, False)])
def test_is_digit_drop(printed: int, suggested: int, drop: bool) -> None:
    assert is_digit_drop(printed, suggested) is drop


# -- property: a suggestion, when made, is the truth ---------------------------------------------


@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2021", "2019"]), data=st.data())
def test_one_corrupted_table_three_cell_is_suggested_back_to_its_truth(seed: int, fmt: str, data: st.DataObject) -> None:
    """Any one 表三 cell printed otherwise (a dropped digit or any other count): with every identity
    verifiable, the arithmetic singles it out (its row sum and its column meet in it alone), so the
    suggestion is made and is exactly the true value."""
    truth = valid_values(random.Random(seed).randint, fmt)
    key = data.draw(st.sampled_from(K.t3_keys(fmt)))
    true = int(truth[key])  # type: ignore[call-overload]
    wrong = data.draw(st.integers(0, 400).filter(lambda n: n != true))
    report = build(truth, fmt)
    report.source = {"kind": "pdf"}
    report.cells[key] = Cell.from_raw(key, str(wrong))
    (s,) = _suggestions(report)
    assert (s.cells, s.expected, s.actual) == ([key], true, wrong)
    assert ("漏掉一位数字" in s.message) == is_digit_drop(wrong, true)


@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_identities_are_the_ones_checks_reports(seed: int, data: st.DataObject) -> None:
    """suggest.identities mirrors checks' rules 1–4: the cells of the failing ones are exactly the
    cells named by the identity errors of check()."""
    values = valid_values(random.Random(seed).randint, "2021")
    keys = data.draw(st.lists(st.sampled_from(K.t3_keys("2021") + K.t4_keys()), min_size=1, max_size=3, unique=True))
    for k in keys:
        values[k] = int(values[k]) + data.draw(st.integers(1, 5))  # type: ignore[call-overload]
    report = build(values)
    named = {k for f in errors(check(report)) for k in f.cells}
    failing = {k for i in identities("2021") if i.gap(report.value) for k in i.keys}  # type: ignore[arg-type]
    assert named == failing


def test_end_to_end_a_pdf_printed_with_a_dropped_digit() -> None:
    """A report written as PDF with one cell printed without its first digit (as a lossy extraction
    would give it) and read back: the suggestion names the cell, its page and the true value."""
    pytest.importorskip("weasyprint", reason="the PDF writer needs WeasyPrint")
    from xxgk.read.pdf import parse_pdf
    from xxgk.write.pdf import write

    values = _t3_with_12()
    printed = build(values)
    printed.cells["t3.granted.natural_person"] = Cell.from_raw("t3.granted.natural_person", "2")
    got = parse_pdf(write(printed), name="r.pdf")
    assert got.source["kind"] == "pdf" and got.value("t3.granted.natural_person") == 2
    (s,) = _suggestions(got)
    page = got.cells["t3.granted.natural_person"].where["page"]
    assert (s.cells, s.expected, s.actual) == (["t3.granted.natural_person"], 12, 2)
    assert f"（第 {page} 页）印刷为 2，若为 12" in s.message
