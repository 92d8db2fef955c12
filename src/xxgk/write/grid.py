"""The printed form of a report, independent of the output format: document outline and table grids.

Every writer (DOCX, HTML, XLSX, PDF, Markdown) prints the same document: the title, the preface, the
six sections with their official titles, and Tables 二/三/四 laid out exactly as the official format
(国办公开办函〔2021〕30号; the 2019 trial format of 国办公开办函〔2019〕60号) prints them, merged header
cells included. This module says *what* is printed; each writer only decides *how*.

    from xxgk.write.grid import outline
    doc = outline(report)
    doc.title                      # "某某镇人民政府2024年政府信息公开工作年度报告"
    doc.preface                    # paragraphs before 一、总体情况
    for section in doc.sections:   # six, in printed order
        section.title              # "二、主动公开政府信息情况"
        section.paragraphs         # the section's text, one paragraph each
        section.table              # a Grid (sections 二/三/四 of a 2019/2021 report) or None

Grid model
----------
A `Grid` is a rectangle of `n_rows` × `n_cols` grid positions. `grid.rows[r]` lists the `GridCell`s
that *start* in row r, left to right. A cell covers rows `row … row + rowspan - 1` and columns
`col … col + colspan - 1`; every position is covered by exactly one cell (checked when the grid is
built), so there are no holes and no overlaps. Blank value cells are real cells with text "".

- HTML: one `<tr>` per entry of `grid.rows`, one `<th>`/`<td>` per cell, `rowspan`/`colspan` as given
  (omit them when 1); `cell.is_header` chooses `<th>`.
- XLSX: write `cell.text` at (top + cell.row, left + cell.col) and merge the cell's rectangle when it
  spans; `cell.key` tells which cells are numbers (write `report.value(key)` as a number there).
- DOCX and other formats with vertical-merge continuation cells: `grid.segments(r)` lists, for row r,
  every cell covering that row in column order, with a flag saying whether r is the cell's first row
  (`w:vMerge w:val="restart"` vs a bare `w:vMerge` continuation, both with `w:gridSpan=colspan`).

Cell roles (`GridCell.role`): ``caption`` (表二's 第二十条第（…）项 over the whole width), ``note`` (表三's
勾稽关系 note, the top-left 3 × 3 cell), ``header`` (column headers: 信息内容, 本年制发件数, 申请人情况,
自然人, 行政复议, 结果维持, …), ``group`` (vertically merged row-group labels: 三、本年度办理结果,
（三）不予公开 …), ``label`` (a row label) and ``value`` (a cell of the report, `key` set). `is_header` is
true for caption, note and header. `align` is the suggested horizontal alignment ("center" or "left").

`grid.header_rows` leading rows form the column header to repeat on every page (3 for 表三 and 表四,
0 for 表二, whose four blocks each carry their own header row); `grid.keep_together` says the table is
short enough to be kept on one page (表二, 表四); `grid.widths` are relative column widths (summing to
1) that fit the 156 mm text width of an A4 portrait page per GB/T 9704 at 10.5 pt.

Values are printed canonically (`value_text`): an integer as its decimal digits, a decimal string
(the fee in 万元, the 2019 procurement amount) exactly as stored, a cell without a value as "" — or as
"/" when its semantic is ``na`` (not applicable), so "not applicable" stays distinguishable from
"blank"; both read back as `None`. Numbers are never reformatted, rounded or summed here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from ..report import keys as K
from ..report.model import Report

__all__ = [
    "IDENTITY_NOTE",
    "SECTION_TITLES",
    "TABLE_OF_SECTION",
    "TABLE_TITLES",
    "Grid",
    "GridCell",
    "Outline",
    "Section",
    "grids",
    "is_subheading",
    "outline",
    "paragraphs",
    "preface",
    "report_title",
    "t2_grid",
    "t3_grid",
    "t4_grid",
    "value_text",
]

Role = Literal["caption", "note", "header", "group", "label", "value"]
Align = Literal["center", "left"]

#: The official section titles, in printed order (keys of `Report.sections`): the core's.
SECTION_TITLES: dict[str, str] = K.SECTION_TITLES
#: The table printed under each section, and its name (e.g. an XLSX sheet name).
TABLE_OF_SECTION: dict[str, str] = {"proactive": "t2", "applications": "t3", "appeals": "t4"}
TABLE_TITLES: dict[str, str] = {
    "t2": "主动公开政府信息情况",
    "t3": "收到和处理政府信息公开申请情况",
    "t4": "政府信息公开行政复议、行政诉讼情况",
}
#: The identity printed in 表三's top-left cell.
IDENTITY_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

_NOTICE = {
    "2021": ("《中华人民共和国政府信息公开工作年度报告格式》", "（国办公开办函〔2021〕30号）"),
    "2019": ("《中华人民共和国政府信息公开工作年度报告格式（试行）》", "（国办公开办函〔2019〕60号）"),
}


# --- the grid model ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GridCell:
    """One printed cell: its text and the rectangle it covers (0-based top-left `row`, `col`)."""

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    role: Role = "label"
    #: The report cell key (e.g. "t3.granted.total") of a value cell, else None.
    key: str | None = None
    align: Align = "center"

    @property
    def is_header(self) -> bool:
        return self.role in ("caption", "note", "header")


@dataclass(frozen=True)
class Grid:
    """A table as printed; see the module docstring for the model."""

    #: "t2", "t3" or "t4".
    name: str
    #: "2021" or "2019": the table layout.
    fmt: str
    n_cols: int
    #: The cells starting in each row, left to right.
    rows: tuple[tuple[GridCell, ...], ...]
    #: Leading rows forming the column header, repeated on each page.
    header_rows: int
    #: Relative column widths, summing to 1.
    widths: tuple[float, ...]
    #: Short enough to keep on one page.
    keep_together: bool

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def title(self) -> str:
        return TABLE_TITLES[self.name]

    def cells(self) -> Iterator[GridCell]:
        """Every cell once, row by row, left to right."""
        for row in self.rows:
            yield from row

    def value_cells(self) -> dict[str, GridCell]:
        """Value cells by report key, in printed order."""
        return {c.key: c for c in self.cells() if c.key is not None}

    def segments(self, r: int) -> list[tuple[GridCell, bool]]:
        """The cells covering row `r`, in column order, each with True if `r` is its first row.

        Together they cover the `n_cols` columns exactly once (a vertically merged cell appears in
        every row it spans, with False after its first row).
        """
        return self._segments[r]

    def cell_at(self, r: int, c: int) -> GridCell:
        """The cell covering grid position (r, c)."""
        if not (0 <= r < self.n_rows and 0 <= c < self.n_cols):
            raise IndexError(f"({r}, {c}) is outside the {self.n_rows}×{self.n_cols} grid")
        for cell, _ in self._segments[r]:
            if cell.col <= c < cell.col + cell.colspan:
                return cell
        raise IndexError(f"({r}, {c}) is outside the {self.n_rows}×{self.n_cols} grid")

    @cached_property
    def _segments(self) -> list[list[tuple[GridCell, bool]]]:
        segs: list[list[tuple[GridCell, bool]]] = [[] for _ in self.rows]
        for cell in self.cells():
            for r in range(cell.row, cell.row + cell.rowspan):
                segs[r].append((cell, r == cell.row))
        for row in segs:
            row.sort(key=lambda s: s[0].col)
        return segs


class _Builder:
    def __init__(self, name: str, fmt: str, n_cols: int) -> None:
        self.name, self.fmt, self.n_cols = name, fmt, n_cols
        self.rows: list[list[GridCell]] = []

    def new_row(self) -> int:
        self.rows.append([])
        return len(self.rows) - 1

    def add(self, r: int, c: int, text: str, role: Role, *, rowspan: int = 1, colspan: int = 1,
            key: str | None = None, align: Align = "center") -> None:
        self.rows[r].append(GridCell(text, r, c, rowspan, colspan, role, key, align))

    def build(self, header_rows: int, widths: tuple[float, ...], keep_together: bool) -> Grid:
        n = len(self.rows)
        seen = [[False] * self.n_cols for _ in range(n)]
        for row in self.rows:
            row.sort(key=lambda c: c.col)
            for cell in row:
                for r in range(cell.row, cell.row + cell.rowspan):
                    for c in range(cell.col, cell.col + cell.colspan):
                        if r >= n or c >= self.n_cols or seen[r][c]:
                            raise AssertionError(f"{self.name}: cell {cell.text!r} overlaps or leaves the grid at ({r}, {c})")
                        seen[r][c] = True
        holes = [(r, c) for r in range(n) for c in range(self.n_cols) if not seen[r][c]]
        if holes:
            raise AssertionError(f"{self.name}: grid positions not covered: {holes[:5]}")
        assert len(widths) == self.n_cols and abs(sum(widths) - 1) < 1e-9
        return Grid(self.name, self.fmt, self.n_cols, tuple(tuple(r) for r in self.rows), header_rows, widths, keep_together)


# --- values -----------------------------------------------------------------------------------------


def value_text(report: Report | None, key: str, *, na: str = "/") -> str:
    """The canonical printed form of cell `key`: digits for an int, a decimal string as stored, and
    for a cell without a value `na` when its semantic is ``na``, else "" (missing cells too)."""
    if report is None:
        return ""
    cell = report.cells.get(key)
    if cell is None:
        return ""
    v = cell.value
    if v is None:
        return na if cell.semantic == "na" else ""
    if isinstance(v, bool):  # pragma: no cover - never produced by the readers
        return str(int(v))
    return str(v)


# --- Table 二 ---------------------------------------------------------------------------------------

_T2_COL_LABELS_2019 = {
    "made": "本年新制作数量", "published": "本年新公开数量", "total_published": "对外公开总数量",
    "previous_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "items": "采购项目数量", "amount": "采购总金额",
}
_T2_CAPTION_2019 = {
    "regulations": "（一）", "normative_documents": "（一）", "licensing": "（五）", "other_services": "（五）",
    "penalty": "（六）", "compulsion": "（六）", "admin_fees": "（八）", "procurement": "（九）",
}


def _t2_blocks(fmt: str) -> list[tuple[str, list[str], list[tuple[str, list[str]]]]]:
    """(caption, value column labels, [(row label, value keys)]) per block of 表二."""
    if fmt == "2019":
        blocks: list[tuple[str, list[str], list[tuple[str, list[str]]]]] = []
        for row, label, cols in K.T2_ROWS_2019:
            cap = f"第二十条第{_T2_CAPTION_2019[row]}项"
            if not blocks or blocks[-1][0] != cap:
                blocks.append((cap, [_T2_COL_LABELS_2019[c] for c in cols], []))
            blocks[-1][2].append((label, [f"t2_2019.{row}.{c}" for c in cols]))
        return blocks
    three = ("issued", "repealed", "in_force")
    return [
        ("第二十条第（一）项", [K.T2_COLUMN_LABELS_2021[c] for c in three],
         [("规章", [f"t2.regulations.{c}" for c in three]),
          ("行政规范性文件", [f"t2.normative_documents.{c}" for c in three])]),
        ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", ["t2.licensing"])]),
        ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", ["t2.penalty"]), ("行政强制", ["t2.compulsion"])]),
        ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", [K.T2_FEE_KEY])]),
    ]


def t2_grid(report: Report | None, fmt: str | None = None, *, na: str = "/") -> Grid:
    """表二 主动公开政府信息情况: 4 columns; per block a caption row over the full width, a header row
    (信息内容 | value labels) and one row per item. Fewer than three values: the last spans to the
    right edge (one value → over 3 columns)."""
    fmt = fmt or (report.table_format if report is not None else "2021")
    b = _Builder("t2", fmt, 4)
    for caption, heads, rows in _t2_blocks(fmt):
        r = b.new_row()
        b.add(r, 0, caption, "caption", colspan=4)
        r = b.new_row()
        b.add(r, 0, "信息内容", "header")
        for i, h in enumerate(heads):
            b.add(r, 1 + i, h, "header", colspan=4 - (1 + i) if i == len(heads) - 1 else 1)
        for label, keys in rows:
            r = b.new_row()
            b.add(r, 0, label, "label")
            for i, key in enumerate(keys):
                b.add(r, 1 + i, value_text(report, key, na=na), "value", key=key,
                      colspan=4 - (1 + i) if i == len(keys) - 1 else 1)
    return b.build(0, (0.34, 0.22, 0.22, 0.22), True)


# --- Table 三 ---------------------------------------------------------------------------------------


def t3_grid(report: Report | None, fmt: str | None = None, *, na: str = "/") -> Grid:
    """表三 收到和处理政府信息公开申请情况: 10 columns (3 label columns, 7 value columns).

    Header (3 rows): the 勾稽 note over 3 × 3; 申请人情况 over the 7 value columns; 自然人 and 总计 two
    rows high, 法人或其他组织 over the five organisation columns, then 商业企业 … 其他. Body: 一、二、四
    over the 3 label columns; 三、本年度办理结果 one cell down its rows (（一） to （七）总计); （一）（二）
    （七） (and the 2019 format's （六）其他处理) over 2 columns; （三）–（六） group labels down their
    numbered rows.
    """
    fmt = fmt or (report.table_format if report is not None else "2021")
    b = _Builder("t3", fmt, 10)
    r0, r1, r2 = b.new_row(), b.new_row(), b.new_row()
    b.add(r0, 0, IDENTITY_NOTE, "note", rowspan=3, colspan=3)
    b.add(r0, 3, "申请人情况", "header", colspan=7)
    b.add(r1, 3, K.T3_COLUMN_LABELS["natural_person"], "header", rowspan=2)
    b.add(r1, 4, "法人或其他组织", "header", colspan=5)
    b.add(r1, 9, K.T3_COLUMN_LABELS["total"], "header", rowspan=2)
    for i, col in enumerate(K.T3_COLUMNS[1:6]):
        b.add(r2, 4 + i, K.T3_COLUMN_LABELS[col], "header")

    rows = K.T3_ROWS_2019 if fmt == "2019" else K.T3_ROWS_2021
    groups = K.T3_GROUPS_2019 if fmt == "2019" else K.T3_GROUPS_2021
    keys = [k for k, _ in rows]
    first = keys.index("granted")
    last = keys.index("results_total")
    # Sub-groups （三）–（六）: first row key → number of numbered rows under it.
    sub_len: dict[str, int] = {}
    for key, label in groups.items():
        if key == "granted":
            continue
        i = keys.index(key)
        n = 0
        while i + n < len(rows) and rows[i + n][1][:1].isdigit() and (n == 0 or rows[i + n][0] not in groups):
            n += 1
        if n:
            sub_len[key] = n
    in_sub = 0
    for i, (key, label) in enumerate(rows):
        r = b.new_row()
        if i < first or i > last:
            b.add(r, 0, label, "label", colspan=3, align="left")
        else:
            if i == first:
                b.add(r, 0, groups["granted"], "group", rowspan=last - first + 1)
            if key in sub_len:
                in_sub = sub_len[key]
                b.add(r, 1, groups[key], "group", rowspan=in_sub)
            if in_sub:
                b.add(r, 2, label, "label", align="left")
                in_sub -= 1
            else:
                b.add(r, 1, label, "label", colspan=2, align="left")
        for j, col in enumerate(K.T3_COLUMNS):
            k = f"t3.{key}.{col}"
            b.add(r, 3 + j, value_text(report, k, na=na), "value", key=k)
    widths = (0.065, 0.095, 0.315) + (0.075,) * 7
    return b.build(3, widths, False)


# --- Table 四 ---------------------------------------------------------------------------------------


def t4_grid(report: Report | None, fmt: str | None = None, *, na: str = "/") -> Grid:
    """表四 政府信息公开行政复议、行政诉讼情况: 15 columns, a 3-level header and one row of values.

    Row 1: 行政复议 over 5 columns, 行政诉讼 over 10. Row 2: 行政复议's five result labels (two rows
    high), 未经复议直接起诉 and 复议后起诉 over 5 each. Row 3: their five result labels each. Row 4: the
    15 values review.*, litigation_direct.*, litigation_after_review.*.
    """
    fmt = fmt or (report.table_format if report is not None else "2021")
    b = _Builder("t4", fmt, 15)
    r0, r1, r2, r3 = b.new_row(), b.new_row(), b.new_row(), b.new_row()
    b.add(r0, 0, "行政复议", "header", colspan=5)
    b.add(r0, 5, "行政诉讼", "header", colspan=10)
    heads = [K.T4_COLUMN_LABELS[c] for c in K.T4_COLUMNS]
    for i, h in enumerate(heads):
        b.add(r1, i, h, "header", rowspan=2)
    b.add(r1, 5, "未经复议直接起诉", "header", colspan=5)
    b.add(r1, 10, "复议后起诉", "header", colspan=5)
    for i, h in enumerate(heads + heads):
        b.add(r2, 5 + i, h, "header")
    for i, key in enumerate(K.t4_keys()):
        b.add(r3, i, value_text(report, key, na=na), "value", key=key)
    return b.build(3, (1 / 15,) * 15, True)


def grids(report: Report | None, fmt: str | None = None, *, na: str = "/") -> dict[str, Grid]:
    """{"t2": 表二, "t3": 表三, "t4": 表四} of `report` (blank forms when `report` is None)."""
    return {"t2": t2_grid(report, fmt, na=na), "t3": t3_grid(report, fmt, na=na), "t4": t4_grid(report, fmt, na=na)}


# --- document outline -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...]
    #: The section's table (printed after its paragraphs), or None.
    table: Grid | None


@dataclass(frozen=True, slots=True)
class Outline:
    title: str
    preface: tuple[str, ...]
    sections: tuple[Section, ...]
    #: The table layout: "2021" or "2019".
    fmt: str


def paragraphs(text: str | None) -> list[str]:
    """A section's text as paragraphs: split on line breaks, stripped, blank lines dropped."""
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def report_title(report: Report) -> str:
    """"{agency}{year}年政府信息公开工作年度报告" (either part left out when unknown)."""
    year = f"{report.year}年" if report.year is not None else ""
    return f"{report.agency or ''}{year}政府信息公开工作年度报告"


