"""Helpers shared by the bench_*.py scripts, kept in one place so that every benchmark describes the
machine, pins itself, times and builds its corpus the same way (bench/RESULTS.md compares their figures).

Each script puts the repository on sys.path before importing this module (run as
`python bench/bench_x.py`, only bench/ is on it); importing it also adds src/, so the scripts run
without `pip install -e .`.
"""

from __future__ import annotations

import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for _p in (str(REPO), str(REPO / "src")):
    if _p not in sys.path:
        sys.path.insert(0, _p)


def machine() -> str:
    """CPU model and core count, for the "machine:" line of every section."""
    model = platform.processor() or platform.machine()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return f"{model}, {os.cpu_count()} cores"


def pin_to_one_core() -> str:
    """Pin this process (and the subprocesses it starts) to its lowest allowed CPU: the issues state
    their targets per core. Returns the phrase printed in the "one core (…)" note."""
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned"


def best_of(fn: Callable[[Any], object], items: Iterable[Any], repeats: int = 3, clock: Callable[[], float] = time.perf_counter) -> float:
    """Seconds of the fastest of `repeats` passes calling fn on every item.

    The minimum, as timeit reports it: on a shared virtual machine the slower passes measure the
    neighbours, not the code. `clock=time.process_time` measures this process's CPU time instead
    of the wall clock (for single-threaded work on a loaded machine: waiting for the core is not
    counted).
    """
    items = list(items)
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        for item in items:
            fn(item)
        best = min(best, clock() - start)
    return best


def best_of_each(fns: dict[str, Callable[[Any], object]], items: Iterable[Any], repeats: int = 5) -> dict[str, float]:
    """Seconds of the fastest pass of each function over all items, the passes interleaved (A, B, C,
    A, B, C, …).

    Why interleaved: on this shared VM a neighbour's burst can slow every pass run in the same
    minute by a quarter; taking turns spreads such a burst over all sides instead of one, so the
    ratios between them stay honest (a floor measured slower than the work built on it means the
    passes were not interleaved)."""
    items = list(items)
    best = {name: float("inf") for name in fns}
    for _ in range(repeats):
        for name, fn in fns.items():
            start = time.perf_counter()
            for item in items:
                fn(item)
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def report_format(i: int) -> str:
    """The table format of generated report i: every 5th in the 2019 format, as the real mix."""
    return "2019" if i % 5 == 4 else "2021"


def generated_reports(n: int) -> list[Any]:
    """Generated reports 0..n-1 (tests/corpus/generate.py, seeded by index, so every benchmark
    and every run uses the same reports). They satisfy every identity."""
    from tests.corpus.generate import random_report

    return [random_report(random.Random(i), fmt=report_format(i)) for i in range(n)]


def emit(text: str, write: Path | None = None) -> None:
    """Print a Markdown section and, if `write` is given, save it there too."""
    print(text)
    if write:
        write.parent.mkdir(parents=True, exist_ok=True)
        write.write_text(text, encoding="utf-8")
