"""Assign a stream of tokens to the cells of Tables 二, 三 and 四.

Rows are found first by distinctive label substrings (domain.md §6: `国家秘密`, `三安全`, `另行制作` …) in
the text accumulated since the previous value, restricted to rows *after* the current one: when every
run of values is labelled that way, in order, that is the reading (the common case, and the fast one).
Otherwise the runs are aligned with the format's rows by label similarity and order (`align`): typos,
other numbering, wrapped, detached, missing or merged labels, unlabeled rows, a 2019 row in a 2021
table; every placement that is not an exact label is a finding, and a run that cannot be placed is an
error, never a shifted table. The values that follow a label belong to that row. A row with more
values than columns is resolved by the row identity and then by the column identities; every choice
that matters is reported as a finding.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..report import keys as K
from ..report.model import Cell, Finding
from ..report.values import read_value
from . import align, glued, gluedrows
from .tokens import Token
from .displaced import place as place_displaced  # after .tokens: keeps the lines above as on main
from .placements import findings as placement_findings
# The formats' rows (label patterns, cell keys) and the result type, re-exported: `assign.RowSpec` …
from .rowspecs import MAX_ROW_VALUES, Assigned, RowSpec, t2_specs, t3_specs  # noqa: F401

# --- Token stream → rows ------------------------------------------------------------------------


def group_rows(
    tokens: Iterable[Token], specs: Sequence[RowSpec], table: str = "表", *, glued: bool = False
) -> tuple[dict[int, list[Token]], list[Finding], dict[int, int], set[int]]:
    """Split the stream into value lists per row index (see module docstring and `align`).

    Also returns, per row, how many values were dropped past MAX_ROW_VALUES, and the rows that the
    table printed merged into one (left empty, with a finding). Label text is kept only up to a
    bound, so neither a row nor a label can grow with the input. In a `glued` table (cells printed
    without separators) a row is one run after its label, so any word between two runs starts a
    new unit (`_GluedEvidence`)."""
    ev, memo = _for_specs(specs)
    width = max(len(s.columns) for s in specs)
    cut = _GluedEvidence(ev) if glued else ev
    found, dropped, trailing = align.units(tokens, split_min=max(2, width - SPLIT_SLACK), max_values=MAX_ROW_VALUES, evidence=cut)
    if any(s.name == "granted" for s in specs):  # Table 三: each row's 总计 is the sum of the six
        found = _split_by_count(found, width, ((0, width),))
    placed = _greedy(found, specs, memo)
    findings: list[Finding] = []
    if placed is None:
        placed, score = align.align(found, ev, trailing.text)
        spread = align.spread_labels(found, ev)
        if spread is not None:
            placed_spread, score_spread = align.align(spread, ev, trailing.text)
            if score_spread > score and _lost(placed) and not _lost(placed_spread):
                found, placed, score = spread, placed_spread, score_spread
        below = align.labels_below(found, trailing, ev)
        if below is not None:
            placed_below, score_below = align.align(below, ev)
            if score_below > score and _lost(placed_below) <= _lost(placed):
                found, placed = below, placed_below
                findings.append(Finding("read.labels_below", "warning", [], f"{table}各行标签印在其数值之下，已按数值下方的标签读取各行"))
        if any(p.how == "unplaced" for p in placed):
            placed = _out_of_order(found, ev, specs, table, findings) or placed
    groups: dict[int, list[Token]] = {}
    overflow: dict[int, int] = {}
    merged: set[int] = set()
    for p in placed:
        u = found[p.unit]
        findings.extend(placement_findings(p, u, specs, table, placed))
        if p.how == "merged":
            merged.update(p.rows)
        elif p.rows:
            row = p.rows[0]
            groups[row] = u.values
            if u.dropped:
                overflow[row] = u.dropped
    if dropped:
        findings.append(
            Finding("read.table_overflow", "error", [], f"{table}的数值行超过 {align.MAX_UNITS} 行（多出 {dropped} 个数未读）；提取结果异常，请检查文件")
        )
    return groups, findings, overflow, merged


def _split_by_count(found: list[align.Unit], width: int, sum_groups: Sequence[tuple[int, int]]) -> list[align.Unit]:
    """A unit of exactly k × `width` values (k ≥ 2) whose every row of `width` satisfies the row
    identity is k rows, the later ones printed without labels (one cell per line loses the line
    breaks that `align.units` cuts at); otherwise it is one row with extra values, as before."""
    out: list[align.Unit] = []
    for u in found:
        n = len(u.values)
        if u.dropped or n < 2 * width or n % width or any(t.optional for t in u.values):
            out.append(u)
            continue
        chunks = [u.values[i : i + width] for i in range(0, n, width)]
        if all(_row_sum_ok(_ints(c[a:b], ["x"] * (b - a))) is True for c in chunks for a, b in sum_groups):
            out.append(align.Unit(u.text, chunks[0], printed=u.printed))
            out.extend(align.Unit("", c) for c in chunks[1:])
        else:
            out.append(u)
    return out


def _lost(placed: Sequence[align.Placement]) -> int:
    """Units another reading of the same table leaves unplaced: it may replace the usual reading only
    with no more of them (a better score bought by dropping a row is no better reading)."""
    return sum(1 for p in placed if not p.rows and p.how != "merged")


#: Rows printed without labels, one per line, are told apart from one row wrapped over lines when
#: both lines hold at least (widest row − SPLIT_SLACK) values: 5 of Table 三's 7 (a row may lose a
#: blank cell or two in extraction), 2 of Table 二's 3 (fitted on ../shared/real 013).
SPLIT_SLACK = 2


_WORD = re.compile(r"[\u4e00-\u9fff]")


class _GluedEvidence:
    """Unit cutting in a glued table: a word printed between two digit runs is a row label even when
    it resembles no row (`上年结转…1000001予于公开95001015`: the typo'd 予以公开 is the next row's
    label, not noise inside 上年结转's row). Joining the runs would leave that row missing (a mere
    warning) and hand its digits to the row before; cut, the unit is placed by order between its
    neighbours, with a finding, or left unplaced as an error."""

    def __init__(self, ev: align.Evidence) -> None:
        self.ev = ev

    def any(self, text: str) -> bool:
        return _WORD.search(text) is not None or self.ev.any(text)


@functools.lru_cache(maxsize=None)
def _evidence(specs: tuple[RowSpec, ...]) -> align.Evidence:
    groups = K.T3_GROUPS_2021.values() if any(s.name == "granted" for s in specs) else ()
    return align.Evidence(specs, groups)


#: Most (label text, current row) answers of `_match_row` kept per table format before they are
#: forgotten (bounds memory whatever the input).
MAX_ROW_MEMO = 8192


@functools.lru_cache(maxsize=None)
def _row_memo(specs: tuple[RowSpec, ...]) -> dict[tuple[str, int], int | None]:
    """`_match_row`'s answers for one table's specs: the same labels come back in every report, and
    each answer costs a pattern search per row after the current one."""
    return {}


_BY_SPECS: dict[int, tuple[tuple[RowSpec, ...], align.Evidence, dict[tuple[str, int], int | None]]] = {}


def _for_specs(specs: Sequence[RowSpec]) -> tuple[align.Evidence, dict[tuple[str, int], int | None]]:
    """`_evidence` and `_row_memo` of `specs`, looked up by the tuple's identity first: `t2_specs`
    and `t3_specs` hand out the same tuple every time, and hashing its ~25 specs (each a frozen
    dataclass with a pattern) for the two caches cost more than what they keep."""
    specs = tuple(specs)
    got = _BY_SPECS.get(id(specs))
    if got is None or got[0] is not specs:
        got = (specs, _evidence(specs), _row_memo(specs))
        if len(_BY_SPECS) >= 64:
            _BY_SPECS.clear()
        _BY_SPECS[id(specs)] = got  # holds `specs`, so its id is not reused while here
    return got[1], got[2]


def _greedy(
    found: Sequence[align.Unit], specs: Sequence[RowSpec], memo: dict[tuple[str, int], int | None] | None = None
) -> list[align.Placement] | None:
    """Today's reading when it is certain: every unit labelled by its row's distinctive substring,
    in printed order (the last such row after the current one). None as soon as one is not.
    `memo`: `_match_row`'s answers for these specs (`_row_memo`)."""
    out = []
    current = -1
    for i, u in enumerate(found):
        if not u.text:
            return None
        if memo is None:
            idx = _match_row(u.text, specs, current)
        else:
            key = (u.text, current)
            try:
                idx = memo[key]
            except KeyError:
                if len(memo) >= MAX_ROW_MEMO:
                    memo.clear()
                idx = memo[key] = _match_row(u.text, specs, current)
        if idx is None:
            return None
        out.append(align.Placement(i, (idx,), "exact", 1.0))
        current = idx
    return out


