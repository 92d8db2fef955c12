"""parse(render(r)) == r over generated non-zero reports, in every sample layout and markdown.

The generator (tests/corpus) builds reports that satisfy every identity and renders them with the
variants of domain.md §6; the reader must recover every cell, the agency, the year, the format and
each section, and the checks must then find no error. Under CI the Hypothesis "ci" profile runs
1,000 examples per layout.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.corpus.generate import LAYOUTS, random_report, render_text
from xxgk.read.text import parse_text
from xxgk.report import Report
from xxgk.report import keys as K
from xxgk.report.values import normalize


def _diff(expected: Report, got: Report) -> list[str]:
    out = [f"{k}: {getattr(expected, k)!r} != {getattr(got, k)!r}" for k in ("format", "agency", "year") if getattr(expected, k) != getattr(got, k)]
    for key in K.cell_keys(expected.table_format):
        if expected.value(key) != got.value(key):
            out.append(f"{key}: {expected.value(key)!r} != {got.value(key)!r} (raw {got.cells[key].raw!r} at {got.cells[key].where})")
    for sec in K.SECTION_KEYS:
        # Line wrapping is layout, not content: compare without whitespace.
        if normalize(expected.sections.get(sec, "")) != normalize(got.sections.get(sec, "")):
            out.append(f"section {sec}: {expected.sections.get(sec)!r} != {got.sections.get(sec)!r}")
    return out


def _roundtrip(seed: int, layout: str, fmt: str, variants: bool, zero: bool = False) -> None:
    report = random_report(random.Random(seed), fmt=fmt, zero=zero)
    text = render_text(report, layout, random.Random(seed ^ 0x5EED), variants=variants)
    got = parse_text(text, name=f"{layout}-{seed}")
    assert _diff(report, got) == [], text
    errors = [f for f in got.check() if f.severity == "error"]
    assert errors == [], [f.message for f in errors]
    assert len(got.cells) == len(K.cell_keys(report.table_format))


@pytest.mark.parametrize("layout", LAYOUTS)
@given(seed=st.integers(0, 2**32 - 1), variants=st.booleans(), fmt=st.sampled_from(["2021", "2021", "2021", "2019"]))
def test_parse_render_roundtrip(layout: str, seed: int, variants: bool, fmt: str) -> None:
    _roundtrip(seed, layout, fmt, variants)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_all_zero_reports_roundtrip_without_findings(layout: str) -> None:
    for seed in range(5):
        report = random_report(random.Random(seed), zero=True)
        got = parse_text(render_text(report, layout, random.Random(seed)), name=layout)
        assert _diff(report, got) == []
        assert got.check() == []


def test_generated_reports_are_not_trivially_zero() -> None:
    # The round trip proves nothing on zeros; make sure the corpus really carries numbers.
    totals = [random_report(random.Random(s)).value("t3.new_received.total") for s in range(50)]
    assert sum(1 for t in totals if isinstance(t, int) and t > 0) >= 40
    assert max(t for t in totals if isinstance(t, int)) >= 100
