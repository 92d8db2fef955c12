"""Applications as a service: the functions the views, the demo and the bench call, over model
instances. The statute lives in `xxgk.office.clock` and `xxgk.office.fees`; this module only maps
records to them and back, so that every due date, every refusal and every fee the office sees comes
from the one tested engine.

Every change goes through here, in one transaction with its audit event (personal data masked in
the event's details), and is refused with `ServiceError` (a Chinese message shown as a form error;
nothing saved) when the statute or the record does not allow it.

Stored state kept by `refresh()` for the board and the lists (indexed, no clock per row):

* `due_on`: the running reply due date; None while a 补正 is pending or when the calendar of a year
  the clock needs is not loaded (`calendar_missing()` tells which).
* `stopped`: waiting for the applicant: a 补正 notice out and no correction back, or a fee notice
  out and not paid. A consultation does NOT set it: its suspension is already inside `due_on`
  (a silent party is counted to its 15th working day), so an application whose due date passes
  during a consultation is overdue like any other.

Correction time limit: Art. 30 lets the notice set a "reasonable" period for the applicant; the
statute gives no number. It is stored in the `correction_requested` event's `days` (working days,
default `CORRECTION_REPLY_DAYS`), and `other_no_correction` is offered once it has passed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from xxgk.office import clock as ck
from xxgk.office import fees
from xxgk.office.calendar import CalendarNotLoaded, add_working_days

from ...core import audit
from ..masking import mask_name
from ..models import APPLICANT_TYPES, CONSULTED_PARTIES, OUTCOMES, Application, ApplicationEvent

#: Working days the 补正 notice gives the applicant by default (practice [P]; editable per notice).
CORRECTION_REPLY_DAYS = 15
#: Longest correction period a notice may set (a bound against typing errors, not a statute).
CORRECTION_REPLY_MAX_DAYS = 60

CLOCK_KINDS = ("correction_requested", "correction_received", "consultation", "extension", "fee_notice")
#: Outcomes allowed while a 补正 is pending: the applicant never corrected, or withdrew.
WHILE_CORRECTION_PENDING = ("other_no_correction", "other_other")

_OUTCOME_KEYS = {k for k, _ in OUTCOMES}
_TYPE_KEYS = {k for k, _ in APPLICANT_TYPES}
_PARTY_KEYS = {k for k, _ in CONSULTED_PARTIES}


def today() -> dt.date:
    """Today, for the views (one place for tests to set the date of a board or a list)."""
    return dt.date.today()


class ServiceError(ValueError):
    """A change the statute or the record refuses; its message (Chinese) is shown to the clerk."""


# -- the clock of a record ---------------------------------------------------------------------------

def _clock_event(e: ApplicationEvent) -> Any:
    if e.kind == "correction_requested":
        return ck.CorrectionRequested(e.on)
    if e.kind == "correction_received":
        return ck.CorrectionReceived(e.on)
    if e.kind == "consultation":
        return ck.Consultation(e.on, e.party or "third_party", e.answered_on)
    if e.kind == "extension":
        return ck.Extension(e.on, e.days if e.days is not None else ck.MAX_EXTENSION_DAYS)
    if e.kind == "fee_notice":
        return ck.FeeNotice(e.on, e.paid_on)
    return None  # reply: not a clock event


def events_of(app: Application) -> list[ApplicationEvent]:
    return list(app.events.all()) if app.pk else []


def clock_of(app: Application, events: list[ApplicationEvent] | None = None) -> ck.Clock:
    """The statutory clock of `app` from its events (or the given ones). Raises ClockError for an
    impossible sequence, CalendarNotLoaded when a date lies in a year without calendar data."""
    evs = events_of(app) if events is None else events
    return ck.Clock(app.received_on, [c for c in map(_clock_event, evs) if c is not None], channel=app.channel)


def _fee_pending(events: list[ApplicationEvent]) -> bool:
    return any(e.kind == "fee_notice" and e.paid_on is None for e in events)


def _correction_pending(events: list[ApplicationEvent]) -> bool:
    kinds = {e.kind for e in events}
    return "correction_requested" in kinds and "correction_received" not in kinds


def refresh(app: Application, events: list[ApplicationEvent] | None = None, *, save: bool = True) -> Application:
    """Recompute and store `due_on` and `stopped` of an open application (a closed one keeps the
    due date it had when it was replied to)."""
    if not app.is_open:
        return app
    evs = events_of(app) if events is None else events
    try:
        app.due_on = clock_of(app, evs).due()
    except CalendarNotLoaded:
        app.due_on = None
    app.stopped = _correction_pending(evs) or _fee_pending(evs)
    if save and app.pk:
        app.save(update_fields=["due_on", "stopped"])
    return app


def calendar_missing(app: Application, events: list[ApplicationEvent] | None = None) -> int | None:
    """The year whose calendar the clock of `app` needs and lacks, or None."""
    try:
        c = clock_of(app, events)
        c.due()
        c.correction_notice_deadline()
        c.fee_payment_deadline()
    except CalendarNotLoaded as e:
        return e.year
    return None


def correction_due(events: list[ApplicationEvent]) -> dt.date | None:
    """Last day of the applicant's correction period set by the 补正 notice (None: no notice)."""
    req = next((e for e in events if e.kind == "correction_requested"), None)
    if req is None:
        return None
    return add_working_days(req.on, req.days or CORRECTION_REPLY_DAYS)


