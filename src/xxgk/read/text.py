"""The text reader: any plain-text extraction of an annual report → Report.

A chain of small steps: lines (residue removed) → section headings → table regions → tokens per
region → `assign` → cells with `{"line": n}` provenance. Layout differences (tabs, one cell per line,
spaces, markdown pipes) are confined to `_split_line`; everything after it is layout-free.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..errors import NotAReport, TruncatedInput
from ..report import keys as K
from ..report.detect import detect_format
from ..report.model import Finding, Report
from ..report.values import is_value_token, normalize
from . import assign, gluedrows, gluedtext, meta, oneline, textcells, textlines, title
from .textlines import MD_MARKS as _MD_MARKS
from .textlines import Line
from .tokens import GluedToken, Token, cell_token

_WS = re.compile(r"\s+")

#: (section key, numeral, keyword pattern) in printed order.
_HEADINGS: tuple[tuple[str, str, str], ...] = (
    ("overview", "一", r"总体情况|概述|总体"),
    ("proactive", "二", r"主动公开"),
    ("applications", "三", r"收到和处理|依申请"),
    ("appeals", "四", r"复议|诉讼"),
    ("problems", "五", r"问题"),
    ("other", "六", r"其他"),
)
_TABLE_SECTIONS = frozenset({"proactive", "applications", "appeals"})
_HEADING_RE = re.compile(r"^([一二三四五六])[、.,,]\s*(.{2,40})$")
# A line of the web page around a report, not of the report: a portal page printed to PDF or saved
# as text ends with its sidebar (related links, other reports' titles) and footer (sponsor, site
# code, ICP licence, copyright, print/close buttons). Matched on Line.norm (NFKC, no whitespace).
_CHROME_RE = re.compile(
    r"^(?:主办单位|承办单位|主办|承办|技术支持|维护单位|网站标识码|网站备案)[:：]"
    r"|网站标识码|ICP备|公网安备|版权所有|Copyright|©"
    r"|^(?:相关报告|相关链接|相关文章|相关阅读|相关信息|相关文件|友情链接|返回顶部|网站地图|联系我们|分享到:?|扫一扫)$"
    r"|^分享到[:：]|【(?:打印|关闭|字体)|^\[(?:打印|关闭)"
)
_PERIOD_RE = re.compile(r"统计(?:期限|时限|期间|区间|数据)?(?:为|从|自)?((?:19|20)\d{2})年1月1日")
_TABLE_START = {
    "t2": re.compile(r"第二十条|信息内容|本年制发|本年新制作"),
    "t3": re.compile(r"勾稽|申请人情况|本年新收|自然人"),
    "t4": re.compile(r"行政复议|结果维持|行政诉讼"),
}


def _lines(text: str) -> list[Line]:
    return _unfold(textlines.lines(text))


def _unfold(lines: list[Line]) -> list[Line]:
    """A report printed on one line, cut into its sections (`oneline`); other lines as they are."""
    out: list[Line] = []
    for ln in lines:
        # Only a line that holds a table too: a long preface listing the headings stays whole.
        long = len(ln.raw) >= oneline.MIN_CHARS and any(p.search(ln.norm) for p in _PRINTED.values())
        spans = oneline.cut(ln.raw, _HEADINGS, _TABLE_SECTIONS) if long else None
        if spans is None:
            out.append(ln)
            continue
        for s, e, _ in spans:
            part = ln.raw[s:e]
            out.append(Line(ln.no, part, normalize(part), col0=ln.col0 + s, unfolded=True))
    return out


# --- headings and regions ---------------------------------------------------------------------


def _find_headings(lines: Sequence[Line]) -> dict[str, int]:
    """Index into `lines` of each section heading found, searched in printed order."""
    found: dict[str, int] = {}
    start = 0
    # The lines shaped like a heading, matched once (not once for each of the six headings).
    shaped = [(i, m) for i, ln in enumerate(lines) if (m := _HEADING_RE.match(ln.norm))]
    for key, numeral, keywords in _HEADINGS:
        for i, m in shaped:
            if i < start:
                continue
            if m.group(1) == numeral and re.search(keywords, m.group(2)) and not _has_values(lines[i]):
                if key == "appeals" and "结转" in m.group(2):
                    continue
                found[key] = i
                start = i + 1
                break
    return found


def _has_values(line: Line) -> bool:
    return any(is_value_token(t) for t in re.split(r"[\t|]|\s+", line.raw) if t.strip())


def _split_line(line: Line, optional: Sequence[int] = ()) -> list[Token]:
    """One line → tokens, whatever the layout (tabs, markdown pipes, spaces); each token keeps its
    line and character column so a person (or a test) can find exactly what was read.

    `optional`: columns of the line's empty grid cells that may be blank data cells (given by
    `blocks.layout` for a grid row; plain text has none), each an optional blank token unless the
    line's own reading already made it a blank data cell."""
    no, col0 = line.no, line.col0
    if _line_tokens_c is not None:
        toks = _line_tokens_c(_line_cells(line.raw), no, col0, Token, GluedToken)
    else:
        toks = _line_tokens_py(_line_cells(line.raw), no, col0)
    if optional:
        have = {t.where["col"] for t in toks}
        extra = [Token.optional_blank({"line": no, "col": c}) for c in optional if c not in have]
        if extra:
            toks = sorted(toks + extra, key=lambda t: t.where["col"])
    return toks


