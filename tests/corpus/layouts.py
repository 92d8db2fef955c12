"""Text renderers imitating the five sample reports (../shared/seeds/00N_*.txt) plus markdown pipe tables.

`render_text(report, layout, rng, variants=True)` prints a `Report` as a whole document. Numbers always
mean exactly the report's values: a variant may change how a value is written (`1,234`, `12件`, `１２`,
` 0`), never which value it is. Extra cells are a plain `0` or a blank placeholder at the start or end
of a row, and a `0` is only used where the contiguous-window rule (domain.md §6.2: the window of 7
numbers satisfying the row sum, of 15 satisfying the three block sums) still finds the true values.

Every layout prints: the agency, the title with the year, the preface sentence
"所列数据统计期限为YYYY年1月1日至YYYY年12月31日" (tab000/space004 may space it as in their seeds:
"2024 年 1 月 1 日"), the six section headings (`SECTION_TITLES`, variants of domain.md §6.1) and each
section's paragraphs verbatim, one paragraph per line.

Layouts and the variants they apply when `variants=True` (with `variants=False` each layout is printed in
its clean canonical form: same separators and headers, no quirks, plain digits):

- ``tab000`` (seed 000, tab-separated, PDF→DOCX→text): agency alone above "YYYY 年政府信息公开工作年度报告";
  spaced numbers in the preface; "规 章"; long row labels wrapped with spaces ("2.其他法律行政法规 禁止公开");
  flattened merged cells: "三、本 年度办 理结果" on the （二） row (or another early row), rows before it without
  the leading empty cell; a sub-group label sometimes on the second row of its group; （一）/(一) brackets mixed; split row label of `other_fee_unpaid` ("2.申请人逾期未接收"
  + numbers, a blank line, then "\\t费通知要求缴纳费用、…申请" + empty cells); OCR 逾期未按→逾期未接; an extra
  8th number from `other_other` (or a random later row) on, `四、结转…` with an empty cell; "结果 维持" in
  Table 四; page-number line "- N -" inside Table 三; number variants.
- ``lines001`` (seed 001, DOCX export, one cell per line prefixed by a tab, blank line between rows):
  title "{agency}" / "YYYY年度信息公开工作年度报告" (政府 missing); "[bookmark: _GoBack]" before the preface;
  values as " 0" / "0 "; headers wrapped onto untabbed continuation lines ("\\t商业" / "企业"); long row
  labels wrapped the same way; number variants.
- ``tab002`` (seed 002): title on one line "{agency} YYYY 年…"; Table 二 with and without padding tabs;
  placeholder empty cells in Table 三 ("一、…\\t\\t0…\\t"); (一)/(一) brackets; detached group label
  "(四) 1.本机关不掌握…" then "无法提供\\t2.没有…"; 8 numbers per row from （四）2. on; page-number line;
  number variants.
- ``md003`` (seed 003): "# agency", "## YYYY年…", section headings at random levels ## / ### / ####,
  tab tables with placeholder tabs, "1. 属于" spacing, "(二) 部分公开(区分处理的, …)", spaced Table 四
  header "结 果 维 持", 16 numbers in Table 四 (extra trailing 0 or blank); number variants.
  With ``markup=True`` standalone overview sub-heading paragraphs are printed as "#### （一）主动公开" or
  "### **（三）政府信息管理**" (then the section text is only recovered after stripping markdown).
- ``space004`` (seed 004, PDF text): agency line with a leading space; preface wrapped at ~28 characters
  with blank lines (before "所列数据…" only); space-separated Table 二; labels wrapped over several lines
  (blank lines between pieces) with the numbers on the last label line or on a line of their own; group
  labels "三、本" / "年度办" / "理结果" and "（三）" / "不予公开" on their own lines; one-character-per-line
  vertical headers in Table 四; page-number line "- N -" inside Table 三; Table 四 values on one line;
  thousands separators, units, full-width digits.
- ``markdown``: pipe tables with a separator row after the first row; trailing empty cells written "||";
  merged-cell labels on their first row or repeated on every row; group label "三、本年度办理结果" on an
  arbitrary early row; (一)/(一) brackets; number variants.

Number variants (`variants=True`): thousands separators for values ≥ 1000 ("1,234"), units ("12件",
fee "12.5万元"), full-width digits ("１２"), a leading "+" on positive 2019 `change` cells.
The OCR confusion 逾期未按→逾期未接 may hit any layout.
"""

from __future__ import annotations

import contextvars

import random
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from tests.corpus.printed import wrap_at
from xxgk.report import Report
from xxgk.report import keys as K

LAYOUTS: tuple[str, ...] = ("tab000", "lines001", "tab002", "md003", "space004", "markdown")

