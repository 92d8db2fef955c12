"""Cell value semantics (domain.md §5): raw text → (value, semantic).

A raw cell is never coerced: `/` is `na`, a blank is `empty`, prose is `text`; only digits become
numbers. Readers decide *which* text belongs to a cell; this module decides what that text means.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from decimal import Decimal, InvalidOperation
from typing import Literal

Semantic = Literal["number", "zero", "empty", "na", "text"]
Value = int | str | None  # int for counts, decimal string for money, None otherwise

NA_FORMS = frozenset({"/", "-", "—", "--", "——", "－", "不适用", "N/A", "n/a", "NA"})
ZERO_WORDS = frozenset({"零", "〇"})
_UNITS = ("万元", "元", "件", "笔", "个", "项", "条", "次")
#: Most digits a cell may have and still be a number. No count or amount in a report comes near (the
#: largest real counts have 6 digits, a glued 2021 表三 row is at most ~35); a longer run is not a
#: number anyone printed, so it stays `text` (value.not_a_number). Also keeps int() below Python's
#: 4,300-digit conversion limit, whose ValueError a 5,000-digit run used to raise (fuzz, issue 13).
MAX_DIGITS = 100
_NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_WS_RE = re.compile(r"\s+")


#: Full-width ASCII (U+FF01–U+FF5E) and the ideographic space, mapped as NFKC maps them.
_FULLWIDTH = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"\u3000": " "})
#: Runs of the characters `_FULLWIDTH` maps: Chinese prose has a few short ones (a '，' or '（' every
#: ~20 characters), so mapping only them beats `str.translate` over every character (15 µs against
#: 24 for the ~1 KB of prose a report's checks normalise; a plain table's miss costs a raised and
#: cleared KeyError per character).
_FULLWIDTH_RUN = re.compile("[\uff01-\uff5e\u3000]+")


def _map_fullwidth(m: re.Match[str]) -> str:
    return m[0].translate(_FULLWIDTH)


def nfkc(text: str) -> str:
    """NFKC, faster on Chinese text: its compatibility characters are nearly all full-width ASCII
    ('（', '：', '１'), which a translation table maps (0.25 ms for a 4 KB crawler line against NFKC's
    0.58); NFKC runs only when something else is left. Same result: the table applies NFKC's own
    singleton mappings, and NFKC of the rest is unchanged by them (tests/report/test_values.py).
    Text already in NFKC (a quick check, no copy) is returned as it is."""
    if unicodedata.is_normalized("NFKC", text):
        return text
    t = _FULLWIDTH_RUN.sub(_map_fullwidth, text)
    return t if unicodedata.is_normalized("NFKC", t) else unicodedata.normalize("NFKC", t)


def normalize(text: str) -> str:
    """NFKC plus removal of all whitespace: the form in which labels are compared (domain.md §6)."""
    if len(text) <= 64:
        return _normalize_short(text)
    return _WS_RE.sub("", nfkc(text))


@lru_cache(maxsize=8192)
def _normalize_short(text: str) -> str:
    # Cell texts repeat endlessly ('0', '总计'); caching them is most of the reader's speed.
    return _WS_RE.sub("", unicodedata.normalize("NFKC", text))


def strip_unit(text: str) -> str:
    for unit in _UNITS:
        if text.endswith(unit) and len(text) > len(unit):
            return text[: -len(unit)]
    return text


def numeric_text(raw: str) -> str | None:
    """The canonical numeric string of `raw` ('1,234件' → '1234'), or None if it is not a number."""
    t = strip_unit(normalize(raw).replace("，", ","))
    if not _NUMBER_RE.match(t):
        return None
    return t.replace(",", "")


@lru_cache(maxsize=8192)
def is_value_token(raw: str) -> bool:
    """True if `raw` can stand alone as a table cell value (number, zero word or n/a mark)."""
    t = normalize(raw)
    return bool(t) and (numeric_text(t) is not None or t in NA_FORMS or t in ZERO_WORDS)


def parse_value(raw: str, *, decimal: bool = False, signed: bool = False) -> tuple[Value, Semantic]:
    """Interpret a cell's raw text.

    `decimal` cells (the fee in 万元) keep the printed precision as a decimal string; others must be
    integers. A count printed with a fraction or a sign where none is allowed stays `text` so that the
    checks report it instead of the reader silently rounding it.
    """
    return read_value(raw, decimal, signed)


@lru_cache(maxsize=8192)
def read_value(raw: str, decimal: bool, signed: bool) -> tuple[Value, Semantic]:
    """`parse_value` with positional flags: the cache's key is built faster without keywords, and
    every cell of every reader comes through here (`Cell.from_raw`)."""
    t = normalize(raw)
    if not t:
        return None, "empty"
    if t in NA_FORMS:
        return None, "na"
    if t in ZERO_WORDS:
        return ("0" if decimal else 0), "zero"
    num = numeric_text(t)
    if num is None or len(num) > MAX_DIGITS + 2:  # + sign and decimal point
        return None, "text"
    if num[0] in "+-" and not signed:
        # A negative count is reported by the checks, so keep it as a number but only if signed.
        if num[0] == "+":
            num = num[1:]
        else:
            return None, "text"
    if decimal:
        try:
            d = Decimal(num)
        except InvalidOperation:  # pragma: no cover - the regex admits only valid decimals
            return None, "text"
        return num.lstrip("+"), ("zero" if d == 0 else "number")
    if "." in num:
        d = Decimal(num)
        if d != d.to_integral_value():
            return None, "text"
        num = str(int(d))
    n = int(num)
    return n, ("zero" if n == 0 else "number")
