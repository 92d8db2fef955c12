"""One report → the bytes of one published file, in the medium the corpus gives it, dated, and
checked: parsed back with `xxgk.parse`, it must give the report's values, agency, year, date and
text exactly, or the file is made again in the next medium of a fallback chain (the failure
recorded, so that a medium xxgk does not read exactly never hides in the clean set).

Media (`MEDIA`):

- ``txt``: a text layout of `tests.corpus.layouts` (`render_text`, variants on), UTF-8 or GB18030;
- ``html``: a page of `tests.corpus.html` (official / flat / split / portal);
- ``docx``: a Word file of `tests.corpus.docx` (official / flat / split);
- ``w_html``, ``w_docx``, ``md``, ``xlsx``: xxgk's own writers (`xxgk.render`), as an office using
  xxgk would publish;
- ``pdf``: xxgk's HTML page printed by WeasyPrint (`xxgk.write.pdf`'s engine), ~0.6 s a report;
- ``scan``: that PDF's pages rasterised at 150–200 dpi and "scanned" (`tests.corpus.scan._paper`:
  grey paper, skew, noise, JPEG) into an image-only PDF; read by OCR (~6 s), never exact: scans are
  kept out of the clean set.

Dates: the publication date is printed the ways `xxgk.read.meta` reads one: a crawler's header
(`发布时间：2022-01-15`), a portal's `发布日期：` line, or a signature (the agency and
`2022年1月15日`) at the end of the document. Office files have no portal around them: a signature.
Zip containers (docx, xlsx) are rewritten with fixed timestamps so that the same seed gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import time
import zipfile
from dataclasses import dataclass, field
from typing import Any

from xxgk.report import Report
from xxgk.report import keys as K

__all__ = ["MEDIA", "EXT", "Job", "Made", "make", "verify", "FALLBACK"]

MEDIA = ("txt", "html", "docx", "w_html", "w_docx", "md", "xlsx", "pdf", "scan")
EXT = {"txt": "txt", "html": "html", "docx": "docx", "w_html": "html", "w_docx": "docx", "md": "md", "xlsx": "xlsx",
       "pdf": "pdf", "scan": "pdf"}
#: Tried in turn when a file does not read back exactly: the writer's Markdown has always read back.
FALLBACK = ("md", "w_html")
_FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
_FIXED_W3CDTF = "2024-01-01T00:00:00Z"


@dataclass
class Job:
    """One file to make (picklable: made in a worker process)."""

    key: str  # unique, also the seed of every choice made for this file
    report: Report
    medium: str
    #: Rules the reading may (and, for `must`, must) carry; a clean file carries none.
    allowed: frozenset[str] = frozenset()
    must: str | None = None
    dated: bool = True
    verify: bool = True
    layout: str | None = None  # force a text layout / html or docx style (mirror copies)
    #: Section headings: "official" (clean reports), or "variant" (a section_renamed injection).
    titles: str = "official"


@dataclass
class Made:
    key: str
    data: bytes
    medium: str
    variant: str  # layout or style
    ext: str
    published_on: str | None  # as printed (None: the medium carries none)
    verified: bool
    failures: list[dict[str, Any]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)  # rules of the reading (verified files)
    seconds: float = 0.0  # making and reading back


# --- dates -----------------------------------------------------------------------------------------


def _cn_date(iso: str) -> str:
    y, m, d = (int(x) for x in iso.split("-"))
    return f"{y}年{m}月{d}日"


def _text_dated(text: str, r: Report, rng: random.Random) -> str:
    date = r.published_on
    if not date:
        return text
    how = rng.choice(("header", "header", "signature", "both"))
    if how in ("header", "both"):
        sep = rng.choice(("：", ": ", ":"))
        head = [f"标题{sep}{r.agency}{r.year}年政府信息公开工作年度报告", f"发布时间{sep}{date}" + rng.choice(("", " 09:30", " 16:02:11"))]
        if rng.random() < 0.6:
            head.append(f"发布机构{sep}{r.agency}")
        if rng.random() < 0.4:
            head.append(f"索引号{sep}{rng.randint(10**8, 10**9 - 1)}/{r.year + 1}-{rng.randint(1, 99999):05d}")
        text = "\n".join(head) + "\n" + rng.choice(("", "==== 正文 ====\n", "\n")) + text
    if how in ("signature", "both"):
        text = text.rstrip("\n") + "\n\n" + r.agency + "\n" + _cn_date(date) + "\n"
    return text


def _html_signature(page: str, r: Report) -> str:
    sig = f'<p style="text-align:right">{r.agency}</p>\n<p style="text-align:right">{_cn_date(r.published_on or "")}</p>\n'
    return page.replace("</body>", sig + "</body>", 1)


def _docx_signature(data: bytes, r: Report) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    d = docx.Document(io.BytesIO(data))
    d.add_paragraph()
    for text in (r.agency or "", _cn_date(r.published_on or "")):
        d.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def _xlsx_signature(data: bytes, r: Report) -> bytes:
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb[wb.sheetnames[-1]]
    ws.append([])
    ws.append([r.agency])
    ws.append([_cn_date(r.published_on or "")])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _stable_zip(data: bytes) -> bytes:
    """The same container with fixed entry times and document dates (python-docx and openpyxl stamp the clock)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + _FIXED_W3CDTF.encode() + rb"\g<2>", body)
            z = zipfile.ZipInfo(info.filename, _FIXED_ZIP_TIME)
            z.compress_type = zipfile.ZIP_DEFLATED
            z.external_attr = info.external_attr
            dst.writestr(z, body)
    return out.getvalue()


