"""Varied narrative sections for generated reports: each agency writes its own text.

The template narrative of `tests/corpus/generate.py` draws every report's sections from a handful of
fixed sentences, so any two reports look alike: useless for testing 雷同 (near-duplicate narrative)
detection, which must find copied text *and* stay quiet on honest reports. Here a narrative is
built from phrase grammars (opener + stance + action + effect, each from its own pool), the
agency's own work topics (a 财政局 writes about 预决算 and 政府采购, a 镇 about its villages and
惠农补贴), its place names, website and 政务新媒体 account, and random order and combination, so
that two agencies share little beyond the format's boilerplate (headings, the fee sentence).

Two steps, so that a copied narrative can be made the way offices copy one ("names and numbers
changed"):

    plan = draw_plan(rng, facts_a)          # every choice: templates, topics, order (no names, no numbers)
    sections = render(plan, facts_a)        # names and numbers filled in from the facts
    copied = render(plan, facts_b)          # agency B's 雷同 copy of A's text

Every number in the text is either a table value (表三 totals quoted in the 依申请公开 paragraph,
表四 totals, the fee notice count) or a count the tables do not hold (items published, 建议提案);
the quoted ones follow the sentence shapes `xxgk.report.checks` reads (`收到政府信息公开申请N件`,
`予以公开N件`, `未收到…政府信息公开申请` only when none came in, no `未发出收费通知` while 表三
「逾期未按收费通知要求缴纳费用」 is non-zero), so a clean report raises no `narrative.mismatch`.
Paragraphs never begin like a section heading (`二、`) and each is one line (the layouts print a
paragraph per line). Imports nothing from xxgk.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Facts", "Plan", "draw_plan", "render", "sections", "DEPT_TOPICS", "topics_for", "shingles", "jaccard"]


@dataclass
class Facts:
    """What one agency-year's narrative may name or quote."""

    short: str  # how the text names the agency ('渠县财政局', '佐龙镇', '达州市')
    place: str  # its place ('渠县', '佐龙镇', '达州市')
    upper: str  # the government above it ('渠县人民政府', '达州市人民政府')
    kind: str  # township | street | county_gov | city_gov | province_gov | office | dept
    year: int
    fmt: str  # '2021' or '2019' (table format: which 表三 rows exist)
    values: dict[str, Any]  # contract key → value
    locals: tuple[str, ...] = ()  # villages/communities (townships) or districts/streets (governments)
    site: str = ""  # the portal ('渠县人民政府门户网站')
    account: str = ""  # the 政务新媒体 account ('渠县财政')
    counts: tuple[int, ...] = ()  # counts the tables do not hold (items published, …), drawn per year
    topics: tuple[str, ...] = ()  # the agency's work topics (see `topics_for`)


@dataclass
class Plan:
    """Every choice of one narrative: paragraph templates with name/number placeholders still open
    (`{APPLY}` stands for the 依申请公开 paragraph, written from the tables by `render`)."""

    overview: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # after the fee sentence
    proactive: str = ""  # lead-ins of the three table sections
    applications: str = ""
    appeals: str = ""
    apply_style: int = 0  # which 依申请公开 sentence shape
    parts_sep: str = "，"
    appeals_style: int = 0
    fee_style: int = 0
    fee_first: bool = True


# --- topics -------------------------------------------------------------------------------------

