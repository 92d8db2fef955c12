"""The text reader's tokens built by the optional C loop (`xxgk._speedups.line_tokens`) against
the Python reference (`text._line_tokens_py`): the same class, raw text, location, blank, normal
form and value flag for every token of every line, on the six generated layouts and on lines with
glued numbers, blank grid cells and pipes; and hand-counted tokens of two lines as the oracle."""

from __future__ import annotations

import random

import pytest

from tests.corpus.generate import LAYOUTS, random_report, render_text
from xxgk.read import text as T
from xxgk.read.tokens import GluedToken, Token

needs_c = pytest.mark.skipif(T._line_tokens_c is None, reason="xxgk._speedups not built (no C compiler at install)")


def _fields(t: Token) -> tuple[object, ...]:
    return (type(t), t.raw, t.where, t.blank, t.norm, t.is_value, t.optional, t.glued)


_LINES = [
    "一、总体情况",
    "（一）予以公开\t12\t3\t\t0\t0\t1\t16",          # a blank data cell between two values
    "| 规章 |  | 0 | 0 |",
    "规章000\t行政许可12",                            # numbers glued to their labels
    "0000000",
    "  本年新收政府信息公开申请数量   35 件   2  ",
    "",
    "\t\t",
]


def test_two_lines_tokens_hand_counted() -> None:
    toks = T._line_tokens_py(T._line_cells("（一）予以公开\t12\t\t3"), 7, 2)
    assert [(t.raw, t.where, t.blank, t.is_value) for t in toks] == [
        ("（一）予以公开", {"line": 7, "col": 2}, False, False),
        ("12", {"line": 7, "col": 10}, False, True),
        ("", {"line": 7, "col": 13}, True, True),
        ("3", {"line": 7, "col": 14}, False, True),
    ]
    glued = T._line_tokens_py(T._line_cells("规章000"), 1, 0)
    assert [(type(t), t.raw, t.where["col"], t.is_value) for t in glued] == [(Token, "规章", 0, False), (GluedToken, "000", 2, True)]


@needs_c
def test_the_c_loop_builds_the_python_tokens() -> None:
    lines = list(_LINES)
    for i, layout in enumerate(LAYOUTS):
        lines += render_text(random_report(random.Random(i)), layout, random.Random(i)).split("\n")
    n = 0
    for no, raw in enumerate(lines, 1):
        cells = T._line_cells(raw)
        for col0 in (0, 17):
            py = T._line_tokens_py(cells, no, col0)
            c = T._line_tokens_c(cells, no, col0, Token, GluedToken)
            assert [_fields(t) for t in c] == [_fields(t) for t in py], raw
            n += len(py)
    assert n > 1000


@needs_c
def test_the_c_loop_refuses_what_is_no_cell() -> None:
    with pytest.raises(TypeError):
        T._line_tokens_c([(0, "a", False, "a", False, False)], 1, 0, Token, GluedToken)  # a list, not a tuple
    with pytest.raises(TypeError):
        T._line_tokens_c(((0, "a"),), 1, 0, Token, GluedToken)


@needs_c
def test_one_c_call_per_region_builds_the_python_tokens() -> None:
    """`_tokens` (one C call for a region's lines) against `_tokens_py` (a Python call per line)."""
    texts = ["\n".join(_LINES)]
    for i, layout in enumerate(LAYOUTS):
        texts.append(render_text(random_report(random.Random(i)), layout, random.Random(i)))
    n = 0
    for text in texts:
        lines = T._lines(text)
        lines += [T.Line(ln.no, ln.raw, ln.norm, col0=5, unfolded=True) for ln in lines[:20]]
        c = T._tokens(lines)
        assert isinstance(c, list)
        assert [_fields(t) for t in c] == [_fields(t) for t in T._tokens_py(lines)]
        n += len(c)
        # Lines with optional blanks: the Python path, whatever the build.
        optional = {lines[1].no: (99,)} if len(lines) > 1 else {}
        assert [_fields(t) for t in T._tokens(lines, optional)] == [_fields(t) for t in T._tokens_py(lines, optional)]
    assert n > 1000
