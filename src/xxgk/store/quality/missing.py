"""`quality.missing`: an agency of the hierarchy without a report for a year the store has.

Which agency-years are expected: every agency under a hierarchy's root (a province, or whatever
the imported hierarchy's top is), for every year in which at least one agency under that root has
a report with an active version. A root with no report at all expects nothing (an imported
hierarchy is not a claim that its reports were collected); unmatched reports (no agency) count
for no root. The finding is on the agency-year (no version) and disappears when the report
arrives: the root is recomputed whenever one of its reports changes.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Agency, Report
from .rules import Want

MISSING = "quality.missing"


def wants(root_path: str) -> list[Want]:
    """The missing agency-years under one root ("/51/")."""
    agencies = list(Agency.objects.filter(path__startswith=root_path).values_list("id", "name", "path"))
    if not agencies:
        return []
    root_code = root_path.strip("/")
    root_name = next((name for _, name, path in agencies if path == root_path), root_code)
    present = set(
        Report.objects.filter(agency__path__startswith=root_path, active__isnull=False, year__isnull=False)
        .values_list("agency_id", "year")
    )
    years = sorted({y for _, y in present})
    out = []
    for aid, name, _ in agencies:
        for year in years:
            if (aid, year) not in present:
                msg = f"未见「{name}」{year} 年政府信息公开工作年度报告（「{root_name}」所属机关已有 {year} 年报告入库）"
                out.append(Want(MISSING, msg, agency_id=aid, year=year, details={"root": root_code}))
    return out


def roots(paths: Iterable[str]) -> set[str]:
    """The root paths ("/51/") of these agency paths."""
    out = set()
    for path in paths:
        top = path.strip("/").split("/")[0]
        if top:
            out.add(f"/{top}/")
    return out
