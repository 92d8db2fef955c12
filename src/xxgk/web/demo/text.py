"""Narrative sections of the demo reports: the numbers from `xxgk.report.narrative.draft_sections`
(every sentence with a number states a cell, so the narrative checks pass), and the office's own
words, which the drafter leaves as 【请填写：…】, filled from phrase banks.

Why the banks are large and each report draws a few of them in its own order, with its own place
and platform names: the store flags two agencies whose narratives share ≥ 30 % of their 5-character
shingles as 雷同 (`quality.narrative_duplicate`). Real offices do copy each other, and the demo
shows that once, on purpose (`copy_narrative`); every other demo report must read as its own.
"""

from __future__ import annotations

import random
import re

from xxgk.report.model import Report
from xxgk.report.narrative import PLACEHOLDER_RE, FeeFigures, draft_sections

#: Placeholder → the bank that replaces it, recognised by the words it starts with.
_SLOTS = (
    ("总体情况", "intro"), ("主动公开政府信息的数量", "proactive"), ("依申请公开工作机制", "applications"),
    ("政府信息公开审查", "management"), ("政府信息公开平台", "platform"), ("监督保障", "supervision"),
    ("存在的主要问题", "problems"), ("改进情况", "improvements"), ("其他需要报告", "other"),
)

_BANKS: dict[str, tuple[str, ...]] = {
    "intro": (
        "{s}以{topic}为抓手，把政务公开嵌入{field}工作全过程，年初印发公开工作要点，明确{k}项具体任务和责任科室。",
        "{s}调整充实政务公开工作领导小组，由分管负责同志牵头，{office}具体承办，全年召开专题会议{k}次研究部署。",
        "围绕{field}群众关切，{s}梳理公开事项清单，逐项标注公开主体、公开时限和公开方式，做到底数清、责任明。",
        "对照上级考核指标，{s}逐条开展自查，查找出栏目更新不及时等问题{k}个，均已在年内整改完毕。",
        "{s}注重把公开与服务结合起来，在{hall}设置公开专区，推动{field}办事指南、办理结果同步公开。",
        "全年{s}组织业务培训{k}场次，覆盖各科室信息员，重点讲解公开属性认定和敏感信息处理。",
        "主要负责同志年内听取公开工作汇报{k}次，对{topic}相关信息发布提出明确要求。",
        "我们把公开质量作为检验作风的一把尺子，坚持以公开促落实、以公开促规范、以公开促服务。",
        "结合机构改革后职能调整情况，{s}重新核定公开事项目录，理顺了{field}信息的发布渠道。",
        "这一年，{s}把群众最关心的{field}事项摆在前面，能公开的第一时间公开，不能公开的讲清理由。",
        "{s}将公开工作列入党组会议议事内容，形成主要领导亲自抓、分管领导具体抓、科室负责人抓落实的格局。",
        "年初对上一年度评估中指出的短板建立整改清单，逐项销号，{topic}栏目群众访问量明显上升。",
        "坚持问需于民，通过问卷和座谈收集群众对公开内容的意见{k}条，据此调整了公开重点。",
        "新入职人员一律参加岗前公开业务学习，{office}编写了操作手册，统一了发布标准。",
    ),
    "proactive": (
        "依托{site}发布各类信息，其中{field}相关信息占比较大，并同步推送至{app}。",
        "按时公开部门预算、决算和“三公”经费情况，公开时间均在批复后20日内。",
        "围绕{topic}制作图解、问答等解读材料，实现政策文件与解读同步起草、同步审签、同步发布。",
        "对{field}领域的许可、处罚结果，在作出决定后7个工作日内于{site}公示。",
        "在{hall}电子屏滚动播放惠民政策，在村（社区）公开栏张贴补助资金发放名单，接受群众监督。",
        "建立重要政策发布前风险评估机制，对可能引发误读的内容提前准备回应口径。",
        "召开新闻发布会{k}场，主要负责同志出席解读{topic}相关举措。",
        "重点公开了{field}方面的办事流程、收费标准和投诉渠道，方便群众对照办理。",
        "对涉及群众切身利益的重大决策，在作出前通过{site}公开征求意见，并反馈采纳情况。",
        "开设“{topic}”专题，集中发布政策原文、配套措施和进展情况。",
        "利用赶集日、社区活动开展现场宣传，发放明白卡{k}00余份。",
        "对群众反映看不懂的政策，改写成通俗版本，用方言录制音频在{app}播放。",
        "{s}规范性文件全部在{site}集中发布，并标注有效性。",
        "及时发布突发事件和{field}领域应急信息，回应社会关切。",
    ),
    "applications": (
        "{s}明确{office}为依申请公开受理机构，在{site}公布受理地址、电话和在线申请入口。",
        "对每件申请实行登记、拟办、会商、审核、答复、归档全流程台账管理，答复文书统一编号。",
        "涉及第三方权益的申请，书面征求第三方意见后再作决定，并在答复中告知救济途径。",
        "对申请内容不明确的，一次性告知补正事项，避免申请人多次往返。",
        "定期复盘依申请公开答复文书，对高频申请事项评估后转为主动公开。",
        "申请主要集中在{field}方面，多与申请人自身利益直接相关。",
        "疑难申请由法律顾问提前介入，逐件会商，确保答复于法有据。",
        "{office}与业务科室建立协同办理机制，明确内部转办时限为3个工作日。",
        "所有答复均在法定期限内作出，未发生逾期答复。",
        "对当面提交申请的群众，工作人员主动引导填写，当场出具登记回执。",
        "年内修订依申请公开工作规程，细化了延期答复、征求意见等环节的要求。",
    ),
    "management": (
        "严格执行公开前保密审查，拟公开信息经承办科室初审、{office}复审、分管负责同志终审后发布。",
        "{s}全面清理{field}领域规范性文件，对已失效、废止的文件在{site}作出标注。",
        "动态调整政府信息公开目录，新增{k}个子栏目，使目录与机构职能保持一致。",
        "建立信息发布台账，逐条记录发布时间、审核人和公开属性，做到可查可溯。",
        "对历史公开信息开展个人信息排查，对身份证号、联系方式等敏感内容进行遮盖处理。",
        "公文办理时同步确定公开属性，拟不公开的须注明理由，由{office}把关。",
        "每季度对{site}内容巡查一次，发现错链、空白栏目即时整改。",
        "制定信息公开负面清单，明确不得公开的情形，防止泄露国家秘密和商业秘密。",
        "政府信息管理与档案管理衔接，已公开信息按年度整理归档。",
        "对政策解读材料实行与政策文件同等的审核程序。",
        "推进公开目录标准化，{field}事项按照基层政务公开标准目录逐项对标。",
    ),
    "platform": (
        "优化{site}栏目设置，合并重复栏目，提升检索功能，群众可按主题、年份查询信息。",
        "用好{app}，开设政策解读和办事指南专栏，全年推送原创稿件{k}0余篇。",
        "在{hall}设立政府信息查阅点，配备查阅终端和纸质资料，方便不会上网的群众查阅。",
        "推进政务新媒体规范化建设，关停更新缓慢的账号{k}个，集中力量办好主账号。",
        "完善网站无障碍和适老化功能，提供大字版、语音读屏等服务。",
        "网站完成安全等级保护测评，全年未发生安全事故。",
        "{app}开通留言功能，由专人负责每日查看回复。",
        "各村（社区）公开栏统一规格，按月更新，{hall}同步设置电子查询屏。",
        "对{field}专栏进行改版，把群众常问的问题整理成问答放在首页。",
        "与上级政府网站集约化平台对接，实现信息一次发布、多端同步。",
        "开通网上申请通道，申请人可在线提交并查询办理进度。",
    ),
    "supervision": (
        "将政务公开纳入{s}年度目标考核，考核结果与科室评先评优挂钩。",
        "邀请人大代表、政协委员和群众代表{k}人担任政务公开社会评议员，收集意见建议并逐条反馈。",
        "开展政务公开季度检查，通报发现的问题，督促相关科室限期整改。",
        "全年未发生因政务公开工作不到位被问责的情况。",
        "畅通{site}留言和监督电话渠道，对群众反映的公开问题做到件件有回音。",
        "主动接受上级政务公开办公室的业务指导和第三方评估，对评估扣分项逐条分析原因。",
        "{office}每月汇总各科室信息报送情况，在内部通报。",
        "对上级转办的群众投诉，均在规定时限内核实办结并反馈。",
        "年内开展政务公开专项督查{k}次，对发现的问题建立台账、跟踪整改。",
        "纪检部门将公开情况纳入日常监督内容。",
        "聘请法律顾问对公开工作中的法律问题提供意见。",
    ),
    "problems": (
        "一是{field}领域部分信息更新不够及时；二是政策解读形式还比较单一，图解、视频等解读较少。",
        "部分科室对公开属性认定把握不准，存在该公开的未及时公开的情况。",
        "{app}互动性不强，对群众留言的回应速度有待提高。",
        "基层信息员流动较大，业务能力参差不齐。",
        "依申请公开答复文书的规范性还需加强，个别答复引用条款不够准确。",
        "公开内容与群众需求的契合度还不够高，部分信息可读性不强。",
        "{site}部分栏目内容较少，存在“空白栏目”现象。",
        "政策解读多为文字解读，群众喜闻乐见的形式运用不够。",
        "公开工作信息化水平不高，仍依赖人工报送和审核。",
        "对{topic}方面的信息公开深度不够，过程性信息公开较少。",
    ),
    "improvements": (
        "下一步，{s}将加强{field}信息的常态化更新，建立栏目责任人制度，确保信息发布及时准确。",
        "丰富解读形式，针对群众关注的{topic}推出图解和短视频解读。",
        "加强业务培训，将公开属性认定、答复文书规范纳入年度培训内容。",
        "完善{app}运营机制，明确留言办理时限，提升互动回应质量。",
        "健全依申请公开会商机制，对复杂申请组织法律顾问参与研判。",
        "梳理群众高频关注事项，扩大主动公开范围，减少依申请公开数量。",
        "推进公开流程线上办理，减少人工环节，提高工作效率。",
        "清理整合{site}栏目，做到有栏目就有内容、有内容就有更新。",
        "稳定信息员队伍，落实AB岗制度。",
        "把公开工作与{topic}等中心工作同部署、同推进、同考核。",
    ),
    "other": (
        "{s}{y}年度政务公开工作要点确定的各项任务均已完成，相关落实情况已在{site}专栏公开。",
        "本年度{s}办理人大代表建议和政协提案{k}件，办理结果均已按规定公开。",
        "本报告电子版可在{site}下载，如对本报告有疑问，请与{office}联系。",
        "无其他需要报告的事项。",
        "年内{s}未发生因政务公开引发的舆情事件。",
        "{s}参加上级组织的政务公开培训{k}人次。",
    ),
}

