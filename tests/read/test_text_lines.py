"""The text reader's lines built by the optional C loop (`xxgk._speedups.text_lines`) against the
Python reference (`textlines.lines_py`): the same number, raw text and normal form for every line of
the six generated layouts and of lines that take each of the loop's paths (bookmarks, page numbers,
markdown rules and marks, full-width characters, characters the C normalisation leaves to Python);
its normalisation (`text_norm`) against `values.normalize` on every character it claims; and
hand-written lines as the oracle."""

from __future__ import annotations

import random
import unicodedata

import pytest

from tests.corpus.generate import LAYOUTS, random_report, render_text
from xxgk.read import text as T
from xxgk.read import textlines as TL
from xxgk.report.values import normalize

needs_c = pytest.mark.skipif(TL._text_lines_c is None, reason="xxgk._speedups not built (no C compiler at install)")

_TEXT = "\n".join([
    "２０２１年政府信息公开工作年度报告",       # full-width digits: mapped in C
    "一、总体情况",
    "  本年新收　申请 35 件  ",                  # ideographic space and ASCII spaces removed
    "- 3 -",                                     # a page number: dropped
    "第2页，共9页",                              # another: dropped
    "|---|:---:|",                               # a markdown rule: dropped
    "| 规章 | 0 |",
    "## 二、主动公开政府信息情况",               # markdown heading marks
    "**（一）** 予以公开__",
    "见[bookmark: _Toc1]附表",                   # a bookmark: removed from raw
    "①事项 ℃ ﹙1﹚ ｶﾞ é",                      # characters left to Python's NFKC
    "",
    "\t\t",
    "12345",                                     # digits, not a page number: kept
    "3/12",                                      # a page number: dropped
    "2021/12/31",                                # a date: kept
    "١٢",                                        # other decimal digits, no page number: kept
])


def _fields(lines: list[TL.Line]) -> list[tuple[object, ...]]:
    return [(ln.no, ln.raw, ln.norm, ln.col0, ln.unfolded) for ln in lines]


def test_lines_hand_written() -> None:
    got = [(ln.no, ln.raw, ln.norm) for ln in TL.lines_py(_TEXT)]
    assert [no for no, _, _ in got] == [1, 2, 3, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17]
    assert got[0][2] == "2021年政府信息公开工作年度报告"
    assert got[2][2] == "本年新收申请35件"
    assert got[3][2] == "|规章|0|"
    assert got[4][2] == "二、主动公开政府信息情况"
    assert got[5][2] == "(一)予以公开"
    assert got[6][1:] == ("见附表", "见附表")
    assert got[7][2] == "1事项°C(1)ガé"
    assert got[8][2] == got[9][2] == ""
    assert got[10][2] == "12345"
    assert got[11][2] == "2021/12/31"


@needs_c
def test_the_c_loop_makes_the_python_lines() -> None:
    texts = [_TEXT, "", "\n", "a\r\nb\rc\x0bd\x0ce\x1cf\u2028g\u2029h\x85i"]
    for i, layout in enumerate(LAYOUTS):
        texts.append(render_text(random_report(random.Random(i)), layout, random.Random(i)))
    n = 0
    for text in texts:
        py = TL.lines_py(text)
        c = TL._text_lines_c(text, TL.Line, normalize, TL.drop_bookmarks, TL.is_rule_or_page_number, TL.md_norm)
        assert _fields(c) == _fields(py)
        n += len(py)
    assert n > 500


@needs_c
def test_c_normalisation_matches_normalize() -> None:
    from xxgk._speedups import text_norm

    claimed = []
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        got = text_norm(ch)
        if got is None:
            continue
        claimed.append(ch)
        assert got == normalize(ch), hex(cp)
        if ch.isspace():  # removed whatever NFKC makes of it (whitespace: tests below)
            assert got == "" and normalize(ch) == "", hex(cp)
            continue
        # Nothing claimed combines with what precedes it (NFKC would then change a pair).
        assert unicodedata.combining(ch) == 0, hex(cp)
        for before in ("a", "e", "中", "ア", "\u1100", "\u0b47", "\u0bc6"):
            assert unicodedata.normalize("NFC", before + ch) == before + ch, hex(cp)
    assert len(claimed) > 20000
    rng = random.Random(5)
    sample = claimed + [" ", "\t", "\u3000", "\u00a0", "\u2007", "é", "\u0301"]
    for _ in range(20000):
        s = "".join(rng.choice(sample) for _ in range(rng.randint(0, 12)))
        got = text_norm(s)
        assert got is None or got == normalize(s), repr(s)
    assert text_norm("（一） 予以公开") == "(一)予以公开"
    assert text_norm("e\u0301") is None


def test_phone_pattern_reads_as_its_plain_form() -> None:
    """`text._PHONE` (written to start at its first digit) finds what the plain pattern finds, on
    hand-written numbers and on random runs of digits, hyphens and letters."""
    import re

    plain = re.compile(r"(?<!\d)(?:0\d{2,3}-?\d{7,8}|1[3-9]\d{9})(?!\d)")
    assert T._PHONE.findall("电话：010-12345678，手机13912345678；传真0755-1234567x，编号913912345678") == [
        "010-12345678", "13912345678", "0755-1234567"]
    rng = random.Random(3)
    for _ in range(20000):
        s = "".join(rng.choice("0011123456789--a电") for _ in range(rng.randint(0, 30)))
        assert T._PHONE.findall(s) == plain.findall(s), s
