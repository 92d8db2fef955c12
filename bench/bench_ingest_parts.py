"""Where a text report's ingestion time goes: CPU ms per file of each step, and end to end.

    python bench/bench_ingest_parts.py [--n 1000] [--repeats 3] [--e2e 3]

Corpus: the store corpus of text reports (`n`, seed 2; bench_store.py's corpus, built once under
bench/out/). Steps, each timed by process CPU time (`time.process_time`, so the neighbours on a
shared machine count little), the passes interleaved and the minimum kept (bench.common): the
reader (`xxgk.parse`), `Report.to_dict` (checks), the contract JSON (`jsontext.compact_json`), the
narrative signature, the tables digest, the `Figures` row the driver writes (`figures.record` from
the JSON text, or from the worker's ready row), and the whole worker side (`ingest.parse_bytes`).
End to end: `batch.run` in one process into a new SQLite store (hierarchy imported, quality
refresh included), in a child process pinned to one core; its CPU time split into the run and the
final `quality.refresh`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO, pin_to_one_core  # noqa: E402


def _files(n: int) -> list[tuple[str, bytes]]:
    from bench.bench_store import text_corpus

    root = text_corpus(n, REPO / "bench" / "out" / f"store_text_{n}")
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    return [(Path(f["path"]).name, (root / f["path"]).read_bytes()) for f in manifest["files"]]


def parts(files: list[tuple[str, bytes]], repeats: int) -> dict[str, float]:
    """CPU ms per file of each step, min over `repeats` interleaved passes."""
    import xxgk
    from xxgk.store import figures
    from xxgk.store.digest import tables_digest
    from xxgk.store.ingest import parse_bytes
    from xxgk.store.jsontext import compact_json
    from xxgk.store.similar import signature

    reports = [xxgk.parse(d, name=n) for n, d in files]
    dicts = [r.to_dict() for r in reports]
    texts = [str(compact_json(d)) for d in dicts]
    parsed = [parse_bytes(n, d) for n, d in files]

    def figure_row(p: Any) -> Any:
        row = getattr(p, "figures", None)
        if row is not None:  # the worker made it
            return row
        data = json.loads(p.json)
        return figures.extract(figures._parts_of(data))

    steps = {
        "parse": lambda: [xxgk.parse(d, name=n) for n, d in files],
        "to_dict": lambda: [r.to_dict() for r in reports],
        "json": lambda: [compact_json(d) for d in dicts],
        "signature": lambda: [signature(r.sections) for r in reports],
        "tables digest": lambda: [tables_digest(d) for d in dicts],
        "figures row (driver)": lambda: [figure_row(p) for p in parsed],
        "worker total (parse_bytes)": lambda: [parse_bytes(n, d) for n, d in files],
    }
    del texts
    best = {k: float("inf") for k in steps}
    for _ in range(repeats):
        for k, fn in steps.items():
            t = time.process_time()
            fn()
            best[k] = min(best[k], time.process_time() - t)
    return {k: v / len(files) * 1000 for k, v in best.items()}


_CHILD = """
import json, sys, time
sys.path[:0] = [sys.argv[3], sys.argv[3] + '/src']
from xxgk import store
store.setup(sys.argv[1])
from xxgk.store import batch, quality
from xxgk.store.agencies import import_agencies
from tests.store.corpus_check import corpus_items
root = __import__('pathlib').Path(sys.argv[2])
manifest = json.loads((root / 'manifest.json').read_text(encoding='utf-8'))
import_agencies(root / manifest['hierarchy'])
items = corpus_items(root, manifest)
t_refresh = [0.0]
real = quality.refresh
def timed(*a, **k):
    t = time.process_time()
    try:
        return real(*a, **k)
    finally:
        t_refresh[0] += time.process_time() - t
quality.refresh = timed
cpu, t = time.process_time(), time.perf_counter()
s = batch.run([str(root)], items=items, workers=int(sys.argv[4]))
print(json.dumps({'wall': time.perf_counter() - t, 'cpu': time.process_time() - cpu, 'refresh': t_refresh[0],
                  'n': s.read + s.failed + s.duplicate}))
"""


def end_to_end(n: int, workers: int = 0, pin: bool = True) -> dict[str, Any]:
    root = REPO / "bench" / "out" / f"store_text_{n}"
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-c", _CHILD, str(Path(tmp) / "e.sqlite3"), str(root), str(REPO), str(workers)]
        if pin:
            cmd = ["taskset", "-c", "0"] + cmd
        else:
            cmd = ["taskset", "-c", f"0-{os.cpu_count() - 1}"] + cmd
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=3600).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--e2e", type=int, default=3, help="end-to-end runs (min of their CPU kept)")
    ap.add_argument("--dask", type=int, default=0, help="Dask 1 vs 2 worker runs (each), 0 to skip")
    args = ap.parse_args(argv)
    from xxgk import store

    store.setup(":memory:", migrate=False)
    files = _files(args.n)
    runs = [end_to_end(args.n) for _ in range(args.e2e)]
    pinned = pin_to_one_core()
    ms = parts(files, args.repeats)
    print(f"{len(files)} text files; per-step CPU ms/file, min of {args.repeats} interleaved passes ({pinned}):")
    for k, v in ms.items():
        print(f"  {k:28s} {v:6.3f}")
    if runs:
        n = runs[0]["n"]
        cpu = min(r["cpu"] for r in runs)
        refresh = min(r["refresh"] for r in runs)
        print(f"end to end, batch.run one process pinned, min of {len(runs)}: CPU {cpu / n * 1000:.2f} ms/file "
              f"({n / cpu:.0f} files/s per core), of which refresh {refresh / n * 1000:.2f} ms/file; "
              f"wall {min(r['wall'] for r in runs) / n * 1000:.2f} ms/file")
    for _ in range(args.dask):
        w1 = end_to_end(args.n, 1, pin=False)
        w2 = end_to_end(args.n, 2, pin=False)
        n = w1["n"]
        print(f"dask: 1 worker wall {w1['wall']:.2f} s driver CPU {w1['cpu'] / n * 1000:.2f} ms/file; "
              f"2 workers wall {w2['wall']:.2f} s driver CPU {w2['cpu'] / n * 1000:.2f} ms/file; "
              f"speed-up {w1['wall'] / w2['wall']:.2f}; load {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
