"""What a report says about itself: title, agency, year, publication date — from what each piece of
text means, not from where it sits.

Reports reach us wrapped in other text. A crawler stores the portal's metadata above the article
(`标题: …`, `发布时间: …`, `发布机构: …`, `原文链接: …`); a portal page carries a metadata table
(`索引号`, `发布机构`, `生成日期`, `名称`); an office's document ends with a signature and a date. The
*labels* of those fields must never become the agency (`标题:平潭…` was read as the agency's name),
and the field lines are not part of the report's preface. Titles are printed agency first or year
first (`2024年上海市科委政府信息公开工作年度报告`), wrapped over two lines, or with the year after
(`…年度报告（2023年度）`).

Everything here is pure text handling on normalised lines (NFKC, no whitespace), shared by every
reader through the text reader.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

#: Field labels of portal metadata (crawler headers, the 信息公开 metadata table), by meaning.
FIELD_MEANINGS: dict[str, str] = {
    "标题": "title",
    "名称": "title",
    "题名": "title",
    "信息名称": "title",
    "文件名称": "title",
    "发布机构": "agency",
    "发文机关": "agency",
    "发布单位": "agency",
    "公开主体": "agency",
    "信息来源": "source",
    "来源": "source",
    "发布时间": "published",
    "发布日期": "published",
    "公开日期": "published",
    "公开时间": "published",
    "成文日期": "written",
    "生成日期": "written",
    "成文时间": "written",
    "文号": "other",
    "发文字号": "other",
    "索引号": "other",
    "栏目": "other",
    "主题分类": "other",
    "分类": "other",
    "体裁分类": "other",
    "原文链接": "other",
    "本地目录": "other",
    "有效性": "other",
    "关键词": "other",
    "浏览次数": "other",
    "字号": "other",
}
_LABELS = "|".join(sorted(FIELD_MEANINGS, key=len, reverse=True))
#: One or more `label: value` fields on one line (a portal's metadata table flattened to text).
_FIELD = re.compile(rf"(?:^|(?<=\s))({_LABELS})\s*[:：]\s*(.*?)(?=\s+(?:{_LABELS})\s*[:：]|\s*$)")
_FIELD_START = re.compile(rf"^\s*(?:{_LABELS})\s*[:：]")
#: Crawler and CMS residue around an article: separator rules, `==== 正文 ====`, asset notes.
#: Longest line taken for a metadata field or a residue line. Real ones are under 300 characters
#: (a crawler's `本地目录:` path); the bound also keeps the patterns below linear on hostile lines
#: (100,000 dashes made `_RESIDUE` backtrack for minutes: fuzz, issue 13).
MAX_FIELD_LINE = 1000
_RESIDUE = re.compile(r"^(?:[=\-—_*#]{4,}\s*(?:正文|全文)?\s*[=\-—_*#]*|正文|页面链接与图片详见.*|附件下载|附件[:：]?)$")

_TITLE_TAIL = r"(?:政府|政务)?(?:信息)?公开(?:工作)?(?:年度)?(?:工作)?报告"
#: Agency first: `某某局2023年度政府信息公开工作年度报告`, `某某局关于2023年…`.
TITLE_AGENCY_FIRST = re.compile(rf"^(?P<agency>.*?)(?:关于)?(?P<year>(?:19|20)\d{{2}})年度?{_TITLE_TAIL}$")
#: Year first: `2024年上海市科委政府信息公开工作年度报告`.
TITLE_YEAR_FIRST = re.compile(rf"^(?P<year>(?:19|20)\d{{2}})年度?(?P<agency>[^\d]{{2,40}}?){_TITLE_TAIL}$")
#: Year after: `某某局政府信息公开工作年度报告（2023年度）`.
TITLE_YEAR_AFTER = re.compile(rf"^(?P<agency>.*?){_TITLE_TAIL}[(（](?P<year>(?:19|20)\d{{2}})年?度?[)）]$")
_TITLE_FORMS = (TITLE_AGENCY_FIRST, TITLE_YEAR_FIRST, TITLE_YEAR_AFTER)

#: A printed agency name: Chinese characters (and brackets, ·), 2–40 of them.
NAME_OK = re.compile(r"^[\u4e00-\u9fff（）()·]{2,40}$")
#: What an agency's name ends with; a field value or a signature line must end so to be taken.
_AGENCY_END = re.compile(
    r"(?:人民政府|政府|办公室|办公厅|委员会|管理委员会|管委会|办事处|街道|局|委|办|厅|部|署|院|会|处|室|中心|所|站|队|馆|镇|乡|区|县|市|省|公司|集团|银行|大学|学院)$"
)
_DATE = re.compile(r"((?:19|20)\d{2})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?")
#: The signature at the end: an agency name and a date, after the last sentence; a page number
#: printed under it on the last page (`- 7 -`, kept by the PDF reader's layout) may follow.
_SIGNATURE = re.compile(
    r"(?:^|(?<=[。；！\s]))(?:(?P<name>[\u4e00-\u9fff（）()·]{2,40}?)\s*)?(?P<date>(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(?:附件下载|附件|【?打印】?|【?关闭】?)?"
    r"(?=\s*(?:[-－—–]\s*\d{1,4}\s*[-－—–]\s*)?$)"
)


@dataclass
class Fields:
    """Portal metadata fields found at the head of a document, by meaning (`FIELD_MEANINGS`)."""

    #: meaning → the non-empty values printed for it, in order.
    values: dict[str, list[str]] = field(default_factory=dict)
    #: Indexes (into the line list given) of the lines that are metadata, not report text.
    lines: set[int] = field(default_factory=set)
    #: Index → the title printed in a title field on that line (`标题: …`).
    titles: dict[int, str] = field(default_factory=dict)

    def agency(self) -> str | None:
        """The first agency field whose value is an agency's name (`发布机构: 1` is not)."""
        return next((n for v in self.values.get("agency", []) if (n := agency_name(v))), None)

    def date(self) -> str | None:
        """The publication date: `发布时间` and the like first, then `成文日期`."""
        for meaning in ("published", "written"):
            for v in self.values.get(meaning, []):
                if d := iso_date(v):
                    return d
        return None


