"""The information processing fee of an application (条例 Art. 42, 国办函〔2020〕109号; domain.md §7.4).

Pure Python, no Django, no I/O; money is an ``int`` of 元 (every price in 109号 is a whole 元, so no
fractions and never ``float``). Two schedules, both 超额累进:

* 按件 — the k-th application of the same applicant within one 自然月 (calendar month of the Art. 31
  received date): free for k ≤ 10, 100 元 for 11–30, then bands of 10 each 100 元 dearer
  (31–40 → 200, 41–50 → 300, …).
* 按量 — per application by pages: 1–30 free, 31–100 at 10 元, 101–200 at 20 元, 201+ at 40 元.

Per application the agency picks one method, never both. Charging starts 2021-01-01. Every result
carries a Chinese explanation so the clerk (and the applicant) can follow the amount band by band.

The payment deadline of a fee notice (20 working days from the day after the notice is received)
needs the working-day calendar, which is `xxgk.office.clock`'s business: `FeeNotice` carries the
period and its starting rule, not a date.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

#: 109号 applies from this day (the received date decides); earlier applications are free.
CHARGING_FROM = date(2021, 1, 1)

#: Legal basis quoted on fee notices and explanations.
BASIS = "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"

#: Payment period of a fee notice, in working days, counted from the day after the notice is received.
PAYMENT_WORKING_DAYS = 20

FREE_ITEMS = 10  # 按件: 1–10 free (含10件)
FIRST_PAID_ITEMS_LAST = 30  # 按件: 11–30 at 100 元
ITEM_BAND = 10  # 按件: from 31 on, bands of 10
ITEM_STEP = 100  # 元 per band

#: 按量 schedule: (first page, last page or None, 元 per page).
PAGE_BANDS: tuple[tuple[int, int | None, int], ...] = ((1, 30, 0), (31, 100, 10), (101, 200, 20), (201, None, 40))


class FeeError(ValueError):
    """Invalid input to the fee calculator (negative pages, both methods, k < 1, …)."""


class Method(StrEnum):
    """The charging method the agency chose for one application."""

    PER_ITEM = "per_item"  # 按件
    PER_PAGE = "per_page"  # 按量

    @property
    def label(self) -> str:
        return "按件计收" if self is Method.PER_ITEM else "按量计收"


class MonthScope(StrEnum):
    """Whose applications count towards the 自然月 total: 109号 leaves it open (domain.md §7.4 [U])."""

    PER_AGENCY = "per_agency"  # same applicant, same agency (most likely reading)
    ACROSS_AGENCIES = "across_agencies"  # same applicant, any agency

    @property
    def label(self) -> str:
        return "本机关" if self is MonthScope.PER_AGENCY else "各机关合计"


@dataclass(frozen=True)
class Band:
    """One band of a schedule as applied: units ``first``..``last`` (inclusive) at ``unit_price``."""

    first: int
    last: int
    unit_price: int

    @property
    def quantity(self) -> int:
        return self.last - self.first + 1

    @property
    def amount(self) -> int:
        return self.quantity * self.unit_price


def _check_int(name: str, value: object, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FeeError(f"{name} must be an integer, got {value!r}")
    if value < minimum:
        raise FeeError(f"{name} must be ≥ {minimum}, got {value}")
    return value


def _item_band(k: int) -> tuple[int, int, int]:
    """(first, last, price) of the 按件 band holding the k-th application (k ≥ 1)."""
    if k <= FREE_ITEMS:
        return 1, FREE_ITEMS, 0
    if k <= FIRST_PAID_ITEMS_LAST:
        return FREE_ITEMS + 1, FIRST_PAID_ITEMS_LAST, ITEM_STEP
    b = -(-(k - FIRST_PAID_ITEMS_LAST) // ITEM_BAND)  # ceil
    first = FIRST_PAID_ITEMS_LAST + ITEM_BAND * (b - 1) + 1
    return first, first + ITEM_BAND - 1, ITEM_STEP * (1 + b)


def per_item_fee(k: int) -> int:
    """Fee in 元 of the k-th application (件) of an applicant within one 自然月 (k ≥ 1)."""
    _check_int("k", k, 1)
    return _item_band(k)[2]


def per_item_bands(first_k: int, count: int = 1) -> list[Band]:
    """The 按件 bands covering applications first_k .. first_k+count-1 of the month, clipped to them."""
    _check_int("k", first_k, 1)
    _check_int("count", count, 1)
    bands: list[Band] = []
    k, last_k = first_k, first_k + count - 1
    while k <= last_k:
        _, band_last, price = _item_band(k)
        end = min(band_last, last_k)
        bands.append(Band(k, end, price))
        k = end + 1
    return bands


def per_item_total(n: int) -> int:
    """Total in 元 for n applications (件) of one applicant in one 自然月 (n ≥ 0); 35 → 3 000."""
    _check_int("n", n, 0)
    return sum(b.amount for b in per_item_bands(1, n)) if n else 0


def per_page_bands(pages: int) -> list[Band]:
    """The 按量 bands an application of ``pages`` pages falls into (empty for 0 pages)."""
    _check_int("pages", pages, 0)
    bands = []
    for first, last, price in PAGE_BANDS:
        if pages < first:
            break
        bands.append(Band(first, pages if last is None else min(last, pages), price))
    return bands


def per_page_fee(pages: int) -> int:
    """Fee in 元 of one application delivering ``pages`` pages (pages ≥ 0); 250 → 4 700."""
    return sum(b.amount for b in per_page_bands(pages))


@dataclass(frozen=True)
class Application:
    """What the fee depends on: who, where, when received (Art. 31) and how it is charged.

    ``method`` is None when the agency charges nothing (Art. 42: free is the rule); a collection of
    methods is accepted only to be refused when it names both. ``items`` > 1 when a multi-item
    application is split into 件 by 一事一申请; ``pages`` is required for 按量.
    """

    ref: str
    received_on: date
    applicant: str = ""
    agency: str = ""
    method: Method | Collection[Method] | None = None
    pages: int | None = None
    items: int = 1


@dataclass(frozen=True)
class ApplicationFee:
    """The fee of one application, with the month count and bands behind it and its explanation."""

    ref: str
    received_on: date
    method: Method | None
    month: tuple[int, int]  # (year, month) of the received date
    first_k: int  # this application's first 件 number in the month (all methods counted)
    last_k: int
    amount: int  # 元
    bands: tuple[Band, ...] = field(default_factory=tuple)
    explanation: str = ""

    @property
    def charged(self) -> bool:
        return self.amount > 0


@dataclass(frozen=True)
class FeeNotice:
    """The content of a 收费通知 (四川 notice 2021-01-18: basis, standard, amount, payment method).

    The due date is not here: it is PAYMENT_WORKING_DAYS working days from the day after the applicant
    receives the notice, computed by `xxgk.office.clock`; unpaid in time → `other_fee_unpaid`."""

    ref: str
    amount: int
    method: Method
    basis: str
    standard: str
    explanation: str
    payment_working_days: int = PAYMENT_WORKING_DAYS
    payment_counts_from: str = "收到收费通知之日的次日"


def _method(app: Application) -> Method | None:
    m = app.method
    if m is None or isinstance(m, Method):
        return m
    if isinstance(m, str):
        try:
            return Method(m)
        except ValueError:
            raise FeeError(f"{app.ref}: unknown method {m!r}") from None
    try:
        methods = {Method(x) for x in m}
    except (TypeError, ValueError):
        raise FeeError(f"{app.ref}: unknown method {m!r}") from None
    if len(methods) > 1:
        raise FeeError(f"{app.ref}: 按件 and 按量 both chosen; 109号 allows one method per application")
    return next(iter(methods), None)


def _validate(app: Application) -> tuple[date, Method | None]:
    if not isinstance(app.received_on, date):
        raise FeeError(f"{app.ref}: received_on must be a date, got {app.received_on!r}")
    received = app.received_on.date() if isinstance(app.received_on, datetime) else app.received_on
    method = _method(app)
    _check_int(f"{app.ref}: items", app.items, 1)
    if app.pages is not None:
        _check_int(f"{app.ref}: pages", app.pages, 0)
    if method is Method.PER_PAGE and app.pages is None:
        raise FeeError(f"{app.ref}: 按量 needs the page count")
    return received, method


def _d(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _price(price: int, unit: str) -> str:
    return "免费" if price == 0 else f"每{unit}{price}元"


def _explain_items(bands: list[Band], first_k: int, last_k: int, month: str, scope: MonthScope) -> str:
    span = f"第{first_k}件" if first_k == last_k else f"第{first_k}–{last_k}件"
    parts = []
    for b in bands:
        band_first, band_last, _ = _item_band(b.first)
        own = f"第{b.first}件" if b.first == b.last else f"第{b.first}–{b.last}件"
        name = f"{own}属第{band_first}–{band_last}件档"
        parts.append(f"{name}，{_price(b.unit_price, '件')}×{b.quantity}件={b.amount}元")
    return f"为同一申请人{month}（{scope.label}）累计申请的{span}；" + "；".join(parts)


def _explain_pages(pages: int, bands: list[Band]) -> str:
    if not bands:
        return "共0页，不收费"
    parts = []
    for b, (first, last, _) in zip(bands, PAGE_BANDS, strict=False):
        band = f"第{first}–{last}页档" if last is not None else f"第{first}页以上档"
        own = f"第{b.first}页" if b.first == b.last else f"第{b.first}–{b.last}页"
        name = f"{own}（{band}）"
        parts.append(f"{name}{_price(b.unit_price, '页')}，{b.quantity}页={b.amount}元")
    return f"共{pages}页：" + "；".join(parts)


def assess(applications: Iterable[Application], *, scope: MonthScope = MonthScope.PER_AGENCY) -> list[ApplicationFee]:
    """The fee of every application, in input order.

    Applications are grouped by applicant, by agency when ``scope`` is PER_AGENCY, and by the calendar
    month of the received date; within a group they are numbered by received date (input order breaks
    ties). Every application counts towards the month's 件 number whatever its method (109号 counts
    applications, "累计申请"); only 按件 applications are priced by that number.
    """
    apps = list(applications)
    checked = [_validate(a) for a in apps]
    groups: dict[tuple[str, str, int, int], list[int]] = defaultdict(list)
    for i, (a, (received, _)) in enumerate(zip(apps, checked, strict=True)):
        agency = a.agency if scope is MonthScope.PER_AGENCY else ""
        groups[(a.applicant, agency, received.year, received.month)].append(i)

    out: list[ApplicationFee | None] = [None] * len(apps)
    for indices in groups.values():
        k = 0
        for i in sorted(indices, key=lambda j: (checked[j][0], j)):
            a, (received, method) = apps[i], checked[i]
            first_k, last_k = k + 1, k + a.items
            k = last_k
            out[i] = _fee(a, received, method, first_k, last_k, scope)
    return [f for f in out if f is not None]


def _fee(
    a: Application, received: date, method: Method | None, first_k: int, last_k: int, scope: MonthScope
) -> ApplicationFee:
    month = f"{received.year}年{received.month}月"
    common = dict(ref=a.ref, received_on=received, method=method, month=(received.year, received.month))
    common |= dict(first_k=first_k, last_k=last_k)
    if received < CHARGING_FROM:
        text = (
            f"收到申请日期{_d(received)}早于{_d(CHARGING_FROM)}；国办函〔2020〕109号自{_d(CHARGING_FROM)}起"
            "施行，此前收到的申请不收取信息处理费。本件收费0元。"
        )
        return ApplicationFee(**common, amount=0, explanation=text)  # type: ignore[arg-type]
    if method is None:
        text = (
            f"未选择收费方式：依申请提供政府信息不收取费用（条例第四十二条）；为同一申请人{month}"
            f"（{scope.label}）累计申请的第{first_k}件。本件收费0元。"
        )
        return ApplicationFee(**common, amount=0, explanation=text)  # type: ignore[arg-type]
    if method is Method.PER_ITEM:
        bands = per_item_bands(first_k, a.items)
        detail = _explain_items(bands, first_k, last_k, month, scope)
    else:
        assert a.pages is not None
        bands = per_page_bands(a.pages)
        detail = _explain_pages(a.pages, bands) + f"（本月{scope.label}累计申请第{first_k}件，按量计收不按件数计价）"
    amount = sum(b.amount for b in bands)
    text = f"{method.label}（超额累进，{BASIS}）：{detail}。本件收费{amount}元。"
    return ApplicationFee(**common, amount=amount, bands=tuple(bands), explanation=text)  # type: ignore[arg-type]


PER_ITEM_STANDARD = (
    "按件计收：同一申请人一个自然月内累计申请10件以下（含10件）的，不收费；11–30件（含30件）的部分，"
    "每件100元；31件以上的部分，以10件为一档，每增加一档，收费标准每件提高100元（31–40件每件200元，"
    "41–50件每件300元，依此类推）。"
)
PER_PAGE_STANDARD = (
    "按量计收：同一申请件中，30页以下（含30页）的不收费；31–100页（含100页）的部分每页10元；"
    "101–200页（含200页）的部分每页20元；201页以上的部分每页40元。"
)


def fee_notice(fee: ApplicationFee) -> FeeNotice:
    """The fee notice of a charged application; refuses a free one (nothing to notify)."""
    if fee.method is None or fee.amount <= 0:
        raise FeeError(f"{fee.ref}: no fee charged, no fee notice")
    standard = PER_ITEM_STANDARD if fee.method is Method.PER_ITEM else PER_PAGE_STANDARD
    return FeeNotice(
        ref=fee.ref,
        amount=fee.amount,
        method=fee.method,
        basis=BASIS,
        standard=standard,
        explanation=fee.explanation,
    )
