"""The report as an Excel workbook (openpyxl): one sheet in reading order, official merged headers.

Offices hand their tables to supervisors in Excel, and supervisors re-key them; so the workbook
prints the document in the order a reader meets it (title, preface, sections, each table under its
section) on one sheet, with the official merged header cells of `grid.py`, and every value of a
table stored as a number with a number format, so that Excel can sum it. A decimal string (the fee
in 万元) keeps its printed decimals through the number format ("1.50" is 1.5 shown as `0.00`);
xxgk.read.xlsx reads the displayed text back. Numbers are never computed here: no formulas.
"""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

from ..report.model import Report
from . import grid as G

SHEET_TITLE = "年度报告"
#: Characters of body text per line of a merged paragraph row, for its height (Excel cannot
#: auto-fit merged cells).
_CHARS_PER_LINE = 60
_LINE_PT = 15.0
#: Width of the whole sheet in Excel character units (about the 156 mm of GB/T 9704's text block).
_SHEET_WIDTH = 110.0


def write(report: Report, **options: Any) -> bytes:
    """The workbook as bytes (no options yet; accepted for the common writer signature)."""
    from openpyxl import Workbook

    doc = G.outline(report)
    tables = [s.table for s in doc.sections if s.table is not None]
    n_cols = max([t.n_cols for t in tables], default=1)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_TITLE
    st = _Styles()
    w = _Writer(ws, n_cols, st)
    w.paragraph(doc.title, st.title, height=2)
    for p in doc.preface:
        w.paragraph(p, st.body)
    for section in doc.sections:
        w.paragraph(section.title, st.heading)
        for p in section.paragraphs:
            w.paragraph(p, st.heading2 if G.is_subheading(p) else st.body)
        if section.table is not None:
            w.table(section.table, report)
    _column_widths(ws, tables, n_cols)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.oddFooter.center.text = "- &P -"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _Styles:
    """Named styles built once per workbook (openpyxl copies style objects per cell otherwise)."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = (Font(name="方正小标宋简体", size=18, bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True))
        self.heading = (Font(name="黑体", size=14, bold=True), Alignment(horizontal="left", vertical="center", wrap_text=True))
        self.heading2 = (Font(name="楷体", size=12, bold=True), Alignment(horizontal="left", vertical="center", wrap_text=True))
        self.body = (Font(name="仿宋", size=12), Alignment(horizontal="left", vertical="top", wrap_text=True))
        self.header_font = Font(name="黑体", size=10.5, bold=True)
        self.cell_font = Font(name="仿宋", size=10.5)
        self.header_fill = PatternFill("solid", fgColor="EDEDED")
        self.align = {
            "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
            "left": Alignment(horizontal="left", vertical="center", wrap_text=True),
        }


class _Writer:
    def __init__(self, ws: Any, n_cols: int, st: _Styles) -> None:
        self.ws, self.n_cols, self.st = ws, n_cols, st
        self.row = 1

    def paragraph(self, text: str, style: tuple[Any, Any], *, height: int | None = None) -> None:
        """One text in column A, merged over the sheet's width so that it wraps like a paragraph."""
        ws, r = self.ws, self.row
        cell = ws.cell(row=r, column=1, value=text)
        cell.font, cell.alignment = style
        if self.n_cols > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=self.n_cols)
        lines = height or max(1, math.ceil(len(text) / _CHARS_PER_LINE))
        ws.row_dimensions[r].height = _LINE_PT * lines * (1.6 if style is self.st.title else 1.2)
        self.row += 1

    def table(self, grid: G.Grid, report: Report) -> None:
        """The grid at the current row: merged rectangles, header fill, borders, numbers."""
        ws, top, st = self.ws, self.row, self.st
        for cell in grid.cells():
            r, c = top + cell.row, 1 + cell.col
            target = ws.cell(row=r, column=c)
            if cell.key is not None:
                target.value, target.number_format = _number(report, cell.key, cell.text)
            else:
                target.value = cell.text or None
            target.font = st.header_font if cell.is_header else st.cell_font
            target.alignment = st.align[cell.align]
            if cell.is_header:
                target.fill = st.header_fill
            if cell.rowspan > 1 or cell.colspan > 1:
                ws.merge_cells(start_row=r, start_column=c, end_row=r + cell.rowspan - 1, end_column=c + cell.colspan - 1)
            # A merged range draws the borders of every cell it covers.
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    ws.cell(row=rr, column=cc).border = st.border
        if grid.header_rows:
            ws.print_title_rows = None  # one sheet holds three tables: no sheet-wide repeated rows
        self.row = top + grid.n_rows + 1  # a blank row after each table


def _number(report: Report, key: str, printed: str) -> tuple[Any, str]:
    """(cell value, number format) for value cell `key`: a number where the report has one."""
    v = report.value(key)
    if v is None:
        return (printed or None), "General"  # "/" (not applicable) or blank
    if isinstance(v, int):
        return v, "0"
    d = Decimal(str(v))
    digits = len(d.as_tuple().digits)
    if digits > 15:  # beyond a double's exact decimal digits: keep the text, never round
        return str(v), "@"
    places = max(0, -int(d.as_tuple().exponent))
    return float(d), ("0." + "0" * places) if places else "0"


def _column_widths(ws: Any, tables: list[G.Grid], n_cols: int) -> None:
    """表三's relative widths (its label columns matter most), scaled to the sheet width; columns
    beyond it (表四 has 15) get 表三's value-column width."""
    from openpyxl.utils import get_column_letter

    t3 = next((t for t in tables if t.name == "t3"), None)
    widths = t3.widths + (t3.widths[-1],) * max(0, n_cols - t3.n_cols) if t3 is not None else (1.0 / n_cols,) * n_cols
    for i in range(n_cols):
        w = widths[i]
        ws.column_dimensions[get_column_letter(i + 1)].width = max(4.0, w * _SHEET_WIDTH)
