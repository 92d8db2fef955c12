"""The `xxgk` command: formats, exit codes, one-line errors, batches, stdin and atomic output."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import xxgk
from xxgk import cli
from xxgk.report import keys as K
from xxgk.report.model import Report

ROW = "一、本年新收政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0"


def run(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input, catch_exceptions=False)


def assert_one_line_errors(result: Result, count: int) -> list[str]:
    lines = result.stderr.splitlines()
    assert len(lines) == count, result.stderr
    assert all(line.startswith("xxgk: ") for line in lines), result.stderr
    assert "Traceback" not in result.output
    return lines


@pytest.fixture
def seed(seed_paths: list[Path]) -> Path:
    return seed_paths[0]


@pytest.fixture
def bad_report(seed: Path, tmp_path: Path) -> Path:
    """A seed whose first row of 表三 no longer adds up: the row and column identities fail."""
    text = seed.read_text(encoding="utf-8")
    assert ROW in text
    path = tmp_path / "bad.txt"
    path.write_text(text.replace(ROW, ROW.replace("\t0", "\t5", 1), 1), encoding="utf-8")
    return path


@pytest.fixture
def unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00" * 64)
    return path


# -- basics ---------------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert xxgk.__version__ in result.output


def test_no_input_is_a_usage_error() -> None:
    assert run("parse").exit_code == 2
    assert run("check").exit_code == 2


def test_there_are_no_stub_verbs() -> None:
    assert sorted(cli.main.commands) == ["agencies", "batch", "check", "convert", "demo", "export", "parse", "render", "serve"]


# -- check ----------------------------------------------------------------------------------


def test_check_of_the_seeds_exits_0(seed_paths: list[Path]) -> None:
    result = run("check", seed_paths[0].parent)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    for path in seed_paths:
        assert str(path) in result.stdout
    assert result.stdout.count("0 errors") == len(seed_paths)


def test_check_exits_1_on_errors(bad_report: Path) -> None:
    result = run("check", bad_report)
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # The file, then what was read: agency, year, format and how many cells carried something.
    assert lines[0].startswith(f"{bad_report}: ")
    assert "(2021 format, 200 cells read)" in lines[0]
    assert any(line.strip().startswith("error t3.row_sum: ") for line in lines)
    assert lines[-1].strip().startswith("2 errors")


def test_check_exits_2_on_unreadable_input_and_2_wins(bad_report: Path, seed: Path, unreadable: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = run("check", bad_report, unreadable, seed, missing)
    assert result.exit_code == 2
    lines = assert_one_line_errors(result, 2)
    assert lines[0].startswith(f"xxgk: {unreadable}: not a valid PDF")
    assert lines[1] == f"xxgk: {missing}: no such file"
    # The readable files were all checked, in order.
    assert result.stdout.index(str(bad_report)) < result.stdout.index(str(seed))
    assert "error t3.row_sum" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty input"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "not a text report"),
        ("今天天气很好，我们去公园散步。\n".encode() * 3, ""),
        ("年度报告 2024 一、总体情况".encode("utf-8") * 30 + b"\xff\xfe\xfd", "byte offset"),
    ],
    ids=["empty", "elf", "not-a-report", "bad-utf8"],
)
def test_check_reports_bad_input_in_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(content)
    result = run("check", path)
    assert result.exit_code == 2
    (line,) = assert_one_line_errors(result, 1)
    assert line.startswith(f"xxgk: {path}: ")
    assert message in line
    assert f"{path}: {path}" not in line
    assert result.stdout == ""


@pytest.mark.parametrize("exc", [MemoryError(), RecursionError("maximum recursion depth exceeded"), UnicodeDecodeError("utf-8", b"\xff", 0, 1, "bad")])
def test_resource_errors_are_one_line(monkeypatch: pytest.MonkeyPatch, seed: Path, exc: Exception) -> None:
    def boom(*a: object, **kw: object) -> None:
        raise exc

    monkeypatch.setattr(xxgk, "parse", boom)
    result = run("check", seed, seed)
    assert result.exit_code == 2
    assert_one_line_errors(result, 2)


def test_a_bug_is_one_line_and_exit_3(monkeypatch: pytest.MonkeyPatch, seed: Path) -> None:
    monkeypatch.delenv("XXGK_DEBUG", raising=False)

    def bug(*a: object, **kw: object) -> None:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(xxgk, "parse", bug)
    result = run("parse", seed)
    assert result.exit_code == 3
    (line,) = assert_one_line_errors(result, 1)
    assert "internal error: ZeroDivisionError" in line


def test_check_json(seed: Path) -> None:
    result = run("check", "--format", "json", seed)
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert payload["source"]["name"] == str(seed)
    assert payload["summary"] == {"error": 0, "warning": 0}
    assert payload["findings"] == []


def test_check_with_previous(seed: Path, bad_report: Path, tmp_path: Path) -> None:
    assert run("check", "--previous", seed, seed).exit_code == 0
    result = run("check", "--previous", tmp_path / "nope.txt", seed)
    assert result.exit_code == 2
    assert_one_line_errors(result, 1)


def test_check_many_files_json_is_an_array(seed_paths: list[Path], unreadable: Path) -> None:
    result = run("check", "-f", "json", *seed_paths, unreadable)
    assert result.exit_code == 2
    assert [r["source"]["name"] for r in json.loads(result.stdout)] == [str(p) for p in seed_paths]


# -- parse ----------------------------------------------------------------------------------


def test_parse_json_round_trips_through_from_dict(seed: Path) -> None:
    result = run("parse", seed)
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["schema"] == xxgk.SCHEMA
    report = Report.from_dict(d)
    assert report.to_dict() == d
    direct = xxgk.parse(seed)
    assert {k: (c.raw, c.value, c.where) for k, c in report.cells.items()} == {
        k: (c.raw, c.value, c.where) for k, c in direct.cells.items()
    }


def test_parse_several_files_where_one_is_bad_still_outputs_the_good_ones(seed_paths: list[Path], unreadable: Path) -> None:
    good = seed_paths[:2]
    result = run("parse", good[0], unreadable, good[1])
    assert result.exit_code == 2
    (line,) = assert_one_line_errors(result, 1)
    assert str(unreadable) in line
    reports = json.loads(result.stdout)
    assert [r["source"]["name"] for r in reports] == [str(p) for p in good]


def test_parse_a_directory_gives_an_array(seed_paths: list[Path]) -> None:
    result = run("parse", seed_paths[0].parent)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == len(seed_paths)


def test_parse_jsonl(seed_paths: list[Path]) -> None:
    result = run("parse", "-f", "jsonl", *seed_paths)
    lines = result.stdout.splitlines()
    assert len(lines) == len(seed_paths)
    assert [json.loads(line)["source"]["name"] for line in lines] == [str(p) for p in seed_paths]


def test_parse_csv_has_the_header_and_200_rows_per_2021_report(seed_paths: list[Path]) -> None:
    two = seed_paths[:2]
    result = run("parse", "--format", "csv", *two)
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["source", "key", "value", "raw", "semantic", "location"]
    body = rows[1:]
    assert len(body) == 200 * len(two)
    for path in two:
        mine = [r for r in body if r[0] == str(path)]
        assert [r[1] for r in mine] == list(K.cell_keys("2021"))
        assert all(json.loads(r[5]).get("line") for r in mine)


def test_parse_table(seed: Path) -> None:
    result = run("parse", "-f", "table", seed)
    assert result.exit_code == 0
    report = xxgk.parse(seed)
    assert report.agency and report.agency in result.stdout
    for word in ("表二", "表三", "表四", "new_received", "行政复议"):
        assert word in result.stdout


def test_parse_stdin(seed: Path) -> None:
    result = run("parse", "-", input=seed.read_bytes())
    assert result.exit_code == 0, result.output
    d = json.loads(result.stdout)
    assert d["source"]["name"] == "<stdin>"
    assert d["format"] == "2021"


def test_check_stdin_empty() -> None:
    result = run("check", "-", input=b"")
    assert result.exit_code == 2
    assert assert_one_line_errors(result, 1) == ["xxgk: <stdin>: empty input (0 bytes)"]


# -- --output -------------------------------------------------------------------------------


def test_output_is_written(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = run("parse", "-f", "csv", "-o", out, seed)
    assert result.exit_code == 0
    assert result.stdout == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 201
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def test_a_failing_run_leaves_no_output_file(unreadable: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = run("parse", "-o", out, unreadable)
    assert result.exit_code == 2
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [unreadable.name]


def test_output_in_a_missing_directory_is_one_line(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "out.json"
    result = run("parse", "-o", out, seed)
    assert result.exit_code == 2
    assert assert_one_line_errors(result, 1)[0].startswith(f"xxgk: {out}: cannot write")


def test_output_file_has_the_usual_permissions(seed: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    assert run("parse", "-o", out, seed).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def _read_fifo(path: Path, box: list[bytes]) -> None:
    """Open the FIFO for reading (without blocking) and collect what is written until EOF."""
    import select

    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        chunks, deadline = [], 20.0
        while deadline > 0:
            ready, _, _ = select.select([fd], [], [], 0.1)
            deadline -= 0.1
            if ready:
                data = os.read(fd, 65536)
                if not data and chunks:
                    break
                chunks.append(data)
        box.append(b"".join(chunks))
    finally:
        os.close(fd)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("command", ["parse", "render"])
def test_output_to_a_device_or_fifo_is_written_in_place(seed: Path, tmp_path: Path, command: str) -> None:
    # `-o /dev/null` once replaced the device with a regular file (the atomic rename): a path that
    # exists and is not a regular file is written to, never renamed onto. A FIFO stands in for the
    # device here, so that a regression breaks nothing outside tmp_path.
    import threading

    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    if command == "parse":
        args = ["parse", "-o", fifo, seed]
    else:
        src = tmp_path / "r.json"
        src.write_text(xxgk.parse(seed).to_json(), encoding="utf-8")
        args = ["render", src, "--to", "md", "-o", fifo]
    box: list[bytes] = []
    reader = threading.Thread(target=_read_fifo, args=(fifo, box))
    reader.start()
    import time

    time.sleep(0.2)  # the reader holds the FIFO open first, so the writer's open does not block
    result = run(*args)
    reader.join(30)
    assert result.exit_code == 0, result.stderr
    assert fifo.is_fifo(), "the FIFO was replaced"
    assert box and len(box[0]) > 100
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_output_through_a_symbolic_link_replaces_its_target(seed: Path, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    real.chmod(0o640)
    link = tmp_path / "link.json"
    link.symlink_to(real)
    assert run("parse", "-o", link, seed).exit_code == 0
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert json.loads(real.read_text(encoding="utf-8"))["format"]
    assert real.stat().st_mode & 0o777 == 0o640  # an existing file keeps its permissions


def test_a_failing_run_keeps_the_old_output_file(unreadable: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old")
    assert run("parse", "-o", out, unreadable).exit_code == 2
    assert out.read_text() == "old"


def test_a_crash_while_writing_leaves_nothing_half_written(
    seed_paths: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.csv"
    calls = []
    real = cli._write_csv_rows

    def crash_on_second(writer: object, report: Report) -> None:
        calls.append(report)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(writer, report)

    monkeypatch.setattr(cli, "_write_csv_rows", crash_on_second)
    result = CliRunner().invoke(cli.main, ["parse", "-f", "csv", "-o", str(out), *map(str, seed_paths)])
    assert result.exit_code != 0
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


# -- generated reports ------------------------------------------------------------------------


def test_generated_reports_parse_to_their_values(tmp_path: Path) -> None:
    import random

    gen = pytest.importorskip("tests.corpus.generate", reason="the report generator is not available")
    report = gen.random_report(random.Random(7))
    path = tmp_path / "generated.txt"
    path.write_text(gen.render_text(report, gen.LAYOUTS[0], random.Random(7)), encoding="utf-8")
    result = run("parse", "-f", "csv", path)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["key"]: r["value"] for r in rows} == {
        k: "" if c.value is None else str(c.value) for k, c in report.cells.items()
    }


# -- a real process -------------------------------------------------------------------------


def test_python_dash_m_xxgk_exit_codes(seed: Path, bad_report: Path, unreadable: Path) -> None:
    def proc(*args: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "xxgk", "check", *map(str, args)], capture_output=True, text=True, timeout=120
        )

    assert proc(seed).returncode == 0
    assert proc(bad_report).returncode == 1
    p = proc(seed, unreadable)
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "Traceback" not in p.stderr


def test_truncated_and_huge_files_are_one_line_each_and_the_rest_still_runs(seed_paths: list[Path], tmp_path: Path) -> None:
    text = seed_paths[0].read_text(encoding="utf-8")
    truncated = tmp_path / "truncated.txt"
    truncated.write_text(text[: text.index("不掌握相关")], encoding="utf-8")  # cut inside 表三
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: rejected from its size, never read
    result = run("check", truncated, huge, seed_paths[1])
    assert result.exit_code == 2
    lines = assert_one_line_errors(result, 2)
    assert lines[0].startswith(f"xxgk: {truncated}: ") and "truncated" in lines[0]
    assert lines[1].startswith(f"xxgk: {huge}: ") and "MiB" in lines[0] + lines[1]
    assert f"{seed_paths[1]}: " in result.stdout and "0 errors" in result.stdout
