"""The store corpus (tests/corpus/store_corpus.py): deterministic, every injected problem really in its
file, clean files read back exactly, clean agency-years consistent across years, clean narratives of
different agencies far apart and 雷同 copies close.

Oracles are the generator's truth (truth.jsonl.gz, hierarchy.csv) and arithmetic written out here; the
files are read with `xxgk.parse` only to show that what a store will read is what was meant. Nothing
here uses `xxgk.store`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

import xxgk
from tests.corpus import narrative as N
from tests.corpus.store_corpus import Manifest, build, similarity
from xxgk.report import keys as K

N_REPORTS, SEED = 300, 1
LEVELS = {"province", "city", "county", "township", "department"}
#: Bounds on the clean narratives' character-5-shingle Jaccard (digits masked), measured at 0.24
#: (max over 60 clean reports of 60 agencies, n=300) and 0.70–0.94 for the injected copies.
CLEAN_MAX_JACCARD = 0.35
COPY_MIN_JACCARD = 0.6


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Manifest:
    return build(tmp_path_factory.mktemp("store_corpus"), N_REPORTS, SEED)


@pytest.fixture(scope="module")
def truth(corpus: Manifest) -> dict[str, dict]:
    with gzip.open(corpus.root / "truth.jsonl.gz", "rt", encoding="utf-8") as f:
        return {(row := json.loads(line))["path"]: row for line in f}


@pytest.fixture(scope="module")
def hierarchy(corpus: Manifest) -> dict[str, dict]:
    with open(corpus.root / "hierarchy.csv", encoding="utf-8", newline="") as f:
        return {row["code"]: row for row in csv.DictReader(f)}


def _main(corpus: Manifest) -> dict[tuple[str, int], dict]:
    return {(f["agency"], f["year"]): f for f in corpus.files if f["role"] == "main"}


def _values(truth: dict[str, dict], corpus: Manifest, agency: str, year: int) -> dict:
    return truth[_main(corpus)[(agency, year)]["path"]]["values"]


def _parse(corpus: Manifest, path: str):  # type: ignore[no-untyped-def]
    return xxgk.parse(corpus.root / path)


# --- shape ------------------------------------------------------------------------------------------------


def test_hierarchy_is_a_tree_with_unique_names(hierarchy: dict[str, dict]) -> None:
    names = [r["name"] for r in hierarchy.values()] + [a for r in hierarchy.values() for a in r["aliases"].split(";") if a]
    assert len(names) == len(set(names))
    for r in hierarchy.values():
        assert r["level"] in LEVELS
        assert (r["parent_code"] == "") == (r["level"] == "province"), r
        if r["parent_code"]:
            assert r["parent_code"] in hierarchy
        if r["level"] == "department":
            parent = hierarchy[r["parent_code"]]
            assert parent["level"] in ("province", "city", "county")
            place = parent["name"].removesuffix("人民政府")
            assert r["name"].startswith(place), r  # '渠县财政局' under '渠县人民政府'
        if r["level"] == "township":
            assert r["name"].endswith(("人民政府", "办事处")) and r["name"].startswith(hierarchy[r["parent_code"]]["name"].removesuffix("人民政府"))
    assert {r["level"] for r in hierarchy.values()} == LEVELS


def test_every_agency_every_year_but_the_missing(corpus: Manifest, hierarchy: dict[str, dict]) -> None:
    have = set(_main(corpus))
    missing = {(e["agency"], e["year"]) for e in corpus.injections if e["kind"] == "missing"}
    want = {(code, y) for code in hierarchy for y in corpus.data["years"]}
    assert have == want - missing and missing and not missing & have
    for f in corpus.files:
        assert (corpus.root / f["path"]).is_file()
        assert f["path"].split("/")[-1].startswith(f"{f['agency']}_{f['year']}")


def test_media_mix(corpus: Manifest) -> None:
    by = corpus.data["stats"]["by_medium"]
    assert {"txt", "html", "docx", "w_html", "w_docx", "md", "xlsx", "pdf", "scan"} <= set(by)
    assert by["txt"] > sum(by.values()) / 3
    assert corpus.data["stats"]["fallbacks"] == []  # every file read back exactly in its own medium


def test_printed_forms_follow_the_catalogue(corpus: Manifest, hierarchy: dict[str, dict]) -> None:
    """name: the full name; alias: one listed; normalised: the name or an alias less its 人民政府/办事处
    (or 人民政府 → 政府)."""
    seen = set()
    for f in corpus.files:
        a = hierarchy[f["agency"]]
        aliases = [x for x in a["aliases"].split(";") if x]
        printed, how = f["printed_agency"], f["printed_how"]
        seen.add(how)
        if how == "name":
            assert printed == a["name"]
        elif how == "alias":
            assert printed in aliases
        else:
            forms = {n.removesuffix(s) for n in [a["name"], *aliases] for s in ("人民政府", "办事处")}
            forms |= {n.replace("人民政府", "政府") for n in [a["name"], *aliases]}
            assert printed in forms - {a["name"], *aliases}, (printed, a)
    assert seen == {"name", "alias", "normalised"}


# --- clean data ---------------------------------------------------------------------------------------------


def test_clean_files_read_back_exactly(corpus: Manifest, truth: dict[str, dict]) -> None:
    clean = {(c["agency"], c["year"]) for c in corpus.clean}
    allowed = set(corpus.data["allowed_findings"])
    checked = 0
    for f in corpus.files:
        if (f["agency"], f["year"]) not in clean:
            continue
        t = truth[f["path"]]
        got = _parse(corpus, f["path"])
        assert {k: got.value(k) for k in t["values"]} == t["values"], f["path"]
        assert (got.agency, got.year, got.format, got.published_on) == (t["printed_agency"], t["year"], t["format"], t["published_on"]), f["path"]
        want = corpus.truth[f["path"]].sections
        for key in K.SECTION_KEYS:
            assert re.sub(r"\s+", "", got.sections.get(key, "")) == re.sub(r"\s+", "", want.get(key, "")), (f["path"], key)
        rules = {x.rule for x in got.check()}
        assert rules <= allowed, (f["path"], rules)
        checked += 1
    assert checked >= 0.8 * len(clean)


def test_clean_years_hang_together(corpus: Manifest, truth: dict[str, dict], hierarchy: dict[str, dict]) -> None:
    """Carried over = last year's carried forward; 规章 stock-flow; 规章 only for provinces and cities;
    no ×10 year-on-year in any cell; published by the deadline."""
    main = _main(corpus)
    clean = {(c["agency"], c["year"]) for c in corpus.clean}
    for code, year in sorted(clean):
        v = truth[main[(code, year)]["path"]]["values"]
        level = hierarchy[code]["level"]
        if (code, year - 1) in main:
            prev = truth[main[(code, year - 1)]["path"]]["values"]
            for col in K.T3_COLUMNS:
                assert v[f"t3.carried_over.{col}"] == prev[f"t3.carried_forward.{col}"], (code, year, col)
            if year > 2021:
                for row in ("regulations", "normative_documents"):
                    assert v[f"t2.{row}.in_force"] == prev[f"t2.{row}.in_force"] + v[f"t2.{row}.issued"] - v[f"t2.{row}.repealed"]
            for key, x in v.items():
                if key in prev and key.startswith(("t2.", "t3.", "t4.")):
                    a, b = Decimal(str(prev[key])), Decimal(str(x))
                    if a > 0 and b > 0:
                        assert max(a, b) / min(a, b) < 10, (code, year, key, a, b)
        regs = [k for k in v if ".regulations." in k]
        if level not in ("province", "city"):
            assert all(v[k] == 0 for k in regs), (code, year)
        f = main[(code, year)]
        if f["published_on"]:
            deadline = dt.date(year + 1, 3, 31) if level in ("province", "city", "county") else dt.date(year + 1, 1, 31)
            assert dt.date.fromisoformat(f["published_on"]) <= deadline


def test_clean_reports_raise_nothing_across_years(corpus: Manifest) -> None:
    """xxgk's own checks on the truth, each clean year against the year before: no finding at all."""
    reports = {(f["agency"], f["year"]): corpus.truth[f["path"]] for f in corpus.files if f["role"] == "main"}
    for c in corpus.clean:
        key = (c["agency"], c["year"])
        previous = reports.get((c["agency"], c["year"] - 1))
        assert reports[key].check(previous) == [], key