def _line_tokens_py(cells: tuple[tuple[int, str, bool, str, bool, bool], ...], no: int, col0: int) -> list[Token]:
    """The tokens of a line from its cached cells (`_line_cells`), each with its own location. The
    reference for the C loop (`xxgk._speedups.line_tokens`, used when built: ~300 tokens a report)."""
    return [
        Token.glued_run(text, {"line": no, "col": col0 + col}, norm)
        if glued
        else cell_token(text, {"line": no, "col": col0 + col}, blank, norm, is_value)
        for col, text, blank, norm, is_value, glued in cells
    ]


try:  # optional, as the PDF reader's _pdfscan; tests/read/test_text_cells.py holds the two equal
    from .._speedups import VERSION as _SPEEDUPS_VERSION
    from .._speedups import line_tokens as _line_tokens_c
except ImportError:  # pragma: no cover - built without a C compiler
    _line_tokens_c = None
else:
    if _SPEEDUPS_VERSION != 2:  # pragma: no cover - an older build left in place
        _line_tokens_c = None
try:  # newer than line_tokens: an older build has line_tokens without it
    from .._speedups import lines_tokens as _lines_tokens_c
except ImportError:  # pragma: no cover - built without a C compiler, or an older build
    _lines_tokens_c = None
else:
    if _line_tokens_c is None:  # pragma: no cover - an older interface
        _lines_tokens_c = None


@functools.lru_cache(maxsize=4096)
def _line_cells(raw: str) -> tuple[tuple[int, str, bool, str, bool, bool], ...]:
    """(column, text, is blank data cell, normalised text, is value, is glued) of each token of a
    line; table lines repeat a lot, so this is cached on the raw line. Numbers glued to label text
    (`规章000`) are cut out of it (`gluedtext`).

    A blank grid cell whose nearest non-blank neighbours on both sides are values is a blank *data*
    cell (a row with a hole); other blanks are placeholders of merged cells.
    """
    if "\t" in raw:
        sep = "\t"
    elif "|" in raw and raw.lstrip().startswith("|") and raw.count("|") >= 2:
        sep = "|"
    else:
        return tuple(_unglue(textcells.pieces(raw, 0, len(raw))))
    out: list[tuple[int, str, bool, str, bool, bool]] = []
    pending: list[int] = []  # columns of blank cells since the last non-blank cell
    after_value = False  # the last non-blank cell held only values
    for start, end in textcells.cell_spans(raw, sep):
        pieces = textcells.pieces(raw, start, end)
        if not pieces:
            if after_value:
                pending.append(start)
            continue
        is_value = all(is_value_token(text) for _, text in pieces)
        if is_value and pending:
            out.extend((c, "", True, "", True, False) for c in pending)
        pending = []
        after_value = is_value
        out.extend(_unglue(pieces))
    return tuple(out)


