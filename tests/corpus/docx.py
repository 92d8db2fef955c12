"""DOCX renderer of generated reports, "as agencies make them" in Word (python-docx).

    from tests.corpus.docx import STYLES, render_docx
    data = render_docx(report, rng, style="official")      # bytes of a .docx

Every style prints the title paragraph "<agency><year>年政府信息公开工作年度报告" (sometimes with a line
break after the agency, or the agency in a paragraph of its own), the preface with "所列数据统计期限为…",
the six section headings and each section paragraph verbatim (one Word paragraph per paragraph of
`report.sections[key]`); the tables follow the text of sections 二, 三 and 四.

Styles:

- ``official``: the 30号 tables with real merged cells. Table 二: 4 columns, each caption merged over
  the row, a single value merged over three columns (`w:gridSpan`). Table 三: 10 grid columns, the
  勾稽 note merged 3 columns × 3 rows, 申请人情况 over 7 columns, 自然人 and 总计 2 rows high,
  法人或其他组织 over 5 columns; 一/二/四 labels over the 3 label columns, 三、本年度办理结果 merged
  vertically over its rows (`w:vMerge`), （三）…（六） merged vertically over their sub-rows, （一）（二）（七）
  over 2 columns. Header labels sometimes wrapped into two paragraphs ("商业" / "企业"). Table 四: the
  3-level header (行政复议 over 5, 行政诉讼 over 10, the five 结果 labels of 行政复议 2 rows high) and one
  data row of 15.
- ``flat``: the same grids without any merge: merged-away positions are real empty cells.
- ``split``: ``official`` with Table 三 split into two `w:tbl` at a random data row (sometimes a page
  break paragraph between them), the 3 header rows repeated or not; a vertical merge cut by the split
  continues in the second table as an empty restart, with its label repeated, or (without a repeated
  header) as an orphan `vMerge` continue cell, as Word leaves it.

`variants=True` applies the number and label variants of `tests.corpus.layouts.Ctx` (thousands
separators, 件, full-width digits, half-width brackets, …); the default prints plain values.
"""

from __future__ import annotations

import io
import random
from typing import Any

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn

from xxgk.report import Report
from xxgk.report import keys as K

from .layouts import _T4_HEAD, IDENTITY_NOTE, Ctx, _t2_blocks, _t3_rows, _t4_keys

__all__ = ["STYLES", "render_docx"]

STYLES: tuple[str, ...] = ("official", "flat", "split")

#: (r0, c0, r1, c1) inclusive rectangle of one merged cell.
Merge = tuple[int, int, int, int]


class _Grid:
    """A table to be: texts at grid positions and the merged rectangles."""

    def __init__(self, n_cols: int) -> None:
        self.n_cols = n_cols
        self.rows: list[dict[int, str | list[str]]] = []
        self.merges: list[Merge] = []

    def row(self, cells: dict[int, str | list[str]]) -> int:
        self.rows.append(cells)
        return len(self.rows) - 1

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r0, c0) != (r1, c1):
            self.merges.append((r0, c0, r1, c1))

    def slice(self, start: int, stop: int) -> _Grid:
        """Rows [start, stop) as a grid of their own, merges clipped to them."""
        g = _Grid(self.n_cols)
        g.rows = self.rows[start:stop]
        for r0, c0, r1, c1 in self.merges:
            a, b = max(r0, start), min(r1, stop - 1)
            if a <= b:
                g.merge(a - start, c0, b - start, c1)
        return g


def _put(cell: Any, text: str | list[str], align: Any = None) -> None:
    parts = [text] if isinstance(text, str) else text
    cell.text = parts[0]
    for extra in parts[1:]:
        cell.add_paragraph(extra)
    if align is not None:
        for p in cell.paragraphs:
            p.alignment = align


def _emit(document: Any, grid: _Grid, *, merged: bool) -> Any:
    table = document.add_table(rows=len(grid.rows), cols=grid.n_cols)
    try:
        table.style = document.styles["Table Grid"]
    except KeyError:  # pragma: no cover - the default template has it
        pass
    rows = table.rows
    for r, cells in enumerate(grid.rows):
        row_cells = rows[r].cells
        for c, text in cells.items():
            _put(row_cells[c], text, WD_ALIGN_PARAGRAPH.CENTER)
    if merged:
        # By grid offset (python-docx's table.cell() recomputes the whole grid on every call).
        trs = table._tbl.tr_lst
        for r0, c0, r1, c1 in sorted(grid.merges, reverse=True):
            trs[r0].tc_at_grid_offset(c0).merge(trs[r1].tc_at_grid_offset(c1))
    return table


