"""Working days of the official calendar (domain.md §7.3 "Clock model").

The data comes from the ``chinesecalendar`` package (import ``chinese_calendar``), which encodes each
year's 国务院办公厅关于部分节假日安排的通知: statutory holidays are off, the make-up weekend days
(调休) are working days, every other Saturday and Sunday is off.  The package ships only the years
whose notice had been published when it was released; for any other year we refuse to guess
(`CalendarNotLoaded`) because a statutory deadline computed on a made-up calendar is wrong in a way
nobody notices until a complaint.
"""
from __future__ import annotations

import datetime as dt

from chinese_calendar import constants as _cc

__all__ = [
    "CalendarNotLoaded",
    "loaded_years",
    "is_loaded",
    "is_working_day",
    "add_working_days",
    "working_days_between",
]


class CalendarNotLoaded(LookupError):
    """A date falls in a year whose official holiday notice is not in the installed calendar data."""

    def __init__(self, year: int):
        self.year = year
        super().__init__(
            f"{year}年的节假日安排未载入（已载入：{_years_text()}）；无法计算工作日，"
            f"请升级 chinesecalendar 或补充该年国务院办公厅节假日安排通知"
        )


def _compute_loaded() -> frozenset[int]:
    # A year counts as loaded only when the package carries its notice (at least New Year's Day off).
    return frozenset(d.year for d in _cc.holidays)


_LOADED = _compute_loaded()


def _years_text() -> str:
    ys = sorted(_LOADED)
    return f"{ys[0]}–{ys[-1]}" if ys else "无"


def loaded_years() -> tuple[int, ...]:
    """Years whose official calendar is available, ascending."""
    return tuple(sorted(_LOADED))


def is_loaded(year: int) -> bool:
    return year in _LOADED


def is_working_day(day: dt.date) -> bool:
    """True on a working day: weekdays that are not holidays, plus 调休 make-up weekend days."""
    if day.year not in _LOADED:
        raise CalendarNotLoaded(day.year)
    if day in _cc.workdays:
        return True
    if day in _cc.holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: dt.date, n: int, skip: frozenset[dt.date] | set[dt.date] = frozenset()) -> dt.date:
    """The n-th working day strictly after `start` ("within n working days of start").

    The start day itself never counts (counting from the day after); `skip` holds working days that
    do not count either (suspended intervals).  n == 0 returns `start`.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    day, counted = start, 0
    while counted < n:
        day += dt.timedelta(days=1)
        if is_working_day(day) and day not in skip:
            counted += 1
    return day


def working_days_between(after: dt.date, through: dt.date) -> list[dt.date]:
    """Working days d with after < d <= through."""
    out, day = [], after
    while day < through:
        day += dt.timedelta(days=1)
        if is_working_day(day):
            out.append(day)
    return out
