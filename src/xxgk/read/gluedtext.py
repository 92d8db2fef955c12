"""Find the numbers inside crawler text where labels and cells are glued together.

A portal page's text (HTML innerText) prints a table row as `1.属于国家秘密00000002.其他法律…`: the
label, the row's cells without separators, and the next row's numbering (`2.`) directly after them.
This module cuts such a piece into label text and digit runs; which cells a run holds is decided
later, for the whole table at once (`glued`). Digits that belong to a label are left in it: a row
numbering (`1.`, `3、`, `(2)`), an article or year (`第20条`, `2022年`).
"""

from __future__ import annotations

import re

_DIGIT = re.compile(r"[0-9０-９]")
_RUN = re.compile(r"[+\-－]?[0-9０-９]+(?:[.．][0-9０-９]+)?")
#: Units printed after a number (report-json.md value semantics): kept with the number.
UNITS = ("万元", "元", "件", "笔", "个", "项", "条", "次")
_LABEL_BEFORE = frozenset("第(（［[<!_/#")
_LABEL_AFTER = frozenset("年月日号%％)）］]>_")
_NUMBERING_AFTER = frozenset(".．、")
#: Numbers glued into one whitespace-free piece: a whole report's tables hold about 60 runs (表二 6-8,
#: 表三 23-25, 表四 1-15); far more is not a table, and is left as text instead of cut into tokens.
MAX_RUNS = 1000


def has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


def is_glued_value(text: str) -> bool:
    """A standalone run that cannot be one number: `0000000`, `00` (a count never has a leading zero)."""
    return len(text) > 1 and text[0] in "0０" and text.isdigit()


def split_piece(piece: str) -> list[tuple[int, str, bool]] | None:
    """(offset, text, is a number) of the parts of `piece`, or None when no number is glued to
    label text in it, or more than MAX_RUNS numbers are (the piece stays as it is)."""
    out: list[tuple[int, str, bool]] = []
    last = 0
    found = False
    for m in _RUN.finditer(piece):
        s, e = m.span()
        text = m.group()
        before = piece[s - 1] if s else ""
        after = piece[e] if e < len(piece) else ""
        if (before and (before in _LABEL_BEFORE or before.isascii() and before.isalpha())) or after in _LABEL_AFTER or (after.isascii() and after.isalpha()):
            continue
        if after in _NUMBERING_AFTER and (e + 1 >= len(piece) or not _DIGIT.match(piece[e + 1])) and not _has_point(text):
            if len(text) == 1:
                continue  # a row numbering: `2.其他…`
            e -= 1  # the last digit is the next row's numbering: `10000016.属于…`
        else:
            for unit in UNITS:
                if piece.startswith(unit, e):
                    e += len(unit)
                    break
        if s > last:
            out.append((last, piece[last:s], False))
        out.append((s, piece[s:e], True))
        last = e
        found = True
        if len(out) > 2 * MAX_RUNS:
            return None
    if not found:
        return None
    if last < len(piece):
        out.append((last, piece[last:], False))
    return out


def _has_point(text: str) -> bool:
    return "." in text or "．" in text
