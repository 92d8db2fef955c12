"""Upload-to-report-page time for born-digital PDFs, against the production-like stack on loopback
(issue 15: ≤ 3 s).

    .venv/bin/python bench/bench_upload.py [--n 10] [--workers 2] [--write FILE] [--keep]

What it does, on a fresh temporary SQLite store (migrated; a small hierarchy of the generated
reports' agencies imported with `import_agencies`; a supervisor at its top):

1. N generated reports (tests/corpus/generate.py, seeds 1000…, distinct agencies) rendered to
   PDF with `xxgk.render` before any timing;
2. gunicorn `xxgk.web.wsgi` (2 sync workers) and the Huey consumer (`python -m django run_huey`,
   as serve.py starts it) as subprocesses in their own process groups, sharing the SQLite queue
   (XXGK_DATA_DIR = the temporary directory); one untimed warm-up upload once both are up (its
   time is printed: what the first upload after a start costs);
3. per PDF, with urllib (cookies kept, the CSRF token taken from the upload page fetched before
   the clock starts): the wall time from starting the POST of `/upload/` until `/reports/<pk>/`
   answers 200 with the agency's name in it — the job page the POST redirects to is fetched (as a
   browser does), then its progress fragment is polled every 100 ms until it links the report.

Beside it, in the same run: parsing the same PDF bytes in-process (`xxgk.parse` + `to_dict`, the
fastest of 3 per file), and the login page's round trip (the framework's own cost). Where the time
goes is told from the server's timestamps: Job.created_at / started_at (the queue), Run.started_at
(job set-up), Version.created_at (parsed and recorded), JobFile.seconds (the parse in its forked,
time-limited child), Run.finished_at (the quality refresh after it).

The page's own htmx poll is every 1 s: a person sees the link up to 1 s after this client does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from bench.common import REPO, emit, machine  # noqa: E402

TARGET_S = 3.0
POLL_S = 0.1
USER, PASSWORD = "bench_sup", "bench-upload-pw-1"
SEED0 = 1000


# -- the store -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(tmp: Path) -> dict[str, str]:
    return {"DATABASE_URL": f"sqlite:///{tmp / 'store.sqlite3'}", "XXGK_SECRET_KEY": "bench-only-secret",
            "XXGK_INSECURE_COOKIES": "1", "DJANGO_SETTINGS_MODULE": "xxgk.web.settings",
            "XXGK_DATA_DIR": str(tmp), "PYTHONPATH": str(REPO / "src")}


def pick_reports(n: int) -> list[Any]:
    """n+1 generated reports (the first for the warm-up) with distinct printed agencies, so that
    each is matched exactly to its own agency."""
    from tests.corpus.generate import random_report

    out, seen, seed = [], set(), SEED0
    while len(out) < n + 1:
        r = random_report(random.Random(seed), fmt="2021")
        seed += 1
        if r.agency not in seen:
            seen.add(r.agency)
            out.append(r)
    return out


def _level(name: str) -> str:
    if name.endswith(("局", "办公室", "委员会")):
        return "department"
    if name.endswith(("镇人民政府", "乡人民政府", "办事处")):
        return "township"
    if re.search(r"市人民政府$", name):
        return "city"
    return "county"


def setup_store(reports: list[Any], pad: int) -> None:
    """Migrate, import 基准省 → its reports' agencies and `pad` more under another root, 填充省
    (cities of 10 counties of 49 departments), from a CSV written here; add the supervisor at 基准省.

    Why the filler: each upload's job matches against the whole hierarchy (`Matcher.from_db()`), so
    the store's size in agencies is on the upload's path. Why under its own root: a root without
    reports expects none (quality/missing.py); under 基准省 every filler agency would be "missing"
    for every year uploaded, and the quality refresh that follows each upload would write tens of
    thousands of findings no real store has."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.contrib.auth.models import User

    from xxgk.store.agencies import import_agencies
    from xxgk.store.models import Agency
    from xxgk.web.core.models import Profile

    lines = ["编码,名称,层级,上级编码", "90,基准省,province,"]
    lines += [f"90{i + 1:03d},{r.agency},{_level(r.agency)},90" for i, r in enumerate(reports)]
    if pad:
        lines.append("91,填充省,province,")
    k = 1
    while k < pad:
        city = f"92{k:06d}"
        lines.append(f"{city},填充{k}市,city,91")
        k += 1
        for c in range(10):
            if k >= pad:
                break
            county = f"{city}{c:02d}"
            lines.append(f"{county},填充{k}市第{c}区,county,{city}")
            k += 1
            for d in range(49):
                if k >= pad:
                    break
                lines.append(f"{county}{d:02d},填充{k}区第{d}局,department,{county}")
                k += 1
    result = import_agencies(("\n".join(lines) + "\n").encode("utf-8"), name="agencies.csv")
    assert result.applied and not result.errors, result.errors
    user = User.objects.create_user(USER, password=PASSWORD)
    Profile.objects.create(user=user, role="supervisor", agency=Agency.objects.get(code="90"))


