"""XLSX: read(write(r)) == r, the official merges, numbers stored as numbers, hostile workbooks."""

from __future__ import annotations

import io
import random
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings

import xxgk
from tests.corpus.generate import random_report
from tests.write import roundtrip as rt
from xxgk.read.xlsx import MAX_CELLS, parse_xlsx
from xxgk.report import Report
from xxgk.report.model import Cell
from xxgk.write import grid as G
from xxgk.write.xlsx import SHEET_TITLE, write


@settings(max_examples=max(20, settings.default.max_examples // 5))
@given(seed=rt.seeds, fmt=rt.table_formats)
def test_read_write_roundtrip(seed: int, fmt: str) -> None:
    got = rt.roundtrip(random_report(random.Random(seed), fmt=fmt), "xlsx", name="x.xlsx")
    assert rt.error_messages(got) == []


def test_dispatched_by_content_with_sheet_and_address_provenance(tmp_path: Path) -> None:
    report = random_report(random.Random(5))
    path = tmp_path / "report.bin"  # the name says nothing
    path.write_bytes(xxgk.render(report, "xlsx"))
    got = xxgk.parse(path)
    assert got.source["kind"] == "xlsx"
    rt.assert_same_report(report, got)
    ws = openpyxl.load_workbook(io.BytesIO(path.read_bytes())).active
    for key, cell in got.cells.items():
        assert set(cell.where) == {"sheet", "cell"}, key
        assert cell.where["sheet"] == SHEET_TITLE
        # The address holds this very value (a number, or the text of a decimal/blank cell).
        shown = ws[cell.where["cell"]].value
        v = report.value(key)
        assert shown == (float(v) if isinstance(v, str) else v) or (shown in (None, "/") and v is None), key


def _table_top(ws: openpyxl.worksheet.worksheet.Worksheet, text: str) -> int:
    return next(c.row for row in ws.iter_rows() for c in row if c.value == text)


def test_official_merges_and_number_cells() -> None:
    report = random_report(random.Random(11))
    ws = openpyxl.load_workbook(io.BytesIO(write(report))).active
    merged = {str(r) for r in ws.merged_cells.ranges}
    # 表三's identity note covers the 3 × 3 top-left corner.
    top = _table_top(ws, G.IDENTITY_NOTE)
    assert f"A{top}:C{top + 2}" in merged
    # Every value cell of 表三 is a number (not text) equal to the report's value.
    grid = G.t3_grid(report)
    for key, gc in grid.value_cells().items():
        v = ws.cell(row=top + gc.row, column=1 + gc.col).value
        assert isinstance(v, int) and v == report.value(key), key


def test_decimal_keeps_its_printed_places_and_na_reads_back_as_na() -> None:
    report = random_report(random.Random(3))
    report.cells["t2.admin_fees_wan_yuan"] = Cell.from_raw("t2.admin_fees_wan_yuan", "12.50")
    report.cells["t2.licensing"] = Cell.from_raw("t2.licensing", "/")
    assert report.value("t2.admin_fees_wan_yuan") == "12.50" and report.cells["t2.licensing"].semantic == "na"
    data = write(report)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    fee = next(c for row in ws.iter_rows() for c in row if c.value == 12.5)
    assert fee.number_format == "0.00"
    got = parse_xlsx(data)
    assert got.value("t2.admin_fees_wan_yuan") == "12.50"
    assert got.cells["t2.licensing"].semantic == "na" and got.value("t2.licensing") is None


def test_seeds_rewritten_read_back(seed_reports: list[tuple[Path, Report]]) -> None:
    for path, report in seed_reports:
        rt.roundtrip(report, "xlsx", name=path.name)


def test_hidden_sheets_are_not_read() -> None:
    report = random_report(random.Random(8))
    wb = openpyxl.load_workbook(io.BytesIO(write(report)))
    stale = wb.copy_worksheet(wb.active)
    stale.sheet_state = "hidden"
    stale["A1"] = "旧稿"
    out = io.BytesIO()
    wb.save(out)
    rt.assert_same_report(report, parse_xlsx(out.getvalue()))


def test_a_sheet_spanning_too_many_cells_is_refused_in_one_line() -> None:
    wb = openpyxl.Workbook()
    wb.active["A1"] = "某局2024年政府信息公开工作年度报告"
    wb.active.cell(row=MAX_CELLS + 1, column=1, value=1)
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(xxgk.InputTooLarge, match="XLSX refused"):
        parse_xlsx(out.getvalue())


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:Z100000", "A:C", "$A$1:$IV$65536", "3:30"])
def test_a_huge_merged_range_is_refused_before_loading(ref: str) -> None:
    """Fuzz (issue 13): openpyxl builds one object per merged cell while loading, so this hung."""
    import zipfile

    data, out = write(random_report(random.Random(8))), io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = body.replace(b"</mergeCells>", f'<mergeCell ref="{ref}"/></mergeCells>'.encode(), 1)
            z.writestr(info.filename, body)
    with pytest.raises(xxgk.InputTooLarge, match="merged ranges in xl/worksheets/sheet1.xml cover over"):
        parse_xlsx(out.getvalue())


def test_merged_area() -> None:
    from xxgk.read.xlsx import _merged_area

    assert [_merged_area(r) for r in ("B2:D4", "D4:B2", "A1:A1", "A1", "A1:", "$B$2:$C$3", "1:2", "B:B")] == [9, 9, 1, 1, 1, 4, 2 * 16_384, 1_048_576]


def test_not_a_workbook_is_named() -> None:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("xl/workbook.xml", "<not-xml")
    with pytest.raises(xxgk.InputError, match="not a valid XLSX"):
        parse_xlsx(out.getvalue())


def test_whole_decimal_keeps_its_places() -> None:
    # openpyxl loads 613791.0 back as the int 613791; the number format must still print "613791.00".
    report = random_report(random.Random(9), fmt="2019")
    report.cells["t2_2019.procurement.amount"] = Cell.from_raw("t2_2019.procurement.amount", "613791.00")
    assert parse_xlsx(write(report)).value("t2_2019.procurement.amount") == "613791.00"
