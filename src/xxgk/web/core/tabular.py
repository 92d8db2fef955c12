"""Every list of the web app exports as CSV or XLSX through `download()`: one way to name
columns (the contract's keys, report-json.md, as the CSV headers; the Chinese label as XLSX's
second header row), one way to make the file.

    return tabular.download(rows, columns, "coverage-2024", request.GET.get("export"))

`columns` is a list of (key, label): `key` is the dict key of each row and the CSV header,
`label` the Chinese heading. CSV is UTF-8 with a BOM, so that Excel on Chinese Windows opens it
as Unicode. A cell that starts with `= + - @` (a formula, in a spreadsheet) is prefixed with `'`
so that a report's hostile text can never run as a formula where the export is opened.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import Http404, HttpResponse

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def csv_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, Any]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([k for k, _ in columns])
    for row in rows:
        w.writerow(["" if row.get(k) is None else _safe(row.get(k)) for k, _ in columns])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, Any]], title: str = "xxgk") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31] or "xxgk")
    ws.append([str(label) for _, label in columns])
    ws.append([k for k, _ in columns])
    for row in rows:
        ws.append([_safe(row.get(k)) for k, _ in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def download(rows: Iterable[dict[str, Any]], columns: Sequence[tuple[str, Any]], stem: str, fmt: str | None) -> HttpResponse:
    """The rows as an attachment in `fmt` ("csv" or "xlsx"); 404 for another format."""
    if fmt not in FORMATS:
        raise Http404("unknown export format")
    data = csv_bytes(rows, columns) if fmt == "csv" else xlsx_bytes(rows, columns, stem)
    response = HttpResponse(data, content_type=FORMATS[fmt])
    safe_stem = "".join(c if c.isalnum() or c in "-_." else "_" for c in stem) or "export"
    response["Content-Disposition"] = f'attachment; filename="{safe_stem}.{fmt}"'
    return response
