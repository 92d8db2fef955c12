"""PDFium access: the only module of the reader that calls PDFium (pypdfium2's raw API, no Python
wrapper objects per character or object).

Per page, PDFium gives the characters with their boxes and the page's path objects. The per-character
and per-object loops run in C when the optional module xxgk/read/_pdfscan.c is built (setup.py, at
install), else in Python through ctypes: same result (tests/read/test_pdfscan.py); the C loops are
what lets a Chromium print, one text object per character, read at 20 reports/s (bench/RESULTS.md).

What PDFium gives is corrected where it is not what the page shows: a vertical-writing font's
character boxes (`_VerticalBox`), font sizes under a scaling text matrix (`Char.size` is the printed
size), and a page turned by /Rotate (`_turn`: everything in the displayed page's coordinates).

Every PDFium failure (a document or page that does not load, a text page that does not open, a
broken object) becomes a one-line InputError here: a hostile file never ends in a PdfiumError."""

from __future__ import annotations

import ctypes
import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ...errors import InputError, InputTooLarge
from ..type3 import blank_type3_glyphs
from . import limits
from .objects import Char, Page, Rule
from .tolerances import RULE

try:  # the optional C loops (setup.py builds them when a compiler is present)
    from .. import _pdfscan as accelerator
except ImportError:  # pragma: no cover - exercised by setting accelerator = None in the tests
    accelerator = None

__all__ = ["accelerator", "document", "is_scan", "load_page", "objects_py", "open_document", "page_count", "read_chars_py", "read_page"]

_SKIP = frozenset({0xFFFE, 0xFFFF, 0x200B, 0xFEFF, 0x3000})  # 0x3000: the one space at or above 0x2E80
_PATH, _IMAGE, _FORM = 2, 3, 5  # FPDF_PAGEOBJ_*


def _reason(e: BaseException) -> str:
    """PDFium's message on one line (a ctypes or pypdfium2 error), else the exception's type."""
    msg = " ".join(str(e).split())
    return msg[:200] if msg else type(e).__name__


def open_document(data: bytes) -> Any:
    """A pypdfium2 PdfDocument of `data` (Type 3 glyph programs blanked: text only, see type3.py;
    40% faster on Chromium prints). The caller closes it (or uses `document`). Raises InputTooLarge
    over `limits.MAX_PDF_BYTES`, InputError "encrypted PDF" or "not a valid PDF: …"."""
    import pypdfium2 as pdfium

    if len(data) > limits.MAX_PDF_BYTES:
        raise InputTooLarge(
            f"PDF is {len(data) / 1048576:.1f} MiB, over the {limits.MAX_PDF_BYTES / 1048576:.0f} MiB limit of the PDF reader; "
            "a report is a few MB: check that this is the right file"
        )
    if not data.lstrip()[:5].startswith(b"%PDF-") and b"%PDF-" not in data[:1024]:
        raise InputError("not a valid PDF: no %PDF- header")
    try:
        return pdfium.PdfDocument(blank_type3_glyphs(data))
    except pdfium.PdfiumError as e:
        msg = " ".join(str(e).split())
        if "password" in msg.lower():
            raise InputError("encrypted PDF: remove the password (e.g. qpdf --decrypt) and try again") from None
        raise InputError(f"not a valid PDF: {msg}") from None


@contextmanager
def document(data: bytes) -> Iterator[Any]:
    """`open_document`, closed on leaving."""
    doc = open_document(data)
    try:
        yield doc
    finally:
        doc.close()


def page_count(doc: Any) -> int:
    """The document's page count (a PDFium failure: InputError)."""
    try:
        return len(doc)
    except Exception as e:
        raise InputError(f"not a valid PDF: its pages cannot be counted ({_reason(e)})") from None


@contextmanager
def load_page(doc: Any, number: int) -> Iterator[Any]:
    """Page `number` (1-based) of `doc`, closed on leaving. A page PDFium cannot load (a broken page
    tree or page dictionary: "Failed to load page") is an InputError, as is any PDFium failure while
    the page is used."""
    try:
        page = doc[number - 1]
    except Exception as e:
        raise InputError(f"not a valid PDF: page {number} cannot be loaded ({_reason(e)})") from None
    try:
        yield page
    except InputError:
        raise
    except Exception as e:
        import pypdfium2 as pdfium

        if isinstance(e, pdfium.PdfiumError):  # rendering it for OCR, say
            raise InputError(f"not a valid PDF: page {number} cannot be read ({_reason(e)})") from None
        raise
    finally:
        page.close()


