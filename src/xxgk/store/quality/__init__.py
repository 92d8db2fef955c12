"""The store's quality signals: findings that need more than one report (issue 14, point 6).

The batch records each version with its own reader and check findings (source `read`/`check`)
and marks its report stale; `refresh()` then recomputes, for the stale reports and every report
whose signals they affect, the findings below (source `quality`), writes the difference, and
clears the stale flags. Everything is computed from the store's contents alone, so one process, two
Dask workers and a run killed and resumed leave the same findings.

| rule | on | when |
|---|---|---|
| `store.version_changed` | the new version | a file from the same place (origin, else file name) changed after publication: its tables or text differ from the version before |
| `store.sources_differ` | the newer version | the latest versions from two places differ in their tables |
| `store.duplicate_report` | active version | the same file, or the same tables and narrative, is another agency's or year's report |
| `quality.late` | active version | published after 31 January (departments, townships) or 31 March (governments) of the next year |
| `quality.missing` | agency-year | no report of an agency for a year its hierarchy has reports of (`missing.py`) |
| `quality.section_renamed` | active version | a section heading printed otherwise than the official title |
| `quality.yoy_jump` | active version | a count row ×10 or more against the agency's previous year |
| `quality.regulations_without_power` | active version | 规章 counts from a matched agency without rule-making power |
| `t3.cross_year`, `t2.stock_flow` | active version | xxgk.report.checks' cross-year warnings against the previous year |
| `quality.narrative_duplicate` | active version | 雷同: another agency's narrative shares ≥ 30% of its shingles (`xxgk.store.similar`) |

All are warnings. Thresholds: `thresholds.py`. Who is recomputed for a stale report (agency A,
year Y): the report itself; A's report of Y+1 (its previous year changed); every report it is a
duplicate or 雷同 of, now or before (read from its old findings); and, for `quality.missing`, the
whole hierarchy under A's root. A finding that stays the same is left alone (so a person's
`handled` mark survives a refresh); one whose wording or details change but that stays on the same
version or agency-year, rule and cells is updated in place (same id, `handled` mark kept: the issue
a person settled is still that issue); one that is no longer wanted is deleted.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

from . import load, missing, rules
from .pairs import PAIR_RULES, PairFinder, Reports, old_partners
from .rules import Want

__all__ = ["refresh", "RULES"]

RULES = (
    "store.version_changed", "store.sources_differ", "store.duplicate_report", "quality.late", "quality.missing",
    "quality.section_renamed", "quality.yoy_jump", "quality.regulations_without_power", "t3.cross_year",
    "t2.stock_flow", "quality.narrative_duplicate",
)
SOURCE = "quality"
_BATCH = 1000


def refresh(reports: Iterable[Any] | None = None, *, everything: bool = False) -> int:
    """Recompute the quality findings of stale reports (`reports=None`) or of the given reports
    (ids or `Report`s) and of the reports they affect; clear their stale flags. Returns the number
    of findings written (new or changed; an unchanged finding is kept as it is).

    `everything=True` recomputes every report and every hierarchy: after what no report's
    staleness records, an edited hierarchy (agencies added, a rule-making flag set) or a report
    moved to another agency (its old agency's root).

    One transaction: a run killed midway leaves the stale flags set, and the next refresh does
    the work. On PostgreSQL the stale reports are locked (`SELECT … FOR UPDATE`), so a version
    added meanwhile by another writer marks its report stale again after this commit."""
    from django.db import transaction

    from ..models import Report

    with transaction.atomic():
        locked = Report.objects.select_for_update()
        if everything:
            seeds = set(locked.values_list("id", flat=True))
        elif reports is None:
            seeds = set(locked.filter(stale=True).values_list("id", flat=True))
        else:
            wanted = sorted({r.pk if isinstance(r, Report) else int(r) for r in reports})
            seeds = set()
            for batch in load.chunks(wanted):
                seeds |= set(load.where_in(locked, "id", batch).values_list("id", flat=True))
        if not seeds and not everything:
            return 0
        written = _refresh(seeds, everything)
        for batch in load.chunks(sorted(seeds)):
            load.where_in(Report.objects, "id", batch).update(stale=False)
    return written


def _refresh(seeds: set[int], everything: bool = False) -> int:
    from ..models import Agency, Finding

    store = Reports()
    store.ensure(seeds)
    affected = set(seeds)
    # A's report of Y+1: its previous year is one of the seeds.
    seed_reps = [store.reps[i] for i in sorted(seeds) if i in store.reps]
    years = store.years(r.agency_id for r in seed_reps if r.agency_id is not None)
    for r in seed_reps:
        if r.agency_id is not None and r.year is not None and (nxt := years.get((r.agency_id, r.year + 1))):
            affected.add(nxt)
    # Partners before (old findings name them) and now.
    old = Finding.objects.filter(source=SOURCE, rule__in=PAIR_RULES)
    affected |= old_partners(d for (d,) in _chunked_values(old, "version__report_id", seeds, "details"))
    finder = PairFinder(store)
    affected |= finder.find(seeds).partners()
    finder.find(affected)
    store.ensure(affected)
    # Previous years of everything recomputed.
    years = store.years(store.reps[i].agency_id for i in affected if i in store.reps and store.reps[i].agency_id)
    previous = {}
    for i in affected:
        r = store.reps.get(i)
        if r is not None and r.agency_id is not None and r.year is not None and (p := years.get((r.agency_id, r.year - 1))):
            previous[i] = p
    store.ensure(previous.values())
    versions = load.versions(affected)
    contents = load.version_contents(set().union(*(rules.versions_to_compare(vs) for vs in versions.values())))

    wants: list[Want] = []
    for i in sorted(affected):
        rep = store.reps.get(i)
        if rep is None:
            continue
        ag = store.agency(rep)
        prev = store.reps.get(previous[i]) if i in previous else None
        mine: list[Want] = []
        if rep.active_id is not None:
            mine += rules.late(rep, ag)
            mine += rules.regulations_without_power(rep, ag)
            mine += rules.section_renamed(rep)
            mine += rules.yoy_jump(rep, prev)
            mine += rules.cross_year(rep, prev)
            mine += finder.wants(i)
        mine += rules.version_rules(versions.get(i, []), contents)
        for w in mine:  # like the reader's and the checks' findings: the report's agency-year beside the version
            if w.version_id is not None and w.agency_id is None:
                w.agency_id, w.year = rep.agency_id, rep.year
        wants += mine
    existing = Finding.objects.filter(source=SOURCE)
    written = _sync(_chunked_values(existing, "version__report_id", affected, *_FIELDS), wants)
    # quality.missing, root by root.
    roots = missing.roots(store.ags[r.agency_id].path for r in seed_reps if r.agency_id in store.ags)
    if everything:
        roots |= missing.roots(Agency.objects.filter(parent__isnull=True).values_list("path", flat=True))
    for root in sorted(roots):
        rows = Finding.objects.filter(source=SOURCE, rule=missing.MISSING, agency__path__startswith=root).values_list(*_FIELDS)
        written += _sync(rows, missing.wants(root))
    return written


_FIELDS = ("id", "version_id", "agency_id", "year", "rule", "severity", "cells", "message", "expected", "actual", "details",
           "handled")


def _chunked_values(qs: Any, field: str, ids: Iterable[int], *fields: str) -> Iterable[tuple[Any, ...]]:
    """`qs.filter(field__in=ids).values_list(*fields)`, a chunk of ids at a time."""
    for batch in load.chunks(sorted(set(ids))):
        yield from load.where_in(qs, field, batch).values_list(*fields)


def _canon(v: Any) -> Any:
    """A comparable form of a JSON value: itself for a scalar or a list of strings (most
    findings' cells, expected and actual), else its JSON text with sorted keys."""
    if v is None or type(v) in (int, str, float, bool):
        return (type(v).__name__, v)
    if type(v) is list and all(type(x) is str for x in v):
        return tuple(v)
    return json.dumps(v, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _key(version_id: Any, agency_id: Any, year: Any, rule: str, severity: str, cells: Any, message: str,
         expected: Any, actual: Any, details: Any) -> tuple[Any, ...]:
    return (version_id, agency_id, year, rule, severity, _canon(cells or []), message, _canon(expected), _canon(actual),
            _canon(details or {}))


def _identity(key: tuple[Any, ...]) -> tuple[Any, ...]:
    """What makes two findings one issue for a person: version or agency-year, rule, cells."""
    return key[:4] + key[5:6]


def _sync(existing: Iterable[tuple[Any, ...]], wants: list[Want]) -> int:
    """Make the stored findings `existing` (rows of _FIELDS) equal to `wants`: leave what is
    unchanged (handled rows matched first, so a duplicate's handled copy is the one kept), update
    in place what changed on the same issue (`_identity`), delete what is no longer wanted,
    create what is new."""
    from ..models import Finding

    todo = Counter()
    by_key: dict[tuple[Any, ...], Want] = {}
    for w in wants:
        w.details = json.loads(json.dumps(w.details, ensure_ascii=False))  # as the database will give it back
        k = _key(w.version_id, w.agency_id, w.year, w.rule, w.severity, w.cells, w.message, w.expected, w.actual, w.details)
        todo[k] += 1
        by_key[k] = w
    stale: list[tuple[int, tuple[Any, ...]]] = []
    for fid, *fields, _handled in sorted(existing, key=lambda row: not row[-1]):
        k = _key(*fields)
        if todo[k] > 0:
            todo[k] -= 1
        else:
            stale.append((fid, k))
    new_wants = [w for k, n in todo.items() if n > 0 for w in [by_key[k]] * n]
    reusable: dict[tuple[Any, ...], list[int]] = {}
    for fid, k in stale:
        reusable.setdefault(_identity(k), []).append(fid)
    changed: list[Any] = []
    created: list[Any] = []
    for w in new_wants:
        k = _key(w.version_id, w.agency_id, w.year, w.rule, w.severity, w.cells, w.message, w.expected, w.actual, w.details)
        ids = reusable.get(_identity(k))
        row = Finding(version_id=w.version_id, agency_id=w.agency_id, year=w.year, rule=w.rule, severity=w.severity,
                      cells=w.cells, message=w.message, expected=w.expected, actual=w.actual, details=w.details,
                      source=SOURCE)
        if ids:
            row.pk = ids.pop(0)
            changed.append(row)
        else:
            created.append(row)
    kept = {f.pk for f in changed}
    for batch in load.chunks([fid for fid, _ in stale if fid not in kept]):
        load.where_in(Finding.objects, "id", batch).delete()
    Finding.objects.bulk_update(changed, ["severity", "message", "expected", "actual", "details"], batch_size=_BATCH)
    Finding.objects.bulk_create(created, batch_size=_BATCH)
    return len(changed) + len(created)