def offered_closures(app: Application, on: dt.date, events: list[ApplicationEvent] | None = None) -> list[str]:
    """The closing outcomes the record itself offers on day `on`: `other_no_correction` once the
    correction period has passed with no correction, `other_fee_unpaid` once the payment period
    has passed unpaid."""
    evs = events_of(app) if events is None else events
    out: list[str] = []
    try:
        if _correction_pending(evs):
            due = correction_due(evs)
            if due is not None and on > due:
                out.append("other_no_correction")
        c = clock_of(app, evs)
        pd = c.fee_payment_deadline()
        if pd is not None and c.fee_unpaid and on > pd:
            out.append("other_fee_unpaid")
    except (CalendarNotLoaded, ck.ClockError):
        pass
    return out


@dataclass
class ClockReport:
    """What the application's page shows about its clock."""

    due_on: dt.date | None = None
    stopped: bool = False
    steps: list[ck.Step] = field(default_factory=list)
    calendar_missing: int | None = None
    error: str = ""
    correction_notice_deadline: dt.date | None = None
    correction_due: dt.date | None = None
    fee_payment_deadline: dt.date | None = None
    offered: list[str] = field(default_factory=list)


def report(app: Application, today: dt.date, events: list[ApplicationEvent] | None = None) -> ClockReport:
    """The clock of `app` explained step by step (clock.explain()), with the side deadlines."""
    evs = events_of(app) if events is None else events
    r = ClockReport(stopped=_correction_pending(evs) or _fee_pending(evs))
    try:
        c = clock_of(app, evs)
        r.due_on = c.due()
        r.steps = c.explain()
        r.correction_notice_deadline = c.correction_notice_deadline()
        r.correction_due = correction_due(evs)
        r.fee_payment_deadline = c.fee_payment_deadline()
    except CalendarNotLoaded as e:
        r.calendar_missing = e.year
    except ck.ClockError as e:  # a record typed before a rule existed; shown, never hidden
        r.error = str(e)
    if app.is_open:
        r.offered = offered_closures(app, today, evs)
    return r


# -- changes -----------------------------------------------------------------------------------------

def _agency_id(agency: Any) -> int:
    return agency if isinstance(agency, int) else agency.pk


def _path(app: Application) -> str:
    return app.agency.path


