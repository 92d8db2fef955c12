"""The store's models on whichever database the run uses (SQLite, or PostgreSQL via DATABASE_URL)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from xxgk.store.models import Agency, Blob, Report, Version

pytestmark = pytest.mark.django_db


def _tree() -> tuple[Agency, Agency, Agency]:
    prov = Agency.objects.create(code="51", name="四川省人民政府", level="province")
    city = Agency.objects.create(code="5117", name="达州市人民政府", level="city", parent=prov)
    county = Agency.objects.create(code="511724", name="渠县人民政府", level="county", parent=city)
    return prov, city, county


def test_path_makes_a_subtree_one_prefix_query() -> None:
    prov, city, county = _tree()
    assert county.path == "/51/5117/511724/"
    assert set(Agency.objects.filter(path__startswith=city.path)) == {city, county}
    assert prov.has_rule_making_power and city.has_rule_making_power and not county.has_rule_making_power


def test_one_report_per_agency_year_and_one_parse_per_file_and_xxgk() -> None:
    _, _, county = _tree()
    report = Report.objects.create(agency=county, year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(agency=county, year=2024)
    blob = Blob.objects.create(sha256="a" * 64, size=3, data=b"abc")
    Version.objects.create(report=report, number=1, sha256=blob.sha256, blob=blob, medium="text",
                           xxgk_version="0.1.0", data={})
    with pytest.raises(IntegrityError), transaction.atomic():
        Version.objects.create(report=report, number=2, sha256=blob.sha256, blob=blob, medium="text",
                               xxgk_version="0.1.0", data={})
    # A newer xxgk reading the same file is a new version; so is a correction.
    Version.objects.create(report=report, number=2, sha256=blob.sha256, blob=blob, medium="text",
                           xxgk_version="0.2.0", made_by="reparsed", data={})
    Version.objects.create(report=report, number=3, sha256=blob.sha256, blob=blob, medium="text",
                           xxgk_version="0.2.0", made_by="corrected", data={})
    assert bytes(Version.objects.get(number=1).blob.data) == b"abc"


def test_unmatched_reports_are_keyed_by_their_printed_name() -> None:
    Report.objects.create(printed_agency="某某镇", year=2024, match="none")
    Report.objects.create(printed_agency="某某乡", year=2024, match="none")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.create(printed_agency="某某镇", year=2024)


def test_a_stored_finding_is_the_contracts_finding_plus_its_details() -> None:
    from xxgk.store.models import Finding

    f = Finding.objects.create(rule="t4.block_sum", severity="error", cells=["t4.review.total"], message="总计不符",
                               expected=11, actual=0)
    assert f.to_dict() == {"rule": "t4.block_sum", "severity": "error", "cells": ["t4.review.total"],
                           "message": "总计不符", "expected": 11, "actual": 0}
    g = Finding.objects.create(rule="quality.late", severity="warning", message="晚", details={"days": 3})
    assert g.to_dict() == {"rule": "quality.late", "severity": "warning", "cells": [], "message": "晚",
                           "details": {"days": 3}}
