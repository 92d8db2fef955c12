"""URLs of the supervision app: one list per part, each part in its own module."""

from __future__ import annotations

from .jobs import urlpatterns as jobs_urls

urlpatterns: list = []
urlpatterns += jobs_urls