class _Api:
    """The few PDFium functions called once per character or page object, re-declared on plain
    integer handles: pypdfium2's declarations wrap every handle in a ctypes pointer object, which
    costs more than the call itself. Same functions, same calling convention (the library's own
    function-pointer class)."""

    def __init__(self, c: Any):
        V, I = ctypes.c_void_p, ctypes.c_int
        self.unicode = self._fn(c.FPDFText_GetUnicode, ctypes.c_uint, V, I)
        self.loose_box = self._fn(c.FPDFText_GetLooseCharBox, I, V, I, V)
        self.font_size = self._fn(c.FPDFText_GetFontSize, ctypes.c_double, V, I)
        self.char_matrix = self._fn(c.FPDFText_GetMatrix, I, V, I, V)
        self.char_origin = self._fn(c.FPDFText_GetCharOrigin, I, V, I, V, V)
        self.char_box = self._fn(c.FPDFText_GetCharBox, I, V, I, V, V, V, V)
        self.count_objects = self._fn(c.FPDFPage_CountObjects, I, V)
        self.get_object = self._fn(c.FPDFPage_GetObject, V, V, I)
        self.form_count = self._fn(c.FPDFFormObj_CountObjects, I, V)
        self.form_object = self._fn(c.FPDFFormObj_GetObject, V, V, ctypes.c_ulong)
        self.type = self._fn(c.FPDFPageObj_GetType, I, V)
        self.bounds = self._fn(c.FPDFPageObj_GetBounds, I, V, V, V, V, V)
        self.matrix = self._fn(c.FPDFPageObj_GetMatrix, I, V, V)
        self.FS_MATRIX = c.FS_MATRIX
        self.draw_mode = self._fn(c.FPDFPath_GetDrawMode, I, V, V, V)
        self.count_segments = self._fn(c.FPDFPath_CountSegments, I, V)
        self.segment = self._fn(c.FPDFPath_GetPathSegment, V, V, I)
        self.segment_point = self._fn(c.FPDFPathSegment_GetPoint, I, V, V, V)
        # The same functions' addresses, for the C loops (xxgk/read/_pdfscan.c).
        addr = self._addr
        self.addr_chars = tuple(map(addr, (self.unicode, self.loose_box, self.font_size, self.char_matrix, self.char_origin, self.char_box)))
        self.addr_objects = tuple(map(addr, (self.count_objects, self.get_object, self.form_count, self.form_object, self.type, self.bounds)))

    @staticmethod
    def _addr(f: Any) -> int:
        return ctypes.cast(f, ctypes.c_void_p).value or 0

    @staticmethod
    def _fn(original: Any, restype: Any, *argtypes: Any) -> Any:
        f = type(original)(ctypes.cast(original, ctypes.c_void_p).value)
        f.restype, f.argtypes = restype, argtypes
        return f


_api: _Api | None = None


def _fast(c: Any) -> _Api:
    global _api
    if _api is None:
        _api = _Api(c)
    return _api


def _handle(ptr: Any) -> int:
    return ctypes.cast(ptr, ctypes.c_void_p).value or 0


def _read_chars(c: Any, textpage: Any, height: float) -> list[Char]:
    """The page's visible characters: by the C loop when the accelerator is built, else in Python."""
    n = min(c.FPDFText_CountChars(textpage), limits.MAX_CHARS_PER_PAGE)
    if accelerator is None or getattr(accelerator, "VERSION", 1) != _C_VERSION:
        return read_chars_py(c, textpage, n, height)
    api = _fast(c)
    return accelerator.chars(*api.addr_chars, _handle(textpage), n, height, _SKIP, Char)


#: The interface of xxgk/read/_pdfscan.c this module calls (its VERSION); an older build left in
#: place (not rebuilt since the C file changed) is not called: the Python loops give the result.
_C_VERSION = 2