#: Department key → work topics its reports dwell on (noun phrases, as reports print them).
DEPT_TOPICS: dict[str, tuple[str, ...]] = {
    "finance": ("部门预算和决算", "政府债务", "惠民惠农财政补贴资金", "政府采购意向", "直达资金分配", "“三公”经费", "国有资产管理", "财政专项资金"),
    "education": ("义务教育招生入学", "教育收费标准", "学生资助政策", "校园安全", "教师招聘", "学前教育普惠", "课后服务", "高考中考"),
    "health": ("医疗机构执业信息", "传染病防控", "家庭医生签约服务", "公共卫生服务项目", "医疗服务价格", "院前急救", "妇幼健康", "健康促进"),
    "hrss": ("就业创业补贴", "社会保险待遇", "根治欠薪", "职称评审结果", "职业技能培训", "事业单位公开招聘", "工伤认定", "人才引进"),
    "housing": ("保障性住房分配", "老旧小区改造", "建筑市场监管", "物业服务管理", "城镇燃气安全", "房屋征收补偿", "住房公积金", "建设工程招投标"),
    "nature": ("国土空间规划", "土地征收成片开发", "不动产登记", "矿业权出让", "耕地保护", "地质灾害防治", "建设用地审批", "林长制"),
    "ecology": ("环境影响评价审批", "排污许可", "环境质量状况", "中央环保督察整改", "突发环境事件应急", "大气污染防治", "水污染防治", "土壤污染防治"),
    "market": ("食品安全抽检", "市场主体登记", "价格监督检查", "特种设备安全", "知识产权保护", "药品零售监管", "计量认证", "消费维权"),
    "transport": ("农村公路建设", "道路运输行政许可", "城乡公交", "交通工程招投标", "超限超载治理", "客运站点安全", "网约车管理", "航道港口"),
    "civil": ("城乡最低生活保障", "特困人员供养", "养老服务设施", "殡葬管理", "社会组织登记", "婚姻登记", "残疾人两项补贴", "临时救助"),
    "police": ("户籍业务办理", "出入境证件", "交通违法处理", "治安管理", "居住证办理", "机动车驾驶人服务", "反诈宣传", "警务公开"),
    "stats": ("统计公报", "经济普查", "统计数据发布", "统计执法检查", "人口抽样调查", "统计分析报告", "农业普查", "统计制度方法"),
    "audit": ("审计工作报告", "审计整改情况", "审计结果公告", "经济责任审计", "政府投资项目审计", "专项资金审计", "审计计划", "内部审计指导"),
    "petition": ("信访事项办理", "网上信访", "领导干部接访下访", "信访积案化解", "人民建议征集", "信访法治化", "矛盾纠纷排查", "信访工作制度"),
    "agri": ("耕地地力保护补贴", "农机购置补贴", "高标准农田建设", "动物疫病防控", "农产品质量安全", "种业管理", "农村宅基地管理", "农民专业合作社"),
    "water": ("河长制湖长制", "水资源管理", "防汛抗旱", "水利工程建设", "农村饮水安全", "水土保持", "取水许可", "水库安全运行"),
    "emergency": ("安全生产执法", "防灾减灾救灾", "应急预案管理", "森林防灭火", "危险化学品监管", "自然灾害救助", "应急物资储备", "安全生产事故调查"),
    "justice": ("法律援助", "人民调解", "公共法律服务", "普法宣传", "社区矫正", "律师公证管理", "行政执法监督", "合法性审查"),
    "veterans": ("优抚待遇发放", "退役士兵安置", "褒扬纪念", "退役军人就业创业", "军休服务", "双拥工作", "烈士纪念设施", "退役军人服务站"),
    "medical": ("医保目录调整", "医保基金监管", "异地就医结算", "城乡居民医保缴费", "药品集中带量采购", "门诊共济", "医疗救助", "长期护理保险"),
    "office": ("政府常务会议", "重大行政决策", "建议提案办理", "政策文件", "12345政务服务便民热线", "政务服务事项", "督查检查", "政府工作报告"),
}
_GOV_TOPICS = ("重大建设项目", "财政预决算", "重大行政决策", "民生实事", "营商环境优化", "乡村振兴", "公共资源配置", "生态环境保护", "安全生产",
               "就业创业", "医疗卫生", "社会救助", "义务教育", "城市更新", "涉企优惠政策", "政务服务")
_TOWN_TOPICS = ("村务公开", "惠农补贴发放", "低保和特困供养", "乡村振兴项目", "农村人居环境整治", "土地流转", "防汛减灾", "高标准农田",
                "集体经济", "殡葬改革", "耕地保护", "农村危房改造", "产业发展", "平安建设")
_STREET_TOPICS = ("社区服务", "居民议事", "老旧小区改造", "垃圾分类", "养老服务", "物业管理", "网格化治理", "就业帮扶", "平安建设",
                  "文明创建", "社区矫正", "居民医保参保")


def topics_for(kind: str, dept: str | None) -> tuple[str, ...]:
    """The work topics an agency of `kind` (and department `dept`) writes about."""
    if kind == "dept" or kind == "office":
        return DEPT_TOPICS[dept or "office"]
    if kind == "township":
        return _TOWN_TOPICS
    if kind == "street":
        return _STREET_TOPICS
    return _GOV_TOPICS


# --- phrase pools ---------------------------------------------------------------------------------
# Placeholders filled at render time: {s} the agency as the text names it, {place}, {upper}, {y},
# {site}, {account}, {l0}… local names, {c0}… counts. Topics ({t0}…) are filled when the plan is drawn:
# a copier keeps the copied topics.