#: How a document's section headings are chosen: "any" (with variants on, each heading is one of the
#: variants below half the time), "official" (the first of each: the store corpus's clean reports,
#: on which a renamed section is a finding) or "variant" (at least one heading not the official one).
#: A context variable, so a caller sets it around a renderer without a new parameter on each.
TITLES: contextvars.ContextVar[str] = contextvars.ContextVar("TITLES", default="any")

#: Section key → accepted headings (the first is the official one of the 2021 format).
SECTION_TITLES: dict[str, tuple[str, ...]] = {
    "overview": ("一、总体情况",),
    "proactive": ("二、主动公开政府信息情况",),
    "applications": ("三、收到和处理政府信息公开申请情况",),
    "appeals": (
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议提起行政诉讼情况",
        "四、政府信息公开行政复议及行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议和提起行政诉讼情况",
    ),
    "problems": (
        "五、存在的主要问题及改进情况",
        "五、存在的主要问题及改进措施",
        "五、存在主要问题及改进情况",
        "五、政府信息公开工作存在的主要问题及改进情况",
        "五、存在的主要问题和改进措施",
    ),
    "other": ("六、其他需要报告的事项",),
}

IDENTITY_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_T4_HEAD = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

# --- Table 二 model -----------------------------------------------------------------------------

_T2_COL_LABELS_2019 = {
    "made": "本年新制作数量", "published": "本年新公开数量", "total_published": "对外公开总数量",
    "previous_items": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "items": "采购项目数量", "amount": "采购总金额",
}
_T2_CAPTION_2019 = {
    "regulations": "第二十条第（一）项", "normative_documents": "第二十条第（一）项",
    "licensing": "第二十条第（五）项", "other_services": "第二十条第（五）项",
    "penalty": "第二十条第（六）项", "compulsion": "第二十条第（六）项",
    "admin_fees": "第二十条第（八）项", "procurement": "第二十条第（九）项",
}


@dataclass
class T2Block:
    caption: str
    header: list[str]  # value column labels (without 信息内容)
    rows: list[tuple[str, list[str]]]  # (row label, value keys)


def _t2_blocks(fmt: str) -> list[T2Block]:
    if fmt == "2019":
        blocks: list[T2Block] = []
        for row, label, cols in K.T2_ROWS_2019:
            cap = _T2_CAPTION_2019[row]
            if not blocks or blocks[-1].caption != cap:
                blocks.append(T2Block(cap, [_T2_COL_LABELS_2019[c] for c in cols], []))
            blocks[-1].rows.append((label, [f"t2_2019.{row}.{c}" for c in cols]))
        return blocks
    three = [K.T2_COLUMN_LABELS_2021[c] for c in ("issued", "repealed", "in_force")]
    return [
        T2Block("第二十条第（一）项", three, [("规章", [f"t2.regulations.{c}" for c in ("issued", "repealed", "in_force")]),
                                        ("行政规范性文件", [f"t2.normative_documents.{c}" for c in ("issued", "repealed", "in_force")])]),
        T2Block("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", ["t2.licensing"])]),
        T2Block("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", ["t2.penalty"]), ("行政强制", ["t2.compulsion"])]),
        T2Block("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", [K.T2_FEE_KEY])]),
    ]


# --- Table 三 model -----------------------------------------------------------------------------


@dataclass
class T3Row:
    key: str
    label: str  # "一、本年新收…", "（一）予以公开", "1.属于国家秘密"
    sub: str | None  # "（三）不予公开" on the first row of a sub-group, else None
    in_sub: bool  # a numbered row under （三）–（六）
    in_three: bool  # under 三、本年度办理结果
    keys: list[str] = field(default_factory=list)


def _t3_rows(fmt: str) -> list[T3Row]:
    rows_def = K.T3_ROWS_2019 if fmt == "2019" else K.T3_ROWS_2021
    groups = K.T3_GROUPS_2019 if fmt == "2019" else K.T3_GROUPS_2021
    out: list[T3Row] = []
    inside = False
    for key, label in rows_def:
        if key == "granted":
            inside = True
        sub = groups.get(key) if key != "granted" else None
        row = T3Row(key, label, sub, label[0].isdigit(), inside, [f"t3.{key}.{c}" for c in K.T3_COLUMNS])
        out.append(row)
        if key == "results_total":
            inside = False
    return out


# --- rendering context ----------------------------------------------------------------------------


