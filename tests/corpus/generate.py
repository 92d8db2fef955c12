"""Generator of test reports: random valid `Report`s and full-text renderings in the sample layouts.

API (imported by property tests and the benchmark)::

    from tests.corpus.generate import random_report, render_text, LAYOUTS
    report = random_report(rng, fmt="2021", zero=False)   # fmt "2021" or "2019"
    text = render_text(report, "tab000", rng, variants=True)

`random_report` builds Table 三 bottom-up (leaf outcomes per applicant column → row totals →
（七）总计 → 结转/新收), so every hard identity of report-json.md holds exactly. The narrative
sections only quote numbers taken from the tables.

Section text convention: `report.sections[key]` is its paragraphs joined by "\\n"; each paragraph is a
single line. Every layout prints each paragraph verbatim on a line of its own (layouts differ only in
blank lines between paragraphs), so a reader recovers a section by joining the non-blank lines between
two section headings (for proactive/applications/appeals: between the heading and the table) with "\\n".

Real-shaped text (labels from the catalogue tests/corpus/variants.py, layouts of crawler text, PDF
extractors and office PDFs, see tests/corpus/printed.py)::

    from tests.corpus.generate import printed_corpus, glued_corpus
    docs = printed_corpus(20, seed=1, layout="md_extract", family="any")   # Printed: text + truth
    pairs = glued_corpus(50, seed=1)                                       # [(name, bytes)] for bench/

CLI: ``python -m tests.corpus.generate OUTDIR --n 20 [--seed 1] [--fmt 2021|2019|mixed] [--zero]
[--no-variants]`` writes ``NNN.json`` (``report.to_dict(with_findings=False)``) and one
``NNN_<layout>.txt`` per layout.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path
from typing import Any

from xxgk.report import Report
from xxgk.report import keys as K

from .layouts import LAYOUTS, SECTION_TITLES, render_text

__all__ = ["LAYOUTS", "SECTION_TITLES", "SOURCE_ERRORS", "random_report", "render_text", "inject_error",
           "printed_corpus", "glued_corpus", "write_printed_corpus", "main"]

# --- agencies ---------------------------------------------------------------------------------

_PROVINCES = ("四川省", "宁夏回族自治区", "陕西省", "江苏省", "湖北省", "浙江省", "广东省", "山东省", "某某省")
_CITIES = ("达州市", "石嘴山市", "安康市", "宿迁市", "孝感市", "湛江市", "威海市", "岳阳市", "某某市")
_COUNTIES = ("渠县", "平罗县", "岚皋县", "沭阳县", "徐闻县", "雄县", "金湖县", "文登区", "南湖区", "某某县")
_TOWNS = ("临巴", "清溪场", "卷硐", "佐龙", "渠口", "龙凤", "石桥", "新兴", "永安", "太平", "三汇", "白果", "红星", "青龙")
_STREETS = ("城关", "东城", "南街", "打浦桥", "滨江", "西湖", "北门")
_DEPARTMENTS = (
    "自然资源和规划局", "住房和城乡建设局", "生态环境局", "市场监督管理局", "人力资源和社会保障局",
    "交通运输局", "教育局", "卫生健康委员会", "民政局", "财政局", "公安局", "统计局", "审计局",
    "信访局", "农业农村局", "水利局", "应急管理局", "司法局", "退役军人事务局", "医疗保障局",
)

#: kind → (weight, typical number of applications per year (lo, hi))
_KINDS: dict[str, tuple[float, tuple[int, int]]] = {
    "township": (0.35, (1, 8)),
    "street": (0.08, (1, 15)),
    "county_gov": (0.07, (10, 120)),
    "county_office": (0.05, (1, 40)),
    "county_dept": (0.18, (3, 150)),
    "city_gov": (0.05, (80, 900)),
    "city_dept": (0.17, (100, 2500)),
    "province_gov": (0.05, (200, 3000)),
}


def _agency(rng: random.Random, kind: str) -> tuple[str, str]:
    """(full agency name as printed in the title, short name used in the narrative)."""
    county, city, prov = rng.choice(_COUNTIES), rng.choice(_CITIES), rng.choice(_PROVINCES)
    if kind == "township":
        town = rng.choice(_TOWNS) + rng.choice(("镇", "镇", "乡"))
        name = rng.choice((f"{county}{town}", f"{county}{town}人民政府", f"{town}人民政府", town))
        return name, town
    if kind == "street":
        street = rng.choice(_STREETS) + "街道"
        return rng.choice((f"{county}{street}办事处", f"{county}{street}", f"{street}办事处")), street
    if kind == "county_gov":
        return f"{county}人民政府", county
    if kind == "county_office":
        return f"{county}人民政府办公室", f"{county}政府办"
    if kind == "county_dept":
        dept = rng.choice(_DEPARTMENTS)
        return f"{county}{dept}", f"{county}{dept}"
    if kind == "city_gov":
        return f"{city}人民政府", city
    if kind == "city_dept":
        dept = rng.choice(_DEPARTMENTS)
        return f"{city}{dept}", f"{city}{dept}"
    return f"{prov}人民政府", prov


# --- Table 三 -----------------------------------------------------------------------------------

#: Rough share of each leaf outcome (2021 keys); `other_processing` (2019) gets the three other_*.
_OUTCOME_WEIGHTS: dict[str, float] = {
    "granted": 0.36, "partially_granted": 0.08,
    "denied_state_secret": 0.004, "denied_law_prohibited": 0.01, "denied_security_stability": 0.004,
    "denied_third_party": 0.02, "denied_internal_affairs": 0.01, "denied_process_info": 0.02,
    "denied_enforcement_file": 0.01, "denied_admin_query": 0.02,
    "unable_not_held": 0.22, "unable_needs_creation": 0.03, "unable_unclear": 0.02,
    "not_processed_petition": 0.04, "not_processed_duplicate": 0.03, "not_processed_publication": 0.01,
    "not_processed_excessive": 0.01, "not_processed_confirm": 0.01,
    "other_no_correction": 0.04, "other_fee_unpaid": 0.004, "other_other": 0.05,
}
#: Probability that an organisation column has any applications at all (natural persons always do).
_ORG_PRESENCE = {"commercial_enterprise": 0.75, "research_institution": 0.12, "public_welfare_org": 0.25,
                 "legal_service_org": 0.45, "other_org": 0.45}
#: `dense=True` (reports for label/layout round trips): every organisation column present this often,
#: and agencies of the larger kinds, so that most cells of Table 三 are non-zero and of varied size.
_DENSE_PRESENCE = 0.85
_DENSE_KINDS = ("county_gov", "county_dept", "city_gov", "city_dept", "province_gov", "township")


def _split(rng: random.Random, n: int, weights: dict[str, float]) -> dict[str, int]:
    """n items distributed over the keys of `weights` (a multinomial draw)."""
    out = dict.fromkeys(weights, 0)
    if n <= 0:
        return out
    for k in rng.choices(list(weights), weights=list(weights.values()), k=n):
        out[k] += 1
    return out


def _t3(rng: random.Random, fmt: str, n_apps: int, dense: bool = False) -> dict[str, int]:
    rows = K.t3_rows(fmt)
    leaves = K.t3_outcome_rows(fmt)
    # Column sizes: natural persons dominate, organisations are sparse (dense: most columns present).
    col_w = {"natural_person": rng.uniform(3.0, 12.0)}
    for col, p in _ORG_PRESENCE.items():
        p = max(p, _DENSE_PRESENCE) if dense else p
        col_w[col] = (rng.uniform(0.3, 3.0) if col == "commercial_enterprise" else rng.uniform(0.05, 0.8)) if rng.random() < p else 0.0
    closed = _split(rng, n_apps, col_w)
    # Outcome mix: per report, perturb and sometimes drop an outcome entirely.
    base = dict(_OUTCOME_WEIGHTS)
    if fmt == "2019":
        base["other_processing"] = base.pop("other_no_correction") + base.pop("other_fee_unpaid") + base.pop("other_other")
    drop = 0.1 if dense else 0.3
    mix = {k: (0.0 if rng.random() < drop and k not in ("granted", "unable_not_held") else base[k] * rng.uniform(0.3, 1.7))
           for k in leaves}
    if dense:  # rare outcomes get a share large enough to show up in a few hundred applications
        mix = {k: (max(w, 0.02) if w else 0.0) for k, w in mix.items()}
    values: dict[str, int] = {}
    for col in K.T3_APPLICANT_COLUMNS:
        leaf = _split(rng, closed[col], mix)
        results = sum(leaf.values())
        forward = int(round(results * rng.uniform(0.0, 0.12))) if rng.random() < 0.6 else 0
        over = min(results, int(round(results * rng.uniform(0.0, 0.12)))) if rng.random() < 0.6 else 0
        col_vals = {**leaf, "results_total": results, "carried_forward": forward, "carried_over": over,
                    "new_received": results + forward - over}
        for row in rows:
            values[f"t3.{row}.{col}"] = col_vals[row]
    for row in rows:
        values[f"t3.{row}.total"] = sum(values[f"t3.{row}.{c}"] for c in K.T3_APPLICANT_COLUMNS)
    return values


# --- Table 四 -----------------------------------------------------------------------------------


def _t4(rng: random.Random, scale: int, dense: bool = False) -> dict[str, int]:
    values: dict[str, int] = {}
    hi = {"review": max(1, scale // 60), "litigation_direct": max(1, scale // 150), "litigation_after_review": max(1, scale // 250)}
    if dense:
        hi = {k: max(3, 2 * v) for k, v in hi.items()}
    for block in K.T4_BLOCKS:
        p = 0.8 if dense else (0.6 if scale > 50 else 0.15)
        n = rng.randint(0, hi[block]) if rng.random() < p else 0
        parts = _split(rng, n, {"upheld": 6.0, "corrected": 1.5, "other": 2.0, "pending": 1.5})
        for col in ("upheld", "corrected", "other", "pending"):
            values[f"t4.{block}.{col}"] = parts[col]
        values[f"t4.{block}.total"] = n
    return values


# --- Table 二 -----------------------------------------------------------------------------------


def _decimal(rng: random.Random, hi: float) -> str:
    """A non-negative decimal string with 0–2 decimals ('0', '12.5', '316441.27', '0.85')."""
    if rng.random() < 0.35:
        return "0"
    x = 10 ** rng.uniform(-1.5, hi)
    d = rng.choice((0, 1, 2, 2))
    s = f"{x:.{d}f}"
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0.01" if float(s) == 0 else s


def _t2_2021(rng: random.Random, kind: str) -> dict[str, int | str]:
    local = kind in ("township", "street")
    big = kind in ("city_gov", "city_dept", "province_gov")
    v: dict[str, int | str] = {}
    if kind in ("city_gov", "province_gov"):
        v["t2.regulations.issued"] = rng.randint(0, 8)
        v["t2.regulations.repealed"] = rng.randint(0, 4)
        v["t2.regulations.in_force"] = rng.randint(20, 300)
    else:
        v["t2.regulations.issued"] = v["t2.regulations.repealed"] = v["t2.regulations.in_force"] = 0
    if local:
        issued = rng.choice((0, 0, 0, 1, 2))
        v["t2.normative_documents.issued"] = issued
        v["t2.normative_documents.repealed"] = rng.choice((0, 0, 1))
        v["t2.normative_documents.in_force"] = issued + rng.randint(0, 8)
    elif kind.endswith("dept"):
        issued = rng.randint(0, 12)
        v["t2.normative_documents.issued"] = issued
        v["t2.normative_documents.repealed"] = rng.randint(0, 6)
        v["t2.normative_documents.in_force"] = issued + rng.randint(0, 60)
    else:
        issued = rng.randint(0, 40)
        v["t2.normative_documents.issued"] = issued
        v["t2.normative_documents.repealed"] = rng.randint(0, 15)
        v["t2.normative_documents.in_force"] = issued + rng.randint(5, 400)
    office = kind in ("county_office",)
    lic_hi = 2.5 if local else (4.5 if big else 3.7)
    v["t2.licensing"] = 0 if office or rng.random() < 0.25 else int(10 ** rng.uniform(0, lic_hi))
    v["t2.penalty"] = 0 if office or rng.random() < 0.35 else int(10 ** rng.uniform(0, lic_hi - 0.6))
    v["t2.compulsion"] = 0 if office or rng.random() < 0.6 else int(10 ** rng.uniform(0, lic_hi - 1.5))
    if local:
        v["t2.admin_fees_wan_yuan"] = "0" if rng.random() < 0.85 else _decimal(rng, 1.5)
    else:
        v["t2.admin_fees_wan_yuan"] = _decimal(rng, 5.5 if kind == "province_gov" else (4.0 if big else 3.0))
    return v


def _t2_2019(rng: random.Random, kind: str, dense: bool = False) -> dict[str, int | str]:
    v: dict[str, int | str] = {}
    rule_maker = kind in ("city_gov", "province_gov")
    for row, lo_hi in (("regulations", (0, 8) if rule_maker else (0, 0)), ("normative_documents", (0, 30))):
        made = rng.randint(*lo_hi)
        v[f"t2_2019.{row}.made"] = made
        v[f"t2_2019.{row}.published"] = rng.randint(0, made)
        v[f"t2_2019.{row}.total_published"] = made + (rng.randint(0, 200) if lo_hi[1] else 0)
    for row in ("licensing", "other_services", "penalty", "compulsion"):
        prev = 0 if rng.random() < 0.3 else int(10 ** rng.uniform(0, 2.7))
        v[f"t2_2019.{row}.previous_items"] = prev
        v[f"t2_2019.{row}.change"] = 0 if rng.random() < 0.4 else rng.randint(-min(prev, 20), 40)
        v[f"t2_2019.{row}.decisions"] = 0 if rng.random() < 0.3 else int(10 ** rng.uniform(0, 3.5))
    prev = rng.randint(0, 12)
    v["t2_2019.admin_fees.previous_items"] = prev
    v["t2_2019.admin_fees.change"] = rng.randint(-min(prev, 3), 3)
    items = rng.choice((0, 0, rng.randint(1, 60))) if not dense else (rng.randint(1, 60) if rng.random() < 0.8 else 0)
    v["t2_2019.procurement.items"] = items
    v["t2_2019.procurement.amount"] = "0" if items == 0 else f"{10 ** rng.uniform(0.5, 6.5):.{rng.choice((0, 2))}f}"
    return v


# --- narrative --------------------------------------------------------------------------------

_SUBHEADS = (
    ("（一）主动公开", "（一）主动公开情况"),
    ("（二）依申请公开", "（二）依申请公开情况"),
    ("（三）政府信息管理", "（三）政府信息管理情况"),
    ("（四）政府信息公开平台建设", "（四）平台建设情况"),
    ("（五）监督保障", "（五）监督保障情况"),
)

_INTRO = (
    "{y}年，{s}深入学习贯彻党的二十大精神，认真落实《中华人民共和国政府信息公开条例》，围绕中心工作，全面推进决策、执行、管理、服务、结果公开，不断提升政务公开质量和实效。",
    "{y}年，在上级党委、政府的坚强领导下，{s}坚持以人民为中心的发展思想，紧紧围绕中心工作，持续深化政府信息公开，全力保障人民群众的知情权、参与权和监督权。",
)
_PROACTIVE = (
    "{y}年，{s}依托政府门户网站、政务公开栏等渠道主动公开政府信息{n}条，内容涵盖机构职能、财政预决算、惠民政策、重点项目等，切实保障了群众的知情权、参与权和监督权。",
    "{s}按照“公开为常态、不公开为例外”的原则，全年主动公开各类政府信息{n}条，其中政策文件及解读{m}条，做到应公开尽公开。",
    "全年通过政府网站发布各类信息{n}条，通过微信公众号推送信息{m}条，及时回应社会关切。",
)
_MANAGEMENT = (
    "严格落实“三审三校”制度，坚持“先审查、后公开”和“一事一审”原则，做好拟公开信息的保密审查，确保不发生失泄密问题。",
    "{s}明确专人负责政府信息管理，动态更新政府信息公开目录，及时清理失效信息，规范信息发布流程。",
)
_PLATFORM = (
    "强化政府网站作为政府信息公开第一平台的作用，充分利用政务新媒体、政务公开栏、电子显示屏等渠道及时发布各类信息，扩大公开覆盖面。",
    "{s}持续加强政府信息公开专栏建设，优化栏目设置，在便民服务中心设置政府信息查阅点，方便群众查询。",
)
_SUPERVISION = (
    "定期开展政府信息公开督查，将政务公开工作纳入年度考核，自觉接受社会评议，{y}年度未发生责任追究情况。",
    "{s}建立健全政府信息公开工作考核、社会评议和责任追究制度，对落实不力的进行通报，全年未发现违反有关规定的情况。",
)
_PROBLEMS = (
    ("一是信息发布的及时性有待提高；二是政策解读形式较为单一；三是工作人员业务能力仍需加强。",
     "下一步，{s}将加强业务培训，完善信息发布审核机制，丰富政策解读形式，进一步提升政府信息公开工作质效。"),
    ("{y}年{s}政府信息公开工作取得了一定成效，但还存在公开内容不够丰富、更新频率不够高等问题。",
     "针对以上问题，一是加强组织领导，压实工作责任；二是拓展公开渠道，丰富公开内容；三是强化队伍建设，定期开展业务培训。"),
)
_KEYPOINTS = (
    "{s}认真落实{y}年政务公开工作要点，持续做好重点领域信息公开，积极回应社会关切。",
    "本报告电子版可在政府门户网站查阅下载，如有疑问请与{s}政务公开办公室联系。",
)


def _applications_text(v: dict[str, int | str], short: str, y: int, fmt: str) -> str:
    t = lambda row: v[f"t3.{row}.total"]  # noqa: E731
    new, over, done, fwd = t("new_received"), t("carried_over"), t("results_total"), t("carried_forward")
    if new == 0 and over == 0:
        s = f"{y}年，{short}未收到公众、法人或其他组织提出的政府信息公开申请。"
    else:
        s = f"{y}年，{short}共收到政府信息公开申请{new}件"
        if over:
            s += f"，上年结转{over}件"
        s += f"，办结{done}件"
        parts = []
        for name, prefix in (("予以公开", "granted"), ("部分公开", "partially_granted"), ("不予公开", "denied_"),
                             ("无法提供", "unable_"), ("不予处理", "not_processed_"), ("其他处理", "other_")):
            n = sum(int(v[f"t3.{r}.total"]) for r in K.t3_outcome_rows(fmt) if r.startswith(prefix))
            if n:
                parts.append(f"{name}{n}件")
        if parts:
            s += "，其中" + "，".join(parts)
        s += f"；结转下年度继续办理{fwd}件。" if fwd else "。"
    rev, lit = v["t4.review.total"], int(v["t4.litigation_direct.total"]) + int(v["t4.litigation_after_review.total"])
    if rev or lit:
        s += f"全年因政府信息公开工作被申请行政复议{rev}件，被提起行政诉讼{lit}件。"
    else:
        s += "全年未发生因政府信息公开工作引发的行政复议、行政诉讼。"
    return s


def _fee_text(v: dict[str, int | str], agency: str, y: int, fmt: str) -> str:
    unpaid = int(v.get("t3.other_fee_unpaid.total", 0))
    if unpaid:
        return f"{y}年{agency}共发出政府信息处理费收费通知{unpaid + 1}件，申请人逾期未缴纳费用{unpaid}件，已按规定终止处理。"
    return f"{agency}{y}年未发出政府信息处理费收费通知，未收取信息处理费。"


def _sections(rng: random.Random, v: dict[str, int | str], agency: str, short: str, y: int, fmt: str, zero: bool) -> dict[str, str]:
    fill = {"s": short, "y": y, "n": rng.randint(12, 400), "m": rng.randint(1, 30)}
    bodies = [
        rng.choice(_PROACTIVE).format(**fill),
        _applications_text(v, short, y, fmt),
        rng.choice(_MANAGEMENT).format(**fill),
        rng.choice(_PLATFORM).format(**fill),
        rng.choice(_SUPERVISION).format(**fill),
    ]
    paras: list[str] = []
    if rng.random() < 0.6:
        paras.append(rng.choice(_INTRO).format(**fill))
    inline = rng.random() < 0.6
    alt = rng.random() < 0.4
    for (plain, long), body in zip(_SUBHEADS, bodies):
        head = long if alt else plain
        if inline:
            paras.append(f"{head}。{body}")
        else:
            paras += [head, body]
    problems = list(rng.choice(_PROBLEMS))
    if rng.random() < 0.5:
        problems = ["（一）存在的主要问题", problems[0].format(**fill), "（二）改进措施", problems[1].format(**fill)]
    other = [_fee_text(v, agency, y, fmt)]
    if rng.random() < 0.5:
        other.append(rng.choice(_KEYPOINTS).format(**fill))
    return {
        "overview": "\n".join(paras),
        "proactive": rng.choice(("本年度主动公开政府信息情况如下。", f"{short}主动公开政府信息情况统计如下：", "主动公开情况详见下表。")),
        "applications": rng.choice(("本年度收到和处理政府信息公开申请情况如下。", f"{short}收到和处理政府信息公开申请情况统计如下：")),
        "appeals": rng.choice(("本年度政府信息公开行政复议、行政诉讼情况如下。", "因政府信息公开工作被申请行政复议、提起行政诉讼情况如下：")),
        "problems": "\n".join(p.format(**fill) for p in problems),
        "other": "\n".join(other),
    }


# --- public API -------------------------------------------------------------------------------


def random_report(rng: random.Random, *, fmt: str = "2021", zero: bool = False, dense: bool = False) -> Report:
    """A random report in `fmt` ('2021' or '2019') whose cells satisfy every hard identity.

    `zero=True` gives an all-zero report (like the sample townships) with the same narrative shape.
    `dense=True` gives many non-zero cells of varied magnitudes (larger agencies, organisation columns
    and rare outcomes present): a round trip then proves something about every row and column.
    """
    if fmt not in ("2021", "2019"):
        raise ValueError(f"fmt must be '2021' or '2019', not {fmt!r}")
    kinds = list(_KINDS)
    kind = rng.choices(kinds, weights=[_KINDS[k][0] for k in kinds])[0]
    if zero:
        kind = rng.choice(("township", "township", "street", "county_dept"))
    elif dense:
        kind = rng.choice(_DENSE_KINDS)
    agency, short = _agency(rng, kind)
    year = rng.randint(2021, 2025) if fmt == "2021" else rng.choice((2019, 2020))
    lo, hi = _KINDS[kind][1]
    n_apps = 0 if zero else max(1, int(10 ** rng.uniform(_log10(lo), _log10(hi))))
    values: dict[str, int | str] = {}
    values.update(_t2_2019(rng, kind, dense) if fmt == "2019" else _t2_2021(rng, kind))
    if dense:
        n_apps = max(n_apps, rng.randint(20, 60))
    values.update(_t3(rng, fmt, n_apps, dense))
    values.update(_t4(rng, n_apps, dense))
    if zero:
        values = {k: ("0" if isinstance(val, str) else 0) for k, val in values.items()}
    sections = _sections(rng, values, agency, short, year, fmt, zero)
    return Report.from_values(values, format=fmt, agency=agency, year=year, sections=sections)


def _log10(x: float) -> float:
    import math

    return math.log10(max(x, 1))


# --- source errors as real reports print them ----------------------------------------------------------

#: Source errors seen in ../shared/real (meta.json source_errors), each breaking one hard identity.
SOURCE_ERRORS = ("double_count", "total_zero", "t4_total_zero")


def inject_error(report: Report, rng: random.Random, kind: str | None = None) -> tuple[Report, str, set[str]]:
    """A copy of `report` with one source error of `kind` (drawn when None), as real reports print them:

    - ``double_count`` (real 006): one application counted under an outcome AND carried forward — the
      outcome cell, its row total and （七）总计 all +1, so every row sum and the outcome sum still hold
      and only the column identity 一+二 = （七）+四 breaks;
    - ``total_zero`` (real 025): （七）总计 printed all 0 although outcomes were handled;
    - ``t4_total_zero`` (real 021): a 表四 block's 总计 left at 0 under non-zero results.

    Returns (report, kind, keys an error finding must name at least one of).
    """
    kind = kind or rng.choice(SOURCE_ERRORS)
    fmt = report.table_format
    values = {k: c.value for k, c in report.cells.items()}
    if kind == "double_count":
        col = rng.choice(K.T3_APPLICANT_COLUMNS)
        leaf = rng.choice(K.t3_outcome_rows(fmt))
        for key in (f"t3.{leaf}.{col}", f"t3.{leaf}.total", f"t3.results_total.{col}", "t3.results_total.total"):
            values[key] = int(values[key]) + 1
        blamed = {f"t3.{r}.{c}" for r in ("new_received", "carried_over", "results_total", "carried_forward") for c in (col, "total")}
    elif kind == "total_zero":
        if not values["t3.results_total.total"]:
            values["t3.granted.natural_person"] = values["t3.granted.total"] = 1  # something to have been handled
        for c in K.T3_COLUMNS:
            values[f"t3.results_total.{c}"] = 0
        blamed = {f"t3.results_total.{c}" for c in K.T3_COLUMNS}
    elif kind == "t4_total_zero":
        block = rng.choice(K.T4_BLOCKS)
        if not values[f"t4.{block}.total"]:
            values[f"t4.{block}.upheld"] = rng.randint(1, 12)
        values[f"t4.{block}.total"] = 0
        blamed = {f"t4.{block}.{c}" for c in K.T4_COLUMNS}
    else:
        raise ValueError(f"unknown source error {kind!r}; expected one of {', '.join(SOURCE_ERRORS)}")
    out = Report.from_values(values, format=report.format, agency=report.agency, year=report.year, sections=dict(report.sections))
    return out, kind, blamed


# --- corpora of real-shaped text (tests/corpus/printed.py) ------------------------------------------


def printed_corpus(n: int, seed: int = 1, *, layout: str = "oneline_glued", family: str = "official",
                   fmt: str = "mixed") -> list[Any]:
    """`n` dense reports printed in `layout` with labels of `family` (`printed.Printed` objects:
    text, per-cell truth, expected values, decidable keys). Report i uses seed+i; `fmt` 'mixed' makes
    every 5th report 2019, else all are `fmt`."""
    from .printed import print_report, style_for

    out = []
    for i in range(n):
        s = seed + i
        f = fmt if fmt != "mixed" else ("2019" if i % 5 == 4 else "2021")
        report = random_report(random.Random(s), fmt=f, dense=True)
        rng = random.Random(f"{layout}:{family}:{s}")
        out.append(print_report(report, layout, style_for(family, rng), rng))
    return out


def glued_corpus(n: int, seed: int = 1, *, family: str = "official") -> list[tuple[str, bytes]]:
    """`n` reports as crawlers store portal pages (one line, cells glued: `713000074`), as
    (name, UTF-8 bytes) for bench/bench_text.py. Deterministic in (n, seed)."""
    return [(f"{i:03d}_oneline_glued.txt", doc.text.encode("utf-8"))
            for i, doc in enumerate(printed_corpus(n, seed, layout="oneline_glued", family=family))]


def write_printed_corpus(outdir: Path, n: int, seed: int = 1, *, layout: str = "oneline_glued",
                         family: str = "official") -> list[Path]:
    """Write `printed_corpus` to `outdir`: NNN_<layout>.txt and NNN_<layout>.truth.json (expected values,
    decidable keys and, per printed cell, its raw text, row label and column label)."""
    outdir.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, doc in enumerate(printed_corpus(n, seed, layout=layout, family=family)):
        stem = outdir / f"{i:03d}_{layout}"
        stem.with_suffix(".txt").write_text(doc.text, encoding="utf-8")
        truth = {
            "format": doc.format, "layout": layout, "style": vars(doc.style),
            "expected": doc.expected, "decidable": sorted(doc.decidable),
            "printed": {k: vars(c) for k, c in doc.truth.items()},
        }
        stem.with_suffix(".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        paths.append(stem.with_suffix(".txt"))
    return paths


# --- CLI ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.corpus.generate", description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir", type=Path)
    ap.add_argument("--n", type=int, default=20, help="number of reports (default 20)")
    ap.add_argument("--seed", type=int, default=1, help="seed of the first report; report i uses seed+i")
    ap.add_argument("--fmt", choices=("2021", "2019", "mixed"), default="mixed", help="mixed: every 5th report is 2019")
    ap.add_argument("--zero", action="store_true", help="all-zero reports")
    ap.add_argument("--no-variants", action="store_true", help="render the canonical form of each layout")
    ap.add_argument("--layout", action="append", choices=LAYOUTS, help="only these layouts (repeatable)")
    args = ap.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    for i in range(args.n):
        seed = args.seed + i
        fmt = args.fmt if args.fmt != "mixed" else ("2019" if i % 5 == 4 else "2021")
        report = random_report(random.Random(seed), fmt=fmt, zero=args.zero)
        stem = f"{i:03d}"
        (args.outdir / f"{stem}.json").write_text(
            json.dumps(report.to_dict(with_findings=False), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        for layout in args.layout or LAYOUTS:
            text = render_text(report, layout, random.Random(f"{seed}:{layout}"), variants=not args.no_variants)
            (args.outdir / f"{stem}_{layout}.txt").write_text(text, encoding="utf-8")
    print(f"wrote {args.n} reports × {len(args.layout or LAYOUTS)} layouts to {args.outdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
