"""Where the exported tables go: Parquet files, CSV files, or the sheets of one XLSX workbook.

Each sink writes to temporary files beside its targets and renames them onto the targets only in
`commit()`, after every table is complete; `abort()` removes the temporary files. A failure (or an
interrupt) at any point leaves the targets as they were: the previous export, or nothing.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.compute as pc

#: Excel's rows per worksheet (the header takes one).
XLSX_MAX_ROWS = 1_048_576
#: Excel's characters per cell; longer text (a long message, details) is cut with a marker.
XLSX_MAX_CHARS = 32_767
#: Parquet compression: zstd level 1. On bench/bench_export.py's 2,000,000 cells it wrote in 0.93 s
#: against snappy's 0.85 s (level 3: 1.06 s), files 28 % smaller (2.9 against 4.0 MB), and DuckDB
#: queried them as fast (24 against 22.5 ms).
PARQUET_COMPRESSION = "zstd"
PARQUET_COMPRESSION_LEVEL = 1


class ExportError(Exception):
    """The export cannot be written as asked (the message says why, in Chinese, for the CLI)."""


def _temp_beside(target: Path) -> tuple[int, Path]:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    return fd, Path(tmp)


def _publish(tmp: Path, target: Path) -> None:
    """Rename `tmp` onto `target` with the mode a new file (or the file it replaces) would have:
    mkstemp makes 0600."""
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    os.replace(tmp, target)


class Sink:
    """Receives record batches table by table; writes nothing visible until `commit()`."""

    def __init__(self) -> None:
        self._temps: dict[Path, Path] = {}  # target -> temporary file

    def write(self, table: str, batch: pa.RecordBatch) -> None:
        raise NotImplementedError

    def close_files(self) -> None:
        """Flush and close every open file (before the renames)."""

    def paths(self) -> dict[str, Path]:
        raise NotImplementedError

    def commit(self) -> dict[str, Path]:
        self.close_files()
        for tmp, target in [(t, target) for target, t in self._temps.items()]:
            _publish(tmp, target)
        self._temps.clear()
        return self.paths()

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.close_files()
        for tmp in self._temps.values():
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._temps.clear()


class ParquetSink(Sink):
    """One Parquet file per table; one row group per batch written (a chunk of versions)."""

    def __init__(self, directory: Path, schemas: dict[str, pa.Schema]) -> None:
        import pyarrow.parquet as pq

        super().__init__()
        self.directory = directory
        self._writers: dict[str, Any] = {}
        try:
            for table, schema in schemas.items():
                target = directory / f"{table}.parquet"
                fd, tmp = _temp_beside(target)
                os.close(fd)
                self._temps[target] = tmp
                self._writers[table] = pq.ParquetWriter(
                    tmp, schema, compression=PARQUET_COMPRESSION, compression_level=PARQUET_COMPRESSION_LEVEL,
                )
        except BaseException:
            self.abort()
            raise

    def write(self, table: str, batch: pa.RecordBatch) -> None:
        if batch.num_rows:
            self._writers[table].write_batch(batch)

    def close_files(self) -> None:
        while self._writers:
            _, writer = self._writers.popitem()
            writer.close()

    def paths(self) -> dict[str, Path]:
        return {t: self.directory / f"{t}.parquet" for t in ("cells", "findings", "versions", "agencies")}


# -- text forms (CSV, XLSX) ---------------------------------------------------------------------

#: A text cell that Excel would run as a formula (CSV injection, OWASP): it starts with = + - @ or
#: a tab/CR, and is not a plain signed number ("-3" stays "-3").
_FORMULA_START = r"^[=+\-@\t\r]"
_SIGNED_NUMBER = r"^[+\-][0-9][0-9,.]*$"


def _as_text_columns(batch: pa.RecordBatch, *, csv: bool) -> pa.RecordBatch:
    """The batch in forms Excel and CSV readers take: lists as JSON arrays; times in UTC, as
    "YYYY-MM-DD HH:MM:SS" text in CSV and as date-times without a zone in XLSX (Excel has none);
    and, in CSV, formula-like text behind an apostrophe."""
    arrays, fields = [], []
    for field, column in zip(batch.schema, batch.columns):
        if pa.types.is_list(field.type):
            column = _json_lists(column)
        elif pa.types.is_timestamp(field.type):
            column = (pc.strftime(column.cast(pa.timestamp("s", tz="UTC"), safe=False), format="%Y-%m-%d %H:%M:%S") if csv else column.cast(pa.timestamp("us")))
        elif csv and pa.types.is_string(field.type):
            risky = pc.and_kleene(pc.match_substring_regex(column, _FORMULA_START),
                                  pc.invert(pc.match_substring_regex(column, _SIGNED_NUMBER)))
            if pc.any(risky).as_py():
                column = pc.if_else(risky, pc.binary_join_element_wise("'", column, ""), column)
        arrays.append(column)
        fields.append(pa.field(field.name, column.type))
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def _json_lists(column: pa.Array) -> pa.Array:
    values = column.to_pylist()
    return pa.array([None if v is None else json.dumps(v, ensure_ascii=False) for v in values], pa.string())


class CsvSink(Sink):
    """One CSV file per table: UTF-8 with a byte order mark, so that Excel (which reads a CSV
    without one in the system's code page, GBK on Chinese Windows) shows the Chinese text; a header
    row of the column names; lists as JSON arrays; times in UTC."""

    def __init__(self, directory: Path, schemas: dict[str, pa.Schema]) -> None:
        super().__init__()
        self.directory = directory
        self._files: dict[str, IO[bytes]] = {}
        self._writers: dict[str, Any] = {}
        self._schemas = schemas
        try:
            for table in schemas:
                target = directory / f"{table}.csv"
                fd, tmp = _temp_beside(target)
                self._temps[target] = tmp
                f = os.fdopen(fd, "wb")
                self._files[table] = f
                f.write("\ufeff".encode())
        except BaseException:
            self.abort()
            raise

    def write(self, table: str, batch: pa.RecordBatch) -> None:
        import pyarrow.csv as pcsv

        batch = _as_text_columns(batch, csv=True)
        writer = self._writers.get(table)
        if writer is None:
            writer = self._writers[table] = pcsv.CSVWriter(self._files[table], batch.schema)
        writer.write_batch(batch)

    def close_files(self) -> None:
        import pyarrow.csv as pcsv

        for table, f in list(self._files.items()):
            writer = self._writers.pop(table, None)
            if writer is None:  # no rows: the header alone
                empty = pa.RecordBatch.from_pylist([], schema=self._schemas[table])
                writer = pcsv.CSVWriter(f, _as_text_columns(empty, csv=True).schema)
            writer.close()
            f.close()
            del self._files[table]

    def abort(self) -> None:
        for f in self._files.values():  # closed as they are: no header written into a file to delete
            with contextlib.suppress(OSError):
                f.close()
        self._files.clear()
        self._writers.clear()
        super().abort()

    def paths(self) -> dict[str, Path]:
        return {t: self.directory / f"{t}.csv" for t in ("cells", "findings", "versions", "agencies")}


class XlsxSink(Sink):
    """One workbook, one sheet per table (openpyxl's write-only mode streams rows to disk).

    A table past Excel's 1,048,576 rows per sheet is refused rather than split: a table spread over
    sheets breaks every pivot table and filter over it; Parquet and CSV have no such limit."""

    def __init__(self, target: Path, schemas: dict[str, pa.Schema]) -> None:
        from openpyxl import Workbook

        super().__init__()
        self.target = target
        self._book = Workbook(write_only=True)
        self._sheets: dict[str, Any] = {}
        self._rows: dict[str, int] = {}
        for table, schema in schemas.items():
            sheet = self._book.create_sheet(table)
            sheet.append(schema.names)
            self._sheets[table] = sheet
            self._rows[table] = 1
        fd, tmp = _temp_beside(target)
        os.close(fd)
        self._temps[target] = tmp
        self._saved = False

    def write(self, table: str, batch: pa.RecordBatch) -> None:
        from openpyxl.cell import WriteOnlyCell

        if self._rows[table] + batch.num_rows > XLSX_MAX_ROWS:
            raise ExportError(
                f"{table} 表超过 Excel 每个工作表 {XLSX_MAX_ROWS:,} 行的上限：请用 --year 或 --under 缩小范围，"
                "或导出为 Parquet（--parquet）或 CSV（--csv）")
        sheet = self._sheets[table]
        batch = _as_text_columns(batch, csv=False)
        for row in batch.to_pylist():
            cells = []
            for value in row.values():
                if isinstance(value, str):
                    cell = WriteOnlyCell(sheet, _excel_text(value))
                    cell.data_type = "s"  # never a formula, whatever the text starts with
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
        self._rows[table] += batch.num_rows

    def close_files(self) -> None:
        if not self._saved:
            self._saved = True
            self._book.save(next(iter(self._temps.values())))

    def abort(self) -> None:
        self._saved = True  # nothing to save
        # openpyxl streams each sheet to a temporary file of its own, removed only by a save: close
        # the sheets' XML and remove those files here.
        for sheet in self._sheets.values():
            with contextlib.suppress(Exception):
                sheet.close()
            writer = getattr(sheet, "_writer", None)
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.cleanup()
        super().abort()

    def paths(self) -> dict[str, Path]:
        return {t: self.target for t in ("cells", "findings", "versions", "agencies")}


def _excel_text(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(text) > XLSX_MAX_CHARS:
        text = text[: XLSX_MAX_CHARS - 1] + "…"
    return text
