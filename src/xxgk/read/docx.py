"""The Word reader: a .docx (or a .doc/.wps/.odt converted by LibreOffice) → Report.

The document body is walked in order, paragraphs and tables interleaved, into the blocks of
`xxgk.read.blocks` (`Para`, `Table` of `GridCell`), which the text reader then reads:

- **Merged cells.** A merged cell appears once, at its first row and grid column; the positions it
  covers are absent from the row (python-docx's `row.cells` would repeat it). Horizontal merges are
  read from `w:gridSpan` (and the legacy `w:hMerge`), vertical ones from `w:vMerge` restart/continue.
  A real empty cell is kept as an empty `GridCell`.
- **Provenance.** `GridCell.where` is `{"table": t, "row": r, "col": c}`: t the 0-based index of the
  `w:tbl` in reading order (nested tables and tables in text boxes included), r the index of the `w:tr`
  in its table, c the grid column (`w:gridBefore` plus the `w:gridSpan`s to the left). `Para.where` is
  `{"paragraph": n}`, n the 0-based index of the paragraph among those outside tables, in reading order.
- **Tables split across pages** (several `w:tbl`) are several `Table` blocks; the text reader joins them.
- **Nested tables** (a `w:tbl` inside a `w:tc`): the outer row is emitted first, then each nested table
  as a table of its own (own table index), then the outer table's next rows. Agencies use a 1×1 outer
  table as a frame around the real one; this keeps the real table's rows intact.
- **Text boxes** (`w:txbxContent`, e.g. a title in a text box) become paragraphs placed just before
  the paragraph that anchors them; of a `mc:AlternateContent` only the first choice is read (the
  fallback repeats the same text box as VML).
- **Paragraphs inside a cell** are joined with "\\n" (one grid cell). Tabs are kept as "\\t", line
  breaks become "\\n"; deleted revisions and field codes are skipped.

Resources are bounded before anything is decompressed: the ZIP central directory is checked for the
number of entries, the declared total uncompressed size and the compression ratio of the main part
(`check_zip`). python-docx parses XML without resolving entities.

Legacy formats (.doc, .wps, .odt) are converted to .docx with headless LibreOffice when it is installed
(`convert_legacy`); encrypted (password-protected) files are refused with a one-line message.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from collections.abc import Iterator
from typing import Any

from ..errors import InputError, InputTooLarge
from ..report.model import Report
from .blocks import Block, GridCell, Para, Table, parse_blocks

__all__ = ["parse_docx", "sniff_office", "convert_legacy", "check_zip", "docx_blocks"]

#: Limits checked on the ZIP central directory before anything is decompressed.
MAX_ENTRIES = 1000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
#: The ratio limit applies to a main part at least this large (tiny parts compress arbitrarily well).
_RATIO_MIN_SIZE = 1024 * 1024
#: Largest w:gridSpan / w:gridBefore taken at its word (Word itself stops at 63 grid columns; the
#: HTML reader caps colspan at the same 1000). A hostile gridSpan="1000000000" made the merge map
#: allocate a billion entries (MemoryError after 12 s; fuzz, issue 13).
MAX_GRID_SPAN = 1000
#: Seconds LibreOffice gets for one conversion.
CONVERT_TIMEOUT = 60

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODT_MIME = b"application/vnd.oasis.opendocument.text"
_INSTALL_HINT = "install LibreOffice (`apt-get install libreoffice-writer`) or save the file as .docx"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
W_P, W_TBL, W_TR, W_TC = _W + "p", _W + "tbl", _W + "tr", _W + "tc"
W_T, W_TAB, W_BR, W_CR = _W + "t", _W + "tab", _W + "br", _W + "cr"
W_SDT, W_SDTCONTENT, W_CUSTOMXML = _W + "sdt", _W + "sdtContent", _W + "customXml"
W_TXBX = _W + "txbxContent"
W_VAL = _W + "val"
MC_ALT, MC_CHOICE, MC_FALLBACK = _MC + "AlternateContent", _MC + "Choice", _MC + "Fallback"
#: Elements whose text is not the document's visible text.
_SKIP = frozenset(
    _W + t
    for t in ("pPr", "rPr", "del", "delText", "moveFrom", "instrText", "delInstrText", "fldChar",
              "footnoteReference", "endnoteReference", "commentReference", "annotationRef", "sectPr", "tblPr",
              "trPr", "tcPr", "tblGrid", "rt")  # rt: ruby (pronunciation) text above the base text
)
#: Containers of block-level content (paragraphs/tables/rows/cells) to look through.
_WRAPPERS = frozenset({W_SDT, W_SDTCONTENT, W_CUSTOMXML, _W + "ins", _W + "moveTo"})


# -- sniffing, limits, conversion -------------------------------------------------------------------


def sniff_office(data: bytes) -> str | None:
    """'docx', 'xlsx', 'doc' (any OLE container: .doc, .wps, encrypted Office files), 'odt' or None."""
    if data.startswith(_OLE_MAGIC):
        return "doc"
    if not data.startswith(b"PK"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" in names:
                return "docx"
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                info = z.getinfo("mimetype")
                if info.file_size <= 256 and z.read(info).strip() == _ODT_MIME:
                    return "odt"
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return None
    return None


def _ole_is_encrypted(data: bytes) -> bool:
    """An OLE container holding an encrypted OOXML package (a password-protected .docx/.xlsx)."""
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def _ole_is_word(data: bytes) -> bool:
    return "WordDocument".encode("utf-16-le") in data


def check_zip(data: bytes, *, main: str = "word/document.xml", label: str = "DOCX") -> zipfile.ZipFile:
    """Open `data` as a ZIP and refuse it from its central directory alone if it is a decompression bomb.

    Raises InputError ("not a valid DOCX: …", or XLSX) when it is not a ZIP or has no main part, and
    InputTooLarge when it has too many entries, declares too much uncompressed data or the main part
    is compressed implausibly well.
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as e:
        raise InputError(f"not a valid {label}: not a readable ZIP archive ({_short(e)})") from None
    if len(infos) > MAX_ENTRIES:
        raise InputTooLarge(f"{label} refused: {len(infos)} ZIP entries, over the limit of {MAX_ENTRIES}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        raise InputTooLarge(
            f"{label} refused: it would unpack to {total / 1048576:.0f} MiB, over the {MAX_UNCOMPRESSED // 1048576} MiB limit "
            "(a decompression bomb or a document full of images)"
        )
    try:
        part = z.getinfo(main)
    except KeyError:
        raise InputError(f"not a valid {label}: no {main} in the ZIP archive") from None
    if part.file_size >= _RATIO_MIN_SIZE and part.file_size > MAX_RATIO * max(part.compress_size, 1):
        raise InputTooLarge(
            f"{label} refused: {main} declares {part.file_size / 1048576:.0f} MiB compressed to "
            f"{part.compress_size / 1024:.0f} KiB (ratio over {MAX_RATIO}), a decompression bomb"
        )
    if any(i.flag_bits & 0x1 for i in infos):
        raise InputError(f"not a valid {label}: the ZIP archive is encrypted; remove the password and save again")
    return z


