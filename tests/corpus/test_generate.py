"""The corpus generator: reports satisfy the hard identities, renderings carry exactly the report.

The arithmetic is checked here directly (not through xxgk.report.checks). The rendering oracle is a
deliberately naive decoder: within each table region, numbers are grouped into runs separated by
label text; a run of 8 (15+1 in Table 四) is reduced by the contiguous-window rule of domain.md §6.2.
"""

from __future__ import annotations

import random
import re
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest

from tests.corpus.generate import LAYOUTS, SECTION_TITLES, main, random_report, render_text
from xxgk.report import keys as K
from xxgk.report.values import numeric_text

SEEDS = range(40)
FORMATS = ("2021", "2019")
PAGE_RE = re.compile(r"^\s*-\s*\d+\s*-\s*$")


def _int(r, key: str) -> int:
    v = r.value(key)
    assert isinstance(v, int), (key, v)
    return v


# --- reports -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("seed", SEEDS)
def test_identities(seed: int, fmt: str) -> None:
    r = random_report(random.Random(seed), fmt=fmt)
    assert r.format == fmt and r.table_format == fmt
    assert set(r.cells) == set(K.cell_keys(fmt))
    rows, leaves = K.t3_rows(fmt), K.t3_outcome_rows(fmt)
    assert len(leaves) == (21 if fmt == "2021" else 19)
    for col in K.T3_COLUMNS:
        c = lambda row: _int(r, f"t3.{row}.{col}")  # noqa: E731
        assert c("new_received") + c("carried_over") == c("results_total") + c("carried_forward"), col
        assert c("results_total") == sum(c(leaf) for leaf in leaves), col
    for row in rows:
        assert _int(r, f"t3.{row}.total") == sum(_int(r, f"t3.{row}.{c}") for c in K.T3_APPLICANT_COLUMNS), row
    for block in K.T4_BLOCKS:
        parts = sum(_int(r, f"t4.{block}.{c}") for c in ("upheld", "corrected", "other", "pending"))
        assert _int(r, f"t4.{block}.total") == parts, block
    for key in K.cell_keys(fmt):
        v = r.value(key)
        if key in K.DECIMAL_KEYS:
            assert isinstance(v, str) and Decimal(v) >= 0 and re.fullmatch(r"\d+(\.\d{1,2})?", v), (key, v)
        elif not key.endswith(K.SIGNED_SUFFIX):
            assert isinstance(v, int) and v >= 0, (key, v)


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_are_nonzero_and_plausible(fmt: str) -> None:
    totals = []
    for seed in SEEDS:
        r = random_report(random.Random(seed), fmt=fmt)
        assert _int(r, "t3.new_received.total") + _int(r, "t3.carried_over.total") > 0
        assert 2019 <= r.year <= 2025 and r.agency
        assert set(r.sections) == set(K.SECTION_KEYS) and all(r.sections.values())
        if fmt == "2021":
            gov = r.agency.endswith("人民政府") and r.agency[: -len("人民政府")].endswith(("市", "省", "自治区"))
            if not gov:
                assert all(_int(r, f"t2.regulations.{c}") == 0 for c in ("issued", "repealed", "in_force")), r.agency
        totals.append(_int(r, "t3.new_received.total"))
    assert max(totals) >= 100, totals  # some city-scale reports
    assert min(totals) <= 10, totals  # and some townships


def test_zero_report_is_all_zero() -> None:
    for seed in range(10):
        r = random_report(random.Random(seed), zero=True)
        for key in K.cell_keys("2021"):
            assert r.value(key) in (0, "0"), key


def test_deterministic() -> None:
    a = random_report(random.Random(7)).to_dict(with_findings=False)
    b = random_report(random.Random(7)).to_dict(with_findings=False)
    assert a == b
    c = random_report(random.Random(8)).to_dict(with_findings=False)
    assert a != c
    r = random_report(random.Random(7))
    for layout in LAYOUTS:
        assert render_text(r, layout, random.Random(1)) == render_text(r, layout, random.Random(1))


def test_narrative_quotes_the_tables() -> None:
    for seed in SEEDS:
        r = random_report(random.Random(seed))
        new = _int(r, "t3.new_received.total")
        text = r.sections["overview"]
        if new:
            assert f"收到政府信息公开申请{new}件" in text
        if _int(r, "t3.other_fee_unpaid.total") == 0:
            assert "未发出政府信息处理费收费通知" in r.sections["other"]


# --- renderings --------------------------------------------------------------------------------------


def _heading_line(lines: list[str], key: str) -> int:
    titles = SECTION_TITLES[key]
    for i, line in enumerate(lines):
        if line.strip().lstrip("#").strip() in titles:
            return i
    raise AssertionError(f"no heading for {key}")


