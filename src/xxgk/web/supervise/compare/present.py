"""A `Comparison` as plain data for display: the page, its PDF (the same template) and its DOCX
all draw this one dict, so the three never disagree on what a change looks like.

Plain dicts, lists and strings only: the dict is what the cache keeps (cheap to pickle), and a
template never calls into the domain objects. Two pieces of markup are built here rather than in
the template, because there are hundreds of them and Django's template engine took ~40 ms for the
page's 200 cells and narrative runs: a table's rows (`rows_html`, `cell_html`) and a side of a
narrative (`runs_html`). Both go through `format_html`/`escape`, which escape every text they are given (a
report's `<script>` stays text); nothing of a report is ever marked safe unescaped. The plain fields
stay beside them for the DOCX and the CSV.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from xxgk.report import keys as K
from xxgk.report.compare import CellChange, Comparison
from xxgk.report.finding import Finding
from xxgk.report.model import Cell, Report

#: The printed group rows of 表三 (both formats), shown as a header row above their first row.
_T3_GROUPS = {**K.T3_GROUPS_2019, **K.T3_GROUPS_2021}
#: Longest raw text shown in a table cell (an unreadable cell can hold a sentence).
_RAW_MAX = 16


def value_text(cell: Cell | None) -> str:
    """How one side of a cell is shown: its number, its printed mark, '空' for a blank, '—' when the
    report has no such cell."""
    if cell is None:
        return "—"
    if cell.semantic in ("number", "zero") and cell.value is not None:
        return str(cell.value)
    raw = cell.raw.strip()
    if not raw:
        return "空"
    return raw if len(raw) <= _RAW_MAX else raw[: _RAW_MAX - 1] + "…"


def delta_text(c: CellChange) -> str:
    """'+5', '-2', '+0.25'; '' when there is no difference to show."""
    if c.delta is None or c.status == "same":
        return ""
    if isinstance(c.delta, int):
        return f"{c.delta:+d}"
    d = Decimal(c.delta)
    return ("+" if d > 0 else "") + c.delta


def pct_text(c: CellChange) -> str:
    """The relative change ('+50%', '-100%'); '' without a ratio or for no change."""
    if c.ratio is None or c.status == "same":
        return ""
    return f"{(c.ratio - 1) * 100:+.0f}%"


def css(c: CellChange) -> str:
    out = [f"c-{c.status}"]
    if c.raw_changed and c.status == "none":
        out.append("c-raw")
    if c.outlier:
        out.append("c-outlier")
    return " ".join(out)


def cell_view(c: CellChange) -> dict[str, Any]:
    v = {
        "key": c.key, "label": c.label, "a": value_text(c.a), "b": value_text(c.b),
        "delta": delta_text(c), "pct": pct_text(c), "css": css(c), "status": c.status, "changed": c.changed,
        "outlier": c.outlier, "a_raw": c.a.raw if c.a else None, "b_raw": c.b.raw if c.b else None,
        "a_value": c.a_value, "b_value": c.b_value, "delta_value": c.delta, "ratio": c.ratio,
    }
    v["html"] = cell_html(v)
    return v


def cell_html(v: dict[str, Any]) -> SafeString:
    """<td> of one cell: the later value, the earlier one (when different), the change. Every text
    is escaped by format_html."""
    parts = [format_html('<span class="vb">{}</span>', v["b"])]
    if v["status"] != "same":
        parts.append(format_html('<span class="va">{}</span>', v["a"]))
    if v["delta"]:
        pct = f" ({v['pct']})" if v["pct"] else ""
        parts.append(format_html('<span class="dl">{}{}</span>', v["delta"], pct))
    # The parts are format_html's output: escaped already, so joining them keeps them safe.
    return format_html('<td class="num cell {}" data-key="{}" title="{}">{}</td>', v["css"], v["key"], v["label"],
                       mark_safe("".join(parts)))


_TAGS = {"delete": "del", "insert": "ins", "moved": "mark"}


def runs_html(runs: list[tuple[str, str]]) -> SafeString:
    """One side of a narrative: each run's text escaped, changed runs in <del>/<ins>/<mark>."""
    out = []
    for kind, text in runs:
        tag = _TAGS.get(kind)
        out.append(f"<{tag}>{escape(text)}</{tag}>" if tag else str(escape(text)))
    return mark_safe("".join(out))  # every text above went through escape()


def _findings(fs: list[Finding]) -> list[dict[str, Any]]:
    return [{"severity": f.severity, "rule": f.rule, "message": f.message} for f in fs]


def _side(r: Report, fs: list[Finding]) -> dict[str, Any]:
    errors = sum(1 for f in fs if f.severity == "error")
    return {
        "agency": r.agency or "", "year": r.year, "format": r.format, "source": str(r.source.get("name") or ""),
        "published_on": r.published_on or "", "findings": _findings(fs), "errors": errors, "warnings": len(fs) - errors,
    }


def _percent(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.0f}%"


def _tables(c: Comparison) -> list[dict[str, Any]]:
    out = []
    for t in c.tables:
        rows: list[dict[str, Any]] = []
        for r in t.rows:
            if t.key == "t3" and r.key in _T3_GROUPS:
                rows.append({"kind": "group", "label": _T3_GROUPS[r.key]})
            rows.append({"kind": "row", "key": r.key, "label": r.label, "cells": [cell_view(x) for x in r.cells]})
        out.append({"key": t.key, "title": t.title, "columns": [label for _, label in t.columns], "rows": rows,
                    "body_html": rows_html(rows, len(t.columns))})
    return out


def rows_html(rows: list[dict[str, Any]], columns: int) -> SafeString:
    """The <tr>s of one table: group header rows and rows of cells (`cell_html`), labels escaped."""
    out = []
    for r in rows:
        if r["kind"] == "group":
            out.append(format_html('<tr class="grp"><th colspan="{}">{}</th></tr>', columns + 1, r["label"]))
        else:
            cells = mark_safe("".join(c["html"] for c in r["cells"]))  # each is cell_html's escaped output
            out.append(format_html("<tr><th>{}</th>{}</tr>", r["label"], cells))
    return mark_safe("\n".join(out))


def build(c: Comparison) -> dict[str, Any]:
    """The display data of a comparison (see the module docstring)."""
    carry = [
        {"label": r.label, "key": r.key, "actual": "—" if r.actual is None else r.actual,
         "expected": "—" if r.expected is None else r.expected, "ok": r.ok}
        for r in c.carry
    ]
    sections = [
        {
            "key": s.key, "title": s.title, "reuse": _percent(s.diff.reuse), "changed": s.diff.changed,
            "deleted": s.diff.deleted_chars, "inserted": s.diff.inserted_chars,
            "left": [(r.kind, r.text) for r in s.diff.left()], "right": [(r.kind, r.text) for r in s.diff.right()],
        }
        for s in c.sections
    ]
    for s in sections:
        s["left_html"], s["right_html"] = runs_html(s["left"]), runs_html(s["right"])
    return {
        "a": _side(c.a, c.findings_a), "b": _side(c.b, c.findings_b), "consecutive": c.consecutive,
        "counts": c.counts(), "tables": _tables(c),
        "changed": [cell_view(x) for x in c.cells if x.changed],
        "carry": carry, "carry_broken": sum(1 for r in c.carry if r.ok is False),
        "cross_year": _findings(c.cross_year), "sections": sections, "reuse": _percent(c.reuse),
    }
