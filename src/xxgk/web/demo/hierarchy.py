"""The demo hierarchy: 甲省 → 乙市 → four counties and districts → their townships, 街道 and
departments. Every name is invented (甲乙丙丁 places, ordinary town names inside them) and every code
starts with 99, which no real 行政区划代码 uses, so the demo never collides with a real hierarchy
loaded beside it.

Each agency has a `kind` that decides the size of its numbers (`tables.PROFILES`): a city bureau
receives hundreds of applications a year, a township a handful.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The root of the demo hierarchy (its path is "/99/").
ROOT_CODE = "99"


@dataclass(frozen=True)
class DemoAgency:
    code: str
    name: str
    level: str  # store.models.LEVELS
    parent: str | None  # parent code
    kind: str  # tables.PROFILES key
    #: The place name the narrative uses for the agency (短称).
    short: str


def _departments(parent: str, place: str, kinds: list[tuple[str, str, str]]) -> list[DemoAgency]:
    return [DemoAgency(f"{parent}-{abbr}", f"{place}{name}", "department", parent, kind, f"{place}{name}")
            for abbr, name, kind in kinds]


def _county(code: str, name: str, towns: list[str], depts: list[tuple[str, str, str]]) -> list[DemoAgency]:
    out = [DemoAgency(code, f"{name}人民政府", "county", "9901", "county_gov", name)]
    for i, town in enumerate(towns, 1):
        full = f"{name}{town}办事处" if town.endswith("街道") else f"{name}{town}人民政府"
        out.append(DemoAgency(f"{code}{i:03d}", full, "township", code,
                              "street" if town.endswith("街道") else "township", town))
    return out + _departments(code, name, depts)


_EDU = ("JYJ", "教育局", "dept_service")
_FIN = ("CZJ", "财政局", "dept_office")
_POL = ("GAJ", "公安局", "dept_enforce")

#: The whole demo tree, parents before children.
AGENCIES: tuple[DemoAgency, ...] = tuple(
    [DemoAgency("99", "甲省人民政府", "province", None, "province_gov", "甲省"),
     DemoAgency("9901", "乙市人民政府", "city", "99", "city_gov", "乙市")]
    + _departments("9901", "乙市", [
        _EDU, _POL, _FIN,
        ("ZRZYJ", "自然资源和规划局", "dept_land"), ("STHJJ", "生态环境局", "dept_enforce"),
        ("ZJJ", "住房和城乡建设局", "dept_land"), ("JTYSJ", "交通运输局", "dept_enforce"),
        ("WJW", "卫生健康委员会", "dept_service"), ("SCJGJ", "市场监督管理局", "dept_enforce"),
        ("RSJ", "人力资源和社会保障局", "dept_service"), ("MZJ", "民政局", "dept_service"),
        ("TJJ", "统计局", "dept_office"),
    ])
    + _county("990101", "丙县", ["青石镇", "白沙乡", "云溪镇", "柳林镇"], [
        _EDU, _POL, _FIN, ("WJJ", "卫生健康局", "dept_service"), ("SCJGJ", "市场监督管理局", "dept_enforce"),
    ])
    + _county("990102", "丁县", ["桃源镇", "石门乡", "新安镇", "荷塘乡"], [
        _EDU, ("MZJ", "民政局", "dept_service"), ("NYNCJ", "农业农村局", "dept_service"),
        ("ZRZYJ", "自然资源局", "dept_land"), ("JTYSJ", "交通运输局", "dept_enforce"),
    ])
    + _county("990103", "戊区", ["东城街道", "西城街道", "南湖街道", "北苑街道"], [
        _EDU, ("ZJJ", "住房和城乡建设局", "dept_land"), ("RSJ", "人力资源和社会保障局", "dept_service"),
        ("CGJ", "城市管理局", "dept_enforce"), ("WJJ", "卫生健康局", "dept_service"),
    ])
    + _county("990104", "己区", ["新华街道", "长青街道", "临江镇"], [
        _EDU, _FIN, ("SFJ", "司法局", "dept_office"), ("YJJ", "应急管理局", "dept_enforce"),
        ("CGJ", "城市管理局", "dept_enforce"),
    ])
)

BY_CODE: dict[str, DemoAgency] = {a.code: a for a in AGENCIES}
BY_NAME: dict[str, DemoAgency] = {a.name: a for a in AGENCIES}


def install() -> dict[str, object]:
    """Create or update the demo agencies in the store (idempotent: matched by code). Returns
    code → `store.models.Agency`."""
    from xxgk.store.models import Agency

    rows: dict[str, object] = {}
    for a in AGENCIES:
        parent = rows.get(a.parent) if a.parent else None
        obj, _ = Agency.objects.update_or_create(
            code=a.code, defaults={"name": a.name, "level": a.level, "parent": parent})
        rows[a.code] = obj
    return rows
