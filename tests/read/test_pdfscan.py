"""The optional C loops (xxgk/read/_pdfscan.c) against the reader's Python loops, their reference:
the same characters (code, box, size), the same rules, image area and object count, page by page,
on PDFs from every producer the benchmark measures, form XObjects, stroked boxes, scans and hostile
ToUnicode maps; and the whole reader on the Python loops alone (an install without a compiler)."""

from __future__ import annotations

import io
import random
import shutil
import sysconfig
from pathlib import Path

import pytest

import xxgk
from tests.corpus.generate import random_report
from tests.corpus.pdf import chromium, images_to_pdf, office_pdfs, render_pdf, soffice
from tests.read.test_pdf import _pdf_with_rectangles, _roundtrip
from tests.read.test_type3 import _type3_pdf
from xxgk.read.pdf import pdfium as PA

needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium not installed (run `make sysdeps` as root)")
needs_cloops = pytest.mark.skipif(PA.accelerator is None, reason="xxgk.read._pdfscan not built (no C compiler at install)")


def _pages(data: bytes) -> list[tuple]:
    """Everything read_page gives, page by page, as plain values."""
    doc = PA.open_document(data)
    out = []
    try:
        for i in range(len(doc)):
            page = doc[i]
            p = PA.read_page(page, i + 1)
            page.close()
            chars = [(h.text, h.x0, h.top, h.x1, h.bottom, h.size, h.turn) for h in p.chars]
            rules = [(r.horizontal, r.a0, r.a1, r.at) for r in p.rules]
            out.append((chars, rules, p.image_area, p.objects, p.width, p.height))
    finally:
        doc.close()
    return out


def _both(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[list[tuple], list[tuple]]:
    fast = _pages(data)
    with monkeypatch.context() as m:
        m.setattr(PA, "accelerator", None)
        slow = _pages(data)
    return fast, slow


def test_accelerator_is_built_where_a_compiler_is() -> None:
    # `make install` builds it (setup.py, optional=True); a broken build would only show as speed.
    compiler = (sysconfig.get_config_var("CC") or "cc").split()[0]
    if shutil.which(compiler) is None or not Path(sysconfig.get_paths()["include"], "Python.h").exists():
        pytest.skip("no C compiler or Python headers here")
    assert PA.accelerator is not None, "src/xxgk/read/_pdfscan.c was not built: run `make install`"


def _form_xobject_pdf() -> bytes:
    """A page holding another page (a hairline, an upright and a turned box) twice as a form XObject,
    scaled and moved, beside a hairline of its own: the objects inside are read through the form's
    matrix."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as c

    src = pdfium.PdfDocument(_pdf_with_rectangles([0, 30]))
    src_page = src[0]  # kept: the page closes when its wrapper goes
    inner = c.FPDFPageObj_CreateNewRect(40, 600, 300, 0.5)
    c.FPDFPath_SetDrawMode(inner, 1, 0)
    c.FPDFPage_InsertObject(src_page.raw, inner)
    c.FPDFPage_GenerateContent(src_page.raw)
    dst = pdfium.PdfDocument.new()
    page = dst.new_page(595, 842)
    xobject = c.FPDF_NewXObjectFromPage(dst.raw, src.raw, 0)
    for scale, dx, dy in [(0.5, 20, 30), (0.3, 300, 400)]:
        form = c.FPDF_NewFormObjectFromXObject(xobject)
        c.FPDFPageObj_Transform(form, scale, 0, 0, scale, dx, dy)
        c.FPDFPage_InsertObject(page.raw, form)
    line = c.FPDFPageObj_CreateNewRect(50, 700, 400, 0.5)
    c.FPDFPath_SetDrawMode(line, 1, 0)
    c.FPDFPage_InsertObject(page.raw, line)
    c.FPDFPage_GenerateContent(page.raw)
    c.FPDF_CloseXObject(xobject)
    buf = io.BytesIO()
    dst.save(buf)
    return buf.getvalue()


def _hand_made(kind: str) -> bytes:
    if kind == "form-xobject":
        return _form_xobject_pdf()
    if kind == "stroked-boxes":
        return _pdf_with_rectangles([0, 90, 30, 45])
    if kind == "scan":
        from PIL import Image

        buf = io.BytesIO()
        Image.new("L", (400, 300), 255).save(buf, "PNG")
        return images_to_pdf([buf.getvalue()], dpi=100)
    if kind == "type3":
        return _type3_pdf(flate=True)
    raise AssertionError(kind)


@needs_cloops
@pytest.mark.parametrize("kind", ["form-xobject", "stroked-boxes", "scan", "type3"])
def test_same_pages_on_hand_made_pdfs(kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow = _both(_hand_made(kind), monkeypatch)
    assert fast == slow
    if kind == "form-xobject":
        # the page's hairline and each form's, scaled (a box inside a form is not taken apart)
        assert sorted(round(r[2] - r[1]) for r in fast[0][1]) == [90, 150, 400]
    if kind == "scan":
        assert fast[0][2] > 0 and fast[0][0] == []


@needs_cloops
def test_surrogate_pairs_are_joined_and_broken_codes_read_as_replacement(monkeypatch: pytest.MonkeyPatch) -> None:
    # PDFium gives a character beyond U+FFFF as its two UTF-16 halves; a broken ToUnicode map can
    # give a lone half. A: U+20000 (CJK Extension B, as in some names), B: a lone high surrogate,
    # 1: a lone low surrogate, 2: "A".
    data = _type3_pdf(flate=False, to_unicode=b"<41> <D840DC00>\n<42> <DBFF>\n<31> <DC00>\n<32> <0041>")
    fast, slow = _both(data, monkeypatch)
    assert fast == slow
    text = "".join(ch[0] for ch in fast[0][0])
    assert text == "\U00020000\ufffd\ufffdA"
    text.encode("utf-8")  # no lone surrogate left to break a writer


@needs_cloops
@needs_chromium
@pytest.mark.parametrize("producer", ["chromium", "chromium-truetype", "weasyprint", "office"])
def test_same_pages_on_every_producer(producer: str, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(producer)
    reports = [random_report(random.Random(rng.getrandbits(32)), fmt="2021") for _ in range(2)]
    if producer == "weasyprint":
        docs = [xxgk.render(r, "pdf") for r in reports]
    elif producer == "office":
        if soffice() is None:
            pytest.skip("LibreOffice not installed")
        from tests.corpus.docx import render_docx

        docs = office_pdfs([render_docx(r, random.Random(k), style="official", variants=True) for k, r in enumerate(reports)])
    else:
        font = "truetype" if producer == "chromium-truetype" else "cff"
        docs = [render_pdf(r, random.Random(k), style=("official", "flat")[k], font=font) for k, r in enumerate(reports)]
    for data in docs:
        fast, slow = _both(data, monkeypatch)
        assert sum(len(p[0]) for p in fast) > 500 and any(p[1] for p in fast)
        assert fast == slow


@needs_chromium
def test_the_reader_reads_exactly_on_the_python_loops_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(PA, "accelerator", None)
    _roundtrip(20261123, "official", "2021", True, page_break=True)
