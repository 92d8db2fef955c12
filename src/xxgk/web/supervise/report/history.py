"""Corrections with a trail, as pages: the correction form, the version history, the diff of two
versions and "make active". The store does the work (`xxgk.store.corrections`); each view only
checks the scope and the role, and writes the change and its audit event in one transaction.

The store's quality signals are recomputed after the commit (`quality.refresh`): if that fails,
the report stays marked stale and the next batch or refresh finishes the work, while the
correction itself and its audit event are already safe.
"""

from __future__ import annotations

import logging
from typing import Any

from django import forms
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from xxgk.report import keys as K
from xxgk.store import corrections
from xxgk.web.core import audit
from xxgk.web.core.scope import scoped

from . import layout
from .load import contract, report_and_version, version_of

log = logging.getLogger(__name__)


class CorrectionForm(forms.Form):
    """One cell's raw text or one section's text, and why."""

    base = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(choices=[("cell", "cell"), ("section", "section")], widget=forms.HiddenInput)
    key = forms.CharField(max_length=64, widget=forms.HiddenInput)
    value = forms.CharField(label=_("Corrected text"), required=False, max_length=corrections.MAX_SECTION,
                            widget=forms.Textarea(attrs={"rows": 2}), strip=False)
    note = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        kind = self.data.get("kind")
        if (kind == "cell" and not layout.valid_keys([key])) or (kind == "section" and key not in K.SECTION_KEYS):
            raise forms.ValidationError(_("Unknown cell or section."))
        return key


def _refresh(report_pk: int) -> None:
    from xxgk.store import quality

    try:
        quality.refresh([report_pk])
    except Exception:  # the report stays stale: the next refresh does it
        log.exception("quality refresh after a correction failed for report %s", report_pk)


def _form_context(report: Any, version: Any, form: CorrectionForm, kind: str, key: str) -> dict[str, Any]:
    r = contract(version)
    target = layout.cell_info(r, key) if kind == "cell" else {"key": key, "label": K.SECTION_TITLES.get(key, key)}
    return {"report": report, "version": version, "form": form, "kind": kind, "key": key, "target": target}


@scoped(write=True)
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    """`/reports/<pk>/correct/`: GET the form (`?cell=` or `?section=`), POST a correction of the
    active version. A stale form (the report got another version meanwhile) is refused, not merged."""
    report, version = report_and_version(request, pk)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        kind, key = request.POST.get("kind", ""), request.POST.get("key", "")
        if form.is_valid():
            kind, key = form.cleaned_data["kind"], form.cleaned_data["key"]
            if form.cleaned_data["base"] != report.active_id:
                form.add_error(None, _("The report has a newer version since this form was opened; reload it and correct again."))
            else:
                try:
                    with transaction.atomic():
                        base = version_of(request, form.cleaned_data["base"])
                        old = contract(base)
                        before = old.cells[key].raw if kind == "cell" and key in old.cells else old.sections.get(key, "")
                        value = form.cleaned_data["value"]
                        new = corrections.correct(
                            report, base=base, user=request.user.get_username(), note=form.cleaned_data["note"],
                            require_active=True, refresh=False, **({"cells": {key: value}} if kind == "cell" else {"sections": {key: value}}))
                        audit.record("report.correct", request=request, target=new,
                                     agency_path=report.agency.path if report.agency_id else "",
                                     report=report.pk, base=base.pk, version=new.number, kind=kind, key=key,
                                     before=before[:2000], after=value[:2000], note=form.cleaned_data["note"])
                except corrections.CorrectionError as e:
                    form.add_error(None, str(e))
                else:
                    _refresh(report.pk)
                    url = reverse("report", args=[report.pk])
                    if request.headers.get("HX-Request"):
                        response = HttpResponse("")
                        response["HX-Redirect"] = url
                        return response
                    return redirect(url, permanent=False)
        htmx = bool(request.headers.get("HX-Request"))
        if kind not in ("cell", "section"):
            kind, key = "cell", ""
        # htmx swaps only 2xx responses: it gets its form back with the messages as a 200.
        return render(request, "supervise/report/_correct_form.html" if htmx else "supervise/report/correct.html",
                      _form_context(report, version, form, kind, key), status=200 if htmx else 400)
    kind = "section" if request.GET.get("section") else "cell"
    key = request.GET.get(kind, "")
    if (kind == "cell" and not layout.valid_keys([key])) or (kind == "section" and key not in K.SECTION_KEYS):
        raise Http404("no such cell or section")
    r = contract(version)
    current = (r.cells[key].raw if key in r.cells else "") if kind == "cell" else r.sections.get(key, "")
    form = CorrectionForm(initial={"base": report.active_id, "kind": kind, "key": key, "value": current})
    template = "supervise/report/_correct_form.html" if request.headers.get("HX-Request") else "supervise/report/correct.html"
    return render(request, template, _form_context(report, version, form, kind, key))


