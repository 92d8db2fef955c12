"""`xxgk batch` and `xxgk export` as a user runs them: exit codes, the summary, --json, a store
given by --db that later commands read."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO.parent / "shared" / "seeds"


def _xxgk(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env["PYTHONPATH"] = str(REPO / "src")
    return subprocess.run([sys.executable, "-m", "xxgk", *args], env=env, capture_output=True, text=True, timeout=300)


def test_batch_then_rerun_then_export(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for p in sorted(SEEDS.glob("*.txt")):
        shutil.copy(p, inbox / p.name)
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    db = tmp_path / "store.sqlite3"

    first = _xxgk("batch", str(inbox), "--db", str(db))
    assert first.returncode == 1, first.stderr  # one file failed, recorded
    assert "读入 5 份，失败 1 份" in first.stdout
    assert "broken.docx" in first.stderr and "Traceback" not in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1

    again = _xxgk("batch", str(inbox), "--db", str(db), "--json")
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout)
    assert (summary["read"], summary["failed"], summary["skipped"]) == (0, 0, 6)

    out = tmp_path / "parquet"
    exported = _xxgk("export", "--parquet", str(out), "--db", str(db))
    assert exported.returncode == 0, exported.stderr
    import pyarrow.parquet as pq

    assert pq.read_table(out / "versions.parquet").num_rows == 5
    assert pq.read_table(out / "cells.parquet").num_rows == 5 * 200


def test_batch_refuses_a_missing_input_and_an_unusable_store(tmp_path: Path) -> None:
    missing = _xxgk("batch", str(tmp_path / "nope"), "--db", str(tmp_path / "s.sqlite3"))
    assert missing.returncode == 2 and "不存在" in missing.stderr
    not_sqlite = tmp_path / "junk.sqlite3"
    not_sqlite.write_bytes(b"this is not a database" * 100)
    bad = _xxgk("batch", str(SEEDS), "--db", str(not_sqlite))
    assert bad.returncode == 2 and "无法打开年报库" in bad.stderr and "Traceback" not in bad.stderr
    assert not_sqlite.read_bytes() == b"this is not a database" * 100


def test_on_a_terminal_the_batch_shows_a_progress_bar_with_rate_and_eta(tmp_path: Path) -> None:
    import pty
    import select

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i, p in enumerate(sorted(SEEDS.glob("*.txt")) * 4):
        (inbox / f"{i:02d}_{p.name}").write_text(p.read_text(encoding="utf-8") + "\n" * (i + 1), encoding="utf-8")
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(PYTHONPATH=str(REPO / "src"), COLUMNS="120", TERM="xterm")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "xxgk", "batch", str(inbox), "--db", str(tmp_path / "s.sqlite3")],
                            env=env, stdin=slave, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    out, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0
    text = seen.decode("utf-8", "replace")
    assert "入库" in text and "剩余" in text  # the bar, its elapsed time and ETA columns
    assert "读入 20 份" in out.decode("utf-8")
