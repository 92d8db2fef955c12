"""Import of decision counts and fee income from CSV or XLSX, all or nothing.

Files are small (a year is 12 months × 3 kinds), so the limits are far below the report upload's:
`IMPORT_MAX_BYTES` for the file, `IMPORT_MAX_ROWS` rows, and for XLSX (a ZIP) the unpacked size, so
a compressed bomb is refused before openpyxl opens it. The type is sniffed from the bytes, never
from the name: XLSX is a ZIP with `xl/workbook.xml`; CSV is text in UTF-8 (with or without a BOM)
or GBK/GB18030 (Excel's "CSV" on Chinese Windows); anything else (an old .xls, a PDF, binary) is
refused. Every row is checked before any is saved; the errors name the spreadsheet row (the header
is row 1).

Numbers: counts are non-negative integers; amounts are exact Decimals in 万元 with at most 4
decimal places. openpyxl reads a numeric XLSX cell as a Python float: it is turned into the shortest
decimal that reads back as the same double (`repr`), i.e. the number as typed in Excel, never
through float arithmetic.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

#: Largest import file: a few thousand rows of CSV are ~100 KB; an XLSX of them ~50 KB.
IMPORT_MAX_BYTES = 1024 * 1024
#: Most data rows in one file (a monthly register of decades would be ~1,000).
IMPORT_MAX_ROWS = 5000
#: Largest unpacked XLSX (all members).
XLSX_MAX_UNPACKED_BYTES = 20 * 1024 * 1024

DECISION_COLUMNS = ("year", "kind", "period", "count")
FEE_COLUMNS = ("year", "period", "amount_wan_yuan")
_KIND_ALIASES = {"licensing": "licensing", "行政许可": "licensing", "penalty": "penalty", "行政处罚": "penalty",
                 "compulsion": "compulsion", "行政强制": "compulsion"}
YEAR_RANGE = (2000, 2100)
_PLAIN_DECIMAL = re.compile(r"^\d{1,12}(\.\d{1,4})?$")


class ImportRefused(ValueError):
    """The file as a whole is refused (type, size, header)."""


@dataclass
class Checked:
    """Rows that passed (dicts of model fields) and errors as (row number, message)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")  # a superset of GBK
    except UnicodeDecodeError:
        raise ImportRefused("文件既不是 UTF-8 也不是 GBK 编码的 CSV") from None


def sniff(data: bytes) -> str:
    """"xlsx" or "csv"; raises ImportRefused for anything else."""
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                unpacked = sum(i.file_size for i in z.infolist())
        except zipfile.BadZipFile:
            raise ImportRefused("文件不是有效的 XLSX") from None
        if "xl/workbook.xml" not in names:
            raise ImportRefused("ZIP 文件不是 XLSX 工作簿")
        if unpacked > XLSX_MAX_UNPACKED_BYTES:
            raise ImportRefused("XLSX 解压后过大")
        return "xlsx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRefused("不支持旧版 .xls 文件，请另存为 .xlsx 或 CSV")
    if b"\x00" in data[:4096] or data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8")):
        raise ImportRefused("文件不是 CSV 或 XLSX")
    return "csv"


def read_table(data: bytes) -> list[list[Any]]:
    """The rows of the first sheet (XLSX) or of the CSV, header included; cells as read."""
    if len(data) > IMPORT_MAX_BYTES:
        raise ImportRefused(f"文件超过 {IMPORT_MAX_BYTES // 1024} KB 上限")
    if not data.strip():
        raise ImportRefused("文件为空")
    kind = sniff(data)
    rows: list[list[Any]] = []
    if kind == "csv":
        for row in csv.reader(io.StringIO(_decode(data))):
            rows.append(row)
            if len(rows) > IMPORT_MAX_ROWS + 1:
                raise ImportRefused(f"行数超过 {IMPORT_MAX_ROWS} 行上限")
        return rows
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a broken file
        raise ImportRefused("无法读取 XLSX 文件") from None
    try:
        ws = wb.worksheets[0]
        for row in ws.iter_rows(max_col=8, values_only=True):
            rows.append(list(row))
            if len(rows) > IMPORT_MAX_ROWS + 1:
                raise ImportRefused(f"行数超过 {IMPORT_MAX_ROWS} 行上限")
    finally:
        wb.close()
    return rows


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v).strip()


def _int(v: Any) -> int | None:
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    s = _text(v)
    if s.endswith(".0") and s[:-2].isdigit():  # an integral XLSX float
        s = s[:-2]
    return int(s) if s.isdigit() else None


