"""Loading a report's version, its contract object and its source bytes, always through the
user's scope (`request.scope`): a version of another county is a 404 here, before any view
reads a byte of it."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest


def version_of(request: HttpRequest, pk: Any) -> Any:
    """The version `pk` if the user's scope holds it (404 otherwise)."""
    return request.scope.version(pk)  # type: ignore[attr-defined]


def report_and_version(request: HttpRequest, pk: Any, version_pk: Any = None) -> tuple[Any, Any]:
    """The report `pk` in the user's scope and the version shown: `version_pk` when given (it must
    be one of this report's), else the active one, else the latest. 404 when there is none."""
    scope = request.scope  # type: ignore[attr-defined]
    report = scope.report(pk)
    versions = scope.versions().filter(report=report)
    if version_pk not in (None, ""):
        try:
            return report, versions.get(pk=int(version_pk))
        except (ValueError, TypeError, versions.model.DoesNotExist):
            raise Http404("no such version") from None
    if report.active_id is not None:
        version = versions.filter(pk=report.active_id).first()
        if version is not None:
            return report, version
    version = versions.order_by("-number").first()
    if version is None:
        raise Http404("report without versions")
    return report, version


def contract(version: Any) -> Any:
    """The version's `xxgk.Report` (the contract object read back; the checks re-run on it)."""
    from xxgk.report.model import Report

    from xxgk.errors import InvalidReport

    try:
        return Report.from_dict(dict(version.data))
    except InvalidReport as e:  # a stored object the model refuses: nothing to draw
        raise Http404(f"unreadable version: {e}") from None


def blob_bytes(version: Any) -> bytes:
    """The source file's bytes as uploaded (404 when the version has none)."""
    from xxgk.store.models import Blob

    data = Blob.objects.filter(pk=version.blob_id).values_list("data", flat=True).first() if version.blob_id else None
    if data is None:
        raise Http404("no source file")
    return bytes(data)
