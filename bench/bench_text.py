"""Throughput of the text path: bytes → xxgk.parse → Report.check, on one core.

    make bench                     # or: .venv/bin/python bench/bench_text.py [--n 50] [--write FILE]

Corpus: `--n` generated reports per layout of tests/corpus (2021 format, every 5th in 2019), rendered
once up front; only parse + check is timed. "with errors" counts reports with an error finding:
generated reports satisfy every identity, so each is a reader mistake, except in the glued layout
(tests/corpus/glued.py) where a 表二 run that splits more than one way is rightly an error
(`read.glued_ambiguous`), and in the last glued row, whose reports each carry a source error on
purpose (`source_error_corpus`; not in the "all layouts" totals). `--cpu` times CPU seconds instead
of the wall clock (on a loaded machine). Reference: the median-size sample report of
../shared/seeds, parsed and checked repeatedly. Prints a Markdown section in the format of
bench/RESULTS.md; `--write` also saves it (make bench writes bench/out/latest.md).
"""

from __future__ import annotations

import argparse
import functools
import datetime as dt
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# bench.common first: it puts this tree's src/ on sys.path, so that the xxgk timed is this tree's and
# not the one the venv has installed (an editable install points at another checkout).
from bench.common import REPO, best_of, emit, generated_reports, machine, pin_to_one_core, report_format  # noqa: E402, I001
import xxgk  # noqa: E402

SEEDS = REPO.parent / "shared" / "seeds"


def parse_and_check(data: bytes, name: str) -> int:
    """The number of error findings (a generated report has none: each one is a reader mistake)."""
    report = xxgk.parse(data, name=name)
    return sum(f.severity == "error" for f in report.check())


def time_corpus(docs: list[tuple[str, bytes]], *, repeats: int = 5, clock=time.perf_counter, cold: bool = False) -> tuple[float, int, int, int]:
    """(seconds, reports, unreadable, reports with errors) of the fastest of `repeats` passes.

    Every pass is checked and every outcome recorded; the counts are those of the last pass.
    `clock`: as `bench.common.best_of` (`--cpu` passes time.process_time); `cold`: xxgk's caches
    are emptied at the start of each pass (`clear_caches`, included in the time: it is cheap).
    """
    outcomes: list[int] = []  # per document: -1 unreadable, else its number of error findings

    def one(doc: tuple[str, bytes]) -> None:
        if cold and doc is docs[0]:
            clear_caches()
        try:
            outcomes.append(parse_and_check(doc[1], doc[0]))
        except xxgk.InputError:
            outcomes.append(-1)

    best = best_of(one, docs, repeats, clock)
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


#: The label of the corpus whose reports carry a source error: its error findings are expected, so
#: it is left out of the "all layouts" totals.
WITH_SOURCE_ERROR = "glued, each with a source error (double count / 总计 zeros / 表四 总计 zero)"


#: The same, dense reports (tests/corpus/printed.py, a city's or province's counts: 15-22 digit
#: rows) printed as one-line crawler text: the worst case of the solver.
DENSE_WITH_SOURCE_ERROR = "glued, dense reports, each with a source error (printed oneline_glued)"


def dense_source_error_corpus(n: int) -> list[tuple[str, bytes]]:
    from tests.corpus.generate import SOURCE_ERRORS, inject_error, random_report
    from tests.corpus.printed import print_report, style_for

    docs = []
    for i in range(n):
        report = random_report(random.Random(2000 + i), fmt=report_format(i), dense=True)
        bad, kind, _ = inject_error(report, random.Random(i), SOURCE_ERRORS[i % len(SOURCE_ERRORS)])
        rng = random.Random(f"oneline_glued:{kind}:{i}")
        docs.append((f"{i:03d}_dense_{kind}.txt", print_report(bad, "oneline_glued", style_for("official", rng), rng).text.encode("utf-8")))
    return docs


