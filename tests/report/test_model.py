"""The `xxgk/report@1` contract: key names, shapes and a lossless JSON round trip."""

from __future__ import annotations

import json
import random

from hypothesis import given
from hypothesis import strategies as st

from tests.corpus.generate import random_report
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


def test_a_digit_run_longer_than_any_number_is_text_not_a_crash() -> None:
    """Fuzz (issue 13): int() refuses more than 4,300 digits with a ValueError."""
    assert parse_value("9" * 100) == (int("9" * 100), "number")
    for n in (103, 4301, 100_000):
        assert parse_value("9" * n) == (None, "text"), n
        assert parse_value("9" * n, decimal=True) == (None, "text"), n
        assert parse_value("9" * (n - 2) + ".0") == (None, "text"), n
