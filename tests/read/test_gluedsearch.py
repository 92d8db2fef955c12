"""The search between glued runs (read/gluedsearch.py): which candidates take part in the choices
satisfying every identity, bounded; nothing preferred in a table that breaks one. Oracles: small
problems worked out by hand in each docstring, and a brute force over every choice."""

from __future__ import annotations

import itertools
import random

from xxgk.read import gluedsearch
from xxgk.read.gluedsearch import preferred


def test_every_identity_holds_for_one_choice() -> None:
    """Two runs, two candidates each; x1 + x2 = 13 and y1 + y2 = 20 (the 110 / 220 rows of
    test_glued): only 11|0 with 2|20 satisfies both."""
    contrib = [[(1, 10), (11, 0)], [(2, 20), (22, 0)]]
    assert preferred(contrib, [13, 20]) == [[1], [0]]


def test_a_broken_identity_prefers_nothing() -> None:
    """One run: candidate 0 contributes (1, 1, 1), candidate 1 (2, 2, 0); targets (1, 1, 0). No
    choice satisfies all three: the table has a source error, and the identities decide nothing
    (candidate 0 satisfies two, but that may be the coincidence a source error makes)."""
    assert preferred([[(1, 1, 1), (2, 2, 0)]], [1, 1, 0]) is None


def test_total_zero_does_not_make_zeros_hold() -> None:
    """Real 025: （七）总计 printed as zeros and nothing carried over, so 一 = 四 per column. 一's run
    `10032384120` has two splits adding up to 120: 100|3|2|3|8|4 (printed) and 1|0|0|32|3|84; with
    四 = (5, 0, 0, 0, 0, 0, 5) the wrong one satisfies 一 = 四 in two columns (its zeros), the
    printed one in none. The table breaks the identities either way: nothing is preferred."""
    printed, wrong = (100, 3, 2, 3, 8, 4, 120), (1, 0, 0, 32, 3, 84, 120)
    forward = (5, 0, 0, 0, 0, 0, 5)
    assert preferred([[printed, wrong]], list(forward)) is None


def test_an_identity_no_choice_satisfies_prefers_nothing() -> None:
    contrib = [[(1, 3), (2, 4)], [(5, 0), (6, 0)]]
    assert preferred(contrib, [0, 4]) is None


def test_ties_keep_every_candidate_of_a_best_choice() -> None:
    """x1 + x2 = 3 with x1, x2 in {1, 2}: 1+2 and 2+1 both hold, nothing is narrowed."""
    assert preferred([[(1,), (2,)], [(1,), (2,)]], [3]) == [[0, 1], [0, 1]]


def test_out_of_work_prefers_nothing() -> None:
    """Twelve runs whose candidates contribute (c, c²), c = 0..4, and the targets (24, 48): only
    c = 2 everywhere reaches both (sum of squares 48 = 24²/12 forces equal terms), but each identity
    alone lets every c take part, so the search must follow thousands of partial sums. Past the
    work bound it stops and prefers nothing, instead of running on."""
    contrib = [[(c, c * c) for c in range(5)] for _ in range(12)]
    assert preferred(contrib, [24, 48], work=200) is None
    assert preferred(contrib, [24, 48], work=10**7) == [[2]] * 12


def _brute(contrib: list[list[tuple[int, ...]]], target: list[int]) -> list[list[int]] | None:
    """Per run, the candidates of the choices satisfying every identity; None when there is none."""
    kept = [
        choice for choice in itertools.product(*(range(len(c)) for c in contrib))
        if all(sum(contrib[i][c][j] for i, c in enumerate(choice)) == t for j, t in enumerate(target))
    ]
    return [sorted({c[i] for c in kept}) for i in range(len(contrib))] if kept else None


def test_random_small_problems_agree_with_brute_force() -> None:
    """Random problems of 2-5 runs, 1-4 candidates, 1-4 identities, targets from one choice with
    up to two of them then moved: the search gives the brute force's answer."""
    rng = random.Random(13)
    decided = 0
    for _ in range(400):
        runs, m = rng.randint(2, 5), rng.randint(1, 4)
        contrib = [[tuple(rng.randint(-3, 6) for _ in range(m)) for _ in range(rng.randint(1, 4))] for _ in range(runs)]
        pick = [rng.randrange(len(c)) for c in contrib]
        target = [sum(contrib[i][p][j] for i, p in enumerate(pick)) for j in range(m)]
        for j in rng.sample(range(m), rng.randint(0, min(2, m))):
            target[j] += rng.choice([-1, 1, 5])
        got = preferred(contrib, target)
        assert got == _brute(contrib, target), (contrib, target)
        decided += got is not None
    assert decided > 100
