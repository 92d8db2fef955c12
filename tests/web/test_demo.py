"""The demo (`xxgk.web.demo`): its generator keeps every identity and every cross-year rule, its
plan has the exceptions it announces, and once loaded the store finds exactly those (and nothing
else that is an error); a second load adds nothing.

The expected sets below are written out from the plan's comments (names, not code), so that a
changed plan or a store that finds something else fails here."""

from __future__ import annotations

import random
from typing import Any

import pytest

from xxgk.report import keys as K
from xxgk.report.model import Report
from xxgk.web.demo import hierarchy, plan, tables

HARD = {"t3.column_identity", "t3.row_sum", "t3.results_total", "t4.block_sum", "value.non_negative_integer"}

LATE = {("990101004", 2023), ("990102", 2024), ("990102-JYJ", 2022), ("990103001", 2024), ("9901-JTYSJ", 2023),
        ("990104-SFJ", 2024)}
MISSING = {("990101003", 2024), ("990102-NYNCJ", 2023), ("990102-NYNCJ", 2024), ("990104002", 2022),
           ("990103-ZJJ", 2024), ("9901-TJJ", 2024)}
#: The four arithmetic errors, and the report printed without its tables (the reader's errors).
WITH_ERRORS = {("990101-CZJ", 2023), ("990102001", 2024), ("990104-JYJ", 2022), ("9901-SCJGJ", 2024), ("990104003", 2023)}


def test_hierarchy_is_a_city_with_four_counties() -> None:
    levels: dict[str, int] = {}
    for a in hierarchy.AGENCIES:
        levels[a.level] = levels.get(a.level, 0) + 1
    assert len(hierarchy.AGENCIES) == 53
    assert levels == {"province": 1, "city": 1, "county": 4, "township": 15, "department": 32}
    assert all(a.code.startswith("99") for a in hierarchy.AGENCIES)
    assert len({a.name for a in hierarchy.AGENCIES}) == 53  # names identify agencies when reports are matched
    for county in ("990101", "990102", "990103", "990104"):
        kids = [a for a in hierarchy.AGENCIES if a.parent == county]
        assert 2 <= sum(a.level == "township" for a in kids) <= 4 and 3 <= sum(a.level == "department" for a in kids) <= 5


def test_generated_series_keep_every_identity_and_carry_over() -> None:
    """Every agency's three years: no hard identity broken, no cross-year warning against the year
    before, non-zero tables, and no count jumping ×10 (the store's yoy rule)."""
    from xxgk.store.quality.rules import is_jump

    for a in hierarchy.AGENCIES:
        rng = random.Random(a.code)
        p = tables.profile(rng, a.kind, city_level=a.level in ("province", "city"), rule_making=a.level in ("province", "city"))
        series = tables.series(rng, p, [2022, 2023, 2024])
        previous = None
        for year, values in sorted(series.items()):
            report = Report.from_values(values, format="2021", agency=a.name, year=year)
            rules = {f.rule for f in report.check(previous)}
            assert not rules & (HARD | {"t3.cross_year", "t2.stock_flow"}), (a.code, year, rules)
            assert values["t3.new_received.total"] > 0 and values["t3.results_total.total"] > 0
            if previous is not None:
                jumps = [k for k in K.cell_keys("2021") if k != K.T2_FEE_KEY
                         and is_jump(int(previous[k] or 0), int(report[k] or 0))]
                assert jumps == [], (a.code, year, jumps)
            previous = report


@pytest.mark.parametrize(("kind", "rule"), [("double_count", "t3.column_identity"), ("row_sum", "t3.row_sum"),
                                            ("results_total", "t3.results_total"), ("t4_block_sum", "t4.block_sum")])
def test_each_injection_breaks_its_identity(kind: str, rule: str) -> None:
    rng = random.Random(7)
    p = tables.profile(rng, "dept_enforce", city_level=True, rule_making=False)
    values = tables.series(rng, p, [2024])[2024]
    broken = Report.from_values(tables.inject(values, kind), format="2021", year=2024)
    assert rule in {f.rule for f in broken.check() if f.severity == "error"}


def test_cross_year_injection_is_a_warning_only() -> None:
    rng = random.Random(8)
    p = tables.profile(rng, "dept_enforce", city_level=True, rule_making=False)
    s = tables.series(rng, p, [2023, 2024])
    last = Report.from_values(s[2023], format="2021", year=2023)
    now = Report.from_values(tables.inject(s[2024], "cross_year"), format="2021", year=2024)
    found = now.check(last)
    assert [f for f in found if f.severity == "error"] == []
    assert "t3.cross_year" in {f.rule for f in found}


def test_the_plan() -> None:
    entries = plan.entries(scan=True)
    assert len(entries) == 53 * 4 - 6 - 1  # less the missing and the office's own 2025
    assert {e.key for e in entries} & MISSING == set()
    assert ("990101-JYJ", 2025) not in {e.key for e in entries}
    assert plan.expected_late() == LATE
    media = {e.medium for e in entries}
    assert {"html", "docx", "pdf", "xlsx", "md", "txt", "scan", "no_tables"} <= media
    assert all(e.origin.startswith("https://") and ".example/" in e.origin for e in entries)
    # 戊区人民政府 published in February: on time for a government.
    assert next(e for e in entries if e.key == ("990103", 2024)).published_on == "2025-02-20"
    assert ("990103", 2024) not in LATE


