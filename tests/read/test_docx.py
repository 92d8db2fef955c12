"""The Word reader: parse_docx(render_docx(r)) == r, grid provenance, merged cells, and malformed input.

The renderer (tests/corpus/docx.py) builds real Word tables with python-docx, merged cells included;
the reader must recover every cell, the agency, year, format and sections, and each cell's
`{"table", "row", "col"}` must point at the `w:tc` holding its text (checked against a grid computed
here straight from the XML, not with the reader's code).
"""

from __future__ import annotations

import io
import os
import random
import shutil
import stat
import time
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from docx.oxml import parse_xml
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import xxgk.read.docx as rd
from tests.corpus.docx import STYLES, render_docx
from tests.corpus.generate import random_report
from tests.read.test_roundtrip import _diff
from xxgk.errors import InputError, InputTooLarge
from xxgk.read.blocks import GridCell, Para, Table, layout
from xxgk.read.docx import check_zip, docx_blocks, parse_docx, sniff_office
from xxgk.read.source import sniff
from xxgk.report import keys as K
from xxgk.report.values import normalize

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WNS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
#: A rendering costs ~0.3 s: a fifth of the profile's examples, at least 20.
_EXAMPLES = max(20, settings.default.max_examples // 5)


def _roundtrip(seed: int, style: str, fmt: str, variants: bool, zero: bool = False) -> tuple[bytes, object]:
    report = random_report(random.Random(seed), fmt=fmt, zero=zero)
    data = render_docx(report, random.Random(seed ^ 0xD0C), style=style, variants=variants)
    got = parse_docx(data, name=f"{style}-{seed}.docx")
    assert _diff(report, got) == [], layout(docx_blocks(data))[0]
    errors = [f for f in got.check() if f.severity == "error"]
    assert errors == [], [f.message for f in errors]
    assert len(got.cells) == len(K.cell_keys(report.table_format))
    assert got.source["kind"] == "docx"
    return data, got


@pytest.mark.parametrize("style", STYLES)
@settings(max_examples=_EXAMPLES)
@given(seed=st.integers(0, 2**32 - 1), variants=st.booleans(), fmt=st.sampled_from(["2021", "2021", "2019"]))
def test_parse_render_roundtrip(style: str, seed: int, variants: bool, fmt: str) -> None:
    _roundtrip(seed, style, fmt, variants)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_all_zero_reports_roundtrip_without_findings(style: str, fmt: str) -> None:
    for seed in range(3):
        _, got = _roundtrip(seed, style, fmt, variants=False, zero=True)
        assert got.check() == []


# --- provenance against the XML -------------------------------------------------------------------


def _xml_grid(data: bytes) -> dict[tuple[int, int, int], tuple[str, dict[str, str | None]]]:
    """(table, row, grid col) → (text of the w:tc there, its merge properties), straight from the XML."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    grid: dict[tuple[int, int, int], tuple[str, dict[str, str | None]]] = {}
    for t, tbl in enumerate(root.iter(W + "tbl")):
        for r, tr in enumerate(tbl.findall(W + "tr")):
            col = 0
            for tc in tr.findall(W + "tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(W + "val")) if span_el is not None else 1
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                props = {"gridSpan": str(span), "vMerge": None if vm is None else (vm.get(W + "val") or "continue")}
                text = "".join("".join(x.text or "" for x in p.iter(W + "t")) for p in tc.findall(W + "p"))
                grid[(t, r, col)] = (text, props)
                col += span
    return grid


@pytest.mark.parametrize("fmt", ["2021", "2019"])
@pytest.mark.parametrize("seed", range(4))
def test_official_cells_point_at_their_w_tc(fmt: str, seed: int) -> None:
    data, got = _roundtrip(seed, "official", fmt, variants=seed % 2 == 1)
    grid = _xml_grid(data)
    for key in K.cell_keys(fmt):
        cell = got.cells[key]
        w = cell.where
        assert set(w) == {"table", "row", "col"}, (key, w)
        text, props = grid[(w["table"], w["row"], w["col"])]
        assert props["vMerge"] != "continue", (key, w)
        assert normalize(text) == normalize(cell.raw), (key, w, text, cell.raw)
    # Table 二, 三, 四 are tables 0, 1, 2.
    assert {got.cells[k].where["table"] for k in K.t3_keys(fmt)} == {1}
    assert {got.cells[k].where["table"] for k in K.t4_keys()} == {2}
    assert got.cells["t3.new_received.natural_person"].where == {"table": 1, "row": 3, "col": 3}
    assert got.cells["t3.carried_forward.total"].where["col"] == 9


def test_official_tables_really_are_merged() -> None:
    for fmt, three_rows in (("2021", 22), ("2019", 20)):
        report = random_report(random.Random(3), fmt=fmt)
        data = render_docx(report, random.Random(3), style="official")
        grid = _xml_grid(data)
        t2 = {k: v for k, v in grid.items() if k[0] == 0}
        t3 = {k: v for k, v in grid.items() if k[0] == 1}
        t4 = {k: v for k, v in grid.items() if k[0] == 2}
        # Table 二: captions over 4 columns, single values over 3.
        assert any(p["gridSpan"] == "4" for _, p in t2.values())
        value_span = "3" if fmt == "2021" else "2"  # 2019: 行政事业性收费/政府集中采购 have 2 values
        assert any(p["gridSpan"] == value_span and t.strip().lstrip("+-").replace(".", "").isdigit() for t, p in t2.values())
        # Table 三: the 勾稽 note 3 columns × 3 rows, 三、本年度办理结果 over its rows.
        note, props = t3[(1, 0, 0)]
        assert "勾稽" in note and props == {"gridSpan": "3", "vMerge": "restart"}
        assert t3[(1, 1, 0)][1]["vMerge"] == t3[(1, 2, 0)][1]["vMerge"] == "continue"
        assert t3[(1, 0, 3)][0] == "申请人情况" and t3[(1, 0, 3)][1]["gridSpan"] == "7"
        assert t3[(1, 1, 4)][0] == "法人或其他组织" and t3[(1, 1, 4)][1]["gridSpan"] == "5"
        assert t3[(1, 1, 3)][1]["vMerge"] == "restart" and t3[(1, 1, 9)][1]["vMerge"] == "restart"
        group = next(r for (_, r, c), (t, _) in t3.items() if c == 0 and t == "三、本年度办理结果")
        assert t3[(1, group, 0)][1]["vMerge"] == "restart"
        conts = [r for (_, r, c), (_, p) in t3.items() if c == 0 and r > group and p["vMerge"] == "continue"]
        assert sorted(conts) == list(range(group + 1, group + three_rows))
        assert t3[(1, 3, 0)][1]["gridSpan"] == "3"  # 一、本年新收… over the label columns
        subs = [t for (_, r, c), (t, p) in t3.items() if c == 1 and p["vMerge"] == "restart"]
        assert [s[:5] for s in subs] == ["（三）不予", "（四）无法", "（五）不予", "（六）其他"][: len(subs)]
        assert len(subs) == (4 if fmt == "2021" else 3)
        # Table 四: 行政复议 over 5, 行政诉讼 over 10, 15 values in the last row.
        assert t4[(2, 0, 0)] == ("行政复议", {"gridSpan": "5", "vMerge": None})
        assert t4[(2, 0, 5)][1]["gridSpan"] == "10"
        assert sorted(c for (_, r, c) in t4 if r == 3) == list(range(15))


def test_flat_style_has_no_merges_and_keeps_empty_cells() -> None:
    data = render_docx(random_report(random.Random(4)), random.Random(4), style="flat")
    assert b"w:gridSpan" not in _document_xml(data) and b"w:vMerge" not in _document_xml(data)
    t3 = next(b for b in docx_blocks(data) if isinstance(b, Table) and "勾稽" in b.rows[0][0].text)
    assert all(len(row) == 10 for row in t3.rows)
    assert [c.text for c in t3.rows[3][:3]][1:] == ["", ""]


def test_split_style_makes_two_tables_and_still_reads() -> None:
    seen_orphan = False
    for seed in range(12):
        report = random_report(random.Random(seed))
        data = render_docx(report, random.Random(seed), style="split")
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = etree.fromstring(z.read("word/document.xml"))
        assert len(list(root.iter(W + "tbl"))) == 4
        got = parse_docx(data)
        assert _diff(report, got) == []
        t3_tables = {got.cells[k].where["table"] for k in K.t3_keys("2021")}
        assert t3_tables <= {1, 2}
        first_row = root.findall(f"{W}body/{W}tbl")[2].find(W + "tr")
        vm = first_row.find(f"{W}tc/{W}tcPr/{W}vMerge")
        seen_orphan |= vm is not None and vm.get(W + "val") is None
    assert seen_orphan  # Word's leftover "continue" cell at the top of the second part


def _document_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml")


# --- the walker on hand-made XML ----------------------------------------------------------------


def _docx_with_body(fragment: str) -> bytes:
    document = python_docx.Document()
    body = document.element.body
    for child in list(body):
        if child.tag != W + "sectPr":
            body.remove(child)
    wrapper = parse_xml(f"<w:body {WNS}>{fragment}</w:body>")
    sect = body.find(W + "sectPr")
    for child in list(wrapper):
        sect.addprevious(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _p(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def _tc(text: str = "", pr: str = "") -> str:
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"


def test_merged_cells_appear_once_at_their_first_row_and_column() -> None:
    span2_restart = '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>'
    span2_continue = '<w:gridSpan w:val="2"/><w:vMerge/>'
    data = _docx_with_body(
        "<w:tbl>"
        + f"<w:tr>{_tc('A', span2_restart)}{_tc('B')}</w:tr>"
        + f"<w:tr>{_tc('', span2_continue)}{_tc('C')}</w:tr>"
        + '<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>' + _tc("D") + _tc("") + "</w:tr>"
        + "<w:tr>" + _tc("E", '<w:hMerge w:val="restart"/>') + _tc("x", "<w:hMerge/>") + _tc("F") + "</w:tr>"
        + "</w:tbl>"
    )
    (table,) = docx_blocks(data)
    assert isinstance(table, Table)
    got = [[(c.text, c.where["row"], c.where["col"]) for c in row] for row in table.rows]
    assert got == [
        [("A", 0, 0), ("B", 0, 2)],
        [("C", 1, 2)],
        [("D", 2, 1), ("", 2, 2)],  # a real empty cell is kept
        [("E", 3, 0), ("F", 3, 2)],
    ]
    assert {c.where["table"] for row in table.rows for c in row} == {0}


def test_orphan_vmerge_continue_is_a_cell() -> None:
    # Word leaves a bare "continue" at the top of a table split off from a merged one.
    data = _docx_with_body(f"<w:tbl><w:tr>{_tc('', '<w:vMerge/>')}{_tc('1')}</w:tr></w:tbl>")
    (table,) = docx_blocks(data)
    assert [[c.text for c in row] for row in table.rows] == [["", "1"]]


def test_hostile_grid_spans_are_capped() -> None:
    """Fuzz (issue 13): gridSpan="1000000000" ran out of memory building the merge map."""
    huge_span, vmerge = '<w:gridSpan w:val="1000000000"/>', "<w:vMerge/>"
    row = (f'<w:tr><w:trPr><w:gridBefore w:val="-7"/></w:trPr>{_tc("a", huge_span)}{_tc("1")}</w:tr>'
           f'<w:tr><w:trPr><w:gridBefore w:val="99999999999"/></w:trPr>{_tc("b")}{_tc("2", vmerge)}</w:tr>')
    (table,) = docx_blocks(_docx_with_body(f"<w:tbl>{row}</w:tbl>"))
    assert [[(c.text, c.where["col"]) for c in r] for r in table.rows] == [[("a", 0), ("1", 1000)], [("b", 1000), ("2", 1001)]]


def test_nested_tables_text_boxes_content_controls_and_revisions() -> None:
    inner = f"<w:tbl><w:tr>{_tc('n1')}{_tc('n2')}</w:tr></w:tbl>"
    box = (
        "<w:p><w:r><mc:AlternateContent xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
        "<mc:Choice Requires=\"wps\"><w:drawing><w:txbxContent>" + _p("框中标题") + "</w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent>" + _p("框中标题") + "</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:t>锚</w:t></w:r></w:p>"
    )
    data = _docx_with_body(
        box
        + "<w:sdt><w:sdtContent>" + _p("控件内") + "</w:sdtContent></w:sdt>"
        + "<w:p><w:r><w:t>保留</w:t></w:r><w:del><w:r><w:delText>删除</w:delText></w:r></w:del>"
        "<w:ins><w:r><w:t>插入</w:t><w:tab/><w:t>x</w:t><w:br/><w:t>y</w:t></w:r></w:ins>"
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        + "<w:tbl>"
        f"<w:tr><w:tc>{_p('外1')}{_p('第二段')}{inner}</w:tc>{_tc('外2')}</w:tr>"
        f"<w:tr>{_tc('外3')}{_tc('外4')}</w:tr>"
        "</w:tbl>"
    )
    blocks = docx_blocks(data)
    paras = [(b.text, b.where) for b in blocks if isinstance(b, Para)]
    assert paras == [
        ("框中标题", {"paragraph": 0}),  # the text box once (not its VML fallback), before its anchor
        ("锚", {"paragraph": 1}),
        ("控件内", {"paragraph": 2}),
        ("保留插入\tx\ny7", {"paragraph": 3}),
    ]
    tables = [[[(c.text, c.where["table"]) for c in row] for row in b.rows] for b in blocks if isinstance(b, Table)]
    # outer row 0, then the nested table (its own index), then the outer table's next row
    assert tables == [
        [[("外1\n第二段", 0), ("外2", 0)]],
        [[("n1", 1), ("n2", 1)]],
        [[("外3", 0), ("外4", 0)]],
    ]
    text, _ = layout(blocks)
    assert "外1 第二段\t外2\nn1\tn2\n外3\t外4" in text


# --- malformed and hostile input ------------------------------------------------------------------


def _good() -> bytes:
    return render_docx(random_report(random.Random(1)), random.Random(1), style="official")


def _rezip(data: bytes, change) -> bytes:
    zin = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in zin.infolist():
            content = change(info.filename, zin.read(info))
            if content is not None:
                z.writestr(info.filename, content)
    return out.getvalue()


def test_decompression_bomb_is_refused_from_the_central_directory(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b" " * (50 * 1024 * 1024))
    bomb = out.getvalue()
    assert len(bomb) < 200_000
    assert sniff(bomb) == "docx"

    def no_read(*args, **kwargs):  # pragma: no cover - must not be reached
        raise AssertionError("decompressed a bomb")

    monkeypatch.setattr(zipfile.ZipFile, "read", no_read)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_read)
    t = time.process_time()
    with pytest.raises(InputTooLarge, match="decompression bomb"):
        parse_docx(bomb)
    assert time.process_time() - t < 0.5


def test_too_many_entries_and_too_much_data_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", "<x/>")
        for i in range(1001):
            z.writestr(f"word/media/{i}.bin", b"")
    with pytest.raises(InputTooLarge, match="1002 ZIP entries"):
        check_zip(out.getvalue())
    monkeypatch.setattr(rd, "MAX_UNCOMPRESSED", 1000)
    with pytest.raises(InputTooLarge, match="unpack to"):
        parse_docx(_good())


@pytest.mark.parametrize(
    ("what", "make", "message"),
    [
        ("not a zip", lambda g: b"PK\x03\x04" + b"\x00garbage" * 50, "not a valid DOCX: not a readable ZIP"),
        ("truncated", lambda g: g[: len(g) // 2], "not a valid DOCX"),
        ("no document.xml", lambda g: _rezip(g, lambda n, b: None if n == "word/document.xml" else b), "no word/document.xml"),
        ("bad XML", lambda g: _rezip(g, lambda n, b: b[: len(b) // 2] if n == "word/document.xml" else b), "bad XML"),
        ("no content types", lambda g: _rezip(g, lambda n, b: None if n == "[Content_Types].xml" else b), "not a valid DOCX"),
        ("no package rels", lambda g: _rezip(g, lambda n, b: None if n == "_rels/.rels" else b), "not a valid DOCX"),
        # Fuzz (issue 13): a duplicated footer entry shadowed document.xml → AttributeError on .body.
        ("main part is a footer", lambda g: _rezip(g, lambda n, b: f"<w:ftr {WNS}><w:p/></w:ftr>".encode() if n == "word/document.xml" else b),
         "holds a <ftr>, not a w:document"),
    ],
)
def test_corrupt_docx_is_one_line_input_error(what: str, make, message: str) -> None:
    with pytest.raises(InputError, match=message) as e:
        parse_docx(make(_good()))
    assert "\n" not in str(e.value)


def test_entities_are_not_expanded() -> None:
    data = _rezip(_good(), lambda n, b: b.replace(b"<w:document", b'<!DOCTYPE w:document [<!ENTITY a "AAAA">]><w:document', 1)
                  if n == "word/document.xml" else b)
    parse_docx(data)  # parses without resolving (python-docx: resolve_entities=False)


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def test_sniff_office() -> None:
    odt = io.BytesIO()
    with zipfile.ZipFile(odt, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", "<x/>")
    assert sniff_office(_good()) == "docx"
    assert sniff_office(_OLE + "WordDocument".encode("utf-16-le")) == "doc"
    assert sniff_office(odt.getvalue()) == "odt"
    assert sniff_office(b"PK\x03\x04 not really") is None
    assert sniff_office("年度报告".encode()) is None


def test_encrypted_office_file_says_encrypted() -> None:
    data = _OLE + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")
    with pytest.raises(InputError, match="encrypted"):
        parse_docx(data, name="locked.docx")


def test_legacy_doc_without_libreoffice_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rd.shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="apt-get install libreoffice-writer") as e:
        parse_docx(_OLE + "WordDocument".encode("utf-16-le"), name="r.doc")
    assert "\n" not in str(e.value)
    with pytest.raises(InputError, match="not a Word document"):
        parse_docx(_OLE + "Workbook".encode("utf-16-le"), name="r.xls")


def _fake_soffice(tmp_path: Path, script: str) -> str:
    exe = tmp_path / "soffice"
    exe.write_text("#!/bin/sh\n" + script)
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)
    return str(exe)


def test_conversion_path_with_a_stand_in_for_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = random_report(random.Random(8))
    converted = tmp_path / "converted.docx"
    converted.write_bytes(render_docx(report, random.Random(8), style="official"))
    exe = _fake_soffice(
        tmp_path,
        'while [ $# -gt 0 ]; do case "$1" in --outdir) shift; out="$1";; esac; shift; done\n'
        f'cp "{converted}" "$out/input.docx"\n',
    )
    monkeypatch.setattr(rd, "_soffice", lambda: exe)
    got = parse_docx(_OLE + "WordDocument".encode("utf-16-le"), name="r.doc")
    assert _diff(report, got) == []
    assert got.source["kind"] == "docx"


def test_conversion_failure_and_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "fail").mkdir()
    (tmp_path / "slow").mkdir()
    fail = _fake_soffice(tmp_path / "fail", "echo 'Error: source file could not be loaded' >&2\nexit 1\n")
    monkeypatch.setattr(rd, "_soffice", lambda: fail)
    with pytest.raises(InputError, match="could not convert the .odt file .Error: source file could not be loaded"):
        rd.convert_legacy(b"x", ".odt")
    slow = _fake_soffice(tmp_path / "slow", "sleep 30 & wait\n")
    monkeypatch.setattr(rd, "_soffice", lambda: slow)
    monkeypatch.setattr(rd, "CONVERT_TIMEOUT", 1)
    t = time.process_time()
    with pytest.raises(InputError, match="took over 1 s"):
        rd.convert_legacy(b"x", ".doc")
    assert time.process_time() - t < 10


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")), reason="LibreOffice not installed")
@pytest.mark.parametrize("target", ["doc", "odt"])
def test_real_libreoffice_conversion(tmp_path: Path, target: str) -> None:  # pragma: no cover - needs LibreOffice
    import subprocess

    report = random_report(random.Random(9))
    src = tmp_path / "r.docx"
    src.write_bytes(render_docx(report, random.Random(9), style="official"))
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([exe, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", target,
                    "--outdir", str(tmp_path / "out"), str(src)], check=True, timeout=120, capture_output=True)
    data = (tmp_path / "out" / f"r.{target}").read_bytes()
    assert sniff_office(data) == target
    got = parse_docx(data, name=f"r.{target}")
    assert _diff(report, got) == []
    assert os.path.exists(src)


def test_document_without_body_or_text_is_refused() -> None:
    no_body = _rezip(_good(), lambda n, b: f"<w:document {WNS}/>".encode() if n == "word/document.xml" else b)
    with pytest.raises(InputError, match="no document body"):
        parse_docx(no_body)
    with pytest.raises(InputError):
        parse_docx(_docx_with_body(_p("只有一段文字")))
