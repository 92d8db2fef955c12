"""The PDF reader for born-digital PDFs (a text layer): PDF bytes → Report.

PDFium (pypdfium2) gives each page's characters with their boxes and the page's path objects. A
table's ruling lines are the thin path objects (≤ 2 pt across); rules that touch form one table.
Its grid is the distinct rule positions; two neighbouring grid positions belong to one (merged) cell
when no rule segment separates them, and each cell is emitted once, at its first row and column, as
the HTML reader does. Its characters are the ones whose centre lies inside it, read line by line.
Everything outside tables is text: characters are grouped into lines (vertical overlap), lines into
word clusters (a gap over 1.2× the font size); a line with two or more clusters far apart (a table
without rules) becomes a one-row `Table`, any other line a `Para`. Page numbers ("- 3 -", "第3页",
"3/12") in the top or bottom 6% of a page are dropped. `blocks.parse_blocks` does the rest.

`where` for every cell and paragraph: `{"page": p, "bbox": [x0, top, x1, bottom]}`, p 1-based, in PDF
points with `top` measured from the top of the page (pdfplumber's convention); for a table cell the
bbox is the cell's ruled box.

Limits: over `MAX_PDF_BYTES` or `MAX_PAGES` → InputTooLarge; encrypted → InputError "encrypted PDF";
unreadable → InputError "not a valid PDF: …"; no characters on any page → InputError (a scan).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Report
from . import blocks as B

__all__ = ["parse_pdf", "pdf_blocks", "MAX_PDF_BYTES", "MAX_PAGES"]

MAX_PDF_BYTES = 100 * 1024 * 1024
MAX_PAGES = 2000
#: Characters read per page at most (a report page holds ~2,000).
MAX_CHARS_PER_PAGE = 200_000

_RULE = 2.0  # a path object at most this thick (pt) is a rule
_TOL = 1.5  # rule positions closer than this are one
_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})$")


@dataclass
class _Ch:
    c: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass
class _Rule:
    horizontal: bool
    a0: float  # along: x0 (h) or top (v)
    a1: float
    at: float  # across: y (h) or x (v)


# -- characters, lines ---------------------------------------------------------------------------


def _lines(chars: list[_Ch]) -> list[list[_Ch]]:
    """Characters grouped into lines (vertical overlap with the line's band), each sorted by x, in
    reading order."""
    out: list[list[_Ch]] = []
    bands: list[tuple[float, float]] = []
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if out:
            top, bottom = bands[-1]
            h = min(bottom - top, ch.bottom - ch.top)
            overlap = min(bottom, ch.bottom) - max(top, ch.top)
            if overlap > 0.5 * h:
                out[-1].append(ch)  # the band stays the first character's: no drift down the page
                continue
        out.append([ch])
        bands.append((ch.top, ch.bottom))
    for line in out:
        line.sort(key=lambda c: c.x0)
    return out


def _clusters(line: list[_Ch], factor: float) -> list[list[_Ch]]:
    """Split a line where the gap between characters is over `factor` × the font size."""
    out: list[list[_Ch]] = [[line[0]]]
    for prev, ch in zip(line, line[1:]):
        size = max(prev.size, ch.size, 1.0)
        if ch.x0 - prev.x1 > factor * size:
            out.append([ch])
        else:
            out[-1].append(ch)
    return out


def _text(line: list[_Ch]) -> str:
    """A line's text: a space where the gap is a word space (over 0.25× the font size)."""
    parts = [line[0].c]
    for prev, ch in zip(line, line[1:]):
        if ch.x0 - prev.x1 > 0.25 * max(prev.size, ch.size, 1.0):
            parts.append(" ")
        parts.append(ch.c)
    return "".join(parts)


def _bbox(chars: list[_Ch]) -> list[float]:
    return [round(min(c.x0 for c in chars), 2), round(min(c.top for c in chars), 2), round(max(c.x1 for c in chars), 2), round(max(c.bottom for c in chars), 2)]


# -- tables from rules -----------------------------------------------------------------------------


class _UF:
    def __init__(self, n: int):
        self.p = list(range(n))

    def find(self, i: int) -> int:
        while self.p[i] != i:
            self.p[i] = self.p[self.p[i]]
            i = self.p[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.p[max(ra, rb)] = min(ra, rb)


def _touch(r: _Rule, s: _Rule) -> bool:
    if r.horizontal == s.horizontal:
        return abs(r.at - s.at) <= _TOL and r.a0 <= s.a1 + _TOL and s.a0 <= r.a1 + _TOL
    h, v = (r, s) if r.horizontal else (s, r)
    return h.a0 - _TOL <= v.at <= h.a1 + _TOL and v.a0 - _TOL <= h.at <= v.a1 + _TOL


def _positions(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= _TOL:
            continue
        out.append(v)
    return out


def _covered(rules: list[_Rule], at: float, mid: float) -> bool:
    return any(abs(r.at - at) <= _TOL and r.a0 - _TOL <= mid <= r.a1 + _TOL for r in rules)


@dataclass
class _Grid:
    x0: float
    top: float
    x1: float
    bottom: float
    xs: list[float]
    ys: list[float]
    region: dict[tuple[int, int], tuple[int, int]]  # grid position → its cell's first position

    def cell_of(self, ch: _Ch) -> tuple[int, int] | None:
        i = bisect.bisect_right(self.ys, ch.cy) - 1
        j = bisect.bisect_right(self.xs, ch.cx) - 1
        if 0 <= i < len(self.ys) - 1 and 0 <= j < len(self.xs) - 1:
            return self.region[(i, j)]
        return None


def _grids(rules: list[_Rule]) -> list[_Grid]:
    n = len(rules)
    uf = _UF(n)
    order = sorted(range(n), key=lambda k: rules[k].at if rules[k].horizontal else rules[k].a0)
    # Bounded O(n²) on a page's rules (a report page has a few hundred).
    for a in range(n):
        for b in range(a + 1, n):
            if _touch(rules[order[a]], rules[order[b]]):
                uf.union(order[a], order[b])
    groups: dict[int, list[_Rule]] = {}
    for k in range(n):
        groups.setdefault(uf.find(k), []).append(rules[k])
    out: list[_Grid] = []
    for group in groups.values():
        hs = [r for r in group if r.horizontal]
        vs = [r for r in group if not r.horizontal]
        ys, xs = _positions([r.at for r in hs]), _positions([r.at for r in vs])
        if len(ys) < 2 or len(xs) < 2:
            continue
        rows, cols = len(ys) - 1, len(xs) - 1
        cuf = _UF(rows * cols)
        for i in range(rows):
            ymid = (ys[i] + ys[i + 1]) / 2
            for j in range(cols):
                xmid = (xs[j] + xs[j + 1]) / 2
                if j + 1 < cols and not _covered(vs, xs[j + 1], ymid):
                    cuf.union(i * cols + j, i * cols + j + 1)
                if i + 1 < rows and not _covered(hs, ys[i + 1], xmid):
                    cuf.union(i * cols + j, (i + 1) * cols + j)
        region = {}
        for i in range(rows):
            for j in range(cols):
                root = cuf.find(i * cols + j)
                region[(i, j)] = divmod(root, cols)
        out.append(_Grid(xs[0], ys[0], xs[-1], ys[-1], xs, ys, region))
    return out


def _table(grid: _Grid, chars: list[_Ch], page: int) -> B.Table:
    cols = len(grid.xs) - 1
    by_cell: dict[tuple[int, int], list[_Ch]] = {}
    for ch in chars:
        cell = grid.cell_of(ch)
        if cell is not None:
            by_cell.setdefault(cell, []).append(ch)
    # A merged cell's extent: the last grid position it covers.
    extent: dict[tuple[int, int], tuple[int, int]] = {}
    for pos, first in grid.region.items():
        e = extent.get(first, first)
        extent[first] = (max(e[0], pos[0]), max(e[1], pos[1]))
    rows: list[list[B.GridCell]] = []
    for i in range(len(grid.ys) - 1):
        row: list[B.GridCell] = []
        for j in range(cols):
            if grid.region[(i, j)] != (i, j):
                continue
            li, lj = extent[(i, j)]
            text = "".join(_text(line) for line in _lines(by_cell.get((i, j), [])))
            bbox = [round(grid.xs[j], 2), round(grid.ys[i], 2), round(grid.xs[lj + 1], 2), round(grid.ys[li + 1], 2)]
            row.append(B.GridCell(text, {"page": page, "bbox": bbox}))
        if row:
            rows.append(row)
    return B.Table(rows)


# -- pages -------------------------------------------------------------------------------------------


def _page_content(page: Any, pdfium_c: Any) -> tuple[list[_Ch], list[_Rule], float, float]:
    width, height = page.get_size()
    textpage = page.get_textpage()
    try:
        n = min(textpage.count_chars(), MAX_CHARS_PER_PAGE)
        chars: list[_Ch] = []
        for k in range(n):
            code = pdfium_c.FPDFText_GetUnicode(textpage.raw, k)
            if code == 0 or code == 0xFFFE or code == 0xFFFF:
                continue
            c = chr(code)
            if c.isspace() or c in "\u200b\ufeff" or (code < 0x20):
                continue
            left, bottom, right, top = textpage.get_charbox(k, loose=True)
            if right <= left and top <= bottom:
                continue
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, k) or (top - bottom)
            chars.append(_Ch(c, left, height - top, right, height - bottom, float(size)))
    finally:
        textpage.close()
    rules: list[_Rule] = []
    for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_PATH,), max_depth=4):
        left, bottom, right, top = obj.get_bounds()
        w, h = right - left, top - bottom
        if h <= _RULE and w > _RULE:
            rules.append(_Rule(True, left, right, height - (top + bottom) / 2))
        elif w <= _RULE and h > _RULE:
            rules.append(_Rule(False, height - top, height - bottom, (left + right) / 2))
        # Anything larger is a filled box or a drawing, not a rule.
        if len(rules) >= 50_000:
            break
    return chars, rules, width, height


