"""The web app's CLI verbs: `xxgk demo` (a thin face on `xxgk.web.demo.load`) and `xxgk serve` (on
`xxgk.web.serve.serve`). Registered on the `xxgk` group by cli.py; Django is imported only when one
of them runs."""

from __future__ import annotations

import os
import sys

import click

#: Exit code when the store cannot be opened or the demo cannot be loaded.
EXIT_CANNOT_RUN = 2

_db_option = click.option(
    "--db", "db", envvar="DATABASE_URL", default=None, metavar="PATH|URL",
    help="年报库：SQLite 文件路径或数据库 URL（默认 $DATABASE_URL，否则 ./xxgk.sqlite3）",
)


def print_logins(demo: object) -> None:
    """The demo accounts, as `xxgk demo` prints them."""
    click.echo(f"演示账号（密码均为 {demo.password}）：")  # type: ignore[attr-defined]
    for login in demo.logins:  # type: ignore[attr-defined]
        click.echo(f"  {login.username:<18} {login.note}")


def register(main: click.Group) -> None:
    @main.command("demo")
    @_db_option
    @click.option("--no-scan", is_flag=True, help="不生成扫描件（扫描件需 OCR 识别，约 5 秒）")
    @click.option("--year", "years", type=click.IntRange(2021, 2099), multiple=True, metavar="Y",
                  help="只载入这些年度（可重复；默认 2022 至 2025）")
    def demo_cmd(db: str | None, no_scan: bool, years: tuple[int, ...]) -> None:
        """Load the demo: a fictional hierarchy (甲省 → 乙市 → 4 counties, 53 agencies), its reports
        of 2022–2025, the disclosure office of 丙县教育局 and the demo logins. Running it again adds
        nothing twice."""
        from ..store.commands import progress_bar

        from . import demo

        try:
            with progress_bar("载入演示年报", unit="份", rate="份/秒") as progress:
                result = demo.load(db, scan=False if no_scan else None, progress=progress,
                                   **({"years": tuple(sorted(set(years)))} if years else {}))
        except Exception as e:  # the store cannot be opened, a migration fails …
            if os.environ.get("XXGK_DEBUG"):
                raise
            click.echo(f"xxgk: 无法载入演示数据：{type(e).__name__}: {' '.join(str(e).split())[:300]}", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        if result.summary is None:
            click.echo(f"演示数据已在库中：{result.agencies} 个机关，{result.planned} 份年报（未重复载入）")
        else:
            click.echo(f"演示数据已载入：{result.agencies} 个机关，新增 {result.added} 份年报"
                       f"（已有 {result.already} 份），用时 {result.seconds:.1f} 秒")
        if result.office is not None:
            o = result.office
            state = "已载入" if o.created else "已在库中"
            click.echo(f"政府信息公开工作机构演示（丙县教育局）{state}：{o.applications} 件依申请公开，"
                       f"{o.items} 条主动公开事项" + (f"，{o.year_published} 年度报告已发布" if o.year_published else ""))
        print_logins(result)

    @main.command("serve")
    @_db_option
    @click.option("--host", default="127.0.0.1", show_default=True, help="监听地址")
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="端口")
    @click.option("--no-jobs", is_flag=True, help="不启动后台任务进程（Huey）")
    def serve_cmd(db: str | None, host: str, port: int, no_jobs: bool) -> None:
        """Run the web app for trying it or developing it (Django's development server, static files
        served, XXGK_DEBUG=1) with a Huey consumer for background jobs; Ctrl-C stops both.

        Production: gunicorn xxgk.web.wsgi and a separate run_huey (README, "Web app")."""
        from .serve import serve

        sys.exit(serve(host, port, db=db, jobs=not no_jobs, echo=click.echo))
