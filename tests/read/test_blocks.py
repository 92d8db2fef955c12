"""Block documents → text reader: layout, and provenance mapped back to the source grid."""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from tests.corpus.generate import random_report, render_text
from tests.read.test_roundtrip import _diff
from xxgk.read import assign
from xxgk.read.blocks import GridCell, Para, Table, layout, parse_blocks
from xxgk.read.text import parse_text
from xxgk.read.tokens import Token
from xxgk.report import Report
from xxgk.report import keys as K
from xxgk.report.model import Cell, Finding


def _blocks_from_tab_text(text: str) -> list:
    """Turn a tab-layout rendering into paragraphs and tables, as an HTML/DOCX reader would."""
    blocks: list = []
    rows: list[list[GridCell]] = []
    tables = 0
    for i, line in enumerate(text.split("\n")):
        if "\t" in line:
            rows.append([GridCell(c, {"table": tables, "row": len(rows), "col": j}) for j, c in enumerate(line.split("\t"))])
            continue
        if rows:
            blocks.append(Table(rows))
            rows, tables = [], tables + 1
        blocks.append(Para(line, {"paragraph": i}))
    if rows:
        blocks.append(Table(rows))
    return blocks


def test_layout_keeps_a_cell_on_one_line() -> None:
    text, spans = layout([Para("标题", {"p": 0}), Table([[GridCell("商业\n企业", {"table": 0, "row": 0, "col": 0}), GridCell("3", {"table": 0, "row": 0, "col": 1})]])])
    assert text == "标题\n商业 企业\t3"
    assert [s.where["col"] for s in spans[1]] == [0, 1]


def test_cells_point_at_their_grid_position() -> None:
    report = random_report(random.Random(11))
    text = render_text(report, "tab002", random.Random(11), variants=False)
    blocks = _blocks_from_tab_text(text)
    got = parse_blocks(blocks, name="grid", kind="html")
    grid = {(c.where["table"], c.where["row"], c.where["col"]): c.text for b in blocks if isinstance(b, Table) for row in b.rows for c in row}
    for key in K.cell_keys("2021"):
        assert got.value(key) == report.value(key), key
        w = got.cells[key].where
        assert set(w) == {"table", "row", "col"}
        assert grid[(w["table"], w["row"], w["col"])].strip() == got.cells[key].raw.strip()
    assert got.source["kind"] == "html"


# --- blank cells at the edge of a row's values (grid readers) ----------------------------------------
#
# A blank value cell between two values was always read as a blank data cell; one at the edge of a
# row's values (the first value column, or the last, e.g. 总计) was dropped, so the row had too few
# numbers. A grid knows each cell's column: `blocks.layout` marks such cells as optional blanks and
# assignment uses them where they are the one reading that fits the row (`assign._settle`).


def _write_read(kind: str) -> tuple[Callable[[Report], bytes], Callable[[bytes], Report]]:
    from xxgk.read.docx import parse_docx
    from xxgk.read.html import parse_html
    from xxgk.read.xlsx import parse_xlsx
    from xxgk.write import docx, html, xlsx

    return {"html": (html.write, parse_html), "docx": (docx.write, parse_docx), "xlsx": (xlsx.write, parse_xlsx)}[kind]


def _pos(where: dict[str, Any]) -> tuple[tuple[Any, ...], Any]:
    """(row, column) of a cell's source location: HTML/DOCX grid or spreadsheet address."""
    if "cell" in where:
        m = re.fullmatch(r"([A-Z]+)(\d+)", where["cell"])
        assert m, where
        return (where["sheet"], int(m.group(2))), m.group(1)
    return (where["table"], where["row"]), where["col"]


def _blank(report: Report, keys: Sequence[str]) -> None:
    for key in keys:
        report.cells[key] = Cell.from_raw(key, "")


def _read_findings(report: Report) -> list[Finding]:
    return [f for f in report.findings if f.rule.startswith("read.")]


