"""`xxgk export`: a thin face on `xxgk.store.export.run_export`."""

from __future__ import annotations

import sys

import click

from . import db_option, open_store, progress_bar

#: Exit codes: written (0); the export could not be written as asked (2).
EXIT_CANNOT_EXPORT = 2

_TABLE_NAMES = {"cells": "单元格", "findings": "问题", "versions": "版本", "agencies": "机关"}


def register(main: click.Group) -> None:
    @main.command("export")
    @click.option("--parquet", "parquet_dir", metavar="DIR", help="写 Parquet：DIR/cells.parquet、findings、versions、agencies")
    @click.option("--csv", "csv_dir", metavar="DIR", help="写 CSV（UTF-8，带 BOM，Excel 可直接打开）：DIR/cells.csv 等")
    @click.option("--xlsx", "xlsx_file", metavar="FILE", help="写一个 Excel 工作簿，每张表一个工作表（每表至多 1,048,575 行）")
    @click.option("--all-versions", is_flag=True, help="导出每份年报的全部版本（默认只导出当前版本）")
    @click.option("--year", "years", type=int, multiple=True, metavar="Y", help="只导出该年度（可重复）")
    @click.option("--under", metavar="CODE", help="只导出该机关及其下级、部门")
    @db_option
    def export_cmd(parquet_dir: str | None, csv_dir: str | None, xlsx_file: str | None, all_versions: bool,
                   years: tuple[int, ...], under: str | None, db: str | None) -> None:
        """Export the store for analysis: one row per cell, per finding, per report version, per agency.

        Query the Parquet tables with DuckDB (README, section Analytics)."""
        from ..export import ExportError, run_export

        chosen = [(fmt, target) for fmt, target in (("parquet", parquet_dir), ("csv", csv_dir), ("xlsx", xlsx_file))
                  if target is not None]
        if len(chosen) != 1:
            raise click.UsageError("请给出且只给出一种输出：--parquet DIR、--csv DIR 或 --xlsx FILE")
        fmt, target = chosen[0]
        open_store(db)
        try:
            with progress_bar("导出", unit="个版本") as progress:
                result = run_export(target, fmt=fmt, versions="all" if all_versions else "active",
                                    years=years or None, under=under, progress=progress)
        except ExportError as e:
            click.echo(f"xxgk: {e}（未写入任何文件）", err=True)
            sys.exit(EXIT_CANNOT_EXPORT)
        except OSError as e:
            click.echo(f"xxgk: 无法写入 {target}：{e.strerror or e}（未写入任何文件）", err=True)
            sys.exit(EXIT_CANNOT_EXPORT)
        for table, path in result.paths.items():
            click.echo(f"{table}\t{result.rows[table]:,} 行（{_TABLE_NAMES[table]}）\t{path}")
