"""What the PDF reader reads off a page: characters, rules and pages, in pdfplumber's coordinates
(PDF points, `top` and `bottom` measured from the top of the page).

These are the reader's public vocabulary: a test builds a page from them (no PDF needed) and hands it
to the grid, table and chrome functions, as pdfplumber's `page.chars`, `page.edges` and `page`."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import blocks as B


class Char:
    """One visible character: its text (one code point), box and font size as printed (pt: the font
    size times the text matrix's scale, as pdfplumber's `size`).

    A plain class with slots, not a dataclass: a report page holds ~2,000 of them and the C loops
    (xxgk/read/_pdfscan.c) construct them positionally, as `Char(text, x0, top, x1, bottom, size, turn)`."""

    __slots__ = ("text", "x0", "top", "x1", "bottom", "size", "turn", "cx", "cy")

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    turn: int  # quarter turns counter-clockwise of its baseline: 0 upright, 1 reads bottom to top, 3 top to bottom
    cx: float  # the box's centre
    cy: float

    def __init__(self, text: str, x0: float, top: float, x1: float, bottom: float, size: float, turn: int = 0):
        self.text, self.x0, self.top, self.x1, self.bottom, self.size, self.turn = text, x0, top, x1, bottom, size, turn
        self.cx = (x0 + x1) / 2
        self.cy = (top + bottom) / 2

    def __repr__(self) -> str:
        turn = f", turn={self.turn}" if self.turn else ""
        return f"Char({self.text!r}, {self.x0:.2f}, {self.top:.2f}, {self.x1:.2f}, {self.bottom:.2f}, {self.size:.2f}{turn})"


@dataclass(slots=True)
class Rule:
    """A ruling line: a path object at most `tolerances.RULE` thick (or one side of a stroked box).

    `horizontal`: across the page; `a0` ≤ `a1` where it runs along its direction (x for a horizontal,
    top for a vertical); `at` where it sits across it (top for a horizontal, x for a vertical)."""

    horizontal: bool
    a0: float
    a1: float
    at: float

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """(x0, top, x1, bottom), as pdfplumber gives an edge (zero thickness across)."""
        if self.horizontal:
            return self.a0, self.at, self.a1, self.at
        return self.at, self.a0, self.at, self.a1


@dataclass
class Page:
    """What one page (or one half of a flip-book sheet) holds. `number` is 1-based; a sheet's halves
    share it."""

    number: int
    chars: list[Char]
    rules: list[Rule]
    width: float
    height: float
    image_area: float = 0.0  # largest image on the page, in pt²
    objects: int = 0  # page objects seen (form XObjects' contents included)
    lines: list[list[Char]] = field(default_factory=list)  # text outside ruled tables, after the chrome is dropped
    tables: list[tuple[float, B.Table]] = field(default_factory=list)  # (top, table) of its ruled tables
