"""The upload page: files (or ZIPs of them) from the browser into a background job.

The request only checks and stores: the size and number of files are enforced while the body is
read (`LimitHandler` stops reading at the first file over the limit; a request declaring more than
the limit is refused before a byte is read), each file's type is sniffed from its first bytes, and
the accepted bytes are staged in the job's rows. Parsing happens in the Huey worker (tasks.py). A
refused upload stores nothing.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from ... import limits
from ...core import audit
from ...core.scope import scoped
from ..models import Job, JobUpload
from .sniff import Refused, kind_of
from .tasks import enqueue

#: Longest file name kept (the extension is kept whole: it decides whether a ZIP is expanded).
MAX_NAME = 200


class LimitHandler(FileUploadHandler):
    """First of the request's upload handlers: stops reading the body as soon as a file is over
    UPLOAD_MAX_FILE_BYTES or the files over UPLOAD_MAX_FILES, and says why in `refused`."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.count = 0
        self.refused = ""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.count += 1
        if self.count > limits.UPLOAD_MAX_FILES:
            self.refused = too_many(limits.UPLOAD_MAX_FILES)
            raise StopUpload(connection_reset=True)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > limits.UPLOAD_MAX_FILE_BYTES:
            self.refused = _("%(name)s is too large: a file may have at most %(size)s.") % {
                "name": self.file_name, "size": filesizeformat(limits.UPLOAD_MAX_FILE_BYTES)}
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_many(n: int) -> str:
    return _("Too many files: at most %(n)s in one upload; put them in a ZIP or upload them in parts.") % {"n": n}


def _name(raw: str) -> str:
    name = os.path.basename((raw or "").replace("\\", "/")).strip() or "file"
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: MAX_NAME - len(ext)] + ext
    return name


def _page(request: HttpRequest, errors: list[str] | None = None, status: int = 200) -> HttpResponse:
    return render(request, "supervise/jobs/upload.html", {
        "errors": errors or [],
        "max_file": limits.UPLOAD_MAX_FILE_BYTES,
        "max_request": limits.UPLOAD_MAX_REQUEST_BYTES,
        "max_files": limits.UPLOAD_MAX_FILES,
    }, status=status)


@scoped
@csrf_exempt  # checked by csrf_protect below, once LimitHandler is in place (Django's documented pattern)
def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limits.UPLOAD_MAX_REQUEST_BYTES:
        return _page(request, [_("The upload is too large: at most %(size)s at once.")
                               % {"size": filesizeformat(limits.UPLOAD_MAX_REQUEST_BYTES)}], status=413)
    handler = LimitHandler(request)
    request.upload_handlers.insert(0, handler)
    try:
        request.POST  # noqa: B018  (parsed here, bounded by LimitHandler; the CSRF check reads it next)
    except TooManyFilesSent:  # Django's own bound (DATA_UPLOAD_MAX_NUMBER_FILES), met before ours
        handler.refused = handler.refused or too_many(settings.DATA_UPLOAD_MAX_NUMBER_FILES)
    except (RequestDataTooBig, TooManyFieldsSent):
        handler.refused = handler.refused or _("The form is too large.")
    if handler.refused:  # nothing was stored, so nothing for a forged request to gain: no CSRF check needed
        return _page(request, [handler.refused], status=413)
    return _receive(request)


@csrf_protect
def _receive(request: HttpRequest) -> HttpResponse:
    uploaded = request.FILES.getlist("files")
    if not uploaded:
        return _page(request, [_("Choose at least one file.")], status=400)
    accepted: list[tuple[str, bytes, str]] = []
    errors: list[str] = []
    total = 0
    for f in uploaded:
        name = _name(f.name)
        data = f.read()
        total += len(data)
        if len(data) > limits.UPLOAD_MAX_FILE_BYTES:
            errors.append(_("%(name)s is too large: a file may have at most %(size)s.")
                          % {"name": name, "size": filesizeformat(limits.UPLOAD_MAX_FILE_BYTES)})
            continue
        try:
            accepted.append((name, data, kind_of(name, data)))
        except Refused as e:
            errors.append(f"{name}：{e}")
    if total > limits.UPLOAD_MAX_REQUEST_BYTES:
        errors.insert(0, _("The upload is too large: at most %(size)s at once.")
                      % {"size": filesizeformat(limits.UPLOAD_MAX_REQUEST_BYTES)})
    if errors:
        return _page(request, [*errors, _("Nothing was stored: remove these files and upload again.")], status=400)
    scope = request.scope  # type: ignore[attr-defined]
    with transaction.atomic():
        job = Job.objects.create(user=request.user, username=scope.username, scope_agency_id=scope.agency_id,
                                 scope_path=scope.path, total=len(accepted))
        rows = [JobUpload(job=job, index=i, name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                          kind=kind, data=data) for i, (name, data, kind) in enumerate(accepted)]
        JobUpload.objects.bulk_create(rows)
        audit.record("upload", request=request, target=job, agency_path=scope.path,
                     files=[{"name": r.name, "size": r.size, "sha256": r.sha256, "kind": r.kind} for r in rows])
    enqueue(job)  # after the commit: the worker must find the job (immediate mode runs it here)
    return redirect("job", pk=job.pk)