def _unglue(pieces: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, bool, str, bool, bool]]:
    """The `_line_cells` tuples of whitespace-separated pieces, numbers glued to labels cut out."""
    for col, text in pieces:
        if is_value_token(text):
            yield col, text, False, normalize(text), True, gluedtext.is_glued_value(text)
        elif gluedtext.has_digit(text) and (parts := gluedtext.split_piece(text)) is not None:
            for off, part, is_number in parts:
                yield col + off, part, False, normalize(part), is_number, is_number
        else:
            yield col, text, False, normalize(text), False, False
def _tokens(lines: Sequence[Line], optional: Mapping[int, Sequence[int]] | None = None) -> Iterable[Token]:
    """The tokens of a table region's lines in order (a region is at most MAX_TABLE_LINES lines).
    Without optional blanks on its lines, one C loop (`xxgk._speedups.lines_tokens`) makes them as
    `_tokens_py` does."""
    if _lines_tokens_c is not None and (not optional or not any(ln.no in optional for ln in lines)):
        return _lines_tokens_c(lines, _line_cells, Token, GluedToken)
    return _tokens_py(lines, optional)


def _tokens_py(lines: Iterable[Line], optional: Mapping[int, Sequence[int]] | None = None) -> Iterator[Token]:
    """The reference for `_tokens`: each line's tokens in turn (`_split_line`)."""
    if not optional:
        for ln in lines:
            yield from _split_line(ln)
        return
    for ln in lines:
        yield from _split_line(ln, optional.get(ln.no, ()))


#: A printed table has at most a few hundred lines, even one cell per line (表三: 25 rows × 8).
MAX_TABLE_LINES = 4000


@dataclass
class _Region:
    intro: list[Line]
    table: list[Line]
    #: Lines past MAX_TABLE_LINES, not read.
    dropped: int = 0

    def __post_init__(self) -> None:
        if len(self.table) > MAX_TABLE_LINES:
            self.dropped = len(self.table) - MAX_TABLE_LINES
            del self.table[MAX_TABLE_LINES:]


def _region(lines: Sequence[Line], start: int, end: int, table: str) -> _Region:
    """Lines of one section between headings, split into an intro paragraph and the table."""
    body = list(lines[start:end])
    pat = _TABLE_START[table]
    for i, ln in enumerate(body):
        if (pat.search(ln.norm) and not ln.is_narrative and (ln.unfolded or not _is_prose_fragment(ln))) or (not ln.is_narrative and _has_values(ln) and not ln.norm.startswith(("20", "19"))):
            table_lines = [x for x in body[i:] if not x.is_narrative and not _is_running_header(x)]
            return _Region(body[:i], table_lines)
    return _Region(body, [])


def _is_prose_fragment(line: Line) -> bool:
    """A wrapped piece of an intro sentence ('因政府信息公开工作被申请行政复议、提起行政诉' before '讼情况如下：'
    on the next line of a PDF): long, one cell, with the enumeration commas of prose. A header row
    naming 行政复议 is short or split into cells."""
    return len(line.norm) >= 16 and "\t" not in line.raw and "|" not in line.raw and ("、" in line.norm or "，" in line.norm)


def _is_running_header(line: Line) -> bool:
    return "年度报告" in line.norm or "信息公开工作报告" in line.norm


# --- title, agency, year ------------------------------------------------------------------------

# --- the reader -------------------------------------------------------------------------------------


