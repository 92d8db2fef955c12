"""Django settings for using the store without a web server (CLI, library, Dask driver).

The web project (`xxgk.web`) builds on the same `database()` so that the CLI, the library and the
web app read and write one store. Where the store lives: `DATABASE_URL` when set (PostgreSQL in
production and in the PostgreSQL test run), otherwise a SQLite file, `xxgk.sqlite3` in the current
directory unless a path or URL is given.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

#: The SQLite file used when neither an argument nor DATABASE_URL names a database.
DEFAULT_SQLITE = "xxgk.sqlite3"

#: WAL lets readers (an export, the web app) work while a batch writes; NORMAL sync is safe in
#: WAL mode (a power cut can lose the last transactions, never corrupt); writers wait up to 30 s
#: for the lock instead of failing at once (a web upload beside a running batch).
_SQLITE_INIT = "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=30000;PRAGMA foreign_keys=ON"


def database(url_or_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Django's DATABASES['default'] for a URL (postgres://…, sqlite:///…), a SQLite path, or None
    (DATABASE_URL, else ./xxgk.sqlite3)."""
    target = str(url_or_path) if url_or_path is not None else os.environ.get("DATABASE_URL") or DEFAULT_SQLITE
    if "://" in target:
        import dj_database_url

        config: dict[str, Any] = dict(dj_database_url.parse(target, conn_max_age=600))
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(Path(target).expanduser().resolve())}
    if config["ENGINE"].endswith("sqlite3"):
        options = config.setdefault("OPTIONS", {})
        options.setdefault("init_command", _SQLITE_INIT)
        # A write transaction takes the lock at BEGIN, so two writers queue instead of one
        # failing with "database is locked" when it upgrades a read lock.
        options.setdefault("transaction_mode", "IMMEDIATE")
        config.setdefault("TEST", {})
    return config


def settings(url_or_path: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """The minimal settings the store needs: its models, the auth users that sign versions."""
    return {
        "INSTALLED_APPS": [
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "xxgk.store",
        ],
        "DATABASES": {"default": database(url_or_path)},
        "DEFAULT_AUTO_FIELD": "django.db.models.BigAutoField",
        "USE_TZ": True,
        "TIME_ZONE": "Asia/Shanghai",
        "USE_I18N": True,
        "LANGUAGE_CODE": "zh-hans",
    }
