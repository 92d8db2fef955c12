"""The store's ingestion: per-document parse cost by medium, end-to-end text reports into the store
(SQLite) on one core beside the bare parse+check of the same documents, and Dask 1 → 2 workers.

    .venv/bin/python bench/bench_store.py [--n 2000] [--media-n 20] [--skip-dask] [--write FILE]

Corpus: generated reports (tests/corpus), rendered once up front. Media: text (the six sample
layouts), HTML (the four page styles), DOCX, XLSX, born-digital PDF (xxgk's own PDF writer), and
whole scans (the report printed, rasterised at 200 dpi on grey paper, bound as an image-only PDF)
— the per-document costs docs/scale.md plans from. End to end: `xxgk.store.batch.run` on a fresh
SQLite store, the hierarchy of the corpus loaded, quality signals included; its peer is
`xxgk.parse` + `Report.to_dict()` (which runs the checks) over the same bytes in the same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, emit, generated_reports, machine, pin_to_one_core  # noqa: E402, I001
import xxgk  # noqa: E402


def _scan_pdf(report: Any, seed: int) -> bytes:
    from PIL import Image

    from tests.corpus.scan import render_report_scan

    pages = [Image.open(io.BytesIO(b)) for b in render_report_scan(report, random.Random(seed), dpi=200)]
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=200)
    return out.getvalue()


def media_documents(n: int) -> dict[str, list[tuple[str, bytes]]]:
    """n documents per medium (scans: max(2, n // 10)), as bytes."""
    from tests.corpus.docx import render_docx
    from tests.corpus.generate import LAYOUTS, render_text
    from tests.corpus.html import STYLES, render_html

    reports = generated_reports(n)
    docs: dict[str, list[tuple[str, bytes]]] = {k: [] for k in ("text", "html", "docx", "xlsx", "pdf", "scan")}
    for i, r in enumerate(reports):
        rng = random.Random(i)
        docs["text"].append((f"{i}.txt", render_text(r, LAYOUTS[i % len(LAYOUTS)], rng).encode("utf-8")))
        docs["html"].append((f"{i}.html", render_html(r, rng, style=STYLES[i % len(STYLES)]).encode("utf-8")))
        docs["docx"].append((f"{i}.docx", render_docx(r, rng)))
        docs["xlsx"].append((f"{i}.xlsx", xxgk.render(r, "xlsx")))
        docs["pdf"].append((f"{i}.pdf", xxgk.render(r, "pdf")))
    for i, r in enumerate(reports[: max(2, n // 10)]):
        docs["scan"].append((f"{i}_scan.pdf", _scan_pdf(r, i)))
    return docs


def time_media(docs: dict[str, list[tuple[str, bytes]]]) -> list[dict[str, Any]]:
    """CPU seconds per document (parse + checks + contract JSON), median over the documents after
    one warm-up pass over each medium."""
    rows = []
    for medium, items in docs.items():
        for name, data in items[:2]:
            xxgk.parse(data, name=name).to_dict()
        times, errors, pages = [], 0, []
        for name, data in items:
            start = time.process_time()
            report = xxgk.parse(data, name=name)
            d = report.to_dict()
            times.append(time.process_time() - start)
            errors += any(f["severity"] == "error" for f in d["findings"])
            if medium in ("pdf", "scan"):
                pages.append(_pages(data))
        rows.append({"medium": medium, "n": len(items), "median_ms": statistics.median(times) * 1000,
                     "mean_ms": statistics.fmean(times) * 1000, "max_ms": max(times) * 1000,
                     "with_errors": errors, "kb": statistics.median(len(d) for _, d in items) / 1024,
                     "pages": statistics.fmean(pages) if pages else None})
    return rows


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def media_table(rows: list[dict[str, Any]]) -> str:
    out = ["| medium | documents | median ms/doc | mean ms/doc | max ms | docs with errors | median size | pages/doc |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        pages = f"{r['pages']:.1f}" if r["pages"] else ""
        out.append(f"| {r['medium']} | {r['n']} | {r['median_ms']:.1f} | {r['mean_ms']:.1f} | {r['max_ms']:.0f} | "
                   f"{r['with_errors']} | {r['kb']:.0f} KB | {pages} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--media-n", type=int, default=20)
    ap.add_argument("--write", type=Path)
    args = ap.parse_args(argv)
    pinned = pin_to_one_core()
    docs = media_documents(args.media_n)
    rows = time_media(docs)
    text = "\n".join([
        f"## {dt.date.today().isoformat()} — store ingestion: parse cost per medium (issue 14)",
        "",
        f"- machine: {machine()}; one core ({pinned}); python {platform.python_version()}",
        f"- command: `python bench/bench_store.py --media-n {args.media_n}`; CPU time of parse + checks + contract JSON",
        "",
        media_table(rows),
        "",
    ])
    emit(text, args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