def _short(e: BaseException) -> str:
    """The first line of an exception's message, unquoted and at most 160 characters."""
    text = (e.args[0] if isinstance(e, KeyError) and e.args else str(e)) or type(e).__name__
    line = str(text).strip().splitlines()[0] if str(text).strip() else type(e).__name__
    return line if len(line) <= 160 else line[:157] + "…"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(data: bytes, suffix: str) -> bytes:
    """A .doc/.wps/.odt (`suffix`, e.g. '.doc') converted to .docx bytes by headless LibreOffice.

    Runs in a temporary directory with its own LibreOffice profile, killed after `CONVERT_TIMEOUT` s.
    Raises InputError when LibreOffice is not installed or the conversion fails.
    """
    exe = _soffice()
    kind = suffix.lstrip(".").lower() or "doc"
    if exe is None:
        raise InputError(f"legacy .{kind} file: converting it needs LibreOffice; {_INSTALL_HINT}")
    with tempfile.TemporaryDirectory(prefix="xxgk-soffice-") as tmp:
        src = os.path.join(tmp, "input." + kind)
        out_dir = os.path.join(tmp, "out")
        os.mkdir(out_dir)
        with open(src, "wb") as f:
            f.write(data)
        profile = "file://" + os.path.join(tmp, "profile")
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "docx",
               "--outdir", out_dir, src]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp)
        try:
            _, err = proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise InputError(f"converting the .{kind} file with LibreOffice took over {CONVERT_TIMEOUT} s; save it as .docx") from None
        target = os.path.join(out_dir, "input.docx")
        if proc.returncode != 0 or not os.path.exists(target):
            detail = (err or b"").decode("utf-8", "replace").strip().splitlines()
            raise InputError(
                f"LibreOffice could not convert the .{kind} file"
                + (f" ({detail[-1][:120]})" if detail else "")
                + "; open it and save it as .docx"
            )
        with open(target, "rb") as f:
            return f.read()


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


