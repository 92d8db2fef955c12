"""`xxgk.store.batch.run`: a mix of inputs into the store, failures recorded, resumable, re-parse,
and the same store from one process, from Dask workers and from a run interrupted and resumed."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xxgk.store import batch
from xxgk.store.models import Ingest, Report, Version

from .snapshot import snapshot, wipe

pytestmark = pytest.mark.django_db(transaction=True)

SHARED = Path(__file__).resolve().parents[2].parent / "shared"


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    """The five seeds, the seven real reports (named by their folder) and five bad files."""
    d = tmp_path / "inbox"
    d.mkdir()
    for p in sorted((SHARED / "seeds").glob("*.txt")):
        shutil.copy(p, d / p.name)
    for folder in sorted((SHARED / "real").iterdir()):
        for p in folder.glob("source.*"):
            shutil.copy(p, d / f"{folder.name}{p.suffix}")
    (d / "bad").mkdir()
    (d / "bad" / "empty.txt").write_bytes(b"")
    (d / "bad" / "binary.bin").write_bytes(bytes(range(256)) * 40)
    (d / "bad" / "notareport.txt").write_text("今天天气很好。\n" * 20, encoding="utf-8")
    (d / "bad" / "truncated.pdf").write_bytes((SHARED / "real" / "021_huaian_hongze_2023" / "source.pdf").read_bytes()[:5000])
    (d / "bad" / "anim.gif").write_bytes(b"GIF89a" + b"\0" * 100)
    return d


def test_a_mix_is_read_and_each_bad_file_recorded_with_its_reason(inbox: Path) -> None:
    s = batch.run([str(inbox)])
    assert (s.read, s.failed, s.duplicate, s.skipped) == (12, 5, 0, 0)
    failed = dict(Ingest.objects.filter(status="failed").values_list("item", "error"))
    assert {Path(k).name for k in failed} == {"empty.txt", "binary.bin", "notareport.txt", "truncated.pdf", "anim.gif"}
    assert all(msg and "\n" not in msg for msg in failed.values())
    assert Version.objects.count() == 12
    assert all(r.active_id is not None and not r.stale for r in Report.objects.all())
    # 021 keeps its real 表四 source errors as error findings on its version.
    v = Version.objects.get(name__endswith="021_huaian_hongze_2023.pdf")
    assert v.medium == "pdf" and v.report.year == 2023 and v.errors >= 2
    assert set(v.findings.filter(severity="error").values_list("rule", flat=True)) >= {"t4.block_sum"}
    assert s.findings.get("t4.block_sum", 0) >= 3  # 021 (2) and 025 (1)


def test_a_second_run_skips_everything_and_adds_nothing(inbox: Path) -> None:
    batch.run([str(inbox)])
    before = snapshot()
    s = batch.run([str(inbox)])
    assert (s.read, s.failed, s.duplicate, s.skipped) == (0, 0, 0, 17)
    assert snapshot() == before


def test_the_same_bytes_twice_make_one_version(inbox: Path) -> None:
    seed = sorted(inbox.glob("0*.txt"))[0]
    shutil.copy(seed, inbox / "copy_of_seed.txt")
    s = batch.run([str(inbox)])
    assert (s.read, s.duplicate) == (12, 1)
    dup = Ingest.objects.get(status="duplicate")
    assert Path(dup.item).name in {seed.name, "copy_of_seed.txt"}
    assert dup.version is not None and dup.version.sha256 == dup.sha256


def test_a_changed_file_is_a_new_active_version_and_the_old_one_stays(inbox: Path) -> None:
    target = inbox / "006_pingtan_gaj_2021.txt"
    batch.run([str(inbox)])
    report = Version.objects.get(name=str(target)).report
    target.write_text(target.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    s = batch.run([str(inbox)])
    assert (s.read, s.skipped) == (1, 16)
    report.refresh_from_db()
    assert list(report.versions.values_list("number", "made_by")) == [(1, "parsed"), (2, "parsed")]
    assert report.active.number == 2


def test_reparse_by_a_newer_xxgk_keeps_the_old_versions(inbox: Path) -> None:
    batch.run([str(inbox)], xxgk_version="0.0.9")
    assert set(Version.objects.values_list("xxgk_version", flat=True)) == {"0.0.9"}
    s = batch.run([], items=batch.stored_items())
    assert (s.read, s.failed) == (12, 0)
    for report in Report.objects.all():
        made = list(report.versions.values_list("number", "made_by", "xxgk_version"))
        assert made == [(1, "parsed", "0.0.9"), (2, "reparsed", batch.XXGK_VERSION)]
        assert report.active.number == 2
    assert batch.stored_items() == []


def test_an_interrupted_run_resumed_gives_the_same_store(inbox: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    batch.run([str(inbox)])
    whole = snapshot()
    wipe()
    monkeypatch.setattr(batch, "RECORD_BATCH", 4)
    calls = []

    def stop(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch.run([str(inbox)], progress=stop)
    assert 0 < Version.objects.count() < 12
    assert Report.objects.filter(stale=True).exists()  # the refresh never ran
    s = batch.run([str(inbox)])
    assert s.skipped == 8 and s.read + s.failed == 9
    assert snapshot() == whole


def test_two_dask_workers_give_the_same_store_as_one_process(inbox: Path) -> None:
    batch.run([str(inbox)])
    serial = snapshot()
    wipe()
    s = batch.run([str(inbox)], workers=2)
    assert (s.read, s.failed) == (12, 5)
    assert snapshot() == serial


def test_each_local_worker_has_the_memory_limit_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    cluster = batch._Cluster(2, None, "300MiB")
    try:
        workers = cluster.client.scheduler_info()["workers"].values()
        assert [w["memory_limit"] for w in workers] == [300 * 2**20] * 2
        assert all(w["nthreads"] == 1 for w in workers)
        # glibc's own malloc thresholds (Dask's nanny would set MALLOC_TRIM_THRESHOLD_: OCR 1.5× slower)
        env = cluster.client.run(lambda: __import__("os").environ.get("MALLOC_TRIM_THRESHOLD_"))
        assert list(env.values()) == [None, None]
    finally:
        cluster.close()


def test_a_worker_task_freezes_what_the_worker_held_only_while_it_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    seen = []
    monkeypatch.setattr(batch, "parse_bytes", lambda name, data: seen.append(gc.get_freeze_count()) or name)
    assert batch.parse_many([("a.txt", b"x"), ("b.txt", b"y")]) == ["a.txt", "b.txt"]
    assert len(seen) == 2 and all(n > 0 for n in seen)
    assert gc.get_freeze_count() == 0


def test_a_batch_raises_the_collectors_threshold_and_restores_it() -> None:
    """`batch.fewer_collections` (around `run` and each worker task): 10,000 inside, the caller's
    thresholds after, and a caller's higher or disabled threshold left as it is."""
    import gc

    from xxgk.store.batch import fewer_collections

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 10, 10)
        with fewer_collections():
            assert gc.get_threshold() == (10_000, 10, 10)
        assert gc.get_threshold() == (700, 10, 10)
        gc.set_threshold(50_000, 5, 5)
        with fewer_collections():
            assert gc.get_threshold() == (50_000, 5, 5)
        gc.set_threshold(0, 10, 10)
        with fewer_collections():
            assert gc.get_threshold() == (0, 10, 10)
        gc.set_threshold(700, 10, 10)
        with pytest.raises(RuntimeError):
            with fewer_collections():
                raise RuntimeError("a failing block restores the threshold too")
        assert gc.get_threshold() == (700, 10, 10)
    finally:
        gc.set_threshold(*before)


def test_the_driver_freezes_what_it_holds_only_while_it_records() -> None:
    """`batch._frozen`: objects frozen inside, none after; a process that froze its own objects
    (a pre-forking server) keeps them frozen, and the run does not unfreeze them."""
    import gc

    assert gc.get_freeze_count() == 0
    with batch._frozen():
        assert gc.get_freeze_count() > 0
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with batch._frozen():
            pass
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
