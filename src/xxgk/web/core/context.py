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

#: The navigation of a disclosure office's staff (xxgk.web.office), in place of the supervision menu.
OFFICE_NAV = [
    ("office_home", _("Office")),
    ("office_board", _("Deadlines")),
    ("office_applications", _("Applications")),
    ("office_items", _("Proactive register")),
    ("office_documents", _("Documents")),
    ("office_cases", _("Appeals")),
    ("office_years", _("Annual report")),
    ("audit", _("Audit log")),
    ("office_accounts", _("Accounts")),
]

#: Office menu entries shown only to a role with this capability (xxgk.web.office.scope): the page
#: would refuse the others anyway, the menu need not offer it.
OFFICE_NAV_CAPABILITY = {"office_accounts": "accounts"}


def scope(request: HttpRequest) -> dict[str, Any]:
    from ..office.scope import office_of

    user = getattr(request, "user", None)
    s = getattr(request, "scope", None) or scope_of(user)
    office = getattr(request, "office", None) or office_of(user)
    nav = []
    if s is not None:
        for name, label in (OFFICE_NAV if office is not None else NAV):
            needed = OFFICE_NAV_CAPABILITY.get(name) if office is not None else None
            if needed and not office.can(needed):
                continue
            try:
                url = reverse(name)
            except NoReverseMatch:
                continue
            nav.append({"name": name, "label": label, "url": url,
                        "active": request.path.startswith(url) if url != "/" else request.path == "/"})
    return {"scope": s, "office": office, "nav": nav}
