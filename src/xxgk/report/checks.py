"""Arithmetic checks of a report: the hard identities and the warnings of report-json.md.

Errors are reserved for what the printed table itself contradicts (domain.md §4.1); everything that
needs judgement, another report or the narrative is a warning (§4.2). A null operand never passes
silently: it turns the identity into an "unverifiable" warning (§4.4). Pure Python, no I/O.
"""

from __future__ import annotations

import functools
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from . import keys as K
from .finding import Finding
from .suggest import SUGGEST_KINDS, suggest
from .values import MAX_DIGITS, nfkc, numeric_text

if TYPE_CHECKING:  # pragma: no cover - the model imports this module, never the other way round
    from .model import Cell, Report

ERROR, WARNING = "error", "warning"
TABLE_FORMATS = ("2021", "2019")

#: The 2019 trial format's Table 二 column labels (domain.md §3.1), for messages only.
_T2_2019_COLUMN_LABELS = {
    "made": "本年新制作数量",
    "published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "previous_items": "上一年项目数量",
    "change": "本年增/减",
    "decisions": "处理决定数量",
    "items": "采购项目数量",
    "amount": "采购总金额",
}
#: Printed as it is, unit included (report-json.md): not a number we can hold to a format.
_FREE_TEXT_KEYS = frozenset({"t2_2019.procurement.amount"})
_SECTION_TITLES = K.SECTION_TITLES
#: Sections that are prose: empty text means missing. The other three hold a table; their text is
#: only its lead-in, often empty, so only a section never found counts as missing.
_PROSE_SECTIONS = ("overview", "problems", "other")


def check(report: Report, previous: Report | None = None) -> list[Finding]:
    """The reader's findings, then the value checks, the identities and the warnings."""
    findings = list(report.findings)
    findings += _value_checks(report)
    if report.format not in TABLE_FORMATS:
        return findings
    fmt = report.format
    for table, keys in (("t2", K.t2_keys(fmt)), ("t3", K.t3_keys(fmt)), ("t4", K.t4_keys())):
        if all(report.value(k) is None for k in keys):
            findings.append(Finding(f"{table}.missing", WARNING, [], f"表{_TABLE_NAMES[table]}缺失或全部为空，无法核对"))
        elif table == "t3":
            findings += [f for f in _t3_identities(report, fmt) if f]
        elif table == "t4":
            findings += [f for f in _t4_identities(report) if f]
    if report.source.get("kind") in SUGGEST_KINDS and any(f.severity == ERROR and f.rule.startswith(("t3.", "t4.")) for f in findings):
        findings += _suggestions(report, fmt)
    findings += _section_warnings(report)
    findings += _agency_warnings(report)
    findings += _narrative_warnings(report)
    if previous is not None:
        findings += _cross_year(report, previous)
    return findings


def _section_warnings(report: Report) -> list[Finding]:
    """The format's six sections, each one present: a report missing one is incomplete (domain.md
    §6.1 has published ones), and so is a reading that lost one (a heading swallowed by a table),
    which nothing else would show. A report with no section text at all (tables only, from a
    spreadsheet) is not held to it."""
    sections = report.sections
    if not any((sections.get(k) or "").strip() for k in K.SECTION_KEYS):
        return []
    missing = [k for k in K.SECTION_KEYS if k not in sections or (k in _PROSE_SECTIONS and not (sections[k] or "").strip())]
    if not missing:
        return []
    names = "；".join(_SECTION_TITLES[k] for k in missing)
    return [Finding("sections.missing", WARNING, [], f"缺少 {len(missing)} 个部分或其内容为空：{names}")]


def summarize(findings: Iterable[Finding]) -> dict[str, int]:
    """Both severities always present, so a caller can test `["error"]` without a default."""
    counts = {ERROR: 0, WARNING: 0}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


# --- labels -----------------------------------------------------------------------------------

_TABLE_NAMES = {"t2": "二", "t2_2019": "二", "t3": "三", "t4": "四"}


