"""The office demo (`xxgk.web.demo.office`): a realistic year of 丙县教育局's office, loaded through
the office's own services. Expected values are worked out by hand from the demo's plan (its
docstring) and the 2026 official calendar, not read from the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

pytestmark = pytest.mark.django_db

OUTCOMES_21 = {
    "granted", "partially_granted", "denied_state_secret", "denied_law_prohibited", "denied_security_stability",
    "denied_third_party", "denied_internal_affairs", "denied_process_info", "denied_enforcement_file",
    "denied_admin_query", "unable_not_held", "unable_needs_creation", "unable_unclear", "not_processed_petition",
    "not_processed_duplicate", "not_processed_publication", "not_processed_excessive", "not_processed_confirm",
    "other_no_correction", "other_fee_unpaid", "other_other",
}


@pytest.fixture
def loaded(db: Any) -> Any:
    from xxgk.web import demo

    return demo.load(configure=False, years=(2024,), scan=False)


def test_office_demo_year(loaded: Any, client: Any, monkeypatch: Any) -> None:
    from xxgk.store.models import Finding, Version
    from xxgk.web.office.applications import board, service
    from xxgk.web.office.models import Application, ApplicationEvent, Case, ProactiveItem, YearReport

    assert loaded.office.created and loaded.office.year_published == 2025
    apps = Application.objects.filter(agency__code="990101-JYJ")
    closed26 = set(apps.filter(closed_on__year=2026).values_list("outcome", flat=True))
    closed25 = set(apps.filter(closed_on__year=2025).values_list("outcome", flat=True))
    assert closed26 == OUTCOMES_21  # every row of 表三 in the year in progress
    assert closed25 == OUTCOMES_21 - {"other_fee_unpaid"}
    assert set(apps.values_list("channel", flat=True)) == {"counter", "post_registered", "post_ordinary", "fax", "email", "online"}
    assert len(set(apps.values_list("applicant_type", flat=True))) == 6
    assert not Application.objects.filter(agency__code="990102-JYJ").exists()

    # The 调休 case: received Friday 2026-02-13; counted from the day after: Sat 14 Feb (调休, a
    # working day) is day 1, 15–23 Feb off, then 24 Feb … 19 Mar is day 20 (Sat 28 Feb counted).
    spring = apps.get(received_on=dt.date(2026, 2, 13))
    assert service.clock_of(spring).due() == dt.date(2026, 3, 19)

    # Fees: the applicant's 11th application of March 2026 costs 100 元 (按件: 11–30 at 100); the
    # 12th, unpaid, closes as other_fee_unpaid; 120 pages 按量 = 70 × 10 + 20 × 20 = 1,100 元.
    fees = sorted((e.method, e.pages, int(e.amount_yuan), e.paid_on is not None)
                  for e in ApplicationEvent.objects.filter(kind="fee_notice", application__agency__code="990101-JYJ"))
    assert fees == [("per_item", None, 100, False), ("per_item", None, 100, True), ("per_page", 120, 1100, True)]

    # The board as of Monday 2026-12-07: one overdue (received 27 Oct by registered post), one
    # clock stopped by a 补正, one consultation running, and the open ones all have due dates.
    b = board.buckets(apps.first().agency_id, dt.date(2026, 12, 7))
    overdue = Application.objects.filter(ref__in=[r["ref"] for r in b["overdue"]["rows"]])
    assert set(overdue.values_list("received_on", flat=True)) == {dt.date(2026, 10, 27)}
    assert b["stopped"]["count"] == 1 and b["no_due"]["count"] == 0
    assert apps.filter(closed_on__isnull=True).count() == 7

    # The register: items through review, some late under Art. 26; appeals, one pending.
    items = ProactiveItem.objects.filter(agency__code="990101-JYJ")
    assert items.count() > 250
    assert {"draft", "content_review", "secrecy_review", "returned", "published"} == set(items.values_list("state", flat=True))
    late = [i for i in items.filter(published_on__isnull=False) if i.published_on > i.due_on]
    assert 3 <= len(late) <= 15
    assert Case.objects.filter(agency__code="990101-JYJ", result="pending").count() == 1

    # 2025 published into the store, clean; 2026 a draft.
    years = dict(YearReport.objects.filter(agency__code="990101-JYJ").values_list("year", "state"))
    assert years == {2025: "published", 2026: "draft"}
    v = Version.objects.get(made_by="compiled")
    assert (v.report.agency.code, v.report.year, v.errors, v.warnings) == ("990101-JYJ", 2025, 0, 0)
    assert not Finding.objects.filter(version=v).exists()
    yr = YearReport.objects.get(agency__code="990101-JYJ", year=2025)
    assert yr.carried_over_from.startswith("report:")  # the office started mid-life, from its 2024 report

    # The staff log in with the printed password and see their own office only.
    assert client.post("/login/", {"username": "bing_edu_clerk", "password": loaded.password}).status_code == 302
    for url in ("/office/", "/office/board/", "/office/applications/", "/office/items/", "/office/years/"):
        assert client.get(url).status_code == 200, url
    client.post("/logout/")
    client.post("/login/", {"username": "ding_edu_clerk", "password": loaded.password})
    assert "990101" not in client.get("/office/applications/").content.decode()