# -- reading ---------------------------------------------------------------------------------------


def parse_docx(data: bytes, *, name: str = "<docx>") -> Report:
    """Read a Word report. `data` is a .docx, or a .doc/.wps/.odt that LibreOffice converts first.

    Raises InputError (one line) for encrypted, corrupt or oversized files.
    """
    kind = sniff_office(data)
    if kind == "doc":
        if _ole_is_encrypted(data):
            raise InputError("encrypted (password-protected) Office file; remove the password in Word and save as .docx")
        if not _ole_is_word(data):
            raise InputError("legacy Office file that is not a Word document (.xls/.ppt?); provide the report as .docx")
        suffix = os.path.splitext(name)[1].lower()
        data = convert_legacy(data, suffix if suffix in (".doc", ".wps", ".wpt", ".dot") else ".doc")
    elif kind == "odt":
        data = convert_legacy(data, ".odt")
    return parse_blocks(docx_blocks(data), name=name, kind="docx")


def docx_blocks(data: bytes) -> list[Block]:
    """The blocks of a .docx, in reading order (the ZIP is checked by `check_zip` first)."""
    check_zip(data).close()
    import docx as python_docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = python_docx.Document(io.BytesIO(data))
    except PackageNotFoundError as e:
        raise InputError(f"not a valid DOCX: {_short(e)}") from None
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError) as e:
        raise InputError(f"not a valid DOCX: {_short(e)}") from None
    except Exception as e:
        # Untrusted bytes: whatever python-docx trips over (bad XML, a content-types part without
        # the expected elements, …) is a broken file to the user, never an internal error.
        if type(e).__module__.startswith("lxml") or "XMLSyntaxError" in type(e).__name__:
            raise InputError(f"not a valid DOCX: bad XML ({_short(e)})") from None
        raise InputError(f"not a valid DOCX: {type(e).__name__}: {_short(e)}") from None
    root = document.element
    if root.tag != _W + "document":  # the main relationship points at another part (a footer, styles)
        local = root.tag.rsplit("}", 1)[-1] if isinstance(root.tag, str) else "?"
        raise InputError(f"not a valid DOCX: the main document part holds a <{local}>, not a w:document")
    body = root.body
    if body is None:
        raise InputError("not a valid DOCX: word/document.xml has no document body (w:body)")
    return _Walker().body(body)


