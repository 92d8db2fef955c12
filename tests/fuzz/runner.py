"""The fuzz loop: mutated inputs through one worker process, with a time limit per input.

    summary = fuzz(seconds=60, seed=0)             # deterministic inputs, bounded time
    outcome = Worker().run(data)                    # one input: ok / refused / crash / hang / died

Input `i` of a run with seed `s` is a pure function of `(s, i)` and the starting points
(`tests.fuzz.corpus`): `python -m tests.fuzz --seed s --index i --save x.bin` writes it again. The
first inputs of every run are the starting points themselves, unmutated.

Outcomes: `ok` (a Report, checked) and `refused` (an `XxgkError`) pass; `crash` (any other
exception), `hang` (no answer within `timeout` seconds: the worker's stacks are dumped, then it is
killed and restarted) and `died` (the worker process ended: a segfault, or the kernel's OOM killer)
are bugs. A bug's signature is `reader:Type`, the reader being the first two parts of the innermost
frame's path inside src/xxgk (`read/pdf`, also once pdf.py is a package) and Type the exception (or
`Hang` / `Died`). Each new bug is minimised (chunks removed while the signature stays) and written to
`crash_dir` as `<reader>-<Type>-<sha12>.<ext>`, gzipped above `GZIP_ABOVE` bytes.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import random
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import REPO, Start, starting_points
from .mutate import mutate
from .worker import DEFAULT_MEMORY_MB

#: Seconds one input may take before it counts as a hang. The slowest legitimate inputs are PDFs whose
#: pages lost their text layer and go to OCR (~1.5–3 s a page); 30 s is ten such pages.
DEFAULT_TIMEOUT = 30.0
#: Crash files above this size are stored gzipped (the regression directory holds small files).
GZIP_ABOVE = 64 * 1024
#: Seconds spent minimising one crash (each try is one run of the worker).
MINIMISE_SECONDS = 20.0
#: Relative choice weight of starting points by kind: scans go through OCR (~1 s each), so rarer.
KIND_WEIGHTS = {"text": 1.0, "html": 1.0, "docx": 1.0, "xlsx": 1.0, "pdf": 1.0, "image": 0.15}
CRASH_DIR = Path(__file__).resolve().parent / "crashes"
EXTENSIONS = {"text": "txt", "html": "html", "docx": "docx", "xlsx": "xlsx", "pdf": "pdf", "image": "png"}

_FAULT_FRAME = re.compile(r'File "([^"]+)", line (\d+) in (\S+)')


@dataclass
class Outcome:
    status: str  # ok, refused, skipped, crash, hang, died
    type: str = ""
    message: str = ""
    where: str = ""
    traceback: str = ""
    seconds: float = 0.0

    @property
    def bug(self) -> bool:
        return self.status in ("crash", "hang", "died")

    @property
    def signature(self) -> str:
        """'read/pdf:PdfiumError': the reader (two path parts of `where`) and the exception type."""
        parts = self.where.split(":")[0].split("/")
        reader = "/".join(parts[:2]).removesuffix(".py") if len(parts) >= 2 else parts[0].removesuffix(".py")
        return f"{reader or '?'}:{self.type}"


def _stack_where(text: str) -> str:
    """The innermost xxgk frame of a faulthandler dump (most recent call first), as worker.locate."""
    from .worker import locate

    # One thread's block, innermost frame first; locate wants the innermost last.
    first = text.strip().split("\n\n")[0]
    frames = [(m.group(1), m.group(3), int(m.group(2))) for m in _FAULT_FRAME.finditer(first)]
    return locate(list(reversed(frames)))


class Worker:
    """One child process (`tests.fuzz.worker`) fed inputs one at a time; restarted after a hang or death."""

    def __init__(self, target: str = "tests.fuzz.worker:parse_and_check", *, timeout: float = DEFAULT_TIMEOUT,
                 memory_mb: int = DEFAULT_MEMORY_MB, nice: int = 0) -> None:
        self.target, self.timeout, self.memory_mb, self.nice = target, timeout, memory_mb, nice
        self.proc: subprocess.Popen[bytes] | None = None
        self.log: tempfile._TemporaryFileWrapper[bytes] | None = None  # type: ignore[name-defined]

    def _start(self) -> None:
        self.log = tempfile.NamedTemporaryFile(prefix="xxgk-fuzz-", suffix=".log")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), str(REPO), os.environ.get("PYTHONPATH", "")])}
        env.pop("XXGK_DEBUG", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.fuzz.worker", self.target, str(self.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, cwd=REPO, env=env,
            preexec_fn=(lambda: os.nice(self.nice)) if self.nice else None,
        )
        ready = self._answer(120.0)
        if ready is None or ready.get("status") != "ready":
            raise RuntimeError(f"fuzz worker did not start: {self._log_tail()}")

    def _answer(self, timeout: float) -> dict | None:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        line = self.proc.stdout.readline()
        return json.loads(line) if line else {"status": "died"}

    def _log_tail(self) -> str:
        if self.log is None:
            return ""
        self.log.flush()
        with open(self.log.name, "rb") as f:
            f.seek(max(0, os.path.getsize(self.log.name) - 20000))
            return f.read().decode("utf-8", "replace")

    def _restart_log(self) -> None:
        if self.log is not None:
            self.log.close()
            self.log = None

    def run(self, data: bytes) -> Outcome:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        assert self.proc is not None and self.proc.stdin is not None
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write(len(data).to_bytes(4, "big") + data)
            self.proc.stdin.flush()
            answer = self._answer(self.timeout)
        except BrokenPipeError:
            answer = {"status": "died"}
        seconds = time.perf_counter() - t0
        if answer is None:  # a hang: dump the stacks, then kill
            self.proc.send_signal(signal.SIGUSR1)
            time.sleep(0.5)
            dump = self._log_tail()
            self.close()
            return Outcome("hang", "Hang", f"no answer in {self.timeout:.0f} s", _stack_where(dump.split("Current thread")[-1] if "Current thread" in dump else dump), dump[-4000:], seconds)
        if answer["status"] == "died":
            self.proc.wait(5)
            code = self.proc.returncode
            dump = self._log_tail()
            self.close()
            what = f"signal {-code}" if code is not None and code < 0 else f"exit {code}"
            return Outcome("died", "Died", f"worker ended ({what})", _stack_where(dump.split("Fatal Python error")[-1]), dump[-4000:], seconds)
        return Outcome(answer["status"], answer.get("type", ""), answer.get("message", ""), answer.get("where", ""),
                       answer.get("traceback", ""), answer.get("seconds", seconds))

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            for f in (self.proc.stdin, self.proc.stdout):
                if f is not None:
                    f.close()
            self.proc = None
        self._restart_log()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- inputs ----------------------------------------------------------------------------------------


def make_input(starts: list[Start], seed: int, index: int) -> tuple[bytes, Start, list[str]]:
    """Input `index` of the run with `seed`: (bytes, its starting point, the mutations applied)."""
    if index < len(starts):
        return starts[index].data, starts[index], []
    rng = random.Random(f"{seed}:{index}")
    start = rng.choices(starts, weights=[KIND_WEIGHTS.get(s.kind, 1.0) for s in starts])[0]
    other = rng.choice(starts)
    data, names = mutate(start, other, rng)
    return data, start, names


# -- crashes -----------------------------------------------------------------------------------------


def minimise(worker: Worker, data: bytes, signature: str, *, seconds: float = MINIMISE_SECONDS) -> bytes:
    """`data` with chunks removed while the outcome keeps `signature` (halving chunk sizes down to
    one 256th of the input), within `seconds`."""
    deadline = time.monotonic() + seconds
    n = 2
    while len(data) > 1 and n <= 256 and time.monotonic() < deadline:
        size = max(1, len(data) // n)
        i, removed = 0, False
        while i < len(data) and time.monotonic() < deadline:
            candidate = data[:i] + data[i + size :]
            out = worker.run(candidate)
            if out.bug and out.signature == signature:
                data, removed = candidate, True
            else:
                i += size
        if not removed:
            n *= 2
    return data


def save_crash(data: bytes, outcome: Outcome, kind: str, crash_dir: Path) -> Path:
    """Write `data` as `<reader>-<Type>-<sha12>.<ext>[.gz]` in `crash_dir`."""
    reader, typ = outcome.signature.split(":", 1)
    name = f"{reader.replace('/', '.')}-{typ}-{hashlib.sha256(data).hexdigest()[:12]}.{EXTENSIONS.get(kind, 'bin')}"
    crash_dir.mkdir(parents=True, exist_ok=True)
    if len(data) > GZIP_ABOVE:
        path = crash_dir / (name + ".gz")
        path.write_bytes(gzip.compress(data, mtime=0))
    else:
        path = crash_dir / name
        path.write_bytes(data)
    return path


def load_crash(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def signature_of(path: Path) -> str:
    """'read/pdf:PdfiumError' from a crash file's name."""
    reader, typ = path.name.split("-")[:2]
    return f"{reader.replace('.', '/')}:{typ}"


