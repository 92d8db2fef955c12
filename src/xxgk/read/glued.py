"""Split glued digit runs into a table's cells by solving the table as a whole.

Portal text copied or crawled from an HTML table loses the cell borders: `713000074` is the row
71|3|0|0|0|0|74, `1000001` is 1|0|0|0|0|0|1. A run alone rarely has one split, but the table does:

1. hard constraints, which define the candidates of a run: exactly the row's number of cells, no
   leading zeros (a lone `0` is a cell, `07` is not), no cell longer than the table's widest count;
2. identities (row totals, column identities, block totals): among the candidates, the splits that
   satisfy the most identities are preferred, first those inside one run (a row total), then those
   between runs: the splits that take part in some choice satisfying every identity between runs
   (`_feasible`, a search over partial sums), or when the table breaks one of them, the choices
   satisfying the most (scored one by one, up to MAX_COMBOS choices; beyond, nothing is preferred);
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

import functools
import itertools
import re
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
#: Joint choices between runs scored one by one when the table breaks an identity; beyond it the
#: open runs stay undecided.
MAX_COMBOS = 4096
#: Partial sums kept per step of the search for splits satisfying every identity (`_feasible`);
#: beyond it the search gives up (the runs are then scored as above, or stay undecided).
MAX_STATES = 20_000


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
    #: Cell indices that may carry a sign (the 2019 form's 本年增/减) or a fraction (amounts).
    signed: frozenset[int] = frozenset()
    decimal: frozenset[int] = frozenset()


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


_PIECE = re.compile(r"([+\-]?)(\d+)((?:\.\d+)?)")


def _parse_piece(p: str) -> tuple[str, str, str] | None:
    """(sign, integer digits, fraction) of a number piece, None for anything else (one cell as is)."""
    m = _PIECE.fullmatch(p) if p.isascii() else None
    return (m.group(1), m.group(2), m.group(3)) if m else None


def splits(
    pieces: Sequence[str], width: int, max_digits: int = MAX_COUNT_DIGITS, limit: int = MAX_SPLITS,
    *, signed: frozenset[int] = frozenset(), decimal: frozenset[int] = frozenset(),
) -> list[tuple[Span, ...]]:
    """Every way to cut `pieces` into exactly `width` cells under the hard constraints, in order.

    A cell never crosses two pieces; a piece's sign belongs to its first cell, which must then be
    one of the `signed` cell indices, and its fraction (`41115.00`) to its last, one of `decimal`.
    Raises TooManySplits at once when the digits cannot fit in `width` cells of at most
    `max_digits` digits, and past `limit` candidates; the search is pruned so that its cost follows
    the number of candidates, not the length of the run."""
    return list(_splits(tuple(pieces), width, max_digits, limit, signed, decimal))


@functools.lru_cache(maxsize=4096)
def _splits(
    pieces: tuple[str, ...], width: int, max_digits: int, limit: int, signed: frozenset[int], decimal: frozenset[int]
) -> tuple[tuple[Span, ...], ...]:
    """`splits`, cached: tables repeat their runs (`0000000` on most rows of most reports)."""
    n = len(pieces)
    parsed = [_parse_piece(p) for p in pieces]
    if all(q is not None and not q[0] and not q[2] for q in parsed) and sum(len(p) for p in pieces) == width:
        # One digit per cell: the only split (the all-zero rows).
        return (tuple((i, a, a + 1) for i, p in enumerate(pieces) for a in range(len(p))),)
    # Fewest and most cells the pieces from i on can make.
    lo = [0] * (n + 1)
    hi = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        q = parsed[i]
        size = len(q[1]) if q else 0
        lo[i] = lo[i + 1] + (-(-size // max_digits) if q else 1)
        hi[i] = hi[i + 1] + (size if q else 1)
    if lo[0] > width:
        raise TooManySplits(f"{hi[0]} digits cannot fit {width} cells of at most {max_digits} digits")
    out: list[tuple[Span, ...]] = []
    if hi[0] < width:
        return ()
    acc: list[Span] = []

    def walk(i: int, pos: int, left: int) -> None:
        if i == n:
            if left == 0:
                out.append(tuple(acc))
                if len(out) > limit:
                    raise TooManySplits(f"more than {limit} ways to split")
            return
        q = parsed[i]
        cell = width - left
        if q is None:
            if lo[i + 1] <= left - 1 <= hi[i + 1]:
                acc.append((i, 0, len(pieces[i])))
                walk(i + 1, 0, left - 1)
                acc.pop()
            return
        sign, digits, frac = q
        if pos == 0 and sign and cell not in signed:
            return
        longest = 1 if digits[pos] == "0" else min(max_digits, len(digits) - pos)
        for end in range(pos + 1, pos + longest + 1):
            r = len(digits) - end  # digits left in this piece
            if not lo[i + 1] + -(-r // max_digits) <= left - 1 <= hi[i + 1] + r:
                continue
            last = end == len(digits)
            if last and frac and cell not in decimal:
                continue
            a = 0 if pos == 0 else len(sign) + pos
            b = len(pieces[i]) if last else len(sign) + end
            acc.append((i, a, b))
            if last:
                walk(i + 1, 0, left - 1)
            else:
                walk(i, end, left - 1)
            acc.pop()

    walk(0, 0, width)
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _candidates(run: Run) -> tuple[tuple[tuple[Span, ...], ...], tuple[tuple[int | None, ...], ...]]:
    """A run's splits and their values, cached with the run (raises TooManySplits)."""
    spans = _splits(run.pieces, len(run.keys), run.max_digits, MAX_SPLITS, run.signed, run.decimal)
    return spans, tuple(_ints(_texts(run, s)) for s in spans)


