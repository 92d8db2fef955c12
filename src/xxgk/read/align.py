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
its labeled neighbours, but only where the gap holds as many rows as units: with rows to spare, which
row it is cannot be known, and it is left unplaced. A unit's own label is the part of its text after
the last numbering or label start (what comes before is the tail of the label above, wrapped under
its numbers, or a group label); a label printed under the numbers counts too, at a discount. Two
other readings are tried and kept when they align better without dropping more units: labels printed
under their numbers throughout (`labels_below`), and the label cells of several rows printed
together before their unlabeled numbers (`spread_labels`). Every placement that is not an exact
label match is returned with how it was made, so that the caller reports it.

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
#: Characters of a label's start looked for in a text (`申请人无` starts 1.申请人无正当理由…).
PREFIX = 4
#: A row whose label starts in the unit's own text (or a short label it ends with): evidence between
#: a wrapped tail and a similar label.
SCORE_PREFIX = 2.0
#: A text this short ending with a short label is that label (a longer one may be a header row
#: ending in the column 其他).
SHORT_TEXT = 8
#: A label printed under the numbers rather than before them scores this much less than the same
#: label before them: a table printed the usual way keeps its usual reading.
BELOW_DISCOUNT = 0.6
#: Labels with fewer bigrams than this (`3.其他`, `（七）总计`, `规章`) are found only by their exact
#: pattern: one shared bigram would make any text containing `其他` resemble `3.其他`.
MIN_GRAMS = 3
#: Scores of a unit on a row: an exact distinctive substring; a similar label (1 + 2 × similarity, so
#: at most the exact score); a unit without label placed by order; a label that resembles nothing
#: of this row (placed by order against its own text: the weakest).
SCORE_EXACT = 3.0
SCORE_ORDER = 0.5
#: A label found only before the unit's own numbering (the tail of the row above, wrapped under
#: its numbers): some evidence, less than a label of its own.
SCORE_TAIL = 1.5
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

How = Literal["exact", "similar", "below", "numbering", "order", "merged", "unplaced", "ambiguous"]


class RowLike(Protocol):
    """What alignment needs of a canonical row (`assign.RowSpec`)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def pattern(self) -> re.Pattern[str]: ...
    @property
    def columns(self) -> tuple[str, ...]: ...


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
    #: The label was printed apart from these numbers (`spread_labels`): never an exact placement.
    apart: bool = False
    #: The label's last piece is on the line of the first number (a label cell of the same row).
    inline: bool = False


@dataclass
class Placement:
    """Where one unit went: `rows` is () when unplaced, one index, or the indices of merged rows."""

    unit: int
    rows: tuple[int, ...]
    how: How
    similarity: float = 0.0


# --- Units ----------------------------------------------------------------------------------------


def units(tokens: Iterable[Token], *, split_min: int, max_values: int, evidence: Evidence) -> tuple[list[Unit], int, Unit]:
    """Cut a token stream into units; returns them, the number of values dropped past MAX_UNITS, and
    the text after the last value (a unit without values: the last label, when labels are printed
    under their numbers).

    A new unit starts at a value that follows label text, unless that text carries no evidence of any
    row (a header, a unit word, a note): then the values continue the current unit, as they always
    did. A run of values is also cut at a line break between two lines of at least `split_min` values
    each (rows printed without their labels, one per line); one value per line (one cell per line)
    never cuts a run. A run is kept up to MAX_RUN values before it is cut, each unit then up to
    `max_values`."""
    found: list[Unit] = []
    text = printed = ""
    text_line: object = None
    dropped = 0
    cur: Unit | None = None
    for tok in tokens:
        if not tok.is_value:
            if not text and cur is not None and cur.text and len(cur.values) == 1 and cur is found[-1] and _continues_numbering(cur.values[0], tok):
                # `（六）其他处理1` / `.申请人…`: a label's numbering wrapped at its dot, not a number.
                found.pop()
                text, printed, text_line = cur.text + cur.values[0].norm, cur.printed + cur.values[0].raw.strip(), _line_of(tok)
                cur = found[-1] if found else None
            if len(text) < MAX_TEXT:
                text += tok.norm
                printed += tok.raw.strip()
                text_line = _line_of(tok)
            continue
        if text and (cur is None or evidence.any(text)) or cur is None:
            if len(found) >= MAX_UNITS:
                dropped += 1
                text = printed = ""
                continue
            cur = Unit(text, printed=printed, inline=bool(text) and text_line is not None and text_line == _line_of(tok))
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
    return out, dropped, Unit(text, printed=printed)


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
    return [Unit(u.text, pieces[0], printed=u.printed, inline=u.inline)] + [Unit("", p) for p in pieces[1:]]


def _continues_numbering(value: Token, tok: Token) -> bool:
    """A one- or two-digit 'value' at the end of a line whose next line starts with the numbering's
    dot or comma (`1` then `.申请人…`)."""
    return value.norm.isdigit() and len(value.norm) <= 2 and tok.norm[:1] in (".", "、") and _line_of(tok) != _line_of(value)


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


#: Characters printed for one another in labels (其它 for 其他), folded before bigrams are taken.
_FOLD = str.maketrans({"它": "他"})


def _bigrams(text: str) -> frozenset[str]:
    t = _DROP.sub("", text).translate(_FOLD)
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
    #: The label's words, folded (`_FOLD`): its first PREFIX characters mark where the label starts
    #: in a text; a label shorter than that is recognised only when a text ends with it.
    core: str = ""
    prefix: str = ""

    @staticmethod
    def make(spec_name: str, label: str, pattern: re.Pattern[str], width: int) -> _Row:
        core = _core(label).translate(_FOLD)
        return _Row(spec_name, label, pattern, _bigrams(_core(label)), numbering(label), width, core, core[:PREFIX] if len(core) >= PREFIX else "")

    def ends(self, words: str) -> bool:
        """A short label (`其他`, `总计`) that a text's words (`_words`) end with (`3、其它`, `（七）合计`)."""
        if self.prefix or not self.core:
            return False
        return words.endswith(self.core) or (self.core == "总计" and words.endswith("合计"))