def _match_row(text: str, specs: Sequence[RowSpec], current: int) -> int | None:
    """The last printed row after `current` whose label occurs in `text`."""
    best = None
    for i in range(current + 1, len(specs)):
        if specs[i].pattern.search(text):
            best = i
    return best


def _out_of_order(
    found: Sequence[align.Unit], ev: align.Evidence, specs: Sequence[RowSpec], table: str, findings: list[Finding]
) -> list[align.Placement] | None:
    """Every unit exactly labelled, each with its own row, but not in the format's order (Table 二's
    single-value blocks printed before the 第（一）项 table): placed by label, with a warning."""
    rows = align.exact_rows(found, ev)
    if any(r is None for r in rows) or len(set(rows)) != len(rows):
        return None
    order = " → ".join(f"「{specs[r].label}」" for r in rows if r is not None)
    findings.append(Finding("read.rows_out_of_order", "warning", [], f"{table}各行的印刷顺序与格式不同（{order}），已按各行标签读取"))
    return [align.Placement(i, (r,), "exact", 1.0) for i, r in enumerate(rows) if r is not None]


# --- Rows → cells -------------------------------------------------------------------------------


def _ints(toks: Sequence[Token], cols: Sequence[str]) -> list[int | None]:
    out: list[int | None] = []
    for t, k in zip(toks, cols):
        value = _read(k, t)[0]
        out.append(value if isinstance(value, int) else None)
    return out


