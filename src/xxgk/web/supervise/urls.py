"""URLs of the supervision app: one list per part, each part in its own module."""

from __future__ import annotations

<<<<<<< HEAD
from . import compare, report

urlpatterns: list = []
urlpatterns += compare.urlpatterns
urlpatterns += report.urlpatterns
=======
from . import compare, jobs

urlpatterns: list = []
urlpatterns += compare.urlpatterns
urlpatterns += jobs.urlpatterns
>>>>>>> wt-upload
