"""Pure rules of the register: Art. 26 lateness at literal dates (hand-counted on the 2025/2026
State Council holiday notices) and the review state machine."""

from __future__ import annotations

import datetime as dt

import pytest

from xxgk.office.calendar import is_loaded
from xxgk.web.office.register import workflow
from xxgk.web.office.register.lateness import art26_due, art26_status

D = dt.date


# Hand counts (the N-th working day strictly after the formed date):
# * Spring Festival 2025: off 28 Jan–4 Feb; 调休 Sun 26 Jan and Sat 8 Feb are working days.
#   From Mon 20 Jan: 21,22,23,24 (4), Sun 26 (5), 27 (6), 5,6,7 Feb (9), Sat 8 (10), 10–14 (15), 17–21 (20).
# * Formed Mon 6 Jan 2025: 7–10 (4), 13–17 (9), 20–24 (14), 26 (15), 27 (16), 5,6,7 Feb (19), Sat 8 Feb (20):
#   the due date is itself a 调休 Saturday.
# * Spring Festival 2026: off Sun 15–Mon 23 Feb; 调休 Sat 14 Feb and Sat 28 Feb.
#   From Mon 2 Feb: 3–6 (4), 9–13 (9), Sat 14 (10), 24–27 (14), Sat 28 (15), 2–6 Mar (20).
# * National Day 2025: off 1–8 Oct; 调休 Sun 28 Sep and Sat 11 Oct.
#   From Mon 22 Sep: 23–26 (4), Sun 28 (5), 29, 30 (7), 9, 10 Oct (9), Sat 11 (10), 13–17 (15), 20–24 (20).
@pytest.mark.parametrize("formed,due", [
    (D(2025, 1, 20), D(2025, 2, 21)),
    (D(2025, 1, 6), D(2025, 2, 8)),
    (D(2026, 2, 2), D(2026, 3, 6)),
    (D(2025, 9, 22), D(2025, 10, 24)),
])
def test_art26_due_across_holidays(formed: dt.date, due: dt.date) -> None:
    assert art26_due(formed) == due


def test_published_on_the_due_day_is_on_time_the_next_day_late() -> None:
    # due is the 调休 Saturday 8 Feb 2025
    assert art26_status(D(2025, 1, 6), D(2025, 2, 8), D(2026, 1, 1)).late is False
    assert art26_status(D(2025, 1, 6), D(2025, 2, 9), D(2026, 1, 1)).late is True
    # National Day 2025
    assert art26_status(D(2025, 9, 22), D(2025, 10, 24), D(2026, 1, 1)).late is False
    assert art26_status(D(2025, 9, 22), D(2025, 10, 25), D(2026, 1, 1)).late is True


def test_unpublished_is_late_only_after_the_due_day() -> None:
    s = art26_status(D(2026, 2, 2), None, D(2026, 3, 6))
    assert (s.due, s.late) == (D(2026, 3, 6), False)
    assert art26_status(D(2026, 2, 2), None, D(2026, 3, 7)).late is True
    # published early: on time whatever today is
    assert art26_status(D(2026, 2, 2), D(2026, 2, 3), D(2026, 12, 1)).late is False


def test_year_without_calendar_cannot_be_computed() -> None:
    assert not is_loaded(2003)
    s = art26_status(D(2003, 6, 2), None, D(2026, 1, 1))
    assert s.due is None and s.late is None and not s.known
    assert "2003" in s.problem
    assert art26_due(D(2003, 6, 2)) is None


def test_due_running_into_an_unloaded_year_cannot_be_computed() -> None:
    if is_loaded(2027):
        pytest.skip("2027 calendar installed")
    assert art26_status(D(2026, 12, 20), None, D(2027, 2, 1)).late is None


CLERK, REVIEWER, HEAD = {"edit"}, {"edit", "review"}, {"edit", "review", "approve"}


def test_workflow_happy_path_and_return() -> None:
    t = workflow.transition
    assert t("draft", "submit", capabilities=CLERK, actor_id=1, drafter_ids={1}) == "content_review"
    assert t("content_review", "approve", capabilities=REVIEWER, actor_id=2, drafter_ids={1}) == "secrecy_review"
    assert t("secrecy_review", "publish", capabilities=HEAD, actor_id=3, drafter_ids={1}) == "published"
    assert t("content_review", "return", capabilities=REVIEWER, actor_id=2, drafter_ids={1}, note="改") == "returned"
    assert t("secrecy_review", "return", capabilities=HEAD, actor_id=3, drafter_ids={1}, note="涉密") == "returned"
    assert t("returned", "submit", capabilities=CLERK, actor_id=1, drafter_ids={1}) == "content_review"


@pytest.mark.parametrize("state,action,caps,actor", [
    ("content_review", "approve", CLERK, 2),          # clerk cannot review
    ("secrecy_review", "publish", REVIEWER, 2),       # reviewer cannot publish
    ("secrecy_review", "return", REVIEWER, 2),        # nor return at the confidentiality step
    ("content_review", "approve", REVIEWER, 1),       # separation of duties: own item
    ("secrecy_review", "publish", HEAD, 1),           # the head cannot publish an item they drafted
])
def test_workflow_forbidden(state: str, action: str, caps: set[str], actor: int) -> None:
    with pytest.raises(workflow.Forbidden):
        workflow.transition(state, action, capabilities=caps, actor_id=actor, drafter_ids={1}, note="x")


@pytest.mark.parametrize("state,action,note", [
    ("draft", "approve", ""), ("draft", "publish", ""), ("published", "return", "x"), ("published", "submit", ""),
    ("content_review", "publish", ""), ("content_review", "submit", ""), ("content_review", "return", "  "),
    ("draft", "frobnicate", ""),
])
def test_workflow_illegal(state: str, action: str, note: str) -> None:
    with pytest.raises(workflow.IllegalTransition):
        workflow.transition(state, action, capabilities=HEAD, actor_id=9, drafter_ids={1}, note=note)


def test_actions_for_roles() -> None:
    assert workflow.actions_for("draft", CLERK) == ["submit"]
    assert workflow.actions_for("content_review", CLERK) == []
    assert workflow.actions_for("content_review", REVIEWER) == ["approve", "return"]
    assert workflow.actions_for("secrecy_review", REVIEWER) == []
    assert workflow.actions_for("secrecy_review", HEAD) == ["publish", "return"]
    assert workflow.actions_for("published", HEAD) == []