def _read(key: str, tok: Token) -> tuple[object, str]:
    """(value, semantic) of `tok` as the cell `key` — what `Cell.from_raw` would hold — without
    building the Cell: candidate windows are compared many times before one is kept."""
    return read_value("" if tok.blank else tok.raw, key in K.DECIMAL_KEYS, key.endswith(K.SIGNED_SUFFIX))


def _row_sum_ok(values: Sequence[int | None]) -> bool | None:
    """True/False if the last value equals the sum of the others; None if a value is missing."""
    if any(v is None for v in values):
        return None
    return sum(values[:-1]) == values[-1]  # type: ignore[arg-type]


def _windows(toks: list[Token], width: int, sum_groups: Sequence[tuple[int, int]]) -> list[tuple[int, ...]]:
    """Start offsets of the windows of `width` whose sum identities hold (or cannot be verified)."""
    good = []
    for start in range(len(toks) - width + 1):
        win = toks[start : start + width]
        ok = True
        for a, b in sum_groups:
            vals = _ints(win[a:b], ["x"] * (b - a))
            if _row_sum_ok(vals) is False:
                ok = False
        if ok:
            good.append((start,))
    return good


def _cells(spec: RowSpec, toks: Sequence[Token]) -> dict[str, Cell]:
    return {k: Cell.from_raw(k, "" if t.blank else t.raw, t.where) for k, t in zip(spec.columns, toks)}


def _empty(spec: RowSpec) -> dict[str, Cell]:
    return {k: Cell.from_raw(k, "") for k in spec.columns}


@dataclass
class _Choice:
    spec: RowSpec
    candidates: list[list[Token]]  # distinct candidate value lists, each of len(spec.columns)
    resolved_by_row: bool  # True if the row identity already singled out the candidates
    #: Some window would have given other values: the choice matters and is reported.
    mattered: bool = False
    #: Every value the row carried (the candidates are windows of it).
    toks: list[Token] = field(default_factory=list)