def next_ref(agency_id: int, year: int) -> str:
    """"<year>-<seq:04d>", the next number of the agency's year (refs are assigned only here, in
    increasing order, so the latest row of the year holds the largest)."""
    prefix = f"{year}-"
    last = (Application.objects.filter(agency_id=agency_id, ref__startswith=prefix)
            .order_by("-id").values_list("ref", flat=True).first())
    tail = last[len(prefix):] if last else ""
    return f"{prefix}{(int(tail) if tail.isdigit() else 0) + 1:04d}"


def _max_ref(agency_id: int, year: int) -> str:
    """The slow, collision-proof next ref (after a concurrent insert took ours)."""
    prefix = f"{year}-"
    nums = [int(r[len(prefix):]) for r in Application.objects.filter(agency_id=agency_id, ref__startswith=prefix)
            .values_list("ref", flat=True) if r[len(prefix):].isdigit()]
    return f"{prefix}{max(nums, default=0) + 1:04d}"


def create_application(agency: Any, user: Any, *, request: Any = None, applicant_type: str, applicant_name: str,
                       channel: str, description: str, submitted_on: dt.date | None = None,
                       signed_for_on: dt.date | None = None, confirmed_on: dt.date | None = None,
                       id_number: str = "", phone: str = "", address: str = "", email: str = "",
                       form: str = "", items: int = 1) -> Application:
    """Register an application: its received date by the Art. 31 rule of its channel (only the
    one fact the channel uses may be given), its ref "<year of receipt>-<seq:04d>", its clock."""
    if applicant_type not in _TYPE_KEYS:
        raise ServiceError(f"未知的申请人类型：{applicant_type}")
    if not applicant_name.strip():
        raise ServiceError("请填写申请人")
    if not description.strip():
        raise ServiceError("请填写申请内容")
    if not isinstance(items, int) or items < 1:
        raise ServiceError("件数至少为1")
    try:
        received = ck.received_on(channel, submitted_on=submitted_on, signed_for_on=signed_for_on,
                                  confirmed_on=confirmed_on)
    except ck.ClockError as e:
        raise ServiceError(str(e)) from e
    aid = _agency_id(agency)
    for attempt in range(5):
        try:
            with transaction.atomic():
                app = Application(
                    agency_id=aid, created_by=user if getattr(user, "pk", None) else None,
                    ref=next_ref(aid, received.year) if attempt == 0 else _max_ref(aid, received.year),
                    applicant_type=applicant_type, applicant_name=applicant_name.strip(), id_number=id_number.strip(),
                    phone=phone.strip(), address=address.strip(), email=email.strip(), channel=channel,
                    submitted_on=submitted_on, signed_for_on=signed_for_on, confirmed_on=confirmed_on,
                    received_on=received, description=description, form=form, items=items)
                refresh(app, [], save=False)
                app.save()
                audit.record("office.application.create", user=user, request=request, target=app,
                             agency_path=_path(app), ref=app.ref, channel=channel, received_on=str(received),
                             applicant_type=applicant_type, applicant=mask_name(app.applicant_name))
                return app
        except IntegrityError:
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def _check_clock(app: Application, events: list[ApplicationEvent]) -> ck.Clock:
    try:
        c = clock_of(app, events)
        c.due()
        return c
    except ck.ClockError as e:
        raise ServiceError(str(e)) from e
    except CalendarNotLoaded as e:
        raise ServiceError(str(e)) from e


def _open(app: Application) -> None:
    if not app.is_open:
        raise ServiceError("申请已办结，不能再登记事件")


