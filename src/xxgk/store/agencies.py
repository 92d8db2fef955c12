"""The agency hierarchy: imported from and exported to CSV/XLSX, queried by subtree, and the
settling of a report whose printed agency matched nothing or several agencies.

An office keeps its hierarchy in a spreadsheet (编码, 名称, 层级, 上级编码, 别名), edits it there
and imports it again: `import_agencies` upserts by code, accepts rows in any order (a parent after
its children), and either applies the whole file in one transaction or, if any row is wrong,
nothing at all, listing every wrong row with its line number. `export_agencies` writes the same
columns back, so export → edit → import is a round trip.
"""

from __future__ import annotations

import csv
import functools
import io
import itertools
import os
import re
import stat
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xxgk.errors import XxgkError

__all__ = ["AgencyFileError", "ImportResult", "RowError", "import_agencies", "export_agencies", "subtree",
           "ancestors", "settle", "parse_level", "HEADERS"]

#: Largest hierarchy file read (a national list of 500,000 agencies is ~50 MB as CSV).
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Export headers, in the order written; each is also accepted on import.
HEADERS = ("编码", "名称", "层级", "上级编码", "别名", "规章制定权")
_MAX_CODE, _MAX_NAME, _MAX_PATH = 64, 200, 1000

#: Header spellings → field. Compared after NFKC, lower case, no spaces, no `*` or bracketed notes.
_COLUMNS = {
    "code": {"code", "编码", "代码", "机构编码", "机构代码", "单位编码", "单位代码"},
    "name": {"name", "名称", "机构名称", "单位名称", "机关名称"},
    "level": {"level", "层级", "级别", "机构层级"},
    "parent": {"parent", "parent_code", "parentcode", "上级", "上级编码", "上级代码", "上级机构编码", "上级机构代码"},
    "aliases": {"aliases", "alias", "别名", "简称", "曾用名"},
    "rule_making": {"rule_making", "rulemaking", "规章制定权", "有无规章制定权"},
}
_REQUIRED = ("code", "name", "level")
_COLUMN_LABEL = {"code": "编码", "name": "名称", "level": "层级", "parent": "上级编码", "aliases": "别名",
                 "rule_making": "规章制定权"}

#: Level spellings → key: the keys, the display labels of models.LEVELS and what offices write.
_LEVEL_WORDS = {
    "national": {"国家", "国家级", "中央", "国务院"},
    "province": {"省", "省级", "省部级", "自治区", "直辖市", "provincial"},
    "city": {"市", "市级", "地市", "地市级", "地级", "地级市", "设区的市", "市州", "自治州", "盟", "prefecture"},
    "county": {"县", "县级", "区县", "县区", "县市区", "县(市、区)", "县级市", "市辖区", "自治县", "旗", "district"},
    "township": {"乡镇", "乡", "镇", "街道", "乡镇街道", "乡镇(街道)", "乡级", "town"},
    "department": {"部门", "工作部门", "dept"},
}
_LEVEL_OF = {w: k for k, words in _LEVEL_WORDS.items() for w in words | {k}}

_TRUE = {"是", "有", "y", "yes", "true", "1", "√", "✓"}
_FALSE = {"否", "无", "n", "no", "false", "0", "×"}
_ALIAS_SPLIT = re.compile(r"[;；、|｜\r\n]")
#: Excel turns long numeric codes into 5.11724E+05 when a CSV is opened and saved.
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d+$")
#: A cell starting so is a formula to a spreadsheet (CSV injection); no agency is named so.
_FORMULA_START = ("=", "+", "-", "@")
_KEEP = object()  # a column absent from the file: the existing value is kept


class AgencyFileError(XxgkError, ValueError):
    """The file cannot be read as a hierarchy at all (empty, binary, no usable header)."""


@dataclass(frozen=True)
class RowError:
    line: int
    code: str
    message: str

    def __str__(self) -> str:
        return f"第 {self.line} 行{f'（{self.code}）' if self.code else ''}：{self.message}"


