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
from .load import Ag, Rep, Signed, resolve, reports_with_sha, sections, signed_reports
from .rules import Want, cell_changes, natural_key
from .thresholds import (
    NARRATIVE_ESTIMATE_MIN, NARRATIVE_JACCARD, NARRATIVE_LSH_BANDS, NARRATIVE_MIN_SHINGLES, NARRATIVE_SHOWN,
    PASSAGE_MIN_CHARS, PASSAGES_SHOWN,
)

DUPLICATE = "store.duplicate_report"
NARRATIVE = "quality.narrative_duplicate"
PAIR_RULES = (DUPLICATE, NARRATIVE)


class Reports:
    """Reports and agencies loaded so far in one refresh, loaded in batches as they are needed."""

    def __init__(self) -> None:
        from . import load

        self._load = load
        self.reps: dict[int, Rep] = {}
        self.ags: dict[int, Ag] = {}

    def ensure(self, ids: Iterable[int]) -> None:
        missing = {i for i in ids if i not in self.reps}
        if not missing:
            return
        got = self._load.reports(missing)
        self.reps.update(got)
        self.ags.update(self._load.agencies(r.agency_id for r in got.values() if r.agency_id not in self.ags))

    def agency(self, rep: Rep) -> Ag | None:
        return self.ags.get(rep.agency_id) if rep.agency_id is not None else None


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
    all active versions are read once per refresh and put in a datasketch MinHashLSH."""

    def __init__(self, store: Reports) -> None:
        self.store = store
        self._signed: dict[int, tuple[Signed, similar.Sketch]] | None = None
        self._lsh: Any = None
        self._narratives: dict[int, tuple[similar.Narrative, np.ndarray]] = {}
        self._exact: dict[tuple[int, int], float] = {}
        self.pairs = Pairs({}, {})

    # -- signatures and the LSH index -------------------------------------------------------------

    def _index(self) -> dict[int, tuple[Signed, similar.Sketch]]:
        if self._signed is None:
            from datasketch import MinHashLSH

            self._signed = {}
            for s in signed_reports():
                sk = similar.decode(s.signature)
                if sk is not None:
                    self._signed[s.id] = (s, sk)
            self._lsh = MinHashLSH(num_perm=similar.NUM_PERM, params=NARRATIVE_LSH_BANDS)
            with self._lsh.insertion_session() as session:
                for rid, (_, sk) in self._signed.items():
                    if sk.shingles >= NARRATIVE_MIN_SHINGLES:
                        session.insert(rid, similar.minhash(sk), check_duplication=False)
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
            return out
        index = self._index()
        by_digest: dict[bytes, list[int]] = {}
        for rid, (_, sk) in index.items():
            if sk.shingles >= NARRATIVE_MIN_SHINGLES:
                by_digest.setdefault(sk.digest, []).append(rid)
        wanted: dict[int, list[int]] = {}
        for r in reps:
            mine = index.get(r.id)
            if mine is None or mine[1].shingles < NARRATIVE_MIN_SHINGLES:
                continue
            others = [o for o in by_digest.get(mine[1].digest, []) if o != r.id and o not in out.get(r.id, {})]
            if others:
                wanted[r.id] = others
        self.store.ensure(o for others in wanted.values() for o in others)
        for rid, others in wanted.items():
            r = self.store.reps[rid]
            for o in others:
                other = self.store.reps.get(o)
                if other is not None and other.format == r.format and other.tables and not cell_changes(r.tables, other.tables):
                    out.setdefault(rid, {})[o] = "content"
        return out

    def _similar(self, reps: list[Rep], dups: dict[int, dict[int, str]]) -> dict[int, dict[int, float]]:
        """Other agencies' reports whose narrative shares NARRATIVE_JACCARD of its shingles: LSH
        candidates, then the MinHash estimate, then the exact Jaccard of the two texts."""
        index = self._index()
        candidates: dict[int, list[int]] = {}
        for r in reps:
            mine = index.get(r.id)
            if mine is None or mine[1].shingles < NARRATIVE_MIN_SHINGLES:
                continue
            s, sk = mine
            found = []
            for o in sorted(self._lsh.query(similar.minhash(sk))):
                if o == r.id or o in dups.get(r.id, {}):
                    continue
                os_, osk = index[o]
                if same_agency(s, os_) or similar.estimated(sk, osk) < NARRATIVE_ESTIMATE_MIN:
                    continue
                found.append(o)
            if found:
                candidates[r.id] = found
        self._narrate({i for rid, found in candidates.items() for i in (rid, *found)})
        out: dict[int, dict[int, float]] = {}
        for rid, found in candidates.items():
            for o in found:
                j = self._jaccard(rid, o)
                if j >= NARRATIVE_JACCARD:
                    out.setdefault(rid, {})[o] = j
        return out

    def _narrate(self, ids: set[int]) -> None:
        """Normalised narratives and shingle sets of these reports' active versions (one query)."""
        index = self._index()
        todo = sorted(i for i in ids if i not in self._narratives and i in index)
        texts = sections(index[i][0].active_id for i in todo)
        for i in todo:
            nar = similar.narrative(texts.get(index[i][0].active_id, {}))
            self._narratives[i] = (nar, similar.shingles(nar.text))

    def _jaccard(self, a: int, b: int) -> float:
        key = (min(a, b), max(a, b))
        if key not in self._exact:
            self._exact[key] = round(similar.jaccard(self._narratives[a][1], self._narratives[b][1]), 3)
        return self._exact[key]

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
                f"「{o['name']}」{o['year']} 年报告" + ("为同一文件（SHA-256 相同）" if o["same"] == "file" else "的表格数字和文字完全相同")
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
                    self._narratives[rid][0], self._narratives[oid][0], min_chars=PASSAGE_MIN_CHARS, limit=PASSAGES_SHOWN
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
