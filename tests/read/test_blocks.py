"""Block documents → text reader: layout, and provenance mapped back to the source grid."""

from __future__ import annotations

import random

from tests.corpus.generate import random_report, render_text
from xxgk.read.blocks import GridCell, Para, Table, layout, parse_blocks
from xxgk.report import keys as K


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