_OPEN = ("{y}年，{s}", "{y}年以来，{s}", "本年度，{s}", "过去一年，{s}", "{y}年度，{s}", "一年来，{s}", "今年以来，{s}")
_STANCE = (
    "坚持以人民为中心的发展思想", "在{upper}的[坚强|正确]领导下", "认真贯彻落实党中央、国务院关于全面推进政务公开的决策部署",
    "深入贯彻落实上级关于政务公开工作的部署要求", "按照{upper}年度政务公开工作要点的安排", "严格执行《中华人民共和国政府信息公开条例》",
    "紧紧围绕全年目标任务", "以群众需求为导向", "把政务公开作为建设法治政府的重要抓手", "坚持“公开为常态、不公开为例外”",
    "对标上级考核指标", "主动适应新形势新要求",
)
_ACTION = (
    "聚焦{t0}、{t1}等重点领域", "持续推进决策、执行、管理、服务、结果“五公开”", "不断健全公开制度、拓展公开渠道、丰富公开形式",
    "着力提升政策解读和回应关切的质量", "扎实做好{t0}和{t1}信息公开", "推动政务公开与{t0}工作深度融合",
    "进一步规范依申请公开办理流程", "把{t0}作为公开工作的重中之重", "以{t1}信息公开为突破口带动整体工作",
    "围绕{t0}加大公开力度", "统筹推进{t1}等领域信息发布",
)
_EFFECT = (
    "政务公开工作取得新进展。", "有效保障了人民群众的知情权、参与权、表达权和监督权。", "公开的针对性和实效性进一步增强。",
    "为推动{place}高质量发展营造了公开透明的环境。", "群众满意度稳步提升。", "各项工作任务均按要求完成。",
    "以公开促落实、以公开促规范、以公开促服务的作用日益明显。", "在上级组织的政务公开评估中位次有所前移。",
    "政府透明度和公信力进一步提高。", "较好完成了年初确定的各项目标。",
)
_SUBHEADS = (
    ("（一）主动公开", "（一）主动公开情况", "（一）主动公开政府信息情况"),
    ("（二）依申请公开", "（二）依申请公开情况", "（二）依申请公开办理情况"),
    ("（三）政府信息管理", "（三）政府信息管理情况", "（三）信息管理情况"),
    ("（四）政府信息公开平台建设", "（四）平台建设情况", "（四）公开平台建设"),
    ("（五）监督保障", "（五）监督保障情况", "（五）监督保障工作"),
)
_PROACTIVE_COUNT = (
    "全年通过{site}主动公开政府信息{c0}条，其中[{t0}|{t1}]类信息{c1}条。",
    "{y}年[共|累计]在{site}发布各类政务信息{c0}条，[更新|调整完善]政府信息公开目录{c1}条。",
    "依托{site}和“{account}”[微信公众号|政务微博|政务新媒体]等平台，累计公开信息{c0}条，发布政策解读{c1}篇。",
    "全年公开各类信息{c0}条，及时更新[机构职能、领导分工|机构设置、办事指南|权责清单、办事指南]等基础信息{c1}条。",
    "全年共发布工作动态{c0}条、通知公告{c1}条，信息发布量较上年[有所增加|基本持平|略有增长]。",
    "本年度在{site}“政府信息公开”专栏更新信息{c0}条，通过“{account}”推送{c1}条。",
    "截至{y}年底，{s}累计主动公开政府信息{c0}条，本年新增{c1}条。",
    "全年编发政务信息{c0}条，被[上级|{upper}|市级以上媒体]采用{c1}条。",
    "[按照|依照]“[谁制作、谁公开|谁产生、谁公开]”的原则，全年公开[文件|信息]{c0}[条|件]，[其中|包括]政策解读{c1}篇。",
)
_TOPIC_SENT = (
    "围绕{t0}，[及时|全面|准确]公开相关政策依据、办理程序和结果，", "在{t0}方面，[做到应公开尽公开|坚持全过程公开]，",
    "针对群众[关心|关注|反映集中]的{t0}问题，", "结合{t0}工作实际，", "对{t0}等重点事项，", "聚焦{t0}，", "在推进{t0}过程中，",
    "就{t0}相关事项，", "{t0}信息是公开的重点，", "[为|为了]让群众[及时|充分]了解{t0}情况，",
)
_TOPIC_DO = (
    "采取[图文解读|政策问答|专家访谈|新闻发布会]等方式加强解读，", "同步发布[办事指南|申报须知|操作流程]和常见问题答复，",
    "实行信息发布前的[集中|分级|双人]审核，", "建立专人负责、[定期|按月|按季度]更新的工作机制，", "主动[对接|联系][媒体|融媒体中心]开展宣传，",
    "将公开内容细化到[具体项目和金额|每一个项目|每一户]，", "在办事大厅设置[公开专区|资料架|查阅台]，", "邀请[群众代表|企业代表|人大代表]参与座谈，",
    "对[往年|历年|已公开的]信息进行了全面梳理，", "开通专题栏目集中展示，", "[按月|按季度|逐项]发布[进展情况|办理结果|统计数据]，",
)
_TOPIC_END = (
    "群众反映良好。", "确保信息准确、完整、及时。", "[主动|自觉]接受社会监督。", "方便群众查询和监督。", "提高了公开的时效性。",
    "切实回应了社会关切。", "公开质量明显提升。", "避免了信息碎片化。", "[全年|本年度]未出现[错发|漏发|迟发]情况。",
    "[得到|受到]了[群众|服务对象|企业]的[认可|好评]。",
)
_TOWN_SENT = (
    "在{l0}、{l1}等村（社区）设置村务公开栏，[按季度|每月|逐项]公开[财务收支|惠农补贴发放|项目建设]情况。",
    "组织{l0}等村开展“阳光村务”专项行动，推动村级事务公开[常态化|规范化]。",
    "依托{l1}便民服务站设置信息查阅点，群众可[现场|就近]查阅政策文件。",
    "对{l0}的[项目建设和资金使用|危房改造对象|低保对象]情况进行公示，公示期内未收到异议。",
    "通过“村村响”广播和{l1}[村民|居民]微信群及时传达惠民政策。",
)
_GOV_SENT = (
    "督促{l0}、{l1}等地做好基层政务公开标准化规范化工作。",
    "组织{l0}等单位开展政务公开业务交流，推广[先进经验|典型做法]。",
    "在{l1}试点建设政务公开专区，集中提供政策咨询服务。",
    "对{l0}的公开目录进行了[检查|抽查]并通报结果。",
)
_APPLY_PROCESS = (
    "[严格|坚持]按照法定时限答复申请人，做到依法依规、规范答复。",
    "进一步完善申请[登记、审核、办理、答复、归档|受理、交办、会商、答复]等环节的工作流程。",
    "对疑难复杂申请实行[集体研究|会商研判]，必要时征求[法律顾问|司法部门]意见。",
    "坚持“谁承办、谁答复”，答复文书[统一格式、统一审核|统一编号、统一用印]。",
    "对申请内容不明确的，一次性告知申请人补正。",
    "在答复前与申请人[主动沟通|电话沟通|当面沟通]，准确把握申请意图。",
    "建立依申请公开台账，实行办理全过程留痕管理。",
    "对依申请公开中反映较多的事项，及时转为主动公开。",
)
_MANAGEMENT = (
    "[严格落实|认真执行|全面推行]“三审三校”制度，[坚持先审查、后公开|做到一事一审、全程留痕|实行分级审核把关]，[确保不发生失泄密问题|全年未发生泄密事件|杜绝了不当公开]。",
    "[动态更新|定期调整|及时完善]政府信息公开目录，[及时清理失效信息和错误链接|对过期信息作下架处理|确保目录与实际一致]。",
    "对现行有效的[规范性文件|政策文件]进行[全面|集中|系统]梳理，[集中公开并标注效力状态|在专栏统一发布|建立了文件目录]。",
    "明确专门机构负责政府信息公开日常工作，[配备专职人员负责信息发布|指定联络员负责上下衔接|落实专人专岗]。",
    "建立信息发布[审核台账|登记制度|工作日志]，全年未发生因审核把关不严引发的问题。",
    "规范公文公开属性源头认定，在[拟文|发文|签批]时即明确公开方式。",
    "[完善|修订|更新]政府信息公开指南，标明受理机构、联系方式和办理流程。",
    "对涉及[个人隐私|商业秘密|个人信息]的信息[进行去标识化处理后再公开|严格审查后依法处理]。",
    "[按季度|每月|定期]开展网站内容自查，及时整改[错字、空白栏目|错链、断链]等问题。",
    "建立政策文件库，实现文件[分类检索|一站式查询|按主题归集]。",
    "[严格|认真]执行政府信息公开保密审查制度，[落实|健全]“先审后发”机制。",
)
_PLATFORM = (
    "充分发挥{site}第一平台作用，[优化栏目设置|完善专栏功能|规范栏目名称]，[提升检索功能|方便群众查找]。",
    "“{account}”[微信公众号|政务微博]全年保持[正常|稳定]更新，发布内容与网站同步。",
    "在[政务服务大厅|便民服务中心|档案馆]设置政府信息公开查阅点，配备[电脑和纸质资料|查阅终端]。",
    "[升级改造|改版]{site}，完成[适老化和无障碍改造|页面优化和安全加固]。",
    "在{l0}设置[电子显示屏和公开栏|政务公开栏]，扩大信息覆盖面。",
    "推进政务新媒体规范化管理，[关停整合运维不力的账号|完善内容审核机制]。",
    "开设“[政策解读|回应关切|重点领域信息公开]”等专题栏目，集中发布相关信息。",
    "利用政务公开专区开展[政策咨询和现场答疑|“政策进万家”活动]。",
    "与融媒体中心合作制作[图解、短视频|动漫、H5]等解读产品。",
)
_SUPERVISION = (
    "将政务公开工作纳入[年度目标考核|绩效考核|目标管理]，全年未发生责任追究情况。",
    "[成立|调整充实]由主要负责同志任组长的政务公开工作领导小组，[定期研究部署|及时解决重大问题]。",
    "组织开展政务公开业务培训[{c5}次|{c5}期]，参训人员覆盖[各股室和下属单位|各科室|各村（社区）]。",
    "[聘请|邀请]社会监督员开展评议，对提出的意见建议逐项整改。",
    "开展政务公开专项检查，对发现的问题建立台账[限期整改|逐项销号]。",
    "主动接受[人大代表、政协委员和社会公众|新闻媒体和社会各界]监督。",
    "[定期|按季度]通报政务公开工作情况，对工作滞后的进行督促提醒。",
    "把政务公开纳入[党风廉政建设责任制|年度重点工作]内容，压实工作责任。",
    "全年未收到有关政府信息公开工作的[投诉举报|投诉]。",
)
_PROBLEM = (
    "信息发布的[及时性|时效性]还有待[提高|加强]", "政策解读形式[较为单一|不够丰富]，[图解、视频|音频、动漫|案例解读]等形式运用[不多|较少]",
    "[工作人员|经办人员|信息员]业务能力[仍需加强|参差不齐]", "公开内容[不够丰富|还不够全面]，[部分栏目|个别专栏]更新频率不高",
    "依申请公开答复的[规范化水平|答复质量]有待提升", "与群众[互动交流|沟通]不够充分", "[基层|村（社区）]政务公开标准化规范化建设推进不平衡",
    "政务新媒体的[影响力|关注度]还不够[强|高]", "部分信息公开的[深度和广度|精准度]不够", "公开目录的动态更新[不够及时|存在滞后]",
    "回应社会关切的[主动性|针对性]还需增强", "信息公开与政务服务[融合不够|衔接不紧]", "对{t0}等重点领域信息的公开还不够[细|深入]",
    "[专职人员少、兼职人员流动大|工作力量相对薄弱]", "[个别|少数][股室|科室|单位]对政务公开重视不够", "政策文件与解读材料同步发布[做得不够|还有差距]",
    "[网站|平台]栏目设置与群众需求[还有差距|结合不够]",
)
_IMPROVE = (
    "[加强|强化][业务培训|专题培训]，提升工作人员的[政策水平和业务能力|综合素质|履职能力]", "[完善|健全]信息发布审核机制，确保信息发布[及时准确|规范有序]",
    "丰富政策解读形式，多用[图表图解、音频视频|案例解读、媒体访谈|问答、动漫]等方式", "[加强|做好]栏目维护，做到[常态化更新|动态更新]",
    "规范依申请公开办理流程，提高答复[质量|规范化水平]", "拓展公开渠道，增强与群众的[互动交流|沟通联系]",
    "推动基层政务公开标准化规范化工作[向纵深发展|落地见效]", "加大{t0}领域信息公开力度", "强化[考核督查|监督检查]，压实工作责任",
    "健全回应关切机制，[及时|主动]回应群众关切", "推动政务公开与政务服务深度融合", "[充实工作力量|配齐配强工作人员]，保持队伍相对稳定",
    "对照上级评估指标逐项查漏补缺", "围绕{t1}等群众关切事项做好[专题|集中]公开",
)
_OTHER_EXTRA = (
    "全年办理人大代表建议{c2}件、政协委员提案{c3}件，办复率100%。",
    "认真落实{y}年政务公开工作要点，各项任务[均已完成|均按时完成]。",
    "本报告电子版可在{site}查阅下载，如有疑问请与{s}联系。",
    "{s}无其他需要报告的事项。",
    "本年度未发生因政府信息公开引发的[重大舆情|负面舆情]。",
    "按照规定开展政务公开第三方评估，评估发现的问题已完成整改。",
    "{y}年度未产生政府信息公开工作相关的信访投诉。",
)
_PROBLEM_LEAD = ("{y}年{s}政府信息公开工作虽然取得一定成效，但仍存在一些问题：", "对照上级要求，工作中还存在以下不足：",
                 "一是", "存在的问题主要有：", "本年度政府信息公开工作仍有差距，主要表现在：", "与群众期待相比，还存在一些不足：",
                 "客观分析，{s}政府信息公开工作还存在薄弱环节：")
