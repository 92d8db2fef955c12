"""Writers: time per report for each format, a 1,000-DOCX batch, and python-docx as the peer.

Issue 5 asks for DOCX + PDF of one report in ≤ 1 s on one core and 1,000 DOCX in ≤ 60 s. The peer,
timed in the same process on the same reports, is python-docx building the same document through
its public API (tests/corpus/docx.py, the renderer the reader tests use, with the official merged
cells): it shows what writing the XML directly buys. Reports are generated once before timing;
every figure is the fastest of several passes, in one process pinned to one core.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import xxgk  # noqa: E402
from bench.common import best_of, generated_reports, machine, pin_to_one_core  # noqa: E402


def per_report(fn: Callable[[xxgk.Report], bytes], docs: list[xxgk.Report], repeats: int) -> float:
    """Fastest pass over `docs`, in seconds per report."""
    return best_of(fn, docs, repeats) / len(docs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20, help="reports per format (default 20)")
    ap.add_argument("--batch", type=int, default=1000, help="DOCX batch size (default 1000)")
    ap.add_argument("--pdf-n", type=int, default=5, help="reports for the PDF timing (default 5)")
    args = ap.parse_args(argv)
    pinned = pin_to_one_core()
    docs = generated_reports(args.n)
    rows: list[tuple[str, float]] = []
    for fmt in ("docx", "html", "xlsx", "md"):
        xxgk.render(docs[0], fmt)  # warm-up (imports, template compilation)
        rows.append((f"xxgk.render(r, {fmt!r})", per_report(lambda r, f=fmt: xxgk.render(r, f), docs, 3)))
    from tests.corpus.docx import render_docx

    rows.append(("peer: python-docx, same tables (tests/corpus/docx.py)", per_report(lambda r: render_docx(r, random.Random(0)), docs, 3)))
    pdf = None
    if importlib.util.find_spec("xxgk.write.pdf") is not None:
        xxgk.render(docs[0], "pdf")
        pdf = per_report(lambda r: xxgk.render(r, "pdf"), docs[: args.pdf_n], 2)
        rows.append(("xxgk.render(r, 'pdf')", pdf))
    batch_docs = generated_reports(args.batch)
    start = time.perf_counter()
    for r in batch_docs:
        xxgk.render(r, "docx")
    batch = time.perf_counter() - start
    docx = rows[0][1]
    lines = [
        f"## {time.strftime('%Y-%m-%d')} — writers (issue 5)",
        "",
        f"- machine: {machine()}; one core ({pinned}); command: `python bench/bench_write.py --n {args.n} --batch {args.batch}`",
        f"- {args.n} generated non-zero reports (every 5th in the 2019 format); fastest of 3 passes (PDF: 2 passes over {args.pdf_n})",
        "",
        "| writer | ms/report | reports/s |",
        "|---|---:|---:|",
        *[f"| {name} | {s * 1000:.1f} | {1 / s:.1f} |" for name, s in rows],
        "",
        f"- 1,000-DOCX batch: {args.batch} reports in {batch:.1f} s (issue 5: ≤ 60 s); "
        f"xxgk DOCX is {rows[4][1] / docx:.1f}× faster than the python-docx peer.",
    ]
    if pdf is not None:
        lines.append(f"- DOCX + PDF of one report: {(docx + pdf) * 1000:.0f} ms (issue 5: ≤ 1,000 ms).")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
