"""Throughput of the text path: bytes → xxgk.parse → Report.check, on one core.

    make bench                     # or: .venv/bin/python bench/bench_text.py [--n 50] [--write FILE]

Corpus: `--n` generated reports per layout of tests/corpus (2021 format, every 5th in 2019), rendered
once up front; only parse + check is timed. "with errors" counts reports with an error finding:
generated reports satisfy every identity, so each is a reader mistake. Reference: the median-size sample report of
../shared/seeds, parsed and checked repeatedly. Prints a Markdown section in the format of
bench/RESULTS.md; `--write` also saves it (make bench writes bench/out/latest.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO)]

import xxgk  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"


def machine() -> str:
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
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):
        return "not pinned"


def parse_and_check(data: bytes, name: str) -> int:
    """The number of error findings (a generated report has none: each one is a reader mistake)."""
    report = xxgk.parse(data, name=name)
    return sum(f.severity == "error" for f in report.check())


def time_corpus(docs: list[tuple[str, bytes]], *, repeats: int = 5) -> tuple[float, int, int, int]:
    """(seconds, reports, unreadable, reports with errors) of the fastest of `repeats` passes.

    The minimum, as timeit reports it: on a shared virtual machine the slower passes measure the
    neighbours, not the code. Every pass is checked, so the counts are those of one pass.
    """
    best = float("inf")
    failures = with_errors = 0
    for _ in range(repeats):
        failures = with_errors = 0
        start = time.perf_counter()
        for name, data in docs:
            try:
                with_errors += parse_and_check(data, name) > 0
            except xxgk.InputError:
                failures += 1
        best = min(best, time.perf_counter() - start)
    return best, len(docs), failures, with_errors


def generated_corpus(n: int) -> dict[str, list[tuple[str, bytes]]]:
    from tests.corpus.generate import LAYOUTS, random_report, render_text

    corpus: dict[str, list[tuple[str, bytes]]] = {}
    for layout in LAYOUTS:
        docs = []
        for i in range(n):
            fmt = "2019" if i % 5 == 4 else "2021"
            report = random_report(random.Random(i), fmt=fmt)
            text = render_text(report, layout, random.Random(f"{i}:{layout}"))
            docs.append((f"{i:03d}_{layout}.txt", text.encode("utf-8")))
        corpus[layout] = docs
    return corpus


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50, help="generated reports per layout (default 50)")
    ap.add_argument("--write", type=Path, help="also write the Markdown section to this file")
    args = ap.parse_args(argv)

    pinned = pin_to_one_core()
    rows: list[tuple[str, int, float, int, int, str]] = []  # label, reports, seconds, unreadable, with errors, size
    total_n = total_failures = total_errors = 0
    total_s = 0.0
    try:
        corpus = generated_corpus(args.n)
    except ImportError as e:
        print(f"generated corpus unavailable ({e}); timing the sample reports only", file=sys.stderr)
        corpus = {}
    for layout, docs in corpus.items():
        time_corpus(docs[:3], repeats=1)  # warm-up: imports, regex compilation
        seconds, n, failures, with_errors = time_corpus(docs)
        size = statistics.median(len(d) for _, d in docs)
        rows.append((layout, n, seconds, failures, with_errors, f"{size / 1024:.1f} KB"))
        total_errors += with_errors
        total_n += n
        total_s += seconds
        total_failures += failures
    if corpus:
        rows.append(("**all layouts**", total_n, total_s, total_failures, total_errors, ""))

    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if seeds:
        median_seed = sorted(seeds, key=lambda p: p.stat().st_size)[len(seeds) // 2]
        doc = [(median_seed.name, median_seed.read_bytes())]
        time_corpus(doc, repeats=1)
        seconds, n, failures, with_errors = time_corpus(doc * 50)
        rows.append((f"seed {median_seed.name} (median size)", n, seconds, failures, with_errors, f"{len(doc[0][1]) / 1024:.1f} KB"))

    lines = [
        f"## {dt.date.today().isoformat()}",
        "",
        f"- machine: {machine()}; one core ({pinned})",
        f"- python: {platform.python_implementation()} {platform.python_version()}",
        f"- command: `make bench` (= `python bench/bench_text.py --n {args.n}`)",
        f"- xxgk {xxgk.__version__}; timed: `xxgk.parse(bytes)` + `Report.check()` per report, fastest of 5 passes",
        "",
        "| corpus | reports | seconds | reports/s | ms/report | unreadable | with errors | median size |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, n, seconds, failures, with_errors, size in rows:
        lines.append(
            f"| {label} | {n} | {seconds:.2f} | {n / seconds:.0f} | {1000 * seconds / n:.2f} | {failures} | {with_errors} | {size} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
