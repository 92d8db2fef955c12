"""Split glued digit runs into a table's cells by solving the table as a whole.

Portal text copied or crawled from an HTML table loses the cell borders: `713000074` is the row
71|3|0|0|0|0|74, `1000001` is 1|0|0|0|0|0|1. A run alone rarely has one split, but the table does:

1. hard constraints, which define the candidates of a run: exactly the row's number of cells, no
   leading zeros (a lone `0` is a cell, `07` is not), no cell longer than the table's widest count;
2. identities (row totals, column identities, block totals): among the candidates, the splits that
   satisfy the most identities are preferred, first those inside one run (a row total: searched
   while the run is split, so that a long row's thousands of splits are never listed), then those
   between runs (`gluedsearch`: the splits that take part in a choice satisfying all of them, within
   fixed bounds of work; in a table that breaks one, or beyond the bounds, nothing is preferred:
   a source error lets a wrong split satisfy more of them than the printed one by coincidence);
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import gluedsearch
from .gluedsplits import MAX_COUNT_DIGITS, MAX_SPLITS, Block, Span, TooManySplits, cached_splits, count_splits, splits  # noqa: F401 (splits re-exported)

#: Longest number in one cell of 表二 (digits): 行政许可 of a large city (10690 in 002) or a
#: procurement amount in 元 (9 digits for ¥100 million) fit.
MAX_T2_DIGITS = 12


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


@functools.lru_cache(maxsize=4096)
def _candidates(run: Run, blocks: tuple[Block, ...] = ()) -> tuple[tuple[tuple[Span, ...], ...], tuple[tuple[int | None, ...], ...], int]:
    """A run's candidate splits, their values and how many splits the hard constraints allow, cached
    with the run (raises TooManySplits). With row totals inside the run (`blocks`), the candidates
    are the splits that keep all of them (the row's own identities come first: a 17-digit 表三 row
    has some 10,000 splits but a handful that add up); without, or when no split keeps them all (a
    表四 block whose 总计 was printed 0), every split: a row that breaks its own total is not
    trusted to choose by its other totals."""
    possible = count_splits(run.pieces, len(run.keys), run.max_digits, run.signed, run.decimal)
    spans: tuple[tuple[Span, ...], ...] = ()
    if possible > 1 and blocks:
        spans = cached_splits(run.pieces, len(run.keys), run.max_digits, MAX_SPLITS, run.signed, run.decimal, blocks, 0)
    if not spans and possible > MAX_SPLITS:
        raise TooManySplits(f"more than {MAX_SPLITS} ways to split")
    if not spans and possible:
        spans = cached_splits(run.pieces, len(run.keys), run.max_digits, MAX_SPLITS, run.signed, run.decimal)
    return spans, tuple(_ints(_texts(run, s)) for s in spans), possible


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
    idns = tuple(identities)
    index = _index(idns)
    totals = _totals(idns)
    blocks = [_blocks(d.run.keys, totals) for d in decisions]
    for d, b in zip(decisions, blocks):
        try:
            c, v, d.possible = _candidates(d.run, b)
        except TooManySplits:
            d.refused = "too_long"
            c, v = (), ()
        if not c and not d.refused:
            d.refused = "none"
        elif len(c) < d.possible:
            d.decided_by = "identities"
        cands.append(list(c))
        values.append(list(v))
    live = [i for i, c in enumerate(cands) if c]
    key_run = {k: i for i in live for k in runs[i].keys}
    # 1. identities inside one run (with the fixed cells)
    for i in live:
        if len(cands[i]) < 2:
            continue
        mine = sorted({j for k in runs[i].keys for j in index.get(k, ())})
        local = _linear([idns[j] for j in mine if all(key_run.get(k, i) == i for k in _keys(idns[j]))], runs[i].keys, fixed)
        if local:
            keep = _local_best(runs[i], blocks[i], local)
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
    cross = [idns[j] for j in sorted({j for i in open_ for k in runs[i].keys for j in index.get(k, ())})]
    if open_ and cross:
        problem = _between(open_, values, runs, cross, known)
        kept = gluedsearch.preferred(*problem) if problem is not None else None
        if kept is not None:  # the splits that take part in a choice satisfying every identity
            for i, js in zip(open_, kept):
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
def _local_best(run: Run, blocks: tuple[Block, ...], local: tuple[_Linear, ...]) -> tuple[int, ...]:
    """Indices of the run's candidates satisfying all of `local` (a value-less cell, such as a
    decimal, satisfies nothing), or all candidates when none does (a run that breaks one of its
    identities might satisfy the others by coincidence, see gluedsearch); cached, as the same rows
    recur."""
    _, values, _ = _candidates(run, blocks)
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
    kept = tuple(j for j, sc in enumerate(scores) if sc == len(local))
    return kept or tuple(range(len(scores)))


def _best(options: range, score) -> list[int]:
    scored = [(score(j), j) for j in options]
    top = max(s for s, _ in scored)
    return [j for s, j in scored if s == top]


@functools.lru_cache(maxsize=64)
def _totals(identities: tuple[Identity, ...]) -> dict[str, tuple[Identity, ...]]:
    """Cell key → the identities making it the total of other cells (one rhs key)."""
    out: dict[str, list[Identity]] = {}
    for idn in identities:
        if len(idn.rhs) == 1 and idn.lhs:
            out.setdefault(idn.rhs[0], []).append(idn)
    return {k: tuple(v) for k, v in out.items()}


def _blocks(keys: tuple[str, ...], totals: Mapping[str, tuple[Identity, ...]]) -> tuple[Block, ...]:
    """The identities wholly inside a run of `keys` that make one cell the total of cells printed
    before it (a row total): searched while the run is split (`gluedsplits.cached_splits`)."""
    out = []
    pos: dict[str, int] | None = None
    for rhs, k in enumerate(keys):
        for idn in totals.get(k, ()):
            if pos is None:
                pos = {key: n for n, key in enumerate(keys)}
            lhs = tuple(pos.get(a, -1) for a in idn.lhs)
            if min(lhs) >= 0 and max(lhs) < rhs:
                out.append((lhs, rhs))
    return tuple(out)


def _between(
    open_: Sequence[int], values: Sequence[Sequence[tuple[int | None, ...]]], runs: Sequence[Run],
    idns: Sequence[Identity], known: Mapping[str, int | None],
) -> tuple[list[list[tuple[int, ...]]], list[int]] | None:
    """The identities between the open runs as `gluedsearch.preferred` takes them: per run and
    candidate, its contribution to each identity (lhs − rhs), and per identity the total the runs
    must reach (the known cells moved across). An identity with an unknown operand, or with a cell
    that some candidate leaves without a value (a decimal), prefers nothing and is left out; None
    when none is left."""
    where: dict[str, tuple[int, int]] = {}
    for pos, i in enumerate(open_):
        for n, k in enumerate(runs[i].keys):
            where[k] = (pos, n)
    usable: list[tuple[list[tuple[int, int, int]], int]] = []  # (open run position, cell, sign) terms; target
    for idn in idns:
        const = 0
        terms: list[tuple[int, int, int]] = []
        ok = True
        for side, keys in ((1, idn.lhs), (-1, idn.rhs)):
            for k in keys:
                if k in where:
                    pos, n = where[k]
                    if any(v[n] is None for v in values[open_[pos]]):
                        ok = False
                    terms.append((pos, n, side))
                elif known.get(k) is None:
                    ok = False
                else:
                    const += side * known[k]  # type: ignore[operator]
        if ok and terms:
            usable.append((terms, -const))
    if not usable:
        return None
    contrib: list[list[tuple[int, ...]]] = []
    for pos, i in enumerate(open_):
        mine = [[(n, side) for p, n, side in terms if p == pos] for terms, _ in usable]
        contrib.append([tuple(sum(side * v[n] for n, side in ts) for ts in mine) for v in values[i]])  # type: ignore[misc]
    return contrib, [t for _, t in usable]
