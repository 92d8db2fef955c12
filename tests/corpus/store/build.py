"""The store corpus: every agency of a generated hierarchy × every year, each report a file laid out
like a crawl, with problems injected into chosen agency-years (see tests/corpus/store_corpus.py for
the manifest).

Steps (all choices from `random.Random(f"{seed}:…")` strings, so the same seed gives the same bytes
whatever the number of worker processes):

1. the hierarchy (`hierarchy.build_hierarchy`), ⌈n / years⌉ agencies;
2. per agency, its years (`series`), its narratives (`tests.corpus.narrative`), printed name and date;
3. injections, each on its own agency-year (`INJECTIONS`); value-changing ones in the last year, so
   that no clean year is compared with an altered one (year-on-year, carried over);
4. media by quota, files made and read back (`media.make`), in worker processes when asked.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

from xxgk.report import Report
from xxgk.report import keys as K

from .. import narrative as N
from ..generate import inject_error
from . import series as S
from .hierarchy import Agency, PrintedForm, build_hierarchy
from .media import Job

__all__ = ["YEARS", "DEFAULT_MEDIA", "INJECTIONS", "Slot", "Corpus", "plan_corpus", "CLEAN_ALLOWED"]

#: Report years: 2020 in the 2019 format (国办公开办函〔2019〕60号), later years in the 2021 format.
YEARS: tuple[int, ...] = (2020, 2021, 2022, 2023, 2024)
#: Share of each medium among the main files (scans are a count of their own). Fitted to keep the
#: 10,000-report build to minutes: a PDF costs ~1 s to make and read back, a corpus DOCX ~0.2 s, text 10 ms.
DEFAULT_MEDIA: dict[str, float] = {"txt": 0.52, "html": 0.18, "docx": 0.06, "w_html": 0.04, "w_docx": 0.06, "md": 0.04, "xlsx": 0.03,
                                   "pdf": 0.03}
#: Findings a clean file may carry: reader notes, not problems of the report. `read.window_by_identity`:
#: the text layouts tab000/tab002/md003 print a placeholder 8th number in some 表三 rows, as the seed
#: reports do; the reader takes the 7 numbers the row identity selects, and says so.
CLEAN_ALLOWED: dict[str, str] = {
    "read.window_by_identity": "text layouts tab000/tab002/md003 print an extra placeholder number in some 表三/表四 rows (as the seed reports do); the reader keeps the window the identities select and notes it",
}
#: kind → (rule the store or checks must report on the agency-year, rules that may come with it, last year only)
INJECTIONS: dict[str, tuple[str | None, tuple[str, ...], bool]] = {
    # The text stays as written: a double count under 逾期未缴费 contradicts "未发出收费通知" (t3.fee_unpaid_vs_notice);
    # a layout's placeholder number next to a broken row is noted (read.extra_cells).
    "arithmetic": ("", ("identity.suggestion", "narrative.mismatch", "t3.fee_unpaid_vs_notice", "t3.column_identity",
                        "t3.results_total", "t3.row_sum", "t4.block_sum", "quality.yoy_jump", "read.extra_cells"), True),
    "late": ("quality.late", (), False),
    "missing": ("quality.missing", (), True),
    "duplicate_file": (None, (), False),
    "duplicate_report": ("store.duplicate_report", ("quality.narrative_duplicate", "t3.cross_year", "t2.stock_flow",
                                                    "quality.yoy_jump"), True),
    "version_changed": ("store.version_changed", (), False),
    "sources_differ": ("store.sources_differ", (), False),
    "narrative_duplicate": ("quality.narrative_duplicate", (), False),
    "yoy_jump": ("quality.yoy_jump", (), True),
    "regulations_without_power": ("quality.regulations_without_power", ("t2.regulations_without_power",), True),
    "cross_year": ("t3.cross_year", (), True),
    # A section heading printed otherwise than the format's title (the text layouts' catalogue of
    # real variants, tests/corpus/layouts.SECTION_TITLES); clean reports print the official ones.
    "section_renamed": ("quality.section_renamed", (), False),
}
_ARITH_RULES = {"double_count": "t3.column_identity", "total_zero": "t3.results_total", "t4_total_zero": "t4.block_sum"}


@dataclass
class Slot:
    """One agency-year."""

    agency: Agency
    year: int
    values: dict[str, Any]
    facts: N.Facts
    plan: N.Plan
    printed: PrintedForm
    published_on: str | None
    status: str = "clean"  # clean | injected | partner | excluded | missing
    medium: str = ""
    dated: bool = True
    report: Report | None = None  # the truth, once final
    #: Set by an injection: the text as published (an arithmetic error leaves the narrative as written).
    sections: dict[str, str] | None = None
    must: str | None = None  # a rule the file's own reading must carry (arithmetic errors)
    titles: str = "official"  # section headings: "variant" for a section_renamed injection
    allowed: tuple[str, ...] = ()  # other rules its reading may carry

    @property
    def fmt(self) -> str:
        return "2019" if self.year < 2021 else "2021"

    @property
    def key(self) -> tuple[str, int]:
        return (self.agency.code, self.year)

    def make_report(self) -> Report:
        sections = self.sections if self.sections is not None else N.render(self.plan, self.facts)
        self.report = Report.from_values(self.values, format=self.fmt, agency=self.printed.text, year=self.year, sections=sections,
                                         published_on=self.published_on if self.dated else None)
        return self.report


@dataclass
class Corpus:
    """Everything decided before any file is made."""

    agencies: list[Agency]
    slots: dict[tuple[str, int], Slot]
    injections: list[dict[str, Any]] = field(default_factory=list)
    extra_jobs: list[tuple[str, Job, str]] = field(default_factory=list)  # (role, job, path of the main file it derives from)
    excluded: list[dict[str, Any]] = field(default_factory=list)
    redraws: int = 0
    used: set[tuple[str, int]] = field(default_factory=set)  # agency-years an injection (or partner) took


# --- agencies' years ----------------------------------------------------------------------------------


def _site_and_account(rng: random.Random, a: Agency) -> tuple[str, str]:
    county = a.upper.removesuffix("人民政府")
    if a.kind == "dept":
        site = rng.choice((f"{a.place}人民政府门户网站", f"{a.name}网站", f"{a.place}人民政府网{a.name.removeprefix(a.place)}专栏"))
        return site, rng.choice((a.name, f"{a.name.removeprefix(a.place)}{a.place}", a.name + "发布"))
    if a.kind in ("township", "street"):
        site = rng.choice((f"{county}人民政府门户网站{a.place}专栏", f"{a.place}政务公开网", f"{county}人民政府网"))
        return site, rng.choice((f"{a.place}发布", f"{a.place}微讯", f"今日{a.place}"))
    return rng.choice((f"{a.place}人民政府门户网站", f"{a.place}人民政府网", f"“{a.place}政务网”")), rng.choice((f"{a.place}发布", f"{a.place}政务"))


def _counts(rng: random.Random, a: Agency) -> tuple[int, ...]:
    hi = {"township": 300, "street": 300, "dept": 900}.get(a.kind, 6000)
    c0 = rng.randint(max(10, hi // 30), hi)
    return (c0, rng.randint(max(1, c0 // 20), max(2, c0 // 3)), rng.randint(0, 60), rng.randint(0, 40), rng.randint(0, 9), rng.randint(1, 6))


def _date(rng: random.Random, a: Agency, year: int, late: bool = False) -> str:
    month, day = a.deadline
    deadline = dt.date(year + 1, month, day)
    if late:
        return (deadline + dt.timedelta(days=rng.randint(10, 120))).isoformat()
    start = dt.date(year + 1, 1, 5 if month == 1 else 10)
    return (start + dt.timedelta(days=rng.randint(0, (deadline - start).days))).isoformat()


def _form(rng: random.Random, a: Agency) -> PrintedForm:
    return rng.choices(a.forms, weights=[f.weight for f in a.forms])[0]


def _facts(a: Agency, year: int, values: dict[str, Any], site: str, account: str, counts: tuple[int, ...]) -> N.Facts:
    kind = a.kind if a.kind != "dept" else ("office" if a.dept == "office" else "dept")
    return N.Facts(a.short, a.place, a.upper, kind, year, "2019" if year < 2021 else "2021", values, a.locals, site, account,
                   counts, N.topics_for(kind, a.dept))


def _over(values: dict[str, Any]) -> dict[str, int]:
    return {c: int(values[f"t3.carried_forward.{c}"]) for c in K.T3_APPLICANT_COLUMNS}


def plan_corpus(n: int, seed: int, years: tuple[int, ...] = YEARS, undated: float = 0.03) -> Corpus:
    """The hierarchy and every agency-year's values, narrative, printed name and date (no injection yet)."""
    agencies = build_hierarchy(random.Random(f"{seed}:hierarchy"), math.ceil(n / len(years)))
    slots: dict[tuple[str, int], Slot] = {}
    redraws = 0
    for a in agencies:
        rng = random.Random(f"{seed}:agency:{a.code}")
        profile = S.profile_for(rng, a)
        site, account = _site_and_account(rng, a)
        over, prev = S.first_over(rng, profile), None
        for y in years:
            fmt = "2019" if y < 2021 else "2021"
            values, r = S.year_values(rng, profile, fmt, prev, over)
            redraws += r
            facts = _facts(a, y, values, site, account, _counts(rng, a))
            slot = Slot(a, y, values, facts, N.draw_plan(rng, facts), _form(rng, a), _date(rng, a, y), dated=rng.random() >= undated)
            slot.facts.values = values
            slots[slot.key] = slot
            over, prev = _over(values), values
    return Corpus(agencies, slots, redraws=redraws)


