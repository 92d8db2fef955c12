"""A report's tables as one digest, computed where the file is parsed (a Dask worker: no Django
here). Two agencies' reports with the same digest are one report filed twice."""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: Tables identify a report only when they say something: at least this many non-zero counts.
#: Identical all-zero tables (no applications, no appeals, a few documents) are what most townships
#: print every year, not a copy; the store corpus's clean townships have 3–12 non-zero counts, and
#: two of them never share a digest among 10,000 reports. Read by `quality.thresholds`.
DUPLICATE_MIN_NONZERO = 5


def tables_digest(report: dict[str, Any]) -> str:
    """sha256 of the format and every table value of a contract object, or "" when the tables hold
    fewer than DUPLICATE_MIN_NONZERO non-zero counts (all-zero tables are what most townships
    print: alike without being copies)."""
    tables = {k: report.get(k) for k in ("t2", "t3", "t4", "t2_2019") if report.get(k) is not None}
    nonzero = 0
    stack: list[Any] = [tables]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, int) and not isinstance(node, bool) and node > 0:
            nonzero += 1
    if nonzero < DUPLICATE_MIN_NONZERO:
        return ""
    text = json.dumps([report.get("format"), tables], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