# --- tables -----------------------------------------------------------------------------------


def _t2_grid(ctx: Ctx) -> _Grid:
    g = _Grid(4)
    for block in _t2_blocks(ctx.fmt):
        r = g.row({0: block.caption})
        g.merge(r, 0, r, 3)
        head = block.header
        r = g.row({0: "信息内容", **{1 + i: h for i, h in enumerate(head)}})
        if len(head) < 3:
            g.merge(r, len(head), r, 3)
        for label, keys in block.rows:
            vals = ctx.nums(keys)
            r = g.row({0: label, **{1 + i: v for i, v in enumerate(vals)}})
            if len(vals) < 3:
                g.merge(r, len(vals), r, 3)
    return g


def _t3_grid(ctx: Ctx, rng: random.Random) -> tuple[_Grid, int]:
    """Table 三 and the number of header rows."""
    g = _Grid(10)
    wrap = rng.random() < 0.5

    def head(text: str) -> str | list[str]:
        return [text[:2], text[2:]] if wrap and len(text) == 4 else text

    g.row({0: IDENTITY_NOTE, 3: "申请人情况"})
    g.row({3: "自然人", 4: "法人或其他组织", 9: "总计"})
    g.row({4 + i: head(K.T3_COLUMN_LABELS[c]) for i, c in enumerate(K.T3_COLUMNS[1:6])})
    g.merge(0, 0, 2, 2)
    g.merge(0, 3, 0, 9)
    g.merge(1, 3, 2, 3)
    g.merge(1, 4, 1, 8)
    g.merge(1, 9, 2, 9)
    rows = _t3_rows(ctx.fmt)
    first = len(g.rows)
    three = [first + i for i, row in enumerate(rows) if row.in_three]
    sub_start = None
    for i, row in enumerate(rows):
        r = first + i
        vals = {3 + j: v for j, v in enumerate(ctx.nums(row.keys))}
        label = ctx.lab(row.label)
        if not row.in_three:
            g.row({0: label, **vals})
            g.merge(r, 0, r, 2)
            continue
        cells: dict[int, str | list[str]] = {}
        if r == three[0]:
            cells[0] = "三、本年度办理结果"
        if row.in_sub:
            if row.sub:
                cells[1] = ctx.lab(row.sub)
                sub_start = r
            cells[2] = label
            last_of_sub = i + 1 >= len(rows) or not rows[i + 1].in_sub or rows[i + 1].sub
            if last_of_sub and sub_start is not None:
                g.merge(sub_start, 1, r, 1)
        else:
            cells[1] = label
            g.merge(r, 1, r, 2)
        g.row({**cells, **vals})
    g.merge(three[0], 0, three[-1], 0)
    return g, first


def _t4_grid(ctx: Ctx) -> _Grid:
    g = _Grid(15)
    g.row({0: "行政复议", 5: "行政诉讼"})
    g.row({**{i: h for i, h in enumerate(_T4_HEAD)}, 5: "未经复议直接起诉", 10: "复议后起诉"})
    g.row({**{5 + i: h for i, h in enumerate(_T4_HEAD)}, **{10 + i: h for i, h in enumerate(_T4_HEAD)}})
    g.row({i: v for i, v in enumerate(ctx.nums(_t4_keys()))})
    g.merge(0, 0, 0, 4)
    g.merge(0, 5, 0, 14)
    for c in range(5):
        g.merge(1, c, 2, c)
    g.merge(1, 5, 1, 9)
    g.merge(1, 10, 1, 14)
    return g