def amount(v: Any) -> Decimal | None:
    """An exact non-negative 万元 amount with at most 4 decimals, or None."""
    s = _text(v).replace(",", "")
    if not _PLAIN_DECIMAL.match(s):  # no exponents, signs, NaN or Infinity
        return None
    try:
        d = Decimal(s)
    except InvalidOperation:
        return None
    if not d.is_finite() or d < 0 or d.as_tuple().exponent < -4 or d >= Decimal(10) ** 12:  # type: ignore[operator]
        return None
    return d


def _header(rows: list[list[Any]], required: tuple[str, ...]) -> dict[str, int]:
    if not rows:
        raise ImportRefused("文件为空")
    head = [_text(c).lower().lstrip("\ufeff") for c in rows[0]]
    missing = [c for c in required if c not in head]
    if missing:
        raise ImportRefused(f"第1行（表头）缺少列：{', '.join(missing)}；应为 {','.join(required)}[,note]")
    cols = {c: head.index(c) for c in (*required, "note") if c in head}
    return cols


def _cell(row: list[Any], cols: dict[str, int], name: str) -> Any:
    i = cols.get(name)
    return row[i] if i is not None and i < len(row) else None


def _common(row: list[Any], cols: dict[str, int], errs: list[str]) -> tuple[int | None, str, str]:
    year = _int(_cell(row, cols, "year"))
    if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        errs.append(f"年度“{_text(_cell(row, cols, 'year'))}”无效")
        year = None
    period = _text(_cell(row, cols, "period"))
    if len(period) > 32:
        errs.append("期间超过 32 字")
    note = _text(_cell(row, cols, "note"))
    if len(note) > 500:
        errs.append("备注超过 500 字")
    return year, period, note


def check_decisions(rows: list[list[Any]], existing: set[tuple[int, str, str]]) -> Checked:
    """Rows of year,kind,period,count[,note]; a (year, kind, period) already in the register
    (`existing`) or twice in the file is an error, so importing a file twice never doubles a count."""
    cols = _header(rows, DECISION_COLUMNS)
    out, seen = Checked(), set(existing)
    for no, row in enumerate(rows[1:], start=2):
        if all(_text(c) == "" for c in row):
            continue
        errs: list[str] = []
        year, period, note = _common(row, cols, errs)
        kind = _KIND_ALIASES.get(_text(_cell(row, cols, "kind")).lower())
        if kind is None:
            errs.append(f"类别“{_text(_cell(row, cols, 'kind'))}”无效（licensing、penalty 或 compulsion）")
        count = _int(_cell(row, cols, "count"))
        if count is None or count > 2_000_000_000:
            errs.append(f"数量“{_text(_cell(row, cols, 'count'))}”不是非负整数")
        key = (year, kind, period)
        if year is not None and kind is not None:
            if key in seen:
                errs.append(f"{year}年 {kind} 期间“{period}”已有记录（重复）")
            seen.add(key)  # type: ignore[arg-type]
        if errs:
            out.errors.append((no, "；".join(errs)))
        else:
            out.rows.append({"year": year, "kind": kind, "period": period, "count": count, "note": note})
    if not out.rows and not out.errors:
        out.errors.append((2, "没有数据行"))
    return out


def check_fees(rows: list[list[Any]], existing: set[tuple[int, str]]) -> Checked:
    """Rows of year,period,amount_wan_yuan[,note]; duplicates refused as for decisions."""
    cols = _header(rows, FEE_COLUMNS)
    out, seen = Checked(), set(existing)
    for no, row in enumerate(rows[1:], start=2):
        if all(_text(c) == "" for c in row):
            continue
        errs: list[str] = []
        year, period, note = _common(row, cols, errs)
        value = amount(_cell(row, cols, "amount_wan_yuan"))
        if value is None:
            errs.append(f"金额“{_text(_cell(row, cols, 'amount_wan_yuan'))}”不是非负数（万元，最多4位小数）")
        if year is not None:
            if (year, period) in seen:
                errs.append(f"{year}年 期间“{period}”已有记录（重复）")
            seen.add((year, period))
        if errs:
            out.errors.append((no, "；".join(errs)))
        else:
            out.rows.append({"year": year, "period": period, "amount_wan_yuan": value, "note": note})
    if not out.rows and not out.errors:
        out.errors.append((2, "没有数据行"))
    return out
