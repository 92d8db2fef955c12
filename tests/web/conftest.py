"""Fixtures of the web tests: a small hierarchy with two counties, users at each node, and
clients logged in as them.

    甲省 (10, province)
      乙市 (1001, city)
        丙县 (100101, county)  ─ 戊镇 (10010101, township), 丙县教育局 (10010102, department)
        丁县 (100102, county)  ─ 丁县教育局 (10010201, department)

A county supervisor (`sup_a` at 丙县) must never see 丁县's data: the isolation tests compare every
page and download of one with the other.
"""

from __future__ import annotations

from typing import Any

import pytest

PASSWORD = "pw-xxgk-test-1"


@pytest.fixture
def tree(db: Any) -> dict[str, Any]:
    from xxgk.store.models import Agency

    def add(code: str, name: str, level: str, parent: Any = None) -> Any:
        return Agency.objects.create(code=code, name=name, level=level, parent=parent)

    p = add("10", "甲省", "province")
    c = add("1001", "甲省乙市", "city", p)
    a = add("100101", "乙市丙县", "county", c)
    b = add("100102", "乙市丁县", "county", c)
    return {
        "province": p, "city": c, "county_a": a, "county_b": b,
        "town_a": add("10010101", "丙县戊镇", "township", a),
        "dept_a": add("10010102", "丙县教育局", "department", a),
        "dept_b": add("10010201", "丁县教育局", "department", b),
    }


@pytest.fixture
def make_user(db: Any) -> Any:
    from django.contrib.auth.models import User

    from xxgk.web.core.models import Profile

    def make(username: str, role: str = "supervisor", agency: Any = None, **extra: Any) -> Any:
        user = User.objects.create_user(username, password=PASSWORD, **extra)
        Profile.objects.create(user=user, role=role, agency=agency)
        return user

    return make


@pytest.fixture
def users(tree: dict[str, Any], make_user: Any) -> dict[str, Any]:
    return {
        "admin": make_user("admin", "administrator", None, is_staff=True),
        "sup_city": make_user("sup_city", "supervisor", tree["city"]),
        "sup_a": make_user("sup_a", "supervisor", tree["county_a"]),
        "ana_a": make_user("ana_a", "analyst", tree["county_a"]),
        "sup_b": make_user("sup_b", "supervisor", tree["county_b"]),
    }


@pytest.fixture
def login(client: Any) -> Any:
    """login(user) → the test client, logged in as that user."""

    def as_user(user: Any) -> Any:
        client.force_login(user)
        return client

    return as_user


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """The cache holds login attempts: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def put_report(db: Any) -> Any:
    """put_report(agency, year, seed=0, data=None, name=None) → the stored `Version`.

    Without `data`, a generated report (tests/corpus: non-zero, every identity true) for that
    agency and year, printed as plain text in the `tab000` layout; with `data`, those bytes (a real
    report, a PDF …). Ingested through `xxgk.store.batch.run`, the path every upload takes, so the
    agency is matched from the printed title as it would be in production."""
    import random

    from tests.corpus.generate import random_report
    from tests.corpus.layouts import render_text
    from xxgk.store import batch
    from xxgk.store.models import Version
    from xxgk.store.sources.item import Item

    def put(agency: Any, year: int, *, seed: int = 0, data: bytes | None = None, name: str | None = None,
            fmt: str = "2021") -> Any:
        if data is None:
            rng = random.Random(seed)
            report = random_report(rng, fmt=fmt)
            report.agency, report.year = agency.name, year
            data = render_text(report, "tab000", rng).encode("utf-8")
            name = name or f"{agency.code}-{year}.txt"
        name = name or f"{agency.code}-{year}.bin"
        item = Item(name=name, origin=f"test://{name}", _loader=lambda _item: data)
        summary = batch.run([], items=[item])
        assert summary.read == 1, f"{name} was not read: {summary}"
        return Version.objects.filter(sha256=__import__("hashlib").sha256(data).hexdigest()).latest("id")

    return put
