"""URLs of the supervision app: one list per part, each part in its own module."""

from __future__ import annotations

from . import compare, coverage, issues, jobs, report, rollup

urlpatterns: list = []
urlpatterns += compare.urlpatterns
urlpatterns += report.urlpatterns
urlpatterns += jobs.urlpatterns
urlpatterns += coverage.urlpatterns
urlpatterns += rollup.urlpatterns
urlpatterns += issues.urlpatterns