@pytest.mark.parametrize("kind", ["html", "docx", "xlsx"])
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_blank_first_last_and_both_edge_cells_are_blank_data_cells(kind: str, fmt: str) -> None:
    write, parse = _write_read(kind)
    report = random_report(random.Random(7), fmt=fmt)
    # (blank key, a key in the same row with a value, a key in the same column with a value)
    if fmt == "2021":
        t2 = [("t2.regulations.issued", "t2.regulations.in_force", "t2.normative_documents.issued")]
    else:
        t2 = [
            ("t2_2019.regulations.made", "t2_2019.regulations.total_published", "t2_2019.normative_documents.made"),
            # the last value of a two-column block (in a four-column grid for DOCX/HTML/XLSX alike)
            ("t2_2019.procurement.amount", "t2_2019.procurement.items", None),
        ]
    cases = t2 + [
        ("t3.new_received.total", "t3.new_received.natural_person", "t3.carried_over.total"),  # last: 总计
        ("t3.granted.natural_person", "t3.granted.other_org", "t3.carried_over.natural_person"),  # two blanks:
        ("t3.granted.total", "t3.granted.other_org", "t3.carried_over.total"),  # both edges of one row
        ("t4.review.upheld", "t4.review.corrected", None),  # first of 表四's single row of values
        ("t4.litigation_after_review.total", "t4.litigation_after_review.other", None),  # and its last
    ]
    blanks = [c[0] for c in cases]
    _blank(report, blanks)
    got = parse(write(report))
    assert _diff(report, got) == []
    assert _read_findings(got) == []
    for key, same_row, same_col in cases:
        cell = got.cells[key]
        assert (cell.raw, cell.semantic, cell.value) == ("", "empty", None), key
        # The blank cell's own source position: the row of its label, the column of its key.
        row, col = _pos(cell.where)
        assert row == _pos(got.cells[same_row].where)[0], key
        if same_col is not None:
            assert col == _pos(got.cells[same_col].where)[1], key
    checks = got.check()
    assert [f for f in checks if f.severity == "error"] == []
    assert {f.rule for f in checks} >= {"t3.row_sum.unverifiable", "t4.block_sum.unverifiable"}


@pytest.mark.parametrize("kind", ["html", "docx", "xlsx"])
def test_a_wholly_blank_row_reads_as_empty_with_a_row_missing_warning(kind: str) -> None:
    """A row with no value at all is not taken as a row of blank data cells: in a grid it cannot be
    told from a header, a group label or a wrapped label (which must not take the blanks as values).
    It is read as it always was: every cell empty, and a `read.row_missing` warning naming it."""
    write, parse = _write_read(kind)
    report = random_report(random.Random(8))
    row = [f"t3.denied_state_secret.{c}" for c in K.T3_COLUMNS]
    _blank(report, row + ["t2.licensing"])
    got = parse(write(report))
    assert _diff(report, got) == []
    missing = {f.cells[0] for f in got.findings if f.rule == "read.row_missing"}
    assert missing == {row[0], "t2.licensing"}
    assert [f for f in got.findings if f.severity == "error"] == []
    assert all(got.cells[k].semantic == "empty" for k in row)
    assert [f for f in got.check() if f.severity == "error"] == []


def _t2_2019_grid(report: Report) -> list:
    """A 2019 report as tab text (表二 in a four-column grid: its two-column blocks end in an empty
    cell that is no data cell) turned into grid blocks."""
    return _blocks_from_tab_text(render_text(report, "tab002", random.Random(3), variants=False))


def _row(blocks: list, first: str) -> list[GridCell]:
    return next(r for b in blocks if isinstance(b, Table) for r in b.rows if r[0].text == first)


def test_2019_t2_trailing_non_data_cell_is_not_a_blank_data_cell() -> None:
    report = random_report(random.Random(3), fmt="2019")
    blocks = _t2_2019_grid(report)
    fee = _row(blocks, "行政事业性收费")
    assert [c.text for c in fee][3:] == [""] and fee[1].text and fee[2].text
    got = parse_blocks(blocks, name="grid", kind="html")
    assert _diff(report, got) == []
    assert _read_findings(got) == []
    assert "t2_2019.admin_fees.change" in got.cells and not any(k.startswith("t2_2019.admin_fees.") and k.count(".") > 2 for k in got.cells)


def test_2019_t2_blank_first_value_beside_the_trailing_non_data_cell() -> None:
    """`行政事业性收费 | (blank) | 3 | (empty)`: the block's header leaves the fourth column empty, so
    only the first blank is a data cell. Where no header tells (the fourth column named), the row is
    ambiguous and stays a finding: never a guess."""
    report = random_report(random.Random(3), fmt="2019")
    _blank(report, ["t2_2019.admin_fees.previous_items", "t2_2019.procurement.items"])
    blocks = _t2_2019_grid(report)
    assert [c.text for c in _row(blocks, "行政事业性收费")][1:] == ["", str(report.value("t2_2019.admin_fees.change")), ""]
    got = parse_blocks(blocks, name="grid", kind="html")
    assert _diff(report, got) == []
    assert _read_findings(got) == []
    assert got.cells["t2_2019.admin_fees.previous_items"].semantic == "empty"

    # The header of the fee block names a fourth column (as one header for the whole table would).
    for b in blocks:
        if isinstance(b, Table):
            for r, row in enumerate(b.rows):
                if r + 1 < len(b.rows) and b.rows[r + 1][0].text == "行政事业性收费":
                    row[3].text = "处理决定数量"
    got = parse_blocks(blocks, name="grid", kind="html")
    bad = [f for f in got.findings if f.rule == "read.row_incomplete"]
    assert [f.cells[0] for f in bad] == ["t2_2019.admin_fees.previous_items"]
    assert all(got.cells[k].semantic == "empty" for k in bad[0].cells)


