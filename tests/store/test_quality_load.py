"""The refresh's cheap reads against the reads they replace (`xxgk.store.quality.load`, `pairs`):
the cells from `Figures` against the contract's tables, the version's data keys in one JSON call
against Django's key transforms, the signatures taken from loaded reports against the query, the
narrative without positions against the one with them, and the tables pre-check against
`cell_changes`. Runs on SQLite and, with DATABASE_URL, on PostgreSQL.
"""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from tests.corpus.generate import random_report
from tests.store.test_quality import TEXTS, add, data, tree
from xxgk.store import figures, similar
from xxgk.store.models import Agency, Figures, Report, Version
from xxgk.store.quality import load
from xxgk.store.quality.cells import VALUE_KEYS
from xxgk.store.quality.pairs import _may_be_one_table
from xxgk.store.quality.rules import cell_changes

pytestmark = pytest.mark.django_db

#: Values a count cell of a stored version may hold besides an integer: each is "no count" to
#: the signals, and each but None and a container is listed in `Figures.inexact`.
ODD = ["12", "abc", 3.5, True, 2**70, -(2**70), None, {"x": 1}, [1], 0, -4]


def _set(d: dict[str, Any], key: str, value: Any) -> None:
    """Set a cell of a contract object by dotted key, where its path exists."""
    table, *path = key.split(".")
    node = d.get(table)
    for step in path[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
    if isinstance(node, dict):
        node[path[-1]] = value


def _odd_versions(n: int = 24) -> list[Version]:
    """Versions of both formats whose counts the signals read hold odd values here and there."""
    t = tree()
    rng = random.Random(7)
    out = []
    for i in range(n):
        fmt = "2021" if i % 3 else "2019"
        d = data(100 + i, fmt=fmt, year=2000 + i)
        mine = [k for k in VALUE_KEYS if k.split(".")[0] in ("t3", "t4", "t2" if fmt == "2021" else "t2_2019")]
        for key in rng.sample(mine, 6):
            _set(d, key, rng.choice(ODD))
        if i == 5:
            d["t3"] = "not a table"
        out.append(add(t["town"] if i % 2 else f"某单位{i}", 2000 + i, d))
    return out


def test_the_cells_from_figures_are_the_cells_from_the_tables() -> None:
    versions = _odd_versions()
    ids = [v.report_id for v in versions]
    assert not Figures.objects.exists()
    from_json = load.reports(ids)  # no Figures row: the tables decoded
    assert all(r.tables is not None for r in from_json.values())
    figures.fill(v.id for v in versions)
    from_rows = load.reports(ids)
    assert any(r.tables is None for r in from_rows.values())  # the Figures row read instead
    assert any(r.tables is not None for r in from_rows.values())  # an inexact count: the tables decoded
    for rid, r in from_json.items():
        assert {k: r.values.get(k) for k in VALUE_KEYS} == {k: from_rows[rid].values.get(k) for k in VALUE_KEYS}, rid
        assert all(v is None or type(v) is int for v in from_rows[rid].values.values())


@pytest.mark.parametrize("fmt", ["2021", " 2021", 2021, "pre2019", "2019.0", '"2019"', None, True, {"a": 1}])
@pytest.mark.parametrize("published", ["2025-04-03", "20250403", 20250403, "2025-4-3", None, False, " 2025-04-03"])
def test_the_data_keys_in_one_call_are_what_djangos_key_transforms_give(fmt: Any, published: Any) -> None:
    t = tree()
    d = data(3, published_on="2025-04-03", headings={"overview": "一 总体情况"})
    v1 = add(t["town"], 2024, d)
    d2 = data(4, published_on="2025-04-03")
    v2 = add(t["dept"], 2024, d2)
    d["format"], d["published_on"] = fmt, published
    d2["format"], d2["published_on"] = fmt, published
    d2.setdefault("extra", {})["headings"] = '{"overview": "一、总体情况"}'
    Version.objects.filter(pk=v1.pk).update(data=d)
    Version.objects.filter(pk=v2.pk).update(data=d2, format="unknown", published_on=None)
    Report.objects.create(printed_agency="无版本", year=2024)
    ids = list(Report.objects.values_list("id", flat=True))
    got = load.reports(ids)
    for rid, heads, data_fmt, data_published, col_fmt, col_published in (
        Report.objects.filter(id__in=ids).values_list("id", *load._DATA_KEYS, "active__format", "active__published_on")
    ):
        r = got[rid]
        assert r.headings == (heads if isinstance(heads, dict) else None)
        assert r.format == load._format(col_fmt, data_fmt)
        assert r.published_on == load._date(col_published, data_published)
    assert {v1.report_id, v2.report_id} <= set(got)


def test_the_signatures_of_loaded_reports_are_those_the_query_reads() -> None:
    t = tree()
    for i, key in enumerate(("town", "dept", "county", "city", "prov")):
        add(t[key], 2024, data(i, sections=TEXTS["abc"[i % 3]]))
    add("某单位", 2024, data(9, sections={}))
    ids = sorted(Report.objects.values_list("id", flat=True))
    whole = load.signed_reports()
    assert len(whole) == 5
    for known in ([], ids, ids[:2], ids[1::2], ids[-1:]):
        assert load.signed_reports(load.reports(known).values()) == whole


def test_the_narrative_without_positions_is_the_text_of_the_narrative_with_them() -> None:
    rng = random.Random(3)
    cases = [TEXTS["a"], TEXTS["b"], {}, {"overview": "政府信息公开工作年度报告"}, {"other": 3}]
    cases += [random_report(rng).sections for _ in range(20)]
    for secs in cases:
        assert similar._text(secs) == similar.narrative(secs).text


def test_tables_the_same_in_every_cell_pass_the_pre_check() -> None:
    """`_may_be_one_table` is False only where `cell_changes` finds a changed cell."""
    versions = _odd_versions(12)
    county = Agency.objects.get(code="511724")
    rng = random.Random(5)
    base = data(200)
    for i in range(12):  # copies of one report, a cell or none changed (a count, a blank, a text)
        d = copy.deepcopy(base)
        if i % 3:
            key = rng.choice([k for k in VALUE_KEYS if k.startswith("t3.")])
            _, row, col = key.split(".")
            d["t3"][row][col] = rng.choice([None, "7", 7, 10**6, d["t3"][row][col]])
        versions.append(add(county if i == 0 else f"复制单位{i}", 2030 + i, d))
    figures.fill(v.id for v in versions[::2])  # half from Figures rows, half from the tables
    reps = load.reports(v.report_id for v in versions)
    reps_full = load.reports(v.report_id for v in versions)
    for r in reps_full.values():
        r.tables = load.tables([r.active_id])[r.active_id]
    same = 0
    for a in reps:
        for b in reps:
            if a == b:
                continue
            ra, rb = reps_full[a], reps_full[b]
            if ra.format == rb.format and not cell_changes(ra.tables, rb.tables):
                same += 1
                assert _may_be_one_table(reps[a], reps[b]), (a, b)
    assert same > 0
