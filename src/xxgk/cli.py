"""The `xxgk` command: a thin face on `xxgk.parse`, `Report.check` and `xxgk.render`.

Exit codes: 0 all inputs read (and, for `check`, no error findings); 1 `check` found errors;
2 an input could not be read or a usage error (2 wins over 1); 3 an internal error (a bug in xxgk).
An unreadable input never stops the others: it is reported as one line `xxgk: FILE: message`.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import stat
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO, Any, TypeVar

import click

import xxgk
from xxgk.read import iter_inputs
from xxgk.read.gluedrows import use_previous
from xxgk.report import keys as K
from xxgk.report.model import Finding, Report
from xxgk.write import FORMATS as WRITE_FORMATS
from xxgk.write import check_format

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE, EXIT_INTERNAL = 0, 1, 2, 3
CSV_HEADER = ("source", "key", "value", "raw", "semantic", "location")
#: Errors that mean "this input cannot be read": one line on stderr, exit code 2.
INPUT_FAILURES = (xxgk.XxgkError, MemoryError, RecursionError, UnicodeError)

T = TypeVar("T")


# -- running over many inputs ------------------------------------------------------------------


class Batch:
    """Runs one function per input, turning failures into one stderr line each and an exit code."""

    def __init__(self) -> None:
        self.exit_code = EXIT_OK

    def fail(self, label: str, message: str, code: int = EXIT_UNREADABLE) -> None:
        click.echo(f"xxgk: {label}: {message}", err=True)
        self.exit_code = max(self.exit_code, code)

    def run(self, label: str, fn: Callable[[], T]) -> T | None:
        try:
            return fn()
        except INPUT_FAILURES as e:
            message = _one_line(e)
            # Some readers name the input themselves; don't print it twice.
            self.fail(label, message.removeprefix(f"{label}: "))
        except Exception as e:  # a bug: say so in one line, keep going with the other files
            if os.environ.get("XXGK_DEBUG"):
                raise
            self.fail(label, f"internal error: {type(e).__name__}: {_one_line(e)} (set XXGK_DEBUG=1 for the traceback; please report it)", EXIT_INTERNAL)
        return None


def _one_line(e: BaseException) -> str:
    if isinstance(e, MemoryError):
        return "out of memory while reading this input"
    if isinstance(e, RecursionError):
        return "input too deeply nested to read (recursion limit)"
    text = " ".join(str(e).split())
    if isinstance(e, UnicodeError) and not isinstance(e, xxgk.XxgkError):
        text = f"encoding error: {text}"
    return text or type(e).__name__


def _label(item: Path | str) -> str:
    return "<stdin>" if item == "-" else str(item)


def _inputs(args: Sequence[str]) -> list[Path | str]:
    return list(iter_inputs(args))


def _progress(items: list[T], description: str) -> Iterator[T]:
    """Yield `items`, with a progress bar on stderr when it is a terminal and there are several."""
    if len(items) < 2 or not sys.stderr.isatty():
        yield from items
        return
    from rich.console import Console
    from rich.progress import track

    yield from track(items, description=description, console=Console(stderr=True), transient=True)


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """stdout, or `path` written atomically (see `_atomic`)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    with _atomic(Path(path), "w") as f:
        yield f  # type: ignore[misc]


