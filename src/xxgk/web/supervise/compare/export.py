"""The comparison as a file: DOCX (python-docx), PDF (WeasyPrint, the page's own template in print
layout), and the cells as CSV/XLSX (`core.tabular`). All from the display data of `present.build`,
so a file shows exactly what the page shows.

Report text reaches python-docx as run text (never as XML) and the PDF template escapes it as the
page does; the PDF's HTML fetches nothing (WeasyPrint's URL fetcher is the PDF writer's refusing one).
"""

from __future__ import annotations

import functools
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

#: CSV/XLSX columns: the cell key of the contract, its printed label, each side's printed text and
#: value (null when it has no number), the change and the ratio as numbers (a spreadsheet sums them).
CELL_COLUMNS = [
    ("key", "单元格"), ("label", "项目"), ("a_raw", "前一份印刷内容"), ("a", "前一份数值"),
    ("b_raw", "后一份印刷内容"), ("b", "后一份数值"), ("delta", "增减"), ("ratio", "后一份/前一份"), ("status", "变化"),
]
#: CJK faces for the DOCX (Word substitutes an installed one) and the PDF (fontconfig finds Noto).
DOCX_FONT = "宋体"
PDF_FONTS = '"SimSun", "宋体", "Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif'

PRINT_CSS = f"""
@page {{ size: A4 landscape; margin: 12mm; @bottom-center {{ content: counter(page) " / " counter(pages); font-size: 8pt; }} }}
body {{ font-family: {PDF_FONTS}; font-size: 9pt; line-height: 1.45; color: #1d2330; }}
h1 {{ font-size: 15pt; }} h2 {{ font-size: 12pt; margin-top: 10pt; }} h3 {{ font-size: 10pt; }}
table.list {{ border-collapse: collapse; width: 100%; }}
table.list th, table.list td {{ border: 0.5pt solid #99a; padding: 1.5pt 3pt; vertical-align: top; text-align: left; }}
table.list td.num {{ text-align: right; }}
table.cmp-grid {{ font-size: 8pt; }} table.cmp-grid td.cell {{ min-width: 0; }}
tr {{ break-inside: avoid; }} thead {{ display: table-header-group; }}
.cmp-two {{ display: flex; gap: 6pt; }} .cmp-two > div {{ flex: 1 1 0; }}
.cmp-text {{ display: block; }} .cmp-text .side {{ margin-bottom: 4pt; }}
.error {{ color: #b3261e; }} .ok {{ color: #1b7f3b; }} .muted {{ color: #5b6475; }} .badge {{ border: 0.5pt solid; padding: 0 2pt; }}
"""
_STATUS_ZH = {"same": "不变", "up": "增加", "down": "减少", "new": "新填数字", "gone": "不再有数字", "none": "均无数字"}
_RED, _GREEN, _BLUE = (0xB3, 0x26, 0x1E), (0x1B, 0x7F, 0x3B), (0x1F, 0x4E, 0x9A)


