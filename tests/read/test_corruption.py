"""A wrong number in the source is reported, naming its row or column; never repaired silently.

Each test renders a valid generated report, corrupts one printed number in the text (digit dropped,
digits swapped, a cell shifted), parses it again and checks. The corrupted cell must keep the value
printed in the source, and an error must name that cell's row or column.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.corpus.generate import LAYOUTS, random_report, render_text
from xxgk.read.text import parse_text
from xxgk.report import keys as K


#: Each corruption example parses twice; a fifth of the profile's examples per layout still gives
#: thousands under CI while keeping the suite within its time budget.
corruption_settings = settings(max_examples=max(20, settings.default.max_examples // 5))


def _render(seed: int, layout: str) -> tuple[list[str], object]:
    report = random_report(random.Random(seed))
    text = render_text(report, layout, random.Random(seed + 1), variants=False)
    return text.split("\n"), parse_text(text)


def _replace(lines: list[str], where: dict, old: str, new: str) -> str:
    n, col = where["line"] - 1, where["col"]
    line = lines[n]
    assert line[col : col + len(old)] == old
    out = list(lines)
    out[n] = line[:col] + new + line[col + len(old) :]
    return "\n".join(out)


def _errors_naming(report, key: str) -> list:
    row_or_col = key.rsplit(".", 1)
    hits = []
    for f in report.check():
        if f.severity != "error":
            continue
        if key in f.cells or any(c.startswith(row_or_col[0] + ".") for c in f.cells) or any(c.endswith("." + row_or_col[1]) and c.startswith("t3.") for c in f.cells):
            hits.append(f)
    return hits


def _t3_number_cells(report, minimum: int) -> list[str]:
    return [k for k in K.t3_keys("2021") if isinstance(report.value(k), int) and report.value(k) >= minimum]


@pytest.mark.parametrize("layout", LAYOUTS)
@given(seed=st.integers(0, 2**31), pick=st.integers(0, 10**6))
@corruption_settings
def test_dropped_digit_is_reported(layout: str, seed: int, pick: int) -> None:
    lines, report = _render(seed, layout)
    candidates = _t3_number_cells(report, 10)
    assume(candidates)
    key = candidates[pick % len(candidates)]
    cell = report.cells[key]
    digits = str(cell.value)
    dropped = digits[:-1]  # '12' → '1', as in the 金湖县 case
    corrupted = parse_text(_replace(lines, cell.where, cell.raw.strip(), dropped))
    assert corrupted.value(key) == int(dropped)  # the source's number, not a repair
    assert _errors_naming(corrupted, key), f"no error names {key}"


@pytest.mark.parametrize("layout", LAYOUTS)
@given(seed=st.integers(0, 2**31), pick=st.integers(0, 10**6))
@corruption_settings
def test_swapped_digits_are_reported(layout: str, seed: int, pick: int) -> None:
    lines, report = _render(seed, layout)
    candidates = [k for k in _t3_number_cells(report, 10) if str(report.value(k))[0] != str(report.value(k))[1]]
    assume(candidates)
    key = candidates[pick % len(candidates)]
    cell = report.cells[key]
    d = str(cell.value)
    swapped = d[1] + d[0] + d[2:]
    corrupted = parse_text(_replace(lines, cell.where, cell.raw.strip(), swapped))
    assert corrupted.value(key) == int(swapped)
    assert _errors_naming(corrupted, key), f"no error names {key}"


@pytest.mark.parametrize("layout", ["tab000", "tab002", "md003", "markdown"])
@given(seed=st.integers(0, 2**31), pick=st.integers(0, 10**6))
@corruption_settings
def test_cell_shifted_in_its_row_is_reported(layout: str, seed: int, pick: int) -> None:
    """Swap a non-zero applicant cell with a neighbour of a different value: the row sum still
    holds, so only the column identities can catch it."""
    lines, report = _render(seed, layout)
    pairs = []
    for row in K.t3_rows("2021"):
        for a, b in zip(K.T3_APPLICANT_COLUMNS, K.T3_APPLICANT_COLUMNS[1:]):
            ka, kb = f"t3.{row}.{a}", f"t3.{row}.{b}"
            if report.value(ka) != report.value(kb) and report.cells[ka].where["line"] == report.cells[kb].where["line"]:
                pairs.append((ka, kb))
    assume(pairs)
    ka, kb = pairs[pick % len(pairs)]
    ca, cb = report.cells[ka], report.cells[kb]
    line = lines[ca.where["line"] - 1]
    i, j = ca.where["col"], cb.where["col"]
    ra, rb = ca.raw, cb.raw
    new = line[:i] + rb + line[i + len(ra) : j] + ra + line[j + len(rb) :]
    text = "\n".join(lines[: ca.where["line"] - 1] + [new] + lines[ca.where["line"] :])
    corrupted = parse_text(text)
    assert (corrupted.value(ka), corrupted.value(kb)) == (report.value(kb), report.value(ka))
    assert _errors_naming(corrupted, ka) and _errors_naming(corrupted, kb)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_wrong_total_in_table_four_is_reported(layout: str) -> None:
    for seed in range(20):
        lines, report = _render(seed, layout)
        cell = report.cells["t4.review.total"]
        wrong = str(report.value("t4.review.total") + 1)
        corrupted = parse_text(_replace(lines, cell.where, cell.raw.strip(), wrong))
        assert corrupted.value("t4.review.total") == int(wrong)
        assert any(f.rule == "t4.block_sum" and "t4.review.total" in f.cells for f in corrupted.check())