def _words(text: str) -> str:
    """A text's words as labels are compared at their end: no punctuation or numbering, folded."""
    return _DROP.sub("", text).translate(_FOLD)


class Evidence:
    """Label scores of a table's canonical rows (and the merged rows a mixed table may print).

    Bigram weights are 1 / (number of the table's labels holding the bigram), so that `公开`, shared
    by many labels, says little and `国家`, `秘密` say much."""

    def __init__(self, specs: Sequence[RowLike], groups: Iterable[str] = ()) -> None:
        self.rows = tuple(
_Row.make(s.name, s.label, s.pattern, len(s.columns)) for s in specs
        )
        index = {r.key: i for i, r in enumerate(self.rows)}
        merged = []
        for keys, label, pat in MERGED_ROWS:
            if all(k in index for k in keys):
                at = tuple(index[k] for k in keys)
                if at == tuple(range(at[0], at[0] + len(at))):
                    merged.append((at, _Row.make(keys[0], label, re.compile(pat), self.rows[at[0]].width)))
        self.merged = tuple(merged)
        df: dict[str, int] = {}
        for gs in [r.grams for r in self.rows] + [m.grams for _, m in self.merged] + [_bigrams(_core(g)) for g in groups]:
            for g in gs:
                df[g] = df.get(g, 0) + 1
        self.weight = {g: 1.0 / n for g, n in df.items()}
        #: `_Text.of` per label text (texts repeat across a table's readings and across reports).
        self.texts: dict[str, _Text] = {}
        self._total: dict[int, float] = {}  # by id(row): the rows live as long as self
        self._any = re.compile("|".join(f"(?:{r.pattern.pattern})" for r in self.rows))

    def similarity(self, row: _Row, grams: frozenset[str]) -> float:
        """Weighted share of the row label's bigrams found in the text's bigrams."""
        if len(row.grams) < MIN_GRAMS:
            return 0.0  # `其他`, `总计`, `规章`: too short to resemble; only their exact pattern counts
        common = row.grams & grams
        if not common:
            return 0.0
        total = self._total.get(id(row))
        if total is None:
            total = self._total[id(row)] = sum(map(self.weight.__getitem__, row.grams))
        return sum(map(self.weight.__getitem__, common)) / total

    @functools.lru_cache(maxsize=512)  # noqa: B019 - one Evidence per table format, cached itself
    def any(self, text: str, merged_rows: bool = False) -> bool:
        """Does `text` carry evidence of some row (an exact pattern, a similar label, a numbering at
        its start)? Text without it is not a label: the values after it continue the current row.
        With `merged_rows`, a numbering alone is no evidence, and the merged rows count."""
        if self._any.search(text):
            return True
        if merged_rows:
            grams = _bigrams(text)
            if any(m.pattern.search(text) or self.similarity(m, grams) >= MIN_SIMILARITY for _, m in self.merged):
                return True
        elif _NUMBERING.match(text):
            return True
        folded = text.translate(_FOLD)
        short = len(text) <= SHORT_TEXT  # `3、其它`, `（七）合计`; not a header ending in 其他
        words = _words(text) if short else ""
        if any((r.prefix and r.prefix in folded) or (short and r.ends(words)) for r in self.rows):
            return True
        grams = _bigrams(text)
        return any(self.similarity(r, grams) >= MIN_SIMILARITY for r in self.rows)


