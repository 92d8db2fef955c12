"""`xxgk batch`: many inputs into the store, resumable, on one process or a Dask cluster.

The driver (this process) enumerates inputs (`sources.iter_items`), loads and hashes each one,
skips what this xxgk version has already ingested, hands the bytes to a parser (in-process, or a
Dask worker), and records the outcomes itself, in input order, one transaction per file. So:

* a killed run loses at most the files in flight; rerunning the same command skips everything
  recorded and continues (resumable);
* a 2-worker run records exactly what a 1-process run records, in the same order (same version
  numbers, same active versions), because only the parsing is distributed;
* the store's cross-report signals are recomputed at the end from stale reports (`quality.refresh`),
  which a killed run leaves stale for the next run to finish.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .ingest import XXGK_VERSION, Entry, Outcome, Parsed, parse_bytes, sha256

#: Files per Dask task, at most and at least, and bytes. Each task costs the driver's process
#: ~3 ms of CPU beside the files' own bytes (submit, the scheduler's transitions, the result's
#: messages: a local cluster's scheduler runs in the driver), and that process shares the cores
#: with the workers, so tasks are large while many files remain; they shrink towards the end
#: (`_task_files`: a quarter of what remains per worker, "guided" scheduling) so that no worker
#: idles long while another finishes a big last task. Measured 2026-12-06 on the 3,016-file text
#: corpus with 2 workers (bench/RESULTS.md): the scheduler's thread used 0.75 s of CPU with tasks
#: of 32 files, 0.51 s with 128. Few bytes enough that a task of scans (3 MB, 5 s each) or PDFs
#: still spreads over the workers.
TASK_FILES = 128
TASK_FILES_MIN = 8
TASK_BYTES = 8 * 2**20
#: Tasks in flight per Dask worker: one running, the next ones waiting on the worker while the
#: driver records, so a worker never waits for the driver's round trip.
IN_FLIGHT_TASKS = 3
#: Files, and bytes, in flight per Dask worker: the driver holds at most workers × 384 documents
#: and workers × 3 × TASK_BYTES of input beyond one large file per task.
IN_FLIGHT_PER_WORKER = IN_FLIGHT_TASKS * TASK_FILES
IN_FLIGHT_BYTES_PER_WORKER = IN_FLIGHT_TASKS * TASK_BYTES

#: Memory limit per local Dask worker: the largest input (100 MiB) parsed with its page images
#: fits in well under 1 GiB (bench_pdf's 2,000-page limit case peaks at ~600 MB).
WORKER_MEMORY = "2GiB"

#: Dask settings for a local cluster, whose scheduler and nannies run in the driver's process: their
#: periodic work (event-loop ticks every 20 ms, the nannies' memory polls every 100 ms, the system
#: monitor, work stealing) cost that process ~30 ms of CPU a second, idle; with these ~7 (measured
#: 2026-12-06, 2 workers, 10 s idle). Nothing here changes what runs where: tasks wait on the
#: scheduler until a worker is free (its default queuing), so there is nothing to steal, and a
#: worker over its memory limit is still stopped, within half a second.
LOCAL_CLUSTER_CONFIG = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "500ms",
    "distributed.scheduler.work-stealing": False,
    # Dask's nannies start workers with MALLOC_TRIM_THRESHOLD_=65536 (to hand memory back to the
    # system): glibc then maps and unmaps every large buffer, and a scan's page images made OCR
    # 1.5× slower in a worker than in a plain process (4 scans: 17.7 s → 26.7 s of CPU, measured
    # 2026-12-06). Workers keep glibc's own thresholds; the memory limit still stops a runaway one.
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
}


#: Files written per transaction, and the longest a parsed file waits to be written: fewer
#: statements and commits per file (see ingest.Recorder), while a killed run loses at most this
#: much work and the progress bar still moves several times a second.
RECORD_BATCH = 64
RECORD_SECONDS = 0.5


@dataclass
class Summary:
    """What a run did. `findings` counts findings by rule on the versions this run made, plus the
    store's signals that the final refresh wrote."""

    run_id: int
    read: int = 0
    failed: int = 0
    duplicate: int = 0
    skipped: int = 0
    seconds: float = 0.0
    findings: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)
    quality: int = 0
    #: Why the store's signals could not be recomputed at the end (they stay due: stale reports).
    refresh_error: str = ""

    @property
    def total(self) -> int:
        return self.read + self.failed + self.duplicate + self.skipped

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run_id, "read": self.read, "failed": self.failed, "duplicate": self.duplicate,
                "skipped": self.skipped, "seconds": round(self.seconds, 3), "findings": dict(self.findings),
                "failures": [list(f) for f in self.failures], "quality": self.quality,
                "refresh_error": self.refresh_error}


