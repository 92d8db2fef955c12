"""`xxgk agencies …`: the agency hierarchy of the store — import, export, list, match, settle.

Exit codes as elsewhere: 0 done; 1 `match` left a name unmatched or ambiguous; 2 a file or an
argument could not be used (one line on stderr: `xxgk: FILE: message`), nothing written.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

import click

from . import db_option, open_store

EXIT_UNMATCHED = 1
EXIT_BAD_INPUT = 2
#: Row errors printed for a rejected import; the rest are counted.
MAX_ROW_ERRORS = 50


def _fail(label: str, message: str) -> None:
    click.echo(f"xxgk: {label}: {' '.join(str(message).split())}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _level_label(level: str) -> str:
    from ..models import LEVELS

    return dict(LEVELS).get(level, level)


def register(main: click.Group) -> None:
    @main.group("agencies")
    def agencies() -> None:
        """机构层级：导入、导出、查看、匹配报告所印机关名称、人工确认。"""

    @agencies.command("import")
    @click.argument("file", type=click.Path(dir_okay=True, allow_dash=False))
    @db_option
    def import_cmd(file: str, db: str | None) -> None:
        """从 CSV（UTF-8 或 GBK）或 XLSX 导入机构（按编码新增或更新；有任何错误则不导入）。

        列：编码、名称、层级（必需），上级编码、别名（以 ；、| 分隔）、规章制定权（可选）。"""
        open_store(db)
        from ..agencies import AgencyFileError, import_agencies

        try:
            result = import_agencies(file)
        except AgencyFileError as e:
            _fail(file, str(e))
            return
        if result.errors:
            for err in result.errors[:MAX_ROW_ERRORS]:
                click.echo(f"xxgk: {file}: {err}", err=True)
            more = len(result.errors) - MAX_ROW_ERRORS
            tail = f"（另有 {more} 处错误）" if more > 0 else ""
            _fail(file, f"有 {len(result.errors)} 处错误{tail}，未导入任何机构")
        click.echo(f"导入 {result.rows} 行：新增 {result.created}，更新 {result.updated}，"
                   f"未变 {result.unchanged}，路径变化 {result.moved}")

    @agencies.command("export")
    @click.option("-f", "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
    @click.option("-o", "--output", type=click.Path(dir_okay=False), help="写入此文件（默认标准输出，仅 CSV）")
    @click.option("--under", metavar="CODE", help="只导出此机构及其下属")
    @db_option
    def export_cmd(fmt: str, output: str | None, under: str | None, db: str | None) -> None:
        """导出机构层级（可再次导入）。"""
        open_store(db)
        from ..agencies import export_agencies

        if output in (None, "-") and fmt == "xlsx" and sys.stdout.isatty():
            _fail("-", "XLSX 不能输出到终端，请用 -o FILE")
        try:
            data = export_agencies(fmt, under=under)
        except KeyError as e:
            _fail(under or "-", e.args[0])
            return
        if output in (None, "-"):
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
            return
        tmp = f"{output}.tmp{os.getpid()}"
        try:
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, output)
        except OSError as e:
            if os.path.exists(tmp):
                os.unlink(tmp)
            _fail(output, f"无法写入：{e.strerror or e}")

    @agencies.command("list")
    @click.option("--under", metavar="CODE", help="只列出此机构及其下属")
    @db_option
    def list_cmd(under: str | None, db: str | None) -> None:
        """按层级列出机构：编码、名称、层级、别名。"""
        open_store(db)
        from ..agencies import subtree
        from ..models import Agency

        try:
            qs = subtree(under) if under else Agency.objects.all()
        except KeyError as e:
            _fail(under or "-", e.args[0])
            return
        base = None
        for code, name, level, aliases, path in qs.order_by("path").values_list(
                "code", "name", "level", "aliases", "path"):
            depth = path.count("/") - 2
            if base is None:
                base = depth
            indent = "  " * max(depth - base, 0)
            extra = f"  别名：{'；'.join(aliases)}" if aliases else ""
            click.echo(f"{indent}{code}\t{name}\t{_level_label(level)}{extra}")

    @agencies.command("match")
    @click.argument("names", nargs=-1, required=True)
    @click.option("--under", metavar="CODE", help="机关应在此机构之下（用于区分同名）")
    @click.option("--origin", metavar="PATH|URL", help="报告的来源路径或网址（仅作辅助）")
    @db_option
    def match_cmd(names: tuple[str, ...], under: str | None, origin: str | None, db: str | None) -> None:
        """把报告所印的机关名称与机构层级匹配，列出结果和候选。"""
        open_store(db)
        from ..matching import Matcher

        matcher = Matcher.from_db()
        unmatched = False
        for name in names:
            try:
                m = matcher.match(name, origin=origin, parent_hint=under)
            except ValueError as e:
                _fail(under or "-", str(e))
                return
            if m.matched:
                how = {"parent_hint": "（由 --under 区分）", "origin": "（由来源区分）"}.get(m.decided_by or "", "")
                click.echo(f"{name}\t{m.method}\t{m.code}\t{m.name}{how}")
                continue
            unmatched = True
            label = {"ambiguous": "多个候选", "none": "未匹配"}[m.method]
            click.echo(f"{name}\t{m.method}\t{label}")
            for c in m.candidates:
                click.echo(f"  {c['code']}\t{c['name']}\t{c['method']}")
            if m.total > len(m.candidates):
                click.echo(f"  …另有 {m.total - len(m.candidates)} 个候选")
        if unmatched:
            sys.exit(EXIT_UNMATCHED)

    @agencies.command("settle")
    @click.argument("report_id", type=int)
    @click.argument("code")
    @click.option("--user", default=None, help="确认人（默认当前系统用户）")
    @db_option
    def settle_cmd(report_id: int, code: str, user: str | None, db: str | None) -> None:
        """人工确认报告 REPORT_ID 的机关为 CODE（已有该机关同年报告时并入其版本）。"""
        open_store(db)
        from ..agencies import settle
        from ..models import Report

        who: Any = user or _current_user()
        try:
            report = settle(report_id, code, user=who)
        except KeyError as e:
            _fail(code, e.args[0])
            return
        except Report.DoesNotExist:
            _fail(str(report_id), "没有这份报告")
            return
        n = report.versions.count()
        click.echo(f"报告 {report.pk}：{report.agency.name}（{report.agency.code}）{report.year or '?'} 年，"
                   f"共 {n} 个版本，已标记为人工确认")


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"
