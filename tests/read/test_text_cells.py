"""Cell-level behaviour of the text reader that the generated corpus does not exercise:
null forms, holes in grid rows, rows with too few or too many numbers, truncation, other formats.

Each test edits one printed row of a rendered report, so the rest of the document stays realistic.
"""

from __future__ import annotations

import random

import pytest

from tests.corpus.generate import random_report, render_text
from xxgk.errors import NotAReport, TruncatedInput
from xxgk.read.text import parse_text
from xxgk.report import Report
from xxgk.report import keys as K

TAB = "\t"


def _tab_report(seed: int = 3) -> tuple[Report, list[str]]:
    report = random_report(random.Random(seed))
    text = render_text(report, "tab002", random.Random(seed), variants=False)
    return report, text.split("\n")


def _parsed(lines: list[str]) -> Report:
    return parse_text("\n".join(lines))


def _line_of(parsed: Report, key: str) -> int:
    return parsed.cells[key].where["line"] - 1


def _set_row(lines: list[str], parsed: Report, row: str, values: list[str]) -> list[str]:
    """Replace the numbers of one Table 三 row, keeping its label cells."""
    n = _line_of(parsed, f"t3.{row}.total")
    cells = lines[n].split(TAB)
    label_cells = [c for c in cells if c.strip() and not c.strip().isdigit()]
    out = list(lines)
    out[n] = TAB.join([TAB.join(label_cells)] + values)
    return out


@pytest.fixture
def doc() -> tuple[Report, list[str], Report]:
    """A rendered report whose 予以公开 row has numbers in several columns."""
    for seed in range(100):
        report, lines = _tab_report(seed)
        row = [report.value(f"t3.granted.{c}") for c in K.T3_APPLICANT_COLUMNS]
        if sum(1 for v in row if v) >= 2:
            return report, lines, _parsed(lines)
    raise AssertionError("the generator made no report with a populated 予以公开 row")


@pytest.mark.parametrize("mark", ["/", "-", "—", "不适用"])
def test_na_marks_are_na_not_zero(doc: tuple[Report, list[str], Report], mark: str) -> None:
    report, lines, parsed = doc
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS]
    vals[2] = mark
    got = _parsed(_set_row(lines, parsed, "granted", vals))
    cell = got.cells["t3.granted.research_institution"]
    assert (cell.value, cell.semantic, cell.raw) == (None, "na", mark)
    findings = got.check()
    assert not [f for f in findings if f.severity == "error"]
    assert any(f.rule == "t3.row_sum.unverifiable" and "t3.granted.research_institution" in f.cells for f in findings)


def test_blank_cell_between_numbers_is_an_empty_data_cell(doc: tuple[Report, list[str], Report]) -> None:
    report, lines, parsed = doc
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS]
    vals[3] = ""
    got = _parsed(_set_row(lines, parsed, "granted", vals))
    assert got.cells["t3.granted.public_welfare_org"].semantic == "empty"
    for i, c in enumerate(K.T3_COLUMNS):
        if i != 3:
            assert got.value(f"t3.granted.{c}") == report.value(f"t3.granted.{c}")


def test_a_row_with_too_few_numbers_is_an_error_not_a_guess(doc: tuple[Report, list[str], Report]) -> None:
    report, lines, parsed = doc
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS][:5]
    got = _parsed(_set_row(lines, parsed, "granted", vals))
    assert all(got.cells[f"t3.granted.{c}"].semantic == "empty" for c in K.T3_COLUMNS)
    errors = [f for f in got.check() if f.severity == "error"]
    assert any(f.rule == "read.row_incomplete" and "t3.granted.total" in f.cells for f in errors)


def test_a_row_with_only_its_total_reports_that_choice(doc: tuple[Report, list[str], Report]) -> None:
    report, lines, parsed = doc
    total = report.value("t3.granted.total")
    got = _parsed(_set_row(lines, parsed, "granted", [str(total)]))
    assert got.value("t3.granted.total") == total
    assert got.cells["t3.granted.natural_person"].semantic == "empty"
    assert any(f.rule == "read.total_only" for f in got.findings)


def test_extra_number_resolved_by_row_identity(doc: tuple[Report, list[str], Report]) -> None:
    report, lines, parsed = doc
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS]
    assert report.value("t3.granted.total") > 0
    got = _parsed(_set_row(lines, parsed, "granted", vals + ["0"]))
    assert [got.value(f"t3.granted.{c}") for c in K.T3_COLUMNS] == [report.value(f"t3.granted.{c}") for c in K.T3_COLUMNS]
    assert not [f for f in got.check() if f.severity == "error"]
    # The other window would have read other numbers: the choice is reported.
    assert any(f.rule == "read.window_by_identity" and f.severity == "warning" and "t3.granted.total" in f.cells for f in got.findings)


def _ambiguous_report() -> tuple[Report, list[str], Report]:
    """A report whose 予以公开 row reads '0 2 0 0 0 0 2 4' with a leading placeholder 0: both windows
    satisfy the row identity, only the column identities can tell them apart."""
    for seed in range(200):
        report, lines = _tab_report(seed)
        g = [report.value(f"t3.granted.{c}") for c in K.T3_COLUMNS]
        if g[0] > 0 and g[5] > 0 and g[5] == sum(g[:5]):
            return report, lines, _parsed(lines)
    pytest.skip("no suitable generated report")


def test_extra_number_resolved_by_column_identities_is_reported() -> None:
    report, lines, parsed = _ambiguous_report()
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS]
    got = _parsed(_set_row(lines, parsed, "granted", ["0"] + vals))
    assert [got.value(f"t3.granted.{c}") for c in K.T3_COLUMNS] == [report.value(f"t3.granted.{c}") for c in K.T3_COLUMNS]
    assert any(f.rule == "read.window_by_identity" and "t3.granted.total" in f.cells for f in got.findings)


