"""`xxgk render` (JSON → document) and `xxgk convert` (any report → document): thin faces on
`xxgk.render`; refusal on failing identities, --allow-errors, --draft, atomic output, one-line errors."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import xxgk
from tests.corpus.generate import random_report, render_text
from tests.read.test_roundtrip import _diff
from tests.test_cli import run
from xxgk.report.model import Cell, Report
from xxgk.write import FORMATS

CHEAP = [f for f in FORMATS if f != "pdf"]  # the PDF writer has its own tests


def _json(tmp_path: Path, report: Report, name: str = "r.json") -> Path:
    path = tmp_path / name
    path.write_text(report.to_json(), encoding="utf-8")
    return path


def _broken(seed: int = 3) -> Report:
    r = random_report(random.Random(seed))
    key = "t3.new_received.total"
    r.cells[key] = Cell.from_raw(key, str(int(r.value(key) or 0) + 2))
    return r


@pytest.mark.parametrize("to", CHEAP)
def test_render_json_reads_back(tmp_path: Path, to: str) -> None:
    report = random_report(random.Random(21))
    out = tmp_path / f"out.{to}"
    result = run("render", _json(tmp_path, report), "--to", to, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert _diff(report, xxgk.parse(out)) == []


def test_convert_any_report_default_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = random_report(random.Random(22))
    src = tmp_path / "src" / "report-2024.txt"
    src.parent.mkdir()
    src.write_text(render_text(report, "tab000", random.Random(1)), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("convert", src, "--to", "docx")
    assert result.exit_code == 0, result.stderr
    assert _diff(report, xxgk.parse(tmp_path / "report-2024.docx")) == []


def test_refuses_a_report_whose_identities_fail_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    result = run("render", _json(tmp_path, _broken()), "--to", "docx", "-o", out)
    assert result.exit_code == 1
    assert "t3.column_identity" in result.stderr and "not written" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == [tmp_path / "r.json"]


def test_allow_errors_writes_and_prints_the_findings(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    result = run("render", _json(tmp_path, _broken()), "--to", "md", "-o", out, "--allow-errors")
    assert result.exit_code == 0
    assert "error t3.column_identity" in result.stderr and "not written" not in result.stderr
    assert out.exists()
    # The wrong number is printed as it is, and the reader finds the same error again.
    assert any(f.rule == "t3.column_identity" for f in xxgk.parse(out).check())


def test_draft_fills_only_empty_sections(tmp_path: Path) -> None:
    report = random_report(random.Random(23))
    kept = report.sections["problems"]
    report.sections["overview"] = ""
    out = tmp_path / "out.md"
    result = run("render", _json(tmp_path, report), "--to", "md", "-o", out, "--draft")
    assert result.exit_code == 0, result.stderr
    got = xxgk.parse(out)
    assert "（一）主动公开" in got.sections["overview"] and "【请填写" in got.sections["overview"]
    assert got.sections["problems"].replace("\n", "") == kept.replace("\n", "")
    assert [f for f in got.check() if f.rule == "narrative.mismatch"] == []


def test_stdout_and_several_inputs_into_a_directory(tmp_path: Path) -> None:
    a = _json(tmp_path, random_report(random.Random(1)), "a.json")
    b = _json(tmp_path, random_report(random.Random(2)), "b.json")
    result = run("render", a, "--to", "md", "-o", "-")
    assert result.exit_code == 0 and result.stdout_bytes.startswith(b"# ")
    result = run("render", a, b, "--to", "xlsx")
    assert result.exit_code == 2 and "-o DIR" in result.stderr
    result = run("render", a, b, "--to", "xlsx", "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.xlsx", "b.xlsx"]


@pytest.mark.parametrize(
    "content, message",
    [("{not json", "not JSON"), ("[1, 2]", "not a report object"), ('{"schema": "other@9"}', "not an xxgk/report@1 object")],
)
def test_bad_json_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    result = run("render", path, "--to", "md", "-o", tmp_path / "x.md")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and message in result.stderr
    assert not (tmp_path / "x.md").exists()


@pytest.mark.parametrize("command", ["render", "convert"])
def test_unknown_output_format_is_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    src = _json(tmp_path, random_report(random.Random(6)))
    result = run(command, src, "--to", "odt", "-o", tmp_path / "x.odt")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == "xxgk: unknown output format 'odt'; expected one of docx, html, pdf, xlsx, md\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_value_that_disagrees_with_its_raw_text_is_refused(tmp_path: Path) -> None:
    """JSON edited by hand: the value changed, the raw text (what was printed) not. Rendering it would
    print the raw text and check the value; it is refused, in one line, naming the cell."""
    d = random_report(random.Random(7)).to_dict()
    cell = next(c for c in d["cells"] if c["key"] == "t3.granted.total")
    cell["value"] = int(cell["value"] or 0) + 1
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    result = run("render", path, "--to", "md", "-o", tmp_path / "x.md")
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and "t3.granted.total" in result.stderr and "raw text" in result.stderr
    assert not (tmp_path / "x.md").exists()


def test_convert_refuses_to_overwrite_its_input(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    original = xxgk.render(random_report(random.Random(4)), "md")
    path.write_bytes(original)
    result = run("convert", path, "--to", "md", "-o", path)
    assert result.exit_code == 2 and "overwrite the input" in result.stderr
    assert path.read_bytes() == original


def test_convert_unreadable_input_keeps_going(tmp_path: Path) -> None:
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    good = tmp_path / "good.json"
    good.write_text(json.dumps(random_report(random.Random(5)).to_dict()), encoding="utf-8")
    result = run("render", bad, good, "--to", "md", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert (tmp_path / "out" / "good.md").exists() and not (tmp_path / "out" / "empty.md").exists()
