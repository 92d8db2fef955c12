"""Tables of the demo reports: an agency's 表二/三/四 over consecutive years, consistent within each
year (every hard identity of report-json.md holds) and across years (二、上年结转 = last year's
四、结转下年度 column by column; 现行有效 = last year's + 制发 − 废止), with numbers of the size its
kind of agency prints, non-zero, and never jumping ×10 from one year to the next (the store's
`quality.yoy_jump` stays quiet).

Why not tests/corpus/generate.py: tests/ is not shipped, and its reports are independent draws (a
series of them would break every cross-year rule). This generator draws an agency's profile once
(its size, who applies, how it answers) and lets the years vary around it.

`inject(values, kind)` breaks one identity the way real reports do (domain.md, ../shared/real's
source errors), for the demo's reports with errors.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from xxgk.report import keys as K

FMT = "2021"
Values = dict[str, int | str]

#: kind → (applications a year at county level (lo, hi), 行政许可, 行政处罚, 行政强制 (lo, hi),
#: 行政事业性收费 in 万元 (lo, hi) or None). A city or province agency has CITY_SCALE times as much.
PROFILES: dict[str, tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int], tuple[float, float] | None]] = {
    "province_gov": ((300, 520), (800, 2000), (0, 0), (0, 0), None),
    "city_gov": ((120, 260), (300, 900), (0, 0), (0, 0), None),
    "county_gov": ((25, 70), (60, 300), (0, 0), (0, 0), None),
    "dept_land": ((25, 60), (120, 400), (10, 60), (2, 12), (40.0, 300.0)),
    "dept_enforce": ((8, 30), (80, 600), (150, 900), (10, 80), (5.0, 60.0)),
    "dept_service": ((5, 20), (30, 200), (2, 40), (0, 5), (1.0, 20.0)),
    "dept_office": ((2, 8), (0, 0), (0, 12), (0, 0), None),
    "township": ((1, 6), (5, 40), (0, 15), (0, 3), None),
    "street": ((2, 10), (5, 60), (0, 25), (0, 4), None),
}
CITY_SCALE = 4

#: Base share of each outcome (2021 rows); an agency's own mix is this perturbed once.
_OUTCOMES: dict[str, float] = {
    "granted": 0.40, "partially_granted": 0.08,
    "denied_state_secret": 0.004, "denied_law_prohibited": 0.01, "denied_security_stability": 0.004,
    "denied_third_party": 0.02, "denied_internal_affairs": 0.01, "denied_process_info": 0.02,
    "denied_enforcement_file": 0.01, "denied_admin_query": 0.02,
    "unable_not_held": 0.20, "unable_needs_creation": 0.03, "unable_unclear": 0.02,
    "not_processed_petition": 0.04, "not_processed_duplicate": 0.03, "not_processed_publication": 0.01,
    "not_processed_excessive": 0.01, "not_processed_confirm": 0.01,
    "other_no_correction": 0.04, "other_fee_unpaid": 0.004, "other_other": 0.05,
}
#: Applicant columns: weight range, and the chance that an agency hears from that kind at all.
_COLUMNS: dict[str, tuple[tuple[float, float], float]] = {
    "natural_person": ((4.0, 10.0), 1.0), "commercial_enterprise": ((0.5, 2.5), 0.8),
    "research_institution": ((0.05, 0.3), 0.2), "public_welfare_org": ((0.1, 0.5), 0.3),
    "legal_service_org": ((0.2, 1.2), 0.5), "other_org": ((0.1, 0.6), 0.5),
}


@dataclass
class Profile:
    """What stays the same about an agency from year to year."""

    apps: int
    columns: dict[str, float]
    outcomes: dict[str, float]
    licensing: int
    penalty: int
    compulsion: int
    fees: float | None
    rule_making: bool
    normative: tuple[int, int]  # typical issued a year, stock at the start
    extra: dict[str, float] = field(default_factory=dict)


def profile(rng: random.Random, kind: str, *, city_level: bool, rule_making: bool) -> Profile:
    apps_r, lic_r, pen_r, com_r, fee_r = PROFILES[kind]
    scale = CITY_SCALE if city_level else 1
    columns = {c: (rng.uniform(*w) if rng.random() < p else 0.0) for c, (w, p) in _COLUMNS.items()}
    outcomes = {k: w * rng.uniform(0.6, 1.5) for k, w in _OUTCOMES.items()}
    gov = kind.endswith("_gov")
    return Profile(
        apps=rng.randint(*apps_r) * scale,
        columns=columns,
        outcomes=outcomes,
        licensing=rng.randint(*lic_r) * scale,
        penalty=rng.randint(*pen_r) * scale,
        compulsion=rng.randint(*com_r) * scale,
        fees=round(rng.uniform(*fee_r) * scale, 2) if fee_r else None,
        rule_making=rule_making,
        normative=(rng.randint(6, 20), rng.randint(60, 240)) if gov else
        ((rng.randint(1, 6), rng.randint(8, 60)) if kind.startswith("dept") else (rng.randint(0, 2), rng.randint(2, 12))),
    )


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """n items over the keys of `weights` (a multinomial draw); all zero when n is 0."""
    out = dict.fromkeys(weights, 0)
    keys = [k for k, w in weights.items() if w > 0]
    if n <= 0 or not keys:
        return out
    for k in rng.choices(keys, weights=[weights[k] for k in keys], k=n):
        out[k] += 1
    return out


def _vary(rng: random.Random, base: int) -> int:
    """A yearly figure around `base`: within ×0.8–1.25, so that no row jumps ×10."""
    return int(round(base * rng.uniform(0.8, 1.25)))


def year_values(rng: random.Random, p: Profile, previous: Values | None) -> Values:
    """One year's tables. `previous` (last year's values) gives 二、上年结转 and the stocks of 表二;
    without it they are drawn as a first year's would be."""
    v: Values = {}
    new = max(1, _vary(rng, p.apps))
    received = _split(rng, new, p.columns)
    for col in K.T3_APPLICANT_COLUMNS:
        n = received[col]
        over = int(previous[f"t3.carried_forward.{col}"]) if previous else int(round(n * rng.uniform(0.02, 0.08)))
        pool = n + over
        forward = int(round(pool * rng.uniform(0.02, 0.08)))
        results = pool - forward
        leaves = _split(rng, results, p.outcomes)
        col_v = {**leaves, "new_received": n, "carried_over": over, "results_total": results, "carried_forward": forward}
        for row in K.t3_rows(FMT):
            v[f"t3.{row}.{col}"] = col_v[row]
    for row in K.t3_rows(FMT):
        v[f"t3.{row}.total"] = sum(int(v[f"t3.{row}.{c}"]) for c in K.T3_APPLICANT_COLUMNS)
    # 表四: a review for every ~30 applications, a lawsuit for every ~80.
    for block, per in (("review", 30), ("litigation_direct", 80), ("litigation_after_review", 200)):
        n = int(round(new / per * rng.uniform(0.5, 1.5)))
        parts = _split(rng, n, {"upheld": 6.0, "corrected": 1.5, "other": 1.5, "pending": 1.0})
        for col in ("upheld", "corrected", "other", "pending"):
            v[f"t4.{block}.{col}"] = parts[col]
        v[f"t4.{block}.total"] = n
    # 表二: stocks carried from last year.
    for row, (issued_base, stock0), on in (("regulations", (3, 80), p.rule_making), ("normative_documents", p.normative, True)):
        if not on:
            v[f"t2.{row}.issued"] = v[f"t2.{row}.repealed"] = v[f"t2.{row}.in_force"] = 0
            continue
        stock = int(previous[f"t2.{row}.in_force"]) if previous else stock0
        issued = rng.randint(max(0, issued_base - 2), issued_base + 2)
        repealed = min(stock, rng.randint(0, max(1, issued_base // 2)))
        v[f"t2.{row}.issued"], v[f"t2.{row}.repealed"], v[f"t2.{row}.in_force"] = issued, repealed, stock + issued - repealed
    v["t2.licensing"] = _vary(rng, p.licensing)
    v["t2.penalty"] = _vary(rng, p.penalty)
    v["t2.compulsion"] = _vary(rng, p.compulsion)
    v["t2.admin_fees_wan_yuan"] = str(Decimal(str(round(p.fees * rng.uniform(0.8, 1.25), 2))).quantize(Decimal("0.01"))) if p.fees else "0"
    return v


def series(rng: random.Random, p: Profile, years: list[int]) -> dict[int, Values]:
    """Consecutive years' tables of one agency (each year carried from the one before)."""
    out: dict[int, Values] = {}
    previous: Values | None = None
    for year in sorted(years):
        previous = out[year] = year_values(rng, p, previous)
    return out


# --- errors as real reports print them ---------------------------------------------------------------

#: kind → the rule whose error it causes (report-json.md's hard identities; t3.cross_year is a warning).
INJECTIONS = {
    "double_count": "t3.column_identity",
    "row_sum": "t3.row_sum",
    "results_total": "t3.results_total",
    "t4_block_sum": "t4.block_sum",
    "cross_year": "t3.cross_year",
}


def inject(values: Values, kind: str) -> Values:
    """A copy of `values` with one source error:

    - ``double_count``: one application counted under an outcome and also carried forward (the
      outcome, its row total and （七）总计 +1): only 一+二 = （七）+四 breaks;
    - ``row_sum``: a row's 总计 typed one too high (its row sum breaks, and the column identities of
      总计 with it);
    - ``results_total``: （七）总计 of natural persons typed 10 too low;
    - ``t4_block_sum``: 行政复议's 总计 left at 0 under its results;
    - ``cross_year``: 二、上年结转 of natural persons not last year's 四 (identities kept: the
      applications received are lowered by as much, so only the cross-year warning fires).
    """
    v = dict(values)
    col = "natural_person"
    if kind == "double_count":
        for key in ("t3.granted.natural_person", "t3.granted.total", "t3.results_total.natural_person", "t3.results_total.total"):
            v[key] = int(v[key]) + 1
    elif kind == "row_sum":
        v["t3.granted.total"] = int(v["t3.granted.total"]) + 1
    elif kind == "results_total":
        v["t3.results_total.natural_person"] = max(0, int(v["t3.results_total.natural_person"]) - 10)
    elif kind == "t4_block_sum":
        if not int(v["t4.review.upheld"]):
            v["t4.review.upheld"] = int(v["t4.review.upheld"]) + 2
        v["t4.review.total"] = 0
    elif kind == "cross_year":
        shift = 3
        for c in (col, "total"):
            v[f"t3.carried_over.{c}"] = int(v[f"t3.carried_over.{c}"]) + shift
            v[f"t3.new_received.{c}"] = int(v[f"t3.new_received.{c}"]) - shift
        if int(v[f"t3.new_received.{col}"]) < 0:
            raise ValueError("cross_year needs at least 3 applications from natural persons")
    else:
        raise ValueError(f"unknown injection {kind!r}; expected one of {', '.join(INJECTIONS)}")
    return v
