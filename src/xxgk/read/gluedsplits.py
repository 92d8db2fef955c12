"""Cut one glued digit run into a given number of cells: every way the hard constraints allow, or
only those that keep the run's own row totals (`glued` decides among them).

Hard constraints: exactly the row's number of cells, no leading zeros (a lone `0` is a cell, `07`
is not), no cell longer than the table's widest count, a sign only on a signed cell and a fraction
only on a decimal one. The searches are pruned so that their cost follows the number of splits
they return, not the length of the run, and refuse (TooManySplits) past MAX_SPLITS.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

#: Longest count in one cell of 表三/表四 (digits). The largest counts in the real and seed reports
#: are below 10^5 (a province's 表三 总计); one digit more leaves room without letting a run of
#: zeros and ones be read as a few huge numbers.
MAX_COUNT_DIGITS = 6
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
    return list(cached_splits(tuple(pieces), width, max_digits, limit, signed, decimal, blocks, len(blocks) if misses is None else misses))


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


def _measured(pieces: tuple[str, ...], width: int, max_digits: int) -> tuple[list[tuple[str, str, str] | None], list[int], list[int]]:
    """The parsed pieces and their cell-count bounds (`_bounds`); TooManySplits when even the fewest
    cells the digits need exceed `width`. Shared by `cached_splits` and `count_splits`."""
    parsed = [_parse_piece(p) for p in pieces]
    lo, hi = _bounds(parsed, max_digits)
    if lo[0] > width:
        raise TooManySplits(f"{hi[0]} digits cannot fit {width} cells of at most {max_digits} digits")
    return parsed, lo, hi


def _one_digit_each(parsed: list[tuple[str, str, str] | None], hi: list[int], width: int) -> bool:
    """Every piece plain digits and exactly one cell per digit: the only split (the all-zero rows)."""
    return hi[0] == width and all(q is not None and not q[0] and not q[2] for q in parsed)


@functools.lru_cache(maxsize=4096)
def cached_splits(
    pieces: tuple[str, ...], width: int, max_digits: int, limit: int, signed: frozenset[int], decimal: frozenset[int],
    blocks: tuple[Block, ...] = (), misses: int = 0,
) -> tuple[tuple[Span, ...], ...]:
    """`splits` as a tuple, cached: tables repeat their runs (`0000000` on most rows of most reports)."""
    n = len(pieces)
    parsed, lo, hi = _measured(pieces, width, max_digits)
    if hi[0] < width:
        return ()
    total_of = {rhs: lhs for lhs, rhs in blocks}
    if _one_digit_each(parsed, hi, width):
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
    """`cached_splits` of one plain run whose last cell is the total of all the others (a 表三 row), fast:
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
def count_splits(pieces: tuple[str, ...], width: int, max_digits: int, signed: frozenset[int], decimal: frozenset[int]) -> int:
    """How many splits the hard constraints allow (`splits` without blocks), counted without listing
    them; raises TooManySplits when the digits cannot fit at all."""
    n = len(pieces)
    parsed, lo, hi = _measured(pieces, width, max_digits)
    if hi[0] < width:
        return 0
    if _one_digit_each(parsed, hi, width):
        return 1  # one cell per digit (the all-zero rows)

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