# -- the stack -----------------------------------------------------------------------------------


@dataclass
class Stack:
    tmp: Path
    workers: int
    port: int = field(default_factory=_free_port)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> float:
        """Start both; return the seconds until the web answers and the consumer says it started."""
        env = {**os.environ, **_env(self.tmp)}
        t0 = time.perf_counter()
        for name, cmd in (
            ("gunicorn", [sys.executable, "-m", "gunicorn", "xxgk.web.wsgi", "-b", f"127.0.0.1:{self.port}",
                          "-w", str(self.workers), "--log-level", "warning"]),
            ("consumer", [sys.executable, "-m", "django", "run_huey", "--settings=xxgk.web.settings"]),
        ):
            log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
            self.procs[name] = subprocess.Popen(cmd, env=env, cwd=self.tmp, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True)
        deadline = time.monotonic() + 120
        web = consumer = False
        while not (web and consumer):
            if time.monotonic() > deadline:
                raise RuntimeError("the stack did not start in 120 s\n" + self.logs())
            for name, p in self.procs.items():
                if p.poll() is not None:
                    raise RuntimeError(f"{name} exited with {p.returncode}\n" + self.logs())
            if not web:
                try:
                    urllib.request.urlopen(self.base + "/login/", timeout=2).read()
                    web = True
                except OSError:
                    pass
            consumer = consumer or "consumer started" in (self.tmp / "consumer.log").read_text(errors="replace").lower()
            time.sleep(0.1)
        return time.perf_counter() - t0

    def logs(self, tail: int = 30) -> str:
        out = []
        for name in self.procs:
            lines = (self.tmp / f"{name}.log").read_text(errors="replace").splitlines()[-tail:]
            out.append(f"--- {name}.log (last {tail} lines)\n" + "\n".join(lines))
        return "\n".join(out)

    def stop(self) -> None:
        """Each process group: SIGINT (the consumer finishes its jobs) / SIGTERM (gunicorn's
        graceful stop), then SIGKILL after 15 s."""
        for name, p in self.procs.items():
            if p.poll() is not None:
                continue
            sig = signal.SIGINT if name == "consumer" else signal.SIGTERM
            for s, wait in ((sig, 15.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(p.pid, s)
                except ProcessLookupError:
                    break
                try:
                    p.wait(wait)
                    break
                except subprocess.TimeoutExpired:
                    continue


# -- the client ----------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Client:
    """A browser's part, with urllib: cookies kept, redirects seen (not followed)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def request(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, Location)."""
        req = urllib.request.Request(self.base + path, data=data, headers=headers or {})
        try:
            with self.opener.open(req, timeout=60) as r:
                return r.status, r.read().decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as e:
            body = e.read().decode("utf-8", "replace")
            return e.code, body, e.headers.get("Location", "")

    def token(self, path: str) -> str:
        status, body, _ = self.request(path)
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        if status != 200 or not m:
            raise RuntimeError(f"no CSRF token on {path} ({status})")
        return m.group(1)

    def login(self) -> None:
        data = urllib.parse.urlencode({"username": USER, "password": PASSWORD,
                                       "csrfmiddlewaretoken": self.token("/login/")}).encode()
        status, _, _ = self.request("/login/", data, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login failed ({status})")


def multipart(token: str, name: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\n"
            f"Content-Type: application/pdf\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


@dataclass
class Upload:
    name: str
    agency: str
    start_wall: float = 0.0  # time.time() at the POST's start (compared with the server's timestamps)
    post_s: float = 0.0  # POST sent → its redirect received
    seen_s: float = 0.0  # POST start → the progress fragment links the report
    total_s: float = 0.0  # POST start → the report page answered 200 with the agency's name
    page_s: float = 0.0  # the report page's own round trip
    polls: int = 0
    job: int = 0
    report: int = 0


def upload_one(client: Client, name: str, data: bytes, agency: str, timeout: float) -> Upload:
    u = Upload(name, agency)
    body, ctype = multipart(client.token("/upload/"), name, data)  # before the clock: the page a person opened
    u.start_wall, t0 = time.time(), time.perf_counter()
    status, text, location = client.request("/upload/", body, {"Content-Type": ctype})
    u.post_s = time.perf_counter() - t0
    m = re.search(r"/jobs/(\d+)/$", location)
    if status != 302 or not m:
        raise RuntimeError(f"{name}: upload answered {status} {location!r}: {text[:500]}")
    u.job = int(m.group(1))
    status, text, _ = client.request(location)  # the job page, as the browser follows the redirect
    while True:
        found = re.search(r'href="(/reports/(\d+)/)"', text)
        if found:
            u.seen_s = time.perf_counter() - t0
            t1 = time.perf_counter()
            status, page, _ = client.request(found.group(1))
            u.page_s = time.perf_counter() - t1
            if status == 200 and agency in page:
                u.total_s = time.perf_counter() - t0
                u.report = int(found.group(2))
                _wait_finished(client, u.job, timeout)
                return u
        elif re.search(r'class="badge job-(failed|finished)"', text):
            raise RuntimeError(f"{name}: job {u.job} ended without a report link:\n{text[:2000]}")
        if time.perf_counter() - t0 > timeout:
            raise RuntimeError(f"{name}: no report page after {timeout:.0f} s (job {u.job})")
        time.sleep(POLL_S)
        u.polls += 1
        status, text, _ = client.request(f"/jobs/{u.job}/progress/")


def _wait_finished(client: Client, job: int, timeout: float) -> None:
    """Untimed: until the job is closed (its quality refresh runs after the report is linked), so
    that the next upload meets an idle worker and the job's timestamps are all written."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _, text, _ = client.request(f"/jobs/{job}/progress/")
        if re.search(r'class="badge job-(failed|finished)"', text):
            return
        time.sleep(POLL_S)
    raise RuntimeError(f"job {job} not closed after {timeout:.0f} s")


# -- phases, from the server's timestamps --------------------------------------------------------


def phases(uploads: list[Upload]) -> dict[int, dict[str, float]]:
    """Per job, seconds from the POST's start: created (request stored), started (claimed by a
    worker), run (batch.run began), recorded (version written), refreshed (run finished: quality
    refresh done), finished (job closed); and parse (JobFile.seconds, in the forked child)."""
    from xxgk.store.models import Run, Version
    from xxgk.web.supervise.models import Job, JobFile

    out: dict[int, dict[str, float]] = {}
    for u in uploads:
        job = Job.objects.get(pk=u.job)
        f = JobFile.objects.get(job=job)
        v = Version.objects.get(pk=f.version_id)
        run = Run.objects.get(pk=job.run_id)

        def rel(t: Any) -> float:
            return t.timestamp() - u.start_wall if t is not None else math.nan

        out[u.job] = {"created": rel(job.created_at), "started": rel(job.started_at), "run": rel(run.started_at),
                      "recorded": rel(v.created_at), "refreshed": rel(run.finished_at),
                      "finished": rel(job.finished_at), "parse": f.seconds}
    return out


# -- main ----------------------------------------------------------------------------------------


def _p95(xs: list[float]) -> float:
    """Nearest rank (with fewer than 20 values: the maximum)."""
    s = sorted(xs)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def _baseline_parse(pdfs: list[bytes]) -> list[float]:
    import xxgk

    xxgk.parse(pdfs[0]).to_dict()  # imports and caches, as the consumer's warm-up does
    times = []
    for b in pdfs:
        best = math.inf
        for _ in range(3):
            t = time.perf_counter()
            xxgk.parse(b).to_dict()
            best = min(best, time.perf_counter() - t)
        times.append(best)
    return times


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # SIGTERM too runs main's `finally`: the stack is stopped, the store removed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10, help="PDFs uploaded one after the other (timed)")
    ap.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds one upload may take before the run fails")
    ap.add_argument("--agencies", type=int, default=20_690,
                    help="filler agencies beside the reports' own (bench/web_store.py's 100,000-report store has 20,690)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory (store, queue, logs)")
    ap.add_argument("--write", type=Path)
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-upbench-"))
    os.environ.update(_env(tmp))
    load0 = os.getloadavg()
    reports = pick_reports(args.n)
    setup_store(reports, args.agencies)
    import xxgk
    from django.db import connections

    t = time.perf_counter()
    pdfs = [xxgk.render(r, "pdf") for r in reports]
    render_s = time.perf_counter() - t
    parse_s = _baseline_parse(pdfs[1:])
    connections.close_all()
    stack = Stack(tmp, args.workers)
    try:
        start_s = stack.start()
        client = Client(stack.base)
        client.login()
        warm = upload_one(client, "upbench-warm.pdf", pdfs[0], reports[0].agency, args.timeout)
        uploads = [upload_one(client, f"upbench-{i:02d}.pdf", pdf, r.agency, args.timeout)
                   for i, (r, pdf) in enumerate(zip(reports[1:], pdfs[1:]), 1)]
        login_s = []
        for _ in range(20):
            t = time.perf_counter()
            status, _, _ = Client(stack.base).request("/login/")
            login_s.append(time.perf_counter() - t)
            assert status == 200
        ph = phases([warm, *uploads])
    except BaseException:
        if (tmp / "consumer.log").exists():
            print(stack.logs(), file=sys.stderr)
        raise
    finally:
        connections.close_all()
        stack.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    load1 = os.getloadavg()
    kb = statistics.median(len(p) for p in pdfs[1:]) / 1024
    emit(report_md(args, uploads, warm, ph, parse_s, login_s, start_s, render_s, kb, load0, load1), args.write)
    return 0


def _ms(x: float) -> str:
    return "–" if math.isnan(x) else f"{1000 * x:.0f}"


def report_md(args: Any, uploads: list[Upload], warm: Upload, ph: dict[int, dict[str, float]], parse_s: list[float],
              login_s: list[float], start_s: float, render_s: float, kb: float, load0: tuple[float, ...],
              load1: tuple[float, ...]) -> str:
    totals = [u.total_s for u in uploads]
    med, p95, mx = statistics.median(totals), _p95(totals), max(totals)
    ok = "✓" if p95 <= TARGET_S else "✗ **target missed**"
    lines = [f"## {dt.date.today().isoformat()} — upload to report page, born-digital PDF (issue 15)", "",
             f"- machine: {machine()}; python {platform.python_version()}; load average "
             f"{load0[0]:.1f} at the start, {load1[0]:.1f} at the end (1-min), not pinned",
             f"- stack: gunicorn `xxgk.web.wsgi` ({args.workers} sync workers, loopback) + Huey consumer "
             f"(`python -m django run_huey`, 2 process workers, SQLite queue, max_delay 0.5 s), fresh SQLite "
             f"store with {args.agencies + len(uploads) + 2:,} agencies; client: urllib, one upload at a time, progress polled every {POLL_S * 1000:.0f} ms",
             f"- {len(uploads)} generated reports (seeds {SEED0 + 1}…), rendered to PDF before timing "
             f"({render_s:.1f} s for {len(uploads) + 1}; median {kb:.0f} KB); stack up in {start_s:.1f} s; one untimed warm-up "
             f"upload first: {warm.total_s:.2f} s", "",
             f"**Upload → report page: median {med:.2f} s, p95 {p95:.2f} s, max {mx:.2f} s — target ≤ {TARGET_S:.0f} s "
             f"{ok}**", "",
             "| | median ms | p95 ms | max ms |", "|---|---:|---:|---:|",
             f"| upload → report page 200 with the agency's name | {_ms(med)} | {_ms(p95)} | {_ms(mx)} |",
             f"| baseline: `xxgk.parse` + `to_dict` of the same PDF bytes, in-process (best of 3) | "
             f"{_ms(statistics.median(parse_s))} | {_ms(_p95(parse_s))} | {_ms(max(parse_s))} |",
             f"| baseline: login page round trip (20 requests) | {_ms(statistics.median(login_s))} | "
             f"{_ms(_p95(login_s))} | {_ms(max(login_s))} |", "",
             "Per upload, ms from the start of the POST (server timestamps: Job, Run, Version; parse = JobFile.seconds, "
             "the forked child's parse):", "",
             "| file | POST→302 | job stored | claimed by worker | batch.run began | version recorded | (parse) "
             "| link seen | report page 200 | (page GET) | quality refresh done | job finished | polls |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for u in [warm, *uploads]:
        p = ph[u.job]
        label = u.name + (" (warm-up)" if u is warm else "")
        lines.append(f"| {label} | {_ms(u.post_s)} | {_ms(p['created'])} | {_ms(p['started'])} | {_ms(p['run'])} | "
                     f"{_ms(p['recorded'])} | {_ms(p['parse'])} | {_ms(u.seen_s)} | {_ms(u.total_s)} | "
                     f"{_ms(u.page_s)} | {_ms(p['refreshed'])} | {_ms(p['finished'])} | {u.polls} |")
    steps = {
        "upload request (POST → job stored)": [ph[u.job]["created"] for u in uploads],
        "queue wait (stored → claimed)": [ph[u.job]["started"] - ph[u.job]["created"] for u in uploads],
        "job set-up (claimed → batch.run)": [ph[u.job]["run"] - ph[u.job]["started"] for u in uploads],
        "parse + record (batch.run → version)": [ph[u.job]["recorded"] - ph[u.job]["run"] for u in uploads],
        "of which the child's parse": [ph[u.job]["parse"] for u in uploads],
        "version → link seen by the client": [u.seen_s - ph[u.job]["recorded"] for u in uploads],
        "report page GET": [u.page_s for u in uploads],
        "after the link: quality refresh (version → run finished)": [ph[u.job]["refreshed"] - ph[u.job]["recorded"] for u in uploads],
    }
    lines += ["", "Where the time goes (median ms over the timed uploads):", "",
              "| phase | median ms |", "|---|---:|"]
    lines += [f"| {k} | {_ms(statistics.median(v))} |" for k, v in steps.items()]
    lines += ["", f"Command: `python bench/bench_upload.py --n {args.n} --workers {args.workers} --agencies {args.agencies}`."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
