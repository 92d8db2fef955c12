"""The office's records (domain.md §8): register items, applications and their events, appeals,
the registers behind 表二, notice templates and the annual report being compiled.

Names follow the contract: an application's `applicant_type` is a t3 column key, its `outcome` one of
the 21 leaf row keys of the 2021 表三, a case's `kind` a t4 block key and `result` a t4 column key, so
compiling the year is counting records, with no mapping table in between.

Every row belongs to one agency (`agency`); `OfficeScope` (scope.py) filters on it, so an office never
reads another's records. Dates are the legal facts (received, closed, filed, published); `created_at`
and `created_by` are who typed them and when. Changes are written to the append-only audit log
(`xxgk.web.core.audit.record`) by the views, in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from xxgk.office.clock import CHANNELS as APPLICATION_CHANNELS

# -- vocabularies (contract keys, Chinese labels) --------------------------------------------------

APPLICANT_TYPES = [
    ("natural_person", "自然人"),
    ("commercial_enterprise", "商业企业"),
    ("research_institution", "科研机构"),
    ("public_welfare_org", "社会公益组织"),
    ("legal_service_org", "法律服务机构"),
    ("other_org", "其他"),
]

_CHANNEL_LABELS = {
    "counter": "当面提交",
    "post_registered": "邮寄（需签收）",
    "post_ordinary": "邮寄（平信）",
    "fax": "传真",
    "email": "电子邮件",
    "online": "网上申请",
}
CHANNELS = [(c, _CHANNEL_LABELS[c]) for c in APPLICATION_CHANNELS]

#: The 21 outcome rows of the 2021 表三, in printed order (domain.md §7.3 maps reply types to them).
OUTCOMES = [
    ("granted", "予以公开"),
    ("partially_granted", "部分公开（区分处理）"),
    ("denied_state_secret", "不予公开：属于国家秘密"),
    ("denied_law_prohibited", "不予公开：其他法律行政法规禁止公开"),
    ("denied_security_stability", "不予公开：危及“三安全一稳定”"),
    ("denied_third_party", "不予公开：保护第三方合法权益"),
    ("denied_internal_affairs", "不予公开：属于三类内部事务信息"),
    ("denied_process_info", "不予公开：属于四类过程性信息"),
    ("denied_enforcement_file", "不予公开：属于行政执法案卷"),
    ("denied_admin_query", "不予公开：属于行政查询事项"),
    ("unable_not_held", "无法提供：本机关不掌握相关政府信息"),
    ("unable_needs_creation", "无法提供：没有现成信息需要另行制作"),
    ("unable_unclear", "无法提供：补正后申请内容仍不明确"),
    ("not_processed_petition", "不予处理：信访举报投诉类申请"),
    ("not_processed_duplicate", "不予处理：重复申请"),
    ("not_processed_publication", "不予处理：要求提供公开出版物"),
    ("not_processed_excessive", "不予处理：无正当理由大量反复申请"),
    ("not_processed_confirm", "不予处理：要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "其他处理：申请人无正当理由逾期不补正"),
    ("other_fee_unpaid", "其他处理：申请人逾期未按收费通知要求缴纳费用"),
    ("other_other", "其他处理：其他"),
]

CASE_KINDS = [
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议直接起诉）"),
    ("litigation_after_review", "行政诉讼（复议后起诉）"),
]
CASE_RESULTS = [("upheld", "结果维持"), ("corrected", "结果纠正"), ("other", "其他结果"), ("pending", "尚未审结")]

#: Art. 20 categories (statute numbering, domain.md §7.2).
ART20_CATEGORIES = [
    (1, "行政法规、规章和规范性文件"),
    (2, "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名"),
    (3, "国民经济和社会发展规划、专项规划、区域规划及相关政策"),
    (4, "国民经济和社会发展统计信息"),
    (5, "行政许可和其他对外管理服务事项的依据、条件、程序以及办理结果"),
    (6, "行政处罚、行政强制的依据、条件、程序以及具有一定社会影响的行政处罚决定"),
    (7, "财政预算、决算信息"),
    (8, "行政事业性收费项目及其依据、标准"),
    (9, "政府集中采购项目的目录、标准及实施情况"),
    (10, "重大建设项目的批准和实施情况"),
    (11, "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况"),
    (12, "突发公共事件的应急预案、预警信息及应对情况"),
    (13, "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况"),
    (14, "公务员招考的职位、名额、报考条件等事项以及录用结果"),
    (15, "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息"),
]

PUBLICATION_CHANNELS = [
    ("website", "政府网站"),
    ("gazette", "政府公报"),
    ("new_media", "政务新媒体"),
    ("notice_board", "公开栏"),
    ("service_center", "政务服务中心"),
    ("press", "新闻发布会"),
    ("media", "报刊、广播、电视"),
    ("reading_place", "档案馆、图书馆查阅点"),
]

#: The review workflow of a register item: draft → content review → confidentiality review →
#: published, or returned to the drafter from either review.
ITEM_STATES = [
    ("draft", "草稿"),
    ("content_review", "内容审核"),
    ("secrecy_review", "保密审查"),
    ("published", "已公开"),
    ("returned", "已退回"),
]

DOCUMENT_KINDS = [("regulations", "规章"), ("normative_documents", "行政规范性文件")]
DECISION_KINDS = [("licensing", "行政许可"), ("penalty", "行政处罚"), ("compulsion", "行政强制")]

EVENT_KINDS = [
    ("correction_requested", "发出补正通知"),
    ("correction_received", "收到补正"),
    ("consultation", "征求意见"),
    ("extension", "延期答复"),
    ("fee_notice", "收费通知"),
    ("reply", "答复"),
]
CONSULTED_PARTIES = [("third_party", "第三方"), ("co_producer", "共同制作机关")]
FEE_METHODS = [("per_item", "按件计收"), ("per_page", "按量计收")]

NOTICE_KINDS = [
    ("correction", "补正申请告知书"),
    ("extension", "延期答复告知书"),
    ("consultation", "第三方意见征询函"),
    ("fee", "收费通知书"),
    ("reply", "政府信息公开申请答复书"),
]

YEAR_STATES = [
    ("draft", "编写中"),
    ("review", "待审核"),
    ("approved", "已批准"),
    ("published", "已发布"),
]

USER = settings.AUTH_USER_MODEL


class _Owned(models.Model):
    """A record of one agency, with who created it and when."""

    agency = models.ForeignKey("store.Agency", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        abstract = True

    @property
    def agency_path(self) -> str:
        return self.agency.path


# -- 主动公开 --------------------------------------------------------------------------------------

class ProactiveItem(_Owned):
    """One item of the proactive publication register (Arts. 19–26)."""

    index_no = models.CharField("索引号", max_length=64, blank=True, default="")
    title = models.CharField("名称", max_length=500)
    summary = models.TextField("内容概述", blank=True, default="")
    category = models.PositiveSmallIntegerField("第二十条类别", choices=ART20_CATEGORIES)
    art21 = models.CharField("第二十一条事项", max_length=100, blank=True, default="")
    channel = models.CharField("公开渠道", max_length=16, choices=PUBLICATION_CHANNELS, default="website")
    #: Formed or changed (Art. 26 counts 20 working days from it).
    formed_on = models.DateField("生成或变更日期")
    published_on = models.DateField("公开日期", null=True, blank=True)
    #: Art. 26 due date (20 working days after formed_on), kept so the list filters late items in the
    #: database; None when the calendar of a year on the way is not loaded ("cannot compute").
    due_on = models.DateField("公开期限", null=True, blank=True)
    state = models.CharField(max_length=16, choices=ITEM_STATES, default="draft", db_index=True)
    #: When the item is itself a 规章 or 规范性文件, the register of 表二 （一） links it.
    document = models.ForeignKey("Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="items")

    class Meta:
        # The list's filters and counts (bench/bench_office.py, 50,000 items): the late filter reads
        # (due_on, published_on) only, so its index covers it; category and state counts by year.
        indexes = [models.Index(fields=["agency", "state", "formed_on"], name="item_state"),
                   models.Index(fields=["agency", "formed_on"]),
                   models.Index(fields=["agency", "category", "formed_on"], name="item_category"),
                   models.Index(fields=["agency", "due_on", "published_on"], name="item_due")]
        ordering = ["-formed_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Keep `due_on` in step with `formed_on` however the item is saved (bulk_create excepted)."""
        from .register.lateness import art26_due

        self.due_on = art26_due(self.formed_on) if self.formed_on else None
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "due_on"}
        super().save(*args, **kwargs)


