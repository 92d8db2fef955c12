"""Rows whose cells were printed glued (`规章000`, `713000074`) → cells, solved per table.

The hook between `assign` and the pure solver `glued`: which rows are glued runs, the identities of
each table, the numbers the narrative quotes about a row, and the findings. A table counts as glued
only on evidence in its own tokens (`Token.glued`: a number glued to label text, or a run with a
leading zero such as `0000000`), so a flat-text row that merely lacks some numbers is still refused
as incomplete instead of being cut up.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..report import keys as K
from ..report.model import Cell, Finding, Report
from ..report.values import normalize
from . import glued
from .gluedtext import UNITS
from .tokens import Token

_NUMBER_PIECE = re.compile(r"[+\-]?\d+(?:\.\d+)?")
#: Candidates shown in a finding; the rest are counted.
SHOWN_CANDIDATES = 6


@dataclass
class GluedRow:
    label: str
    keys: tuple[str, ...]
    toks: list[Token]
    #: The row's key in the narrative lookup (表二 rows), else "".
    name: str = ""


def is_glued(tokens: Iterable[Token], max_digits: int | None = None) -> bool:
    """Evidence that the table's cells lost their separators: a glued token (`Token.glued`) or, given
    the widest number a cell can hold, a number longer than that (`311050100100000` alone on 表四's
    line holds fifteen cells, not one count)."""
    for t in tokens:
        if t.glued:
            return True
        if max_digits is not None and len(t.norm) > max_digits:
            piece, _ = _piece(t)
            if piece is not None and len(piece.lstrip("+-").split(".")[0]) > max_digits:
                return True
    return False


def fits(toks: Sequence[Token], width: int) -> bool:
    """Fewer tokens than cells, each a number, and digits enough to fill every cell."""
    if not toks or len(toks) >= width:
        return False
    digits = 0
    for t in toks:
        piece, _ = _piece(t)
        if piece is None:
            return False
        digits += max(1, sum(ch.isdigit() for ch in piece.split(".")[0]))
    return digits >= width


def _piece(tok: Token) -> tuple[str | None, str]:
    """(the number as solver input, its unit) of a token; None when it is not a plain number."""
    if tok.blank:
        return None, ""
    t = tok.norm
    unit = ""
    for u in UNITS:
        if t.endswith(u) and len(t) > len(u):
            t, unit = t[: -len(u)], u
            break
    if _NUMBER_PIECE.fullmatch(t):
        return t, unit
    return None, ""


@functools.lru_cache(maxsize=256)
def _flags(keys: tuple[str, ...]) -> tuple[int, frozenset[int], frozenset[int]]:
    """(widest number, signed cells, decimal cells) of a row's keys."""
    max_digits = glued.MAX_T2_DIGITS if keys[0].startswith("t2") else glued.MAX_COUNT_DIGITS
    signed = frozenset(n for n, k in enumerate(keys) if k.endswith(K.SIGNED_SUFFIX))
    decimal = frozenset(n for n, k in enumerate(keys) if k in K.DECIMAL_KEYS)
    return max_digits, signed, decimal


@functools.lru_cache(maxsize=None)
def _identities(t3_format: str, t4: bool) -> tuple[glued.Identity, ...]:
    """The hard identities of report-json.md over 表三 (in `t3_format`, "" for none) and 表四."""
    out: list[glued.Identity] = []
    if t3_format:
        fmt = t3_format
        for row in K.t3_rows(fmt):
            out.append(glued.Identity(tuple(f"t3.{row}.{c}" for c in K.T3_APPLICANT_COLUMNS), (f"t3.{row}.total",)))
        leaves = K.t3_outcome_rows(fmt)
        for col in K.T3_COLUMNS:
            out.append(glued.Identity((f"t3.new_received.{col}", f"t3.carried_over.{col}"), (f"t3.results_total.{col}", f"t3.carried_forward.{col}")))
            out.append(glued.Identity(tuple(f"t3.{r}.{col}" for r in leaves), (f"t3.results_total.{col}",)))
    if t4:
        for block in K.T4_BLOCKS:
            out.append(glued.Identity(tuple(f"t4.{block}.{c}" for c in K.T4_COLUMNS[:4]), (f"t4.{block}.total",)))
    return tuple(out)


