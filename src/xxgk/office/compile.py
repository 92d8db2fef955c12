"""Compile 表二/三/四 of a year from the disclosure office's records (issue 16; domain.md §4.3, §7.6, §8).

Pure Python, no Django, no I/O: the office app (`xxgk.web.office`) turns its rows into the frozen
records below and calls `compile_year`; the result holds every one of the 200 cells of the 2021
format *and* the refs of the records behind each number, so the reconciliation view
(`xxgk.office.reconcile`) can list them, and `CompiledYear.to_report` gives an xxgk `Report`.

Counting conventions (why the numbers are what they are), for year Y = 1 Jan … 31 Dec:

* 表三 (§4.3, §7.6). An application counts in Y when received on or before 31 Dec and not closed
  before 1 Jan. Receipt decides the first row: received in Y → `new_received`, received earlier →
  `carried_over` (it was open on 1 Jan). Closure decides the second: closed in Y → its one outcome
  row (carried-over items included), still open on 31 Dec → `carried_forward`. So every counted
  application adds exactly 1 to each side of the printed identity (一+二 = （七）+四), and over its
  life an application lands in exactly one outcome row, in the year it closed.
* `carried_over` may instead come from last year's published report (`carried_over=` a Report or a
  column → count mapping): an office that starts mid-life holds no records of earlier years. The
  result says so (`carried_over_from == "report"`) and keeps what the records alone say
  (`records_carried_over`); if the two differ, 表三's identity fails and `Report.check()` says where.
* 表四 (§2.6, §4.3; open question 5). Table 四 has no carry-over row. A case decided in Y counts in its
  result column (upheld / corrected / other) of Y, whenever it was filed. A case filed on or before
  31 Dec and not decided by then counts as `pending` in Y. So a case pending at the end of Y−1 and
  decided in Y is counted twice over the years: `pending` in Y−1, its result in Y — the convention
  of the published tables, whose 总计 includes 尚未审结. `total` = upheld + corrected + other + pending.
* 表二 (§2.4). `issued` = issued in Y, `repealed` = repealed in Y, `in_force` is derived, never typed:
  issued on or before 31 Dec and not repealed by 31 Dec. So in_force(Y) = in_force(Y−1) + issued(Y) −
  repealed(Y) holds for a complete register. Licensing / penalty / compulsion are the year's counts
  and the fee the year's amount in 万元 (Decimal), as entered or imported; their refs (entries,
  import batches) come in `T2Records.sources`.

Records are validated as a whole before anything is counted: every problem is collected into one
`CompileError` (a clerk fixes them all in one pass, not one per compile).

Speed: one plain loop over the records, two list appends per counted application, totals joined
afterwards; 100,000 applications compile in about 0.1 s. Only attributes are read, so any object
with the record's field names works — e.g. Django rows from
`values_list("ref", "applicant_type", "received_on", "closed_on", "outcome", named=True)` — and
no record object need be built (building 100,000 frozen dataclasses costs about as much as compiling).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from xxgk.report import keys as K

if TYPE_CHECKING:  # pragma: no cover
    from xxgk.report.model import Report

__all__ = [
    "APPLICANT_TYPES", "CASE_KINDS", "CASE_RESULTS", "OUTCOMES",
    "ApplicationRecord", "CaseRecord", "DocumentRecord", "T2Records",
    "CompileError", "Problem", "CompiledYear", "compile_year", "carried_forward_of",
]

#: The 21 leaf outcome rows of the 2021 表三, in printed order.
OUTCOMES: tuple[str, ...] = K.t3_outcome_rows("2021")
#: The six applicant columns of 表三 (`total` is computed, never an applicant type).
APPLICANT_TYPES: tuple[str, ...] = K.T3_APPLICANT_COLUMNS
CASE_KINDS: tuple[str, ...] = K.T4_BLOCKS
CASE_RESULTS: tuple[str, ...] = ("upheld", "corrected", "other", "pending")
_DECIDED_RESULTS = CASE_RESULTS[:3]
_T2_COUNTS: tuple[str, ...] = ("licensing", "penalty", "compulsion")
_T2_DOCUMENT_ROWS: tuple[str, ...] = ("regulations", "normative_documents")
_T3_ROWS: tuple[str, ...] = K.t3_rows("2021")
_MAX_SHOWN = 20  # problems spelled out in a CompileError's message; all are in `.problems`


# --- records ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    """One application (依申请公开) as 表三 sees it: who (column), when received, when and how closed.

    `outcome` is one of `OUTCOMES` and is given exactly when `closed_on` is (an open application has
    neither; "" counts as none, as the ORM's blank field stores it)."""

    ref: str
    applicant_type: str
    received_on: date
    closed_on: date | None = None
    outcome: str | None = None


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One 行政复议 / 行政诉讼 case as 表四 sees it. `result` is 'pending' exactly when `decided_on` is
    None; a case decided later but compiled for an earlier year is counted `pending` there."""

    ref: str
    kind: Literal["review", "litigation_direct", "litigation_after_review"]
    result: Literal["upheld", "corrected", "other", "pending"]
    filed_on: date
    decided_on: date | None = None


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """A 规章 or 行政规范性文件 of the register: issued, and repealed when it was."""

    ref: str
    issued_on: date
    repealed_on: date | None = None


@dataclass(frozen=True)
class T2Records:
    """The registers behind 表二 for one year. Documents are the whole register (every year: in_force
    needs the stock); the counts and the fee are the compiled year's own figures. `sources` maps
    'licensing' / 'penalty' / 'compulsion' / 'admin_fees_wan_yuan' to the refs behind the figure
    (decision entries or import batches)."""

    regulations: tuple[DocumentRecord, ...] = ()
    normative_documents: tuple[DocumentRecord, ...] = ()
    licensing: int = 0
    penalty: int = 0
    compulsion: int = 0
    admin_fees_wan_yuan: Decimal = Decimal("0")
    sources: Mapping[str, Sequence[str]] = field(default_factory=dict)


# --- errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One invalid record: its ref (or the field name for a figure), the field and why, in Chinese."""

    ref: str
    field: str
    message: str


class CompileError(ValueError):
    """Records that cannot be counted (an unknown outcome, closed before received, …). `problems`
    lists every one of them; the message spells out the first ones."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        shown = "；".join(f"{p.ref}：{p.message}" for p in self.problems[:_MAX_SHOWN])
        more = f"；另有 {len(self.problems) - _MAX_SHOWN} 个问题" if len(self.problems) > _MAX_SHOWN else ""
        super().__init__(f"记录有 {len(self.problems)} 个问题，无法统计：{shown}{more}")


def _choices(options: Iterable[str]) -> str:
    return "、".join(options)


# --- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledYear:
    """The tables of one year computed from the records.

    `values`: all 200 cell keys of the 2021 format → int (the fee: a decimal string in 万元).
    `sources`: the same keys → refs of the records counted in the cell (record order within a
    column; a `total` cell lists its row column by column). For `t3.carried_over.*` taken from a
    report the refs are still those of the records open on 1 Jan, so their number can differ from
    the value: that difference is the point of showing them.
    """

    year: int
    values: dict[str, int | str]
    sources: dict[str, list[str]]
    #: 'records' or 'report': where `t3.carried_over.*` comes from.
    carried_over_from: Literal["records", "report"] = "records"
    #: `t3.carried_over` per column (total included) as counted from the records alone.
    records_carried_over: dict[str, int] = field(default_factory=dict)

    def refs(self, key: str) -> list[str]:
        """The records behind one cell (KeyError for a key that is not a 2021 cell)."""
        return self.sources[key]

    @property
    def open_at_year_end(self) -> list[str]:
        """The year-end snapshot of §7.6: refs of the applications still open on 31 Dec."""
        return self.sources["t3.carried_forward.total"]

    def carried_forward(self) -> dict[str, int]:
        """`t3.carried_forward` per column (total included): next year's `carried_over=`."""
        return {c: int(self.values[f"t3.carried_forward.{c}"]) for c in K.T3_COLUMNS}

    def to_report(
        self,
        agency: str,
        year: int | None = None,
        sections: Mapping[str, str] | None = None,
        *,
        fees: Mapping[str, Any] | None = None,
    ) -> Report:
        """An xxgk `Report` (format 2021) of these values. Sections not given (or blank) are drafted
        from the numbers by `xxgk.report.narrative.draft_sections`; `fees` (report-json.md
        `extra.fees`: notices, notice_amount_yuan, collected_yuan) feeds section 六. `year`, when
        given, must be the compiled year (a guard against publishing one year's numbers as another's)."""
        from xxgk.report.model import Report
        from xxgk.report.narrative import draft_sections

        if year is not None and year != self.year:
            raise ValueError(f"these tables were compiled for {self.year}, not {year}")
        extra: dict[str, Any] = {"office": {"compiled_from": "records", "carried_over_from": self.carried_over_from}}
        if fees is not None:
            extra["fees"] = dict(fees)
        report = Report.from_values(
            self.values, format="2021", agency=agency, year=self.year,
            sections=dict(sections or {}), source={"name": f"{agency} {self.year} office records", "origin": "xxgk.office"},
            extra=extra,
        )
        report.sections = draft_sections(report)
        return report


# --- compile ------------------------------------------------------------------------------------


def compile_year(
    year: int,
    applications: Iterable[ApplicationRecord],
    cases: Iterable[CaseRecord] = (),
    t2: T2Records | None = None,
    *,
    carried_over: Mapping[str, int] | Report | None = None,
) -> CompiledYear:
    """表二/三/四 of `year` from the records (conventions in the module docstring).

    `applications` and `cases` may hold records of any year (the whole register); only those that
    belong to `year` are counted, but all are validated. `carried_over` overrides 表三's
    `carried_over` row: last year's published report (its `carried_forward` row is read) or a mapping
    of the six applicant columns (a `total`, if present, must be their sum). Raises `CompileError`
    listing every invalid record."""
    if isinstance(year, bool) or not isinstance(year, int) or not 1 <= year <= 9999:
        raise CompileError([Problem("year", "year", f"年度 {year!r} 不是有效的年份")])
    problems: list[Problem] = []
    given = None if carried_over is None else _given_carried_over(carried_over, problems)
    t3 = _t3(year, applications, problems)
    t4 = _t4(year, cases, problems)
    t2_values, t2_sources = _t2(year, t2 if t2 is not None else T2Records(), problems)
    if problems:
        raise CompileError(problems)
    values: dict[str, int | str] = dict(t2_values)
    sources: dict[str, list[str]] = dict(t2_sources)
    for key, refs in (*t3.items(), *t4.items()):
        values[key] = len(refs)
        sources[key] = refs
    records_co = {c: int(values[f"t3.carried_over.{c}"]) for c in K.T3_COLUMNS}
    if given is not None:
        for c, n in given.items():
            values[f"t3.carried_over.{c}"] = n
    return CompiledYear(year, values, sources, "records" if given is None else "report", records_co)


def carried_forward_of(report: Report) -> dict[str, int]:
    """Last year's `t3.carried_forward` per applicant column (total included) from a published report;
    CompileError when a cell carries no number."""
    problems: list[Problem] = []
    out = _given_carried_over(report, problems)
    if problems:
        raise CompileError(problems)
    return out


def _given_carried_over(src: Mapping[str, int] | Report, problems: list[Problem]) -> dict[str, int]:
    """The six columns and their total from a report's carried_forward row or a mapping."""
    if hasattr(src, "cells") and hasattr(src, "value"):
        report: Any = src
        where = f"{report.year or '上年'}年报告"
        raw = {c: report.value(f"t3.carried_forward.{c}") for c in K.T3_COLUMNS}
    else:
        where = "carried_over"
        raw = dict(src)  # type: ignore[arg-type]
        unknown = sorted(set(raw) - set(K.T3_COLUMNS))
        if unknown:
            problems.append(Problem(where, "carried_over", f"未知的申请人类别：{_choices(unknown)}（可选：{_choices(K.T3_COLUMNS)}）"))
    out: dict[str, int] = {}
    for c in APPLICANT_TYPES:
        v = raw.get(c)
        if type(v) is not int or v < 0:
            problems.append(Problem(where, f"carried_over.{c}", f"「{K.T3_COLUMN_LABELS[c]}」列的上年结转数 {v!r} 不是非负整数"))
        else:
            out[c] = v
    if len(out) == len(APPLICANT_TYPES):
        out["total"] = sum(out.values())
        t = raw.get("total")
        if t is not None and t != out["total"]:
            problems.append(Problem(where, "carried_over.total", f"上年结转「总计」{t!r} ≠ 六列之和 {out['total']}"))
    return out


def _t3(year: int, applications: Iterable[ApplicationRecord], problems: list[Problem]) -> dict[str, list[str]]:
    """Refs per 表三 cell: one plain loop, two appends per counted application (totals joined after)."""
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    grid: dict[str, dict[str, list[str]]] = {c: {r: [] for r in _T3_ROWS} for c in APPLICANT_TYPES}
    outcomes = frozenset(OUTCOMES)
    seen: set[str] = set()
    n_before = len(problems)
    for a in applications:
        ref, col, rec, closed, out = a.ref, a.applicant_type, a.received_on, a.closed_on, a.outcome or None
        rows = grid.get(col)
        ok = rows is not None and type(rec) is date and type(ref) is str and ref != "" and ref not in seen
        if closed is None:
            ok = ok and out is None
        else:
            ok = ok and out in outcomes and type(closed) is date and closed >= rec
        if not ok:
            problems.extend(_application_problems(a, seen, outcomes))
            if type(ref) is str:
                seen.add(ref)
            continue
        seen.add(ref)
        if rec > dec31 or (closed is not None and closed < jan1):
            continue  # received after the year, or closed before it: another year's application
        rows["new_received" if rec >= jan1 else "carried_over"].append(ref)  # type: ignore[index]
        rows[out if closed is not None and closed <= dec31 else "carried_forward"].append(ref)  # type: ignore[index]
    if len(problems) > n_before:
        return {}
    out_cells: dict[str, list[str]] = {}
    for c, rows in grid.items():
        rows["results_total"] = [ref for r in OUTCOMES for ref in rows[r]]
    for r in _T3_ROWS:
        for c in APPLICANT_TYPES:
            out_cells[f"t3.{r}.{c}"] = grid[c][r]
        out_cells[f"t3.{r}.total"] = [ref for c in APPLICANT_TYPES for ref in grid[c][r]]
    return out_cells


def _application_problems(a: ApplicationRecord, seen: set[str], outcomes: frozenset[str]) -> list[Problem]:
    """Every reason `a` cannot be counted (called only for a record that failed the fast test)."""
    outcome = a.outcome or None  # the ORM stores "no outcome" as ""
    ref = a.ref if type(a.ref) is str and a.ref else repr(a.ref)
    p: list[Problem] = []
    if type(a.ref) is not str or not a.ref:
        p.append(Problem(ref, "ref", "缺少编号（ref）"))
    elif a.ref in seen:
        p.append(Problem(ref, "ref", "编号重复，同一申请会被统计两次"))
    if a.applicant_type not in APPLICANT_TYPES:
        p.append(Problem(ref, "applicant_type", f"未知的申请人类别 {a.applicant_type!r}（可选：{_choices(APPLICANT_TYPES)}）"))
    if type(a.received_on) is not date:
        p.append(Problem(ref, "received_on", f"收到日期 {a.received_on!r} 不是日期"))
    if outcome is not None and outcome not in outcomes:
        p.append(Problem(ref, "outcome", f"未知的办理结果 {outcome!r}，应为表三的 21 种办理结果之一"))
    if a.closed_on is None and outcome is not None:
        p.append(Problem(ref, "closed_on", f"有办理结果 {outcome} 却没有办结日期"))
    if a.closed_on is not None:
        if type(a.closed_on) is not date:
            p.append(Problem(ref, "closed_on", f"办结日期 {a.closed_on!r} 不是日期"))
        elif type(a.received_on) is date and a.closed_on < a.received_on:
            p.append(Problem(ref, "closed_on", f"办结日期 {a.closed_on} 早于收到日期 {a.received_on}"))
        if outcome is None:
            p.append(Problem(ref, "outcome", f"已于 {a.closed_on} 办结却没有办理结果"))
    return p


def _t4(year: int, cases: Iterable[CaseRecord], problems: list[Problem]) -> dict[str, list[str]]:
    """Refs per 表四 cell (decided in the year → result; open on 31 Dec → pending)."""
    jan1, dec31 = date(year, 1, 1), date(year, 12, 31)
    grid: dict[str, dict[str, list[str]]] = {b: {c: [] for c in CASE_RESULTS} for b in CASE_KINDS}
    seen: set[str] = set()
    for case in cases:
        p = _case_problems(case, seen)
        if type(case.ref) is str:
            seen.add(case.ref)
        if p:
            problems.extend(p)
            continue
        filed, decided = case.filed_on, case.decided_on
        if filed > dec31 or (decided is not None and decided < jan1):
            continue
        column = "pending" if decided is None or decided > dec31 else case.result
        grid[case.kind][column].append(case.ref)
    out: dict[str, list[str]] = {}
    for b in CASE_KINDS:
        for c in CASE_RESULTS:
            out[f"t4.{b}.{c}"] = grid[b][c]
        out[f"t4.{b}.total"] = [ref for c in CASE_RESULTS for ref in grid[b][c]]
    return out


def _case_problems(case: CaseRecord, seen: set[str]) -> list[Problem]:
    ref = case.ref if type(case.ref) is str and case.ref else repr(case.ref)
    p: list[Problem] = []
    if type(case.ref) is not str or not case.ref:
        p.append(Problem(ref, "ref", "缺少编号（ref）"))
    elif case.ref in seen:
        p.append(Problem(ref, "ref", "编号重复，同一案件会被统计两次"))
    if case.kind not in CASE_KINDS:
        p.append(Problem(ref, "kind", f"未知的案件类型 {case.kind!r}（可选：{_choices(CASE_KINDS)}）"))
    if case.result not in CASE_RESULTS:
        p.append(Problem(ref, "result", f"未知的案件结果 {case.result!r}（可选：{_choices(CASE_RESULTS)}）"))
    if type(case.filed_on) is not date:
        p.append(Problem(ref, "filed_on", f"立案日期 {case.filed_on!r} 不是日期"))
    if case.decided_on is None:
        if case.result in _DECIDED_RESULTS:
            p.append(Problem(ref, "decided_on", f"结果为 {case.result} 却没有审结日期"))
    elif type(case.decided_on) is not date:
        p.append(Problem(ref, "decided_on", f"审结日期 {case.decided_on!r} 不是日期"))
    else:
        if case.result == "pending":
            p.append(Problem(ref, "result", f"已于 {case.decided_on} 审结，结果却是 pending（尚未审结）"))
        if type(case.filed_on) is date and case.decided_on < case.filed_on:
            p.append(Problem(ref, "decided_on", f"审结日期 {case.decided_on} 早于立案日期 {case.filed_on}"))
    return p


def _t2(year: int, t2: T2Records, problems: list[Problem]) -> tuple[dict[str, int | str], dict[str, list[str]]]:
    """表二 values and refs: document flows and the derived stock, then the year's figures."""
    dec31 = date(year, 12, 31)
    values: dict[str, int | str] = {}
    sources: dict[str, list[str]] = {}
    seen: set[str] = set()
    for row in _T2_DOCUMENT_ROWS:
        issued: list[str] = []
        repealed: list[str] = []
        in_force: list[str] = []
        for d in getattr(t2, row):
            p = _document_problems(d, seen)
            if type(d.ref) is str:
                seen.add(d.ref)
            if p:
                problems.extend(p)
                continue
            if d.issued_on.year == year:
                issued.append(d.ref)
            if d.repealed_on is not None and d.repealed_on.year == year:
                repealed.append(d.ref)
            if d.issued_on <= dec31 and (d.repealed_on is None or d.repealed_on > dec31):
                in_force.append(d.ref)
        for col, refs in (("issued", issued), ("repealed", repealed), ("in_force", in_force)):
            values[f"t2.{row}.{col}"] = len(refs)
            sources[f"t2.{row}.{col}"] = refs
    for name in _T2_COUNTS:
        n = getattr(t2, name)
        if type(n) is not int or n < 0:
            problems.append(Problem(name, name, f"{name} 的件数 {n!r} 不是非负整数"))
        values[f"t2.{name}"] = n
    fee = t2.admin_fees_wan_yuan
    if isinstance(fee, bool) or not isinstance(fee, (Decimal, int)) or not Decimal(fee).is_finite() or fee < 0:
        problems.append(Problem("admin_fees_wan_yuan", "admin_fees_wan_yuan",
                                f"行政事业性收费 {fee!r} 应为非负的 Decimal（万元），不接受浮点数"))
    else:
        values[K.T2_FEE_KEY] = _wan_yuan(Decimal(fee))
    unknown = sorted(set(t2.sources) - {*_T2_COUNTS, "admin_fees_wan_yuan"})
    if unknown:
        problems.append(Problem("sources", "sources", f"T2Records.sources 的未知项：{_choices(unknown)}"))
    for name in (*_T2_COUNTS, "admin_fees_wan_yuan"):
        sources[f"t2.{name}"] = list(t2.sources.get(name, ()))
    return values, sources


def _document_problems(d: DocumentRecord, seen: set[str]) -> list[Problem]:
    ref = d.ref if type(d.ref) is str and d.ref else repr(d.ref)
    p: list[Problem] = []
    if type(d.ref) is not str or not d.ref:
        p.append(Problem(ref, "ref", "缺少编号（ref）"))
    elif d.ref in seen:
        p.append(Problem(ref, "ref", "编号重复，同一文件会被统计两次"))
    if type(d.issued_on) is not date:
        p.append(Problem(ref, "issued_on", f"制发日期 {d.issued_on!r} 不是日期"))
    if d.repealed_on is not None:
        if type(d.repealed_on) is not date:
            p.append(Problem(ref, "repealed_on", f"废止日期 {d.repealed_on!r} 不是日期"))
        elif type(d.issued_on) is date and d.repealed_on < d.issued_on:
            p.append(Problem(ref, "repealed_on", f"废止日期 {d.repealed_on} 早于制发日期 {d.issued_on}"))
    return p


def _wan_yuan(d: Decimal) -> str:
    """The amount as given, never rounded, at least two decimals ('0.00', '12.50', '3.125')."""
    if d.as_tuple().exponent > -2:  # type: ignore[operator]
        d = d.quantize(Decimal("0.01"))
    return format(d, "f")