class Ctx:
    """Per-document choices (drawn once from `rng`) and value/label formatting."""

    def __init__(self, report: Report, rng: random.Random, variants: bool, layout: str):
        self.r, self.rng, self.v, self.layout = report, rng, variants, layout
        self.fmt = report.table_format
        self.year = report.year if report.year is not None else 2024
        self.agency = report.agency or "某某镇人民政府"
        v = variants
        self.sep = v and rng.random() < 0.35
        self.unit_mode = rng.choices(("none", "all", "some"), weights=(70, 12, 18))[0] if v else "none"
        self.fullwidth = v and rng.random() < 0.12
        self.fee_unit = v and rng.random() < 0.15
        self.plus_sign = v and rng.random() < 0.5
        self.bracket = rng.choice(("full", "half", "half_space", "mixed")) if v else "full"
        self.paren_half = v and rng.random() < 0.3
        self.dot_space = v and rng.random() < 0.25 and layout != "space004"
        self.ocr_jie = v and rng.random() < 0.25
        self.titles = {k: (rng.choice(t) if v and rng.random() < 0.5 else t[0]) for k, t in SECTION_TITLES.items()}
        policy = TITLES.get()
        if policy == "official":  # the same draws as "any", so every other choice stays as it was
            self.titles = {k: t[0] for k, t in SECTION_TITLES.items()}
        elif policy == "variant" and all(self.titles[k] == t[0] for k, t in SECTION_TITLES.items()):
            key = rng.choice(sorted(k for k, t in SECTION_TITLES.items() if len(t) > 1))
            self.titles[key] = rng.choice(SECTION_TITLES[key][1:])

    # -- values -----------------------------------------------------------------------------------

    def value(self, key: str) -> Any:
        return self.r.value(key)

    def num(self, key: str, *, plain: bool = False) -> str:
        """The printed form of cell `key` (blank/raw text for cells without a value)."""
        cell = self.r.cells.get(key)
        if cell is None:
            return ""
        val = cell.value
        if val is None:
            return cell.raw.strip()
        rng = self.rng
        if key in K.DECIMAL_KEYS:
            s = str(val)
            if self.sep and not plain and len(s.split(".")[0]) > 3:
                ip, _, fp = s.partition(".")
                s = f"{int(ip):,}" + (f".{fp}" if fp else "")
            if self.fee_unit and not plain and key == K.T2_FEE_KEY:
                s += "万元"
            return s
        n = int(val)
        if key.endswith(K.SIGNED_SUFFIX):
            return f"+{n}" if n > 0 and self.plus_sign else str(n)
        s = f"{n:,}" if self.sep and n >= 1000 and not plain else str(n)
        if plain:
            return s
        if self.fullwidth and rng.random() < 0.4:
            s = s.translate(_FULLWIDTH)
        if self.unit_mode == "all" or (self.unit_mode == "some" and rng.random() < 0.12):
            s += "件"
        return s

    def nums(self, keys: list[str]) -> list[str]:
        return [self.num(k) for k in keys]

    # -- labels -----------------------------------------------------------------------------------

    def lab(self, text: str) -> str:
        """Row/group label with bracket, numbering and OCR variants."""
        if not self.v:
            return text
        m = re.match(r"^（([一二三四五六七])）", text)
        if m:
            mode = self.bracket if self.bracket != "mixed" else self.rng.choice(("full", "half", "half_space"))
            if mode == "half":
                text = f"({m.group(1)})" + text[m.end():]
            elif mode == "half_space":
                text = f"({m.group(1)}) " + text[m.end():]
        if self.paren_half:
            text = text.replace("（区分处理的，只计这一情形，不计其他情形）", "(区分处理的, 只计这一情形, 不计其他情形)")
        if self.dot_space:
            text = re.sub(r"^(\d)\.", r"\1. ", text)
        if self.ocr_jie:
            text = text.replace("逾期未按收费通知", "逾期未接收费通知")
        return text

    def title(self, key: str) -> str:
        return self.titles[key]

    def paras(self, key: str) -> list[str]:
        text = self.r.sections.get(key, "")
        return [p for p in text.split("\n") if p.strip()]

    # -- preface ----------------------------------------------------------------------------------

    def preface(self, spaced: bool = False) -> str:
        y, a = self.year, self.agency
        notice = "（国办公开办函〔2019〕60号）" if self.fmt == "2019" else "（国办公开办函〔2021〕30号）"
        period = f"所列数据统计期限为{y}年1月1日至{y}年12月31日。"
        head = (
            "根据《中华人民共和国政府信息公开条例》（国务院令第711号）、《国务院办公厅政府信息与政务公开办公室关于印发"
            f"〈中华人民共和国政府信息公开工作年度报告格式〉的通知》{notice}等相关规定，编制{a}{y}年政府信息公开工作年度报告，"
        )
        if spaced:
            head = re.sub(r"(?<=[\u4e00-\u9fff])(\d+)", r" \1", head)
            head = re.sub(r"(\d+)(?=[\u4e00-\u9fff])", r"\1 ", head)
            period = f"所列数据统计期限为 {y} 年 1 月 1 日至 {y} 年 12 月 31 日。"
        return head + period

    def page_no(self) -> str:
        return f"- {self.rng.randint(2, 9)} -"


# --- shared helpers -----------------------------------------------------------------------------------




