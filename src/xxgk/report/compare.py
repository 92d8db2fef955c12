"""Two reports side by side (比对, issue 15 point 5): every cell's change, the findings of both,
the carry-over from one year into the next, and the narratives diffed with a reuse ratio.

    from xxgk.report.compare import compare
    c = compare(report_2023, report_2024)      # a: the earlier, b: the later
    c.cell("t3.granted.total").delta           # 5
    c.carry                                    # carried_over(2024) vs carried_forward(2023), …
    c.sections[0].diff.left(), .right()        # runs to highlight; c.reuse: overall ratio

Pure Python, no I/O, no Django: the web page, its DOCX and PDF exports all draw this one object.

**A cell's change.** `a` and `b` are the cells (None when the report has no such cell: another
format, or none read). A side *has a number* when its semantic is `number` or `zero`; `empty`, `na`
(`/`) and `text` (unreadable) have none, and a blank is never read as 0 (domain.md §5). Then:

| status | when | delta | ratio |
|---|---|---|---|
| `same` | both numbers, equal | 0 | 1.0 (None when both are 0) |
| `up` / `down` | both numbers, b > a / b < a | b − a | b / a (None when a = 0) |
| `new` | only b has a number | None | None |
| `gone` | only a has a number | None | None |
| `none` | neither has a number | None | None |

`delta` is an int, or a decimal string for the fee in 万元 (and the 2019 procurement amount); no
ratio for the signed 2019 `change` cells. `raw_changed` tells that the printed texts differ
(`/` became blank) even where no number did. `outlier` marks a change beyond the year-on-year ratio
of domain.md §4.2 (> 5 or < 0.2, or from 0) when the larger side is at least `OUTLIER_MIN`.

**Carry-over** (`carry`): what the earlier year hands to the later one, one row per identity, only
when b's year follows a's: 表三 `carried_over` (b) = `carried_forward` (a) per column (the checks'
`t3.cross_year`); 表二 (2021 format) `in_force` (b) = `in_force` (a) + `issued` (b) − `repealed` (b)
(the checks' `t2.stock_flow`); 表二 of the 2019 format, `previous_items` (b) = `previous_items` (a) +
`change` (a), and `total_published` (b) = `total_published` (a) + `published` (b) (the one agency's
2019 and 2020 reports of ../shared/real hold the second and break the first, as their notes say).
表四 has no carried row: a case pending at the end of one year is decided in a later one, and the
table does not say which, so its `pending` is compared as a cell only. `cross_year` holds the checks'
own findings of `b.check(a)` that `b.check()` alone does not give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from . import keys as K
from .checks import _T2_2019_COLUMN_LABELS as T2_2019_COLUMN_LABELS  # kept once, in checks
from .checks import TABLE_FORMATS, cell_label, summarize
from .finding import Finding
from .model import Cell, Report
from .textdiff import TextDiff, counted, covered, grams, section_diff

__all__ = [
    "OUTLIER_MIN", "OUTLIER_RATIO", "Status", "CellChange", "Carry", "Row", "Table", "SectionCompare", "Comparison",
    "compare", "change", "carry_rows",
]

Status = Literal["same", "up", "down", "new", "gone", "none"]
#: domain.md §4.2: a year-on-year ratio above 5 or below 0.2 is worth a look …
OUTLIER_RATIO = 5.0
#: … when the larger of the two counts is at least this (1 → 6 applications is no signal).
OUTLIER_MIN = 10
_HAS_NUMBER = ("number", "zero")


@dataclass(frozen=True)
class CellChange:
    key: str
    label: str
    a: Cell | None
    b: Cell | None
    status: Status
    delta: int | str | None = None
    ratio: float | None = None
    outlier: bool = False

    @property
    def raw_changed(self) -> bool:
        return (self.a.raw.strip() if self.a else None) != (self.b.raw.strip() if self.b else None)

    @property
    def a_value(self) -> int | str | None:
        return self.a.value if self.a else None

    @property
    def b_value(self) -> int | str | None:
        return self.b.value if self.b else None

    @property
    def changed(self) -> bool:
        return self.status not in ("same", "none") or self.raw_changed


def _number(cell: Cell | None) -> int | Decimal | None:
    if cell is None or cell.semantic not in _HAS_NUMBER or cell.value is None:
        return None
    if isinstance(cell.value, int) and not isinstance(cell.value, bool):
        return cell.value
    try:
        return Decimal(str(cell.value))
    except InvalidOperation:
        return None


def change(key: str, a: Cell | None, b: Cell | None) -> CellChange:
    """The change of one cell from `a` (earlier) to `b` (later); see the module docstring."""
    label = cell_label(key)
    x, y = _number(a), _number(b)
    if x is None or y is None:
        status: Status = "none" if x is None and y is None else ("new" if x is None else "gone")
        return CellChange(key, label, a, b, status)
    d = y - x
    delta: int | str = str(d) if isinstance(d, Decimal) else d
    status = "same" if d == 0 else ("up" if d > 0 else "down")
    ratio = None
    signed = key.endswith(K.SIGNED_SUFFIX)
    if not signed and x > 0 and y >= 0:
        ratio = float(y) / float(x)
    outlier = (
        not signed and d != 0 and max(x, y) >= OUTLIER_MIN
        and (x == 0 or (ratio is not None and (ratio > OUTLIER_RATIO or ratio < 1 / OUTLIER_RATIO)))
    )
    return CellChange(key, label, a, b, status, delta, ratio, bool(outlier))


# --- carry-over ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Carry:
    """One identity from the earlier year into the later: `actual` (b's cell `key`) should be
    `expected`, computed from `operands` ("a:<key>" / "b:<key>"); `ok` None when an operand has no
    number."""

    rule: str
    label: str
    key: str
    actual: int | None
    expected: int | None
    operands: tuple[str, ...]
    ok: bool | None


def _int(report: Report, key: str) -> int | None:
    n = _number(report.cells.get(key))
    return n if isinstance(n, int) else None


def _carry(rule: str, label: str, a: Report, b: Report, key: str, plus: Sequence[str], minus: Sequence[str] = ()) -> Carry:
    """b[key] = Σ plus − Σ minus, each operand "a:<key>" or "b:<key>"."""
    vals: dict[str, int | None] = {}
    for op in (*plus, *minus):
        side, _, k = op.partition(":")
        vals[op] = _int(a if side == "a" else b, k)
    actual = _int(b, key)
    expected = None
    if all(v is not None for v in vals.values()):
        expected = sum(vals[p] or 0 for p in plus) - sum(vals[m] or 0 for m in minus)
    ok = None if expected is None or actual is None else actual == expected
    return Carry(rule, label, key, actual, expected, (*plus, *minus), ok)


def carry_rows(a: Report, b: Report) -> list[Carry]:
    """The carry-over identities that hold between a's year and the next (see the module docstring)."""
    rows: list[Carry] = []
    if a.format in TABLE_FORMATS and b.format in TABLE_FORMATS:
        for col in K.T3_COLUMNS:
            rows.append(_carry(
                "t3.cross_year", f"表三「{K.T3_COLUMN_LABELS[col]}」列：本年「二、上年结转」= 上年「四、结转下年度继续办理」",
                a, b, f"t3.carried_over.{col}", [f"a:t3.carried_forward.{col}"],
            ))
    if a.format == "2021" and b.format == "2021":
        for row, name in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
            rows.append(_carry(
                "t2.stock_flow", f"表二「{name}」：现行有效件数 = 上年现行有效 + 本年制发 − 本年废止", a, b,
                f"t2.{row}.in_force", [f"a:t2.{row}.in_force", f"b:t2.{row}.issued"], [f"b:t2.{row}.repealed"],
            ))
    if a.format == "2019" and b.format == "2019":
        for row, name in (("regulations", "规章"), ("normative_documents", "规范性文件")):
            rows.append(_carry(
                "t2_2019.total_published", f"表二「{name}」：对外公开总数量 = 上年对外公开总数量 + 本年新公开数量", a, b,
                f"t2_2019.{row}.total_published", [f"a:t2_2019.{row}.total_published", f"b:t2_2019.{row}.published"],
            ))
        for row, name, _ in K.T2_ROWS_2019:
            if row in ("procurement", "regulations", "normative_documents"):
                continue
            rows.append(_carry(
                "t2_2019.previous_items", f"表二「{name}」：上一年项目数量 = 上年的上一年项目数量 + 上年本年增/减", a, b,
                f"t2_2019.{row}.previous_items", [f"a:t2_2019.{row}.previous_items", f"a:t2_2019.{row}.change"],
            ))
    return rows


# --- tables -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    #: The printed group (「（三）不予公开」) of a numbered sub-row, else "".
    group: str
    cells: tuple[CellChange, ...]


@dataclass(frozen=True)
class Table:
    """One official table (or one block of 表二 with the same columns), in printed order."""

    key: str
    title: str
    columns: tuple[tuple[str, str], ...]
    rows: tuple[Row, ...]


def _t2_tables(fmt: str, cells: dict[str, CellChange]) -> list[Table]:
    if fmt == "2021":
        blocks: list[Table] = []
        cols = tuple(K.T2_COLUMN_LABELS_2021.items())
        rows = tuple(Row(r, label, "", tuple(cells[f"t2.{r}.{c}"] for c, _ in cols)) for r, label, cs in K.T2_ROWS_2021 if cs)
        blocks.append(Table("t2", "表二 主动公开政府信息情况：规章、行政规范性文件", cols, rows))
        single = tuple(Row(r, label, "", (cells[f"t2.{r}"],)) for r, label, cs in K.T2_ROWS_2021 if not cs)
        blocks.append(Table("t2", "表二 主动公开政府信息情况：行政许可、处罚、强制、收费", (("", "本年处理决定数量 / 本年收费金额（万元）"),), single))
        return blocks
    labels = T2_2019_COLUMN_LABELS
    out: list[Table] = []
    for r, label, cs in K.T2_ROWS_2019:
        row = Row(r, label, "", tuple(cells[f"t2_2019.{r}.{c}"] for c in cs))
        if out and [c for c, _ in out[-1].columns] == list(cs):
            last = out[-1]
            out[-1] = Table(last.key, last.title, last.columns, (*last.rows, row))
        else:
            out.append(Table("t2_2019", "", tuple((c, labels[c]) for c in cs), (row,)))
    names = {r: label for r, label, _ in K.T2_ROWS_2019}
    return [Table(t.key, "表二 主动公开政府信息情况（2019 年格式）：" + "、".join(names[r.key] for r in t.rows), t.columns, t.rows)
            for t in out]


def _t3_rows(formats: set[str]) -> list[tuple[str, str, str]]:
    """(row key, label, group) of 表三 for the formats present: the 2021 rows, with the 2019 single
    （六）其他处理 row before the 2021 three when both formats are compared."""
    out: list[tuple[str, str, str]] = []
    rows2021 = K.T3_ROWS_2021 if "2021" in formats else ()
    base = rows2021 or K.T3_ROWS_2019
    groups = {**K.T3_GROUPS_2019, **K.T3_GROUPS_2021}
    group = ""
    for key, label in base:
        if key == "other_no_correction" and "2019" in formats:
            out.append(("other_processing", "（六）其他处理", ""))
        if key in groups and key != "granted":
            group = groups[key]
        elif not label[:1].isdigit():
            group = ""
        out.append((key, label, group if label[:1].isdigit() else ""))
    return out


def _tables(a: Report, b: Report, cells: dict[str, CellChange]) -> list[Table]:
    formats = {r.format for r in (a, b) if r.format in TABLE_FORMATS}
    out: list[Table] = []
    for fmt in ("2021", "2019"):
        if fmt in formats:
            out += _t2_tables(fmt, cells)
    if not formats:
        return out
    cols = tuple(K.T3_COLUMN_LABELS.items())
    rows = tuple(Row(k, label, group, tuple(cells[f"t3.{k}.{c}"] for c, _ in cols)) for k, label, group in _t3_rows(formats))
    out.append(Table("t3", "表三 收到和处理政府信息公开申请情况", cols, rows))
    cols4 = tuple(K.T4_COLUMN_LABELS.items())
    rows4 = tuple(Row(blk, K.T4_BLOCK_LABELS[blk], "", tuple(cells[f"t4.{blk}.{c}"] for c, _ in cols4)) for blk in K.T4_BLOCKS)
    out.append(Table("t4", "表四 政府信息公开行政复议、行政诉讼情况", cols4, rows4))
    return out


def _keys(reports: Iterable[Report]) -> list[str]:
    """Every cell key of the reports' table formats, in printed order, each once."""
    formats = {r.format for r in reports if r.format in TABLE_FORMATS}
    keys: dict[str, None] = {}
    for fmt in ("2021", "2019"):
        if fmt in formats:
            keys.update(dict.fromkeys(K.t2_keys(fmt)))
    for key, _, _ in _t3_rows(formats) if formats else ():
        keys.update(dict.fromkeys(f"t3.{key}.{c}" for c in K.T3_COLUMNS))
    if formats:
        keys.update(dict.fromkeys(K.t4_keys()))
    return list(keys)


# --- narratives -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionCompare:
    key: str
    title: str
    diff: TextDiff


# --- the comparison -------------------------------------------------------------------------------


@dataclass
class Comparison:
    a: Report
    b: Report
    #: b's year is a's + 1: the carry-over identities apply.
    consecutive: bool
    cells: list[CellChange]
    tables: list[Table]
    findings_a: list[Finding]
    findings_b: list[Finding]
    #: Findings of `b.check(a)` beyond `b.check()`: the checks' cross-year warnings.
    cross_year: list[Finding]
    carry: list[Carry]
    sections: list[SectionCompare]
    #: Reuse of b's whole narrative against a's (textdiff.reuse, runs found in any section of a).
    reuse: float | None
    _by_key: dict[str, CellChange] = field(default_factory=dict, repr=False)

    def cell(self, key: str) -> CellChange:
        if not self._by_key:
            self._by_key = {c.key: c for c in self.cells}
        return self._by_key[key]

    def counts(self) -> dict[str, int]:
        """How many cells have each status (all six present)."""
        out = dict.fromkeys(("same", "up", "down", "new", "gone", "none"), 0)
        for c in self.cells:
            out[c.status] += 1
        return out

    @property
    def summary_a(self) -> dict[str, int]:
        return summarize(self.findings_a)

    @property
    def summary_b(self) -> dict[str, int]:
        return summarize(self.findings_b)


def compare(a: Report, b: Report) -> Comparison:
    """Report `a` (the earlier) against report `b` (the later); see the module docstring."""
    keys = _keys((a, b))
    cells = [change(k, a.cells.get(k), b.cells.get(k)) for k in keys]
    by_key = {c.key: c for c in cells}
    consecutive = a.year is not None and b.year is not None and b.year == a.year + 1
    findings_a, findings_b = a.check(), b.check()
    cross: list[Finding] = []
    if consecutive:
        own = list(findings_b)
        for f in b.check(a):
            if f in own:
                own.remove(f)
            else:
                cross.append(f)
    carry = carry_rows(a, b) if consecutive else []
    texts_a = [a.sections.get(k) or "" for k in K.SECTION_KEYS]
    earlier, verbatim = grams(texts_a), grams(texts_a, digits=False)
    sections = []
    hit = total = 0
    for k, ta in zip(K.SECTION_KEYS, texts_a):
        tb = b.sections.get(k) or ""
        if not ta.strip() and not tb.strip():
            continue
        sections.append(SectionCompare(k, K.SECTION_TITLES[k], section_diff(ta, tb, verbatim)))
        total += counted(tb)
        hit += sum(covered(tb, earlier))
    return Comparison(
        a, b, consecutive, cells, _tables(a, b, by_key), findings_a, findings_b, cross, carry, sections,
        (hit / total) if total else None, by_key,
    )
