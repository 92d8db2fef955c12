"""Fixtures of the writer tests; the shared helpers are in tests/write/roundtrip.py."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("tests.write.roundtrip")

from tests.write.roundtrip import parse_seeds  # noqa: E402  (after the rewrite hook is registered)

from xxgk.report import Report  # noqa: E402


@pytest.fixture
def seed_reports(seed_paths: list[Path]) -> list[tuple[Path, Report]]:
    """The sample reports in ../shared/seeds, each read afresh for the test: (path, report)."""
    return parse_seeds(seed_paths)