class ReviewStep(models.Model):
    """One signed, time-stamped step of an item's review: who moved it from which state to which."""

    item = models.ForeignKey(ProactiveItem, on_delete=models.CASCADE, related_name="steps")
    from_state = models.CharField(max_length=16, choices=ITEM_STATES)
    to_state = models.CharField(max_length=16, choices=ITEM_STATES)
    by = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=150)
    role = models.CharField(max_length=16)
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["at", "id"]


class Document(_Owned):
    """A 规章 or 行政规范性文件 (表二 （一）): issued and, when repealed, repealed dates.
    In force is derived (issued on or before the day, not repealed by it), never typed."""

    kind = models.CharField(max_length=24, choices=DOCUMENT_KINDS)
    doc_no = models.CharField("文号", max_length=100, blank=True, default="")
    title = models.CharField("名称", max_length=500)
    issued_on = models.DateField("制发日期")
    repealed_on = models.DateField("废止日期", null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["agency", "kind", "issued_on"])]
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return self.title


class DecisionCount(_Owned):
    """A number of licensing, penalty or compulsion decisions (表二 （五）（六）), entered or imported
    per period (a month, a quarter, a batch); the year's cell is the sum of its periods."""

    year = models.PositiveSmallIntegerField(db_index=True)
    kind = models.CharField(max_length=16, choices=DECISION_KINDS)
    period = models.CharField("期间", max_length=32, blank=True, default="")
    count = models.PositiveIntegerField()
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["year", "kind", "period", "id"]