def _name_of(user: Any) -> str:
    full = (user.get_full_name() or "").strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def fee_for(app: Application, method: str, pages: int | None = None) -> fees.ApplicationFee:
    """The 109号 fee of `app` by `method`: 按件 numbers it among the applicant's applications
    received at this agency in the same 自然月 (same name and ID number), 按量 prices `pages`."""
    try:
        m = fees.Method(method)
    except ValueError:
        raise ServiceError(f"未知的收费方式：{method}") from None
    if m is fees.Method.PER_PAGE and (pages is None or pages < 0):
        raise ServiceError("按量计收需要填写页数")
    r = app.received_on
    same = (Application.objects.filter(agency_id=app.agency_id, applicant_name=app.applicant_name,
                                       id_number=app.id_number, received_on__year=r.year, received_on__month=r.month)
            .order_by("received_on", "id").values_list("pk", "ref", "received_on", "items"))
    rows = [fees.Application(ref=ref, received_on=on, applicant="a", agency="a", items=n,
                             method=m if pk == app.pk else None, pages=pages if pk == app.pk else None)
            for pk, ref, on, n in same]
    if app.pk not in {row[0] for row in same}:  # not saved yet
        rows.append(fees.Application(ref=app.ref, received_on=r, applicant="a", agency="a", items=app.items,
                                     method=m, pages=pages))
    try:
        out = fees.assess(rows)
    except fees.FeeError as e:
        raise ServiceError(str(e)) from e
    return next(f for f in out if f.ref == app.ref)


def add_event(app: Application, kind: str, user: Any, *, on: dt.date, request: Any = None,
              party: str = "third_party", days: int | None = None, method: str = "", pages: int | None = None,
              note: str = "") -> ApplicationEvent:
    """Record a clock event; the whole sequence is checked by the Clock first (ClockError → ServiceError).

    * correction_requested: `days` = the applicant's correction period (working days);
    * consultation: `party` third_party | co_producer;
    * extension: `days` ≤ 20; `user` must have the "approve" capability (head of office) and is
      recorded as the approver;
    * fee_notice: `method` per_item | per_page (+ `pages`); the amount is computed, never typed.
    """
    from ..scope import office_of

    if kind not in CLOCK_KINDS:
        raise ServiceError(f"未知的事件：{kind}")
    _open(app)
    ev = ApplicationEvent(application=app, kind=kind, on=on, note=note,
                          created_by=user if getattr(user, "pk", None) else None)
    details: dict[str, Any] = {"kind": kind, "on": str(on)}
    if kind == "correction_requested":
        ev.days = CORRECTION_REPLY_DAYS if days is None else days
        if not 1 <= ev.days <= CORRECTION_REPLY_MAX_DAYS:
            raise ServiceError(f"补正期限应为1至{CORRECTION_REPLY_MAX_DAYS}个工作日")
        details["days"] = ev.days
    elif kind == "consultation":
        if party not in _PARTY_KEYS:
            raise ServiceError(f"未知的征求意见对象：{party}")
        ev.party = party
        details["party"] = party
    elif kind == "extension":
        scope = office_of(user)
        if scope is None or not scope.can("approve"):
            raise PermissionDenied("approve")
        ev.days = ck.MAX_EXTENSION_DAYS if days is None else days
        ev.approved_by_name = _name_of(user)
        details |= {"days": ev.days, "approved_by": ev.approved_by_name}
    elif kind == "fee_notice":
        fee = fee_for(app, method, pages)
        if fee.amount <= 0:
            raise ServiceError(f"本件不收费（{fee.explanation}），无需发出收费通知")
        ev.method, ev.pages, ev.amount_yuan = method, pages if method == "per_page" else None, fee.amount
        ev.note = fee.explanation
        details |= {"method": method, "pages": ev.pages, "amount_yuan": fee.amount}
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        _open(locked)
        events = events_of(locked)
        _check_clock(locked, events + [ev])
        ev.application = locked
        ev.save()
        refresh(locked, events + [ev])
        app.due_on, app.stopped = locked.due_on, locked.stopped
        audit.record("office.application.event", user=user, request=request, target=locked,
                     agency_path=_path(locked), ref=locked.ref, **details)
    return ev


