"""The aggregates of the roll-up and rankings pages, cached under the store's generation.

A province's sums or rankings take 0.1–1 s to compute at 100,000 reports; they change only when
the store does. The generation is read from three primary-key indexes in ~1 ms: the newest
version (every ingest and correction makes one), the newest finding (every refresh that finds
something new) and the newest audit event (every change made in the web app: a version made
active, a finding handled, an agency settled). Whatever changes the store without any of these
(an edit in Django's admin, a finding deleted by a command-line refresh) is seen within
CACHE_SECONDS.
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


def generation() -> str:
    from xxgk.store.models import Finding, Version

    from ...core.models import AuditEvent

    parts = [m.objects.aggregate(m=Max("id"))["m"] or 0 for m in (Version, Finding, AuditEvent)]
    return ".".join(str(p) for p in parts)


def cached(name: str, key: tuple[Any, ...], compute: Callable[[], T], gen: str | None = None) -> T:
    """compute() once per (name, key, generation)."""
    digest = hashlib.sha1(repr((key, gen or generation())).encode()).hexdigest()
    full = f"xxgk:{name}:{digest}"
    hit = cache.get(full)
    if hit is None:
        hit = compute()
        cache.set(full, hit, CACHE_SECONDS)
    return hit