def test_clean_narratives_are_not_alike(corpus: Manifest) -> None:
    s = similarity(corpus)
    assert s["reports"] >= 50
    assert s["max"] < CLEAN_MAX_JACCARD, s
    assert s["copies"] and s["copies_min"] > COPY_MIN_JACCARD, s


# --- injections -------------------------------------------------------------------------------------------


def _kind(corpus: Manifest, kind: str) -> list[dict]:
    found = [e for e in corpus.injections if e["kind"] == kind]
    assert found, kind
    return found


def test_injections_hit_distinct_agency_years(corpus: Manifest) -> None:
    hit = [(e["agency"], e["year"]) for e in corpus.injections]
    partners = {(p["agency"], p["year"]) for p in corpus.data["partners"]}
    clean = {(c["agency"], c["year"]) for c in corpus.clean}
    assert len(hit) == len(set(hit))
    dup_files = {(e["agency"], e["year"]) for e in corpus.injections if e["kind"] == "duplicate_file"}
    assert not (set(hit) - dup_files) & clean and not partners & clean and not partners & set(hit)
    assert {e["kind"] for e in corpus.injections} == set(corpus.data["injection_kinds"])


def test_arithmetic_errors_are_in_the_files(corpus: Manifest) -> None:
    kinds = set()
    for e in _kind(corpus, "arithmetic"):
        r = _parse(corpus, e["files"][0])
        v = lambda k: r.value(k)  # noqa: E731
        kinds.add(e["error"])
        if e["error"] == "double_count":
            broken = [c for c in K.T3_COLUMNS
                      if v(f"t3.new_received.{c}") + v(f"t3.carried_over.{c}") != v(f"t3.results_total.{c}") + v(f"t3.carried_forward.{c}")]
            assert broken and e["rule"] == "t3.column_identity"
        elif e["error"] == "total_zero":
            leaves = sum(v(f"t3.{row}.total") for row in K.t3_outcome_rows(r.table_format))
            assert v("t3.results_total.total") == 0 < leaves and e["rule"] == "t3.results_total"
        else:
            assert any(v(f"t4.{b}.total") == 0 < sum(v(f"t4.{b}.{c}") for c in ("upheld", "corrected", "other", "pending"))
                       for b in K.T4_BLOCKS) and e["rule"] == "t4.block_sum"
        assert e["rule"] in {x.rule for x in r.check()}
    assert kinds == {"double_count", "total_zero", "t4_total_zero"}