def solve_rows(rows: Sequence[GluedRow], cells: Mapping[str, Cell], table: str, quoted: Mapping[str, frozenset[int]] | None = None) -> tuple[dict[str, Cell], list[Finding]]:
    """Cells of the glued rows, and the findings on them, given the table's other `cells`."""
    runs = []
    units: list[list[str]] = []
    for row in rows:
        pieces = []
        row_units = []
        for t in row.toks:
            p, u = _piece(t)
            pieces.append(p or "")
            row_units.append(u)
        units.append(row_units)
        runs.append(glued.Run(row.keys, tuple(pieces), *_flags(row.keys)))
    fixed = {k: (c.value if type(c.value) is int else None) for k, c in cells.items()}
    first = rows[0].keys[0]
    fmt = "2019" if "t3.other_processing.total" in cells or any(r.keys[0].startswith("t3.other_processing.") for r in rows) else "2021"
    q = [quoted.get(r.name, frozenset()) for r in rows] if quoted else None
    decisions = glued.solve(runs, _identities(fmt if first.startswith("t3.") else "", first.startswith("t4.")), fixed, q)
    out: dict[str, Cell] = {}
    findings: list[Finding] = []
    for row, run, d, row_units in zip(rows, runs, decisions, units):
        for n, key in enumerate(row.keys):
            span = d.spans[n] if d.spans else None
            if span is None:
                first = row.toks[0]
                out[key] = Cell.from_raw(key, "", dict(first.where))
                continue
            i, a, b = span
            tok = row.toks[i]
            raw = tok.raw.strip()
            text = raw[a:b] + (row_units[i] if b == len(run.pieces[i]) else "")
            where = dict(tok.where)
            if "col" in where:
                where["col"] = where["col"] + (len(tok.raw) - len(tok.raw.lstrip())) + a
            out[key] = Cell.from_raw(key, text, where)
        if d.refused or d.possible > 1:
            findings.extend(_findings(row, d, " ".join(t.raw.strip() for t in row.toks), table))
    return out, findings


def _findings(row: GluedRow, d: glued.Decision, printed: str, table: str) -> list[Finding]:
    keys = list(row.keys)
    where = f"{table}「{row.label}」行数字连写（{printed}）"
    if d.refused == "too_long":
        return [Finding("read.glued_too_long", "error", keys, f"{where}，位数过多或拆法超过 {glued.MAX_SPLITS} 种，无法拆分为 {len(keys)} 个单元格，未采用")]
    if d.refused:
        return [Finding("read.glued_unsplittable", "error", keys, f"{where}，无法拆分为 {len(keys)} 个单元格（不得有前导 0），未采用")]
    undecided = [k for k, c in zip(keys, d.cells) if c is None]
    if undecided:
        shown = "；".join("|".join(c) for c in d.candidates[:SHOWN_CANDIDATES])
        more = f" 等 {len(d.candidates)} 种" if len(d.candidates) > SHOWN_CANDIDATES else f" 共 {len(d.candidates)} 种"
        return [
            Finding(
                "read.glued_ambiguous", "error", undecided,
                f"{where}，可拆为 {shown}{more}，勾稽关系和正文均不能确定；{len(undecided)} 个单元格未采用，请人工核对",
                actual=[dict(zip(keys, c)) for c in d.candidates],
            )
        ]
    if d.possible > 1 and d.decided_by in ("identities", "narrative"):
        why = "勾稽关系" if d.decided_by == "identities" else "正文所述数字"
        return [Finding("read.glued_split", "warning", keys, f"{where}，有 {d.possible} 种拆法，按{why}取 {'|'.join(d.candidates[0])}")]
    return []


# --- numbers quoted in the narrative -------------------------------------------------------------

#: Row name → words that name the row in prose (表二 rows; 表三/四 rows are held by identities).
T2_WORDS: dict[str, str] = {
    "regulations": r"(?<!行政)规章(?!制度)",
    "normative_documents": r"规范性文件",
    "licensing": r"行政许可",
    "other_services": r"对外管理服务",
    "penalty": r"行政处罚",
    "compulsion": r"行政强制",
    "admin_fees": r"事业性收费",
    "admin_fees_wan_yuan": r"事业性收费",
    "procurement": r"集中采购|采购项目",
}
_CLAUSE = re.compile(r"[。；;，,！？!?\n]")
_NUMBER = re.compile(r"(?<![\d.])(\d+)(?![\d.]|年|月|日|号|%)")


