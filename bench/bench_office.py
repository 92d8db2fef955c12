"""The office at scale (issue 16): one agency with 100,000 applications and 50,000 register items.

    .venv/bin/python bench/office_store.py                       # once: the store (see there)
    .venv/bin/python bench/bench_office.py [--requests 200] [--concurrency 2] [--write FILE]

1. Compiling the year, in this process: `year.service.compile_records` (read the records, count
   200 cells with the records behind each) and `close_year` (the same, plus the drafted narrative,
   saved and audited), best and median of 5 runs, beside the bare read of the rows (the floor).
2. Page latency with ApacheBench against gunicorn (2 sync workers) on loopback, logged in as the
   office's head: the application list (plain, filtered, searched), the deadline board, the register
   list (plain and late only), the office home; beside the login page (no store query) as the
   framework's baseline. Each page is fetched once first (it must answer 200), then timed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench.bench_web import _env, _free_port, ab, session_cookie  # noqa: E402
from bench.common import REPO, emit, machine  # noqa: E402
from bench.office_store import AGENCY_CODE  # noqa: E402

PAGES = [
    ("office home", "/office/"),
    ("applications, first page", "/office/applications/"),
    ("applications, open only", "/office/applications/?state=open"),
    ("applications, overdue", "/office/applications/?state=overdue"),
    ("applications, one ref", "/office/applications/?q=2026-099999"),
    ("applications, 2025, granted", "/office/applications/?year=2025&outcome=granted"),
    ("deadline board", "/office/board/"),
    ("register, first page", "/office/items/"),
    ("register, late items", "/office/items/?late=yes"),
    ("register, 2026, category 11", "/office/items/?year=2026&category=11"),
]
TARGET_MS = 100


def compile_times(db: Path, runs: int = 5) -> list[str]:
    code = f"""
import time, statistics, django
django.setup()
from django.db import connection
from django.contrib.auth.models import User
from xxgk.store.models import Agency
from xxgk.web.office.models import Application, YearReport
from xxgk.web.office.year import service
a = Agency.objects.get(code={AGENCY_CODE!r})
u = User.objects.get(username="bench_office")
n = Application.objects.filter(agency=a).count()
def t(fn):
    out = []
    for _ in range({runs}):
        s = time.perf_counter(); fn(); out.append(time.perf_counter() - s)
    return min(out), statistics.median(out)
def bare():
    with connection.cursor() as c:
        c.execute("SELECT ref, applicant_type, received_on, closed_on, outcome FROM office_application WHERE agency_id = %s", [a.pk])
        c.fetchall()
def close():
    YearReport.objects.filter(agency=a, year=2026).update(state="draft")
    service.close_year(a, 2026, u)
c = service.compile_records(a, 2026)
print(n, c.values["t3.new_received.total"], c.values["t3.results_total.total"], c.values["t3.carried_forward.total"])
for name, fn in (("bare read of the rows", bare), ("compile_records(2026)", lambda: service.compile_records(a, 2026)), ("close_year(2026)", close)):
    best, med = t(fn)
    print(f"{{name}}\\t{{best*1000:.0f}}\\t{{med*1000:.0f}}")
"""
    out = subprocess.run([sys.executable, "-c", code], env=_env(db), capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(out.stderr[-2000:])
    lines = out.stdout.strip().splitlines()
    n, new, done, forward = lines[0].split()
    rows = [f"- records: {int(n):,} applications of one agency; the 2026 表三: {int(new):,} new, {int(done):,} closed, "
            f"{int(forward):,} carried forward", "",
            f"| step (in process, {runs} runs) | best ms | median ms | target |", "|---|---:|---:|---|"]
    for line in lines[1:]:
        name, best, med = line.split("\t")
        target = "≤ 1000 ✓" if "compile" in name and int(med) <= 1000 else ("≤ 1000 ✗" if "compile" in name else "")
        rows.append(f"| {name} | {best} | {med} | {target} |")
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", type=Path, default=REPO / "bench" / "out" / "office.sqlite3")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--write", type=Path)
    args = ap.parse_args(argv)
    if shutil.which("ab") is None:
        print("ab not found: apt-get install apache2-utils", file=sys.stderr)
        return 2
    db = args.db.resolve()
    if not db.exists():
        print(f"{db} missing: run bench/office_store.py first", file=sys.stderr)
        return 2
    lines = [f"## {dt.date.today().isoformat()} — the office at scale (issue 16)", "",
             f"- machine: {machine()}; python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}", ""]
    lines += compile_times(db)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "xxgk.web.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", str(args.workers), "--log-level", "warning"], env=_env(db), start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        cookie = session_cookie(db, "bench_office")
        rows.append(("baseline: login page (no store query)", "/login/", None,
                     {**ab(base + "/login/", None, args.requests, args.concurrency), "first": None}))
        for label, path in PAGES:
            req = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})
            t = time.perf_counter()
            with urllib.request.urlopen(req, timeout=60) as r:
                assert r.status == 200, (path, r.status)
                r.read()
            first = (time.perf_counter() - t) * 1000
            rows.append((label, path, TARGET_MS, {**ab(base + path, cookie, args.requests, args.concurrency), "first": first}))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    lines += ["", f"Pages: gunicorn, {args.workers} sync workers, SQLite `{db.name}`; ApacheBench, {args.requests} requests, "
              f"concurrency {args.concurrency}, logged in as the office's head.", "",
              "| page | path | first view ms | p50 ms | p95 ms | p99 ms | target p95 | req/s | failed |",
              "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, path, target, r in rows:
        ok = "" if target is None else (f"≤ {target} ✓" if r["p95"] is not None and r["p95"] <= target else f"≤ {target} ✗")
        first = "" if r["first"] is None else f"{r['first']:.0f}"
        lines.append(f"| {label} | `{path}` | {first} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {ok} | "
                     f"{r['rps']:.0f} | {r['failed'] + r['non2xx']} |")
    lines += ["", "Command: `python bench/office_store.py && python bench/bench_office.py "
              f"--requests {args.requests} --concurrency {args.concurrency}`."]
    emit("\n".join(lines) + "\n", args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