def cell_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Every cell of the comparison as one row of CELL_COLUMNS."""
    rows = []
    for t in data["tables"]:
        for r in t["rows"]:
            for c in r.get("cells", ()):
                rows.append({
                    "key": c["key"], "label": c["label"], "a_raw": c["a_raw"], "a": _number(c["a_value"]),
                    "b_raw": c["b_raw"], "b": _number(c["b_value"]), "delta": _number(c["delta_value"]),
                    "ratio": None if c["ratio"] is None else round(c["ratio"], 4), "status": _STATUS_ZH[c["status"]],
                })
    return rows


def _number(v: Any) -> Any:
    """A decimal string (the fee in 万元) as a Decimal: a number in the spreadsheet, not text."""
    return Decimal(v) if isinstance(v, str) else v


# --- DOCX ---------------------------------------------------------------------------------------


def _east_asian(run_or_style: Any, name: str = DOCX_FONT) -> None:
    """python-docx sets only the Latin font; the CJK one is the rFonts eastAsia attribute."""
    from docx.oxml.ns import qn

    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def _run(par: Any, text: str, *, color: tuple[int, int, int] | None = None, bold: bool = False,
         strike: bool = False, underline: bool = False, highlight: bool = False) -> Any:
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import RGBColor

    run = par.add_run(_printable(text))
    run.bold = bold or None
    run.font.strike = strike or None
    run.font.underline = underline or None
    if color:
        run.font.color.rgb = RGBColor(*color)
    if highlight:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return run


def _printable(text: str) -> str:
    """XML 1.0 refuses C0 controls (python-docx would raise): a report's stray control characters
    are dropped from the file, as the HTML writer drops them."""
    return "".join(ch for ch in text if ch in "\t\n" or ord(ch) >= 0x20)


_TONE = {"up": _BLUE, "down": _RED, "new": _GREEN, "gone": _RED}


def _cell_text(cell: Any, c: dict[str, Any]) -> None:
    par = cell.paragraphs[0]
    _run(par, c["b"], bold=c["changed"])
    if c["status"] != "same" or c["a"] != c["b"]:
        _run(par, f"\n（{c['a']}）")
    if c["delta"]:
        _run(par, f"\n{c['delta']}", color=_TONE.get(c["status"]), bold=c["outlier"])


def docx_bytes(data: dict[str, Any], title: str) -> bytes:
    """The comparison as a Word document: summary, identities, carry-over, every table (each cell the
    later value, the earlier in brackets, the change), the narratives with deletions struck through
    in red, insertions underlined, reused passages highlighted."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Mm(15))
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        _east_asian(doc.styles[style])
    doc.styles["Normal"].font.size = Pt(10)
    core = doc.core_properties
    core.title, core.author = _printable(title)[:250], "xxgk"

    a, b = data["a"], data["b"]
    doc.add_heading(_printable(title), level=0)
    counts = data["counts"]
    doc.add_paragraph(
        f"前一份：{a['agency']} {a['year']} 年（{a['source']}），后一份：{b['agency']} {b['year']} 年（{b['source']}）。"
        f"单元格：增加 {counts['up']}，减少 {counts['down']}，新填数字 {counts['new']}，不再有数字 {counts['gone']}，"
        f"不变 {counts['same']}。正文重复率：{data['reuse'] or '—'}。"
    )

    doc.add_heading("勾稽关系", level=1)
    for side, name in ((a, "前一份"), (b, "后一份")):
        doc.add_paragraph(f"{name}（{side['year']} 年）：错误 {side['errors']} 个，警告 {side['warnings']} 个")
        for f in side["findings"]:
            par = doc.add_paragraph(style="List Bullet")
            _run(par, "错误 " if f["severity"] == "error" else "警告 ", color=_RED if f["severity"] == "error" else None, bold=True)
            _run(par, f["message"])

    doc.add_heading("上年结转核对", level=1)
    if not data["carry"]:
        doc.add_paragraph("两份报告的年度不相邻，不核对结转。")
    else:
        table = doc.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("核对项", "本年填报", "按上年应为", "结果")):
            _run(cell.paragraphs[0], text, bold=True)
        for r in data["carry"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = _printable(r["label"]), str(r["actual"]), str(r["expected"])
            ok = {True: ("一致", _GREEN), False: ("不一致", _RED), None: ("无法核对", None)}[r["ok"]]
            _run(cells[3].paragraphs[0], ok[0], color=ok[1], bold=r["ok"] is False)
        for f in data["cross_year"]:
            _run(doc.add_paragraph(style="List Bullet"), f["message"])

    doc.add_heading("表格比对（本年数字，括号内为上年，其下为增减）", level=1)
    for t in data["tables"]:
        doc.add_heading(t["title"], level=2)
        table = doc.add_table(rows=1, cols=1 + len(t["columns"]))
        table.style = "Table Grid"
        _run(table.rows[0].cells[0].paragraphs[0], "项目", bold=True)
        for cell, label in zip(table.rows[0].cells[1:], t["columns"]):
            _run(cell.paragraphs[0], label, bold=True)
        for r in t["rows"]:
            cells = table.add_row().cells
            if r["kind"] == "group":
                merged = cells[0].merge(cells[-1])
                _run(merged.paragraphs[0], r["label"], bold=True)
                continue
            cells[0].text = _printable(r["label"])
            for cell, c in zip(cells[1:], r["cells"]):
                _cell_text(cell, c)

    doc.add_heading("正文比对", level=1)
    doc.add_paragraph("删除的文字为红色删除线，新增的文字加下划线，从上年其他位置搬来的文字以黄色标出。"
                      f"正文重复率（本年正文中与上年相同的连续 10 字以上文字所占比例）：{data['reuse'] or '—'}。")
    for s in data["sections"]:
        doc.add_heading(f"{s['title']}（重复率 {s['reuse'] or '—'}）", level=2)
        table = doc.add_table(rows=2, cols=2)
        table.style = "Table Grid"
        _run(table.rows[0].cells[0].paragraphs[0], f"{a['year']} 年", bold=True)
        _run(table.rows[0].cells[1].paragraphs[0], f"{b['year']} 年", bold=True)
        left, right = table.rows[1].cells[0].paragraphs[0], table.rows[1].cells[1].paragraphs[0]
        for kind, text in s["left"]:
            _run(left, text, color=_RED if kind == "delete" else None, strike=kind == "delete")
        for kind, text in s["right"]:
            _run(right, text, color=_GREEN if kind == "insert" else None, underline=kind == "insert",
                 highlight=kind == "moved")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------------


def pdf_bytes(request: HttpRequest, ctx: dict[str, Any]) -> bytes:
    """The page's body in print layout (A4 landscape; the two years' narratives one above the
    other, as side-by-side columns do not break across pages), laid out by WeasyPrint as xxgk's PDF
    writer does: nothing fetched, CJK glyphs from the installed faces (Noto CJK where the official ones are
    missing). A character without a glyph prints as a box rather than failing the download."""
    from xxgk.write.pdf import _refuse, _weasyprint  # the PDF writer's loader and its no-fetch rule

    page = render_to_string("supervise/compare/print.html", ctx, request=request)
    weasyprint = _weasyprint()
    css = weasyprint.CSS(string=_print_css(), url_fetcher=_refuse)
    html = weasyprint.HTML(string=page, base_url=None, url_fetcher=_refuse, media_type="print")
    return html.write_pdf(stylesheets=[css])


@functools.lru_cache(maxsize=1)
def _print_css() -> str:
    """The page's style sheet (static/supervise/compare.css, up to its closing @media rules, which
    WeasyPrint does not parse) and the print rules."""
    screen = (Path(__file__).resolve().parents[1] / "static" / "supervise" / "compare.css").read_text(encoding="utf-8")
    return screen.split("@media")[0] + PRINT_CSS  # the phone-width rules are no print rules
