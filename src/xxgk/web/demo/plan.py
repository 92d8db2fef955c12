"""What the demo publishes: for every agency and year, whether a report exists, in which medium,
when it was published and fetched, and what is wrong with it on purpose.

The exceptions are written out here, not drawn at random, so that a person trying the demo (and its
tests) knows what the web app must find: six late reports, six missing ones, five with errors,
one scanned, one without tables, one narrative copied (雷同), one carry-over that does not match.
Everything else is drawn from a seeded generator: the same plan on every run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from .hierarchy import AGENCIES, BY_CODE, DemoAgency
from .media import SUFFIX

YEARS: tuple[int, ...] = (2022, 2023, 2024, 2025)
#: Agency-years whose report is not generated here: 丙县教育局 compiles and publishes its 2025 report
#: from its records in the office demo (`office.py`), as an office using xxgk would.
OFFICE: frozenset[tuple[str, int]] = frozenset({("990101-JYJ", 2025)})

#: (code, year) → publication date after the statutory deadline (31 January for departments and
#: townships, 31 March for governments: store/quality/thresholds.py).
LATE: dict[tuple[str, int], str] = {
    ("990101004", 2023): "2024-02-26",  # 丙县柳林镇人民政府
    ("990102", 2024): "2025-04-15",  # 丁县人民政府 (a government, after 31 March)
    ("990102-JYJ", 2022): "2023-03-10",  # 丁县教育局
    ("990103001", 2024): "2025-02-05",  # 戊区东城街道办事处
    ("9901-JTYSJ", 2023): "2024-02-20",  # 乙市交通运输局
    ("990104-SFJ", 2024): "2025-03-02",  # 己区司法局
}
#: Published in February: late for a department, on time for a government (deadline 31 March).
FIXED_DATES: dict[tuple[str, int], str] = {("990103", 2024): "2025-02-20"}  # 戊区人民政府
#: Agency-years without a report.
MISSING: frozenset[tuple[str, int]] = frozenset({
    ("990101003", 2024),  # 丙县云溪镇人民政府
    ("990102-NYNCJ", 2023), ("990102-NYNCJ", 2024),  # 丁县农业农村局, two years
    ("990104002", 2022),  # 己区长青街道办事处
    ("990103-ZJJ", 2024),  # 戊区住房和城乡建设局
    ("9901-TJJ", 2024),  # 乙市统计局
})
#: Arithmetic errors (tables.inject kinds), each breaking a hard identity.
ERRORS: dict[tuple[str, int], str] = {
    ("990101-CZJ", 2023): "double_count",  # 丙县财政局
    ("990102001", 2024): "row_sum",  # 丁县桃源镇人民政府
    ("990104-JYJ", 2022): "t4_block_sum",  # 己区教育局
    ("9901-SCJGJ", 2024): "results_total",  # 乙市市场监督管理局
}
#: 二、上年结转 not last year's 四 (a warning, no error).
CROSS_YEAR: frozenset[tuple[str, int]] = frozenset({("990103-JYJ", 2024)})  # 戊区教育局
#: Printed, scanned and published as image pages (read by OCR; no date is read from it).
SCAN: tuple[str, int] = ("990102003", 2023)  # 丁县新安镇人民政府
#: The page prints the prose only (its tables were images): the reader reports the tables missing,
#: which are errors too.
NO_TABLES: tuple[str, int] = ("990104003", 2023)  # 己区临江镇人民政府
#: (copier, source): the copier's narrative is the source's with the names replaced (雷同).
COPIED: tuple[tuple[str, int], tuple[str, int]] = (("990103002", 2023), ("990103003", 2023))  # 西城 ← 南湖街道
#: Media fixed by plan; the rest are drawn (`_MEDIA`).
FIXED_MEDIA: dict[tuple[str, int], str] = {
    ("9901-TJJ", 2023): "xlsx", ("990101-CZJ", 2022): "xlsx",
    # PDFs take a second each to write (WeasyPrint): the governments' reports, as they print them.
    **{(code, y): "pdf" for code in ("9901",) for y in YEARS}, ("99", 2024): "pdf", ("990101", 2024): "pdf",
}
_MEDIA = {"html": 0.47, "docx": 0.30, "md": 0.08, "txt": 0.15}

#: The demo sites (fictional: the reserved .example domain), by the county or city an agency is in.
_SITES = {"99": "jiasheng", "9901": "yishi", "990101": "bingxian", "990102": "dingxian", "990103": "wuqu", "990104": "jiqu"}
_TZ = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Entry:
    """One report the demo publishes."""

    agency: DemoAgency
    year: int
    medium: str  # media.SUFFIX key
    published_on: str | None  # ISO date printed under the signature; None: no date is printed
    fetched_at: dt.datetime
    origin: str
    injection: str | None = None  # tables.INJECTIONS key
    copy_of: tuple[str, int] | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.agency.code, self.year)


def deadline(agency: DemoAgency, year: int) -> dt.date:
    month, day = (1, 31) if agency.level in ("department", "township") else (3, 31)
    return dt.date(year + 1, month, day)


def _site(agency: DemoAgency) -> str:
    """The site of the agency's county (or city, or province): its code's first 6, 4 or 2 digits."""
    base = agency.code.split("-")[0]
    return _SITES[base[:6] if len(base) >= 6 else base]


def _date(rng: random.Random, agency: DemoAgency, year: int) -> str:
    if agency.level in ("department", "township"):
        return dt.date(year + 1, 1, rng.randint(6, 30)).isoformat()
    return (dt.date(year + 1, 1, 15) + dt.timedelta(days=rng.randint(0, 70))).isoformat()


def entries(seed: int = 15, years: tuple[int, ...] = YEARS, *, scan: bool = True) -> list[Entry]:
    """Every report of the demo, parents before children, years in order. `scan=False` publishes
    the scanned report as a born-digital PDF (no OCR installed)."""
    out = []
    for agency in AGENCIES:
        for year in years:
            key = (agency.code, year)
            if key in MISSING or key in OFFICE:
                continue
            rng = random.Random(f"{seed}:plan:{agency.code}:{year}")
            medium = FIXED_MEDIA.get(key) or rng.choices(list(_MEDIA), weights=list(_MEDIA.values()))[0]
            if key == SCAN:
                medium = "scan" if scan else "pdf"
            elif key == NO_TABLES:
                medium = "no_tables"
            published = LATE.get(key) or FIXED_DATES.get(key) or _date(rng, agency, year)
            day = dt.date.fromisoformat(published) + dt.timedelta(days=rng.randint(1, 20))
            fetched = dt.datetime(day.year, day.month, day.day, rng.randint(8, 20), rng.randint(0, 59), tzinfo=_TZ)
            origin = f"https://{_site(agency)}.example/xxgk/ndbg/{year}/{agency.code}{SUFFIX[medium]}"
            out.append(Entry(agency, year, medium, None if medium == "scan" else published, fetched, origin,
                             ERRORS.get(key) or ("cross_year" if key in CROSS_YEAR else None),
                             COPIED[1] if key == COPIED[0] else None))
    return out


def expected_late() -> set[tuple[str, int]]:
    """The late agency-years, recomputed from the plan's dates (the tests' second opinion)."""
    return {e.key for e in entries() if e.published_on and dt.date.fromisoformat(e.published_on) > deadline(e.agency, e.year)}


__all__ = ["YEARS", "OFFICE", "LATE", "MISSING", "ERRORS", "CROSS_YEAR", "SCAN", "NO_TABLES", "COPIED", "Entry", "entries",
           "deadline", "BY_CODE"]
