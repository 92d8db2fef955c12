"""The records of the year-close tests: one office (丙县教育局) over 2023–2025, typed so that every
one of the 21 outcomes of 表三 occurs in 2024, with applications carried over from 2023 and into
2025, appeals pending and decided across the boundary, documents issued and repealed, decision
counts, fee income and fee notices. The expected tables are counted by hand in the test modules
(literals), not computed here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

D = dt.date

#: 2024's applications, one per outcome of 表三 (printed order), with their applicant column.
OUTCOME_APPS = [
    ("granted", "natural_person"),
    ("partially_granted", "natural_person"),
    ("denied_state_secret", "commercial_enterprise"),
    ("denied_law_prohibited", "research_institution"),
    ("denied_security_stability", "public_welfare_org"),
    ("denied_third_party", "legal_service_org"),
    ("denied_internal_affairs", "other_org"),
    ("denied_process_info", "natural_person"),
    ("denied_enforcement_file", "natural_person"),
    ("denied_admin_query", "commercial_enterprise"),
    ("unable_not_held", "natural_person"),
    ("unable_needs_creation", "research_institution"),
    ("unable_unclear", "natural_person"),
    ("not_processed_petition", "natural_person"),
    ("not_processed_duplicate", "commercial_enterprise"),
    ("not_processed_publication", "public_welfare_org"),
    ("not_processed_excessive", "natural_person"),
    ("not_processed_confirm", "legal_service_org"),
    ("other_no_correction", "natural_person"),
    ("other_fee_unpaid", "commercial_enterprise"),
    ("other_other", "other_org"),
]


def app(agency: Any, ref: str, applicant_type: str, received: dt.date, closed: dt.date | None = None,
        outcome: str = "", name: str = "张三") -> Any:
    from xxgk.web.office.models import Application

    return Application.objects.create(
        agency=agency, ref=ref, applicant_type=applicant_type, applicant_name=name, channel="counter",
        received_on=received, description=f"申请 {ref}", closed_on=closed, outcome=outcome)


def backlog_2023(agency: Any) -> dict[str, Any]:
    """2023's applications: one closed in 2023, three open on 31 Dec 2023 (two close in 2024)."""
    return {
        "P1": app(agency, "2023-P1", "natural_person", D(2023, 3, 1), D(2023, 4, 1), "granted"),
        "P2": app(agency, "2023-P2", "commercial_enterprise", D(2023, 11, 20), D(2024, 1, 10), "partially_granted"),
        "P3": app(agency, "2023-P3", "natural_person", D(2023, 12, 28), D(2024, 2, 1), "unable_not_held"),
        "P4": app(agency, "2023-P4", "other_org", D(2023, 12, 15)),
    }


