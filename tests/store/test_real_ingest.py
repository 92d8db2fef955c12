"""The seven real reports of ../shared/real ingested into a store holding the sample hierarchy:
each filed under the right agency (codes read by hand from the hierarchy file), year and medium,
with its real source errors as error findings."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from xxgk.store import batch
from xxgk.store.agencies import import_agencies
from xxgk.store.models import Report, Version

pytestmark = pytest.mark.django_db(transaction=True)

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "real"
HIERARCHY = Path(__file__).resolve().parent / "data" / "sample_hierarchy.csv"

#: case → (agency code, year, how it matched), read by hand from meta.json and the hierarchy file.
EXPECTED = {
    "002_pingtan_2022": ("350128", 2022, "exact"),
    "006_pingtan_gaj_2021": ("350128-GAJ", 2021, "exact"),
    "008_pingtan_czj_2020": ("350128-CZJ", 2020, "exact"),
    "013_sh_kewei_2024": ("31-KW", 2024, "alias"),
    "015_pingtan_czj_2019": ("350128-CZJ", 2019, "exact"),
    "021_huaian_hongze_2023": ("320813", 2023, "normalised"),
    "025_pingtan_jjf_2025": ("350128-JFJ", 2025, "exact"),
}


def test_the_real_reports_are_filed_under_their_agencies(tmp_path: Path) -> None:
    assert import_agencies(HIERARCHY).ok
    for case in EXPECTED:
        for src in (REAL / case).glob("source.*"):
            shutil.copy(src, tmp_path / f"{case}{src.suffix}")
    s = batch.run([str(tmp_path)])
    assert (s.read, s.failed) == (7, 0)
    got = {}
    for v in Version.objects.select_related("report__agency"):
        case = Path(v.name).stem
        r = v.report
        got[case] = (r.agency.code if r.agency else None, r.year, r.match)
        assert r.active_id == v.pk
        meta = json.loads((REAL / case / "meta.json").read_text(encoding="utf-8"))
        assert v.medium == meta["source_kind"]
        errors = v.findings.filter(severity="error", source="check").count()
        assert (errors > 0) == bool(meta["source_errors"]), case
    assert got == EXPECTED
    # 财政金融局 has two years: one report per agency-year.
    assert Report.objects.filter(agency__code="350128-CZJ").count() == 2
