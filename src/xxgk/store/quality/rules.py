"""The signals of one report, from its own versions, its agency and last year's report: pure
functions of what `load` read, so that the same store gives the same findings in any process.

Each returns `Want`s: findings as the store should hold them (`refresh` writes the difference).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ...report import keys as K
from ...report.checks import _cross_year, cell_label
from ...report.model import Cell, Report
from ..models import LEVELS
from .cells import CROSS_YEAR_KEYS, REGULATION_KEYS, count_keys
from .load import Ag, Rep, Ver, flatten
from .thresholds import CHANGED_CELLS_SHOWN, DEADLINE_UNKNOWN_LEVEL, DEADLINES, YOY_MIN_LARGER, YOY_RATIO

WARNING = "warning"
_LEVEL_NAMES = dict(LEVELS)
_ORDER = {k: i for i, k in enumerate(dict.fromkeys(K.cell_keys("2021") + K.cell_keys("2019")))}
_SECTION_ORDER = {k: i for i, k in enumerate(K.SECTION_KEYS)}
_PARSES = ("parsed", "reparsed")


@dataclass
class Want:
    """A finding as the store should hold it (`models.Finding`'s fields, source 'quality')."""

    rule: str
    message: str
    version_id: int | None = None
    agency_id: int | None = None
    year: int | None = None
    cells: list[str] = field(default_factory=list)
    expected: Any = None
    actual: Any = None
    details: dict[str, Any] = field(default_factory=dict)
    severity: str = WARNING


def who(rep: Rep, ag: Ag | None) -> str:
    """The report's agency as a person names it: the hierarchy's name, else the printed one."""
    return ag.name if ag is not None else (rep.printed_agency or "未知机关")


def natural_key(rep: Rep, ag: Ag | None) -> dict[str, Any]:
    """How a finding names another report: agency code (or printed name when unmatched), year,
    version number. Never a database id, which differs between two runs over the same files."""
    d: dict[str, Any] = {"agency": ag.code if ag else None, "name": who(rep, ag), "year": rep.year}
    if ag is None:
        d["printed_agency"] = rep.printed_agency
    if rep.number is not None:
        d["version"] = rep.number
    return d


def _count(v: Any) -> int | None:
    return v if type(v) is int else None


# --- late -----------------------------------------------------------------------------------------


def late(rep: Rep, ag: Ag | None) -> list[Want]:
    """Published after the deadline of its year (domain.md §7.5); nothing without a date."""
    if rep.published_on is None or rep.year is None or rep.active_id is None:
        return []
    level = ag.level if ag is not None else None
    month, day = DEADLINES.get(level or "", DEADLINE_UNKNOWN_LEVEL)
    deadline = dt.date(rep.year + 1, month, day)
    if rep.published_on <= deadline:
        return []
    days = (rep.published_on - deadline).days
    if level in ("department", "township"):
        rule = "部门和乡镇（街道）报告"
    elif level is not None:
        rule = "县级以上人民政府报告"
    else:
        rule = "报告（机关未匹配，按最晚期限）"
    msg = (f"{rep.year} 年报告于 {rep.published_on:%Y年%m月%d日} 发布，晚于{rule}的发布期限 "
           f"{deadline:%Y年%m月%d日} {days} 天")
    return [Want("quality.late", msg, version_id=rep.active_id, expected=deadline.isoformat(),
                 actual=rep.published_on.isoformat(),
                 details={"deadline": deadline.isoformat(), "published_on": rep.published_on.isoformat(),
                          "days_late": days, "level": level})]


# --- 规章 without rule-making power ----------------------------------------------------------------


def regulations_without_power(rep: Rep, ag: Ag | None) -> list[Want]:
    """Non-zero 规章 counts from a matched agency that has no rule-making power (models.Agency)."""
    if ag is None or ag.has_rule_making_power or rep.active_id is None:
        return []
    keys = REGULATION_KEYS.get(rep.format or "")
    if keys is None:
        return []
    values = rep.values
    nonzero = [k for k in keys if (_count(values.get(k)) or 0) > 0]
    if not nonzero:
        return []
    shown = "，".join(f"{cell_label(k)} {values[k]}" for k in nonzero)
    level = _LEVEL_NAMES.get(ag.level, ag.level)
    msg = f"「{ag.name}」为{level}机关，无规章制定权，但表二「规章」有非零数字：{shown}"
    return [Want("quality.regulations_without_power", msg, version_id=rep.active_id, cells=nonzero,
                 actual={k: values[k] for k in nonzero}, details={"agency": ag.code, "level": ag.level})]


# --- section headings -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)  # the same few headings in every report
def _heading_words(text: str) -> str:
    """A heading's words: NFKC, without whitespace and punctuation (一、 and 一. are one heading)."""
    return re.sub(r"[\W_]", "", unicodedata.normalize("NFKC", text))


_OFFICIAL = {k: _heading_words(t) for k, t in K.SECTION_TITLES.items()}


def section_renamed(rep: Rep) -> list[Want]:
    """Section headings printed otherwise than the format's titles (domain.md §2.3: the 2021 and
    2019 formats share them). Only what the reader recorded (`extra.headings`)."""
    if rep.format not in ("2021", "2019") or not rep.headings or rep.active_id is None:
        return []
    renamed = [
        {"section": key, "printed": printed, "official": K.SECTION_TITLES[key]}
        for key in K.SECTION_KEYS
        if isinstance(printed := rep.headings.get(key), str) and _heading_words(printed) != _OFFICIAL[key]
    ]
    if not renamed:
        return []
    shown = "；".join(f"「{r['printed']}」应为「{r['official']}」" for r in renamed)
    msg = f"{len(renamed)} 个部分的标题与格式规定的不同：{shown}"
    return [Want("quality.section_renamed", msg, version_id=rep.active_id, details={"renamed": renamed})]


# --- last year ------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16)
def _shared_count_keys(fmt: str, previous_fmt: str) -> tuple[str, ...]:
    """`count_keys(fmt)` that last year's format has too, in this format's order."""
    theirs = set(count_keys(previous_fmt))
    return tuple(k for k in count_keys(fmt) if k in theirs)


def is_jump(previous: int, current: int) -> bool:
    """×YOY_RATIO or more either way, the larger at least YOY_MIN_LARGER (thresholds.py)."""
    small, large = sorted((previous, current))
    return large >= YOY_MIN_LARGER and large >= YOY_RATIO * small


def yoy_jump(rep: Rep, prev: Rep | None) -> list[Want]:
    """Count rows ×10 or more against the same agency's previous year (both values printed)."""
    if prev is None or rep.active_id is None or prev.active_id is None:
        return []
    if rep.format not in ("2021", "2019") or prev.format not in ("2021", "2019"):
        return []
    now, before = rep.values, prev.values  # an integer or None per cell (`Rep.values`)
    rows = []
    for key in _shared_count_keys(rep.format, prev.format):
        b = now.get(key)
        # `is_jump` only where the larger value reaches its floor: most rows never do.
        if b is not None and (a := before.get(key)) is not None and (a if a > b else b) >= YOY_MIN_LARGER and is_jump(a, b):
            rows.append({"key": key, "previous": a, "current": b})
    if not rows:
        return []
    shown = "；".join(f"{cell_label(r['key'])} {r['previous']} → {r['current']}" for r in rows[:3])
    more = f" 等 {len(rows)} 行" if len(rows) > 3 else ""
    msg = f"与 {prev.year} 年报告相比，数字变化达 {YOY_RATIO} 倍以上：{shown}{more}"
    return [Want("quality.yoy_jump", msg, version_id=rep.active_id, cells=[r["key"] for r in rows],
                 details={"previous_year": prev.year, "previous_version": prev.number, "rows": rows})]


@functools.lru_cache(maxsize=65536)
def _cell(key: str, value: int) -> Cell:
    """One Cell per (key, count), shared by the mini reports (`checks._cross_year` only reads
    them): most counts repeat from report to report (zeros above all)."""
    return Cell(key, str(value), value, "number")


def _mini_report(rep: Rep) -> Report:
    """A Report holding only the values `checks._cross_year` reads (building the full Report from
    the stored JSON would re-read 200 raw texts per report)."""
    if "mini" not in rep.memo:
        r = Report(format=rep.format or "unknown", year=rep.year)
        values = rep.values
        cells = r.cells
        for key in CROSS_YEAR_KEYS:  # 26 look-ups, not a prefix test on each of 200 cells
            v = values.get(key)
            if v is not None:  # an integer (`Rep.values`); `checks._num` reads nothing else
                cells[key] = _cell(key, v)
        rep.memo["mini"] = r
    return rep.memo["mini"]


def cross_year(rep: Rep, prev: Rep | None) -> list[Want]:
    """`t3.cross_year` and `t2.stock_flow` of xxgk.report.checks against last year's active
    version (the batch reads one file at a time, without `--previous`)."""
    if prev is None or rep.active_id is None or prev.active_id is None or rep.year is None:
        return []
    if rep.format not in ("2021", "2019") or prev.format not in ("2021", "2019"):
        return []
    out = []
    for f in _cross_year(_mini_report(rep), _mini_report(prev)):
        out.append(Want(f.rule, f.message, version_id=rep.active_id, cells=list(f.cells), expected=f.expected,
                        actual=f.actual, details={"previous_year": prev.year, "previous_version": prev.number}))
    return out


# --- versions of one report --------------------------------------------------------------------------


def _same_value(a: Any, b: Any) -> bool:
    if type(a) is type(b) and a == b:
        return True
    if isinstance(a, str) and isinstance(b, str):  # decimal strings: "0" and "0.00" are one amount
        try:
            return Decimal(a) == Decimal(b)
        except InvalidOperation:
            return False
    return False


def cell_changes(old: dict[str, Any], new: dict[str, Any]) -> list[dict[str, Any]]:
    """[{key, old, new}] for every cell whose value differs, in printed order."""
    a, b = flatten(old), flatten(new)
    keys = sorted(set(a) | set(b), key=lambda k: (_ORDER.get(k, len(_ORDER)), k))
    return [{"key": k, "old": a.get(k), "new": b.get(k)} for k in keys if not _same_value(a.get(k), b.get(k))]


def section_changes(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Keys of the sections whose text differs (whitespace and NFKC aside), in printed order."""
    def norm(t: Any) -> str:
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", t)) if isinstance(t, str) else ""

    keys = sorted(set(old) | set(new), key=lambda k: (_SECTION_ORDER.get(k, len(_SECTION_ORDER)), k))
    return [k for k in keys if norm(old.get(k)) != norm(new.get(k))]


def _place(v: Ver) -> str:
    where = v.origin or v.name
    return where if len(where) <= 80 else "…" + where[-79:]


def _changed_cells_text(changes: list[dict[str, Any]]) -> str:
    shown = "；".join(f"{cell_label(c['key'])} {_show(c['old'])} → {_show(c['new'])}" for c in changes[:3])
    return shown + (f" 等 {len(changes)} 个单元格" if len(changes) > 3 else "")


def _show(v: Any) -> str:
    return "空" if v is None else str(v)


def _change_details(other: Ver, cells: list[dict[str, Any]], sections: list[str], role: str) -> dict[str, Any]:
    """`role`: "previous" (the version this one replaced) or "other" (the other source's)."""
    return {f"{role}_version": other.number, f"{role}_sha256": other.sha256, f"{role}_origin": other.origin or other.name,
            "cells_changed": len(cells), "cells": cells[:CHANGED_CELLS_SHOWN], "sections": sections}


def origin_groups(vers: list[Ver]) -> dict[str, list[Ver]]:
    """Parsed versions by where they came from (the origin, else the file name), in number order;
    corrections by hand have no source to compare."""
    groups: dict[str, list[Ver]] = {}
    for v in vers:
        key = v.origin or v.name
        if v.made_by in _PARSES and key:
            groups.setdefault(key, []).append(v)
    return groups


def versions_to_compare(vers: list[Ver]) -> set[int]:
    """Ids of the versions whose contents `version_rules` needs."""
    need: set[int] = set()
    groups = origin_groups(vers)
    for vs in groups.values():
        for a, b in zip(vs, vs[1:]):
            if a.sha256 != b.sha256:
                need |= {a.id, b.id}
    latest = [vs[-1] for vs in groups.values()]
    if len({v.sha256 for v in latest}) > 1:
        need |= {v.id for v in latest}
    return need


def version_rules(vers: list[Ver], contents: dict[int, tuple[dict[str, Any], dict[str, str]]]) -> list[Want]:
    """`store.version_changed`: a version whose file differs from the one before it from the same
    place, and whose tables or text differ too (a re-saved file with the same content is no
    change); on that version, naming the one before. `store.sources_differ`: the latest versions
    from two places whose tables differ; on the newer of the two."""
    out: list[Want] = []
    groups = origin_groups(vers)
    for vs in groups.values():
        for prev, cur in zip(vs, vs[1:]):
            if prev.sha256 == cur.sha256 or prev.id not in contents or cur.id not in contents:
                continue
            (t_old, s_old), (t_new, s_new) = contents[prev.id], contents[cur.id]
            cells, secs = cell_changes(t_old, t_new), section_changes(s_old, s_new)
            if not cells and not secs:
                continue
            parts = []
            if cells:
                parts.append(f"表格 {len(cells)} 个单元格（{_changed_cells_text(cells)}）")
            if secs:
                parts.append("文字部分：" + "、".join(K.SECTION_TITLES.get(k, k) for k in secs))
            msg = f"报告发布后被修改：来自「{_place(cur)}」的文件与第 {prev.number} 版不同，" + "；".join(parts)
            out.append(Want("store.version_changed", msg, version_id=cur.id, cells=[c["key"] for c in cells[:CHANGED_CELLS_SHOWN]],
                            details=_change_details(prev, cells, secs, "previous")))
    latest = sorted((vs[-1] for vs in groups.values()), key=lambda v: v.number)
    for i, a in enumerate(latest):
        for b in latest[i + 1 :]:
            if a.sha256 == b.sha256 or a.id not in contents or b.id not in contents:
                continue
            cells = cell_changes(contents[a.id][0], contents[b.id][0])
            if not cells:
                continue
            secs = section_changes(contents[a.id][1], contents[b.id][1])
            msg = (f"同一报告的两个来源不一致：本版（「{_place(b)}」）与第 {a.number} 版（「{_place(a)}」）的表格有 "
                   f"{len(cells)} 个单元格不同：{_changed_cells_text(cells)}")
            out.append(Want("store.sources_differ", msg, version_id=b.id, cells=[c["key"] for c in cells[:CHANGED_CELLS_SHOWN]],
                            details=_change_details(a, cells, secs, "other")))
    return out
