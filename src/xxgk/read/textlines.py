"""A text report's lines: residue removed (bookmarks, page numbers, markdown rules and marks), each
with its normal form (NFKC, whitespace removed), numbered as printed.

Split out of the text reader (`text.py`) with its optional C loop (`xxgk._speedups.text_lines`,
~200 lines a report, each normalised and built in C instead of by a Python call: 0.5 → 0.2 ms a
report); `lines_py` is the reference, tests/read/test_text_lines.py holds the two equal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..report.values import normalize

# Both patterns are matched on whitespace-free text so that no two quantifiers can compete for the
# same characters (a line of 3 million tabs must not backtrack).
_PAGE_NUMBER = re.compile(r"(?:[-—–－]\d{1,4}[-—–－]|第\d{1,4}页(?:[,，/]?共\d{1,4}页)?|\d{1,4}/\d{1,4})")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
_MD_SEPARATOR = re.compile(r"\|?:?-{3,}:?(?:\|:?-{3,}:?)*\|?")
MD_MARKS = re.compile(r"^\s*#{1,6}\s*|\*\*|__")


@dataclass
class Line:
    no: int  # 1-based line number in the decoded text
    raw: str  # with residue removed
    norm: str  # NFKC, markdown marks and whitespace removed
    #: Column of raw[0] in the printed line: a part of a one-line report (`text._unfold`) starts inside it.
    col0: int = 0
    #: A part of a printed line cut out by `text._unfold` (a whole report printed on one line).
    unfolded: bool = False

    @property
    def is_narrative(self) -> bool:
        """Prose, not a table row: has a full stop, or introduces what follows ('…情况如下：')."""
        return "。" in self.norm or (len(self.norm) > 8 and self.norm.endswith(":"))


#: The characters other than a digit (`\d`: any Unicode decimal digit, str.isdecimal) that a page
#: number (`_PAGE_NUMBER`) or a markdown rule (`_MD_SEPARATOR`) can start with: a line starting
#: otherwise is neither, without trying the two patterns on it.
_SKIP_FIRST = frozenset("-—–－第|:")


def lines(text: str) -> list[Line]:
    """The lines of `text` as `lines_py` makes them, by the C loop when it is built."""
    if _text_lines_c is not None:
        return _text_lines_c(text, Line, normalize, drop_bookmarks, is_rule_or_page_number, md_norm)
    return lines_py(text)


def drop_bookmarks(raw: str) -> str:
    return _BOOKMARK.sub("", raw)


def is_rule_or_page_number(norm: str) -> bool:
    return bool(_PAGE_NUMBER.fullmatch(norm) or _MD_SEPARATOR.fullmatch(norm))


def md_norm(raw: str) -> str:
    return normalize(MD_MARKS.sub("", raw))


def lines_py(text: str) -> list[Line]:
    """The lines of `text` (numbered from 1), residue removed, each with its normal form; the
    reference for the C loop (`xxgk._speedups.text_lines`)."""
    out = []
    for i, raw in enumerate(text.splitlines(), 1):
        if "[bookmark:" in raw:
            raw = _BOOKMARK.sub("", raw)
        norm = normalize(raw)
        if (len(norm) <= 80 and norm and (norm[0] in _SKIP_FIRST or norm[0].isdecimal())
                and (_PAGE_NUMBER.fullmatch(norm) or _MD_SEPARATOR.fullmatch(norm))):
            continue
        if norm.startswith("#") or "**" in norm or "__" in norm:
            norm = normalize(MD_MARKS.sub("", raw))
        out.append(Line(i, raw, norm))
    return out


try:  # optional, as the PDF reader's _pdfscan; an older build lacks text_lines
    from .._speedups import text_lines as _text_lines_c
except ImportError:  # pragma: no cover - built without a C compiler, or an older build
    _text_lines_c = None