_IMPROVE_LEAD = ("下一步，{s}将着力做好以下工作：", "针对上述问题，下一步将采取以下措施：", "针对以上问题，", "{y}年将重点做好以下工作：",
                 "改进措施：", "今后，我们将从以下方面加以改进：", "为此，")
_ORDINALS = ("一是", "二是", "三是", "四是")
_LEAD_PROACTIVE = ("本年度主动公开政府信息情况如下。", "{s}主动公开政府信息情况统计如下：", "主动公开情况详见下表。", "", "具体情况见下表：",
                   "{y}年主动公开相关数据如下。")
_LEAD_APPLICATIONS = ("本年度收到和处理政府信息公开申请情况如下。", "{s}收到和处理政府信息公开申请情况统计如下：", "", "详见下表。",
                      "具体数据见下表：")
_LEAD_APPEALS = ("本年度政府信息公开行政复议、行政诉讼情况如下。", "因政府信息公开工作被申请行政复议、提起行政诉讼情况如下：", "",
                 "具体情况见下表。")


_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")


def _alt(rng: random.Random, template: str) -> str:
    """`[a|b|c]` → one of a, b, c (chosen when the plan is drawn: a copier copies the choice)."""
    return _ALTERNATIVES.sub(lambda m: rng.choice(m.group(1).split("|")), template)


