"""The registers behind 表二: documents (规章, 行政规范性文件), decision counts, fee income, and the
year's 10 cells computed from them.

    /office/documents/?kind=&status=in_force|repealed&page=&export=    list; /new/, /<pk>/edit/
    POST /office/documents/<pk>/repeal/   repealed_on
    /office/decisions/?year=&export=      list + entry form;  /<pk>/edit/, POST /<pk>/delete/, /import/
    /office/fees/?year=&export=           the same for fee income (万元, Decimal)
    /office/t2/?year=                     the year's 表二 from the registers
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from ...core import audit, tabular
from ..models import DECISION_KINDS, DOCUMENT_KINDS, DecisionCount, Document, FeeIncome
from ..scope import office_view
from . import imports, t2
from .common import changes, int_or_none, page_of, plain, snapshot
from .forms import DecisionForm, DocumentForm, FeeForm, ImportForm, RepealForm

DOC_FIELDS = ["kind", "doc_no", "title", "issued_on", "repealed_on"]


# -- documents -------------------------------------------------------------------------------------

@office_view
def document_list(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    today = dt.date.today()
    qs = office.documents()
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in dict(DOCUMENT_KINDS):
        qs = qs.filter(kind=kind)
    if status == "in_force":
        qs = qs.filter(issued_on__lte=today).filter(Q(repealed_on__isnull=True) | Q(repealed_on__gt=today))
    elif status == "repealed":
        qs = qs.filter(repealed_on__lte=today)
    qs = qs.order_by("-issued_on", "-id")
    fmt = request.GET.get("export")
    if fmt:
        cols = [("id", "ID"), ("kind", "类别"), ("doc_no", "文号"), ("title", "名称"), ("issued_on", "制发日期"),
                ("repealed_on", "废止日期"), ("in_force", "现行有效")]
        rows = ({**snapshot(d, DOC_FIELDS), "id": d.pk,
                 "in_force": "yes" if t2.in_force_on(d.issued_on, d.repealed_on, today) else "no"}
                for d in qs.iterator(chunk_size=2000))
        return tabular.download(rows, cols, "documents", fmt)
    page = page_of(qs, request.GET.get("page"))
    rows = [(d, t2.in_force_on(d.issued_on, d.repealed_on, today)) for d in page.object_list]
    query = {k: v for k, v in (("kind", kind), ("status", status)) if v}
    return render(request, "office/register/documents.html",
                  {"page": page, "rows": rows, "kinds": DOCUMENT_KINDS, "kind": kind, "status": status,
                   "query": query, "year": today.year})


@office_view
def document_create(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            doc = form.save(commit=False)
            doc.agency_id, doc.created_by_id = office.agency_id, office.user_id
            doc.save()
            audit.record("office.document.create", request=request, target=doc, agency_path=office.path,
                         **snapshot(doc, DOC_FIELDS))
        return redirect("office_documents")
    return render(request, "office/register/form.html",
                  {"form": form, "title": _("New document"), "back": reverse("office_documents")})


@office_view
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    doc = office.get(Document, pk=pk)
    form = DocumentForm(request.POST or None, instance=doc)
    repeal = RepealForm(document=doc)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            diff = changes(form)
            form.save()
            audit.record("office.document.edit", request=request, target=doc, agency_path=office.path, changes=diff)
        return redirect("office_documents")
    return render(request, "office/register/document_form.html", {"form": form, "doc": doc, "repeal": repeal})


@office_view
def document_repeal(request: HttpRequest, pk: int) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    doc = office.get(Document, pk=pk)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    repeal = RepealForm(request.POST, document=doc)
    if not repeal.is_valid():
        return render(request, "office/register/document_form.html",
                      {"form": DocumentForm(instance=doc), "doc": doc, "repeal": repeal}, status=400)
    with transaction.atomic():
        before = doc.repealed_on
        doc.repealed_on = repeal.cleaned_data["repealed_on"]
        doc.save(update_fields=["repealed_on"])
        audit.record("office.document.repeal", request=request, target=doc, agency_path=office.path,
                     repealed_on=plain(doc.repealed_on), before=plain(before))
    return redirect("office_documents")


# -- decision counts and fee income ------------------------------------------------------------------

class _Register:
    """What differs between the two yearly registers."""

    def __init__(self, model: type, form: type, name: str, fields: list[str], columns: list[tuple[str, str]],
                 check: Any, key: tuple[str, ...]) -> None:
        self.model, self.form, self.name, self.fields = model, form, name, fields
        self.columns, self.check, self.key = columns, check, key


DECISIONS = _Register(DecisionCount, DecisionForm, "decisions", ["year", "kind", "period", "count", "note"],
                      [("year", "年度"), ("kind", "类别"), ("period", "期间"), ("count", "数量"), ("note", "备注")],
                      imports.check_decisions, ("year", "kind", "period"))
FEES = _Register(FeeIncome, FeeForm, "fees", ["year", "period", "amount_wan_yuan", "note"],
                 [("year", "年度"), ("period", "期间"), ("amount_wan_yuan", "金额（万元）"), ("note", "备注")],
                 imports.check_fees, ("year", "period"))
REGISTERS = {"decisions": DECISIONS, "fees": FEES}


def _reg(name: str) -> _Register:
    if name not in REGISTERS:
        raise Http404
    return REGISTERS[name]


@office_view
def yearly_list(request: HttpRequest, register: str) -> HttpResponse:
    """The register's rows (filter by year), with the entry form; POST adds a row."""
    reg, office = _reg(register), request.office  # type: ignore[attr-defined]
    year = int_or_none(request.GET.get("year"))
    qs = office.records(reg.model)
    if year is not None:
        qs = qs.filter(year=year)
    fmt = request.GET.get("export")
    if fmt and request.method == "GET":
        return tabular.download(({**snapshot(r, reg.fields), "id": r.pk} for r in qs.iterator()),
                                [("id", "ID"), *reg.columns], f"{reg.name}", fmt)
    form = reg.form(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            row = form.save(commit=False)
            row.agency_id, row.created_by_id = office.agency_id, office.user_id
            row.save()
            audit.record(f"office.{reg.name}.create", request=request, target=row, agency_path=office.path,
                         **snapshot(row, reg.fields))
        return redirect(reverse(f"office_{reg.name}") + (f"?year={row.year}"))
    page = page_of(qs, request.GET.get("page"))
    years = sorted(set(office.records(reg.model).values_list("year", flat=True).distinct().order_by()), reverse=True)
    return render(request, f"office/register/{reg.name}.html",
                  {"form": form, "page": page, "year": year, "years": years, "query": {"year": year} if year else {},
                   "kinds": DECISION_KINDS}, status=400 if form.errors else 200)


@office_view
def yearly_edit(request: HttpRequest, register: str, pk: int) -> HttpResponse:
    reg, office = _reg(register), request.office  # type: ignore[attr-defined]
    row = office.get(reg.model, pk=pk)
    form = reg.form(request.POST or None, instance=row, office=office)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            diff = changes(form)
            form.save()
            audit.record(f"office.{reg.name}.edit", request=request, target=row, agency_path=office.path, changes=diff)
        return redirect(reverse(f"office_{reg.name}") + f"?year={row.year}")
    return render(request, "office/register/form.html",
                  {"form": form, "title": _("Edit row"), "back": reverse(f"office_{reg.name}"),
                   "delete": reverse(f"office_{reg.name}_delete", args=[row.pk])})


@office_view
def yearly_delete(request: HttpRequest, register: str, pk: int) -> HttpResponse:
    reg, office = _reg(register), request.office  # type: ignore[attr-defined]
    row = office.get(reg.model, pk=pk)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    with transaction.atomic():
        audit.record(f"office.{reg.name}.delete", request=request, target=row, agency_path=office.path,
                     **snapshot(row, reg.fields))
        row.delete()
    return redirect(reverse(f"office_{reg.name}") + f"?year={row.year}")


@office_view
def yearly_import(request: HttpRequest, register: str) -> HttpResponse:
    """All or nothing: every row is checked first; one bad row and nothing is saved."""
    reg, office = _reg(register), request.office  # type: ignore[attr-defined]
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[tuple[int, str]] = []
    refused = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = imports.read_table(upload.read(imports.IMPORT_MAX_BYTES + 1))
            with transaction.atomic():
                existing = set(office.records(reg.model).values_list(*reg.key))
                checked = reg.check(table, existing)
                errors = checked.errors
                if not errors:
                    objs = [reg.model(agency_id=office.agency_id, created_by_id=office.user_id, **r)
                            for r in checked.rows]
                    for o in objs:
                        o.save()
                    audit.record(f"office.{reg.name}.import", request=request, target=f"office.{reg.name}",
                                 agency_path=office.path, file=upload.name[:200], rows=len(objs),
                                 ids=[o.pk for o in objs], values=[{k: plain(v) for k, v in r.items()} for r in checked.rows])
                    years = sorted({r["year"] for r in checked.rows})
                    return redirect(reverse(f"office_{reg.name}") + f"?year={years[-1]}")
        except imports.ImportRefused as e:
            refused = str(e)
    status = 400 if (errors or refused or form.errors) else 200
    return render(request, "office/register/import.html",
                  {"form": form, "errors": errors, "refused": refused, "reg": reg.name,
                   "columns": ",".join(k for k, _l in reg.columns), "max_kb": imports.IMPORT_MAX_BYTES // 1024},
                  status=status)


# -- the year's 表二 ------------------------------------------------------------------------------------

@office_view
def t2_summary(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    year = int_or_none(request.GET.get("year")) or dt.date.today().year
    if not imports.YEAR_RANGE[0] <= year <= imports.YEAR_RANGE[1]:
        raise Http404
    end = dt.date(year, 12, 31)
    docs = office.documents().filter(issued_on__lte=end).only("kind", "issued_on", "repealed_on")
    cells = t2.t2_cells(docs, office.records(DecisionCount).filter(year=year),
                        office.records(FeeIncome).filter(year=year), year)
    rows = [(label, [cells[f"t2.{kind}.{c}"] for c in ("issued", "repealed", "in_force")])
            for kind, label in DOCUMENT_KINDS]
    decisions = [(label, cells[f"t2.{kind}"]) for kind, label in DECISION_KINDS]
    return render(request, "office/register/t2.html",
                  {"year": year, "doc_rows": rows, "decisions": decisions, "fee": cells["t2.admin_fees_wan_yuan"],
                   "cells": cells})