@scoped
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """`/reports/<pk>/versions/`: every version, who made it, when and why."""
    report = request.scope.report(pk)  # type: ignore[attr-defined]
    versions = list(request.scope.versions().filter(report=report).order_by("-number")  # type: ignore[attr-defined]
                    .only("pk", "number", "made_by", "author", "note", "created_at", "errors", "warnings", "name",
                          "medium", "xxgk_version", "report_id"))
    for newer, older in zip(versions, versions[1:]):
        newer.prev_pk = older.pk
    return render(request, "supervise/report/history.html", {"report": report, "versions": versions})


@scoped
def diff(request: HttpRequest, pk: int) -> HttpResponse:
    """`/reports/<pk>/diff/?a=<version>&b=<version>`: what changed between two versions."""
    report = request.scope.report(pk)  # type: ignore[attr-defined]
    versions = request.scope.versions().filter(report=report)  # type: ignore[attr-defined]
    try:
        a = versions.get(pk=int(request.GET.get("a", "")))
        b = versions.get(pk=int(request.GET.get("b", "")))
    except (ValueError, TypeError, versions.model.DoesNotExist):
        raise Http404("choose two versions of this report") from None
    d = corrections.diff(a, b)
    from xxgk.report.checks import cell_label

    cells = [{"key": k, "label": cell_label(k), "a": ra, "b": rb} for k, ra, rb in d.cells]
    sections = [{"key": k, "title": K.SECTION_TITLES.get(k, k), "a": pa, "b": pb}
                for k, ta, tb in d.sections for pa, pb in [marked(ta, tb)]]
    return render(request, "supervise/report/diff.html", {"report": report, "a": a, "b": b, "diff": d, "cells": cells,
                                                          "sections": sections})


#: Longest section text compared character by character (difflib is quadratic at worst; the
#: longest real section is ~6,000 characters); longer ones are shown whole, unmarked.
MARK_LIMIT = 20_000


def marked(a: str, b: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Both texts as pieces (text, changed): what only `a` has and what only `b` has marked."""
    import difflib

    if len(a) > MARK_LIMIT or len(b) > MARK_LIMIT:
        return [(a, False)], [(b, False)]
    pa: list[tuple[str, bool]] = []
    pb: list[tuple[str, bool]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if a[i1:i2]:
            pa.append((a[i1:i2], tag != "equal"))
        if b[j1:j2]:
            pb.append((b[j1:j2], tag != "equal"))
    return pa, pb


@scoped(write=True)
def make_active(request: HttpRequest, pk: int) -> HttpResponse:
    """POST `/versions/<pk>/activate/`: make this version its report's active one (audited)."""
    if request.method != "POST":
        raise Http404("POST only")
    version = version_of(request, pk)
    report = version.report
    with transaction.atomic():
        previous = report.active_id
        changed = corrections.make_active(version, user=request.user.get_username(), refresh=False)
        if changed:
            audit.record("report.make_active", request=request, target=version,
                         agency_path=report.agency.path if report.agency_id else "",
                         report=report.pk, version=version.number, previous=previous)
    if changed:
        _refresh(report.pk)
    return redirect(reverse("report-history", args=[report.pk]), permanent=False)
