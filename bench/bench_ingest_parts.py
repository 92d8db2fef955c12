"""Where a text report's ingestion time goes: CPU ms per file of each step, and end to end, for this
tree and optionally another one (a checkout of the base) side by side.

    python bench/bench_ingest_parts.py [--n 1000] [--rounds 7] [--e2e 3] [--dask 1] [--against DIR]

Corpus: the store corpus of text reports (`n`, seed 2; bench_store.py's corpus, built once under
bench/out/). Every figure is process CPU time (`time.process_time`), the minimum over `rounds`
passes, the passes of the two trees interleaved (A, B, A, B, …: on this shared machine a
neighbour's burst then slows both sides, not one). Each tree runs in its own long-lived child
process pinned to CPU 0.

Steps (per file): the reader (`xxgk.parse`), `Report.to_dict` (checks), the contract JSON
(`jsontext.compact_json`), the narrative signature, the tables digest, the `Figures` row (in the
worker, `figrow.row`, where the tree has it; else as the driver made it: the JSON decoded again and
extracted), and the whole worker side (`ingest.parse_bytes`). Then, in fresh child processes pinned
to one core: `batch.run` end to end into a new SQLite store (hierarchy imported, quality refresh
included) and the driver alone (the same run with every file's `parse_bytes` computed beforehand:
what the one driver process does per file when workers parse), the refresh's share of each.
`--dask K`: K rounds of `batch.run(workers=1)` and `(workers=2)` on both cores (wall clock; on a
loaded machine the driver CPU per file is the figure that bounds the speed-up).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

_SERVE = r"""
import json, os, sys, time
repo = sys.argv[1]
sys.path[:0] = [repo, repo + '/src']
os.sched_setaffinity(0, {0})
from pathlib import Path
import xxgk
from xxgk import store
store.setup(':memory:', migrate=False)
from xxgk.store import figures
from xxgk.store.digest import tables_digest
from xxgk.store.ingest import parse_bytes
from xxgk.store.jsontext import compact_json
from xxgk.store.similar import signature
root = Path(sys.argv[2])
manifest = json.loads((root / 'manifest.json').read_text(encoding='utf-8'))
files = [(Path(f['path']).name, (root / f['path']).read_bytes()) for f in manifest['files']]
reports = [xxgk.parse(d, name=n) for n, d in files]
dicts = [r.to_dict() for r in reports]
texts = [str(compact_json(d)) for d in dicts]
try:
    from xxgk.store.figrow import row as figrow_row
except ImportError:
    figrow_row = None
def figure_rows():
    if figrow_row is not None:
        return [figrow_row(d) for d in dicts]
    return [figures.extract(figures._parts_of(json.loads(t))) for t in texts]
steps = {
    'parse': lambda: [xxgk.parse(d, name=n) for n, d in files],
    'to_dict': lambda: [r.to_dict() for r in reports],
    'json': lambda: [compact_json(d) for d in dicts],
    'signature': lambda: [signature(r.sections) for r in reports],
    'tables digest': lambda: [tables_digest(d) for d in dicts],
    'figures row': figure_rows,
    'worker total (parse_bytes)': lambda: [parse_bytes(n, d) for n, d in files],
}
print(json.dumps({'n': len(files), 'worker_row': figrow_row is not None}), flush=True)
for line in sys.stdin:
    name = line.strip()
    t = time.process_time()
    steps[name]()
    print(json.dumps((time.process_time() - t) / len(files) * 1000), flush=True)
"""

_RUN = r"""
import json, sys, time
repo = sys.argv[1]
sys.path[:0] = [repo, repo + '/src']
from xxgk import store
store.setup(sys.argv[2])
from xxgk.store import batch, quality
from xxgk.store.agencies import import_agencies
from xxgk.store.ingest import parse_bytes
from tests.store.corpus_check import corpus_items
from pathlib import Path
root = Path(sys.argv[3])
workers, driver_only = int(sys.argv[4]), sys.argv[5] == '1'
manifest = json.loads((root / 'manifest.json').read_text(encoding='utf-8'))
import_agencies(root / manifest['hierarchy'])
items = corpus_items(root, manifest)
parse = None
if driver_only:
    done = {}
    for it in items:
        data = it.load()
        done[(batch._name(it), data)] = parse_bytes(batch._name(it), data)
    parse = lambda name, data: done[(name, data)]
spent = [0.0]
real = quality.refresh
def timed(*a, **k):
    t = time.process_time()
    try:
        return real(*a, **k)
    finally:
        spent[0] += time.process_time() - t
