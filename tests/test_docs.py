"""The README matches the code: every finding rule the code can emit is documented (examples.md habit 11)
with its severity, and the limits and numbers it states are the constants, and hold."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "xxgk"
README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")

_RULE = re.compile(r'Finding\(\s*"([a-z0-9_]+\.[a-z0-9_.]+)"')


def emitted_rules() -> set[str]:
    rules: set[str] = set()
    for path in SRC.rglob("*.py"):
        rules.update(_RULE.findall(path.read_text(encoding="utf-8")))
    for path in SRC.rglob("*.py"):  # rule ids passed to a helper that builds the Finding
        rules.update(re.findall(r'report, "([a-z0-9_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    for path in SRC.rglob("*.py"):  # rule ids of a check plan (checks._t3_plan) checked in a loop
        rules.update(re.findall(r'plan\.append\(\("([a-z0-9_]+\.[a-z_]+)"', path.read_text(encoding="utf-8")))
    return rules


def test_rules_are_found() -> None:
    rules = emitted_rules()
    assert {"t3.column_identity", "t3.row_sum", "t4.block_sum", "read.ambiguous_cells"} <= rules


def test_every_rule_is_documented() -> None:
    missing = sorted(r for r in emitted_rules() if f"`{r}`" not in README)
    assert missing == []


# -- statements of the README that the code can be held to (issue 13 point 10) --------------------

_SEVERITY = re.compile(r'Finding\(\s*"([a-z0-9_]+\.[a-z0-9_.]+)",\s*(ERROR|WARNING|"error"|"warning")')
_ROW = re.compile(r"^\| `([a-z0-9_*]+\.[a-z0-9_.]+)`(?:, `[^`]+`)* \| (error|warning) \|", re.M)


def test_each_rule_has_the_severity_the_readme_gives() -> None:
    documented = dict(_ROW.findall(README))
    assert {"t3.row_sum", "read.ambiguous_cells", "value.non_negative_integer"} <= set(documented)
    wrong = []
    for path in SRC.rglob("*.py"):
        for rule, sev in _SEVERITY.findall(path.read_text(encoding="utf-8")):
            sev = sev.strip('"').lower()
            if rule in documented and documented[rule] != sev:
                wrong.append((path.name, rule, sev, documented[rule]))
    assert wrong == []


def _limits() -> str:
    start = README.index("Limits:")
    return " ".join(README[start : README.index("\n\n", start)].split())


def test_the_limits_paragraph_gives_the_constants() -> None:
    from xxgk.read import MAX_DOCUMENT_BYTES, MAX_TEXT_BYTES, docx, html, ocr, pdf

    text = _limits()
    mib = 1024 * 1024
    assert f"any input {MAX_DOCUMENT_BYTES // mib} MiB" in text and pdf.MAX_PDF_BYTES == MAX_DOCUMENT_BYTES
    assert f"text and HTML {MAX_TEXT_BYTES // mib} MiB" in text and html.MAX_HTML_BYTES == MAX_TEXT_BYTES
    assert f"images {ocr.MAX_SIDE:,} px a side and {ocr.MAX_PIXELS // 10**6} MP" in text
    assert f"Office files {docx.MAX_UNCOMPRESSED // mib} MiB unpacked and {docx.MAX_ENTRIES:,} ZIP entries" in text
    assert f"PDF {pdf.MAX_PAGES:,} pages" in text
    assert f"`InputTooLarge` ({MAX_TEXT_BYTES // mib} MiB for text and HTML, {MAX_DOCUMENT_BYTES // mib} MiB for" in README


def test_the_limits_hold(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file over the document limit is refused from its size (a sparse file: nothing is read), a
    text just over 20 MiB is refused, and bytes are held to the same limit as a file."""
    import xxgk
    import xxgk.read as read
    from xxgk.read import MAX_DOCUMENT_BYTES, MAX_TEXT_BYTES

    big = tmp_path / "big.pdf"
    with open(big, "wb") as f:
        f.write(b"%PDF-1.7\n")
        f.truncate(MAX_DOCUMENT_BYTES + 1)
    with pytest.raises(xxgk.InputTooLarge, match=f"{MAX_DOCUMENT_BYTES // 1048576} MiB limit"):
        xxgk.parse(big)
    text = tmp_path / "big.txt"
    text.write_bytes(b"a" * (MAX_TEXT_BYTES + 1))
    with pytest.raises(xxgk.InputTooLarge, match=f"{MAX_TEXT_BYTES // 1048576} MiB limit for text and HTML"):
        xxgk.parse(text)
    monkeypatch.setattr(read, "MAX_DOCUMENT_BYTES", 4096)
    with pytest.raises(xxgk.InputTooLarge, match="MiB limit"):
        read.parse(b"%PDF-1.7\n" + b"0" * 5000, max_bytes=100)


def test_the_numbers_in_the_rule_table_are_the_constants() -> None:
    from xxgk.read import assign, ocr, text

    assert f"a row with far more numbers than columns (over {assign.MAX_ROW_VALUES})" in README
    assert f"a table region over {text.MAX_TABLE_LINES:,} lines" in README
    assert f"confidence < {ocr.CONFIDENCE_WARN:.2f}" in README


def test_library_example_names_exist() -> None:
    import xxgk

    block = README[README.index("```python") : README.index("```", README.index("```python") + 9)]
    for name in re.findall(r"xxgk\.([a-zA-Z_]+)", block):
        assert hasattr(xxgk, name), name
    for method in re.findall(r"report\.([a-z_]+)\(", block):
        assert callable(getattr(xxgk.Report, method)), method


def test_the_reader_table_gives_the_ocr_and_pdf_constants() -> None:
    from xxgk.read import ocr, pdf

    assert f"skew up to ±{ocr.MAX_SKEW:g}° corrected" in README
    assert f"lines of prose at {ocr.PROSE_REC_H} px" in README
    assert f"each such page rendered at {pdf.OCR_DPI} dpi" in README


def test_raise_for_errors_is_any_error_finding_as_documented() -> None:
    """README: raise_for_errors raises "if check() finds an error", not only when an identity fails: a
    reader's error (here a value that is not a number, all identities unverifiable) is enough."""
    import random

    import xxgk
    from tests.corpus.generate import random_report
    from xxgk.report.model import Cell

    assert "raises xxgk.ValidationFailed if check() finds an error" in README
    report = random_report(random.Random(3))
    report.cells["t3.granted.natural_person"] = Cell.from_raw("t3.granted.natural_person", "详见附表")
    assert {f.rule for f in report.check() if f.severity == "error"} == {"value.not_a_number"}
    with pytest.raises(xxgk.ValidationFailed):
        report.raise_for_errors()
    with pytest.raises(xxgk.ValidationFailed):
        xxgk.render(report, "md")
