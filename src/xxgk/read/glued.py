"""Split glued digit runs into a table's cells by solving the table as a whole.

Portal text copied or crawled from an HTML table loses the cell borders: `713000074` is the row
71|3|0|0|0|0|74, `1000001` is 1|0|0|0|0|0|1. A run alone rarely has one split, but the table does:

1. hard constraints, which define the candidates of a run: exactly the row's number of cells, no
   leading zeros (a lone `0` is a cell, `07` is not), no cell longer than the table's widest count;
2. identities (row totals, column identities, block totals): among the candidates, the splits that
   satisfy the most identities are preferred, first those inside one run (a row total: searched
   while the run is split, so that a long row's thousands of splits are never listed), then those
   between runs (`gluedsearch`: the splits that take part in a choice satisfying the most of them,
   within fixed bounds of work; beyond, nothing is preferred);
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
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from . import gluedsearch

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


class TooManySplits(Exception):
    """A run with more candidate splits than MAX_SPLITS, or longer than its cells can hold."""


#: A cell of a split: (piece index, start, end) into the run's pieces.
Span = tuple[int, int, int]
#: A row total inside one run: (the addends' cell indices, the total's cell index), all addends
#: printed before their total (表三's six applicant cells and 总计; 表四's four results and 总计).
Block = tuple[tuple[int, ...], int]


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
    blocks: tuple[Block, ...] = (), misses: int | None = None,
) -> list[tuple[Span, ...]]:
    """Every way to cut `pieces` into exactly `width` cells under the hard constraints, in order.

    A cell never crosses two pieces; a piece's sign belongs to its first cell, which must then be
    one of the `signed` cell indices, and its fraction (`41115.00`) to its last, one of `decimal`.
    With `blocks` (row totals inside the run), only the splits breaking at most `misses` of them
    (None: any number). Raises TooManySplits at once when the digits cannot fit in `width` cells of
    at most `max_digits` digits, and past `limit` candidates; the search is pruned so that its cost
    follows the number of candidates, not the length of the run (a block's total is not searched
    but computed from its addends and matched against the digits)."""
    return list(_splits(tuple(pieces), width, max_digits, limit, signed, decimal, blocks, len(blocks) if misses is None else misses))


def _bounds(parsed: Sequence[tuple[str, str, str] | None], max_digits: int) -> tuple[list[int], list[int]]:
    """Fewest and most cells the pieces from i on can make."""
    n = len(parsed)
    lo = [0] * (n + 1)
    hi = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        q = parsed[i]
        size = len(q[1]) if q else 0
        lo[i] = lo[i + 1] + (-(-size // max_digits) if q else 1)
        hi[i] = hi[i + 1] + (size if q else 1)
    return lo, hi


@functools.lru_cache(maxsize=4096)
def _splits(
    pieces: tuple[str, ...], width: int, max_digits: int, limit: int, signed: frozenset[int], decimal: frozenset[int],
    blocks: tuple[Block, ...] = (), misses: int = 0,
) -> tuple[tuple[Span, ...], ...]:
    """`splits`, cached: tables repeat their runs (`0000000` on most rows of most reports)."""
    n = len(pieces)
    parsed = [_parse_piece(p) for p in pieces]
    lo, hi = _bounds(parsed, max_digits)
    if lo[0] > width:
        raise TooManySplits(f"{hi[0]} digits cannot fit {width} cells of at most {max_digits} digits")
    if hi[0] < width:
        return ()
    total_of = {rhs: lhs for lhs, rhs in blocks}
    if all(q is not None and not q[0] and not q[2] for q in parsed) and hi[0] == width:
        # One digit per cell: the only split (the all-zero rows).
        only = tuple((i, a, a + 1) for i, p in enumerate(pieces) for a in range(len(p)))
        vals = [int(pieces[i][a]) for i, a, _ in only]
        broken = sum(vals[rhs] != sum(vals[k] for k in lhs) for lhs, rhs in blocks)
        return (only,) if broken <= misses else ()
    if (
        n == 1 and not misses and blocks == ((tuple(range(width - 1)), width - 1),)
        and parsed[0] is not None and not parsed[0][0] and not parsed[0][2]
    ):
        return _row_total_splits(pieces[0], width, max_digits, limit)
    out: list[tuple[Span, ...]] = []
    acc: list[Span] = []
    vals: list[int | None] = []
    # The total ending the run (表三's 总计), its addends printed just before it: their digits and the
    # digits the total can take are tied (`_tail_fits`), which prunes most of a long row's splits.
    tail = next((lhs for lhs, rhs in blocks if rhs == width - 1 and sorted(lhs) == list(range(min(lhs), rhs))), None)
    last_q = parsed[-1]
    if tail is None or last_q is None or last_q[2]:
        tail = None
    tail_fits = _tail_fits(last_q[1], max_digits) if tail is not None else None  # type: ignore[index]

    def walk(i: int, pos: int, left: int, miss: int) -> None:
        if i == n:
            if left == 0:
                out.append(tuple(acc))
                if len(out) > limit:
                    raise TooManySplits(f"more than {limit} ways to split")
            return
        q = parsed[i]
        cell = width - left
        want: int | None = None  # the value a block's total must have
        if cell in total_of:
            addends = [vals[k] for k in total_of[cell]]
            if None in addends:
                if not miss:
                    return  # an unverifiable block counts as broken
                miss -= 1
            else:
                want = sum(addends)  # type: ignore[arg-type]
        if q is None:
            if want is not None:
                if not miss:
                    return
                miss -= 1
            if lo[i + 1] <= left - 1 <= hi[i + 1]:
                acc.append((i, 0, len(pieces[i])))
                vals.append(None)
                walk(i + 1, 0, left - 1, miss)
                vals.pop()
                acc.pop()
            return
        sign, digits, frac = q
        if pos == 0 and sign and cell not in signed:
            return
        longest = 1 if digits[pos] == "0" else min(max_digits, len(digits) - pos)
        ends: Iterable[int] = range(pos + 1, pos + longest + 1)
        if want is not None and not miss and not (pos == 0 and sign):
            text = str(want)  # forced: the only end is where the total's digits are printed
            e = pos + len(text)
            ends = (e,) if len(text) <= longest and digits.startswith(text, pos) else ()
        for end in ends:
            r = len(digits) - end  # digits left in this piece
            if not lo[i + 1] + -(-r // max_digits) <= left - 1 <= hi[i + 1] + r:
                continue
            last = end == len(digits)
            if last and frac and cell not in decimal:
                continue
            m = miss
            value = None
            if total_of:
                value = None if last and frac else int(sign + digits[pos:end] if pos == 0 else digits[pos:end])
                if want is not None and value != want:
                    if not m:
                        continue
                    m -= 1
                if tail_fits is not None and not m and i == n - 1 and tail[0] <= cell < width - 1 and value is not None:  # type: ignore[index]
                    done = sum(vals[k] for k in range(tail[0], cell))  # type: ignore[index, misc]
                    if not tail_fits(done + value, len(digits) - end, width - 2 - cell):
                        continue
            a = 0 if pos == 0 else len(sign) + pos
            b = len(pieces[i]) if last else len(sign) + end
            acc.append((i, a, b))
            vals.append(value)
            if last:
                walk(i + 1, 0, left - 1, m)
            else:
                walk(i, end, left - 1, m)
            vals.pop()
            acc.pop()

    walk(0, 0, width, misses)
    return tuple(out)


def _row_total_splits(digits: str, width: int, max_digits: int, limit: int) -> tuple[tuple[Span, ...], ...]:
    """`_splits` of one plain run whose last cell is the total of all the others (a 表三 row), fast:
    the total is a suffix of the run (at most `max_digits` choices), and the addends are then cut
    from the rest with the sum still to reach in hand: an addend never exceeds it, and the digits
    left must be able to make what is left of it (`_sum_bounds`)."""
    out: list[tuple[Span, ...]] = []
    addends = width - 1
    for size in range(1, min(max_digits, len(digits) - addends) + 1):
        text = digits[len(digits) - size :]
        if size > 1 and text[0] == "0":
            continue
        prefix = digits[: len(digits) - size]
        cuts: list[int] = []

        def walk(pos: int, k: int, rem: int) -> None:
            if k == 0:
                if pos == len(prefix) and rem == 0:
                    ends = [*cuts, len(digits)]
                    out.append(tuple((0, a, b) for a, b in zip([0, *ends[:-1]], ends)))
                    if len(out) > limit:
                        raise TooManySplits(f"more than {limit} ways to split")
                return
            longest = 1 if prefix[pos] == "0" else min(size, len(prefix) - pos - (k - 1))
            for end in range(pos + 1, pos + longest + 1):
                v = int(prefix[pos:end])
                if v > rem:
                    break
                if _sum_bounds(len(prefix) - end, k - 1, size, rem - v):
                    cuts.append(end)
                    walk(end, k - 1, rem - v)
                    cuts.pop()

        walk(0, addends, int(text))
    return tuple(sorted(out))


def _sum_bounds(digits: int, addends: int, size: int, rest: int) -> bool:
    """Can `addends` numbers of at most `size` digits each, printed in `digits` digits without
    leading zeros, add up to `rest`? Only the lengths are looked at: a necessary condition."""
    if addends == 0:
        return digits == 0 and rest == 0
    if digits < addends or digits > addends * size:
        return False
    longest = -(-digits // addends)  # some addend has at least this many digits, its first not 0
    if longest > 1 and rest < 10 ** (longest - 1):
        return False
    return rest <= 10 ** (digits - addends + 1) - 1 + 9 * (addends - 1)  # one long addend, the rest 9s


def _tail_fits(digits: str, max_digits: int):
    """For the run's last piece `digits`: can addends summing to `s` so far, `addends` more of them
    and their total fill the `rest` digits left, the total being a suffix of `digits`? The total is
    at least the sum so far and at least as long as each addend; it exceeds the sum so far by what
    the remaining addends' digits can hold, at most one long addend and 9s, at least the longest
    addend they must make (no leading zero)."""
    suffix = {}
    for size in range(1, min(max_digits, len(digits)) + 1):
        text = digits[len(digits) - size :]
        if size == 1 or text[0] != "0":
            suffix[size] = int(text)

    def fits(s: int, rest: int, addends: int) -> bool:
        for size in range(max(1, -(-rest // (addends + 1))), min(max_digits, rest - addends) + 1):
            total = suffix.get(size)
            if total is None or total < s:
                continue
            if addends == 0:
                if total == s and rest == size:
                    return True
                continue
            more = rest - size  # the remaining addends' digits
            if total - s > 10 ** (more - addends + 1) - 1 + 9 * (addends - 1):  # one long addend, the rest 9s
                continue
            longest = -(-more // addends)  # some addend has at least this many digits, the first not 0
            if longest > size or longest > 1 and total - s < 10 ** (longest - 1):
                continue
            return True
        return False

    return fits


@functools.lru_cache(maxsize=4096)
def _count(pieces: tuple[str, ...], width: int, max_digits: int, signed: frozenset[int], decimal: frozenset[int]) -> int:
    """How many splits the hard constraints allow (`splits` without blocks), counted without listing
    them; raises TooManySplits when the digits cannot fit at all."""
    n = len(pieces)
    parsed = [_parse_piece(p) for p in pieces]
    lo, hi = _bounds(parsed, max_digits)
    if lo[0] > width:
        raise TooManySplits(f"{hi[0]} digits cannot fit {width} cells of at most {max_digits} digits")

    @functools.cache
    def count(i: int, pos: int, left: int) -> int:
        if i == n:
            return 1 if left == 0 else 0
        q = parsed[i]
        cell = width - left
        if q is None:
            return count(i + 1, 0, left - 1) if lo[i + 1] <= left - 1 <= hi[i + 1] else 0
        sign, digits, frac = q
        if left == 0 or pos == 0 and sign and cell not in signed:
            return 0
        longest = 1 if digits[pos] == "0" else min(max_digits, len(digits) - pos)
        total = 0
        for end in range(pos + 1, pos + longest + 1):
            r = len(digits) - end
            if not lo[i + 1] + -(-r // max_digits) <= left - 1 <= hi[i + 1] + r:
                continue
            last = end == len(digits)
            if last and frac and cell not in decimal:
                continue
            total += count(i + 1, 0, left - 1) if last else count(i, end, left - 1)
        return total

    return count(0, 0, width) if hi[0] >= width else 0


@functools.lru_cache(maxsize=4096)
def _candidates(run: Run, blocks: tuple[Block, ...] = ()) -> tuple[tuple[tuple[Span, ...], ...], tuple[tuple[int | None, ...], ...], int]:
    """A run's candidate splits, their values and how many splits the hard constraints allow, cached
    with the run (raises TooManySplits). With row totals inside the run (`blocks`), the candidates
    are the splits breaking the fewest of them (the row's own identities come first: a 17-digit
    表三 row has some 10,000 splits but a handful that add up); without, every split."""
    possible = _count(run.pieces, len(run.keys), run.max_digits, run.signed, run.decimal)
    if possible > 1 and blocks:
        for misses in range(len(blocks) + 1):
            spans = _splits(run.pieces, len(run.keys), run.max_digits, MAX_SPLITS, run.signed, run.decimal, blocks, misses)
            if spans:
                break
    elif possible > MAX_SPLITS:
        raise TooManySplits(f"more than {MAX_SPLITS} ways to split")
    else:
        spans = _splits(run.pieces, len(run.keys), run.max_digits, MAX_SPLITS, run.signed, run.decimal) if possible else ()
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
        if kept is not None:  # the splits that take part in a choice satisfying the most identities
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
    """Indices of the run's candidates satisfying the most of `local` (a value-less cell, such as a
    decimal, satisfies nothing); cached, as the same rows recur."""
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
    top = max(scores)
    return tuple(j for j, sc in enumerate(scores) if sc == top)


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
    before it (a row total): searched while the run is split (`_splits`)."""
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
