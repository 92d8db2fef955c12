"""WSGI entry point: `gunicorn xxgk.web.wsgi` (DJANGO_SETTINGS_MODULE defaults to xxgk.web.settings)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.settings")
application = get_wsgi_application()