def parse_text(
    text: str, *, name: str = "<text>", optional_blanks: Mapping[int, Sequence[int]] | None = None, whole: bool = False
) -> Report:
    """Parse the text of an annual report. Raises NotAReport when no report is recognisable.
    `whole`: the text is known to be the whole document (every page of a scan was read), so a table
    that stops early lost rows to OCR, reported row by row, and is not refused as a cut file.

    `optional_blanks` (from `blocks.parse_blocks`, never for plain text): line number → columns of
    empty grid cells that may be blank data cells (`_split_line`)."""
    lines = _lines(text)
    heads = _find_headings(lines)
    all_norm = "".join(ln.norm for ln in lines)
    findings: list[Finding] = []
    period = _PERIOD_RE.search(all_norm)
    fields = meta.head_fields([ln.raw for ln in lines[: meta.HEAD_LINES]])
    agency, year, title_at, others = title.find_title(lines, int(period.group(1)) if period else None, fields)
    differing = [f"{a or ''}{y}年" for a, y in others if y != year or not title.same_agency(a, agency)]
    if differing:
        shown = "、".join(dict.fromkeys(differing))
        findings.append(Finding("read.title_ambiguous", "warning", [], f"文首另有 {len(differing)} 行像标题而年份或机关不同（{shown}），已取第 {title_at + 1} 行：{agency or ''}{year}年"))

    if period:
        py = int(period.group(1))
        if year is None:
            year = py
        elif py != year:
            findings.append(Finding("read.year_mismatch", "warning", [], f"标题年份 {year} 与统计期限年份 {py} 不一致"))

    sig = meta.signature(_tail(text, 400))
    if year is None:
        year = _overview_year(lines, heads, sig, findings)
    agency = title.agency(agency, fields, sig, findings)
    fmt = detect_format(all_norm, year)
    report = Report(format=fmt, agency=agency, year=year, source={"name": name, "kind": "text"})
    report.published_on = fields.date() or (sig.date if sig else None)
    # Each section heading as printed (markdown marks and surrounding space removed): the store
    # compares it with the official title (`quality.section_renamed`, domain.md §2.3).
    if heads:
        report.extra["headings"] = {key: _MD_MARKS.sub("", lines[i].raw).strip() for key, i in heads.items()}

    bounds = _section_bounds(lines, heads)
    chrome = _trailing_chrome(lines, bounds)
    if chrome is not None:
        key, at, end = chrome
        s, _ = bounds[key]
        bounds[key] = (s, at)
        findings.append(
            Finding("read.page_chrome", "warning", [], f"从“{lines[at].norm[:20]}”起 {end - at} 行像网页的侧栏或页脚，未计入最后一部分")
        )
    tables: dict[str, _Region] = {}
    for key, table in (("proactive", "t2"), ("applications", "t3"), ("appeals", "t4")):
        if key in bounds:
            s, e = bounds[key]
            tables[table] = _region(lines, s + 1, e, table)
    _fallback_regions(lines, tables, heads)

    for key, (s, e) in bounds.items():
        body = tables[_TABLE_OF[key]].intro if key in _TABLE_OF and _TABLE_OF[key] in tables else lines[s + 1 : e]
        report.sections[key] = _section_text(body)

    first_head = min(heads.values(), default=len(lines))
    head = [ln for i, ln in enumerate(lines[(-1 if title_at is None else title_at) + 1 : first_head], (-1 if title_at is None else title_at) + 1) if i not in fields.lines]
    report.extra.update(_document_fields(head, all_norm))
    if sig is not None:
        title.cut_signature(report, sig)
    parts = _read_tables(report, tables, findings, optional_blanks) if fmt in ("2019", "2021") else None
    report.findings = findings

    t3_rows = sum(1 for k in report.cells if k.startswith("t3.") and k.endswith(".total") and report.cells[k].semantic != "empty")
    if title_at is None and len(heads) < 3 and t3_rows < 10:
        raise NotAReport("no annual report found (no title '…年政府信息公开工作年度报告', no section headings, no Table 三)")
    if parts and not whole:
        _check_truncation(report, heads, parts, name)
    _check_tables(report, lines, heads, all_norm, name, whole)
    return report