@dataclass
class ItemOutcome:
    """What happened to one input, for a caller that follows a run file by file (`run`'s
    `on_outcome`): status read|failed|duplicate as recorded, or skipped (an earlier run of this
    xxgk version already ingested the same bytes: nothing recorded)."""

    item: Any
    status: str
    version_id: int | None = None
    report_id: int | None = None
    error: str = ""
    sha256: str = ""
    size: int | None = None
    seconds: float = 0.0


@dataclass
class _Job:
    """One input on its way through the pipeline. `data` is None once recorded or when the input
    needs no parsing (skipped, or failed before it: unreadable, refused)."""

    item: Any
    data: bytes | None = None
    digest: str = ""
    size: int | None = None
    error: str | None = None
    skipped: bool = False
    duplicate: bool = False


def _load(item: Any, recorder: Any) -> _Job:
    from ..errors import XxgkError

    job = _Job(item, size=getattr(item, "size", None))
    if getattr(item, "error", None):
        job.error = item.error
        return job
    try:
        data = item.load()
    except XxgkError as e:
        job.error = " ".join(str(e).split())[:500]
        return job
    except OSError as e:
        job.error = f"无法读取：{e.strerror or e}"
        return job
    job.digest, job.size = sha256(data), len(data)
    if recorder.already(job.digest):
        job.skipped = True
        return job
    if not recorder.first_in_run(job.digest):
        job.duplicate = True
        return job
    job.data = data
    return job


def _serial(jobs: Iterable[_Job],
            parse: Callable[[str, bytes], Parsed] | None = None) -> Iterator[tuple[_Job, Parsed | None]]:
    parse = parse or parse_bytes
    for job in jobs:
        yield job, (parse(_name(job.item), job.data) if job.data is not None else None)


