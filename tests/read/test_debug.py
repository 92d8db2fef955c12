"""Debug images (xxgk.read.debug): one PNG per page, each cell's box drawn where its `where` says, in
the colour of its status (green read, red named in an error, orange in a warning).

A box is checked by its outline: the 3-pixel band just inside its left, right and bottom edges must be
mostly its colour. A box not drawn (or drawn elsewhere) leaves at most the one-pixel edge a
neighbouring box shares with it, a third of the band, so the check fails; the top edge is left out
because the key label may sit there.
"""

from __future__ import annotations

import io
import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tests.corpus.generate import random_report
from tests.corpus.layouts import render_text
from tests.corpus.pdf import chromium, render_pdf
from xxgk.read import parse
from xxgk.read.debug import COLOURS, draw, render, statuses
from xxgk.report import Report
from xxgk.report.model import Cell

needs_chromium = pytest.mark.skipif(chromium() is None, reason="chromium not installed (run `make sysdeps` as root)")

BROKEN = "t3.new_received.natural_person"  # corrupted: its row and its column no longer add up
GREEN = "t3.results_total.total"  # named by no error in the corrupted report
SCALE = 2.0


Pixels = np.ndarray


def _px(image: Image.Image) -> Pixels:
    return np.asarray(image.convert("RGB"))


def _outline_share(a: Pixels, rect: tuple[float, float, float, float], colour: tuple[int, int, int]) -> float:
    """Share of the band inside the box's left, right and bottom edges that is exactly `colour`."""
    x0, top, x1, bottom = (round(v) for v in rect)
    want = np.array(colour, dtype=a.dtype)
    bands = [a[top + 3 : bottom, x0 : x0 + 3], a[top + 3 : bottom, x1 - 2 : x1 + 1], a[bottom - 2 : bottom + 1, x0 : x1 + 1]]
    return sum(int(np.all(b == want, axis=2).sum()) for b in bands) / sum(b.shape[0] * b.shape[1] for b in bands)


