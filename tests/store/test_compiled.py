"""Publishing an office's compiled report (`xxgk.store.compiled.publish`): the rendered document is
read back by xxgk's readers, compared cell by cell with what was compiled, and filed as the
agency's active version made_by "compiled"; a difference refuses it and files nothing.

The report is a generated one (`tests.corpus.generate.random_report`, every identity true), so the
numbers are not all zeros. Runs on SQLite and, with DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import random
from typing import Any

import pytest

import xxgk
from xxgk.report import keys as K
from xxgk.store.compiled import PublishError, publish
from xxgk.store.models import Agency, Figures, Report, Version

pytestmark = pytest.mark.django_db


def _report(agency: Any, year: int) -> tuple[Any, dict[str, Any]]:
    from tests.corpus.generate import random_report

    r = random_report(random.Random(11), fmt="2021")
    r.agency, r.year = agency.name, year
    values = {k: r.value(k) for k in K.cell_keys("2021")}
    assert any(v for v in values.values()), "a generated report must not be all zeros"
    return r, values


def test_publish_files_the_read_back_document_as_active_compiled_version() -> None:
    a = Agency.objects.create(code="9901", name="乙市丙县教育局", level="department")
    r, values = _report(a, 2025)
    data = xxgk.render(r, "docx")
    v = publish(a, 2025, name="2025年报.docx", data=data, author="head_a", expected=values)
    assert v.made_by == "compiled" and v.medium == "docx" and v.author == "head_a"
    rep = Report.objects.get(agency=a, year=2025)
    assert rep.active_id == v.pk and rep.versions.count() == 1
    assert v.data["t3"]["granted"]["total"] == values["t3.granted.total"]
    assert Figures.objects.filter(version=v).exists()
    # The same bytes again: no second version.
    again = publish(a, 2025, name="2025年报.docx", data=data, author="head_a", expected=values)
    assert again.pk == v.pk and Version.objects.filter(report=rep).count() == 1


def test_a_number_that_reads_back_differently_refuses_and_files_nothing() -> None:
    a = Agency.objects.create(code="9902", name="乙市丁县教育局", level="department")
    r, values = _report(a, 2025)
    data = xxgk.render(r, "docx")
    wrong = dict(values)
    wrong["t3.granted.natural_person"] = (values["t3.granted.natural_person"] or 0) + 1
    with pytest.raises(PublishError, match="t3.granted.natural_person"):
        publish(a, 2025, name="x.docx", data=data, author="head_a", expected=wrong)
    assert not Report.objects.filter(agency=a).exists()


def test_unreadable_bytes_and_wrong_year_are_refused() -> None:
    a = Agency.objects.create(code="9903", name="乙市戊区教育局", level="department")
    with pytest.raises(PublishError, match="无法读回"):
        publish(a, 2025, name="x.pdf", data=b"%PDF-1.7 broken", author="u")
    r, _ = _report(a, 2024)
    with pytest.raises(PublishError, match="年度"):
        publish(a, 2025, name="x.docx", data=xxgk.render(r, "docx"), author="u")
    with pytest.raises(PublishError, match="发布人"):
        publish(a, 2024, name="x.docx", data=xxgk.render(r, "docx"), author=" ")
    assert not Version.objects.exists()
