"""The generated store corpus (tests/corpus/store_corpus.py, ~300 reports in every medium, levels and
years, with injected problems) through `xxgk batch`: every injected problem found on its
agency-year, nothing beyond the allowed reader notes on the clean ones, every report filed under its
agency, every cell of the clean reports exact; and the same store from one process, from two Dask
workers, and from a run interrupted midway and resumed. The 10,000-report run: bench/RESULTS.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.corpus.store_corpus import build
from xxgk.store import batch
from xxgk.store.agencies import import_agencies

from .corpus_check import corpus_items, score, write_crawl_list
from .snapshot import snapshot, wipe

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("store_corpus")
    build(root, n=300, seed=14)
    return root, json.loads((root / "manifest.json").read_text(encoding="utf-8"))


def _ingest(root: Path, manifest: dict, **kw: object) -> batch.Summary:
    assert import_agencies(root / manifest["hierarchy"]).ok
    return batch.run([str(root)], items=corpus_items(root, manifest), **kw)


def test_every_injected_problem_found_and_nothing_on_the_clean_reports(corpus: tuple[Path, dict]) -> None:
    root, manifest = corpus
    assert import_agencies(root / manifest["hierarchy"]).ok
    s = batch.run([str(write_crawl_list(root, manifest))])  # the crawl as a list file: the CLI's input
    assert s.failed == 0 and s.refresh_error == ""
    assert s.duplicate == sum(1 for i in manifest["injections"] if i["kind"] == "duplicate_file")
    got = score(root, manifest)
    assert got.missed == []
    assert got.found == got.injected == len(manifest["injections"]) >= 30
    assert {k for k, (n, found) in got.by_kind.items() if n and n == found} >= {
        "arithmetic", "late", "missing", "duplicate_file", "duplicate_report", "version_changed", "sources_differ",
        "narrative_duplicate", "yoy_jump", "regulations_without_power", "cross_year", "section_renamed"}
    assert got.false == [] and got.clean >= 200
    # Only a scan may be left for a person to settle (its agency misread by OCR, never guessed).
    scans = {f["path"] for f in manifest["files"] if f["medium"] == "scan"}
    assert all(any(n == f or n.endswith("/" + f) for f in scans) for _, _, names in got.unmatched for n in names)
    assert got.wrong_cells == [] and got.cells > 40_000


def test_two_workers_and_an_interrupted_run_give_the_same_store(corpus: tuple[Path, dict],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    root, manifest = corpus
    _ingest(root, manifest)
    one = snapshot()
    wipe(agencies=True)
    _ingest(root, manifest, workers=2)
    assert snapshot() == one
    wipe(agencies=True)
    monkeypatch.setattr(batch, "RECORD_BATCH", 16)
    flushes = []

    def stop(done: int, total: int) -> None:
        flushes.append(done)
        if len(flushes) == 5:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _ingest(root, manifest, progress=stop)
    resumed = _ingest(root, manifest)
    assert resumed.skipped == flushes[-1] > 0
    assert snapshot() == one
