"""The five published sample reports (../shared/seeds): each parses completely and checks clean.

Their tables are all zeros, so these tests pin what zeros cannot hide elsewhere: agency, year, format,
section boundaries and the line each cell came from. Non-zero tables are covered by the generated
corpus (test_roundtrip.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk.read.text import parse_text
from xxgk.report import keys as K

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"

#: seed prefix → (agency, year, {section: (starts with, ends with)})
EXPECTED = {
    "000": ("渠县临巴镇", 2024, {
        "overview": ("（一）主动公开。2024 年，临巴镇依托", "无造成不良影响或者严重后果情况。"),
        "problems": ("2024年临巴镇政府信息公开工作取得了一些成绩", "不断提高政府信息公开工作效率。"),
        "other": ("渠县临巴镇 2024 年未发出政府信息处理费收费通知", "未收取信息处理费。"),
    }),
    "001": ("岚皋县佐龙镇人民政府", 2024, {
        "overview": ("（一）主动公开情况。2024年我镇按照", "朝着专业化、规范化方向发展。"),
        "problems": ("（一）存在问题。2024年我镇政府信息公开工作", "让群众能够更加清晰地了解政府工作的全貌。"),
        "other": ("本年度未收取信息处理费。", "本年度未收取信息处理费。"),
    }),
    "002": ("卷硐镇", 2023, {
        "overview": ("2023 年，卷硐镇深入学习贯彻党的二十大精神", "法定主动公开内容的公示情况。"),
        "problems": ("(一) 工作中存在的问题\n一是相关工作人员", "全面推进我镇政务公开建设。"),
        "other": ("卷硐镇 2023 年未发出政府信息处理费收费通知", "未收取信息处理费。"),
    }),
    "003": ("平罗县渠口乡", 2024, {
        "overview": ("2024年，渠口乡认真贯彻落实", "2024年全年未发生追责问责情况。"),
        "problems": ("2024年，我乡在推动政府信息公开工作中取得一定成效", "便于公众查询。"),
        "other": ("（一）全县 2024 年政务公开重点工作清单落实情况。", "电话：0952-6860685"),
    }),
    "004": ("渠县清溪场镇", 2024, {
        "overview": ("（一）主动公开。2024 年度，清溪场镇进一步提高政府工作的透明度", "优化基层服务水平。"),
        "problems": ("（一）存在主要问题\n一是信息发布规范化程度", "推动政务公开工作高质量发展。"),
        "other": ("渠县清溪场镇 2024 年未发出政府信息处理费收费通知，未收取信息处理费。", "未收取信息处理费。"),
    }),
}


def seed_files() -> list[Path]:
    return sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []


pytestmark = pytest.mark.skipif(not seed_files(), reason="../shared/seeds not present")


@pytest.fixture(params=seed_files(), ids=lambda p: p.name[:3])
def seed(request: pytest.FixtureRequest) -> tuple[Path, str]:
    path: Path = request.param
    return path, path.read_text(encoding="utf-8")


def test_every_seed_has_expectations() -> None:
    assert sorted(p.name[:3] for p in seed_files()) == sorted(EXPECTED)


def test_it_reads_agency_year_and_format(seed: tuple[Path, str]) -> None:
    path, text = seed
    agency, year, _ = EXPECTED[path.name[:3]]
    r = parse_text(text, name=path.name)
    assert (r.agency, r.year, r.format) == (agency, year, "2021")


def test_it_reads_all_200_cells_as_printed_zeros(seed: tuple[Path, str]) -> None:
    path, text = seed
    r = parse_text(text, name=path.name)
    assert list(r.cells) == list(K.cell_keys("2021"))
    assert len(r.cells) == 200
    for key, cell in r.cells.items():
        assert cell.semantic == "zero", (key, cell)
        assert cell.value == ("0" if key == K.T2_FEE_KEY else 0)


def test_every_cell_points_at_a_line_holding_its_raw_text(seed: tuple[Path, str]) -> None:
    path, text = seed
    lines = text.splitlines()
    r = parse_text(text, name=path.name)
    for key, cell in r.cells.items():
        n = cell.where["line"]
        assert cell.raw.strip() and cell.raw in lines[n - 1], (key, n, cell.raw)


def test_cells_keep_printed_order_of_lines(seed: tuple[Path, str]) -> None:
    path, text = seed
    r = parse_text(text, name=path.name)
    lines = [c.where["line"] for c in r.cells.values()]
    assert lines == sorted(lines)


def test_it_finds_the_six_sections(seed: tuple[Path, str]) -> None:
    path, text = seed
    r = parse_text(text, name=path.name)
    assert set(r.sections) == set(K.SECTION_KEYS)
    for key, (start, end) in EXPECTED[path.name[:3]][2].items():
        assert r.sections[key].startswith(start), (key, r.sections[key][:80])
        assert r.sections[key].endswith(end), (key, r.sections[key][-80:])
    # Tables are not narrative: no section text may contain a table row.
    for body in r.sections.values():
        assert "本年新收政府信息公开申请数量" not in body
        assert "行政规范性文件" not in body or "未制定" in body


def test_check_finds_no_error(seed: tuple[Path, str]) -> None:
    path, text = seed
    r = parse_text(text, name=path.name)
    errors = [f for f in r.check() if f.severity == "error"]
    assert errors == []
    assert [f for f in r.findings if f.rule.startswith("read.")] == []