#: Words printed only in a table's own header or row labels: the table is in the document.
_PRINTED = {
    "t2": re.compile(r"第二十条第\(一\)项|本年制发件数|本年新制作数量|现行有效件数|对外公开总数量"),
    "t3": re.compile(r"本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|结转下年度继续办理|申请人情况"),
    "t4": re.compile(r"结果维持|结果纠正|尚未审结|复议后起诉|未经复议直接起诉"),
}
_TABLE_SECTION = {"t2": "proactive", "t3": "applications", "t4": "appeals"}
_TABLE_LABEL = {"t2": "表二", "t3": "表三", "t4": "表四"}
_SECTION_ORDER = tuple(k for k, _, _ in _HEADINGS)


def _tail(text: str, n: int) -> str:
    """text.rstrip()[-n:] without copying the whole text (a report may be 20 MiB)."""
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    return text[max(0, end - n) : end]


_OPENING_YEAR = re.compile(r"^((?:19|20)\d{2})年")


def _overview_year(lines: Sequence[Line], heads: dict[str, int], sig: meta.Signature | None, findings: list[Finding]) -> int | None:
    """The year when neither a title nor the statistics period gives it: section 一 of a report opens
    with its year ('一、总体情况 2021年，我局…'), and the signature's date, when printed, is in that
    year or the next (reports are published by 31 January / 31 March). Reported, never silent."""
    at = heads.get("overview")
    if at is None or at + 1 >= len(lines):
        return None
    m = _OPENING_YEAR.match(lines[at + 1].norm)
    if not m:
        return None
    year = int(m.group(1))
    if sig is not None and int(sig.date[:4]) not in (year, year + 1):
        return None
    findings.append(Finding("read.year_from_overview", "warning", [], f"无标题和统计期限，年度取自“一、总体情况”开头的 {year} 年"))
    return year


def _check_tables(report: Report, lines: Sequence[Line], heads: dict[str, int], all_norm: str, name: str, whole: bool = False) -> None:
    """Tables 二, 三 and 四 are mandatory from the 2019 reports on (国办公开办函〔2019〕60号, 〔2021〕30号).

    A table whose own words are printed but of which no number was read is an error naming it
    (`read.table_unreadable`), never an empty table that only draws warnings. A table not printed
    at all, in a document with prose or section headings: the text is cut (TruncatedInput) when no later
    section follows, else an error (`read.table_missing`). Reports of earlier years (no such tables)
    and a table printed on its own are left alone. `whole` (every page of a scan was read): never
    refused as truncated; the missing tables are an error, their rows read.ocr_row_lost (ocr)."""
    if report.format not in ("2019", "2021") and not (report.year is not None and report.year >= 2019):
        return
    missing: list[str] = []
    for table in ("t2", "t3", "t4"):
        prefix = "t2_2019." if table == "t2" and report.format == "2019" else f"{table}."
        if any(k.startswith(prefix) and c.semantic != "empty" for k, c in report.cells.items()):
            continue
        label = _TABLE_LABEL[table]
        if _PRINTED[table].search(all_norm):
            report.findings.append(
                Finding("read.table_unreadable", "error", [], f"{label}已印出，但未能读出其中任何数字；请检查原文排版（表格可能被拆散或粘连）")
            )
        else:
            missing.append(table)
    if not missing or not (heads or any(ln.is_narrative for ln in lines)):
        return  # a table on its own (a spreadsheet, one scanned page: no prose) has no others
    first = _SECTION_ORDER.index(_TABLE_SECTION[missing[0]])
    later_heading = any(_SECTION_ORDER.index(k) > first for k in heads)
    later_table = any(_SECTION_ORDER.index(_TABLE_SECTION[t]) > first for t in ("t2", "t3", "t4") if t not in missing)
    names = "、".join(_TABLE_LABEL[t] for t in missing)
    if not later_heading and not later_table and not whole:
        raise TruncatedInput(f"{name}: text ends before {names} (no later section); the file looks truncated")
    report.findings.append(
        Finding("read.table_missing", "error", [], f"未找到{names}；{report.year or ''}年度报告应含表二、表三、表四（国办公开办函〔2021〕30号）")
    )


