"""Rankings of the agencies under a node in a year: by quality (errors, warnings, lateness, 雷同 and
the store's other signals) and by workload (applications received, outcome mix).

Each is one annotated query over the node-year's reports, sorted and paged in the database, so a
page of a 100,000-report store reads 100 rows. Columns are (alias, export key, label): the alias
is the SQL annotation, the export key the contract's name (report-json.md) or, for a sum of rows,
the rows' common pattern (`t3.denied_*.total`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Cast, Coalesce, NullIf
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
    expr: Callable[[], Any]
    share: bool = False


def _cell(key: str) -> Any:
    return F(f"active__figures__{figure_column(key)}")


def _rows_sum(rows: list[str]) -> Any:
    parts = [Coalesce(_cell(f"t3.{r}.total"), Value(0)) for r in rows]
    out = parts[0]
    for p in parts[1:]:
        out = out + p
    return out


def _finding_count(rule: str | None) -> Any:
    cond = Q(active__findings__source="quality")
    if rule is not None:
        cond &= Q(active__findings__rule=rule)
    return Count("active__findings", filter=cond)


_DENIED = [r for r in K.t3_rows("2021") if r.startswith("denied_")]
_UNABLE = [r for r in K.t3_rows("2021") if r.startswith("unable_")]
_NOT_PROCESSED = [r for r in K.t3_rows("2021") if r.startswith("not_processed_")]
_OTHER = ["other_no_correction", "other_fee_unpaid", "other_other", "other_processing"]

QUALITY: list[Column] = [
    Column("q_errors", "errors", _("Errors"), lambda: F("active__errors")),
    Column("q_warnings", "warnings", _("Warnings"), lambda: F("active__warnings")),
    Column("q_late", LATE, _("Late"), lambda: _finding_count(LATE)),
    Column("q_near_duplicate", NEAR_DUPLICATE, _("Near-duplicate"), lambda: _finding_count(NEAR_DUPLICATE)),
    Column("q_duplicate", DUPLICATE, _("Duplicate report"), lambda: _finding_count(DUPLICATE)),
    Column("q_signals", "signals", _("Store signals"), lambda: _finding_count(None)),
]

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


def _share(alias: str) -> Callable[[], Any]:
    return lambda: Cast(F(alias), FloatField()) / NullIf(Cast(F("w_results"), FloatField()), Value(0.0))


WORKLOAD: list[Column] = [
    Column("w_received", "t3.new_received.total", _("Applications received"), lambda: _cell("t3.new_received.total")),
    Column("w_carried_over", "t3.carried_over.total", _("Carried over"), lambda: _cell("t3.carried_over.total")),
    Column("w_results", "t3.results_total.total", _("Handled in the year"), lambda: _cell("t3.results_total.total")),
    *[Column(a, k, lab, e) for a, k, lab, e in _OUTCOMES],
    *[Column(f"s_{a[2:]}", f"share.{k}", lab, _share(a), share=True) for a, k, lab, _e in _OUTCOMES],
    Column("w_review", "t4.review.total", _("Administrative reviews"), lambda: _cell("t4.review.total")),
    Column("w_litigation", "t4.litigation_*.total", _("Lawsuits"),
           lambda: Coalesce(_cell("t4.litigation_direct.total"), Value(0))
           + Coalesce(_cell("t4.litigation_after_review.total"), Value(0))),
]

BY = {"quality": QUALITY, "workload": WORKLOAD}
DEFAULT_SORT = {"quality": ["q_errors", "q_warnings", "q_signals"], "workload": ["w_received"]}


def ranked(reports: QuerySet[Any], by: str, sort: str | None) -> QuerySet[Any]:
    """`reports` (active, one year) annotated with the columns of `by` and ordered best-ranked
    first (most errors / most applications); ties by agency path."""
    cols = BY[by]
    qs = reports.filter(active__isnull=False)
    plain = {c.alias: c.expr() for c in cols if not c.share}
    qs = qs.annotate(**plain)
    shares = {c.alias: c.expr() for c in cols if c.share}
    if shares:
        qs = qs.annotate(**shares)
    aliases = {c.alias for c in cols}
    order = [sort] if sort in aliases else DEFAULT_SORT[by]
    return qs.order_by(*[F(a).desc(nulls_last=True) for a in order], "agency__path", "id")


def values(qs: QuerySet[Any], by: str) -> QuerySet[Any]:
    """The rows of a ranked queryset as dicts: agency, report, the columns' aliases."""
    return qs.values("id", "year", "agency__code", "agency__name", "agency__level", "agency__path",
                     "printed_agency", "active__published_on", *[c.alias for c in BY[by]])


def days_late(level: str | None, year: int | None, published_on: dt.date | None) -> int | None:
    """Days after the statutory date (`quality.thresholds.DEADLINES`), None when on time or unknown."""
    if year is None or published_on is None:
        return None
    month, day = DEADLINES.get(level or "", DEADLINE_UNKNOWN_LEVEL)
    days = (published_on - dt.date(year + 1, month, day)).days
    return days if days > 0 else None