def _t3_row_labels() -> dict[str, str]:
    """Numbered sub-rows ("1.属于国家秘密") are ambiguous without their merged group label."""
    labels: dict[str, str] = {}
    for rows, groups in ((K.T3_ROWS_2021, K.T3_GROUPS_2021), (K.T3_ROWS_2019, K.T3_GROUPS_2019)):
        group = ""
        for key, label in rows:
            if key in groups and key != "granted":
                group = groups[key]
            labels[key] = f"{group}{label}" if label[0].isdigit() else label
    return labels


_T3_ROW_LABELS = _t3_row_labels()
_T2_ROW_LABELS = {row: label for row, label, _ in K.T2_ROWS_2021} | {row: label for row, label, _ in K.T2_ROWS_2019}
_T2_COLUMN_LABELS = K.T2_COLUMN_LABELS_2021 | _T2_2019_COLUMN_LABELS


def cell_label(key: str) -> str:
    """A cell as a person finds it on paper: table, row and column as printed."""
    table, _, rest = key.partition(".")
    row, _, col = rest.partition(".")
    if table == "t3":
        return f"表三「{_T3_ROW_LABELS.get(row, row)}」「{K.T3_COLUMN_LABELS.get(col, col)}」"
    if table == "t4":
        return f"表四「{K.T4_BLOCK_LABELS.get(row, row)}」「{K.T4_COLUMN_LABELS.get(col, col)}」"
    if table in ("t2", "t2_2019"):
        cols = f"「{_T2_COLUMN_LABELS.get(col, col)}」" if col else ""
        return f"表二「{_T2_ROW_LABELS.get(row, row)}」{cols}"
    return key


def _short_labels(keys: Sequence[str], limit: int = 3) -> str:
    names = "、".join(cell_label(k) for k in keys[:limit])
    return names + (f" 等 {len(keys)} 个单元格" if len(keys) > limit else "")


# --- values -----------------------------------------------------------------------------------


def _num(report: Report, key: str) -> int | None:
    """A count usable in a sum; anything else (null, text, a stray string) cannot take part."""
    cell = report.cells.get(key)
    if cell is None:
        return None
    v = cell.value
    return v if type(v) is int else None  # bool is not a count


def _decimal(report: Report, key: str) -> Decimal | None:
    v = report.value(key)
    if v is None or isinstance(v, bool):
        return None
    try:
        return Decimal(str(v))
    except InvalidOperation:
        return None


_PRINTED_ORDER = {k: i for i, k in enumerate(dict.fromkeys(K.cell_keys("2021") + K.cell_keys("2019")))}


def _value_checks(report: Report) -> Iterator[Finding]:
    """Rule 5: a reader must never coerce, so what it could not read as a number is shown here.

    A printed number that the cell cannot hold (a count `-3` or `1.5`, a fee `-2`) reads as `text`
    (values.parse_value never rounds nor drops a sign) but is reported as what it is, a number
    that breaks rule 5 (`value.non_negative_integer`), not as "not a number".

    Only the cells that can break it go through `_value_findings`, in printed order: a cell that is
    not `text` and holds nothing or a non-negative int never does (a fee's Decimal of such an int
    is ≥ 0), and that is nearly every cell of a report. tests/report/test_checks_fast.py holds this
    equal to checking every cell."""
    odd = [kc for kc in report.cells.items()
           if kc[1].semantic == "text" or ((v := kc[1].value) is not None and (type(v) is not int or v < 0))]
    if len(odd) > 1:
        odd.sort(key=_printed_rank)
    for key, cell in odd:
        yield from _value_findings(report, key, cell)


def _printed_rank(kc: tuple[str, Cell]) -> int:
    return _PRINTED_ORDER.get(kc[0], len(_PRINTED_ORDER))


