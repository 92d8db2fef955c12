"""The web app: supervision (`supervise`), the disclosure office (`office`) and the public portal,
one Django project on the report store (`xxgk.store`).

    xxgk serve                      # 127.0.0.1:8000 on ./xxgk.sqlite3 (or DATABASE_URL)
    xxgk demo                       # the demo hierarchy, reports and logins

The project's settings build on `xxgk.store.settings.database()`, so the CLI, the library and the
web app read and write one store. Access is decided in one place, `xxgk.web.core.scope`; every state
change is written to the append-only `core.AuditEvent` by `xxgk.web.core.audit.record`.
"""

from __future__ import annotations

SETTINGS_MODULE = "xxgk.web.settings"


def setup() -> None:
    """Configure Django with the web project's settings (once per process)."""
    import os

    import django
    from django.conf import settings

    if not settings.configured:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE)
    django.setup()
