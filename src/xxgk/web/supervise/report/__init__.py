"""The report page (issue 15, point 3) and corrections with a trail (point 4).

URL names: `report` (the page), `report-finding` and `report-cell` (side-panel fragments),
`report-page-image` (a source page with cell boxes), `report-source`, `report-json`,
`report-render` (downloads), `report-correct`, `report-history`, `report-diff`, `report-activate`.
"""

from __future__ import annotations

from django.urls import path, register_converter

from . import downloads, history, source, views


class _Format:
    regex = "docx|pdf|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class _Key:
    regex = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+){1,3}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Format, "renderfmt")
register_converter(_Key, "cellkey")

urlpatterns = [
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/correct/", history.correct, name="report-correct"),
    path("reports/<int:pk>/versions/", history.history, name="report-history"),
    path("reports/<int:pk>/diff/", history.diff, name="report-diff"),
    path("findings/<int:pk>/source/", views.finding_source, name="report-finding"),
    path("versions/<int:pk>/cells/<cellkey:key>/", views.cell_source, name="report-cell"),
    path("versions/<int:pk>/source/page/<int:page>.png", source.page_image, name="report-page-image"),
    path("versions/<int:pk>/source/", downloads.source_file, name="report-source"),
    path("versions/<int:pk>/report.json", downloads.contract_json, name="report-json"),
    path("versions/<int:pk>/report.<renderfmt:fmt>", downloads.rendering, name="report-render"),
    path("versions/<int:pk>/activate/", history.make_active, name="report-activate"),
]
