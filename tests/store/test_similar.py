"""`xxgk.store.similar`: the narrative signature made on the workers and the exact comparison
behind `quality.narrative_duplicate` (pure functions, no database)."""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO, SEEDS
from xxgk.store import similar
from xxgk.store.quality.thresholds import NARRATIVE_JACCARD

REAL = REPO.parent / "shared" / "real"

SECTIONS = {
    "overview": "2024年，临巴镇依托县政府门户网站公布镇财政预算决算信息、专项资金公示和行政执法人员名单，发布涉及文物保护、"
                "教育助学、环保节能、安全生产等方面的惠民政策38条。走好网上群众路线，办理县委书记信箱4件，咨询投诉2件。",
    "problems": "部分业务科室对工作的重视程度不够，提供的信息不够及时；下一步将加大科室人员培训力度。",
    "other": "无。",
}


def test_the_signature_is_the_same_in_another_process_whatever_its_hash_seed() -> None:
    """Computed on Dask workers: no Python hash(), no PYTHONHASHSEED dependence."""
    code = ("import sys, json; from xxgk.store import similar; "
            "print(similar.signature(json.loads(sys.stdin.read())).hex())")
    import json

    here = similar.signature(SECTIONS)
    assert here is not None
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO / "src")}
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(SECTIONS), capture_output=True, text=True,
                             env=env, check=True, cwd=REPO)
        assert bytes.fromhex(out.stdout.strip()) == here


def test_the_permutations_are_datasketchs() -> None:
    """Drawn without datasketch (it imports scipy: 0.5 s a process), equal to what its affine32
    MinHash draws for (NUM_PERM, SEED); the first values literally, as datasketch 2.0 gives them."""
    from datasketch import MinHash

    a, b = similar._permutations()
    da, db = MinHash(num_perm=similar.NUM_PERM, seed=similar.SEED, scheme="affine32").permutations
    assert a.dtype == b.dtype == np.uint32
    assert a.tolist() == [int(x) for x in da] and b.tolist() == [int(x) for x in db]
    assert (a.tolist()[:2], b.tolist()[:2]) == ([119772375, 3624037041], [516887480, 2556378380])


def test_the_minhash_values_are_datasketchs() -> None:
    """The vectorised MinHash equals datasketch's own update_batch (affine32, identity hash), so
    datasketch's LSH and Jaccard estimate apply to the stored values."""
    from datasketch import MinHash

    hv = np.random.RandomState(0).randint(0, 2**32, 700, dtype=np.uint64).astype(np.uint32)
    m = MinHash(num_perm=similar.NUM_PERM, seed=similar.SEED, scheme="affine32", hashfunc=lambda x: x)
    m.update_batch([int(x) for x in hv])
    assert np.array_equal(similar._minhash_values(hv), m.hashvalues)
    sk = similar.decode(similar.signature(SECTIONS))
    assert sk is not None and similar.minhash(sk).jaccard(similar.minhash(sk)) == 1.0


def test_decode_reads_back_what_signature_wrote_and_refuses_anything_else() -> None:
    sig = similar.signature(SECTIONS)
    assert sig is not None and len(sig) == 30 + 4 * similar.NUM_PERM
    sk = similar.decode(memoryview(sig))  # PostgreSQL gives a memoryview
    assert sk is not None and len(sk.hashvalues) == similar.NUM_PERM
    assert sk.shingles == len(similar.shingles(similar.narrative(SECTIONS).text))
    assert similar.decode(None) is None and similar.decode(b"") is None and similar.decode(sig[:-4]) is None
    assert similar.decode(b"XM\x02" + sig[3:]) is None  # another format
    assert similar.decode(sig[:3] + bytes([6]) + sig[4:]) is None  # another shingle length


@pytest.mark.parametrize("sections", [
    {},
    {"overview": "", "other": "   "},
    {"overview": "一、总体情况", "other": "未发出政府信息处理费收费通知，未收取信息处理费。无其他需要报告事项。"},
    {"proactive": "主动公开政府信息情况如下：", "applications": "情况如下。", "appeals": "详见下表。"},
])
def test_no_signature_without_narrative(sections: dict[str, str]) -> None:
    assert similar.signature(sections) is None


def test_numbers_whitespace_punctuation_and_full_width_forms_do_not_count() -> None:
    a = similar.signature(SECTIONS)
    renumbered = {k: re.sub(r"\d+", "7", v) for k, v in SECTIONS.items()}
    reprinted = {k: v.replace("，", ", ").replace("。", ".\n").replace("2024", "２０２４") for k, v in SECTIONS.items()}
    assert similar.signature(renumbered) == a and similar.signature(reprinted) == a
    assert similar.signature({**SECTIONS, "problems": SECTIONS["problems"] + "并完善制度。"}) != a


def test_no_shingle_spans_two_sections_or_a_cut_boilerplate_phrase() -> None:
    two = similar.narrative({"overview": "甲乙丙丁戊", "problems": "己庚辛壬癸"})
    assert two.text == "甲乙丙丁戊|己庚辛壬癸" and len(similar.shingles(two.text)) == 2
    cut = similar.narrative({"overview": "甲乙丙丁戊政府信息公开己庚辛壬癸"})
    assert cut.text == "甲乙丙丁戊|己庚辛壬癸" and len(similar.shingles(cut.text)) == 2


