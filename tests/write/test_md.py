"""Markdown: read(write(r)) == r through the text reader; tables rectangular, pipes escaped."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

import xxgk
from tests.corpus.generate import random_report
from tests.read.test_roundtrip import _diff
from xxgk.write import grid as G
from xxgk.write.md import table, write


@settings(max_examples=max(20, settings.default.max_examples // 2))
@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2021", "2021", "2019"]))
def test_read_write_roundtrip(seed: int, fmt: str) -> None:
    report = random_report(random.Random(seed), fmt=fmt)
    got = xxgk.parse(write(report), name="r.md")
    assert got.source["kind"] == "text"
    assert _diff(report, got) == []
    assert [f for f in got.check() if f.severity == "error"] == []


def test_every_table_row_has_the_grid_width() -> None:
    for grid in G.grids(random_report(random.Random(2))).values():
        lines = table(grid)
        assert len(lines) == grid.n_rows + 1
        # n_cols cells → n_cols + 1 unescaped pipes per line.
        assert {line.replace("\\|", "").count("|") for line in lines} == {grid.n_cols + 1}, grid.name


def test_headings_and_merged_cells_once() -> None:
    report = random_report(random.Random(4))
    text = write(report).decode()
    assert text.startswith(f"# {report.agency}{report.year}年政府信息公开工作年度报告\n")
    for title in G.SECTION_TITLES.values():
        assert f"\n## {title}\n" in text
    assert text.count(G.IDENTITY_NOTE) == 1  # the 3 × 3 note cell printed once, blanks elsewhere


def test_seeds_rewritten_read_back(seed_paths: list[Path]) -> None:
    for path in seed_paths:
        report = xxgk.parse(path)
        assert _diff(report, xxgk.parse(write(report))) == [], path.name
