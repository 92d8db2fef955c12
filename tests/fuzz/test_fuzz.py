"""Hostile files never crash (issue 13, point 8): saved crashes replayed, then a bounded fuzz run.

Oracle: the contract of `xxgk.parse` itself. Whatever the bytes, it returns a Report (whose `check()`
and `to_json()` work) or raises an `XxgkError`; any other exception, a hang past the per-input time
limit or a dead process is a bug. The harness tests at the end make sure each kind of bug is seen.

The bounded run is deterministic (seed `XXGK_FUZZ_SEED`, default 0: the same inputs in the same order)
and bounded in time: `FUZZ_SECONDS` under CI, a short smoke run otherwise (`XXGK_FUZZ_SECONDS`
overrides). New bugs are written to tests/fuzz/crashes/ (minimised) and fail the test; commit the file
with the fix. Longer runs: `python -m tests.fuzz --minutes 10 --seed N`.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from tests.fuzz.corpus import starting_points
from tests.fuzz.known import OPEN
from tests.fuzz.runner import CRASH_DIR, Worker, fuzz, load_crash, make_input, signature_of

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
#: Seconds of fuzzing per test run: 60 under CI (~2,400 inputs at ~40 a second on one core of the
#: 2-core CI machine), 8 for a local `pytest`.
FUZZ_SECONDS = float(os.environ.get("XXGK_FUZZ_SECONDS", "60" if CI else "8"))
FUZZ_SEED = int(os.environ.get("XXGK_FUZZ_SEED", "0"))

CRASHES = sorted(p for p in CRASH_DIR.glob("*") if p.is_file() and not p.name.startswith((".", "README")))


@pytest.fixture(scope="module")
def worker():  # type: ignore[no-untyped-def]
    with Worker() as w:
        yield w


@pytest.mark.parametrize("path", CRASHES, ids=[p.name for p in CRASHES])
def test_saved_crash_is_read_or_refused(path: Path, worker: Worker, request: pytest.FixtureRequest) -> None:
    signature = signature_of(path)
    if signature in OPEN:
        request.applymarker(pytest.mark.xfail(strict=True, reason=OPEN[signature]))
    out = worker.run(load_crash(path))
    assert not out.bug, f"{out.status} {out.type} at {out.where}: {out.message}\n{out.traceback}"


def test_bounded_fuzz_finds_no_new_bug() -> None:
    summary = fuzz(seconds=FUZZ_SECONDS, seed=FUZZ_SEED, dont_save=set(OPEN))
    print(summary.text())
    assert summary.inputs > 0
    new = [b for b in summary.bugs if b.signature not in OPEN]
    assert not new, summary.text()


# -- the harness itself: every kind of bug is seen, inputs are reproducible ----------------------------


def raises_value_error(data: bytes) -> str:
    raise ValueError("boom")


def raises_xxgk_error(data: bytes) -> str:
    from xxgk.errors import NotAReport

    raise NotAReport("no report")


def sleeps(data: bytes) -> str:
    time.sleep(60)
    return "ok"


def segfaults(data: bytes) -> str:
    os.kill(os.getpid(), signal.SIGSEGV)
    return "ok"


def allocates(data: bytes) -> str:
    _ = bytearray(8 * 1024**3)
    return "ok"


@pytest.mark.parametrize(
    ("target", "status", "type_"),
    [
        ("raises_value_error", "crash", "ValueError"),
        ("raises_xxgk_error", "refused", "NotAReport"),
        ("sleeps", "hang", "Hang"),
        ("segfaults", "died", "Died"),
        ("allocates", "crash", "MemoryError"),
    ],
)
def test_harness_sees_each_kind_of_outcome(target: str, status: str, type_: str) -> None:
    with Worker(f"tests.fuzz.test_fuzz:{target}", timeout=3.0) as w:
        out = w.run(b"x")
        assert (out.status, out.type) == (status, type_), out
        assert out.bug == (status != "refused")
        if status in ("crash", "hang"):
            assert out.where.startswith("test_fuzz.py:"), out.where
        assert w.run(b"again").status == status  # the worker survives or is restarted


def test_inputs_are_reproducible_from_seed_and_index() -> None:
    starts = starting_points(chromium=False)
    for i in (0, len(starts), len(starts) + 17, 5000):
        a, sa, ma = make_input(starts, 3, i)
        b, sb, mb = make_input(starts, 3, i)
        assert (a, sa.name, ma) == (b, sb.name, mb)
    mutated = [make_input(starts, 3, i)[0] for i in range(len(starts), len(starts) + 50)]
    assert sum(m not in {s.data for s in starts} for m in mutated) >= 45
