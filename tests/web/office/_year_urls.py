"""The project's URLs plus a stand-in for the applications part's detail page (`office_application`),
so the year pages' links to applications are tested whether or not that part is installed."""

from django.http import HttpResponse
from django.urls import path

from xxgk.web.urls import urlpatterns as _project

urlpatterns = list(_project) + [
    path("office/applications/<int:pk>/", lambda request, pk: HttpResponse(str(pk)), name="office_application"),
]
