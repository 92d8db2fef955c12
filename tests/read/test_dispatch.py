"""`xxgk.parse` picks the reader by content, not by the file's name."""

from __future__ import annotations

import random
from pathlib import Path

import xxgk
from tests.corpus.generate import random_report, render_text
from tests.corpus.html import render_html


def test_html_named_pdf_is_read_as_html(tmp_path: Path) -> None:
    report = random_report(random.Random(8))
    path = tmp_path / "report.pdf"
    path.write_text(render_html(report, random.Random(8), style="official"), encoding="utf-8")
    got = xxgk.parse(path)
    assert got.source["kind"] == "html"
    assert got.value("t3.results_total.total") == report.value("t3.results_total.total")
    assert set(got.cells["t4.review.total"].where) == {"table", "row", "col"}


def test_text_named_html_is_read_as_text(tmp_path: Path) -> None:
    report = random_report(random.Random(9))
    path = tmp_path / "report.html"
    path.write_text(render_text(report, "tab002", random.Random(9)), encoding="utf-8")
    got = xxgk.parse(path)
    assert got.source["kind"] == "text"
    assert got.value("t3.results_total.total") == report.value("t3.results_total.total")
    assert set(got.cells["t4.review.total"].where) == {"line", "col"}


def test_docx_named_txt_is_read_as_word(tmp_path: Path) -> None:
    from tests.corpus.docx import render_docx

    report = random_report(random.Random(10))
    path = tmp_path / "report.txt"
    path.write_bytes(render_docx(report, random.Random(10), style="official"))
    got = xxgk.parse(path)
    assert (got.source["kind"], got.source["container"]) == ("docx", "docx")
    assert got.value("t3.results_total.total") == report.value("t3.results_total.total")
    assert set(got.cells["t3.granted.total"].where) == {"table", "row", "col"}


def test_png_named_txt_is_read_by_ocr(tmp_path: Path) -> None:
    import pytest

    pytest.importorskip("rapidocr_onnxruntime")
    from tests.corpus.scan import render_scan

    report = random_report(random.Random(12))
    path = tmp_path / "report.txt"
    path.write_bytes(render_scan(report, random.Random(12)))
    got = xxgk.parse(path)
    assert got.source["kind"] == "image"
    # Exactness contract of the scan reader: every cell is right, or a finding names it.
    named = {k for f in got.check() for k in f.cells}
    wrong = [k for k in report.cells if got.value(k) != report.value(k) and k not in named]
    assert wrong == []
    read = [c for c in got.cells.values() if c.semantic != "empty"]
    assert len(read) > 150 and all({"page", "bbox", "confidence"} <= set(c.where) for c in read)
