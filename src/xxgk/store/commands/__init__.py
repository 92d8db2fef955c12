"""The store's CLI verbs (`xxgk batch`, `xxgk export`, `xxgk agencies …`): thin faces on the
functions of `xxgk.store`, one module per verb group, registered on the `xxgk` group by cli.py."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any

import click

#: Exit code of a verb that could not run at all (the store cannot be opened, bad input).
EXIT_CANNOT_RUN = 2

#: The store every verb opens: a SQLite path or a database URL; DATABASE_URL, else ./xxgk.sqlite3.
db_option = click.option(
    "--db", "db", envvar="DATABASE_URL", default=None, metavar="PATH|URL",
    help="年报库：SQLite 文件路径或数据库 URL（默认 $DATABASE_URL，否则 ./xxgk.sqlite3）",
)


def open_store(db: str | None) -> None:
    """The store, or one line on stderr and exit 2 when it cannot be opened (a bad path or URL, an
    unreachable server, a file that is not SQLite). XXGK_DEBUG=1 lets the exception through."""
    from .. import setup

    try:
        setup(db)
    except Exception as e:  # Django's OperationalError, ImproperlyConfigured, RuntimeError …
        if os.environ.get("XXGK_DEBUG"):
            raise
        where = str(db or os.environ.get("DATABASE_URL") or "xxgk.sqlite3")
        click.echo(f"xxgk: {where}: 无法打开年报库：{type(e).__name__}: {' '.join(str(e).split())[:300]}", err=True)
        sys.exit(EXIT_CANNOT_RUN)


@contextlib.contextmanager
def progress_bar(label: str, *, unit: str | None = None, rate: str | None = None) -> Iterator[Callable[[int, int], None]]:
    """A `progress(done, total)` callback drawing a rich bar with elapsed time and ETA on a
    terminal (stderr), doing nothing otherwise. `unit` is printed after the count, `rate` (e.g.
    "份/秒") adds the speed so far."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.text import Text

    class Rate(TextColumn):
        def render(self, task: Any) -> Any:
            speed = task.finished_speed or task.speed
            return Text(f"{speed:.1f} {rate}" if speed else "", style="progress.data.speed")

    middle = ([TextColumn(unit)] if unit else []) + ([Rate("")] if rate else [])
    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), *middle, TimeElapsedColumn(),
                   TextColumn("剩余"), TimeRemainingColumn(), console=Console(stderr=True), transient=True)
    task = bar.add_task(label, total=None)
    with bar:
        yield lambda done, total: bar.update(task, completed=done, total=total)


def register(main: click.Group) -> None:
    from . import agencies, batch, export

    for module in (agencies, batch, export):
        hook: Callable[[click.Group], Any] | None = getattr(module, "register", None)
        if hook is not None:
            hook(main)
