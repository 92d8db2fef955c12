"""Split glued digit runs into a table's cells by solving the table as a whole.

Portal text copied or crawled from an HTML table loses the cell borders: `713000074` is the row
71|3|0|0|0|0|74, `1000001` is 1|0|0|0|0|0|1. A run alone rarely has one split, but the table does:

1. hard constraints, which define the candidates of a run: exactly the row's number of cells, no
   leading zeros (a lone `0` is a cell, `07` is not), no cell longer than the table's widest count;
2. identities (row totals, column identities, block totals): among the candidates, the splits that
   satisfy the most identities are preferred, first those inside one run, then those between runs;
3. numbers the narrative quotes about a row (`制发的规范性文件88件`): among what is left, the splits
   that contain the most of them are preferred.

Identities and the narrative only *prefer*; they never create a value. A printed table may break an
identity (real reports do): when every candidate breaks it, the preference is void and the hard
constraints alone decide (the break is then reported by `check()` as for any table). When more than
one split survives, nothing is chosen: cells on which all survivors agree are kept, the others are
left undecided and the caller reports the candidates.

Pure functions on strings and integers, no reader types: time and memory are bounded by the
constants below whatever the input (a run of 10,000 digits is refused in constant time).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: Longest count in one cell of 表三/表四 (digits). The largest counts in the real and seed reports
#: are below 10^5 (a province's 表三 总计); one digit more leaves room without letting a run of
#: zeros and ones be read as a few huge numbers.
MAX_COUNT_DIGITS = 6
#: Longest number in one cell of 表二 (digits): 行政许可 of a large city (10690 in 002) or a
#: procurement amount in 元 (9 digits for ¥100 million) fit.
MAX_T2_DIGITS = 12
#: Candidates of one run enumerated before it is refused as unsolvable: a 7-cell row of 14 digits
#: (cells of two digits on average) has at most C(13,6) = 1,716; the real rows have fewer than 30.
MAX_SPLITS = 5_000
#: Joint choices between runs tried at once; beyond it each run is decided on its own.
MAX_COMBOS = 4096


class TooManySplits(Exception):
    """A run with more candidate splits than MAX_SPLITS, or longer than its cells can hold."""


#: A cell of a split: (piece index, start, end) into the run's pieces.
Span = tuple[int, int, int]


@dataclass(frozen=True)
class Run:
    """The printed pieces of one row (or table) that must fill `keys`, in printed order.

    A piece of digits only may be split into several cells; any other piece (a decimal, `/`) is one
    cell as it stands."""

    keys: tuple[str, ...]
    pieces: tuple[str, ...]
    max_digits: int = MAX_COUNT_DIGITS


@dataclass(frozen=True)
class Identity:
    """sum(lhs) == sum(rhs) over cell keys."""

    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    def holds(self, values: Mapping[str, int | None], base: Mapping[str, int | None] | None = None) -> bool | None:
        """Whether it holds with `values` laid over `base`; None when an operand is unknown (such
        an identity prefers nothing)."""
        a = 0
        for side, keys in ((1, self.lhs), (-1, self.rhs)):
            for k in keys:
                v = values[k] if k in values else (base.get(k) if base is not None else None)
                if v is None:
                    return None
                a += side * v
        return a == 0


@dataclass
class Decision:
    run: Run
    #: The splits still standing after every preference, as cell texts.
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    #: Per cell: its text when all candidates agree, else None (undecided).
    cells: tuple[str | None, ...] = ()
    #: Per cell: (piece index, start, end) when decided.
    spans: tuple[Span | None, ...] = ()
    #: How many splits the hard constraints allowed (before any preference).
    possible: int = 0
    #: What narrowed the candidates: "unique", "identities", "narrative", or "" (nothing did).
    decided_by: str = ""
    #: Why the run could not be split at all ("too_long", "none"), else "".
    refused: str = ""


def splits(pieces: Sequence[str], width: int, max_digits: int = MAX_COUNT_DIGITS, limit: int = MAX_SPLITS) -> list[tuple[Span, ...]]:
    """Every way to cut `pieces` into exactly `width` cells under the hard constraints, in order.

    A cell never crosses two pieces. Raises TooManySplits at once when the digits cannot fit in
    `width` cells of at most `max_digits` digits, and past `limit` candidates; the search is pruned
    so that its cost follows the number of candidates, not the length of the run."""
    n = len(pieces)
    splittable = [p.isdigit() and p.isascii() for p in pieces]
    # Fewest and most cells the pieces from i on can make.
    lo = [0] * (n + 1)
    hi = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        size = len(pieces[i])
        lo[i] = lo[i + 1] + (-(-size // max_digits) if splittable[i] else 1)
        hi[i] = hi[i + 1] + (size if splittable[i] else 1)
    if lo[0] > width:
        raise TooManySplits(f"{hi[0]} digits cannot fit {width} cells of at most {max_digits} digits")
    out: list[tuple[Span, ...]] = []
    if hi[0] < width:
        return out
    acc: list[Span] = []

    def walk(i: int, pos: int, left: int) -> None:
        if i == n:
            if left == 0:
                out.append(tuple(acc))
                if len(out) > limit:
                    raise TooManySplits(f"more than {limit} ways to split")
            return
        p = pieces[i]
        if not splittable[i]:
            if lo[i + 1] <= left - 1 <= hi[i + 1]:
                acc.append((i, 0, len(p)))
                walk(i + 1, 0, left - 1)
                acc.pop()
            return
        longest = 1 if p[pos] == "0" else min(max_digits, len(p) - pos)
        for end in range(pos + 1, pos + longest + 1):
            r = len(p) - end  # digits left in this piece
            need_lo = lo[i + 1] + -(-r // max_digits)
            need_hi = hi[i + 1] + r
            if not need_lo <= left - 1 <= need_hi:
                continue
            acc.append((i, pos, end))
            if end == len(p):
                walk(i + 1, 0, left - 1)
            else:
                walk(i, end, left - 1)
            acc.pop()

    walk(0, 0, width)
    return out


def _texts(run: Run, spans: Sequence[Span]) -> tuple[str, ...]:
    return tuple(run.pieces[i][a:b] for i, a, b in spans)


def _ints(texts: Sequence[str]) -> tuple[int | None, ...]:
    return tuple(int(t) if t.isdigit() and t.isascii() else None for t in texts)


def solve(
    runs: Sequence[Run],
    identities: Sequence[Identity] = (),
    fixed: Mapping[str, int | None] | None = None,
    quoted: Sequence[frozenset[int]] | None = None,
) -> list[Decision]:
    """Decide each run's split (module docstring). `fixed`: values of the table's other cells;
    `quoted[i]`: numbers the narrative states about run i's row."""
    fixed = dict(fixed or {})
    decisions = [Decision(run) for run in runs]
    cands: list[list[tuple[Span, ...]]] = []
    for d in decisions:
        try:
            c = splits(d.run.pieces, len(d.run.keys), d.run.max_digits)
        except TooManySplits:
            d.refused = "too_long"
            c = []
        if not c and not d.refused:
            d.refused = "none"
        d.possible = len(c)
        cands.append(c)
    live = [i for i, c in enumerate(cands) if c]
    values: list[list[tuple[int | None, ...]]] = [[_ints(_texts(runs[i], s)) for s in c] for i, c in enumerate(cands)]
    key_run = {k: i for i in live for k in runs[i].keys}
    # 1. identities inside one run (with the fixed cells)
    for i in live:
        local = [idn for idn in identities if {key_run.get(k) for k in (*idn.lhs, *idn.rhs)} <= {i, None} and any(key_run.get(k) == i for k in (*idn.lhs, *idn.rhs))]
        if len(cands[i]) > 1 and local:
            keep = _best(range(len(cands[i])), lambda j: _score(local, fixed, runs[i].keys, values[i][j]))
            if len(keep) < len(cands[i]):
                decisions[i].decided_by = "identities"
            cands[i] = [cands[i][j] for j in keep]
            values[i] = [values[i][j] for j in keep]
    # 2. identities between runs: the single-candidate runs become fixed cells
    known = dict(fixed)
    for i in live:
        if len(cands[i]) == 1:
            known.update(zip(runs[i].keys, values[i][0]))
    open_ = [i for i in live if len(cands[i]) > 1]
    cross = [idn for idn in identities if sum(1 for i in open_ if set(runs[i].keys) & {*idn.lhs, *idn.rhs}) >= 1]
    if open_ and cross:
        combos = _combos(open_, cands)
        if combos is not None:
            scores = [_combo_score(cross, known, runs, open_, values, combo) for combo in combos]
            top = max(scores)
            kept = [c for c, s in zip(combos, scores) if s == top]
        else:  # too many joint choices: each run on its own, the others unknown
            kept = None
        if kept is not None:
            for pos, i in enumerate(open_):
                js = sorted({c[pos] for c in kept})
                if len(js) < len(cands[i]):
                    decisions[i].decided_by = "identities"
                cands[i] = [cands[i][j] for j in js]
                values[i] = [values[i][j] for j in js]
        else:
            for i in open_:
                own = [idn for idn in cross if all(key_run.get(k) in (i, None) or k in known for k in (*idn.lhs, *idn.rhs))]
                if own:
                    keep = _best(range(len(cands[i])), lambda j: _score(own, known, runs[i].keys, values[i][j]))
                    if len(keep) < len(cands[i]):
                        decisions[i].decided_by = "identities"
                    cands[i] = [cands[i][j] for j in keep]
                    values[i] = [values[i][j] for j in keep]
    # 3. numbers quoted in the narrative
    if quoted:
        for i in live:
            q = quoted[i] if i < len(quoted) else frozenset()
            if len(cands[i]) > 1 and q:
                keep = _best(range(len(cands[i])), lambda j: sum(1 for v in values[i][j] if v is not None and v in q))
                if len(keep) < len(cands[i]):
                    decisions[i].decided_by = "narrative"
                cands[i] = [cands[i][j] for j in keep]
                values[i] = [values[i][j] for j in keep]
    for i in live:
        d = decisions[i]
        texts = [_texts(runs[i], s) for s in cands[i]]
        d.candidates = list(dict.fromkeys(texts))
        cells: list[str | None] = []
        spans: list[Span | None] = []
        for n in range(len(runs[i].keys)):
            options = {s[n] for s in cands[i]}
            if len(options) == 1:
                span = next(iter(options))
                spans.append(span)
                cells.append(runs[i].pieces[span[0]][span[1] : span[2]])
            else:
                spans.append(None)
                cells.append(None)
        d.cells, d.spans = tuple(cells), tuple(spans)
        if len(d.candidates) == 1 and d.possible == 1:
            d.decided_by = "unique"
        elif len(d.candidates) > 1:
            d.decided_by = ""
    for d in decisions:
        if d.refused:
            d.cells = (None,) * len(d.run.keys)
            d.spans = (None,) * len(d.run.keys)
    return decisions


def _best(options: range, score) -> list[int]:
    scored = [(score(j), j) for j in options]
    top = max(s for s, _ in scored)
    return [j for s, j in scored if s == top]


def _score(idns: Sequence[Identity], known: Mapping[str, int | None], keys: Sequence[str], vals: Sequence[int | None]) -> int:
    trial = dict(zip(keys, vals))
    return sum(1 for idn in idns if idn.holds(trial, known))


def _combos(open_: Sequence[int], cands: Sequence[Sequence[object]]) -> list[tuple[int, ...]] | None:
    n = 1
    for i in open_:
        n *= len(cands[i])
        if n > MAX_COMBOS:
            return None
    return list(itertools.product(*(range(len(cands[i])) for i in open_)))


def _combo_score(
    idns: Sequence[Identity], known: Mapping[str, int | None], runs: Sequence[Run], open_: Sequence[int],
    values: Sequence[Sequence[tuple[int | None, ...]]], combo: Sequence[int],
) -> int:
    trial: dict[str, int | None] = {}
    for pos, i in enumerate(open_):
        trial.update(zip(runs[i].keys, values[i][combo[pos]]))
    return sum(1 for idn in idns if idn.holds(trial, known))
