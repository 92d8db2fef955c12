"""The store the web benchmarks run against: ~100,000 generated text reports (bench/web_corpus.py:
20,690 agencies × 2020–2024, less ~2% missing) ingested into a SQLite file, plus bench logins.

    .venv/bin/python bench/web_store.py [--provinces 5] [--db bench/out/web_100000.sqlite3] [--workers 2]

The corpus is written to bench/out/web_corpus_<provinces>/ and kept for reruns (delete it to
regenerate); the database is rebuilt by a rerun only when deleted (a rerun resumes an ingest).
Prints the time of each step.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

REPO = Path(__file__).resolve().parents[1]
#: Logins made for the load runs (password BENCH_PASSWORD): the whole store, a province, a county.
BENCH_PASSWORD = "bench-xxgk-2026"


def build_store(provinces: int, db: Path, workers: int) -> None:
    from bench.web_corpus import generate

    root = REPO / "bench" / "out" / f"web_corpus_{provinces}"
    t = time.perf_counter()
    if not (root / "done").exists():
        n = generate(root, provinces, (2020, 2021, 2022, 2023, 2024), workers)
        (root / "done").write_text(str(n))
    print(f"corpus: {time.perf_counter() - t:.0f} s", flush=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}" if str(db).startswith("/") else f"sqlite:///{db.resolve()}"
    os.environ.setdefault("XXGK_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from xxgk.store import batch
    from xxgk.store.agencies import import_agencies

    t = time.perf_counter()
    import_agencies(root / "hierarchy.csv")
    summary = batch.run([str(root)], workers=workers)
    print(f"ingest: {time.perf_counter() - t:.0f} s, read {summary.read}, failed {summary.failed}", flush=True)
    # A store filled before the roll-up's Figures existed (migration store 0002) gets them here,
    # as the first roll-up would.
    from xxgk.store import figures
    from xxgk.store.models import Version

    t = time.perf_counter()
    n = figures.fill(Version.objects.values_list("pk", flat=True))
    print(f"figures: {n} filled in {time.perf_counter() - t:.0f} s", flush=True)
    make_logins()


def make_logins() -> None:
    from django.contrib.auth.models import User

    from xxgk.store.models import Agency
    from xxgk.web.core.models import Profile

    province = Agency.objects.filter(level="province").order_by("path").first()
    county = Agency.objects.filter(level="county").order_by("path").first()
    for name, role, agency in (("bench_all", "administrator", None), ("bench_province", "supervisor", province),
                               ("bench_county", "supervisor", county)):
        user, _ = User.objects.get_or_create(username=name)
        user.set_password(BENCH_PASSWORD)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"role": role, "agency": agency})


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--provinces", type=int, default=5)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    db = (args.db or REPO / "bench" / "out" / f"web_{args.provinces}.sqlite3").resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    build_store(args.provinces, db, args.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
