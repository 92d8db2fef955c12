"""Characters into lines, lines into pieces, and their text and boxes: the layout steps every other
module of the reader starts from."""

from __future__ import annotations

import operator

from .objects import Char
from .tolerances import PIECE_GAP, WORD_SPACE

_BY_CY_X0 = operator.attrgetter("cy", "x0")
_BY_X0 = operator.attrgetter("x0")
# min/max over a line's characters by map(attrgetter): half the cost of a generator expression.
X0, X1, TOP, BOTTOM, SIZE, TEXT = (operator.attrgetter(a) for a in ("x0", "x1", "top", "bottom", "size", "text"))


def group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters grouped into lines (vertical overlap with the line's band), each sorted by x, in
    reading order."""
    out: list[list[Char]] = []
    top = bottom = 0.0
    for ch in sorted(chars, key=_BY_CY_X0):
        if out:
            ct, cb = ch.top, ch.bottom
            h = bottom - top if bottom - top < cb - ct else cb - ct
            overlap = (bottom if bottom < cb else cb) - (top if top > ct else ct)
            if overlap > 0.5 * h:
                out[-1].append(ch)  # the band stays the first character's: no drift down the page
                continue
        out.append([ch])
        top, bottom = ch.top, ch.bottom
    for line in out:
        if len(line) > 1:
            line.sort(key=_BY_X0)
    return out


def split_pieces(line: list[Char]) -> list[list[Char]]:
    """Split a line where the gap is over `PIECE_GAP` × the characters' height (the font size PDFium
    reports is unreliable for Type 3 fonts; the box height is what the eye sees)."""
    out: list[list[Char]] = [[line[0]]]
    for prev, ch in zip(line, line[1:]):
        h = max(prev.bottom - prev.top, ch.bottom - ch.top, 1.0)
        if ch.x0 - prev.x1 > PIECE_GAP * h:
            out.append([ch])
        else:
            out[-1].append(ch)
    return out


def line_text(line: list[Char]) -> str:
    """A line's text: a space where the gap is a word space (over `WORD_SPACE` × the font size)."""
    if len(line) == 1:
        return line[0].text
    parts = [line[0].text]
    prev = line[0]
    for ch in line[1:]:
        size = prev.size if prev.size > ch.size else ch.size
        if ch.x0 - prev.x1 > WORD_SPACE * (size if size > 1.0 else 1.0):
            parts.append(" ")
        parts.append(ch.text)
        prev = ch
    return "".join(parts)


def bbox_of(chars: list[Char]) -> list[float]:
    """[x0, top, x1, bottom] around the characters, rounded to 0.01 pt (a cell's `where`)."""
    x0, top, x1, bottom = chars[0].x0, chars[0].top, chars[0].x1, chars[0].bottom
    for c in chars:
        if c.x0 < x0:
            x0 = c.x0
        if c.top < top:
            top = c.top
        if c.x1 > x1:
            x1 = c.x1
        if c.bottom > bottom:
            bottom = c.bottom
    return [round(x0, 2), round(top, 2), round(x1, 2), round(bottom, 2)]


def line_height(line: list[Char]) -> float:
    return max(map(BOTTOM, line)) - min(map(TOP, line))


def is_cjk(ch: str) -> bool:
    """At or above U+2E80: CJK text, joined without a space when lines are joined."""
    return ord(ch) >= 0x2E80


def cell_text(chars: list[Char]) -> str:
    """The text of a box's characters (a ruled cell's): line by line, each left to right; or, when
    most of them are turned sideways (a cell whose text direction is turned: Word's 'rotate text'),
    column by column, as the turned text reads: bottom to top with columns left to right when turned
    counter-clockwise, top to bottom with columns right to left when turned clockwise. Read line by
    line, a label turned counter-clockwise came out backwards."""
    if len(chars) == 1:
        return chars[0].text
    ccw = sum(1 for c in chars if c.turn == 1)
    cw = sum(1 for c in chars if c.turn == 3)
    if 2 * (ccw + cw) <= len(chars):
        return "".join(line_text(line) for line in group_lines(chars))
    up = ccw > cw
    columns: list[list[Char]] = []
    right = -1e9
    for ch in sorted(chars, key=_BY_CX):
        if columns and ch.x0 < right - 0.5:
            columns[-1].append(ch)
            right = max(right, ch.x1)
        else:
            columns.append([ch])
            right = ch.x1
    if not up:
        columns.reverse()
    return "".join(c.text for col in columns for c in sorted(col, key=_BY_CY, reverse=up))


_BY_CX = operator.attrgetter("cx")
_BY_CY = operator.attrgetter("cy")