def clear_caches() -> None:
    """Empty every functools cache of xxgk (`--cold`): each pass then pays what a new document costs,
    instead of finding its lines and glued runs already solved by the previous pass."""
    for name, module in list(sys.modules.items()):
        if not name.startswith("xxgk"):
            continue
        for obj in list(vars(module).values()):
            for fn in [obj, *vars(obj).values()] if isinstance(obj, type) else [obj]:
                if callable(getattr(fn, "cache_clear", None)):
                    fn.cache_clear()


def source_error_corpus(n: int) -> list[tuple[str, bytes]]:
    """The glued crawler text of the generated reports, each with one source error of
    tests/corpus/generate.py `inject_error` (in turn: a double count, （七）总计 printed as zeros, a
    表四 block's 总计 at 0), as real 006, 025 and 021 print them: a table that breaks an identity
    must be solved as fast as one that does not."""
    from tests.corpus.generate import SOURCE_ERRORS, inject_error
    from tests.corpus.glued import render_glued

    docs = []
    for i, report in enumerate(generated_reports(n)):
        bad, kind, _ = inject_error(report, random.Random(i), SOURCE_ERRORS[i % len(SOURCE_ERRORS)])
        text = render_glued(bad, random.Random(f"{i}:glued"))
        docs.append((f"{i:03d}_glued_{kind}.txt", text.encode("utf-8")))
    return docs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=50, help="generated reports per layout (default 50)")
    ap.add_argument("--write", type=Path, help="also write the Markdown section to this file")
    ap.add_argument("--cpu", action="store_true", help="time CPU seconds of this process (time.process_time) instead of the wall clock")
    ap.add_argument("--cold", action="store_true", help="empty xxgk's caches before each pass (what new documents cost)")
    args = ap.parse_args(argv)
    clock = time.process_time if args.cpu else time.perf_counter
    timed = functools.partial(time_corpus, clock=clock, cold=args.cold)

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
        seconds, n, failures, with_errors = timed(docs)
        size = statistics.median(len(d) for _, d in docs)
        rows.append((layout, n, seconds, failures, with_errors, f"{size / 1024:.1f} KB"))
        total_errors += with_errors
        total_n += n
        total_s += seconds
        total_failures += failures
    if corpus:
        rows.append(("**all layouts**", total_n, total_s, total_failures, total_errors, ""))
        for label, make in ((WITH_SOURCE_ERROR, source_error_corpus), (DENSE_WITH_SOURCE_ERROR, dense_source_error_corpus)):
            try:
                docs = make(args.n)
            except ImportError:  # an older tree without inject_error or the printed corpus
                continue
            time_corpus(docs[:3], repeats=1)
            seconds, n, failures, with_errors = timed(docs)
            rows.append((label, n, seconds, failures, with_errors, f"{statistics.median(len(d) for _, d in docs) / 1024:.1f} KB"))

    seeds = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if seeds:
        median_seed = sorted(seeds, key=lambda p: p.stat().st_size)[len(seeds) // 2]
        doc = [(median_seed.name, median_seed.read_bytes())]
        time_corpus(doc, repeats=1)
        seconds, n, failures, with_errors = timed(doc * 50)
        rows.append((f"seed {median_seed.name} (median size)", n, seconds, failures, with_errors, f"{len(doc[0][1]) / 1024:.1f} KB"))

    lines = [
        f"## {dt.date.today().isoformat()}",
        "",
        f"- machine: {machine()}; one core ({pinned})",
        f"- python: {platform.python_implementation()} {platform.python_version()}",
        f"- command: `python bench/bench_text.py --n {args.n}{' --cpu' if args.cpu else ''}{' --cold' if args.cold else ''}`",
        f"- xxgk {xxgk.__version__}; timed: `xxgk.parse(bytes)` + `Report.check()` per report, fastest of 5 passes"
        + (" (CPU time of the process)" if args.cpu else " (wall clock)")
        + ("; xxgk's caches emptied before each pass" if args.cold else ""),
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
