"""Input bytes → text (xxgk.read.source) and the `xxgk.read.parse` dispatcher around it."""

from __future__ import annotations

import builtins
import io
import random
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import xxgk
from xxgk.errors import BinaryInput, EmptyInput, EncodingError, InputError, InputTooLarge, NotAReport
from xxgk.read import iter_inputs, parse
from xxgk.read import source
from xxgk.read.source import KINDS, MAX_TEXT_BYTES, decode, load_text, read_bytes, sniff

SAMPLE = (
    "渠县临巴镇2024年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "（一）主动公开。发布惠民政策信息 38 条，办理“县委书记信箱”4 件。\n"
    "二、主动公开政府信息情况\n"
    "行政许可\t12\n"
    "行政事业性收费\t0.35\n"
    "三、收到和处理政府信息公开申请情况\n"
    "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3\n"
)


# -- encodings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "data"),
    [
        ("utf-8", SAMPLE.encode("utf-8")),
        ("utf-8-sig", SAMPLE.encode("utf-8-sig")),
        ("utf-16-le", b"\xff\xfe" + SAMPLE.encode("utf-16-le")),
        ("utf-16-be", b"\xfe\xff" + SAMPLE.encode("utf-16-be")),
        ("utf-16-le", SAMPLE.encode("utf-16-le")),
        ("utf-16-be", SAMPLE.encode("utf-16-be")),
        ("gb18030", SAMPLE.encode("gb18030")),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le-nobom", "utf16be-nobom", "gb18030"],
)
def test_it_round_trips_a_chinese_sample(encoding: str, data: bytes) -> None:
    assert sniff(data) == "text"
    decoded = decode(data, name="r.txt")
    assert decoded.text == SAMPLE
    assert decoded.encoding == encoding


def test_it_reads_gbk_as_gb18030() -> None:
    data = SAMPLE.encode("gbk")
    assert load_text(data, name="r.txt") == SAMPLE


def test_it_reads_gb18030_only_characters() -> None:
    text = SAMPLE + "生僻字：𠀀䶮\n"
    assert load_text(text.encode("gb18030"), name="r.txt") == text


def test_it_reads_mostly_ascii_gbk() -> None:
    text = "Report 2024\n" * 20 + "行政许可 12\n"
    assert load_text(text.encode("gbk"), name="r.txt") == text


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \r\n\t\n", "\ufeff".encode("utf-8"), b"\xff\xfe"])
def test_it_rejects_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInput, match="empty input"):
        load_text(data, name="r.txt")


def test_it_rejects_binary_garbage() -> None:
    data = random.Random(0).randbytes(4096)
    assert sniff(data) == "binary"
    with pytest.raises(BinaryInput, match="binary content"):
        load_text(data, name="r.bin")


def test_it_rejects_control_bytes_without_nul() -> None:
    data = bytes(range(1, 9)) * 200 + SAMPLE.encode()
    with pytest.raises(BinaryInput):
        load_text(data, name="r.bin")


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "pdf"),
        (b"\n  %PDF-1.4\n", "pdf"),
        (b"PK\x03\x04\x14\x00\x00\x00garbage", "zip"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "png"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"GIF89a\x01\x00", "gif"),
        (b"II*\x00\x08\x00\x00\x00", "tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "tiff"),
        (b"\x7fELF\x02\x01\x01\x00", "binary"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "binary"),
        (b"\x1f\x8b\x08\x00\x00\x00", "binary"),
    ],
)
def test_it_sniffs_magic_numbers(data: bytes, kind: str) -> None:
    assert sniff(data) == kind
    with pytest.raises(BinaryInput):
        load_text(data, name="x")


def test_it_says_pdf_is_not_supported_yet() -> None:
    with pytest.raises(BinaryInput, match="PDF input is not supported yet by the text reader"):
        load_text(b"%PDF-1.7\n" + b"x" * 100, name="r.pdf")


def _docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def test_it_tells_docx_from_zip() -> None:
    assert sniff(_docx_bytes()) == "docx"
    with pytest.raises(BinaryInput, match=r"\.docx"):
        load_text(_docx_bytes(), name="r.docx")