def _topic(template: str, topics: list[str]) -> str:
    """Fill {t0}, {t1}… (topics are copied with the text); other placeholders stay for `render`."""
    for i, t in enumerate(topics):
        template = template.replace("{t%d}" % i, t)
    return template


def draw_plan(rng: random.Random, facts: Facts) -> Plan:
    """Every choice of one narrative, drawn from `rng` (names and numbers left open; see module doc)."""
    topics = list(facts.topics or topics_for(facts.kind, None))
    rng.shuffle(topics)
    topics = topics[:4]

    def t(s: str) -> str:
        return _topic(_alt(rng, s), topics)

    plan = Plan()
    paras: list[str] = []
    if rng.random() < 0.8:
        stance = rng.sample(_STANCE, rng.choice((1, 1, 2)))
        actions = rng.sample(_ACTION, rng.choice((1, 2, 2)))
        paras.append(t(rng.choice(_OPEN) + "，".join(stance + actions) + "，" + rng.choice(_EFFECT)))
    local = _TOWN_SENT if facts.kind in ("township", "street") else _GOV_SENT
    proactive = [t(rng.choice(_PROACTIVE_COUNT))]
    k = rng.choice((1, 2, 2, 3))
    for topic, sent, do, end in zip(topics[:k], rng.sample(_TOPIC_SENT, k), rng.sample(_TOPIC_DO, k), rng.sample(_TOPIC_END, k)):
        proactive.append(_topic(_alt(rng, sent + do + end), [topic]))
    if facts.locals and rng.random() < 0.5:
        proactive.append(t(rng.choice(local)))
    platform = _PLATFORM if facts.locals else tuple(p for p in _PLATFORM if "{l0}" not in p)
    bodies = [
        proactive,
        ["{APPLY}"] + [t(x) for x in rng.sample(_APPLY_PROCESS, rng.choice((0, 1, 2)))],
        [t(x) for x in rng.sample(_MANAGEMENT, rng.choice((1, 2, 3)))],
        [t(x) for x in rng.sample(platform, rng.choice((1, 2, 2, 3)))],
        [t(x) for x in rng.sample(_SUPERVISION, rng.choice((1, 2, 3)))],
    ]
    inline = rng.random() < 0.5
    variant = rng.randrange(3)
    for heads, body in zip(_SUBHEADS, bodies):
        if len(body) > 2 and rng.random() < 0.4:
            rest = body[1:]
            rng.shuffle(rest)
            body = [body[0], *rest]
        head = heads[variant if rng.random() < 0.8 else rng.randrange(3)]
        lines = ["".join(body)] if rng.random() < 0.7 else body
        paras += ([f"{head}。{lines[0]}"] if inline else [head, lines[0]]) + lines[1:]
    plan.overview = paras
    plan.apply_style = rng.randrange(4)
    plan.parts_sep = rng.choice(("，", "、"))
    plan.appeals_style = rng.randrange(3)
    # 五: problems and improvements as ordinal lists.
    problems = [t(x) for x in rng.sample(_PROBLEM, rng.choice((2, 3, 3, 4)))]
    improves = [t(x) for x in rng.sample(_IMPROVE, rng.choice((2, 3, 3, 4)))]
    plead, ilead = rng.choice(_PROBLEM_LEAD), rng.choice(_IMPROVE_LEAD)
    ptext = (plead if plead != "一是" else "") + "；".join(f"{_ORDINALS[i]}{p}" for i, p in enumerate(problems)) + "。"
    itext = ilead + "；".join(f"{_ORDINALS[i]}{p}" for i, p in enumerate(improves)) + "。"
    if rng.random() < 0.5:
        plan.problems = [rng.choice(("（一）存在的主要问题", "（一）存在问题")), ptext, rng.choice(("（二）改进情况", "（二）改进措施")), itext]
    else:
        plan.problems = [ptext, itext]
    plan.fee_style = rng.randrange(3)
    plan.fee_first = rng.random() < 0.7
    plan.other = [t(x) for x in rng.sample(_OTHER_EXTRA, rng.choice((0, 1, 1, 2)))]
    plan.proactive = rng.choice(_LEAD_PROACTIVE)
    plan.applications = rng.choice(_LEAD_APPLICATIONS)
    plan.appeals = rng.choice(_LEAD_APPEALS)
    return plan


