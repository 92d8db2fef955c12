"""Benchmark of `xxgk.store.quality.refresh` and `xxgk.store.similar.signature` (not a test).

    PYTHONPATH=src:. python -m tests.store.bench_quality [--reports 10000] [--db /tmp/bench.sqlite3]
                                                        [--narratives clauses|generator]

Builds a store of N stale reports (2,611 agencies of one province, years 2021–2024, ~4% of
agency-years left out, ~5% published late), then times one refresh of all of them and one of 100
new versions. Narratives: `clauses` (default) samples 20–40 clauses from the ~1,000 clauses of
../shared/seeds and ../shared/real, so that two reports share next to nothing, as independent
offices' reports do; `generator` keeps tests/corpus/generate.py's template narratives, which are
雷同 among themselves (see quality/thresholds.py), the worst case for the LSH.
With DATABASE_URL set, runs on that database instead (it must be empty).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def clause_pool() -> list[str]:
    import xxgk

    paths = sorted((REPO.parent / "shared" / "seeds").glob("*.txt")) + sorted((REPO.parent / "shared" / "real").glob("*/source.*"))
    pool: list[str] = []
    for p in paths:
        for text in xxgk.parse(p).sections.values():
            pool += [c.strip() for c in re.split(r"[。；;，,\n]", text) if len(c.strip()) >= 6]
    return sorted(set(pool))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reports", type=int, default=10000)
    ap.add_argument("--db", default="/tmp/xxgk-bench-quality.sqlite3")
    ap.add_argument("--narratives", choices=("clauses", "generator"), default="clauses")
    args = ap.parse_args()
    import os

    db = os.environ.get("DATABASE_URL") or args.db
    if "://" not in db:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    from xxgk import store

    store.setup(db)
    from tests.corpus.generate import random_report
    from xxgk.store import similar
    from xxgk.store.models import Agency, Finding, Report, Version
    from xxgk.store.quality import refresh

    rng = random.Random(1)
    pool = clause_pool()
    prov = Agency.objects.create(code="51", name="某某省人民政府", level="province")
    agencies = [prov]
    for c in range(10):
        city = Agency.objects.create(code=f"51{c:02d}", name=f"第{c}市人民政府", level="city", parent=prov)
        agencies.append(city)
        for k in range(10):
            county = Agency.objects.create(code=f"51{c:02d}{k:02d}", name=f"第{c}市第{k}县人民政府", level="county", parent=city)
            agencies.append(county)
            for t in range(20):
                agencies.append(Agency(code=f"51{c:02d}{k:02d}{t:03d}", name=f"第{c}市第{k}县第{t}镇人民政府", level="township", parent=county))
            for d in range(5):
                agencies.append(Agency(code=f"51{c:02d}{k:02d}-{d}", name=f"第{c}市第{k}县第{d}局", level="department", parent=county))
    for a in agencies:
        if a.pk is None:
            a.path = a.compute_path()
    Agency.objects.bulk_create([a for a in agencies if a.pk is None], batch_size=1000)
    agencies = list(Agency.objects.order_by("id"))
    slots = [(a, y) for y in (2021, 2022, 2023, 2024) for a in agencies]
    rng.shuffle(slots)
    slots = [s for s in slots if rng.random() > 0.04][: args.reports]

    t0 = time.perf_counter()
    datas, sig_seconds = [], 0.0
    for i, (a, y) in enumerate(slots):
        r = random_report(random.Random(i), fmt="2021")
        r.agency, r.year = a.name, y
        if args.narratives == "clauses":
            r.sections = {k: "，".join(rng.sample(pool, rng.randint(3, 8))) + "。" for k in ("overview", "problems", "other")}
            r.sections["overview"] += "，".join(rng.sample(pool, rng.randint(15, 25))) + "。"
        late = rng.random() < 0.05
        r.published_on = dt.date(y + 1, 2 if late else 1, rng.randint(1, 28)).isoformat() if a.level in ("township", "department") \
            else dt.date(y + 1, 4 if late else 3, rng.randint(1, 28)).isoformat()
        d = r.to_dict(with_findings=False)
        s = time.perf_counter()
        sig = similar.signature(d["sections"])
        sig_seconds += time.perf_counter() - s
        datas.append((a, y, d, sig))
    print(f"generated {len(datas)} reports in {time.perf_counter() - t0:.1f} s; "
          f"signature {sig_seconds / len(datas) * 1000:.3f} ms per report")

    t0 = time.perf_counter()
    reports = Report.objects.bulk_create([Report(agency=a, year=y, printed_agency=a.name, match="exact", stale=True) for a, y, _, _ in datas], batch_size=1000)
    versions = Version.objects.bulk_create([
        Version(report=rep, number=1, sha256=f"{i:064x}", medium="text", origin=f"bench/{i}.txt", xxgk_version="bench",
                data=d, format="2021", published_on=dt.date.fromisoformat(d["published_on"]), signature=sig)
        for i, (rep, (_, _, d, sig)) in enumerate(zip(reports, datas))
    ], batch_size=500)
    for rep, v in zip(reports, versions):
        rep.active = v
    Report.objects.bulk_update(reports, ["active"], batch_size=1000)
    print(f"stored in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    written = refresh()
    print(f"refresh of {len(reports)} stale reports: {time.perf_counter() - t0:.2f} s, {written} findings written")
    print("  by rule:", dict(sorted(Counter(Finding.objects.values_list("rule", flat=True)).items())))

    t0 = time.perf_counter()
    again = refresh(r.pk for r in reports)
    print(f"refresh of the same {len(reports)} reports again: {time.perf_counter() - t0:.2f} s, {again} written")

    changed = reports[:100]
    for i, rep in enumerate(changed):
        d = dict(datas[i][2])
        d["t2"] = {**d["t2"], "licensing": 123456}
        v = Version.objects.create(report=rep, number=2, sha256=f"{i:063x}f", medium="text", origin=f"bench/{i}.txt",
                                   xxgk_version="bench", data=d, format="2021", signature=datas[i][3])
        Report.objects.filter(pk=rep.pk).update(active=v, stale=True)
    t0 = time.perf_counter()
    written = refresh()
    print(f"refresh of 100 new versions in a store of {len(reports)}: {time.perf_counter() - t0:.2f} s, {written} written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
