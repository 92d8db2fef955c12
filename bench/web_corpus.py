"""A national-scale store for the web benchmarks, generated as a stream (the store corpus of
issue 14 plans every report in memory: ~10 GB at 100,000 reports).

    .venv/bin/python bench/web_corpus.py OUT [--provinces 5] [--years 2020-2024] [--workers 2]

Writes OUT/hierarchy.csv (code,name,level,parent_code) and one text report per agency-year,
OUT/<province>/<city>/<code>_<year>.txt. Shape: P provinces × 13 cities × 10 counties; each county
has 15 towns and 14 departments, each city and province 16 departments: 20,620 agencies with 5
provinces, × 5 years, less ~2% agency-years left missing = ~101,000 reports. Names are unique
fictional places (no two agencies fold to one name under the matcher's normalisation). Tables:
tests/corpus/generate.py (non-zero, every identity true within the report); narratives:
tests/corpus/narrative.py (each agency writes its own text, so 雷同 detection stays quiet); ~5%
published after the statutory date. Deterministic per (code, year).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import multiprocessing as mp
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

_CHARS = "岚澄峪汀泓渚沅湄琅珂璟瑜璞瑶岱嵩崇岑峤屿溪澜沣淇涞洮渭汾泾浔濉漳湍滦淮泗沭沂汶洙渑淄潍莒蓟邺郯郓鄄濮滑浚漯郾舞汝颍沈项鹿邑柘睢杞蔚涿霸雄容易唐涞曲阜滕邹峄郯费兰蒙沭"
_DEPTS = ("发展和改革局", "教育局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局",
          "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
          "卫生健康委员会")


def _stems(n: int, length: int, rng: random.Random, used: set[str]) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        s = "".join(rng.choice(_CHARS) for _ in range(length))
        if s not in used:
            used.add(s)
            out.append(s)
    return out


def hierarchy(provinces: int, seed: int = 11) -> list[dict[str, str]]:
    """code, name, level, parent_code, place, kind, upper (the government above), dir."""
    rng = random.Random(seed)
    used: set[str] = set()
    rows: list[dict[str, str]] = []

    def add(code: str, name: str, level: str, parent: str, place: str, kind: str, upper: str, where: str) -> None:
        rows.append({"code": code, "name": name, "level": level, "parent_code": parent, "place": place, "kind": kind,
                     "upper": upper, "dir": where})

    def depts(gov_code: str, place: str, gov_name: str, n: int, where: str) -> None:
        for i, d in enumerate(_DEPTS[:n], 1):
            add(f"{gov_code}D{i:02d}", place + d, "department", gov_code, place, "dept", gov_name, where)

    for p, pstem in enumerate(_stems(provinces, 2, rng, used), 1):
        pcode, pplace = f"{p + 60}", pstem + "省"
        add(pcode, pplace + "人民政府", "province", "", pplace, "province_gov", "国务院", pcode)
        depts(pcode, pplace, pplace + "人民政府", 16, pcode)
        for c, cstem in enumerate(_stems(13, 2, rng, used), 1):
            ccode, cplace = f"{pcode}{c:02d}", cstem + "市"
            cdir = f"{pcode}/{ccode}"
            add(ccode, cplace + "人民政府", "city", pcode, cplace, "city_gov", pplace + "人民政府", cdir)
            depts(ccode, cplace, cplace + "人民政府", 16, cdir)
            for k, kstem in enumerate(_stems(10, 2, rng, used), 1):
                kcode, kplace = f"{ccode}{k:02d}", kstem + "县"
                add(kcode, kplace + "人民政府", "county", ccode, kplace, "county_gov", cplace + "人民政府", cdir)
                depts(kcode, kplace, kplace + "人民政府", 14, cdir)
                for t, tstem in enumerate(_stems(15, 3, rng, used), 1):
                    add(f"{kcode}{t:03d}", tstem + "镇人民政府", "township", kcode, tstem + "镇", "township",
                        kplace + "人民政府", cdir)
    return rows


def _report_text(row: dict[str, str], year: int) -> tuple[str, bytes] | None:
    from tests.corpus import narrative as N
    from tests.corpus.generate import random_report
    from tests.corpus.layouts import LAYOUTS, render_text

    rng = random.Random(f"{row['code']}:{year}")
    if rng.random() < 0.02:
        return None  # missing
    fmt = "2019" if year < 2021 else "2021"
    report = random_report(rng, fmt=fmt)
    values = {k: c.value for k, c in report.cells.items()}
    dept = row["name"].removeprefix(row["place"]) if row["kind"] == "dept" else None
    kind = row["kind"]
    facts = N.Facts(row["name"].removesuffix("人民政府"), row["place"], row["upper"], kind, year, fmt, values,
                    (), f"{row['place']}人民政府门户网站", row["place"] + "发布", tuple(rng.randint(20, 900) for _ in range(6)),
                    N.topics_for(kind, None))
    report.sections = N.sections(rng, facts)
    report.agency, report.year = row["name"], year
    deadline_month = 1 if row["level"] in ("department", "township") else 3
    late = rng.random() < 0.05
    day = dt.date(year + 1, deadline_month, 1) + dt.timedelta(days=rng.randint(0, 27) + (45 if late else 0))
    report.published_on = day.isoformat()
    from tests.corpus.store.media import _text_dated

    text = _text_dated(render_text(report, LAYOUTS[rng.randrange(len(LAYOUTS))], rng), report, rng)
    return f"{row['dir']}/{row['code']}_{year}.txt", text.encode("utf-8")


def _make(args: tuple[dict[str, str], int]) -> tuple[str, bytes] | None:
    return _report_text(*args)


def generate(out: Path, provinces: int, years: tuple[int, ...], workers: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rows = hierarchy(provinces)
    with (out / "hierarchy.csv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["code", "name", "level", "parent_code"])
        w.writerows([r["code"], r["name"], r["level"], r["parent_code"]] for r in rows)
    jobs: Iterator[tuple[dict[str, str], int]] = ((r, y) for r in rows for y in years)
    n = 0
    with mp.get_context("fork").Pool(workers) as pool:
        for made in pool.imap_unordered(_make, jobs, chunksize=64):
            if made is None:
                continue
            path = out / made[0]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(made[1])
            n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--provinces", type=int, default=5)
    ap.add_argument("--years", default="2020-2024")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    a, b = (int(x) for x in args.years.split("-"))
    t = time.perf_counter()
    n = generate(args.out, args.provinces, tuple(range(a, b + 1)), args.workers)
    print(f"{n} reports in {time.perf_counter() - t:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