def _page_blocks(chars: list[_Ch], rules: list[_Rule], height: float, page: int) -> list[tuple[float, B.Block]]:
    """(top, block) for the page's tables and lines."""
    out: list[tuple[float, B.Block]] = []
    grids = _grids(rules)
    rest: list[_Ch] = []
    inside: dict[int, list[_Ch]] = {}
    for ch in chars:
        for g, grid in enumerate(grids):
            if grid.x0 - _TOL <= ch.cx <= grid.x1 + _TOL and grid.top - _TOL <= ch.cy <= grid.bottom + _TOL:
                inside.setdefault(g, []).append(ch)
                break
        else:
            rest.append(ch)
    for g, grid in enumerate(grids):
        if g in inside:
            table = _table(grid, inside[g], page)
            if table.rows:
                out.append((grid.top, table))
    margin = 0.06 * height
    lines = _lines(rest)
    right = max((max(c.x1 for c in line) for line in lines), default=0.0)
    prev: tuple[B.Para, list[_Ch]] | None = None
    for line in lines:
        top, bottom = min(c.top for c in line), max(c.bottom for c in line)
        text = _text(line)
        if (bottom < margin or top > height - margin) and _PAGE_NO.match(text.strip()):
            continue
        clusters = _clusters(line, 1.2)
        if len(clusters) >= 2:
            row = [B.GridCell(_text(cl), {"page": page, "bbox": _bbox(cl)}) for cl in clusters]
            out.append((top, B.Table([row])))
        elif prev is not None and _continues(prev[1], line, right):
            para, last = prev
            para.text += ("" if _cjk(para.text[-1]) or _cjk(text[0]) else " ") + text
            para.where["bbox"] = _bbox(last + line)  # the paragraph's box so far
            prev = (para, last + line)
            continue
        else:
            para = B.Para(text, {"page": page, "bbox": _bbox(line)})
            out.append((top, para))
            prev = (para, line)
            continue
        prev = None
    out.sort(key=lambda tb: tb[0])
    return out


