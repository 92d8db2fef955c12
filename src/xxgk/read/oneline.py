"""Cut a report printed on one line back into its sections.

A crawler that stores a portal page's text (HTML innerText) often keeps the whole report on one
line: preface, six section headings, the tables and the prose run on without a line break. The text
reader works line by line (headings alone on their line, a table's rows on the lines after it), so
such a line is cut at its section headings first: heading, then the section's body; a table section's
body is also cut after each sentence (`。`), so that its lead-in prose stays out of the table.
Nothing is cut in a line with fewer than two headings, or a short one: ordinary layouts are untouched.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

#: A line shorter than this is never a whole report (the shortest real one-line report in
#: ../shared/real is 7 KB; a heading line is under 60 characters).
MIN_CHARS = 300

#: More numbered items (`一、`) than this on one line is not a report (the one-line reports of
#: ../shared/real have 10 or 11): the line is left whole rather than searched.
MAX_NUMERALS = 2000

#: Numeral, separator, then the heading's words up to its closing noun (情况, 事项, 措施), within 40
#: characters and one sentence. Keywords per section are checked by the caller's table.
_NUMERAL = re.compile(r"[一二三四五六](?=[ \t\u3000]*[、.,，．])")
_HEADING = re.compile(r"([一二三四五六])[ \t\u3000]*[、.,，．][ \t\u3000]*([^。\n]{1,40}?(?:情况|事项|措施))")


def cut(raw: str, headings: Sequence[tuple[str, str, str]], table_sections: frozenset[str]) -> list[tuple[int, int, bool]] | None:
    """(start, end, is a section's content) spans of `raw`, or None when it is not a one-line report.

    `headings`: (section key, numeral, keyword pattern) in printed order, as the reader's own table."""
    if len(raw) < MIN_CHARS:
        return None
    # Every heading-like match, from each numeral on (matches may overlap: `四、结转下年度继续办理1四、
    # 政府信息公开行政复议…情况` is a row label, then the heading).
    numerals = list(itertools.islice(_NUMERAL.finditer(raw), MAX_NUMERALS + 1))
    if len(numerals) > MAX_NUMERALS:
        return None
    matches: list[tuple[int, int, str, str]] = []
    for m in numerals:
        h = _HEADING.match(raw, m.start())
        if h is not None:
            matches.append((h.start(), h.end(), h.group(1), h.group(2)))
    # Chosen from the end: a preface that lists the headings (`包括：一、总体情况；二、…`) comes
    # before the real ones, which are each the last of their kind before the next section.
    found: list[tuple[int, int, str]] = []
    limit = len(raw)
    for key, numeral, keywords in reversed(headings):
        kw = re.compile(keywords)
        for s, e, num, words in reversed(matches):
            if e <= limit and num == numeral and kw.search(words) and not (key == "appeals" and "结转" in words):
                found.append((s, e, key))
                limit = s
                break
    found.reverse()
    if len(found) < 2:
        return None
    spans: list[tuple[int, int, bool]] = []
    if found[0][0] > 0:
        spans.append((0, found[0][0], False))
    for n, (s, e, key) in enumerate(found):
        spans.append((s, e, False))
        end = found[n + 1][0] if n + 1 < len(found) else len(raw)
        if key in table_sections:
            start = e
            for m in re.finditer("。", raw[e:end]):
                spans.append((start, e + m.end(), True))
                start = e + m.end()
            spans.append((start, end, True))
        else:
            spans.append((e, end, True))
    return [(s, e, c) for s, e, c in spans if raw[s:e].strip()]
