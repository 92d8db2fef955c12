"""`xxgk demo` and `xxgk serve` as a user runs them: registered without importing Django, the demo's
output and its second run, the server answering HTTP with its job consumer beside it, and both
stopped by Ctrl-C (SIGINT) or SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from click.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]


def _env() -> dict[str, str]:
    """The environment of a user's shell: no test settings (immediate jobs, test secret), no
    DATABASE_URL (every command below names its store)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "XXGK_TESTING", "XXGK_HUEY_IMMEDIATE", "DJANGO_SETTINGS_MODULE", "XXGK_DEBUG")}
    env["PYTHONPATH"] = str(REPO / "src")
    return env


def test_verbs_are_listed_and_django_is_not_imported_to_start() -> None:
    from xxgk.cli import main

    out = CliRunner().invoke(main, ["--help"]).output
    assert re.search(r"^\s+demo\s", out, re.M) and re.search(r"^\s+serve\s", out, re.M)
    assert "--port" in CliRunner().invoke(main, ["serve", "--help"]).output
    p = subprocess.run([sys.executable, "-c", "import sys, xxgk.cli; print('django' in sys.modules)"],
                       env=_env(), capture_output=True, text=True, timeout=120)
    assert p.stdout.strip() == "False", p.stderr


def test_demo_prints_the_logins_and_runs_once(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite3"
    cmd = [sys.executable, "-m", "xxgk", "demo", "--db", str(db), "--no-scan", "--year", "2024"]
    first = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)
    assert first.returncode == 0, first.stderr
    # 2024: 53 agencies, 4 of them without a report that year (plan.MISSING).
    assert "演示数据已载入：53 个机关，新增 49 份年报（已有 0 份）" in first.stdout
    assert "密码均为 xxgk-demo-2025" in first.stdout
    for name in ("demo_admin", "city_supervisor", "city_analyst", "bing_supervisor", "ding_supervisor"):
        assert re.search(rf"^\s+{name}\s", first.stdout, re.M), name
    second = subprocess.run(cmd, env=_env(), capture_output=True, text=True, timeout=600)
    assert second.returncode == 0, second.stderr
    assert "演示数据已在库中：53 个机关，49 份年报（未重复载入）" in second.stdout


def test_demo_on_a_store_that_cannot_be_opened(tmp_path: Path) -> None:
    p = subprocess.run([sys.executable, "-m", "xxgk", "demo", "--db", str(tmp_path / "no" / "such" / "dir" / "x.sqlite3")],
                       env=_env(), capture_output=True, text=True, timeout=300)
    assert p.returncode == 2 and p.stderr.startswith("xxgk: ") and "Traceback" not in p.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """`xxgk serve` in a child process, its output collected by a thread."""

    def __init__(self, tmp_path: Path, *extra: str) -> None:
        self.port = _free_port()
        self.lines: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "xxgk", "serve", "--db", str(tmp_path / "web.sqlite3"), "--port", str(self.port), *extra],
            env=_env(), cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as r:
                return int(r.status)
        except urllib.error.HTTPError as e:
            return int(e.code)

    def wait_up(self, seconds: float = 120.0) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            assert self.proc.poll() is None, "".join(self.lines)
            try:
                if self.get("/login/") == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("the server did not answer:\n" + "".join(self.lines))

    def stop(self, sig: int) -> int:
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(60)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()


#: Queue one job (the store's quality refresh) and wait until the queue is empty again.
_ENQUEUE = """
import time, django
django.setup()
from huey.contrib.djhuey import HUEY
from xxgk.web.supervise.jobs.tasks import refresh_quality
refresh_quality()
for _ in range(240):
    if HUEY.pending_count() == 0:
        print("consumed")
        break
    time.sleep(0.25)
else:
    print("still queued:", HUEY.pending_count())
"""


def test_serve_answers_http_runs_the_consumer_and_stops_both_on_ctrl_c(tmp_path: Path) -> None:
    server = _Server(tmp_path)
    try:
        server.wait_up()
        assert server.get("/static/xxgk/app.css") == 200  # development mode serves static files
        assert server.get("/coverage/") == 200  # the login page, after a redirect
        out = "".join(server.lines)
        assert f"http://127.0.0.1:{server.port}/" in out
        pid = int(re.search(r"后台任务进程已启动（Huey，pid (\d+)）", out).group(1))  # type: ignore[union-attr]
        os.kill(pid, 0)  # the consumer runs
        # ... and takes the jobs another process queues on the store's queue (the web app's way).
        queue = subprocess.run([sys.executable, "-c", _ENQUEUE], env={**_env(), "DATABASE_URL": str(tmp_path / "web.sqlite3"),
                               "XXGK_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "xxgk.web.settings"},
                               cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert queue.stdout.strip() == "consumed", queue.stdout + queue.stderr
    finally:
        code = server.stop(signal.SIGINT)
    assert code == 0, "".join(server.lines)
    assert "后台任务进程已停止" in "".join(server.lines)
    try:
        os.kill(pid, 0)
        alive = True
    except ProcessLookupError:
        alive = False
    assert not alive


def test_serve_without_jobs_stops_on_sigterm(tmp_path: Path) -> None:
    server = _Server(tmp_path, "--no-jobs")
    try:
        server.wait_up()
        assert "后台任务进程" not in "".join(server.lines)
    finally:
        code = server.stop(signal.SIGTERM)
    assert code == 0, "".join(server.lines)


def test_serve_on_a_port_in_use_fails_and_starts_no_consumer(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        p = subprocess.run([sys.executable, "-m", "xxgk", "serve", "--db", str(tmp_path / "w.sqlite3"), "--port", str(port)],
                           env=_env(), cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert p.returncode != 0
    assert "后台任务进程已启动" not in p.stdout