def _value_findings(report: Report, key: str, cell: Cell) -> Iterator[Finding]:
    """Rule 5 for one cell (`_value_checks`)."""
    if key in _FREE_TEXT_KEYS:
        return
    if cell.semantic == "text":
        printed = numeric_text(cell.raw)
        if printed is None:
            yield Finding("value.not_a_number", ERROR, [key], f"{cell_label(key)}的内容「{cell.raw}」不是数字", actual=cell.raw)
        elif key in K.DECIMAL_KEYS:
            yield Finding("value.non_negative_integer", ERROR, [key], f"{cell_label(key)}为 {printed}，应为非负金额", actual=printed)
        elif printed.startswith("-") and Decimal(printed) != 0:
            yield Finding("value.non_negative_integer", ERROR, [key], f"{cell_label(key)}为 {printed}，件数不能为负", actual=printed)
        else:
            yield Finding("value.non_negative_integer", ERROR, [key], f"{cell_label(key)}为 {printed}，应为非负整数", actual=printed)
        return
    v = cell.value
    if v is None:
        return
    if key in K.DECIMAL_KEYS:
        d = _decimal(report, key)
        if d is None or d < 0:
            yield Finding("value.non_negative_integer", ERROR, [key], f"{cell_label(key)}为 {v}，应为非负金额", actual=v)
    elif not (isinstance(v, int) and not isinstance(v, bool)):
        yield Finding("value.non_negative_integer", ERROR, [key], f"{cell_label(key)}为 {v!r}，应为非负整数", actual=v)
    elif v < 0 and not key.endswith(K.SIGNED_SUFFIX):
        yield Finding("value.non_negative_integer", ERROR, [key], f"{cell_label(key)}为 {v}，件数不能为负", actual=v)


# --- hard identities --------------------------------------------------------------------------


def _identity(
    report: Report, rule: str, lhs: Sequence[str], rhs: Sequence[str], where: str, lhs_name: str, rhs_name: str,
    *, show_parts: bool = False, note: Callable[[], str] | None = None,
) -> Finding | None:
    """sum(lhs) = sum(rhs); a null operand makes it unverifiable rather than passed.

    `note` is only called when the identity fails: explaining a failure costs more than checking.
    """
    keys = [*lhs, *rhs]
    cells = report.cells
    vals = []
    for k in keys:  # `_num` inlined: 60 identities of up to 22 cells per report
        cell = cells.get(k)
        v = None if cell is None else cell.value
        vals.append(v if type(v) is int else None)
    if None in vals:
        nulls = [k for k, v in zip(keys, vals) if v is None]
        return Finding(
            f"{rule}.unverifiable", WARNING, keys,
            f"{where}：无法核对 {lhs_name} = {rhs_name}，{_short_labels(nulls)}为空或不是数字",
        )
    a = sum(vals[: len(lhs)])  # type: ignore[arg-type]
    b = sum(vals[len(lhs) :])  # type: ignore[arg-type]
    if a == b:
        return None
    parts = "+".join(str(v) for v in vals[: len(lhs)]) + "=" if show_parts else ""
    extra = note() if note else ""
    return Finding(rule, ERROR, keys, f"{where}：{lhs_name} ({parts}{a}) ≠ {rhs_name} ({b}){extra}", expected=a, actual=b)


#: A plan entry: (rule, lhs, rhs, where, lhs name, rhs name, show parts, column of a note).
_PlanEntry = tuple[str, tuple[str, ...], tuple[str, ...], str, str, str, bool, str | None]
#: What a plan's identities sum, prepared (`_operands`): a getter of the cells of the operand keys,
#: a getter of the values to negate (the right-hand sides), and per entry a getter of its values
#: with rhs negated (sum 0 when it holds) and a getter of its lhs + rhs values with the lhs count.
_Getter = Callable[[Any], tuple[Any, ...]]
_Operands = tuple[tuple[str, ...], _Getter, _Getter, tuple[tuple[_Getter, _Getter, int], ...]]