def test_late_reports_print_a_late_date(corpus: Manifest, hierarchy: dict[str, dict]) -> None:
    for e in _kind(corpus, "late"):
        got = _parse(corpus, e["files"][0])
        level = hierarchy[e["agency"]]["level"]
        deadline = dt.date(e["year"] + 1, 3, 31) if level in ("province", "city", "county") else dt.date(e["year"] + 1, 1, 31)
        assert got.published_on == e["published_on"] and dt.date.fromisoformat(got.published_on) > deadline


def test_missing_reports_have_no_file(corpus: Manifest) -> None:
    for e in _kind(corpus, "missing"):
        assert e["files"] == []
        assert not list(corpus.root.rglob(f"{e['agency']}_{e['year']}.*"))


def test_duplicate_files_are_the_same_bytes(corpus: Manifest) -> None:
    for e in _kind(corpus, "duplicate_file"):
        a, b = (corpus.root / p for p in e["files"])
        assert a != b and a.read_bytes() == b.read_bytes()


def test_duplicate_reports_copy_another_agencys_tables(corpus: Manifest, truth: dict[str, dict]) -> None:
    for e in _kind(corpus, "duplicate_report"):
        b = _parse(corpus, e["files"][0])
        a = _values(truth, corpus, e["partner"]["agency"], e["partner"]["year"])
        assert e["partner"]["agency"] != e["agency"] and e["partner"]["year"] == e["year"]
        assert {k: b.value(k) for k in a} == a
        assert b.agency == truth[e["files"][0]]["printed_agency"] != truth[_main(corpus)[(e["partner"]["agency"], e["year"])]["path"]]["printed_agency"]


