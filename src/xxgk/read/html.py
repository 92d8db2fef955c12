"""The HTML reader: a government web page (or a saved .html/.htm file) → Report.

The page is parsed with lxml (libxml2's HTML parser: comments and processing instructions dropped,
no network, default resource limits), reduced to the report's own content, and turned into blocks
(`xxgk.read.blocks`): one `Para` per line of text, one `Table` per data table. `blocks.parse_blocks`
does the rest, so labels, windows and checks are the text reader's.

Decoding: a BOM wins; else the `<meta charset=…>` / `http-equiv` declaration in the first 4 KB
(GB2312/GBK/CP936 are read as GB18030, their superset) if the bytes decode strictly with it; else the
text reader's detection (`source.decode`: UTF-8, then GB18030/GBK).

Page chrome: `<head>`, `<script>`, `<style>`, `<noscript>`, `<template>`, `<iframe>`, `<object>`,
`<embed>`, `<svg>`, `<select>` and comments are dropped everywhere. The report's container is then
chosen among the elements whose id or class contains one of `CONTAINER_HINTS` ("content", "article",
"zoom", "trs_editor", "main", "detail", case-insensitive): the smallest one (by text length) whose text
contains the report title — when the page has a title line "…YYYY年…公开工作…报告" that is not a link or
list item, the last such line before Table 三 — and a Table 三 marker ("勾稽" or "本年新收"); without
a title line, the smallest one containing "年度报告" or "第二十条" and a Table 三 marker. No such
container: the whole `<body>`. Inside the chosen content, `<nav>` and `<aside>` are dropped, and so are
`<header>`/`<footer>` unless they hold the title.

Blocks, in document order:

- Text: every block-level element (p, div, h1–h6, li, td of a layout table, …) starts and ends a
  line; `<br>` ends a line; inline elements (span, strong, a, font, …) stay within the line. Whitespace
  runs (`&nbsp;` and U+3000 included) collapse to one space. `Para.where` is
  `{"element": tag, "index": n}`: the tag of the innermost block element the line started in, and the
  0-based index of that line among the page's text lines (as emitted).
- Tables: a `<table>` with no `<table>` inside it is a data table and becomes one `Table` block.
  A `<table>` that holds another table is page layout (old gov.cn sites put the whole article in
  one cell): its cells are read as ordinary content, so the inner tables become their own `Table`
  blocks. A report table split over several `<table>` elements is just several `Table` blocks.
- Cells: the rows are the table's own `<tr>`s (directly, or in thead/tbody/tfoot), the cells their
  `<td>`/`<th>`s; a cell's text is its text with inner line breaks as spaces. A merged cell is
  emitted once, at its first row and column; positions it covers are absent from the row (the text
  reader's convention for flattened merged cells). An empty `<td>` is an empty `GridCell`.
  `GridCell.where` is `{"table": t, "row": r, "col": c}`: `t` the 0-based index of the `<table>`
  among all `<table>` elements of the page in document order (`doc.xpath("//table")[t]`, chrome
  included), `r` the index of the `<tr>` among that table's own rows, `c` the grid column, computed
  with an occupancy map of earlier rowspans and colspans (colspan capped at 1000, rowspan at the
  rows left in the table, as browsers do).

Limits: input over `MAX_HTML_BYTES` is refused before parsing (`InputTooLarge`); nesting deeper than
libxml2's 256 levels is refused (`InputError`); all walks are iterative and linear, and table grids
are limited to `MAX_GRID_CELLS` positions in total (`InputError` beyond), so a hostile page finishes in
bounded time and memory.
"""

from __future__ import annotations

import bisect
import codecs
import re
from typing import Any

from lxml import etree

from ..errors import EmptyInput, InputError, InputTooLarge, NotAReport
from ..report.model import Report
from . import blocks as B
from .source import decode

__all__ = ["parse_html", "looks_like_html", "MAX_HTML_BYTES", "MAX_GRID_CELLS", "CONTAINER_HINTS"]

#: Largest HTML page accepted (bytes, or characters for a str). A report page is ~100 KB.
MAX_HTML_BYTES = 20 * 1024 * 1024
#: Grid positions (merged cells counted by their area) over all tables of a page.
MAX_GRID_CELLS = 2_000_000
#: id/class substrings (lower case) that mark an article container.
CONTAINER_HINTS = ("content", "article", "zoom", "trs_editor", "main", "detail")

