"""Exactness guard for performance work: a digest of everything the ingestion pipeline produces
per file, written before a change and compared after it (issue 14's speed work must not change
one byte of any output).

    python bench/golden_digest.py --write bench/out/golden.json      # before the change
    python bench/golden_digest.py --check bench/out/golden.json      # after it: exit 1 on any difference
    python bench/golden_digest.py --store --check bench/out/golden.json   # also the store's contents

Per file: `xxgk.parse(...).to_dict()` as canonical JSON (sorted keys), and what a worker hands the
driver (`ingest.parse_bytes`: the contract JSON text as stored, the head, the narrative signature,
the tables digest, the error text of a file that fails) and the `Figures` row the driver files from
it. With `--store`: the store corpus ingested into a fresh SQLite store by `batch.run`, digested as
`tests/store/snapshot.py` dumps it plus every `Figures` row (keyed by version, not by id).

Corpus (reproducible, built once under bench/out/ and reused): the 1,006 text files of the store
corpus (`n=1000, seed=2`, text only: bench_store.py's corpus at that size), a ~300-report store
corpus of mixed media (`n=300, seed=1`, default media, no scans), ../shared/real, ../shared/seeds,
and the bench's generated documents per medium (text, HTML, DOCX, XLSX, PDF; 20 each).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import REPO  # noqa: E402

OUT = REPO / "bench" / "out"
SHARED = REPO.parent / "shared"


def _h(b: bytes | str) -> str:
    return hashlib.sha256(b.encode("utf-8") if isinstance(b, str) else b).hexdigest()


def _store_corpus(root: Path, n: int, seed: int, media: dict[str, float] | None) -> Path:
    from tests.corpus.store_corpus import build

    if not (root / "manifest.json").exists():
        build(root, n=n, seed=seed, media=media, scans=0, verify=False)
    return root


def _media_dir(root: Path, n: int) -> Path:
    """bench_store's generated documents per medium, written once: text, HTML, DOCX, XLSX; PDF only
    where a CJK font is installed (xxgk's PDF writer needs one), no scans (5 s each)."""
    if not (root / "done").exists():
        import random

        import xxgk
        from bench.common import generated_reports
        from tests.corpus.docx import render_docx
        from tests.corpus.generate import LAYOUTS, render_text
        from tests.corpus.html import STYLES, render_html
        from xxgk.errors import XxgkError

        root.mkdir(parents=True, exist_ok=True)
        for i, r in enumerate(generated_reports(n)):
            rng = random.Random(i)
            (root / f"text_{i}.txt").write_bytes(render_text(r, LAYOUTS[i % len(LAYOUTS)], rng).encode("utf-8"))
            (root / f"html_{i}.html").write_bytes(render_html(r, rng, style=STYLES[i % len(STYLES)]).encode("utf-8"))
            (root / f"docx_{i}.docx").write_bytes(render_docx(r, rng))
            (root / f"xlsx_{i}.xlsx").write_bytes(xxgk.render(r, "xlsx"))
            try:
                (root / f"pdf_{i}.pdf").write_bytes(xxgk.render(r, "pdf"))
            except XxgkError:  # no CJK font on this machine
                pass
        (root / "done").write_text("ok")
    return root


def corpus() -> list[tuple[str, Path]]:
    """(label, path) of every file, in a fixed order."""
    files: list[tuple[str, Path]] = []
    for label, root in (("text1000", _store_corpus(OUT / "store_text_1000", 1000, 2, {"txt": 1.0})),
                        ("mixed300", _store_corpus(OUT / "store_mixed_300", 300, 1, None))):
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        files += [(f"{label}/{f['path']}", root / f["path"]) for f in manifest["files"]]
    for sub in ("real", "seeds"):
        base = SHARED / sub
        for p in sorted(base.rglob("*")):
            if p.is_file() and p.name not in ("meta.json", "truth.json", "README.md", "__init__.py"):
                files.append((f"{sub}/{p.relative_to(base)}", p))
    media = _media_dir(OUT / "golden_media_20", 20)
    files += [(f"media/{p.name}", p) for p in sorted(media.iterdir()) if p.name != "done"]
    return files


def file_digest(name: str, data: bytes) -> dict[str, str]:
    import xxgk
    from xxgk.errors import XxgkError
    from xxgk.store import figures
    from xxgk.store.ingest import parse_bytes

    out: dict[str, str] = {}
    try:
        out["to_dict"] = _h(json.dumps(xxgk.parse(data, name=name).to_dict(), ensure_ascii=False, sort_keys=True))
    except XxgkError as e:
        out["to_dict"] = "error:" + _h(f"{type(e).__name__}: {e}")
    p = parse_bytes(name, data)
    out["parsed"] = _h(json.dumps([p.report, p.error, p.json, p.tables_sha,
                                   p.signature.hex() if p.signature is not None else None],
                                  ensure_ascii=False, sort_keys=True))
    if p.report is not None:
        data_ = json.loads(p.json) if p.json is not None else p.report
        values, inexact = figures.extract(figures._parts_of(data_))
        out["figures"] = _h(json.dumps([inexact, [values[c] for c in figures._COLUMNS]]))
        ready = getattr(p, "figures", None)  # the row a worker makes (after 2026-12-06)
        if ready is not None and list(ready) != [json.dumps(inexact), *(values[c] for c in figures._COLUMNS)]:
            out["figures"] += ":worker row differs"
    return out


_STORE_CHILD = """
import hashlib, json, sys
sys.path[:0] = [sys.argv[3], sys.argv[3] + '/src']
from xxgk import store
store.setup(sys.argv[1])
from xxgk.store import batch
from xxgk.store.agencies import import_agencies
from tests.store.corpus_check import corpus_items
from tests.store.snapshot import snapshot
from pathlib import Path
root = Path(sys.argv[2])
manifest = json.loads((root / 'manifest.json').read_text(encoding='utf-8'))
import_agencies(root / manifest['hierarchy'])
batch.run([str(root)], items=corpus_items(root, manifest), workers=int(sys.argv[4]))
snap = snapshot()
from xxgk.store.models import Figures, Version
from tests.store.snapshot import _canon
keys = {}
reports = {}
for v in Version.objects.select_related('report', 'report__agency'):
    keys[v.pk] = (v.report.agency.code if v.report.agency_id else v.report.printed_agency, v.report.year, v.number)
cols = [f.attname for f in Figures._meta.concrete_fields if f.attname not in ('id', 'version_id')]
figs = sorted((keys[f['version_id']], [f[c] for c in cols]) for f in Figures.objects.values('version_id', *cols))
text = json.dumps({'snapshot': snap, 'figures': figs}, default=repr, ensure_ascii=False, sort_keys=True)
print(hashlib.sha256(text.encode('utf-8')).hexdigest())
"""


def store_digest(root: Path, workers: int = 0) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-c", _STORE_CHILD, str(Path(tmp) / "g.sqlite3"), str(root), str(REPO), str(workers)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=3600).stdout
    return out.strip().splitlines()[-1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--write", type=Path)
    ap.add_argument("--check", type=Path)
    ap.add_argument("--store", action="store_true", help="also digest the stores batch.run makes of both store corpora")
    ap.add_argument("--workers", type=int, default=0, help="Dask workers for the --store runs (0: one process)")
    args = ap.parse_args(argv)
    from xxgk import store

    store.setup(":memory:", migrate=False)  # figures' column list comes from the store's models
    digests: dict[str, Any] = {}
    for label, path in corpus():
        digests[label] = file_digest(path.name, path.read_bytes())
    if args.store:
        for label in ("store_text_1000", "store_mixed_300"):
            digests[f"store:{label}"] = store_digest(OUT / label, args.workers)
    print(f"{len(digests)} entries")
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(json.dumps(digests, indent=1, sort_keys=True), encoding="utf-8")
    if args.check:
        want = json.loads(args.check.read_text(encoding="utf-8"))
        bad = [k for k in sorted(set(want) | set(digests)) if want.get(k) != digests.get(k)
               and not (k.startswith("store:") and k not in digests)]
        for k in bad[:50]:
            print("DIFFERS:", k, want.get(k), digests.get(k))
        print(f"{len(bad)} differ of {len(digests)} checked")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
