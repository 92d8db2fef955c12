"""Which candidate splits of a table's open runs take part in a choice satisfying every identity.

`glued.solve` leaves each glued run with the candidate splits that its own row total allows; the
identities *between* runs (表三's column identities: 一+二 = （七）+四, the outcome rows adding up to
（七）总计) narrow them further, but only in a table that can satisfy all of them at once. A table
with a source error (a double count, （七）总计 printed as zeros: real 006, 025) breaks some of them,
and then a wrong split may satisfy more of the others than the printed one does by coincidence
(a 总计 row of zeros makes every 0 in 一、本年新收 "hold" 一+二 = （七）+四 for its column): there
the identities prefer nothing, and the runs they would have decided stay undecided, as errors.

Each identity is linear: the sum, over runs, of a candidate's contribution (its cells with sign ±1)
must reach a target (the known cells moved across). The search, bounded whatever the table:
*propagation* removes the candidates that cannot take part in any choice satisfying one identity
(`_propagate`, each identity over bitsets of reachable sums, repeated until nothing changes), then an
exact search over the survivors keeps those that take part in a choice satisfying all of them at
once (`_exact`, forward and backward sets of packed partial sums). Past WORK operations nothing is
preferred (None).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence

#: Set operations (bitset shifts, partial sums added or looked up) per table before the search stops
#: and prefers nothing. The generated and real tables need at most a few thousand (measured over
#: tests/corpus printed oneline_glued/glued_rows with and without source errors, 2026-12-05);
#: about 3 ms of CPU at the limit.
WORK = 30_000
#: Widest reachable-sum bitset propagated (bits); a wider identity (six-digit cells in a long run)
#: is left to the exact search.
MAX_BITS = 1 << 20


class _OutOfWork(Exception):
    pass


class _Budget:
    def __init__(self, work: int) -> None:
        self.left = work

    def spend(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise _OutOfWork


#: contrib[run][candidate][identity]: a candidate's contribution to each identity.
Contrib = Sequence[Sequence[tuple[int, ...]]]


def preferred(contrib: Contrib, target: Sequence[int], work: int = WORK) -> list[list[int]] | None:
    """Per run, the indices of its candidates that take part in some choice (one candidate per run)
    satisfying every identity (sum of contributions == target); None when no choice does, or when
    that cannot be told within WORK (module docstring)."""
    m = len(target)
    runs = range(len(contrib))
    tgt = list(target)
    # Per identity, the runs whose candidates contribute differently; constant ones move to the target.
    inv: list[list[int]] = []
    for j in range(m):
        varying = []
        for i in runs:
            first = contrib[i][0][j]
            if any(c[j] != first for c in contrib[i]):
                varying.append(i)
            else:
                tgt[j] -= first
        inv.append(varying)
    doms = [list(range(len(c))) for c in contrib]
    budget = _Budget(work)
    try:
        narrowed = _propagate(contrib, doms, list(range(m)), inv, tgt, budget)
        return None if narrowed is None else _exact(contrib, narrowed, list(range(m)), inv, tgt, budget)
    except _OutOfWork:
        return None


def _propagate(
    contrib: Contrib, doms: Sequence[Sequence[int]], idns: Sequence[int], inv: Sequence[Sequence[int]],
    tgt: Sequence[int], budget: _Budget,
) -> list[list[int]] | None:
    """The candidates left once each identity of `idns`, taken alone, has removed those that take
    part in no choice satisfying it, repeated until none is removed; None when one cannot hold."""
    out = [list(d) for d in doms]
    uses: dict[int, list[int]] = {}
    for j in idns:
        for i in inv[j]:
            uses.setdefault(i, []).append(j)
    queue = deque(idns)
    queued = set(idns)
    while queue:
        j = queue.popleft()
        queued.discard(j)
        rs = inv[j]
        vals = [sorted({contrib[i][c][j] for c in out[i]}) for i in rs]
        lows = [v[0] for v in vals]
        goal = tgt[j] - sum(lows)
        if goal < 0 or goal > sum(v[-1] - v[0] for v in vals):
            return None
        if goal >= MAX_BITS:
            continue
        budget.spend(2 * sum(len(v) for v in vals))
        mask = (1 << (goal + 1)) - 1
        reach = [1]  # reach[k]: bitset of the sums (above the lows) the runs before rs[k] can make
        for v, lo in zip(vals, lows):
            r = 0
            prev = reach[-1]
            for x in v:
                r |= prev << (x - lo)
            reach.append(r & mask)
        if not (reach[-1] >> goal) & 1:
            return None
        back = 1 << goal  # sums after run k from which the goal can still be made
        for k in range(len(rs) - 1, -1, -1):
            lo = lows[k]
            ok = [x for x in vals[k] if (reach[k] << (x - lo)) & back]
            b = 0
            for x in ok:
                b |= back >> (x - lo)
            back = b & reach[k]
            if len(ok) < len(vals[k]):
                i = rs[k]
                okset = set(ok)
                out[i] = [c for c in out[i] if contrib[i][c][j] in okset]
                for j2 in uses.get(i, ()):
                    if j2 != j and j2 not in queued:
                        queue.append(j2)
                        queued.add(j2)
    return out


def _exact(
    contrib: Contrib, doms: Sequence[Sequence[int]], idns: Sequence[int], inv: Sequence[Sequence[int]],
    tgt: Sequence[int], budget: _Budget,
) -> list[list[int]] | None:
    """Per run, the candidates of `doms` taking part in a choice satisfying every identity of `idns`
    at once; None when there is no such choice.

    Partial sums of all identities are packed into one integer (one bit field per identity, each
    contribution taken above its run's lowest so that no field carries into the next), so that a
    step of the search is one integer addition and one set lookup."""
    involved = sorted({i for j in idns for i in inv[j]})
    out = [list(d) for d in doms]
    if not involved:
        return out
    shifts: list[int] = []
    lows: dict[tuple[int, int], int] = {}
    goal = 0
    shift = 0
    for j in idns:
        span = 0
        total = tgt[j]
        for i in inv[j]:
            vs = [contrib[i][c][j] for c in doms[i]]
            lo = min(vs)
            lows[(i, j)] = lo
            span += max(vs) - lo
            total -= lo
        if total < 0 or total > span:
            return None
        shifts.append(shift)
        goal += total << shift
        shift += span.bit_length() + 1
    packed: list[dict[int, list[int]]] = []
    for i in involved:
        by: dict[int, list[int]] = {}
        for c in doms[i]:
            p = 0
            for j, sh in zip(idns, shifts):
                lo = lows.get((i, j))
                if lo is not None:
                    p += (contrib[i][c][j] - lo) << sh
            by.setdefault(p, []).append(c)
        packed.append(by)
    forward: list[set[int]] = [{0}]
    for by in packed:
        prev = forward[-1]
        budget.spend(len(prev) * len(by))
        forward.append({s + p for s in prev for p in by})
    if goal not in forward[-1]:
        return None
    back = {goal}
    for k in range(len(involved) - 1, -1, -1):
        prev = forward[k]
        by = packed[k]
        budget.spend(len(back) * len(by))
        ok = [p for p in by if any(g - p in prev for g in back)]
        back = {g - p for g in back for p in ok if g - p in prev}
        out[involved[k]] = sorted(c for p in ok for c in by[p])
    return out