def test_unresolvable_extra_numbers_are_an_error() -> None:
    report, lines, parsed = _ambiguous_report()
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS]
    # Blank the column totals that could arbitrate: now nothing can choose between the windows.
    for row in ("new_received", "carried_over", "results_total", "carried_forward"):
        lines = _set_row(lines, _parsed(lines), row, ["/"] * 7)
    got = _parsed(_set_row(lines, _parsed(lines), "granted", ["0"] + vals))
    assert any(f.rule == "read.ambiguous_cells" and f.severity == "error" and "t3.granted.total" in f.cells for f in got.findings)
    # README: "when nothing decides, it reports an error instead of guessing": a cell the two windows
    # disagree on is left blank; one they agree on keeps its value.
    windows = (["0"] + vals[:6], vals)
    for j, col in enumerate(K.T3_COLUMNS):
        cell = got.cells[f"t3.granted.{col}"]
        if windows[0][j] == windows[1][j]:
            assert cell.raw == windows[0][j], col
        else:
            assert (cell.raw, cell.value, cell.semantic) == ("", None, "empty"), col
    assert any(windows[0][j] != windows[1][j] for j in range(7))


def test_a_text_that_stops_inside_table_three_is_truncated() -> None:
    report, lines = _tab_report()
    parsed = _parsed(lines)
    cut = _line_of(parsed, "t3.unable_not_held.total")
    with pytest.raises(TruncatedInput, match="truncated"):
        parse_text("\n".join(lines[: cut + 1]))


def test_a_text_that_stops_inside_table_four_is_truncated() -> None:
    report, lines = _tab_report()
    parsed = _parsed(lines)
    n = _line_of(parsed, "t4.review.total")
    lines = lines[:n] + [TAB.join(lines[n].split(TAB)[:8])]
    with pytest.raises(TruncatedInput):
        parse_text("\n".join(lines))


def test_a_non_report_is_refused() -> None:
    with pytest.raises(NotAReport):
        parse_text("今天天气很好。\n我们去公园散步。\n" * 50)


def test_pre2019_report_has_sections_but_no_tables() -> None:
    text = "\n".join(
        [
            "某某市文化局2012年政府信息公开工作年度报告",
            "根据《中华人民共和国政府信息公开条例》（国务院令第492号）要求，编制本报告。",
            "一、概述",
            "本年度我局认真贯彻条例。",
            "二、主动公开政府信息情况",
            "全年主动公开信息120条。",
            "三、依申请公开政府信息情况",
            "全年收到申请5件，同意公开答复数3件。",
            "四、政府信息公开的收费及减免情况",
            "未收取任何费用。",
        ]
    )
    got = parse_text(text)
    assert (got.format, got.agency, got.year) == ("pre2019", "某某市文化局", 2012)
    assert got.cells == {}
    assert "t3" not in got.to_dict()


@pytest.mark.parametrize(
    ("raw", "value", "semantic"),
    [("１２", 12, "number"), ("1,234", 1234, "number"), ("12件", 12, "number"), ("0件", 0, "zero"), ("零", 0, "zero"), ("", None, "empty")],
)
def test_value_forms_in_a_grid_row(doc: tuple[Report, list[str], Report], raw: str, value: int | None, semantic: str) -> None:
    report, lines, parsed = doc
    vals = [str(report.value(f"t3.granted.{c}")) for c in K.T3_COLUMNS]
    vals[1] = raw
    got = _parsed(_set_row(lines, parsed, "granted", vals))
    cell = got.cells["t3.granted.commercial_enterprise"]
    assert (cell.value, cell.semantic) == (value, semantic)


def test_a_row_with_far_too_many_numbers_is_refused(doc: tuple[Report, list[str], Report]) -> None:
    report, lines, parsed = doc
    got = _parsed(_set_row(lines, parsed, "granted", ["1"] * 100))
    assert all(got.cells[f"t3.granted.{c}"].semantic == "empty" for c in K.T3_COLUMNS)
    assert any(f.rule == "read.row_overflow" and f.severity == "error" and f.actual == 100 for f in got.findings)


def test_a_table_region_of_endless_rows_is_cut_and_reported(doc: tuple[Report, list[str], Report]) -> None:
    report, lines, parsed = doc
    n = _line_of(parsed, "t3.partially_granted.total")
    flood = ["\t(二) 部分公开\t0\t0\t0\t0\t0\t0\t0"] * 10_000
    got = parse_text("\n".join(lines[:n] + flood + lines[n:]))
    assert any(f.rule == "read.table_overflow" and f.severity == "error" for f in got.findings)
    assert [f for f in got.check() if f.severity == "error"]


def test_table_four_extra_numbers_no_identity_places_are_left_blank_not_guessed() -> None:
    """16 numbers for 表四's 15 cells, both windows satisfying all three block sums: an error, and only
    the cells on which both windows agree are kept (README: an error instead of a guess)."""
    report, lines = _tab_report(3)
    parsed = _parsed(lines)
    n = _line_of(parsed, "t4.review.upheld")
    values = [1, 0, 0, 0, 1] * 3 + [1]
    lines[n] = TAB.join(str(v) for v in values)
    got = _parsed(lines)
    assert any(f.rule == "read.ambiguous_cells" and f.severity == "error" for f in got.findings)
    first, second = values[:15], values[1:]
    for j, key in enumerate(K.t4_keys()):
        cell = got.cells[key]
        if first[j] == second[j]:
            assert cell.value == first[j], key
        else:
            assert (cell.value, cell.semantic) == (None, "empty"), key
    assert [got.value(f"t4.{b}.total") for b in K.T4_BLOCKS] == [1, 1, 1]
