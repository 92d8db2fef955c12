"""A canonical dump of the store's contents, free of ids and clocks, to compare two runs
(one process vs Dask workers vs a run killed and resumed)."""

from __future__ import annotations

from typing import Any


def snapshot() -> dict[str, Any]:
    from xxgk.store.models import Agency, Blob, Finding, Report, Version

    codes = dict(Agency.objects.values_list("pk", "code"))
    reports: dict[int, tuple[Any, ...]] = {}
    for r in Report.objects.all():
        reports[r.pk] = (codes.get(r.agency_id), r.printed_agency if r.agency_id is None else "", r.year)
    versions: dict[int, tuple[Any, ...]] = {}
    rows = []
    for v in Version.objects.all():
        key = reports[v.report_id] + (v.number,)
        versions[v.pk] = key
        rows.append((key, v.sha256, v.medium, v.name, v.origin, v.made_by, v.xxgk_version, v.format,
                     str(v.published_on), v.errors, v.warnings, bytes(v.signature or b""), _canon(v.data)))
    active = sorted(((reports[r.pk], versions.get(r.active_id)) for r in Report.objects.all()), key=repr)
    findings = sorted(
        ((versions.get(f.version_id), codes.get(f.agency_id), f.year, f.rule, f.severity, _canon(f.cells), f.message,
          _canon(f.expected), _canon(f.actual), _canon(f.details), f.source, f.handled)
         for f in Finding.objects.all()),
        key=repr,
    )
    return {
        "reports": sorted(reports.values(), key=repr),
        "matches": sorted(((reports[r.pk], r.match, _canon(r.candidates)) for r in Report.objects.all()), key=repr),
        "versions": sorted(rows, key=repr),
        "active": sorted(active, key=repr),
        "findings": sorted(findings, key=repr),
        "blobs": sorted(Blob.objects.values_list("sha256", "size")),
        "stale": Report.objects.filter(stale=True).count(),
    }


def _canon(value: Any) -> str:
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def wipe(*, agencies: bool = False) -> None:
    """Empty the store (the hierarchy too when `agencies`), so that a test can ingest again."""
    from xxgk.store.models import Agency, Blob, Finding, Ingest, Report, Run, Version

    Finding.objects.all().delete()
    Report.objects.update(active=None)
    Version.objects.all().delete()
    Report.objects.all().delete()
    Blob.objects.all().delete()
    Ingest.objects.all().delete()
    Run.objects.all().delete()
    if agencies:  # children before parents (PROTECT)
        for level in ("department", "township", "county", "city", "province", "national"):
            Agency.objects.filter(level=level).delete()