def field_values(raw: str) -> list[tuple[str, str]]:
    """(label, value) of each metadata field on one line; [] when the line is not a field line."""
    if len(raw) > MAX_FIELD_LINE or not _FIELD_START.match(raw):
        return []
    return [(m.group(1), m.group(2).strip()) for m in _FIELD.finditer(raw.strip())]


#: Lines at the head of a document searched for metadata fields (a crawler's header has ~9).
HEAD_LINES = 40


def head_fields(raws: Sequence[str], limit: int = HEAD_LINES) -> Fields:
    """The metadata fields among the first `limit` lines, and which lines are metadata or residue."""
    out = Fields()
    for i, raw in enumerate(raws[:limit]):
        pairs = field_values(raw)
        if pairs:
            out.lines.add(i)
            for label, value in pairs:
                meaning = FIELD_MEANINGS[label]
                if value:
                    out.values.setdefault(meaning, []).append(value)
                    if meaning == "title":
                        out.titles.setdefault(i, value)
        elif is_residue(raw):
            out.lines.add(i)
    return out


def is_residue(raw: str) -> bool:
    """A crawler or CMS line that is never report text (`==== 正文 ====`, `附件下载`)."""
    return len(raw) <= MAX_FIELD_LINE and bool(_RESIDUE.match(raw.strip()))


def title_match(norm: str) -> re.Match[str] | None:
    """The title forms, on whitespace-free text; the agency group may be empty."""
    if len(norm) > 120 or "报告" not in norm:  # every form ends in, or holds, 报告: most lines are out at once
        return None
    for form in _TITLE_FORMS:
        m = form.match(norm)
        if m:
            return m
    return None


def agency_name(value: str | None) -> str | None:
    """A field value or signature line that is an agency's name ('1', '本网', a URL are not)."""
    if not value:
        return None
    v = re.sub(r"\s+", "", value)
    return v if NAME_OK.match(v) and _AGENCY_END.search(v) else None


def iso_date(text: str | None) -> str | None:
    """The first date in `text` as YYYY-MM-DD, if it is a real calendar date."""
    if not text:
        return None
    m = _DATE.search(text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


@dataclass
class Signature:
    name: str | None
    date: str
    #: The signature's text as printed, so a caller can cut it from the last section.
    text: str


def signature(tail: str) -> Signature | None:
    """The signature and date ending the document (`…事项。 平潭综合实验区财政金融局 2020年1月2日`)."""
    m = _SIGNATURE.search(tail[-400:])
    if not m:
        return None
    date = iso_date(m.group("date"))
    if date is None:
        return None
    name = agency_name(m.group("name"))
    if name is None:
        # A date alone on the last line is the document's date; a date ending a sentence
        # ('本报告发布于2023年1月5日') or after something that is no agency's name is not.
        before = tail[: m.start("date")].rstrip(" \t\u3000")
        if m.group("name") or not (before == "" or before.endswith("\n")):
            return None
    return Signature(name, date, m.group(0).lstrip("。；！").strip())
