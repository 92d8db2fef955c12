"""The store: agencies, their reports by year, each report's versions and findings, batch runs.

Names follow report-json.md: a version's `data` is the `xxgk/report@1` object; `Finding.rule`,
`severity`, `cells`, `message` are the contract's finding keys. Cells are not rows here: they live
in `data` and are flattened for analysis by `xxgk.store.export` (Parquet, one row per cell), so the
transactional store stays small (one row per version) at 500,000 reports a year.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from ..report import keys as _K
from .figrow import DECIMAL_FIGURES, FEE_KEYS, FIGURE_KEYS, figure_column  # noqa: F401  (re-exported)
from .jsontext import CompactJSON, RawJSON, compact_json  # noqa: F401  (re-exported)

LEVELS = [
    ("national", "国家"),
    ("province", "省级"),
    ("city", "市级"),
    ("county", "县级"),
    ("township", "乡镇（街道）"),
    ("department", "部门"),
]

#: Levels whose own government may make 规章 (Legislation Law Art. 93: provinces and 设区的市);
#: `Agency.rule_making` overrides this for a given agency (a State Council ministry, a county-level
#: city without the power).
RULE_MAKING_LEVELS = frozenset({"province", "city"})


class Agency(models.Model):
    """A body that publishes an annual report, in its hierarchy (province → city → county →
    township, departments as children of their government)."""

    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200, db_index=True)
    #: Other names it is printed under (short forms, former names): a list of strings.
    aliases = models.JSONField(default=list, blank=True)
    level = models.CharField(max_length=16, choices=LEVELS)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    #: None: derived from the level (`RULE_MAKING_LEVELS`; a department follows no own power).
    rule_making = models.BooleanField(null=True, blank=True)
    #: Materialised path of codes, "/51/5117/511724/": a subtree is one prefix query.
    path = models.CharField(max_length=1000, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["path"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def has_rule_making_power(self) -> bool:
        if self.rule_making is not None:
            return self.rule_making
        return self.level in RULE_MAKING_LEVELS

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent is not None else "/"
        return f"{prefix}{self.code}/"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = self.compute_path()
        super().save(*args, **kwargs)


MATCH_METHODS = [
    ("exact", "名称一致"),
    ("alias", "别名"),
    ("normalised", "规范化后一致"),
    ("manual", "人工确认"),
    ("ambiguous", "多个候选，待确认"),
    ("none", "未匹配"),
]


class Report(models.Model):
    """One agency's report of one year. While the printed agency is not settled to one agency of
    the hierarchy, `agency` is null and the report is keyed by its printed name instead."""

    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    year = models.IntegerField(null=True, blank=True, db_index=True)
    printed_agency = models.CharField(max_length=300, blank=True, default="")
    match = models.CharField(max_length=16, choices=MATCH_METHODS, default="none")
    #: For a person to settle: [{"code", "name", "method"}].
    candidates = models.JSONField(default=list, blank=True)
    active = models.ForeignKey("Version", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    #: Set when a version is added or made active; `xxgk.store.quality.refresh` recomputes the
    #: store's signals for stale reports (and their neighbours) and clears it. A run killed midway
    #: leaves it set, so the next run finishes the work.
    stale = models.BooleanField(default=False, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], condition=Q(agency__isnull=False), name="report_agency_year"),
            models.UniqueConstraint(fields=["printed_agency", "year"], condition=Q(agency__isnull=True),
                                    name="report_unmatched_printed_year"),
        ]

    def __str__(self) -> str:
        who = self.agency.name if self.agency_id and self.agency else self.printed_agency or "?"
        return f"{who} {self.year}"


class Blob(models.Model):
    """A source file's bytes, stored once by content (sha256) however many versions point at it.
    In the database rather than on a file system, so that a batch writes one transaction per
    file (nothing half-written) and Dask workers need no shared disk."""

    sha256 = models.CharField(max_length=64, primary_key=True)
    size = models.BigIntegerField()
    data = models.BinaryField()


MADE_BY = [
    ("parsed", "解析"),
    ("reparsed", "新版本 xxgk 重新解析"),
    ("corrected", "人工更正"),
    ("compiled", "办公室系统生成"),
]

MEDIA = [
    ("text", "文本"),
    ("html", "HTML"),
    ("docx", "Word"),
    ("xlsx", "Excel"),
    ("pdf", "PDF"),
    ("image", "扫描图片"),
    ("json", "JSON"),
]


class Version(models.Model):
    """One reading of a report: a source file (by hash) read by one xxgk version, or a correction.
    The same file read by the same xxgk is never a second version; a changed file is."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    blob = models.ForeignKey(Blob, null=True, blank=True, on_delete=models.PROTECT, related_name="versions")
    medium = models.CharField(max_length=8, choices=MEDIA)
    name = models.CharField(max_length=500, blank=True, default="")
    #: Where the file came from: a path, a path inside a ZIP ("a.zip!b/c.pdf") or a URL.
    origin = models.CharField(max_length=2000, blank=True, default="")
    fetched_at = models.DateTimeField(null=True, blank=True)
    made_by = models.CharField(max_length=16, choices=MADE_BY, default="parsed")
    #: "xxgk 0.1.0" for a parse, a user name for a correction.
    author = models.CharField(max_length=150, blank=True, default="")
    note = models.TextField(blank=True, default="")
    xxgk_version = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    #: The xxgk/report@1 object, findings included.
    data = models.JSONField(encoder=CompactJSON)
    #: Denormalised from `data` for queries.
    format = models.CharField(max_length=16, default="unknown")
    published_on = models.DateField(null=True, blank=True)
    errors = models.PositiveIntegerField(default=0)
    warnings = models.PositiveIntegerField(default=0)
    #: sha256 of the tables' values (`xxgk.store.ingest.tables_digest`) when they hold at least
    #: DUPLICATE_MIN_NONZERO non-zero counts, else empty: two agencies' reports with the same digest
    #: are one report filed twice (`store.duplicate_report`), found with one indexed query.
    tables_sha = models.CharField(max_length=64, blank=True, default="", db_index=True)
    #: MinHash signature of the narrative sections (`xxgk.store.similar.signature`), computed where
    #: the file is parsed; null when the report has no narrative.
    signature = models.BinaryField(null=True, blank=True)

    class Meta:
        ordering = ["report_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="version_number"),
            models.UniqueConstraint(fields=["report", "sha256", "xxgk_version"],
                                    condition=Q(made_by__in=["parsed", "reparsed"]), name="version_parse_once"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"


SEVERITIES = [("error", "错误"), ("warning", "警告")]


class Finding(models.Model):
    """A finding of the reader or the checks on a version, or of the store's quality signals
    (on a version, or on an agency-year that has none: a missing report)."""

    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.CASCADE, related_name="findings")
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="findings")
    year = models.IntegerField(null=True, blank=True)
    rule = models.CharField(max_length=64, db_index=True)
    severity = models.CharField(max_length=8, choices=SEVERITIES)
    cells = models.JSONField(default=list, blank=True)
    message = models.TextField()
    expected = models.JSONField(null=True, blank=True)
    actual = models.JSONField(null=True, blank=True)
    #: Machine-readable context of a store signal (the other version, shared passages, …).
    details = models.JSONField(default=dict, blank=True)
    #: read|check for the report's own findings, quality for the store's signals.
    source = models.CharField(max_length=8, default="check")
    handled = models.BooleanField(default=False)
    handled_note = models.TextField(blank=True, default="")
    #: Who marked it handled (a user name) and when: shown beside the note on the issues list
    #: (the audit log holds the full history of marks and unmarks). A default in the database too,
    #: for the batch writer's plain INSERTs (`rawsql`) that name only the columns they fill.
    handled_by = models.CharField(max_length=150, blank=True, default="", db_default="")
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        #: (year, rule): the issues list filtered by year and rule counts from the findings' side
        #: (xxgk.web.supervise.issues.query).
        # (severity, year): the issues list filtered by severity (and year) counts from the findings'
        # side (at 101,443 reports and 474,266 findings: 190 ms a count on (year, rule), 1 ms here);
        # handled findings are few, so a partial index finds them without reading the rest.
        indexes = [models.Index(fields=["agency", "year"]), models.Index(fields=["year", "rule"]),
                   models.Index(fields=["severity", "year"]), models.Index(fields=["rule", "year"]),
                   models.Index(fields=["version"], condition=models.Q(handled=True), name="finding_handled")]

    def to_dict(self) -> dict[str, Any]:
        """The contract's finding object (report-json.md), with the store's `details` when any."""
        from ..report.finding import Finding as ContractFinding

        d = ContractFinding(self.rule, self.severity, list(self.cells or []), self.message, self.expected,
                            self.actual).to_dict()
        if self.details:
            d["details"] = self.details
        return d