_MAX_COLSPAN = 1000
_HTML_HINTS = (b"<html", b"<!doctype html", b"<table", b"<body", b"<head", b"<meta ", b"<div", b"<p>")

#: Dropped with their content everywhere (the tail text after them is kept).
_DROP = ("head", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "select", "button")
#: Dropped inside the chosen content; header/footer only when they do not hold the title.
_CHROME = ("nav", "aside")
_HEADER_FOOTER = ("header", "footer")
_BLOCK = frozenset(
    "html body div p h1 h2 h3 h4 h5 h6 li ul ol dl dt dd section article main blockquote pre address center "
    "form fieldset legend table caption tr td th thead tbody tfoot hr figure figcaption header footer nav "
    "aside details summary title".split()
)
_LINK_LIKE = frozenset(("a", "li", "option", "nav", "aside"))
_WS = re.compile(r"\s+")
_TITLE = re.compile(r"^.{0,60}?(?:19|20)\d{2}年度?.{0,12}?公开工作(?:年度)?报告$")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,400}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]{2,40})""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_GB = frozenset(("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "gb18030", "euc-cn", "x-euc-cn", "csgb2312", "hz-gb-2312"))


def looks_like_html(data: bytes | str) -> bool:
    """True if the first 2 KB look like HTML markup (a tag the dispatcher can trust)."""
    head = data[:2048]
    if isinstance(head, str):
        head = head.encode("utf-8", "ignore")
    if head.startswith(codecs.BOM_UTF16_LE) or head.startswith(codecs.BOM_UTF16_BE):
        head = bytes(data[:4096]).decode("utf-16", "ignore").encode("utf-8", "ignore")[:2048]  # type: ignore[arg-type]
    low = head.lower()
    return any(h in low for h in _HTML_HINTS)


# -- decoding ----------------------------------------------------------------------------------


def _decode(data: bytes | str, name: str) -> tuple[str, str]:
    """(text, encoding used)."""
    if isinstance(data, str):
        if len(data) > MAX_HTML_BYTES:
            raise InputTooLarge(_too_large(len(data)))
        if not data.strip():
            raise EmptyInput("empty input (no HTML)")
        return data, "str"
    if len(data) > MAX_HTML_BYTES:
        raise InputTooLarge(_too_large(len(data)))
    if not data.strip():
        raise EmptyInput(f"empty input ({len(data)} bytes)")
    if data.startswith(codecs.BOM_UTF8) or data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        d = decode(data, name=name, max_bytes=MAX_HTML_BYTES)
        return d.text, d.encoding
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = m.group(1).decode("ascii").lower()
        enc = "gb18030" if declared in _GB else declared
        try:
            codecs.lookup(enc)
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if "\x00" not in text:
                return text, enc
    d = decode(data, name=name, max_bytes=MAX_HTML_BYTES)
    return d.text, d.encoding


def _too_large(size: int) -> str:
    return (
        f"HTML input is {size / 1048576:.1f} MiB, over the {MAX_HTML_BYTES / 1048576:.0f} MiB limit of the HTML reader; "
        "a report page is a few hundred KB: check that this is the right file"
    )


def _parse_tree(text: str) -> Any:
    # Plain etree elements (no lxml.html element classes): the same tree, cheaper to walk.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False, default_doctype=False
    )
    text = _XML_DECL.sub("", text, count=1)
    try:
        root = etree.fromstring(text.encode("utf-8", "replace"), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as e:
        raise InputError(f"cannot parse HTML: {e}") from None
    if root is None:
        raise NotAReport("no HTML content (no elements)")
    for err in parser.error_log:
        if err.type_name == "ERR_RESOURCE_LIMIT" or "Excessive depth" in err.message:
            raise InputError(
                f"HTML nested too deeply (over 256 levels, line {err.line}); not a report page, or a broken export"
            )
    return root


# -- container -------------------------------------------------------------------------------------


class _Offsets:
    """Whitespace-free text of the whole page, and each element's [start, end) in it."""

    def __init__(self, root: Any):
        pieces: list[str] = []
        pos = 0
        self.span: dict[Any, tuple[int, int]] = {}
        starts: dict[Any, int] = {}
        self.title_candidates: list[Any] = []
        link_depth = 0
        for ev, el in etree.iterwalk(root, events=("start", "end")):
            tag = el.tag if isinstance(el.tag, str) else ""
            if ev == "start":
                if tag in _LINK_LIKE:
                    link_depth += 1
                starts[el] = pos
                if el.text:
                    t = _WS.sub("", el.text)
                    pieces.append(t)
                    pos += len(t)
            else:
                if tag in _LINK_LIKE:
                    link_depth -= 1
                s = starts.pop(el)
                self.span[el] = (s, pos)
                if 8 <= pos - s <= 90 and link_depth == 0 and tag in _BLOCK | {"strong", "b", "span", "font"}:
                    self.title_candidates.append(el)
                if el.tail and el is not root:
                    t = _WS.sub("", el.tail)
                    pieces.append(t)
                    pos += len(t)
        self.text = "".join(pieces)

    def occurrences(self, *needles: str) -> list[int]:
        out: list[int] = []
        for n in needles:
            i = self.text.find(n)
            while i >= 0:
                out.append(i)
                i = self.text.find(n, i + 1)
        return sorted(out)

    @staticmethod
    def any_in(occ: list[int], start: int, end: int) -> bool:
        i = bisect.bisect_left(occ, start)
        return i < len(occ) and occ[i] < end


def _hinted(el: Any) -> bool:
    attrs = ((el.get("id") or "") + " " + (el.get("class") or "")).lower()
    return any(h in attrs for h in CONTAINER_HINTS)


def _choose_container(root: Any) -> tuple[Any, Any | None]:
    """(the element holding the report, the title element or None); see the module docstring."""
    body = root.find("body")
    if body is None:
        body = root
    off = _Offsets(body)
    t3 = off.occurrences("勾稽", "本年新收")
    first_t3 = t3[0] if t3 else len(off.text)
    # The latest title line before Table 三; of nested elements holding it, the innermost.
    title = None
    title_key: tuple[int, int] | None = None
    for el in off.title_candidates:
        s, e = off.span[el]
        if s <= first_t3 and _TITLE.match(off.text[s:e]) and (title_key is None or (s, s - e) > title_key):
            title, title_key = el, (s, s - e)
    head = off.occurrences("年度报告", "第二十条")
    best = None
    best_len = None
    for el in body.xpath(".//*[@id or @class]"):
        if not _hinted(el) or el not in off.span:
            continue
        s, e = off.span[el]
        if not off.any_in(t3, s, e):
            continue
        if title is not None:
            ts, te = off.span[title]
            if not (s <= ts and te <= e):
                continue
        elif not off.any_in(head, s, e):
            continue
        if best_len is None or e - s < best_len:
            best, best_len = el, e - s
    return (best if best is not None else body), title


def _drop(el: Any) -> None:
    """Remove `el` and its content, keeping the text after it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _strip(root: Any) -> None:
    for el in list(root.iter(*_DROP)):
        _drop(el)


def _strip_chrome(container: Any, title: Any | None) -> None:
    for el in list(container.iter(*_CHROME)):
        if el is not container:
            _drop(el)
    for el in list(container.iter(*_HEADER_FOOTER)):
        if el is container:
            continue
        if title is not None and (el is title or any(a is el for a in title.iterancestors())):
            continue
        _drop(el)


# -- blocks ------------------------------------------------------------------------------------------


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_GRID_CELLS

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise InputError(f"HTML tables too large (over {MAX_GRID_CELLS:,} grid cells); not a report page")


def _span(el: Any, attr: str, cap: int) -> int:
    v = el.get(attr)
    if not v:
        return 1
    m = re.match(r"\s*(\d{1,7})", v)
    if not m:
        return 1
    n = int(m.group(1))
    return 1 if n < 1 else min(n, cap)


def _cell_text(cell: Any) -> str:
    if not len(cell):
        return _WS.sub(" ", cell.text).strip() if cell.text else ""
    parts: list[str] = []
    for ev, el in etree.iterwalk(cell, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if ev == "start":
            if tag == "br" or (tag in _BLOCK and el is not cell):
                parts.append(" ")
            if el.text:
                parts.append(el.text)
        else:
            if tag in _BLOCK and el is not cell:
                parts.append(" ")
            if el.tail and el is not cell:
                parts.append(el.tail)
    return _WS.sub(" ", "".join(parts)).strip()


def _rows(table: Any) -> list[Any]:
    out = []
    for child in table:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            out.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            out.extend(c for c in child if c.tag == "tr")
    return out


def _table(table: Any, t: int, budget: _Budget) -> B.Table:
    rows = _rows(table)
    n = len(rows)
    occupied: dict[int, set[int]] = {}
    out: list[list[B.GridCell]] = []
    for r, tr in enumerate(rows):
        taken = occupied.pop(r, set())
        c = 0
        cells: list[B.GridCell] = []
        for td in tr:
            if td.tag not in ("td", "th"):
                continue
            while c in taken:
                c += 1
            cs = _span(td, "colspan", _MAX_COLSPAN)
            rs = _span(td, "rowspan", max(1, n - r))
            budget.spend(cs * rs)
            cells.append(B.GridCell(_cell_text(td), {"table": t, "row": r, "col": c}))
            for dr in range(1, rs):
                occupied.setdefault(r + dr, set()).update(range(c, c + cs))
            c += cs
        if cells:
            out.append(cells)
    return B.Table(out)


class _Builder:
    def __init__(self, table_index: dict[Any, int], nested: set[Any]):
        self.blocks: list[B.Block] = []
        self.line: list[str] = []
        self.line_tag: str | None = None
        self.paras = 0
        self.table_index = table_index
        self.nested = nested  # layout tables: hold another table
        self.budget = _Budget()

    def text(self, s: str | None, tag: str) -> None:
        if s:
            if self.line_tag is None and s.strip():
                self.line_tag = tag
            self.line.append(s)

    def flush(self) -> None:
        if self.line:
            t = _WS.sub(" ", "".join(self.line)).strip()
            if t:
                self.blocks.append(B.Para(t, {"element": self.line_tag or "text", "index": self.paras}))
                self.paras += 1
        self.line = []
        self.line_tag = None

    def walk(self, container: Any) -> list[B.Block]:
        blocks_stack: list[str] = []
        walker = etree.iterwalk(container, events=("start", "end"))
        for ev, el in walker:
            tag = el.tag if isinstance(el.tag, str) else ""
            if ev == "start":
                if tag == "table" and el not in self.nested:
                    self.flush()
                    # A <caption> names the table ("收到和处理政府信息公开申请情况"); it is neither a row
                    # nor part of the section's text, so it is not read.
                    self.blocks.append(_table(el, self.table_index[el], self.budget))
                    walker.skip_subtree()
                    blocks_stack.append(tag)  # its end event still comes: flush, pop, tail
                    continue
                if tag == "br":
                    self.flush()
                elif tag in _BLOCK:
                    self.flush()
                    blocks_stack.append(tag)
                self.text(el.text, blocks_stack[-1] if blocks_stack else tag or "text")
            else:
                if tag in _BLOCK:
                    self.flush()
                    if blocks_stack:
                        blocks_stack.pop()
                if el.tail and el is not container:
                    self.text(el.tail, blocks_stack[-1] if blocks_stack else "text")
        self.flush()
        return self.blocks


def html_blocks(data: bytes | str, *, name: str = "<html>") -> tuple[list[B.Block], str]:
    """The blocks of an HTML page (see the module docstring) and the encoding used."""
    text, encoding = _decode(data, name)
    root = _parse_tree(text)
    table_index: dict[Any, int] = {}
    nested: set[Any] = set()
    open_tables: list[Any] = []
    for ev, el in etree.iterwalk(root, events=("start", "end"), tag="table"):
        if ev == "start":
            table_index[el] = len(table_index)
            if open_tables:
                nested.add(open_tables[-1])
            open_tables.append(el)
        else:
            open_tables.pop()
            if el in nested and open_tables:
                nested.add(open_tables[-1])
    _strip(root)
    container, title = _choose_container(root)
    _strip_chrome(container, title)
    return _Builder(table_index, nested).walk(container), encoding


def parse_html(data: bytes | str, *, name: str = "<html>") -> Report:
    """Parse an HTML report page. Raises an `xxgk.InputError` subclass (InputTooLarge, EncodingError,
    NotAReport, TruncatedInput, …) when the page cannot be read as a report."""
    blocks, encoding = html_blocks(data, name=name)
    report = B.parse_blocks(blocks, name=name, kind="html")
    report.source = {**report.source, "name": name, "encoding": encoding}
    return report