def quoted_numbers(text: str, words: Mapping[str, str] = T2_WORDS) -> dict[str, frozenset[int]]:
    """Per row, the whole numbers of the prose clauses (between commas and stops) that name the row:
    `动态更新本年度制发的规范性文件88件` → normative_documents: {88}."""
    out: dict[str, set[int]] = {}
    pats = {name: re.compile(w) for name, w in words.items()}
    for clause in _CLAUSE.split(normalize(text)) if len(text) < 200_000 else ():
        if not any(ch.isdigit() for ch in clause):
            continue
        for name, pat in pats.items():
            if pat.search(clause):
                out.setdefault(name, set()).update(int(n) for n in _NUMBER.findall(clause) if len(n) <= glued.MAX_T2_DIGITS)
    return {k: frozenset(v) for k, v in out.items()}


# --- the previous year's report -------------------------------------------------------------------


def use_previous(report: Report, previous: Report) -> None:
    """Narrow the undecided glued runs of `report` with last year's report (`xxgk check --previous`).

    Two relations tie the years (report-json.md): 二、上年结转 = last year's 四、结转下年度继续办理 per
    column, and (2021 form) 现行有效 = last year's 现行有效 + 本年制发 − 本年废止. Like the identities they
    only prefer: the candidates that satisfy the most of them stay. Cells that all remaining
    candidates agree on are filled in, and the finding says what decided them; the rest stay
    undecided with the shorter list."""
    if previous.year is not None and report.year is not None and previous.year != report.year - 1:
        return
    kept_findings: list[Finding] = []
    for f in report.findings:
        cands = f.actual if f.rule == "read.glued_ambiguous" and isinstance(f.actual, list) else None
        if not cands or not all(isinstance(c, dict) for c in cands):
            kept_findings.append(f)
            continue
        scores = [_cross_year_score(report, previous, c) for c in cands]
        top = max(scores)
        best = [c for c, sc in zip(cands, scores) if sc == top]
        if top == 0 or len(best) == len(cands):
            kept_findings.append(f)
            continue
        undecided = []
        for key in f.cells:
            texts = {c.get(key) for c in best}
            if len(texts) == 1 and None not in texts:
                old = report.cells.get(key)
                report.cells[key] = Cell.from_raw(key, next(iter(texts)), dict(old.where) if old else {})
            else:
                undecided.append(key)
        shown = "；".join("|".join(c.values()) for c in best[:SHOWN_CANDIDATES])
        if undecided:
            kept_findings.append(
                Finding(
                    "read.glued_ambiguous", "error", undecided,
                    f"{f.message}（按上年报告仍有 {len(best)} 种：{shown}）", actual=best,
                )
            )
        else:
            kept_findings.append(Finding("read.glued_split", "warning", list(f.cells), f"{f.message.split('，可拆为')[0]}，按上年报告取 {shown}"))
    report.findings = kept_findings


def _cross_year_score(report: Report, previous: Report, cand: Mapping[str, str]) -> int:
    def value(key: str) -> int | None:
        text = cand.get(key)
        if text is not None:
            return int(text) if text.lstrip("+-").isdigit() else None
        v = report.value(key)
        return v if isinstance(v, int) else None

    def last(key: str) -> int | None:
        v = previous.value(key)
        return v if isinstance(v, int) else None

    score = 0
    for key in cand:
        parts = key.split(".")
        if parts[0] == "t3" and parts[1] == "carried_over":
            now, before = value(key), last(f"t3.carried_forward.{parts[2]}")
            score += now is not None and now == before
    for row in {key.split(".")[1] for key in cand if key.startswith("t2.") and key.count(".") == 2}:
        now, issued, repealed = (value(f"t2.{row}.{c}") for c in ("in_force", "issued", "repealed"))
        before = last(f"t2.{row}.in_force")
        if None not in (now, issued, repealed, before) and previous.format == "2021":
            score += now == before + issued - repealed  # type: ignore[operator]
    return score
