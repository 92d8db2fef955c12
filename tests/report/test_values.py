"""values.nfkc is NFKC, only faster on Chinese text: compared with unicodedata on text built from the
characters reports print and the ones that could break a shortcut (combining marks after full-width
letters, other compatibility characters)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from xxgk.report.values import nfkc, normalize

_ALPHABET = st.sampled_from(
    list("０１２３４５６７８９（）：，；．／－　ＡＺａｚ") + list("政府信息公开年度报告总计件元") + list("0123456789 ,.()")
    + ["\u0301", "\u0308", "\u3099", "\u309a", "ｶ", "ﾞ", "㈱", "①", "ﬁ", "Ⅻ", "\u00a0", "\u2002", "ｰ", "\uff5f", "\uff60"]
)


@given(st.lists(_ALPHABET, max_size=200).map("".join))
def test_nfkc_is_unicodedata_nfkc(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_normalize_long_text_as_before() -> None:
    text = "（一）予以公开　１２３件，" * 20 + "Ａ\u0301"
    assert normalize(text) == "".join(unicodedata.normalize("NFKC", text).split())