def assign_rows(
    tokens: Iterable[Token], specs: Sequence[RowSpec], *, table: str, sum_groups: Sequence[tuple[int, int]] = (),
    quoted: Callable[[], Mapping[str, frozenset[int]]] | None = None,
) -> Assigned:
    """Assign tokens to the cells of `specs`.

    `sum_groups` are (start, end) column ranges whose last member is the sum of the others (Table 三
    rows: [(0, 7)]), used to choose among windows when a row carries extra values. In a table whose
    cells were printed glued, a row with fewer numbers than cells is split by `gluedrows` (with the
    numbers the narrative `quoted` about each row).
    """
    out = Assigned()
    tokens = list(tokens)
    widest = glued.MAX_T2_DIGITS if specs[0].columns[0].startswith("t2") else glued.MAX_COUNT_DIGITS
    glued_table = gluedrows.is_glued((t for t in tokens if t.is_value), widest)
    groups, out.findings, overflow, merged = group_rows(tokens, specs, table, glued=glued_table)
    glued_rows: list[gluedrows.GluedRow] = []
    choices: list[_Choice] = []
    read: set[int] = set()
    for i, spec in enumerate(specs):
        width = len(spec.columns)
        toks = _settle(groups.get(i, []), width)
        if toks:
            read.add(i)
            out.rows_found += 1
            out.last_row = i
        if i in overflow:
            out.cells.update(_empty(spec))
            out.findings.append(_overflow(table, spec.label, list(spec.columns), len(toks) + overflow[i], width))
        elif len(toks) == width:
            out.cells.update(_cells(spec, toks))
        elif not toks:
            out.cells.update(_empty(spec))
        elif len(toks) > width:
            choices.append(_row_choice(spec, toks, sum_groups, out))
        elif glued_table and gluedrows.fits(toks, width):
            glued_rows.append(gluedrows.GluedRow(spec.label, spec.columns, toks, spec.name))
        elif len(toks) == 1 and width > 1 and sum_groups:
            out.cells.update(_empty(spec))
            total = spec.columns[-1]
            out.cells[total] = Cell.from_raw(total, toks[0].raw, toks[0].where)
            out.findings.append(
                Finding("read.total_only", "warning", list(spec.columns), f"{table}「{spec.label}」行只有一个数（{toks[0].raw.strip()}），已作为总计；其余单元格为空")
            )
        else:
            out.cells.update(_empty(spec))
            raws = " ".join(t.raw.strip() for t in toks)
            out.findings.append(
                Finding(
                    "read.row_incomplete",
                    "error",
                    list(spec.columns),
                    f"{table}「{spec.label}」行有 {len(toks)} 个数（{raws}），应为 {width} 个；无法确定各数所属列，未采用",
                    expected=width,
                    actual=len(toks),
                )
            )
    missing = [s for i, s in enumerate(specs) if i not in read and i not in overflow and i not in merged]
    if missing and out.rows_found:
        for s in missing:
            out.findings.append(Finding("read.row_missing", "warning", list(s.columns), f"{table}未找到「{s.label}」行的数据"))
    _resolve(choices, out, table)
    if glued_rows:
        cells, found = gluedrows.solve_rows(glued_rows, out.cells, table, quoted() if quoted else None)
        out.cells.update(cells)
        out.findings.extend(found)
    return out


def _settle(toks: list[Token], width: int) -> list[Token]:
    """The tokens of a row that holds optional blanks (`Token.optional`: empty grid cells at the edge
    of the row's values, which may be blank data cells or mere layout).

    Exactly `width` tokens: the optional blanks are blank data cells. More: they are dropped from the
    edges of the row if exactly one window of `width` tokens is left that way (a real value is never
    dropped, nor moved to another column by a blank). Otherwise, or with fewer tokens, every optional
    blank is dropped and the row is read as it would be without them (a finding where it does not
    fit), never by a guess."""
    if not toks or not any(t.optional for t in toks):
        return toks
    n = len(toks)
    if n == width:
        return toks
    if n > width:
        fits: dict[tuple[str, ...], list[Token]] = {}
        for s in range(n - width + 1):
            if all(t.optional for t in toks[:s]) and all(t.optional for t in toks[s + width :]):
                win = toks[s : s + width]
                fits.setdefault(tuple("" if t.blank else t.raw for t in win), win)
        if len(fits) == 1:
            return next(iter(fits.values()))
    return [t for t in toks if not t.optional]


def _overflow(table: str, label: str, cells: list[str], n: int, width: int) -> Finding:
    return Finding(
        "read.row_overflow",
        "error",
        cells,
        f"{table}「{label}」行有 {n} 个数，远多于 {width} 列；提取结果异常，未采用",
        expected=width,
        actual=n,
    )


