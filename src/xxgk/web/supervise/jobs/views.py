"""The job centre: a scope's upload jobs, each job's progress and files, retry, and confirming or
settling the agency each file was matched to.

What a viewer sees of a file is decided here, against the viewer's scope, not the uploader's: the
matched agency and the link to the report only when that agency lies in the viewer's scope; a file
matched outside it shows "outside your scope" and nothing of the agency. Settling is allowed only
where it cannot move what the viewer may not see (`settle_refusal`).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from xxgk.store.models import MATCH_METHODS

from ... import limits
from ...core import audit
from ...core.scope import Scope, scoped
from ..models import Job, JobFile
from .stale import fail_stale
from .tasks import enqueue, refresh_quality

#: Agencies offered in the settle form's list (a county has ~100; above that, type the code).
AGENCY_CHOICES = 500
#: The store's labels of its match methods (名称一致, 别名, …).
MATCH_LABELS = dict(MATCH_METHODS)
#: URL names of the report page (another part of the app), tried in order.
REPORT_URL_NAMES = ("report",)


# -- scope ---------------------------------------------------------------------------------------


def jobs_of(scope: Scope) -> QuerySet[Job]:
    """Jobs uploaded at the scope's node or below: the job centre's one queryset."""
    qs = Job.objects.all()
    return qs if scope.everything else qs.filter(scope_path__startswith=scope.path)


def job_of(scope: Scope, pk: Any) -> Job:
    try:
        return jobs_of(scope).select_related("scope_agency").get(pk=pk)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def file_of(scope: Scope, pk: Any) -> JobFile:
    try:
        return (JobFile.objects.filter(job__in=jobs_of(scope))
                .select_related("job", "agency", "report", "report__agency").get(pk=pk))
    except (JobFile.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def report_url(report_id: int) -> str | None:
    for name in REPORT_URL_NAMES:
        try:
            return reverse(name, args=[report_id])
        except NoReverseMatch:
            continue
    return None


# -- pages ---------------------------------------------------------------------------------------

STATUS_FILTERS = {
    "running": Q(status__in=("queued", "running")),
    "failed": Q(status="failed"),
    "finished": Q(status="finished"),
}


@scoped
def job_list(request: HttpRequest) -> HttpResponse:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    jobs = jobs_of(scope)
    fail_stale(jobs)
    counts = {k: jobs.filter(q).count() for k, q in STATUS_FILTERS.items()}
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        jobs = jobs.filter(STATUS_FILTERS[status])
    jobs = jobs.select_related("scope_agency").annotate(
        n_files=Count("files"), n_failed=Count("files", filter=Q(files__status="failed")),
    ).order_by("-created_at", "-id")
    page = Paginator(jobs, limits.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervise/jobs/list.html", {"page": page, "status": status, "counts": counts})


def _files(request: HttpRequest, job: Job) -> Any:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    files = JobFile.objects.filter(job=job).select_related("agency", "report", "report__agency").order_by("id")
    page = Paginator(files, limits.PAGE_SIZE).get_page(request.GET.get("page"))
    codes = {c.get("code") for f in page for c in ((f.report.candidates if f.report else None) or [])}
    visible = {a.code: a for a in scope.agencies().filter(code__in=[c for c in codes if c])}
    return page, [_row(scope, f, visible) for f in page]


def _row(scope: Scope, f: JobFile, visible: dict[str, Any]) -> dict[str, Any]:
    """What the viewer may see of one file, and what they may do with it."""
    report = f.report
    filed = report is not None and report.agency_id is not None
    shown = filed and scope.contains_path(report.agency.path)  # type: ignore[union-attr]
    agency = report.agency if shown else None  # type: ignore[union-attr]
    listed = (report.candidates if report is not None and not filed else None) or []
    candidates = [visible[c["code"]] for c in listed if c.get("code") in visible]
    can_write = scope.can_write and f.status in ("read", "duplicate")
    return {
        "file": f,
        "agency": agency,
        #: Filed under an agency the viewer does not see (an earlier copy, a settlement above).
        "hidden": filed and not shown,
        #: Matched outside the uploader's scope and left unmatched for a user above.
        "outside": f.outside_scope and not filed,
        "report_url": report_url(report.pk) if shown else None,  # type: ignore[union-attr]
        "candidates": candidates,
        "method": MATCH_LABELS.get(f.match, f.match),
        "can_confirm": can_write and shown and not f.confirmed_at,
        "can_settle": can_write and settle_refusal(scope, f) is None,
    }


def _context(request: HttpRequest, job: Job, errors: list[str] | None = None) -> dict[str, Any]:
    scope: Scope = request.scope  # type: ignore[attr-defined]
    page, rows = _files(request, job)
    choices = list(scope.agencies().order_by("path").values("code", "name")[:AGENCY_CHOICES]) if scope.can_write else []
    return {"job": job, "page": page, "rows": rows, "uploads": job.uploads.all().defer("data"), "errors": errors or [],
            "agency_choices": choices, "can_retry": scope.can_write and job.status == "failed"}


@scoped
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_of(request.scope, pk)  # type: ignore[attr-defined]
    if fail_stale(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return render(request, "supervise/jobs/detail.html", _context(request, job))


@scoped
def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the job's progress and files, polled every second while the job runs."""
    job = job_of(request.scope, pk)  # type: ignore[attr-defined]
    if fail_stale(Job.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return render(request, "supervise/jobs/_body.html", _context(request, job))


def _back(request: HttpRequest, job: Job, error: str = "") -> HttpResponse:
    """After a POST: the job's body for htmx, else back to the job page (a message for an error)."""
    if request.headers.get("HX-Request"):
        job.refresh_from_db()
        return render(request, "supervise/jobs/_body.html", _context(request, job, [error] if error else None))
    if error:
        from django.contrib import messages

        messages.error(request, error)
    return redirect("job", pk=job.pk)


@scoped(write=True)
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-enqueue a failed job's failed files (a job that died midway: all its files)."""
    if request.method != "POST":
        return redirect("job", pk=pk)
    scope: Scope = request.scope  # type: ignore[attr-defined]
    with transaction.atomic():
        job = job_of(scope, pk)
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.status != "failed":
            return _back(request, job)
        names = list(JobFile.objects.filter(job=job, status="failed").values_list("name", flat=True))
        JobFile.objects.filter(job=job, status="failed").update(status="queued", error="")
        job.status, job.finished_at = "queued", None
        job.save(update_fields=["status", "finished_at"])
        audit.record("upload.retry", request=request, target=job, agency_path=job.scope_path, files=names,
                     error=job.error)
    enqueue(job)
    return _back(request, job)


@scoped(write=True)
def file_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The viewer confirms the agency a file was matched to (within their scope)."""
    if request.method != "POST":
        raise Http404
    scope: Scope = request.scope  # type: ignore[attr-defined]
    f = file_of(scope, pk)
    row = _row(scope, f, {})
    if not row["can_confirm"]:
        raise Http404
    with transaction.atomic():
        f.confirmed_by, f.confirmed_at = scope.username, timezone.now()
        f.save(update_fields=["confirmed_by", "confirmed_at"])
        audit.record("upload.confirm", request=request, target=f.report, agency_path=f.agency.path,
                     job=f.job_id, file=f.name, agency=f.agency.code, year=f.year, method=f.match)
    return _back(request, f.job)


def settle_refusal(scope: Scope, f: JobFile) -> str | None:
    """Why the viewer may not settle this file's report, or None.

    A matched report may be moved only by a viewer who sees its agency. An unmatched one (ambiguous,
    none, or matched outside the uploader's scope) only when every version it holds came from a job
    within the viewer's scope (an unmatched report is keyed by its printed name: another county's
    upload may sit in it), and, for one matched outside the uploader's scope, when the agency it
    matched lies in the viewer's scope: the uploader cannot claim it, a user above can."""
    from xxgk.store.models import Version

    report = f.report
    if report is None:
        return _("This file made no report.")
    if report.agency_id is not None:
        return None if scope.contains_path(report.agency.path) else _("Outside your scope.")
    if not scope.everything:
        # Versions read by jobs within the scope ("read": a duplicate of another's file does not count).
        mine = JobFile.objects.filter(job__in=jobs_of(scope), status="read", version__isnull=False).values("version_id")
        if Version.objects.filter(report=report).exclude(pk__in=mine).exists():
            return _("This report also holds files uploaded outside your scope: a user above settles it.")
        if f.outside_scope:
            codes = [c.get("code") for c in report.candidates or []]
            if not scope.agencies().filter(code__in=codes).exists():
                return _("Matched outside your scope: a user above settles it.")
    return None


@scoped(write=True)
def file_settle(request: HttpRequest, pk: int) -> HttpResponse:
    """The viewer files a file's report under an agency of their scope (`agencies.settle`)."""
    from xxgk.store.agencies import settle

    if request.method != "POST":
        raise Http404
    scope: Scope = request.scope  # type: ignore[attr-defined]
    f = file_of(scope, pk)
    why = settle_refusal(scope, f)
    if why is not None:
        raise Http404
    words = (request.POST.get("agency") or "").split()
    code = words[0][:64] if words else ""
    target = scope.agencies().filter(code=code).first() if code else None
    if target is None:  # one message for "no such code" and "not yours": nothing learnt of the rest
        return _back(request, f.job, _("No such agency in your scope: %(code)s") % {"code": code})
    src = f.report
    with transaction.atomic():
        printed, before = src.printed_agency, (src.agency.code if src.agency_id else "")
        linked = list(JobFile.objects.filter(report=src).values_list("pk", flat=True))
        result = settle(src, target, user=request.user)
        for other in JobFile.objects.filter(pk__in=linked):
            other.report = result
            other.agency = target
            other.match, other.outside_scope = "manual", False
            if other.version_id is None and other.sha256:
                other.version = result.versions.filter(sha256=other.sha256).order_by("-pk").first()
            other.confirmed_by, other.confirmed_at = scope.username, timezone.now()
            other.save(update_fields=["report", "agency", "match", "outside_scope", "version", "confirmed_by",
                                      "confirmed_at"])
        audit.record("report.settle", request=request, target=result, agency_path=target.path, job=f.job_id,
                     file=f.name, printed=printed, before=before, agency=target.code, year=result.year)
    refresh_quality()
    return _back(request, f.job)