@contextlib.contextmanager
def _atomic(path: Path, mode: str) -> Iterator[IO[Any]]:
    """A file to write `path` through: a temporary file beside it renamed onto it only when the body
    completes, so a failure never leaves a half-written file.

    Why the exceptions: a rename replaces the directory entry itself, so `-o /dev/null` would put a
    regular file in place of the device (it did, on a test machine) and `-o link` would replace a
    symbolic link by a file. A path that exists and is not a regular file (a device, a FIFO) is
    written in place; a symbolic link is followed and its target replaced."""
    text = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
    target = Path(os.path.realpath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as e:
        raise _CannotWrite(f"cannot write: {e.strerror or e}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            f = open(target, mode, **text)
        except OSError as e:
            raise _CannotWrite(f"cannot write: {e.strerror or e}") from None
        with f:
            yield f
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as e:
        raise _CannotWrite(f"cannot write: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, mode, **text) as f:
            yield f
        if st is not None:
            mode_bits = stat.S_IMODE(st.st_mode)  # an existing file keeps its permissions
        else:
            umask = os.umask(0)
            os.umask(umask)
            mode_bits = 0o666 & ~umask  # mkstemp makes 0600; give the file the mode open() would
        os.chmod(tmp, mode_bits)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class _NothingWritten(Exception):
    """Raised inside `_output` to discard the temporary file."""


class _CannotWrite(Exception):
    """The output file cannot be created."""


# -- formats -------------------------------------------------------------------------------------


def _cells_in_order(report: Report) -> list[Any]:
    order = {k: i for i, k in enumerate(K.cell_keys(report.table_format))}
    return sorted(report.cells.values(), key=lambda c: order.get(c.key, len(order)))


def _write_csv_rows(writer: Any, report: Report) -> None:
    name = report.source.get("name", "")
    for c in _cells_in_order(report):
        value = "" if c.value is None else str(c.value)
        where = json.dumps(c.where, ensure_ascii=False, separators=(",", ":"))
        writer.writerow((name, c.key, value, c.raw, c.semantic, where))


def _render_table(report: Report, out: IO[str]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=160 if not out.isatty() else None, highlight=False)
    title = " ".join(str(x) for x in (report.source.get("name"), report.agency, report.year, f"({report.format})") if x)
    console.print(f"[bold]{title}[/bold]")
    if report.format not in ("2019", "2021"):
        console.print("  no tables (format not recognised)")
        return

    def show(v: Any) -> str:
        return "·" if v is None else str(v)

    t2 = Table(title="表二", title_justify="left", show_header=True)
    t2.add_column("key")
    t2.add_column("value", justify="right")
    for key in K.t2_keys(report.table_format):
        t2.add_row(key.split(".", 1)[1], show(report.value(key)))
    t3 = Table(title="表三", title_justify="left")
    t3.add_column("row")
    for col in K.T3_COLUMNS:
        t3.add_column(K.T3_COLUMN_LABELS[col], justify="right")
    for row in K.t3_rows(report.table_format):
        t3.add_row(row, *(show(report.value(f"t3.{row}.{col}")) for col in K.T3_COLUMNS))
    t4 = Table(title="表四", title_justify="left")
    t4.add_column("block")
    for col in K.T4_COLUMNS:
        t4.add_column(K.T4_COLUMN_LABELS[col], justify="right")
    for block in K.T4_BLOCKS:
        t4.add_row(K.T4_BLOCK_LABELS[block], *(show(report.value(f"t4.{block}.{col}")) for col in K.T4_COLUMNS))
    for t in (t2, t3, t4):
        console.print(t)


def _counts(findings: list[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0}
    for f in findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return counts


def _summary_line(counts: dict[str, int]) -> str:
    e, w = counts.get("error", 0), counts.get("warning", 0)
    return f"{e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)}"


class _DebugImages:
    """`parse --debug-image DIR`: keeps each input's bytes (stdin can be read only once) and draws
    its pages after its output is written. A drawing failure is one stderr line for that input; the
    parse output is never lost to it."""

    def __init__(self, directory: str) -> None:
        self.dir = Path(directory)
        try:
            if self.dir.exists() and not self.dir.is_dir():
                raise NotADirectoryError(20, "not a directory")
            self.dir.mkdir(parents=True, exist_ok=True)
            if not os.access(self.dir, os.W_OK | os.X_OK):
                raise PermissionError(13, "permission denied")
        except OSError as e:
            click.echo(f"xxgk: {directory}: cannot write debug images: {e.strerror or e}", err=True)
            sys.exit(EXIT_UNREADABLE)
        self.data = b""
        self.stems: set[str] = set()

    def parse(self, batch: Batch, item: Path | str) -> Report | None:
        """`xxgk.parse` of the input, keeping its bytes for `draw`."""
        from xxgk.read import MAX_DOCUMENT_BYTES
        from xxgk.read.source import read_bytes

        failed: list[str] = []

        def run() -> Report:
            self.data = read_bytes(item, max_bytes=MAX_DOCUMENT_BYTES)
            try:
                return xxgk.parse(self.data, name=_label(item))
            except xxgk.InputError as e:
                failed.append(_one_line(e))
                raise

        report = batch.run(_label(item), run)
        if report is None and failed and self.data:
            self._draw_unread(batch, item, failed[0])
        return report

    def _draw_unread(self, batch: Batch, item: Path | str, message: str) -> None:
        """The pages of an input that opens but could not be read, drawn with why (a PDF or a scan)."""
        from xxgk.read.debug import draw_unread

        data, self.data = self.data, b""
        try:
            draw_unread(data, self.dir, stem=self._stem(item), message=message)
        except OSError as e:
            batch.fail(_label(item), f"debug image not written: {e.strerror or e}")
        except Exception as e:
            if os.environ.get("XXGK_DEBUG"):
                raise
            batch.fail(_label(item), f"debug image not written: internal error: {type(e).__name__}: {_one_line(e)} (please report it)", EXIT_INTERNAL)

    def draw(self, batch: Batch, item: Path | str, report: Report) -> None:
        from xxgk.read.debug import draw

        label = _label(item)
        data, self.data = self.data, b""
        try:
            draw(report, data, self.dir, stem=self._stem(item))
        except OSError as e:
            batch.fail(label, f"debug image not written: {e.strerror or e}")
        except Exception as e:
            if os.environ.get("XXGK_DEBUG"):
                raise
            message = f"debug image not written: internal error: {type(e).__name__}: {_one_line(e)} (please report it)"
            batch.fail(label, message, EXIT_INTERNAL)

    def _stem(self, item: Path | str) -> str:
        """The input's name without its extension; when that was already used in this run (report.pdf
        and report.txt, a/report.pdf and b/report.pdf), its whole name, then the stem numbered."""
        path = Path("stdin" if item == "-" else item)
        candidates = [path.stem or "input", path.name]
        stem = next((c for c in candidates if c not in self.stems), "")
        n = 2
        while not stem or stem in self.stems:
            stem, n = f"{candidates[0]}-{n}", n + 1
        self.stems.add(stem)
        return stem


# -- commands ------------------------------------------------------------------------------------


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(xxgk.__version__, "-V", "--version", prog_name="xxgk")
def main() -> None:
    """Read and check government information disclosure annual reports (政府信息公开工作年度报告).

    Exit codes: 0 ok; 1 `check` found errors; 2 an input could not be read (or bad usage); 3 a bug.
    """


@main.command("parse")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE… | DIR | -")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["json", "jsonl", "csv", "table"]), default="json", show_default=True,
    help="json: the xxgk/report@1 contract (an array for several inputs); jsonl: one report per line; "
    "csv: one row per cell; table: tables 二/三/四 for reading.",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here (atomically) instead of stdout.")
@click.option(
    "--debug-image", "debug_dir", metavar="DIR",
    help="Also draw each page with the box and key of every cell read (green read, grey blank, orange warning, "
    "red error) into DIR/<input-stem>-p<N>.png; DIR is created if missing.",
)
def parse_cmd(inputs: tuple[str, ...], fmt: str, output: str | None, debug_dir: str | None) -> None:
    """Read reports and print them. DIR is read recursively; - is standard input."""
    debug = _DebugImages(debug_dir) if debug_dir is not None else None
    items = _inputs(inputs)
    single = len(inputs) == 1 and len(items) == 1 and not Path(inputs[0]).is_dir()
    batch = Batch()
    written = 0
    try:
        with _output(output) as out:
            writer = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
            if writer:
                writer.writerow(CSV_HEADER)
            if fmt == "json" and not single:
                out.write("[")
            for item in _progress(items, "parsing"):
                if debug is None:
                    report = batch.run(_label(item), lambda item=item: xxgk.parse(item, name=_label(item)))
                else:
                    report = debug.parse(batch, item)
                if report is None:
                    continue
                if fmt in ("json", "jsonl"):
                    body = batch.run(_label(item), lambda r=report: r.to_json(indent=2 if fmt == "json" else None))
                    if body is None:
                        continue
                    if fmt == "json" and not single:
                        out.write(",\n" if written else "\n")
                    out.write(body + ("\n" if fmt == "jsonl" or single else ""))
                elif fmt == "csv":
                    _write_csv_rows(writer, report)
                else:
                    _render_table(report, out)
                written += 1
                if debug is not None:
                    debug.draw(batch, item, report)
            if fmt == "json" and not single:
                out.write("\n]\n" if written else "]\n")
            if output and not written:
                raise _NothingWritten
    except _NothingWritten:
        click.echo(f"xxgk: {output}: not written: no input could be read", err=True)
    except _CannotWrite as e:
        batch.fail(str(output), str(e))
    sys.exit(batch.exit_code)


@main.command("check")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE… | DIR | -")
@click.option("--previous", type=click.Path(dir_okay=False), help="Last year's report, for the cross-year checks.")
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def check_cmd(inputs: tuple[str, ...], previous: str | None, fmt: str) -> None:
    """Check reports: the identities of 表三/表四 and the warnings of report-json.md.

    Exit 0 when no report has an error, 1 when any has, 2 when an input could not be read.
    """
    batch = Batch()
    prev: Report | None = None
    if previous is not None:
        prev = batch.run(previous, lambda: xxgk.parse(previous))
        if prev is None:
            sys.exit(batch.exit_code)
    items = _inputs(inputs)
    single = len(inputs) == 1 and len(items) == 1 and not Path(inputs[0]).is_dir()
    results: list[dict[str, Any]] = []
    any_errors = False
    for item in _progress(items, "checking"):
        label = _label(item)

        def run(item: Path | str = item, label: str = label) -> tuple[Report, list[Finding]]:
            report = xxgk.parse(item, name=label)
            if prev is not None:  # last year's numbers may decide a glued run that splits several ways
                use_previous(report, prev)
            return report, report.check(prev)

        outcome = batch.run(label, run)
        if outcome is None:
            continue
        report, findings = outcome
        counts = _counts(findings)
        any_errors = any_errors or counts["error"] > 0
        if fmt == "json":
            results.append({"source": report.source, "findings": [f.to_dict() for f in findings], "summary": counts})
            continue
        cells = sum(1 for c in report.cells.values() if c.semantic != "empty")
        click.echo(f"{label}: {report.agency or '?'} {report.year or '?'} ({report.format} format, {cells} cells read)")
        for f in findings:
            click.echo(f"  {f.severity} {f.rule}: {f.message}")
        click.echo(f"  {_summary_line(counts)}")
    if fmt == "json":
        payload: Any = results[0] if single and results else results
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if any_errors:
        batch.exit_code = max(batch.exit_code, EXIT_ERRORS)
    sys.exit(batch.exit_code)



# -- writing reports -----------------------------------------------------------------------------


def _write_bytes(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically (see `_atomic`)."""
    try:
        with _atomic(target, "wb") as f:
            f.write(data)
    except _CannotWrite as e:
        raise _CannotWrite(str(e).replace("cannot write:", f"cannot write {target}:", 1)) from None


def _targets(items: list[Path | str], to: str, output: str | None) -> list[Path | str] | str:
    """Where each input's output goes ('-' for stdout), or a usage error message."""
    if len(items) == 1 and not (output and Path(output).is_dir()):
        item = items[0]
        if output in (None, ""):
            if item == "-":
                return "reading stdin: give -o FILE (or -o - for stdout)"
            return [Path(Path(item).stem + "." + to)]
        return ["-" if output == "-" else Path(output)]
    if not output or output == "-":
        return "several inputs: give -o DIR, a directory for the outputs"
    out_dir = Path(output)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        return f"{output}: cannot create the output directory: {e.strerror or e}"
    seen: dict[str, int] = {}
    targets: list[Path | str] = []
    for item in items:
        stem = "stdin" if item == "-" else Path(item).stem
        n = seen[stem] = seen.get(stem, 0) + 1
        targets.append(out_dir / (f"{stem}.{to}" if n == 1 else f"{stem}-{n}.{to}"))
    return targets


def _write_reports(inputs: tuple[str, ...], to: str, output: str | None, allow_errors: bool, draft: bool,
                   load: Callable[[Path | str, str], Report]) -> None:
    """The body of `render` and `convert`: load each input, check it, write it in format `to`.

    An unknown format is one line and exit 2 before any input is read (not click's three-line usage
    error: the message is `xxgk.UnknownFormat`'s, the same as `xxgk.render` raises)."""
    try:
        check_format(to)
    except xxgk.UnknownFormat as e:
        click.echo(f"xxgk: {e}", err=True)
        sys.exit(EXIT_UNREADABLE)
    batch = Batch()
    items = _inputs(inputs)
    targets = _targets(items, to, output)
    if isinstance(targets, str):
        raise click.UsageError(targets)
    refused = False
    for item, target in zip(_progress(items, "rendering"), targets):
        label = _label(item)
        if target != "-" and item != "-" and Path(target).resolve() == Path(item).resolve():
            batch.fail(label, "refusing to overwrite the input with its own output; give -o")
            continue

        def run(item: Path | str = item, label: str = label, target: Path | str = target) -> bool:
            report = load(item, label)
            if draft:
                from xxgk.report.narrative import draft_sections

                report.sections.update(draft_sections(report, keep_existing=True))
            errors = [f for f in report.check() if f.severity == "error"]
            for f in errors:
                click.echo(f"xxgk: {label}: {f.severity} {f.rule}: {f.message}", err=True)
            if errors and not allow_errors:
                click.echo(f"xxgk: {label}: not written: {len(errors)} error(s) in the report (--allow-errors writes it anyway)", err=True)
                return False
            data = xxgk.render(report, to, allow_errors=True)
            if target == "-":
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                _write_bytes(Path(target), data)
            return True

        try:
            written = batch.run(label, run)
        except _CannotWrite as e:
            batch.fail(label, str(e))
            continue
        if written is False:
            refused = True
    if refused:
        batch.exit_code = max(batch.exit_code, EXIT_ERRORS)
    sys.exit(batch.exit_code)


def _load_json(item: Path | str, label: str) -> Report:
    """A report in the xxgk/report@1 contract, from a file or stdin."""
    try:
        text = sys.stdin.read() if item == "-" else Path(item).read_text(encoding="utf-8")
    except OSError as e:
        raise xxgk.InputError(f"cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError as e:
        raise xxgk.EncodingError(f"not UTF-8 JSON (byte {e.start}); `xxgk convert` reads any report") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise xxgk.InputError(f"not JSON ({e.msg} at line {e.lineno}); `xxgk convert` reads reports in any other form") from None
    if not isinstance(data, dict):
        raise xxgk.InputError("not a report object: expected the JSON of `xxgk parse` (one report, not an array)")
    try:
        return Report.from_dict(data)
    except xxgk.InvalidReport:
        raise  # its own message says what disagrees with what
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        raise xxgk.InputError(f"not an xxgk/report@1 object: {_one_line(e)}") from None


_WRITE_OPTIONS = [
    click.option("-t", "--to", "to", metavar="FORMAT", required=True, help=f"Output format: {', '.join(WRITE_FORMATS)}."),
    click.option("-o", "--output", help="Output file ('-' for stdout); a directory for several inputs. Default: <input stem>.<format> here."),
    click.option("--allow-errors", is_flag=True, help="Write even when an identity fails (the findings are printed)."),
    click.option("--draft", is_flag=True, help="Draft the empty sections 一–六 from the numbers (xxgk.report.narrative)."),
]


def _write_options(f: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_WRITE_OPTIONS):
        f = option(f)
    return f


@main.command("render")
@click.argument("inputs", nargs=-1, required=True, metavar="REPORT.json… | -")
@_write_options
def render_cmd(inputs: tuple[str, ...], to: str, output: str | None, allow_errors: bool, draft: bool) -> None:
    """Write reports given as JSON (the output of `xxgk parse`) in the official layout.

    A report whose identities fail is not written (exit 1) unless --allow-errors is given.
    """
    _write_reports(inputs, to, output, allow_errors, draft, _load_json)


@main.command("convert")
@click.argument("inputs", nargs=-1, required=True, metavar="FILE… | DIR | -")
@_write_options
def convert_cmd(inputs: tuple[str, ...], to: str, output: str | None, allow_errors: bool, draft: bool) -> None:
    """Read reports in any form (text, HTML, Word, Excel, PDF, scans) and write them in the official layout."""
    _write_reports(inputs, to, output, allow_errors, draft, lambda item, label: xxgk.parse(item, name=label))


def _register_store_commands() -> None:
    # The store's verbs live beside the store (xxgk/store/commands); Django is imported only when
    # one of them runs, so `xxgk parse` stays as fast to start as before.
    from .store.commands import register
    from .web.commands import register as register_web

    register(main)
    register_web(main)


_register_store_commands()
