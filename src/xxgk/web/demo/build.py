"""A planned demo report (`plan.Entry`) → the `Report` and the published file, as a batch item.

The tables of an agency are drawn as one series over the demo's years (`tables.series`), so every
report carries over last year's figures; a missing year is still drawn (the office kept its books),
just not published.
"""

from __future__ import annotations

import functools
import random
from typing import Any

from xxgk.report.model import Report

from . import media, plan, tables, text
from .hierarchy import BY_CODE, DemoAgency

FORMAT = "2021"


class Builder:
    """Builds the demo's reports; caches each agency's series and each report's sections (a copied
    narrative needs its source's)."""

    def __init__(self, seed: int, years: tuple[int, ...]) -> None:
        self.seed = seed
        self.years = tuple(sorted(years))

    @functools.lru_cache(maxsize=None)  # noqa: B019 (one Builder per load)
    def series(self, code: str) -> dict[int, tables.Values]:
        agency = BY_CODE[code]
        rng = random.Random(f"{self.seed}:tables:{code}")
        city_level = agency.level in ("province", "city") or agency.parent in ("99", "9901")
        profile = tables.profile(rng, agency.kind, city_level=city_level, rule_making=agency.level in ("province", "city"))
        return tables.series(rng, profile, list(self.years))

    def _sections(self, report: Report, agency: DemoAgency, published_on: str | None) -> dict[str, str]:
        return text.sections(report, style=random.Random(f"{self.seed}:style:{agency.code}"),
                             year=random.Random(f"{self.seed}:text:{agency.code}:{report.year}"),
                             short=agency.short, kind=agency.kind, signature=text.signature(agency.name, published_on))

    @functools.lru_cache(maxsize=None)  # noqa: B019
    def sections(self, code: str, year: int, published_on: str | None) -> dict[str, str]:
        """The sections of the agency's report as drawn (its narrative states its tables)."""
        agency = BY_CODE[code]
        report = Report.from_values(self.series(code)[year], format=FORMAT, agency=agency.name, year=year)
        return self._sections(report, agency, published_on)

    def report(self, entry: plan.Entry) -> Report:
        """The report as the office published it (with the plan's error, if any)."""
        agency, year = entry.agency, entry.year
        values = self.series(agency.code)[year]
        if entry.injection:
            values = tables.inject(values, entry.injection)
        report = Report.from_values(values, format=FORMAT, agency=agency.name, year=year)
        if entry.copy_of is not None:
            source: DemoAgency = BY_CODE[entry.copy_of[0]]
            theirs = self.sections(source.code, entry.copy_of[1], None)
            report.sections = text.copy_narrative(theirs, source.short, source.name, agency.short, agency.name)
            sig = text.signature(agency.name, entry.published_on)
            if sig:
                report.sections["other"] += "\n" + sig
        elif entry.injection:  # the narrative states the tables as printed, errors and all
            report.sections = self._sections(report, agency, entry.published_on)
        else:
            report.sections = dict(self.sections(agency.code, year, entry.published_on))
        return report

    def data(self, entry: plan.Entry) -> bytes:
        return media.render(self.report(entry), entry.medium)

    def item(self, entry: plan.Entry) -> Any:
        """A batch item (`xxgk.store.sources.item.Item`) whose bytes are rendered when the batch
        loads it, so that only one report's file is in memory at a time."""
        from xxgk.store.sources.item import Item

        name = f"{entry.agency.name}{entry.year}年政府信息公开工作年度报告{media.SUFFIX[entry.medium]}"
        return Item(name=name, origin=entry.origin, fetched_at=entry.fetched_at, kind="url",
                    _loader=lambda _item, e=entry: self.data(e))
