"""Fixtures of the office tests: staff of two offices, 丙县教育局 (dept_a) and 丁县教育局 (dept_b),
on the hierarchy of tests/web/conftest.py. A clerk of one must never see or change the other's
records."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def staff(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    a, b = tree["dept_a"], tree["dept_b"]
    return {
        "clerk_a": make_user("clerk_a", "clerk", a),
        "reviewer_a": make_user("reviewer_a", "reviewer", a),
        "head_a": make_user("head_a", "head", a),
        "admin_a": make_user("admin_a", "administrator", a),
        "clerk_b": make_user("clerk_b", "clerk", b),
        "head_b": make_user("head_b", "head", b),
    }
