"""The office's notice texts (capability "templates": head of office, administrator): each kind's
current text (own or default), edited, checked for placeholders, saved or reset to the default."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .. import notices
from ..models import NOTICE_KINDS
from ..scope import office_view
from .forms import TemplateForm


@office_view(capability="templates")
def notice_templates(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    bound: dict[str, Any] = {}
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in notices.DEFAULTS:
            raise Http404
        if request.POST.get("reset"):
            notices.reset_template(office.agency_id, kind, request=request, agency_path=office.path)
            messages.success(request, _("The default text is used again."))
            return redirect("office_notice_templates")
        form = TemplateForm(request.POST, prefix=kind)
        if form.is_valid():
            try:
                notices.save_template(office.agency_id, kind, form.cleaned_data["title"], form.cleaned_data["body"],
                                      request=request, agency_path=office.path)
            except notices.TemplateError as e:
                form.add_error("body", str(e))
            else:
                messages.success(request, _("Notice text saved."))
                return redirect("office_notice_templates")
        bound[kind] = form
    kinds = []
    for kind, label in NOTICE_KINDS:
        t = notices.template_for(office.agency_id, kind)
        form = bound.get(kind) or TemplateForm(prefix=kind, initial={"title": t.title, "body": t.body})
        kinds.append({"kind": kind, "label": label, "own": t.own, "form": form})
    return render(request, "office/applications/templates.html",
                  {"kinds": kinds, "placeholders": notices.PLACEHOLDERS.items()}, status=400 if bound else 200)