# --- Alignment ----------------------------------------------------------------------------------


@dataclass
class _Score:
    score: float
    how: How
    similarity: float


@dataclass(frozen=True)
class _Text:
    """A unit's label text, split at its last numbering (`…5.要求行政机关确认或重新出具已获取信息（六）其他
    处理1.申请人无正` → own part `1.申请人无正`): what comes before it is the tail of an earlier label
    wrapped under its numbers, or a group label, never this row's own label."""

    text: str
    own_start: int
    grams: frozenset[str]
    own_grams: frozenset[str]
    number: frozenset[tuple[str, int]]
    folded: str = ""
    #: The own part's words (`_words`), for short labels.
    own_words: str = ""

    @staticmethod
    def of(text: str, ev: Evidence) -> _Text:
        got = ev.texts.get(text)
        if got is None:
            if len(ev.texts) > 4096:
                ev.texts.clear()
            got = ev.texts[text] = _Text._of(text, ev)
        return got

    @staticmethod
    def _of(text: str, ev: Evidence) -> _Text:
        last = None
        for m in _NUMBERING.finditer(text):
            last = m
        start = last.start() if last is not None else 0
        folded = text.translate(_FOLD)
        for r in ev.rows:
            if r.prefix:
                start = max(start, folded.rfind(r.prefix))
        number = printed_numbers(last.group(0)) if last is not None and last.start() == start else frozenset()
        return _Text(text, start, _bigrams(text), _bigrams(text[start:]) if start else _bigrams(text), number, folded, _words(text[start:]))


def _score(ev: Evidence, row: _Row, u: Unit, t: _Text) -> _Score:
    bonus = (NUMBER_BONUS if row.number is not None and row.number in t.number else 0.0) + (WIDTH_BONUS if len(u.values) == row.width else 0.0)
    if not u.text:
        return _Score(SCORE_ORDER + bonus, "order", 0.0)
    last = None
    for m in row.pattern.finditer(u.text):
        last = m
    if last is not None and last.end() > t.own_start:
        return _Score(SCORE_EXACT + LATE_BONUS * last.end() / len(u.text) + bonus, "exact", 1.0)
    sim = ev.similarity(row, t.own_grams)
    if sim >= MIN_SIMILARITY:
        return _Score(1.0 + 2.0 * sim + bonus, "similar", sim)
    if (row.prefix and t.folded.startswith(row.prefix, t.own_start)) or row.ends(t.own_words):
        return _Score(SCORE_PREFIX + bonus, "similar", sim)
    if last is not None:  # only before the own label: an earlier row's wrapped tail, weak
        return _Score(SCORE_TAIL + bonus, "similar", 1.0)
    sim = ev.similarity(row, t.grams) if t.own_start else sim
    if sim >= MIN_SIMILARITY:
        return _Score(SCORE_TAIL + bonus, "similar", sim)
    if row.number is not None and row.number in t.number:
        return _Score(SCORE_MISMATCH + bonus, "numbering", sim)
    return _Score(SCORE_MISMATCH + bonus, "order", sim)


def align(found: Sequence[Unit], ev: Evidence, trailing: str = "") -> tuple[list[Placement], float]:
    """The best order-keeping placement of `found` on the rows of `ev` (module docstring), and its
    score. A unit's label may also be the first label printed after its numbers (a label cell whose
    text sits lower than its numbers), at a discount: `trailing` is the text after the last unit."""
    n, m = len(found), len(ev.rows)
    texts = [_Text.of(u.text, ev) for u in found]
    scores = [[_score(ev, r, u, t) for r in ev.rows] for u, t in zip(found, texts)]
    for i, u in enumerate(found):
        if u.apart:  # a label printed apart from the numbers is evidence, not an exact match: reported
            scores[i] = [_Score(s.score, "similar", s.similarity) if s.how == "exact" else s for s in scores[i]]
    for i, u in enumerate(found):
        nxt = found[i + 1].text if i + 1 < n else trailing
        if not nxt:
            continue
        first = _first_part(nxt, ev)
        below, t = Unit(first, u.values), _Text.of(first, ev)
        for j, r in enumerate(ev.rows):
            s = _score(ev, r, below, t)
            if s.how in ("exact", "similar") and s.score - BELOW_DISCOUNT > scores[i][j].score:
                scores[i][j] = _Score(s.score - BELOW_DISCOUNT, "below", s.similarity)
    merged_at = {at[-1]: (at, row) for at, row in ev.merged}
    merged_score: dict[tuple[int, int], _Score] = {}
    for i, u in enumerate(found):
        for end, (at, row) in merged_at.items():
            if not u.text or any(scores[i][j].how == "exact" for j in at):
                continue  # a sub-row's own label is printed: not the merged row
            s = _score(ev, row, u, texts[i])
            if s.how in ("exact", "similar"):  # a tail counts: order decides (no sub-row label is printed)
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
    return _ambiguous_gaps(out, m), best[n][m]


