"""With REDIS_URL the job queue (Huey) and the cache are on Redis: checked in a child process (the
settings are read once per process) against the Redis of this machine (127.0.0.1:6379, database 15);
skipped when no Redis answers there, except in CI, where the machine runs one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from tests.conftest import REPO

URL = "redis://127.0.0.1:6379/15"

CHILD = r"""
import os, uuid
import django
django.setup()
from django.conf import settings
from django.core.cache import cache
from huey.contrib.djhuey import HUEY
assert type(HUEY).__name__ == "RedisHuey", type(HUEY)
assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
key = "xxgk-test-" + uuid.uuid4().hex
cache.set(key, "甲", 30)
assert cache.get(key) == "甲"
# A message through the queue itself: what a web process enqueues, a consumer dequeues.
HUEY.storage.flush_queue()
HUEY.storage.enqueue(key.encode())
assert HUEY.storage.dequeue() == key.encode()
print("ok")
"""


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


def test_queue_and_cache_on_redis(tmp_path) -> None:  # type: ignore[no-untyped-def]
    if not _redis_up():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail("Redis is not answering on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = {**os.environ, "REDIS_URL": URL, "DJANGO_SETTINGS_MODULE": "xxgk.web.settings", "XXGK_TESTING": "1",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}", "PYTHONPATH": str(REPO / "src")}
    env.pop("XXGK_HUEY_IMMEDIATE", None)
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().endswith("ok")
