"""Mutation fuzzing of the readers (issue 13, point 8): hostile files never crash.

Every input goes through `xxgk.parse(bytes)`, `report.check()` and `report.to_json()` in a separate
worker process; a Report or an `XxgkError` passes, any other exception, a hang or a dead worker is a
bug. `corpus` builds the starting points, `mutate` damages them, `worker` runs one input, `runner`
drives the loop and saves crashes to `crashes/`, `known` lists the bugs owned elsewhere;
`test_fuzz.py` replays `crashes/` and runs a bounded, seeded fuzz every test run.

    python -m tests.fuzz --minutes 10            # a longer local run (nice it: the machine is shared)
    python -m tests.fuzz --seed 3 --index 1234 --save x.pdf   # write one input again
"""
