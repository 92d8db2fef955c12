"""Page latency of the web app on a large store, measured with ApacheBench (`ab`, Debian's
apache2-utils) against gunicorn on loopback, logged in.

    .venv/bin/python bench/web_store.py --n 100000          # once: the store (see there)
    .venv/bin/python bench/bench_web.py --n 100000 [--requests 300] [--concurrency 2] [--write FILE]

For each page: `ab -n R -c C` with the session cookie, its p50/p95/p99 and failures; beside them, in the same
run, the baseline of the same server answering the login page (no store query): what the framework
itself costs. Pages are chosen from the store: the top coverage node, a county's coverage, report
pages, a year-on-year comparison, the issues list (first page and filtered). Each page URL is
fetched once before timing ("first view": caches cold, and a check that it answers 200); `ab` then
repeats it, so pages that cache (coverage for up to a minute, the comparison by version ids) are
measured warm: the first view is the uncached figure.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import REPO, emit, machine  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(db: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "XXGK_SECRET_KEY": "bench-only-secret",
            "XXGK_INSECURE_COOKIES": "1", "DJANGO_SETTINGS_MODULE": "xxgk.web.settings",
            "PYTHONPATH": str(REPO / "src")}


def session_cookie(db: Path, username: str) -> str:
    """A logged-in session for `username`, made in a child process on the same store."""
    code = ("import django; django.setup(); from django.contrib.auth.models import User;"
            "from django.contrib.sessions.backends.db import SessionStore;"
            "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
            f"u=User.objects.get(username={username!r}); s=SessionStore();"
            "s[SESSION_KEY]=str(u.pk); s[BACKEND_SESSION_KEY]='django.contrib.auth.backends.ModelBackend';"
            "s[HASH_SESSION_KEY]=u.get_session_auth_hash(); s.create(); print(s.session_key)")
    out = subprocess.run([sys.executable, "-c", code], env=_env(db), capture_output=True, text=True, check=True)
    return out.stdout.strip().splitlines()[-1]


def pick_urls(db: Path) -> list[tuple[str, str, float]]:
    """(label, path, target p95 ms) of the pages to measure, chosen from the store."""
    code = r"""
import django, json; django.setup()
from django.urls import reverse, NoReverseMatch
from xxgk.store.models import Agency, Report, Finding
out = []
def add(label, name, args=(), query="", target=100):
    try:
        out.append((label, reverse(name, args=args) + query, target))
    except NoReverseMatch:
        pass
county = Agency.objects.filter(level="county").order_by("path")[5]
year = Report.objects.order_by("-year").values_list("year", flat=True).first()
add("coverage, whole store", "coverage")
add("coverage, a county", "coverage", (county.code,))
reports = list(Report.objects.filter(active__isnull=False, agency__level="department").order_by("pk").values_list("pk", flat=True)[::997][:3])
for i, pk in enumerate(reports):
    add(f"report page {i + 1}", "report", (pk,))
ag = Report.objects.filter(year=year, agency__level="county").order_by("pk").first().agency
add("comparison (same agency, two years)", "compare", (ag.code,), f"?a={year - 1}&b={year}")
add("issues list", "issues", target=200)
add("issues list, filtered (errors, one year)", "issues", query=f"?severity=error&year={year}", target=200)
add("issues list, filtered (warnings, one year)", "issues", query=f"?severity=warning&year={year}", target=200)
add("issues list, filtered (townships, one year)", "issues", query=f"?level=township&year={year - 1}", target=200)
add("issues list, filtered (one rule)", "issues", query="?rule=quality.late", target=200)
add("issues list, handled", "issues", query="?state=handled", target=200)
print(json.dumps(out))
"""
    out = subprocess.run([sys.executable, "-c", code], env=_env(db), capture_output=True, text=True, check=True)
    import json

    return [tuple(x) for x in json.loads(out.stdout.strip().splitlines()[-1])]  # type: ignore[misc]


def ab(url: str, cookie: str | None, n: int, c: int) -> dict[str, Any]:
    cmd = ["ab", "-q", "-n", str(n), "-c", str(c), "-l"]  # -l: pages vary in length (CSRF tokens)
    if cookie:
        cmd += ["-C", f"sessionid={cookie}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, timeout=600).stdout
    pct = {int(m.group(1)): float(m.group(2)) for m in re.finditer(r"^\s+(\d+)%\s+(\d+)", out, re.M)}
    failed = int(re.search(r"Failed requests:\s+(\d+)", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx responses:\s+(\d+)", out)
    rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    return {"p50": pct.get(50), "p95": pct.get(95), "p99": pct.get(99), "failed": failed,
            "non2xx": int(non2xx.group(1)) if non2xx else 0, "rps": rps}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--db", type=Path)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--concurrency", type=int, default=2)
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--user", default="bench_all")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args(argv)
    if shutil.which("ab") is None:
        print("ab not found: apt-get install apache2-utils", file=sys.stderr)
        return 2
    db = (args.db or REPO / "bench" / "out" / f"web_{args.n}.sqlite3").resolve()
    if not db.exists():
        print(f"{db} missing: run bench/web_store.py --n {args.n} first", file=sys.stderr)
        return 2
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "xxgk.web.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", str(args.workers), "--log-level", "warning"], env=_env(db),
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        cookie = session_cookie(db, args.user)
        urls = pick_urls(db)
        rows = [("baseline: login page (no store query)", "/login/", None,
                 {**ab(base + "/login/", None, args.requests, args.concurrency), "first": None})]
        for label, path, target in urls:
            req = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={cookie}"})
            t = time.perf_counter()
            with urllib.request.urlopen(req, timeout=60) as r:  # the first view, and it must answer 200
                assert r.status == 200, (path, r.status)
                r.read()
            first = (time.perf_counter() - t) * 1000
            rows.append((label, path, target, {**ab(base + path, cookie, args.requests, args.concurrency), "first": first}))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    lines = [f"## {dt.date.today().isoformat()} — web pages on {args.n:,} reports (issue 15)", "",
             f"- machine: {machine()}; python {platform.python_version()}; load average {os.getloadavg()[0]:.1f}",
             f"- server: gunicorn, {args.workers} sync workers, SQLite store `{db.name}`; client: ApacheBench, "
             f"{args.requests} requests, concurrency {args.concurrency}, logged in as {args.user}", "",
             "| page | path | first view ms | p50 ms | p95 ms | p99 ms | target p95 | req/s | failed |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for label, path, target, r in rows:
        ok = "" if target is None else (f"≤ {target:.0f} ✓" if r["p95"] is not None and r["p95"] <= target else f"≤ {target:.0f} ✗")
        first = "" if r["first"] is None else f"{r['first']:.0f}"
        lines.append(f"| {label} | `{path}` | {first} | {r['p50']:.0f} | {r['p95']:.0f} | {r['p99']:.0f} | {ok} | {r['rps']:.0f} | "
                     f"{r['failed'] + r['non2xx']} |")
    lines += ["", f"Command: `python bench/bench_web.py --db {db.relative_to(REPO) if db.is_relative_to(REPO) else db} --n {args.n} --requests {args.requests} --concurrency {args.concurrency}`."]
    emit("\n".join(lines) + "\n", args.write)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
