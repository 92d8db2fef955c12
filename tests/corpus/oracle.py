"""The oracle of printed documents: which glued cells a document decides, and how a reading scores.

A glued digit run (`713000074`) can be cut into a row's cells in several ways. `splits` lists every
cut that gives each cell a well-formed number (no leading zeros, a sign only on 本年增/减, a
fraction only on an amount) and, in Table 三 and 四, satisfies the row's own total; the cells all
cuts agree on are *decidable*: a reader must read them exactly. `score` compares a parsed report
with a `printed.Printed` document on that basis. Imports nothing from xxgk.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

#: Splits enumerated per glued row before a row counts as undecidable as a whole (a dense city
#: report's longest Table 三 row has < 2,000 candidate splits; the cap only bounds pathological runs).
MAX_SPLITS = 5000


_COUNT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"-?(0|[1-9]\d*)")
_DEC = re.compile(r"(0|[1-9]\d*)(\.\d{1,2})?")
_AMOUNT = re.compile(r"(0|[1-9]\d*)(\.\d+)?元?")
_LEADING_ZERO = re.compile(r"-?0\d")


def _pattern(key: str) -> re.Pattern[str]:
    if key.endswith(".change"):
        return _SIGNED
    if key.endswith("admin_fees_wan_yuan"):
        return _DEC
    if key.endswith("procurement.amount"):
        return _AMOUNT
    return _COUNT


def splits(run: str, keys: list[str], block: int | None) -> list[list[str]] | None:
    """Every way to cut `run` into len(keys) printed cells (None past MAX_SPLITS).

    With `block` = b, every b-th cell is the total of the b-1 before it (Table 三: 7, Table 四: 5):
    that cell is then forced, which keeps the search small.
    """
    pats = [_pattern(k) for k in keys]
    out: list[list[str]] = []

    def dfs(pos: int, i: int, acc: list[str]) -> bool:
        if i == len(keys):
            if pos == len(run):
                out.append(list(acc))
                if len(out) > MAX_SPLITS:
                    return False
            return True
        if block and (i + 1) % block == 0:
            total = str(sum(int(p) for p in acc[i + 1 - block : i]))
            if not run.startswith(total, pos):
                return True
            acc.append(total)
            ok = dfs(pos + len(total), i + 1, acc)
            acc.pop()
            return ok
        left = len(keys) - i - 1
        for end in range(pos + 1, len(run) - left + 1):
            part = run[pos:end]
            if _LEADING_ZERO.match(part):
                break  # no longer piece is a number either
            if not pats[i].fullmatch(part):
                continue
            acc.append(part)
            ok = dfs(end, i + 1, acc)
            acc.pop()
            if not ok:
                return False
        return True

    dfs(0, 0, [])
    return None if len(out) > MAX_SPLITS else out


def same_value(got: Any, want: Any) -> bool:
    """Equal as values: ints exactly, decimals as numbers (a printed unit such as 元 dropped)."""
    if want is None or got is None:
        return want is None and got is None
    if isinstance(want, str) or isinstance(got, str):
        try:
            return Decimal(re.sub(r"[元万笔件]+$", "", str(got))) == Decimal(re.sub(r"[元万笔件]+$", "", str(want)))
        except InvalidOperation:
            return str(got) == str(want)
    return got == want


@dataclass
class Score:
    right: int = 0
    flagged: int = 0  # wrong or missing, but named in an error finding (allowed where undecidable)
    wrong_flagged_decidable: int = 0  # named in an error finding although the row alone decides it
    wrong_silent: int = 0  # wrong with no error finding: never allowed
    format_ok: bool = True
    agency_ok: bool = True  # measured, not part of `exact` (metadata is issue 13 point 4)
    year_ok: bool = True
    bad: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.format_ok and self.wrong_silent == 0 and self.wrong_flagged_decidable == 0

    @property
    def cells(self) -> int:
        return self.right + self.flagged + self.wrong_flagged_decidable + self.wrong_silent


def score(doc: Any, got: Any) -> Score:
    """Compare a parsed report with the document's truth (the reader's error findings excuse only
    cells that the document cannot decide)."""
    s = Score(format_ok=got.format == doc.format, agency_ok=got.agency == doc.agency, year_ok=got.year == doc.year)
    flagged: set[str] = set()
    for f in got.check():
        if f.severity == "error":
            flagged.update(f.cells)
    for key, want in doc.expected.items():
        g = got.value(key)
        if same_value(g, want):
            s.right += 1
        elif key in flagged and key not in doc.decidable:
            s.flagged += 1
        elif key in flagged:
            s.wrong_flagged_decidable += 1
            s.bad.append(f"{key}: {g!r} != {want!r} (flagged; row label {_row_label_of(doc, key)!r})")
        else:
            s.wrong_silent += 1
            s.bad.append(f"{key}: {g!r} != {want!r} (silent; row label {_row_label_of(doc, key)!r})")
    if not s.format_ok:
        s.bad.insert(0, f"format {got.format!r} != {doc.format!r}")
    return s


def _row_label_of(doc: Any, key: str) -> str:
    cell = doc.truth.get(key)
    return cell.row_label if cell is not None else ""
