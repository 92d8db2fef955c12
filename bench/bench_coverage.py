"""The coverage page's queries on a store of ~100,000 reports (issue 15: p95 ≤ 100 ms).

    python bench/bench_coverage.py postgres://postgres@127.0.0.1:5432/bench_coverage [--agencies 33000]

Fills the database (once: skipped when it already holds the bench's agencies) with a province of
15 cities × 10 counties × ~220 townships and departments, three years of reports for ~95 % of them
(rows only: a version's JSON is a stub, the page never reads it), 2 % scanned, 1 % without tables,
3 % with errors; then times the page's queries (`coverage_data`) for the province, a city and a
county, 30 runs each, and prints the median and p95. It measures the database's work, not HTTP:
the load test against the running server is bench/bench_web.py's job. Each page twice: with the
aggregate computed (not kept: a store that changes between requests) and reused (nothing ingested
meanwhile).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time


def fill(n_agencies: int) -> None:
    from xxgk.store.models import Agency, Finding, Report, Version

    if Agency.objects.filter(code="88").exists():
        return
    rng = random.Random(1)
    province = Agency.objects.create(code="88", name="测试省", level="province")
    per_county = max(1, (n_agencies - 166) // 150)
    cities = Agency.objects.bulk_create([Agency(code=f"88{c:02d}", name=f"测试{c}市", level="city", parent=province,
                                                path=f"/88/88{c:02d}/") for c in range(15)])
    counties = Agency.objects.bulk_create([
        Agency(code=f"{city.code}{k:02d}", name=f"{city.name}{k}县", level="county", parent=city, path=f"{city.path}{city.code}{k:02d}/")
        for city in cities for k in range(10)])
    leaves = Agency.objects.bulk_create([
        Agency(code=f"{county.code}{i:03d}", name=f"{county.name}{i}", level="township" if i % 3 == 0 else "department",
               parent=county, path=f"{county.path}{county.code}{i:03d}/")
        for county in counties for i in range(per_county)], batch_size=5000)
    created = [*cities, *counties, *leaves]
    for year in (2022, 2023, 2024):
        reports = [Report(agency=a, year=year, match="exact") for a in [province, *created] if rng.random() < 0.95]
        Report.objects.bulk_create(reports, batch_size=2000)
        versions = []
        for r in reports:
            due = dt.date(year + 1, 1, 31) if r.agency.level in ("township", "department") else dt.date(year + 1, 3, 31)
            versions.append(Version(
                report=r, number=1, sha256=f"{r.pk:064x}", medium="image" if rng.random() < 0.02 else "html",
                xxgk_version="bench", data={}, format="unknown" if rng.random() < 0.01 else "2021",
                published_on=due + dt.timedelta(days=rng.randint(-30, 10)), errors=1 if rng.random() < 0.03 else 0))
        Version.objects.bulk_create(versions, batch_size=2000)
        for r, v in zip(reports, versions):
            r.active = v
        Report.objects.bulk_update(reports, ["active"], batch_size=2000)
        Finding.objects.bulk_create([Finding(version=v, agency_id=v.report.agency_id, year=year, rule="read.page_ocr",
                                             severity="warning", message="bench") for v in versions if v.medium == "image"])


def measure(runs: int) -> None:
    """The page as a whole-store administrator gets it (Django's test client: the view, its queries
    and the template, no HTTP)."""
    from django.contrib.auth.models import User
    from django.core.cache import cache
    from django.test import Client

    from xxgk.store.models import Agency
    from xxgk.web.core.models import Profile
    from xxgk.web.supervise import coverage_data as data

    user, _ = User.objects.get_or_create(username="bench_admin")
    Profile.objects.get_or_create(user=user, defaults={"role": "administrator"})
    client = Client()
    client.force_login(user)
    for code, query in (("88", ""), ("8803", ""), ("880305", ""), ("88", "&late=1"), ("8803", "&errors=1&page=3")):
        url = f"/coverage/{code}/?year=2024{query}"
        assert client.get(url).status_code == 200
        shown = []
        for cold in (True, False):  # the aggregate computed (not kept), then reused
            data.CACHE_SECONDS = 0 if cold else 60
            cache.clear()
            client.get(url)  # the years' cache (kept), the aggregate's (kept only when reused)
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                client.get(url)
                times.append(time.perf_counter() - t)
            times.sort()
            p95 = times[int(0.95 * (len(times) - 1))]
            shown.append(f"{'computed' if cold else 'reused'}: median {statistics.median(times) * 1000:5.1f} ms, p95 {p95 * 1000:5.1f} ms")
        n = Agency.objects.filter(path__startswith=Agency.objects.get(code=code).path).count()
        print(f"{url:<42} {n:>6} agencies  " + "  ".join(shown))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("db")
    ap.add_argument("--agencies", type=int, default=33000)
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    import os

    os.environ["DATABASE_URL"] = args.db
    os.environ.setdefault("XXGK_DEBUG", "1")
    from xxgk.web import setup

    setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.conf import settings

    settings.DEBUG = False  # no query log
    t = time.perf_counter()
    fill(args.agencies)
    print(f"store ready in {time.perf_counter() - t:.0f} s")
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as c:
            c.execute("ANALYZE")
            # SSD costs (README, Web app): with the default 4 a county's page scans the year's reports.
            c.execute("SET random_page_cost = 1.1")
    measure(args.runs)


if __name__ == "__main__":
    main()