class _Walker:
    """Turns a `w:body` into blocks, numbering tables and paragraphs in reading order."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.tables = 0
        self.paragraphs = 0

    def body(self, body: Any) -> list[Block]:
        self._blocks(body)
        return self.blocks

    # block level: paragraphs and tables, looking through content controls and revisions
    def _blocks(self, parent: Any) -> None:
        for child in parent.iterchildren():
            tag = child.tag
            if tag == W_P:
                self._paragraph(child)
            elif tag == W_TBL:
                self._table(child)
            elif tag in _WRAPPERS:
                self._blocks(child)

    def _paragraph(self, p: Any) -> None:
        parts: list[str] = []
        boxes: list[Any] = []
        _inline_text(p, parts, boxes)
        for box in boxes:  # text boxes first: they float, usually above what anchors them
            self._blocks(box)
        self.blocks.append(Para("".join(parts), {"paragraph": self.paragraphs}))
        self.paragraphs += 1

    def _table(self, tbl: Any) -> None:
        index = self.tables
        self.tables += 1
        rows: list[list[GridCell]] = []
        # grid column → True while a vertical merge started there is open
        open_v: dict[int, bool] = {}
        for r, tr in enumerate(_children(tbl, W_TR)):
            col = min(max(0, _int_val(tr, "trPr", "gridBefore", default=0)), MAX_GRID_SPAN)
            cells: list[GridCell] = []
            nested: list[Any] = []
            prev_h_open = False
            for tc in _children(tr, W_TC):
                tc_pr = tc.find(_W + "tcPr")
                span = min(max(1, _int_val(tc, "tcPr", "gridSpan", default=1)), MAX_GRID_SPAN)
                vmerge = _merge_val(tc_pr, "vMerge")
                hmerge = _merge_val(tc_pr, "hMerge")
                covered = False
                if vmerge == "continue" and open_v.get(col):
                    covered = True
                elif hmerge == "continue" and prev_h_open:
                    covered = True
                if not covered:
                    text, inner = _cell_content(tc)
                    nested += inner
                    cells.append(GridCell(text, {"table": index, "row": r, "col": col}))
                    for c in range(col, col + span):
                        open_v[c] = vmerge in ("restart", "continue")
                prev_h_open = hmerge in ("restart", "continue")
                col += span
            if cells:
                rows.append(cells)
            if nested:
                if rows:
                    self.blocks.append(Table(rows))
                    rows = []
                for inner_tbl in nested:
                    self._table(inner_tbl)
        if rows:
            self.blocks.append(Table(rows))


def _children(parent: Any, tag: str) -> Iterator[Any]:
    """Children with `tag`, looking through content controls, custom XML and revision wrappers."""
    for child in parent.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in _WRAPPERS:
            yield from _children(child, tag)


def _int_val(el: Any, pr: str, name: str, *, default: int) -> int:
    node = el.find(f"{_W}{pr}/{_W}{name}")
    if node is None:
        return default
    try:
        return int(node.get(W_VAL, default))
    except (TypeError, ValueError):
        return default


def _merge_val(tc_pr: Any, name: str) -> str | None:
    """'restart', 'continue' (the default when w:val is absent) or None when the cell is not merged."""
    if tc_pr is None:
        return None
    node = tc_pr.find(_W + name)
    if node is None:
        return None
    return "restart" if node.get(W_VAL) == "restart" else "continue"


def _cell_content(tc: Any) -> tuple[str, list[Any]]:
    """A cell's paragraphs joined with "\\n", and the tables nested in it (in order)."""
    lines: list[str] = []
    nested: list[Any] = []

    def walk(parent: Any) -> None:
        for child in parent.iterchildren():
            if child.tag == W_P:
                parts: list[str] = []
                boxes: list[Any] = []
                _inline_text(child, parts, boxes)
                for box in boxes:
                    for bp in box.iter(W_P):
                        bparts: list[str] = []
                        _inline_text(bp, bparts, [])
                        lines.append("".join(bparts))
                lines.append("".join(parts))
            elif child.tag == W_TBL:
                nested.append(child)
            elif child.tag in _WRAPPERS:
                walk(child)

    walk(tc)
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines), nested


def _inline_text(el: Any, out: list[str], boxes: list[Any]) -> None:
    """The visible text under a paragraph (runs, hyperlinks, fields, insertions), in order.

    Text boxes found on the way are appended to `boxes` instead of the text.
    """
    for child in el.iterchildren():
        tag = child.tag
        if not isinstance(tag, str):  # comments, processing instructions
            continue
        if tag == W_T:
            out.append(child.text or "")
        elif tag == W_TAB or tag == _W + "ptab":
            out.append("\t")
        elif tag == W_BR or tag == W_CR:
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag in _SKIP:
            continue
        elif tag == W_TXBX:
            boxes.append(child)
        elif tag == MC_ALT:
            branch = child.find(MC_CHOICE)
            if branch is None:
                branch = child.find(MC_FALLBACK)
            if branch is not None:
                _inline_text(branch, out, boxes)
        else:
            _inline_text(child, out, boxes)
