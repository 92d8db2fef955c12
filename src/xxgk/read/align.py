"""Rows of a printed table found by alignment with the format's canonical rows.

Why: a real table is not printed the way the format defines it. Labels carry typos and lost words
(`2.其他法律行政止公开`), other numbering (`3、其他`, `(1)`, `①`), pieces of a wrapped or vertical group
label between their characters (`、本年（计二其）他部情分形公）开…`), or no label at all (a PDF table
extractor that moved the label cells away from their numbers); rows are missing, and agencies print
mixed tables (（六）其他处理 as one 2019-style row inside a 2021 table). A distinctive substring per row
cannot find such a row, and a greedy search shifts every row after it.

So the table is cut into *units*: the label text printed before a run of numbers, and the numbers.
Each unit is scored against each canonical row by its label (an exact distinctive substring; else a
weighted character-bigram containment of the row's label; numbering as a weak extra signal), and
units are aligned with the rows in printed order by dynamic programming (Needleman-Wunsch without
crossing): a unit may take one row, the merged row of a mixed table, or none (unplaced: an error,
never a shifted table); a row may stay empty (missing). An unlabeled unit is placed by order between
its labeled neighbours. Every placement that is not an exact label match is returned with how it was
made, so that the caller reports it.

Pure and typed: no tokens are read here beyond their text and count, and nothing is reported; see
`assign.group_rows` for the findings.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol

from ..report.values import normalize
from .tokens import Token

# --- Tolerances (fitted on ../shared/real 013 and 021 and the unit tests' printed variants) ----------

#: Weighted bigram containment at or above which a label is evidence for a row. Typos and lost words
#: seen in real tables score 0.55-0.9 (`其他法律行政止公开` 0.62); a label of another row rarely 0.3.
MIN_SIMILARITY = 0.5
#: Scores of a unit on a row: an exact distinctive substring; a similar label (1 + 2 × similarity, so
#: at most the exact score); a unit without label placed by order; a label that resembles nothing
#: of this row (placed by order against its own text: the weakest).
SCORE_EXACT = 3.0
SCORE_ORDER = 0.5
SCORE_MISMATCH = 0.1
#: An exact label found late in the unit's text is the row's own (group labels and detached labels
#: of earlier rows come first): up to this much is added by the match's end position.
LATE_BONUS = 0.5
#: A printed numbering equal to the row's own (`3.`/`3、`/`(3)`/`③` for `3.其他`).
NUMBER_BONUS = 0.4
#: A unit with exactly the row's number of values.
WIDTH_BONUS = 0.2
#: Penalties: a canonical row with no unit (a missing row, a warning) and a unit placed on no row
#: (an error). A unit is left unplaced only when every placement would break the order.
MISSING_ROW = 0.3
UNPLACED_UNIT = 4.0
#: Units per table beyond which the rest is not read (a broken extraction or hostile input); bounds
#: the alignment's time (units × rows) and memory.
MAX_UNITS = 1000
#: Label text kept per unit.
MAX_TEXT = 4096

How = Literal["exact", "similar", "numbering", "order", "merged", "unplaced"]


class RowLike(Protocol):
    """What alignment needs of a canonical row (`assign.RowSpec`)."""

    name: str
    label: str
    pattern: re.Pattern[str]
    columns: tuple[str, ...]


#: Rows a table may print as one (a mixed table): the 2021 sub-rows of （六）其他处理, printed as the
#: single 2019 row. (row keys, printed label, distinctive pattern).
MERGED_ROWS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("other_no_correction", "other_fee_unpaid", "other_other"), "（六）其他处理", r"其[他它]处理"),
)


@dataclass
class Unit:
    """A label text and the run of values printed after it."""

    #: NFKC, whitespace removed: what is compared.
    text: str
    values: list[Token] = field(default_factory=list)
    #: Values past the caller's `max_values`, not kept.
    dropped: int = 0
    #: The label as printed (its cells' raw text joined): what findings quote.
    printed: str = ""


@dataclass
class Placement:
    """Where one unit went: `rows` is () when unplaced, one index, or the indices of merged rows."""

    unit: int
    rows: tuple[int, ...]
    how: How
    similarity: float = 0.0


# --- Units ----------------------------------------------------------------------------------------


def units(tokens: Iterable[Token], *, split_min: int, max_values: int, evidence: Evidence) -> tuple[list[Unit], int]:
    """Cut a token stream into units; returns them and the number of values dropped past MAX_UNITS.

    A new unit starts at a value that follows label text, unless that text carries no evidence of any
    row (a header, a unit word, a note): then the values continue the current unit, as they always
    did. A run of values is also cut at a line break between two lines of at least `split_min` values
    each (rows printed without their labels, one per line); one value per line (one cell per line)
    never cuts a run. A run is kept up to MAX_RUN values before it is cut, each unit then up to
    `max_values`."""
    found: list[Unit] = []
    text = printed = ""
    dropped = 0
    cur: Unit | None = None
    for tok in tokens:
        if not tok.is_value:
            if len(text) < MAX_TEXT:
                text += tok.norm
                printed += tok.raw.strip()
            continue
        if text and (cur is None or evidence.any(text)) or cur is None:
            if len(found) >= MAX_UNITS:
                dropped += 1
                text = printed = ""
                continue
            cur = Unit(text, printed=printed)
            found.append(cur)
        text = printed = ""
        if len(cur.values) < MAX_RUN:
            cur.values.append(tok)
        else:
            cur.dropped += 1
    out: list[Unit] = []
    for u in found:
        for piece in _split_rows(u, split_min):
            if len(piece.values) > max_values:
                piece.dropped += len(piece.values) - max_values
                del piece.values[max_values:]
            out.append(piece)
    return out, dropped


#: Values of one run kept before it is cut into rows (bounds memory on hostile input).
MAX_RUN = 2000


def _split_rows(u: Unit, split_min: int) -> list[Unit]:
    """A unit's values cut at line breaks between two lines of at least `split_min` values: the first
    piece keeps the label, the others are unlabeled units."""
    if u.dropped or len(u.values) < 2 * split_min:
        return [u]
    lines: list[list[Token]] = []
    last: object = object()
    for t in u.values:
        ln = _line_of(t)
        if not lines or ln != last:
            lines.append([])
            last = ln
        lines[-1].append(t)
    pieces: list[list[Token]] = [lines[0]]
    for vals in lines[1:]:
        if len(vals) >= split_min and len(pieces[-1]) >= split_min:
            pieces.append(vals)
        else:
            pieces[-1].extend(vals)
    if len(pieces) == 1:
        return [u]
    return [Unit(u.text, pieces[0], printed=u.printed)] + [Unit("", p) for p in pieces[1:]]


def _line_of(tok: Token) -> object:
    return tok.where.get("line") if tok.where else None


# --- Label evidence ------------------------------------------------------------------------------

_DROP = re.compile(r"[\W\d_a-zA-Z]+")  # punctuation, digits and Latin: numbering, not label words
_NUMBERING = re.compile(
    r"\((\d{1,2}|[一二三四五六七八九十])\)"  # (1) （1） (一)
    r"|(?<![\d.])(\d{1,2})(?:[.、]|(?=[\u4e00-\u9fff]))"  # 1. 1、 and ① (NFKC: a bare digit before a word)
    r"|([一二三四五六七八九十])、"  # 一、
)
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}


def _core(label: str) -> str:
    """A canonical label's words: without numbering, brackets, quotes or punctuation."""
    return _DROP.sub("", _strip_numbering(label))


