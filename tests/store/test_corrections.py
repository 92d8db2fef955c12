"""Corrections with a trail (`xxgk.store.corrections`): a correction is a new active version, the
checks re-run at once, the base stays; make_active goes back; diff names exactly what changed.

The report is a generated one (every identity true) filed through `batch.run`, as an upload is.
Expected rules and counts are worked out by hand from the identities of report-json.md: adding 1
to 表三 （一）予以公开 · 自然人 breaks exactly two of them, the row sum of （一） and the column sum
of （七）总计 for 自然人 (the column identity 一+二 = （七）+四 does not read that cell).
Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import pytest

from xxgk.store.corrections import CorrectionError, correct, diff, make_active
from xxgk.store.models import Agency, Finding, Report, Version

pytestmark = pytest.mark.django_db

CELL = "t3.granted.natural_person"


def _file(agency: Any, year: int, seed: int = 3) -> Version:
    from tests.corpus.generate import random_report
    from tests.corpus.layouts import render_text
    from xxgk.store import batch
    from xxgk.store.sources.item import Item

    rng = random.Random(seed)
    r = random_report(rng, fmt="2021")
    r.agency, r.year = agency.name, year
    data = render_text(r, "tab000", rng).encode("utf-8")
    name = f"{agency.code}-{year}.txt"
    summary = batch.run([], items=[Item(name=name, origin=f"test://{name}", _loader=lambda _i: data)])
    assert summary.read == 1
    return Version.objects.get(sha256=hashlib.sha256(data).hexdigest())


@pytest.fixture
def base() -> Version:
    root = Agency.objects.create(code="10", name="甲省", level="province")
    county = Agency.objects.create(code="100101", name="甲省丙县", level="county", parent=root)
    return _file(county, 2023)


def _raw(v: Version, key: str) -> str:
    return next(c["raw"] for c in Version.objects.get(pk=v.pk).data["cells"] if c["key"] == key)


def _value(v: Version, key: str) -> int:
    return next(c["value"] for c in Version.objects.get(pk=v.pk).data["cells"] if c["key"] == key)


def _rules(v: Version, severity: str = "error") -> list[str]:
    return sorted(Finding.objects.filter(version=v, severity=severity).values_list("rule", flat=True))


def test_correction_breaking_an_identity_is_a_new_active_version(base: Version) -> None:
    assert base.errors == 0 and _rules(base) == []
    old = _raw(base, CELL)
    before = dict(Version.objects.filter(pk=base.pk).values("data", "errors", "warnings").get())
    v = correct(base.report, cells={CELL: str(_value(base, CELL) + 1)}, user="zhang", note="原表漏计 1 件")
    assert (v.number, v.made_by, v.author, v.note) == (2, "corrected", "zhang", "原表漏计 1 件")
    assert (v.sha256, v.blob_id, v.medium, v.name) == (base.sha256, base.blob_id, "text", base.name)
    assert _raw(v, CELL) == str(_value(base, CELL) + 1)
    # Checks re-run at once: the two identities that read the cell fail, on the version's row too.
    assert _rules(v) == ["t3.results_total", "t3.row_sum"]
    assert Version.objects.get(pk=v.pk).errors == 2
    row_sum = Finding.objects.get(version=v, rule="t3.row_sum")
    assert CELL in row_sum.cells and row_sum.source == "check"
    assert row_sum.agency_id == base.report.agency_id and row_sum.year == 2023
    report = Report.objects.get(pk=base.report_id)
    assert report.active_id == v.pk
    assert report.stale is False  # refresh ran
    # The original is unchanged.
    after = dict(Version.objects.filter(pk=base.pk).values("data", "errors", "warnings").get())
    assert after == before and _raw(base, CELL) == old


def test_correction_fixing_it_removes_the_finding_and_make_active_goes_back(base: Version) -> None:
    old = _raw(base, CELL)
    broken = correct(base.report_id, cells={CELL: str(_value(base, CELL) + 1)}, user="zhang", note="a")
    fixed = correct(base.report_id, cells={CELL: old}, user="li", note="改回原值")
    assert fixed.number == 3 and _rules(fixed) == [] and fixed.errors == 0
    assert _rules(broken) == ["t3.results_total", "t3.row_sum"]  # each version keeps its own findings
    assert make_active(broken, user="wang") is True
    assert Report.objects.get(pk=base.report_id).active_id == broken.pk
    assert make_active(broken, user="wang") is False  # already active: nothing changed
    assert make_active(base, user="wang") is True
    assert Report.objects.get(pk=base.report_id).active_id == base.pk
    assert Version.objects.filter(report_id=base.report_id).count() == 3


def test_section_correction_and_diff_list_exactly_what_changed(base: Version) -> None:
    old = _raw(base, "t4.review.upheld")
    new = str(_value(base, "t4.review.upheld") + 2)
    v = correct(base.report, cells={"t4.review.upheld": new, CELL: _raw(base, CELL)},
                sections={"other": "本年度未收取信息处理费。\r\n无其他事项。"}, user="zhang", note="据原件核对")
    data = Version.objects.get(pk=v.pk).data
    assert data["sections"]["other"] == "本年度未收取信息处理费。\n无其他事项。"
    assert data["extra"]["corrected_cells"] == ["t4.review.upheld"]  # CELL was given unchanged
    d = diff(base, Version.objects.get(pk=v.pk))
    assert d.cells == [("t4.review.upheld", old, new)]
    assert [k for k, _, _ in d.sections] == ["other"]
    assert sorted(r for r, _, _ in d.findings_only_b) == ["t4.block_sum"]
    assert d.findings_only_a == []
    assert diff(base, base).empty


def test_refused_corrections(base: Version) -> None:
    with pytest.raises(CorrectionError, match="理由"):
        correct(base.report, cells={CELL: "1"}, user="zhang", note="  ")
    with pytest.raises(CorrectionError, match="没有这个单元格"):
        correct(base.report, cells={"t9.nothing": "1"}, user="zhang", note="x")
    with pytest.raises(CorrectionError, match="没有这个部分"):
        correct(base.report, sections={"preface": "x"}, user="zhang", note="x")
    with pytest.raises(CorrectionError, match="没有任何改动"):
        correct(base.report, cells={CELL: _raw(base, CELL)}, user="zhang", note="x")
    with pytest.raises(CorrectionError, match="过长"):
        correct(base.report, cells={CELL: "1" * 101}, user="zhang", note="x")
    assert Version.objects.filter(report_id=base.report_id).count() == 1


def test_reader_finding_dropped_once_its_cells_are_corrected(base: Version) -> None:
    """A reader finding on two cells stays while one of them is corrected, goes with the second."""
    from xxgk.store.models import Version as V

    data = V.objects.get(pk=base.pk).data
    data["findings"] = [*data.get("findings", []), {"rule": "read.glued_ambiguous", "severity": "error",
                        "cells": ["t2.licensing", "t2.penalty"], "message": "粘连数字无法唯一拆分"}]
    V.objects.filter(pk=base.pk).update(data=data)
    first = correct(base.report, cells={"t2.licensing": "7"}, user="zhang", note="x")
    assert "read.glued_ambiguous" in _rules(first)
    assert Finding.objects.get(version=first, rule="read.glued_ambiguous").source == "read"
    second = correct(base.report, cells={"t2.penalty": "8"}, user="zhang", note="y")
    assert "read.glued_ambiguous" not in _rules(second)
