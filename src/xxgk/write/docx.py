"""The DOCX writer: a Report → a Word document laid out as agencies publish the annual report.

    from xxgk.write import render
    data = render(report, "docx")                       # refuses a report whose identities fail
    from xxgk.write.docx import write
    data = write(report, fonts="official")              # no check; options below

What is printed is `xxgk.write.grid.outline(report)`: the title "{agency}{year}年政府信息公开工作年度报告",
the preface (the report's own, `extra["preface"]`, or the standard one with the legal basis and the
statistics period), the six sections with their official titles and their text (one Word paragraph per
line of `report.sections[key]`), and 表二/三/四 after the text of sections 二/三/四 with the official
merged cells (`w:gridSpan` across, `w:vMerge` down; see `grid.py`). Values are printed canonically
(an int as digits, a decimal string as stored, "/" for a not-applicable cell, "" for a blank one), so
`xxgk.read.docx.parse_docx(write(r))` gives back r's cells, agency, year, format and sections.

Layout (GB/T 9704-2012, 党政机关公文格式):

- A4 portrait (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, a text area of
  156 × 225 mm.
- Body 3号 (16 pt) 仿宋-style, first line indented two characters, exact line spacing 28.95 pt: the
  standard's 22 lines per page. Title 2号 (22 pt) 小标宋-style, centred, one blank line below. First-level
  headings (一、…) 3号 黑体-style; stand-alone sub-headings (（一）…) 3号 楷体-style.
- Page numbers in the footer as "- N -" (a PAGE field), 4号 (14 pt) 宋体-style, odd pages on the
  right, even pages on the left, one character in from the margin (`w:evenAndOddHeaders`).
- Tables at 五号 (10.5 pt) by default, centred, single 0.5 pt rules, fixed column widths filling the
  156 mm text width (表三 and 表四 fit portrait). No row splits across pages (`w:cantSplit`); the header
  rows of 表三 and 表四 repeat on every page (`w:tblHeader`); 表二 and 表四 are kept on one page and
  together with the paragraph introducing them (`w:keepNext`).

Fonts: the official faces (方正小标宋简体, 黑体, 楷体_GB2312, 仿宋_GB2312, 宋体) are rarely installed outside
Chinese Windows, and a PDF printed from the document needs real glyphs. The default, ``fonts="free"``,
names the free Noto CJK faces (Noto Serif CJK SC for 宋/仿宋/楷/小标宋 roles, the title in bold; Noto Sans
CJK SC for 黑体 headings), which LibreOffice and Chromium render anywhere `fonts-noto-cjk` is installed.
``fonts="official"`` names the official faces (Latin text in Times New Roman), with the usual Windows
faces (仿宋, 楷体, 宋体) as `w:altName` in the font table; Word and LibreOffice substitute an installed
CJK font where they are missing. A mapping overrides single roles over the free preset:
``fonts={"body": "仿宋_GB2312", "heading": "黑体"}``; roles are title, heading, subheading, body, table,
page_number; a value is a font name (used for CJK and Latin text) or a (CJK, Latin) pair.

The document is built as WordprocessingML text directly (no python-docx), with fixed ZIP timestamps:
the same report and options give the same bytes, in a few milliseconds.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from ..report.model import Report
from .grid import Grid, Outline, is_subheading, outline

__all__ = ["write", "FONT_PRESETS", "PAGE_WIDTH_MM", "PAGE_HEIGHT_MM", "MARGINS_MM"]

# --- page geometry (GB/T 9704-2012) -----------------------------------------------------------------

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
#: top, bottom, left, right
MARGINS_MM = (37, 35, 28, 26)
#: 22 lines in the 225 mm text height.
LINE_PITCH_PT = 28.95


def _twips_mm(mm: float) -> int:
    return round(mm / 25.4 * 1440)


_PAGE_W, _PAGE_H = 11906, 16838  # A4 in twips, as Word writes it
_MARGIN = tuple(_twips_mm(m) for m in MARGINS_MM)
_TEXT_WIDTH = _PAGE_W - _MARGIN[2] - _MARGIN[3]  # 8844 twips = 156 mm
#: Footer distance from the page edge: the number sits ~7 mm below the text area.
_FOOTER = _twips_mm(22)
_HEADER = _twips_mm(15)

# --- fonts ------------------------------------------------------------------------------------------

ROLES = ("title", "heading", "subheading", "body", "table", "page_number")
#: role → (CJK font, Latin font).
FONT_PRESETS: dict[str, dict[str, tuple[str, str]]] = {
    "free": {
        "title": ("Noto Serif CJK SC", "Noto Serif CJK SC"),
        "heading": ("Noto Sans CJK SC", "Noto Sans CJK SC"),
        "subheading": ("Noto Serif CJK SC", "Noto Serif CJK SC"),
        "body": ("Noto Serif CJK SC", "Noto Serif CJK SC"),
        "table": ("Noto Serif CJK SC", "Noto Serif CJK SC"),
        "page_number": ("Noto Serif CJK SC", "Noto Serif CJK SC"),
    },
    "official": {
        "title": ("方正小标宋简体", "Times New Roman"),
        "heading": ("黑体", "Times New Roman"),
        "subheading": ("楷体_GB2312", "Times New Roman"),
        "body": ("仿宋_GB2312", "Times New Roman"),
        "table": ("仿宋_GB2312", "Times New Roman"),
        "page_number": ("宋体", "宋体"),
    },
}
#: Font table entries: name → (altName or None, charset, family, pitch).
_FONT_INFO: dict[str, tuple[str | None, str, str, str]] = {
    "方正小标宋简体": ("方正小标宋_GBK", "86", "script", "fixed"),
    "黑体": ("SimHei", "86", "modern", "fixed"),
    "楷体_GB2312": ("楷体", "86", "modern", "fixed"),
    "仿宋_GB2312": ("仿宋", "86", "modern", "fixed"),
    "宋体": ("SimSun", "86", "auto", "variable"),
    "Times New Roman": (None, "00", "roman", "variable"),
}
_OFFICIAL_TITLE = "方正小标宋简体"


def _font_map(fonts: str | Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    if isinstance(fonts, str):
        if fonts not in FONT_PRESETS:
            raise ValueError(f"unknown font preset {fonts!r}; expected one of {', '.join(FONT_PRESETS)} or a mapping")
        return dict(FONT_PRESETS[fonts])
    out = dict(FONT_PRESETS["free"])
    for role, value in fonts.items():
        if role not in ROLES:
            raise ValueError(f"unknown font role {role!r}; expected one of {', '.join(ROLES)}")
        if isinstance(value, str):
            out[role] = (value, value)
        elif isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, str) for v in value):
            out[role] = (value[0], value[1])
        else:
            raise ValueError(f"font for {role!r} must be a name or a (CJK, Latin) pair, not {value!r}")
    return out


# --- XML text ---------------------------------------------------------------------------------------

_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
#: Characters XML 1.0 cannot carry (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _esc(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return _INVALID_XML.sub("", text)


@lru_cache(maxsize=4096)
def _cell_runs(text: str) -> str:
    # Table labels and small numbers repeat in every report.
    return _runs(text)


def _runs(text: str) -> str:
    """Runs for a line of text: tabs become `w:tab`, spaces at either end are preserved."""
    out = []
    for i, part in enumerate(text.split("\t")):
        if i:
            out.append("<w:r><w:tab/></w:r>")
        if part:
            space = ' xml:space="preserve"' if part[0] == " " or part[-1] == " " or "  " in part else ""
            out.append(f"<w:r><w:t{space}>{_esc(part)}</w:t></w:r>")
    return "".join(out)


def _p(text: str, style: str | None = None, *, keep_next: bool = False) -> str:
    ppr = ""
    if style or keep_next:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "") + ("<w:keepNext/>" if keep_next else "") + "</w:pPr>"
    return f"<w:p>{ppr}{_runs(text)}</w:p>"


# --- tables -----------------------------------------------------------------------------------------

_BORDERS = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
_TBL_PR = (
    f'<w:tblPr><w:tblW w:w="{_TEXT_WIDTH}" w:type="dxa"/><w:jc w:val="center"/>'
    f"<w:tblBorders>{_BORDERS}</w:tblBorders><w:tblLayout w:type=\"fixed\"/>"
    '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="40" w:type="dxa"/>'
    '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="40" w:type="dxa"/></w:tblCellMar>'
    '<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'
    "</w:tblPr>"
)


#: Rows at least 6.5 mm high, the usual look of the published tables.
_ROW_HEIGHT = f'<w:trHeight w:val="{_twips_mm(6.5)}" w:hRule="atLeast"/>'


def _col_widths(grid: Grid) -> list[int]:
    widths = [round(w * _TEXT_WIDTH) for w in grid.widths]
    widths[-1] += _TEXT_WIDTH - sum(widths)
    return widths


def _table(grid: Grid) -> str:
    """A `w:tbl` of `grid`: merged cells as `w:gridSpan` across and `w:vMerge` restart/continue down."""
    widths = _col_widths(grid)
    out = [f"<w:tbl>{_TBL_PR}<w:tblGrid>", "".join(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
    last = grid.n_rows - 1
    for r in range(grid.n_rows):
        head = r < grid.header_rows
        keep = (grid.keep_together and r < last) or head
        out.append(f"<w:tr><w:trPr><w:cantSplit/>{_ROW_HEIGHT}" + ("<w:tblHeader/>" if head else "") + "</w:trPr>")
        for cell, first in grid.segments(r):
            width = sum(widths[cell.col : cell.col + cell.colspan])
            tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
            if cell.colspan > 1:
                tcpr += f'<w:gridSpan w:val="{cell.colspan}"/>'
            if cell.rowspan > 1:
                tcpr += '<w:vMerge w:val="restart"/>' if first else "<w:vMerge/>"
            tcpr += '<w:vAlign w:val="center"/>'
            style = "xxgkTableLeft" if cell.align == "left" else "xxgkTable"
            ppr = f'<w:pPr><w:pStyle w:val="{style}"/>' + ("<w:keepNext/>" if keep else "") + "</w:pPr>"
            text = _cell_runs(cell.text) if first else ""
            out.append(f"<w:tc><w:tcPr>{tcpr}</w:tcPr><w:p>{ppr}{text}</w:p></w:tc>")
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


# --- parts ------------------------------------------------------------------------------------------


def _rfonts(pair: tuple[str, str]) -> str:
    cjk, latin = (_esc(x) for x in pair)
    return f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{cjk}" w:cs="{latin}" w:hint="eastAsia"/>'


def _half_points(pt: float) -> int:
    return round(pt * 2)


def _styles(fonts: dict[str, tuple[str, str]], table_pt: float, bold_title: bool) -> str:
    line = round(LINE_PITCH_PT * 20)
    table_line = round(table_pt * 1.35 * 20)
    indent = f'<w:ind w:firstLineChars="200" w:firstLine="{round(16 * 2 * 20)}"/>'
    no_indent = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'

    def style(sid: str, name: str, ppr: str, rpr: str, *, based: str | None = "Normal", kind: str = "paragraph",
              extra: str = "") -> str:
        b = f'<w:basedOn w:val="{based}"/>' if based else ""
        return (f'<w:style w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>{b}{extra}<w:qFormat/>'
                f"<w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>")

    sz = lambda pt: f'<w:sz w:val="{_half_points(pt)}"/><w:szCs w:val="{_half_points(pt)}"/>'  # noqa: E731
    body_ppr = f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>{indent}<w:jc w:val="both"/>'
    parts = [
        _XML_DECL,
        f'<w:styles xmlns:w="{_W_NS}">',
        "<w:docDefaults><w:rPrDefault><w:rPr>",
        _rfonts(fonts["body"]), sz(16), '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>',
        "</w:rPr></w:rPrDefault><w:pPrDefault><w:pPr>",
        f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>',
        "</w:pPr></w:pPrDefault></w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{body_ppr}</w:pPr><w:rPr>{_rfonts(fonts['body'])}{sz(16)}</w:rPr></w:style>",
        style("xxgkTitle", "Title", f'<w:keepNext/><w:spacing w:before="0" w:after="{line}" w:line="{round(36 * 20)}" '
              f'w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>',
              _rfonts(fonts["title"]) + ("<w:b/><w:bCs/>" if bold_title else "") + sz(22)),
        style("Heading1", "heading 1", f'<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{line}" '
              f'w:lineRule="exact"/>{indent}<w:outlineLvl w:val="0"/>', _rfonts(fonts["heading"]) + sz(16),
              extra='<w:next w:val="Normal"/>'),
        style("Heading2", "heading 2", f'<w:keepNext/><w:spacing w:before="0" w:after="0" w:line="{line}" '
              f'w:lineRule="exact"/>{indent}<w:outlineLvl w:val="1"/>', _rfonts(fonts["subheading"]) + sz(16),
              extra='<w:next w:val="Normal"/>'),
        style("xxgkTable", "Table Text", f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" '
              f'w:line="{table_line}" w:lineRule="exact"/>{no_indent}<w:jc w:val="center"/>',
              _rfonts(fonts["table"]) + sz(table_pt)),
        style("xxgkTableLeft", "Table Text Left", '<w:jc w:val="left"/>', "", based="xxgkTable"),
        style("Footer", "footer", f'<w:snapToGrid w:val="0"/><w:spacing w:before="0" w:after="0" w:line="240" '
              f'w:lineRule="auto"/>{no_indent}', _rfonts(fonts["page_number"]) + sz(14)),
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr></w:style>",
        "</w:styles>",
    ]
    return "".join(parts)


def _footer(align: str, dash: str) -> str:
    # One character (14 pt) in from the margin on the outer side, GB/T 9704 §7.5.
    ind = '<w:ind w:right="280"/>' if align == "right" else '<w:ind w:left="280"/>'
    d = _esc(dash)
    return (
        f'{_XML_DECL}<w:ftr xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/>{ind}'
        f'<w:jc w:val="{align}"/></w:pPr>'
        f'<w:r><w:t xml:space="preserve">{d} </w:t></w:r>'
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        "<w:r><w:t>1</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {d}</w:t></w:r>'
        "</w:p></w:ftr>"
    )


def _sect_pr() -> str:
    top, bottom, left, right = _MARGIN
    return (
        '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'<w:pgSz w:w="{_PAGE_W}" w:h="{_PAGE_H}"/>'
        f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" '
        f'w:header="{_HEADER}" w:footer="{_FOOTER}" w:gutter="0"/>'
        '<w:pgNumType w:fmt="decimal" w:start="1"/><w:cols w:space="720"/>'
        f'<w:docGrid w:type="lines" w:linePitch="{round(LINE_PITCH_PT * 20)}"/></w:sectPr>'
    )


_SETTINGS = (
    f'{_XML_DECL}<w:settings xmlns:w="{_W_NS}"><w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>'
    '<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/></w:settings>'
)


def _font_table(fonts: dict[str, tuple[str, str]]) -> str:
    names: list[str] = []
    for pair in fonts.values():
        for n in pair:
            if n not in names:
                names.append(n)
    out = [f'{_XML_DECL}<w:fonts xmlns:w="{_W_NS}">']
    for n in names:
        alt, charset, family, pitch = _FONT_INFO.get(n, (None, "86", "auto", "variable"))
        alt_xml = f'<w:altName w:val="{_esc(alt)}"/>' if alt else ""
        out.append(f'<w:font w:name="{_esc(n)}">{alt_xml}<w:charset w:val="{charset}"/>'
                   f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    out.append("</w:fonts>")
    return "".join(out)


_CT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_CONTENT_TYPES = (
    f'{_XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_CT_MAIN}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{_CT_MAIN}.styles+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{_CT_MAIN}.settings+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{_CT_MAIN}.fontTable+xml"/>'
    f'<Override PartName="/word/footer1.xml" ContentType="{_CT_MAIN}.footer+xml"/>'
    f'<Override PartName="/word/footer2.xml" ContentType="{_CT_MAIN}.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROOT_RELS = (
    f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
    "</Relationships>"
)
_DOC_RELS = (
    f'{_XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{_REL}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{_REL}/fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{_REL}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{_REL}/footer" Target="footer2.xml"/>'
    "</Relationships>"
)
_APP = (
    f'{_XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>xxgk</Application></Properties>"
)


def _core(title: str, creator: str | None) -> str:
    who = f"<dc:creator>{_esc(creator)}</dc:creator>" if creator else ""
    return (
        f'{_XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{_esc(title)}</dc:title>{who}<dc:language>zh-CN</dc:language></cp:coreProperties>"
    )


def _document(doc: Outline) -> str:
    body = [_p(doc.title, "xxgkTitle")]
    body += [_p(p) for p in doc.preface]
    for sec in doc.sections:
        body.append(_p(sec.title, "Heading1"))
        n = len(sec.paragraphs)
        for i, para in enumerate(sec.paragraphs):
            # The paragraph introducing a table stays on the table's page.
            keep = sec.table is not None and i == n - 1
            body.append(_p(para, "Heading2" if is_subheading(para) else None, keep_next=keep))
        if sec.table is not None:
            body.append(_table(sec.table))
    return (
        f'{_XML_DECL}<w:document xmlns:w="{_W_NS}" xmlns:r="{_R_NS}"><w:body>'
        + "".join(body)
        + _sect_pr()
        + "</w:body></w:document>"
    )


def _zip(parts: list[tuple[str, str]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, text.encode("utf-8"), compresslevel=6)
    return buf.getvalue()


# --- entry point ------------------------------------------------------------------------------------


def write(
    report: Report,
    *,
    fonts: str | Mapping[str, Any] = "free",
    table_font_size: float = 10.5,
    bold_title: bool | None = None,
    page_dash: str = "-",
    na: str = "/",
) -> bytes:
    """`report` as the bytes of a .docx (see the module docstring).

    Options: `fonts` ("free", "official" or a role → font mapping), `table_font_size` in points
    (default 10.5, 五号), `bold_title` (default: bold unless the title font is 方正小标宋简体),
    `page_dash` (the marks around the page number; "—", GB/T 9704's 一字线, is the other common form),
    `na` (the printed form of a not-applicable cell, default "/").

    Does not check the report: `xxgk.write.render` does that first.
    """
    if not 5 <= table_font_size <= 16:
        raise ValueError(f"table_font_size must be between 5 and 16 points, not {table_font_size!r}")
    font_map = _font_map(fonts)
    if bold_title is None:
        bold_title = font_map["title"][0] != _OFFICIAL_TITLE
    doc = outline(report, na=na)
    parts = [
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _ROOT_RELS),
        ("docProps/core.xml", _core(doc.title, report.agency)),
        ("docProps/app.xml", _APP),
        ("word/document.xml", _document(doc)),
        ("word/_rels/document.xml.rels", _DOC_RELS),
        ("word/styles.xml", _styles(font_map, table_font_size, bold_title)),
        ("word/settings.xml", _SETTINGS),
        ("word/fontTable.xml", _font_table(font_map)),
        ("word/footer1.xml", _footer("right", page_dash)),
        ("word/footer2.xml", _footer("left", page_dash)),
    ]
    return _zip(parts)
