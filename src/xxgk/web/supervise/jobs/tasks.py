"""The background side of uploads: a Huey task reads a job's staged files into the store.

The web request only stores the bytes and enqueues `ingest_job`; a Huey worker runs it, and every
file is parsed in a forked child with a time and memory limit (`xxgk.store.batch.ingest_files`), so
neither the web process nor the worker can be stalled by one hostile PDF.

Matching happens within the uploader's scope (`ScopedMatcher`): a county supervisor's upload is
never filed under another county's agency. When the printed agency matches an agency outside the
scope, the report is left unmatched (seen only by the nodes above, who settle it) and the job says
"outside your scope" without naming the agency.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from huey.contrib.djhuey import db_task, on_startup

from ... import limits
from ..models import Job, JobFile, JobUpload
from .sniff import refusal

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    method: str
    decided_by: str
    outside: bool


class ScopedMatcher:
    """The store's matcher, kept within a subtree (`path`, the uploader's node; "" for all).

    1. The printed name is matched as the store would; a match inside the subtree stands.
    2. A match outside it is not filed: the report stays unmatched (ambiguous, with that one
       candidate, for a person above to settle) and the decision says `outside`.
    3. Nothing or several found: matched again with the node as the parent hint, which picks the
       one candidate inside the subtree (`decided_by="parent_hint"`: shown for confirmation), or
       keeps the report unmatched with its candidates.
    Decisions are kept by origin (unique per file of an upload) for the job to show."""

    def __init__(self, base: Any, path: str, node_code: str | None) -> None:
        self.base = base
        self.path = path
        self.node_code = node_code
        self.decisions: dict[str | None, Decision] = {}

    def _inside(self, code: str | None) -> bool:
        i = self.base.by_code.get(code) if code is not None else None
        return i is not None and self.base.nodes[i].path.startswith(self.path)

    def match(self, printed: str | None, *, origin: str | None = None) -> Any:
        from xxgk.store.matching import Match

        m = self.base.match(printed, origin=origin)
        if not self.path:
            self.decisions[origin] = Decision(m.method, m.decided_by or "", False)
            return m
        if m.matched:
            if self._inside(m.code):
                self.decisions[origin] = Decision(m.method, m.decided_by or "", False)
                return m
            self.decisions[origin] = Decision("ambiguous", "", True)
            return Match(None, "ambiguous", list(m.candidates), printed=m.printed, via=m.via, total=m.total)
        if self.node_code is not None and m.printed:
            hinted = self.base.match(printed, origin=origin, parent_hint=self.node_code)
            if hinted.matched:
                self.decisions[origin] = Decision(hinted.method, hinted.decided_by or "", False)
                return hinted
        self.decisions[origin] = Decision(m.method, "", False)
        return m


@db_task()
def ingest_job(job_id: int) -> None:
    """Huey: read job `job_id`'s staged files (on retry: those whose reading failed)."""
    run_job(job_id)


@on_startup()
def warm_up() -> None:
    """Each Huey worker imports the readers once at start, so the first upload's files do not
    spend ~2 s of their time limit on imports in their forked children."""
    from xxgk.store.upload import preload

    preload()


@db_task()
def refresh_quality() -> None:
    """Huey: recompute the store's signals of stale reports (after a report was settled)."""
    from xxgk.store import quality

    quality.refresh()


def enqueue(job: Job) -> None:
    """Queue the job; a queue that cannot be reached fails the job with a reason instead of
    leaving it queued for ever."""
    try:
        ingest_job(job.pk)
    except Exception as e:  # Redis down, the SQLite queue file unwritable
        Job.objects.filter(pk=job.pk, status="queued").update(
            status="failed", error=_line(f"无法加入任务队列（queue unavailable）：{type(e).__name__}: {e}"))


def run_job(job_id: int) -> None:
    """Claim the job (queued → running: two workers never run one job), ingest, record outcomes."""
    now = timezone.now()
    crashed = Job.objects.filter(pk=job_id).exclude(error="").exists()  # an earlier attempt died midway
    if not Job.objects.filter(pk=job_id, status="queued").update(status="running", started_at=now, finished_at=None,
                                                                 done=0, error="", attempts=F("attempts") + 1):
        return
    job = Job.objects.select_related("scope_agency").get(pk=job_id)
    try:
        _ingest(job, everything=crashed)
    except Exception as e:  # the job fails with a reason; its files stay as they were
        log.exception("upload job %s failed", job_id)
        Job.objects.filter(pk=job_id).update(status="failed", finished_at=timezone.now(),
                                             error=_line(f"{type(e).__name__}: {e}"))
        return
    _finish(job_id)