class FeeIncome(_Owned):
    """行政事业性收费 collected (表二 （八）), in 万元, exact decimal."""

    year = models.PositiveSmallIntegerField(db_index=True)
    period = models.CharField("期间", max_length=32, blank=True, default="")
    amount_wan_yuan = models.DecimalField("金额（万元）", max_digits=16, decimal_places=4)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["year", "period", "id"]


# -- 依申请公开 ------------------------------------------------------------------------------------

class Application(_Owned):
    """An application for disclosure (Arts. 27–45). The applicant's name, identity number, phone,
    address and e-mail are personal data: masked in every list and export (`masking.py`), shown in
    full only on the application's own page to its office."""

    ref = models.CharField("编号", max_length=32)
    applicant_type = models.CharField("申请人类型", max_length=24, choices=APPLICANT_TYPES)
    applicant_name = models.CharField("申请人", max_length=200)
    id_number = models.CharField("证件号码", max_length=64, blank=True, default="")
    phone = models.CharField("联系电话", max_length=64, blank=True, default="")
    address = models.CharField("通信地址", max_length=500, blank=True, default="")
    email = models.CharField("电子邮箱", max_length=200, blank=True, default="")
    channel = models.CharField("申请渠道", max_length=16, choices=CHANNELS)
    #: The facts of Art. 31 (only the one the channel needs is set) and the received date they give.
    submitted_on = models.DateField(null=True, blank=True)
    signed_for_on = models.DateField(null=True, blank=True)
    confirmed_on = models.DateField(null=True, blank=True)
    received_on = models.DateField("收到申请日期", db_index=True)
    description = models.TextField("申请内容")
    form = models.CharField("获取形式", max_length=200, blank=True, default="")
    #: 按件 counts the application as this many 件 (一事一申请 split).
    items = models.PositiveSmallIntegerField(default=1)
    closed_on = models.DateField("办结日期", null=True, blank=True, db_index=True)
    outcome = models.CharField("处理结果", max_length=32, choices=OUTCOMES, blank=True, default="")
    withheld_parts = models.TextField("不予公开部分", blank=True, default="")
    withheld_grounds = models.TextField("不予公开理由及依据", blank=True, default="")
    reply_note = models.TextField("答复要点", blank=True, default="")
    #: The running due date, recomputed by the clock at every event: the board sorts on it.
    due_on = models.DateField(null=True, blank=True, db_index=True)
    #: The clock is stopped (补正 pending, fee unpaid, consultation running).
    stopped = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "ref"], name="application_ref_unique")]
        indexes = [
            models.Index(fields=["agency", "closed_on", "due_on"], name="application_board"),
            models.Index(fields=["agency", "closed_on", "received_on"], name="application_open_received"),
            models.Index(fields=["agency", "received_on"], name="application_received"),
            # The list's filters by outcome or applicant type within a year (bench/bench_office.py).
            models.Index(fields=["agency", "outcome", "received_on"], name="application_outcome"),
            models.Index(fields=["agency", "applicant_type", "received_on"], name="application_type"),
        ]
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.ref

    @property
    def is_open(self) -> bool:
        return self.closed_on is None


