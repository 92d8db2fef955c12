"""Statutory clocks of an application for disclosure (条例 Arts. 30–33, 109号; domain.md §7.3).

Conventions (why they are what they are):

* Working days only, from the official calendar (`xxgk.office.calendar`): holidays off, 调休 make-up
  weekend days on.  A year without loaded data raises `CalendarNotLoaded` — never a guess.
* "Within N working days of D" is the N-th working day strictly after D: the day of D never counts
  (counting from the day after, domain.md §7.3 [U]).  A deadline therefore always lands on a working
  day; an off day can never be a due date, so no separate "roll to the next working day" rule exists.
* The reply clock starts after the Art. 31 received date; a 补正 notice stops it, and it restarts
  (from zero, counting from the day after) on receipt of the correction.
* Consultation (Arts. 32, 34) suspends the clock: the working days d with sent < d <= end do not
  count, where end is the reply date, or the 15th working day after sending when the party is silent
  or late.  The day the letter is sent still counts.  Overlapping consultations suspend once.
* One extension (Art. 33(2)) of at most 20 working days, decided on or before the running due date.
* due = the (20 + extension)-th counted working day after the start, suspended days skipped.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal, Sequence, Union

from xxgk.office.calendar import CalendarNotLoaded, add_working_days, is_working_day, loaded_years

__all__ = [
    "CHANNELS", "CalendarNotLoaded", "ClockError", "loaded_years",
    "received_on", "received_rule",
    "CorrectionRequested", "CorrectionReceived", "Consultation", "Extension", "FeeNotice",
    "Step", "Clock",
    "REPLY_DAYS", "CORRECTION_NOTICE_DAYS", "CONSULTATION_DAYS", "MAX_EXTENSION_DAYS", "FEE_PAYMENT_DAYS",
]

REPLY_DAYS = 20             # Art. 33(2)
CORRECTION_NOTICE_DAYS = 7  # Art. 30
CONSULTATION_DAYS = 15      # Arts. 32, 34
MAX_EXTENSION_DAYS = 20     # Art. 33(2)
FEE_PAYMENT_DAYS = 20       # 国办函〔2020〕109号

Channel = Literal["counter", "post_registered", "post_ordinary", "fax", "email", "online"]
CHANNELS: tuple[str, ...] = ("counter", "post_registered", "post_ordinary", "fax", "email", "online")

_CHANNEL_RULES = {
    "counter": ("submitted_on", "当面提交，以提交之日为收到申请之日"),
    "post_registered": ("signed_for_on", "以邮政特快专递、挂号信等需要签收的邮寄方式提交，以签收之日为收到申请之日"),
    "post_ordinary": ("confirmed_on", "以平常信函等无需签收的邮寄方式提交，以与申请人确认之日为收到申请之日"),
    "fax": ("confirmed_on", "通过传真提交，以双方确认之日为收到申请之日"),
    "email": ("confirmed_on", "通过电子邮件提交，以双方确认之日为收到申请之日"),
    "online": ("confirmed_on", "通过互联网渠道提交，以双方确认之日为收到申请之日"),
}


class ClockError(ValueError):
    """An impossible or unlawful sequence of events (two extensions, correction before notice, ...)."""


def received_rule(channel: str) -> str:
    """The Art. 31 sentence that decides the received date for `channel`, in Chinese."""
    if channel not in _CHANNEL_RULES:
        raise ClockError(f"未知的申请渠道：{channel!r}（可选：{', '.join(CHANNELS)}）")
    return _CHANNEL_RULES[channel][1]


def received_on(
    channel: str,
    *,
    submitted_on: dt.date | None = None,
    signed_for_on: dt.date | None = None,
    confirmed_on: dt.date | None = None,
    arrived_on: dt.date | None = None,
) -> dt.date:
    """The Art. 31 received date.  Each channel takes exactly one fact; the others are refused so a
    clerk cannot record e.g. the arrival date of an e-mail as its received date by mistake.
    `arrived_on` (ordinary post, fax, e-mail, online) is accepted only as a sanity bound: the
    confirmation cannot precede the arrival."""
    if channel not in _CHANNEL_RULES:
        raise ClockError(f"未知的申请渠道：{channel!r}（可选：{', '.join(CHANNELS)}）")
    given = {"submitted_on": submitted_on, "signed_for_on": signed_for_on, "confirmed_on": confirmed_on}
    field = _CHANNEL_RULES[channel][0]
    wrong = [k for k, v in given.items() if v is not None and k != field]
    if wrong:
        raise ClockError(f"渠道 {channel} 的收到日期只看 {field}，不接受 {', '.join(wrong)}")
    value = given[field]
    if value is None:
        raise ClockError(f"渠道 {channel} 需要 {field}：{_CHANNEL_RULES[channel][1]}")
    if arrived_on is not None:
        if channel in ("counter", "post_registered"):
            raise ClockError(f"渠道 {channel} 不使用 arrived_on")
        if value < arrived_on:
            raise ClockError("确认日期不能早于申请到达日期")
    return value


@dataclass(frozen=True)
class CorrectionRequested:
    """补正 notice sent to the applicant (Art. 30); stops the reply clock."""
    on: dt.date


@dataclass(frozen=True)
class CorrectionReceived:
    """The applicant's correction received; the reply clock restarts from the day after."""
    on: dt.date


