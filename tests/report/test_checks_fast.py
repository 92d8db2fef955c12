"""The checks' fast paths against the straightforward ones they replace (issue 14): the identities
checked over prepared index tuples (`checks._not_holding`) against `_identity` on every plan entry,
the value checks of the odd cells only against every cell, and `_sentences` against its two regexes.
Random cell values (counts, zeros, negatives, nulls, text, booleans, missing cells), both formats."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.report import checks as C
from xxgk.report import keys as K
from xxgk.report.finding import Finding
from xxgk.report.model import Cell, Report

_COUNT = st.integers(0, 30).map(str)
_RAW = st.one_of(_COUNT, _COUNT, st.sampled_from(["", "/", "零", "-3", "1.5", "2.0", "abc", "1,234", "+4", "0.00", "１２"]))


@st.composite
def reports(draw: Any) -> Report:
    """Clean reports (every cell a count, the row totals made to hold or not) and noisy ones (missing
    cells, nulls, text, values no reader makes): the fast path's two branches."""
    fmt = draw(st.sampled_from(C.TABLE_FORMATS))
    clean = draw(st.booleans())
    r = Report(format=fmt)
    for key in K.cell_keys(fmt):
        if clean:
            r.cells[key] = Cell.from_raw(key, draw(st.sampled_from(["0", "1", "2", "3"])))
            continue
        if draw(st.integers(0, 60)) == 0:
            continue  # a missing cell
        r.cells[key] = Cell.from_raw(key, draw(_RAW))
        if draw(st.integers(0, 80)) == 0:  # a value no reader makes: a bool, a float, a stray string
            r.cells[key].value = draw(st.sampled_from([True, False, 1.0, "7", -2]))
    if draw(st.booleans()):  # make the rows' totals hold where they can
        for key in K.t3_keys(fmt):
            if key.endswith(".total"):
                row = key[: -len(".total")]
                parts = [r.cells.get(f"{row}.{c}") for c in K.T3_APPLICANT_COLUMNS]
                if all(p is not None and type(p.value) is int for p in parts):
                    r.cells[key] = Cell.from_raw(key, str(sum(p.value for p in parts)))  # type: ignore[union-attr,misc]
    return r


def _reference_identities(report: Report, fmt: str) -> Iterator[Finding | None]:
    """What `_t3_identities` and `_t4_identities` did before: `_identity` on every plan entry."""
    leaves = K.t3_outcome_rows(fmt)
    for rule, lhs, rhs, where, lhs_name, rhs_name, show_parts, col in C._t3_plan(fmt):
        yield C._identity(report, rule, lhs, rhs, where, lhs_name, rhs_name, show_parts=show_parts,
                          note=functools.partial(C._localise, report, leaves, col) if col is not None else None)
    for block in K.T4_BLOCKS:
        yield C._identity(
            report, "t4.block_sum", [f"t4.{block}.{c}" for c in K.T4_COLUMNS[:4]], [f"t4.{block}.total"],
            f"表四「{K.T4_BLOCK_LABELS[block]}」", "维持+纠正+其他+尚未审结", "总计", show_parts=True,
        )


def _reference_value_checks(report: Report) -> Iterator[Finding]:
    """Every cell in printed order through `_value_findings`, as `_value_checks` did before."""
    for key, cell in sorted(report.cells.items(), key=C._printed_rank):
        yield from C._value_findings(report, key, cell)


def _dicts(findings: Any) -> list[dict[str, Any]]:
    return [f.to_dict() for f in findings if f]


@settings(max_examples=200, deadline=None)
@given(reports())
def test_identities_as_every_entry_through_identity(report: Report) -> None:
    fast = [*C._t3_identities(report, report.format), *C._t4_identities(report)]
    assert _dicts(fast) == _dicts(_reference_identities(report, report.format))


@settings(max_examples=200, deadline=None)
@given(reports())
def test_value_checks_as_every_cell(report: Report) -> None:
    assert _dicts(C._value_checks(report)) == _dicts(_reference_value_checks(report))


def test_a_report_with_all_identities_holding_and_one_broken() -> None:
    values = {k: 0 for k in K.cell_keys("2021")}
    r = Report.from_values(values, format="2021")
    assert list(C._t3_identities(r, "2021")) == [] and list(C._t4_identities(r)) == []
    r.cells["t3.granted.natural_person"] = Cell.from_raw("t3.granted.natural_person", "2")
    got = _dicts(C._t3_identities(r, "2021"))
    assert got == _dicts(_reference_identities(r, "2021")) and {f["rule"] for f in got} == {
        "t3.row_sum", "t3.results_total"}


def test_operands_are_derived_from_the_plans() -> None:
    """Every plan entry's getters pick exactly its lhs and rhs keys."""
    for fmt in C.TABLE_FORMATS:
        for plan, (keys, _, _, sums) in ((C._t3_plan(fmt), C._t3_operands(fmt)), (C._t4_plan(), C._t4_operands())):
            assert len(plan) == len(sums)
            for (_, lhs, rhs, *_rest), (_, plain, n) in zip(plan, sums):
                assert plain(keys) == (*lhs, *rhs) and n == len(lhs)


def _reference_sentences(text: str) -> list[str]:
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"(?<=\d)\s+(?=\d)", "|", t)
    t = re.sub(r"\s+", "", t)
    return [s for s in re.split(r"[。;!?]", t) if s]


_PROSE = st.text(alphabet=st.sampled_from(list("收到申请共件予以公开。;!?，：（）１２3 4\u3000\t\n\u00a0\u2003٣５0")), max_size=60)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_PROSE, st.text(max_size=40)))
def test_sentences_as_the_two_regexes(text: str) -> None:
    assert C._sentences(text) == _reference_sentences(text)
