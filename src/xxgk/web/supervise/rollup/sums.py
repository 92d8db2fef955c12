"""A node's reports of a year summed cell by cell, by level of the agencies below it, in the
database (`store.Figures`: one SUM per cell column, exact integers; decimals held as millionths).

The result of a node-year is cached (`cached.py`), so a province's page is summed once per change
of the store, not per view.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, QuerySet, Sum

from xxgk.report import keys as K
from xxgk.store import figures
from xxgk.store.models import DECIMAL_FIGURES, FEE_KEYS, FIGURE_KEYS, LEVELS, figure_column

from .cached import cached

LEVEL_NAMES = dict(LEVELS)
LEVEL_ORDER = [k for k, _ in LEVELS]
_COLUMNS = [figure_column(k) for k in FIGURE_KEYS]


def keys_of(fmt: str) -> tuple[str, ...]:
    """The cell keys a report of `fmt` holds (both formats' for an unknown one), fees last."""
    if fmt in ("2021", "2019"):
        return K.cell_keys(fmt) + FEE_KEYS
    return FIGURE_KEYS


@dataclass
class Group:
    """The sums of one group of reports: `values` key → int | Decimal | None (no report had it)."""

    id: str
    label: str
    reports: int = 0
    values: dict[str, Any] = field(default_factory=dict)
    #: key → how many of the group's reports hold a value there that could not be summed exactly.
    inexact: dict[str, int] = field(default_factory=dict)
    formats: dict[str, int] = field(default_factory=dict)


def _value(total: Any, key: str) -> Any:
    if total is None:
        return None
    return figures.value(int(total), key)


def _aggregate(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    return {r.pop("grp"): r for r in rows}


def ensure_figures(reports: QuerySet[Any]) -> int:
    """Fill `Figures` for the active versions of `reports` that have none (corrections, versions
    made before the table existed). Returns how many were filled."""
    missing = list(reports.filter(active__isnull=False, active__figures__isnull=True)
                   .values_list("active_id", flat=True))
    return figures.fill(missing) if missing else 0


def ready(reports: QuerySet[Any], key: tuple[Any, ...], gen: str | None = None) -> None:
    """`ensure_figures(reports)` once per generation of the store (`key` names the queryset):
    the anti-join costs as much as a sum on a province."""
    cached("figures-ready", key, lambda: ensure_figures(reports) + 1, gen)


def _sum_by(reports: QuerySet[Any], group: str | None) -> dict[str, dict[str, Any]]:
    """SUM of every figure column of `reports`' active versions, per value of `group` (one row
    "all" when None), with the number of reports and of those with figures."""
    aggs: dict[str, Any] = {f"s_{c}": Sum(f"active__figures__{c}") for c in _COLUMNS}
    aggs |= {"n": Count("id"), "filled": Count("active__figures")}
    if group is None:
        row = reports.aggregate(**aggs)
        return {"all": row}
    rows = reports.values(grp=F(group)).annotate(**aggs).order_by()
    return _aggregate(rows)


def _group(gid: str, label: str, row: dict[str, Any] | None) -> Group:
    g = Group(gid, label)
    if row is None:
        return g
    g.reports = row.get("n") or 0
    g.values = {k: _value(row.get(f"s_{figure_column(k)}"), k) for k in FIGURE_KEYS}
    return g


def _details(reports: QuerySet[Any], groups: dict[str, Group], group: str | None) -> None:
    """Formats per group, and the values that could not be summed (rare: read once per group)."""
    fields = ["active__format"] + ([group] if group else [])
    for row in reports.values(*fields).annotate(c=Count("id")).order_by():
        g = groups.get(row[group] if group else "all")
        if g is not None:
            g.formats[row["active__format"]] = row["c"]
    odd = reports.exclude(active__figures__inexact=[]).exclude(active__figures__isnull=True)
    for row in odd.values_list("active__figures__inexact", *([group] if group else [])):
        g = groups.get(row[1] if group else "all")
        if g is not None:
            for key in row[0] or []:
                g.inexact[key] = g.inexact.get(key, 0) + 1


def add(groups: Iterable[Group], gid: str, label: str) -> Group:
    """The cell-by-cell sum of groups (None + None stays None: no report had the cell)."""
    out = Group(gid, label)
    for g in groups:
        out.reports += g.reports
        for k in FIGURE_KEYS:
            v = g.values.get(k)
            if v is not None:
                out.values[k] = (out.values.get(k) or (Decimal(0) if k in DECIMAL_FIGURES else 0)) + v
        for k, n in g.inexact.items():
            out.inexact[k] = out.inexact.get(k, 0) + n
        for f, n in g.formats.items():
            out.formats[f] = out.formats.get(f, 0) + n
    for k in FIGURE_KEYS:
        out.values.setdefault(k, None)
    return out


@dataclass
class Sums:
    """A node-year: one group per level below the node (in `LEVELS` order), the direct children,
    and the total of everything below."""

    levels: list[Group]
    children: Group
    total: Group

    def group(self, gid: str) -> Group | None:
        if gid == "total":
            return self.total
        if gid == "children":
            return self.children
        return next((g for g in self.levels if g.id == gid), None)


def node_sums(below: QuerySet[Any], node: Any, year: int | None, children_label: str, total_label: str,
              gen: str | None = None) -> Sums:
    """The sums of `below` (the active reports of `year` under `node`, the node's own excluded)."""
    out = cached("rollup", (node.pk, year), lambda: _node_sums(below, node), gen)
    out.children.label, out.total.label = children_label, total_label
    return out


def _node_sums(below: QuerySet[Any], node: Any) -> Sums:
    by_level = _sum_by(below, "agency__level")
    if any((r.get("filled") or 0) < (r.get("n") or 0) for r in by_level.values()):
        ensure_figures(below)
        by_level = _sum_by(below, "agency__level")
    levels = [_group(lv, LEVEL_NAMES[lv], by_level[lv]) for lv in LEVEL_ORDER if lv in by_level]
    groups = {g.id: g for g in levels}
    _details(below, groups, "agency__level")
    kids = below.filter(agency__parent=node)
    children = _group("children", "", _sum_by(kids, None)["all"])
    _details(kids, {"all": children}, None)
    return Sums(levels, children, add(levels, "total", ""))


def own_values(report: Any) -> dict[str, Any]:
    """The cells of one report's active version, as `Group.values`."""
    from xxgk.store.models import Figures

    fig = Figures.objects.filter(version_id=report.active_id).first()
    if fig is None:
        figures.fill([report.active_id])
        fig = Figures.objects.filter(version_id=report.active_id).first()
    return {k: (figures.value(getattr(fig, figure_column(k)), k) if fig else None) for k in FIGURE_KEYS}


@dataclass
class Difference:
    key: str
    own: Any
    summed: Any
    difference: Any


def compare(own: dict[str, Any], summed: dict[str, Any], keys: Iterable[str]) -> list[Difference]:
    """Cells where the node's own report differs from the sum (a blank counts as 0)."""
    out = []
    for k in keys:
        a, b = own.get(k), summed.get(k)
        if a is None and b is None:
            continue
        zero = Decimal(0) if k in DECIMAL_FIGURES else 0
        d = (a if a is not None else zero) - (b if b is not None else zero)
        if d != 0:
            out.append(Difference(k, a, b, d))
    return out


def years(reports: QuerySet[Any]) -> list[int]:
    """Years with at least one active report, newest first."""
    return sorted({y for y in reports.filter(active__isnull=False, year__isnull=False)
                   .values_list("year", flat=True).distinct().order_by()}, reverse=True)


def by_year(reports: QuerySet[Any], keys: Iterable[str]) -> dict[tuple[int, str], dict[str, Any]]:
    """(year, level) → {"reports": n, key: sum} for a few keys over every year (the charts)."""
    keys = list(keys)
    aggs = {f"s_{figure_column(k)}": Sum(f"active__figures__{figure_column(k)}") for k in keys}
    out: dict[tuple[int, str], dict[str, Any]] = {}
    for row in (reports.filter(active__isnull=False, year__isnull=False)
                .values("year", "agency__level").annotate(n=Count("id"), **aggs).order_by()):
        out[(row["year"], row["agency__level"])] = {"reports": row["n"]} | {
            k: _value(row[f"s_{figure_column(k)}"], k) for k in keys}
    return out
