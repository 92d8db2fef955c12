"""Tables without rules, what Chromium prints of real reports' values: a number wrapped in a narrow
column, one digit over the next ('７' over '４' when '７４' in full-width digits does not fit the 总计
column), centred on its row, is one value read top to bottom (before, the row had eight values for
seven columns and was not read), and a row holding a value wrapped over three lines stays one row; a
page number '- 9 -' printed between the parts of a table is no row.
Pages built from characters (no PDF).
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


def test_a_page_number_between_the_parts_of_a_table_is_no_row() -> None:
    # '- 9 -' printed in the body where Word's footer stood, above the continued rows of 表三: three
    # pieces on one line, which made it a row of the table (and its '-', '9', '-' values of the
    # row above, joined across the break).
    chars = _chars("4.甲乙", 80, 100) + _chars("0", 300, 100) + _chars("0", 360, 100)
    chars += _chars("-", 60, 300) + _chars("9", 75, 300) + _chars("-", 90, 300)
    chars += _chars("5.丙丁", 80, 315) + _chars("1", 300, 315) + _chars("1", 360, 315)
    page = Page(1, chars, [], 595, 842)
    page.lines = group_lines(page.chars)
    tables = [[[c.text for c in row] for row in b.rows] for _, b in page_blocks(page) if hasattr(b, "rows")]
    assert tables == [[["4.甲乙", "0", "0"]], [["5.丙丁", "1", "1"]]]


def test_a_row_with_a_value_wrapped_over_three_lines_stays_one_row() -> None:
    # '21件' in a narrow column as '２' / '１' / '件', centred on its row, and '２' / '１' in another:
    # the joined '１件' is two lines tall, which must not ask twice the overlap of its row.
    h = 12.6
    xs = [290 + 40 * j for j in range(7)]
    chars = _chars("(一)予以公开", 88, 138.9, h)
    chars += _chars("２", xs[0], 125.4, h) + _chars("１", xs[0], 138.9, h) + _chars("件", xs[0], 152.4, h)
    chars += [c for x in xs[1:6] for c in _chars("0", x, 138.9, h)]
    chars += _chars("２", xs[6], 132.1, h) + _chars("１", xs[6], 145.6, h)
    chars += _chars("(二)部分公开", 88, 176.4, h) + [c for x, v in zip(xs, "8100009") for c in _chars(v, x, 176.4, h)]
    assert _rows(chars) == [
        ["(一)予以公开", "２１件", "0", "0", "0", "0", "0", "２１"],
        ["(二)部分公开", "8", "1", "0", "0", "0", "0", "9"],
    ]