def read_chars_py(c: Any, textpage: Any, n: int, height: float) -> list[Char]:
    """The reference loop (xxgk/read/_pdfscan.c does the same): one PDFium call each for code, loose
    box and font size. Kept: code above U+0020, not in _SKIP, not whitespace below U+2E80, with a box
    not empty both ways. PDFium gives a character beyond U+FFFF (a CJK Extension B name, say) as
    two characters, its UTF-16 surrogates, at one box: they are joined into one (with the first's
    box). A lone surrogate or a code beyond U+10FFFF (a broken ToUnicode map) reads U+FFFD, visibly
    wrong rather than dropped."""
    api = _fast(c)
    get_unicode, get_box, get_size = api.unicode, api.loose_box, api.font_size
    tp = _handle(textpage)
    vertical = _VerticalBox(api, tp)
    get_matrix, m = api.char_matrix, api.FS_MATRIX()
    mref = ctypes.addressof(m)
    rect = c.FS_RECTF()
    ref = ctypes.addressof(rect)
    chars: list[Char] = []
    append, skip, new = chars.append, _SKIP, Char
    low = -1  # the index of a low surrogate already joined to the character before it
    for k in range(n):
        if k == low:
            continue
        code = get_unicode(tp, k)
        if code <= 0x20:
            continue
        if code >= 0xD800 and (code <= 0xDFFF or code > 0x10FFFF):
            following = get_unicode(tp, k + 1) if code <= 0xDBFF and k + 1 < n else 0
            if 0xDC00 <= following <= 0xDFFF:
                code = 0x10000 + ((code - 0xD800) << 10) + (following - 0xDC00)
                low = k + 1
            else:
                code = 0xFFFD
        if code in skip:
            continue
        ch = chr(code)
        if (code < 0x2E80 and ch.isspace()) or not get_box(tp, k, ref):
            continue
        left, bottom, right, top = rect.left, rect.bottom, rect.right, rect.top
        if right <= left and top <= bottom:
            continue
        font_size = get_size(tp, k)
        if get_matrix(tp, k, mref):
            s, turn = math.sqrt(abs(m.a * m.d - m.b * m.c)), _turn_of(m.a, m.b)
        else:
            s, turn = 1.0, 0
        if font_size > 0.0 and abs((right - left) - font_size) <= 1e-4 * font_size:
            left, bottom, right, top = vertical.box(k, font_size, s, left, bottom, right, top)
        size = font_size * s  # the size as printed (pdfplumber's), not the Tf operand
        append(new(ch, left, height - top, right, height - bottom, size if size > 0.0 else top - bottom, turn))
    return chars


def _turn_of(a: float, b: float) -> int:
    """Quarter turns counter-clockwise of a character's baseline under a matrix whose first row is
    (a, b): 0 upright, 1 reading bottom to top, 2 upside down, 3 reading top to bottom."""
    if abs(b) > abs(a):
        return 1 if b > 0.0 else 3
    return 2 if a < 0.0 else 0