def _ambiguous_gaps(placed: list[Placement], rows: int) -> list[Placement]:
    """Units placed by order alone are certain only where they fill their gap: as many units as rows
    between the labelled rows around them. Where rows are to spare, which row each one is cannot be
    known: such units are left unplaced (the caller reports an error naming the candidate rows)."""
    out = list(placed)
    i = 0
    while i < len(out):
        if out[i].how != "order":
            i += 1
            continue
        j = i
        while j < len(out) and out[j].how in ("order", "unplaced"):
            j += 1
        lo = max((p.rows[-1] for p in out[:i] if p.rows), default=-1)
        hi = min((p.rows[0] for p in out[j:] if p.rows), default=rows)
        units = sum(1 for p in out[i:j] if p.how == "order")
        if hi - lo - 1 != units:
            for k in range(i, j):
                if out[k].how == "order":
                    out[k] = Placement(out[k].unit, (), "ambiguous")
        i = j
    return out


def spread_labels(found: Sequence[Unit], ev: Evidence) -> list[Unit] | None:
    """The units read with the labels of one text spread over the unlabeled runs after it.

    A PDF table extractor may print the label cells of several rows together, then their rows of
    numbers without labels (`要求行政机关确认或重新出具已获得信息 / （六）其它处理 / （七）合计 /
    结转下年度继续办理`, then four rows of numbers). Where a text falls into exactly as many labels
    (each with evidence of a row) as there are runs from its own to the next labelled one, the i-th
    label goes to the i-th run. None when no text fits; the caller keeps whichever reading aligns
    better."""
    out = list(found)
    changed = False
    i = 0
    while i < len(out):
        k = i + 1
        while k < len(out) and not out[k].text:
            k += 1
        if k - i >= 2 and out[i].text and not out[i].inline:  # an inline label stays with its numbers
            parts = _label_parts(out[i].text, ev)
            if len(parts) == k - i:
                lead = out[i].text[: len(out[i].text) - sum(map(len, parts))]
                for j, part in enumerate(parts):
                    u = out[i + j]
                    text = lead + part if j == 0 else part
                    out[i + j] = Unit(text, u.values, u.dropped, text, apart=True)
                changed = True
        i = k
    return out if changed else None


def _pieces(text: str, ev: Evidence) -> list[str]:
    """`text` cut where a label starts: at a numbering, or at a row label's first characters that
    do not continue another row's label."""
    folded = text.translate(_FOLD)
    cuts = {m.start() for m in _NUMBERING.finditer(text)}
    cores = [r.core for r in ev.rows]
    for r in ev.rows:
        if r.prefix:
            at = folded.find(r.prefix)
            while at >= 0:
                # `无正当理` inside `申请人无正当理由…` starts no label: the two characters before it
                # continue another row's label.
                if at < 2 or not any(folded[at - 2 : at + PREFIX] in c for c in cores):
                    cuts.add(at)
                at = folded.find(r.prefix, at + 1)
    cuts.discard(0)
    bounds = [0, *sorted(cuts), len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:]) if b > a]
    merged: list[str] = []
    for p in pieces:  # a numbering alone belongs to the label after it
        if merged and not _DROP.sub("", merged[-1]):
            merged[-1] += p
        else:
            merged.append(p)
    return merged


def _first_part(text: str, ev: Evidence) -> str:
    """The first label of a text (up to where the next label starts)."""
    pieces = _pieces(text, ev)
    return pieces[0] if pieces else ""


def _label_parts(text: str, ev: Evidence) -> list[str]:
    """`text` cut where a label starts (a numbering, a row label's first characters), keeping only
    the trailing parts that each carry evidence of a row (a group label alone carries none)."""
    merged = _pieces(text, ev)
    parts: list[str] = []
    for p in reversed(merged):
        if not ev.any(p, merged_rows=True):
            break
        parts.append(p)
    parts.reverse()
    return parts


def labels_below(found: Sequence[Unit], trailing: Unit, ev: Evidence) -> list[Unit] | None:
    """The units read with each label printed *under* its numbers (the text after a run of values
    is that run's label), when the table starts with numbers and ends with text: the other pairing,
    for the caller to align too and keep if it scores better. None when the layout cannot be that."""
    if not found or (found[0].text and ev.any(found[0].text)) or not ev.any(trailing.text):
        return None  # the first run has a label before it (a header is none), or no label ends the table
    nxt = [*found[1:], trailing]
    return [Unit(b.text, u.values, u.dropped, b.printed) for u, b in zip(found, nxt)]


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
