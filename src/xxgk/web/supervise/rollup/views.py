"""Roll-up (汇总): a node's reports of a year summed cell by cell by level of the agencies below it
and in total, compared with the node's own report when it has one.

    /rollup/                     the user's node (a whole-store user: the roots)
    /rollup/<code>/?year=2024    one node-year; &basis=total|children|<level> what the own report is
                                 compared with; &show=<group> whose tables are drawn;
                                 &export=csv|xlsx&table=levels|cells|diff; &part=cells: the
                                 every-cell table alone (an htmx fragment)
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xxgk.report import keys as K
from xxgk.report.checks import cell_label
from xxgk.store.models import FEE_KEYS, FIGURE_KEYS

from ...core import tabular
from ...core.scope import scoped
from . import charts, sums
from .cached import cached, generation
from .common import ancestors, node_of, report_url, shown, year_of

#: The figures of the per-level summary (and its export): contract keys.
HEADLINE = [
    "t3.new_received.total", "t3.carried_over.total", "t3.results_total.total", "t3.granted.total",
    "t3.partially_granted.total", "t3.carried_forward.total", "t4.review.total", "t4.litigation_direct.total",
    "t4.litigation_after_review.total", "t2.admin_fees_wan_yuan",
]
_FEE_LABELS = {"extra.fees.notices": "信息处理费 收费通知件数", "extra.fees.notice_amount_yuan": "信息处理费 通知金额（元）",
               "extra.fees.collected_yuan": "信息处理费 实际收取（元）"}


def label(key: str) -> str:
    """A cell as printed: 表三「予以公开」「总计」."""
    return _FEE_LABELS.get(key) or cell_label(key)


@scoped
def index(request: HttpRequest) -> HttpResponse:
    """The user's node; a whole-store user picks a top-level agency."""
    node = node_of(request)
    if node is not None:
        return redirect("rollup", code=node.code)
    roots = request.scope.agencies().filter(parent__isnull=True).order_by("path")  # type: ignore[attr-defined]
    return render(request, "supervise/rollup/index.html", {"roots": roots})


@scoped
def rollup(request: HttpRequest, code: str) -> HttpResponse:
    scope = request.scope  # type: ignore[attr-defined]
    node = node_of(request, code)
    gen = generation()
    under = scope.reports().filter(agency__path__startswith=node.path, active__isnull=False)
    years = cached("rollup-years", (node.pk,), lambda: sums.years(under), gen)
    year = year_of(request, years)
    below = under.filter(year=year).exclude(agency=node) if year is not None else under.none()
    s = sums.node_sums(below, node, year, _("Direct subordinates"), _("All below"), gen)
    groups = [s.total, *s.levels, s.children]
    own = (scope.reports().filter(agency=node, year=year, active__isnull=False)
           .select_related("active").first()) if year is not None else None
    own_values = sums.own_values(own) if own is not None else None
    basis_id = request.GET.get("basis", "total")
    basis = s.group(basis_id) or s.total
    keys = sums.keys_of(own.active.format) if own is not None else _present_keys(groups)
    diffs = sums.compare(own_values, basis.values, keys) if own_values is not None else []
    fmt = request.GET.get("export")
    if fmt:
        return _export(request, fmt, node, year, groups, own_values, basis, diffs, keys)
    cells = _cell_rows(groups, own_values, basis, keys) if request.GET.get("part") == "cells" else None
    if cells is not None and request.headers.get("HX-Request"):  # the every-cell table, loaded when opened
        return render(request, "supervise/rollup/cells.html", {"groups": groups, "own": own, "cells": cells})
    show = s.group(request.GET.get("show", "total")) or s.total
    ctx = {
        "node": node, "year": year, "years": years, "crumbs": ancestors(scope, node),
        "children": scope.agencies().filter(parent=node).order_by("path"),
        "groups": groups, "levels": s.levels, "total": s.total, "show": show, "basis": basis,
        "own": own, "own_url": report_url(own.pk if own else None), "diffs": _diff_rows(diffs),
        "compared": len(keys) if own_values is not None else 0,
        "summary": _summary_rows(groups, own_values),
        "headline": [(k, label(k)) for k in HEADLINE],
        "t3": _t3_grid(show), "t2": _t2_rows(show), "t4": _t4_grid(show), "fees": _fee_rows(show),
        "inexact": sorted(s.total.inexact.items()), "cells": cells,
        "chart_years": _chart_years(under.exclude(agency=node), node, gen),
        "chart_mix": _chart_mix(s.levels),
    }
    return render(request, "supervise/rollup/rollup.html", ctx)


def _present_keys(groups: list[sums.Group]) -> list[str]:
    return [k for k in FIGURE_KEYS if any(g.values.get(k) is not None for g in groups)]