_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十]+\s*[）)]|第[一二三四五六七八九十]+[章部分条]|\d{1,2}\s*[、.．])")


def _cjk(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _continues(prev: list[_Ch], line: list[_Ch], right: float) -> bool:
    """True if `line` is the wrapped continuation of the paragraph whose last line is `prev`: that line
    runs to the right edge of the page's text, the font size is the same, the gap is under one line,
    and `line` does not start like a heading."""
    size = max(c.size for c in prev)
    if abs(max(c.size for c in line) - size) > 0.5:
        return False
    if max(c.x1 for c in prev) < right - 2.5 * size:
        return False
    if min(c.top for c in line) - max(c.bottom for c in prev) > 0.8 * size:
        return False
    text = "".join(c.c for c in line)
    return not _HEADING.match(text)


def _open(data: bytes) -> Any:
    import pypdfium2 as pdfium

    if len(data) > MAX_PDF_BYTES:
        raise InputTooLarge(
            f"PDF is {len(data) / 1048576:.1f} MiB, over the {MAX_PDF_BYTES / 1048576:.0f} MiB limit of the PDF reader; "
            "a report is a few MB: check that this is the right file"
        )
    if not data.lstrip()[:5].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError("not a valid PDF: no %PDF- header")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        msg = " ".join(str(e).split())
        if "password" in msg.lower():
            raise InputError("encrypted PDF: remove the password (e.g. qpdf --decrypt) and try again") from None
        raise InputError(f"not a valid PDF: {msg}") from None


def pdf_blocks(data: bytes) -> list[B.Block]:
    """The blocks of a born-digital PDF, in page and reading order (see the module docstring)."""
    import pypdfium2.raw as pdfium_c

    doc = _open(bytes(data))
    try:
        n = len(doc)
        if n > MAX_PAGES:
            raise InputTooLarge(f"PDF has {n} pages, over the {MAX_PAGES} page limit; a report has a few dozen")
        if n == 0:
            raise InputError("not a valid PDF: no pages")
        blocks: list[B.Block] = []
        any_text = False
        for p in range(n):
            page = doc[p]
            try:
                chars, rules, _w, height = _page_content(page, pdfium_c)
            except InputError:
                raise
            except Exception as e:  # a broken page object: pdfium's own errors
                raise InputError(f"not a valid PDF: page {p + 1} cannot be read ({type(e).__name__})") from None
            finally:
                page.close()
            any_text = any_text or bool(chars)
            blocks.extend(b for _, b in _page_blocks(chars, rules, height, p + 1))
        if not any_text:
            raise InputError("PDF has no text layer (a scan); OCR is not available yet")
        return blocks
    finally:
        doc.close()


def parse_pdf(data: bytes, *, name: str = "<pdf>") -> Report:
    """Parse a born-digital PDF report. Raises an `xxgk.InputError` subclass when it cannot be read."""
    blocks = pdf_blocks(data)
    report = B.parse_blocks(blocks, name=name, kind="pdf")
    report.source = {**report.source, "name": name}
    return report
