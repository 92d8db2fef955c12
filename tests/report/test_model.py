"""The `xxgk/report@1` contract: key names, shapes and a lossless JSON round trip."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.corpus.generate import random_report
from xxgk.errors import InputError, InvalidReport, XxgkError
from xxgk.report import Cell, Report
from xxgk.report import keys as K
from xxgk.report.values import parse_value


def test_2021_has_200_cells_in_10_175_15() -> None:
    assert (len(K.t2_keys("2021")), len(K.t3_keys("2021")), len(K.t4_keys())) == (10, 175, 15)
    assert len(K.t3_rows("2021")) == 25 and len(K.t3_outcome_rows("2021")) == 21
    assert len(K.t3_rows("2019")) == 23 and len(K.t3_outcome_rows("2019")) == 19


def test_contract_shape_matches_report_json_md() -> None:
    r = random_report(random.Random(1))
    d = json.loads(r.to_json())
    assert d["schema"] == "xxgk/report@1"
    assert set(d["t2"]) == {"regulations", "normative_documents", "licensing", "penalty", "compulsion", "admin_fees_wan_yuan"}
    assert set(d["t2"]["regulations"]) == {"issued", "repealed", "in_force"}
    assert isinstance(d["t2"]["admin_fees_wan_yuan"], str)  # a decimal string, never a float
    assert list(d["t3"]) == list(K.t3_rows("2021"))
    assert list(d["t3"]["new_received"]) == list(K.T3_COLUMNS)
    assert set(d["t4"]) == {"review", "litigation_direct", "litigation_after_review"}
    assert list(d["t4"]["review"]) == ["upheld", "corrected", "other", "pending", "total"]
    assert set(d["sections"]) == {"overview", "proactive", "applications", "appeals", "problems", "other"}
    assert {c["key"] for c in d["cells"]} == set(K.cell_keys("2021"))
    assert set(d["cells"][0]) == {"key", "raw", "value", "semantic", "where"}


def test_2019_report_uses_t2_2019() -> None:
    d = random_report(random.Random(2), fmt="2019").to_dict()
    assert "t2" not in d and set(d["t2_2019"]["licensing"]) == {"previous_items", "change", "decisions"}
    assert "other_processing" in d["t3"] and "other_other" not in d["t3"]


@given(seed=st.integers(0, 2**32 - 1), fmt=st.sampled_from(["2021", "2019"]))
def test_json_round_trip_is_lossless(seed: int, fmt: str) -> None:
    r = random_report(random.Random(seed), fmt=fmt)
    r.cells["t3.granted.total"].where = {"line": 7, "col": 3}
    back = Report.from_json(r.to_json())
    assert back.to_dict() == r.to_dict()
    assert back.cells == r.cells


def test_from_dict_without_cells_builds_them_from_values() -> None:
    r = random_report(random.Random(5))
    d = r.to_dict()
    del d["cells"]
    back = Report.from_dict(d)
    assert {k: c.value for k, c in back.cells.items()} == {k: c.value for k, c in r.cells.items()}


def test_null_in_tables_stays_null() -> None:
    r = random_report(random.Random(5))
    r.cells["t3.granted.natural_person"] = Cell.from_raw("t3.granted.natural_person", "/")
    d = r.to_dict()
    assert d["t3"]["granted"]["natural_person"] is None
    assert Report.from_dict(d).cells["t3.granted.natural_person"].semantic == "na"


def test_value_semantics_of_domain_md_section_5() -> None:
    assert parse_value("3") == (3, "number")
    assert parse_value(" 0") == (0, "zero")
    assert parse_value("1,234") == (1234, "number")
    assert parse_value("12件") == (12, "number")
    assert parse_value("１２") == (12, "number")
    assert parse_value("零") == (0, "zero")
    assert parse_value("") == (None, "empty")
    assert parse_value("\u3000") == (None, "empty")
    for na in ("/", "-", "—", "--", "不适用", "N/A"):
        assert parse_value(na) == (None, "na"), na
    assert parse_value("详见附表") == (None, "text")
    assert parse_value("1.5") == (None, "text")  # a count with a fraction is not silently rounded
    assert parse_value("12.50", decimal=True) == ("12.50", "number")
    assert parse_value("0.00", decimal=True) == ("0.00", "zero")
    assert parse_value("-8", signed=True) == (-8, "number")
    assert parse_value("+1036", signed=True) == (1036, "number")


# -- from_dict holds every value to its raw text (issue 13 point 10) -----------------------------


def _dict(seed: int = 11) -> dict:
    r = random_report(random.Random(seed))
    r.cells["t3.granted.natural_person"] = Cell.from_raw("t3.granted.natural_person", "12件")
    r.cells["t3.granted.commercial"] = Cell.from_raw("t3.granted.commercial", "/")
    return json.loads(r.to_json())


def _cell(d: dict, key: str) -> dict:
    return next(c for c in d["cells"] if c["key"] == key)


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        ("t3.granted.natural_person", "value", 13),  # the printed "12件" reads as 12
        ("t3.granted.natural_person", "value", "12"),  # a string is not the count 12
        ("t3.granted.natural_person", "value", 12.0),
        ("t3.granted.natural_person", "semantic", "zero"),
        ("t3.granted.commercial", "value", 0),  # "/" is not applicable, not 0
        ("t3.granted.commercial", "semantic", "empty"),
        ("t2.admin_fees_wan_yuan", "value", 1.5),  # the fee is a decimal string, never a float
    ],
)
def test_from_dict_refuses_a_value_that_disagrees_with_its_raw_text(key: str, field: str, value: object) -> None:
    d = _dict()
    _cell(d, key)[field] = value
    with pytest.raises(InvalidReport, match=key) as e:
        Report.from_dict(d)
    assert isinstance(e.value, InputError) and isinstance(e.value, XxgkError) and isinstance(e.value, ValueError)
    assert "raw text" in str(e.value) and "\n" not in str(e.value)


def test_from_dict_refuses_a_table_value_that_disagrees_with_its_cell() -> None:
    d = _dict()
    d["t3"]["granted"]["natural_person"] = 13
    with pytest.raises(InvalidReport, match="t3.granted.natural_person"):
        Report.from_dict(d)
    d["t3"]["granted"]["natural_person"] = 12
    assert Report.from_dict(d).value("t3.granted.natural_person") == 12


def test_from_dict_takes_value_and_semantic_from_raw_when_left_out() -> None:
    d = _dict()
    for c in d["cells"]:
        del c["value"], c["semantic"]
    back = Report.from_dict(d)
    assert back.cells["t3.granted.natural_person"] == Cell("t3.granted.natural_person", "12件", 12, "number", {})
    assert back.cells["t3.granted.commercial"].semantic == "na"
    assert back.to_dict() == Report.from_dict(_dict()).to_dict()


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(schema="xxgk/report@2"),
        lambda d: d["cells"].append(dict(d["cells"][0])),  # a key given twice
        lambda d: d["cells"].append("t3.granted.total"),
        lambda d: d["cells"][0].pop("key"),
        lambda d: d["cells"][0].update(raw=5),
        lambda d: d["cells"][0].update(where=[1, 2]),
    ],
)
def test_from_dict_refuses_a_malformed_report_with_one_line(mutate) -> None:  # type: ignore[no-untyped-def]
    d = _dict()
    mutate(d)
    with pytest.raises(InvalidReport) as e:
        Report.from_dict(d)
    assert str(e.value) and "\n" not in str(e.value)
def test_a_digit_run_longer_than_any_number_is_text_not_a_crash() -> None:
    """Fuzz (issue 13): int() refuses more than 4,300 digits with a ValueError."""
    assert parse_value("9" * 100) == (int("9" * 100), "number")
    for n in (103, 4301, 100_000):
        assert parse_value("9" * n) == (None, "text"), n
        assert parse_value("9" * n, decimal=True) == (None, "text"), n
        assert parse_value("9" * (n - 2) + ".0") == (None, "text"), n


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 500) | st.floats(allow_nan=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _set(d: object, path: tuple, value: object) -> None:  # type: ignore[type-arg]
    """d[path[0]][path[1]]… = value, where that path exists down to its last step."""
    node = d
    for p in path[:-1]:
        if isinstance(node, dict) and isinstance(p, str) and p in node:
            node = node[p]
        elif isinstance(node, list) and isinstance(p, int) and p < len(node):
            node = node[p]
        else:
            return
    last = path[-1]
    if isinstance(node, dict) and isinstance(last, str):
        node[last] = value
    elif isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value


@given(seed=st.integers(0, 2**32 - 1), data=st.data())
def test_from_dict_of_a_mutated_report_returns_or_raises_invalid_report(seed: int, data: st.DataObject) -> None:
    """Whatever a hand-edited JSON holds, from_dict either gives a report whose cells read as their
    raw text or raises InvalidReport: never KeyError, TypeError or AttributeError."""
    d = json.loads(random_report(random.Random(seed)).to_json())
    paths = [("schema",), ("format",), ("agency",), ("year",), ("sections",), ("sections", "overview"), ("source",),
             ("cells",), ("findings",), ("t3",), ("t3", "granted"), ("t3", "granted", "total"), ("extra",)]
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths + [("cells", data.draw(st.integers(0, 199))), ("cells", 0, "raw"),
                                                   ("cells", 0, "value"), ("cells", 0, "where"), ("cells", 0, "key")]))
        _set(d, path, data.draw(_JSON))
    try:
        back = Report.from_dict(d)
    except InvalidReport as e:
        assert str(e) and "\n" not in str(e)
        return
    for key, cell in back.cells.items():
        again = Cell.from_raw(key, cell.raw)
        assert (cell.value, cell.semantic) == (again.value, again.semantic)
    back.check()
    back.to_json()
