"""Fuzz bugs known and owned by someone else (`reader:Type` → who fixes it and what it is).

A bounded fuzz run reports these without failing, and their files in `crashes/` are replayed as
strict xfails: when the owner's fix lands, the replay passes, the xfail turns into a failure, and the
entry must be removed here (as `NOT_YET` in tests/read/test_real.py).
"""

from __future__ import annotations

OPEN: dict[str, str] = {}
