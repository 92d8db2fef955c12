"""Files held in memory (a browser upload) into the store, each parsed in a child process with a
time and memory limit.

    from xxgk.store.batch import ingest_files
    summary, outcomes = ingest_files([("丙县2024.pdf", data), ("县.zip", zipped)], origin="upload://job/7")

The files go through `batch.run`, the path every batch takes: the same skip/duplicate rules, the
same matching, the same recording, one `Run`. A ZIP (named *.zip) is expanded by the store's archive
source (`sources.archive`: path traversal, bombs, nested and encrypted members refused one by one),
from a temporary file that lives only as long as the run.

Why a child process per file: the reader is robust, but a hostile or merely enormous PDF can take
minutes or gigabytes, and a web app's job worker must finish every job. `parse_isolated` forks
(cheap: the worker has everything imported; the bytes are shared copy-on-write), sets an address
space limit in the child, and kills it at the deadline; the file is then recorded as failed with a
one-line reason and the job goes on.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .ingest import Parsed

__all__ = ["ingest_files", "parse_isolated", "preload", "FileOutcome", "PARSE_TIMEOUT", "PARSE_MEMORY"]

#: Seconds one file may be parsed: a born-digital report takes 0.1-1 s, a 20-page scan through OCR
#: ~100 s (5 s a page, see bench/RESULTS.md); three times that, so only a pathological file hits it.
PARSE_TIMEOUT = 300.0
#: Address space of the parsing child: the largest input (100 MiB) with its page images stays under
#: 1 GiB (bench_pdf's 2,000-page case peaks at ~600 MB), but OCR's runtime reserves more address
#: space than it uses: a scanned page reads in 4 GiB, the runtime fails to load in 1 GiB (measured).
PARSE_MEMORY = 4 * 2**30


@dataclass
class FileOutcome:
    """One input's outcome. `source` is the index of the file in the list given; `name` is the file's
    name, or ``archive.zip!dir/member.pdf`` for a ZIP member; `origin` what the version records.
    `status`: read | failed | duplicate | skipped (the same bytes were ingested before, by an earlier
    run: nothing recorded; `version_id` then names that earlier version when there is one)."""

    source: int
    name: str
    origin: str
    status: str
    error: str = ""
    version_id: int | None = None
    report_id: int | None = None
    sha256: str = ""
    size: int | None = None
    seconds: float = 0.0


def parse_isolated(name: str, data: bytes, *, timeout: float | None = PARSE_TIMEOUT,
                   memory: int | None = PARSE_MEMORY) -> Parsed:
    """`ingest.parse_bytes` in a forked child, killed after `timeout` seconds, its address space
    limited to `memory` bytes. Never raises: a timeout, a crash or a signal is a `Parsed` with a
    one-line error, as any unreadable file is.

    A bare `os.fork` rather than multiprocessing: Huey's process workers are daemonic, and
    multiprocessing refuses children to those. The result comes back pickled through a pipe,
    read while the child writes (a large result would otherwise fill the pipe and block it)."""
    preload()
    start = time.perf_counter()
    deadline = None if timeout is None else time.monotonic() + timeout
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(r)
        _child(w, name, data, memory)
    os.close(w)
    chunks: list[bytes] = []
    timed_out = eof = False
    try:
        while True:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([r], [], [], wait)
            if not ready:
                continue
            chunk = os.read(r, 1 << 20)
            if not chunk:
                eof = True
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        if not eof:  # the deadline, or this process interrupted: the child does not outlive it
            _kill(pid)
        _, status = os.waitpid(pid, 0)
    seconds = time.perf_counter() - start
    if timed_out:
        return Parsed(None, f"解析超时（timeout）：超过 {_seconds(timeout)} 秒仍未读完，已中止；文件可能损坏或过于复杂", seconds)
    try:
        result = pickle.loads(b"".join(chunks)) if chunks else None
    except Exception:  # a child killed while writing
        result = None
    if isinstance(result, Parsed):
        return result
    if os.WIFSIGNALED(status):
        why = f"信号 {os.WTERMSIG(status)}"
    else:
        why = f"退出码 {os.waitstatus_to_exitcode(status)}"
    return Parsed(None, f"解析进程异常退出（crashed: {why}），可能是文件损坏或过于复杂", seconds)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # pragma: no cover - it ended just now
        pass


_PRELOADED = False


def preload() -> None:
    """Import the readers and the MinHash permutations once in this process, so that each forked
    child starts with them loaded: a child that imports them itself spends ~2 s of its time limit
    on it (datasketch pulls in scipy: 1.8 s; the PDF reader: 0.8 s), for every file. OCR is left
    out: its runtime starts threads, which a fork must not inherit."""
    global _PRELOADED
    if _PRELOADED:
        return
    import importlib

    for name in ("xxgk.read.pdf", "xxgk.read.docx", "xxgk.read.xlsx", "xxgk.read.html", "xxgk.read.text",
                 "xxgk.store.digest"):
        try:
            importlib.import_module(name)
        except ImportError:  # pragma: no cover - an optional reader's dependency missing
            pass
    from . import similar

    similar._permutations()
    _PRELOADED = True


def _seconds(timeout: float | None) -> str:
    return f"{timeout:g}" if timeout is not None else "∞"


def _child(fd: int, name: str, data: bytes, memory: int | None) -> None:
    """In the child: limit memory, parse, write the pickled result, and leave through os._exit:
    no atexit handler, no finaliser of the parent's objects runs here (the parent's database
    connection is inherited and must not be closed from this side)."""
    code = 0
    try:
        from . import ingest

        if memory:
            import resource

            try:
                _, hard = resource.getrlimit(resource.RLIMIT_AS)
                limit = memory if hard == resource.RLIM_INFINITY else min(memory, hard)
                resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
            except (ValueError, OSError):  # pragma: no cover - a platform without RLIMIT_AS
                pass
        try:
            result = ingest.parse_bytes(name, data)
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:  # parse_bytes catches its own; pickling a huge result may still hit the limit
            payload = pickle.dumps(Parsed(None, "内存不足（out of memory）：文件过大或过于复杂", 0.0))
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:  # noqa: BLE001 - anything here ends the child; the parent reports it
        code = 70
    finally:
        os._exit(code)


def ingest_files(files: Sequence[tuple[str, bytes]], *, origin: str = "upload", user: Any = None,
                 matcher: Any = None, timeout: float | None = PARSE_TIMEOUT, memory: int | None = PARSE_MEMORY,
                 max_bytes: int | None = None, refuse: Callable[[str, bytes], str | None] | None = None,
                 progress: Callable[[int, int], None] | None = None,
                 on_file: Callable[[FileOutcome], None] | None = None) -> tuple[Any, list[FileOutcome]]:
    """Ingest in-memory files (name, bytes) through `batch.run`; ZIPs (by name) member by member.

    `origin`: what the versions record as where they came from, followed by ``/<index>/<name>``
    (unique per file, so a matcher may tell files apart by it); `user`: who uploaded them (kept in
    the run's arguments); `matcher`: the hierarchy matcher (a scoped one for a web upload);
    `timeout`/`memory`: the per-file parse limits (both None: parsed in this process);
    `max_bytes`: the bound on each file and member (default: the store's); `refuse(name, data)`:
    a reason to fail a file without parsing it (a type the caller does not accept), or None;
    `progress(done, total)` and `on_file(outcome)` follow the run. Previously failed files are read
    again (a person asked for them). Returns the run's `Summary` and the outcomes in input order."""
    from . import batch
    from .sources.archive import archive_items, close_archives
    from .sources.item import Item, too_large
    from .sources.limits import FETCH_TIMEOUT, MAX_BYTES
    from .sources.local import Options

    limit = max_bytes or MAX_BYTES
    opts = Options(allow_private=False, max_bytes=limit, fetch_timeout=FETCH_TIMEOUT, recursive=True)
    outcomes: list[FileOutcome] = []
    source_of: dict[int, tuple[int, str]] = {}  # id(item) → (index, origin)

    def parse(name: str, data: bytes) -> Parsed:
        reason = refuse(name, data) if refuse is not None else None
        if reason:
            return Parsed(None, reason, 0.0)
        if timeout is None and memory is None:
            from . import ingest

            return ingest.parse_bytes(name, data)
        return parse_isolated(name, data, timeout=timeout, memory=memory)

    def record(o: Any) -> None:
        index, item_origin = source_of[id(o.item)]
        out = FileOutcome(index, str(o.item.name), item_origin, o.status, o.error, o.version_id, o.report_id,
                          o.sha256, o.size, o.seconds)
        if out.status == "skipped" and out.sha256:
            out.version_id, out.report_id = _earlier(out.sha256)
        outcomes.append(out)
        if on_file is not None:
            on_file(out)

    user_name = getattr(user, "get_username", lambda: user)() if user is not None else ""
    with tempfile.TemporaryDirectory(prefix="xxgk-upload-") as tmp:
        items: list[Any] = []
        for index, (name, data) in enumerate(files):
            base = f"{origin}/{index}/{name}"
            if name.lower().endswith(".zip"):
                path = os.path.join(tmp, f"{index}.zip")
                with open(path, "wb") as f:
                    f.write(data)
                for item in archive_items(path, name, opts):
                    member = item.name[len(name) + 1:] if item.name.startswith(name + "!") else ""
                    item.origin = f"{base}!{member}" if member else base
                    source_of[id(item)] = (index, item.origin)
                    items.append(item)
                continue
            if len(data) > limit:
                item = Item.refused(name, base, too_large(len(data), limit), size=len(data))
            else:
                item = Item(name=name, origin=base, size=len(data), _loader=lambda _i, d=data: d)
            source_of[id(item)] = (index, base)
            items.append(item)
        try:
            summary = batch.run([origin, f"user={user_name}"], items=items, matcher=matcher, progress=progress,
                                parse=parse, on_outcome=record, skip_failed=False)
        finally:
            close_archives()
    return summary, outcomes


def _earlier(sha: str) -> tuple[int | None, int | None]:
    """The latest parsed version of these bytes (a skipped file's reading), or (None, None)."""
    from .models import Version

    row = (Version.objects.filter(sha256=sha, made_by__in=("parsed", "reparsed")).order_by("-pk")
           .values_list("pk", "report_id").first())
    return (row[0], row[1]) if row else (None, None)