def test_each_normalised_character_knows_where_it_was_printed() -> None:
    nar = similar.narrative({"problems": "一是 信息\n更新 12 次。", "other": "（甲）乙"})
    assert nar.text == "一是信息更新#次|甲乙"
    assert [nar.where[i] for i in range(len(nar.text))] == [
        ("problems", 0), ("problems", 1), ("problems", 3), ("problems", 4), ("problems", 6), ("problems", 7),
        ("problems", 9), ("problems", 12), None, ("other", 1), ("other", 3)]


def test_jaccard() -> None:
    a, b = np.array([1, 2, 3, 4], np.uint64), np.array([3, 4, 5], np.uint64)
    assert similar.jaccard(a, b) == 2 / 5 and similar.jaccard(a, a) == 1.0 and similar.jaccard(a, np.array([], np.uint64)) == 0.0


def test_shared_passages_with_their_offsets_in_each_report() -> None:
    passage = "依托县门户网站公布财政预算决算信息和专项资金公示等内容共计{}条并设置公开栏方便群众查阅办事"
    mine = {"overview": "甲乙丙" + passage.format(38) + "丁戊己庚辛"}
    theirs = {"overview": "子丑寅卯辰巳午未申酉戌亥", "problems": "子丑" + passage.format(7) + "寅卯辰巳午"}
    (p,) = similar.shared_passages(similar.narrative(mine), similar.narrative(theirs))
    n = len(passage.format(38))
    assert p == {"chars": n - 1, "text": passage.format(38),
                 "this": {"section": "overview", "start": 3, "end": 3 + n},
                 "other": {"section": "problems", "start": 2, "end": 2 + n - 1}}
    assert similar.shared_passages(similar.narrative(mine), similar.narrative(theirs), min_chars=n) == []


def test_independent_reports_are_far_below_the_threshold_and_copies_far_above() -> None:
    """The threshold's fit (quality/thresholds.py), on the published sample and real reports."""
    import xxgk

    paths = sorted(SEEDS.glob("*.txt")) + sorted(REAL.glob("*/source.*"))
    if len(paths) < 12:
        pytest.skip("../shared/seeds or ../shared/real absent")
    reports = [(p, xxgk.parse(p)) for p in paths]
    sets = {p: similar.shingles(similar.narrative(r.sections).text) for p, r in reports}
    same_office = {"008_pingtan_czj_2020", "015_pingtan_czj_2019"}
    for (pa, ra), (pb, rb) in itertools.combinations(reports, 2):
        j = similar.jaccard(sets[pa], sets[pb])
        if {pa.parent.name, pb.parent.name} == same_office:
            assert 0.1 < j < NARRATIVE_JACCARD  # one office reusing its own text: not this signal
        else:
            assert j < 0.05, (pa, pb, j)
    for p, r in reports:
        name = (r.agency or "")[-3:]
        copy = {k: re.sub(r"\d+", "9", v.replace(name, "某某乡")) for k, v in r.sections.items()}
        assert similar.jaccard(sets[p], similar.shingles(similar.narrative(copy).text)) >= 0.85


@pytest.mark.parametrize(("bands", "rows"), [(64, 2), (42, 3), (128, 1)])
def test_the_banding_finds_datasketchs_lsh_candidates(bands: int, rows: int) -> None:
    """`lsh_pairs` returns the pairs datasketch's MinHashLSH(params=(bands, rows)) would: on
    narratives near and far from one another (copies with edits of several sizes)."""
    from datasketch import MinHashLSH

    rng = np.random.RandomState(1)
    words = ["".join(chr(0x4E00 + int(c)) for c in rng.randint(0, 3000, 4)) for _ in range(400)]
    texts = []
    for _ in range(40):
        base = list(rng.choice(words, 60))
        texts.append(base)
        for edits in (3, 15, 40):  # a copy with more or fewer words replaced
            copy = list(base)
            for k in rng.randint(0, 60, edits):
                copy[k] = str(rng.choice(words))
            texts.append(copy)
    sketches = [similar.decode(similar.signature({"overview": "".join(t)})) for t in texts]
    matrix = np.vstack([s.hashvalues for s in sketches if s is not None])
    lsh = MinHashLSH(num_perm=similar.NUM_PERM, params=(bands, rows))
    for i, s in enumerate(sketches):
        lsh.insert(i, similar.minhash(s))
    expected = {(i, j) for i, s in enumerate(sketches) for j in lsh.query(similar.minhash(s)) if i < j}
    got = {tuple(p) for p in similar.lsh_pairs(matrix, bands, rows).tolist()}
    assert got == expected and len(expected) > 40
    among = np.zeros(len(matrix), bool)
    among[[0, 5]] = True
    assert {tuple(p) for p in similar.lsh_pairs(matrix, bands, rows, among).tolist()} == {p for p in expected if 0 in p or 5 in p}


def test_the_banding_refuses_more_pairs_than_its_budget() -> None:
    same = np.tile(np.arange(similar.NUM_PERM, dtype=np.uint32), (30, 1))  # 30 identical signatures: 435 pairs
    assert len(similar.lsh_pairs(same, 64, 2, max_pairs=435)) == 435
    with pytest.raises(similar.TooManyPairs):
        similar.lsh_pairs(same, 64, 2, max_pairs=434)
    among = np.zeros(30, bool)
    among[0] = True  # only the pairs of one report: 29
    assert len(similar.lsh_pairs(same, 64, 2, among, max_pairs=29)) == 29
