"""Upload and the job centre (issue 15, point 2): files from the browser into background jobs,
their progress, retry, and the agency each file was matched to, confirmed or settled."""

from __future__ import annotations

from django.urls import path

from . import upload, views

urlpatterns = [
    path("upload/", upload.upload, name="upload"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job-progress"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job-retry"),
    path("jobs/files/<int:pk>/confirm/", views.file_confirm, name="job-file-confirm"),
    path("jobs/files/<int:pk>/settle/", views.file_settle, name="job-file-settle"),
]