@dataclass(frozen=True)
class Consultation:
    """A written consultation of a third party (Art. 32) or a co-producer (Art. 34)."""
    sent_on: dt.date
    party: Literal["third_party", "co_producer"] = "third_party"
    replied_on: dt.date | None = None


@dataclass(frozen=True)
class Extension:
    """The one approved extension (Art. 33(2)), decided and notified on `on`."""
    on: dt.date
    days: int = MAX_EXTENSION_DAYS


@dataclass(frozen=True)
class FeeNotice:
    """A fee notice (109号) received by the applicant on `received_on`; payment due 20 working days
    from the day after.  Whether it stops the Art. 33 clock is unverified (domain.md §9.2): it
    does only when the Clock is built with ``fee_stops_clock=True``."""
    received_on: dt.date
    paid_on: dt.date | None = None


Event = Union[CorrectionRequested, CorrectionReceived, Consultation, Extension, FeeNotice]


@dataclass(frozen=True)
class Step:
    """One line of the explanation: the date, the legal basis, what happened (Chinese)."""
    on: dt.date
    rule: str
    text: str

    def __str__(self) -> str:
        return f"{cn_date(self.on)}［{self.rule}］{self.text}"


_WEEKDAYS = "一二三四五六日"


def cn_date(day: dt.date) -> str:
    """2025年2月8日（星期六，调休上班） — weekend working days are marked so a reader sees why."""
    text = f"{day.year}年{day.month}月{day.day}日（星期{_WEEKDAYS[day.weekday()]}"
    try:
        if day.weekday() >= 5 and is_working_day(day):
            text += "，调休上班"
    except CalendarNotLoaded:
        pass
    return text + "）"


_PARTY = {"third_party": ("第三方", "第三十二条"), "co_producer": ("共同制作机关", "第三十四条")}
_ART = "《政府信息公开条例》"