@functools.lru_cache(maxsize=8)
def _t3_plan(fmt: str) -> tuple[_PlanEntry, ...]:
    """Table 三's identities of a format, in the order they are checked: (rule, lhs, rhs, where,
    lhs name, rhs name, show parts, column of the `_localise` note). Built once per format."""
    leaves = K.t3_outcome_rows(fmt)
    plan: list[_PlanEntry] = []
    for col in K.T3_COLUMNS:
        c = f".{col}"
        plan.append(("t3.column_identity", ("t3.new_received" + c, "t3.carried_over" + c),
                     ("t3.results_total" + c, "t3.carried_forward" + c),
                     f"表三「{K.T3_COLUMN_LABELS[col]}」列", "一+二", "（七）+四", False, col))
    for row in K.t3_rows(fmt):
        plan.append(("t3.row_sum", tuple(f"t3.{row}.{c}" for c in K.T3_APPLICANT_COLUMNS), (f"t3.{row}.total",),
                     f"表三「{_T3_ROW_LABELS[row]}」行", "六类申请人之和", "总计", True, None))
    for col in K.T3_COLUMNS:
        plan.append(("t3.results_total", tuple(f"t3.{r}.{col}" for r in leaves), (f"t3.results_total.{col}",),
                     f"表三「{K.T3_COLUMN_LABELS[col]}」列", "（一）至（六）各项之和", "（七）总计", False, None))
    return tuple(plan)


def _t3_identities(report: Report, fmt: str) -> Iterator[Finding]:
    """The findings of Table 三's identities, in plan order: only those that do not hold are built."""
    plan = _t3_plan(fmt)
    leaves = K.t3_outcome_rows(fmt)
    for i in _not_holding(report, _t3_operands(fmt)):
        rule, lhs, rhs, where, lhs_name, rhs_name, show_parts, col = plan[i]
        finding = _identity(report, rule, lhs, rhs, where, lhs_name, rhs_name, show_parts=show_parts,
                            note=functools.partial(_localise, report, leaves, col) if col is not None else None)
        if finding is not None:  # pragma: no branch - `_not_holding` names only failing ones
            yield finding


@functools.lru_cache(maxsize=8)
def _t3_operands(fmt: str) -> _Operands:
    return _operands(_t3_plan(fmt))


def _operands(plan: tuple[_PlanEntry, ...]) -> _Operands:
    """What `plan`'s identities sum, derived from the plan once per format. The operand keys' values
    are a list `vals` (distinct keys in first-use order) followed by the negated values of the keys
    that appear on a right-hand side: an identity holds when the sum of its lhs values and its
    negated rhs values is 0, one getter and one sum."""
    keys = tuple(dict.fromkeys(k for entry in plan for k in (*entry[1], *entry[2])))
    index = {k: i for i, k in enumerate(keys)}
    negated = tuple(dict.fromkeys(k for entry in plan for k in entry[2]))
    negated_at = {k: len(keys) + i for i, k in enumerate(negated)}
    sums = []
    for _, lhs, rhs, *_rest in plan:
        if not lhs or not rhs:  # pragma: no cover - every identity relates two sides
            raise ValueError("an identity needs operands on both sides")
        # ≥ 2 indexes each: the getters return tuples
        signed = operator.itemgetter(*(index[k] for k in lhs), *(negated_at[k] for k in rhs))
        plain = operator.itemgetter(*(index[k] for k in (*lhs, *rhs)))
        sums.append((signed, plain, len(lhs)))
    return keys, _getter(keys), _getter(tuple(index[k] for k in negated)), tuple(sums)


def _getter(items: tuple[Any, ...]) -> _Getter:
    """`itemgetter(*items)` that returns a tuple even for one item."""
    if len(items) == 1:
        one = items[0]
        return lambda c: (c[one],)
    return operator.itemgetter(*items)