def _row_choice(spec: RowSpec, toks: list[Token], sum_groups: Sequence[tuple[int, int]], out: Assigned) -> _Choice:
    width = len(spec.columns)
    starts = [s for (s,) in _windows(toks, width, sum_groups)] if sum_groups else []
    by_row = bool(starts)
    if not starts:
        # No window satisfies the identity (or there is none): only drop extras that carry nothing.
        starts = [s for s in range(len(toks) - width + 1) if all(_is_filler(t) for t in toks[:s] + toks[s + width :])]
    if not starts:
        starts = list(range(len(toks) - width + 1))
        by_row = False
    # What each window reads as, once per window (it was computed twice per start, then again).
    sigs = [_sig(spec, toks[s : s + width]) for s in range(len(toks) - width + 1)]
    distinct: list[list[Token]] = []
    seen: set[tuple[object, ...]] = set()
    for s in starts:
        if sigs[s] not in seen:
            seen.add(sigs[s])
            distinct.append(toks[s : s + width])
    return _Choice(spec, distinct, by_row, mattered=len(set(sigs)) > 1, toks=list(toks))


def _sig(spec: RowSpec, win: Sequence[Token]) -> tuple[tuple[object, str], ...]:
    """(value, semantic) of each cell `win` gives the row: two windows that read alike are one candidate."""
    return tuple(_read(k, t) for k, t in zip(spec.columns, win))


def _is_filler(tok: Token) -> bool:
    return tok.blank or tok.norm in ("0", "", "/", "-", "—")


def _resolve(choices: list[_Choice], out: Assigned, table: str) -> None:
    """Fix rows with extra values: unique candidates directly, the rest by the column identities."""
    open_: list[_Choice] = []
    for ch in choices:
        if len(ch.candidates) == 1:
            out.cells.update(_cells(ch.spec, ch.candidates[0]))
            if ch.resolved_by_row and ch.mattered:
                kept = " ".join(t.raw.strip() for t in ch.candidates[0])
                out.findings.append(
                    Finding("read.window_by_identity", "warning", list(ch.spec.columns), f"{table}「{ch.spec.label}」行数值多于列数，按本行勾稽关系取 {kept}")
                )
            elif not ch.resolved_by_row:
                out.findings.append(
                    Finding("read.extra_cells", "warning", list(ch.spec.columns), f"{table}「{ch.spec.label}」行多出数值单元格，已去掉首尾的空白或 0 占位")
                )
        else:
            open_.append(ch)
    if choices and sum_groups_of(choices):
        out.findings.extend(place_displaced(out.cells, [t for ch in choices if len(ch.candidates) == 1 for t in _left_out(ch)], table))
    if not open_:
        return
    combos = list(itertools.islice(itertools.product(*(ch.candidates for ch in open_)), 4096))
    good = [c for c in combos if _columns_hold(out.cells, open_, c)]
    for i, ch in enumerate(open_):
        if len(good) == 1:
            out.cells.update(_cells(ch.spec, good[0][i]))
        else:  # undecided: keep only what every remaining candidate agrees on (README: no guess)
            out.cells.update(_agreed(ch.spec, [c[i] for c in good] or ch.candidates))
        alts = " | ".join(" ".join(t.raw.strip() for t in cand) for cand in ch.candidates)
        if len(good) == 1:
            out.findings.append(
                Finding("read.window_by_identity", "warning", list(ch.spec.columns), f"{table}「{ch.spec.label}」行数值多于列数，候选 {alts}；按列勾稽关系选定")
            )
        else:
            out.findings.append(
                Finding(
                    "read.ambiguous_cells",
                    "error",
                    list(ch.spec.columns),
                    f"{table}「{ch.spec.label}」行数值多于列数，候选 {alts} 均无法由勾稽关系唯一确定，各候选不一致的单元格留空，请人工核对",
                )
            )


def _agreed(spec: RowSpec, candidates: Sequence[Sequence[Token]]) -> dict[str, Cell]:
    """The row's cells when no identity decides among `candidates`: a cell on which all of them
    agree keeps that value (and the first candidate's location); the others are left blank, never
    filled with one candidate's guess."""
    first = _cells(spec, candidates[0])
    out = {}
    for j, key in enumerate(spec.columns):
        texts = {"" if cand[j].blank else cand[j].raw for cand in candidates}
        out[key] = first[key] if len(texts) == 1 else Cell.from_raw(key, "")
    return out
def sum_groups_of(choices: Sequence[_Choice]) -> bool:
    """Were these rows settled by a row identity (Table 三), so that a value left out is a stray?"""
    return any(ch.resolved_by_row for ch in choices)


