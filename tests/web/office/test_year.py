"""Year close, end to end: the office's records (every one of the 21 outcomes, open applications,
appeals, documents, decisions, fees) compiled into 表二/三/四 that equal counts made BY HAND below;
carry-over across the year boundary; an office starting mid-life from last year's published
report; the reconciliation page listing exactly the differences planted in a published report.

Records are in tests/web/office/_year_data.py; its docstring tells the story, the literals here
are counted from it by hand."""

from __future__ import annotations

from typing import Any

import pytest

from xxgk.report import keys as K

from ._year_data import backlog_2023, fill_sections, year_2024

pytestmark = pytest.mark.django_db

NP, CE, RI, PW, LS, OO = ("natural_person", "commercial_enterprise", "research_institution",
                          "public_welfare_org", "legal_service_org", "other_org")

#: 表三 of 2024, counted by hand from _year_data (non-zero cells only; every other cell is 0).
T3_2024 = {
    "new_received": {NP: 11, CE: 5, RI: 3, PW: 2, LS: 3, OO: 2, "total": 26},
    "carried_over": {NP: 1, CE: 1, OO: 1, "total": 3},
    "granted": {NP: 2, CE: 1, "total": 3},
    "partially_granted": {NP: 1, CE: 1, "total": 2},
    "denied_state_secret": {CE: 1, "total": 1},
    "denied_law_prohibited": {RI: 1, "total": 1},
    "denied_security_stability": {PW: 1, "total": 1},
    "denied_third_party": {LS: 1, "total": 1},
    "denied_internal_affairs": {OO: 1, "total": 1},
    "denied_process_info": {NP: 1, "total": 1},
    "denied_enforcement_file": {NP: 1, "total": 1},
    "denied_admin_query": {CE: 1, "total": 1},
    "unable_not_held": {NP: 2, "total": 2},
    "unable_needs_creation": {RI: 1, "total": 1},
    "unable_unclear": {NP: 1, "total": 1},
    "not_processed_petition": {NP: 1, "total": 1},
    "not_processed_duplicate": {CE: 1, "total": 1},
    "not_processed_publication": {PW: 1, "total": 1},
    "not_processed_excessive": {NP: 1, "total": 1},
    "not_processed_confirm": {LS: 1, "total": 1},
    "other_no_correction": {NP: 1, "total": 1},
    "other_fee_unpaid": {CE: 1, "total": 1},
    "other_other": {OO: 1, "total": 1},
    "results_total": {NP: 11, CE: 6, RI: 2, PW: 2, LS: 2, OO: 2, "total": 25},
    "carried_forward": {NP: 1, RI: 1, LS: 1, OO: 1, "total": 4},
}
T2_2024 = {
    "t2.regulations.issued": 0, "t2.regulations.repealed": 0, "t2.regulations.in_force": 1,
    "t2.normative_documents.issued": 2, "t2.normative_documents.repealed": 2, "t2.normative_documents.in_force": 1,
    "t2.licensing": 7, "t2.penalty": 2, "t2.compulsion": 0, "t2.admin_fees_wan_yuan": "1.75",
}
T4_2024 = {
    "review": {"upheld": 1, "corrected": 1, "other": 0, "pending": 1, "total": 3},
    "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
    "litigation_after_review": {"upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1},
}
#: 2023's 四、结转下年度继续办理 (P2, P3, P4) = 2024's 二、上年结转.
FORWARD_2023 = {NP: 1, CE: 1, RI: 0, PW: 0, LS: 0, OO: 1, "total": 3}
#: 2024's carried_forward (N1, N2, N3, P4) = 2025's carried_over.
FORWARD_2024 = {NP: 1, CE: 0, RI: 1, PW: 0, LS: 1, OO: 1, "total": 4}


def _expected_t3() -> dict[str, int]:
    out = {}
    for row in K.t3_rows("2021"):
        for col in K.T3_COLUMNS:
            out[f"t3.{row}.{col}"] = T3_2024.get(row, {}).get(col, 0)
    return out


def _close(agency: Any, year: int, user: Any) -> Any:
    from xxgk.web.office.year import service

    return service.close_year(agency, year, user)


def test_every_outcome_compiles_to_the_hand_counted_tables(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    a = tree["dept_a"]
    backlog_2023(a)
    year_2024(a)
    yr = _close(a, 2024, staff["clerk_a"])
    got_t3 = {k: v for k, v in yr.values.items() if k.startswith("t3.")}
    assert got_t3 == _expected_t3()
    assert {k: yr.values[k] for k in T2_2024} == T2_2024
    assert {k: v for k, v in yr.values.items() if k.startswith("t4.")} == {
        f"t4.{b}.{c}": n for b, cols in T4_2024.items() for c, n in cols.items()}
    assert len(yr.values) == 200
    assert yr.carried_over_from == "records" and yr.state == "draft" and yr.compiled_at is not None
    # Fee notices: two in 2024 (100.00 unpaid, 50.50 paid).
    assert yr.fees == {"notices": 2, "notice_amount_yuan": "150.50", "collected_yuan": "50.50"}
    from xxgk.web.office.year.service import report_of

    report = report_of(yr)
    assert [f.message for f in report.check() if f.severity == "error"] == []
    assert report.value("t3.results_total.total") == 25
    assert "150.50" in report.sections["other"] and "50.50" in report.sections["other"]


def test_refs_behind_cells_are_the_records(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    from xxgk.web.office.year.service import compile_records

    a = tree["dept_a"]
    backlog_2023(a)
    rec = year_2024(a)
    c = compile_records(a, 2024)
    assert sorted(c.refs("t3.unable_not_held.natural_person")) == ["2023-P3", "2024-011"]
    assert sorted(c.refs("t3.carried_forward.total")) == ["2023-P4", "2024-N1", "2024-N2", "2024-N3"]
    assert c.refs("t4.review.pending") == [f"case-{rec['cases']['C5'].pk}"]
    assert sorted(c.refs("t2.licensing")) == sorted(f"decision-{d.pk}" for d in rec["decisions"][:2])
    assert sorted(c.refs("t2.normative_documents.repealed")) == sorted(
        f"doc-{rec['docs'][k].pk}" for k in ("D3", "D4"))


def test_carry_over_across_the_year_boundary(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    a = tree["dept_a"]
    backlog_2023(a)
    year_2024(a)
    y23 = _close(a, 2023, staff["clerk_a"])
    y24 = _close(a, 2024, staff["clerk_a"])
    y25 = _close(a, 2025, staff["clerk_a"])
    assert {c: y23.values[f"t3.carried_forward.{c}"] for c in K.T3_COLUMNS} == FORWARD_2023
    assert {c: sorted(refs) for c, refs in y23.open_at_end.items() if refs} == {
        NP: ["2023-P3"], CE: ["2023-P2"], OO: ["2023-P4"]}
    assert {c: y24.values[f"t3.carried_over.{c}"] for c in K.T3_COLUMNS} == FORWARD_2023
    assert {c: y24.values[f"t3.carried_forward.{c}"] for c in K.T3_COLUMNS} == FORWARD_2024
    assert {c: y25.values[f"t3.carried_over.{c}"] for c in K.T3_COLUMNS} == FORWARD_2024
    # 2023's own table: P1 granted; P2, P3, P4 carried forward; C2 pending, C6 upheld.
    assert y23.values["t3.new_received.total"] == 4 and y23.values["t3.granted.total"] == 1
    assert y23.values["t4.review.pending"] == 1 and y23.values["t4.litigation_direct.upheld"] == 1
    assert y23.values["t2.licensing"] == 10 and y23.values["t2.admin_fees_wan_yuan"] == "9.00"
    # 2025: N3 granted (legal), N4 new (natural), P4/N1/N2 still open.
    assert y25.values["t3.granted.legal_service_org"] == 1 and y25.values["t3.new_received.total"] == 1
    assert y25.values["t3.carried_forward.total"] == 4
    assert y25.values["t4.review.upheld"] == 1  # C5, decided in 2025
    for y in (y23, y24, y25):
        assert y.carried_over_from == "records"


def _publish_generated(agency: Any, year: int, apps: list[Any], *, change: dict[str, int] | None = None) -> Any:
    """File in the store a report of `year` compiled from plain records (not the office's
    database): an office's pre-system report, or one the supervisor had. `change` plants numbers."""
    import xxgk
    from xxgk.office.compile import compile_year
    from xxgk.store.compiled import publish

    c = compile_year(year, apps)
    report = c.to_report(agency.name, year, {}, fees={"notices": 0})
    for key, value in (change or {}).items():
        from xxgk.report.model import Cell

        report.cells[key] = Cell.from_raw(key, str(value))
    data = xxgk.render(report, "docx", allow_errors=True)
    return publish(agency, year, name=f"{year}.docx", data=data, author="上传人")


def test_mid_life_start_takes_carried_over_from_last_years_published_report(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    import datetime as dt

    from xxgk.office.compile import ApplicationRecord as R

    a = tree["dept_a"]
    # The office's 2023 report, published before it used the system: 2 + 1 + 1 open at the end.
    v = _publish_generated(a, 2023, [
        R("old-1", NP, dt.date(2023, 5, 1)), R("old-2", NP, dt.date(2023, 6, 1)),
        R("old-3", CE, dt.date(2023, 7, 1)), R("old-4", OO, dt.date(2023, 8, 1)),
        R("old-5", NP, dt.date(2023, 2, 1), dt.date(2023, 3, 1), "granted"),
    ])
    assert v.made_by == "compiled"
    backlog_2023(a)  # typed in this year (created now): the backlog, P2/P3/P4 open on 1 Jan 2024
    year_2024(a)
    yr = _close(a, 2024, staff["clerk_a"])
    assert yr.carried_over_from == f"report:{v.pk}"
    assert {c: yr.values[f"t3.carried_over.{c}"] for c in K.T3_COLUMNS} == {
        NP: 2, CE: 1, RI: 0, PW: 0, LS: 0, OO: 1, "total": 4}
    # The records hold only 3 of them open (P2, P3, P4): 表三's identity fails on 自然人 and 总计.
    from xxgk.web.office.year.service import problems

    errors = problems(yr)["errors"]
    assert errors and all(set(f.cells) & {"t3.carried_over.natural_person", "t3.carried_over.total",
                                          "t3.new_received.natural_person", "t3.new_received.total"}
                          for f in errors)


def test_reconciliation_lists_exactly_the_planted_differences(tree: dict[str, Any], staff: dict[str, Any],
                                                              login: Any) -> None:
    """A report of 2024 in the store (uploaded by the supervisor before the office closed its year)
    differs from the records in three planted cells; the page lists those three, with their records."""
    import xxgk
    from xxgk.store.compiled import publish
    from xxgk.web.office.year.service import compile_records, fee_figures

    a = tree["dept_a"]
    backlog_2023(a)
    rec = year_2024(a)
    _close(a, 2024, staff["clerk_a"])
    c = compile_records(a, 2024)
    report = c.to_report(a.name, 2024, {}, fees=fee_figures(a, 2024))
    from xxgk.report.model import Cell

    for key, value in {"t2.licensing": "12", "t4.review.upheld": "2", "t4.review.total": "4"}.items():
        report.cells[key] = Cell.from_raw(key, value)
    publish(a, 2024, name="2024-supervisor.docx", data=xxgk.render(report, "docx", allow_errors=True), author="sup_a")
    page = login(staff["clerk_a"]).get("/office/years/2024/reconcile/").content.decode()
    import re

    keys = re.findall(r'<tr data-key="([^"]+)">', page)
    assert keys == ["t2.licensing", "t4.review.upheld", "t4.review.total"]
    # The records behind each compiled number are listed.
    c1 = f"case-{rec['cases']['C1'].pk}"
    assert f"decision-{rec['decisions'][0].pk}" in page and c1 in page and "复2024-1" in page
    # The carry check (last year's records, compiled now) has nothing to say.
    assert page.count('class="ok"') == 1 and 'data-column="' not in page


def test_reconciliation_without_differences_says_so(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    from xxgk.web.office.year import service

    a = tree["dept_a"]
    backlog_2023(a)
    year_2024(a)
    yr = _close(a, 2024, staff["clerk_a"])
    yr.sections = fill_sections(yr)
    yr.save()
    yr = service.submit(yr, staff["clerk_a"])
    yr = service.approve(yr, staff["head_a"])
    service.publish(yr, staff["head_a"])
    page = login(staff["clerk_a"]).get("/office/years/2024/reconcile/").content.decode()
    assert 'data-key="' not in page
    assert page.count('class="ok"') == 2  # same year: no difference; carry-over: no difference


def test_carry_check_lists_the_column_that_moved(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    """Last year closed with P2 open; P2's received date is then corrected into 2024, so this year
    no longer carries it over: the 商业企业 column and 总计 differ, and the page says so."""
    import datetime as dt

    from xxgk.web.office.models import Application

    a = tree["dept_a"]
    backlog_2023(a)
    year_2024(a)
    _close(a, 2023, staff["clerk_a"])
    Application.objects.filter(agency=a, ref="2023-P2").update(received_on=dt.date(2024, 1, 2))
    _close(a, 2024, staff["clerk_a"])
    page = login(staff["clerk_a"]).get("/office/years/2024/reconcile/").content.decode()
    import re

    assert re.findall(r'<tr data-column="([^"]+)">', page) == ["commercial_enterprise", "total"]
    # The year-end snapshot of 2023 names the application that moved, under both columns.
    assert page.count("上年末未办结、本年未结转：2023-P2") == 2
