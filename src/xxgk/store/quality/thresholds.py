"""Every number the store's quality signals decide by, with what it was fitted on.

One module so that a person tuning the signals (or reading why one fired) finds them together;
`xxgk.store.similar` holds only the parameters of the stored signature (shingle length, number of
permutations, seed), which are part of the data, not decisions.
"""

from __future__ import annotations

# --- quality.late (domain.md §7.5: 条例 Art. 49) -----------------------------------------------------

#: Agency level → (month, day) in year Y+1 by which the report of year Y must be published.
#: Departments of governments at county level and above submit and publish by 31 January;
#: townships are not named in Art. 49 and their county sets the date, in practice with its
#: departments (31 January, domain.md §7.5 [P]); a government's own report (county, city,
#: province; the national one likewise) is due by 31 March.
DEADLINES: dict[str, tuple[int, int]] = {
    "department": (1, 31),
    "township": (1, 31),
    "county": (3, 31),
    "city": (3, 31),
    "province": (3, 31),
    "national": (3, 31),
}
#: A report not matched to an agency: its level is unknown, so only the latest deadline is held
#: against it (never a false "late" for a government).
DEADLINE_UNKNOWN_LEVEL: tuple[int, int] = (3, 31)

# --- quality.yoy_jump --------------------------------------------------------------------------------

#: A count row jumps when the larger of this year's and last year's value is at least YOY_RATIO
#: times the smaller (either direction; a 0 counts as smaller than anything) and at least
#: YOY_MIN_LARGER. The ratio is the issue's (×10; KIROGOVCOMPARE's QR-007 uses 5, too noisy for
#: rows of a few applications). The floor of 20 keeps a township's 1 → 12 applications or 0 → 9
#: 行政处罚 quiet: the sample townships (../shared/seeds) receive 0–8 applications a year, and a
#: jump within such counts is ordinary. Edges (tests/store/test_quality.py): 2 → 20 and 0 → 20
#: fire, 1 → 19, 0 → 19 and 21 → 3 (×7) do not; 200 → 20 fires.
YOY_RATIO = 10
YOY_MIN_LARGER = 20

# --- quality.narrative_duplicate (雷同) ---------------------------------------------------------------

#: Exact Jaccard similarity of two narratives' shingle sets (`similar.jaccard`, after boilerplate,
#: digits masked) from which two different agencies' reports are 雷同. Fitted on ../shared/real and
#: ../shared/seeds (12 reports of 11 agencies, 66 pairs): independent reports of different
#: agencies reach 0.008 at most, the one office's 2019 and 2020 reports (text reused, same agency,
#: not this signal) 0.21; a whole narrative copied to another agency with the name replaced and
#: every number changed scores 0.88–1.00, a copied 一、总体情况 alone (the rest the copier's own)
#: 0.31–0.78, a copied 五 alone 0.10–0.27 (not caught: too little to call the report 雷同).
#: tests/corpus/generate.py's narratives are drawn from two or three templates per paragraph and
#: are 雷同 by this measure (median pair 0.27, 9% of pairs ≥ 0.5): see the issue-14 notes.
NARRATIVE_JACCARD = 0.3
#: A whole report copied under another agency's name (`store.duplicate_report`, "content"): every
#: cell of its tables the same as the other's, and its narrative at least this similar. Fitted on
#: the store corpus's copies (tests/corpus/store: tables copied, text with the names replaced:
#: 0.69–1.00 on this measure) against the 10,000-report corpus's clean pairs (at most 0.17).
DUPLICATE_NARRATIVE_JACCARD = 0.6
#: Tables alone (no narrative to compare: an XLSX) identify a report only when they hold this many
#: non-zero counts; defined beside the digest, which Dask workers compute without Django.
from ..digest import DUPLICATE_MIN_NONZERO  # noqa: E402,F401
#: Narratives with fewer distinct shingles than this (about as many characters of the office's
#: own words) are not compared: too short to tell copying from a common sentence. The 12 real and
#: sample reports have 445–1,535, generated ones 183–350.
NARRATIVE_MIN_SHINGLES = 100
#: MinHashLSH banding (bands, rows per band) over 126 of the 128 permutations. A pair becomes a
#: candidate with probability 1 − (1 − J³)^42: 0.996 at J = 0.5, 0.94 at 0.4, 0.68 at the threshold
#: 0.3, 0.21 at 0.18, 0.009 at 0.06. Fitted on the 10,000-report store corpus (2026-12-06): pairs of
#: different agencies' clean narratives measure mean 0.061, 99.9th percentile 0.177, max 0.196
#: (20,000 sampled pairs), its injected copies 0.72–0.84. The first choice, (64, 2), made a
#: candidate of 21 % of the pairs at J = 0.06: 10 million among 10,000 reports, over the bound below
#: (`NarrativeOverload`), so no signal was computed at all. A pair between 0.3 and 0.4 (a report
#: that copied one section) can be missed; whole copies cannot.
NARRATIVE_LSH_BANDS = (42, 3)
#: Most distinct candidate pairs (from the bands, before the estimate) one refresh compares:
#: NARRATIVE_MAX_PAIRS, or NARRATIVE_MAX_PAIRS_PER_REPORT per refreshed report when more. The
#: candidate rate is 1 − (1 − J²)^64 per pair: 0.16% for independent real reports (J ≈ 0.005:
#: ~80,000 pairs among 10,000 reports, ~800 per report in a store of 500,000), 6% for the bench's
#: narratives sampled from the real reports' clauses (J ≈ 0.03: 1.3 million among 10,000); a
#: county's townships sharing one template add a few hundred. Narratives alike wholesale
#: (tests/corpus/generate.py's 10,000 template narratives: all 50 million pairs) exceed it, and
#: `refresh` raises `NarrativeOverload` instead of running for hours out of memory.
NARRATIVE_MAX_PAIRS = 5_000_000
NARRATIVE_MAX_PAIRS_PER_REPORT = 1_000
#: Candidates whose MinHash estimate is below this are dropped before the exact comparison (the
#: estimate's standard deviation at J = 0.3 with 128 permutations is 0.04: 2.5 σ).
NARRATIVE_ESTIMATE_MIN = 0.2
#: Shown in a finding's details: the most similar reports, each with its longest shared passages.
NARRATIVE_SHOWN = 5
PASSAGE_MIN_CHARS = 30
PASSAGES_SHOWN = 3

# --- store.version_changed / store.sources_differ -------------------------------------------------

#: Changed cells listed in a finding's details (the count is always given).
CHANGED_CELLS_SHOWN = 50