def _orphan_continue(table: Any, col: int) -> None:
    """Make the first row's cell at grid column `col` a bare vMerge continue (Word after a split)."""
    tc = _tc_at(table._tbl, 0, col)
    if tc is None:
        return
    for p in tc.findall(qn("w:p"))[1:]:
        tc.remove(p)
    first = tc.find(qn("w:p"))
    if first is not None:
        for r in first.findall(qn("w:r")):
            first.remove(r)
    tc_pr = tc.get_or_add_tcPr()
    vm = tc_pr.find(qn("w:vMerge"))
    if vm is None:
        vm = tc_pr.makeelement(qn("w:vMerge"), {})
        tc_pr.append(vm)
    vm.attrib.pop(qn("w:val"), None)


def _tc_at(tbl: Any, row: int, col: int) -> Any:
    trs = tbl.findall(qn("w:tr"))
    if row >= len(trs):
        return None
    c = 0
    for tc in trs[row].findall(qn("w:tc")):
        span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        if c == col:
            return tc
        c += int(span.get(qn("w:val"))) if span is not None else 1
    return None


def _emit_t3(document: Any, ctx: Ctx, rng: random.Random, style: str) -> None:
    grid, n_head = _t3_grid(ctx, rng)
    if style != "split":
        _emit(document, grid, merged=style == "official")
        return
    cut = rng.randrange(n_head + 1, len(grid.rows))
    _emit(document, grid.slice(0, cut), merged=True)
    # The page break between the parts: an empty paragraph with a page break, or nothing at all.
    if rng.random() < 0.5:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    second = grid.slice(cut, len(grid.rows))
    mode = rng.choice(("orphan", "empty", "repeat"))
    # Vertical merges cut by the split: their origin is in the first part.
    cut_cols = [c0 for r0, c0, r1, c1 in grid.merges if r0 < cut <= r1 and c0 == c1]
    if mode == "repeat":
        for c in cut_cols:
            origin = next(r0 for r0, c0, r1, c1 in grid.merges if r0 < cut <= r1 and c0 == c)
            second.rows[0] = {**second.rows[0], c: grid.rows[origin][c]}
    repeat_header = rng.random() < 0.5
    if repeat_header:
        head = grid.slice(0, n_head)
        offset = len(head.rows)
        head.rows = head.rows + second.rows
        head.merges += [(r0 + offset, c0, r1 + offset, c1) for r0, c0, r1, c1 in second.merges]
        second = head
    table = _emit(document, second, merged=True)
    if mode == "orphan" and not repeat_header:  # below a repeated header it would join the 勾稽 note
        for c in cut_cols:
            _orphan_continue(table, c)


# --- document ---------------------------------------------------------------------------------


def _heading(document: Any, text: str, rng: random.Random) -> None:
    p = document.add_paragraph()
    run = p.add_run(text)
    run.bold = rng.random() < 0.7


def render_docx(report: Report, rng: random.Random, *, style: str = "official", variants: bool = False) -> bytes:
    """`report` as the bytes of a .docx in `style` (one of STYLES); see the module docstring."""
    if style not in STYLES:
        raise ValueError(f"unknown style {style!r}; expected one of {', '.join(STYLES)}")
    ctx = Ctx(report, rng, variants, "docx")
    document = docx.Document()
    # Title
    title_mode = rng.choice(("one", "break", "two"))
    if title_mode == "two":
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(ctx.agency).bold = True
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(f"{ctx.year}年政府信息公开工作年度报告").bold = True
    else:
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(ctx.agency)
        run.bold = True
        if title_mode == "break":
            run.add_break()
        p.add_run(f"{ctx.year}年政府信息公开工作年度报告").bold = True
    if rng.random() < 0.5:
        document.add_paragraph()
    document.add_paragraph(ctx.preface())
    merged = style != "flat"
    for key in K.SECTION_KEYS:
        _heading(document, ctx.title(key), rng)
        for para in ctx.paras(key):
            p = document.add_paragraph()
            # A paragraph is sometimes made of several runs (formatting changes mid-sentence).
            cut = rng.randrange(len(para) + 1) if rng.random() < 0.3 else len(para)
            p.add_run(para[:cut])
            if cut < len(para):
                p.add_run(para[cut:])
        if key == "proactive":
            _emit(document, _t2_grid(ctx), merged=merged)
        elif key == "applications":
            _emit_t3(document, ctx, rng, style)
        elif key == "appeals":
            _emit(document, _t4_grid(ctx), merged=merged)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
