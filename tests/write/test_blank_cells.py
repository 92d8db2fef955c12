"""Blank cells survive every writer and its reader (issue 13: "a report with blank cells — a 2019
report whose 总计 column is left blank — round-trips exactly through MD, PDF and XLSX, as it already
does through DOCX and HTML").

A blank is `empty`, not `/` (not applicable) and not 0: it must come back blank, every other cell
exactly, and the identities it enters only unverifiable. Before, Markdown read each row with a blank
at its edge as a row of too few numbers (`read.row_incomplete`, the row lost) and the PDF reader did
the same with its ruled grid's empty cells; XLSX already kept them.
"""

from __future__ import annotations

import pytest

from tests.write import roundtrip as rt
from xxgk.write import FORMATS


def _needs(fmt: str) -> None:
    if fmt == "pdf":
        pytest.importorskip("weasyprint", reason="the PDF writer needs WeasyPrint")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("table_format", "seed"), [("2019", 5), ("2019", 6), ("2021", 5)])
def test_a_blank_total_column_roundtrips(fmt: str, table_format: str, seed: int) -> None:
    _needs(fmt)
    rt.check_blank_total_column_roundtrip(fmt, table_format, seed)


@pytest.mark.parametrize("fmt", FORMATS)
def test_blank_cells_at_the_edges_of_rows_roundtrip(fmt: str) -> None:
    """A blank first value (表二 规章 本年制发), a blank in the middle (表三) and a blank 表四 cell."""
    _needs(fmt)
    rt.check_blank_cells_roundtrip(fmt)