def _strip_numbering(label: str) -> str:
    t = normalize(label)
    m = re.match(r"^(?:\(?[一二三四五六七八九十\d]{1,2}\)|[一二三四五六七八九十\d]{1,2}[.、])", t)
    return t[m.end() :] if m else t


def _bigrams(text: str) -> frozenset[str]:
    t = _DROP.sub("", text)
    if len(t) == 1:
        return frozenset((t,))
    return frozenset(t[i : i + 2] for i in range(len(t) - 1))


def numbering(label: str) -> tuple[str, int] | None:
    """('paren'|'arabic'|'cn', n) of a label's own numbering: （一）→ paren 1, 3. → arabic 3, 一、→ cn 1."""
    t = normalize(label)
    m = re.match(r"^\(([一二三四五六七八九十])\)|^(\d{1,2})\.|^([一二三四五六七八九十])、", t)
    if not m:
        return None
    if m.group(1):
        return ("paren", _CN[m.group(1)])
    if m.group(2):
        return ("arabic", int(m.group(2)))
    return ("cn", _CN[m.group(3)])


def printed_numbers(text: str) -> frozenset[tuple[str, int]]:
    """Every numbering printed in a label text, in the kinds of `numbering` ((1) counts as 1.)."""
    out: set[tuple[str, int]] = set()
    for m in _NUMBERING.finditer(text):
        p, a, c = m.group(1), m.group(2), m.group(3)
        if p:
            out.add(("arabic", int(p)) if p.isdigit() else ("paren", _CN[p]))
        elif a:
            out.add(("arabic", int(a)))
        elif c:
            out.add(("cn", _CN[c]))
    return frozenset(out)


