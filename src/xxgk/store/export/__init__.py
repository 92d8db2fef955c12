"""Analytics export: the store as four flat tables for DuckDB, pandas, Excel.

    from xxgk import store
    from xxgk.store.export import export, duckdb_connect
    store.setup("reports.sqlite3")
    export("out/")                                   # out/cells.parquet, findings, versions, agencies
    con = duckdb_connect("out/")                     # views cells, findings, versions, agencies
    con.sql("SELECT level, year, sum(value) FROM cells WHERE key = 't3.new_received.total' GROUP BY ALL")

Tables (column lists in `tables.py`; names are the contract's keys where it has one):

- `cells`: one row per cell of each exported version: report_id, version_id, active, agency_code,
  agency_name, level, year, format, key, value (int64: counts and signed changes, exact), value_decimal
  (DECIMAL(18,6): the 万元 fee and other decimal cells, exact), value_text (the contract's value as
  text, exact for both kinds), raw, semantic, and the provenance `where` as where_line, where_col,
  where_page, where_bbox, where_confidence, where_table, where_row, where_sheet, where_cell.
- `findings`: one row per finding of an exported version, and the store's findings on an agency-year
  without a version (a missing report).
- `versions`: one row per exported version, `active` telling the report's current one.
- `agencies`: the hierarchy (or the subtree under `under`), reporting or not.

Why chunks: a province's store holds millions of cells; rows are read, converted and written
`CHUNK_VERSIONS` versions at a time (one Parquet row group each), so memory stays bounded whatever
the store's size. Why temporary files: nothing half-written is ever visible (see `sinks`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .sinks import XLSX_MAX_ROWS, CsvSink, ExportError, ParquetSink, Sink, XlsxSink
from .tables import SCHEMAS, Selection, agency_batches, chunk_batches, finding_batches, version_rows

__all__ = ["export", "run_export", "duckdb_connect", "Exported", "ExportError", "TABLES", "SCHEMAS", "XLSX_MAX_ROWS"]

TABLES = ("cells", "findings", "versions", "agencies")
FORMATS = ("parquet", "csv", "xlsx")
#: Versions per chunk (≈ 100,000 cells, one Parquet row group). Fitted on bench/bench_export.py's
#: 10,000 generated reports: 250, 500, 1,000 and 2,000 took 5.5, 5.5, 5.8 and 6.5 s of CPU, and
#: peaked at 205, 270, 370 and 545 MB RSS (90 MB before the export starts); below 500 the row
#: groups get small for little memory saved.
CHUNK_VERSIONS = 500
#: Findings and agencies per chunk (small rows).
CHUNK_ROWS = 20_000
#: The file an XLSX export writes when given a directory.
XLSX_NAME = "xxgk-export.xlsx"

Progress = Callable[[int, int], None]


@dataclass
class Exported:
    """What an export wrote: the file of each table and its row count."""

    paths: dict[str, Path]
    rows: dict[str, int] = field(default_factory=dict)


def export(directory: str | os.PathLike[str], *, fmt: str = "parquet", versions: str = "active",
           years: Iterable[int] | None = None, under: str | None = None,
           progress: Progress | None = None) -> dict[str, Path]:
    """Write the tables cells, findings, versions and agencies; return each table's file.

    `fmt` "parquet" or "csv": `directory/<table>.parquet|csv` (the directory is created);
    "xlsx": one workbook at `directory` (a file path; given a directory, `xxgk-export.xlsx` in it),
    refused with `ExportError` past Excel's rows per sheet. `versions` "active" (each report's
    current version) or "all". `years`: only these years. `under`: only this agency's subtree
    (an agency code). `progress(done, total)` is called after each chunk of versions.
    """
    return run_export(directory, fmt=fmt, versions=versions, years=years, under=under, progress=progress).paths


def run_export(directory: str | os.PathLike[str], *, fmt: str = "parquet", versions: str = "active",
               years: Iterable[int] | None = None, under: str | None = None, progress: Progress | None = None,
               chunk_versions: int = CHUNK_VERSIONS) -> Exported:
    """`export`, returning the row counts too (for the CLI's summary)."""
    from django.conf import settings

    if not settings.configured:
        raise RuntimeError("the store is not set up: call xxgk.store.setup() first")
    if fmt not in FORMATS:
        raise ValueError(f"fmt must be one of {FORMATS}, not {fmt!r}")
    if versions not in ("active", "all"):
        raise ValueError(f"versions must be 'active' or 'all', not {versions!r}")
    selection = _selection(versions == "active", years, under)
    sink = _sink(Path(directory), fmt)
    rows = dict.fromkeys(TABLES, 0)
    try:
        ids = selection.version_ids()
        if progress is not None:
            progress(0, len(ids))
        for start in range(0, len(ids), chunk_versions):
            versions_rows, cells = chunk_batches(version_rows(ids[start:start + chunk_versions]))
            sink.write("cells", cells)
            sink.write("versions", versions_rows)
            rows["cells"] += cells.num_rows
            rows["versions"] += versions_rows.num_rows
            if progress is not None:
                progress(min(start + chunk_versions, len(ids)), len(ids))
        for batch in finding_batches(selection, CHUNK_ROWS):
            sink.write("findings", batch)
            rows["findings"] += batch.num_rows
        for batch in agency_batches(selection, CHUNK_ROWS):
            sink.write("agencies", batch)
            rows["agencies"] += batch.num_rows
        paths = sink.commit()
    except BaseException:
        sink.abort()
        raise
    return Exported(paths, rows)


def _selection(active_only: bool, years: Iterable[int] | None, under: str | None) -> Selection:
    from django.db.models import Max

    from ..models import Agency, Finding, Version

    path = None
    if under is not None:
        agency = Agency.objects.filter(code=under).first()
        if agency is None:
            raise ExportError(f"没有代码为 {under} 的机关")
        path = agency.path
    return Selection(
        active_only=active_only,
        years=tuple(sorted({int(y) for y in years})) if years is not None else None,
        under_path=path,
        max_version=Version.objects.aggregate(m=Max("id"))["m"] or 0,
        max_finding=Finding.objects.aggregate(m=Max("id"))["m"] or 0,
    )


def _sink(target: Path, fmt: str) -> Sink:
    if fmt == "xlsx":
        if target.is_dir():
            target = target / XLSX_NAME
        target.parent.mkdir(parents=True, exist_ok=True)
        return XlsxSink(target, SCHEMAS)
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} 不是目录：Parquet 和 CSV 导出写入一个目录，每张表一个文件")
    target.mkdir(parents=True, exist_ok=True)
    return ParquetSink(target, SCHEMAS) if fmt == "parquet" else CsvSink(target, SCHEMAS)


def duckdb_connect(directory: str | os.PathLike[str], *, threads: int | None = None) -> Any:
    """An in-memory DuckDB connection with a view per exported Parquet table of `directory`
    (cells, findings, versions, agencies), for the README's queries. `threads` caps DuckDB's
    worker threads (default: one per core)."""
    import duckdb

    base = Path(directory)
    found = {t: base / f"{t}.parquet" for t in TABLES if (base / f"{t}.parquet").is_file()}
    if not found:
        raise FileNotFoundError(f"no exported Parquet tables in {base} (xxgk export --parquet {base})")
    con = duckdb.connect(":memory:")
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    for table, path in found.items():
        literal = "'" + str(path.resolve()).replace("'", "''") + "'"
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet({literal})")
    return con