def _left_out(ch: _Choice) -> list[Token]:
    """The values of a settled row outside the window kept (when the window is where it was found)."""
    win = ch.candidates[0]
    for s in range(len(ch.toks) - len(win) + 1):
        if ch.toks[s : s + len(win)] == win:
            return ch.toks[:s] + ch.toks[s + len(win) :]
    return []


def _columns_hold(cells: dict[str, Cell], open_: list[_Choice], combo: tuple[list[Token], ...]) -> bool:
    """Do Table 三's column identities (rules 1 and 3) hold with this choice of windows?"""
    trial = dict(cells)
    for ch, win in zip(open_, combo):
        trial.update(_cells(ch.spec, win))
    rows = [s.name for s in t3_specs("2019" if "t3.other_processing.total" in trial else "2021")]
    leaf = rows[rows.index("granted") : rows.index("results_total")]
    for col in K.T3_COLUMNS:

        def v(r: str) -> int | None:
            c = trial.get(f"t3.{r}.{col}")
            return c.value if c is not None and isinstance(c.value, int) else None

        a, b, t, f = v("new_received"), v("carried_over"), v("results_total"), v("carried_forward")
        if None not in (a, b, t, f) and a + b != t + f:  # type: ignore[operator]
            return False
        leaves = [v(r) for r in leaf]
        if t is not None and None not in leaves and sum(leaves) != t:  # type: ignore[arg-type]
            return False
    return True


# --- Table 四 -------------------------------------------------------------------------------------


def assign_t4(tokens: Iterable[Token]) -> Assigned:
    """Table 四 is one row of 15 values in fixed order; its header text is never used (domain.md §6.1)."""
    out = Assigned()
    keys = K.t4_keys()
    vals: list[Token] = []
    dropped = 0
    for t in tokens:
        if t.is_value:
            if len(vals) < MAX_ROW_VALUES:
                vals.append(t)
            else:
                dropped += 1
    if dropped:
        out.rows_found = 1
        out.cells.update({k: Cell.from_raw(k, "") for k in keys})
        out.findings.append(_overflow("表四", "行政复议、行政诉讼", list(keys), len(vals) + dropped, 15))
        return out
    vals = _settle(vals, 15)
    if not vals:
        out.cells.update({k: Cell.from_raw(k, "") for k in keys})
        return out
    out.rows_found = 1
    spec = RowSpec("t4", re.compile("$^"), keys, "行政复议、行政诉讼")
    if len(vals) < 15 and gluedrows.is_glued(vals, glued.MAX_COUNT_DIGITS) and gluedrows.fits(vals, 15):
        cells, found = gluedrows.solve_rows([gluedrows.GluedRow(spec.label, keys, vals)], {}, "表四")
        out.cells.update(cells)
        out.findings.extend(found)
    elif len(vals) == 15:
        out.cells.update(_cells(spec, vals))
    elif len(vals) > 15:
        ch = _row_choice(spec, vals, [(0, 5), (5, 10), (10, 15)], out)
        out.cells.update(_agreed(spec, ch.candidates))
        if len(ch.candidates) > 1:
            alts = " | ".join(" ".join(t.raw.strip() for t in c) for c in ch.candidates)
            out.findings.append(Finding("read.ambiguous_cells", "error", list(keys), f"表四有 {len(vals)} 个数，候选 {alts} 均符合勾稽关系，各候选不一致的单元格留空，请人工核对"))
        elif ch.resolved_by_row and ch.mattered:
            kept = " ".join(t.raw.strip() for t in ch.candidates[0])
            out.findings.append(Finding("read.window_by_identity", "warning", list(keys), f"表四有 {len(vals)} 个数，按各栏勾稽关系取 {kept}"))
        elif not ch.resolved_by_row:
            out.findings.append(Finding("read.extra_cells", "warning", list(keys), f"表四有 {len(vals)} 个数，已去掉首尾的空白或 0 占位"))
    else:
        out.cells.update({k: Cell.from_raw(k, "") for k in keys})
        raws = " ".join(t.raw.strip() for t in vals)
        out.findings.append(
            Finding("read.row_incomplete", "error", list(keys), f"表四有 {len(vals)} 个数（{raws}），应为 15 个；无法确定各数所属列，未采用", expected=15, actual=len(vals))
        )
    return out