def _t3_window_ok(vals: list[Any], extra_at_start: bool) -> bool:
    """True if adding a `0` at the start/end keeps the 7-window row-sum rule unambiguous."""
    if any(not isinstance(v, int) for v in vals):
        return False
    seq = [0, *vals] if extra_at_start else [*vals, 0]
    wins = [seq[i : i + 7] for i in range(2)]
    good = [w for w in wins if sum(w[:6]) == w[6]]
    return all(w == vals for w in good)


def _t4_window_ok(vals: list[Any], extra_at_start: bool) -> bool:
    if any(not isinstance(v, int) for v in vals):
        return False
    seq = [0, *vals] if extra_at_start else [*vals, 0]
    good = []
    for i in range(2):
        w = seq[i : i + 15]
        if all(sum(w[b * 5 : b * 5 + 4]) == w[b * 5 + 4] for b in range(3)):
            good.append(w)
    return all(w == vals for w in good)


def _with_extra(ctx: Ctx, row: T3Row, cells: list[str], at_start: bool) -> list[str]:
    """7 printed values plus an 8th placeholder: `0` when unambiguous, else an empty cell."""
    vals = [ctx.value(k) for k in row.keys]
    ph = "0" if _t3_window_ok(vals, at_start) else ""
    return [ph, *cells] if at_start else [*cells, ph]


def _t4_keys() -> list[str]:
    return [f"t4.{b}.{c}" for b in K.T4_BLOCKS for c in K.T4_COLUMNS]


def _section_text(ctx: Ctx, key: str, *, blank: bool, heading: str | None = None) -> list[str]:
    lines = [heading if heading is not None else ctx.title(key)]
    if blank:
        lines.append("")
    for p in ctx.paras(key):
        lines.append(p)
        if blank:
            lines.append("")
    return lines


# ======================================================================================================
# tab000
# ======================================================================================================


def _tab_t2(ctx: Ctx, *, space_gui: bool, pad_until: int = 99) -> list[str]:
    lines: list[str] = []
    for bi, block in enumerate(_t2_blocks(ctx.fmt)):
        width = 3 if bi < pad_until else len(block.header)
        if bi == pad_until and ctx.v:
            lines.append("")
        lines.append("\t".join([block.caption] + [""] * width))
        lines.append("\t".join(["信息内容", *block.header] + [""] * (width - len(block.header))))
        for label, keys in block.rows:
            shown = "规 章" if space_gui and label == "规章" else label
            vals = ctx.nums(keys)
            lines.append("\t".join([shown, *vals] + [""] * (width - len(vals))))
    return lines


