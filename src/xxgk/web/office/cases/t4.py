"""表四 counted from the office's appeal cases (domain.md §2.6, §4.3), for the appeals page's
summary. (The annual report's 表四 comes from `xxgk.office.compile`.)

Conventions: a case decided in the year counts under its result (upheld, corrected, other); a case
filed by 31 December and not decided on 31 December counts as pending (尚未审结) — whatever year it
was filed, so a case open across two year ends is pending in both (domain.md §9 q5, as the
published tables do); `total` = upheld + corrected + other + pending (§4.1 rule 4).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

KINDS = ("review", "litigation_direct", "litigation_after_review")
COLUMNS = ("upheld", "corrected", "other", "pending", "total")


def t4_counts(cases: Iterable[Any], year: int) -> dict[str, dict[str, int]]:
    """{kind: {upheld, corrected, other, pending, total}}; `cases` have kind, result, filed_on,
    decided_on (None while pending)."""
    out = {k: dict.fromkeys(COLUMNS, 0) for k in KINDS}
    end = dt.date(year, 12, 31)
    for c in cases:
        if c.kind not in out:
            continue
        row = out[c.kind]
        decided = c.decided_on if c.result != "pending" else None
        if decided is not None and decided.year == year:
            row[c.result] += 1
            row["total"] += 1
        elif c.filed_on <= end and (decided is None or decided > end):
            row["pending"] += 1
            row["total"] += 1
    return out


def t4_cells(cases: Iterable[Any], year: int) -> dict[str, int]:
    """The 15 cells keyed as the contract (`t4.review.upheld`, …)."""
    return {f"t4.{k}.{c}": n for k, row in t4_counts(cases, year).items() for c, n in row.items()}
