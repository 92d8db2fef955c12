"""The proactive publication register (主动公开, Arts. 19–26): list, create, edit, review.

    /office/items/?state=&category=&channel=&year=&late=yes|no|unknown&page=&export=csv|xlsx
    /office/items/new/                  create (any office role), state draft
    /office/items/<pk>/                 detail: fields, Art. 26 due date, review steps, actions
    /office/items/<pk>/edit/            edit, only in draft or returned (else 409)
    POST /office/items/<pk>/transition/ action=submit|approve|publish|return, note, published_on

Every change writes its audit event in the same transaction; every review step is a signed,
time-stamped `ReviewStep`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from xxgk.office.calendar import loaded_years

from ...core import audit, tabular
from ...core.models import ROLES
from ..models import ART20_CATEGORIES, ITEM_STATES, PUBLICATION_CHANNELS, ProactiveItem, ReviewStep, label_of
from ..scope import office_view
from . import workflow
from .common import changes, int_or_none, page_of, plain, snapshot
from .forms import ItemForm, TransitionForm
from .lateness import art26_due, art26_status

ROLE_LABELS = dict(ROLES)
FIELDS = ["index_no", "title", "summary", "category", "art21", "channel", "formed_on", "document"]


def _heal_due(qs: QuerySet[Any]) -> None:
    """Fill `due_on` of items saved without it (bulk loads, or a year whose calendar has since been
    installed); those still out of the calendar stay None ("cannot compute"). Reads the (agency,
    due_on) index only: such items are few."""
    loaded = set(loaded_years())
    for pk, formed_on in qs.filter(due_on__isnull=True).order_by().values_list("pk", "formed_on"):
        due = art26_due(formed_on) if formed_on.year in loaded else None
        if due is not None:
            qs.filter(pk=pk).update(due_on=due)


def late_q(today: dt.date) -> Q:
    """Items late under Art. 26 on `today` (due_on known)."""
    return (Q(published_on__isnull=False, published_on__gt=F("due_on"))
            | Q(published_on__isnull=True, due_on__lt=today))


def _filtered(request: HttpRequest, today: dt.date) -> tuple[QuerySet[Any], dict[str, Any]]:
    office = request.office  # type: ignore[attr-defined]
    qs = office.items()
    g = request.GET
    f: dict[str, Any] = {"state": g.get("state", ""), "category": int_or_none(g.get("category")),
                         "channel": g.get("channel", ""), "year": int_or_none(g.get("year")), "late": g.get("late", "")}
    if f["state"] in dict(ITEM_STATES):
        qs = qs.filter(state=f["state"])
    if f["category"] is not None:
        qs = qs.filter(category=f["category"])
    if f["channel"] in dict(PUBLICATION_CHANNELS):
        qs = qs.filter(channel=f["channel"])
    if f["year"] is not None:
        qs = qs.filter(formed_on__gte=dt.date(max(f["year"], 1), 1, 1), formed_on__lte=dt.date(min(f["year"], 9999), 12, 31))
    if f["late"] == "yes":
        qs = qs.filter(due_on__isnull=False).filter(late_q(today))
    elif f["late"] == "no":
        qs = qs.filter(due_on__isnull=False).exclude(late_q(today))
    elif f["late"] == "unknown":
        qs = qs.filter(due_on__isnull=True)
    query = {k: v for k, v in f.items() if v not in (None, "")}
    return qs.order_by("-formed_on", "-id"), {"f": f, "query": query}


def _late_label(item: ProactiveItem, today: dt.date) -> tuple[Any, str]:
    status = art26_status(item.formed_on, item.published_on, today, due=item.due_on)
    if not status.known:
        return status, _("cannot compute")
    return status, _("late") if status.late else _("on time")


def _columns() -> list[tuple[str, Any]]:
    return [("id", "ID"), ("index_no", "索引号"), ("title", "名称"), ("category", "第二十条类别"),
            ("art21", "第二十一条事项"), ("channel", "公开渠道"), ("formed_on", "生成或变更日期"),
            ("due_on", "公开期限"), ("published_on", "公开日期"), ("state", "状态"), ("late", "是否逾期")]


def _rows(items: Any, today: dt.date) -> list[dict[str, Any]]:
    """The page's rows as plain strings: formatting 100 rows with template filters and {% url %}
    took ~1 ms a row (bench/bench_office.py), most of the page's time."""
    base = reverse("office_item", args=[0])[:-2]  # ".../items/0/" → ".../items/"
    channels, states = dict(PUBLICATION_CHANNELS), dict(ITEM_STATES)
    out = []
    for it in items:
        status, label = _late_label(it, today)
        out.append({
            "url": f"{base}{it.pk}/", "index_no": it.index_no, "title": it.title, "category": it.category,
            "channel": channels.get(it.channel, it.channel), "formed_on": it.formed_on.isoformat(),
            "due_on": status.due.isoformat() if status.due else "—",
            "published_on": it.published_on.isoformat() if it.published_on else "—",
            "state": states.get(it.state, it.state), "label": label,
            "css": "error" if status.late else ("warning" if not status.known else ""),
        })
    return out