# --- injections -----------------------------------------------------------------------------------------


def _pick(rng: random.Random, corpus: Corpus, years: tuple[int, ...], last_only: bool, ok: Any = None) -> Slot:
    """A clean agency-year (in the last year when `last_only`) that `ok` accepts."""
    pool = [s for s in corpus.slots.values() if s.status == "clean" and s.key not in corpus.used and (not last_only or s.year == years[-1]) and (ok is None or ok(s))]
    if not pool:
        raise RuntimeError("no agency-year left to inject into: raise n")
    return rng.choice(sorted(pool, key=lambda s: s.key))


def _set_t3(values: dict[str, Any], key: str, delta: int) -> None:
    values[key] = int(values[key]) + delta
    row = key.split(".")[1]
    values[f"t3.{row}.total"] = int(values[f"t3.{row}.total"]) + delta


def inject(corpus: Corpus, seed: int, per_kind: int, years: tuple[int, ...]) -> None:
    """Problems into distinct agency-years; records in `corpus.injections` (paths filled in later)."""
    rng = random.Random(f"{seed}:inject")
    last = years[-1]
    slots = corpus.slots

    def record(kind: str, slot: Slot, rule: str | None, **detail: Any) -> dict[str, Any]:
        slot.status = "injected" if kind != "duplicate_file" else slot.status
        corpus.used.add(slot.key)
        also = list(INJECTIONS[kind][1])
        entry = {"id": f"inj-{len(corpus.injections) + 1:04d}", "kind": kind, "rule": rule, "also": also,
                 "agency": slot.agency.code, "year": slot.year, "files": [], **detail}
        corpus.injections.append(entry)
        return entry

    def partner_of(b: Slot) -> Slot:
        """An agency of the same kind where there is one (a township copies a township), same year."""
        other = lambda s: s.agency.code != b.agency.code  # noqa: E731
        same = lambda s: other(s) and s.agency.kind == b.agency.kind  # noqa: E731
        try:
            a = _pick(rng, corpus, (b.year,), True, same)
        except RuntimeError:
            a = _pick(rng, corpus, (b.year,), True, other)
        a.status = "partner"
        corpus.used.add(a.key)
        return a

    for i in range(per_kind):
        # Arithmetic errors as real reports print them (generate.inject_error), each of its kinds in turn.
        kind = ("double_count", "total_zero", "t4_total_zero")[i % 3]
        s = _pick(rng, corpus, years, True)
        s.status = "injected"
        r, _, blamed = inject_error(s.make_report(), random.Random(f"{seed}:arith:{s.agency.code}"), kind)
        s.values, s.sections = {k: c.value for k, c in r.cells.items()}, dict(r.sections)
        e = record("arithmetic", s, _ARITH_RULES[kind], error=kind, blamed=sorted(blamed))
        e["also"] = [x for x in e["also"] if x != e["rule"]]
        s.must, s.allowed = e["rule"], tuple(e["also"])

        s = _pick(rng, corpus, years, False, lambda x: x.dated)
        s.published_on = _date(random.Random(f"{seed}:late:{s.agency.code}"), s.agency, s.year, late=True)
        month, day = s.agency.deadline
        record("late", s, "quality.late", published_on=s.published_on, deadline=f"{s.year + 1}-{month:02d}-{day:02d}")

        s = _pick(rng, corpus, years, True)
        record("missing", s, "quality.missing")
        s.status = "missing"

        s = _pick(rng, corpus, years, False)
        record("duplicate_file", s, None, expect="the second name is skipped as a duplicate (same bytes); no finding")

        b = _pick(rng, corpus, years, True)
        a = partner_of(b)
        b.values = dict(a.values)
        b.facts = _facts(b.agency, b.year, b.values, b.facts.site, b.facts.account, a.facts.counts)
        b.plan = a.plan
        record("duplicate_report", b, "store.duplicate_report", partner={"agency": a.agency.code, "year": a.year},
               note="the tables and text of the partner's report, printed under this agency's name")

        s = _pick(rng, corpus, years, False)
        old = int(s.values["t2.licensing"]) if s.fmt == "2021" else int(s.values["t2_2019.licensing.decisions"])
        key = "t2.licensing" if s.fmt == "2021" else "t2_2019.licensing.decisions"
        new = old + max(1, round(old * 0.05))
        record("version_changed", s, "store.version_changed", changed={key: [old, new]})

        s = _pick(rng, corpus, years, False)
        key = "t2.penalty" if s.fmt == "2021" else "t2_2019.penalty.decisions"
        old = int(s.values[key])
        new = old - 1 if old > 1 else old + 1
        record("sources_differ", s, "store.sources_differ", differs={key: [old, new]})

        b = _pick(rng, corpus, years, False)
        a = partner_of(b)
        b.plan = a.plan
        record("narrative_duplicate", b, "quality.narrative_duplicate", partner={"agency": a.agency.code, "year": a.year},
               note="the partner's narrative with this agency's names and numbers")

        def big(x: Slot) -> bool:
            prev = slots[(x.agency.code, x.year - 1)].values
            return int(prev["t3.new_received.total"]) >= 5

        s = _pick(rng, corpus, years, True, big)
        prev = slots[(s.agency.code, s.year - 1)].values
        # ×20 on the year's new applications: at least ×11 whatever the two years' draws (0.75–1.33 each).
        s.values, _ = S.year_values(random.Random(f"{seed}:yoy:{s.agency.code}"), S.profile_for(random.Random(f"{seed}:agency:{s.agency.code}"), s.agency),
                                    s.fmt, prev, _over(prev), scale=20.0)
        record("yoy_jump", s, "quality.yoy_jump", key="t3.new_received.total",
               before=int(prev["t3.new_received.total"]), after=int(s.values["t3.new_received.total"]))

        s = _pick(rng, corpus, years, True, lambda x: not x.agency.rule_making)
        issued = rng.randint(1, 3)
        s.values.update({"t2.regulations.issued": issued, "t2.regulations.repealed": 0,
                         "t2.regulations.in_force": int(s.values["t2.regulations.in_force"]) + issued})
        record("regulations_without_power", s, "quality.regulations_without_power", level=s.agency.level,
               cells={"t2.regulations.issued": issued})
        s.allowed = ("t2.regulations_without_power",)

        s = _pick(rng, corpus, years, True)
        col = rng.choice(("natural_person", "natural_person", "commercial_enterprise"))
        d = rng.randint(1, 3)
        before = int(slots[(s.agency.code, s.year - 1)].values[f"t3.carried_forward.{col}"])
        _set_t3(s.values, f"t3.carried_over.{col}", d)
        _set_t3(s.values, f"t3.granted.{col}", d)
        _set_t3(s.values, f"t3.results_total.{col}", d)
        record("cross_year", s, "t3.cross_year", column=col, carried_forward_before=before,
               carried_over=int(s.values[f"t3.carried_over.{col}"]))

        s = _pick(rng, corpus, years, False)
        s.titles, s.medium = "variant", "txt"  # only the corpus renderers print variant headings
        record("section_renamed", s, "quality.section_renamed")
    for s in slots.values():
        s.facts.values = s.values
