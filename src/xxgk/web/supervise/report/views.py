"""The report page: the report in the official layout, its findings by table, and a side panel
showing where a finding's (or a cell's) numbers were read.

The panel is an htmx fragment (`report-finding`, `report-cell`); the same links work without
JavaScript as plain links back to the page with `?finding=` or `?cell=`, which renders the panel
in place. The highlight of a finding's cells in the grid is done by `static/xxgk/report.js` (from
the panel's `data-highlight`) and, without JavaScript, by the server (class `hl`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from xxgk.report import keys as K
from xxgk.web.core.scope import scoped

from . import layout, source
from .load import contract, report_and_version, version_of


def _findings(request: HttpRequest, version: Any) -> list[Any]:
    return list(request.scope.findings().filter(version=version).order_by("id"))  # type: ignore[attr-defined]


def _can_correct(request: HttpRequest, report: Any, version: Any) -> bool:
    return bool(request.scope.can_write and report.active_id == version.pk)  # type: ignore[attr-defined]


def finding_panel(request: HttpRequest, version: Any, report: Any, finding: Any) -> dict[str, Any]:
    keys = layout.valid_keys(finding.cells or [])
    return {"mode": "finding", "finding": finding, "keys": keys,
            "cells": [layout.cell_info(report, k) for k in keys],
            "source": source.view(version, report, keys)}


def cell_panel(request: HttpRequest, version: Any, report: Any, key: str, findings: list[Any]) -> dict[str, Any]:
    return {"mode": "cell", "keys": [key], "cell": layout.cell_info(report, key),
            "findings": [f for f in findings if key in (f.cells or [])],
            "source": source.view(version, report, [key])}


@scoped
def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    """`/reports/<pk>/` (`?version=`, `?finding=`, `?cell=`, `?section=`)."""
    rep, version = report_and_version(request, pk, request.GET.get("version"))
    r = contract(version)
    findings = _findings(request, version)
    panel = None
    finding_pk = request.GET.get("finding")
    key = request.GET.get("cell")
    if finding_pk:
        finding = next((f for f in findings if str(f.pk) == finding_pk), None)
        if finding is None:
            raise Http404("no such finding on this version")
        panel = finding_panel(request, version, r, finding)
    elif key:
        if not layout.valid_keys([key]):
            raise Http404("no such cell")
        panel = cell_panel(request, version, r, key, findings)
    section = request.GET.get("section")
    if section and section not in K.SECTION_KEYS:
        raise Http404("no such section")
    versions = list(request.scope.versions().filter(report=rep)  # type: ignore[attr-defined]
                    .order_by("-number").values("pk", "number", "made_by", "author", "created_at", "errors", "warnings"))
    ctx = {
        "report": rep, "version": version, "versions": versions, "r": r,
        "doc": layout.document(r, layout.statuses(findings), panel["keys"] if panel else (),
                               cell_url=reverse("report-cell", args=[version.pk, layout.PLACEHOLDER]),
                               page_url=f"?version={version.pk}&amp;"),
        "groups": layout.grouped(findings),
        "errors": sum(1 for f in findings if f.severity == "error"),
        "warnings": sum(1 for f in findings if f.severity == "warning"),
        "panel": panel, "is_active": rep.active_id == version.pk,
        "can_correct": _can_correct(request, rep, version), "edit_section": section,
        "formats": ("docx", "pdf", "xlsx"),
    }
    return render(request, "supervise/report/page.html", ctx)


@scoped
def finding_source(request: HttpRequest, pk: int) -> HttpResponse:
    """`/findings/<pk>/source/`: the side panel for one finding of a version (htmx fragment)."""
    finding = request.scope.finding(pk)  # type: ignore[attr-defined]
    if finding.version_id is None:
        raise Http404("a finding without a version has no source")
    version = version_of(request, finding.version_id)
    rep = version.report
    r = contract(version)
    ctx = {"version": version, "report": rep, "panel": finding_panel(request, version, r, finding),
           "can_correct": _can_correct(request, rep, version)}
    return render(request, "supervise/report/_panel.html", ctx)


@scoped
def cell_source(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """`/versions/<pk>/cells/<key>/`: the side panel for one cell: its source and, for a supervisor
    on the active version, the correction form (htmx fragment)."""
    if not layout.valid_keys([key]):
        raise Http404("no such cell")
    version = version_of(request, pk)
    rep = version.report
    r = contract(version)
    ctx = {"version": version, "report": rep, "panel": cell_panel(request, version, r, key, _findings(request, version)),
           "can_correct": _can_correct(request, rep, version)}
    return render(request, "supervise/report/_panel.html", ctx)
