"""The search between glued runs (read/gluedsearch.py): which candidates take part in the choices
satisfying the most identities, bounded. Oracles: small problems whose answer is worked out by hand
in each docstring, and a brute force over every choice for random small problems."""

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


def test_the_most_identities_win() -> None:
    """One run: candidate 0 contributes (1, 1, 1), candidate 1 (2, 2, 0); targets (1, 1, 0).
    Candidate 0 satisfies two identities, candidate 1 one: candidate 0 is preferred."""
    assert preferred([[(1, 1, 1), (2, 2, 0)]], [1, 1, 0]) == [[0]]


def test_two_broken_identities_a_double_count() -> None:
    """Real 006's double count breaks two identities (its column's 一+二 = （七）+四 and the 总计
    column's), each of which some other choice would satisfy. Candidate 0 contributes
    (1, 1, 1, 0, 0), candidate 1 (0, 0, 0, 1, 1); targets all 1: candidate 0 holds three and breaks
    two, candidate 1 holds two: candidate 0 is preferred."""
    assert preferred([[(1, 1, 1, 0, 0), (0, 0, 0, 1, 1)]], [1, 1, 1, 1, 1]) == [[0]]


def test_an_identity_no_choice_satisfies_is_given_up() -> None:
    """（七）总计 printed as zeros: sum of outcomes = 0 cannot hold (every candidate contributes at
    least 1); the other identity still decides (x = 4 → candidate 1)."""
    contrib = [[(1, 3), (2, 4)], [(5, 0), (6, 0)]]
    assert preferred(contrib, [0, 4]) == [[1], [0, 1]]


def test_ties_keep_every_candidate_of_a_best_choice() -> None:
    """x1 + x2 = 3 with x1, x2 in {1, 2}: 1+2 and 2+1 both hold, nothing is narrowed."""
    assert preferred([[(1,), (2,)], [(1,), (2,)]], [3]) == [[0, 1], [0, 1]]


def test_more_broken_identities_than_allowed_prefers_nothing() -> None:
    """Six identities, each satisfied by one of the two candidates; either choice breaks three:
    three given up at once is not a slip, and nothing is preferred."""
    contrib = [[(1, 1, 1, 0, 0, 0), (0, 0, 0, 1, 1, 1)]]
    assert gluedsearch.MAX_DROPPED == 2
    assert preferred(contrib, [1, 1, 1, 1, 1, 1]) is None


def test_out_of_work_prefers_nothing() -> None:
    """Twelve runs whose candidates contribute (c, c²), c = 0..4, and the targets (24, 48): only
    c = 2 everywhere reaches both (sum of squares 48 = 24²/12 forces equal terms), but each identity
    alone lets every c take part, so the search must follow thousands of partial sums. Past the
    work bound it stops and prefers nothing, instead of running on."""
    contrib = [[(c, c * c) for c in range(5)] for _ in range(12)]
    assert preferred(contrib, [24, 48], work=200) is None
    assert preferred(contrib, [24, 48], work=10**7) == [[2]] * 12


def _brute(contrib: list[list[tuple[int, ...]]], target: list[int]) -> list[list[int]] | None:
    best, kept = -1, []
    for choice in itertools.product(*(range(len(c)) for c in contrib)):
        sums = [sum(contrib[i][c][j] for i, c in enumerate(choice)) for j in range(len(target))]
        score = sum(s == t for s, t in zip(sums, target))
        if score > best:
            best, kept = score, [choice]
        elif score == best:
            kept.append(choice)
    if best == 0:
        return None
    return [sorted({c[i] for c in kept}) for i in range(len(contrib))]


def test_random_small_problems_agree_with_brute_force() -> None:
    """Random problems of 2-5 runs, 1-4 candidates, 1-4 identities, targets from one choice with
    up to two of them then moved: whenever the search answers, it is the brute force's answer, and
    it answers whenever at most two identities break beyond those no choice satisfies."""
    rng = random.Random(13)
    answered = 0
    for _ in range(400):
        runs, m = rng.randint(2, 5), rng.randint(1, 4)
        contrib = [[tuple(rng.randint(-3, 6) for _ in range(m)) for _ in range(rng.randint(1, 4))] for _ in range(runs)]
        pick = [rng.randrange(len(c)) for c in contrib]
        target = [sum(contrib[i][p][j] for i, p in enumerate(pick)) for j in range(m)]
        for j in rng.sample(range(m), rng.randint(0, min(2, m))):
            target[j] += rng.choice([-1, 1, 5])
        got = preferred(contrib, target)
        if got is not None:
            assert got == _brute(contrib, target), (contrib, target)
            answered += 1
    assert answered > 300
