"""A generated corpus for the report store: agencies × years in many media, with injected problems
and a manifest saying what a store must find (issue 14).

    from tests.corpus.store_corpus import build, Manifest
    manifest = build(Path("/tmp/corpus"), n=300, seed=1)            # ~300 reports, ≤ 20 s
    manifest = Manifest.load(Path("/tmp/corpus"))                   # what build wrote

CLI: ``python -m tests.corpus.store_corpus OUTDIR --n 10000 --seed 1 [--workers 2] [--pdf 0.03]
[--scans 50] [--no-verify] [--measure]``.

What is written to OUTDIR:

- ``hierarchy.csv`` — code,name,level,parent_code,aliases (aliases separated by ';'); levels
  province/city/county/township/department; every agency publishes a report every year;
- ``<province>/<city>/<county>/<code>_<year>.<ext>`` — one file per agency-year (province-level
  agencies directly under ``<province>/``, city-level under ``<province>/<city>/``; departments sit
  with their government, townships in their county's directory);
- ``refetch/<same path>`` — the same URL fetched again later, numbers changed (`store.version_changed`);
- ``mirror/<dir>/<code>_<year>.txt`` — the same report from a second site, one cell different
  (`store.sources_differ`);
- ``<dir>/<code>_<year> (1).<ext>`` — the same bytes saved twice (the batch skips the second);
- ``truth.jsonl.gz`` — per file, one JSON line: path, agency code, year, format, printed agency,
  published_on and every cell value by contract key (~9 KB a file before compression);
- ``manifest.json`` — see `Manifest`. File mtimes: main tree 2025-02-01, mirror +10 days, refetch +30 days.

Deterministic: the same (n, seed, media, scans) gives the same bytes whatever the worker count.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.report import Report
from xxgk.report import keys as K

from . import narrative as N
from .store.build import CLEAN_ALLOWED, DEFAULT_MEDIA, INJECTIONS, YEARS, Corpus, Slot, inject, plan_corpus
from .store.hierarchy import hierarchy_csv
from .store.media import Job, Made, make

__all__ = ["build", "Manifest", "SCHEMA", "similarity", "main"]

SCHEMA = "xxgk-test/store-corpus@1"
_MTIME = {"main": dt.datetime(2025, 2, 1, 9, 0), "mirror": dt.datetime(2025, 2, 11, 9, 0), "refetch": dt.datetime(2025, 3, 3, 9, 0)}


@dataclass
class Manifest:
    """What `build` made (manifest.json). Agency-years are {"agency": code, "year": Y}.

    - ``files``: every file written: ``path`` (relative, '/'), ``role`` (main | duplicate | refetch |
      mirror), ``agency``, ``year``, ``format``, ``medium`` and ``variant`` (layout/style), ``ext``,
      ``printed_agency`` with ``printed_how`` (name | alias | normalised: what a matcher needs),
      ``published_on`` (as printed; null when the file prints no date), ``sha256``, ``url`` (main,
      duplicate and refetch of one report share the same origin URL; mirror has its own),
      ``verified`` (read back exactly with xxgk.parse at build time) and ``findings`` (rules of that
      reading: for a clean file only those of ``allowed_findings``);
    - ``clean``: agency-years on which nothing may be reported: no error, no warning, no quality or
      store signal, except the rules of ``allowed_findings`` on the files' own readings (the
      agency-years of ``duplicate_file`` injections are clean too: the second name must only be
      skipped);
    - ``injections``: ``id``, ``kind``, ``rule`` (what must be reported on that agency-year; null for a
      duplicate file, which must be skipped), ``also`` (rules that may come with it), ``agency``,
      ``year``, ``files``, ``partner`` (the agency-year copied from, for duplicate_report and
      narrative_duplicate) and kind-specific details;
    - ``partners``: agency-years copied from (a 雷同 pair may be flagged on both sides): neither clean
      nor injected; ``excluded``: agency-years with a reason (scans: OCR, never exact);
    - ``stats``: counts by medium, level and role, fallbacks (files that did not read back exactly in
      their first medium, with the differences), build seconds, year-on-year redraws.
    """

    root: Path
    data: dict[str, Any]
    #: path → the report the file holds (in memory only: `build`'s return value, not `load`).
    truth: dict[str, Report] = field(default_factory=dict)

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.data["files"]

    @property
    def clean(self) -> list[dict[str, Any]]:
        return self.data["clean"]

    @property
    def injections(self) -> list[dict[str, Any]]:
        return self.data["injections"]

    def write(self) -> None:
        (self.root / "manifest.json").write_text(json.dumps(self.data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, root: Path) -> Manifest:
        return cls(root, json.loads((root / "manifest.json").read_text(encoding="utf-8")))

    def truth_rows(self) -> dict[str, dict[str, Any]]:
        """truth.jsonl.gz by path: {"path", "agency", "year", "format", "printed_agency", "published_on", "values"}."""
        with gzip.open(self.root / "truth.jsonl.gz", "rt", encoding="utf-8") as f:
            return {(row := json.loads(line))["path"]: row for line in f}


# --- build -----------------------------------------------------------------------------------------------


def _quotas(weights: dict[str, float], total: int) -> list[str]:
    """`total` media in the proportions of `weights` (largest remainder)."""
    s = sum(weights.values())
    raw = {m: w / s * total for m, w in weights.items() if w > 0}
    q = {m: int(v) for m, v in raw.items()}
    for m in sorted(raw, key=lambda m: (q[m] - raw[m], m))[: total - sum(q.values())]:
        q[m] += 1
    return [m for m in sorted(q) for _ in range(q[m])]


def _assign_media(corpus: Corpus, seed: int, media: dict[str, float], scans: int, last: int) -> None:
    rng = random.Random(f"{seed}:media")
    present = sorted((s for s in corpus.slots.values() if s.status != "missing"), key=lambda s: s.key)
    free = [s for s in present if s.status == "clean" and s.key not in corpus.used and s.year == last]
    for s in rng.sample(free, min(scans, len(free))):
        s.medium, s.status = "scan", "excluded"
        corpus.excluded.append({"agency": s.agency.code, "year": s.year, "reason": "scan: read by OCR, with read.page_ocr/read.ocr_uncertain notes; not verified exact"})
    rest = [s for s in present if not s.medium]
    kinds = _quotas(media, len(rest))
    rng.shuffle(kinds)
    for s, m in zip(rest, kinds):
        s.medium = m


def _job(slot: Slot, seed: int, verify: bool) -> Job:
    allowed = frozenset(CLEAN_ALLOWED) | frozenset(slot.allowed)
    return Job(f"{seed}:{slot.agency.code}:{slot.year}", slot.make_report(), slot.medium, allowed, slot.must, slot.dated, verify,
               titles=slot.titles)


def _run(jobs: list[Job], workers: int) -> list[Made]:
    # Slow media first, so that the pool's last chunks are the quick ones.
    order = sorted(range(len(jobs)), key=lambda i: jobs[i].medium not in ("scan", "pdf"))
    if workers <= 1:
        made = [make(jobs[i]) for i in order]
    else:
        import multiprocessing as mp

        with mp.get_context("fork").Pool(workers) as pool:
            made = pool.map(make, [jobs[i] for i in order], chunksize=1)
    out: list[Made | None] = [None] * len(jobs)
    for i, m in zip(order, made):
        out[i] = m
    return out  # type: ignore[return-value]


def _dir(slot: Slot) -> str:
    return "/".join(slot.agency.path)


def _url(slot: Slot, ext: str, mirror: bool = False) -> str:
    host = "mirror.example.org/gkml" if mirror else f"xxgk.{slot.agency.code.lower()}.example.gov.cn"
    return f"https://{host}/ndbg/{slot.year}/{slot.agency.code}_{slot.year}.{ext}"


def _entry(path: str, role: str, slot: Slot, made: Made, url: str, report: Report) -> dict[str, Any]:
    return {
        "path": path, "role": role, "agency": slot.agency.code, "year": slot.year, "format": report.format,
        "medium": made.medium, "variant": made.variant, "ext": made.ext, "printed_agency": report.agency,
        "printed_how": slot.printed.how, "published_on": made.published_on, "sha256": hashlib.sha256(made.data).hexdigest(),
        "url": url, "verified": made.verified, "findings": made.findings,
    }


def build(outdir: Path, n: int, seed: int, *, media: dict[str, float] | None = None, scans: int | None = None,
          workers: int = 1, verify: bool = True, per_kind: int | None = None, years: tuple[int, ...] = YEARS) -> Manifest:
    """Write the corpus of ~`n` reports (⌈n/len(years)⌉ agencies × years, less the missing ones) to
    `outdir` and return its manifest (with the truth of every file in memory).

    `media`: medium → share of the main files (default `DEFAULT_MEDIA`: 3% PDF from n = 1,000, at
    most 4 PDFs below); `scans`: how many last-year reports are scanned PDFs (default 0.5% of n, at
    least 1); `per_kind`: injections of each kind (default 3 at n = 300, n/400 from n = 1,200, fewer
    below 300); `workers`: processes making the files (the bytes do not depend on it); `verify`: read
    every file but the scans back at build time, falling back to another medium where one does not
    read back exactly (`stats.fallbacks`)."""
    t0 = time.perf_counter()
    outdir = Path(outdir)
    if media is None:
        # PDFs cost ~1 s each (WeasyPrint, then read back): a test-size corpus gets a handful.
        media = dict(DEFAULT_MEDIA, pdf=DEFAULT_MEDIA["pdf"] if n >= 1000 else min(DEFAULT_MEDIA["pdf"], 4 / max(n, 1)))
    media = dict(media)
    scans = max(1, n // 200) if scans is None else scans
    per_kind = max(1, min(n // 100, max(3, round(n / 400)))) if per_kind is None else per_kind
    corpus = plan_corpus(n, seed, years)
    inject(corpus, seed, per_kind, years)
    _assign_media(corpus, seed, media, scans, years[-1])

    slots = sorted((s for s in corpus.slots.values() if s.status != "missing"), key=lambda s: s.key)
    made = _run([_job(s, seed, verify) for s in slots], workers)
    by_key = {s.key: (s, m) for s, m in zip(slots, made)}
    files: list[dict[str, Any]] = []
    truth: dict[str, Report] = {}
    writes: list[tuple[str, bytes, str]] = []

    def add(path: str, role: str, slot: Slot, m: Made, report: Report, url: str) -> None:
        files.append(_entry(path, role, slot, m, url, report))
        truth[path] = report
        writes.append((path, m.data, role))

    paths: dict[tuple[str, int], str] = {}
    for s, m in zip(slots, made):
        path = f"{_dir(s)}/{s.agency.code}_{s.year}.{m.ext}"
        paths[s.key] = path
        add(path, "main", s, m, s.report, _url(s, m.ext))  # type: ignore[arg-type]

    # Files derived from a main file: refetched with changed numbers, mirrored with one cell changed, saved twice.
    derived: list[tuple[str, dict[str, Any], Slot, Job]] = []
    for e in corpus.injections:
        if e["kind"] not in ("version_changed", "sources_differ", "duplicate_file"):
            continue
        s, m = by_key[(e["agency"], e["year"])]
        main_path = paths[s.key]
        e["files"] = [main_path]
        if e["kind"] == "duplicate_file":
            dup = f"{_dir(s)}/{s.agency.code}_{s.year} (1).{m.ext}"
            add(dup, "duplicate", s, m, s.report, _url(s, m.ext).replace(f".{m.ext}", f"%20(1).{m.ext}"))  # type: ignore[arg-type]
            e["files"].append(dup)
            continue
        changes = e.get("changed") or e.get("differs")
        values = {k: c.value for k, c in s.report.cells.items()}  # type: ignore[union-attr]
        values.update({k: v[1] for k, v in changes.items()})
        r = Report.from_values(values, format=s.report.format, agency=s.report.agency, year=s.year,  # type: ignore[union-attr]
                               sections=dict(s.report.sections), published_on=s.report.published_on)  # type: ignore[union-attr]
        base = _job(s, seed, verify)
        if e["kind"] == "version_changed":
            job = Job(base.key, r, m.medium, base.allowed, None, s.dated, verify, m.variant.split("/")[0])
        else:
            from .layouts import LAYOUTS

            rng = random.Random(f"{seed}:mirror:{s.agency.code}")
            layout = rng.choice([x for x in LAYOUTS if x != m.variant.split("/")[0]])
            job = Job(base.key + ":mirror", r, "txt", base.allowed, None, s.dated, verify, layout)
        derived.append((e["kind"], e, s, job))
    for (kind, e, s, job), m2 in zip(derived, _run([d[3] for d in derived], workers)):
        if kind == "version_changed":
            path = "refetch/" + paths[s.key]
            if m2.ext != by_key[s.key][1].ext:
                raise RuntimeError(f"{path}: the refetched file fell back to another medium ({m2.medium})")
            add(path, "refetch", s, m2, job.report, _url(s, m2.ext))
        else:
            path = f"mirror/{_dir(s)}/{s.agency.code}_{s.year}.{m2.ext}"
            add(path, "mirror", s, m2, job.report, _url(s, m2.ext, mirror=True))
        e["files"].append(path)
    for e in corpus.injections:
        if e["kind"] not in ("version_changed", "sources_differ", "duplicate_file") and (e["agency"], e["year"]) in paths:
            e["files"] = [paths[(e["agency"], e["year"])]]
        if e["kind"] == "arithmetic":
            e["reading_findings"] = by_key[(e["agency"], e["year"])][1].findings

    _write(outdir, corpus, writes, files, truth)
    data = _manifest_data(corpus, files, n, seed, media, scans, per_kind, years, verify, made, time.perf_counter() - t0)
    manifest = Manifest(outdir, data, truth)
    manifest.write()
    return manifest


def _write(outdir: Path, corpus: Corpus, writes: list[tuple[str, bytes, str]], files: list[dict[str, Any]], truth: dict[str, Report]) -> None:
    outdir.mkdir(parents=True, exist_ok=True)
    (outdir / "hierarchy.csv").write_text(hierarchy_csv(corpus.agencies), encoding="utf-8")
    for path, data, role in writes:
        p = outdir / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
        t = _MTIME["main" if role in ("main", "duplicate") else role].timestamp()
        os.utime(p, (t, t))
    with open(outdir / "truth.jsonl.gz", "wb") as raw, gzip.GzipFile(filename="", fileobj=raw, mode="wb", mtime=0) as gz, \
            io.TextIOWrapper(gz, encoding="utf-8") as f:
        for entry in files:
            r = truth[entry["path"]]
            values = {k: r.value(k) for k in K.cell_keys(r.table_format)}
            f.write(json.dumps({"path": entry["path"], "agency": entry["agency"], "year": entry["year"], "format": r.format,
                                "printed_agency": r.agency, "published_on": entry["published_on"], "values": values},
                               ensure_ascii=False) + "\n")


def _manifest_data(corpus: Corpus, files: list[dict[str, Any]], n: int, seed: int, media: dict[str, float], scans: int,
                   per_kind: int, years: tuple[int, ...], verify: bool, made: list[Made], seconds: float) -> dict[str, Any]:
    slots = sorted(corpus.slots.values(), key=lambda s: s.key)
    ay = lambda s: {"agency": s.agency.code, "year": s.year}  # noqa: E731

    def count(key: str, rows: list[dict[str, Any]]) -> dict[str, int]:
        out: dict[str, int] = {}
        for r in rows:
            out[str(r[key])] = out.get(str(r[key]), 0) + 1
        return dict(sorted(out.items()))

    main = [f for f in files if f["role"] == "main"]
    levels = {a.code: a.level for a in corpus.agencies}
    return {
        "schema": SCHEMA, "seed": seed, "n": n, "years": list(years),
        "formats": {str(y): ("2019" if y < 2021 else "2021") for y in years},
        "hierarchy": "hierarchy.csv", "truth": "truth.jsonl.gz",
        "deadlines": {"department": "01-31", "township": "01-31", "county": "03-31", "city": "03-31", "province": "03-31",
                      "note": "of year+1: 部门 and 乡镇（街道） by 31 January, 县级以上人民政府 by 31 March"},
        "trees": {"main": sorted({f["path"].split("/")[0] for f in main}), "refetch": "refetch", "mirror": "mirror",
                  "note": "refetch/ is the main tree's URLs fetched again later (same origin); mirror/ is a second source"},
        "agencies": len(corpus.agencies),
        "allowed_findings": CLEAN_ALLOWED,
        "files": files,
        "clean": [ay(s) for s in slots if s.status == "clean"],
        "partners": [ay(s) for s in slots if s.status == "partner"],
        "excluded": corpus.excluded,
        "injections": corpus.injections,
        "injection_kinds": {k: {"rule": v[0] or None, "also": list(v[1]), "last_year_only": v[2]} for k, v in INJECTIONS.items()},
        "stats": {
            "reports": len(main), "files": len(files), "seconds": round(seconds, 1), "yoy_redraws": corpus.redraws,
            "by_medium": count("medium", main), "by_role": count("role", files),
            "seconds_by_medium": _seconds(main, made),
            "by_level": count("level", [{"level": levels[f["agency"]]} for f in main]),
            "by_printed_how": count("printed_how", main),
            "fallbacks": [{"agency": f["agency"], "year": f["year"], "failures": m.failures} for f, m in zip(main, made) if m.failures],
            "settings": {"media": media, "scans": scans, "per_kind": per_kind, "verify": verify},
        },
    }


def _seconds(main: list[dict[str, Any]], made: list[Made]) -> dict[str, float]:
    """CPU-side seconds spent making and reading back the main files, by medium (where the build's time goes)."""
    out: dict[str, float] = {}
    for f, m in zip(main, made):
        out[f["medium"]] = out.get(f["medium"], 0.0) + m.seconds
    return {k: round(v, 2) for k, v in sorted(out.items())}


# --- narrative similarity (the measure behind the clean set's 雷同 bound) ------------------------------------


def similarity(manifest: Manifest, limit: int = 1000, seed: int = 0, boilerplate: float = 0.05) -> dict[str, Any]:
    """Character-5-shingle Jaccard (digits masked, whitespace dropped) of the clean reports' narratives
    (all six sections), between different agencies: max and 99th percentile over `limit` clean reports
    (one year per agency, drawn by `seed`), and for each injected 雷同 copy its similarity to the
    report it copies. ``*_no_boilerplate``: the same with the shingles found in more than
    `boilerplate` of the sampled reports dropped (the format's headings and stock phrases), as a
    雷同 detector that removes boilerplate would see them. Sections come from the build's truth, or
    (a loaded manifest) from reading the files. Pure Python on sets: ~1 s for 60 reports, ~2 min for 1,000."""
    main = {(f["agency"], f["year"]): f["path"] for f in manifest.files if f["role"] == "main"}

    def sections(key: tuple[str, int]) -> dict[str, str]:
        path = main[key]
        if path in manifest.truth:
            return manifest.truth[path].sections
        import xxgk

        return xxgk.parse(manifest.root / path).sections

    clean = {(c["agency"], c["year"]) for c in manifest.clean}
    keys = sorted(k for k in main if k in clean)
    random.Random(seed).shuffle(keys)
    seen: set[str] = set()
    picked = []
    for k in keys:
        if k[0] not in seen:
            seen.add(k[0])
            picked.append(k)
        if len(picked) >= limit:
            break
    raw = [N.shingles(sections(k)) for k in picked]
    df: dict[str, int] = {}
    for x in raw:
        for g in x:
            df[g] = df.get(g, 0) + 1
    common = {g for g, c in df.items() if c > boilerplate * len(raw)}
    out: dict[str, Any] = {"reports": len(picked), "pairs": len(picked) * (len(picked) - 1) // 2, "boilerplate_shingles": len(common)}
    for suffix, drop in (("", set()), ("_no_boilerplate", common)):
        sh = [frozenset(hash(g) for g in x - drop) for x in raw]
        best, pair, scores = 0.0, (0, 0), []
        for i in range(len(sh)):
            a = sh[i]
            for j in range(i + 1, len(sh)):
                inter = len(a & sh[j])
                jac = inter / (len(a) + len(sh[j]) - inter) if a or sh[j] else 0.0
                scores.append(jac)
                if jac > best:
                    best, pair = jac, (i, j)
        scores.sort()
        out[f"max{suffix}"] = round(best, 3)
        out[f"p99{suffix}"] = round(scores[int(0.99 * (len(scores) - 1))], 3) if scores else 0.0
        out[f"max_pair{suffix}"] = [picked[pair[0]], picked[pair[1]]] if scores else []
    copies = []
    for e in manifest.injections:
        if e["kind"] in ("narrative_duplicate", "duplicate_report"):
            a_, b_ = N.shingles(sections((e["partner"]["agency"], e["partner"]["year"]))), N.shingles(sections((e["agency"], e["year"])))
            copies.append({"id": e["id"], "kind": e["kind"], "jaccard": round(N.jaccard(a_, b_), 3),
                           "jaccard_no_boilerplate": round(N.jaccard(a_ - common, b_ - common), 3)})
    out["copies"] = copies
    out["copies_min"] = min((c["jaccard"] for c in copies), default=None)
    out["copies_min_no_boilerplate"] = min((c["jaccard_no_boilerplate"] for c in copies), default=None)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.corpus.store_corpus", description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--n", type=int, default=300, help="reports (default 300)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="processes making files (default 2)")
    ap.add_argument("--pdf", type=float, default=None, help="share of PDFs among the main files (default 0.03)")
    ap.add_argument("--scans", type=int, default=None, help="scanned reports (default 0.5%% of n)")
    ap.add_argument("--no-verify", action="store_true", help="do not read every file back at build time")
    ap.add_argument("--measure", action="store_true", help="print the clean narratives' similarity")
    ap.add_argument("--measure-only", action="store_true", help="only measure an existing OUTDIR's similarity")
    args = ap.parse_args(argv)
    if args.measure_only:
        print(json.dumps(similarity(Manifest.load(args.outdir)), ensure_ascii=False))
        return 0
    media = None
    if args.pdf is not None:
        media = dict(DEFAULT_MEDIA, pdf=args.pdf)
    m = build(args.outdir, args.n, args.seed, media=media, scans=args.scans, workers=args.workers, verify=not args.no_verify)
    st = m.data["stats"]
    print(f"{st['reports']} reports, {st['files']} files, {len(m.injections)} injections, {len(m.clean)} clean agency-years "
          f"in {st['seconds']} s → {args.outdir}")
    print("by medium:", st["by_medium"])
    print("fallbacks:", len(st["fallbacks"]))
    if args.measure:
        print(json.dumps(similarity(m), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