def _not_holding(report: Report, operands: _Operands) -> Iterator[int]:
    """Indexes of the plan entries that `_identity` would report (unverifiable or broken), in order:
    the ~40 identities of a report checked as one pass over prepared index tuples (`_operands`),
    `_identity` then builds the few findings. tests/report/test_checks_fast.py holds the two equal."""
    keys, cells_of, rhs_of, sums = operands
    try:
        vals = [c.value for c in cells_of(report.cells)]
    except KeyError:  # a cell missing: unverifiable
        get = report.cells.get
        vals = [None if (c := get(k)) is None else c.value for k in keys]
    if set(map(type, vals)) == {int}:  # bool is not a count
        vals.extend([-v for v in rhs_of(vals)])
        for i, (signed, _, _) in enumerate(sums):
            if sum(signed(vals)):
                yield i
        return
    vals = [v if type(v) is int else None for v in vals]
    for i, (_, plain, n) in enumerate(sums):
        vs = plain(vals)
        if None in vs or sum(vs[:n]) != sum(vs[n:]):  # type: ignore[arg-type]
            yield i


def _localise(report: Report, leaves: Sequence[str], col: str) -> str:
    """Rules 1 and 3 imply Σleaf + 四 = 一 + 二 (domain.md §4.1): it tells whether （七） alone is off."""
    operands = [f"t3.{r}.{col}" for r in (*leaves, "carried_forward", "new_received", "carried_over")]
    if any(_num(report, k) is None for k in operands):
        return ""
    left = sum(_num(report, f"t3.{r}.{col}") or 0 for r in (*leaves, "carried_forward"))
    right = (_num(report, f"t3.new_received.{col}") or 0) + (_num(report, f"t3.carried_over.{col}") or 0)
    if left == right:
        return f"；按明细：（一）至（六）之和+四 ({left}) = 一+二，疑「（七）总计」有误"
    return f"；按明细：（一）至（六）之和+四 ({left}) ≠ 一+二 ({right})，错误不只在「（七）总计」"


@functools.lru_cache(maxsize=1)
def _t4_plan() -> tuple[_PlanEntry, ...]:
    """Table 四's identities (one per block: the four result columns sum to 总计), built once."""
    plan: list[_PlanEntry] = []
    for block in K.T4_BLOCKS:
        plan.append(("t4.block_sum", tuple(f"t4.{block}.{c}" for c in K.T4_COLUMNS[:4]), (f"t4.{block}.total",),
                     f"表四「{K.T4_BLOCK_LABELS[block]}」", "维持+纠正+其他+尚未审结", "总计", True, None))
    return tuple(plan)


@functools.lru_cache(maxsize=1)
def _t4_operands() -> _Operands:
    return _operands(_t4_plan())


def _t4_identities(report: Report) -> Iterator[Finding]:
    plan = _t4_plan()
    for i in _not_holding(report, _t4_operands()):
        rule, lhs, rhs, where, lhs_name, rhs_name, show_parts, _ = plan[i]
        finding = _identity(report, rule, lhs, rhs, where, lhs_name, rhs_name, show_parts=show_parts)
        if finding is not None:  # pragma: no branch
            yield finding


# --- suggestions (domain.md §6.3) -------------------------------------------------------------

_SUGGESTION_CAUSES = {"digit_drop": "疑识别时漏掉一位数字", "value": "疑识别有误，也可能原件本身有误", "swap": "疑数字错列"}


def _suggestions(report: Report, fmt: str) -> list[Finding]:
    """One warning per suggestion of `suggest.suggest`: which cell, printed how and where, and what
    value would make the broken identities hold. The cells keep their printed values."""
    values = {k: _num(report, k) for k in (*K.t3_keys(fmt), *K.t4_keys())}
    out = []
    for s in suggest(values, fmt):
        scopes = "、".join(dict.fromkeys(_scope_label(i.rule, i.scope) for i in s.fixes))
        cause = _SUGGESTION_CAUSES[s.kind]
        keys = [k for k, _, _ in s.changes]
        if s.kind == "swap":
            (a, va, _), (b, vb, _) = s.changes
            what = f"{cell_label(a)}{_page(report, a)}（印刷为 {va}）与{cell_label(b)}{_page(report, b)}（印刷为 {vb}）若互换"
            expected: object = {a: vb, b: va}
            actual: object = {a: va, b: vb}
        else:
            ((key, printed, new),) = s.changes
            what = f"{cell_label(key)}{_page(report, key)}印刷为 {printed}，若为 {new}"
            expected, actual = new, printed
        out.append(Finding(
            "identity.suggestion", WARNING, keys,
            f"{what}，则{scopes}的勾稽关系均成立：{cause}；单元格保留印刷值，请对照原件核对",
            expected=expected, actual=actual,
        ))
    return out


