"""Findings for rows placed by alignment (`assign.group_rows`, `align`): each placement that is not an
exact label names the printed label and the row chosen (a warning); a run of values that cannot be
placed, or whose row cannot be known, is an error naming the rows it may belong to."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..report.model import Finding
from . import align
from .tokens import Token


class Row(align.RowLike, Protocol):
    """What a finding needs of a canonical row (`assign.RowSpec`): alignment's, and its numbering."""

    @property
    def numbering(self) -> str: ...


def _shown(text: str, limit: int = 30) -> str:
    """A printed label as a finding quotes it: its end, where the row's own label is."""
    return text if len(text) <= limit else "…" + text[-limit:]


def _row_of(key: str) -> str:
    """The row a cell key names: `t3.granted.total` → granted; a single-cell row (`t2.licensing`) is itself."""
    parts = key.split(".")
    return parts[1] if len(parts) > 1 else key


def _raws(toks: Sequence[Token]) -> str:
    return " ".join(t.raw.strip() or "（空）" for t in toks)


def findings(
    p: align.Placement, u: align.Unit, specs: Sequence[Row], table: str, placed: Sequence[align.Placement]
) -> list[Finding]:
    if p.how == "exact":
        return []
    vals = _raws(u.values)
    if p.how == "ambiguous":
        cells = candidate_cells(p, u, specs, placed)
        label = f"行标签「{_shown(u.printed)}」不像其中任何一行" if u.text else "没有行标签"
        rows = "、".join(dict.fromkeys(f"「{_row_of(c)}」" for c in cells))
        return [
            Finding(
                "read.row_ambiguous",
                "error",
                cells,
                f"{table}有一行数值（{vals}）{label}，而它所在位置有多于一个空行可放（{rows}），无法确定属于哪一行，未采用",
            )
        ]
    if p.how == "unplaced":
        cells = candidate_cells(p, u, specs, placed)
        label = f"行标签「{_shown(u.printed)}」" if u.text else "无行标签"
        return [
            Finding(
                "read.row_unplaced",
                "error",
                cells,
                f"{table}有一行数值（{vals}，{label}）无法按标签和位置对应到格式中的任何一行，未采用",
            )
        ]
    spec = specs[p.rows[0]]
    if p.how == "merged":
        cells = [c for r in p.rows for c in specs[r].columns]
        subs = "」「".join(specs[r].label for r in p.rows)
        return [
            Finding(
                "read.rows_merged",
                "warning",
                cells,
                f"{table}「{_shown(u.printed)}」印为一行（{vals}，2019 年试行格式），而本表为 2021 年格式，应分为「{subs}」{len(p.rows)} 行；这些行留空",
            )
        ]
    if p.how == "similar" and p.similarity > 0:  # at 0 the label gave nothing: placed by order
        msg = f"{table}行标签「{_shown(u.printed)}」与格式不完全一致（相似度 {p.similarity:.2f}），按标签和位置视为「{spec.label}」"
        return [Finding("read.row_by_similarity", "warning", list(spec.columns), msg)]
    if p.how == "below":
        msg = f"{table}一行数值（{vals}）之前没有它的行标签，按其下方的标签和位置视为「{spec.label}」"
        return [Finding("read.row_by_label_below", "warning", list(spec.columns), msg)]
    if p.how == "numbering":
        msg = f"行标签「{_shown(u.printed)}」未能识别，按位置（编号 {spec.numbering or '同'}）视为「{spec.label}」"
        return [Finding("read.label_by_position", "warning", list(spec.columns), f"{table}{msg}")]
    if u.text:
        msg = f"{table}行标签「{_shown(u.printed)}」不像「{spec.label}」，仅按位置（前后各行之间）视为该行（数值 {vals}）"
    else:
        msg = f"{table}一行数值（{vals}）没有行标签，按位置（前后各行之间）视为「{spec.label}」"
    return [Finding("read.row_by_order", "warning", list(spec.columns), msg)]


def candidate_cells(p: align.Placement, u: align.Unit, specs: Sequence[Row], placed: Sequence[align.Placement]) -> list[str]:
    """The cells of the rows an unplaced unit lies between (those it may belong to); with none free,
    the neighbouring row its label names (a row printed twice), else both neighbours."""
    before = max((q.rows[-1] for q in placed if q.rows and q.unit < p.unit), default=-1)
    after = min((q.rows[0] for q in placed if q.rows and q.unit > p.unit), default=len(specs))
    between = list(specs[before + 1 : after])
    if not between:
        near = [specs[j] for j in (before, after) if 0 <= j < len(specs)]
        between = [s for s in near if s.pattern.search(u.text)] or near
    return [c for s in between for c in s.columns]