def preface(report: Report) -> list[str]:
    """The paragraphs before 一、总体情况.

    `report.extra["preface"]` (kept by the readers from a real report) is printed as it is. Otherwise the
    standard preface is drafted: legal basis (`extra["legal_basis"]`, a list of 《…》 citations, when
    present; else the 条例 and the format notice of the report's table format), the six parts, the
    statistics period of `report.year`, and `extra["telephone"]` (a string or list) as a contact.
    """
    extra = report.extra or {}
    given = extra.get("preface")
    if isinstance(given, str) and given.strip():
        return paragraphs(given)
    fmt = report.table_format
    name, notice = _NOTICE[fmt]
    basis = extra.get("legal_basis")
    if isinstance(basis, (list, tuple)) and basis and all(isinstance(b, str) for b in basis):
        text = "本报告根据" + "、".join(basis) + "等相关规定编制"
    else:
        text = f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和{name}{notice}要求编制"
    text += "，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。"
    if report.year is not None:
        y = report.year
        text += f"本报告所列数据统计期限为{y}年1月1日至{y}年12月31日。"
    phones = extra.get("telephone")
    if isinstance(phones, str):
        phones = [phones]
    if isinstance(phones, (list, tuple)) and phones and all(isinstance(p, str) for p in phones):
        who = report.agency or "本机关"
        text += f"如对本报告有疑问，请与{who}联系（联系电话：{'、'.join(phones)}）。"
    return [text]


_SUB_NUMERALS = "一二三四五六七八九十"


def is_subheading(paragraph: str) -> bool:
    """A short stand-alone sub-heading such as "（一）主动公开" (GB/T 9704's second level, 楷体)."""
    p = paragraph.strip()
    if len(p) > 30 or p.endswith(("。", "；", "：", ":", ";")):
        return False
    return len(p) >= 4 and p[0] in "（(" and p[1] in _SUB_NUMERALS and (p[2] in "）)" or (p[2] in _SUB_NUMERALS and p[3] in "）)"))


def outline(report: Report, *, na: str = "/") -> Outline:
    """The whole printed document of `report`; tables for 2019/2021-format reports (or any with cells)."""
    fmt = report.table_format
    with_tables = report.format in ("2019", "2021") or bool(report.cells)
    tables = grids(report, fmt, na=na) if with_tables else {}
    sections = tuple(
        Section(key, title, tuple(paragraphs(report.sections.get(key))), tables.get(TABLE_OF_SECTION.get(key, "")))
        for key, title in SECTION_TITLES.items()
    )
    return Outline(report_title(report), tuple(preface(report)), sections, fmt)
