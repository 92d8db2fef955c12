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


_CHILD = """
import json, sys, time
sys.path[:0] = [sys.argv[4], sys.argv[4] + '/src']
from xxgk import store
store.setup(sys.argv[1])
from xxgk.store import batch
from xxgk.store.agencies import import_agencies
from tests.store.corpus_check import corpus_items
root = __import__('pathlib').Path(sys.argv[2])
manifest = json.loads((root / 'manifest.json').read_text(encoding='utf-8'))
import_agencies(root / manifest['hierarchy'])
items = corpus_items(root, manifest)
workers, warm = int(sys.argv[3]), sys.argv[5] == '1'
from xxgk.store import quality
spent = [0.0, 0.0]
real = quality.refresh
def timed(*a, **k):
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        return real(*a, **k)
    finally:
        spent[0] += time.perf_counter() - t0
        spent[1] += time.process_time() - c0
quality.refresh = timed
kwargs = {'workers': workers}
if warm:  # a cluster already running, its workers having parsed once (modules imported, caches warm)
    from dask.distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           memory_limit=batch.WORKER_MEMORY, dashboard_address=':0')
    with Client(cluster) as c:
        first = (root / manifest['files'][0]['path']).read_bytes()
        c.run(lambda: batch.parse_many([('warm.txt', first)]) and None)
    kwargs = {'scheduler': cluster.scheduler_address}
cpu, t = time.process_time(), time.perf_counter()
s = batch.run([str(root)], items=items, **kwargs)
print(json.dumps({'wall': time.perf_counter() - t, 'driver_cpu': time.process_time() - cpu, 'read': s.read,
                  'failed': s.failed, 'duplicate': s.duplicate, 'quality': s.quality,
                  'refresh_wall': spent[0], 'refresh_cpu': spent[1]}))
"""


_BARE = """
import json, os, sys, time
sys.path[:0] = [sys.argv[1], sys.argv[1] + '/src']
os.sched_setaffinity(0, {int(sys.argv[4])})
from pathlib import Path
from xxgk.store import batch
root = Path(sys.argv[2])
k, i = int(sys.argv[3]), int(sys.argv[5])
manifest = json.loads((root / 'manifest.json').read_text(encoding='utf-8'))
files = [(Path(f['path']).name, (root / f['path']).read_bytes()) for f in manifest['files']][i::k]
batch.parse_many(files[:50])
print('ready', flush=True)
sys.stdin.readline()
t = time.perf_counter()
batch.parse_many(files)
print(json.dumps({'wall': time.perf_counter() - t, 'n': len(files)}), flush=True)
"""