class ApplicationEvent(models.Model):
    """One event on an application's clock. Kinds and their fields:

    * correction_requested: `on` (notice sent); correction_received: `on`;
    * consultation: `on` (letter sent), `party`, `answered_on` (None while silent), `objection`;
    * extension: `on` (decided and notified), `days` (≤ 20), `approved_by_name`;
    * fee_notice: `on` (received by the applicant), `method`, `pages`, `amount_yuan`, `paid_on`;
    * reply: `on` (the reply's date; the application's closed_on).
    """

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EVENT_KINDS)
    on = models.DateField()
    party = models.CharField(max_length=16, choices=CONSULTED_PARTIES, blank=True, default="")
    answered_on = models.DateField(null=True, blank=True)
    objection = models.BooleanField(default=False)
    days = models.PositiveSmallIntegerField(null=True, blank=True)
    approved_by_name = models.CharField(max_length=150, blank=True, default="")
    method = models.CharField(max_length=16, choices=FEE_METHODS, blank=True, default="")
    pages = models.PositiveIntegerField(null=True, blank=True)
    amount_yuan = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["on", "id"]


class Case(_Owned):
    """An administrative review or lawsuit about disclosure work (表四); counted for the agency whose
    disclosure act is challenged (co-defendant rule, domain.md §2.6)."""

    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases")
    case_no = models.CharField("案号", max_length=100, blank=True, default="")
    kind = models.CharField("类别", max_length=24, choices=CASE_KINDS)
    result = models.CharField("结果", max_length=16, choices=CASE_RESULTS, default="pending")
    filed_on = models.DateField("立案日期")
    decided_on = models.DateField("审结日期", null=True, blank=True)
    note = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["-filed_on", "-id"]


class NoticeTemplate(models.Model):
    """The editable text of a notice. A row with no agency is the default; an office's own row
    overrides it. Placeholders are `{name}` fields filled by `notices.py` (unknown ones refused)."""

    agency = models.ForeignKey("store.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=NOTICE_KINDS)
    title = models.CharField(max_length=200)
    body = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "kind"], name="notice_template_unique")]


# -- the year ------------------------------------------------------------------------------------

class YearReport(_Owned):
    """The annual report of one year being compiled from the records: the compiled tables, the
    narrative as the clerk edited it, the review and approval, and the store version it became."""

    year = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=16, choices=YEAR_STATES, default="draft")
    #: The 200 cells as compiled (contract keys → value; the fee a decimal string).
    values = models.JSONField(default=dict)
    #: The contract's `sections` (overview, proactive, applications, appeals, problems, other).
    sections = models.JSONField(default=dict)
    #: Where carried_over came from: "records" or "report:<version pk>" (an office starting mid-life).
    carried_over_from = models.CharField(max_length=64, default="records")
    compiled_at = models.DateTimeField(null=True, blank=True)
    reviewed_by_name = models.CharField(max_length=150, blank=True, default="")
    approved_by_name = models.CharField(max_length=150, blank=True, default="")
    published_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey("store.Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: The sections as last drafted from the numbers: a section whose text still equals its draft
    #: was not edited by the clerk, so a recompile may redraft it; an edited one is kept.
    drafted = models.JSONField(default=dict)
    #: The 信息处理费 figures of the year (report-json.md `extra.fees`), counted at compile time.
    fees = models.JSONField(default=dict)
    #: The reviewer's note when the report was returned to draft (cleared on the next submission).
    note = models.TextField(blank=True, default="")
    #: The year-end snapshot (domain.md §7.6): refs of the applications open on 31 Dec per 表三
    #: column, as compiled; next year's carry check names the ones that moved since.
    open_at_end = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="year_report_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.year}"


def label_of(choices: list[tuple[Any, str]], key: Any) -> str:
    return dict(choices).get(key, str(key))