class _VerticalBox:
    """The loose box of a character of a vertical-writing font (Identity-V and the like), corrected.

    Why: for such a font PDFium computes the loose box from the font size alone and ignores the text
    matrix (its FPDFText_GetLooseCharBox: left at the origin, one font size wide, the vertical
    advance tall). An office PDF that sets text at `199 Tf` under a 0.05 matrix (WPS: a 10 pt
    vertical group label, one character per line, in 表三) then gives each character a 199 pt box
    whose centre lies in the cells to the right of and below the label: the label's characters were
    read into those cells (../shared/real/021_huaian_hongze_2023: 14 cells lost).

    Such a box is exactly one font size wide (the branch's signature; a horizontal font's box is its
    advance under the matrix). When the matrix scales by s (not 1 within 1%), the box is scaled by s
    about the character's origin, which is what PDFium computes for a horizontal font; kept only when
    the glyph's own (tight) box fits in it, so a horizontal glyph that happens to be 1/s em wide
    keeps its box. xxgk/read/_pdfscan.c does the same (vertical_box), in the same arithmetic."""

    def __init__(self, api: _Api, tp: int):
        self.api, self.tp = api, tp
        self.d = (ctypes.c_double * 4)()
        self.refs = [ctypes.addressof(self.d) + 8 * j for j in range(4)]

    def box(self, k: int, size: float, s: float, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """The box (PDF user space: left, bottom, right, top) of character `k`, whose font size is
        `size` under a matrix of scale `s`, given PDFium's loose box."""
        api, tp, d, refs = self.api, self.tp, self.d, self.refs
        unchanged = left, bottom, right, top
        if not s > 0.0 or abs(s - 1.0) <= 0.01:
            return unchanged
        if not api.char_origin(tp, k, refs[0], refs[1]):
            return unchanged
        ox, oy = d[0], d[1]
        nl = ox + (left - ox) * s
        nb = oy + (bottom - oy) * s
        nr = nl + (right - left) * s
        nt = nb + (top - bottom) * s
        if api.char_box(tp, k, refs[0], refs[1], refs[2], refs[3]):
            lo, hi, bt, tp_ = d[0], d[1], d[2], d[3]
            if hi > lo or tp_ > bt:
                slack = 0.25 * (nr - nl)
                if lo < nl - slack or hi > nr + slack or bt < nb - slack or tp_ > nt + slack:
                    return unchanged
        return nl, nb, nr, nt


_Matrix = tuple[float, float, float, float, float, float]


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def _compose(inner: _Matrix, outer: _Matrix) -> _Matrix:
    a, b, c, d, e, f = inner
    A, Bm, C, D, E, F = outer
    return (a * A + b * C, a * Bm + b * D, c * A + d * C, c * Bm + d * D, e * A + f * C + E, e * Bm + f * D + F)


def _read_objects(c: Any, page_raw: Any, page: Page) -> None:
    """The page's rules (thin path objects), largest image and object count, descending into form
    XObjects (their objects' bounds are in the form's space: mapped through the form's matrix)."""
    api = _fast(c)
    fm = c.FS_MATRIX()
    height = page.height
    identity: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    stack: list[tuple[int, bool, _Matrix, int]] = [(_handle(page_raw), False, identity, 0)]
    rules = page.rules
    while stack:
        parent, is_form, matrix, depth = stack.pop()
        limit = limits.MAX_OBJECTS_PER_PAGE - page.objects
        if accelerator is None:
            count, found = objects_py(api, parent, is_form, limit)
        else:
            count, found = accelerator.objects(*api.addr_objects, parent, is_form, limit)
        for obj, kind, x0, y0, x1, y1 in found:
            if kind == _FORM:
                if depth < 3:
                    api.matrix(obj, ctypes.addressof(fm))
                    stack.append((obj, True, _compose((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), matrix), depth + 1))
                continue
            if is_form:
                x0, y0, x1, y1 = _map_box(matrix, x0, y0, x1, y1)
            if kind == _IMAGE:
                page.image_area = max(page.image_area, (x1 - x0) * (y1 - y0))
                continue
            w, h = x1 - x0, y1 - y0
            if h <= RULE and w > RULE:
                rules.append(Rule(True, x0, x1, height - (y1 + y0) / 2))
            elif w <= RULE and h > RULE:
                rules.append(Rule(False, height - y1, height - y0, (x0 + x1) / 2))
            elif w > RULE and h > RULE and not is_form and _stroked_rectangle(api, obj):
                # A cell drawn as its own outlined box (a browser's separate-border table): its
                # four sides are rules; the box's bounds include half the line width all round.
                top, bottom = height - y1, height - y0
                rules += (Rule(True, x0, x1, top), Rule(True, x0, x1, bottom), Rule(False, top, bottom, x0), Rule(False, top, bottom, x1))
            # Anything else is a filled box or a drawing, not a rule.
            if len(rules) >= limits.MAX_RULES_PER_PAGE:
                return
        page.objects += max(count, 0)
        if page.objects >= limits.MAX_OBJECTS_PER_PAGE:
            return


_Found = tuple[int, int, float, float, float, float]


def objects_py(api: _Api, parent: int, is_form: bool, limit: int) -> tuple[int, list[_Found]]:
    """The reference loop (xxgk/read/_pdfscan.c does the same): the parent's object count, and of its
    first `limit` objects, in order, the paths and images whose bounds PDFium gives (left, bottom,
    right, top) and the form XObjects (bounds 0)."""
    box = (ctypes.c_float * 4)()
    refs = [ctypes.addressof(box) + 4 * k for k in range(4)]
    count = (api.form_count if is_form else api.count_objects)(parent)
    get, get_type, get_bounds = (api.form_object if is_form else api.get_object), api.type, api.bounds
    found: list[_Found] = []
    for i in range(min(max(count, 0), limit)):
        obj = get(parent, i)
        if not obj:
            continue
        kind = get_type(obj)
        if kind == _FORM:
            found.append((obj, kind, 0.0, 0.0, 0.0, 0.0))
        elif (kind == _PATH or kind == _IMAGE) and get_bounds(obj, *refs):
            found.append((obj, kind, *box))
    return count, found


def _stroked_rectangle(api: _Api, obj: int) -> bool:
    """The path object is one axis-aligned rectangle, stroked and not filled (4 or 5 segments: a move
    and its lines, closed)."""
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not api.draw_mode(obj, ctypes.addressof(fill), ctypes.addressof(stroke)) or fill.value or not stroke.value:
        return False
    m = api.FS_MATRIX()
    if not api.matrix(obj, ctypes.addressof(m)) or not (abs(m.b) + abs(m.c) < 1e-6 or abs(m.a) + abs(m.d) < 1e-6):
        return False  # rotated or skewed: its bounds are not its sides
    n = api.count_segments(obj)
    if n not in (4, 5):
        return False
    x, y = ctypes.c_float(), ctypes.c_float()
    xs, ys = set(), set()
    for k in range(n):
        if not api.segment_point(api.segment(obj, k), ctypes.addressof(x), ctypes.addressof(y)):
            return False
        xs.add(round(x.value, 2))
        ys.add(round(y.value, 2))
    return len(xs) == 2 and len(ys) == 2


def _map_box(m: _Matrix, x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    pts = [_apply(m, x, y) for x in (x0, x1) for y in (y0, y1)]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs), min(ys), max(xs), max(ys)


def read_page(page: Any, number: int) -> Page:
    """Page `number` (1-based) of an open document as the reader sees it: its visible characters,
    rules, largest image and object count. A PDFium failure is an InputError."""
    import pypdfium2.raw as c

    try:
        width, height = page.get_size()  # as displayed: turned by the page's /Rotate
        turns = c.FPDFPage_GetRotation(page.raw) % 4
        if turns % 2:
            width, height = height, width  # the media box's
        # A page box not at the origin ([28 28 623 870], say): PDFium gives user space, so x is
        # measured from the box's left and `top` from the box's top, not the origin's.
        box = c.FS_RECTF()
        left, box_top = 0.0, height
        if c.FPDF_GetPageBoundingBox(page.raw, box) and (box.left or box.bottom) and box.right > box.left and box.top > box.bottom:
            left, box_top = box.left, box.top
        textpage = c.FPDFText_LoadPage(page.raw)
        if not textpage:
            raise InputError(f"not a valid PDF: page {number} has no readable content")
        try:
            chars = _read_chars(c, textpage, box_top)
        finally:
            c.FPDFText_ClosePage(textpage)
        out = Page(number, chars, [], width, box_top)
        _read_objects(c, page.raw, out)
        out.height = height
        if left:
            _shift(out, left)
        if turns:
            _turn(out, turns)
    except InputError:
        raise
    except Exception as e:  # a broken page object: PDFium's own errors
        raise InputError(f"not a valid PDF: page {number} cannot be read ({_reason(e)})") from None
    return out


def _shift(page: Page, left: float) -> None:
    """The page's characters and rules moved `left` to the left (its box's left edge to x 0)."""
    page.chars = [Char(ch.text, ch.x0 - left, ch.top, ch.x1 - left, ch.bottom, ch.size, ch.turn) for ch in page.chars]
    page.rules = [Rule(True, r.a0 - left, r.a1 - left, r.at) if r.horizontal else Rule(False, r.a0, r.a1, r.at - left) for r in page.rules]


def _turn(page: Page, turns: int) -> None:
    """The page's characters and rules as displayed: turned clockwise by `turns` quarter turns (its
    /Rotate), from the media box's coordinates, in which PDFium gives them.

    Why: a landscape page is often a portrait media box with /Rotate 90 and its content drawn
    sideways (scanners, some office exports); read unturned, its lines run down the page and its
    tables are read column by column. A point (x, t) of the media box (t from its top; width W,
    height H) is displayed at (H − t, x) after one turn, (W − x, H − t) after two, (t, W − x) after
    three."""
    w, h = page.width, page.height
    chars: list[Char] = []
    for ch in page.chars:
        x0, top, x1, bottom = ch.x0, ch.top, ch.x1, ch.bottom
        if turns == 1:
            box = (h - bottom, x0, h - top, x1)
        elif turns == 2:
            box = (w - x1, h - bottom, w - x0, h - top)
        else:
            box = (top, w - x1, bottom, w - x0)
        chars.append(Char(ch.text, *box, ch.size, (ch.turn - turns) % 4))
    rules: list[Rule] = []
    for r in page.rules:
        a0, a1, at = r.a0, r.a1, r.at
        if turns == 1:
            rules.append(Rule(False, a0, a1, h - at) if r.horizontal else Rule(True, h - a1, h - a0, at))
        elif turns == 2:
            rules.append(Rule(True, w - a1, w - a0, h - at) if r.horizontal else Rule(False, h - a1, h - a0, w - at))
        else:
            rules.append(Rule(False, w - a1, w - a0, at) if r.horizontal else Rule(True, a0, a1, w - at))
    page.chars, page.rules = chars, rules
    if turns % 2:
        page.width, page.height = h, w


def is_scan(page: Page) -> bool:
    """No text layer: no characters at all on a page that shows something, or a handful (a stamped
    page number) over an image covering most of the page."""
    if not page.chars:
        return page.objects > 0
    return len(page.chars) < limits.SCAN_MAX_CHARS and page.image_area >= 0.5 * page.width * page.height