def _runs(lines: list[str], layout: str) -> list[list[str]]:
    """Runs of consecutive number tokens, split by any text token (blank cells are ignored)."""
    runs: list[list[str]] = [[]]
    for line in lines:
        if PAGE_RE.match(line):
            continue
        if layout == "space004":
            cells = line.split()
        elif layout == "markdown":
            if re.fullmatch(r"\|(\s*---\s*\|)+", line.strip()):
                continue
            cells = line.strip().strip("|").split("|")
        else:
            cells = line.split("\t")
        for cell in cells:
            cell = cell.strip()
            if not cell:
                continue
            num = numeric_text(cell)
            if num is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(num)
    return [r for r in runs if r]


def _window(run: list[int], n: int, ok) -> list[int]:
    if len(run) == n:
        return run
    assert len(run) == n + 1, run
    good = [run[i : i + n] for i in range(2) if ok(run[i : i + n])]
    assert good and all(g == good[0] for g in good), run
    return good[0]


def _same(token: str, value) -> bool:
    return Decimal(token) == Decimal(str(value))


@pytest.mark.parametrize("variants", (True, False))
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_rendering(layout: str, fmt: str, variants: bool) -> None:
    for seed in range(25):
        r = random_report(random.Random(seed), fmt=fmt, zero=seed % 7 == 6)
        text = render_text(r, layout, random.Random(seed * 31 + 5), variants=variants)
        _check_text(r, text, layout, fmt)


def _check_text(r, text: str, layout: str, fmt: str) -> None:
    flat = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    assert r.agency in text
    assert str(r.year) in text
    assert f"所列数据统计期限为{r.year}年1月1日至{r.year}年12月31日" in flat
    lines = text.split("\n")
    heads = [_heading_line(lines, k) for k in K.SECTION_KEYS]
    assert heads == sorted(heads), heads
    stripped = {line.strip() for line in lines}
    for key in K.SECTION_KEYS:
        for para in r.sections[key].split("\n"):
            assert para in stripped, (layout, key, para)
    # Table 二: the numbers in printed order.
    t2 = [n for run in _runs(lines[heads[1] + 1 : heads[2]], layout) for n in run]
    keys2 = K.t2_keys(fmt)
    assert len(t2) == len(keys2), (layout, t2)
    for tok, key in zip(t2, keys2):
        assert _same(tok, r.value(key)), (layout, key, tok)
    # Table 三: one run per row, 7 numbers (8 → window rule).
    runs = _runs(lines[heads[2] + 1 : heads[3]], layout)
    rows = K.t3_rows(fmt)
    assert len(runs) == len(rows), (layout, [len(x) for x in runs])
    for row, run in zip(rows, runs):
        vals = _window([int(x) for x in run], 7, lambda w: sum(w[:6]) == w[6])
        assert vals == [r.value(f"t3.{row}.{c}") for c in K.T3_COLUMNS], (layout, row, run)
    # Table 四: one run of 15 (16 → window rule).
    runs = _runs(lines[heads[3] + 1 : heads[4]], layout)
    assert len(runs) == 1, (layout, runs)
    vals = _window([int(x) for x in runs[0]], 15, lambda w: all(sum(w[b * 5 : b * 5 + 4]) == w[b * 5 + 4] for b in range(3)))
    assert vals == [r.value(f"t4.{b}.{c}") for b in K.T4_BLOCKS for c in K.T4_COLUMNS], layout


def test_variants_do_occur() -> None:
    """Across a batch, the advertised variants actually show up."""
    texts = {layout: "" for layout in LAYOUTS}
    for seed in range(30):
        r = random_report(random.Random(seed))
        for layout in LAYOUTS:
            texts[layout] += render_text(r, layout, random.Random(f"{seed}:{layout}"))
    everything = "".join(texts.values())
    for needle in ("件\t", "逾期未接收", "规 章", "(三)", "[bookmark: _GoBack]", "||"):
        assert needle in everything, needle
    assert re.search(r"\d,\d{3}", everything)
    assert re.search(r"\n- \d -\n", everything)
    assert re.search(r"[０-９]", everything)
    assert "三、本 年度办 理结果" in texts["tab000"]
    assert "\n无法提供\t2." in texts["tab002"]
    assert "结 果 维 持" in texts["md003"]
    assert "\n其\n他\n结\n果\n" in texts["space004"]
    assert "\t 0\n" in texts["lines001"] or "\t0 \n" in texts["lines001"]


def test_unknown_layout() -> None:
    with pytest.raises(ValueError):
        render_text(random_report(random.Random(1)), "pdf", random.Random(1))


def test_cli_writes_samples(tmp_path: Path) -> None:
    assert main([str(tmp_path), "--n", "3"]) == 0
    files = sorted(p.name for p in tmp_path.iterdir())
    assert "000.json" in files and "002_space004.txt" in files
    assert len(files) == 3 * (1 + len(LAYOUTS))
