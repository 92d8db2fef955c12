"""The HTML writer: a Report → one accessible, printable web page (UTF-8 bytes).

    from xxgk.write import render
    page = render(report, "html")                        # refuses a report whose identities fail
    from xxgk.write.html import write
    page = write(report, page_numbers="center")          # no check; options below

What is printed is `xxgk.write.grid.outline(report)`, as in every writer: the title, the preface, the six
sections with their official titles and text (one `<p>` per line of `report.sections[key]`, a stand-alone
sub-heading such as "（一）主动公开" as `<h3>`), and 表二/三/四 after the text of sections 二/三/四, laid out
as the official format prints them. Values are printed canonically (`grid.value_text`), so
`xxgk.read.html.parse_html(write(r))` gives back r's cells, agency, year, format and sections.

The page (templates `templates/report.html.j2` and `templates/report.css.j2`, Jinja2, autoescape on:
every string of the report is untrusted and escaped):

- `<html lang="zh-CN">`, `<title>` = the report title, one `<h1>`, one `<section>` per part labelled by
  its `<h2>`.
- Each table is a real `<table>` with a `<caption>` (its official name, e.g. 收到和处理政府信息公开申请情况;
  visually hidden on screen because the section heading above says the same, not printed), `<col>`
  widths from the grid, the official merged cells as `rowspan`/`colspan`, and header cells as `<th>`:
  column headers `scope="col"` (one column) or `scope="colgroup"` (a band over several, e.g. 申请人情况,
  法人或其他组织, 行政诉讼), row labels `scope="row"`, and group labels `scope="rowgroup"` when the group
  is a `<tbody>` of its own (三、本年度办理结果; each block of 表二 under its 第二十条第（…）项 caption) or
  `scope="row"` over their rows (（三）不予公开 …). Because 表三 and 表四 have three header levels, every
  value `<td>` also names all its headers explicitly (`headers="…"`, the HTML table-model association
  computed from the grid), so a screen reader announces e.g. 法人或其他组织 · 商业企业 · （三）不予公开 ·
  1.属于国家秘密 for one number. 表三's 勾稽 note (top-left 3 × 3 cell) labels no data and is a `<td>`.
  表三/表四's header rows are a `<thead>`; a wide table scrolls inside a focusable region on narrow screens.
- Print CSS (used as is by `xxgk.write.pdf`): GB/T 9704-2012 — A4 portrait, margins top 37 mm, bottom
  35 mm, left 28 mm, right 26 mm; body 3号 (16 pt) on a 28.95 pt pitch (22 lines a page), first-line
  indent two characters; title 2号 (22 pt) centred; tables 五号 (10.5 pt) with 0.5 pt rules; the table
  header repeated on every page (`thead`), no row split across pages (`break-inside: avoid` on `tr`),
  表二 and 表四 kept whole, headings and the sentence introducing a table kept with what follows; page
  numbers "- N -" in the bottom margin via `@page` margin boxes and `counter(page)` — outer side (odd
  pages right, even pages left, one character in) as GB/T 9704 §7.5 and the DOCX writer do, or centred.
- Fonts: the official faces first, then free fallbacks: body "FangSong", "仿宋", "仿宋_GB2312", …,
  "Noto Serif CJK SC", serif; headings "SimHei", "黑体", "Noto Sans CJK SC", sans-serif; sub-headings 楷体;
  title 方正小标宋简体; tables and page numbers 宋体 — each list ending in Noto CJK / Source Han faces
  and a generic family.

Options: `table_font_size` in points (default 10.5), `bold_title` (default True: the free fallback
fonts have no 小标宋 face; False suits a machine with 方正小标宋简体), `page_numbers` ("outside" or
"center"), `page_dash` (the marks around the number, default "-"; "—" is GB/T 9704's 一字线), `na`
(the printed form of a not-applicable cell, default "/"). Unknown options raise TypeError, bad values
ValueError. The Jinja2 environment and templates are built once per process, and the attributes of each table
layout once; a page takes ~5 ms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..report.model import Report
from .grid import Grid, GridCell, is_subheading, outline

__all__ = ["write", "FONTS"]

#: CSS font stacks per role: official faces first, then free fallbacks, then the generic family.
FONTS: dict[str, tuple[str, ...]] = {
    "body": ("FangSong", "仿宋", "FangSong_GB2312", "仿宋_GB2312", "STFangsong", "Noto Serif CJK SC", "Source Han Serif SC", "serif"),
    "title": ("方正小标宋简体", "FZXiaoBiaoSong-B05S", "SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "serif"),
    "heading": ("SimHei", "黑体", "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "sans-serif"),
    "subheading": ("KaiTi", "楷体", "KaiTi_GB2312", "楷体_GB2312", "STKaiti", "Noto Serif CJK SC", "Source Han Serif SC", "serif"),
    "table": ("SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "serif"),
    "page_number": ("SimSun", "宋体", "Noto Serif CJK SC", "Source Han Serif SC", "serif"),
}
_GENERIC = frozenset(("serif", "sans-serif", "monospace"))
#: Characters HTML must not carry (C0/C1 controls but tab/LF/CR, lone surrogates, noncharacters).
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_DASH = re.compile(r"[-—–－~～]{1,2}")


@lru_cache(maxsize=1)
def _env() -> Environment:
    """The Jinja2 environment (templates compiled once per process). HTML templates are autoescaped;
    the style sheet template is not (its parameters are validated numbers and fixed font names)."""
    return Environment(
        loader=PackageLoader("xxgk.write", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), disabled_extensions=("css.j2",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        keep_trailing_newline=True,
    )


def _stack(names: tuple[str, ...]) -> str:
    return ", ".join(n if n in _GENERIC else f'"{n}"' for n in names)


@lru_cache(maxsize=32)
def _css(table_font_size: float, bold_title: bool, page_numbers: str, dash: str) -> Markup:
    css = _env().get_template("report.css.j2").render(
        fonts={role: _stack(names) for role, names in FONTS.items()},
        table_font_size=f"{table_font_size:g}",
        title_weight="bold" if bold_title else "normal",
        page_numbers=page_numbers,
        dash=dash,
    )
    if "</" in css:  # cannot happen with validated options; never let a style sheet close <style>
        raise ValueError("style sheet would close its <style> element")
    return Markup(css)


def _clean(text: str) -> str:
    return _INVALID.sub("", text)


# --- tables -----------------------------------------------------------------------------------------


def _positions(grid: Grid) -> list[list[GridCell]]:
    """grid position (r, c) → the cell covering it."""
    at = [[None] * grid.n_cols for _ in range(grid.n_rows)]  # type: list[list[Any]]
    for cell in grid.cells():
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                at[r][c] = cell
    return at


def _bodies(grid: Grid) -> list[list[int]]:
    """The body rows split into `<tbody>` row groups: a row starting with a caption (a 表二 block)
    starts a group; a group label in the first column (三、本年度办理结果) is a group of exactly its rows."""
    out: list[list[int]] = []
    cur: list[int] = []
    group_end = -1
    for r in range(grid.header_rows, grid.n_rows):
        row = grid.rows[r]
        first = row[0] if row and row[0].col == 0 else None
        starts = first is not None and first.role in ("caption", "group")
        if cur and (starts or r == group_end):
            out.append(cur)
            cur = []
        if first is not None and first.role == "group":
            group_end = r + first.rowspan
        cur.append(r)
    if cur:
        out.append(cur)
    return out


def _is_band(at: list[list[GridCell]], cell: GridCell) -> bool:
    """A header over several columns that are distinct below it (申请人情况, 行政诉讼), as opposed to
    one over a single merged value column (表二's 本年处理决定数量)."""
    if cell.colspan == 1:
        return False
    below = cell.row + cell.rowspan
    if below >= len(at):
        return True
    under = {id(at[below][c]) for c in range(cell.col, cell.col + cell.colspan)}
    return len(under) > 1


def _headers(at: list[list[GridCell]], cell: GridCell) -> list[GridCell]:
    """The header cells of a value cell, as the HTML table model associates them: the nearest block of
    header cells above it in each of its columns (scanning up over the values of the same block), and
    the labels to its left; outermost first."""
    cols: list[GridCell] = []
    for c in range(cell.col, cell.col + cell.colspan):
        in_block = False
        for r in range(cell.row - 1, -1, -1):
            h = at[r][c]
            if h.role in ("caption", "header"):
                in_block = True
                if h not in cols:
                    cols.append(h)
            elif in_block:
                break
    rows: list[GridCell] = []
    for c in range(cell.col):
        h = at[cell.row][c]
        if h.role in ("label", "group") and h not in rows:
            rows.append(h)
    # Outermost first: the column bands top-down, then the row groups left to right.
    return sorted(cols, key=lambda h: (h.row, h.col)) + rows


@lru_cache(maxsize=64)
def _structure(name: str, fmt: str, n_cols: int, widths: tuple[float, ...], keep: bool, header_rows: int,
               shape: tuple[tuple[tuple[int, int, int, int, str, str], ...], ...]) -> dict[str, Any]:
    """Everything of a table but the cell texts, which depends only on the grid's shape: per row the
    (tag, attributes) of each cell, the `<thead>`/`<tbody>` split and the column widths."""
    cells = [GridCell("", r, c, rs, cs, role, None, align)  # type: ignore[arg-type]
             for row in shape for (r, c, rs, cs, role, align) in row]
    rows: list[list[GridCell]] = [[] for _ in shape]
    for cell in cells:
        rows[cell.row].append(cell)
    grid = Grid(name, fmt, n_cols, tuple(tuple(r) for r in rows), header_rows, widths, keep)
    at = _positions(grid)
    bodies = _bodies(grid)
    # Cells that start a row group of exactly their own rows (or a 表二 block) head it: scope=rowgroup.
    rowgroup_heads = set()
    for body in bodies:
        first = grid.rows[body[0]][0]
        if first.col == 0 and (first.role == "caption" or (first.role == "group" and first.rowspan == len(body))):
            rowgroup_heads.add((first.row, first.col))

    def cell_id(c: GridCell) -> str:
        return f"{name}-r{c.row}c{c.col}"

    def tag(c: GridCell) -> tuple[str, Markup]:
        attrs: list[str] = []
        if c.role in ("value", "note"):
            tag_name = "td"
            if c.role == "value":
                attrs.append(f'headers="{" ".join(cell_id(h) for h in _headers(at, c))}"')
            # The note describes each column's identity and labels no data: a td.
        else:
            tag_name = "th"
            attrs.append(f'id="{cell_id(c)}"')
            if (c.row, c.col) in rowgroup_heads:
                scope = "rowgroup"
            elif c.role in ("caption", "header"):
                scope = "colgroup" if _is_band(at, c) else "col"
            else:  # label, group
                scope = "row"
            attrs.append(f'scope="{scope}"')
        if c.rowspan > 1:
            attrs.append(f'rowspan="{c.rowspan}"')
        if c.colspan > 1:
            attrs.append(f'colspan="{c.colspan}"')
        cls = "note" if c.role == "note" else ("left" if c.align == "left" else "")
        if cls:
            attrs.append(f'class="{cls}"')
        return tag_name, Markup(" " + " ".join(attrs) if attrs else "")

    tags = [[tag(c) for c in row] for row in grid.rows]
    return {
        "id": name,
        "cls": "keep" if keep else "",
        "widths": tuple(f"{w * 100:.2f}" for w in widths),
        "head": tuple(range(header_rows)),
        "bodies": tuple(tuple(b) for b in bodies),
        "tags": tags,
    }


def _table(grid: Grid) -> dict[str, Any]:
    shape = tuple(tuple((c.row, c.col, c.rowspan, c.colspan, c.role, c.align) for c in row) for row in grid.rows)
    st = _structure(grid.name, grid.fmt, grid.n_cols, grid.widths, grid.keep_together, grid.header_rows, shape)
    tags = st["tags"]
    rows = [[(t[0], t[1], _clean(c.text)) for t, c in zip(tags[r], row)] for r, row in enumerate(grid.rows)]
    return {
        "id": st["id"],
        "cls": st["cls"],
        "caption": grid.title,
        "widths": st["widths"],
        "head": [rows[r] for r in st["head"]],
        "bodies": [[rows[r] for r in body] for body in st["bodies"]],
    }


# --- the page ---------------------------------------------------------------------------------------


def write(
    report: Report,
    *,
    table_font_size: float = 10.5,
    bold_title: bool = True,
    page_numbers: str = "outside",
    page_dash: str = "-",
    na: str = "/",
) -> bytes:
    """`report` as a UTF-8 HTML page (see the module docstring for the page and the options).

    Does not check the report: `xxgk.write.render` does that first.
    """
    if not isinstance(table_font_size, (int, float)) or not 5 <= table_font_size <= 16:
        raise ValueError(f"table_font_size must be between 5 and 16 points, not {table_font_size!r}")
    if page_numbers not in ("outside", "center"):
        raise ValueError(f"page_numbers must be 'outside' or 'center', not {page_numbers!r}")
    if not isinstance(page_dash, str) or not (page_dash == "" or _DASH.fullmatch(page_dash)):
        raise ValueError(f"page_dash must be up to two dash characters (-, —, –, －, ~), not {page_dash!r}")
    if not isinstance(na, str) or _INVALID.search(na) or len(na) > 8:
        raise ValueError(f"na must be a short printable string, not {na!r}")
    doc = outline(report, na=na)
    sections = []
    for s in doc.sections:
        paras = [{"text": _clean(p), "sub": is_subheading(p), "lead": False} for p in s.paragraphs]
        if s.table is not None and paras:
            paras[-1]["lead"] = True
        sections.append({
            "key": s.key,
            "title": s.title,
            "paragraphs": paras,
            "table": _table(s.table) if s.table is not None else None,
        })
    page = _env().get_template("report.html.j2").render(
        title=_clean(doc.title),
        agency=_clean(report.agency or ""),
        preface=[_clean(p) for p in doc.preface],
        sections=sections,
        css=_css(float(table_font_size), bool(bold_title), page_numbers, page_dash),
    )
    return page.encode("utf-8")