def _has_ink(a: Pixels, rect: tuple[float, float, float, float]) -> bool:
    """Dark pixels inside the box (its printed number), away from the outline and the label."""
    x0, top, x1, bottom = (round(v) for v in rect)
    inner = a[top + (bottom - top) // 3 : bottom - 3, x0 + 3 : x1 - 3].max(axis=2)
    return bool((inner < 100).any())


def _corrupted(seed: int) -> Report:
    """A non-zero generated report whose BROKEN cell is 5 more than the identities allow."""
    report = random_report(random.Random(seed))
    cell = report.cells[BROKEN]
    report.cells[BROKEN] = Cell.from_raw(BROKEN, str(int(cell.value or 0) + 5))
    return report


def _assert_pages(paths: list[Path], stem: str, count: int) -> list[Pixels]:
    """The written PNGs, named stem-p1.png … stem-p{count}.png, as pixel arrays."""
    assert [p.name for p in paths] == [f"{stem}-p{n}.png" for n in range(1, count + 1)]
    images = []
    for p in paths:
        with Image.open(p) as im:
            assert im.format == "PNG"
            images.append(_px(im))
    return images


# -- statuses ----------------------------------------------------------------------------------


def test_statuses_rank_error_over_warning_over_read() -> None:
    report = _corrupted(1)
    status = statuses(report)
    assert status[BROKEN] == "error"
    assert status[GREEN] == "read"
    report.cells[GREEN] = Cell.from_raw(GREEN, "")
    assert statuses(report, [])[GREEN] == "blank"


# -- text ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def text_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    path = tmp_path_factory.mktemp("text") / "report-2024.txt"
    path.write_text(render_text(_corrupted(7), "tab000", random.Random(3), variants=False), encoding="utf-8")
    return path, parse(path)


def test_text_pages_are_written_with_each_cell_boxed_once(text_report: tuple[Path, Report], tmp_path: Path) -> None:
    path, report = text_report
    pages = list(render(report, path))
    paths = draw(report, path, tmp_path)
    images = _assert_pages(paths, "report-2024", len(pages))
    drawn = [b.key for page in pages for b in page.boxes]
    assert sorted(drawn) == sorted(k for k, c in report.cells.items() if c.where)  # every located cell, once
    assert len(drawn) == 200
    for page, image in zip(pages, images):
        assert (image.shape[1], image.shape[0]) == page.image.size
        for box in page.boxes:
            assert _outline_share(image, box.rect, COLOURS[box.status]) > 0.5, box
            assert _has_ink(image, box.rect), box  # the box covers the number it was read from


def test_a_cell_in_an_error_is_red_in_text(text_report: tuple[Path, Report]) -> None:
    path, report = text_report
    assert any(f.severity == "error" and BROKEN in f.cells for f in report.check())
    boxes = {b.key: (page, b) for page in render(report, path) for b in page.boxes}
    page, box = boxes[BROKEN]
    assert box.status == "error"
    assert _outline_share(_px(page.image), box.rect, COLOURS["error"]) > 0.5
    page, box = boxes[GREEN]
    assert _outline_share(_px(page.image), box.rect, COLOURS["read"]) > 0.5
    assert _outline_share(_px(page.image), box.rect, COLOURS["error"]) == 0


def test_the_source_must_be_the_parsed_input(text_report: tuple[Path, Report]) -> None:
    path, report = text_report
    with pytest.raises(ValueError, match="sha256"):
        list(render(report, path.read_bytes() + b"\n"))


def test_html_cells_are_boxed_in_the_laid_out_text(tmp_path: Path) -> None:
    from tests.corpus.html import render_html

    path = tmp_path / "r.html"
    path.write_text(render_html(random_report(random.Random(5)), random.Random(5), style="official"), encoding="utf-8")
    report = parse(path)
    pages = list(render(report, path))
    assert sum(len(p.boxes) for p in pages) == sum(1 for c in report.cells.values() if c.where) == 200
    for page in pages:
        image = _px(page.image)
        for box in page.boxes:
            assert _outline_share(image, box.rect, COLOURS[box.status]) > 0.5, box


def test_xlsx_cells_are_boxed_in_the_laid_out_text(tmp_path: Path) -> None:
    """An Excel report has no pages either: its sheets are drawn as the laid-out text (issue 13:
    `--debug-image` on an .xlsx ended in "no debug image for a source of kind 'xlsx'", exit 3)."""
    from xxgk.write.xlsx import write

    path = tmp_path / "r.xlsx"
    path.write_bytes(write(_corrupted(5)))
    report = parse(path)
    assert report.source["kind"] == "xlsx"
    pages = list(render(report, path))
    assert sum(len(p.boxes) for p in pages) == sum(1 for c in report.cells.values() if c.where) == 200
    statuses_drawn = {b.key: b.status for p in pages for b in p.boxes}
    assert statuses_drawn[BROKEN] == "error" and statuses_drawn[GREEN] == "read"
    for page in pages:
        image = _px(page.image)
        for box in page.boxes:
            assert _outline_share(image, box.rect, COLOURS[box.status]) > 0.5, box
    result = _cli("parse", path, "--debug-image", tmp_path / "img")
    assert result.exit_code == 0 and result.stderr == ""
    assert sorted(p.name for p in (tmp_path / "img").iterdir()) == [f"r-p{n}.png" for n in range(1, len(pages) + 1)]


# -- PDF -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdf_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Report]:
    path = tmp_path_factory.mktemp("pdf") / "annual.pdf"
    path.write_bytes(render_pdf(_corrupted(1), random.Random(1), style="official", variants=False, page_break=True))
    return path, parse(path)


def _pdf_page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        return len(doc)
    finally:
        doc.close()


def _scaled(report: Report, key: str) -> tuple[int, tuple[float, float, float, float]]:
    where = report.cells[key].where
    x0, top, x1, bottom = where["bbox"]
    return where["page"], (x0 * SCALE, top * SCALE, x1 * SCALE, bottom * SCALE)


@needs_chromium
def test_pdf_one_png_per_page_and_the_box_is_where_the_bbox_says(pdf_report: tuple[Path, Report], tmp_path: Path) -> None:
    path, report = pdf_report
    assert not [f for f in report.check() if f.rule.startswith("read.")]
    assert isinstance(report[GREEN], int) and report[GREEN] > 0
    images = _assert_pages(draw(report, path, tmp_path, scale=SCALE), "annual", _pdf_page_count(path))
    page, rect = _scaled(report, GREEN)
    image = images[page - 1]
    assert _outline_share(image, rect, COLOURS["read"]) > 0.5
    assert _has_ink(image, rect)
    x0, top, x1, bottom = rect
    shifted = (x0, top + 3 * (bottom - top), x1, bottom + 3 * (bottom - top))  # three rows down: another cell
    assert _outline_share(image, shifted, COLOURS["read"]) < 0.5 or report.cells[GREEN].where["page"] != page
    # The page itself is unchanged at the top left (the gutter is to the right): PDF pixels at 2×.
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path.read_bytes())
    try:
        width, height = doc[0].get_size()
    finally:
        doc.close()
    assert images[0].shape[0] >= round(height * SCALE) and images[0].shape[1] > round(width * SCALE)


