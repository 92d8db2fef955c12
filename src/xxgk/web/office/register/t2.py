"""The 10 cells of 表二 (domain.md §2.4) counted from the registers, for the office's own summary
page. (The year compilation, `xxgk.office.compile`, is the authority for the annual report; these
functions are small and pure so that the page and its tests need no database.)

Conventions: a document is *issued* in the year of `issued_on`, *repealed* in the year of
`repealed_on`, and *in force* at the end of the year (31 December) when issued on or before that
day and not repealed on or before it. Decision counts and fees sum their periods of the year; the
fee is an exact Decimal in 万元.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

DOCUMENT_KINDS = ("regulations", "normative_documents")
DECISION_KINDS = ("licensing", "penalty", "compulsion")


def in_force_on(issued_on: dt.date, repealed_on: dt.date | None, day: dt.date) -> bool:
    """In force on `day`: issued by then and not yet repealed (repealed on `day` is no longer in force)."""
    return issued_on <= day and (repealed_on is None or repealed_on > day)


def t2_documents(docs: Iterable[Any], year: int) -> dict[str, dict[str, int]]:
    """{kind: {issued, repealed, in_force}} for both kinds; `docs` have kind, issued_on, repealed_on."""
    out = {k: {"issued": 0, "repealed": 0, "in_force": 0} for k in DOCUMENT_KINDS}
    end = dt.date(year, 12, 31)
    for d in docs:
        if d.kind not in out:
            continue
        cell = out[d.kind]
        if d.issued_on.year == year:
            cell["issued"] += 1
        if d.repealed_on is not None and d.repealed_on.year == year:
            cell["repealed"] += 1
        if in_force_on(d.issued_on, d.repealed_on, end):
            cell["in_force"] += 1
    return out


def t2_cells(docs: Iterable[Any], decisions: Iterable[Any], fees: Iterable[Any], year: int) -> dict[str, Any]:
    """The 10 cells keyed as the contract (`t2.regulations.issued`, …, `t2.admin_fees_wan_yuan`);
    decisions have year, kind, count; fees year, amount_wan_yuan (Decimal). Rows of other years
    are ignored."""
    cells: dict[str, Any] = {}
    for kind, counts in t2_documents(docs, year).items():
        for col, n in counts.items():
            cells[f"t2.{kind}.{col}"] = n
    for kind in DECISION_KINDS:
        cells[f"t2.{kind}"] = 0
    for d in decisions:
        if d.year == year and d.kind in DECISION_KINDS:
            cells[f"t2.{d.kind}"] += d.count
    total = Decimal(0)
    for f in fees:
        if f.year == year:
            if not isinstance(f.amount_wan_yuan, Decimal):
                raise TypeError("fee amounts must be Decimal")
            total += f.amount_wan_yuan
    cells["t2.admin_fees_wan_yuan"] = total
    return cells
