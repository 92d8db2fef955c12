"""The store's CLI verbs (`xxgk batch`, `xxgk export`, `xxgk agencies …`): thin faces on the
functions of `xxgk.store`, one module per verb group, registered on the `xxgk` group by cli.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

#: The store every verb opens: a SQLite path or a database URL; DATABASE_URL, else ./xxgk.sqlite3.
db_option = click.option(
    "--db", "db", envvar="DATABASE_URL", default=None, metavar="PATH|URL",
    help="年报库：SQLite 文件路径或数据库 URL（默认 $DATABASE_URL，否则 ./xxgk.sqlite3）",
)


def open_store(db: str | None) -> None:
    from .. import setup

    setup(db)


def register(main: click.Group) -> None:
    from . import agencies, batch, export

    for module in (agencies, batch, export):
        hook: Callable[[click.Group], Any] | None = getattr(module, "register", None)
        if hook is not None:
            hook(main)
