"""Suggestions on broken identities: which printed cell, read otherwise, would make them all hold.

domain.md §6.3: OCR and extraction lose digits (a 金湖县 report parsed `10` as `1` and `12` as `0` in
表四) and shift columns; "when an identity fails, test digit-drop and column-shift hypotheses before
blaming the source". This module tests them, as arithmetic only, on the identities of §4.1:

- one cell: a cell that lies in every failing identity and whose change alone makes every identity
  it enters hold. In 表三 a cell sits in its row sum and its column's identity, so one wrong cell
  is usually singled out by the arithmetic itself. Where several cells could explain the failure
  (表四's one identity per block has five), only a digit-drop reading (the suggested number with one
  digit left out is the printed one: `12` printed `2`) may single one out; if that leaves zero or
  several, there is no suggestion. Never a wrong single one: a suggestion is made only when it is
  the only hypothesis that fits.
- a shifted value: two neighbouring cells of a 表三 row (or column) swapped, e.g. a number printed
  under the next column with a blank or 0 beside it; made when no one-cell change fits and exactly
  one swap makes every identity hold.

The printed cells are never changed: the suggestion goes into a finding (`checks.check`), for a
person to compare with the original. OCR digit confusions (0↔8, 1↔7, 6↔8) are not tested: §6.3
does not name them. Pure Python, keys only; no import of the model (it imports the checks).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from . import keys as K

#: report.source["kind"] of the inputs whose cells can be misread (domain.md §6.3: OCR and PDF
#: extraction). Text, HTML, Word and Excel carry the digits as typed: a failure there is the source's.
SUGGEST_KINDS = frozenset({"pdf", "image"})


@dataclass(frozen=True)
class Identity:
    """sum(lhs) = sum(rhs), as a rule of report-json.md over `scope` (a row, column or block key)."""

    rule: str
    scope: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return self.lhs + self.rhs

    def gap(self, value: Callable[[str], int | None]) -> int | None:
        """sum(rhs) − sum(lhs), or None when an operand is not a count (the identity is unverifiable)."""
        vals = [value(k) for k in self.keys]
        if any(v is None for v in vals):
            return None
        return sum(vals[len(self.lhs) :]) - sum(vals[: len(self.lhs)])  # type: ignore[arg-type]


@dataclass(frozen=True)
class Suggestion:
    """Cells whose suggested values make every failing identity hold: ((key, printed, suggested), …).

    `kind`: "digit_drop" (the printed number is the suggested one with a digit left out), "value"
    (one cell, another difference) or "swap" (two neighbouring cells exchanged). `fixes` are the
    identities that failed and hold with the suggestion."""

    kind: str
    changes: tuple[tuple[str, int, int], ...]
    fixes: tuple[Identity, ...]


@functools.lru_cache(maxsize=None)
def identities(fmt: str) -> tuple[Identity, ...]:
    """The hard identities of §4.1 (rules 1–4) for a table format, in the order checks.check tests them."""
    leaves = K.t3_outcome_rows(fmt)
    out: list[Identity] = []
    for col in K.T3_COLUMNS:
        out.append(Identity("t3.column_identity", col, (f"t3.new_received.{col}", f"t3.carried_over.{col}"),
                            (f"t3.results_total.{col}", f"t3.carried_forward.{col}")))
    for row in K.t3_rows(fmt):
        out.append(Identity("t3.row_sum", row, tuple(f"t3.{row}.{c}" for c in K.T3_APPLICANT_COLUMNS), (f"t3.{row}.total",)))
    for col in K.T3_COLUMNS:
        out.append(Identity("t3.results_total", col, tuple(f"t3.{r}.{col}" for r in leaves), (f"t3.results_total.{col}",)))
    for block in K.T4_BLOCKS:
        out.append(Identity("t4.block_sum", block, tuple(f"t4.{block}.{c}" for c in K.T4_COLUMNS[:4]), (f"t4.{block}.total",)))
    return tuple(out)


def is_digit_drop(printed: int, suggested: int) -> bool:
    """`printed` is `suggested` with exactly one digit left out (12 → 2 or 1; 10 → 1; 105 → 15)."""
    s, p = str(suggested), str(printed)
    if len(s) != len(p) + 1:
        return False
    return any(s[:i] + s[i + 1 :] == p for i in range(len(s)))


def suggest(values: Mapping[str, int | None], fmt: str) -> list[Suggestion]:
    """The suggestion for the failing identities of `values` (key → count, None when not a count):
    [] when every identity holds or when no single hypothesis fits, else one Suggestion."""
    ids = identities(fmt)

    def value(k: str) -> int | None:
        return values.get(k)

    failing = [i for i in ids if (i.gap(value) or 0) != 0]
    if not failing:
        return []
    by_key: dict[str, list[Identity]] = {}
    for ident in ids:
        for k in ident.keys:
            by_key.setdefault(k, []).append(ident)
    single = _single_cells(values, failing, by_key)
    if len(single) > 1:
        single = [s for s in single if s.kind == "digit_drop"]
    if single:
        return single if len(single) == 1 else []
    swaps = _swaps(values, failing, by_key, fmt)
    return swaps if len(swaps) == 1 else []


def _holds(ident: Identity, trial: Mapping[str, int | None]) -> bool:
    return (ident.gap(lambda k: trial.get(k)) or 0) == 0


def _single_cells(values: Mapping[str, int | None], failing: Sequence[Identity], by_key: Mapping[str, list[Identity]]) -> list[Suggestion]:
    common = set(failing[0].keys)
    for ident in failing[1:]:
        common &= set(ident.keys)
    out = []
    for key in sorted(common):
        printed = values.get(key)
        if printed is None:
            continue
        gap = failing[0].gap(lambda k: values.get(k))
        assert gap is not None
        new = printed + gap if key in failing[0].lhs else printed - gap
        if new < 0 or new == printed:
            continue
        trial = {**values, key: new}
        if all(_holds(i, trial) for i in by_key[key]):
            kind = "digit_drop" if is_digit_drop(printed, new) else "value"
            out.append(Suggestion(kind, ((key, printed, new),), tuple(failing)))
    return out


def _swaps(values: Mapping[str, int | None], failing: Sequence[Identity], by_key: Mapping[str, list[Identity]], fmt: str) -> list[Suggestion]:
    """Neighbouring 表三 cells exchanged (in a row, or in a column of printed rows)."""
    rows = K.t3_rows(fmt)
    pairs = [(f"t3.{r}.{a}", f"t3.{r}.{b}") for r in rows for a, b in zip(K.T3_COLUMNS, K.T3_COLUMNS[1:])]
    pairs += [(f"t3.{a}.{c}", f"t3.{b}.{c}") for c in K.T3_COLUMNS for a, b in zip(rows, rows[1:])]
    failing_keys = {k for i in failing for k in i.keys}
    out = []
    for a, b in pairs:
        va, vb = values.get(a), values.get(b)
        if va is None or vb is None or va == vb or not {a, b} & failing_keys:
            continue
        trial = {**values, a: vb, b: va}
        touched = {id(i): i for k in (a, b) for i in by_key.get(k, [])}
        if all(_holds(i, trial) for i in touched.values()) and all(_holds(i, trial) for i in failing):
            out.append(Suggestion("swap", ((a, va, vb), (b, vb, va)), tuple(failing)))
    return out
