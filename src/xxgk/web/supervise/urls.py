"""URLs of the supervision app: one list per part, each part in its own module."""

from __future__ import annotations

urlpatterns: list = []
from .report import urlpatterns as report_urls; urlpatterns += report_urls  # noqa: E402,E702 (report page, corrections)