@dataclass
class ImportResult:
    """What an import did. With any error nothing was written (`applied` is False)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: Agencies whose materialised path changed (moved ones and their descendants).
    moved: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class _Row:
    line: int
    code: str
    name: str
    level: str
    parent: Any  # str code, None (a root) or _KEEP
    aliases: Any  # list[str] or _KEEP
    rule_making: Any  # bool, None or _KEEP


# -- reading the file --------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel's "Unicode text"), else GB18030 (a
    superset of GBK and GB2312, what Excel on a Chinese Windows saves as CSV)."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    else:
        encodings = ["utf-8", "gb18030"]
    for enc in encodings:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            break
        return text
    raise AgencyFileError("无法识别文件编码或不是文本文件（支持 UTF-8、GBK/GB18030 的 CSV 或 XLSX）")


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    try:
        for row in reader:
            yield line, row
            line = reader.line_num + 1
    except csv.Error as e:
        raise AgencyFileError(f"第 {line} 行：CSV 格式错误（{e}）") from None


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))  # a code typed as a number: 511724.0 → "511724"
    return str(v)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise AgencyFileError(f"无法读取 XLSX 文件（{type(e).__name__}）") from None
    try:
        sheet = next((ws for ws in wb.worksheets if ws.sheet_state == "visible"), None)
        if sheet is None:
            raise AgencyFileError("XLSX 文件没有可见的工作表")
        for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield n, [_cell(v) for v in row]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as e:
        raise AgencyFileError(f"无法读取 XLSX 文件（{type(e).__name__}）") from None
    finally:
        wb.close()


def _read_source(source: str | os.PathLike[str] | bytes, name: str | None) -> bytes:
    if isinstance(source, (bytes, bytearray, memoryview)):
        if name and name.lower().endswith(".xls"):
            raise AgencyFileError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
        return bytes(source)
    path = Path(source)
    try:
        st = path.stat()
        if stat.S_ISDIR(st.st_mode):
            raise AgencyFileError("是目录，不是文件")
        if not stat.S_ISREG(st.st_mode):  # a FIFO or a device would block or never end
            raise AgencyFileError("不是普通文件")
        size = st.st_size
        if size > MAX_FILE_BYTES:
            raise AgencyFileError(f"文件过大（{size} 字节，上限 {MAX_FILE_BYTES} 字节）")
        return path.read_bytes()
    except OSError as e:
        raise AgencyFileError(f"无法读取文件：{e.strerror or e}") from None


def _table(data: bytes) -> Iterator[tuple[int, list[str]]]:
    if not data.strip():
        raise AgencyFileError("文件为空")
    if len(data) > MAX_FILE_BYTES:
        raise AgencyFileError(f"文件过大（{len(data)} 字节，上限 {MAX_FILE_BYTES} 字节）")
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise AgencyFileError("不支持旧版 Excel（.xls）文件，请另存为 .xlsx 或 CSV")
    return _csv_rows(data)


def _header_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().lower().replace("*", "")
    s = re.sub(r"\(.*?\)", "", s)
    return re.sub(r"\s+", "", s)


def _columns(header: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        key = _header_key(h)
        for fld, words in _COLUMNS.items():
            if key in words:
                found.setdefault(fld, []).append(i)
    for fld, idx in found.items():
        if len(idx) > 1 and fld != "aliases":
            raise AgencyFileError(f"表头中“{_COLUMN_LABEL[fld]}”列出现了 {len(idx)} 次："
                                  f"{'、'.join(header[i] for i in idx)}")
    missing = [f for f in _REQUIRED if f not in found]
    if missing:
        wanted = "、".join(f"{_COLUMN_LABEL[f]}（{f}）" for f in missing)
        seen = "、".join(h.strip() for h in header if h.strip())[:200] or "（空）"
        raise AgencyFileError(f"缺少必需的列：{wanted}；表头为：{seen}")
    return found


@functools.cache
def _level_labels() -> dict[str, str]:
    """models.LEVELS (imported late: the models need Django set up, this module does not)."""
    from .models import LEVELS

    return dict(LEVELS)


@functools.cache
def _level_words() -> dict[str, str]:
    words = dict(_LEVEL_OF)
    words.update({unicodedata.normalize("NFKC", label): key for key, label in _level_labels().items()})
    return words


def parse_level(text: str) -> str | None:
    """A level key from what a file says (`county`, `县级`, `乡镇（街道）`…), or None."""
    s = unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")
    words = _level_words()
    if s in words:
        return words[s]
    s = s.removesuffix("政府")
    return _LEVEL_OF.get(s) or _LEVEL_OF.get(s.removesuffix("级"))


def _parse_rows(data: bytes) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    table = _table(data)
    cols: dict[str, list[int]] | None = None
    for line, raw in table:
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if cols is None:
            cols = _columns(cells)
            continue

        def get(fld: str, cells: list[str] = cells) -> str:
            return cells[cols[fld][0]] if cols is not None and cols[fld][0] < len(cells) else ""

        code, name, level_text = get("code"), get("name"), get("level")
        problems = []
        if not code:
            problems.append("编码为空")
        elif len(code) > _MAX_CODE:
            problems.append(f"编码超过 {_MAX_CODE} 个字符")
        elif "/" in code or any(ch.isspace() for ch in code):
            problems.append("编码不能包含“/”或空白")
        elif _SCIENTIFIC.match(code):
            problems.append(f"编码“{code}”像是被 Excel 转成了科学计数法，请把编码列设为文本后重新导出")
        if not name:
            problems.append("名称为空")
        elif len(name) > _MAX_NAME:
            problems.append(f"名称超过 {_MAX_NAME} 个字符")
        for label, value in (("编码", code), ("名称", name)):
            if value.startswith(_FORMULA_START):
                problems.append(f"{label}不能以 = + - @ 开头")
        level = parse_level(level_text) if level_text else None
        if not level_text:
            problems.append("层级为空")
        elif level is None:
            problems.append(f"无法识别的层级“{level_text}”（应为 国家/省级/市级/县级/乡镇/部门 之一）")
        parent: Any = _KEEP
        if "parent" in cols:
            parent = get("parent") or None
            if parent is not None and parent == code:
                problems.append("上级编码不能是自身")
        aliases: Any = _KEEP
        if "aliases" in cols:
            aliases = []
            for i in cols["aliases"]:
                for a in _ALIAS_SPLIT.split(cells[i] if i < len(cells) else ""):
                    a = a.strip()
                    if a and a != name and a not in aliases:
                        if len(a) > _MAX_NAME or a.startswith(_FORMULA_START):
                            problems.append(f"别名“{a[:20]}”无效")
                        aliases.append(a)
        rule_making: Any = _KEEP
        if "rule_making" in cols:
            rm = unicodedata.normalize("NFKC", get("rule_making")).strip().lower()
            if rm == "":
                rule_making = None
            elif rm in _TRUE:
                rule_making = True
            elif rm in _FALSE:
                rule_making = False
            else:
                problems.append(f"规章制定权应为 是/否 或留空，而不是“{get('rule_making')}”")
        if problems:
            errors.extend(RowError(line, code[:_MAX_CODE], p) for p in problems)
        rows.append(_Row(line, code, name, level or "", parent, aliases, rule_making))
    if cols is None:
        raise AgencyFileError("文件为空（没有表头）")
    if not rows:
        raise AgencyFileError("文件只有表头，没有机构")
    return rows, errors


# -- importing ---------------------------------------------------------------------------------


def _check_tree(rows: list[_Row], existing: dict[str, tuple[Any, ...]]) -> tuple[dict[str, str], list[RowError]]:
    """Duplicate codes, unknown parents and cycles over the file merged onto the store; the
    final path of every agency when there are none."""
    errors: list[RowError] = []
    first: dict[str, int] = {}
    for r in rows:
        if r.code in first:
            errors.append(RowError(r.line, r.code, f"编码重复（与第 {first[r.code]} 行相同）"))
        elif r.code:
            first[r.code] = r.line
    parent_of: dict[str, str | None] = {code: e[5] for code, e in existing.items()}
    for r in rows:
        if r.code and r.parent is not _KEEP:
            parent_of[r.code] = r.parent if r.parent != r.code else None  # reported already
        elif r.code and r.code not in parent_of:
            parent_of[r.code] = None
    for r in rows:
        p = parent_of.get(r.code)
        if r.code and p is not None and p not in parent_of:
            errors.append(RowError(r.line, r.code, f"上级编码“{p}”既不在文件中，也不在库中"))
    if errors:
        return {}, errors
    line_of = {r.code: r.line for r in rows}
    paths: dict[str, str] = {}
    state: dict[str, int] = {}  # 1: on the walk, 2: done
    reported: set[str] = set()
    for start in parent_of:
        walk: list[str] = []
        code: str | None = start
        while code is not None and state.get(code) is None:
            state[code] = 1
            walk.append(code)
            code = parent_of.get(code)
        if code is not None and state.get(code) == 1:
            loop = walk[walk.index(code):]
            # Told from the file's first row in the loop (the store alone has no cycle).
            first_row = min((c for c in loop if c in line_of), key=lambda c: line_of[c])
            at = loop.index(first_row)
            loop = loop[at:] + loop[:at]
            text = " → ".join([*loop, first_row])
            for c in loop:
                if c in line_of and c not in reported:
                    reported.add(c)
                    errors.append(RowError(line_of[c], c, f"上级关系成环：{text}"))
            for c in walk:
                state[c] = 2
            continue
        base = "/" if code is None else paths.get(code, "")
        for c in reversed(walk):
            base = paths[c] = f"{base}{c}/"
            state[c] = 2
    for r in rows:
        if len(paths.get(r.code, "")) > _MAX_PATH:
            errors.append(RowError(r.line, r.code, f"层级过深：路径超过 {_MAX_PATH} 个字符"))
    return paths, errors


def _create(rows: list[_Row], existing: dict[str, Any], paths: dict[str, str], ids: dict[str, int]) -> int:
    """The new agencies, a layer of the tree at a time so that every parent's id is known when
    its children are written (bulk_update of parents afterwards was 60 s for 50,000 agencies)."""
    from .models import Agency

    new = sorted((r for r in rows if r.code not in existing), key=lambda r: paths[r.code].count("/"))
    for _depth, layer in itertools.groupby(new, key=lambda r: paths[r.code].count("/")):
        objs = [Agency(code=r.code, name=r.name, level=r.level, path=paths[r.code],
                       parent_id=ids[r.parent] if r.parent not in (None, _KEEP) else None,
                       aliases=r.aliases if r.aliases is not _KEEP else [],
                       rule_making=r.rule_making if r.rule_making is not _KEEP else None)
                for r in layer]
        Agency.objects.bulk_create(objs, batch_size=1000)
        if all(o.pk is not None for o in objs):
            ids.update((o.code, o.pk) for o in objs)
        else:  # a backend that returns no ids from a bulk insert
            codes = [o.code for o in objs]
            for k in range(0, len(codes), 500):
                ids.update(Agency.objects.filter(code__in=codes[k:k + 500]).values_list("code", "id"))
    return len(new)


def _execute_many(columns: str, params: list[tuple[Any, ...]]) -> None:
    """UPDATE agency SET <columns> WHERE id, one statement run for many rows (Django's bulk_update
    builds a CASE per field and row: minutes for 50,000 rows)."""
    from django.db import connection

    from .models import Agency

    if not params:
        return
    q = connection.ops.quote_name
    sets = ", ".join(f"{q(Agency._meta.get_field(c).column)} = %s" for c in columns.split())
    with connection.cursor() as cur:
        cur.executemany(f"UPDATE {q(Agency._meta.db_table)} SET {sets} WHERE {q('id')} = %s", params)


def _update(updates: list[tuple[Any, ...]], ids: dict[str, int]) -> None:
    from django.db import connection

    from .models import Agency

    aliases_field = Agency._meta.get_field("aliases")
    _execute_many("name level aliases rule_making parent", [
        (name, level, aliases_field.get_db_prep_save(aliases, connection), rule_making,
         ids[parent] if parent else None, pk)
        for pk, name, level, aliases, rule_making, parent in updates
    ])


def import_agencies(source: str | os.PathLike[str] | bytes, *, name: str | None = None) -> ImportResult:
    """Upsert the agencies of a CSV or XLSX file by code; all or nothing.

    Raises AgencyFileError when the file is not a hierarchy at all (empty, binary, no header with
    编码/名称/层级); returns the per-row errors (and writes nothing) when some rows are wrong.
    Columns that the file lacks (上级编码, 别名, 规章制定权) keep the stored values of existing
    agencies. Agencies of the store missing from the file are kept: the file may be a part."""
    from django.db import transaction

    from .models import Agency

    data = _read_source(source, name)
    rows, errors = _parse_rows(data)
    result = ImportResult(rows=len(rows))
    existing: dict[str, tuple[Any, ...]] = {
        r[1]: r for r in Agency.objects.values_list("id", "code", "name", "aliases", "level", "parent__code",
                                                   "rule_making", "path")
    }
    paths, tree_errors = _check_tree(rows, existing)
    result.errors = sorted(errors + tree_errors, key=lambda e: (e.line, e.code))
    if result.errors:
        return result
    updates: list[tuple[Any, ...]] = []
    for r in rows:
        old = existing.get(r.code)
        if old is None:
            continue
        parent = old[5] if r.parent is _KEEP else r.parent
        aliases = list(old[3] or []) if r.aliases is _KEEP else r.aliases
        rule_making = old[6] if r.rule_making is _KEEP else r.rule_making
        if (old[2], list(old[3] or []), old[4], old[5], old[6]) == (r.name, aliases, r.level, parent, rule_making):
            result.unchanged += 1
        else:
            updates.append((old[0], r.name, r.level, aliases, rule_making, parent))
    result.updated = len(updates)
    with transaction.atomic():
        ids = {code: e[0] for code, e in existing.items()}
        result.created = _create(rows, existing, paths, ids)
        _update(updates, ids)
        moved = [(path, ids[code]) for code, path in paths.items() if code in existing and existing[code][7] != path]
        _execute_many("path", moved)
        result.moved = len(moved)
    result.applied = True
    return result


# -- exporting and querying --------------------------------------------------------------------


def _export_rows(under: Any = None) -> Iterator[list[str]]:
    from .models import Agency

    qs = subtree(under) if under is not None else Agency.objects.all()
    labels = _level_labels()
    for code, name, level, parent, aliases, rm in qs.order_by("path").values_list(
            "code", "name", "level", "parent__code", "aliases", "rule_making"):
        yield [code, name, labels.get(level, level), parent or "", "；".join(aliases or []),
               "" if rm is None else ("是" if rm else "否")]


def export_agencies(fmt: str = "csv", *, under: Any = None) -> bytes:
    """The hierarchy (or the subtree of `under`) as CSV (UTF-8 with BOM, which Excel opens as
    such) or XLSX, parents before children, in the columns `import_agencies` reads back."""
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(HEADERS)
        writer.writerows(_export_rows(under))
        return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("机构")
        ws.append(list(HEADERS))
        for row in _export_rows(under):
            ws.append(row)  # strings: a code stays text, "0101" keeps its zero
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(f"未知的导出格式：{fmt}（应为 csv 或 xlsx）")


def _agency(agency: Any) -> Any:
    from .models import Agency

    if isinstance(agency, Agency):
        return agency
    try:
        return Agency.objects.get(code=str(agency))
    except Agency.DoesNotExist:
        raise KeyError(f"未知的机构编码：{agency}") from None


def subtree(agency: Any, *, include_self: bool = True) -> Any:
    """The agencies under `agency` (an Agency or its code), itself included unless told: one
    prefix query on the materialised path."""
    from .models import Agency

    a = _agency(agency)
    qs = Agency.objects.filter(path__startswith=a.path)
    return qs if include_self else qs.exclude(pk=a.pk)


def ancestors(agency: Any) -> list[Any]:
    """The agencies above `agency`, top down, from its path."""
    from .models import Agency

    a = _agency(agency)
    codes = [c for c in a.path.strip("/").split("/")][:-1]
    found = {x.code: x for x in Agency.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


# -- settling ----------------------------------------------------------------------------------


def _user_name(user: Any) -> str:
    if user is None:
        return ""
    getter = getattr(user, "get_username", None)
    return str(getter() if callable(getter) else user)[:150]


def settle(report: Any, agency: Any, *, user: Any) -> Any:
    """A person settles a report (ambiguous, unmatched, or matched wrongly) to `agency`.

    When the agency already has a report of that year, this report's versions move onto it,
    numbered after its own (a version whose file that report already holds in the same reading is
    not moved twice: its ingests point at the twin, and it is deleted), and this report is
    deleted; otherwise this report gets the agency. Either way the result is marked
    match='manual' and stale (its quality signals are recomputed), and each moved version's note
    says who settled it. Returns the resulting Report."""
    from django.db import transaction
    from django.db.models import Max
    from django.utils import timezone

    from .models import Finding, Ingest, Report, Version

    target = _agency(agency)
    who = _user_name(user) or "?"
    with transaction.atomic():
        rid = report.pk if isinstance(report, Report) else int(report)
        src = Report.objects.select_for_update().get(pk=rid)
        stamp = f"{timezone.now():%Y-%m-%d %H:%M} {who} 人工确认机构为 {target.name}（{target.code}）"
        if src.printed_agency:
            stamp += f"，原印 “{src.printed_agency}”"
        dest = None
        if src.year is not None:
            dest = (Report.objects.select_for_update().filter(agency=target, year=src.year)
                    .exclude(pk=src.pk).first())
        versions = list(src.versions.order_by("number"))
        if dest is None:
            src.agency, src.match, src.candidates, src.stale = target, "manual", [], True
            src.save(update_fields=["agency", "match", "candidates", "stale"])
            for v in versions:
                v.note = f"{v.note}\n{stamp}".strip()
            Version.objects.bulk_update(versions, ["note"])
            Finding.objects.filter(version__report=src).update(agency=target, year=src.year)
            return src
        number = dest.versions.aggregate(n=Max("number"))["n"] or 0
        src_active = src.active_id
        moved_active = None
        for v in versions:
            twin = None
            if v.made_by in ("parsed", "reparsed"):
                twin = dest.versions.filter(sha256=v.sha256, xxgk_version=v.xxgk_version,
                                            made_by__in=("parsed", "reparsed")).first()
            if twin is not None:
                Ingest.objects.filter(version=v).update(version=twin)
                if v.pk == src_active:
                    moved_active = twin
                v.delete()  # Report.active is SET_NULL: src lets go of it
                continue
            number += 1
            v.report, v.number, v.note = dest, number, f"{v.note}\n{stamp}".strip()
            v.save(update_fields=["report", "number", "note"])
            Finding.objects.filter(version=v).update(agency=target, year=dest.year)
            if v.pk == src_active:
                moved_active = v
        # A person's correction stays active; otherwise the later of the two readings is.
        current = dest.active
        if moved_active is not None and (current is None or (
                current.made_by != "corrected" and moved_active.created_at >= current.created_at)):
            dest.active = moved_active
        dest.match, dest.candidates, dest.stale = "manual", [], True
        if not dest.printed_agency and src.printed_agency:
            dest.printed_agency = src.printed_agency
        dest.save(update_fields=["active", "match", "candidates", "stale", "printed_agency"])
        src.delete()
        return dest
