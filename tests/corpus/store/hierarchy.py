"""A generated agency hierarchy: provinces → cities → counties → townships/streets, departments under
each government, with unique full names, aliases, and the forms reports print their agency in.

Names reuse the lists of `tests/corpus/generate.py` first, then real-shaped ones (two-syllable
place names from syllable lists, the usual department names). Every full name is unique: a
department is prefixed by its government's place (`渠县财政局`), a township by its county
(`渠县佐龙镇人民政府`). Short forms (`佐龙镇人民政府`) are aliases only where no other township of the
hierarchy has the same short form, so that every alias names exactly one agency.

`PrintedForm.how` says what a matcher needs to get from a printed form to the agency, from this
module's own catalogue (never from the matcher's code):

- ``name``: the full name as printed;
- ``alias``: an alias listed in hierarchy.csv (a short form, a department's abbreviation, a district's
  former 县 name);
- ``normalised``: neither, but the name or an alias once a suffix is dropped or shortened
  (`渠县佐龙镇` for `渠县佐龙镇人民政府`, `渠县政府` or `渠县` for `渠县人民政府`, `渠县城关街道` for
  `渠县城关街道办事处`).
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field

from ..generate import _COUNTIES, _DEPARTMENTS, _STREETS, _TOWNS

__all__ = ["Agency", "PrintedForm", "build_hierarchy", "hierarchy_csv", "DEPTS"]

#: Department key → (name under a city/county government, name under a province, abbreviation or "").
DEPTS: dict[str, tuple[str, str, str]] = {
    "office": ("人民政府办公室", "人民政府办公厅", ""),
    "finance": ("财政局", "财政厅", ""),
    "education": ("教育局", "教育厅", ""),
    "health": ("卫生健康委员会", "卫生健康委员会", "卫健委"),
    "hrss": ("人力资源和社会保障局", "人力资源和社会保障厅", "人社局"),
    "housing": ("住房和城乡建设局", "住房和城乡建设厅", "住建局"),
    "nature": ("自然资源和规划局", "自然资源厅", ""),
    "ecology": ("生态环境局", "生态环境厅", ""),
    "market": ("市场监督管理局", "市场监督管理局", "市场监管局"),
    "transport": ("交通运输局", "交通运输厅", ""),
    "civil": ("民政局", "民政厅", ""),
    "police": ("公安局", "公安厅", ""),
    "stats": ("统计局", "统计局", ""),
    "audit": ("审计局", "审计厅", ""),
    "petition": ("信访局", "信访局", ""),
    "agri": ("农业农村局", "农业农村厅", ""),
    "water": ("水利局", "水利厅", ""),
    "emergency": ("应急管理局", "应急管理厅", ""),
    "justice": ("司法局", "司法厅", ""),
    "veterans": ("退役军人事务局", "退役军人事务厅", "退役军人局"),
    "medical": ("医疗保障局", "医疗保障局", "医保局"),
}
assert set(_DEPARTMENTS) <= {d[0] for d in DEPTS.values()}, "every department of generate.py has a key"

_PROVINCE_CITIES: dict[str, tuple[str, ...]] = {
    "四川省": ("达州市", "南充市", "绵阳市", "宜宾市", "泸州市", "乐山市", "遂宁市", "内江市", "广安市", "巴中市", "眉山市", "资阳市"),
    "陕西省": ("安康市", "汉中市", "宝鸡市", "咸阳市", "渭南市", "延安市", "榆林市", "商洛市"),
    "江苏省": ("宿迁市", "盐城市", "淮安市", "连云港市", "徐州市", "扬州市", "泰州市", "南通市"),
    "湖北省": ("孝感市", "荆州市", "宜昌市", "襄阳市", "十堰市", "黄冈市", "咸宁市", "随州市"),
    "宁夏回族自治区": ("石嘴山市", "吴忠市", "固原市", "中卫市"),
    "浙江省": ("绍兴市", "金华市", "台州市", "丽水市", "衢州市", "湖州市", "嘉兴市", "温州市"),
    "广东省": ("湛江市", "茂名市", "肇庆市", "清远市", "韶关市", "梅州市", "河源市"),
    "山东省": ("威海市", "潍坊市", "临沂市", "济宁市", "泰安市", "德州市", "聊城市", "菏泽市"),
    "湖南省": ("岳阳市", "常德市", "衡阳市", "邵阳市", "益阳市", "郴州市", "永州市", "怀化市"),
}
_PROVINCE_CODES = {"四川省": "51", "陕西省": "61", "江苏省": "32", "湖北省": "42", "宁夏回族自治区": "64", "浙江省": "33",
                   "广东省": "44", "山东省": "37", "湖南省": "43"}
# Syllables of county and township names (no 市/县/区/镇/乡/州/地/社: they would read as a level).
_C1 = "平宣开大通万营仪蓬西南高长永安宁乐兴德昌丰武华嘉金青石白龙新东北汉江云清宝富广洪泰恒盘柳凤元崇荣隆仁绥靖"
_C2 = "昌汉江竹川源山陵阳安平宁城水丰德化兴和林溪泉原台门河湖远定康宾"
_T1 = "青白石龙新永太红清金马凤安黄双河高东西南北大小上下沙柳桃杨文武长丰和兴福宝复合仁义德平宁乐古观临望朝华盘九五六万"
_T2 = "桥溪山河坪坝湾口场寺铺庙岭塘林川源田水江关堡集店营庄池滩岗湖泉垭坡峰台井沟嘴坊阳"
_S1 = ("城东", "城西", "城南", "城北", "新华", "人民", "解放", "和平", "胜利", "建设", "文化", "朝阳", "光明", "团结", "友谊", "中山",
       "江北", "河西", "龙泉", "锦华")
_V2 = "村"


@dataclass
class PrintedForm:
    text: str
    how: str  # name | alias | normalised
    weight: float


@dataclass
class Agency:
    code: str
    name: str
    level: str  # province | city | county | township | department
    parent: str  # parent code, "" for a province
    kind: str  # province_gov, city_gov, county_gov, township, street, dept (office and departments)
    place: str  # its place name ('渠县', '佐龙镇'); for a department its government's place
    short: str  # how its narrative names it
    dept: str | None = None  # department key (DEPTS)
    aliases: list[str] = field(default_factory=list)
    forms: list[PrintedForm] = field(default_factory=list)
    locals: tuple[str, ...] = ()  # villages/communities (townships) or subordinate places (governments)
    path: tuple[str, ...] = ()  # directory names: province, city, county
    upper: str = ""  # the government above it (full name)
    rule_making: bool = False

    @property
    def is_government(self) -> bool:
        return self.kind in ("province_gov", "city_gov", "county_gov", "township", "street")

    @property
    def deadline(self) -> tuple[int, int]:
        """(month, day) of Y+1 by which the report is due: 县级以上人民政府 31 March, departments and
        townships 31 January (《条例》第五十条: 部门 by 1月31日, 县级以上人民政府 by 3月31日)."""
        return (3, 31) if self.kind in ("province_gov", "city_gov", "county_gov") else (1, 31)


def _names(rng: random.Random, first: str, second: str, n: int, taken: set[str], seed: tuple[str, ...] = ()) -> list[str]:
    out: list[str] = []
    for s in seed:
        if len(out) < n and s not in taken:
            out.append(s)
            taken.add(s)
    tries = 0
    while len(out) < n:
        tries += 1
        s = rng.choice(first) + rng.choice(second)
        if s[0] == s[1] or s in taken:
            if tries > 10000:
                raise RuntimeError("name pool exhausted")
            continue
        out.append(s)
        taken.add(s)
    return out


class _Builder:
    def __init__(self, rng: random.Random, target: int) -> None:
        self.rng, self.target = rng, target
        self.agencies: list[Agency] = []
        self.county_names: set[str] = set()
        # Size of each unit, scaled so that small corpora still span every level.
        self.depts = max(3, min(16, target // 120))
        self.counties = max(2, min(7, target // 200))
        self.towns = max(4, min(18, target // 100))
        self.cities = 4  # per province: a 10,000-report corpus then spans two provinces
        if target >= 10_000:
            # A national-scale bench corpus (100,000 reports = 20,000 agencies × 5 years: the web
            # benchmarks) takes every city of every province, and wider counties; smaller corpora
            # are unchanged.
            self.cities, self.counties = 12, 9

    def full(self) -> bool:
        return len(self.agencies) >= self.target

    def add(self, a: Agency) -> bool:
        if self.full():
            return False
        self.agencies.append(a)
        return True

    def departments(self, gov: Agency, province: bool) -> None:
        keys = ["office"] + self.rng.sample([k for k in DEPTS if k != "office"], min(len(DEPTS) - 1, self.depts - 1))
        for i, key in enumerate(keys, 1):
            local, prov, abbr = DEPTS[key]
            suffix = prov if province else local
            if key == "office":
                name = gov.name + suffix.removeprefix("人民政府")
            else:
                name = gov.place + suffix
            aliases = [gov.place + abbr] if abbr else []
            forms = [PrintedForm(name, "name", 0.85)] + [PrintedForm(x, "alias", 0.15) for x in aliases]
            short = name if key != "office" else gov.place + ("政府办公厅" if province else "政府办公室")
            if not self.add(Agency(f"{gov.code}D{i:02d}", name, "department", gov.code, "dept", gov.place, short, key, aliases,
                                   forms, gov.locals, gov.path, gov.name)):
                return

    def government(self, code: str, place: str, level: str, kind: str, parent: Agency | None, path: tuple[str, ...],
                   locals_: tuple[str, ...], aliases: list[str] | None = None) -> Agency:
        name = f"{place}人民政府"
        aliases = aliases or []
        forms = [PrintedForm(name, "name", 0.8), PrintedForm(f"{place}政府", "normalised", 0.05), PrintedForm(place, "normalised", 0.05)]
        forms += [PrintedForm(a, "alias", 0.1) for a in aliases]
        return Agency(code, name, level, parent.code if parent else "", kind, place, place, None, aliases, forms, locals_, path,
                      parent.name if parent else "国务院", kind in ("province_gov", "city_gov"))

    def build(self) -> list[Agency]:
        rng = self.rng
        provinces = list(_PROVINCE_CITIES)
        rng.shuffle(provinces)
        for prov in provinces:
            cities = list(_PROVINCE_CITIES[prov])
            rng.shuffle(cities)
            cities = cities[: self.cities]
            pgov = self.government(_PROVINCE_CODES[prov], prov, "province", "province_gov", None, (prov,), tuple(cities[:4]))
            if not self.add(pgov):
                break
            self.departments(pgov, province=True)
            for ci, city in enumerate(cities, 1):
                if self.full():
                    break
                ccode = f"{pgov.code}{ci:02d}"
                counties = self._county_names(self.counties)
                cgov = self.government(ccode, city, "city", "city_gov", pgov, (prov, city), tuple(counties[:4]))
                self.add(cgov)
                self.departments(cgov, province=False)
                for ki, county in enumerate(counties, 1):
                    if self.full():
                        break
                    self._county(cgov, f"{ccode}{ki:02d}", county)
            if self.full():
                break
        if not self.full():
            raise RuntimeError(f"hierarchy too small for {self.target} agencies")
        return self.agencies

    def _county_names(self, n: int) -> list[str]:
        seed = tuple(c for c in _COUNTIES if not c.startswith("某"))
        stems = _names(self.rng, _C1, _C2, n, {c[:-1] for c in self.county_names}, tuple(c[:-1] for c in seed if c not in self.county_names))
        out = []
        for stem in stems:
            whole = next((c for c in seed if c[:-1] == stem), None) or stem + self.rng.choice("县县县区")
            out.append(whole)
            self.county_names.add(whole)
        return out

    def _county(self, cgov: Agency, code: str, county: str) -> None:
        rng = self.rng
        district = county.endswith("区")
        taken: set[str] = set()
        n_towns = self.towns
        if district:
            streets = [s for s in rng.sample(_STREETS + _S1, min(len(_STREETS + _S1), max(2, n_towns // 2)))]
            towns = _names(rng, _T1, _T2, n_towns - len(streets), taken | set(streets), tuple(rng.sample(_TOWNS, 3)))
        else:
            streets = [rng.choice(_STREETS + _S1)] if rng.random() < 0.5 else []
            towns = _names(rng, _T1, _T2, n_towns - len(streets), taken | set(streets), tuple(rng.sample(_TOWNS, 4)))
        units = [(t + rng.choice("镇镇镇乡"), "township") for t in towns] + [(s + "街道", "street") for s in streets]
        aliases = [county[:-1] + "县人民政府"] if district and rng.random() < 0.3 else []
        gov = self.government(code, county, "county", "county_gov", cgov, cgov.path + (county,), tuple(u for u, _ in units[:4]), aliases)
        if not self.add(gov):
            return
        self.departments(gov, province=False)
        for i, (unit, kind) in enumerate(units, 1):
            villages = tuple(v + ("社区" if kind == "street" else rng.choice(("村", "村", "社区"))) for v in _names(rng, _T1, _T2, 4, set()))
            if kind == "township":
                name = f"{county}{unit}人民政府"
            else:
                name = f"{county}{unit}办事处"
            a = Agency(f"{code}{i:03d}", name, "township", code, kind, unit, unit, None, [], [], villages, gov.path, gov.name)
            if not self.add(a):
                return


def _finish_forms(agencies: list[Agency]) -> None:
    """Short forms of townships and streets are aliases (and printed) only where unique."""
    counts: dict[str, int] = {}
    for a in agencies:
        if a.level == "township":
            counts[a.place] = counts.get(a.place, 0) + 1
    for a in agencies:
        if a.level != "township":
            continue
        county = a.name[: a.name.index(a.place)]
        unique = counts[a.place] == 1
        if a.kind == "township":
            short = f"{a.place}人民政府"
            a.forms = [PrintedForm(a.name, "name", 0.45), PrintedForm(f"{county}{a.place}", "normalised", 0.15)]
        else:
            short = f"{a.place}办事处"
            a.forms = [PrintedForm(a.name, "name", 0.45), PrintedForm(f"{county}{a.place}", "normalised", 0.15)]
        if unique:
            a.aliases = [short]
            a.forms += [PrintedForm(short, "alias", 0.3), PrintedForm(a.place, "normalised", 0.1)]


def build_hierarchy(rng: random.Random, n_agencies: int) -> list[Agency]:
    """Exactly `n_agencies` agencies, parents before children, codes and full names unique."""
    agencies = _Builder(rng, n_agencies).build()
    _finish_forms(agencies)
    names = [a.name for a in agencies] + [x for a in agencies for x in a.aliases]
    assert len(set(names)) == len(names), "names and aliases must be unique"
    assert len({a.code for a in agencies}) == len(agencies)
    return agencies


def hierarchy_csv(agencies: list[Agency]) -> str:
    """hierarchy.csv: code,name,level,parent_code,aliases (aliases separated by ';')."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["code", "name", "level", "parent_code", "aliases"])
    for a in agencies:
        w.writerow([a.code, a.name, a.level, a.parent, ";".join(a.aliases)])
    return out.getvalue()
