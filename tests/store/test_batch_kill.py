"""`xxgk batch` killed with SIGKILL midway, then run again: the store ends up exactly as after one
uninterrupted run (no version lost or doubled, quality signals finished by the second run)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus.generate import LAYOUTS, random_report, render_text

REPO = Path(__file__).resolve().parents[2]
N = 240

_DUMP = """
import json, sys
from xxgk import store
store.setup(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from tests.store.snapshot import snapshot
print(json.dumps(snapshot(), default=repr, ensure_ascii=False, sort_keys=True))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO)])
    return env


def _batch(inbox: Path, db: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "xxgk", "batch", str(inbox), "--db", str(db)], env=_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _dump(db: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", _DUMP, str(db), str(REPO)], env=_env(), capture_output=True,
                         check=True, timeout=300).stdout
    return json.loads(out)


def _ingested(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
            return c.execute("select count(*) from store_ingest").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_sigkill_midway_then_rerun_equals_one_run(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    rng = random.Random(14)
    for i in range(N):
        report = random_report(rng, fmt="2021")
        (inbox / f"{i:04d}.txt").write_text(render_text(report, LAYOUTS[i % len(LAYOUTS)], rng), encoding="utf-8")
    whole = tmp_path / "whole.sqlite3"
    assert _batch(inbox, whole).wait(timeout=300) == 0
    with sqlite3.connect(whole) as c:  # the store's SQLite file is in WAL mode (readers beside a batch)
        assert c.execute("pragma journal_mode").fetchone()[0] == "wal"

    killed = tmp_path / "killed.sqlite3"
    proc = _batch(inbox, killed)
    deadline = time.monotonic() + 120
    while _ingested(killed) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    done = _ingested(killed)
    assert 0 < done < N, f"the kill came too late to test anything ({done} of {N} recorded)"
    assert _batch(inbox, killed).wait(timeout=300) == 0
    assert _ingested(killed) == N  # each file recorded once: by the first run or by the second
    assert _dump(killed) == _dump(whole)
