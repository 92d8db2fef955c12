"""Page chrome and flip-books: what a page prints around the report, and sheets that hold two pages.

Removed from the text lines (ruled tables are read before): page numbers ("- 3 -", "第3页",
"第 3 页 共 9 页", "3/12") in the top or bottom 6% of a page, and running titles: a line in the top or
bottom 10%, set apart from the body (a line's height or more away, or a header's or footer's rule
between), whose text (digits aside) recurs at the same height on another page; never a line with a
value in it (a table row).

A landscape page with an empty vertical gutter near its middle (no character, no rule; at least 6% of
the width) is a flip-book sheet: two logical pages side by side, read left half then right half."""

from __future__ import annotations

import math
import re

from ...report.values import is_value_token, normalize
from .lines import BOTTOM, TEXT, TOP, line_height, line_text, split_pieces
from .objects import Char, Page

__all__ = ["drop_margins", "gutter", "halves"]

_PAGE_NO = re.compile(r"^(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4}|\d{1,4})$")


# -- margins: page numbers and running titles ----------------------------------------------------------


def _in_margin(line: list[Char], height: float, share: float) -> bool:
    """The line lies in the top or bottom `share` of the page."""
    return max(map(BOTTOM, line)) <= share * height or min(map(TOP, line)) >= (1 - share) * height


def _margin_key(line: list[Char]) -> tuple[str, int] | None:
    """(text with digits as '#', height bucket) of a margin line that could be a running title: not a
    table row (no piece of it is a value)."""
    pieces = split_pieces(line)
    if len(pieces) > 1 and any(is_value_token(line_text(p)) for p in pieces):
        return None
    text = re.sub(r"\d+", "#", normalize("".join(map(TEXT, line))))
    return text, round(min(map(TOP, line)) / 4)


def drop_margins(pages: list[Page]) -> None:
    """Remove page numbers and running titles from every page's lines (see the module docstring)."""
    keys: list[dict[int, tuple[str, int] | None]] = []
    seen: dict[tuple[str, int], set[int]] = {}
    for p, page in enumerate(pages):
        margin = {k: None for k, line in enumerate(page.lines) if _in_margin(line, page.height, 0.10)}
        for k in margin:
            key = _margin_key(page.lines[k]) if _set_apart(page, k) else None
            margin[k] = key
            if key is not None:
                seen.setdefault(key, set()).add(p)
        keys.append(margin)
    for page, margin in zip(pages, keys):
        drop = {k for k, key in margin.items() if _running(key, seen) or _is_page_number(page.lines[k], page.height)}
        if drop:
            page.lines = [line for k, line in enumerate(page.lines) if k not in drop]


def _running(key: tuple[str, int] | None, seen: dict[tuple[str, int], set[int]]) -> bool:
    """Recurring at the same height on two pages or more, with a letter in it (not only numbers)."""
    return key is not None and len(seen[key]) >= 2 and re.search(r"[^#\W]", key[0]) is not None


def _set_apart(page: Page, k: int) -> bool:
    """A margin line stands apart from the body: a line's height or more from its neighbours, or a
    horizontal rule (a header's or footer's border, ≥ 30% of the page wide) between it and them. A
    table's header repeated at the top of each page does neither."""
    lines = page.lines
    line = lines[k]
    h = line_height(line)
    top, bottom = min(map(TOP, line)), max(map(BOTTOM, line))
    above = max(c.bottom for c in lines[k - 1]) if k > 0 else -math.inf
    below = min(c.top for c in lines[k + 1]) if k + 1 < len(lines) else math.inf
    if min(top - above, below - bottom) >= h:
        return True
    lo, hi = (bottom, below) if top < page.height / 2 else (above, top)
    return any(r.horizontal and r.a1 - r.a0 >= 0.3 * page.width and lo - 1 <= r.at <= hi + 1 for r in page.rules)


def _is_page_number(line: list[Char], height: float) -> bool:
    return _in_margin(line, height, 0.06) and bool(_PAGE_NO.match(line_text(line).strip()))


# -- flip-book sheets ------------------------------------------------------------------------------


def gutter(page: Page) -> float | None:
    """The x of a flip-book sheet's gutter: an empty vertical band (no character, no rule) at least 6%
    of the width wide, centred within the middle fifth of a landscape page, with text on both sides."""
    if page.width <= page.height * 1.05 or len(page.chars) < 20:
        return None
    spans = [(c.x0, c.x1) for c in page.chars]
    spans += [(r.a0, r.a1) if r.horizontal else (r.at - 0.5, r.at + 0.5) for r in page.rules]
    spans.sort()
    reach = spans[0][1]
    best: tuple[float, float] | None = None
    for a, b in spans[1:]:
        if a > reach:
            mid = (a + reach) / 2
            if a - reach >= 0.06 * page.width and 0.4 * page.width <= mid <= 0.6 * page.width and (best is None or a - reach > best[1] - best[0]):
                best = (reach, a)
        reach = max(reach, b)
    if best is None:
        return None
    x = (best[0] + best[1]) / 2
    left = sum(1 for c in page.chars if c.cx < x)
    if min(left, len(page.chars) - left) < 0.05 * len(page.chars):
        return None
    return x


def halves(page: Page) -> list[Page]:
    """The page, or its two logical pages (left, right) when it is a flip-book sheet."""
    x = gutter(page)
    if x is None:
        return [page]
    out = []
    for side in (lambda v: v < x, lambda v: v >= x):
        chars = [c for c in page.chars if side(c.cx)]
        rules = [r for r in page.rules if side((r.a0 + r.a1) / 2 if r.horizontal else r.at)]
        out.append(Page(page.number, chars, rules, page.width, page.height, page.image_area, page.objects))
    return out
