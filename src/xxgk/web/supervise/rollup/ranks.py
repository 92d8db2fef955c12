"""Rankings of the agencies under a node in a year: by quality (errors, warnings, lateness, 雷同 and
the store's other signals) and by workload (applications received, outcome mix).

`rows()` reads every agency-year of the node once (one query for the reports and their figures, one
for the store's signals counted per report and rule), the result is cached per generation of the
store (`cached.py`), and sorting and paging happen on that list: a province's 10,000 rows sort in a
few ms, where the database's GROUP BY of findings per report took ~0.4 s per view. Columns are
(alias, export key, label): the alias is the row's key, the export key the contract's name
(report-json.md) or, for a sum of rows, the rows' common pattern (`t3.denied_*.total`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from xxgk.report import keys as K
from xxgk.store.models import figure_column
from xxgk.store.quality.thresholds import DEADLINE_UNKNOWN_LEVEL, DEADLINES

LATE = "quality.late"
NEAR_DUPLICATE = "quality.narrative_duplicate"
DUPLICATE = "store.duplicate_report"
MISSING = "quality.missing"


@dataclass(frozen=True)
class Column:
    alias: str
    key: str
    label: Any
    #: The SQL expression of a column read from the database (None: computed in Python).
    expr: Callable[[], Any] | None = None
    share: bool = False


def _cell(key: str) -> Any:
    return F(f"active__figures__{figure_column(key)}")


def _rows_sum(rows: list[str]) -> Any:
    parts = [Coalesce(_cell(f"t3.{r}.total"), Value(0)) for r in rows]
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


_DENIED = [r for r in K.t3_rows("2021") if r.startswith("denied_")]
_UNABLE = [r for r in K.t3_rows("2021") if r.startswith("unable_")]
_NOT_PROCESSED = [r for r in K.t3_rows("2021") if r.startswith("not_processed_")]
_OTHER = ["other_no_correction", "other_fee_unpaid", "other_other", "other_processing"]

QUALITY: list[Column] = [
    Column("q_errors", "errors", _("Errors"), lambda: F("active__errors")),
    Column("q_warnings", "warnings", _("Warnings"), lambda: F("active__warnings")),
    Column("q_late", LATE, _("Late")),
    Column("q_near_duplicate", NEAR_DUPLICATE, _("Near-duplicate")),
    Column("q_duplicate", DUPLICATE, _("Duplicate report")),
    Column("q_signals", "signals", _("Store signals")),
]
#: The quality columns counted from the store's signals, by rule (None: every signal).
_SIGNALS = {"q_late": LATE, "q_near_duplicate": NEAR_DUPLICATE, "q_duplicate": DUPLICATE, "q_signals": None}

_OUTCOMES: list[tuple[str, str, Any, Callable[[], Any]]] = [
    ("w_granted", "t3.granted.total", _("Granted"), lambda: Coalesce(_cell("t3.granted.total"), Value(0))),
    ("w_partially", "t3.partially_granted.total", _("Partially granted"),
     lambda: Coalesce(_cell("t3.partially_granted.total"), Value(0))),
    ("w_denied", "t3.denied_*.total", _("Refused"), lambda: _rows_sum(_DENIED)),
    ("w_unable", "t3.unable_*.total", _("Unable to provide"), lambda: _rows_sum(_UNABLE)),
    ("w_not_held", "t3.unable_not_held.total", _("Not held"), lambda: Coalesce(_cell("t3.unable_not_held.total"), Value(0))),
    ("w_not_processed", "t3.not_processed_*.total", _("Not processed"), lambda: _rows_sum(_NOT_PROCESSED)),
    ("w_other", "t3.other_*.total", _("Other handling"), lambda: _rows_sum(_OTHER)),
]


WORKLOAD: list[Column] = [
    Column("w_received", "t3.new_received.total", _("Applications received"), lambda: _cell("t3.new_received.total")),
    Column("w_carried_over", "t3.carried_over.total", _("Carried over"), lambda: _cell("t3.carried_over.total")),
    Column("w_results", "t3.results_total.total", _("Handled in the year"), lambda: _cell("t3.results_total.total")),
    *[Column(a, k, lab, e) for a, k, lab, e in _OUTCOMES],
    *[Column(f"s_{a[2:]}", f"share.{k}", lab, share=True) for a, k, lab, _e in _OUTCOMES],
    Column("w_review", "t4.review.total", _("Administrative reviews"), lambda: _cell("t4.review.total")),
    Column("w_litigation", "t4.litigation_*.total", _("Lawsuits"),
           lambda: Coalesce(_cell("t4.litigation_direct.total"), Value(0))
           + Coalesce(_cell("t4.litigation_after_review.total"), Value(0))),
]

BY = {"quality": QUALITY, "workload": WORKLOAD}
DEFAULT_SORT = {"quality": ["q_errors", "q_warnings", "q_signals"], "workload": ["w_received"]}


_FIELDS = ("id", "year", "agency__code", "agency__name", "agency__level", "agency__path", "printed_agency",
           "active__published_on")


def rows(reports: QuerySet[Any], by: str) -> list[dict[str, Any]]:
    """Every report of `reports` (active, one year) with the columns of `by` (shares in %, to one
    decimal), in agency order."""
    reports = reports.filter(active__isnull=False)
    cols = BY[by]
    exprs = {c.alias: c.expr() for c in cols if c.expr is not None}
    out = list(reports.annotate(**exprs).values(*_FIELDS, *exprs).order_by("agency__path", "id"))
    if by == "quality":
        counts: dict[tuple[int, str], int] = {}
        for rid, rule, n in (reports.filter(active__findings__source="quality")
                             .values_list("id", "active__findings__rule").annotate(n=Count("active__findings__id"))
                             .order_by()):
            counts[(rid, rule)] = n
        totals: dict[int, int] = {}
        for (rid, _rule), n in counts.items():
            totals[rid] = totals.get(rid, 0) + n
        for r in out:
            for alias, rule in _SIGNALS.items():
                r[alias] = totals.get(r["id"], 0) if rule is None else counts.get((r["id"], rule), 0)
    else:
        for r in out:
            results = r["w_results"]
            for c in cols:
                if c.share:
                    part = r["w_" + c.alias[2:]]
                    r[c.alias] = round(100.0 * part / results, 1) if results else None
    return out


def ordered(rows: list[dict[str, Any]], by: str, sort: str | None) -> list[dict[str, Any]]:
    """`rows` best-ranked first (most errors, most applications) by `sort` (a column alias, else
    the default of `by`); blanks last, ties in agency order."""
    aliases = {c.alias for c in BY[by]}
    order = [sort] if sort in aliases else DEFAULT_SORT[by]

    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(x for a in order for x in (r[a] is None, -(r[a] or 0))) + (r["agency__path"] or "", r["id"])

    return sorted(rows, key=key)


def days_late(level: str | None, year: int | None, published_on: dt.date | None) -> int | None:
    """Days after the statutory date (`quality.thresholds.DEADLINES`), None when on time or unknown."""
    if year is None or published_on is None:
        return None
    month, day = DEADLINES.get(level or "", DEADLINE_UNKNOWN_LEVEL)
    days = (published_on - dt.date(year + 1, month, day)).days
    return days if days > 0 else None