@dataclass(frozen=True)
class _Row:
    key: str
    label: str
    pattern: re.Pattern[str]
    grams: frozenset[str]
    number: tuple[str, int] | None
    width: int


class Evidence:
    """Label scores of a table's canonical rows (and the merged rows a mixed table may print).

    Bigram weights are 1 / (number of the table's labels holding the bigram), so that `公开`, shared
    by many labels, says little and `国家`, `秘密` say much."""

    def __init__(self, specs: Sequence[RowLike], groups: Iterable[str] = ()) -> None:
        self.rows = tuple(
            _Row(s.name, s.label, s.pattern, _bigrams(_core(s.label)), numbering(s.label), len(s.columns)) for s in specs
        )
        index = {r.key: i for i, r in enumerate(self.rows)}
        merged = []
        for keys, label, pat in MERGED_ROWS:
            if all(k in index for k in keys):
                at = tuple(index[k] for k in keys)
                if at == tuple(range(at[0], at[0] + len(at))):
                    merged.append((at, _Row(keys[0], label, re.compile(pat), _bigrams(_core(label)), numbering(label), self.rows[at[0]].width)))
        self.merged = tuple(merged)
        df: dict[str, int] = {}
        for gs in [r.grams for r in self.rows] + [m.grams for _, m in self.merged] + [_bigrams(_core(g)) for g in groups]:
            for g in gs:
                df[g] = df.get(g, 0) + 1
        self.weight = {g: 1.0 / n for g, n in df.items()}
        self._any = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in self.rows))

    def similarity(self, row: _Row, grams: frozenset[str]) -> float:
        """Weighted share of the row label's bigrams found in the text's bigrams."""
        if not row.grams:
            return 0.0
        w = self.weight
        total = sum(w[g] for g in row.grams)
        return sum(w[g] for g in row.grams & grams) / total

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one Evidence per table format, cached itself
    def any(self, text: str) -> bool:
        """Does `text` carry evidence of some row (an exact pattern, a similar label, a numbering at
        its start)? Text without it is not a label: the values after it continue the current row."""
        if self._any.search(text):
            return True
        if _NUMBERING.match(text):
            return True
        grams = _bigrams(text)
        return any(self.similarity(r, grams) >= MIN_SIMILARITY for r in self.rows)


# --- Alignment ----------------------------------------------------------------------------------


@dataclass
class _Score:
    score: float
    how: How
    similarity: float