_LEGAL_BASIS = re.compile(r"《[^《》]{2,80}》(?:[(（][^()（）]{2,40}[)）])?")
#: A telephone number not inside a longer run of digits: `(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)`
#: written to start with its first digit, so that the regex engine looks only at 0s and 1s (2.3×
#: faster on a report's text); the lookbehinds after it say what the leading ones said.
_PHONE = re.compile(r"[01](?<!\d[01])(?:(?<=0)\d{2,3}-?\d{7,8}|(?<=1)[3-9]\d{9})(?!\d)")


def _document_fields(preface: Sequence[Line], all_norm: str) -> dict[str, object]:
    """Added fields beyond the contract (domain.md §2.2): preface, legal basis, contact telephone."""
    text = title.strip_repeated_title(_section_text(preface))
    out: dict[str, object] = {}
    if text:
        out["preface"] = text
        basis = _LEGAL_BASIS.findall(normalize(text))
        if basis:
            out["legal_basis"] = basis
    phones = _PHONE.findall(all_norm)
    if phones:
        out["telephone"] = sorted(set(phones), key=phones.index)
    return out


_TABLE_OF = {"proactive": "t2", "applications": "t3", "appeals": "t4"}


def _section_bounds(lines: Sequence[Line], heads: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each found section runs from its heading to the next heading found (or the end)."""
    found = sorted((i, k) for k, i in heads.items())
    out = {}
    for n, (i, k) in enumerate(found):
        end = found[n + 1][0] if n + 1 < len(found) else len(lines)
        out[k] = (i, end)
    return out


def _trailing_chrome(lines: Sequence[Line], bounds: dict[str, tuple[int, int]]) -> tuple[str, int, int] | None:
    """(last section, first line of page chrome in it, its end) when the last section runs into the
    web page around the report: from the first line that is a page's sidebar or footer (`_CHROME_RE`,
    or another report's title standing alone: a link) to the end. A sentence (a line with "。") is
    never chrome, nor is the section's first line of text."""
    if not bounds:
        return None
    key = max(bounds, key=lambda k: bounds[k][0])
    s, e = bounds[key]
    first = next((i for i in range(s + 1, e) if lines[i].norm), e)
    for i in range(first + 1, e):
        norm = lines[i].norm
        if norm and "。" not in norm and (_CHROME_RE.search(norm) or (len(norm) <= 80 and meta.title_match(norm))):
            return key, i, e
    return None


def _fallback_regions(lines: Sequence[Line], tables: dict[str, _Region], heads: dict[str, int]) -> None:
    """Find tables by their own markers when a section heading was lost in extraction."""
    if "t3" not in tables or not tables["t3"].table:
        start = next((i for i, ln in enumerate(lines) if "勾稽" in ln.norm or "本年新收" in ln.norm), None)
        if start is not None:
            end = next((i for i in range(start, len(lines)) if "结转下年" in lines[i].norm), len(lines) - 1) + 1
            tables["t3"] = _Region([], [x for x in lines[start:end] if not x.is_narrative])
    if "t2" not in tables or not tables["t2"].table:
        start = next((i for i, ln in enumerate(lines) if "第二十条第" in ln.norm), None)
        if start is not None:
            end = next((i for i in range(start, len(lines)) if "勾稽" in lines[i].norm or "收到和处理" in lines[i].norm), len(lines))
            tables["t2"] = _Region([], [x for x in lines[start:end] if not x.is_narrative])
    if "t4" not in tables or not tables["t4"].table:
        after = max((i for i, ln in enumerate(lines) if "结转下年" in ln.norm), default=None)
        if after is not None:
            start = next((i for i in range(after + 1, len(lines)) if "行政复议" in lines[i].norm), None)
            if start is not None:
                body = []
                # The line naming 行政复议 may be the section's own heading (under another numeral
                # than 四, so not found as one): the table starts after it.
                if _HEADING_RE.match(lines[start].norm):
                    start += 1
                for ln in lines[start:]:
                    if ln.is_narrative or _HEADING_RE.match(ln.norm):
                        break
                    body.append(ln)
                tables["t4"] = _Region([], body)


_PARA_END = tuple("。！？；：!?;:")
_PARA_START = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,2}[)）]|[一二三四五六七八九十]{1,2}[、是]|\d{1,2}[.、．])")