def _differing(corpus: Manifest, p1: str, p2: str) -> dict:
    a, b = _parse(corpus, p1), _parse(corpus, p2)
    assert (a.agency, a.year) == (b.agency, b.year)
    return {k: [a.value(k), b.value(k)] for k in K.cell_keys(a.table_format) if a.value(k) != b.value(k)}


def test_changed_versions_differ_in_the_changed_cell(corpus: Manifest) -> None:
    for e in _kind(corpus, "version_changed"):
        main, again = e["files"]
        assert again == "refetch/" + main
        assert _differing(corpus, main, again) == e["changed"]


def test_mirrors_differ_in_one_cell(corpus: Manifest) -> None:
    for e in _kind(corpus, "sources_differ"):
        main, mirror = e["files"]
        assert mirror.startswith("mirror/") and mirror.rsplit("/", 1)[0].removeprefix("mirror/") == main.rsplit("/", 1)[0]
        assert _differing(corpus, main, mirror) == e["differs"] and len(e["differs"]) == 1


def test_narrative_copies_are_near_duplicates(corpus: Manifest) -> None:
    for e in _kind(corpus, "narrative_duplicate"):
        b = _parse(corpus, e["files"][0])
        a = _parse(corpus, _main(corpus)[(e["partner"]["agency"], e["partner"]["year"])]["path"])
        assert a.agency != b.agency
        assert N.jaccard(N.shingles(a.sections), N.shingles(b.sections)) > COPY_MIN_JACCARD


def test_yoy_jumps_are_tenfold(corpus: Manifest, truth: dict[str, dict]) -> None:
    for e in _kind(corpus, "yoy_jump"):
        got = _parse(corpus, e["files"][0]).value("t3.new_received.total")
        before = _values(truth, corpus, e["agency"], e["year"] - 1)["t3.new_received.total"]
        assert got == e["after"] and before == e["before"] and got >= 10 * before > 0


def test_regulations_without_power(corpus: Manifest, hierarchy: dict[str, dict]) -> None:
    for e in _kind(corpus, "regulations_without_power"):
        got = _parse(corpus, e["files"][0])
        assert hierarchy[e["agency"]]["level"] in ("county", "township", "department")
        assert got.value("t2.regulations.issued") == e["cells"]["t2.regulations.issued"] > 0


def test_carried_over_differs_from_last_year(corpus: Manifest, truth: dict[str, dict]) -> None:
    for e in _kind(corpus, "cross_year"):
        got = _parse(corpus, e["files"][0])
        col = e["column"]
        before = _values(truth, corpus, e["agency"], e["year"] - 1)[f"t3.carried_forward.{col}"]
        assert got.value(f"t3.carried_over.{col}") == e["carried_over"] != before == e["carried_forward_before"]
        # The report itself still adds up: only the comparison with last year shows it.
        assert not [f for f in got.check() if f.severity == "error"]


# --- determinism --------------------------------------------------------------------------------------------


def test_deterministic_whatever_the_workers(tmp_path: Path) -> None:
    a = build(tmp_path / "a", 60, 5, workers=1)
    b = build(tmp_path / "b", 60, 5, workers=2)
    c = build(tmp_path / "c", 60, 6, workers=1, media={"txt": 1.0}, scans=0)
    files = lambda m: {f["path"]: f["sha256"] for f in m.files}  # noqa: E731
    assert files(a) == files(b)
    for f in a.files:
        assert (tmp_path / "a" / f["path"]).read_bytes() == (tmp_path / "b" / f["path"]).read_bytes()
    strip = lambda m: {k: v for k, v in m.data.items() if k != "stats"}  # noqa: E731
    assert strip(a) == strip(b)
    assert (tmp_path / "a" / "truth.jsonl.gz").read_bytes() == (tmp_path / "b" / "truth.jsonl.gz").read_bytes()
    assert files(a) != files(c)