def _scope_label(rule: str, scope: str) -> str:
    if rule == "t3.row_sum":
        return f"表三「{_T3_ROW_LABELS[scope]}」行"
    if rule == "t4.block_sum":
        return f"表四「{K.T4_BLOCK_LABELS[scope]}」"
    return f"表三「{K.T3_COLUMN_LABELS[scope]}」列"


def _page(report: Report, key: str) -> str:
    page = report.cells[key].where.get("page") if key in report.cells else None
    return f"（第 {page} 页）" if isinstance(page, int) else ""


# --- agency-dependent warnings ----------------------------------------------------------------

_TOWNSHIP_RE = re.compile(r".(?:镇|乡|街道|苏木)(?:人民政府|政府|办事处)?$")
_COUNTY_RE = re.compile(
    r"^(?:[^省市县区]{1,8}?(?:省|自治区))?"  # optional province
    r"(?:[^省市县区]{1,8}?(?:市|自治州|州|盟|地区))?"  # optional prefecture
    r"[^省市县区镇乡]{1,8}?(?<!自治)(?<!地)(?<!社)(?:县|区|旗)"  # the county or district itself
)


def agency_level(agency: str | None) -> str | None:
    """'township', 'county' or None (unknown or higher): only what the name clearly says.

    Rule-making power (规章) belongs to provinces, 设区的市/自治州 and ministries; townships,
    streets and county-level bodies have none. A name such as "某某市人民政府" could be a
    prefecture or a county-level city, so anything not clearly township or county returns None
    and no warning depends on it. The county pattern anchors on a place-name prefix so that a
    department name containing 区 or 县 at city level ("某某市城乡规划局") does not match.
    """
    name = unicodedata.normalize("NFKC", agency or "").replace(" ", "").replace("\u3000", "")
    if _TOWNSHIP_RE.search(name):
        return "township"
    if _COUNTY_RE.match(name):
        return "county"
    return None


_LEVEL_NAMES = {"township": "乡镇（街道）", "county": "县级"}
#: 万元 above which a fee is more likely 元 typed into 万元. The top bound keeps a large city's
#: 316441 万元 (domain.md §4.2) quiet; only a township or county body is held to the lower ones.
FEE_LIMITS_WAN_YUAN = {"township": Decimal(1000), "county": Decimal(100000), None: Decimal(10000000)}


def _agency_warnings(report: Report) -> Iterator[Finding]:
    level = agency_level(report.agency)
    table = "t2_2019" if report.format == "2019" else "t2"
    reg_keys = [k for k in K.t2_keys(report.format) if k.startswith(f"{table}.regulations.")]
    nonzero = [k for k in reg_keys if (_num(report, k) or 0) > 0]
    if level and nonzero:
        values = "，".join(f"{cell_label(k)} {_num(report, k)}" for k in nonzero)
        yield Finding(
            "t2.regulations_without_power", WARNING, nonzero,
            f"「{report.agency}」为{_LEVEL_NAMES[level]}机关，无规章制定权，但表二「规章」有非零数字：{values}",
        )
    fee = _decimal(report, K.T2_FEE_KEY) if report.format == "2021" else None
    limit = FEE_LIMITS_WAN_YUAN[level]
    if fee is not None and fee > limit:
        who = _LEVEL_NAMES.get(level or "", "任何机关")
        yield Finding(
            "t2.fee_scale", WARNING, [K.T2_FEE_KEY],
            f"表二「行政事业性收费」为 {report.value(K.T2_FEE_KEY)} 万元，对{who}而言超过 {limit} 万元，疑将「元」填作「万元」",
            expected=str(limit), actual=str(report.value(K.T2_FEE_KEY)),
        )