# --- rendering ------------------------------------------------------------------------------------


def _v(values: dict[str, Any], key: str) -> int:
    v = values.get(key, 0)
    return int(v) if isinstance(v, int) else 0


def _sum(values: dict[str, Any], prefix: str) -> int:
    return sum(v for k, v in values.items() if k.startswith("t3.") and k.endswith(".total") and k[3:].startswith(prefix) and isinstance(v, int))


def _apply_text(plan: Plan, f: Facts) -> str:
    """The 依申请公开 paragraph: every number a 表三/表四 total (checks read `收到…申请N件`, `予以公开N件`)."""
    v = f.values
    new, over = _v(v, "t3.new_received.total"), _v(v, "t3.carried_over.total")
    done, fwd = _v(v, "t3.results_total.total"), _v(v, "t3.carried_forward.total")
    persons = _v(v, "t3.new_received.natural_person")
    parts = []
    for name, prefix in (("予以公开", "granted"), ("部分公开", "partially_granted"), ("不予公开", "denied_"),
                         ("无法提供", "unable_"), ("不予处理", "not_processed_"), ("其他处理", "other_")):
        n = _sum(v, prefix)
        if n:
            detail = ""
            if prefix == "unable_" and plan.apply_style % 2 and _v(v, "t3.unable_not_held.total"):
                detail = f"（其中本机关不掌握相关政府信息{_v(v, 't3.unable_not_held.total')}件）"
            parts.append(f"{name}{n}件{detail}")
    listed = plan.parts_sep.join(parts)
    y, s = f.year, f.short
    if new == 0:
        text = (f"{y}年，{s}未收到政府信息公开申请" if plan.apply_style < 2 else "本年度未收到公民、法人或其他组织提出的政府信息公开申请")
        if over:
            text += f"；上年结转{over}件，本年度办结{done}件" + (f"，其中{listed}" if listed else "")
        text += f"，结转下年度继续办理{fwd}件。" if fwd else "。"
    elif plan.apply_style == 0:
        text = f"{y}年，{s}共收到政府信息公开申请{new}件" + (f"，上年结转{over}件" if over else "") + f"，办结{done}件"
        text += (f"，其中{listed}" if listed else "") + (f"；结转下年度继续办理{fwd}件。" if fwd else "。")
    elif plan.apply_style == 1:
        text = f"全年新收政府信息公开申请{new}件" + (f"，另有上年结转{over}件" if over else "") + "。"
        text += (f"从办理结果看，{listed}" if listed else "本年度尚无办结的申请") + (f"，另有{fwd}件在法定期限内结转下年度办理。" if fwd else "。")
    elif plan.apply_style == 2:
        text = f"本年度{s}受理政府信息公开申请{new}件，均在法定期限内作出答复" if not fwd else f"本年度{s}受理政府信息公开申请{new}件"
        text += (f"，上年结转{over}件" if over else "") + "。" + (f"答复结果为：{listed}" if listed else "")
        text += (f"；结转下年度{fwd}件。" if fwd else ("。" if listed else ""))
    else:
        org = new - persons
        text = f"{y}年共收到申请{new}件，其中自然人提出{persons}件" + (f"、法人或其他组织提出{org}件" if org else "")
        text += (f"，上年结转{over}件" if over else "") + "。"
        text += (f"办理结果中，{listed}" if listed else "") + (f"，结转下年度{fwd}件。" if fwd else ("。" if listed else ""))
    return text + _appeals_text(plan, f)