def _tab000_t3(ctx: Ctx) -> list[str]:
    rng, v = ctx.rng, ctx.v
    rows = _t3_rows(ctx.fmt)
    lines = [
        f"{IDENTITY_NOTE}\t申请人情况" + "\t" * 6,
        "\t自然人\t法人或其他组织" + "\t" * 5 + "总计",
        "\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
    ]
    three = [r for r in rows if r.in_three]
    group_at = (rng.choice([1, 1, 1, 0, 0, len(three) // 2]) if v else 0)
    group_row = three[group_at].key
    wrap = v and rng.random() < 0.7
    width = rng.choice((9, 10)) if v else 10
    split_fee = v and ctx.fmt == "2021" and rng.random() < 0.6
    keys = [r.key for r in rows]
    extra_from = (keys.index("other_other") if ctx.fmt == "2021" else keys.index("other_processing")) if v else 99
    if v and rng.random() < 0.4:
        extra_from = rng.randrange(keys.index("granted") + 2, len(keys))
    extra_start = rng.random() < 0.3
    page_after = rng.randrange(3, len(rows) - 2) if v and rng.random() < 0.35 else -1
    seen_group = False
    group_label = "三、本 年度办 理结果" if v else "三、本年度办理结果"
    # Flattened merged cells: sometimes a sub-group label sits on the second row of its group.
    sub_on: dict[str, str] = {}
    for j, row in enumerate(rows):
        if row.sub:
            late_sub = v and rng.random() < 0.15 and j + 1 < len(rows) and rows[j + 1].in_sub and not rows[j + 1].sub
            sub_on[rows[j + 1].key if late_sub else row.key] = row.sub
    for i, row in enumerate(rows):
        label = ctx.lab(row.label)
        if wrap and row.in_three and len(label) > 12 and row.key != "other_fee_unpaid":
            label = " ".join(wrap_at(label, width))
        vals = ctx.nums(row.keys)
        extra = i >= extra_from
        if extra:
            vals = _with_extra(ctx, row, vals, extra_start)
        cont: list[str] = []
        if row.key == "other_fee_unpaid" and split_fee:
            cut = label.index("收费通知") + 1
            label, rest = label[:cut], label[cut:]
            cont = ["", "\t" + rest + "\t" * 8]
        elif wrap and row.key == "other_fee_unpaid" and len(label) > 12:
            label = " ".join(wrap_at(label, width))
        if not row.in_three:
            cells = [label, *([""] if extra and row.key == "carried_forward" else []), *vals]
        else:
            if row.key == group_row:
                first = group_label
                seen_group = True
                if v and rng.random() < 0.5:
                    lines.append("")
            else:
                first = "" if seen_group else None
            sub_cells = ([ctx.lab(sub_on[row.key]) if row.key in sub_on else ""] if row.in_sub else [])
            pad = [""] if (row.key == group_row and not row.in_sub and v) else []
            cells = ([first] if first is not None else []) + sub_cells + [label] + pad + vals
        lines.append("\t".join(cells))
        lines += cont
        if i == page_after:
            lines += ["", ctx.page_no(), ""]
    return lines


def _tab_t4(ctx: Ctx, *, spaced_head: str, extra: bool) -> list[str]:
    head = [spaced_head.join(wrap_at(h, 2)) if spaced_head and len(h) == 4 else h for h in _T4_HEAD]
    if spaced_head == " " and ctx.layout == "md003":
        head = [" ".join(h) for h in _T4_HEAD]
    trail = "\t" if ctx.layout == "md003" else ""
    lines = [
        "行政复议" + "\t" * 5 + "行政诉讼" + "\t" * 9 + trail,
        "\t".join(head) + "\t未经复议直接起诉" + "\t" * 5 + "复议后起诉" + "\t" * 4 + trail,
        "\t" * 5 + "\t".join(head + head) + trail,
    ]
    keys = _t4_keys()
    vals = ctx.nums(keys)
    if extra:
        raw = [ctx.value(k) for k in keys]
        at_start = ctx.rng.random() < 0.3
        ph = "0" if _t4_window_ok(raw, at_start) else ""
        vals = [ph, *vals] if at_start else [*vals, ph]
    lines.append("\t".join(vals))
    return lines


def _render_tab000(ctx: Ctx) -> str:
    v, rng = ctx.v, ctx.rng
    if v and rng.random() < 0.25:
        title = ["", f"{ctx.agency}{ctx.year}年政府信息公开工作年度报告"]
    else:
        title = ["", "", ctx.agency, "", f"{ctx.year} 年政府信息公开工作年度报告"]
    out = [*title, "", ctx.preface(spaced=v), ""]
    out += _section_text(ctx, "overview", blank=True)
    out += _section_text(ctx, "proactive", blank=True)
    out += _tab_t2(ctx, space_gui=v)
    out.append("")
    out += _section_text(ctx, "applications", blank=True)
    out += _tab000_t3(ctx)
    out.append("")
    out += _section_text(ctx, "appeals", blank=True)
    out += _tab_t4(ctx, spaced_head=" " if v else "", extra=False)
    out.append("")
    out += _section_text(ctx, "problems", blank=True)
    out += _section_text(ctx, "other", blank=True)
    return "\n".join(out)


# ======================================================================================================
# lines001
# ======================================================================================================


def _pad001(ctx: Ctx, s: str, i: int, pattern: tuple[bool, ...]) -> str:
    if not ctx.v:
        return s
    return " " + s if pattern[i % len(pattern)] else s + " "


def _render_lines001(ctx: Ctx) -> str:
    v, rng = ctx.v, ctx.rng
    out: list[str] = []
    if v:
        out += [ctx.agency, "", "", ctx.agency, f"{ctx.year}年度信息公开工作年度报告", ""]
    else:
        out += [ctx.agency, f"{ctx.year}年政府信息公开工作年度报告", ""]
    out.append(("[bookmark: _GoBack]" if v and rng.random() < 0.7 else "") + ctx.preface())
    for key in ("overview",):
        out += _section_text(ctx, key, blank=False)
    pattern = (True, True, False, True, True, False, False) if rng.random() < 0.6 else tuple(rng.random() < 0.5 for _ in range(7))

    def cell_lines(text: str) -> list[str]:
        return ["\t" + text]

    def wrapped(text: str) -> list[str]:
        if v and len(text) > 16 and rng.random() < 0.25:
            parts = wrap_at(text, rng.choice((12, 14, 16)))
            return ["\t" + parts[0], *parts[1:]]
        return ["\t" + text]

    # Table 二
    out += _section_text(ctx, "proactive", blank=False)
    for block in _t2_blocks(ctx.fmt):
        out += ["\t" + block.caption, "", "\t信息内容", *["\t" + h for h in block.header], ""]
        for label, keys in block.rows:
            out.append("\t" + label)
            out += ["\t" + _pad001(ctx, s, i, pattern) for i, s in enumerate(ctx.nums(keys))]
            out.append("")
    out.append("")
    # Table 三
    out += _section_text(ctx, "applications", blank=False)
    out += ["\t" + IDENTITY_NOTE, "\t申请人情况", "", "\t", "\t自然人", "\t法人或其他组织", "\t总计", "", "\t", "\t"]
    for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"):
        out += ["\t" + h[:2], h[2:]] if v and len(h) == 4 else ["\t" + h]
    out += ["\t", ""]
    for row in _t3_rows(ctx.fmt):
        if row.key == "granted":
            out.append("\t三、本年度办理结果")
        elif row.in_three:
            out.append("\t")
        if row.in_sub:
            out.append("\t" + ctx.lab(row.sub) if row.sub else "\t")
        out += wrapped(ctx.lab(row.label))
        out += ["\t" + _pad001(ctx, s, i, pattern) for i, s in enumerate(ctx.nums(row.keys))]
        out.append("")
    out.append("")
    # Table 四
    out += _section_text(ctx, "appeals", blank=False)
    head: list[str] = []
    for h in _T4_HEAD:
        head += ["\t" + h[:2], h[2:]] if v and len(h) == 4 else ["\t" + h]
    out += ["\t行政复议", "\t行政诉讼", ""]
    out += head[:]
    out += ["\t未经复议直接起诉", "\t复议后起诉", ""]
    out += ["\t"] * 5 + head + head + [""]
    out += ["\t" + _pad001(ctx, s, i, pattern) for i, s in enumerate(ctx.nums(_t4_keys()))]
    out += ["", "", ""]
    out += _section_text(ctx, "problems", blank=False)
    out += _section_text(ctx, "other", blank=False)
    if v:
        out += [" "]
    return "\n".join(out)


# ======================================================================================================
# tab002 and md003 (same table family: placeholder tabs, "三、本年度办理结果" on the （一） row)
# ======================================================================================================


def _tab002_t3(ctx: Ctx, *, md: bool) -> list[str]:
    rng, v = ctx.rng, ctx.v
    note = IDENTITY_NOTE.replace("（", "(").replace("）", ")")
    if not md and v:
        note = note.replace("之和，", "之和， ")
    lines = [
        f"{note}\t\t申请人情况\t\t\t\t\t\t总计\t",
        "\t\t自然人\t法人或其他组织\t\t\t\t\t\t",
        "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\t",
    ]
    rows = _t3_rows(ctx.fmt)
    keys = [r.key for r in rows]
    detach = v and not md and rng.random() < 0.7
    extra_from = keys.index("unable_needs_creation") if v and not md else 99
    if v and not md and rng.random() < 0.3:
        extra_from = rng.randrange(keys.index("granted") + 3, len(keys))
    extra_start = rng.random() < 0.3
    page_after = rng.randrange(3, len(rows) - 2) if v and not md and rng.random() < 0.3 else -1
    in_detached_group = False
    pending_tail = ""
    for i, row in enumerate(rows):
        label = ctx.lab(row.label)
        vals = ctx.nums(row.keys)
        if i >= extra_from:
            vals = _with_extra(ctx, row, vals, extra_start)
        late = i >= extra_from  # after the "page break", rows lose their leading placeholder
        if not row.in_three:
            if row.key == "carried_forward":
                cells = ([""] if md else []) + [label, "", *vals]
            else:
                cells = [label, "", *vals, ""]
        elif row.key == "granted":
            cells = ["三、本年度办理结果", label, *vals] + ([""] if not late else [])
        elif not row.in_sub:
            if row.key == "results_total":
                cells = ([] if late and not md else [""]) + [label, *([""] if md else []), *vals] + ([""] if not md else [])
            else:
                cells = ["", label, *vals] + ([""] if not late else [])
        else:
            sub = ctx.lab(row.sub) if row.sub else ""
            if detach and row.key == "unable_not_held":
                m = re.match(r"^(.*?\S)\s*(无法提供)$", sub)
                head, tail = (m.group(1), m.group(2)) if m else (sub, "")
                lines.append(f"{head} {label}\t" + "\t".join(vals) + "\t\t")
                lines.append("")
                in_detached_group = bool(tail)
                pending_tail = tail
                if i == page_after:
                    lines += ["", ctx.page_no(), ""]
                continue
            if in_detached_group:
                in_detached_group = False
                cells = [pending_tail, label, *vals]
            elif late and not md:
                cells = [sub, label, *vals]
            else:
                cells = ["", sub, label, *vals]
        lines.append("\t".join(cells))
        if i == page_after:
            lines += ["", ctx.page_no(), ""]
    return lines


def _render_tab002(ctx: Ctx) -> str:
    v = ctx.v
    out = ["", "", f"{ctx.agency} {ctx.year} 年政府信息公开工作年度报告" if v else f"{ctx.agency}{ctx.year}年政府信息公开工作年度报告", ""]
    out += [ctx.preface(), ""]
    out += _section_text(ctx, "overview", blank=True)
    out += _section_text(ctx, "proactive", blank=True)
    out += _tab_t2(ctx, space_gui=v, pad_until=2 if v else 99)
    out.append("")
    out += _section_text(ctx, "applications", blank=True)
    out += _tab002_t3(ctx, md=False)
    out.append("")
    out += _section_text(ctx, "appeals", blank=True)
    out += _tab_t4(ctx, spaced_head="", extra=False)
    out.append("")
    out += _section_text(ctx, "problems", blank=True)
    out += _section_text(ctx, "other", blank=True)
    return "\n".join(out)


_SUBHEAD_RE = re.compile(r"^[（(][一二三四五六七八九][)）][^。，；：]{1,16}$")


def _render_md003(ctx: Ctx, markup: bool = False) -> str:
    v, rng = ctx.v, ctx.rng

    def h(key: str) -> str:
        level = rng.choice(("##", "###", "####")) if v else "##"
        return f"{level} {ctx.title(key)}"

    def section(key: str) -> list[str]:
        lines = [h(key), ""]
        for p in ctx.paras(key):
            if markup and _SUBHEAD_RE.match(p):
                p = rng.choice((f"#### {p}", f"### **{p}**"))
            lines += [p, ""]
        return lines

    out = ["", "", f"# {ctx.agency}", "", f"## {ctx.year}年政府信息公开工作年度报告", "", ctx.preface(), ""]
    out += section("overview")
    out += section("proactive")
    out += _tab_t2(ctx, space_gui=False)
    out.append("")
    out += section("applications")
    out += _tab002_t3(ctx, md=True)
    out.append("")
    out += section("appeals")
    out += _tab_t4(ctx, spaced_head=" " if v else "", extra=v)
    out.append("")
    out += section("problems")
    out += section("other")
    return "\n".join(out)


# ======================================================================================================
# space004
# ======================================================================================================


def _render_space004(ctx: Ctx) -> str:
    v, rng = ctx.v, ctx.rng
    out = [f" {ctx.agency}" if v else ctx.agency, f"{ctx.year} 年政府信息公开工作年度报告" if v else f"{ctx.year}年政府信息公开工作年度报告", ""]
    pre = ctx.preface(spaced=v)
    if v:
        cut = pre.index("所列数据")
        for piece in wrap_at(pre[:cut], 28):
            out += [piece, ""]
        out += [pre[cut:], ""]
    else:
        out += [pre, ""]
    out += _section_text(ctx, "overview", blank=True)
    # Table 二
    out += _section_text(ctx, "proactive", blank=True)
    for block in _t2_blocks(ctx.fmt):
        out += [block.caption, "", " ".join(["信息内容", *block.header]), ""]
        for label, keys in block.rows:
            shown = "规 章" if v and label == "规章" else label
            out += [" ".join([shown, *ctx.nums(keys)]), ""]
    # Table 三
    out += _section_text(ctx, "applications", blank=True)
    if v:
        out += ["（本列数据的勾稽关系为：第一项加第", "", "二项之和，等于第三项加第四项之和）", "", "申请人情况", "",
                "自然人", "", "法人或其他组织", "", "总计"]
        for hd in ("商业企业", "科研机构", "社会公益组织", "法律服务机构"):
            out += [*"\n\n".join(wrap_at(hd, 2)).split("\n"), ""]
        out += ["其他", ""]
    else:
        out += [IDENTITY_NOTE, "", "申请人情况", "", "自然人 法人或其他组织 总计", "",
                "商业企业 科研机构 社会公益组织 法律服务机构 其他", ""]
    rows = _t3_rows(ctx.fmt)
    page_after = rng.randrange(0, len(rows) - 2) if v and rng.random() < 0.6 else -1
    for i, row in enumerate(rows):
        if row.key == "granted":
            out += (["三、本", "", "年度办", "", "理结果", ""] if v else ["三、本年度办理结果", ""])
        if row.sub:
            sub = ctx.lab(row.sub)
            m = re.match(r"^([（(][一二三四五六七][）)])\s*(.*)$", sub)
            out += ([m.group(1), "", m.group(2), ""] if v and m else [sub, ""])
        label = ctx.lab(row.label)
        numline = " ".join(ctx.nums(row.keys))
        width = rng.choice((9, 9, 10, 13)) if v else 99
        if row.key == "partially_granted" and v:
            parts = ["（二）部分公开（区分处理的，", "只计这一情形，不计其他情形）"] if label.startswith("（二）部分公开（区分") else wrap_at(label, 14)
        elif row.in_sub or row.key == "partially_granted":
            parts = wrap_at(label, width) if len(label) > 11 else [label]
        else:
            parts = [label]
        if len(parts) == 1:
            out += [f"{parts[0]} {numline}", ""]
        else:
            lead = " " if v and rng.random() < 0.1 else ""
            out += [lead + "\n\n".join(parts)]
            out += (["", numline, ""] if rng.random() < 0.3 else [numline, ""])
        if i == page_after:
            out += ["", "", ctx.page_no(), ""]
    # Table 四
    out += _section_text(ctx, "appeals", blank=True)
    out += ["行政复议 行政诉讼", ""]

    def vert(hd: str, one: bool) -> list[str]:
        return [*(list(hd) if one else wrap_at(hd, 2)), ""]

    for hd in _T4_HEAD:
        out += vert(hd, v and hd == "其他结果")
    out += ["未经复议直接起诉 复议后起诉", ""]
    for _ in range(2):
        for hd in _T4_HEAD:
            out += vert(hd, v and rng.random() < 0.5)
    out += [" ".join(ctx.nums(_t4_keys())), ""]
    out += _section_text(ctx, "problems", blank=True)
    out += _section_text(ctx, "other", blank=True)
    out.append("")
    return "\n".join(out)


# ======================================================================================================
# markdown pipe tables
# ======================================================================================================


def _pipe(cells: list[str], compact_tail: bool = False) -> str:
    if compact_tail:
        # "| 行政许可 | 12 | ||": trailing empty cells written without spaces.
        n = len(cells)
        while n and cells[n - 1] == "":
            n -= 1
        if n < len(cells):
            return "| " + " | ".join(cells[:n]) + " |" + "|" * (len(cells) - n)
    return "| " + " | ".join(cells) + " |"


def _sep(n: int) -> str:
    return "|" + "|".join([" --- "] * n) + "|"


def _render_markdown(ctx: Ctx) -> str:
    v, rng = ctx.v, ctx.rng
    compact = v and rng.random() < 0.5
    repeat = v and rng.random() < 0.3

    def sec(key: str) -> list[str]:
        return [f"## {ctx.title(key)}", "", *[x for p in ctx.paras(key) for x in (p, "")]]

    out = [f"# {ctx.agency}{ctx.year}年政府信息公开工作年度报告", "", ctx.preface(), ""]
    out += sec("overview")
    # Table 二
    out += sec("proactive")
    width = 4
    first = True
    for block in _t2_blocks(ctx.fmt):
        cap = [block.caption, *([""] * (width - 1))]
        out.append(_pipe(cap))
        if first:
            out.append(_sep(width))
            first = False
        out.append(_pipe(["信息内容", *block.header, *([""] * (width - 1 - len(block.header)))], compact))
        for label, keys in block.rows:
            vals = ctx.nums(keys)
            out.append(_pipe([label, *vals, *([""] * (width - 1 - len(vals)))], compact))
    out.append("")
    # Table 三
    out += sec("applications")
    n = 10
    out.append(_pipe([IDENTITY_NOTE, "", "", "申请人情况", *([""] * 6)]))
    out.append(_sep(n))
    out.append(_pipe(["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]))
    out.append(_pipe(["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]))
    rows = _t3_rows(ctx.fmt)
    three = [r for r in rows if r.in_three]
    group_key = three[rng.choice((0, 0, 1, 2)) if v else 0].key
    current_sub = ""
    for row in rows:
        label = ctx.lab(row.label)
        vals = ctx.nums(row.keys)
        if row.sub:
            current_sub = ctx.lab(row.sub)
        if not row.in_three:
            cells = [label, "", ""]
        else:
            g = "三、本年度办理结果" if (row.key == group_key or repeat) else ""
            if row.in_sub:
                cells = [g, current_sub if (row.sub or repeat) else "", label]
            else:
                cells = [g, label, ""]
        out.append(_pipe([*cells, *vals]))
    out.append("")
    # Table 四
    out += sec("appeals")
    out.append(_pipe(["行政复议", "", "", "", "", "行政诉讼", *([""] * 9)]))
    out.append(_sep(15))
    out.append(_pipe([*_T4_HEAD, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""]))
    out.append(_pipe(["", "", "", "", "", *_T4_HEAD, *_T4_HEAD]))
    out.append(_pipe(ctx.nums(_t4_keys())))
    out.append("")
    out += sec("problems")
    out += sec("other")
    return "\n".join(out)


# ======================================================================================================

_RENDERERS: dict[str, Callable[[Ctx], str]] = {
    "tab000": _render_tab000,
    "lines001": _render_lines001,
    "tab002": _render_tab002,
    "md003": _render_md003,
    "space004": _render_space004,
    "markdown": _render_markdown,
}


def render_text(report: Report, layout: str, rng: random.Random, *, variants: bool = True, markup: bool = False) -> str:
    """`report` as a full text document in `layout` (one of LAYOUTS); see the module docstring.

    `markup=True` (md003 only) also decorates standalone overview sub-headings with markdown, as seed 003
    does; off by default so that section text stays verbatim.
    """
    if layout not in _RENDERERS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    ctx = Ctx(report, rng, variants, layout)
    if layout == "md003":
        text = _render_md003(ctx, markup=markup)
    else:
        text = _RENDERERS[layout](ctx)
    return text.rstrip("\n") + "\n"