def test_a_zip_needing_an_unknown_version_is_an_input_error() -> None:
    """Fuzz (issue 13): zipfile raises NotImplementedError('zip file version 14.8') from the directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    data = bytearray(buf.getvalue())
    at = data.index(b"PK\x01\x02") + 6  # the central directory's "version needed to extract"
    data[at : at + 2] = (148).to_bytes(2, "little")
    assert sniff(bytes(data)) == "zip"
    with pytest.raises(InputError):
        parse(bytes(data))


def test_it_names_the_offset_of_a_corrupted_utf8_byte() -> None:
    data = bytearray(SAMPLE.encode("utf-8"))
    offset = len("渠县临巴镇2024年政".encode())
    data[offset] = 0xFF  # the lead byte of 府
    data[offset + 40] = 0xC0  # a second bad byte later: the first one is named
    with pytest.raises(EncodingError) as e:
        load_text(bytes(data), name="r.txt")
    message = str(e.value)
    assert f"byte offset {offset}" in message
    assert "UTF-8" in message and "iconv" in message
    assert "\n" not in message


def test_it_names_the_encodings_tried_for_unknown_text() -> None:
    data = "Ünïcödé façade naïve résumé ".encode("latin-1") * 20
    with pytest.raises(EncodingError) as e:
        load_text(data, name="r.txt")
    assert "UTF-8" in str(e.value) and "GB18030" in str(e.value) and "iconv" in str(e.value)


def test_it_rejects_utf16_with_a_lone_surrogate() -> None:
    data = b"\xff\xfe" + SAMPLE.encode("utf-16-le") + b"\x00\xd8"
    with pytest.raises(EncodingError, match="byte offset"):
        load_text(data, name="r.txt")


def test_it_rejects_data_over_the_limit() -> None:
    with pytest.raises(InputTooLarge, match="limit"):
        load_text(b"a" * 101, name="r.txt", max_bytes=100)


@given(st.binary(max_size=2048))
def test_any_bytes_give_text_or_an_input_error(data: bytes) -> None:
    assert sniff(data) in KINDS
    try:
        text = load_text(data, name="x")
    except InputError as e:
        assert "\n" not in str(e)
    else:
        assert isinstance(text, str) and text.strip()


# -- reading files ---------------------------------------------------------------------------


def test_a_200_mb_file_is_rejected_without_reading_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(200 * 1024 * 1024)  # sparse: takes no disk space

    def no_open(*args: object, **kw: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(source, "open", no_open, raising=False)
    start = time.monotonic()
    with pytest.raises(InputTooLarge, match="200.0 MiB"):
        parse(big)
    assert time.monotonic() - start < 5


def test_stdin_over_the_limit_is_rejected_after_limit_plus_one_bytes() -> None:
    stream = io.BytesIO(b"x" * 1000)
    with pytest.raises(InputTooLarge):
        read_bytes("-", max_bytes=100, stdin=stream)
    assert stream.tell() == 101


def test_the_default_limit_is_20_mib() -> None:
    assert MAX_TEXT_BYTES == 20 * 1024 * 1024


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        parse(tmp_path / "nope.txt")


def test_a_directory_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory"):
        parse(tmp_path)


# -- the dispatcher ----------------------------------------------------------------------------


def test_a_broken_pdf_is_one_clear_error(tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + b"0" * 100)
    with pytest.raises(InputError, match="not a valid PDF"):
        parse(pdf)


def test_a_hollow_docx_is_one_clear_error() -> None:
    # A ZIP that only looks like a DOCX reaches the Word reader and is refused there, in one line.
    with pytest.raises(InputError, match="not a valid DOCX"):
        parse(_docx_bytes())


def test_parse_of_non_report_text_is_not_a_report() -> None:
    with pytest.raises(NotAReport):
        parse("今天天气很好。我们去公园散步，然后回家吃饭。\n".encode() * 5, name="diary.txt")


def test_parse_of_a_seed_fills_the_source(seed_paths: list[Path]) -> None:
    import hashlib

    path = seed_paths[0]
    report = xxgk.parse(path)
    assert report.source["name"] == str(path)
    assert report.source["kind"] == "text"
    assert report.source["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "layout" in report.source
    assert report.format == "2021"
    same = parse(path.read_bytes().decode("utf-8").encode("gb18030"), name="seed-gb.txt")
    assert same.source["name"] == "seed-gb.txt" and same.source["encoding"] == "gb18030"
    assert {k: c.value for k, c in same.cells.items()} == {k: c.value for k, c in report.cells.items()}


def test_iter_inputs_expands_directories_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/2.pdf", "a/10.txt", "a/.hidden.txt", ".git/config", "c/d/e", "noext"]:
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("x")
    got = list(iter_inputs([tmp_path, "-", tmp_path / "missing.txt"]))
    rel = [p.relative_to(tmp_path).as_posix() if p != "-" and p.is_relative_to(tmp_path) and p.exists() else str(p) for p in got]
    assert rel == ["a/10.txt", "a/2.pdf", "b.txt", "c/d/e", "noext", "-", str(tmp_path / "missing.txt")]


def test_open_is_the_builtin_open() -> None:
    # The 200 MB test patches `source.open`; make sure source really uses the builtin.
    assert not hasattr(source, "open") or source.open is builtins.open
