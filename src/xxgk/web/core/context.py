"""Template context: the user's scope and the navigation, for every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .scope import scope_of

#: The main navigation: URL name and label. A part not yet installed (its URL name does not
#: resolve) is left out, so the menu never links to a page that is not there.
NAV = [
    ("coverage", _("Coverage")),
    ("upload", _("Upload")),
    ("jobs", _("Jobs")),
    ("issues", _("Issues")),
    ("rollup_index", _("Roll-up")),
    ("rankings", _("Rankings")),
    ("compare_reports", _("Comparison")),
    ("audit", _("Audit log")),
]


def scope(request: HttpRequest) -> dict[str, Any]:
    s = getattr(request, "scope", None) or scope_of(getattr(request, "user", None))
    nav = []
    if s is not None:
        for name, label in NAV:
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            nav.append({"name": name, "label": label, "url": url,
                        "active": request.path.startswith(url) if url != "/" else request.path == "/"})
    return {"scope": s, "nav": nav}
