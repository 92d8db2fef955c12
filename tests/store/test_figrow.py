"""The `Figures` row made where the file is parsed (`figrow.row`, `Parsed.figures`): the values
the driver used to compute from the decoded JSON, in column order, inexact keys in key order."""

from __future__ import annotations

import json

from xxgk.store import figrow


def _col(name: str) -> int:
    return figrow.COLUMNS.index(name)


def test_row_holds_values_in_column_order_and_lists_inexact_keys_in_key_order() -> None:
    data = {
        "t2": {"licensing": 7, "penalty": True, "admin_fees_wan_yuan": "1.5"},
        "t3": {"granted": {"total": 5, "natural_person": "5"}, "carried_over": {"total": 2**63}},
        "t4": {"review": {"upheld": [1]}},
        "extra": {"fees": {"notices": 2, "collected_yuan": "1,200.50", "notice_amount_yuan": "0.1234567"}},
    }
    row = figrow.row(data)
    assert len(row) == 1 + 232
    values = row[1:]
    assert values[_col("t2_licensing")] == 7
    assert values[_col("t2_penalty")] is None
    assert values[_col("t2_admin_fees_wan_yuan")] == 1_500_000
    assert values[_col("t3_granted_total")] == 5
    assert values[_col("t3_granted_natural_person")] is None
    assert values[_col("extra_fees_notices")] == 2
    assert values[_col("extra_fees_collected_yuan")] == 1_200_500_000
    # A list where a number belongs is no value and not inexact; a bool, text in a count, an int
    # past 64 bits, a decimal of 7 places are inexact, listed in FIGURE_KEYS order (上年结转 before 予以公开).
    assert json.loads(row[0]) == ["t2.penalty", "t3.carried_over.total", "t3.granted.natural_person",
                                  "extra.fees.notice_amount_yuan"]
    assert sum(v is not None for v in values) == 5  # 7, 1.5, 5, 2, 1,200.50


def test_a_parsed_file_carries_the_row_its_json_gives() -> None:
    import random

    from tests.corpus.generate import LAYOUTS, random_report, render_text
    from xxgk.store.ingest import parse_bytes

    text = render_text(random_report(random.Random(3)), LAYOUTS[0], random.Random(3)).encode("utf-8")
    p = parse_bytes("a.txt", text)
    assert p.error is None and p.figures is not None
    assert p.figures == figrow.row(json.loads(p.json))
    assert p.figures[1 + _col("t3_granted_total")] == json.loads(p.json)["t3"]["granted"]["total"]