# -- the loop ------------------------------------------------------------------------------------------


@dataclass
class Bug:
    signature: str
    index: int
    start: str
    mutations: list[str]
    outcome: Outcome
    path: Path | None = None


@dataclass
class Summary:
    seed: int
    inputs: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    bugs: list[Bug] = field(default_factory=list)
    slowest: list[tuple[float, int, str]] = field(default_factory=list)

    def counts(self) -> Counter:
        return Counter(b.signature for b in self.bugs)

    def text(self) -> str:
        lines = [f"seed {self.seed}: {self.inputs} inputs in {self.seconds:.0f} s ({dict(self.by_kind)}); "
                 f"outcomes {dict(self.statuses)}"]
        for sig, n in self.counts().most_common():
            first = next(b for b in self.bugs if b.signature == sig)
            lines.append(f"  {n} × {sig} at {first.outcome.where}: {first.outcome.message[:160]} "
                         f"(first: --seed {self.seed} --index {first.index}, from {first.start} by {'+'.join(first.mutations)}"
                         + (f"; saved {first.path}" if first.path else "") + ")")
        if self.slowest:
            lines.append("  slowest: " + ", ".join(f"{s:.1f} s (#{i} {n})" for s, i, n in sorted(self.slowest, reverse=True)[:5]))
        return "\n".join(lines)


