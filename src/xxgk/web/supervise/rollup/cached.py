"""The aggregates of the roll-up and rankings pages, cached under the store's generation.

A province's sums or rankings take 0.1–1 s to compute at 100,000 reports; they change only when
the store does. The generation is read from three primary-key indexes in ~1 ms — the newest
version (every ingest and correction makes one), the newest finding (every refresh that finds
something new), the newest audit event (every change made in the web app) — and a counter in the
cache that every save or deletion of a report or an agency bumps (a version made active, an agency
renamed or moved in Django's admin). What changes the store by none of these (a bulk update from
the command line) is seen within CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Max

#: The longest a cached aggregate is kept.
CACHE_SECONDS = 600
T = TypeVar("T")


_BUMP = "xxgk:generation-bump"


def generation() -> str:
    from xxgk.store.models import Finding, Version

    from ...core.models import AuditEvent

    parts = [m.objects.aggregate(m=Max("id"))["m"] or 0 for m in (Version, Finding, AuditEvent)]
    return ".".join(str(p) for p in parts) + f".{cache.get(_BUMP, 0)}"


def bump(**_kwargs: Any) -> None:
    """Signal receiver: a report or an agency was saved or deleted."""
    try:
        cache.incr(_BUMP)
    except ValueError:  # not set yet (or evicted)
        cache.set(_BUMP, 1, None)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from xxgk.store.models import Agency, Report

    for model in (Report, Agency):
        post_save.connect(bump, sender=model, dispatch_uid=f"xxgk-rollup-{model.__name__}-save")
        post_delete.connect(bump, sender=model, dispatch_uid=f"xxgk-rollup-{model.__name__}-delete")


def cached(name: str, key: tuple[Any, ...], compute: Callable[[], T], gen: str | None = None) -> T:
    """compute() once per (name, key, generation)."""
    digest = hashlib.sha1(repr((key, gen or generation())).encode()).hexdigest()
    full = f"xxgk:{name}:{digest}"
    hit = cache.get(full)
    if hit is None:
        hit = compute()
        cache.set(full, hit, CACHE_SECONDS)
    return hit
