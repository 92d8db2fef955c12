"""ECharts options built in Python (data, never code): the template emits each with `json_script`
and static/xxgk/app.js draws it. Values are plain numbers (Decimals become floats only here, for
drawing; tables and exports keep them exact)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

PALETTE = ["#a4161a", "#1d4e89", "#1b7f3b", "#b26a00", "#6a4c93", "#00838f", "#5b6475", "#c2185b"]


def _num(v: Any) -> Any:
    if isinstance(v, Decimal):
        return float(v)
    return v


def bars(title: str, categories: Sequence[Any], series: Sequence[tuple[str, Sequence[Any]]], *,
         stacked: bool = False, percent: bool = False, horizontal: bool = False) -> dict[str, Any]:
    """A bar chart: one series per (name, values), over `categories`."""
    cat_axis = {"type": "category", "data": [str(c) for c in categories]}
    val_axis: dict[str, Any] = {"type": "value"}
    if percent:
        val_axis |= {"max": 100, "axisLabel": {"formatter": "{value}%"}}
    if horizontal:
        cat_axis["inverse"] = True
    out = {
        "color": PALETTE,
        "title": {"text": str(title), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": val_axis if horizontal else cat_axis,
        "yAxis": cat_axis if horizontal else val_axis,
        "series": [
            {"name": str(name), "type": "bar", **({"stack": "all"} if stacked else {}),
             "data": [_num(v) for v in values]}
            for name, values in series
        ],
    }
    return out


def lines(title: str, categories: Sequence[Any], series: Sequence[tuple[str, Sequence[Any]]]) -> dict[str, Any]:
    """A line chart: one line per (name, values), over `categories` (years)."""
    return {
        "color": PALETTE,
        "title": {"text": str(title), "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 24, "type": "scroll"},
        "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True},
        "xAxis": {"type": "category", "data": [str(c) for c in categories]},
        "yAxis": {"type": "value"},
        "series": [{"name": str(name), "type": "line", "data": [_num(v) for v in values]} for name, values in series],
    }


def percents(parts: Sequence[Any]) -> list[float]:
    """Each part as a percentage of their sum (0 when the sum is 0), to one decimal."""
    total = sum((p or 0) for p in parts)
    return [round(100.0 * float(p or 0) / float(total), 1) if total else 0.0 for p in parts]