# --- narrative --------------------------------------------------------------------------------

_EXCLUDE = re.compile(r"复议|诉讼|信访|投诉|举报|咨询|其他|其它|上年|去年|上一年")
#: A quoted count has at most MAX_DIGITS digits (a longer run is no count and int() would refuse it
#: past 4,300 digits: fuzz, issue 13).
_N = rf"(?P<n>\d{{1,{MAX_DIGITS}}})"
_RECEIVED_RE = re.compile(
    r"(?P<verb>新收到?|收到|接到|受理)(?P<mid>[^,;:\d]{0,25}?)申请(?!人)(?:公开)?的?(?:数量)?(?:共计|合计|总计|共|为)*" + _N + "件"
)
_NONE_RE = re.compile(r"(?:未|没有)(?:收到|接到|受理)(?P<mid>[^,;:\d]{0,25}?)申请(?!人|公开)")
_GRANTED_RE = re.compile(r"(?<!部分)(?<!主动)予以公开的?共?" + _N + "件")
_NO_FEE_NOTICE_RE = re.compile(r"(?:未|没有)(?:发出|发放|下发|出具|开具)[^,;。]{0,20}?收费通知")


_STOP_RE = re.compile(r"[。;!?]")


def _sentences(text: str) -> list[str]:
    r"""NFKC, whitespace removed except between digits (so "3 0 0" never reads as 300), split on 。;!?.

    A run of whitespace between two digits becomes "|", any other goes: `str.split` cuts at the
    same runs as the pattern `\s` (both are `str.isspace`) and `isdecimal` is the pattern's `\d`,
    so the words are joined as `re.sub(r"(?<=\d)\s+(?=\d)", "|")` then `re.sub(r"\s+", "")` would
    leave them, without two scans of the whole text (tests/report/test_checks_fast.py)."""
    words = nfkc(text).split()
    if len(words) > 1:
        glued = [words[0]]
        for prev, word in zip(words, words[1:]):
            if prev[-1].isdecimal() and word[0].isdecimal():
                glued.append("|")
            glued.append(word)
        t = "".join(glued)
    else:
        t = words[0] if words else ""
    return [s for s in _STOP_RE.split(t) if s]


def _about_other_year(prefix: str, year: int | None) -> bool:
    years = {int(y) for y in re.findall(r"(?<!\d)(20\d\d|19\d\d)(?!\d)", prefix)}
    return bool(re.search(r"上年|去年|上一年", prefix)) or bool(year and years - {year})


def _narrative_claims(text: str, year: int | None) -> Iterator[tuple[str, str, int]]:
    """(kind, quoted text, number) for the few sentence patterns that unambiguously state a t3 total."""
    for s in _sentences(text):
        if "除" in s or "申请" not in s:  # all three need 申请: two print it, 予以公开 counts only beside it
            continue
        for m in _RECEIVED_RE.finditer(s):
            if not _EXCLUDE.search(m["mid"]) and not _about_other_year(s[: m.start()], year):
                yield ("new" if m["verb"].startswith("新收") else "received"), m[0], int(m["n"])
        for m in _NONE_RE.finditer(s):
            mid = m["mid"].replace("法人或其他组织", "")  # the fixed phrase, not "其他申请"
            if re.search(r"公开|信息", mid) and not _EXCLUDE.search(mid) and not _about_other_year(s[: m.start()], year):
                yield "new", m[0] + "（即 0 件）", 0
        for m in _GRANTED_RE.finditer(s):
            if not _about_other_year(s[: m.start()], year):
                yield "granted", m[0], int(m["n"])