#: Words each office says its own way (chosen once per office): two offices drawing the same
#: sentence of a bank still word it differently, as two real offices would.
_SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("群众", "公众", "居民", "办事群众"), ("及时", "第一时间", "尽快", "按时"), ("加强", "强化", "着力加强", "切实加强"),
    ("完善", "健全", "优化", "改进"), ("开展", "组织", "组织开展", "部署"), ("确保", "保证", "力求", "做到"),
    ("明确", "确定", "落实", "规定"), ("全年", "年内", "本年度", "一年来"), ("建立", "建起", "制定", "形成"),
    ("科室", "股室", "内设机构", "业务科室"), ("工作人员", "干部职工", "经办人员", "具体经办人"),
    ("重点", "着重", "突出", "主要"), ("情况", "状况", "情形", "实际情况"), ("提升", "提高", "增强", "改善"),
    ("推进", "推动", "促进", "深化"), ("方便", "便于", "便利", "利于"), ("有待", "还需", "仍需", "尚需"),
    ("进一步", "持续", "不断", "更好地"), ("问题", "不足", "短板", "薄弱环节"), ("渠道", "途径", "平台", "方式"),
    ("统一", "规范", "一致", "整体"), ("专人", "专门人员", "固定人员", "专职人员"),
)

#: A parenthesised list of counts ('（属于国家秘密1件、保护第三方合法权益2件）').
_DETAIL = re.compile(r"（[^（）]*\d+件[^（）]*）")

