"""Roll-up, rankings and issues list at 100,000 reports: time of each view in-process (Django's test
client, no HTTP), on a store generated straight into the database (no parsing).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xxgk_bench python bench/bench_rollup.py --build
    DATABASE_URL=… python bench/bench_rollup.py            # time the pages (store already built)
    DATABASE_URL=sqlite:////tmp/rollup-bench.sqlite3 python bench/bench_rollup.py --build   # SQLite

The store: 1 province → 20 cities → 10 counties each → 49 townships and departments each (10,221
agencies), 10 years (2015–2024) of reports for every agency but a few (missing: quality.missing
findings), one active version each with its `Figures` row (random counts), one report in ten with
an older version, ~8 findings per version (reader, checks, store signals), ~1 M findings in all.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import machine  # noqa: E402

YEARS = list(range(2015, 2025))
RULES = [("t3.column_identity", "error", "check"), ("t3.row_identity", "error", "check"),
         ("read.window_by_identity", "warning", "read"), ("t2.stock_flow", "warning", "check"),
         ("quality.late", "warning", "quality"), ("quality.narrative_duplicate", "warning", "quality"),
         ("quality.yoy_jump", "warning", "quality"), ("read.cell_text", "warning", "read")]


def setup() -> None:
    os.environ.setdefault("XXGK_TESTING", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.settings")
    import django

    django.setup()


def build(seed: int = 7) -> None:
    from django.core.management import call_command
    from django.db import connection, transaction

    from xxgk.store.models import FIGURE_KEYS, Agency, Finding, Report, Version, figure_column

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)
    t0 = time.perf_counter()
    with transaction.atomic():
        p = Agency.objects.create(code="10", name="基准省", level="province")
        rows: list[Agency] = []
        for c in range(20):
            city = Agency(code=f"10{c:02d}", name=f"基准{c}市", level="city", parent=p)
            city.path = f"/10/{city.code}/"
            rows.append(city)
            for k in range(10):
                county = Agency(code=f"{city.code}{k:02d}", name=f"基准{c}市{k}县", level="county", parent=city)
                county.path = f"{city.path}{county.code}/"
                rows.append(county)
                for j in range(49):
                    level = "township" if j < 25 else "department"
                    a = Agency(code=f"{county.code}{j:02d}", name=f"{county.name}{j}{'镇' if j < 25 else '局'}",
                               level=level, parent=county)
                    a.path = f"{county.path}{a.code}/"
                    rows.append(a)
        # Parents must exist before children: insert level by level.
        for level in ("city", "county", "township", "department"):
            Agency.objects.bulk_create([a for a in rows if a.level == level], batch_size=5000)
        agencies = list(Agency.objects.values_list("id", "path"))
    print(f"agencies: {len(agencies)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    reports = []
    missing = []
    for aid, _path in agencies:
        for y in YEARS:
            if rng.random() < 0.01:
                missing.append((aid, y))
                continue
            reports.append(Report(agency_id=aid, year=y, printed_agency="", match="exact"))
    with transaction.atomic():
        Report.objects.bulk_create(reports, batch_size=5000)
    print(f"reports: {len(reports)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    data = {"schema": "xxgk/report@1", "format": "2021"}
    for start in range(0, len(reports), 5000):
        chunk = reports[start:start + 5000]
        versions = []
        for r in chunk:
            if rng.random() < 0.1:
                versions.append(Version(report_id=r.pk, number=1, sha256=f"{r.pk:064d}"[:63] + "o", medium="text",
                                        xxgk_version="bench", data=data, format="2021", errors=1))
            versions.append(Version(report_id=r.pk, number=2, sha256=f"{r.pk:064d}", medium="text",
                                    xxgk_version="bench", data=data, format="2021",
                                    published_on=None, errors=rng.randint(0, 3), warnings=rng.randint(0, 5)))
        with transaction.atomic():
            Version.objects.bulk_create(versions, batch_size=5000)
            active = {v.report_id: v.pk for v in versions if v.number == 2}
            for r in chunk:
                r.active_id = active[r.pk]
            Report.objects.bulk_update(chunk, ["active"], batch_size=5000)
            findings = []
            of = {r.pk: (r.agency_id, r.year) for r in chunk}
            for v in versions:
                agency_id, year = of[v.report_id]
                for _ in range(rng.randint(4, 12) if v.number == 2 else 2):
                    rule, sev, src = rng.choice(RULES)
                    findings.append(Finding(version_id=v.pk, agency_id=agency_id, year=year, rule=rule,
                                            severity=sev, message=f"{rule} 基准", source=src,
                                            handled=rng.random() < 0.05))
            Finding.objects.bulk_create(findings, batch_size=5000)
        print(f"versions/findings {start + len(chunk)} ({time.perf_counter() - t0:.0f} s)", flush=True)
    Finding.objects.bulk_create([Finding(agency_id=aid, year=y, rule="quality.missing", severity="warning",
                                         message="未见年报", source="quality") for aid, y in missing], batch_size=5000)
    cols = [figure_column(k) for k in FIGURE_KEYS]
    table = connection.ops.quote_name("store_figures")
    rand = "(random()*50)::bigint" if connection.vendor == "postgresql" else "abs(random()) % 50"
    with connection.cursor() as cur:
        cur.execute(f"INSERT INTO {table} (version_id, inexact, {', '.join(cols)}) "
                    f"SELECT r.active_id, '[]', {', '.join(rand for _ in cols)} "
                    f"FROM store_report r WHERE r.active_id IS NOT NULL")
        cur.execute("ANALYZE")
    print(f"figures ({time.perf_counter() - t0:.0f} s); agencies without a report-year: {len(missing)}; "
          f"findings {Finding.objects.count()}", flush=True)


def users() -> dict[str, object]:
    from django.contrib.auth.models import User

    from xxgk.store.models import Agency
    from xxgk.web.core.models import Profile

    out = {}
    for name, code in (("b_admin", None), ("b_city", "1003"), ("b_county", "100305")):
        user, _ = User.objects.get_or_create(username=name)
        Profile.objects.update_or_create(user=user, defaults={
            "role": "administrator" if code is None else "supervisor",
            "agency": Agency.objects.get(code=code) if code else None})
        out[name] = user
    return out


def timed(client, url: str, params: dict, n: int) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    """(first, median, p95) in ms of n GETs (the first cold: nothing cached)."""
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url, params)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, params, r.status_code)
    rest = sorted(times[1:]) or times
    return times[0], statistics.median(rest), rest[min(len(rest) - 1, int(0.95 * len(rest)))]


def run(n: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client

    from xxgk.store.models import Finding, Report

    cache.clear()
    print(f"machine: {machine()}; database: {connection.vendor}; reports {Report.objects.count()}, "
          f"findings {Finding.objects.count()}")
    us = users()
    cases = [
        ("b_admin", "/rollup/10/", {"year": 2024}), ("b_city", "/rollup/1003/", {"year": 2024}),
        ("b_county", "/rollup/100305/", {"year": 2024}),
        ("b_admin", "/rankings/", {"year": 2024}), ("b_admin", "/rankings/", {"year": 2024, "by": "workload"}),
        ("b_city", "/rankings/", {"year": 2024}), ("b_county", "/rankings/", {"year": 2024, "by": "workload"}),
        ("b_admin", "/issues/", {}), ("b_admin", "/issues/", {"page": 50}),
        ("b_admin", "/issues/", {"rule": "quality.late", "year": 2020}),
        ("b_admin", "/issues/", {"severity": "error", "level": "county"}),
        ("b_admin", "/issues/", {"agency": "100305"}),
        ("b_city", "/issues/", {}), ("b_city", "/issues/", {"rule": "t3.row_identity", "year": 2024}),
        ("b_county", "/issues/", {}), ("b_county", "/issues/", {"state": "handled"}),
        ("b_county", "/issues/", {"rule": "quality.missing"}),
    ]
    print("| user | page | params | first ms | median ms | p95 ms |")
    print("|---|---|---|---:|---:|---:|")
    for who, url, params in cases:
        client = Client()
        client.force_login(us[who])
        first, med, p95 = timed(client, url, params, n)
        print(f"| {who} | {url} | {params} | {first:.0f} | {med:.0f} | {p95:.0f} |", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--n", type=int, default=21)
    args = ap.parse_args()
    setup()
    if args.build:
        build()
    run(args.n)


if __name__ == "__main__":
    main()