@office_view
def item_list(request: HttpRequest) -> HttpResponse:
    today = dt.date.today()
    _heal_due(request.office.items())  # type: ignore[attr-defined]
    qs, ctx = _filtered(request, today)
    fmt = request.GET.get("export")
    if fmt:
        def rows() -> Any:
            for it in qs.iterator(chunk_size=2000):
                status = art26_status(it.formed_on, it.published_on, today, due=it.due_on)
                yield {"id": it.pk, "index_no": it.index_no, "title": it.title, "category": it.category,
                       "art21": it.art21, "channel": it.channel, "formed_on": plain(it.formed_on),
                       "due_on": plain(status.due), "published_on": plain(it.published_on), "state": it.state,
                       "late": "" if not status.known else ("yes" if status.late else "no")}
        return tabular.download(rows(), _columns(), "proactive-items", fmt)
    page = page_of(qs, request.GET.get("page"))
    ctx.update({
        "page": page, "today": today,
        "rows": _rows(page.object_list, today),
        "states": ITEM_STATES, "categories": ART20_CATEGORIES, "channels": PUBLICATION_CHANNELS,
    })
    return render(request, "office/register/items.html", ctx)


@office_view
def item_create(request: HttpRequest) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    form = ItemForm(request.POST or None, office=office)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            item = form.save(commit=False)
            item.agency_id = office.agency_id
            item.created_by_id = office.user_id
            item.state = "draft"
            item.save()
            audit.record("office.item.create", request=request, target=item, agency_path=office.path,
                         **snapshot(item, FIELDS))
        return redirect("office_item", pk=item.pk)
    return render(request, "office/register/item_form.html", {"form": form, "item": None})


def _conflict(request: HttpRequest, item: ProactiveItem, message: str, status: int) -> HttpResponse:
    return _detail(request, item, error=message, status=status)


@office_view
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    item = office.get(ProactiveItem, pk=pk)
    if item.state not in workflow.EDITABLE:
        return _conflict(request, item, _("Only a draft or returned item can be edited."), 409)
    form = ItemForm(request.POST or None, instance=item, office=office)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            locked = office.records(ProactiveItem).select_for_update().get(pk=pk)
            if locked.state not in workflow.EDITABLE:
                return _conflict(request, locked, _("Only a draft or returned item can be edited."), 409)
            diff = changes(form)
            item = form.save()
            audit.record("office.item.edit", request=request, target=item, agency_path=office.path, changes=diff)
        return redirect("office_item", pk=item.pk)
    return render(request, "office/register/item_form.html", {"form": form, "item": item})


def _detail(request: HttpRequest, item: ProactiveItem, *, error: str = "", status: int = 200,
            form: TransitionForm | None = None) -> HttpResponse:
    office = request.office  # type: ignore[attr-defined]
    today = dt.date.today()
    status_, label = _late_label(item, today)
    caps = [c for c in ("edit", "review", "approve") if office.can(c)]
    ctx = {"item": item, "lateness": status_, "late_label": label, "today": today,
           "steps": [(st, ROLE_LABELS.get(st.role, st.role)) for st in item.steps.all()], "actions": workflow.actions_for(item.state, caps),
           "editable": item.state in workflow.EDITABLE, "error": error,
           "category": label_of(ART20_CATEGORIES, item.category),
           "action_labels": workflow.ACTION_LABELS}
    return render(request, "office/register/item.html", ctx, status=status)


@office_view
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = request.office.get(ProactiveItem, pk=pk)  # type: ignore[attr-defined]
    return _detail(request, item)


@office_view
def item_transition(request: HttpRequest, pk: int) -> HttpResponse:
    """One step of the review (POST). Wrong role or separation of duties → 403; an action that does
    not apply to the state, a missing note or a bad date → 409, with the reason on the page."""
    office = request.office  # type: ignore[attr-defined]
    item = office.get(ProactiveItem, pk=pk)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "POST"})
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _conflict(request, item, _("Invalid request."), 400)
    action, note = form.cleaned_data["action"], form.cleaned_data["note"].strip()
    today = dt.date.today()
    with transaction.atomic():
        item = office.records(ProactiveItem).select_for_update().get(pk=pk)
        drafters = {item.created_by_id} | set(item.steps.filter(from_state__in=["draft", "returned"])
                                               .values_list("by_id", flat=True))
        caps = [c for c in ("edit", "review", "approve") if office.can(c)]
        try:
            target = workflow.transition(item.state, action, capabilities=caps, actor_id=office.user_id,
                                         drafter_ids={d for d in drafters if d is not None}, note=note)
        except workflow.Forbidden as e:
            return _conflict(request, item, str(e), 403)
        except workflow.IllegalTransition as e:
            return _conflict(request, item, str(e), 409)
        published_on = None
        if target == "published":
            published_on = form.cleaned_data["published_on"] or today
            if published_on < item.formed_on or published_on > today:
                return _conflict(request, item, _("The publication date must lie between the date formed and today."), 409)
            item.published_on = published_on
        source = item.state
        item.state = target
        item.save(update_fields=["state", "published_on"])
        step = ReviewStep.objects.create(item=item, from_state=source, to_state=target, by_id=office.user_id,
                                         by_name=office.username, role=office.role, note=note)
        audit.record(f"office.item.{action}", request=request, target=item, agency_path=office.path,
                     from_state=source, to_state=target, note=note, step=step.pk, role=office.role,
                     published_on=plain(published_on))
    return redirect("office_item", pk=item.pk)