def _task_files(remaining: int | None, workers: int) -> int:
    """Files in the next task: TASK_FILES while many remain, then a quarter of what remains per
    worker, down to TASK_FILES_MIN (guided self-scheduling)."""
    if remaining is None:
        return TASK_FILES
    return max(TASK_FILES_MIN, min(TASK_FILES, remaining // (4 * max(1, workers))))


def _dask(jobs: Iterable[_Job], client: Any, workers: int,
          total: int | None = None) -> Iterator[tuple[_Job, Parsed | None]]:
    """Parse on the cluster, yield in input order. Files go out in tasks of up to TASK_FILES
    (TASK_BYTES), smaller towards the end of the `total` inputs (`_task_files`): one task per file
    costs the scheduler and the driver more than parsing a text report. At most workers ×
    IN_FLIGHT_PER_WORKER files (IN_FLIGHT_BYTES_PER_WORKER bytes, beyond the task that crosses it)
    are out at once, so the driver's memory is bounded whatever the input size."""
    window: collections.deque[tuple[list[_Job], Any, int]] = collections.deque()
    limit = max(1, workers) * IN_FLIGHT_PER_WORKER
    byte_limit = max(1, workers) * IN_FLIGHT_BYTES_PER_WORKER
    out_files = out_bytes = 0
    chunk: list[_Job] = []
    chunk_bytes = 0
    seen = 0
    size = _task_files(total, workers)

    def settle(group: list[_Job], future: Any) -> Iterator[tuple[_Job, Parsed | None]]:
        if future is None:
            yield group[0], None
            return
        try:
            results = future.result()
        except Exception as e:  # KilledWorker (memory limit), a lost connection
            if len(group) == 1:
                message = f"解析进程失败 {type(e).__name__}: {' '.join(str(e).split())[:300]}"
                results = [Parsed(None, message, 0.0)]
            else:  # one file may have killed the task: each again on its own, so only it fails
                singles = [client.submit(parse_many, [(_name(j.item), j.data)], pure=False) for j in group]
                results = [r for j, f in zip(group, singles) for _, r in settle([j], f)]
        yield from zip(group, results)

    def submit() -> None:
        nonlocal chunk, chunk_bytes, out_files, out_bytes, size
        size = _task_files(None if total is None else total - seen, workers)
        if chunk:
            future = client.submit(parse_many, [(_name(j.item), j.data) for j in chunk], pure=False)
            window.append((chunk, future, chunk_bytes))
            out_files += len(chunk)
            out_bytes += chunk_bytes
            chunk, chunk_bytes = [], 0

    for job in jobs:
        seen += 1
        if job.data is None:
            submit()  # keep input order: what came before goes out first
            window.append(([job], None, 0))
        else:
            chunk.append(job)
            chunk_bytes += len(job.data)
            if len(chunk) >= size or chunk_bytes >= TASK_BYTES:
                submit()
        while (out_files > limit or out_bytes > byte_limit) and window:
            group, future, nbytes = window.popleft()
            if future is not None:
                out_files -= len(group)
                out_bytes -= nbytes
            yield from settle(group, future)
    submit()
    while window:
        group, future, _ = window.popleft()
        yield from settle(group, future)


#: The cyclic garbage collector's first threshold while a batch parses and records: a text report
#: allocates ~10,000 short-lived container objects (tokens, their locations, cells), nearly none in
#: a reference cycle, and at the default threshold (700) the collector ran ~1,300 times over 1,006
#: files, 0.3 ms of CPU a file end to end (measured 2026-12-06 with gc.callbacks); at 10,000, 0.1 ms.
GC_THRESHOLD0 = 10_000


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Raise the collector's first threshold to GC_THRESHOLD0 (never lower it) for the block, then
    restore it. Only when objects are collected changes, never what a parse makes."""
    before = gc.get_threshold()
    if before[0] and before[0] < GC_THRESHOLD0:
        gc.set_threshold(GC_THRESHOLD0, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextlib.contextmanager
def _frozen() -> Iterator[None]:
    """Move every object the process holds so far (Django, the hierarchy matcher, the run's list of
    inputs: ~110,000) out of the collector's sight for the block (`gc.freeze`), so that a full
    collection while the driver records walks only what the run made since (one such collection
    cost the driver ~60 ms of CPU over 3,016 files, measured 2026-12-06). Left alone where the
    process froze objects itself (a pre-forking server): unfreezing would undo its freeze."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def parse_many(files: list[tuple[str, bytes]]) -> list[Parsed]:
    """`parse_bytes` over a task's files, on a worker. What the worker process held before the
    task (Dask's own objects: ~10× a bare process's) is frozen out of the collector's sight while
    it parses: a Dask worker computed 3,016 text files in 7.4–7.5 s against 6.5 s for the same
    code in a bare process, and 7.05–7.1 s with the freeze (2026-12-06, `get_task_stream`)."""
    with fewer_collections(), _frozen():
        return [parse_bytes(name, data) for name, data in files]


def _name(item: Any) -> str:
    return str(getattr(item, "name", item))


class _Cluster:
    """A Dask client on a local cluster of `workers` processes, or on an existing scheduler."""

    def __init__(self, workers: int, scheduler: str | None, memory: str) -> None:
        import dask
        from dask.distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler)
            self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))
        else:
            with dask.config.set(LOCAL_CLUSTER_CONFIG):
                self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                            memory_limit=memory, dashboard_address=None)
                # Results come straight from the worker that holds them, not through the scheduler
                # (which, on a local cluster, is in this process: two transfers of each result here).
                self.client = Client(self.cluster, direct_to_workers=True)
            self.workers = workers

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@fewer_collections()
def run(inputs: Sequence[str], *, workers: int = 0, scheduler: str | None = None, allow_private: bool = False,
        matcher: Any = None, progress: Callable[[int, int], None] | None = None,
        worker_memory: str = WORKER_MEMORY, xxgk_version: str = XXGK_VERSION,
        items: Iterable[Any] | None = None, parse: Callable[[str, bytes], Parsed] | None = None,
        on_outcome: Callable[[ItemOutcome], None] | None = None, skip_failed: bool = True) -> Summary:
    """Ingest `inputs` (directories, ZIPs, lists of files, URL lists, files, URLs) into the store
    set up by `xxgk.store.setup`. `workers` > 0 parses on a local Dask cluster of that many
    processes; `scheduler` ("tcp://host:8786") on an existing one; otherwise in this process.
    `progress(done, total)` is called after each input. Returns the run's summary.

    `parse(name, data)` replaces `parse_bytes` in this process (a time-limited child process, for
    uploads: `upload.parse_isolated`); `on_outcome` is called once per input, in input order, after
    its outcome is committed; `skip_failed=False` parses again a file whose earlier reading failed
    (a person asked for it again: an upload, a retry) instead of skipping it."""
    from django.db.models import Count
    from django.utils import timezone

    from . import quality
    from .ingest import Recorder
    from .quality.pairs import NarrativeOverload
    from .models import Finding, Ingest, Run

    start = time.perf_counter()
    if items is None:
        from .sources import iter_items

        items = iter_items(list(inputs), allow_private=allow_private)
    todo = list(items)
    run_row = Run.objects.create(args=list(inputs), xxgk_version=xxgk_version)
    recorder = Recorder(run_row, matcher, xxgk_version=xxgk_version, skip_failed=skip_failed)
    summary = Summary(run_row.pk)
    jobs = (_load(item, recorder) for item in todo)
    cluster = _Cluster(workers, scheduler, worker_memory) if (workers > 0 or scheduler) else None
    pending: list[tuple[_Job, Entry]] = []
    done = 0

    def flush() -> None:
        nonlocal done
        outcomes = recorder.record_many([entry for _, entry in pending])
        for (job, entry), outcome in zip(pending, outcomes):
            _count(job, outcome, summary)
            if on_outcome is not None:
                on_outcome(ItemOutcome(job.item, outcome.status, outcome.version_id, outcome.report_id,
                                       outcome.error, job.digest, job.size,
                                       entry.parsed.seconds if entry.parsed else 0.0))
        done += len(pending)
        pending.clear()
        if progress is not None:
            progress(done, len(todo))

    try:
        with _frozen():
            stream = _dask(jobs, cluster.client, cluster.workers, len(todo)) if cluster else _serial(jobs, parse)
            last = time.perf_counter()
            for job, parsed in stream:
                if job.skipped:
                    summary.skipped += 1
                    done += 1
                    if on_outcome is not None:
                        if pending:  # keep input order for the caller
                            flush()
                            last = time.perf_counter()
                        on_outcome(ItemOutcome(job.item, "skipped", sha256=job.digest, size=job.size))
                    continue
                pending.append((job, _entry(job, parsed)))
                job.data = None
                if len(pending) >= RECORD_BATCH or time.perf_counter() - last > RECORD_SECONDS:
                    flush()
                    last = time.perf_counter()
            if pending:
                flush()
    finally:
        if cluster is not None:
            cluster.close()
        from .sources import close_archives

        close_archives()
    try:
        summary.quality = quality.refresh()
    except NarrativeOverload as e:  # the reports stay stale; the versions are all recorded
        summary.refresh_error = " ".join(str(e).split())
    rows = (Finding.objects.filter(version__in=Ingest.objects.filter(run=run_row, status="read").values("version"))
            .values("rule").annotate(n=Count("id")))
    summary.findings = {r["rule"]: r["n"] for r in rows.order_by("rule")}
    missing = Finding.objects.filter(version__isnull=True, source="quality").values("rule").annotate(n=Count("id"))
    for r in missing:
        summary.findings[r["rule"]] = summary.findings.get(r["rule"], 0) + r["n"]
    summary.seconds = time.perf_counter() - start
    run_row.finished_at = timezone.now()
    run_row.counts = summary.to_dict()
    run_row.save(update_fields=["finished_at", "counts"])
    _optimize()
    return summary