def time_bare_processes(root: Path, k: int) -> float:
    """Wall seconds for k plain processes, each pinned to its own core, to run the workers' code
    (`batch.parse_many`: parse, checks, contract JSON, signature, digest, Figures row) over every
    k-th file, started together once each has warmed up on 50 files. No Dask, no store: the
    machine's own ceiling for what k workers can do (two busy cores of a VM may share a physical
    core's caches and memory bandwidth, or its execution units when they are hyperthreads)."""
    import json
    import subprocess

    cpus = [i % (os.cpu_count() or 1) for i in range(k)]  # the children pin themselves: this process may be pinned
    procs = [subprocess.Popen([sys.executable, "-c", _BARE, str(REPO), str(root), str(k), str(cpus[i]), str(i)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for i in range(k)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    walls = [json.loads(p.communicate(timeout=3600)[0].strip().splitlines()[-1])["wall"] for p in procs]
    return max(walls)


def text_corpus(n: int, root: Path) -> Path:
    """A store corpus of ~n reports, every one a text file (the six layouts), no scans; reused."""
    from tests.corpus.store_corpus import build

    if not (root / "manifest.json").exists():
        build(root, n=n, seed=2, media={"txt": 1.0}, scans=0, verify=False)
    return root


def mixed_corpus(n: int, root: Path, scans: int = 0) -> Path:
    """A store corpus of ~n reports in the corpus's default mix of media (text, HTML, DOCX, XLSX,
    Markdown, PDF) and `scans` scanned reports (5 s each: a few are most of the run); reused."""
    from tests.corpus.store_corpus import build

    if not (root / "manifest.json").exists():
        build(root, n=n, seed=3, scans=scans, verify=False)
    return root


def time_ingest(root: Path, workers: int, pin: bool, warm: bool = False) -> dict[str, Any]:
    """`xxgk.store.batch.run` over the corpus into a fresh SQLite store, in a child process (pinned
    to one core when `pin`: the per-core figure; with workers, the cluster takes the other core).
    `warm`: the local cluster is started (and each worker has parsed one file) before the clock
    starts, and the run goes to it by address, as `xxgk batch --scheduler` does: the steady-state
    throughput, without the cluster's start-up (~1–2 s, paid once per cluster, not per file)."""
    import json
    import subprocess

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        cmd = [sys.executable, "-c", _CHILD, str(db), str(root), str(workers), str(REPO), "1" if warm else "0"]
        # The bench process itself is pinned to one core; its children inherit that unless told.
        cmd = ["taskset", "-c", "0" if pin else f"0-{os.cpu_count() - 1}"] + cmd
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=3600).stdout
    return json.loads(out.strip().splitlines()[-1])


def time_bare(root: Path) -> float:
    """Seconds of xxgk.parse + to_dict (checks, contract JSON) over the same files: the peer."""
    import json

    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    paths = [root / f["path"] for f in manifest["files"]]
    datas = [(p.name, p.read_bytes()) for p in paths]
    for name, data in datas[:50]:
        xxgk.parse(data, name=name).to_dict()
    start = time.process_time()
    for name, data in datas:
        xxgk.parse(data, name=name).to_dict()
    return time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--media-n", type=int, default=20)
    ap.add_argument("--n", type=int, default=3000, help="text reports for the end-to-end figures")
    ap.add_argument("--skip-media", action="store_true")
    ap.add_argument("--skip-dask", action="store_true")
    ap.add_argument("--dask-n", type=int, default=3000, help="text reports for the Dask figures")
    ap.add_argument("--dask-corpus", choices=("text", "mixed"), default="text",
                    help="the Dask runs' corpus: text reports, or the store corpus's mix of media")
    ap.add_argument("--dask-scans", type=int, default=0, help="scanned reports in the mixed corpus")
    ap.add_argument("--dask-rounds", type=int, default=1, help="runs per worker count (fastest kept)")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args(argv)
    lines = [f"## {dt.date.today().isoformat()} — store ingestion (issue 14)", "",
             f"- machine: {machine()}; python {platform.python_version()}; load average "
             f"{os.getloadavg()[0]:.1f} at start", ""]
    root = text_corpus(args.n, REPO / "bench" / "out" / f"store_text_{args.n}")
    one = time_ingest(root, 0, pin=True)
    pinned = pin_to_one_core()
    bare = time_bare(root)
    n = one["read"] + one["failed"] + one["duplicate"]
    lines += [
        f"End to end, `batch.run` into a new SQLite store (hierarchy imported, quality signals included), one process "
        f"pinned to one core (`taskset -c 0`), {n} text files of the store corpus (`--n {args.n}`):",
        "",
        "| what | seconds | files/s | ms/file |",
        "|---|---:|---:|---:|",
        f"| xxgk.parse + checks + contract JSON, same files, same core ({pinned}): the peer | {bare:.2f} | "
        f"{n / bare:.0f} | {bare / n * 1000:.2f} |",
        f"| batch.run, wall | {one['wall']:.2f} | {n / one['wall']:.0f} | {one['wall'] / n * 1000:.2f} |",
        "",
    ]
    if not args.skip_dask:
        if args.dask_corpus == "mixed":
            droot = mixed_corpus(args.dask_n, REPO / "bench" / "out" / f"store_mixed_{args.dask_n}_seed3_scans{args.dask_scans}",
                                 args.dask_scans)
        else:
            droot = root if args.dask_n == args.n else text_corpus(args.dask_n, REPO / "bench" / "out" / f"store_text_{args.dask_n}")
        kind = (f"mixed-media (the store corpus's default media, {args.dask_scans} scans)" if args.dask_corpus == "mixed" else "text")
        bare1 = min(time_bare_processes(droot, 1) for _ in range(args.dask_rounds))
        bare2 = min(time_bare_processes(droot, 2) for _ in range(args.dask_rounds))
        lines += [
            "The machine's ceiling, no Dask and no store: the workers' code (`batch.parse_many`) over the same files "
            "in 1 process, then split over 2 processes pinned to one core each and started together (wall):",
            "",
            "| processes | wall s | speed-up |",
            "|---|---:|---:|",
            f"| 1 | {bare1:.2f} | 1.00 |",
            f"| 2 | {bare2:.2f} | {bare1 / bare2:.2f} |",
            "",
        ]
        for warm in (False, True):
            runs = {w: [time_ingest(droot, w, pin=False, warm=warm) for _ in range(args.dask_rounds)] for w in (1, 2)}
            best = {w: min(rs, key=lambda r: r["wall"]) for w, rs in runs.items()}
            dn = best[1]["read"] + best[1]["failed"] + best[1]["duplicate"]
            how = ("a cluster started and warmed before the clock (`batch.run(scheduler=address)`, as "
                   "`xxgk batch --scheduler`)" if warm else "`batch.run(workers=N)`, wall time includes starting the cluster")
            lines += [
                f"Dask, {dn} {kind} files (`--dask-n {args.dask_n}`), {how}; both cores free for the workers and the "
                f"driver; fastest of {args.dask_rounds} runs each:",
                "",
                "| workers | wall s | files/s | driver CPU s | driver CPU ms/file | of which refresh (wall s / CPU s) | speed-up |",
                "|---|---:|---:|---:|---:|---:|---:|",
            ]
            for w in (1, 2):
                b = best[w]
                lines.append(f"| {w} | {b['wall']:.2f} | {dn / b['wall']:.0f} | {b['driver_cpu']:.2f} | "
                             f"{b['driver_cpu'] / dn * 1000:.2f} | {b['refresh_wall']:.2f} / {b['refresh_cpu']:.2f} | "
                             f"{best[1]['wall'] / b['wall']:.2f} |")
            lines.append("")
    if not args.skip_media:
        rows = time_media(media_documents(args.media_n))
        lines += [f"Parse cost per medium (`--media-n {args.media_n}`), CPU time of parse + checks + contract JSON, "
                  f"one core ({pinned}):", "", media_table(rows), ""]
    lines.append(f"Command: `python bench/bench_store.py --n {args.n} --media-n {args.media_n} --dask-n {args.dask_n} "
                 f"--dask-rounds {args.dask_rounds} --dask-corpus {args.dask_corpus} --dask-scans {args.dask_scans}{' --skip-media' if args.skip_media else ''}`.")
    emit("\n".join(lines) + "\n", args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