def _texts(run: Run, spans: Sequence[Span]) -> tuple[str, ...]:
    return tuple(run.pieces[i][a:b] for i, a, b in spans)


def _ints(texts: Sequence[str]) -> tuple[int | None, ...]:
    """Counts as integers; a decimal or anything else takes part in no identity."""
    return tuple(int(t) if t.lstrip("+-").isdigit() and t.isascii() else None for t in texts)


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
    values: list[list[tuple[int | None, ...]]] = []
    for d in decisions:
        try:
            c, v = _candidates(d.run)
        except TooManySplits:
            d.refused = "too_long"
            c, v = (), ()
        if not c and not d.refused:
            d.refused = "none"
        d.possible = len(c)
        cands.append(list(c))
        values.append(list(v))
    live = [i for i, c in enumerate(cands) if c]
    key_run = {k: i for i in live for k in runs[i].keys}
    index = _index(tuple(identities))
    # 1. identities inside one run (with the fixed cells)
    for i in live:
        if len(cands[i]) < 2:
            continue
        mine = sorted({j for k in runs[i].keys for j in index.get(k, ())})
        local = _linear([identities[j] for j in mine if all(key_run.get(k, i) == i for k in _keys(identities[j]))], runs[i].keys, fixed)
        if local:
            keep = _local_best(runs[i], local)
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
    cross = [identities[j] for j in sorted({j for i in open_ for k in runs[i].keys for j in index.get(k, ())})]
    if open_ and cross:
        feasible = _feasible(open_, cands, values, runs, cross, known)
        if feasible is not None:  # the splits that take part in a solution satisfying every identity
            for i, js in zip(open_, feasible):
                if len(js) < len(cands[i]):
                    decisions[i].decided_by = "identities"
                cands[i] = [cands[i][j] for j in js]
                values[i] = [values[i][j] for j in js]
        elif (combos := _combos(open_, cands)) is not None:  # the table breaks one: the most that hold
            scores = [_combo_score(cross, known, runs, open_, values, combo) for combo in combos]
            top = max(scores)
            kept = [c for c, sc in zip(combos, scores) if sc == top]
            for pos, i in enumerate(open_):
                js = sorted({c[pos] for c in kept})
                if len(js) < len(cands[i]):
                    decisions[i].decided_by = "identities"
                cands[i] = [cands[i][j] for j in js]
                values[i] = [values[i][j] for j in js]
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
        if len(cands[i]) == 1:  # the common case
            d.spans = cands[i][0]
            d.cells = _texts(runs[i], d.spans)
            d.candidates = [d.cells]
            if d.possible == 1:
                d.decided_by = "unique"
            continue
        texts = [_texts(runs[i], s) for s in cands[i]]
        d.candidates = list(dict.fromkeys(texts))
        cells: list[str | None] = []
        spans: list[Span | None] = []
        for n in range(len(runs[i].keys)):
            options = {t[n] for t in texts}
            if len(options) == 1:  # the same value in every candidate (perhaps printed at another place)
                span = cands[i][0][n]
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


def _keys(idn: Identity) -> tuple[str, ...]:
    return idn.lhs + idn.rhs


@functools.lru_cache(maxsize=64)
def _index(identities: tuple[Identity, ...]) -> dict[str, tuple[int, ...]]:
    """Cell key → the identities it takes part in (a table's identities are the same every time)."""
    out: dict[str, list[int]] = {}
    for j, idn in enumerate(identities):
        for k in _keys(idn):
            out.setdefault(k, []).append(j)
    return {k: tuple(v) for k, v in out.items()}


