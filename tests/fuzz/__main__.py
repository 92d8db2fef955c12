"""`python -m tests.fuzz`: a fuzz run from the command line (see tests/fuzz/__init__.py).

    python -m tests.fuzz --minutes 10 --seed 7        # crashes go to tests/fuzz/crashes/
    python -m tests.fuzz --seed 7 --index 4242 --save input.bin
    python -m tests.fuzz --replay tests/fuzz/crashes/some-file.pdf.gz

Exit status 1 when a bug outside `known.OPEN` was found.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .corpus import starting_points
from .known import OPEN
from .runner import CRASH_DIR, DEFAULT_TIMEOUT, Worker, fuzz, load_crash, make_input


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0, help="time budget (default 10)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--first", type=int, default=0, help="skip inputs before this index")
    ap.add_argument("--max-inputs", type=int)
    ap.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds per input before it is a hang")
    ap.add_argument("--images", action="store_true", help="also start from a small PNG scan (OCR, ~1 s an input)")
    ap.add_argument("--kinds", help="only starting points of these kinds, e.g. image,pdf (text, html, docx, xlsx, pdf, image)")
    ap.add_argument("--crash-dir", type=Path, default=CRASH_DIR)
    ap.add_argument("--no-minimise", action="store_true")
    ap.add_argument("--nice", type=int, default=10)
    ap.add_argument("--index", type=int, help="with --save: write input INDEX of --seed and stop")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--replay", type=Path, nargs="*", help="run these saved inputs and print each outcome")
    args = ap.parse_args(argv)
    if args.nice:
        os.nice(args.nice)
    if args.replay is not None:
        bad = 0
        with Worker(timeout=args.timeout) as w:
            for p in args.replay:
                out = w.run(load_crash(p))
                bad += out.bug
                print(f"{p.name}: {out.status} {out.type} {out.where} {out.message[:200]}")
                if out.bug and out.traceback:
                    print(out.traceback)
        return 1 if bad else 0
    starts = starting_points(images=args.images or bool(args.kinds and "image" in args.kinds))
    if args.kinds:
        starts = [s for s in starts if s.kind in args.kinds.split(",")]
    if args.index is not None:
        data, start, names = make_input(starts, args.seed, args.index)
        print(f"input {args.index} of seed {args.seed}: {start.name} by {'+'.join(names) or 'nothing'}, {len(data)} bytes")
        if args.save:
            args.save.write_bytes(data)
        return 0
    summary = fuzz(seconds=args.minutes * 60, seed=args.seed, first=args.first, max_inputs=args.max_inputs, starts=starts,
                   crash_dir=args.crash_dir, dont_save=set(OPEN), timeout=args.timeout, minimise_seconds=0 if args.no_minimise else 20.0,
                   progress=True)
    print(summary.text())
    new = [b for b in summary.bugs if b.signature not in OPEN]
    return 1 if new else 0


if __name__ == "__main__":
    sys.exit(main())
