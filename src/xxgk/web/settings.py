"""Settings of the web project. Everything that varies by deployment comes from the environment:

- `DATABASE_URL`: the store (PostgreSQL in production); default SQLite `./xxgk.sqlite3`.
- `XXGK_SECRET_KEY`: required when `XXGK_DEBUG` is not set (a fixed key is used only for the demo).
- `XXGK_DEBUG=1`: development (demo) mode.
- `XXGK_ALLOWED_HOSTS`: comma-separated, default `127.0.0.1,localhost`.
- `REDIS_URL`: the job queue (Huey) and the cache on Redis; default Huey on SQLite beside the store.
- `XXGK_DATA_DIR`: where Huey's SQLite queue lives (default: beside the store's SQLite file, or ./).
"""

from __future__ import annotations

import os
from pathlib import Path

from xxgk.store.settings import database

from . import limits

BASE_DIR = Path(__file__).resolve().parent

DEBUG = os.environ.get("XXGK_DEBUG", "") in ("1", "true", "yes")
SECRET_KEY = os.environ.get("XXGK_SECRET_KEY") or ("xxgk-demo-only-not-secret" if DEBUG or os.environ.get("XXGK_TESTING") else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("XXGK_SECRET_KEY must be set (or XXGK_DEBUG=1 for the demo)")
ALLOWED_HOSTS = [h for h in os.environ.get("XXGK_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "xxgk.store",
    "xxgk.web.core",
    "xxgk.web.supervise",
    "xxgk.web.office",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "xxgk.web.core.middleware.SecurityHeaders",
]

ROOT_URLCONF = "xxgk.web.urls"
WSGI_APPLICATION = "xxgk.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xxgk.web.core.context.scope",
            ],
        },
    }
]

DATABASES = {"default": database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def _huey_dir() -> Path:
    given = os.environ.get("XXGK_DATA_DIR")
    if given:
        return Path(given)
    name = DATABASES["default"].get("NAME")
    if DATABASES["default"]["ENGINE"].endswith("sqlite3") and name:
        return Path(str(name)).parent
    return Path.cwd()


# Uploads are parsed by Huey workers, never in the request (a hostile PDF cannot stall the web
# process). `immediate` mode (tests) runs tasks in-process synchronously.
HUEY = {
    "name": "xxgk",
    "immediate": bool(os.environ.get("XXGK_HUEY_IMMEDIATE")),
    "results": True,
    "store_none": False,
    "utc": True,
    # An idle consumer polls the queue at most every 0.5 s (Huey's default backs off to 10 s): an
    # upload's job starts within half a second (the upload-to-report target is 3 s).
    "consumer": {"workers": 2, "worker_type": "process", "max_delay": 0.5},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(_huey_dir() / "xxgk-jobs.sqlite3")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The interface is Chinese whatever the browser asks for (no LocaleMiddleware): the messages are
# written in English in the code and translated in locale/ (xxgk.web.i18n).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Shanghai"

STATIC_URL = "static/"
# The project's own static files (htmx, ECharts, app.css/js) live beside the settings, in no app.
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("XXGK_STATIC_ROOT", Path.cwd() / "static"))

# Upload limits (see limits.py for what each was chosen from).
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.FORM_MAX_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = limits.UPLOAD_IN_MEMORY_BYTES
DATA_UPLOAD_MAX_NUMBER_FILES = limits.UPLOAD_MAX_FILES

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = os.environ.get("XXGK_INSECURE_COOKIES", "") == ""
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
