"""URLs of the supervision app: one list per part, each part in its own module."""

from __future__ import annotations

urlpatterns: list = []
from .rollup import urlpatterns as rollup_urls; urlpatterns += rollup_urls  # noqa: E402,E702 (roll-up, rankings)
from .issues import urlpatterns as issues_urls; urlpatterns += issues_urls  # noqa: E402,E702 (issues list)