class Clock:
    """The statutory clocks of one application: `due()` and `explain()` (see the module docstring)."""

    def __init__(
        self,
        received_on: dt.date,
        events: Sequence[Event] = (),
        *,
        channel: str | None = None,
        fee_stops_clock: bool = False,
    ):
        self.received_on = received_on
        self.channel = channel
        self.fee_stops_clock = fee_stops_clock
        self.events = tuple(events)
        is_working_day(received_on)  # raises CalendarNotLoaded early
        self._validate()

    # -- individual deadlines ---------------------------------------------------------------
    def correction_notice_deadline(self) -> dt.date:
        """Last day to send the one 补正 notice: 7th working day after receipt (Art. 30)."""
        return add_working_days(self.received_on, CORRECTION_NOTICE_DAYS)

    def consultation_deadline(self, c: Consultation) -> dt.date:
        """Last day for the consulted party's reply: 15th working day after sending."""
        return add_working_days(c.sent_on, CONSULTATION_DAYS)

    def fee_payment_deadline(self) -> dt.date | None:
        fee = self._one(FeeNotice)
        return add_working_days(fee.received_on, FEE_PAYMENT_DAYS) if fee else None

    @property
    def fee_unpaid(self) -> bool:
        """Fee notice received and not paid within 20 working days → `other_fee_unpaid`."""
        fee = self._one(FeeNotice)
        if fee is None:
            return False
        return fee.paid_on is None or fee.paid_on > add_working_days(fee.received_on, FEE_PAYMENT_DAYS)

    @property
    def stopped(self) -> bool:
        """A 补正 notice is out and the correction has not come back: no running reply clock."""
        return self._one(CorrectionRequested) is not None and self._one(CorrectionReceived) is None

    @property
    def start(self) -> dt.date:
        """The day the reply clock counts from (exclusive): receipt, or receipt of the correction."""
        cr = self._one(CorrectionReceived)
        return cr.on if cr else self.received_on

    @property
    def late_correction_notice(self) -> bool:
        req = self._one(CorrectionRequested)
        return req is not None and req.on > self.correction_notice_deadline()

    def suspended_days(self) -> list[dt.date]:
        """Working days after the start that do not count (consultations; fee when configured)."""
        days: set[dt.date] = set()
        for lo, hi in self._suspensions():
            d = max(lo, self.start)
            while d < hi:
                d += dt.timedelta(days=1)
                if is_working_day(d):
                    days.add(d)
        return sorted(days)

    def extension_days(self) -> int:
        ext = self._one(Extension)
        return ext.days if ext else 0

    def due(self) -> dt.date | None:
        """The reply due date, or None while the clock is stopped awaiting a correction."""
        if self.stopped:
            return None
        return self._due(REPLY_DAYS + self.extension_days())

    # -- explanation -----------------------------------------------------------------------------
    def explain(self) -> list[Step]:
        """How every date was reached, in order, each step with its legal basis."""
        steps: list[Step] = []
        rule = received_rule(self.channel) if self.channel else "收到申请"
        steps.append(Step(self.received_on, f"{_ART}第三十一条", f"{rule}：收到申请，答复期限自次日起计算"))
        req, got = self._one(CorrectionRequested), self._one(CorrectionReceived)
        nd = self.correction_notice_deadline()
        if req:
            late = f"，已超过补正告知期限{cn_date(nd)}" if self.late_correction_notice else ""
            steps.append(Step(req.on, f"{_ART}第三十条",
                              f"一次性告知申请人补正（应在收到申请后{CORRECTION_NOTICE_DAYS}个工作日内即{cn_date(nd)}前告知{late}），答复期限停止计算"))
        if got:
            steps.append(Step(got.on, f"{_ART}第三十条",
                              f"收到申请人的补正，答复期限自次日起重新计算{REPLY_DAYS}个工作日"))
        if self.stopped:
            steps.append(Step(req.on, f"{_ART}第三十条", "等待补正，答复期限暂停；申请人无正当理由逾期不补正的，视为放弃申请"))
            return steps + self._fee_steps()
        base = self._due(REPLY_DAYS, with_suspensions=False)
        steps.append(Step(base, f"{_ART}第三十三条第二款",
                          f"自{cn_date(self.start)}次日起第{REPLY_DAYS}个工作日：原答复期限届满日（不计征求意见期间）"))
        for c in self._all(Consultation):
            who, art = _PARTY[c.party]
            cd = self.consultation_deadline(c)
            end = self._consultation_end(c)
            n = len([d for d in self.suspended_between(c.sent_on, end)])
            if c.replied_on is None:
                how = f"未答复（视为{'由行政机关依法决定' if c.party == 'third_party' else '同意'}），至{cn_date(cd)}止"
            elif c.replied_on > cd:
                how = f"于{cn_date(c.replied_on)}答复，已逾期，按期限届满日{cn_date(cd)}止"
            else:
                how = f"于{cn_date(c.replied_on)}答复"
            steps.append(Step(c.sent_on, f"{_ART}{art}",
                              f"书面征求{who}意见，答复期限{CONSULTATION_DAYS}个工作日（至{cn_date(cd)}）；{how}；"
                              f"期间{n}个工作日不计入答复期限"))
        ext = self._one(Extension)
        if ext:
            steps.append(Step(ext.on, f"{_ART}第三十三条第二款",
                              f"经政府信息公开工作机构负责人同意并告知申请人，延长答复期限{ext.days}个工作日"))
        steps += self._fee_steps()
        steps.sort(key=lambda s: s.on)  # stable: same-day steps keep their legal order
        sus = len(self.suspended_days())
        due = self.due()
        assert due is not None
        steps.append(Step(due, f"{_ART}第三十三条",
                          f"答复期限届满日：自{cn_date(self.start)}次日起计{REPLY_DAYS}个工作日"
                          f"＋延长{self.extension_days()}个工作日＋不计入期间{sus}个工作日顺延"))
        return steps

    def suspended_between(self, lo: dt.date, hi: dt.date) -> list[dt.date]:
        return [d for d in self.suspended_days() if lo < d <= hi]

    # -- internals --------------------------------------------------------------------------------
    def _fee_steps(self) -> list[Step]:
        fee = self._one(FeeNotice)
        if not fee:
            return []
        pd = add_working_days(fee.received_on, FEE_PAYMENT_DAYS)
        out = [Step(fee.received_on, "国办函〔2020〕109号",
                    f"申请人收到收费通知，应自次日起{FEE_PAYMENT_DAYS}个工作日内即{cn_date(pd)}前缴费")]
        if fee.paid_on and fee.paid_on <= pd:
            out.append(Step(fee.paid_on, "国办函〔2020〕109号", "申请人缴纳信息处理费"))
        else:
            out.append(Step(pd, "国办函〔2020〕109号", "逾期未缴费，视为放弃申请（other_fee_unpaid）"))
        return out

    def _due(self, n: int, with_suspensions: bool = True) -> dt.date:
        skip = frozenset(self.suspended_days()) if with_suspensions else frozenset()
        return add_working_days(self.start, n, skip)

    def _consultation_end(self, c: Consultation) -> dt.date:
        cd = self.consultation_deadline(c)
        return cd if c.replied_on is None or c.replied_on > cd else c.replied_on

    def _suspensions(self) -> list[tuple[dt.date, dt.date]]:
        out = [(c.sent_on, self._consultation_end(c)) for c in self._all(Consultation)]
        fee = self._one(FeeNotice)
        if fee and self.fee_stops_clock:
            pd = add_working_days(fee.received_on, FEE_PAYMENT_DAYS)
            out.append((fee.received_on, min(fee.paid_on, pd) if fee.paid_on else pd))
        return out

    def _all(self, kind: type) -> list:
        return [e for e in self.events if isinstance(e, kind)]

    def _one(self, kind: type):
        found = self._all(kind)
        return found[0] if found else None

    def _validate(self) -> None:
        r = self.received_on
        for e in self.events:
            if not isinstance(e, (CorrectionRequested, CorrectionReceived, Consultation, Extension, FeeNotice)):
                raise ClockError(f"未知的事件：{e!r}")
            first = e.sent_on if isinstance(e, Consultation) else e.received_on if isinstance(e, FeeNotice) else e.on
            if first < r:
                raise ClockError(f"事件 {e!r} 早于收到申请之日 {r}")
            is_working_day(first)
        for kind, msg in ((CorrectionRequested, "补正只能一次性告知一次"),
                          (CorrectionReceived, "只能收到一次补正"),
                          (Extension, "答复期限只能延长一次"),
                          (FeeNotice, "只能发出一次收费通知")):
            if len(self._all(kind)) > 1:
                raise ClockError(msg)
        req, got = self._one(CorrectionRequested), self._one(CorrectionReceived)
        if got and not req:
            raise ClockError("未发出补正通知，不能收到补正")
        if got and req and got.on < req.on:
            raise ClockError("收到补正的日期早于发出补正通知的日期")
        for c in self._all(Consultation):
            if c.party not in _PARTY:
                raise ClockError(f"未知的征求意见对象：{c.party!r}")
            if c.replied_on is not None and c.replied_on < c.sent_on:
                raise ClockError("征求意见的答复早于发出日期")
            if req and c.sent_on >= req.on and (not got or c.sent_on < got.on):
                raise ClockError("等待补正期间不能征求意见（答复期限尚未重新起算）")
        ext = self._one(Extension)
        if ext:
            if not 1 <= ext.days <= MAX_EXTENSION_DAYS:
                raise ClockError(f"延长期限最长不超过{MAX_EXTENSION_DAYS}个工作日，收到 {ext.days}")
            if self.stopped:
                raise ClockError("等待补正期间不能延长答复期限")
            if ext.on < self.start:
                raise ClockError("延长决定早于答复期限起算日")
            running = self._due(REPLY_DAYS)
            if ext.on > running:
                raise ClockError(f"延长决定（{ext.on}）晚于原答复期限届满日（{running}），不能再延长")
        fee = self._one(FeeNotice)
        if fee and fee.paid_on is not None and fee.paid_on < fee.received_on:
            raise ClockError("缴费日期早于收到收费通知的日期")
        if not self.stopped and self._all(Consultation):
            due = self.due()
            assert due is not None
            for c in self._all(Consultation):
                if c.sent_on > due:
                    raise ClockError(f"征求意见（{c.sent_on}）晚于答复期限届满日（{due}）")
