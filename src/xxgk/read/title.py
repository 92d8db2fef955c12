"""The title of a report: agency and year, which title line is the report's own, and the agency
when the title names none (a metadata field, the signature).

Kept apart from the text reader because it is about what a document says about itself, not about
its tables; it works on any sequence of lines that have `norm` (NFKC, no whitespace) and
`is_narrative`, so the text reader's `Line` is not imported here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from ..report import keys as K
from ..report.model import Finding, Report
from ..report.values import normalize
from .meta import NAME_OK, Fields, Signature, title_match


class LineLike(Protocol):
    norm: str

    @property
    def is_narrative(self) -> bool: ...


def title_candidates(lines: Sequence[LineLike], fields: Fields, limit: int = 60) -> list[tuple[int, re.Match[str], int]]:
    """(line index, title match, index of its last line) of each title-like line at the head of the document.

    A metadata field line counts only by its value, and only a title field (`标题: …`); another
    field (`本地目录: …/80629_某某2022年度…报告`) is never a title. A title wrapped over two or three
    short lines ('2024 年上海市科委政府信息公开工作' / '年度报告') is joined."""
    found: list[tuple[int, re.Match[str], int]] = []
    n = min(limit, len(lines))
    i = 0
    while i < n:
        if i in fields.lines:
            value = fields.titles.get(i)
            m = title_match(normalize(value)) if value else None
            if m:
                found.append((i, m, i))
            i += 1
            continue
        m = title_match(lines[i].norm)
        if m:
            found.append((i, m, i))
            i += 1
            continue
        joined = lines[i].norm
        took = 0
        # What the loop below would find nothing with, said at once: a line too long, empty or prose
        # to start a join, or no 报告 in the lines it could join (every title form holds 报告, and
        # one longer than 120 characters is none, so 200 of each line are enough to look at).
        end = min(i + 3, n)
        if (not joined or len(joined) > 40 or "报告" not in joined + (lines[i + 1].norm[:200] if i + 1 < end else "")
                + (lines[i + 2].norm[:200] if i + 2 < end else "") or lines[i].is_narrative):
            i += 1
            continue
        for j in range(i + 1, min(i + 3, n)):
            if j in fields.lines or lines[j].is_narrative or len(joined) > 40 or not joined or lines[i].is_narrative or title_match(lines[j].norm):
                break
            joined += lines[j].norm
            m = title_match(joined)
            if m and (not m.group("agency") or NAME_OK.match(m.group("agency"))):
                found.append((i, m, j))
                took = j - i
                break
        i += 1 + took
    return found


def find_title(lines: Sequence[LineLike], period_year: int | None = None, fields: Fields | None = None) -> tuple[str | None, int | None, int | None, list[tuple[str | None, int]]]:
    """(agency, year, line index of the title's last line, (agency, year) of the other title-like
    lines) from the head of the document.

    Why not simply the first title-like line: a portal page printed or saved as text carries links
    to the agency's other reports ("…2023年政府信息公开工作年度报告" in a sidebar), which read
    exactly like a title. Such links come in lists, so a candidate standing next to another one is
    passed over for one standing alone; among what remains, one whose year is the statistics
    period's wins. Callers report the others when they name a different year or agency."""
    found = title_candidates(lines, fields or Fields())
    if not found:
        return None, None, None, []
    at = [i for i, _, _ in found]
    alone = [c for c in found if c[0] - 1 not in at and c[2] + 1 not in at]
    pool = alone or found
    dated = [c for c in pool if period_year is not None and int(c[1].group("year")) == period_year]
    i, m, end = (dated or pool)[0]
    others = [(title_agency(lines, j, n), int(n.group("year"))) for j, n, _ in found if j != i and n.group(0) != m.group(0)]
    return title_agency(lines, i, m), int(m.group("year")), end, others


def same_agency(a: str | None, b: str | None) -> bool:
    """Unknown matches anything; a short form matches its full form ('佐龙镇人民政府', '岚皋县佐龙镇人民政府')."""
    return a is None or b is None or a.endswith(b) or b.endswith(a)


