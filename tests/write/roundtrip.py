"""What the writer tests share: write a report, read it back with the project's own reader, compare.

`roundtrip(report, fmt, **options)` writes with the format's own `xxgk.write.<fmt>.write` (not
`xxgk.render`, which refuses reports whose identities fail: the round trips include reports with
not-applicable holes), reads the bytes back with the reader of that format, and asserts the two reports
are the same (`assert_same_report`: format, agency, year, every cell value, every section) and that the
right reader read it. The Hypothesis strategies, the generated reports and the checks below are used
by the tests of several formats in the same shape.
"""

from __future__ import annotations

import importlib
import random
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from hypothesis import strategies as st

import xxgk
from tests.corpus.generate import random_report
from tests.read.test_roundtrip import _diff
from xxgk.report import Report
from xxgk.report import keys as K
from xxgk.report.model import Cell

#: format → (reader module, reader function, the `source["kind"]` the reader records); None: xxgk.parse.
READERS: dict[str, tuple[str | None, str, str]] = {
    "docx": ("xxgk.read.docx", "parse_docx", "docx"),
    "html": ("xxgk.read.html", "parse_html", "html"),
    "pdf": ("xxgk.read.pdf", "parse_pdf", "pdf"),
    "xlsx": ("xxgk.read.xlsx", "parse_xlsx", "xlsx"),
    "md": (None, "parse", "text"),
}

# --- Hypothesis strategies --------------------------------------------------------------------------

#: The random generator's seed.
seeds = st.integers(0, 2**32 - 1)
#: The table format, 2021 twice as often as 2019.
table_formats = st.sampled_from(["2021", "2021", "2019"])
#: The ways a not-applicable cell is written; each reads back as None.
NA_MARKS = ["/", "—", "-", "不适用"]
#: Up to six cells (by index into the format's keys) made not applicable.
holes = st.lists(st.tuples(st.integers(0, 10_000), st.sampled_from(NA_MARKS)), max_size=6)


def punch_holes(report: Report, fmt: str, holes: Iterable[tuple[int, str]]) -> None:
    """Make the cells at these indices (modulo the number of keys of `fmt`) hold these raw texts."""
    keys = K.cell_keys(fmt)
    for i, raw in holes:
        key = keys[i % len(keys)]
        report.cells[key] = Cell.from_raw(key, raw)


# --- write, read, compare ---------------------------------------------------------------------------


def writer(fmt: str) -> Callable[..., bytes]:
    """`xxgk.write.<fmt>.write`."""
    return importlib.import_module(f"xxgk.write.{fmt}").write


def read(data: bytes, fmt: str, name: str | None = None) -> Report:
    """The bytes read back by the project's reader of `fmt`."""
    module, func, _kind = READERS[fmt]
    parse = getattr(importlib.import_module(module), func) if module else xxgk.parse
    return parse(data) if name is None else parse(data, name=name)


def assert_same_report(expected: Report, got: Report, context: object = None) -> None:
    """Same format, agency, year, cell values and sections (whitespace aside): tests.read's `_diff`."""
    diff = _diff(expected, got)
    assert diff == [], diff if context is None else (context, diff)


def roundtrip(report: Report, fmt: str, *, name: str | None = None, **options: object) -> Report:
    """`report` written as `fmt` with `options` and read back: asserted the same, read as `fmt`."""
    got = read(writer(fmt)(report, **options), fmt, name=name or f"written.{fmt}")
    assert_same_report(report, got, name)
    assert got.source["kind"] == READERS[fmt][2]
    return got


def error_messages(report: Report) -> list[str]:
    """The messages of the report's error findings."""
    return [f.message for f in report.check() if f.severity == "error"]


# --- reports ----------------------------------------------------------------------------------------


def parse_seeds(paths: Iterable[Path]) -> list[tuple[Path, Report]]:
    """The sample reports, each read afresh."""
    return [(path, xxgk.parse(str(path))) for path in paths]