def _appeals_text(plan: Plan, f: Facts) -> str:
    v = f.values
    review = _v(v, "t4.review.total")
    suits = _v(v, "t4.litigation_direct.total") + _v(v, "t4.litigation_after_review.total")
    if not review and not suits:
        return ("全年未发生因政府信息公开工作引发的行政复议、行政诉讼。", "本年度无政府信息公开行政复议和行政诉讼案件。",
                "")[plan.appeals_style]
    if plan.appeals_style == 1:
        return f"因政府信息公开工作被申请行政复议{review}件、被提起行政诉讼{suits}件。"
    return f"全年因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{suits}件。"


def _count(f: Facts, i: int) -> int:
    return f.counts[i] if i < len(f.counts) else 0


def _fee_text(plan: Plan, f: Facts) -> str:
    unpaid = _v(f.values, "t3.other_fee_unpaid.total") if f.fmt == "2021" else 0
    y, s = f.year, f.short
    if unpaid:
        return (f"{y}年{s}共发出政府信息处理费收费通知{unpaid + _count(f, 4) % 3}件，申请人逾期未缴纳费用{unpaid}件，已按规定终止处理，未实际收取信息处理费。",
                f"本年度发出收费通知{unpaid + _count(f, 4) % 3}件，因申请人逾期未缴费终止处理{unpaid}件，实际收取信息处理费0元。",
                f"依据《政府信息公开信息处理费管理办法》，{s}全年发出收费通知{unpaid + _count(f, 4) % 3}件，其中{unpaid}件申请人逾期未缴纳。")[plan.fee_style]
    return (f"{s}{y}年未发出政府信息处理费收费通知，未收取信息处理费。",
            f"本年度{s}未收取政府信息公开信息处理费，未发出收费通知。",
            f"依据《政府信息公开信息处理费管理办法》，{y}年度{s}未发出收费通知，收取信息处理费0元。")[plan.fee_style]


