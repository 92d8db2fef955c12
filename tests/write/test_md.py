"""Markdown: read(write(r)) == r through the text reader; tables rectangular, pipes escaped."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings

from tests.corpus.generate import random_report
from tests.write import roundtrip as rt
from xxgk.report import Report
from xxgk.write import grid as G
from xxgk.write.md import table, write


@settings(max_examples=max(20, settings.default.max_examples // 2))
@given(seed=rt.seeds, fmt=rt.table_formats)
def test_read_write_roundtrip(seed: int, fmt: str) -> None:
    got = rt.roundtrip(random_report(random.Random(seed), fmt=fmt), "md", name="r.md")
    assert rt.error_messages(got) == []


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


def test_seeds_rewritten_read_back(seed_reports: list[tuple[Path, Report]]) -> None:
    for path, report in seed_reports:
        rt.roundtrip(report, "md", name=path.name)