_TOPICS = ("优化营商环境", "乡村振兴", "民生实事", "城市更新", "基层治理", "安全生产", "教育惠民", "医疗保障")
_FIELDS = {
    "province_gov": ("重大建设项目", "财政资金", "公共资源配置"), "city_gov": ("重大建设项目", "公共资源配置", "社会救助"),
    "county_gov": ("乡村振兴", "重大建设项目", "社会救助"), "dept_land": ("征地拆迁", "不动产登记", "规划许可"),
    "dept_enforce": ("行政执法", "市场监管", "安全生产"), "dept_service": ("教育", "卫生健康", "社会保障"),
    "dept_office": ("财政预决算", "统计数据", "法治政府建设"), "township": ("惠农补贴", "村务", "低保救助"),
    "street": ("社区服务", "老旧小区改造", "便民服务"),
}
_OFFICES = ("办公室", "政务公开办公室", "综合科", "党政办公室", "政策法规科")
_HALLS = ("政务服务大厅", "便民服务中心", "档案查阅室", "党群服务中心")


def _fill(style: random.Random, year: random.Random, bank: str, ctx: dict[str, object]) -> str:
    """Two to four sentences of `bank`: the office's own choice (`style`, the same every year: offices
    reuse their text), one sometimes swapped for another in a given year (`year`)."""
    options = _BANKS[bank]
    picks = style.sample(options, min(style.randint(2, 4), len(options)))
    if year.random() < 0.3:
        picks[year.randrange(len(picks))] = year.choice(options)
    text = "".join(dict.fromkeys(p.format(**ctx, k=year.randint(2, 12)) for p in picks))
    for word, said in ctx["words"].items():  # type: ignore[union-attr]
        text = text.replace(word, said)
    return text