def _narrative_warnings(report: Report) -> Iterator[Finding]:
    new, carried = _num(report, "t3.new_received.total"), _num(report, "t3.carried_over.total")
    granted = _num(report, "t3.granted.total")
    seen: set[tuple[str, int]] = set()
    for section in ("overview", "applications"):
        for kind, quote, n in _narrative_claims(report.sections.get(section) or "", report.year):
            if (quote, n) in seen:
                continue
            seen.add((quote, n))
            where = f"「{_SECTION_TITLES[section]}」写「{quote}」"
            if kind == "granted" and granted is not None and n != granted:
                yield Finding("narrative.mismatch", WARNING, ["t3.granted.total"],
                              f"{where}，但{cell_label('t3.granted.total')}为 {granted}", expected=granted, actual=n)
            elif kind == "new" and new is not None and n != new:
                yield Finding("narrative.mismatch", WARNING, ["t3.new_received.total"],
                              f"{where}，但{cell_label('t3.new_received.total')}为 {new}", expected=new, actual=n)
            elif kind == "received" and new is not None and n != new and (carried is None or n != new + carried):
                # "收到" is sometimes written to include the carried-over applications: accept either.
                yield Finding("narrative.mismatch", WARNING, ["t3.new_received.total", "t3.carried_over.total"],
                              f"{where}，但表三新收总计为 {new}（连同上年结转为 {new + (carried or 0)}）", expected=new, actual=n)
    unpaid = _num(report, "t3.other_fee_unpaid.total")
    if unpaid and report.format == "2021":
        for s in _sentences(report.sections.get("other") or ""):
            m = _NO_FEE_NOTICE_RE.search(s)
            if m:
                yield Finding(
                    "t3.fee_unpaid_vs_notice", WARNING, ["t3.other_fee_unpaid.total"],
                    f"{cell_label('t3.other_fee_unpaid.total')}为 {unpaid}，但「{_SECTION_TITLES['other']}」写「{m[0]}」",
                    actual=unpaid,
                )
                break


# --- cross-year -------------------------------------------------------------------------------


def _cross_year(report: Report, previous: Report) -> Iterator[Finding]:
    """Corrections after publication make years legitimately differ, hence warnings only."""
    if report.year is not None and previous.year is not None and previous.year != report.year - 1:
        yield Finding("t3.cross_year", WARNING, [],
                      f"用于对比的上年报告为 {previous.year} 年，本报告为 {report.year} 年，应为 {report.year - 1} 年；未作跨年核对")
        return
    prev_name = f"{previous.year} 年报告" if previous.year else "上年报告"
    for col in K.T3_COLUMNS:
        now, before = _num(report, f"t3.carried_over.{col}"), _num(previous, f"t3.carried_forward.{col}")
        if now is not None and before is not None and now != before:
            yield Finding(
                "t3.cross_year", WARNING, [f"t3.carried_over.{col}"],
                f"表三「{K.T3_COLUMN_LABELS[col]}」列：本年「二、上年结转」({now}) ≠ {prev_name}「四、结转下年度继续办理」({before})",
                expected=before, actual=now,
            )
    if report.format == "2021" and previous.format == "2021":
        yield from _stock_flow(report, previous)


def _stock_flow(report: Report, previous: Report) -> Iterator[Finding]:
    for row in ("regulations", "normative_documents"):
        keys = [f"t2.{row}.{c}" for c in ("in_force", "issued", "repealed")]
        now, issued, repealed = (_num(report, k) for k in keys)
        before = _num(previous, f"t2.{row}.in_force")
        if None in (now, issued, repealed, before):
            continue
        expected = before + issued - repealed  # type: ignore[operator]
        if now != expected:
            yield Finding(
                "t2.stock_flow", WARNING, keys,
                f"表二「{_T2_ROW_LABELS[row]}」：现行有效件数 ({now}) ≠ 上年现行有效 ({before}) + 本年制发 ({issued}) − 本年废止 ({repealed}) = {expected}",
                expected=expected, actual=now,
            )