@needs_chromium
def test_pdf_cell_in_an_error_is_red(pdf_report: tuple[Path, Report], tmp_path: Path) -> None:
    path, report = pdf_report
    errors = [f for f in report.check() if f.severity == "error"]
    assert {f.rule for f in errors} >= {"t3.row_sum", "t3.column_identity"}
    images = _assert_pages(draw(report, path.read_bytes(), tmp_path, stem="x"), "x", _pdf_page_count(path))
    page, rect = _scaled(report, BROKEN)
    assert _outline_share(images[page - 1], rect, COLOURS["error"]) > 0.5
    assert _outline_share(images[page - 1], rect, COLOURS["read"]) == 0


# -- scanned image ----------------------------------------------------------------------------------


def test_scan_boxes_are_drawn_on_the_image(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr_onnxruntime", reason="OCR extra not installed")
    from tests.corpus.scan import render_scan_pages

    # The top of the second page of a generated scan (the end of 表三 and 表四): one OCR pass of
    # ~900 px instead of whole pages, for time.
    page2 = Image.open(io.BytesIO(render_scan_pages(random_report(random.Random(0)), random.Random(7))[1]))
    buf = io.BytesIO()
    page2.crop((0, 0, page2.width, 900)).save(buf, "PNG")
    path = tmp_path / "scan.png"
    path.write_bytes(buf.getvalue())
    report = parse(path)
    located = {k for k, c in report.cells.items() if c.where}
    assert len(located) >= 10
    images = _assert_pages(draw(report, path, tmp_path), "scan", 1)
    status = statuses(report)
    for key in located:
        rect = tuple(float(v) for v in report.cells[key].where["bbox"])  # image pixels, drawn unscaled
        assert _outline_share(images[0], rect, COLOURS[status[key]]) > 0.5, key
    with Image.open(path) as original:
        assert images[0].shape[0] >= original.height and images[0].shape[1] > original.width


# -- command line ------------------------------------------------------------------------------------


def _cli(*args: str | Path, input: bytes | None = None) -> Any:
    from click.testing import CliRunner

    from xxgk import cli

    return CliRunner().invoke(cli.main, [str(a) for a in args], input=input, catch_exceptions=False)


def test_cli_debug_image_writes_pages_and_keeps_stdout(text_report: tuple[Path, Report], tmp_path: Path) -> None:
    path, report = text_report
    plain = _cli("parse", path)
    out = tmp_path / "new" / "dir"  # created
    result = _cli("parse", path, "--debug-image", out)
    assert result.exit_code == plain.exit_code == 0
    assert result.stdout == plain.stdout and result.stderr == ""
    pages = len(list(render(report, path)))
    assert sorted(p.name for p in out.iterdir()) == sorted(f"report-2024-p{n}.png" for n in range(1, pages + 1))


def test_cli_debug_image_names_stdin_and_repeated_stems(text_report: tuple[Path, Report], tmp_path: Path) -> None:
    path, _ = text_report
    other = tmp_path / "a" / path.name
    other.parent.mkdir()
    other.write_bytes(path.read_bytes())
    result = _cli("parse", path, other, "-f", "jsonl", "--debug-image", tmp_path / "img")
    assert result.exit_code == 0 and len(result.stdout.splitlines()) == 2
    result = _cli("parse", "-", "-f", "csv", "--debug-image", tmp_path / "img", input=path.read_bytes())
    assert result.exit_code == 0
    names = {p.name.rsplit("-p", 1)[0] for p in (tmp_path / "img").iterdir()}
    assert names == {"report-2024", "report-2024.txt", "stdin"}


def test_cli_bad_debug_dir_is_one_line_and_exit_2(text_report: tuple[Path, Report], tmp_path: Path) -> None:
    path, _ = text_report
    result = _cli("parse", path, "--debug-image", path)  # a file, not a directory
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"xxgk: {path}: cannot write debug images")


@pytest.mark.parametrize(("exc", "code"), [(RuntimeError("boom"), 3), (OSError(28, "No space left on device"), 2)])
def test_cli_drawing_failure_keeps_the_parse_output(
    text_report: tuple[Path, Report], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: Exception, code: int
) -> None:
    from xxgk.read import debug

    def fail(*args: Any, **kw: Any) -> list[Path]:
        raise exc

    monkeypatch.setattr(debug, "draw", fail)
    monkeypatch.delenv("XXGK_DEBUG", raising=False)
    path, _ = text_report
    result = _cli("parse", path, "--debug-image", tmp_path)
    assert result.exit_code == code
    assert result.stdout == _cli("parse", path).stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"xxgk: {path}: debug image not written")