def _optimize() -> None:
    """SQLite's `PRAGMA optimize` after a run: it refreshes the planner's statistics of the tables
    the run changed. Without them the web app's issues list chose a full scan where an index
    answers (bench store, 101,443 reports: 457 ms → 30 ms a page filtered by level and year).
    PostgreSQL's autovacuum does this by itself."""
    from django.db import connection

    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute("PRAGMA optimize")


def _entry(job: _Job, parsed: Parsed | None) -> Entry:
    item = job.item
    return Entry(item=_name(item), origin=str(getattr(item, "origin", "") or _name(item)), name=_name(item),
                 digest=job.digest, size=job.size, data=job.data, fetched_at=getattr(item, "fetched_at", None),
                 parsed=parsed, error=job.error, duplicate=job.duplicate)


def _count(job: _Job, outcome: Outcome, summary: Summary) -> None:
    if outcome.status == "read":
        summary.read += 1
    elif outcome.status == "duplicate":
        summary.duplicate += 1
    else:
        summary.failed += 1
        summary.failures.append((_name(job.item), outcome.error))


@dataclass
class StoredItem:
    """A source file already in the store, for re-parsing by a newer xxgk."""

    name: str
    origin: str
    sha256: str
    fetched_at: Any = None
    error: str | None = None

    def load(self) -> bytes:
        from .models import Blob

        return bytes(Blob.objects.values_list("data", flat=True).get(sha256=self.sha256))


def stored_items(xxgk_version: str = XXGK_VERSION) -> list[StoredItem]:
    """Every stored source file that this xxgk version has not read yet, in the order first
    stored; each keeps the name, origin and fetch time of its latest version. Re-parsing makes new
    versions beside the old ones (made_by 'reparsed')."""
    from .models import Version

    done = set(Version.objects.filter(xxgk_version=xxgk_version).values_list("sha256", flat=True))
    latest: dict[str, StoredItem] = {}
    order: list[str] = []
    for sha, name, origin, fetched in (Version.objects.exclude(made_by__in=("corrected", "compiled"))
                                       .order_by("pk").values_list("sha256", "name", "origin", "fetched_at")):
        if sha in done:
            continue
        if sha not in latest:
            order.append(sha)
        latest[sha] = StoredItem(name, origin, sha, fetched)
    return [latest[sha] for sha in order]


# In-memory files (a browser upload), each parsed in a time- and memory-limited child process.
from .upload import FileOutcome, ingest_files, parse_isolated  # noqa: E402,F401
