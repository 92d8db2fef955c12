"""The 109号 fee calculator (domain.md §7.4): every band edge of both schedules with amounts worked out
by hand, the two worked examples, 自然月 grouping, the 2021-01-01 start, refusals, and properties.

Hand arithmetic for the 按件 totals: 1–10 free; 11–30 → 20×100 = 2 000; 31–40 → 10×200 = 2 000;
41–50 → 10×300 = 3 000; 51–60 → 4 000; 61–70 → 5 000; 71–80 → 6 000; 81–90 → 7 000; 91–100 → 8 000.
按量: 31–100 → 70×10 = 700; 101–200 → 100×20 = 2 000; then 40 per page.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.office.fees import (
    Application,
    FeeError,
    Method,
    MonthScope,
    assess,
    fee_notice,
    per_item_bands,
    per_item_fee,
    per_item_total,
    per_page_bands,
    per_page_fee,
)

ITEM, PAGE = Method.PER_ITEM, Method.PER_PAGE


@pytest.mark.parametrize(
    ("k", "fee"),
    [
        (1, 0), (2, 0), (9, 0), (10, 0),
        (11, 100), (12, 100), (29, 100), (30, 100),
        (31, 200), (40, 200),
        (41, 300), (50, 300),
        (51, 400), (60, 400),
        (61, 500), (70, 500),
        (91, 800), (100, 800),
        (101, 900), (110, 900), (111, 1000),
    ],
)  # fmt: skip
def test_per_item_fee_at_band_edges(k: int, fee: int) -> None:
    assert per_item_fee(k) == fee


@pytest.mark.parametrize(
    ("n", "total"),
    [
        (0, 0), (1, 0), (10, 0),
        (11, 100), (30, 2_000),
        (31, 2_200), (35, 3_000), (40, 4_000),
        (41, 4_300), (50, 7_000),
        (51, 7_400), (60, 11_000),
        (100, 37_000),
    ],
)  # fmt: skip
def test_per_item_total_at_band_edges(n: int, total: int) -> None:
    assert per_item_total(n) == total


def test_worked_example_35_items_is_3000() -> None:
    """domain.md §7.4: 35 in a month → 20×100 + 5×200 = 3 000 元."""
    assert per_item_total(35) == 20 * 100 + 5 * 200 == 3_000


@pytest.mark.parametrize(
    ("pages", "fee"),
    [
        (0, 0), (1, 0), (29, 0), (30, 0),
        (31, 10), (32, 20), (99, 690), (100, 700),
        (101, 720), (102, 740), (199, 2_680), (200, 2_700),
        (201, 2_740), (202, 2_780), (250, 4_700), (1_000, 34_700),
    ],
)  # fmt: skip
def test_per_page_fee_at_band_edges(pages: int, fee: int) -> None:
    assert per_page_fee(pages) == fee


def test_worked_example_250_pages_is_4700() -> None:
    assert per_page_fee(250) == 700 + 2_000 + 2_000 == 4_700
    assert [(b.first, b.last, b.unit_price, b.amount) for b in per_page_bands(250)] == [
        (1, 30, 0, 0),
        (31, 100, 10, 700),
        (101, 200, 20, 2_000),
        (201, 250, 40, 2_000),
    ]


def test_per_item_bands_clip_to_the_range() -> None:
    assert [(b.first, b.last, b.unit_price) for b in per_item_bands(9, 24)] == [
        (9, 10, 0),
        (11, 30, 100),
        (31, 32, 200),
    ]


# --- assess: month grouping, scope, the 2021 start --------------------------------------------------


def _apps(n: int, on: date, *, agency: str = "A", applicant: str = "张三", prefix: str = "x") -> list[Application]:
    return [Application(f"{prefix}{i}", on, applicant=applicant, agency=agency, method=ITEM) for i in range(n)]


def test_35_items_in_one_month_through_assess() -> None:
    fees = assess(_apps(35, date(2024, 5, 8)))
    assert [f.amount for f in fees] == [0] * 10 + [100] * 20 + [200] * 5
    assert sum(f.amount for f in fees) == 3_000
    assert fees[34].first_k == 35
    assert "第35件" in fees[34].explanation and "第31–40件档" in fees[34].explanation
    assert "200元" in fees[34].explanation


def test_month_boundary_31st_vs_1st_of_next() -> None:
    """The 11th in January costs 100 元; the next, on 1 February, opens a new month and is free."""
    apps = _apps(11, date(2024, 1, 31)) + [Application("feb", date(2024, 2, 1), "张三", "A", ITEM)]
    fees = assess(apps)
    assert fees[10].amount == 100 and fees[10].month == (2024, 1)
    assert fees[11].amount == 0 and fees[11].first_k == 1 and fees[11].month == (2024, 2)


def test_month_boundary_leap_day_and_year_end() -> None:
    apps = _apps(10, date(2024, 2, 29), prefix="f") + [
        Application("mar1", date(2024, 3, 1), "张三", "A", ITEM),
        Application("feb29", date(2024, 2, 29), "张三", "A", ITEM),
        Application("dec31", date(2024, 12, 31), "张三", "A", ITEM),
        Application("jan1", date(2025, 1, 1), "张三", "A", ITEM),
    ]
    by_ref = {f.ref: f for f in assess(apps)}
    assert by_ref["feb29"].amount == 100 and by_ref["feb29"].first_k == 11
    assert by_ref["mar1"].amount == 0 and by_ref["mar1"].first_k == 1
    assert by_ref["dec31"].first_k == 1 and by_ref["jan1"].first_k == 1


def test_order_is_by_received_date_not_input_order() -> None:
    late = Application("late", date(2024, 6, 30), "张三", "A", ITEM)
    fees = assess([late, *_apps(10, date(2024, 6, 1))])
    assert fees[0].ref == "late" and fees[0].first_k == 11 and fees[0].amount == 100


def test_scope_per_agency_vs_across_agencies() -> None:
    apps = _apps(6, date(2024, 3, 5), agency="A", prefix="a") + _apps(6, date(2024, 3, 6), agency="B", prefix="b")
    assert sum(f.amount for f in assess(apps, scope=MonthScope.PER_AGENCY)) == 0
    across = assess(apps, scope=MonthScope.ACROSS_AGENCIES)
    assert [f.amount for f in across] == [0] * 10 + [100, 100]
    assert "各机关合计" in across[-1].explanation


def test_applicants_counted_separately() -> None:
    apps = _apps(10, date(2024, 3, 5), applicant="甲") + _apps(1, date(2024, 3, 5), applicant="乙")
    assert [f.amount for f in assess(apps)] == [0] * 11


def test_every_method_counts_towards_the_month() -> None:
    """A 按量 or uncharged application still counts as 件 in the month (109号: 累计申请)."""
    apps = [Application(f"p{i}", date(2024, 4, 2), "张三", "A", PAGE, pages=10) for i in range(5)]
    apps += [Application(f"n{i}", date(2024, 4, 3), "张三", "A") for i in range(5)]
    apps += [Application("item", date(2024, 4, 4), "张三", "A", ITEM)]
    fees = assess(apps)
    assert fees[-1].first_k == 11 and fees[-1].amount == 100
    assert all(f.amount == 0 for f in fees[:-1])


def test_split_application_counts_as_several_items() -> None:
    """一事一申请: an application split into 12 件 after 9 in the month → 件 10–21: 1×0 + 11×100."""
    apps = _apps(9, date(2024, 7, 1)) + [Application("big", date(2024, 7, 2), "张三", "A", ITEM, items=12)]
    big = assess(apps)[-1]
    assert (big.first_k, big.last_k, big.amount) == (10, 21, 1_100)
    assert "第10–21件" in big.explanation


def test_per_page_through_assess_with_explanation() -> None:
    (fee,) = assess([Application("p", date(2024, 9, 9), "张三", "A", PAGE, pages=250)])
    assert fee.amount == 4_700 and fee.method is PAGE
    for text in ("按量计收", "共250页", "第31–100页", "700元", "第101–200页", "2000元", "第201–250页", "40元", "4700元"):
        assert text in fee.explanation


def test_before_2021_is_free_with_reason() -> None:
    apps = [
        Application("old", date(2020, 12, 31), "张三", "A", PAGE, pages=250),
        Application("new", date(2021, 1, 1), "张三", "A", PAGE, pages=250),
    ]
    old, new = assess(apps)
    assert old.amount == 0 and "2021年1月1日" in old.explanation and "109号" in old.explanation
    assert "不收取" in old.explanation
    assert new.amount == 4_700


def test_before_2021_item_method_is_free_even_past_30() -> None:
    assert sum(f.amount for f in assess(_apps(35, date(2020, 12, 1)))) == 0


def test_no_method_is_free() -> None:
    (fee,) = assess([Application("n", date(2024, 1, 2), "张三", "A", None, pages=500)])
    assert fee.amount == 0 and fee.method is None and "第四十二条" in fee.explanation


def test_fee_notice_content_and_refusal_when_free() -> None:
    fees = assess(_apps(11, date(2024, 8, 1)))
    notice = fee_notice(fees[10])
    assert notice.amount == 100 and notice.method is ITEM
    assert "109号" in notice.basis and "按件计收" in notice.standard
    assert notice.payment_working_days == 20 and "次日" in notice.payment_counts_from
    with pytest.raises(FeeError):
        fee_notice(fees[0])


# --- refusals ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [0, -1, True, 1.5, "3"])
def test_per_item_fee_refuses_bad_k(k: object) -> None:
    with pytest.raises(FeeError):
        per_item_fee(k)  # type: ignore[arg-type]


@pytest.mark.parametrize("pages", [-1, -100, 2.0, None])
def test_per_page_fee_refuses_bad_pages(pages: object) -> None:
    with pytest.raises(FeeError):
        per_page_fee(pages)  # type: ignore[arg-type]


def test_per_item_total_refuses_negative() -> None:
    with pytest.raises(FeeError):
        per_item_total(-1)


@pytest.mark.parametrize(
    "app",
    [
        Application("both", date(2024, 1, 2), method={ITEM, PAGE}, pages=40),
        Application("both2", date(2024, 1, 2), method=(ITEM, PAGE), pages=40),
        Application("neg", date(2024, 1, 2), method=PAGE, pages=-1),
        Application("nopages", date(2024, 1, 2), method=PAGE),
        Application("items0", date(2024, 1, 2), method=ITEM, items=0),
        Application("bogus", date(2024, 1, 2), method="by_weight"),  # type: ignore[arg-type]
        Application("nodate", "2024-01-02", method=ITEM),  # type: ignore[arg-type]
    ],
    ids=lambda a: a.ref,
)
def test_assess_refuses_invalid_input(app: Application) -> None:
    with pytest.raises(FeeError) as err:
        assess([Application("ok", date(2024, 1, 1), method=ITEM), app])
    assert app.ref in str(err.value)


def test_both_methods_message_is_clear() -> None:
    with pytest.raises(FeeError, match="one method"):
        assess([Application("both", date(2024, 1, 2), method=[ITEM, PAGE], pages=40)])


# --- properties --------------------------------------------------------------------------------------


@given(st.integers(1, 2_000))
def test_per_item_fee_monotone(k: int) -> None:
    assert per_item_fee(k) <= per_item_fee(k + 1)


@given(st.integers(0, 20_000))
def test_per_page_fee_monotone_and_matches_closed_form(p: int) -> None:
    assert per_page_fee(p) <= per_page_fee(p + 1)
    # domain.md §7.4's closed form, an independent oracle for the banded sum
    closed = 10 * max(0, min(p, 100) - 30) + 20 * max(0, min(p, 200) - 100) + 40 * max(0, p - 200)
    assert per_page_fee(p) == closed


@given(st.integers(0, 400))
def test_per_item_total_is_sum_of_per_item_fees(n: int) -> None:
    assert per_item_total(n) == sum(per_item_fee(k) for k in range(1, n + 1))
    if n:
        # domain.md §7.4's closed form of fee(k)
        assert per_item_fee(n) == (0 if n <= 10 else 100 if n <= 30 else 100 * (1 + -(-(n - 30) // 10)))


@given(st.lists(st.integers(1, 28), min_size=0, max_size=60), st.randoms(use_true_random=False))
def test_assess_month_total_independent_of_input_order(days: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    apps = [Application(f"r{i}", date(2024, 10, d), "张三", "A", ITEM) for i, d in enumerate(days)]
    shuffled = apps[:]
    rnd.shuffle(shuffled)
    assert sum(f.amount for f in assess(shuffled)) == per_item_total(len(days))
