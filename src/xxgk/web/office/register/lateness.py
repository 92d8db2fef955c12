"""Art. 26 lateness of a proactive item, as a pure function of its dates.

Art. 26: an item is published within 20 working days of being formed or changed. "Within N working
days of D" is counted as `xxgk.office.clock` counts every statutory period: the N-th working day
strictly after D (`calendar.add_working_days`), 调休 make-up days included, holidays skipped. A
year whose official calendar is not loaded gives no due date and no verdict ("cannot compute"):
a guessed deadline would flag an office wrongly, or worse, not flag it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xxgk.office.calendar import CalendarNotLoaded, add_working_days

#: Art. 26: working days from formed/changed to published.
ART26_DAYS = 20


@dataclass(frozen=True)
class Lateness:
    """`due` the last lawful publication day (None: cannot compute); `late` True/False, or None
    when it cannot be computed, with the reason in `problem`."""

    due: dt.date | None
    late: bool | None
    problem: str = ""

    @property
    def known(self) -> bool:
        return self.late is not None


def art26_due(formed_on: dt.date) -> dt.date | None:
    """The Art. 26 due date of an item formed or changed on `formed_on`; None when a year on the
    way has no calendar data."""
    try:
        return add_working_days(formed_on, ART26_DAYS)
    except CalendarNotLoaded:
        return None


def art26_status(formed_on: dt.date, published_on: dt.date | None, today: dt.date,
                 due: dt.date | None = None) -> Lateness:
    """Late = published after the due date, or not published and `today` past it. `due` may be
    passed when already known (the stored `due_on`), else it is computed."""
    if due is None:
        try:
            due = add_working_days(formed_on, ART26_DAYS)
        except CalendarNotLoaded as e:
            return Lateness(None, None, str(e))
    if published_on is not None:
        return Lateness(due, published_on > due)
    return Lateness(due, today > due)
