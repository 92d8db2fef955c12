"""Tables without rules: a number wrapped in a narrow column, one digit over the next ('７' over '４'
when '７４' in full-width digits does not fit the 总计 column), centred on its row.

Before, the two lines were two values of the row (eight cells for seven columns: the row was not
read); they are one value, read top to bottom. Pages built from characters (no PDF).
"""

from __future__ import annotations

from xxgk.read.pdf import Char, Page
from xxgk.read.pdf.assemble import page_blocks
from xxgk.read.pdf.lines import group_lines


def _chars(text: str, x: float, top: float, size: float = 10.0) -> list[Char]:
    return [Char(c, x + k * size, top, x + (k + 1) * size, top + size, size) for k, c in enumerate(text)]


def _rows(chars: list[Char]) -> list[list[str]]:
    page = Page(1, chars, [], 595, 842)
    page.lines = group_lines(page.chars)
    (_, table), = page_blocks(page)
    return [[c.text for c in row] for row in table.rows]


def test_digits_stacked_in_a_narrow_column_are_one_value() -> None:
    chars = _chars("一、甲乙", 50, 107) + _chars("71", 300, 107) + _chars("3", 360, 107)
    chars += _chars("７", 420, 101.5) + _chars("４", 420, 113)  # centred on the row: half a line above and below
    chars += _chars("二、丙丁", 50, 129) + _chars("1", 300, 129) + _chars("0", 360, 129) + _chars("1", 420, 129)
    assert _rows(chars) == [["一、甲乙", "71", "3", "７４"], ["二、丙丁", "1", "0", "1"]]


def test_values_of_rows_printed_close_together_stay_apart() -> None:
    # Rows one point apart: the same columns, never joined into one value.
    chars: list[Char] = []
    for k, (label, a, b) in enumerate((("一、甲", "7", "8"), ("二、乙", "4", "5"), ("三、丙", "1", "2"))):
        top = 100 + 11 * k
        chars += _chars(label, 50, top) + _chars(a, 300, top) + _chars(b, 360, top)
    assert _rows(chars) == [["一、甲", "7", "8"], ["二、乙", "4", "5"], ["三、丙", "1", "2"]]