def year_2024(agency: Any) -> dict[str, Any]:
    """2024's applications, appeals, registers and fees (see the module docstring)."""
    from xxgk.web.office.models import ApplicationEvent, Case, DecisionCount, Document, FeeIncome

    apps: dict[str, Any] = {}
    for i, (outcome, col) in enumerate(OUTCOME_APPS, start=1):
        received = D(2024, 2, 1) + dt.timedelta(days=7 * i)
        apps[outcome] = app(agency, f"2024-{i:03d}", col, received, received + dt.timedelta(days=15), outcome)
    apps["G2"] = app(agency, "2024-G2", "natural_person", D(2024, 9, 2), D(2024, 9, 20), "granted")
    apps["G3"] = app(agency, "2024-G3", "commercial_enterprise", D(2024, 5, 6), D(2024, 6, 20), "granted")
    apps["N1"] = app(agency, "2024-N1", "natural_person", D(2024, 12, 20))
    apps["N2"] = app(agency, "2024-N2", "research_institution", D(2024, 11, 1))
    apps["N3"] = app(agency, "2024-N3", "legal_service_org", D(2024, 12, 1), D(2025, 1, 5), "granted")
    apps["N4"] = app(agency, "2025-N4", "natural_person", D(2025, 1, 3))
    # Fee notices: one unpaid (the other_fee_unpaid application), one paid.
    ApplicationEvent.objects.create(application=apps["other_fee_unpaid"], kind="fee_notice", on=D(2024, 5, 10),
                                    method="per_item", amount_yuan=Decimal("100.00"))
    ApplicationEvent.objects.create(application=apps["G3"], kind="fee_notice", on=D(2024, 6, 1),
                                    method="per_page", pages=120, amount_yuan=Decimal("50.50"), paid_on=D(2024, 6, 5))
    cases = {
        "C1": Case.objects.create(agency=agency, application=apps["granted"], case_no="复2024-1", kind="review",
                                  result="upheld", filed_on=D(2024, 3, 1), decided_on=D(2024, 5, 1)),
        "C2": Case.objects.create(agency=agency, case_no="复2023-9", kind="review", result="corrected",
                                  filed_on=D(2023, 11, 1), decided_on=D(2024, 2, 1)),
        "C3": Case.objects.create(agency=agency, case_no="诉2024-1", kind="litigation_direct", result="pending",
                                  filed_on=D(2024, 6, 1)),
        "C4": Case.objects.create(agency=agency, case_no="诉2024-2", kind="litigation_after_review", result="other",
                                  filed_on=D(2024, 7, 1), decided_on=D(2024, 10, 1)),
        "C5": Case.objects.create(agency=agency, case_no="复2024-5", kind="review", result="upheld",
                                  filed_on=D(2024, 9, 1), decided_on=D(2025, 1, 15)),
        "C6": Case.objects.create(agency=agency, case_no="诉2023-1", kind="litigation_direct", result="upheld",
                                  filed_on=D(2023, 1, 1), decided_on=D(2023, 6, 1)),
    }
    docs = {
        "D1": Document.objects.create(agency=agency, kind="regulations", doc_no="规1", title="规章一", issued_on=D(2020, 1, 1)),
        "D2": Document.objects.create(agency=agency, kind="normative_documents", doc_no="教2024-1", title="文件二", issued_on=D(2024, 3, 1)),
        "D3": Document.objects.create(agency=agency, kind="normative_documents", doc_no="教2022-3", title="文件三",
                                      issued_on=D(2022, 5, 1), repealed_on=D(2024, 6, 30)),
        "D4": Document.objects.create(agency=agency, kind="normative_documents", doc_no="教2024-4", title="文件四",
                                      issued_on=D(2024, 8, 1), repealed_on=D(2024, 12, 1)),
        "D5": Document.objects.create(agency=agency, kind="normative_documents", doc_no="教2025-5", title="文件五", issued_on=D(2025, 2, 1)),
        "D6": Document.objects.create(agency=agency, kind="normative_documents", doc_no="教2019-6", title="文件六",
                                      issued_on=D(2019, 1, 1), repealed_on=D(2023, 1, 1)),
    }
    decisions = [
        DecisionCount.objects.create(agency=agency, year=2024, kind="licensing", period="Q1", count=3),
        DecisionCount.objects.create(agency=agency, year=2024, kind="licensing", period="Q2", count=4),
        DecisionCount.objects.create(agency=agency, year=2024, kind="penalty", period="全年", count=2),
        DecisionCount.objects.create(agency=agency, year=2023, kind="licensing", period="全年", count=10),
    ]
    fees = [
        FeeIncome.objects.create(agency=agency, year=2024, period="上半年", amount_wan_yuan=Decimal("1.25")),
        FeeIncome.objects.create(agency=agency, year=2024, period="下半年", amount_wan_yuan=Decimal("0.5")),
        FeeIncome.objects.create(agency=agency, year=2023, period="全年", amount_wan_yuan=Decimal("9")),
    ]
    return {"apps": apps, "cases": cases, "docs": docs, "decisions": decisions, "fees": fees}


def fill_sections(yr: Any) -> dict[str, str]:
    """The drafted sections with every 【…】 placeholder replaced (what a clerk does)."""
    from xxgk.report.narrative import PLACEHOLDER_RE

    return {k: PLACEHOLDER_RE.sub("已按要求填写。", v) for k, v in yr.sections.items()}
