"""Jobs whose worker died: failed with a reason, so that they can be retried.

A job claimed by a worker (`running`) reads its files one by one, each in a child process killed
after `limits.UPLOAD_PARSE_SECONDS`; so a live worker finishes file k + 1 within (k + 1) such
periods of the job's start, plus the recording. A running job older than that bound
(`done + 1` periods + `limits.JOB_STALE_MARGIN_SECONDS`) has no worker left: the consumer was
killed or the machine restarted, and Huey does not redeliver the task. Checked when a job is
looked at (the list, the page, its progress fragment), not by a timer: nothing else needs it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ... import limits
from ...core import audit
from ..models import Job

#: What the job page says of such a job.
STALE_ERROR = "后台任务中断：处理进程已停止（worker stopped），可重试"


def deadline(job: Job) -> Any:
    """When a running job started at `job.started_at` must have finished file `done + 1`."""
    per_file = timedelta(seconds=limits.UPLOAD_PARSE_SECONDS)
    return job.started_at + per_file * (job.done + 1) + timedelta(seconds=limits.JOB_STALE_MARGIN_SECONDS)


def fail_stale(jobs: Any) -> int:
    """Fail the running jobs of `jobs` (a queryset, already scoped) that are past `deadline`.
    Returns how many. Audited as `upload.stale`, with no user: the system decided it."""
    now = timezone.now()
    oldest = now - timedelta(seconds=limits.UPLOAD_PARSE_SECONDS + limits.JOB_STALE_MARGIN_SECONDS)
    failed = 0
    for pk in jobs.filter(status="running", started_at__lt=oldest).values_list("pk", flat=True):
        with transaction.atomic():
            job = Job.objects.select_for_update().get(pk=pk)
            if job.status != "running" or job.started_at is None or deadline(job) > now:
                continue
            job.status, job.error, job.finished_at = "failed", STALE_ERROR, now
            job.save(update_fields=["status", "error", "finished_at"])
            audit.record("upload.stale", target=job, agency_path=job.scope_path, started_at=job.started_at.isoformat(),
                         done=job.done, total=job.total)
            failed += 1
    return failed