def fuzz(*, seconds: float, seed: int = 0, first: int = 0, max_inputs: int | None = None, starts: list[Start] | None = None,
         crash_dir: Path | None = CRASH_DIR, timeout: float = DEFAULT_TIMEOUT, minimise_seconds: float = MINIMISE_SECONDS,
         saves_per_signature: int = 2, dont_save: frozenset[str] | set[str] = frozenset(),
         target: str = "tests.fuzz.worker:parse_and_check", nice: int = 0,
         progress: bool = False) -> Summary:
    """Run inputs `first`, `first`+1, … of `seed` for `seconds` (or `max_inputs` inputs), one at a time."""
    starts = starts if starts is not None else starting_points()
    summary = Summary(seed)
    saved: Counter = Counter()
    t0 = time.monotonic()
    last_note = t0
    with Worker(target, timeout=timeout, nice=nice) as worker:
        i = first
        while time.monotonic() - t0 < seconds and (max_inputs is None or i - first < max_inputs):
            data, start, names = make_input(starts, seed, i)
            out = worker.run(data)
            summary.inputs += 1
            summary.statuses[out.status if out.status != "refused" else f"refused:{out.type}"] += 1
            summary.by_kind[start.kind] += 1
            summary.slowest = sorted(summary.slowest + [(out.seconds, i, start.name)], reverse=True)[:5]
            if out.bug:
                bug = Bug(out.signature, i, start.name, names, out)
                fine = (out.type, out.where)
                if crash_dir is not None and out.signature not in dont_save and saved[fine] < saves_per_signature:
                    saved[fine] += 1
                    small = minimise(worker, data, out.signature, seconds=minimise_seconds) if minimise_seconds > 0 else data
                    bug.path = save_crash(small, out, start.kind, crash_dir)
                summary.bugs.append(bug)
                if progress:
                    print(f"#{i} {out.status} {out.signature} at {out.where}: {out.message[:200]} ({start.name} {'+'.join(names)})",
                          file=sys.stderr, flush=True)
            if progress and time.monotonic() - last_note > 60:
                last_note = time.monotonic()
                print(f"[{last_note - t0:.0f} s] {summary.inputs} inputs, {dict(summary.statuses)}", file=sys.stderr, flush=True)
            i += 1
    summary.seconds = time.monotonic() - t0
    return summary
