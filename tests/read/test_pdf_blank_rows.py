"""Tables without rules whose rows are printed blank: a label and no value in any column.

Such a row has nothing for the unruled reader to anchor on; before, its label was joined to the row
with values above or below it, and '5.要求行政机关确认…' + '1.申请人无正当理由…' was then placed on the
second label's row, its values shifted one row down with no error finding. The geometry tests build
pages from characters (no PDF); the round trip prints a generated report with Chromium.
"""

from __future__ import annotations

import random

import pytest

from tests.corpus.generate import random_report
from tests.corpus.pdf import chromium, render_pdf
from tests.write.roundtrip import assert_same_report
from xxgk.read.pdf import Char, Page, parse_pdf
from xxgk.read.pdf.assemble import page_blocks
from xxgk.read.pdf.lines import group_lines
from xxgk.report import keys as K
from xxgk.report.model import Cell


def _chars(text: str, x: float, top: float, size: float = 10.0) -> list[Char]:
    return [Char(c, x + k * size, top, x + (k + 1) * size, top + size, size) for k, c in enumerate(text)]


def _values(top: float, *texts: str) -> list[Char]:
    return [c for j, t in enumerate(texts) for c in _chars(t, 300 + 60 * j, top)]


def _rows(lines: list[list[Char]]) -> list[list[str]]:
    page = Page(1, [c for line in lines for c in line], [], 595, 842)
    page.lines = group_lines(page.chars)
    (_, table), = page_blocks(page)
    return [[c.text for c in row] for row in table.rows]


def test_blank_rows_below_a_row_with_values_are_rows_of_their_own() -> None:
    lines = [
        _chars("4.甲乙", 80, 100) + _values(100, "1", "2"),
        _chars("5.丙丁", 80, 120) + _values(120, "3", "4"),
        _chars("1.戊己庚辛", 80, 140),
        _chars("续写", 80, 152),
        _chars("2.壬癸", 80, 172),
        _chars("3.其他", 80, 192),
        _chars("(七)总计", 40, 212) + _values(212, "5", "6"),
    ]
    assert _rows(lines) == [
        ["4.甲乙", "1", "2"],
        ["5.丙丁", "3", "4"],
        ["1.戊己庚辛续写", "", ""],
        ["2.壬癸", "", ""],
        ["3.其他", "", ""],
        ["(七)总计", "5", "6"],
    ]


def test_a_blank_row_above_a_centred_wrapped_label_keeps_that_label_with_its_values() -> None:
    # The row with values has its label centred over two lines (one above, one below its values).
    lines = [
        _chars("1.甲乙", 80, 100) + _values(100, "1", "2"),
        _chars("2.丙丁", 80, 120),
        _chars("3.戊己", 80, 140),
        _values(146, "3", "4"),
        _chars("庚辛", 80, 152),
    ]
    assert _rows(lines) == [["1.甲乙", "1", "2"], ["2.丙丁", "", ""], ["3.戊己庚辛", "3", "4"]]


def test_numbered_group_labels_beside_item_labels_make_no_blank_rows() -> None:
    # A group label in its own column left of the items, and wrapped item labels: one numbered piece
    # per left edge in each row, nothing is split off.
    lines = [
        _chars("(四)", 40, 100) + _chars("1.甲乙丙丁", 80, 100) + _values(100, "1", "2"),
        _chars("戊己", 80, 112),
        _chars("2.庚辛", 80, 132) + _values(132, "3", "4"),
    ]
    assert _rows(lines) == [["(四)", "1.甲乙丙丁戊己", "1", "2"], ["2.庚辛", "3", "4"]]


@pytest.mark.skipif(chromium() is None, reason="chromium not installed (run `make sysdeps` as root)")
@pytest.mark.parametrize("seed", [3, 11])
def test_blank_rows_of_a_table_without_rules_round_trip(seed: int) -> None:
    # （六）其他处理 printed as one 2019-style row in a 2021 table leaves its three sub-rows blank.
    report = random_report(random.Random(seed), fmt="2021")
    for row in ("other_no_correction", "other_fee_unpaid", "other_other"):
        for col in K.T3_COLUMNS:
            report.cells[f"t3.{row}.{col}"] = Cell.from_raw(f"t3.{row}.{col}", "")
    got = parse_pdf(render_pdf(report, random.Random(seed), style="official", borders=False, page_break=False))
    assert_same_report(report, got, seed)
