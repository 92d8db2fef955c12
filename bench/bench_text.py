"""Throughput of the text path: bytes → xxgk.parse → Report.check, on one core.

    make bench                     # or: .venv/bin/python bench/bench_text.py [--n 50] [--write FILE]

Corpus: `--n` generated reports per layout of tests/corpus (2021 format, every 5th in 2019), rendered
once up front; only parse + check is timed. "with errors" counts reports with an error finding:
generated reports satisfy every identity, so each is a reader mistake, except in the glued layout
(tests/corpus/glued.py) where a 表二 run that splits more than one way is rightly an error
(`read.glued_ambiguous`). Reference: the median-size sample report of
../shared/seeds, parsed and checked repeatedly. Prints a Markdown section in the format of
bench/RESULTS.md; `--write` also saves it (make bench writes bench/out/latest.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xxgk  # noqa: E402
from bench.common import REPO, best_of, emit, generated_reports, machine, pin_to_one_core  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"


def parse_and_check(data: bytes, name: str) -> int:
    """The number of error findings (a generated report has none: each one is a reader mistake)."""
    report = xxgk.parse(data, name=name)
    return sum(f.severity == "error" for f in report.check())


def time_corpus(docs: list[tuple[str, bytes]], *, repeats: int = 5) -> tuple[float, int, int, int]:
    """(seconds, reports, unreadable, reports with errors) of the fastest of `repeats` passes.

    Every pass is checked and every outcome recorded; the counts are those of the last pass.
    """
    outcomes: list[int] = []  # per document: -1 unreadable, else its number of error findings

    def one(doc: tuple[str, bytes]) -> None:
        try:
            outcomes.append(parse_and_check(doc[1], doc[0]))
        except xxgk.InputError:
            outcomes.append(-1)

    best = best_of(one, docs, repeats)
    last = outcomes[-len(docs):] if docs else []
    return best, len(docs), sum(o < 0 for o in last), sum(o > 0 for o in last)


def generated_corpus(n: int) -> dict[str, list[tuple[str, bytes]]]:
    from tests.corpus.generate import LAYOUTS, render_text

    corpus: dict[str, list[tuple[str, bytes]]] = {}
    for layout in LAYOUTS:
        docs = []
        for i, report in enumerate(generated_reports(n)):  # afresh per layout: a renderer may touch it
            text = render_text(report, layout, random.Random(f"{i}:{layout}"))
            docs.append((f"{i:03d}_{layout}.txt", text.encode("utf-8")))
        corpus[layout] = docs
    try:
        from tests.corpus.glued import render_glued
    except ImportError:  # an older tree without the crawler-text renderer
        return corpus
    docs = []
    for i, report in enumerate(generated_reports(n)):
        text = render_glued(report, random.Random(f"{i}:glued"))
        docs.append((f"{i:03d}_glued.txt", text.encode("utf-8")))
    corpus["glued (crawler text, one line, cells glued)"] = docs
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
    emit("\n".join(lines) + "\n", args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