def _summary_rows(groups: list[sums.Group], own: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    for g in groups:
        rows.append({"group": g.id, "label": g.label, "reports": g.reports,
                     "formats": "，".join(f"{f} {n}" for f, n in sorted(g.formats.items())),
                     "values": [shown(g.values.get(k)) for k in HEADLINE],
                     **{k: shown(g.values.get(k)) for k in HEADLINE}})
    if own is not None:
        rows.append({"group": "own", "label": _("Own report"), "reports": 1, "formats": "",
                     "values": [shown(own.get(k)) for k in HEADLINE], **{k: shown(own.get(k)) for k in HEADLINE}})
    return rows


def _cell_rows(groups: list[sums.Group], own: dict[str, Any] | None, basis: sums.Group,
               keys: Any) -> list[dict[str, Any]]:
    """Every cell: each group's sum, the own report's value and its difference from the basis."""
    wanted = set(keys) | set(_present_keys(groups))
    rows = []
    for k in FIGURE_KEYS:
        if k not in wanted:
            continue
        row: dict[str, Any] = {"key": k, "label": label(k), "sums": [shown(g.values.get(k)) for g in groups]}
        row |= {g.id: shown(g.values.get(k)) for g in groups}
        if own is not None:
            a, b = own.get(k), basis.values.get(k)
            row["own"] = shown(a)
            row["difference"] = shown((a or 0) - (b or 0)) if (a is not None or b is not None) else None
        rows.append(row)
    return rows


def _diff_rows(diffs: list[sums.Difference]) -> list[dict[str, Any]]:
    return [{"key": d.key, "label": label(d.key), "own": shown(d.own), "summed": shown(d.summed),
             "difference": shown(d.difference)} for d in diffs]


def _t3_grid(g: sums.Group) -> dict[str, Any]:
    rows = list(K.T3_ROWS_2021)
    if any(g.values.get(f"t3.other_processing.{c}") is not None for c in K.T3_COLUMNS):
        at = [k for k, _l in rows].index("other_no_correction")
        rows.insert(at, ("other_processing", "（六）其他处理（2019 年格式）"))
    return {"columns": [K.T3_COLUMN_LABELS[c] for c in K.T3_COLUMNS],
            "rows": [(f"t3.{r}", lab, [shown(g.values.get(f"t3.{r}.{c}")) for c in K.T3_COLUMNS]) for r, lab in rows]}


def _t4_grid(g: sums.Group) -> dict[str, Any]:
    return {"columns": [K.T4_COLUMN_LABELS[c] for c in K.T4_COLUMNS],
            "rows": [(f"t4.{b}", K.T4_BLOCK_LABELS[b], [shown(g.values.get(f"t4.{b}.{c}")) for c in K.T4_COLUMNS])
                     for b in K.T4_BLOCKS]}


def _t2_rows(g: sums.Group) -> list[tuple[str, str, Any]]:
    keys = K.t2_keys("2021") + tuple(k for k in K.t2_keys("2019") if g.values.get(k) is not None)
    return [(k, label(k), shown(g.values.get(k))) for k in keys]


def _fee_rows(g: sums.Group) -> list[tuple[str, str, Any]]:
    return [(k, label(k), shown(g.values.get(k))) for k in FEE_KEYS]


def _chart_years(reports: Any, node: Any, gen: str) -> dict[str, Any] | None:
    """Applications received per year, stacked by level of the agencies below."""
    def compute() -> dict[tuple[int, str], dict[str, Any]]:
        sums.ready(reports, ("rollup-below", node.pk), gen)
        return sums.by_year(reports, ["t3.new_received.total"])

    data = cached("rollup-years-chart", (node.pk,), compute, gen)
    if not data:
        return None
    years = sorted({y for y, _lv in data})
    levels = [lv for lv in sums.LEVEL_ORDER if any(lv == x for _y, x in data)]
    series = [(sums.LEVEL_NAMES[lv], [(data.get((y, lv)) or {}).get("t3.new_received.total") or 0 for y in years])
              for lv in levels]
    return charts.bars(_("Applications received per year, by level"), years, series, stacked=True)


def _chart_mix(levels: list[sums.Group]) -> dict[str, Any] | None:
    """How each level's applications ended (share of 三（七）总计)."""
    if not levels:
        return None
    from .ranks import _DENIED, _NOT_PROCESSED, _OTHER, _UNABLE

    parts = [(_("Granted"), ["granted"]), (_("Partially granted"), ["partially_granted"]), (_("Refused"), _DENIED),
             (_("Unable to provide"), _UNABLE), (_("Not processed"), _NOT_PROCESSED), (_("Other handling"), _OTHER)]
    per_level = [charts.percents([sum(g.values.get(f"t3.{r}.total") or 0 for r in rows) for _n, rows in parts])
                 for g in levels]
    series = [(name, [p[i] for p in per_level]) for i, (name, _rows) in enumerate(parts)]
    return charts.bars(_("Outcomes by level (% of applications handled)"), [g.label for g in levels], series,
                       stacked=True, percent=True, horizontal=True)


def _export(request: HttpRequest, fmt: str, node: Any, year: int | None, groups: list[sums.Group],
            own: dict[str, Any] | None, basis: sums.Group, diffs: list[sums.Difference], keys: Any) -> HttpResponse:
    table = request.GET.get("table", "cells")
    stem = f"rollup-{node.code}-{year}-{table}"
    if table == "levels":
        cols = [("group", _("Group")), ("label", _("Agency group")), ("reports", _("Reports")),
                ("formats", _("Formats"))] + [(k, label(k)) for k in HEADLINE]
        return tabular.download(_summary_rows(groups, own), cols, stem, fmt)
    if table == "diff":
        cols = [("key", _("Cell key")), ("label", _("Cell")), ("own", _("Own report")), ("summed", basis.label),
                ("difference", _("Difference"))]
        return tabular.download(_diff_rows(diffs), cols, stem, fmt)
    cols = [("key", _("Cell key")), ("label", _("Cell"))] + [(g.id, g.label) for g in groups]
    if own is not None:
        cols += [("own", _("Own report")), ("difference", _("Difference"))]
    return tabular.download(_cell_rows(groups, own, basis, keys), cols, stem, fmt)