#: An identity inside one run: its constant (from the fixed cells) and (cell index, ±1) terms.
_Linear = tuple[int, tuple[tuple[int, int], ...]]


def _linear(idns: Sequence[Identity], keys: Sequence[str], fixed: Mapping[str, int | None]) -> tuple[_Linear, ...]:
    """The identities as constant + terms over the run's cells; those with an unknown fixed
    operand are left out (they prefer nothing)."""
    pos = {k: n for n, k in enumerate(keys)}
    out = []
    for idn in idns:
        const = 0
        terms = []
        ok = True
        for side, ks in ((1, idn.lhs), (-1, idn.rhs)):
            for k in ks:
                if k in pos:
                    terms.append((pos[k], side))
                elif fixed.get(k) is None:
                    ok = False
                else:
                    const += side * fixed[k]  # type: ignore[operator]
        if ok:
            out.append((const, tuple(terms)))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def _local_best(run: Run, local: tuple[_Linear, ...]) -> tuple[int, ...]:
    """Indices of the run's candidates satisfying the most of `local` (a value-less cell, such as a
    decimal, satisfies nothing); cached, as the same rows recur."""
    _, values = _candidates(run)
    scores = []
    for v in values:
        score = 0
        for const, terms in local:
            total = const
            for n, sign in terms:
                x = v[n]
                if x is None:
                    break
                total += sign * x
            else:
                score += total == 0
        scores.append(score)
    top = max(scores)
    return tuple(j for j, sc in enumerate(scores) if sc == top)


def _best(options: range, score) -> list[int]:
    scored = [(score(j), j) for j in options]
    top = max(s for s, _ in scored)
    return [j for s, j in scored if s == top]


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


def _feasible(
    open_: Sequence[int], cands: Sequence[Sequence[object]], values: Sequence[Sequence[tuple[int | None, ...]]],
    runs: Sequence[Run], idns: Sequence[Identity], known: Mapping[str, int | None],
) -> list[list[int]] | None:
    """Per open run, the candidates that belong to some choice satisfying every identity in `idns`
    (those that can be verified), or None when there is no such choice or the search is too large.

    Each identity is lhs − rhs = 0, linear in the cells: a run's candidate adds a vector (one entry
    per identity), the fixed cells a constant. The set of partial sums reachable after each run
    (forward) and the set still able to reach the target (backward) keep the search polynomial in
    practice and bounded by MAX_STATES, where the product of candidates is not."""
    where: dict[str, tuple[int, int]] = {}
    for pos, i in enumerate(open_):
        for n, k in enumerate(runs[i].keys):
            where[k] = (pos, n)
    usable: list[tuple[Identity, int]] = []
    for idn in idns:
        const = 0
        ok = True
        for side, keys in ((1, idn.lhs), (-1, idn.rhs)):
            for k in keys:
                if k in where:
                    pos, n = where[k]
                    if any(v[n] is None for v in values[open_[pos]]):
                        ok = False
                elif known.get(k) is None:
                    ok = False
                else:
                    const += side * known[k]  # type: ignore[operator]
        if ok:
            usable.append((idn, const))
    if not usable:
        return None
    contrib: list[list[tuple[int, ...]]] = []
    for pos, i in enumerate(open_):
        rows = []
        for v in values[i]:
            vec = []
            for idn, _ in usable:
                t = 0
                for side, keys in ((1, idn.lhs), (-1, idn.rhs)):
                    for k in keys:
                        at = where.get(k)
                        if at is not None and at[0] == pos:
                            t += side * v[at[1]]  # type: ignore[operator]
                vec.append(t)
            rows.append(tuple(vec))
        contrib.append(rows)
    target = tuple(-c for _, c in usable)
    forward: list[set[tuple[int, ...]]] = [{tuple(0 for _ in usable)}]
    for rows in contrib:
        nxt = {tuple(a + b for a, b in zip(s, r)) for s in forward[-1] for r in set(rows)}
        if len(nxt) > MAX_STATES:
            return None
        forward.append(nxt)
    if target not in forward[-1]:
        return None
    backward: list[set[tuple[int, ...]]] = [set() for _ in range(len(contrib) + 1)]
    backward[-1] = {target}
    for pos in range(len(contrib) - 1, -1, -1):
        backward[pos] = {tuple(a - b for a, b in zip(t, r)) for t in backward[pos + 1] for r in set(contrib[pos])} & forward[pos]
    out = []
    for pos, rows in enumerate(contrib):
        ok_js = [j for j, r in enumerate(rows) if any(tuple(a + b for a, b in zip(s, r)) in backward[pos + 1] for s in forward[pos])]
        out.append(ok_js)
    return out