quality.refresh = timed
cpu, t = time.process_time(), time.perf_counter()
s = batch.run([str(root)], items=items, workers=workers, parse=parse)
print(json.dumps({'wall': time.perf_counter() - t, 'cpu': time.process_time() - cpu, 'refresh': spent[0],
                  'n': s.read + s.failed + s.duplicate}))
"""


def corpus(n: int) -> Path:
    sys.path.insert(0, str(REPO))
    from bench.bench_store import text_corpus

    return text_corpus(n, REPO / "bench" / "out" / f"store_text_{n}")


def run_once(repo: Path, root: Path, workers: int = 0, driver_only: bool = False) -> dict[str, Any]:
    """One `batch.run` of `repo`'s code in a fresh child process and SQLite store."""
    with tempfile.TemporaryDirectory() as tmp:
        cpus = "0" if workers == 0 else f"0-{os.cpu_count() - 1}"
        cmd = ["taskset", "-c", cpus, sys.executable, "-c", _RUN, str(repo), str(Path(tmp) / "e.sqlite3"), str(root),
               str(workers), "1" if driver_only else "0"]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=3600).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--e2e", type=int, default=3, help="end-to-end and driver-only runs per tree (min kept)")
    ap.add_argument("--dask", type=int, default=0, help="rounds of Dask 1 vs 2 workers per tree, 0 to skip")
    ap.add_argument("--against", type=Path, help="another tree (e.g. the base) to measure side by side")
    args = ap.parse_args(argv)
    root = corpus(args.n)
    trees = {"this": REPO} | ({"against": args.against.resolve()} if args.against else {})
    kids = {k: subprocess.Popen([sys.executable, "-c", _SERVE, str(p), str(root)], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for k, p in trees.items()}
    heads = {k: json.loads(p.stdout.readline()) for k, p in kids.items()}
    steps = ["parse", "to_dict", "json", "signature", "tables digest", "figures row", "worker total (parse_bytes)"]
    best: dict[tuple[str, str], float] = {}
    for _ in range(args.rounds):
        for step in steps:
            for k, p in kids.items():
                p.stdin.write(step + "\n")
                p.stdin.flush()
                v = json.loads(p.stdout.readline())
                best[(k, step)] = min(best.get((k, step), float("inf")), v)
    for p in kids.values():
        p.stdin.close()
        p.wait()
    e2e: dict[str, list[dict[str, Any]]] = {k: [] for k in trees}
    drv: dict[str, list[dict[str, Any]]] = {k: [] for k in trees}
    for _ in range(args.e2e):
        for k, p in trees.items():
            e2e[k].append(run_once(p, root))
            drv[k].append(run_once(p, root, driver_only=True))
    dask: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {k: [] for k in trees}
    for _ in range(args.dask):
        for k, p in trees.items():
            dask[k].append((run_once(p, root, 1), run_once(p, root, 2)))
    n = heads["this"]["n"]
    names = list(trees)
    print(f"{n} text files; CPU ms per file, min of {args.rounds} interleaved passes (trees: "
          + ", ".join(f"{k} = {p}" for k, p in trees.items()) + f"); load average {os.getloadavg()[0]:.1f} at the end")
    print("| step | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for step in steps:
        label = step
        if step == "figures row":
            label += " (" + ", ".join(f"{k}: {'worker' if heads[k]['worker_row'] else 'driver, JSON decoded'}" for k in names) + ")"
        print(f"| {label} | " + " | ".join(f"{best[(k, step)]:.3f}" for k in names) + " |")

    def ms(runs: list[dict[str, Any]], key: str) -> str:
        return f"{min(r[key] for r in runs) / runs[0]['n'] * 1000:.3f}" if runs else "–"

    if args.e2e:
        print("| batch.run end to end, one process (CPU) | " + " | ".join(ms(e2e[k], "cpu") for k in names) + " |")
        print("| … of which quality.refresh | " + " | ".join(ms(e2e[k], "refresh") for k in names) + " |")
        print("| driver alone, files parsed beforehand (CPU) | " + " | ".join(ms(drv[k], "cpu") for k in names) + " |")
        print("| … of which quality.refresh | " + " | ".join(ms(drv[k], "refresh") for k in names) + " |")
        print("| end to end files/s per core (CPU) | " + " | ".join(
            f"{e2e[k][0]['n'] / min(r['cpu'] for r in e2e[k]):.0f}" for k in names) + " |")
    for k in names:
        for w1, w2 in dask[k]:
            print(f"dask {k}: 1 worker {w1['wall']:.2f} s wall, driver CPU {w1['cpu'] / n * 1000:.2f} ms/file; "
                  f"2 workers {w2['wall']:.2f} s, driver CPU {w2['cpu'] / n * 1000:.2f} ms/file; "
                  f"speed-up {w1['wall'] / w2['wall']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
