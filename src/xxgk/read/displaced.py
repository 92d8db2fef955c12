"""A number a PDF table extractor moved out of its cell, put back where the table's identities prove
it belongs.

Why: an extractor may print one cell of a row as a line of its own somewhere else in the table (real
013: `四、结转下年度继续办理`'s 总计 `1` as a lone line two rows up, its own cell left empty). Read as
printed, the row above gets one number too many (dropped by its row identity) and the row's cell is
blank. The number is printed, so it is read, not repaired: it goes back only into a blank cell whose
row identity *and* column identity each give exactly that number, when exactly one blank cell of Table
三 does, and that is reported (a warning naming both places). Anything less certain leaves the cell
blank as printed.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..report import keys as K
from ..report.model import Cell, Finding
from .tokens import Token

_FLOW = ("new_received", "carried_over", "results_total", "carried_forward")


def place(cells: dict[str, Cell], dropped: Sequence[Token], table: str) -> list[Finding]:
    """Put one dropped number of Table 三 into the one blank cell both its identities demand it in."""
    numbers = [t for t in dropped if not t.blank and _int(t.raw) not in (None, 0)]
    if len(numbers) != 1 or not any(k.startswith("t3.") for k in cells):
        return []
    tok = numbers[0]
    want = _int(tok.raw)
    fmt = "2019" if "t3.other_processing.total" in cells else "2021"
    rows = K.t3_rows(fmt)
    fits = [key for key, c in cells.items() if key.startswith("t3.") and c.semantic == "empty" and _demanded(cells, key, rows, fmt) == want]
    if len(fits) != 1:
        return []
    key = fits[0]
    cells[key] = Cell.from_raw(key, tok.raw, tok.where)
    row, col = key.split(".")[1:]
    label = dict(K.T3_ROWS_2019 if fmt == "2019" else K.T3_ROWS_2021)[row]
    return [
        Finding(
            "read.cell_displaced",
            "warning",
            [key],
            f"{table}有一个数 {tok.raw.strip()} 印在别处（不属于所在行），而「{label}」行「{K.T3_COLUMN_LABELS[col]}」为空；"
            f"本行与本列的勾稽关系都要求该格为 {want}，已将其归入该格",
            expected=want,
        )
    ]


def _int(raw: str) -> int | None:
    c = Cell.from_raw("t3.x.total", raw)
    return c.value if isinstance(c.value, int) else None


def _v(cells: dict[str, Cell], key: str) -> int | None:
    c = cells.get(key)
    return c.value if c is not None and isinstance(c.value, int) else None


def _demanded(cells: dict[str, Cell], key: str, rows: Sequence[str], fmt: str) -> int | None:
    """The value a blank cell must have by its row identity, if its column identity demands the same."""
    _, row, col = key.split(".")
    others = [_v(cells, f"t3.{row}.{c}") for c in K.T3_COLUMNS if c != col]
    if None in others:
        return None
    by_row = sum(others[:-1]) if col == "total" else others[-1] - sum(others[:-1])  # type: ignore[operator]
    if row in _FLOW:
        flow = {r: _v(cells, f"t3.{r}.{col}") for r in _FLOW if r != row}
        if None in flow.values():
            return None
        a, b, t, f = (flow.get(r) for r in _FLOW)
        by_col = {"new_received": lambda: t + f - b, "carried_over": lambda: t + f - a, "results_total": lambda: a + b - f, "carried_forward": lambda: a + b - t}[row]()  # type: ignore[operator]
    else:
        leaves = K.t3_outcome_rows(fmt)
        total = _v(cells, f"t3.results_total.{col}")
        rest = [_v(cells, f"t3.{r}.{col}") for r in leaves if r != row]
        if total is None or None in rest or row not in leaves:
            return None
        by_col = total - sum(rest)  # type: ignore[arg-type]
    return by_row if by_row == by_col and by_row >= 0 else None
