"""The demo: a fictional hierarchy, three years of its reports and the accounts to look at them.

    from xxgk.web import demo
    result = demo.load("xxgk.sqlite3")     # or a postgres:// URL; None: DATABASE_URL or ./xxgk.sqlite3
    result.logins, result.password         # who can log in, with which password

`xxgk demo` is this function's command line. What is loaded (`plan.py` lists every exception):

- 甲省 → 乙市 → 丙县, 丁县, 戊区, 己区, with their townships, 街道 and departments: 53 agencies
  (`hierarchy.py`), every code starting with 99 (no real 行政区划代码 does);
- a report per agency and year for 2022–2025 (丙县教育局 2025: compiled by its office, `office.py`), generated here (`tables.py`: every hard identity of
  report-json.md holds, last year's 结转 carried over, numbers of each kind of agency's size; the
  narrative drafted by `xxgk.report.narrative` and filled in by `text.py`), written with xxgk's own
  writers as HTML, Word, PDF, Excel, Markdown, plain text and one scanned PDF (`media.py`), and
  ingested by `xxgk.store.batch.run` with a fictional origin URL and fetch time, exactly as a
  crawl's files would be;
- on purpose: 6 reports published late, 6 agency-years missing, 4 reports with arithmetic errors
  and 1 without tables (5 with errors), 1 narrative copied from a neighbour (雷同), 1 carry-over
  that does not match last year's;
- the demo accounts (`logins.py`), one password for all.

Idempotent: an agency-year that already has a report is not published again (and not even
rendered), the agencies and accounts are updated in place. A second run takes a second or two.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import plan
from .logins import PASSWORD, Login

__all__ = ["load", "Demo", "PASSWORD"]


@dataclass
class Demo:
    """What `load` did."""

    agencies: int
    planned: int  # reports in the plan
    already: int  # of them already in the store (not published again)
    summary: Any  # the batch's `Summary` (None when nothing was new)
    logins: list[Login] = field(default_factory=list)
    password: str = PASSWORD
    seconds: float = 0.0
    #: What the office demo did (`office.OfficeDemo`), None when not asked for.
    office: Any = None

    @property
    def added(self) -> int:
        return int(self.summary.read) if self.summary is not None else 0


def setup(db: str | os.PathLike[str] | None = None) -> None:
    """Django with the web project's settings on `db` (else DATABASE_URL, else ./xxgk.sqlite3),
    the tables created or upgraded. In a process where Django is already configured (tests, a
    running web app) the configured database is used and `db` must be None."""
    from django.conf import settings

    from .. import setup as web_setup

    if db is not None:
        if settings.configured:
            raise RuntimeError("Django is already configured in this process; pass no database")
        os.environ["DATABASE_URL"] = str(db)
    if not settings.configured and not os.environ.get("XXGK_SECRET_KEY") and not os.environ.get("XXGK_DEBUG"):
        # The settings want a key for the web app's signed cookies; loading data signs nothing, so a
        # throwaway key for this process is enough (the web app keeps requiring its own).
        import secrets

        os.environ["XXGK_SECRET_KEY"] = secrets.token_urlsafe(32)
    web_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def load(db: str | os.PathLike[str] | None = None, *, seed: int = 15, years: tuple[int, ...] = plan.YEARS,
         scan: bool | None = None, password: str = PASSWORD,
         progress: Callable[[int, int], None] | None = None, configure: bool = True, office: bool = True) -> Demo:
    """Load the demo into the store at `db` (see `setup`); returns what was done.

    `scan` (default: when the OCR extra is installed) publishes one report as a scanned PDF, read by
    OCR on ingestion (~5 s); without it that report is a born-digital PDF. `progress(done, total)`
    follows the batch. `configure=False` uses Django as the caller set it up. `office` (default) also
    loads the disclosure office of 丙县教育局 (`office.py`: its records of 2025–2026, its published
    2025 report and its staff accounts)."""
    start = time.perf_counter()
    if configure:
        setup(db)
    from xxgk.store import batch
    from xxgk.store.models import Report

    from . import hierarchy, logins, media
    from .build import Builder

    agencies = hierarchy.install()
    if scan is None:
        scan = media.can_scan()
    entries = plan.entries(seed, years, scan=scan)
    have = set(Report.objects.filter(agency__code__in=[a.code for a in hierarchy.AGENCIES], year__in=years)
               .values_list("agency__code", "year"))
    todo = [e for e in entries if e.key not in have]
    summary = None
    if todo:
        builder = Builder(seed, years)
        summary = batch.run(["xxgk demo"], items=[builder.item(e) for e in todo], progress=progress)
    accounts = logins.install(password)
    done = None
    if office:
        from . import office as office_demo

        done = office_demo.load(password=password)
        accounts += office_demo.logins()
    return Demo(agencies=len(agencies), planned=len(entries), already=len(entries) - len(todo), summary=summary,
                logins=accounts, password=password, seconds=time.perf_counter() - start, office=done)
