"""Signals between two reports: the same report stored twice (`store.duplicate_report`) and
near-duplicate narratives of two agencies (`quality.narrative_duplicate`, 雷同).

Both relations are symmetric and depend only on the two reports' active versions, so a report's
partners are the same whichever of the two arrived first: `refresh` recomputes a changed report
and every partner it has now or had before (read from its old findings), and the store ends the
same after one run, two workers or a resumed run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import similar
from .cells import VALUE_KEYS
from .load import Ag, Rep, Signed, reports_with_sha, reports_with_tables, resolve, sections, signed_reports
from .rules import Want, cell_changes, natural_key
from .thresholds import (
    DUPLICATE_NARRATIVE_JACCARD, NARRATIVE_ESTIMATE_MIN, NARRATIVE_JACCARD, NARRATIVE_LSH_BANDS, NARRATIVE_MAX_PAIRS, NARRATIVE_MAX_PAIRS_PER_REPORT,
    NARRATIVE_MIN_SHINGLES, NARRATIVE_SHOWN, PASSAGE_MIN_CHARS, PASSAGES_SHOWN,
)

DUPLICATE = "store.duplicate_report"
_SAME = {"file": "为同一文件（SHA-256 相同）", "content": "的表格数字完全相同、文字几乎相同",
         "tables": "的表格数字完全相同"}
NARRATIVE = "quality.narrative_duplicate"
PAIR_RULES = (DUPLICATE, NARRATIVE)


class NarrativeOverload(RuntimeError):
    """Too many narratives alike to compare pair by pair (thresholds.NARRATIVE_MAX_PAIRS): the
    refresh stops (nothing is written, the reports stay stale) rather than run for hours."""

    def __init__(self, pairs: int, budget: int, reports: int) -> None:
        super().__init__(
            f"叙述文字雷同的候选报告对超过 {budget:,} 对（已数到 {pairs:,} 对，共 {reports:,} 份报告）："
            "大批报告的叙述几乎相同（同一模板），无法逐对核对；请检查数据来源"
        )
        self.pairs = pairs


class Reports:
    """Reports and agencies loaded so far in one refresh, loaded in batches as they are needed."""

    def __init__(self) -> None:
        from . import load

        self._load = load
        self.reps: dict[int, Rep] = {}
        self.ags: dict[int, Ag] = {}
        self._years: dict[tuple[int, int], int] = {}
        self._years_of: set[int] = set()

    def ensure(self, ids: Iterable[int]) -> None:
        missing = {i for i in ids if i not in self.reps}
        if not missing:
            return
        got = self._load.reports(missing)
        self.reps.update(got)
        self.ags.update(self._load.agencies(r.agency_id for r in got.values() if r.agency_id not in self.ags))

    def years(self, agency_ids: Iterable[int]) -> dict[tuple[int, int], int]:
        """(agency id, year) → report id for every report of these agencies (and of those asked
        for before: each agency is read once per refresh)."""
        new = set(agency_ids) - self._years_of
        if new:
            self._years.update(self._load.reports_of_agencies(new))
            self._years_of |= new
        return self._years

    def ensure_tables(self, ids: Iterable[int]) -> None:
        """Load the contract tables of these (loaded) reports' active versions: only the pair
        signals compare whole tables, for the few reports whose digest or narrative matches."""
        todo = {r.active_id: r for i in ids if (r := self.reps.get(i)) is not None and r.tables is None}
        if todo:
            for vid, t in self._load.tables(todo).items():
                todo[vid].tables = t

    def agency(self, rep: Rep) -> Ag | None:
        return self.ags.get(rep.agency_id) if rep.agency_id is not None else None


def _may_be_one_table(a: Rep | None, b: Rep | None) -> bool:
    """Whether the two reports' tables can be the same in every cell (`cell_changes` empty), from
    what is loaded already: both there, one format, and the same integer or none in each cell the
    signals read (`Rep.values`; an integer against anything else, or two integers apart, is a
    changed cell). Only then are their tables decoded and compared."""
    if a is None or b is None or a.format != b.format:
        return False
    va, vb = a.values, b.values
    return all(va.get(k) == vb.get(k) for k in VALUE_KEYS)


def same_agency(a: Rep | Signed, b: Rep | Signed) -> bool:
    """One agency's two reports: both matched to it, or (either unmatched) printed alike. Two
    matched agencies printed alike ("城关镇" in two counties) are two agencies."""
    if a.agency_id is not None and b.agency_id is not None:
        return a.agency_id == b.agency_id
    return bool(a.printed_agency) and a.printed_agency.strip() == b.printed_agency.strip()


@dataclass
class Pairs:
    """Partners of each computed report: other report id → "file"/"content" (duplicates) or the
    exact similarity (narratives)."""

    duplicates: dict[int, dict[int, str]]
    similar: dict[int, dict[int, float]]

    def partners(self) -> set[int]:
        out: set[int] = set()
        for d in (self.duplicates, self.similar):
            for others in d.values():
                out |= set(others)
        return out


class PairFinder:
    """Finds the partners of given reports among every report of the store. The signatures of
    all active versions are read once per refresh; candidate pairs come from their MinHash bands
    (`similar.lsh_pairs`, datasketch's MinHashLSH banding, vectorised)."""

    def __init__(self, store: Reports) -> None:
        self.store = store
        self._signed: dict[int, tuple[Signed, similar.Sketch]] | None = None
        self._sections: dict[int, dict[str, str]] = {}
        self._shingles: dict[int, np.ndarray] = {}
        self._narratives: dict[int, similar.Narrative] = {}
        self._exact: dict[tuple[int, int], float] = {}
        self.pairs = Pairs({}, {})

    # -- signatures ------------------------------------------------------------------------------------

    def _index(self) -> dict[int, tuple[Signed, similar.Sketch]]:
        """Every active version's signature, read once per refresh; those long enough to compare
        stacked into one matrix for the banding (`similar.lsh_pairs`)."""
        if self._signed is None:
            self._signed = {}
            for s in signed_reports(self.store.reps.values()):
                sk = similar.decode(s.signature)
                if sk is not None:
                    self._signed[s.id] = (s, sk)
            self._rows = [rid for rid, (_, sk) in self._signed.items() if sk.shingles >= NARRATIVE_MIN_SHINGLES]
            self._row_of = {rid: i for i, rid in enumerate(self._rows)}
            self._matrix = (
                np.vstack([self._signed[rid][1].hashvalues for rid in self._rows])
                if self._rows else np.zeros((0, similar.NUM_PERM), np.uint32)
            )
        return self._signed

    # -- the two relations --------------------------------------------------------------------------

    def find(self, ids: Iterable[int]) -> Pairs:
        """Compute (and remember) the partners of these reports."""
        ids = sorted(set(ids) - set(self.pairs.duplicates))
        self.store.ensure(ids)
        reps = [self.store.reps[i] for i in ids if i in self.store.reps and self.store.reps[i].active_id is not None]
        dups = self._duplicates(reps)
        if any(r.signature for r in reps):
            sims = self._similar(reps, dups)
        else:
            sims = {}
        self._copies(sims, dups)
        for r in reps:
            self.pairs.duplicates[r.id] = dups.get(r.id, {})
            self.pairs.similar[r.id] = sims.get(r.id, {})
        for i in ids:
            self.pairs.duplicates.setdefault(i, {})
            self.pairs.similar.setdefault(i, {})
        return self.pairs

    def _duplicates(self, reps: list[Rep]) -> dict[int, dict[int, str]]:
        """The same file (sha256) or the same tables and narrative under another report."""
        out: dict[int, dict[int, str]] = {}
        by_sha = reports_with_sha([r.sha256 for r in reps if r.sha256])
        for r in reps:
            for other in by_sha.get(r.sha256 or "", []):
                if other != r.id:
                    out.setdefault(r.id, {})[other] = "file"
        if not any(r.signature for r in reps):
            return self._same_tables(reps, out)
        index = self._index()
        by_digest: dict[bytes, list[int]] = {}
        for rid in self._rows:
            by_digest.setdefault(index[rid][1].digest, []).append(rid)
        wanted: dict[int, list[int]] = {}
        for r in reps:
            if r.id not in self._row_of:
                continue
            others = [o for o in by_digest.get(index[r.id][1].digest, []) if o != r.id and o not in out.get(r.id, {})]
            if others:
                wanted[r.id] = others
        self.store.ensure(o for others in wanted.values() for o in others)
        wanted = {rid: kept for rid, others in wanted.items()
                  if (kept := [o for o in others if _may_be_one_table(self.store.reps[rid], self.store.reps.get(o))])}
        self.store.ensure_tables([*wanted, *(o for others in wanted.values() for o in others)])
        for rid, others in wanted.items():
            r = self.store.reps[rid]
            for o in others:
                other = self.store.reps[o]
                if other.tables and not cell_changes(r.tables, other.tables):
                    out.setdefault(rid, {})[o] = "content"
        return self._same_tables(reps, out)

    @staticmethod
    def _same_tables(reps: list[Rep], out: dict[int, dict[int, str]]) -> dict[int, dict[int, str]]:
        """Every cell of the tables the same (and enough of them non-zero: Version.tables_sha),
        under another agency or year: one report filed twice, whatever its narrative (an XLSX has
        none). Pairs already found as the same file or the same content keep that name."""
        by_tables = reports_with_tables([r.tables_sha for r in reps if r.tables_sha])
        for r in reps:
            for other in by_tables.get(r.tables_sha, []):
                if other != r.id and other not in out.get(r.id, {}):
                    out.setdefault(r.id, {})[other] = "tables"
        return out

    def _similar(self, reps: list[Rep], dups: dict[int, dict[int, str]]) -> dict[int, dict[int, float]]:
        """Other agencies' reports whose narrative shares NARRATIVE_JACCARD of its shingles: LSH
        candidates, then the MinHash estimate, then the exact Jaccard of the two texts."""
        index = self._index()
        among = np.zeros(len(self._rows), bool)
        for r in reps:
            if r.id in self._row_of:
                among[self._row_of[r.id]] = True
        if not among.any():
            return {}
        bands, rows = NARRATIVE_LSH_BANDS
        budget = max(NARRATIVE_MAX_PAIRS, NARRATIVE_MAX_PAIRS_PER_REPORT * int(among.sum()))
        try:
            pairs = similar.lsh_pairs(self._matrix, bands, rows, among, max_pairs=budget)
        except similar.TooManyPairs as e:
            raise NarrativeOverload(e.pairs, budget, len(self._rows)) from None
        pairs = pairs[similar.estimated_pairs(self._matrix, pairs) >= NARRATIVE_ESTIMATE_MIN]
        candidates: dict[int, list[int]] = {}
        for i, j in pairs.tolist():
            a, b = self._rows[i], self._rows[j]
            if same_agency(index[a][0], index[b][0]) or b in dups.get(a, {}) or a in dups.get(b, {}):
                continue
            for x, y in ((a, b), (b, a)):
                if among[self._row_of[x]]:
                    candidates.setdefault(x, []).append(y)
        self._narrate({i for rid, found in candidates.items() for i in (rid, *found)})
        out: dict[int, dict[int, float]] = {}
        for rid, found in candidates.items():
            todo = sorted(o for o in found if (min(rid, o), max(rid, o)) not in self._exact)
            if todo:  # a pair is a candidate of both its reports: the second finds it done
                for o, j in zip(todo, similar.jaccard_many(self._shingles[rid], [self._shingles[o] for o in todo])):
                    self._exact[(min(rid, o), max(rid, o))] = round(float(j), 3)
            for o in sorted(found):
                j = self._exact[(min(rid, o), max(rid, o))]
                if j >= NARRATIVE_JACCARD:
                    out.setdefault(rid, {})[o] = j
        return out

    def _copies(self, sims: dict[int, dict[int, float]], dups: dict[int, dict[int, str]]) -> None:
        """A narrative nearly the same (the names replaced) over tables the same in every cell, zeros
        included: the whole report copied under another agency's name, a duplicate as much as the
        same bytes. Its digest differs from the original's (the names), so only the 雷同 pairs can
        find it."""
        todo = [(rid, o) for rid, found in sims.items() for o, j in found.items()
                if j >= DUPLICATE_NARRATIVE_JACCARD and o not in dups.get(rid, {})]
        self.store.ensure(i for pair in todo for i in pair)
        todo = [(rid, o) for rid, o in todo if _may_be_one_table(self.store.reps.get(rid), self.store.reps.get(o))]
        self.store.ensure_tables(i for pair in todo for i in pair)
        for rid, o in todo:
            a, b = self.store.reps[rid], self.store.reps[o]
            if not a.tables or cell_changes(a.tables, b.tables):
                continue
            dups.setdefault(rid, {})[o] = "content"

    def _narrate(self, ids: set[int]) -> None:
        """The shingle sets of these reports' narratives (one query for their sections). The
        normalised text without positions (`similar._text`, what the signature hashed: equal to
        `similar.narrative(...).text`); the narrative with every character's position only for the
        reports a finding shows shared passages of (`_narrative`)."""
        index = self._index()
        todo = sorted(i for i in ids if i not in self._shingles and i in index)
        texts = sections(index[i][0].active_id for i in todo)
        for i in todo:
            secs = texts.get(index[i][0].active_id, {})
            self._sections[i] = secs
            self._shingles[i] = similar.shingles(similar._text(secs))

    def _narrative(self, rid: int) -> similar.Narrative:
        if rid not in self._narratives:
            self._narratives[rid] = similar.narrative(self._sections[rid])
        return self._narratives[rid]

    # -- findings ------------------------------------------------------------------------------------

    def wants(self, rid: int) -> list[Want]:
        """The pair findings of one computed report, on its active version."""
        rep = self.store.reps.get(rid)
        if rep is None or rep.active_id is None:
            return []
        out = []
        dups = self.pairs.duplicates.get(rid, {})
        if dups:
            self.store.ensure(dups)
            others = sorted((self._other(o) | {"same": kind} for o, kind in dups.items()), key=_order)
            shown = "；".join(
                f"「{o['name']}」{o['year']} 年报告" + _SAME[o["same"]]
                for o in others[:3]
            )
            more = f" 等 {len(others)} 份" if len(others) > 3 else ""
            msg = f"本报告与其他机关或年度的报告重复，可能匹配错了机关或年度：{shown}{more}"
            out.append(Want(DUPLICATE, msg, version_id=rep.active_id, details={"others": others}))
        sims = self.pairs.similar.get(rid, {})
        if sims:
            self.store.ensure(sims)
            items = sorted(((o, self._other(o) | {"similarity": j}) for o, j in sims.items()),
                           key=lambda t: (-t[1]["similarity"], *_order(t[1])))
            for oid, o in items[:NARRATIVE_SHOWN]:
                o["passages"] = similar.shared_passages(
                    self._narrative(rid), self._narrative(oid), min_chars=PASSAGE_MIN_CHARS, limit=PASSAGES_SHOWN
                )
            others = [o for _, o in items]
            shown = "；".join(f"「{o['name']}」{o['year']} 年报告（相似度 {o['similarity']:.2f}）" for o in others[:3])
            more = f" 等 {len(others)} 份" if len(others) > 3 else ""
            msg = f"叙述文字与其他机关的报告雷同（去除套话、数字后的相似度不低于 {NARRATIVE_JACCARD}）：{shown}{more}；共有段落见详情"
            out.append(Want(NARRATIVE, msg, version_id=rep.active_id,
                            details={"others": others, "threshold": NARRATIVE_JACCARD, "shingle": similar.SHINGLE}))
        return out

    def _other(self, rid: int) -> dict[str, Any]:
        rep = self.store.reps[rid]
        return natural_key(rep, self.store.agency(rep))


def _order(o: dict[str, Any]) -> tuple[Any, ...]:
    """A report's place in a list of others: by natural key, never by database id."""
    return (o.get("agency") or "", o.get("printed_agency") or "", o.get("year") or 0, o.get("version") or 0)


def old_partners(details: Iterable[dict[str, Any]]) -> set[int]:
    """Report ids named in existing pair findings (`details.others`): the partners a changed
    report had before, which must lose (or keep) their finding about it."""
    keys = set()
    for d in details:
        for o in (d or {}).get("others", []) if isinstance(d, dict) else []:
            if isinstance(o, dict):
                keys.add((o.get("agency"), o.get("printed_agency") or "", o.get("year")))
    return set(resolve(keys).values()) if keys else set()
