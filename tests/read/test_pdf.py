"""The PDF reader: parse_pdf(render_pdf(r)) == r for born-digital PDFs printed by headless Chromium,
provenance (page + bbox) of every cell, a page break inside Table 三, and one-line errors on broken,
encrypted-looking and text-less PDFs."""

from __future__ import annotations

import random
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.corpus.generate import random_report
from tests.corpus.pdf import chromium, html_to_pdf, render_pdf
from tests.read.test_roundtrip import _diff
from xxgk.errors import InputError, InputTooLarge
from xxgk.read import pdf as P
from xxgk.read.pdf import parse_pdf
from xxgk.report import keys as K

needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium not installed (run `make sysdeps` as root)")

_FEW = settings(
    max_examples=max(10, settings.default.max_examples // 20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _page_sizes(data: bytes) -> list[tuple[float, float]]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(data)
    try:
        return [doc[i].get_size() for i in range(len(doc))]
    finally:
        doc.close()


def _roundtrip(seed: int, style: str, fmt: str, variants: bool, page_break: bool | None = None) -> None:
    report = random_report(random.Random(seed), fmt=fmt)
    data = render_pdf(report, random.Random(seed ^ 0x504446), style=style, variants=variants, page_break=page_break)
    got = parse_pdf(data, name=f"{style}-{seed}.pdf")
    assert _diff(report, got) == [], f"{style} seed={seed} fmt={fmt} variants={variants}"
    errors = [f for f in got.check() if f.severity == "error"]
    assert errors == [], [f.message for f in errors]
    assert len(got.cells) == len(K.cell_keys(report.table_format))
    assert got.source["kind"] == "pdf"
    sizes = _page_sizes(data)
    for key, cell in got.cells.items():
        w = cell.where
        assert set(w) == {"page", "bbox"}, (key, w)
        width, height = sizes[w["page"] - 1]
        x0, top, x1, bottom = w["bbox"]
        assert 0 <= x0 < x1 <= width and 0 <= top < bottom <= height, (key, w)


@needs_chromium
@pytest.mark.parametrize("style", ["official", "flat"])
@_FEW
@given(seed=st.integers(0, 2**32 - 1), variants=st.booleans(), fmt=st.sampled_from(["2021", "2021", "2021", "2019"]))
def test_parse_render_roundtrip(style: str, seed: int, variants: bool, fmt: str) -> None:
    _roundtrip(seed, style, fmt, variants)


@needs_chromium
@pytest.mark.parametrize("seed", [3, 4])
def test_split_style_roundtrip(seed: int) -> None:
    _roundtrip(seed, "split", "2021", True)


@needs_chromium
@pytest.mark.parametrize("seed", [1, 2])
def test_page_break_inside_table_three(seed: int) -> None:
    report = random_report(random.Random(seed))
    data = render_pdf(report, random.Random(seed), style="official", page_break=True)
    got = parse_pdf(data)
    assert _diff(report, got) == []
    pages = {got.cells[k].where["page"] for k in K.t3_keys(report.table_format)}
    assert len(pages) >= 2, "Table 三 should span two pages"


# --- broken input ---------------------------------------------------------------------------------


def _one_line(e: BaseException) -> str:
    msg = str(e)
    assert msg and "\n" not in msg
    return msg


@pytest.fixture(scope="module")
def sample_pdf() -> bytes:
    if chromium() is None:
        pytest.skip("chromium not installed (run `make sysdeps` as root)")
    return render_pdf(random_report(random.Random(5)), random.Random(5), style="official", page_break=False)


def test_not_a_pdf() -> None:
    with pytest.raises(InputError) as e:
        parse_pdf(b"PK\x03\x04 this is a zip, named report.pdf", name="report.pdf")
    assert "not a valid PDF" in _one_line(e.value)


def test_garbage_after_header() -> None:
    with pytest.raises(InputError) as e:
        parse_pdf(b"%PDF-1.7\n" + bytes(random.Random(1).randbytes(5000)))
    assert "not a valid PDF" in _one_line(e.value)


@needs_chromium
@pytest.mark.parametrize("frac", [0.02, 0.3, 0.7, 0.98])
def test_truncated_pdf(sample_pdf: bytes, frac: float) -> None:
    # PDFium repairs what it can: a truncated file is either refused in one line or read in part.
    try:
        parse_pdf(sample_pdf[: int(len(sample_pdf) * frac)])
    except InputError as e:
        _one_line(e)


def test_oversized_pdf_is_refused_before_parsing() -> None:
    data = b"%PDF-1.7\n" + b"0" * (P.MAX_PDF_BYTES + 1)
    t = time.perf_counter()
    with pytest.raises(InputTooLarge) as e:
        parse_pdf(data)
    assert time.perf_counter() - t < 2
    assert "MiB" in _one_line(e.value)


def _blank_pdf(pages: int = 1) -> bytes:
    import io

    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument.new()
    for _ in range(pages):
        doc.new_page(595, 842)
    buf = io.BytesIO()
    doc.save(buf)
    doc.close()
    return buf.getvalue()


def test_pdf_without_text_layer() -> None:
    with pytest.raises(InputError) as e:
        parse_pdf(_blank_pdf(2))
    assert "no text layer" in _one_line(e.value)


def test_too_many_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(P, "MAX_PAGES", 3)
    with pytest.raises(InputTooLarge) as e:
        parse_pdf(_blank_pdf(4))
    assert "page" in _one_line(e.value)


def test_encrypted_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    # pypdfium2 cannot write an encrypted PDF; check the mapping of PDFium's password error.
    import pypdfium2 as pdfium

    blank = _blank_pdf()

    def refuse(*a: object, **k: object) -> None:
        raise pdfium.PdfiumError("Failed to load document (PDFium: Incorrect password error).")

    monkeypatch.setattr(pdfium, "PdfDocument", refuse)
    with pytest.raises(InputError) as e:
        parse_pdf(blank)
    assert "encrypted PDF" in _one_line(e.value)


@needs_chromium
def test_image_only_page_has_no_text_layer() -> None:
    # A 1×1 PNG stretched over the page: an image, no characters.
    png = (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
    )
    data = html_to_pdf(f'<html><body style="margin:0"><img src="data:image/png;base64,{png}" style="width:100%;height:900px"></body></html>')
    with pytest.raises(InputError) as e:
        parse_pdf(data)
    assert "no text layer" in _one_line(e.value)
