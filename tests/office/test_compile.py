"""compile_year / reconcile / carry_check (issue 16): every expected number below was counted by hand
from the fixture records, written as literals, never computed by the code under test.

Hand count of 表三 2024 (R = received, C = closed):

    自然人   N1 N2 N3 granted; N9 (R 1 Jan, C 31 Dec) law_prohibited → new 6 with N5, N6 (open on 31 Dec);
             N4 (R 2023-12-20, C 2024-01-10) state_secret, N10 (R 2023-12-31, C 2024-01-01) security → carried_over 2;
             N7 (all in 2023), N8 (all in 2025) not counted.  results 6, carried_forward 2 (N5, N6).
    商业企业 C1 fee_unpaid, C2 third_party, C3 internal_affairs, C4 (R 31 Dec, open) → new 4, results 3, cf 1.
    科研机构 R1 process_info, R2 enforcement_file, R4 not_held (new 3); R3 (R 2022) admin_query → co 1; results 4.
    社会公益 P1 needs_creation, P2 unclear, P3 petition → new 3, results 3.
    法律服务 L1 (律所) partially_granted, L3 duplicate → new 2; L2 (R 2023-12-28, open) → co 1, cf 1; results 2.
    其他     O1 publication, O2 excessive, O3 confirm, O4 no_correction, O5 other_other → new 5, results 5;
             O6 (closed 2023-12-31) not counted.
    总计     new 23, co 4, results 23, cf 4 (N5, N6, C4, L2): 23 + 4 = 23 + 4.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.office.compile import (
    APPLICANT_TYPES,
    OUTCOMES,
    ApplicationRecord,
    CaseRecord,
    CompileError,
    CompiledYear,
    DocumentRecord,
    T2Records,
    carried_forward_of,
    compile_year,
)
from xxgk.office.reconcile import carry_check, reconcile
from xxgk.report.model import Report

D = date
A = ApplicationRecord

APPS = (
    A("N1", "natural_person", D(2024, 3, 1), D(2024, 3, 20), "granted"),
    A("N2", "natural_person", D(2024, 4, 1), D(2024, 4, 25), "granted"),
    A("N3", "natural_person", D(2024, 5, 6), D(2024, 5, 30), "granted"),
    A("N4", "natural_person", D(2023, 12, 20), D(2024, 1, 10), "denied_state_secret"),
    A("N5", "natural_person", D(2024, 12, 20)),
    A("N6", "natural_person", D(2024, 12, 25), D(2025, 1, 8), "unable_not_held"),
    A("N7", "natural_person", D(2023, 5, 1), D(2023, 5, 20), "granted"),
    A("N8", "natural_person", D(2025, 1, 3), D(2025, 1, 20), "granted"),
    A("N9", "natural_person", D(2024, 1, 1), D(2024, 12, 31), "denied_law_prohibited"),
    A("N10", "natural_person", D(2023, 12, 31), D(2024, 1, 1), "denied_security_stability"),
    A("C1", "commercial_enterprise", D(2024, 2, 1), D(2024, 2, 20), "other_fee_unpaid"),
    A("C2", "commercial_enterprise", D(2024, 2, 5), D(2024, 3, 1), "denied_third_party"),
    A("C3", "commercial_enterprise", D(2024, 7, 1), D(2024, 7, 5), "denied_internal_affairs"),
    A("C4", "commercial_enterprise", D(2024, 12, 31)),
    A("R1", "research_institution", D(2024, 3, 3), D(2024, 3, 4), "denied_process_info"),
    A("R2", "research_institution", D(2024, 3, 10), D(2024, 3, 11), "denied_enforcement_file"),
    A("R3", "research_institution", D(2022, 11, 1), D(2024, 2, 1), "denied_admin_query"),
    A("R4", "research_institution", D(2024, 4, 1), D(2024, 4, 15), "unable_not_held"),
    A("P1", "public_welfare_org", D(2024, 8, 1), D(2024, 8, 2), "unable_needs_creation"),
    A("P2", "public_welfare_org", D(2024, 8, 3), D(2024, 8, 4), "unable_unclear"),
    A("P3", "public_welfare_org", D(2024, 8, 5), D(2024, 8, 6), "not_processed_petition"),
    A("L1", "legal_service_org", D(2024, 6, 1), D(2024, 6, 28), "partially_granted"),
    A("L2", "legal_service_org", D(2023, 12, 28)),
    A("L3", "legal_service_org", D(2024, 9, 1), D(2024, 9, 2), "not_processed_duplicate"),
    A("O1", "other_org", D(2024, 10, 1), D(2024, 10, 2), "not_processed_publication"),
    A("O2", "other_org", D(2024, 10, 3), D(2024, 10, 4), "not_processed_excessive"),
    A("O3", "other_org", D(2024, 10, 5), D(2024, 10, 6), "not_processed_confirm"),
    A("O4", "other_org", D(2024, 10, 7), D(2024, 10, 8), "other_no_correction"),
    A("O5", "other_org", D(2024, 10, 9), D(2024, 10, 10), "other_other"),
    A("O6", "other_org", D(2023, 11, 11), D(2023, 12, 31), "other_other"),
)

CASES = (
    CaseRecord("V1", "review", "upheld", D(2024, 2, 1), D(2024, 5, 1)),
    CaseRecord("V2", "review", "corrected", D(2023, 11, 1), D(2024, 3, 1)),  # pending 2023, corrected 2024
    CaseRecord("V3", "review", "pending", D(2024, 11, 20)),
    CaseRecord("V4", "review", "other", D(2024, 10, 1), D(2025, 2, 1)),  # pending 2024, other 2025
    CaseRecord("D1", "litigation_direct", "other", D(2024, 3, 1), D(2024, 9, 1)),
    CaseRecord("D2", "litigation_direct", "upheld", D(2023, 1, 1), D(2023, 6, 1)),
    CaseRecord("D3", "litigation_direct", "pending", D(2022, 6, 1)),  # pending every year since 2022
    CaseRecord("W1", "litigation_after_review", "pending", D(2025, 1, 5)),
    CaseRecord("W2", "litigation_after_review", "upheld", D(2024, 12, 31), D(2024, 12, 31)),
)

T2 = T2Records(
    regulations=(
        DocumentRecord("Z1", D(2024, 7, 1)),
        DocumentRecord("Z2", D(2021, 1, 1), D(2024, 12, 31)),  # repealed on 31 Dec: not in force at year end
    ),
    normative_documents=(
        DocumentRecord("G1", D(2022, 3, 1)),
        DocumentRecord("G2", D(2023, 5, 1), D(2024, 6, 1)),
        DocumentRecord("G3", D(2024, 2, 1)),
        DocumentRecord("G4", D(2024, 3, 1), D(2024, 11, 1)),  # issued and repealed in 2024
        DocumentRecord("G5", D(2024, 4, 1), D(2025, 3, 1)),  # repealed in a later year: in force in 2024
        DocumentRecord("G6", D(2025, 1, 10)),
        DocumentRecord("G7", D(2020, 1, 1), D(2023, 12, 31)),
    ),
    licensing=120,
    penalty=35,
    compulsion=4,
    admin_fees_wan_yuan=Decimal("12.5"),
    sources={"licensing": ["import-2024-03.xlsx", "import-2024-09.xlsx"], "admin_fees_wan_yuan": ["fee-ledger-2024"]},
)

COLS = ("natural_person", "commercial_enterprise", "research_institution", "public_welfare_org",
        "legal_service_org", "other_org", "total")


def row(*values: int) -> dict[str, int]:
    """A 表三 row as printed: six applicant columns and 总计."""
    assert len(values) == 7
    return dict(zip(COLS, values))


#: Hand-counted 表三 2024, non-zero rows only (see the module docstring).
T3_2024 = {
    "new_received": row(6, 4, 3, 3, 2, 5, 23),
    "carried_over": row(2, 0, 1, 0, 1, 0, 4),
    "granted": row(3, 0, 0, 0, 0, 0, 3),
    "partially_granted": row(0, 0, 0, 0, 1, 0, 1),
    "denied_state_secret": row(1, 0, 0, 0, 0, 0, 1),
    "denied_law_prohibited": row(1, 0, 0, 0, 0, 0, 1),
    "denied_security_stability": row(1, 0, 0, 0, 0, 0, 1),
    "denied_third_party": row(0, 1, 0, 0, 0, 0, 1),
    "denied_internal_affairs": row(0, 1, 0, 0, 0, 0, 1),
    "denied_process_info": row(0, 0, 1, 0, 0, 0, 1),
    "denied_enforcement_file": row(0, 0, 1, 0, 0, 0, 1),
    "denied_admin_query": row(0, 0, 1, 0, 0, 0, 1),
    "unable_not_held": row(0, 0, 1, 0, 0, 0, 1),
    "unable_needs_creation": row(0, 0, 0, 1, 0, 0, 1),
    "unable_unclear": row(0, 0, 0, 1, 0, 0, 1),
    "not_processed_petition": row(0, 0, 0, 1, 0, 0, 1),
    "not_processed_duplicate": row(0, 0, 0, 0, 1, 0, 1),
    "not_processed_publication": row(0, 0, 0, 0, 0, 1, 1),
    "not_processed_excessive": row(0, 0, 0, 0, 0, 1, 1),
    "not_processed_confirm": row(0, 0, 0, 0, 0, 1, 1),
    "other_no_correction": row(0, 0, 0, 0, 0, 1, 1),
    "other_fee_unpaid": row(0, 1, 0, 0, 0, 0, 1),
    "other_other": row(0, 0, 0, 0, 0, 1, 1),
    "results_total": row(6, 3, 4, 3, 2, 5, 23),
    "carried_forward": row(2, 1, 0, 0, 1, 0, 4),
}

#: 2025: N8 new and granted; N5, N6, C4, L2 carried over; N6 closes as unable_not_held; N5, C4, L2 stay open.
T3_2025 = {
    "new_received": row(1, 0, 0, 0, 0, 0, 1),
    "carried_over": row(2, 1, 0, 0, 1, 0, 4),
    "granted": row(1, 0, 0, 0, 0, 0, 1),
    "unable_not_held": row(1, 0, 0, 0, 0, 0, 1),
    "results_total": row(2, 0, 0, 0, 0, 0, 2),
    "carried_forward": row(1, 1, 0, 0, 1, 0, 3),
}

#: 2023: N4, N7, N10, L2, O6 new; R3 carried over from 2022; N7 granted, O6 other_other; N4, N10, R3, L2 open.
T3_2023 = {
    "new_received": row(3, 0, 0, 0, 1, 1, 5),
    "carried_over": row(0, 0, 1, 0, 0, 0, 1),
    "granted": row(1, 0, 0, 0, 0, 0, 1),
    "other_other": row(0, 0, 0, 0, 0, 1, 1),
    "results_total": row(1, 0, 0, 0, 0, 1, 2),
    "carried_forward": row(2, 0, 1, 0, 1, 0, 4),
}

ALL_T3_ROWS = ("new_received", "carried_over", *OUTCOMES, "results_total", "carried_forward")


def t3_table(c: CompiledYear) -> dict[str, dict[str, int]]:
    """The compiled 表三 as row → column → value, rows that are all zero left out."""
    out = {}
    for r in ALL_T3_ROWS:
        vals = {col: c.values[f"t3.{r}.{col}"] for col in COLS}
        if any(vals.values()):
            out[r] = vals
    return out


# --- 表三 ---------------------------------------------------------------------------------------


def test_outcome_keys_are_the_21_leaf_rows() -> None:
    assert len(OUTCOMES) == 21
    assert OUTCOMES[0] == "granted" and OUTCOMES[-1] == "other_other"
    assert len(APPLICANT_TYPES) == 6 and "total" not in APPLICANT_TYPES


@pytest.mark.parametrize(("year", "expected"), [(2023, T3_2023), (2024, T3_2024), (2025, T3_2025)])
def test_t3_hand_counted(year: int, expected: dict[str, dict[str, int]]) -> None:
    assert t3_table(compile_year(year, APPS)) == expected


def test_every_outcome_is_counted_in_the_fixture_year() -> None:
    c = compile_year(2024, APPS)
    assert [o for o in OUTCOMES if c.values[f"t3.{o}.total"] == 0] == []


def test_all_200_cells_have_values_and_sources() -> None:
    c = compile_year(2024, APPS, CASES, T2)
    assert len(c.values) == 200 and set(c.values) == set(c.sources)
    assert len([k for k in c.values if k.startswith("t3.")]) == 175


def test_sources_list_the_records_behind_each_number() -> None:
    c = compile_year(2024, APPS, CASES, T2)
    assert c.refs("t3.granted.natural_person") == ["N1", "N2", "N3"]
    assert c.refs("t3.partially_granted.legal_service_org") == ["L1"]
    assert c.refs("t3.carried_over.total") == ["N4", "N10", "R3", "L2"]
    assert c.refs("t3.carried_forward.total") == ["N5", "N6", "C4", "L2"]
    assert c.open_at_year_end == ["N5", "N6", "C4", "L2"]
    assert c.refs("t3.results_total.research_institution") == ["R1", "R2", "R3", "R4"]
    assert c.refs("t3.granted.other_org") == []
    assert c.refs("t4.review.pending") == ["V3", "V4"]
    assert c.refs("t4.review.total") == ["V1", "V2", "V3", "V4"]
    assert c.refs("t2.normative_documents.in_force") == ["G1", "G3", "G5"]
    assert c.refs("t2.licensing") == ["import-2024-03.xlsx", "import-2024-09.xlsx"]
    assert c.refs("t2.admin_fees_wan_yuan") == ["fee-ledger-2024"]
    assert c.refs("t2.penalty") == []
    # every count cell is the number of its refs (the carried_over row comes from the records here)
    assert all(len(c.sources[k]) == v for k, v in c.values.items() if k.startswith(("t3.", "t4.")))


def test_year_boundary_carry_over() -> None:
    y23, y24, y25 = (compile_year(y, APPS) for y in (2023, 2024, 2025))
    assert y24.carried_forward() == row(2, 1, 0, 0, 1, 0, 4)
    for before, after in ((y23, y24), (y24, y25)):
        assert {c: after.values[f"t3.carried_over.{c}"] for c in COLS} == before.carried_forward()
        assert carry_check(before, after) == []
    assert carry_check(y24.to_report("某某局"), y25) == []


def test_application_closed_next_year_counts_in_the_year_it_closes() -> None:
    y24, y25 = compile_year(2024, APPS), compile_year(2025, APPS)
    assert "N6" in y24.refs("t3.carried_forward.natural_person")
    assert "N6" not in y24.refs("t3.unable_not_held.natural_person")
    assert y25.refs("t3.unable_not_held.natural_person") == ["N6"]


# --- 表二 ---------------------------------------------------------------------------------------


def test_t2_flows_and_derived_stock() -> None:
    got = {k: v for k, v in compile_year(2024, APPS, CASES, T2).values.items() if k.startswith("t2.")}
    assert got == {
        "t2.regulations.issued": 1, "t2.regulations.repealed": 1, "t2.regulations.in_force": 1,
        "t2.normative_documents.issued": 3, "t2.normative_documents.repealed": 2, "t2.normative_documents.in_force": 3,
        "t2.licensing": 120, "t2.penalty": 35, "t2.compulsion": 4, "t2.admin_fees_wan_yuan": "12.50",
    }


@pytest.mark.parametrize(("year", "issued", "repealed", "in_force"), [(2023, 1, 1, 2), (2024, 3, 2, 3), (2025, 1, 1, 3)])
def test_normative_documents_across_years(year: int, issued: int, repealed: int, in_force: int) -> None:
    v = compile_year(year, (), (), T2).values
    assert (v["t2.normative_documents.issued"], v["t2.normative_documents.repealed"],
            v["t2.normative_documents.in_force"]) == (issued, repealed, in_force)


def test_g5_repealed_later_is_in_force_until_then() -> None:
    assert "G5" in compile_year(2024, (), (), T2).refs("t2.normative_documents.in_force")
    y25 = compile_year(2025, (), (), T2)
    assert "G5" not in y25.refs("t2.normative_documents.in_force")
    assert y25.refs("t2.normative_documents.repealed") == ["G5"]


@pytest.mark.parametrize(("fee", "printed"), [(Decimal("0"), "0.00"), (Decimal("3.125"), "3.125"), (7, "7.00"),
                                              (Decimal("316441"), "316441.00"), (Decimal("1E+2"), "100.00")])
def test_fee_is_a_decimal_string_never_rounded(fee: Decimal | int, printed: str) -> None:
    assert compile_year(2024, (), (), T2Records(admin_fees_wan_yuan=fee)).values["t2.admin_fees_wan_yuan"] == printed


def test_empty_records_compile_to_zeros() -> None:
    c = compile_year(2024, ())
    assert c.values["t2.admin_fees_wan_yuan"] == "0.00"
    assert all(v == 0 for k, v in c.values.items() if k != "t2.admin_fees_wan_yuan")
    assert [f for f in c.to_report("某某镇人民政府").check() if f.severity == "error"] == []


# --- 表四 ---------------------------------------------------------------------------------------

T4_BLOCK = ("upheld", "corrected", "other", "pending", "total")


@pytest.mark.parametrize(("year", "review", "direct", "after"), [
    (2023, (0, 0, 0, 1, 1), (1, 0, 0, 1, 2), (0, 0, 0, 0, 0)),
    (2024, (1, 1, 0, 2, 4), (0, 0, 1, 1, 2), (1, 0, 0, 0, 1)),
    (2025, (0, 0, 1, 1, 2), (0, 0, 0, 1, 1), (0, 0, 0, 1, 1)),
])
def test_t4_hand_counted(year: int, review: tuple[int, ...], direct: tuple[int, ...], after: tuple[int, ...]) -> None:
    v = compile_year(year, (), CASES).values
    for block, want in (("review", review), ("litigation_direct", direct), ("litigation_after_review", after)):
        assert tuple(v[f"t4.{block}.{c}"] for c in T4_BLOCK) == want, block


def test_t4_pending_last_year_counted_in_the_year_decided() -> None:
    assert compile_year(2023, (), CASES).refs("t4.review.pending") == ["V2"]
    assert compile_year(2024, (), CASES).refs("t4.review.corrected") == ["V2"]
    assert compile_year(2024, (), CASES).refs("t4.review.pending") == ["V3", "V4"]
    assert compile_year(2025, (), CASES).refs("t4.review.other") == ["V4"]


# --- to_report ----------------------------------------------------------------------------------


def test_to_report_passes_the_hard_identities_and_drafts_the_narrative() -> None:
    c = compile_year(2024, APPS, CASES, T2)
    r = c.to_report("某某县交通运输局", 2024)
    assert r.format == "2021" and r.year == 2024 and r.agency == "某某县交通运输局"
    assert [f for f in r.check() if f.severity == "error"] == []
    assert r["t3.new_received.total"] == 23 and r["t3.granted.natural_person"] == 3
    assert r["t2.admin_fees_wan_yuan"] == "12.50" and r["t4.review.total"] == 4
    assert "新收政府信息公开申请23件" in r.sections["overview"]
    assert r.extra["office"] == {"compiled_from": "records", "carried_over_from": "records"}
    # round trip through the JSON contract keeps every number
    again = Report.from_json(r.to_json())
    assert {k: again[k] for k in c.values} == c.values


def test_to_report_keeps_given_sections_and_refuses_another_year() -> None:
    c = compile_year(2024, APPS)
    r = c.to_report("某某镇", sections={"problems": "人员不足。"})
    assert r.sections["problems"] == "人员不足。" and r.sections["overview"]
    with pytest.raises(ValueError, match="2024"):
        c.to_report("某某镇", 2023)


def test_to_report_fee_figures_reach_section_six() -> None:
    r = compile_year(2024, APPS).to_report("某某镇", fees={"notices": 2, "notice_amount_yuan": "300", "collected_yuan": "200"})
    assert r.extra["fees"]["notices"] == 2
    assert "300" in r.sections["other"]


# --- carried_over from last year's report -------------------------------------------------------


def test_carried_over_from_report_equal_to_records() -> None:
    last = compile_year(2023, APPS).to_report("某某镇")
    c = compile_year(2024, APPS, carried_over=last)
    assert c.carried_over_from == "report"
    assert t3_table(c) == T3_2024
    assert c.to_report("某某镇").extra["office"]["carried_over_from"] == "report"


def test_carried_over_from_report_overrides_and_is_flagged() -> None:
    published = row(5, 0, 1, 0, 1, 0, 7)  # last year printed 5 natural persons; the records hold 2
    c = compile_year(2024, APPS, carried_over=published)
    assert {col: c.values[f"t3.carried_over.{col}"] for col in COLS} == published
    assert c.records_carried_over == row(2, 0, 1, 0, 1, 0, 4)
    assert c.refs("t3.carried_over.natural_person") == ["N4", "N10"]  # the records, not the printed number
    errors = [f for f in c.to_report("某某镇").check() if f.severity == "error"]
    assert {f.rule for f in errors} == {"t3.column_identity"}
    assert {k for f in errors for k in f.cells if k.startswith("t3.carried_over")} == {
        "t3.carried_over.natural_person", "t3.carried_over.total"}
    last = Report.from_values({f"t3.carried_forward.{k}": v for k, v in published.items()}, format="2021", year=2023)
    assert [(d.column, d.previous, d.current) for d in carry_check(last, compile_year(2024, APPS))] == [
        ("natural_person", 5, 2), ("total", 7, 4)]


def test_carried_forward_of_report() -> None:
    last = compile_year(2023, APPS).to_report("某某镇")
    assert carried_forward_of(last) == row(2, 0, 1, 0, 1, 0, 4)
    blank = Report.from_values({"t3.carried_forward.natural_person": "/"}, format="2021", year=2023)
    with pytest.raises(CompileError) as e:
        carried_forward_of(blank)
    assert len(e.value.problems) == 6  # six columns without a number


@pytest.mark.parametrize("given", [
    {"natural_person": 1},  # five columns missing
    {**row(1, 0, 0, 0, 0, 0, 2)},  # total ≠ sum
    {**row(1, 0, 0, 0, 0, 0, 1), "lawyers": 1},  # unknown column
    {**row(-1, 0, 0, 0, 0, 0, -1)},
])
def test_carried_over_mapping_is_validated(given: dict[str, int]) -> None:
    with pytest.raises(CompileError):
        compile_year(2024, APPS, carried_over=given)


# --- reconcile ----------------------------------------------------------------------------------


def test_reconcile_finds_exactly_the_planted_differences() -> None:
    c = compile_year(2024, APPS, CASES, T2)
    published = dict(c.values)
    published["t3.granted.natural_person"] = 4
    published["t2.licensing"] = 121
    published["t4.review.pending"] = None  # printed blank
    published["t2.admin_fees_wan_yuan"] = "12.5"  # same amount, other spelling: no difference
    report = Report.from_values(published, format="2021", year=2024)
    diffs = reconcile(c, report)
    assert [(d.key, d.compiled, d.reported) for d in diffs] == [
        ("t2.licensing", 120, 121),
        ("t3.granted.natural_person", 3, 4),
        ("t4.review.pending", 2, None),
    ]
    by_key = {d.key: d for d in diffs}
    assert by_key["t3.granted.natural_person"].label == "表三「（一）予以公开」「自然人」"
    assert by_key["t3.granted.natural_person"].refs == ("N1", "N2", "N3")
    assert by_key["t3.granted.natural_person"].delta == -1
    assert by_key["t4.review.pending"].label == "表四「行政复议」「尚未审结」"
    assert by_key["t4.review.pending"].refs == ("V3", "V4") and by_key["t4.review.pending"].delta is None
    assert by_key["t2.licensing"].refs == ("import-2024-03.xlsx", "import-2024-09.xlsx")


def test_reconcile_with_its_own_report_is_empty_and_fee_differences_are_found() -> None:
    c = compile_year(2024, APPS, CASES, T2)
    assert reconcile(c, c.to_report("某某局")) == []
    other = Report.from_values({**c.values, "t2.admin_fees_wan_yuan": "12.51"}, format="2021", year=2024)
    [d] = reconcile(c, other)
    assert (d.key, d.compiled, d.reported, d.delta) == ("t2.admin_fees_wan_yuan", "12.50", "12.51", Decimal("-0.01"))


def test_reconcile_refuses_other_formats_and_years() -> None:
    c = compile_year(2024, APPS)
    with pytest.raises(ValueError, match="2019"):
        reconcile(c, Report.from_values({}, format="2019", year=2024))
    with pytest.raises(ValueError, match="2023"):
        reconcile(c, Report.from_values({}, format="2021", year=2023))


def test_carry_check_lists_moved_refs_between_compiled_years() -> None:
    y24 = compile_year(2024, APPS)
    # after the close, N5 was re-dated into 2025 by an edit: 2025 no longer carries it over
    edited = tuple(A("N5", "natural_person", D(2025, 1, 2)) if a.ref == "N5" else a for a in APPS)
    [d] = carry_check(y24, compile_year(2025, edited))[:1]
    assert (d.column, d.previous, d.current, d.missing, d.extra) == ("natural_person", 2, 1, ("N5",), ())
    assert [x.column for x in carry_check(y24, compile_year(2025, edited))] == ["natural_person", "total"]
    with pytest.raises(ValueError):
        carry_check(y24, compile_year(2026, APPS))


# --- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("record", "field", "fragment"), [
    (A("X", "natural_person", D(2024, 1, 5), D(2024, 1, 9), "approved"), "outcome", "approved"),
    (A("X", "lawyer", D(2024, 1, 5)), "applicant_type", "lawyer"),
    (A("X", "total", D(2024, 1, 5)), "applicant_type", "total"),
    (A("X", "natural_person", D(2024, 1, 5), D(2024, 1, 9)), "outcome", "没有办理结果"),
    (A("X", "natural_person", D(2024, 1, 5), None, "granted"), "closed_on", "没有办结日期"),
    (A("X", "natural_person", D(2024, 1, 5), D(2024, 1, 4), "granted"), "closed_on", "早于"),
    (A("X", "natural_person", "2024-01-05"), "received_on", "不是日期"),  # type: ignore[arg-type]
    (A("", "natural_person", D(2024, 1, 5)), "ref", "编号"),
])
def test_invalid_application(record: ApplicationRecord, field: str, fragment: str) -> None:
    with pytest.raises(CompileError) as e:
        compile_year(2024, (*APPS, record))
    [p] = e.value.problems
    assert p.field == field and fragment in p.message
    assert fragment in str(e.value)


def test_invalid_records_are_all_reported_at_once_even_outside_the_year() -> None:
    bad = (
        A("X1", "natural_person", D(2019, 1, 5), D(2019, 1, 4), "granted"),  # another year: still validated
        A("X2", "lawyer", D(2024, 1, 5), D(2024, 1, 9), "approved"),  # two problems
        A("N1", "natural_person", D(2024, 1, 5)),  # duplicate ref of the fixture
    )
    with pytest.raises(CompileError) as e:
        compile_year(2024, (*APPS, *bad))
    assert [(p.ref, p.field) for p in e.value.problems] == [
        ("X1", "closed_on"), ("X2", "applicant_type"), ("X2", "outcome"), ("N1", "ref")]


@pytest.mark.parametrize(("case", "field"), [
    (CaseRecord("K", "appeal", "upheld", D(2024, 1, 1), D(2024, 2, 1)), "kind"),  # type: ignore[arg-type]
    (CaseRecord("K", "review", "won", D(2024, 1, 1), D(2024, 2, 1)), "result"),  # type: ignore[arg-type]
    (CaseRecord("K", "review", "upheld", D(2024, 1, 1)), "decided_on"),
    (CaseRecord("K", "review", "pending", D(2024, 1, 1), D(2024, 2, 1)), "result"),
    (CaseRecord("K", "review", "other", D(2024, 3, 1), D(2024, 2, 1)), "decided_on"),
    (CaseRecord("V1", "review", "pending", D(2024, 1, 1)), "ref"),
])
def test_invalid_case(case: CaseRecord, field: str) -> None:
    with pytest.raises(CompileError) as e:
        compile_year(2024, (), (*CASES, case))
    assert [p.field for p in e.value.problems] == [field]


@pytest.mark.parametrize(("t2", "field"), [
    (T2Records(normative_documents=(DocumentRecord("G", D(2024, 5, 1), D(2024, 4, 1)),)), "repealed_on"),
    (T2Records(regulations=(DocumentRecord("G", D(2024, 5, 1)), DocumentRecord("G", D(2024, 6, 1)))), "ref"),
    (T2Records(licensing=-1), "licensing"),
    (T2Records(penalty=True), "penalty"),  # type: ignore[arg-type]
    (T2Records(admin_fees_wan_yuan=1.5), "admin_fees_wan_yuan"),  # type: ignore[arg-type]
    (T2Records(admin_fees_wan_yuan=Decimal("-0.01")), "admin_fees_wan_yuan"),
    (T2Records(admin_fees_wan_yuan=Decimal("NaN")), "admin_fees_wan_yuan"),
    (T2Records(sources={"licence": ["x"]}), "sources"),
])
def test_invalid_t2(t2: T2Records, field: str) -> None:
    with pytest.raises(CompileError) as e:
        compile_year(2024, (), (), t2)
    assert [p.field for p in e.value.problems] == [field]


def test_invalid_year() -> None:
    with pytest.raises(CompileError):
        compile_year("2024", APPS)  # type: ignore[arg-type]


# --- properties ---------------------------------------------------------------------------------

FIRST, LAST = 2020, 2026


@st.composite
def applications(draw: st.DrawFn) -> tuple[ApplicationRecord, ...]:
    n = draw(st.integers(0, 40))
    out = []
    for i in range(n):
        received = draw(st.dates(D(FIRST, 1, 1), D(LAST - 1, 12, 31)))
        closed = draw(st.none() | st.dates(received, D(LAST, 12, 31)))
        outcome = None if closed is None else draw(st.sampled_from(OUTCOMES))
        out.append(A(f"a{i}", draw(st.sampled_from(APPLICANT_TYPES)), received, closed, outcome))
    return tuple(out)


@settings(max_examples=60, deadline=None)
@given(applications())
def test_property_identities_and_each_application_counted_once(apps: tuple[ApplicationRecord, ...]) -> None:
    years = {y: compile_year(y, apps) for y in range(FIRST, LAST + 1)}
    outcome_years: dict[str, int] = {}
    new_years: dict[str, int] = {}
    forward_years: dict[str, int] = {}
    for y, c in years.items():
        v = c.values
        for col in COLS:
            assert v[f"t3.new_received.{col}"] + v[f"t3.carried_over.{col}"] == \
                v[f"t3.results_total.{col}"] + v[f"t3.carried_forward.{col}"]
            assert v[f"t3.results_total.{col}"] == sum(v[f"t3.{o}.{col}"] for o in OUTCOMES)
        for r in ALL_T3_ROWS:
            assert v[f"t3.{r}.total"] == sum(v[f"t3.{r}.{col}"] for col in APPLICANT_TYPES)
        for o in OUTCOMES:
            for ref in c.sources[f"t3.{o}.total"]:
                outcome_years[ref] = outcome_years.get(ref, 0) + 1
        for ref in c.sources["t3.new_received.total"]:
            new_years[ref] = new_years.get(ref, 0) + 1
        for ref in c.sources["t3.carried_forward.total"]:
            forward_years[ref] = forward_years.get(ref, 0) + 1
        if y > FIRST:
            assert carry_check(years[y - 1], c) == []
    for a in apps:
        assert new_years.get(a.ref) == 1
        # closed: one outcome row in its closing year, carried forward over every year end before it
        assert outcome_years.get(a.ref, 0) == (0 if a.closed_on is None else 1)
        ends = (LAST + 1 if a.closed_on is None else a.closed_on.year) - a.received_on.year
        assert forward_years.get(a.ref, 0) == ends
    assert years[FIRST].values["t3.carried_over.total"] == 0


@st.composite
def cases(draw: st.DrawFn) -> tuple[CaseRecord, ...]:
    out = []
    for i in range(draw(st.integers(0, 20))):
        filed = draw(st.dates(D(FIRST, 1, 1), D(LAST, 12, 31)))
        decided = draw(st.none() | st.dates(filed, D(LAST, 12, 31)))
        result = "pending" if decided is None else draw(st.sampled_from(("upheld", "corrected", "other")))
        out.append(CaseRecord(f"c{i}", draw(st.sampled_from(("review", "litigation_direct", "litigation_after_review"))),
                              result, filed, decided))  # type: ignore[arg-type]
    return tuple(out)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_property_t4_blocks_sum_and_each_case_decided_once(cs: tuple[CaseRecord, ...]) -> None:
    decided: dict[str, int] = {}
    for y in range(FIRST, LAST + 1):
        c = compile_year(y, (), cs)
        for b in ("review", "litigation_direct", "litigation_after_review"):
            assert c.values[f"t4.{b}.total"] == sum(c.values[f"t4.{b}.{k}"] for k in ("upheld", "corrected", "other", "pending"))
            for k in ("upheld", "corrected", "other"):
                for ref in c.refs(f"t4.{b}.{k}"):
                    decided[ref] = decided.get(ref, 0) + 1
    assert decided == {x.ref: 1 for x in cs if x.decided_on is not None}


def test_rows_with_the_record_field_names_compile_like_records() -> None:
    """compile_year reads attributes only: named rows (Django `values_list(named=True)`) need no records."""
    from collections import namedtuple

    Row = namedtuple("Row", "ref applicant_type received_on closed_on outcome")
    rows = [Row(a.ref, a.applicant_type, a.received_on, a.closed_on, a.outcome) for a in APPS]
    assert t3_table(compile_year(2024, rows)) == T3_2024


def test_blank_outcome_of_an_open_application_counts_as_none() -> None:
    """The ORM's blank CharField stores "no outcome" as "": an open application so recorded is
    carried forward, and "" on a closed one is still an error."""
    from datetime import date

    from xxgk.office.compile import ApplicationRecord, CompileError, compile_year

    c = compile_year(2025, [ApplicationRecord("A", "natural_person", date(2025, 3, 1), None, "")])
    assert c.values["t3.carried_forward.natural_person"] == 1 and c.values["t3.new_received.total"] == 1
    with pytest.raises(CompileError):
        compile_year(2025, [ApplicationRecord("B", "natural_person", date(2025, 3, 1), date(2025, 3, 5), "")])