#: The figures' keys (`FEE_KEYS`, `FIGURE_KEYS`, `DECIMAL_FIGURES`) and columns live in `figrow`,
#: which has no Django: the Dask workers make the `Figures` rows.
DECIMAL_SCALE = 10**6


class Figures(models.Model):
    """The numeric cells of one version, one column per cell key (`FIGURE_KEYS`), so that a roll-up
    or a ranking over 100,000 reports is one aggregate query (SUM per column) instead of decoding
    every version's JSON. Filled when a version is recorded (`xxgk.store.figures.record`) and for
    any version that lacks it when a roll-up needs it (`figures.fill`). Null: the cell was blank or
    is not in the version's format. Decimal keys (`DECIMAL_FIGURES`) hold millionths."""

    version = models.OneToOneField(Version, primary_key=True, on_delete=models.CASCADE, related_name="figures")
    #: Keys whose value the version holds but that could not be held exactly (a decimal with more
    #: than 6 places, text in a count): a roll-up lists them as not summed.
    inexact = models.JSONField(default=list, blank=True)


for _key in FIGURE_KEYS:
    Figures.add_to_class(figure_column(_key), models.BigIntegerField(null=True, blank=True))
assert len({figure_column(k) for k in FIGURE_KEYS}) == len(FIGURE_KEYS), "two cell keys share a column"


class Run(models.Model):
    """One `xxgk batch` invocation."""

    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    args = models.JSONField(default=list)
    xxgk_version = models.CharField(max_length=32)
    #: {"read": n, "failed": n, "skipped": n, "duplicate": n}
    counts = models.JSONField(default=dict)


INGEST_STATUS = [
    ("read", "已读入"),
    ("failed", "失败"),
    ("duplicate", "重复（内容已入库）"),
]


class Ingest(models.Model):
    """What happened to one input of a run. A file whose hash has a `read` or `failed` ingest by the
    same xxgk version is skipped by later runs: that is what makes a batch resumable."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="ingests")
    item = models.CharField(max_length=2000)
    sha256 = models.CharField(max_length=64, blank=True, default="", db_index=True)
    size = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=INGEST_STATUS)
    error = models.TextField(blank=True, default="")
    version = models.ForeignKey(Version, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingests")
    xxgk_version = models.CharField(max_length=32)
    seconds = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["sha256", "xxgk_version"])]
