"""Damaged PDFs: every PDFium failure (a document, a page or a page's content that does not load) is a
one-line InputError, exit 2 from the CLI, never a PdfiumError and exit 3 (issue 13 point 8: 32 of
81,501 mutated PDFs ended in `PdfiumError: Failed to load page`).

The PDFs are made here: blank pages saved by PDFium, and the ruled table with text of
test_pdf_geometry.py (fonts, rules, a vertical label); their damage is written by hand or by a
seeded mutation sweep."""

from __future__ import annotations

import random
import re

import pytest
from click.testing import CliRunner

from tests.read.test_pdf import _blank_pdf as _blank
from tests.read.test_pdf_geometry import _pdf, _rule, _text
from xxgk import cli
from xxgk.errors import InputError, XxgkError
from xxgk.read.pdf import document as D
from xxgk.read.pdf import parse_pdf
from xxgk.read.pdf import pdfium as PA


def _table_pdf() -> bytes:
    rules = b"0.5 w\n" + _rule(50, 700, 300, 700) + _rule(50, 640, 300, 640) + _rule(90, 680, 300, 680)
    rules += b"".join(_rule(x, 640, x, 700) for x in (50, 90, 200, 300))
    text = _text(b"FV", 70, 695, "三本年") + _text(b"FH", 95, 686, "甲") + b"BT /FN 10 Tf 210 686 Td (1) Tj ET\n"
    return _pdf(rules + text)


def _one_line(e: BaseException) -> str:
    msg = str(e)
    assert "\n" not in msg and "Traceback" not in msg and msg
    return msg


def test_a_page_tree_promising_more_pages_than_it_holds() -> None:
    # /Count 3 over two /Kids: PDFium counts three pages and fails to load the third.
    data = _blank(2)
    assert b"/Count 2" in data
    with pytest.raises(InputError) as e:
        parse_pdf(data.replace(b"/Count 2", b"/Count 3"))
    assert _one_line(e.value) == "not a valid PDF: page 3 cannot be loaded (Failed to load page.)"


def test_a_page_that_is_not_a_page_dictionary() -> None:
    # The second kid points at the catalog: a page PDFium cannot load.
    data = _blank(2)
    kids = re.search(rb"/Kids\[ *(\d+) 0 R +(\d+) 0 R *\]", data)
    assert kids is not None
    broken = data[: kids.start(2)] + b"1".rjust(len(kids[2])) + data[kids.end(2) :]
    with pytest.raises(InputError) as e:
        parse_pdf(broken)
    assert "not a valid PDF: page" in _one_line(e.value)


def test_the_cli_exits_2_with_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.pdf"
    path.write_bytes(_blank(2).replace(b"/Count 2", b"/Count 3"))
    result = CliRunner().invoke(cli.main, ["check", str(path)], catch_exceptions=False)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "page 3 cannot be loaded" in lines[0], result.output


def test_pdfium_failing_while_a_page_is_read_or_rendered(monkeypatch: pytest.MonkeyPatch) -> None:
    import pypdfium2 as pdfium

    def fail(*a: object, **k: object) -> None:
        raise pdfium.PdfiumError("Failed to get page objects.")

    with monkeypatch.context() as m:  # reading the page's objects
        m.setattr(PA, "_read_objects", fail)
        with pytest.raises(InputError) as e:
            parse_pdf(_table_pdf())
        assert _one_line(e.value) == "not a valid PDF: page 1 cannot be read (Failed to get page objects.)"
    with monkeypatch.context() as m:  # rendering a scanned page for OCR
        m.setattr(D, "is_scan", lambda page: True)
        m.setattr(D, "ocr_available", lambda: True)
        m.setattr(D, "ocr_page", fail)
        with pytest.raises(InputError) as e:
            parse_pdf(_table_pdf())
        assert _one_line(e.value) == "not a valid PDF: page 1 cannot be read (Failed to get page objects.)"


def _mutated(data: bytes, rng: random.Random) -> bytes:
    d = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:  # bytes flipped
        for _ in range(rng.randint(1, 8)):
            d[rng.randrange(len(d))] = rng.randrange(256)
    elif kind == 1:  # truncated
        del d[rng.randrange(len(d)) :]
    elif kind == 2:  # a run cut out
        i = rng.randrange(len(d))
        del d[i : i + rng.randint(1, 64)]
    else:  # numbers (counts, lengths, offsets, object numbers) changed
        for m in rng.sample(list(re.finditer(rb"\d+", bytes(d))), 3)[::-1]:
            d[m.start() : m.end()] = str(rng.choice([0, 1, 2, 3, 99, 10**9])).encode()
    return bytes(d)


@pytest.mark.parametrize("seed", ["table", "blank"])
def test_mutated_pdfs_read_or_fail_in_one_line(seed: str) -> None:
    data = _table_pdf() if seed == "table" else _blank(3)
    rng = random.Random(20261205)
    outcomes: dict[str, int] = {}
    for _ in range(300):
        try:
            parse_pdf(_mutated(data, rng))
            key = "read"
        except XxgkError as e:
            key = re.sub(r"\d+", "#", _one_line(e))[:60]
        outcomes[key] = outcomes.get(key, 0) + 1
    assert any("cannot be loaded" in k for k in outcomes), outcomes  # the sweep reaches a page PDFium cannot load
