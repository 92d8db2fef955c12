"""Corrections with a trail: a person's change to a report is a new version, never an edit.

    from xxgk.store import corrections
    v = corrections.correct(report, cells={"t3.granted.total": "12"}, user="zhang", note="原表漏计 2 件")
    corrections.make_active(report.versions.get(number=1), user="zhang")   # back to the reading
    d = corrections.diff(v1, v2)           # cells and sections that differ

Why versions and not edits: the office must be able to say who changed a published number, when
and why, and to go back. A correction copies its base version's contract object, replaces the raw
text of the cells (or the text of the sections) the person gave, re-runs the checks at once
(`Report.to_dict()`: identities and warnings are recomputed from the new raw text, so a finding
that the correction fixes disappears and one that it breaks appears), and files the result as a
version `made_by="corrected"` with the person as `author` and the reason as `note`. It keeps its
base's source (sha256, blob, name, origin): what was corrected is still that file's reading, and
the source view of a corrected version still shows where each cell was printed. The base stays as
it was. The store's own signals (`xxgk.store.quality`) are recomputed for the report.

Reader findings (`read.*`) survive `Report.from_dict`; one is dropped when a person has corrected
every cell it names (they settled what the reader could not), kept when it names another cell too
or none. The cells corrected so far are listed in the contract object's `extra.corrected_cells`.

The web app's correction form and "make active" button are thin faces of these functions; the
caller audits (the web wraps each call and its audit event in one transaction).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["CorrectionError", "Diff", "MAX_RAW", "MAX_SECTION", "correct", "diff", "make_active"]

#: Longest raw text of one cell a person may give: real cells are up to ~12 characters ("984361元",
#: "1,234件"); a longer text is a paste gone wrong.
MAX_RAW = 100
#: Longest section text: the longest real narrative section is ~6,000 characters (shared/real).
MAX_SECTION = 50_000


class CorrectionError(ValueError):
    """A correction that cannot be made as asked (unknown cell, no reason, nothing changed …): the
    message is Chinese, for the person who asked."""


def _from_dict(data: Mapping[str, Any]) -> Any:
    from ..report.model import Report

    return Report.from_dict(dict(data))


def correct(report: Any, *, cells: Mapping[str, str] | None = None, sections: Mapping[str, str] | None = None,
            user: str, note: str, base: Any = None, require_active: bool = False, refresh: bool = True) -> Any:
    """File a correction of `report` (a `Report` row or its id) as its new active version.

    `cells`: cell key → the raw text as it should have been printed ("12", "/", "" for blank);
    `sections`: section key (`overview` … `other`) → its text. `base` (a `Version` of the report,
    default the active one) is the version corrected. `user` (the author) and `note` (why) are
    required. Cells and sections given unchanged are ignored; nothing left to change is an error.
    `require_active`: refuse when `base` is no longer the active version (a form opened before
    someone else's correction must not silently build beside it).

    One transaction, the report's row locked meanwhile (two people correcting at once get
    consecutive numbers, the later on top of the earlier). With `refresh` (default), the store's
    quality signals of the report are recomputed before returning. Returns the new `Version`.
    Raises CorrectionError for a request that cannot be honoured."""
    from django.db import transaction

    from ..report import keys as K
    from .models import Report

    user, note = (user or "").strip(), (note or "").strip()
    if not user:
        raise CorrectionError("更正须注明更正人")
    if not note:
        raise CorrectionError("更正须说明理由")
    cells, sections = dict(cells or {}), dict(sections or {})
    with transaction.atomic():
        rid = report.pk if isinstance(report, Report) else int(report)
        row = Report.objects.select_for_update().get(pk=rid)
        if base is None:
            if row.active_id is None:
                raise CorrectionError("该年报没有可更正的版本")
            base = row.versions.get(pk=row.active_id)
        elif base.report_id != row.pk:
            raise CorrectionError("所更正的版本不属于该年报")
        else:
            if require_active and base.pk != row.active_id:
                raise CorrectionError("该年报已有更新的版本，请刷新后重新更正")
            base = row.versions.get(pk=base.pk)  # its data as stored (a just-created one may hold RawJSON)
        r = _from_dict(base.data)
        allowed = set(K.cell_keys(r.table_format))
        changed_cells: dict[str, tuple[str, str]] = {}
        for key, raw in cells.items():
            if key not in allowed:
                raise CorrectionError(f"没有这个单元格：{key}")
            raw = _clean(raw)
            if len(raw) > MAX_RAW:
                raise CorrectionError(f"单元格 {key} 的内容过长（最多 {MAX_RAW} 个字符）")
            old = r.cells.get(key)
            if (old.raw if old is not None else "") == raw:
                continue
            changed_cells[key] = (old.raw if old is not None else "", raw)
        changed_sections: dict[str, tuple[str, str]] = {}
        for key, text in sections.items():
            if key not in K.SECTION_KEYS:
                raise CorrectionError(f"没有这个部分：{key}")
            text = _clean(text, multiline=True)
            if len(text) > MAX_SECTION:
                raise CorrectionError(f"正文部分 {key} 过长（最多 {MAX_SECTION} 个字符）")
            if r.sections.get(key, "") == text:
                continue
            changed_sections[key] = (r.sections.get(key, ""), text)
        if not changed_cells and not changed_sections:
            raise CorrectionError("没有任何改动")
        version = _file(row, base, r, changed_cells, changed_sections, user, note)
    if refresh:
        from . import quality

        quality.refresh([row.pk])
    return version


def _clean(text: Any, *, multiline: bool = False) -> str:
    """The text as a person means it: a cell on one line and stripped; a section with Windows line
    ends made plain (a browser's textarea sends CRLF)."""
    text = "" if text is None else str(text)
    if multiline:
        return text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return " ".join(text.split())


def _file(row: Any, base: Any, r: Any, changed_cells: dict[str, tuple[str, str]],
          changed_sections: dict[str, tuple[str, str]], user: str, note: str) -> Any:
    """Apply the changes to the Report `r` read from `base`, write the version and its findings,
    make it active."""
    from django.db.models import Max

    from ..report.model import Cell
    from .digest import tables_digest
    from .ingest import XXGK_VERSION, _date
    from .models import Finding, Version
    from .similar import signature

    for key, (_, raw) in changed_cells.items():
        old = r.cells.get(key)
        r.cells[key] = Cell.from_raw(key, raw, dict(old.where) if old is not None else {})
    for key, (_, text) in changed_sections.items():
        r.sections[key] = text
    done = {k for k in r.extra.get("corrected_cells") or [] if isinstance(k, str)} | set(changed_cells)
    r.findings = [f for f in r.findings if not (f.cells and all(c in done for c in f.cells))]
    r.extra["corrected_cells"] = sorted(done)
    data = r.to_dict()
    findings = data.get("findings") or []
    number = (row.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    v = Version.objects.create(
        report=row, number=number, sha256=base.sha256, blob_id=base.blob_id, medium=base.medium, name=base.name,
        origin=base.origin, fetched_at=base.fetched_at, made_by="corrected", author=user[:150], note=note,
        xxgk_version=XXGK_VERSION, data=data, format=data.get("format") or "unknown",
        published_on=_date(data.get("published_on")),
        errors=sum(1 for f in findings if f.get("severity") == "error"),
        warnings=sum(1 for f in findings if f.get("severity") == "warning"),
        tables_sha=tables_digest(data), signature=signature(r.sections),
    )
    Finding.objects.bulk_create([
        Finding(version=v, agency_id=row.agency_id, year=row.year, rule=f["rule"], severity=f["severity"],
                cells=f.get("cells") or [], message=f.get("message", ""), expected=f.get("expected"),
                actual=f.get("actual"), source="read" if f["rule"].startswith("read.") else "check")
        for f in findings
    ])
    row.active_id, row.stale = v.pk, True
    row.save(update_fields=["active", "stale"])
    return v


def make_active(version: Any, *, user: str, refresh: bool = True) -> bool:
    """Make `version` its report's active version (back to the reading, or to an earlier
    correction). `user` is required so that the caller cannot forget who did it (the caller
    audits). Returns False when it was active already (nothing changed). With `refresh`, the
    store's quality signals of the report are recomputed."""
    from django.db import transaction

    from .models import Report

    if not (user or "").strip():
        raise CorrectionError("须注明操作人")
    with transaction.atomic():
        row = Report.objects.select_for_update().get(pk=version.report_id)
        if row.active_id == version.pk:
            return False
        row.active_id, row.stale = version.pk, True
        row.save(update_fields=["active", "stale"])
    if refresh:
        from . import quality

        quality.refresh([row.pk])
    return True


@dataclass
class Diff:
    """What differs between two versions' contract objects: cells whose raw text differs (key, raw
    in a, raw in b), sections whose text differs (key, text in a, text in b), and the findings (rule,
    severity, message) only one of them has."""

    cells: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    sections: list[tuple[str, str, str]] = field(default_factory=list)
    findings_only_a: list[tuple[str, str, str]] = field(default_factory=list)
    findings_only_b: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.cells or self.sections or self.findings_only_a or self.findings_only_b)


def diff(a: Any, b: Any) -> Diff:
    """The differences between versions (or contract dicts) `a` and `b`, in printed order: cells by
    their order in the contract's key list (then any others by key), sections in official order.
    Compares raw text, which is what was printed: "0" and "零" differ although both read as 0."""
    from ..report import keys as K

    da = a.data if hasattr(a, "data") else a
    db = b.data if hasattr(b, "data") else b
    ca = {c["key"]: c.get("raw", "") for c in da.get("cells") or [] if isinstance(c, dict) and "key" in c}
    cb = {c["key"]: c.get("raw", "") for c in db.get("cells") or [] if isinstance(c, dict) and "key" in c}
    order = {k: i for i, k in enumerate(K.cell_keys("2021") + K.cell_keys("2019"))}
    keys = sorted(set(ca) | set(cb), key=lambda k: (order.get(k, len(order)), k))
    out = Diff()
    out.cells = [(k, ca.get(k), cb.get(k)) for k in keys if ca.get(k) != cb.get(k)]
    sa, sb = da.get("sections") or {}, db.get("sections") or {}
    out.sections = [(k, sa.get(k) or "", sb.get(k) or "") for k in K.SECTION_KEYS if (sa.get(k) or "") != (sb.get(k) or "")]

    def fs(d: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        return [(f.get("rule", ""), f.get("severity", ""), f.get("message", "")) for f in d.get("findings") or []]

    fa, fb = fs(da), fs(db)
    out.findings_only_a = [f for f in fa if f not in fb]
    out.findings_only_b = [f for f in fb if f not in fa]
    return out