def _update_event(ev: ApplicationEvent, user: Any, request: Any, action: str, **changes: Any) -> ApplicationEvent:
    with transaction.atomic():
        app = Application.objects.select_for_update().get(pk=ev.application_id)
        _open(app)
        events = events_of(app)
        target = next(e for e in events if e.pk == ev.pk)
        for k, v in changes.items():
            setattr(target, k, v)
        _check_clock(app, events)
        target.save(update_fields=list(changes))
        refresh(app, events)
        audit.record(action, user=user, request=request, target=app, agency_path=_path(app), ref=app.ref,
                     event=target.pk, **{k: str(v) if isinstance(v, dt.date) else v for k, v in changes.items()})
    for k, v in changes.items():
        setattr(ev, k, v)
    return ev


def answer_consultation(ev: ApplicationEvent, user: Any, *, answered_on: dt.date, objection: bool = False,
                        request: Any = None) -> ApplicationEvent:
    """The consulted party answered on `answered_on` (with or without a reasoned objection)."""
    if ev.kind != "consultation":
        raise ServiceError("不是征求意见事件")
    return _update_event(ev, user, request, "office.application.consultation_answered",
                         answered_on=answered_on, objection=objection)


def record_payment(ev: ApplicationEvent, user: Any, *, paid_on: dt.date, request: Any = None) -> ApplicationEvent:
    """The applicant paid the fee of a fee notice on `paid_on`."""
    if ev.kind != "fee_notice":
        raise ServiceError("不是收费通知事件")
    return _update_event(ev, user, request, "office.application.fee_paid", paid_on=paid_on)


def reply(app: Application, on: dt.date, outcome: str, withheld_parts: str = "", withheld_grounds: str = "",
          note: str = "", *, user: Any = None, request: Any = None) -> Application:
    """Close `app` on `on` with exactly one outcome (a 表三 row). 区分处理 (`partially_granted`)
    needs the withheld parts and their grounds; `other_no_correction` and `other_fee_unpaid` need
    the record to offer them (`offered_closures`); while a 补正 is pending only those two closings
    and `other_other` (withdrawal) are possible."""
    if outcome not in _OUTCOME_KEYS:
        raise ServiceError(f"未知的处理结果：{outcome}")
    withheld_parts, withheld_grounds = withheld_parts.strip(), withheld_grounds.strip()
    if outcome == "partially_granted" and not (withheld_parts and withheld_grounds):
        raise ServiceError("区分处理（部分公开）须写明不予公开的部分及其理由和依据")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=app.pk)
        _open(locked)
        events = events_of(locked)
        if on < locked.received_on:
            raise ServiceError("答复日期早于收到申请之日")
        last = max([e.on for e in events] + [e.answered_on or e.on for e in events] + [e.paid_on or e.on for e in events],
                   default=locked.received_on)
        if on < last:
            raise ServiceError(f"答复日期早于已登记的事件（{last}）")
        offered = offered_closures(locked, on, events)
        if outcome in ("other_no_correction", "other_fee_unpaid") and outcome not in offered:
            raise ServiceError("other_no_correction：补正期限届满且未收到补正时才能以此办结" if outcome == "other_no_correction"
                               else "other_fee_unpaid：缴费期限届满且未缴费时才能以此办结")
        if _correction_pending(events) and outcome not in WHILE_CORRECTION_PENDING:
            raise ServiceError("等待补正期间只能以“逾期不补正”或“其他处理”办结")
        locked.closed_on, locked.outcome = on, outcome
        locked.withheld_parts, locked.withheld_grounds, locked.reply_note = withheld_parts, withheld_grounds, note
        locked.stopped = False
        locked.save(update_fields=["closed_on", "outcome", "withheld_parts", "withheld_grounds", "reply_note", "stopped"])
        ApplicationEvent.objects.create(application=locked, kind="reply", on=on, note=note,
                                        created_by=user if getattr(user, "pk", None) else None)
        audit.record("office.application.reply", user=user, request=request, target=locked, agency_path=_path(locked),
                     ref=locked.ref, outcome=outcome, closed_on=str(on))
    for f in ("closed_on", "outcome", "withheld_parts", "withheld_grounds", "reply_note", "stopped"):
        setattr(app, f, getattr(locked, f))
    return app
