"""A report's tables as one digest, computed where the file is parsed (a Dask worker: no Django
here). Two agencies' reports with the same digest are one report filed twice."""

from __future__ import annotations

import hashlib
from typing import Any

from .jsontext import dumps

#: Tables identify a report only when they say enough: at least this many non-zero counts among
#: the cells no identity derives (the 总计 column, row （七）总计 and 表四's 总计 left out: one
#: application alone makes six non-zero cells). Identical small tables are what townships print:
#: in the 10,000-report store corpus (2026-12-06) 5 such cells let 7 pairs of clean reports
#: collide (the same agency's two years, or two townships), 6 let 3, 8 none, while 18 of the 25
#: injected copies are still caught by their tables alone (the others by their narrative). Read
#: by `quality.thresholds`.
DUPLICATE_MIN_NONZERO = 8


def tables_digest(report: dict[str, Any]) -> str:
    """sha256 of the format and every table value of a contract object, or "" when the tables hold
    fewer than DUPLICATE_MIN_NONZERO non-zero counts outside the totals (small tables are alike
    without being copies)."""
    tables = {k: report.get(k) for k in ("t2", "t3", "t4", "t2_2019") if report.get(k) is not None}
    nonzero = 0
    # (path of a dict, the dict): a leaf's path is built only for a positive count, the few that
    # can be counted (not for each of the ~230 cells).
    stack: list[tuple[str, Any]] = [("", tables)]
    while stack:
        prefix, node = stack.pop()
        for k, v in node.items():
            if isinstance(v, dict):
                stack.append((f"{prefix}{k}.", v))
            elif isinstance(v, int) and not isinstance(v, bool) and v > 0:
                path = f"{prefix}{k}"
                if not path.endswith(".total") and ".results_total." not in path:
                    nonzero += 1
    if nonzero < DUPLICATE_MIN_NONZERO:
        return ""
    text = dumps([report.get("format"), tables], sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


