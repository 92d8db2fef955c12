"""Upload jobs: what a person uploaded, and what the store made of each file.

A `Job` is one upload (one request: a file, many files, ZIPs). Its `JobUpload`s are the files as
received, with their bytes staged here until the job has read them (the web request never parses:
a Huey worker does, in a time-limited child process). Its `JobFile`s are what was ingested, one per
file or ZIP member, each with its outcome, its version and report, and the agency it was matched to
as the uploader may see it (never an agency outside their scope: `outside_scope` says so instead).

A job belongs to the node of whoever uploaded it (`scope_path`): it is seen by that node and the
nodes above, like everything else (see core/scope.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

JOB_STATUS = [
    ("queued", "排队中"),
    ("running", "进行中"),
    ("finished", "已完成"),
    ("failed", "有失败"),
]

FILE_STATUS = [
    ("queued", "排队中"),
    ("read", "已读入"),
    ("failed", "失败"),
    ("duplicate", "重复"),
]


class Job(models.Model):
    """One upload and its ingestion in the background."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    username = models.CharField(max_length=150, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    #: The uploader's node (null: the whole store) and its path ("" for the whole store): who may
    #: see the job (that node and above), and the scope its reports are matched within.
    scope_agency = models.ForeignKey("store.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scope_path = models.CharField(max_length=1000, blank=True, default="", db_index=True)
    status = models.CharField(max_length=16, choices=JOB_STATUS, default="queued", db_index=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    #: Why the job itself failed (not a file: the worker's exception), one line.
    error = models.TextField(blank=True, default="")
    #: The store's run of the latest attempt, and every attempt's run id.
    run = models.ForeignKey("store.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    runs = models.JSONField(default=list, blank=True)
    attempts = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if not self.active else 0)


class JobUpload(models.Model):
    """A file as received: name, size, hash, and its bytes until every file in it has been read."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="uploads")
    index = models.PositiveIntegerField()
    name = models.CharField(max_length=500)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    #: What the type sniffing found (pdf, office, html, text, image, zip).
    kind = models.CharField(max_length=16)
    #: The staged bytes; emptied once nothing in the file is left to retry.
    data = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["job_id", "index"]
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="jobupload_index")]


class JobFile(models.Model):
    """One file or ZIP member of a job, and what the store made of it."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="files")
    upload = models.ForeignKey(JobUpload, on_delete=models.CASCADE, related_name="files")
    #: The name shown: the file's, or ``archive.zip!dir/member.pdf``.
    name = models.CharField(max_length=1000)
    size = models.BigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, default="")
    status = models.CharField(max_length=16, choices=FILE_STATUS, default="queued")
    error = models.TextField(blank=True, default="")
    version = models.ForeignKey("store.Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    report = models.ForeignKey("store.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    run = models.ForeignKey("store.Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seconds = models.FloatField(default=0.0)
    #: The agency and year as printed and as matched (within the uploader's scope only).
    printed_agency = models.CharField(max_length=300, blank=True, default="")
    year = models.IntegerField(null=True, blank=True)
    agency = models.ForeignKey("store.Agency", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The store matcher's method (exact/alias/normalised/ambiguous/none; manual once settled).
    match = models.CharField(max_length=16, blank=True, default="")
    #: "parent_hint" when the uploader's scope chose among candidates, "origin" when the file name did.
    decided_by = models.CharField(max_length=16, blank=True, default="")
    #: Candidates within the uploader's scope, for a person to choose from: [{"code", "name", "method"}].
    candidates = models.JSONField(default=list, blank=True)
    #: The printed agency matched an agency outside the uploader's scope: the report was left
    #: unmatched (seen only by the nodes above, who settle it), and is not shown to the uploader.
    outside_scope = models.BooleanField(default=False)
    confirmed_by = models.CharField(max_length=150, blank=True, default="")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job_id", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.status})"

    @property
    def matched(self) -> bool:
        return self.agency_id is not None