def _score(ev: Evidence, row: _Row, u: Unit, grams: frozenset[str], numbers: frozenset[tuple[str, int]]) -> _Score:
    bonus = (NUMBER_BONUS if row.number is not None and row.number in numbers else 0.0) + (WIDTH_BONUS if len(u.values) == row.width else 0.0)
    if not u.text:
        return _Score(SCORE_ORDER + bonus, "order", 0.0)
    last = None
    for m in row.pattern.finditer(u.text):
        last = m
    if last is not None:
        return _Score(SCORE_EXACT + LATE_BONUS * last.end() / len(u.text) + bonus, "exact", 1.0)
    sim = ev.similarity(row, grams)
    if sim >= MIN_SIMILARITY:
        return _Score(1.0 + 2.0 * sim + bonus, "similar", sim)
    if row.number is not None and row.number in numbers:
        return _Score(SCORE_MISMATCH + bonus, "numbering", sim)
    return _Score(SCORE_MISMATCH + bonus, "order", sim)


def align(found: Sequence[Unit], ev: Evidence) -> list[Placement]:
    """The best order-keeping placement of `found` on the rows of `ev` (module docstring)."""
    n, m = len(found), len(ev.rows)
    grams = [_bigrams(u.text) for u in found]
    nums = [printed_numbers(u.text) for u in found]
    scores = [[_score(ev, r, u, g, k) for r in ev.rows] for u, g, k in zip(found, grams, nums)]
    merged_at = {at[-1]: (at, row) for at, row in ev.merged}
    merged_score: dict[tuple[int, int], _Score] = {}
    for i, u in enumerate(found):
        for end, (at, row) in merged_at.items():
            if not u.text or any(scores[i][j].how == "exact" for j in at):
                continue  # a sub-row's own label is printed: not the merged row
            s = _score(ev, row, u, grams[i], nums[i])
            if s.how in ("exact", "similar"):
                merged_score[(i, end)] = _Score(s.score, "merged", s.similarity)
    neg = float("-inf")
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str]]] = [[(0, 0, "")] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n + 1):
        row_best, row_back = best[i], back[i]
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            cand, how = neg, ""
            if j and row_best[j - 1] - MISSING_ROW > cand:
                cand, ptr, how = row_best[j - 1] - MISSING_ROW, (i, j - 1), "skip_row"
            if i and best[i - 1][j] - UNPLACED_UNIT > cand:
                cand, ptr, how = best[i - 1][j] - UNPLACED_UNIT, (i - 1, j), "skip_unit"
            if i and j:
                v = best[i - 1][j - 1] + scores[i - 1][j - 1].score
                if v > cand:
                    cand, ptr, how = v, (i - 1, j - 1), "match"
                ms = merged_score.get((i - 1, j - 1))
                if ms is not None:
                    at, _ = merged_at[j - 1]
                    k = j - len(at)
                    v = best[i - 1][k] + ms.score
                    if v > cand:
                        cand, ptr, how = v, (i - 1, k), "merged"
            row_best[j] = cand
            row_back[j] = (*ptr, how)
    out: list[Placement] = []
    i, j = n, m
    while i or j:
        pi, pj, how = back[i][j]
        if how == "match":
            s = scores[i - 1][j - 1]
            out.append(Placement(i - 1, (j - 1,), s.how, s.similarity))
        elif how == "merged":
            ms = merged_score[(i - 1, j - 1)]
            out.append(Placement(i - 1, tuple(range(pj, j)), "merged", ms.similarity))
        elif how == "skip_unit":
            out.append(Placement(i - 1, (), "unplaced"))
        i, j = pi, pj
    out.reverse()
    return out


def exact_rows(found: Sequence[Unit], ev: Evidence) -> list[int | None]:
    """Per unit, the one row whose distinctive pattern ends last in its text (None if none): for
    tables whose rows are all labelled exactly but printed out of the format's order."""
    out: list[int | None] = []
    for u in found:
        best, end = None, -1
        for j, r in enumerate(ev.rows):
            for mt in r.pattern.finditer(u.text):
                if mt.end() > end:
                    best, end = j, mt.end()
        out.append(best)
    return out
