"""One agency's reports over the years: values that hang together the way one office's do.

`random_report` (tests/corpus/generate.py) draws every report on its own; a store compares an agency's
years, so here each agency gets a profile (its size, who applies, how it answers, its licensing and
fee levels) and each year is drawn around it:

- 表三: `carried_over(Y)` is `carried_forward(Y−1)` column by column; the rest is built bottom-up
  as in `generate._t3` (new per applicant column → outcomes → 办理结果合计 → 结转), so every hard
  identity holds;
- 表二 (2021 format): `in_force(Y) = in_force(Y−1) + issued(Y) − repealed(Y)` for 规章 and 规范性文件
  (the stock-flow check); 规章 only for provinces and cities (the rule-making governments), zero
  for every township, county and department;
- no year-on-year jump: a redrawn year until no cell of 表二/表三/表四 is `YOY_GUARD` times or more
  its value of the year before (both non-zero);
- 2019-format years (2020 reports) take 表二 from `generate._t2_2019` (a different table: nothing to
  compare across the format change).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xxgk.report import keys as K

from ..generate import _KINDS, _OUTCOME_WEIGHTS, _ORG_PRESENCE, _decimal, _split, _t2_2019
from .hierarchy import Agency

__all__ = ["Profile", "profile_for", "year_values", "YOY_GUARD", "yoy_ratio_ok", "gkind"]

#: Clean data never has a row total at this ratio or more to the year before (both non-zero). The
#: store's jump rule is ×10 (issue 14); 8 leaves it a margin, and redraws stay rare (fitted on the
#: 10,000-report corpus: see the build's `stats.redraws`).
YOY_GUARD = 8.0


def gkind(a: Agency) -> str:
    """The kind of `generate._KINDS` whose sizes fit agency `a`."""
    if a.kind in ("township", "street", "county_gov", "city_gov", "province_gov"):
        return a.kind
    if a.dept == "office":
        return "county_office"
    return "county_dept" if a.level == "department" and a.parent and len(a.parent) == 6 else "city_dept"


@dataclass
class Profile:
    gkind: str
    apps: float  # typical applications a year (0: an agency nobody asks)
    col_w: dict[str, float]
    mix: dict[str, float]  # 2021 leaf outcome → weight
    fwd_rate: float
    t4_base: dict[str, int]
    t2: dict[str, Any] = field(default_factory=dict)  # bases of 表二: licensing, penalty, compulsion, fee, issued rates


def profile_for(rng: random.Random, a: Agency) -> Profile:
    gk = gkind(a)
    lo, hi = _KINDS[gk][1]
    if gk == "county_office" and a.level == "department" and len(a.parent) < 6:
        lo, hi = lo * 3, hi * 3  # a city's or province's 政府办公室
    zero = gk in ("township", "street") and rng.random() < 0.3
    apps = 0.0 if zero else 10 ** rng.uniform(math.log10(max(lo, 1)), math.log10(max(hi, 1)))
    col_w = {"natural_person": rng.uniform(3.0, 12.0)}
    for col, p in _ORG_PRESENCE.items():
        col_w[col] = (rng.uniform(0.3, 3.0) if col == "commercial_enterprise" else rng.uniform(0.05, 0.8)) if rng.random() < p else 0.0
    mix = {k: (0.0 if rng.random() < 0.3 and k not in ("granted", "unable_not_held") else w * rng.uniform(0.3, 1.7))
           for k, w in _OUTCOME_WEIGHTS.items()}
    scale = max(1, int(apps))
    t4_hi = {"review": max(1, scale // 60), "litigation_direct": max(1, scale // 150), "litigation_after_review": max(1, scale // 250)}
    p4 = 0.6 if scale > 50 else 0.15
    t4_base = {b: (rng.randint(0, t4_hi[b]) if rng.random() < p4 else 0) for b in K.T4_BLOCKS}
    local = gk in ("township", "street")
    big = gk in ("city_gov", "city_dept", "province_gov")
    office = gk == "county_office"
    lic_hi = 2.5 if local else (4.5 if big else 3.7)
    t2: dict[str, Any] = {
        "licensing": 0 if office or rng.random() < 0.25 else int(10 ** rng.uniform(0, lic_hi)),
        "penalty": 0 if office or rng.random() < 0.35 else int(10 ** rng.uniform(0, lic_hi - 0.6)),
        "compulsion": 0 if office or rng.random() < 0.6 else int(10 ** rng.uniform(0, lic_hi - 1.5)),
        "fee": ("0" if rng.random() < 0.85 else _decimal(rng, 1.5)) if local else _decimal(rng, 5.5 if gk == "province_gov" else (4.0 if big else 3.0)),
        "nd_issued": rng.choice((0, 0, 0.5, 1, 2)) if local else (rng.uniform(0, 12) if gk.endswith(("dept", "office")) else rng.uniform(0, 40)),
        "nd_stock": rng.randint(0, 8) if local else (rng.randint(0, 60) if gk.endswith(("dept", "office")) else rng.randint(5, 400)),
        "nd_repeal": rng.uniform(0.0, 0.08),
        "rules": a.rule_making,
        "reg_stock": rng.randint(20, 300) if a.rule_making else 0,
    }
    fwd_rate = rng.uniform(0.0, 0.12)
    return Profile(gk, apps, col_w, mix, fwd_rate, t4_base, t2)


def _around(rng: random.Random, base: float, lo: float = 0.75, hi: float = 1.33) -> int:
    return 0 if base <= 0 else max(1, int(round(base * rng.uniform(lo, hi))))


def _fee(rng: random.Random, base: str) -> str:
    if base == "0":
        return "0"
    d = len(base.partition(".")[2])
    x = Decimal(base) * Decimal(str(round(rng.uniform(0.8, 1.25), 3)))
    s = f"{x:.{d}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0.01" if Decimal(s) == 0 else s


def _t3(rng: random.Random, p: Profile, fmt: str, n_new: int, over: dict[str, int]) -> dict[str, int]:
    rows, leaves = K.t3_rows(fmt), K.t3_outcome_rows(fmt)
    mix = {k: w * rng.uniform(0.8, 1.25) for k, w in p.mix.items()}
    if fmt == "2019":
        mix["other_processing"] = mix.pop("other_no_correction") + mix.pop("other_fee_unpaid") + mix.pop("other_other")
    new_cols = _split(rng, n_new, p.col_w)
    values: dict[str, int] = {}
    for col in K.T3_APPLICANT_COLUMNS:
        avail = new_cols[col] + over.get(col, 0)
        fwd = min(avail, int(round(avail * rng.uniform(0.0, p.fwd_rate)))) if rng.random() < 0.6 else 0
        leaf = _split(rng, avail - fwd, {k: mix[k] for k in leaves})
        col_vals = {**leaf, "results_total": avail - fwd, "carried_forward": fwd, "carried_over": over.get(col, 0),
                    "new_received": new_cols[col]}
        for row in rows:
            values[f"t3.{row}.{col}"] = col_vals[row]
    for row in rows:
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{c}"] for c in K.T3_APPLICANT_COLUMNS)
    return values


def first_over(rng: random.Random, p: Profile) -> dict[str, int]:
    """Carried over into the first year of the series (the unseen year before's carried_forward)."""
    total = sum(p.col_w.values()) or 1.0
    return {col: (int(round(p.apps * w / total * rng.uniform(0, p.fwd_rate))) if rng.random() < 0.6 else 0)
            for col, w in p.col_w.items()}


def _t2_2021(rng: random.Random, p: Profile, prev: dict[str, Any] | None) -> dict[str, Any]:
    b = p.t2
    v: dict[str, Any] = {}
    if b["rules"]:
        stock = int(prev["t2.regulations.in_force"]) if prev and "t2.regulations.in_force" in prev else b["reg_stock"]
        issued, repealed = rng.randint(0, 8), rng.randint(0, min(4, stock // 2))
        v.update({"t2.regulations.issued": issued, "t2.regulations.repealed": repealed, "t2.regulations.in_force": stock + issued - repealed})
    else:
        v.update({"t2.regulations.issued": 0, "t2.regulations.repealed": 0, "t2.regulations.in_force": 0})
    stock = int(prev["t2.normative_documents.in_force"]) if prev and "t2.normative_documents.in_force" in prev else b["nd_stock"]
    issued = _around(rng, b["nd_issued"], 0.5, 1.6) if rng.random() < 0.8 else 0
    issued = min(issued, max(2, 3 * stock))
    repealed = min(stock // 2, _around(rng, stock * b["nd_repeal"], 0.6, 1.6)) if rng.random() < 0.6 else 0
    v.update({"t2.normative_documents.issued": issued, "t2.normative_documents.repealed": repealed,
              "t2.normative_documents.in_force": stock + issued - repealed})
    v["t2.licensing"] = _around(rng, b["licensing"])
    v["t2.penalty"] = _around(rng, b["penalty"])
    v["t2.compulsion"] = _around(rng, b["compulsion"])
    v[K.T2_FEE_KEY] = _fee(rng, b["fee"])
    return v


def _t4(rng: random.Random, p: Profile) -> dict[str, int]:
    values: dict[str, int] = {}
    for block in K.T4_BLOCKS:
        n = _around(rng, p.t4_base[block], 0.6, 1.5)
        parts = _split(rng, n, {"upheld": 6.0, "corrected": 1.5, "other": 2.0, "pending": 1.5})
        for col in ("upheld", "corrected", "other", "pending"):
            values[f"t4.{block}.{col}"] = parts[col]
        values[f"t4.{block}.total"] = n
    return values


#: Nor a cell between 0 and this much (either way): the store's rule calls 0 → 20 a jump; 16 leaves
#: the same margin as YOY_GUARD.
YOY_ZERO_GUARD = 16


def _compared(key: str) -> bool:
    """The cells whose year-on-year ratio the guard holds: every cell of 表二 (2021 format), 表三 and 表四
    (a store's jump rule may look at row totals or at single cells: neither jumps in clean data)."""
    return key.startswith(("t2.", "t3.", "t4."))


def yoy_ratio_ok(prev: dict[str, Any] | None, cur: dict[str, Any], guard: float = YOY_GUARD) -> bool:
    if not prev:
        return True
    for key, v in cur.items():
        if not _compared(key) or key not in prev:
            continue
        a, b = Decimal(str(prev[key])), Decimal(str(v))
        if a > 0 and b > 0 and max(a, b) / min(a, b) >= Decimal(str(guard)):
            return False
        if min(a, b) == 0 and max(a, b) >= YOY_ZERO_GUARD:  # 0 → 42 is a jump too (×∞)
            return False
    return True


def year_values(rng: random.Random, p: Profile, fmt: str, prev: dict[str, Any] | None, over: dict[str, int],
                *, scale: float = 1.0, tries: int = 200) -> tuple[dict[str, Any], int]:
    """(values of one year, redraws needed). `over`: carried_forward of the year before by column;
    `scale` multiplies the year's new applications (the injected ×10 jump; no guard then)."""
    for attempt in range(tries):
        if p.apps <= 0:
            n_new = 1 if rng.random() < 0.15 else 0
        else:
            n_new = max(1, int(round(p.apps * rng.uniform(0.75, 1.33))))
        n_new = int(round(n_new * scale))
        values: dict[str, Any] = {}
        values.update(_t2_2019(rng, p.gkind) if fmt == "2019" else _t2_2021(rng, p, prev if prev and "t2.licensing" in prev else None))
        values.update(_t3(rng, p, fmt, n_new, over))
        values.update(_t4(rng, p))
        # The year before's carried_forward is this year's carried_over: held to the guard even in
        # the first year of the series (the 2nd year's carried_over is compared with it).
        before = prev or {"t3.carried_forward.total": sum(over.values()), **{f"t3.carried_forward.{c}": n for c, n in over.items()}}
        if scale != 1.0 or yoy_ratio_ok(before, values):
            return values, attempt
    raise RuntimeError(f"no year within the ×{YOY_GUARD} guard after {tries} draws ({p.gkind}, apps {p.apps:.0f})")
