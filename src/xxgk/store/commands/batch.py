"""`xxgk batch`: a thin face on `xxgk.store.batch.run`."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from . import db_option, open_store

#: Exit codes: every input read (0), some recorded as failed (1), the batch could not run (2).
EXIT_SOME_FAILED = 1
EXIT_CANNOT_RUN = 2


def _progress_bar() -> tuple[Any, Any]:
    """A rich progress bar with rate and ETA on a terminal; nothing otherwise."""
    if not sys.stderr.isatty():
        return None, None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    class Rate(TextColumn):
        def render(self, task: Any) -> Any:  # files per second over the run so far
            from rich.text import Text

            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} 份/秒" if speed else "", style="progress.data.speed")

    bar = Progress(TextColumn("入库"), BarColumn(), MofNCompleteColumn(), Rate(""), TimeElapsedColumn(),
                   TextColumn("剩余"), TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    return bar, None


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
        try:
            open_store(db)
        except Exception as e:  # a wrong URL, an unreachable server, a file that is not SQLite
            click.echo(f"xxgk: 无法打开年报库：{' '.join(str(e).split())[:300]}", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        for item in inputs:
            if "://" not in item and not __import__("os").path.exists(item):
                click.echo(f"xxgk: {item}: 不存在", err=True)
                sys.exit(EXIT_CANNOT_RUN)
        bar, _ = _progress_bar()
        task = None
        if bar is not None:
            bar.start()
            task = bar.add_task("batch", total=None)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.update(task, completed=done, total=total)

        try:
            items = stored_items() if reparse else None
            summary = run(list(inputs), workers=workers, scheduler=scheduler, allow_private=allow_private,
                          progress=progress, worker_memory=worker_memory, items=items)
        finally:
            if bar is not None:
                bar.stop()
        if as_json:
            click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, indent=1))
        else:
            _print_summary(summary)
        if summary.failed:
            sys.exit(EXIT_SOME_FAILED)