def render(plan: Plan, facts: Facts) -> dict[str, str]:
    """The six sections (`report.sections`: paragraphs joined by "\\n") of `plan` told with `facts`."""
    names: dict[str, Any] = {
        "s": facts.short, "place": facts.place, "upper": facts.upper, "y": facts.year,
        "site": facts.site or f"{facts.place}人民政府门户网站", "account": facts.account or facts.short,
    }
    for i in range(4):
        names[f"l{i}"] = facts.locals[i % len(facts.locals)] if facts.locals else facts.place
    for i in range(6):
        names[f"c{i}"] = facts.counts[i] if i < len(facts.counts) else 0
    apply = _apply_text(plan, facts)

    def fill(text: str) -> str:
        return text.replace("{APPLY}", "\0").format_map(names).replace("\0", apply)

    other = [_fee_text(plan, facts)]
    extra = [fill(x) for x in plan.other]
    other = other + extra if plan.fee_first else extra + other
    return {
        "overview": "\n".join(fill(p) for p in plan.overview),
        "proactive": fill(plan.proactive),
        "applications": fill(plan.applications),
        "appeals": fill(plan.appeals),
        "problems": "\n".join(fill(p) for p in plan.problems),
        "other": "\n".join(other),
    }


def sections(rng: random.Random, facts: Facts) -> dict[str, str]:
    """A fresh narrative for `facts`: `render(draw_plan(rng, facts), facts)`."""
    return render(draw_plan(rng, facts), facts)


# --- similarity (the measure of tests/corpus/test_store_corpus.py) -------------------------------


def shingles(sections_: dict[str, str], k: int = 5) -> set[str]:
    """Character k-shingles of all section text, digits masked (`#`) and whitespace removed: what a
    雷同 detector compares (before it drops boilerplate)."""
    text = "".join(ch for ch in "".join(sections_.values()) if not ch.isspace())
    text = "".join("#" if ch.isdigit() else ch for ch in text)
    return {text[i : i + k] for i in range(len(text) - k + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0
