"""The table cells the per-report signals read, in one place: `load` reads exactly these from the
`Figures` row (no contract JSON decoded), and `rules` decides from them.

Every one is a count (none a decimal, `figrow.DECIMAL_FIGURES`), and every signal takes a count
only when the stored value is an integer (`rules._count`, `checks._num`), so what they need of a
cell is "its integer, or none": exactly what a `Figures` column holds for a count key when the
row lists the key as exact (a text, a float or a bool in a count cell is listed in
`Figures.inexact`; the loader then decodes that version's tables as before).
"""

from __future__ import annotations

import functools

from ...report import keys as K
from ..figrow import DECIMAL_FIGURES, FIGURE_KEYS

#: 表二's 规章 cells by format (`rules.regulations_without_power`).
REGULATION_KEYS: dict[str, tuple[str, ...]] = {
    "2021": tuple(f"t2.regulations.{c}" for c in ("issued", "repealed", "in_force")),
    "2019": tuple(f"t2_2019.regulations.{c}" for c in ("made", "published")),
}

#: The cells `checks._cross_year` reads (by key, in no order): 二 and 四 of 表三, 表二's (一) rows.
CROSS_YEAR_KEYS: tuple[str, ...] = tuple(
    [f"t3.{row}.{c}" for row in ("carried_over", "carried_forward") for c in K.T3_COLUMNS]
    + [f"t2.{row}.{c}" for row in ("regulations", "normative_documents") for c in ("in_force", "issued", "repealed")]
)


@functools.lru_cache(maxsize=4)
def count_keys(fmt: str) -> tuple[str, ...]:
    """Count rows compared year on year (`rules.yoy_jump`): 表三 row totals, 表二 counts (not the
    fee, not 2019's signed 本年增/减 nor its free-text procurement amount), 表四 block totals."""
    t2 = [k for k in K.t2_keys(fmt) if k not in K.DECIMAL_KEYS and not k.endswith(K.SIGNED_SUFFIX)]
    return tuple(t2 + [f"t3.{r}.total" for r in K.t3_rows(fmt)] + [f"t4.{b}.total" for b in K.T4_BLOCKS])


#: Every cell a per-report signal reads: the `Figures` columns `load.reports` selects.
VALUE_KEYS: tuple[str, ...] = tuple(dict.fromkeys(
    REGULATION_KEYS["2021"] + REGULATION_KEYS["2019"] + CROSS_YEAR_KEYS + count_keys("2021") + count_keys("2019")
))
VALUE_KEY_SET = frozenset(VALUE_KEYS)

assert VALUE_KEY_SET <= set(FIGURE_KEYS), "a cell the signals read has no Figures column"
assert not VALUE_KEY_SET & DECIMAL_FIGURES, "a cell the signals read as a count is held as a decimal"
