"""`serve()`: the web app on this machine, with its job queue, for trying it and for development.

    from xxgk.web.serve import serve
    serve("127.0.0.1", 8000)        # until Ctrl-C; `xxgk serve` is its command line

What it runs: the tables created or upgraded (`migrate`), then Django's development server in this
process (static files served, XXGK_DEBUG=1 unless `debug=False`) and, beside it, a Huey consumer
(`manage.py run_huey`) in a child process for the background jobs (uploads are parsed there, never
in a request). The consumer starts once the server holds its port (a port in use starts nothing) in
its own process group, so Ctrl-C reaches this process only, which then stops the consumer
gracefully (SIGINT, then SIGTERM after `STOP_GRACE` seconds) before returning. SIGTERM to this
process does the same.

Production is not this: run `gunicorn xxgk.web.wsgi` (or any WSGI server) and, beside it,
`python -m django run_huey --settings=xxgk.web.settings`, with XXGK_SECRET_KEY, DATABASE_URL
(PostgreSQL), REDIS_URL (the queue and the cache shared by every web process), XXGK_ALLOWED_HOSTS and
`python -m django collectstatic --settings=xxgk.web.settings` into XXGK_STATIC_ROOT served by the
front web server (README, "Web app").
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from typing import Any

#: Seconds the consumer is given to finish its running jobs on Ctrl-C before it is terminated.
STOP_GRACE = 10.0


def consumer_command() -> list[str]:
    """The command line of the Huey consumer for the web project's settings."""
    return [sys.executable, "-m", "django", "run_huey", "--settings=xxgk.web.settings"]


def _start_consumer(echo: Callable[[str], None]) -> subprocess.Popen[bytes] | None:
    from django.conf import settings

    if settings.HUEY.get("immediate"):
        echo("后台任务：立即模式（XXGK_HUEY_IMMEDIATE），不启动任务进程")
        return None
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "xxgk.web.settings"}
    proc = subprocess.Popen(consumer_command(), env=env, start_new_session=True)
    echo(f"后台任务进程已启动（Huey，pid {proc.pid}）")
    return proc


def _stop(proc: subprocess.Popen[bytes] | None, echo: Callable[[str], None]) -> None:
    if proc is None or proc.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, STOP_GRACE), (signal.SIGTERM, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(wait)
            echo("后台任务进程已停止")
            return
        except subprocess.TimeoutExpired:
            continue
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def serve(host: str = "127.0.0.1", port: int = 8000, *, db: str | os.PathLike[str] | None = None, jobs: bool = True,
          debug: bool = True, migrate: bool = True, echo: Callable[[str], None] = print) -> int:
    """Serve the web app on host:port until Ctrl-C or SIGTERM; returns the exit code (0 when
    stopped, 1 when the port could not be bound). `db` is the store (else DATABASE_URL, else
    ./xxgk.sqlite3); `jobs=False` runs no job consumer. Call it in a process where Django is not yet
    configured: the settings are read from the environment it sets."""
    if debug:
        os.environ["XXGK_DEBUG"] = "1"
    if db is not None:
        os.environ["DATABASE_URL"] = str(db)
    from . import setup

    setup()
    from django.core.management import call_command
    from django.contrib.staticfiles.management.commands.runserver import Command as Runserver

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)

    state: dict[str, Any] = {"consumer": None}

    class Command(Runserver):
        def on_bind(self, server_port: int) -> None:
            # The port is ours: now the consumer may start (a port in use ends in os._exit, which
            # would leave a consumer behind).
            if jobs:
                state["consumer"] = _start_consumer(echo)
            shown = f"[{host}]" if ":" in host else host
            echo(f"年报系统已启动：http://{shown}:{server_port}/ （按 Ctrl-C 停止）")

    def on_term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    addr = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        call_command(Command(), addr, use_reloader=False, use_threading=True, insecure_serving=not debug,
                     use_ipv6=":" in host, skip_checks=True)
    except SystemExit as e:  # runserver's own exit on Ctrl-C
        return int(e.code or 0)
    except KeyboardInterrupt:
        return 0
    finally:
        # A second Ctrl-C while the consumer finishes its jobs must not orphan it.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop(state["consumer"], echo)
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    return 0