def test_markdown_placeholders_are_unchanged() -> None:
    """An empty cell after a label in a column no row has a value in is a merged cell's placeholder
    (`| 一、本年新收政府信息公开申请数量 |  |  | 3 | …`), never a value; a blank at the edge of a row's
    values, in a value column, is a blank cell (issue 13: it was a `read.row_incomplete` error and the
    row was lost, so a written report with a blank 总计 did not read back)."""
    from xxgk.write.md import write

    report = random_report(random.Random(9))
    text = write(report).decode()
    assert re.search(r"\| 一、本年新收政府信息公开申请数量 \|  \|  \| \d", text)
    got = parse_text(text)
    assert _diff(report, got) == [] and _read_findings(got) == []
    _blank(report, ["t3.new_received.total"])
    got = parse_text(write(report).decode())
    assert [f for f in got.findings if f.severity == "error"] == []
    assert _diff(report, got) == [] and got.cells["t3.new_received.total"].semantic == "empty"


def test_layout_marks_optional_blanks_only_in_rows_with_values() -> None:
    def cell(text: str, r: int, c: int) -> GridCell:
        return GridCell(text, {"table": 0, "row": r, "col": c})

    rows = [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],  # header: names columns 1-3
        ["规章", "", "0", ""],  # blank first and last value
        ["行政规范性文件", "", "", ""],  # no value: not marked
        ["", "3", "", "5"],  # column 0 holds labels: no value column; an interior blank is one
    ]
    table = Table([[cell(t, r, c) for c, t in enumerate(row)] for r, row in enumerate(rows)])
    _, spans = layout([table])
    assert [[s.optional for s in line] for line in spans] == [
        [False] * 4,
        [False, True, False, True],
        [False] * 4,
        [False, False, True, False],
    ]
    # Without grid columns (PDF, OCR) nothing is marked.
    pdf = Table([[GridCell(c.text, {"page": 1, "bbox": [0, 0, 1, 1]}) for c in row] for row in table.rows])
    assert not any(s.optional for line in layout([pdf])[1] for s in line)


def _toks(spec: str) -> list[Token]:
    """'o' an optional blank, a digit a value."""
    return [Token.optional_blank({"i": i}) if ch == "o" else Token(ch, {"i": i}) for i, ch in enumerate(spec)]


@pytest.mark.parametrize(
    ("spec", "width", "kept"),
    [
        ("o123", 4, "o123"),  # exactly the width: blank data cells
        ("o123o", 4, "123"),  # ambiguous: both blanks dropped, the row is too short (a finding)
        ("oo123", 4, "o123"),  # only one window drops nothing but optional blanks
        ("123oo", 3, "123"),
        ("o12o", 2, "12"),
        ("o1o", 2, "1"),  # 2019 表二 `| (blank) | 1 | (empty) |` without header: ambiguous
        ("1o234", 3, "1234"),  # a real value is never dropped: read as without the blank
        ("123", 3, "123"),
    ],
)
def test_settle(spec: str, width: int, kept: str) -> None:
    got = assign._settle(_toks(spec), width)
    assert "".join("o" if t.optional else t.raw for t in got) == kept


@pytest.mark.parametrize("brk", ["\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_layout_lines_are_the_text_readers_lines(brk: str) -> None:
    """Fuzz (issue 13): a cell holding \\x85 was one layout line but two text-reader lines (IndexError)."""
    cell = {"table": 0, "row": 0}
    blocks = [Para(f"标题{brk}第二行", {"paragraph": 0}),
              Table([[GridCell(f"合{brk}计", {**cell, "col": 0}), GridCell(f"1{brk}", {**cell, "col": 1})]])]
    text, spans = layout(blocks)
    lines = text.splitlines()
    assert lines == ["标题", "第二行", "合 计\t1"]
    assert [[(s.start, s.end) for s in sp] for sp in spans] == [[(0, 2)], [(0, 3)], [(0, 3), (4, 5)]]