def title_agency(lines: Sequence[LineLike], i: int, m: re.Match[str]) -> str | None:
    """The agency a title line names, or the name printed on a line just above it."""
    agency = m.group("agency").removesuffix("关于") or None
    if agency is not None and not NAME_OK.match(agency):
        agency = None  # residue glued to the title ('标题:'), never part of a name
    names = [x.norm for x in lines[max(0, i - 4) : i] if NAME_OK.match(x.norm)]
    if agency is None and names:
        agency = names[-1]
    if agency:
        # Prefer the fullest printed form: '岚皋县佐龙镇人民政府' over '佐龙镇人民政府'.
        longer = [n for n in names if n != agency and n.endswith(agency)]
        if longer:
            agency = max(longer, key=len)
    return agency


def agency(title_agency: str | None, fields: Fields, sig: Signature | None, findings: list[Finding]) -> str | None:
    """The agency: the title's, else the `发布机构` field's value, else the signature's; a field or a
    signature naming another agency than the title is reported (an aggregated report published by
    the government's office, or a page that is not the one it claims)."""
    named = [(what, n) for what, n in (("发布机构", fields.agency()), ("落款", sig.name if sig else None)) if n]
    if title_agency is None:
        return named[0][1] if named else None
    for what, n in named:
        if not same_agency(title_agency, n):
            findings.append(Finding("read.agency_mismatch", "warning", [], f"标题中的机关「{title_agency}」与{what}「{n}」不同，已取标题中的机关"))
    return title_agency


def cut_signature(report: Report, sig: Signature) -> None:
    """The signature and date are not part of the last section's text; they are kept apart."""
    report.extra["signature"] = {"name": sig.name, "date": sig.date}
    for key in reversed(K.SECTION_KEYS):
        text = report.sections.get(key)
        if text:
            flat = text.rstrip()
            if flat.endswith(sig.text):
                report.sections[key] = flat[: -len(sig.text)].rstrip()
            else:
                # The section's text joins wrapped lines: compare without whitespace.
                bare = re.sub(r"\s+", "", sig.text)
                if re.sub(r"\s+", "", flat).endswith(bare):
                    cut = len(flat)
                    seen = 0
                    while cut > 0 and seen < len(bare):
                        cut -= 1
                        if not flat[cut].isspace():
                            seen += 1
                    report.sections[key] = flat[:cut].rstrip()
            break
#: A title repeated at the head of the body, spaces allowed ('…2020年度 政府信息公开工作年度报告').
_TITLE_IN_TEXT = re.compile(r"(?:19|20)\d{2}\s*年\s*度?\s*(?:政府|政务)?\s*(?:信\s*息)?\s*公\s*开\s*(?:工\s*作)?\s*(?:年\s*度)?\s*报\s*告\s*")


#: The head searched for a repeated title: a portal's bar and title are a few hundred characters.
_HEAD_LIMIT = 2000


def strip_repeated_title(text: str) -> str:
    """A crawled page's body often starts with the title again and the portal's bar around it
    ('…年度报告 来源： 时间：… 微信 微博 … 相关链接： …年度报告 根据《条例》…'): the preface starts
    after the last title printed before the first sentence ends, never inside 《…》."""
    end = text.find("。", 0, _HEAD_LIMIT)
    head = text[:_HEAD_LIMIT] if end < 0 else text[:end]
    cut = 0
    for m in _TITLE_IN_TEXT.finditer(head):
        # A title stands apart: spaces after it, not a comma ('编制了 2024 年度政务公开工作报告，…').
        apart = m.group(0)[-1:].isspace() and not head[m.end() : m.end() + 1] in ("，", ",", "、", "；", "：")
        if apart and head.count("《", 0, m.start()) == head.count("》", 0, m.start()):
            cut = m.end()
    return text[cut:].lstrip() if cut else text
