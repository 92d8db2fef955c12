"""Post-correction: a box that is almost a number (one stray symbol, O for 0, l for 1) is read as the
number, and a line starting "—、" as "一、"; the box says so in its `where` (`corrected_from`), so that a
finding can name the change."""

from __future__ import annotations

import re
from typing import Any

from .boxes import Box

_STRAY = "¥￥'\"‘’“”.,:;|`"
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_NUMBER_LIKE = re.compile(r"^[\dOolI|]+(?:\.[\dOolI|]+)?$")
_DIGIT_MAP = str.maketrans({"O": "0", "o": "0", "l": "1", "I": "1", "|": "1"})


#: A dash before the enumeration comma at the start of a line is the numeral 一 (the same stroke):
#: section one's heading "一、总体情况" was read "—、总体情况" in whole-report scans, and section 一 lost.
_DASH_ONE = re.compile(r"^[—–―\-－_](?=、)")


def correct(text: str) -> tuple[str, bool]:
    """(text, corrected?) — the numeric post-correction of the package docstring, and a leading
    "—、" read as "一、"."""
    t = text.strip()
    if _DASH_ONE.match(t):
        return _DASH_ONE.sub("一", t), True
    if _NUMBER.match(t) or len(t) > 16 or not t:
        return t, False
    s = t
    if len(s) > 1 and s[0] in _STRAY:
        s = s[1:]
    if len(s) > 1 and s[-1] in _STRAY:
        s = s[:-1]
    if not _NUMBER_LIKE.match(s):
        return t, False
    fixed = s.translate(_DIGIT_MAP)
    if _NUMBER.match(fixed) and any(ch.isdigit() for ch in s + ("0" if "O" in s or "o" in s else "")):
        return fixed, fixed != t
    return t, False


def cell_text(box: Box, page: int) -> tuple[str, dict[str, Any]]:
    """(text, where) of one box after the numeric post-correction."""
    text, corrected = correct(box.text)
    where: dict[str, Any] = {"page": page, "bbox": box.where["bbox"], "confidence": round(box.score, 4)}
    if corrected:
        where["corrected_from"] = box.text
    return text, where
