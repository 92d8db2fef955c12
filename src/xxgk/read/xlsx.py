"""Excel workbooks (.xlsx) → blocks → Report.

Some agencies publish the three tables as a spreadsheet, and xxgk writes one (xxgk.write.xlsx), so
the reader must take it back exactly. Each visible sheet is read in order, row by row; a merged
range appears once, at its top-left cell, as in the HTML and Word readers, so the text reader sees
the same flattened table whatever the container. Every cell keeps its sheet and Excel address
(`{"sheet": "表三", "cell": "C12"}`), which is what a person looks up in Excel.

Numbers are printed as Excel shows them: the cell's number format decides the decimals, so a fee of
"1.50" 万元 stored as 1.5 with format `0.00` reads back as "1.50", never as a float's repr. A formula
without a cached result (a workbook written by a program and never opened in Excel) reads as blank:
never as an invented value; the checks then report its identities as unverifiable.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Report
from . import blocks as B
from .docx import check_zip

#: A report's tables are a few hundred cells; a sheet's used range beyond this is not a report.
MAX_CELLS = 200_000

_DECIMALS = re.compile(r"0\.(0+)")
#: A merged range in a sheet's XML: openpyxl makes one MergedCell object per covered cell while it
#: loads, so `A1:XFD1048576` (17 billion cells) hung the load before MAX_CELLS could be checked
#: (fuzz, issue 13). Whole-row/column refs (`A:C`, `1:3`) cover a whole sheet dimension.
_MERGE_REF = re.compile(rb"<(?:[\w.-]+:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL_REF = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d{0,7})$")
_SHEET_ROWS, _SHEET_COLUMNS = 1_048_576, 16_384


def parse_xlsx(data: bytes, *, name: str = "<xlsx>") -> Report:
    """Read a workbook holding a report (title, sections and tables on one or several sheets)."""
    report = B.parse_blocks(xlsx_blocks(data), name=name, kind="xlsx")
    return report


def xlsx_blocks(data: bytes) -> list[B.Block]:
    """The rows of every visible sheet, as one table per sheet (single-text rows as paragraphs)."""
    with check_zip(data, main="xl/workbook.xml", label="XLSX") as z:
        _check_merges(z)
    workbook = _load(data)
    out: list[B.Block] = []
    try:
        for ws in workbook.worksheets:
            if ws.sheet_state != "visible":
                continue  # hidden sheets hold helpers and stale copies, not the published report
            out.extend(_sheet_blocks(ws))
    finally:
        workbook.close()
    return out


def _merged_area(ref: str) -> int:
    """Cells covered by a merge reference ('B2:D4' → 9); a malformed one counts as 1 (openpyxl refuses it)."""
    ends = ref.split(":")
    if len(ends) != 2:
        return 1
    a, b = (_CELL_REF.match(e.strip()) for e in ends)
    if a is None or b is None or not a.group(0) or not b.group(0):
        return 1

    def col(letters: str) -> int:
        n = 0
        for ch in letters.upper():
            n = n * 26 + ord(ch) - 64
        return n

    c1, c2 = (col(m.group(1)) if m.group(1) else None for m in (a, b))
    r1, r2 = (int(m.group(2)) if m.group(2) else None for m in (a, b))
    rows = abs(r2 - r1) + 1 if r1 is not None and r2 is not None else _SHEET_ROWS
    cols = abs(c2 - c1) + 1 if c1 is not None and c2 is not None else _SHEET_COLUMNS
    return rows * cols


def _check_merges(z: zipfile.ZipFile) -> None:
    """Refuse a workbook whose merged ranges cover more than MAX_CELLS cells in a sheet, from the raw
    sheet XML, before openpyxl would build them cell by cell."""
    for info in z.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        try:
            xml = z.read(info)
        except Exception:  # a damaged entry: openpyxl reports it in its own words
            continue
        covered = 0
        for m in _MERGE_REF.finditer(xml):
            covered += _merged_area(m.group(1).decode("ascii", "replace"))
            if covered > MAX_CELLS:
                raise InputTooLarge(
                    f"XLSX refused: merged ranges in {info.filename} cover over {MAX_CELLS} cells "
                    f"(e.g. {m.group(1).decode('ascii', 'replace')[:40]}); a report's tables are a few hundred cells"
                )


def _load(data: bytes) -> Any:
    import openpyxl

    try:
        # Not read_only: merged ranges are only known to a fully loaded sheet.
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, TypeError) as e:
        raise InputError(f"not a valid XLSX: {str(e).splitlines()[0][:160] if str(e) else type(e).__name__}") from None
    except Exception as e:  # openpyxl raises many kinds on hostile XML
        raise InputError(f"not a valid XLSX: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}") from None


def _sheet_blocks(ws: Any) -> list[B.Block]:
    if ws.max_row * ws.max_column > MAX_CELLS:
        raise InputTooLarge(
            f"XLSX refused: sheet {ws.title!r} spans {ws.max_row} rows × {ws.max_column} columns, "
            f"over the {MAX_CELLS} cell limit"
        )
    covered: set[tuple[int, int]] = set()
    for rng in ws.merged_cells.ranges:
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                if (r, c) != (rng.min_row, rng.min_col):
                    covered.add((r, c))
    rows: list[list[B.GridCell]] = []
    for row in ws.iter_rows():
        cells = [
            B.GridCell(_text(cell), {"sheet": ws.title, "cell": cell.coordinate})
            for cell in row
            if (cell.row, cell.column) not in covered
        ]
        while cells and not cells[-1].text:
            cells.pop()
        if cells:
            rows.append(cells)
    blocks: list[B.Block] = []
    table: list[list[B.GridCell]] = []
    for cells in rows:
        filled = [c for c in cells if c.text]
        if len(filled) == 1 and len(cells) == 1:
            # A row with one text in column A: a title or a paragraph of a section, which may hold
            # line breaks that are structure (paragraphs), unlike a table cell's wrapping.
            if table:
                blocks.append(B.Table(table))
                table = []
            blocks.append(B.Para(filled[0].text, filled[0].where))
        else:
            table.append(cells)
    if table:
        blocks.append(B.Table(table))
    return blocks


def _text(cell: Any) -> str:
    """The cell as Excel displays it, as far as a report needs: numbers by their number format."""
    v = cell.value
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        # openpyxl loads 613791.0 as the int 613791: the number format, not the type, says "613791.00".
        m = _DECIMALS.search(cell.number_format or "")
        if m:
            return f"{v:.{len(m.group(1))}f}"
        if isinstance(v, int):
            return str(v)
        if v.is_integer():
            return str(int(v))
        return format(v, ".15g")
    if isinstance(v, (dt.datetime, dt.date)):
        return v.isoformat()
    return str(v).strip()
