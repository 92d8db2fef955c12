"""The scan reader's findings on a report: uncertain cells, an uncertain title, red ink left out."""

from __future__ import annotations

from ...report import keys as K
from ...report.model import Finding, Report
from .. import blocks as B
from .params import CONFIDENCE_WARN


_TABLE_NAMES = {"t2": "表二", "t2_2019": "表二", "t3": "表三", "t4": "表四"}


def add_uncertain_findings(report: Report) -> None:
    """One read.ocr_uncertain warning per cell read with low confidence or corrected."""
    for key, cell in report.cells.items():
        conf = cell.where.get("confidence")
        fixed_from = cell.where.get("corrected_from")
        if conf is None and fixed_from is None:
            continue
        if fixed_from is None and conf is not None and conf >= CONFIDENCE_WARN:
            continue
        table = _TABLE_NAMES.get(key.split(".", 1)[0], "表格")
        raw = fixed_from if fixed_from is not None else cell.raw
        msg = f"{table} {key} 识别为 {cell.raw!s}，识别置信度 {conf:.2f}（原文「{raw}」）" if conf is not None else f"{table} {key}（原文「{raw}」）"
        if fixed_from is not None:
            msg += f"，已按数字更正为「{cell.raw}」"
        msg += "，请核对"
        report.findings.append(Finding("read.ocr_uncertain", "warning", [key], msg, expected=None, actual=cell.raw))


def add_title_findings(report: Report, blocks: list[B.Block]) -> None:
    """A read.ocr_uncertain warning when the agency and year were taken from a line read with low
    confidence: the first OCR paragraph that holds the agency as read (the title).

    Why: a rare character the recogniser does not know (the 硐 of 卷硐镇) is dropped, and the name then
    reads as another, plausible one. The title line's confidence is what shows it: 0.93 for 平罗县卷镇
    from the recogniser alone, 0.5 once `wide_gap` sees the lost character's place."""
    agency = report.agency
    if not agency:
        return
    for b in blocks:
        if isinstance(b, B.Para) and agency in b.text and "confidence" in b.where:
            conf = b.where["confidence"]
            if conf < CONFIDENCE_WARN:
                msg = f"机关名称「{agency}」和年度取自第 {b.where.get('page', '?')} 页识别置信度 {conf:.2f} 的文字「{b.text[:60]}」，可能漏认或错认了字，请核对"
                report.findings.append(Finding("read.ocr_uncertain", "warning", [], msg, expected=None, actual=agency))
            return


def add_red_ink_findings(report: Report, pages: list[int]) -> None:
    """One read.red_ink_ignored warning when red ink (a seal) was left out of the OCR of `pages`."""
    if not pages:
        return
    where = "、".join(f"第 {p} 页" for p in pages)
    msg = f"{where}有红色印章或红色文字，识别时已去除红色部分（盖在数字上的印章不再遮挡数字）；红色印刷的文字（如红头）未读入，请核对"
    report.findings.append(Finding("read.red_ink_ignored", "warning", [], msg, expected=None, actual=pages))


def add_lost_row_findings(report: Report) -> None:
    """One read.ocr_row_lost error per table row of a scan whose cells were not read and that no error
    names yet (a read.row_missing warning, a table not found at all): every page was read, so the row
    was printed and lost to OCR (a stain, a fold, a seal, a page part the recogniser could not place),
    and its cells, left empty, may be wrong. A scan is never refused as truncated (text.parse_text's
    `whole`): what was read is kept, and what was lost is named."""
    fmt = report.table_format
    named = {k for f in report.findings if f.severity == "error" for k in f.cells}
    rows: dict[str, list[str]] = {}
    for key in K.cell_keys(fmt):
        rows.setdefault(key.rsplit(".", 1)[0] if key.count(".") >= 2 else key, []).append(key)
    for row, keys in rows.items():
        # Lost: no cell of the row was read from the page (OCR leaves no box for a blank cell, so a
        # row of which nothing has a location was not found), and no error names it yet.
        if any(report.cells[k].where for k in keys if k in report.cells) or all(k in named for k in keys):
            continue
        table = _TABLE_NAMES.get(row.split(".", 1)[0], "表格")
        msg = f"{table} {row} 行（{len(keys)} 个单元格）在扫描件的识别结果中没有找到，单元格留空，可能与原件不符，请对照原件核对"
        report.findings.append(Finding("read.ocr_row_lost", "error", keys, msg, expected=None, actual=None))
