"""year part of the office app; its views are added by issue 16 work."""

from __future__ import annotations

urlpatterns: list = []
