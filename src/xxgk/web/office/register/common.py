"""Helpers shared by the register and cases views: audit-safe values, a change set, a page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator

from ... import limits


def plain(value: Any) -> Any:
    """A value the audit log's JSON can hold exactly: dates as ISO text, Decimals as strings."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    return value


def changes(form: Any) -> dict[str, list[Any]]:
    """{field: [before, after]} of a bound, valid ModelForm of an existing object."""
    out: dict[str, list[Any]] = {}
    for name in form.changed_data:
        before = form.initial.get(name)
        out[name] = [plain(before), plain(form.cleaned_data.get(name))]
    return out


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    return {f: plain(getattr(obj, f)) for f in fields}


def page_of(qs: Any, number: str | None) -> Page:
    return Paginator(qs, limits.PAGE_SIZE).get_page(number)


def int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None