def test_load_finds_what_was_planned_and_a_second_load_adds_nothing(db: Any, client: Any) -> None:
    """The whole demo through batch.run (with its scan read by OCR when the extra is installed)."""
    from xxgk.store.models import Agency, Finding, Report as StoredReport, Version
    from xxgk.web import demo
    from xxgk.web.demo import media

    result = demo.load(configure=False)
    # 53 agencies × 4 years, less the 6 missing and 丙县教育局 2025 (compiled by its office demo).
    assert result.agencies == 53 and result.planned == 205 and result.added == 205 and result.already == 0
    assert result.summary.failed == 0

    def keyed(qs: Any, code: str = "report__agency__code", year: str = "report__year") -> set[tuple[str, int]]:
        return set(qs.values_list(code, year))

    active = Version.objects.filter(report__active=models_f("id"))
    assert Agency.objects.filter(path__startswith="/99/").count() == 53
    assert StoredReport.objects.filter(active__isnull=False).count() == 206  # the office's 2025 too
    assert set(Version.objects.filter(made_by="compiled").values_list("report__agency__code", "report__year")) == {
        ("990101-JYJ", 2025)}
    assert keyed(active.filter(errors__gt=0)) == WITH_ERRORS
    assert set(Finding.objects.filter(severity="error").values_list("version__report__agency__code", "year")) == WITH_ERRORS
    assert keyed(Finding.objects.filter(rule="quality.late"), "version__report__agency__code", "year") == LATE
    assert keyed(Finding.objects.filter(rule="quality.missing"), "agency__code", "year") == MISSING
    assert keyed(Finding.objects.filter(rule="t3.cross_year"), "agency__code", "year") == {("990103-JYJ", 2024)}
    assert keyed(Finding.objects.filter(rule="quality.narrative_duplicate"), "agency__code", "year") == {
        ("990103002", 2023), ("990103003", 2022), ("990103003", 2023), ("990103003", 2024), ("990103003", 2025)}
    assert Finding.objects.filter(rule="quality.yoy_jump").count() == 0
    # Provenance: every version has a fictional origin and a fetch time; dates read from the signatures.
    parsed = Version.objects.exclude(made_by="compiled")
    assert not parsed.exclude(origin__startswith="https://").exists()
    assert not parsed.filter(fetched_at__isnull=True).exists()
    undated = keyed(parsed.filter(published_on__isnull=True))
    if media.can_scan():
        assert undated == {("990102003", 2023)}  # the scan: no date read
        assert Finding.objects.filter(rule="read.page_ocr", agency__code="990102003", year=2023).exists()
    else:
        assert undated == set()
    assert {"html", "docx", "pdf", "xlsx", "text"} <= set(Version.objects.values_list("medium", flat=True))
    # The accounts log in with the printed password.
    assert client.post("/login/", {"username": "bing_supervisor", "password": result.password}).status_code == 302
    from xxgk.web.core.models import Profile

    assert set(Profile.objects.values_list("user__username", "role", "agency__code")) == {
        ("demo_admin", "administrator", None), ("city_admin", "administrator", "9901"),
        ("city_supervisor", "supervisor", "9901"), ("city_analyst", "analyst", "9901"),
        ("bing_supervisor", "supervisor", "990101"), ("bing_analyst", "analyst", "990101"),
        ("ding_supervisor", "supervisor", "990102"),
        ("bing_edu_clerk", "clerk", "990101-JYJ"), ("bing_edu_reviewer", "reviewer", "990101-JYJ"),
        ("bing_edu_head", "head", "990101-JYJ"), ("bing_edu_admin", "administrator", "990101-JYJ"),
        ("ding_edu_clerk", "clerk", "990102-JYJ")}

    # The coverage page of the city, 2024, worked out from the plan: 52 agencies under 乙市; missing
    # 丙县云溪镇, 丁县农业农村局, 戊区住建局, 乙市统计局; late 丁县人民政府, 戊区东城街道, 己区司法局;
    # errors 丁县桃源镇, 乙市市场监管局.
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="city_supervisor"))
    html = client.get("/coverage/?year=2024").content.decode()
    import re

    totals = {k: int(n) for k, n in re.findall(r'class="num total-(\w+)">(\d+)<', html)}
    assert totals == {"expected": 52, "published": 48, "late": 3, "missing": 4, "errors": 2, "no_tables": 0, "scanned": 0}

    versions, findings = Version.objects.count(), Finding.objects.count()
    again = demo.load(configure=False)
    assert again.summary is None and again.already == 205 and again.added == 0
    assert again.office is not None and not again.office.created
    assert (Version.objects.count(), Finding.objects.count(), Agency.objects.count()) == (versions, findings, 53)


def models_f(name: str) -> Any:
    from django.db.models import F

    return F(name)
