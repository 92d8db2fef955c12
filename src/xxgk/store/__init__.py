"""The report store: agencies, their reports by year, versions, findings (Django ORM).

Usable without a web server::

    from xxgk import store
    store.setup("reports.sqlite3")            # or a postgres:// URL; default DATABASE_URL or ./xxgk.sqlite3
    from xxgk.store.models import Report
    Report.objects.filter(year=2024).count()

`setup()` configures Django once per process (unless a Django project such as `xxgk.web` already
did) and applies the migrations, so the first call on a new file creates the store.
"""

from __future__ import annotations

import os
from typing import Any

__all__ = ["setup", "is_setup"]

_configured_for: str | None = None


def is_setup() -> bool:
    from django.conf import settings as dj

    return dj.configured


def setup(database: str | os.PathLike[str] | None = None, *, migrate: bool = True) -> dict[str, Any]:
    """Configure Django for the store (if no project did) and create or upgrade its tables.

    Returns the database settings in use. A second call with another database in the same process
    is refused: Django's connections are process-wide."""
    global _configured_for
    import django
    from django.conf import settings as dj

    from .settings import database as db_config
    from .settings import settings

    wanted = db_config(database)
    if not dj.configured:
        conf = settings(database)
        dj.configure(**conf)
        django.setup()
        _configured_for = str(wanted.get("NAME"))
    else:
        from django.apps import apps

        if not apps.ready:
            django.setup()
        if database is not None and _configured_for is not None and str(wanted.get("NAME")) != _configured_for:
            raise RuntimeError(f"the store is already set up on {_configured_for}; one database per process")
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    return dict(dj.DATABASES["default"])
