"""The office demo (issue 16): a year and a half of 丙县教育局's disclosure office, recorded through
the same service functions the office's pages call, so every due date, fee and count is the
system's own.

What is there, on purpose:

- the office started using xxgk on 2025-01-01 ("mid-life"): its 2025 上年结转 comes from its 2024
  report already in the store, and the applications still open then are entered as records;
- 2025: applications in every outcome, closed; three still open on 31 Dec (结转); the 2025 annual
  report compiled, narrative filled in, reviewed, approved and published into the store, where
  丙县's supervisor sees it beside the parsed reports;
- 2026 (the year in progress): applications in every state — running, due this week, overdue,
  a 补正 pending (clock stopped), a third-party consultation running, an extension approved by the
  head, a fee case (an applicant's 11th and 12th applications of a month, 按件) and a 按量 copy of
  120 pages, one unpaid past its payment period; one received on Friday 2026-02-13 before the Spring
  Festival, whose clock counts the 调休 Saturday 2026-02-14 and skips the holiday week;
- ~300 proactive register items (most published within 20 working days, some late, some in review,
  one returned), 规范性文件 issued and repealed, decision counts and fee income by month/quarter,
  and three appeals (one pending);
- the 2026 annual report compiled as a draft.

Idempotent: when the office already has records, nothing is added (the accounts are reset).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: The demo office and its staff (password: the demo's).
OFFICE_CODE = "990101-JYJ"
OTHER_OFFICE_CODE = "990102-JYJ"  # 丁县教育局: a second office, to show isolation
STAFF = (
    ("bing_edu_clerk", "clerk", OFFICE_CODE, "丙县教育局经办人（登记申请、主动公开事项，编写年报）"),
    ("bing_edu_reviewer", "reviewer", OFFICE_CODE, "丙县教育局审核人（内容审核、年报审核）"),
    ("bing_edu_head", "head", OFFICE_CODE, "丙县教育局机构负责人（延期、保密审查后公开、批准和发布年报）"),
    ("bing_edu_admin", "administrator", OFFICE_CODE, "丙县教育局管理员（另管理本机构的账号）"),
    ("ding_edu_clerk", "clerk", OTHER_OFFICE_CODE, "丁县教育局经办人（看不到丙县教育局的任何记录）"),
)

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = ("伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞")
_ORGS = {
    "commercial_enterprise": ("丙县宏达建材有限公司", "丙县青禾教育咨询有限公司", "乙市鼎新文化传媒有限公司"),
    "research_institution": ("乙市教育科学研究所", "甲省师范大学教育政策研究中心"),
    "public_welfare_org": ("丙县助学公益协会", "乙市心桥儿童关爱中心"),
    "legal_service_org": ("甲省明理律师事务所", "乙市公正法律服务所"),
    "other_org": ("丙县青石镇中心小学家长委员会", "丙县某村民委员会"),
}
_TOPICS = ("学区划分", "义务教育招生", "校车安全管理", "教师招聘", "学校食堂招标", "民办学校年检",
           "学生资助资金发放", "校舍改造工程", "课后服务收费", "教育经费使用")


@dataclass
class OfficeDemo:
    created: bool
    applications: int
    items: int
    year_published: int | None


def logins() -> list[Any]:
    """The office staff as `logins.Login` rows, for the printed list."""
    from .logins import Login

    return [Login(username, role, code, note) for username, role, code, note in STAFF]


def load(seed: int = 16, password: str | None = None) -> OfficeDemo:
    """Load the office demo into the configured database (the demo hierarchy must be installed)."""
    from xxgk.store.models import Agency

    from ..office.models import Application, ProactiveItem

    agency = Agency.objects.get(code=OFFICE_CODE)
    users = _staff(password)
    if Application.objects.filter(agency=agency).exists():
        return OfficeDemo(False, Application.objects.filter(agency=agency).count(),
                          ProactiveItem.objects.filter(agency=agency).count(), None)
    from django.db import transaction

    rng = random.Random(seed)
    with transaction.atomic():  # all or nothing: a failed load leaves no half-year behind
        n = _applications(agency, users, rng)
        items = _register(agency, users, rng)
        _cases(agency, users)
    published = _years(agency, users, rng)
    return OfficeDemo(True, n, items, published)


def _staff(password: str | None) -> dict[str, Any]:
    from django.contrib.auth.models import User

    from xxgk.store.models import Agency

    from ..core.models import Profile
    from .logins import PASSWORD

    out = {}
    for username, role, code, _note in STAFF:
        user, _ = User.objects.get_or_create(username=username)
        user.is_staff = user.is_superuser = False
        user.is_active = True
        user.set_password(password or PASSWORD)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"role": role, "agency": Agency.objects.get(code=code)})
        out[role if code == OFFICE_CODE else f"other_{role}"] = user
    return out


def _person(rng: random.Random, kind: str, i: int) -> dict[str, str]:
    if kind == "natural_person":
        name = rng.choice(_SURNAMES) + rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.6 else "")
    else:
        name = rng.choice(_ORGS[kind])
    return {
        "applicant_name": name,
        "id_number": f"99010119{rng.randrange(70, 99)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}{rng.randrange(1000, 9999)}"
        if kind == "natural_person" else "",
        "phone": f"13{rng.randrange(0, 10)}{rng.randrange(10**7, 10**8)}",
        "address": f"甲省乙市丙县青石镇和平路{rng.randrange(1, 300)}号",
        "email": f"applicant{i}@example.com",
    }


def _new(agency: Any, clerk: Any, rng: random.Random, i: int, kind: str, channel: str, day: dt.date,
         topic: str | None = None, **extra: Any) -> Any:
    from ..office.applications import service

    fact = {"counter": "submitted_on", "post_registered": "signed_for_on"}.get(channel, "confirmed_on")
    topic = topic or rng.choice(_TOPICS)
    return service.create_application(
        agency, clerk, applicant_type=kind, channel=channel, description=f"申请公开{topic}的相关文件和数据",
        form="电子文档" if channel in ("email", "online") else "纸质文本", **{fact: day}, **_person(rng, kind, i), **extra)


def _applications(agency: Any, users: dict[str, Any], rng: random.Random) -> int:
    """Applications: the 2024 carry-over, 2025 closed in every outcome, 2026 in every state."""
    from xxgk.store.models import Report

    from ..office.applications import service
    from ..office.models import APPLICANT_TYPES, CHANNELS, OUTCOMES

    clerk, head = users["clerk"], users["head"]
    kinds = [k for k, _ in APPLICANT_TYPES]
    channels = [c for c, _ in CHANNELS]
    outcomes = [o for o, _ in OUTCOMES]
    i = 0
    count = 0

    def close(app: Any, on: dt.date, outcome: str) -> None:
        kw: dict[str, str] = {}
        if outcome == "partially_granted":
            kw = {"withheld_parts": "申请材料中涉及学生个人信息的部分", "withheld_grounds": "《政府信息公开条例》第十五条"}
        if outcome == "other_no_correction":
            service.add_event(app, "correction_requested", clerk, on=_wd(app.received_on, 3))
            on = max(on, _wd(app.received_on, 3 + 16))
        if outcome == "other_fee_unpaid":
            raise AssertionError("fee cases are made by _fee_cases")
        if outcome == "denied_third_party":
            ev = service.add_event(app, "consultation", clerk, on=_wd(app.received_on, 2), party="third_party")
            service.answer_consultation(ev, clerk, answered_on=_wd(app.received_on, 8), objection=True)
            on = max(on, _wd(app.received_on, 10))
        service.reply(app, on, outcome, user=clerk, **kw)

    # The 2024 report's 结转下年度 as records (received in late 2024, closed in January 2025).
    report = Report.objects.filter(agency=agency, year=2024, active__isnull=False).select_related("active").first()
    if report is not None:
        t3 = report.active.data.get("t3") or {}
        for kind in kinds:
            for _ in range(int((t3.get("carried_forward") or {}).get(kind) or 0)):
                i += 1
                app = _new(agency, clerk, rng, i, kind, "online", dt.date(2024, 12, rng.randrange(9, 20)))
                close(app, dt.date(2025, 1, rng.randrange(6, 16)), rng.choice(("granted", "unable_not_held")))
                count += 1

    # 2025: every outcome at least once (fee cases aside), on dates through the year.
    plan = [o for o in outcomes if o != "other_fee_unpaid"] + rng.choices(["granted"] * 4 + outcomes[1:18], k=18)
    for j, outcome in enumerate(plan):
        i += 1
        day = _wd(dt.date(2025, 1, 20) + dt.timedelta(days=j * 9), 0)
        app = _new(agency, clerk, rng, i, kinds[j % 6] if j < 12 else rng.choice(kinds), channels[j % 6], day)
        close(app, _wd(day, rng.randrange(4, 18)), outcome)
        count += 1
    for day, kind in ((dt.date(2025, 12, 19), "natural_person"), (dt.date(2025, 12, 24), "commercial_enterprise"),
                      (dt.date(2025, 12, 29), "natural_person")):
        i += 1
        app = _new(agency, clerk, rng, i, kind, "online", day)  # open on 31 Dec: 结转
        close(app, _wd(day, 10), "granted")
        count += 1

    # 2026, closed: every outcome again, through November.
    plan = [o for o in outcomes if o != "other_fee_unpaid"] + ["granted"] * 6
    for j, outcome in enumerate(plan):
        i += 1
        day = _wd(dt.date(2026, 1, 8) + dt.timedelta(days=j * 11), 0)
        if day == dt.date(2026, 2, 13):
            day = dt.date(2026, 2, 12)
        app = _new(agency, clerk, rng, i, kinds[(j + 2) % 6], channels[(j + 3) % 6], day)
        close(app, _wd(day, rng.randrange(3, 17)), outcome)
        count += 1
    # The 调休 case: received Friday 2026-02-13, before the Spring Festival; replied in March.
    i += 1
    app = _new(agency, clerk, rng, i, "natural_person", "counter", dt.date(2026, 2, 13), "寒假托管服务")
    close(app, dt.date(2026, 3, 10), "granted")
    count += 1
    count += _fee_cases(agency, users, rng, i)
    i += 20

    # 2026, open: every state of a running clock (as of early December 2026).
    i += 1
    _new(agency, clerk, rng, i, "natural_person", "online", dt.date(2026, 11, 24), "2027年学区划分方案")  # running
    i += 1
    _new(agency, clerk, rng, i, "public_welfare_org", "email", dt.date(2026, 11, 9), "学生资助资金发放名单")  # due this week
    i += 1
    _new(agency, clerk, rng, i, "natural_person", "post_registered", dt.date(2026, 10, 27), "校车采购合同")  # overdue
    i += 1
    app = _new(agency, clerk, rng, i, "natural_person", "online", dt.date(2026, 11, 18), "某校教师招聘")
    service.add_event(app, "correction_requested", clerk, on=dt.date(2026, 11, 20))  # clock stopped
    i += 1
    app = _new(agency, clerk, rng, i, "commercial_enterprise", "online", dt.date(2026, 11, 9), "学校食堂招标评分表")
    service.add_event(app, "consultation", clerk, on=dt.date(2026, 11, 25), party="third_party")  # suspended
    i += 1
    app = _new(agency, clerk, rng, i, "research_institution", "email", dt.date(2026, 10, 30), "近五年教育经费使用明细")
    service.add_event(app, "extension", head, on=dt.date(2026, 11, 26), days=15)  # extended by the head
    i += 1
    app = _new(agency, clerk, rng, i, "legal_service_org", "counter", dt.date(2026, 11, 2), "民办学校年检结论")
    service.add_event(app, "correction_requested", clerk, on=dt.date(2026, 11, 4))
    service.add_event(app, "correction_received", clerk, on=dt.date(2026, 11, 12))  # restarted
    return count + 7


def _fee_cases(agency: Any, users: dict[str, Any], rng: random.Random, base: int) -> int:
    """One applicant's 12 applications in March 2026 (the 11th and 12th charged 按件, 100 元 each; the
    12th unpaid past its period → other_fee_unpaid), and a 按量 copy of 120 pages (1,100 元, paid)."""
    from ..office.applications import service

    clerk = users["clerk"]
    person = _person(rng, "natural_person", base)
    apps = []
    for k in range(12):
        day = _wd(dt.date(2026, 3, 2), k)
        apps.append(service.create_application(
            agency, clerk, applicant_type="natural_person", channel="online", confirmed_on=day,
            description=f"申请公开{_TOPICS[k % len(_TOPICS)]}的相关文件（第{k + 1}件）", form="电子文档", **person))
    for app in apps[:10]:
        service.reply(app, _wd(app.received_on, 8), "granted", user=clerk)
    paid = service.add_event(apps[10], "fee_notice", clerk, on=_wd(apps[10].received_on, 5), method="per_item")
    service.record_payment(paid, clerk, paid_on=_wd(paid.on, 6))
    service.reply(apps[10], _wd(paid.on, 9), "granted", user=clerk)
    unpaid = service.add_event(apps[11], "fee_notice", clerk, on=_wd(apps[11].received_on, 5), method="per_item")
    service.reply(apps[11], _wd(unpaid.on, 22), "other_fee_unpaid", user=clerk)
    copy = _new(agency, clerk, rng, base + 13, "research_institution", "post_registered", dt.date(2026, 4, 14),
                "2020年以来全县中小学校舍安全检查报告（纸质复印件）")
    ev = service.add_event(copy, "fee_notice", clerk, on=dt.date(2026, 4, 20), method="per_page", pages=120)
    service.record_payment(ev, clerk, paid_on=dt.date(2026, 4, 27))
    service.reply(copy, dt.date(2026, 5, 8), "granted", user=clerk)
    return 13


def _wd(day: dt.date, n: int) -> dt.date:
    """The n-th working day after `day` (n = 0: `day` itself if it is a working day, else the next)."""
    from xxgk.office.calendar import add_working_days, is_working_day

    if n == 0:
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    return add_working_days(day, n)


def _register(agency: Any, users: dict[str, Any], rng: random.Random) -> int:
    """~300 items of 2025–2026 with their review steps, the 规范性文件, decision counts and fees."""
    from ..office.models import Document, DecisionCount, FeeIncome, ProactiveItem, ReviewStep

    clerk, reviewer, head = users["clerk"], users["reviewer"], users["head"]
    titles = ("关于{t}工作的通知", "{t}情况公示", "{t}实施方案", "{t}办事指南", "{t}结果公告", "{t}工作动态")
    cats = (2, 3, 4, 5, 6, 7, 8, 11, 11, 11, 12, 13, 14, 15)
    items = []
    day = dt.date(2025, 1, 3)
    k = 0
    while day < dt.date(2026, 12, 1):
        k += 1
        formed = _wd(day, 0)
        late = k % 37 == 0
        state, published = "published", None
        if formed > dt.date(2026, 11, 10):
            state = ("draft", "content_review", "secrecy_review", "returned")[k % 4]
        else:
            published = _wd(formed, rng.randrange(22, 40) if late else rng.randrange(0, 15))
        items.append(ProactiveItem(
            agency=agency, created_by=clerk, index_no=f"990101-JYJ-{formed.year}-{k:04d}",
            title=rng.choice(titles).format(t=rng.choice(_TOPICS)), summary="", category=rng.choice(cats),
            channel=rng.choice(("website", "website", "website", "new_media", "notice_board", "service_center")),
            formed_on=formed, due_on=_wd(formed, 20), published_on=published if published and published <= dt.date(2026, 12, 4) else None,
            state=state if published is None or published <= dt.date(2026, 12, 4) else "secrecy_review"))
        day += dt.timedelta(days=rng.choice((1, 2, 2, 3, 4)))
    ProactiveItem.objects.bulk_create(items)
    steps = []
    for item in ProactiveItem.objects.filter(agency=agency):
        path = {"draft": [], "content_review": [("draft", "content_review", clerk)],
                "secrecy_review": [("draft", "content_review", clerk), ("content_review", "secrecy_review", reviewer)],
                "returned": [("draft", "content_review", clerk), ("content_review", "returned", reviewer)],
                "published": [("draft", "content_review", clerk), ("content_review", "secrecy_review", reviewer),
                              ("secrecy_review", "published", head)]}[item.state]
        for a, b, who in path:
            steps.append(ReviewStep(item=item, from_state=a, to_state=b, by=who, by_name=who.username,
                                    role=who.xxgk.role, note="请补充文件依据后重新提交" if b == "returned" else ""))
    ReviewStep.objects.bulk_create(steps)
    docs = [
        ("normative_documents", "丙教规〔2019〕1号", "丙县中小学学籍管理实施细则", dt.date(2019, 3, 1), dt.date(2025, 6, 30)),
        ("normative_documents", "丙教规〔2021〕2号", "丙县民办学校管理办法", dt.date(2021, 5, 10), None),
        ("normative_documents", "丙教规〔2023〕1号", "丙县校外培训机构监管办法", dt.date(2023, 8, 1), None),
        ("normative_documents", "丙教规〔2025〕1号", "丙县中小学学籍管理办法", dt.date(2025, 7, 1), None),
        ("normative_documents", "丙教规〔2025〕2号", "丙县学生资助资金管理办法", dt.date(2025, 9, 15), None),
        ("normative_documents", "丙教规〔2026〕1号", "丙县义务教育招生入学办法", dt.date(2026, 4, 1), None),
        ("normative_documents", "丙教规〔2024〕3号", "丙县课后服务管理暂行办法", dt.date(2024, 2, 20), dt.date(2026, 8, 31)),
        ("normative_documents", "丙教规〔2026〕2号", "丙县课后服务管理办法", dt.date(2026, 9, 1), None),
    ]
    # The documents in force at the end of 2024 that the office registered when it started: as many
    # as its 2024 report says were in force, so 2025's stock-flow check holds.
    from xxgk.store.models import Report

    last = Report.objects.filter(agency=agency, year=2024, active__isnull=False).select_related("active").first()
    t2 = (last.active.data.get("t2") or {}) if last is not None else {}
    for kind in ("regulations", "normative_documents"):
        have = sum(1 for kd, _, _, i, r in docs if kd == kind and i.year <= 2024 and (r is None or r.year > 2024))
        want = int(((t2.get(kind) or {}).get("in_force")) or 0)
        for n in range(max(0, want - have)):
            issued = dt.date(2010 + n % 14, 1 + n % 12, 1 + n % 27)
            docs.append((kind, f"丙教{'规' if kind == 'normative_documents' else '令'}〔{issued.year}〕{10 + n}号",
                         f"丙县教育{rng.choice(_TOPICS)}管理规定（{n + 1}）", issued, None))
    Document.objects.bulk_create([Document(agency=agency, created_by=clerk, kind=kd, doc_no=no, title=t, issued_on=i,
                                           repealed_on=r) for kd, no, t, i, r in docs])
    for year, months in ((2025, 12), (2026, 11)):
        DecisionCount.objects.bulk_create([
            DecisionCount(agency=agency, created_by=clerk, year=year, kind=kind, period=f"{m}月",
                          count=rng.randrange(lo, hi))
            for m in range(1, months + 1) for kind, lo, hi in (("licensing", 8, 40), ("penalty", 0, 4), ("compulsion", 0, 2))])
        FeeIncome.objects.bulk_create([
            FeeIncome(agency=agency, created_by=clerk, year=year, period=f"第{q}季度",
                      amount_wan_yuan=Decimal(rng.randrange(0, 300)) / 100) for q in range(1, 5 if year == 2025 else 4)])
    return len(items)


def _cases(agency: Any, users: dict[str, Any]) -> None:
    from ..office.models import Application, Case

    apps = list(Application.objects.filter(agency=agency, outcome__startswith="denied").order_by("received_on")[:3])
    rows = [
        ("丙复〔2025〕12号", "review", "upheld", dt.date(2025, 6, 3), dt.date(2025, 8, 1)),
        ("(2026)乙0101行初45号", "litigation_direct", "pending", dt.date(2026, 9, 15), None),
        ("(2026)乙0101行初8号", "litigation_after_review", "corrected", dt.date(2026, 1, 12), dt.date(2026, 6, 20)),
    ]
    Case.objects.bulk_create([
        Case(agency=agency, created_by=users["clerk"], application=apps[n] if n < len(apps) else None, case_no=no,
             kind=kind, result=result, filed_on=filed, decided_on=decided)
        for n, (no, kind, result, filed, decided) in enumerate(rows)])


def _years(agency: Any, users: dict[str, Any], rng: random.Random) -> int | None:
    """2025 closed, filled in, reviewed, approved and published; 2026 compiled as a draft."""
    from ..office.year import service as year
    from . import hierarchy, text

    clerk, reviewer, head = users["clerk"], users["reviewer"], users["head"]
    yr = year.close_year(agency, 2025, clerk)
    # The office's own words as the demo's reports of this agency have them (the same phrase banks
    # and style), so the narrative reads as this office's and not as a neighbour's (雷同).
    me = hierarchy.BY_CODE[OFFICE_CODE]
    filled = text.sections(year.report_of(yr), style=random.Random(f"15:style:{OFFICE_CODE}"),
                           year=random.Random(f"15:text:{OFFICE_CODE}:2025"), short=me.short, kind=me.kind,
                           signature=text.signature(me.name, "2026-01-20"))
    yr = year.save_sections(yr, clerk, filled)
    yr = year.submit(yr, clerk)
    yr = year.sign_review(yr, reviewer)
    yr = year.approve(yr, head)
    yr = year.publish(yr, head)
    year.close_year(agency, 2026, clerk)
    return 2025
