"""The store of the office benchmark (issue 16): one agency with 100,000 applications and 50,000
proactive register items, plus its documents, decision counts, fee income and cases, in a SQLite file.

    .venv/bin/python bench/office_store.py [--applications 100000] [--items 50000] [--db bench/out/office.sqlite3]

Records are generated with a fixed seed and written with bulk_create (the bench measures reading and
compiling them, not typing them in). Applications are received over 2025–2026; those received
before 2026-11-01 are closed with one of the 21 outcomes, the later ones mostly open, with due
dates, stopped clocks and a few overdue, as a busy office's year would have. The login
`bench_office` (password BENCH_PASSWORD) is the office's head.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

REPO = Path(__file__).resolve().parents[1]
BENCH_PASSWORD = "bench-xxgk-2026"
AGENCY_CODE = "99-OFFICE"


def setup(db: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{db.resolve()}"
    os.environ.setdefault("XXGK_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xxgk.web.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build(applications: int, items: int, seed: int = 16) -> None:
    from django.contrib.auth.models import User
    from django.db import transaction

    from xxgk.office.calendar import add_working_days
    from xxgk.store.models import Agency
    from xxgk.web.core.models import Profile
    from xxgk.web.office import models as M

    rng = random.Random(seed)
    root, _ = Agency.objects.get_or_create(code="99", defaults={"name": "甲省", "level": "province"})
    agency, _ = Agency.objects.get_or_create(code=AGENCY_CODE, defaults={"name": "甲省示范厅", "level": "department",
                                                                         "parent": root})
    user, _ = User.objects.get_or_create(username="bench_office")
    user.set_password(BENCH_PASSWORD)
    user.save()
    Profile.objects.update_or_create(user=user, defaults={"role": "head", "agency": agency})
    if M.Application.objects.filter(agency=agency).exists():
        print("records already there", flush=True)
        return
    outcomes = [k for k, _ in M.OUTCOMES]
    types = [k for k, _ in M.APPLICANT_TYPES]
    channels = [k for k, _ in M.CHANNELS]
    start, span = dt.date(2025, 1, 2), (dt.date(2026, 12, 4) - dt.date(2025, 1, 2)).days
    t = time.perf_counter()
    with transaction.atomic():
        rows = []
        for i in range(applications):
            received = start + dt.timedelta(days=rng.randrange(span))
            due = add_working_days(received, 20)
            closed = outcome = None
            if received < dt.date(2026, 11, 1) or rng.random() < 0.3:
                closed = min(received + dt.timedelta(days=rng.randrange(1, 30)), dt.date(2026, 12, 4))
                outcome = rng.choice(outcomes)
            rows.append(M.Application(
                agency=agency, ref=f"{received.year}-{i:06d}", applicant_type=rng.choice(types),
                applicant_name=f"申请人{i}", phone=f"138{i:08d}", id_number=f"1101011990{i:08d}",
                address=f"甲省某市某路{i}号", channel=rng.choice(channels), submitted_on=received, received_on=received,
                description=f"申请公开第{i}号事项的相关文件", closed_on=closed, outcome=outcome or "",
                due_on=None if closed else due, stopped=(closed is None and rng.random() < 0.1)))
        M.Application.objects.bulk_create(rows, batch_size=2000)
        print(f"{applications} applications: {time.perf_counter() - t:.1f} s", flush=True)
        t = time.perf_counter()
        rows = []
        states = ["published"] * 17 + ["draft", "content_review", "secrecy_review"]
        for i in range(items):
            formed = start + dt.timedelta(days=rng.randrange(span))
            state = rng.choice(states)
            published = min(formed + dt.timedelta(days=rng.randrange(0, 35)), dt.date(2026, 12, 4)) if state == "published" else None
            rows.append(M.ProactiveItem(agency=agency, index_no=f"BENCH-{i:06d}", title=f"第{i}号主动公开事项",
                                        category=rng.randrange(1, 16), channel="website", formed_on=formed,
                                        due_on=add_working_days(formed, 20), published_on=published, state=state))
        M.ProactiveItem.objects.bulk_create(rows, batch_size=2000)
        print(f"{items} items: {time.perf_counter() - t:.1f} s", flush=True)
        docs = []
        for i in range(400):
            issued = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4300))
            repealed = issued + dt.timedelta(days=rng.randrange(200, 3000)) if rng.random() < 0.3 else None
            docs.append(M.Document(agency=agency, kind=rng.choice(["regulations", "normative_documents"]),
                                   doc_no=f"示范规〔{issued.year}〕{i}号", title=f"规范性文件{i}", issued_on=issued,
                                   repealed_on=repealed if repealed and repealed < dt.date(2026, 12, 1) else None))
        M.Document.objects.bulk_create(docs)
        for year in (2025, 2026):
            for month in range(1, 13):
                for kind in ("licensing", "penalty", "compulsion"):
                    M.DecisionCount.objects.create(agency=agency, year=year, kind=kind, period=f"{month}月",
                                                   count=rng.randrange(0, 500))
            for q in range(1, 5):
                M.FeeIncome.objects.create(agency=agency, year=year, period=f"第{q}季度",
                                           amount_wan_yuan=Decimal(rng.randrange(0, 100000)) / 100)
        cases = []
        for i in range(300):
            filed = start + dt.timedelta(days=rng.randrange(span))
            decided = filed + dt.timedelta(days=rng.randrange(20, 200))
            done = decided < dt.date(2026, 12, 4)
            cases.append(M.Case(agency=agency, case_no=f"案{i}", kind=rng.choice([k for k, _ in M.CASE_KINDS]),
                                result=rng.choice(["upheld", "corrected", "other"]) if done else "pending",
                                filed_on=filed, decided_on=decided if done else None))
        M.Case.objects.bulk_create(cases)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--applications", type=int, default=100_000)
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--db", type=Path, default=REPO / "bench" / "out" / "office.sqlite3")
    args = ap.parse_args(argv)
    args.db.parent.mkdir(parents=True, exist_ok=True)
    setup(args.db)
    build(args.applications, args.items)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
