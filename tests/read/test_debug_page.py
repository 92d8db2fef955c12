"""`debug.render(page=n)` draws one page only, and `debug.text_view` gives the lines and each
cell's characters (what the web's source view shows around a cell)."""

from __future__ import annotations

import random

import pytest

import xxgk
from tests.corpus.generate import random_report
from tests.corpus.layouts import render_text
from xxgk.read.debug import render, text_view


def _report(seed: int = 2) -> xxgk.Report:
    r = random_report(random.Random(seed), fmt="2021")
    r.agency, r.year = "某某镇人民政府", 2023
    return r


def test_one_page_of_a_pdf() -> None:
    pdf = xxgk.render(_report(), "pdf")
    report = xxgk.parse(pdf, name="r.pdf")
    every = [p.number for p in render(report, pdf, scale=0.5)]
    assert len(every) >= 2
    only = list(render(report, pdf, scale=0.5, page=2))
    assert [p.number for p in only] == [2]
    on_two = {k for k, c in report.cells.items() if c.where.get("page") == 2}
    assert {b.key for b in only[0].boxes} == on_two
    assert list(render(report, pdf, scale=0.5, page=len(every) + 1)) == []


def test_text_view_marks_the_cell_characters() -> None:
    gen = _report(4)
    text = render_text(gen, "tab000", random.Random(4))
    data = text.encode("utf-8")
    report = xxgk.parse(data, name="r.txt")
    lines, spans = text_view(report, data)
    assert lines == text.splitlines()
    # 表二's 行政处罚 row, found by hand in the printed text: its number is the cell's characters.
    n = next(i for i, line in enumerate(lines, 1) if line.startswith("行政处罚"))
    line, start, end = spans["t2.penalty"]
    assert line == n and lines[n - 1][start:end] == str(gen.value("t2.penalty"))
    with pytest.raises(ValueError):
        text_view(report, data + b" ")


def test_text_view_of_html() -> None:
    gen = _report(6)
    data = xxgk.render(gen, "html")
    report = xxgk.parse(data, name="r.html")
    lines, spans = text_view(report, data)
    line, start, end = spans["t3.granted.total"]
    assert lines[line - 1][start:end] == str(gen.value("t3.granted.total"))