# --- media -----------------------------------------------------------------------------------------


def _weasy_pdf(r: Report, dated: bool) -> bytes:
    """xxgk's page printed by WeasyPrint. The date is a `发布日期：` line under the title: a signature
    date at the end is not found in these PDFs (the reader's text ends with the page number
    "- N -", after the signature; the signature stays glued to section 六)."""
    from xxgk.write import html as whtml
    from xxgk.write import pdf as wpdf

    page = whtml.write(r).decode("utf-8")
    if dated and r.published_on:
        page = page.replace("</h1>", f"</h1>\n<p>发布日期：{r.published_on}</p>", 1)
    weasyprint = wpdf._weasyprint()
    return weasyprint.HTML(string=page, base_url=None, url_fetcher=wpdf._refuse, media_type="print").render().write_pdf()


def _scan_pdf(pdf: bytes, rng: random.Random) -> bytes:
    import pypdfium2 as pdfium

    from ..pdf import images_to_pdf
    from ..scan import _paper

    dpi = rng.choice((150, 200, 200))
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = [doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(doc))]
    finally:
        doc.close()
    data = images_to_pdf([_paper(p, rng, None) for p in pages], dpi=dpi)
    # PIL stamps the clock into /CreationDate and /ModDate: fixed, same length (the xref offsets hold).
    return re.sub(rb"\((D:\d{14})", lambda m: b"(D:20250101000000", data)


def _render(job: Job, medium: str, rng: random.Random) -> tuple[bytes, str, str | None]:
    """(bytes, variant, the date as printed) of `job.report` in `medium`."""
    import xxgk

    r = job.report
    date = r.published_on if job.dated else None
    allow = bool(job.must)  # an injected arithmetic error is published as it is
    if medium == "txt":
        from ..layouts import LAYOUTS, render_text

        layout = job.layout if job.layout in LAYOUTS else rng.choice(LAYOUTS)
        text = render_text(r, layout, rng, variants=True)
        text = _text_dated(text, r, rng) if date else text
        enc = "gb18030" if rng.random() < 0.1 else "utf-8"
        return text.encode(enc), f"{layout}/{enc}", date
    if medium == "html":
        from ..html import STYLES, render_html

        style = job.layout if job.layout in STYLES else rng.choice(STYLES)
        page = render_html(r, rng, style=style, variants=True)
        if style == "portal":
            # The portal prints its own 发布日期 line: the report's date (or none) instead.
            page = re.sub(r"发布日期：[0-9-]+", f"发布日期：{date}" if date else "", page, count=1)
        elif date:
            page = _html_signature(page, r)
        return page.encode("utf-8"), style, date
    if medium == "docx":
        from ..docx import STYLES as DSTYLES
        from ..docx import render_docx

        style = job.layout if job.layout in DSTYLES else rng.choice(DSTYLES)
        data = render_docx(r, rng, style=style, variants=rng.random() < 0.5)
        return _stable_zip(_docx_signature(data, r) if date else data), style, date
    if medium == "w_html":
        page = xxgk.render(r, "html", allow_errors=allow).decode("utf-8")
        return (_html_signature(page, r) if date else page).encode("utf-8"), "xxgk", date
    if medium == "w_docx":
        data = xxgk.render(r, "docx", allow_errors=allow)
        return _stable_zip(_docx_signature(data, r) if date else data), "xxgk", date
    if medium == "md":
        text = xxgk.render(r, "md", allow_errors=allow).decode("utf-8")
        if date:
            text = text.rstrip("\n") + f"\n\n{r.agency}\n\n{_cn_date(date)}\n"
        return text.encode("utf-8"), "xxgk", date
    if medium == "xlsx":
        data = xxgk.render(r, "xlsx", allow_errors=allow)
        return _stable_zip(_xlsx_signature(data, r) if date else data), "xxgk", date
    if medium == "pdf":
        return _weasy_pdf(r, bool(date)), "weasyprint", date
    if medium == "scan":
        return _scan_pdf(_weasy_pdf(r, bool(date)), rng), "scan", date
    raise ValueError(f"unknown medium {medium!r}")


