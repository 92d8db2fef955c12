"""The fuzzer's child process: reads inputs from stdin, runs each through xxgk, answers one JSON line.

Run as `python -m tests.fuzz.worker [MODULE:FUNCTION]` by `tests.fuzz.runner.Worker`, never by hand.
Frames on stdin are a 4-byte big-endian length and the input's bytes. The answer for each is
`{"status": "ok" | "refused" | "crash" | "skipped", "type", "message", "where", "traceback", "seconds"}`:
`refused` is an `XxgkError` (the reader said no, as it should), `crash` any other exception, with
`where` the innermost frame inside `src/xxgk` (or the innermost frame at all).

The process is separate so that the parent can kill a hang and survive a segfault in a C library
(PDFium, lxml, ONNX Runtime); its memory is capped (`RLIMIT_AS`) so that a blow-up is a MemoryError
here rather than the machine swapping. Libraries that print to stdout would corrupt the protocol, so
the answers go to a duplicate of the original stdout and fd 1 is pointed at stderr. faulthandler
dumps every thread's stack to stderr on SIGUSR1 (sent by the parent before it kills a hang) and on
a fatal signal, which is how a hang or a segfault is located.
"""

from __future__ import annotations

import faulthandler
import importlib
import json
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable

#: Memory cap of the worker (address space, MiB): OCR of a 100 MP page peaks near 1 GiB.
DEFAULT_MEMORY_MB = 4096


def parse_and_check(data: bytes) -> str:
    """The fuzz target: what a user does with an input. Returns "skipped" for inputs that would be
    handed to LibreOffice (legacy Office / ODT): a separate program, not one of xxgk's readers."""
    import xxgk
    from xxgk.read.docx import sniff_office

    if sniff_office(data) in ("doc", "odt"):
        return "skipped"
    report = xxgk.parse(data)
    report.check()
    report.to_json()
    return "ok"


def locate(frames: list[tuple[str, str, int]]) -> str:
    """'read/pdf.py:_load_page:123', the innermost of `frames` (file, function, line) inside
    src/xxgk, or else the innermost frame at all."""
    for path, func, line in reversed(frames):
        norm = path.replace(os.sep, "/")
        if "/xxgk/" in norm and "/tests/" not in norm:
            return f"{norm.rsplit('/xxgk/', 1)[1]}:{func}:{line}"
    if frames:
        path, func, line = frames[-1]
        return f"{os.path.basename(path)}:{func}:{line}"
    return "?"


def run_one(target: Callable[[bytes], str | None], data: bytes) -> dict:
    from xxgk.errors import XxgkError

    t0 = time.perf_counter()
    try:
        status = target(data) or "ok"
        out: dict = {"status": status}
    except XxgkError as e:
        out = {"status": "refused", "type": type(e).__name__, "message": str(e)[:300]}
    except BaseException as e:  # noqa: BLE001 (the point: anything else is a bug)
        if isinstance(e, KeyboardInterrupt):
            raise
        tb = traceback.extract_tb(e.__traceback__)
        out = {
            "status": "crash",
            "type": type(e).__name__,
            "message": str(e)[:300],
            "where": locate([(f.filename, f.name, f.lineno or 0) for f in tb]),
            "traceback": "".join(traceback.format_exception(e, limit=-12))[-4000:],
        }
    out["seconds"] = round(time.perf_counter() - t0, 3)
    return out


def _read_exact(stream, n: int) -> bytes | None:  # type: ignore[no-untyped-def]
    buf = bytearray()
    while len(buf) < n:
        chunk = stream.read(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return bytes(buf)


def main(argv: list[str]) -> int:
    spec = argv[0] if argv else "tests.fuzz.worker:parse_and_check"
    memory_mb = int(argv[1]) if len(argv) > 1 else DEFAULT_MEMORY_MB
    module, func = spec.split(":")
    target = getattr(importlib.import_module(module), func)
    answers = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    faulthandler.enable(all_threads=True)
    faulthandler.register(signal.SIGUSR1, all_threads=True)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 1000))
    stdin = sys.stdin.buffer
    answers.write(b'{"status": "ready"}\n')
    while True:
        head = _read_exact(stdin, 4)
        if head is None:
            return 0
        data = _read_exact(stdin, int.from_bytes(head, "big"))
        if data is None:
            return 0
        answers.write(json.dumps(run_one(target, data)).encode() + b"\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
