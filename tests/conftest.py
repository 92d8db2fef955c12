"""Shared test setup: Hypothesis profiles and the sample reports.

Profiles: "dev" (default, ~100 examples) and "ci" (chosen when CI=true, ~1000 examples). Property
tests take max_examples from the profile; do not hard-code it. HYPOTHESIS_PROFILE=name overrides.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "ci",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
_default = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))

REPO = Path(__file__).resolve().parents[1]
#: The published sample reports: the repository is cloned beside shared/.
SEEDS = REPO.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    """The sample reports in ../shared/seeds (the test is skipped when they are absent)."""
    paths = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not paths:
        pytest.skip(f"no sample reports in {SEEDS}")
    return paths


def pytest_configure(config: pytest.Config) -> None:
    """Django for the store and web tests: the web project's settings (a superset of the store's)
    on DATABASE_URL when set (the PostgreSQL run, `make test-pg`), otherwise SQLite; pytest-django
    creates and drops the test database (one per xdist worker). Huey runs jobs in-process
    (immediate mode), so an upload's job has finished when the request returns."""
    from django.conf import settings as dj

    if not dj.configured:
        os.environ.setdefault("XXGK_TESTING", "1")
        os.environ.setdefault("XXGK_HUEY_IMMEDIATE", "1")
        import importlib

        from xxgk.store.settings import database

        web = importlib.import_module("xxgk.web.settings")
        conf = {k: getattr(web, k) for k in dir(web) if k.isupper()}
        conf["DATABASES"] = {"default": database(os.environ.get("DATABASE_URL") or str(REPO / "test.sqlite3"))}
        conf["HUEY"] = {**conf["HUEY"], "immediate": True}
        conf["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast test logins
        dj.configure(**conf)