def _section_text(lines: Iterable[Line]) -> str:
    """Paragraphs of a section, one per line; lines wrapped by a PDF extraction are joined again.

    A line continues the previous one unless the previous one ends a sentence, or is a short heading,
    or the line itself starts with a numbering such as （一） / 一是 / 1.
    """
    paras: list[str] = []
    for ln in lines:
        t = _MD_MARKS.sub("", ln.raw).replace("**", "").strip()
        if not t:
            continue
        if paras and not paras[-1].endswith(_PARA_END) and not _PARA_START.match(t) and not _is_heading_like(paras[-1]):
            paras[-1] += t
        else:
            paras.append(t)
    return "\n".join(paras)


def _is_heading_like(text: str) -> bool:
    return len(text) <= 25 and bool(_PARA_START.match(text))


def _read_tables(
    report: Report, tables: dict[str, _Region], findings: list[Finding], optional: Mapping[int, Sequence[int]] | None = None
) -> list[assign.Assigned]:
    """Fill report.cells from the three table regions; returns what each assignment found."""
    fmt = report.table_format
    parts = []
    if optional is None:  # plain text: only its pipe tables have cells to tell blanks by
        table_lines = [ln for r in tables.values() for ln in r.table]
        # A pipe row has two pipes (`textcells._pipe_row`): a text without any has none.
        optional = textcells.pipe_optional_blanks(table_lines) if any("|" in ln.raw for ln in table_lines) else {}
    t2 = tables.get("t2")
    # Numbers the prose quotes about 表二's rows decide glued runs there (`gluedrows`); computed
    # only when a glued run asks for them.
    prose = functools.partial(gluedrows.quoted_numbers, "\n".join(report.sections.values()))
    parts.append(assign.assign_rows(_tokens(t2.table, optional) if t2 else [], assign.t2_specs(fmt), table="表二", quoted=prose))
    t3 = tables.get("t3")
    parts.append(assign.assign_rows(_tokens(t3.table, optional) if t3 else [], assign.t3_specs(fmt), table="表三", sum_groups=[(0, 7)]))
    t4 = tables.get("t4")
    parts.append(assign.assign_t4(_tokens(t4.table, optional) if t4 else []))
    for (name, label), p in zip((("t2", "表二"), ("t3", "表三"), ("t4", "表四")), parts):
        region = tables.get(name)
        if region is not None and region.dropped:
            findings.append(
                Finding(
                    "read.table_overflow",
                    "error",
                    [],
                    f"{label}区域超过 {MAX_TABLE_LINES} 行（多出 {region.dropped} 行未读）；不像一张年度报告表格，请检查文件",
                )
            )
        report.cells.update(p.cells)
        findings.extend(p.findings)
    # Keep the contract's printed order regardless of the order rows were found in.
    report.cells = {k: report.cells[k] for k in K.cell_keys(fmt) if k in report.cells}
    report.extra["tables_found"] = [name for name, p in zip(("t2", "t3", "t4"), parts) if p.rows_found]
    return parts


def _check_truncation(report: Report, heads: dict[str, int], parts: list[assign.Assigned], name: str) -> None:
    """A text that stops inside Table 三 or 四 is truncated, not a report with blank cells."""
    if "problems" in heads or "other" in heads:
        return
    t3, t4 = parts[1], parts[2]
    n3 = len(K.t3_rows(report.table_format))
    if t3.rows_found and t3.last_row < n3 - 1 and not t4.rows_found:
        raise TruncatedInput(f"{name}: text ends inside Table 三 (last row read: {t3.last_row + 1} of {n3}); the file looks truncated")
    vals = sum(1 for k, c in report.cells.items() if k.startswith("t4.") and c.semantic != "empty")
    if t4.rows_found and vals < 15 and any(f.rule == "read.row_incomplete" and f.cells and f.cells[0].startswith("t4.") for f in report.findings):
        raise TruncatedInput(f"{name}: text ends inside Table 四; the file looks truncated")
