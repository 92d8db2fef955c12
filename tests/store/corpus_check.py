"""Ingest a generated store corpus (tests/corpus/store_corpus.py) and score the store against its
manifest: every injected problem found on its agency-year, nothing beyond the allowed reader notes
on the clean ones, every report filed under its agency, every cell of a clean report exact.

Used by tests/store/test_corpus_store.py (a 300-report corpus) and, for the 10,000-report run of
issue 14, by ``python -m tests.store.corpus_check CORPUS --db PATH [--workers N]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class CorpusItem:
    """A corpus file as a crawler hands it over: the bytes on disk, the URL it came from and when."""

    name: str
    origin: str
    path: Path
    fetched_at: dt.datetime | None = None
    error: str | None = None
    size: int | None = None

    def load(self) -> bytes:
        return self.path.read_bytes()


def corpus_items(root: Path, manifest: dict[str, Any]) -> list[CorpusItem]:
    """Every file of the corpus in the order a crawl fetched them (by file time, then path):
    the main tree, then the mirror, then the re-fetched pages."""
    items = []
    for f in manifest["files"]:
        path = root / f["path"]
        fetched = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.timezone.utc)
        items.append(CorpusItem(f["path"], f["url"], path, fetched))
    items.sort(key=lambda i: (i.fetched_at, i.name))
    return items


def write_crawl_list(root: Path, manifest: dict[str, Any]) -> Path:
    """The corpus as a crawler would hand it to `xxgk batch`: `crawl.txt`, one line per saved file
    with the URL it came from and when, in fetch order (see `corpus_items`)."""
    lines = [f"{i.name}\t{i.origin}\t{i.fetched_at.isoformat()}" for i in corpus_items(root, manifest)]
    path = root / "crawl.txt"
    path.write_text("# saved file, URL, fetched at\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


@dataclass
class Score:
    injected: int = 0
    found: int = 0
    missed: list[dict[str, Any]] = field(default_factory=list)
    clean: int = 0
    false: list[tuple[str, int, list[str]]] = field(default_factory=list)
    #: Reports left unsettled: (printed agency, year, the files of their versions).
    unmatched: list[tuple[str, Any, list[str]]] = field(default_factory=list)
    cells: int = 0
    wrong_cells: list[tuple[str, str, Any, Any]] = field(default_factory=list)
    by_kind: dict[str, list[int]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"injected": self.injected, "found": self.found, "missed": self.missed[:20], "clean": self.clean,
                "false": len(self.false), "false_examples": self.false[:20], "unmatched": self.unmatched[:20],
                "cells": self.cells, "wrong_cells": len(self.wrong_cells), "wrong_examples": self.wrong_cells[:20],
                "by_kind": self.by_kind}


def rules_by_agency_year() -> dict[tuple[str, int], set[str]]:
    """Every finding in the store by (agency code, year): on any version of the report, or on the
    agency-year itself (a missing report)."""
    from xxgk.store.models import Finding

    out: dict[tuple[str, int], set[str]] = defaultdict(set)
    rows = Finding.objects.values_list("rule", "version__report__agency__code", "version__report__year",
                                       "agency__code", "year")
    for rule, vcode, vyear, acode, ayear in rows.iterator(chunk_size=5000):
        code, year = (vcode, vyear) if vcode is not None else (acode, ayear)
        if code is not None:
            out[(code, year)].add(rule)
    return out


def score(root: Path, manifest: dict[str, Any]) -> Score:
    from xxgk.store.models import Ingest, Report, Version

    s = Score()
    rules = rules_by_agency_year()
    allowed = set(manifest["allowed_findings"])
    for inj in manifest["injections"]:
        kind = inj["kind"]
        s.by_kind.setdefault(kind, [0, 0])
        s.by_kind[kind][0] += 1
        s.injected += 1
        if inj["rule"] is None:  # the same bytes under two names: one read, the other a duplicate
            # Items are named by the path given (relative) or the list's resolved path (absolute).
            status = sorted(st for f in inj["files"] for st in Ingest.objects.filter(item__endswith="/" + f)
                            .values_list("status", flat=True).union(Ingest.objects.filter(item=f).values_list("status", flat=True)))
            ok = len(inj["files"]) == 2 and status == ["duplicate", "read"]
        else:
            ok = inj["rule"] in rules.get((inj["agency"], inj["year"]), set())
        if ok:
            s.found += 1
            s.by_kind[kind][1] += 1
        else:
            s.missed.append({"id": inj["id"], "kind": kind, "rule": inj["rule"], "agency": inj["agency"],
                             "year": inj["year"], "got": sorted(rules.get((inj["agency"], inj["year"]), set()))})
    for c in manifest["clean"]:
        s.clean += 1
        extra = sorted(rules.get((c["agency"], c["year"]), set()) - allowed)
        if extra:
            s.false.append((c["agency"], c["year"], extra))
    s.unmatched = sorted((r.printed_agency, r.year, sorted(r.versions.values_list("name", flat=True)))
                         for r in Report.objects.filter(agency__isnull=True))
    # Exactness: the active version of every clean agency-year holds the truth of its main file.
    clean = {(c["agency"], c["year"]) for c in manifest["clean"]}
    with gzip.open(root / manifest["truth"], "rt", encoding="utf-8") as fh:
        truth = {}
        for line in fh:
            row = json.loads(line)
            truth[row["path"]] = row
    main = {(f["agency"], f["year"]): f["path"] for f in manifest["files"] if f["role"] == "main"}
    active = {(code, year): data for code, year, data in
              Version.objects.filter(report__active=models_F("pk")).values_list("report__agency__code", "report__year", "data")
              .iterator(chunk_size=500)}
    for key in sorted(clean):
        want = truth[main[key]]["values"] if key in main else None
        got = active.get(key)
        if want is None or got is None:
            s.wrong_cells.append((key[0], "report", want is not None, got is not None))
            continue
        values = {c["key"]: c["value"] for c in got["cells"]}
        for k, v in want.items():
            s.cells += 1
            if values.get(k) != v:
                s.wrong_cells.append((f"{key[0]} {key[1]}", k, v, values.get(k)))
    return s


def models_F(name: str) -> Any:
    from django.db.models import F

    return F(name)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--db", required=True)
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--score-only", action="store_true")
    args = ap.parse_args(argv)
    from xxgk import store

    store.setup(args.db)
    from xxgk.store import batch
    from xxgk.store.agencies import import_agencies

    manifest = json.loads((args.corpus / "manifest.json").read_text(encoding="utf-8"))
    out: dict[str, Any] = {}
    if not args.score_only:
        t = time.perf_counter()
        result = import_agencies(args.corpus / manifest["hierarchy"])
        out["hierarchy"] = {"ok": result.ok, "rows": result.rows, "seconds": round(time.perf_counter() - t, 2)}
        items = corpus_items(args.corpus, manifest)
        t = time.perf_counter()
        summary = batch.run([str(args.corpus)], items=items, workers=args.workers)
        out["batch"] = {k: v for k, v in summary.to_dict().items() if k != "failures"}
        out["batch"]["failures"] = summary.failures[:20]
        out["batch"]["wall"] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    out["score"] = score(args.corpus, manifest).to_dict()
    out["score_seconds"] = round(time.perf_counter() - t, 2)
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1, default=str)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