def _bare(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def verify(job: Job, data: bytes, published_on: str | None) -> tuple[list[str], list[str]]:
    """(differences from the truth, rules of the reading). Empty differences: read back exactly."""
    import xxgk

    want = job.report
    try:
        got = xxgk.parse(data, name=f"{job.key}.{EXT[job.medium]}")
    except Exception as e:  # noqa: BLE001 - any failure to read is a difference
        return [f"parse: {type(e).__name__}: {str(e)[:120]}"], []
    diffs = []
    if got.format != want.format:
        diffs.append(f"format {got.format} ≠ {want.format}")
    for key in K.cell_keys(want.table_format):
        if got.value(key) != want.value(key):
            diffs.append(f"{key}: {got.value(key)!r} ≠ {want.value(key)!r}")
    for name in ("agency", "year"):
        if getattr(got, name) != getattr(want, name):
            diffs.append(f"{name}: {getattr(got, name)!r} ≠ {getattr(want, name)!r}")
    if got.published_on != published_on:
        diffs.append(f"published_on: {got.published_on!r} ≠ {published_on!r}")
    for key in K.SECTION_KEYS:
        if _bare(got.sections.get(key)) != _bare(want.sections.get(key)):
            diffs.append(f"sections.{key} differs")
    rules = sorted({f.rule for f in got.check()})
    extra = [r for r in rules if r not in job.allowed and r != job.must]
    if extra:
        diffs.append("findings: " + ", ".join(extra))
    if job.must and job.must not in rules:
        diffs.append(f"expected finding {job.must} missing")
    return diffs, rules


def make(job: Job) -> Made:
    """The file of `job`, in its medium or, when that does not read back exactly, the next of FALLBACK."""
    t0 = time.perf_counter()
    made = _make(job)
    made.seconds = time.perf_counter() - t0
    return made


def _make(job: Job) -> Made:
    failures: list[dict[str, Any]] = []
    chain = [job.medium] + ([job.medium] if job.medium in ("txt", "html", "docx") else []) + [m for m in FALLBACK if m != job.medium]
    for attempt, medium in enumerate(chain):
        rng = random.Random(f"{job.key}:{medium}:{attempt}")
        from ..layouts import TITLES

        token = TITLES.set(job.titles)
        try:
            data, variant, date = _render(job, medium, rng)
        finally:
            TITLES.reset(token)
        if not job.verify or medium == "scan":
            return Made(job.key, data, medium, variant, EXT[medium], date, False, failures)
        diffs, rules = verify(Job(**{**job.__dict__, "medium": medium}), data, date)
        if not diffs:
            return Made(job.key, data, medium, variant, EXT[medium], date, True, failures, rules)
        failures.append({"medium": medium, "variant": variant, "diffs": diffs[:6], "sha256": hashlib.sha256(data).hexdigest()[:16]})
    raise RuntimeError(f"{job.key}: no medium reads back exactly: {failures}")
