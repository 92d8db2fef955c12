"""`xxgk batch`: a thin face on `xxgk.store.batch.run`."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import click

from . import EXIT_CANNOT_RUN, db_option, open_store, progress_bar

#: Exit codes: every input read (0), some recorded as failed (1), the batch could not run (2).
EXIT_SOME_FAILED = 1


def _print_summary(summary: Any) -> None:
    click.echo(f"读入 {summary.read} 份，失败 {summary.failed} 份，重复 {summary.duplicate} 份，"
               f"已入库跳过 {summary.skipped} 份，用时 {summary.seconds:.1f} 秒")
    if summary.findings:
        click.echo("问题（按规则）：")
        for rule, n in sorted(summary.findings.items(), key=lambda kv: (-kv[1], kv[0])):
            click.echo(f"  {rule}\t{n}")
    if summary.refresh_error:
        click.echo(f"质量信号未能重算（下次运行时继续）：{summary.refresh_error}", err=True)
    for name, error in summary.failures[:50]:
        click.echo(f"失败：{name}: {error}", err=True)
    if len(summary.failures) > 50:
        click.echo(f"失败：另有 {len(summary.failures) - 50} 份，见 xxgk.store.models.Ingest（status=failed）", err=True)


def register(main: click.Group) -> None:
    @main.command("batch")
    @click.argument("inputs", nargs=-1, metavar="DIR | ZIP | LIST | URL-LIST | FILE | URL …")
    @db_option
    @click.option("--workers", type=click.IntRange(0, 512), default=0, show_default=True,
                  help="本机 Dask 进程数（0：在本进程内解析）")
    @click.option("--scheduler", metavar="tcp://HOST:8786", default=None, help="使用已有的 Dask 集群")
    @click.option("--worker-memory", default="2GiB", show_default=True, help="每个 Dask 进程的内存上限")
    @click.option("--allow-private", is_flag=True, help="允许抓取内网和本机地址的 URL")
    @click.option("--reparse", is_flag=True, help="用本版本 xxgk 重新解析库中全部源文件（保留旧版本）")
    @click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总")
    def batch_cmd(inputs: tuple[str, ...], db: str | None, workers: int, scheduler: str | None, worker_memory: str,
                  allow_private: bool, reparse: bool, as_json: bool) -> None:
        """Ingest many reports (any mix of media) into the store: resumable, one bad file never stops the rest."""
        from ..batch import run, stored_items

        if not inputs and not reparse:
            raise click.UsageError("需要输入：目录、ZIP、文件清单、URL 清单、文件或 URL（或 --reparse）")
        open_store(db)
        for item in inputs:
            if "://" not in item and not os.path.exists(item):
                click.echo(f"xxgk: {item}: 不存在", err=True)
                sys.exit(EXIT_CANNOT_RUN)
        with progress_bar("入库", rate="份/秒") as progress:
            items = stored_items() if reparse else None
            summary = run(list(inputs), workers=workers, scheduler=scheduler, allow_private=allow_private,
                          progress=progress, worker_memory=worker_memory, items=items)
        if as_json:
            click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
        else:
            _print_summary(summary)
        if summary.failed:
            sys.exit(EXIT_SOME_FAILED)