def broken_report(seed: int = 4, key: str = "t3.granted.total") -> Report:
    """A generated report whose cell `key` is one more than it should be: a hard identity fails."""
    report = random_report(random.Random(seed))
    report.cells[key] = Cell.from_raw(key, str(int(report.value(key) or 0) + 1))
    return report


def report_without_tables() -> Report:
    """A pre-2019 report: sections only, no tables."""
    return Report(format="pre2019", agency="某某县人民政府", year=2015,
                  sections={"overview": "2015年，我县认真贯彻落实《条例》。", "problems": "一是公开不够及时。"})


def mixed_reports(n: int = 40) -> list[Report]:
    """`n` generated reports, one in four of the 2019 format."""
    return [random_report(random.Random(s), fmt="2019" if s % 4 == 0 else "2021") for s in range(n)]


def seconds_per_write(write: Callable[[Report], bytes], reports: list[Report],
                      clock: Callable[[], float] = time.perf_counter) -> float:
    """Mean time of `write` over `reports` by `clock`, after one write to warm up."""
    write(reports[0])
    start = clock()
    for r in reports:
        write(r)
    return (clock() - start) / len(reports)


# --- checks shared by several formats ---------------------------------------------------------------


def check_roundtrip_with_holes(fmt: str, seed: int, table_format: str, holes: list[tuple[int, str]],
                               **options: object) -> None:
    """A generated report with these not-applicable holes (they print as "/" and read back as None)
    survives the round trip with every cell, and without error findings when it has no holes."""
    report = random_report(random.Random(seed), fmt=table_format)
    punch_holes(report, table_format, holes)
    got = roundtrip(report, fmt, **options)
    assert len(got.cells) == len(K.cell_keys(table_format))
    if not holes:
        assert error_messages(got) == []


def check_zero_reports_roundtrip(fmt: str) -> None:
    """All-zero generated reports of both table formats survive the round trip."""
    for seed in range(3):
        for table_format in ("2021", "2019"):
            roundtrip(random_report(random.Random(seed), fmt=table_format, zero=True), fmt)


def check_blank_cells_roundtrip(fmt: str) -> None:
    """Cells left blank (empty, not "/") in each table survive the round trip."""
    report = random_report(random.Random(5))
    for key in ("t2.regulations.issued", "t3.granted.research_institution", "t4.review.pending"):
        report.cells[key] = Cell.from_raw(key, "")
    roundtrip(report, fmt)


def blank_total_column_report(seed: int = 5, table_format: str = "2019") -> Report:
    """A generated report whose 表三 总计 column is left blank, as some 2019 reports print it (domain.md
    §5: blanks are common; the row sums become unverifiable, not errors)."""
    report = random_report(random.Random(seed), fmt=table_format)
    for row in K.t3_rows(table_format):
        key = f"t3.{row}.total"
        report.cells[key] = Cell.from_raw(key, "")
    return report


def check_blank_total_column_roundtrip(fmt: str, table_format: str = "2019", seed: int = 5) -> None:
    """The blank 总计 column comes back blank (`empty`, not `na`, not 0) and every other cell exactly,
    with no error finding: the row identities are only unverifiable."""
    report = blank_total_column_report(seed, table_format)
    got = roundtrip(report, fmt)
    for row in K.t3_rows(table_format):
        cell = got.cells[f"t3.{row}.total"]
        assert (cell.value, cell.semantic) == (None, "empty"), (row, cell)
    assert error_messages(got) == []
    assert len(got.cells) == len(K.cell_keys(table_format))


def check_seed_reports_roundtrip(seed_reports: list[tuple[Path, Report]], fmt: str) -> None:
    """The sample reports survive the round trip without error findings, their preface printed as it is
    (the reader may prepend the title line)."""
    for _path, report in seed_reports:
        got = roundtrip(report, fmt)
        assert error_messages(got) == []
        assert report.extra["preface"].replace(" ", "") in got.extra.get("preface", "").replace(" ", "")
