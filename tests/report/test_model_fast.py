"""The model's fast paths against the straightforward ones (issue 14): `Report.tables` (one generated
dict display per format) against the walk of every key from the root, and `Cell.from_raw` (texts
remembered per key's flags) against `values.read_value` called anew."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.report import keys as K
from xxgk.report import model as M
from xxgk.report.model import Cell, Report
from xxgk.report.values import read_value

_RAWS = st.one_of(st.integers(0, 999).map(str), st.sampled_from(["", "/", "零", "-3", "+4", "1.5", "2.0", "0.00", "1,234件", "abc", "１２"]))


@st.composite
def reports(draw: Any) -> Report:
    fmt = draw(st.sampled_from(["2021", "2019", "pre2019", "unknown"]))
    r = Report(format=fmt)
    keys = K.cell_keys(r.table_format)
    complete = draw(st.booleans())
    for key in keys:
        if not complete and draw(st.integers(0, 20)) == 0:
            continue  # missing: null in the tables
        r.cells[key] = Cell.from_raw(key, draw(_RAWS))
    if draw(st.booleans()):  # cells of the other format, not in this one's tables
        other = K.cell_keys("2019" if r.table_format == "2021" else "2021")
        for key in draw(st.lists(st.sampled_from(other), max_size=5)):
            r.cells[key] = Cell.from_raw(key, "1")
    return r


@settings(max_examples=200, deadline=None)
@given(reports())
def test_tables_as_the_walk_from_the_root(report: Report) -> None:
    got, want = report.tables(), M._tables_walk(report.cells, report.table_format)
    assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)  # order too


def test_tables_fresh_each_call() -> None:
    r = Report.from_values({k: 1 for k in K.cell_keys("2021")}, format="2021")
    a, b = r.tables(), r.tables()
    assert a == b and a is not b and a["t3"] is not b["t3"] and a["t3"]["granted"] is not b["t3"]["granted"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([*K.cell_keys("2021"), *K.cell_keys("2019"), "t2_2019.licensing.change", "x.y.change", "other"]), _RAWS,
       st.one_of(st.none(), st.fixed_dictionaries({"line": st.integers(0, 9)})))
def test_from_raw_as_read_value(key: str, raw: str, where: dict[str, Any] | None) -> None:
    for _ in range(2):  # read, then remembered
        cell = Cell.from_raw(key, raw, where)
        value, semantic = read_value(raw, key in K.DECIMAL_KEYS, key.endswith(K.SIGNED_SUFFIX))
        assert (cell.key, cell.raw, cell.value, cell.semantic) == (key, raw, value, semantic)
        assert type(cell.value) is type(value)
        assert cell.where == (where or {}) and (where is None or cell.where is where)


def test_from_raw_keeps_flags_apart() -> None:
    """The same text reads differently for a decimal, a signed and a plain key."""
    assert Cell.from_raw(K.T2_FEE_KEY, "1.50").value == "1.50"
    assert Cell.from_raw("t3.granted.total", "1.50").semantic == "text"
    assert Cell.from_raw("t2_2019.licensing.change", "-3").value == -3
    assert Cell.from_raw("t3.granted.total", "-3").semantic == "text"