def sections(report: Report, *, style: random.Random, year: random.Random, short: str, kind: str,
             signature: str | None = None) -> dict[str, str]:
    """The six sections of `report` (numbers from the drafter, the rest from the banks), with the
    signature (agency name and date) ending section 六 when given, as offices sign their reports.
    `style` draws what stays the same for the office every year, `year` what changes."""
    unpaid = int(report["t3.other_fee_unpaid.total"] or 0)
    fees = FeeFigures(unpaid + 1, (unpaid + 1) * 100, 100) if unpaid else FeeFigures(0)
    drafted = draft_sections(report, keep_existing=False, fees=fees)
    ctx = {
        "s": short, "y": report.year, "topic": style.choice(_TOPICS), "field": style.choice(_FIELDS[kind]),
        "office": f"{short}{style.choice(_OFFICES)}", "hall": f"{short}{style.choice(_HALLS)}",
        "site": f"{short}人民政府门户网站" if kind in ("township", "street") or kind.endswith("_gov") else f"{short}门户网站",
        "app": f"“{short}{style.choice(('发布', '政务', '在线', '之声'))}”微信公众号",
        "words": {group[0]: style.choice(group) for group in _SYNONYMS},
    }
    # Many offices leave 表二's figures to the table: the drafted sentence about them is kept by some.
    with_t2 = style.random() < 0.3
    # ... and many give the outcomes of 表三 by group only, without each group's rows.
    brief = style.random() < 0.6 or int(report["t3.new_received.total"] or 0) >= 100

    def replace(m: re.Match[str]) -> str:
        inner = m.group(0)
        for words, bank in _SLOTS:
            if words in inner:
                return _fill(style, year, bank, ctx)
        return ""

    out = {}
    for key, text in drafted.items():
        lines = [PLACEHOLDER_RE.sub(replace, line).strip() for line in text.split("\n")]
        if not with_t2:
            lines = [line for line in lines if "主动公开政府信息情况详见表二" not in line]
        if brief:
            lines = [_DETAIL.sub("", line) if "新收政府信息公开申请" in line else line for line in lines]
        out[key] = "\n".join(line for line in lines if line)
    if signature:
        out["other"] = f"{out['other']}\n{signature}"
    return out


def signature(name: str, published_on: str | None) -> str | None:
    """'丙县教育局\\n2024年1月20日' (an ISO date in), None without a date."""
    if not published_on:
        return None
    y, m, d = (int(x) for x in published_on.split("-"))
    return f"{name}\n{y}年{m}月{d}日"


def copy_narrative(source: dict[str, str], source_short: str, source_name: str, short: str, name: str) -> dict[str, str]:
    """Another office's sections with its names replaced (雷同): what the store must catch."""
    return {k: v.replace(source_name, name).replace(source_short, short) for k, v in source.items()}