def _ingest(job: Job, *, everything: bool) -> None:
    """Feed the job's staged files to the store: all of them the first time (and after an attempt
    that died midway: `everything`); on retry, the uploads holding a file whose reading failed (a ZIP
    whole: its members already read are skipped by the store and left as they were here)."""
    from xxgk.store.batch import ingest_files
    from xxgk.store.matching import Matcher
    from xxgk.store.models import Agency, Report

    uploads = list(JobUpload.objects.filter(job=job).exclude(data=None).order_by("index"))
    queued: dict[int, dict[str, list[JobFile]]] = {}
    known: dict[int, set[str]] = {}
    for f in JobFile.objects.filter(job=job):
        known.setdefault(f.upload_id, set()).add(f.name)
        if f.status == "queued":
            queued.setdefault(f.upload_id, {}).setdefault(f.name, []).append(f)
    feed = [u for u in uploads if everything or u.pk not in known or u.pk in queued]
    if not feed:
        return
    files = [(u.name, bytes(u.data)) for u in feed]
    for u, (_, data) in zip(feed, files):
        if hashlib.sha256(data).hexdigest() != u.sha256:
            raise RuntimeError(f"staged file {u.index} differs from what was uploaded")
    matcher = ScopedMatcher(Matcher.from_db(), job.scope_path, job.scope_agency.code if job.scope_agency else None)
    paths = _Paths(Agency)
    touched: list[int] = []

    def on_file(o: Any) -> None:
        upload = feed[o.source]
        name = o.name[:1000]
        waiting = queued.get(upload.pk, {}).get(name)
        if waiting:
            f = waiting.pop(0)
        elif name in known.get(upload.pk, ()):
            return  # read by an earlier attempt, skipped by the store now
        else:
            f = JobFile(job=job, upload=upload, name=name)
        _fill(f, o, matcher.decisions.get(o.origin), job.scope_path, paths, Report)
        f.save()
        touched.append(f.pk)
        Job.objects.filter(pk=job.pk).update(done=F("done") + 1)

    def progress(done: int, total: int) -> None:
        Job.objects.filter(pk=job.pk).update(total=total)

    summary, _ = ingest_files(files, origin=_origin(job), user=job.username, matcher=matcher,
                              timeout=limits.UPLOAD_PARSE_SECONDS, memory=limits.UPLOAD_PARSE_MEMORY_BYTES,
                              max_bytes=limits.UPLOAD_MAX_FILE_BYTES, refuse=refusal, progress=progress,
                              on_file=on_file)
    JobFile.objects.filter(pk__in=touched).update(run_id=summary.run_id)
    Job.objects.filter(pk=job.pk).update(run_id=summary.run_id, runs=[*job.runs, summary.run_id])


class _Paths(dict):  # type: ignore[type-arg]
    """Agency id → path, fetched when first asked (a job touches a few agencies of 100,000)."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def __missing__(self, pk: int) -> str:
        self[pk] = self.model.objects.filter(pk=pk).values_list("path", flat=True).first() or ""
        return self[pk]


def _fill(f: JobFile, o: Any, decision: Decision | None, scope_path: str, paths: _Paths, Report: Any) -> None:
    """A JobFile from the store's outcome: status, version and report, and the agency as the
    uploader may see it (an earlier copy filed outside their scope is `outside_scope`, unnamed)."""
    f.size, f.sha256, f.seconds = o.size, o.sha256, o.seconds
    f.version_id, f.report_id, f.error = o.version_id, o.report_id, o.error
    f.status = {"read": "read", "failed": "failed"}.get(o.status, "duplicate")
    if o.status == "skipped":
        f.error = "此文件内容此前已入库（already in the store），未重复读入"
    elif o.status == "duplicate":
        f.error = "与已入库的文件内容相同（duplicate），未重复读入"
    row = None
    if o.report_id is not None:
        row = Report.objects.filter(pk=o.report_id).values_list("agency_id", "year", "printed_agency", "match").first()
    agency_id, year, printed, method = row if row else (None, None, "", "")
    f.year, f.printed_agency = year, (printed or "")[:300]
    f.agency_id, f.outside_scope = None, False
    f.match, f.decided_by = method or "", ""
    if decision is not None and o.status == "read":
        f.match, f.decided_by, f.outside_scope = decision.method, decision.decided_by, decision.outside
    if agency_id is not None:
        if paths[agency_id].startswith(scope_path):
            f.agency_id = agency_id
        else:
            f.outside_scope = True


def _origin(job: Job) -> str:
    return f"upload://job/{job.pk}"


def _finish(job_id: int) -> None:
    """Finished when every file was read (or was already in the store); failed when any was not.
    Staged bytes are dropped for uploads with nothing left to retry."""
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job_id)
        files = JobFile.objects.filter(job=job)
        failed = files.filter(status__in=("failed", "queued")).exists()
        job.status = "failed" if failed or not files.exists() else "finished"
        if not files.exists() and not job.error:
            job.error = "上传中没有可读入的文件（no files）"
        job.done = job.total = files.count()
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "done", "total", "finished_at", "error"])
        keep = set(files.filter(status__in=("failed", "queued")).values_list("upload_id", flat=True))
        keep |= set(JobUpload.objects.filter(job=job, files__isnull=True).values_list("pk", flat=True))
        JobUpload.objects.filter(job=job).exclude(pk__in=keep).update(data=None)


def _line(text: str) -> str:
    return " ".join(str(text).split())[:500]
