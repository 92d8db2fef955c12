"""`publish()`: an office's compiled annual report filed into the store as its agency's report of
the year, where supervisors see it beside every parsed report.

What is filed is the rendered document (DOCX, PDF or HTML bytes) read back by xxgk's own readers,
not the office's numbers copied across: a supervisor's store holds what the public can download,
read the same way as any other report. The read-back is compared with the numbers the office
compiled, cell by cell, and a difference refuses the publication — a writer or reader fault would
otherwise publish a wrong number that looks right.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from decimal import Decimal, InvalidOperation


class PublishError(ValueError):
    """The document could not be filed (unreadable, another agency or year, numbers that read back
    differently). The message is Chinese, for the office."""


def publish(agency: Any, year: int, *, name: str, data: bytes, author: str, note: str = "",
            expected: Mapping[str, Any] | None = None, refresh: bool = True) -> Any:
    """File `data` (a rendered report named `name`) as the active version of (`agency`, `year`),
    made_by "compiled". `expected`: cell key → the compiled value; every key must read back equal.

    The same bytes filed again make no new version (the existing one is made active again).
    Returns the `Version`. Raises PublishError."""
    from django.db import transaction
    from django.db.models import Max

    from .digest import tables_digest
    from .ingest import XXGK_VERSION, _date, _medium, parse_bytes, sha256
    import json
    from .models import Blob, Finding, Report, Version
    from .similar import signature

    author = (author or "").strip()
    if not author:
        raise PublishError("发布须注明发布人")
    parsed = parse_bytes(name, data)
    if parsed.error or parsed.json is None:
        raise PublishError(f"生成的文件无法读回：{parsed.error}")
    full = json.loads(parsed.json)
    if full.get("year") not in (None, year):
        raise PublishError(f"读回的年度 {full.get('year')} 与发布年度 {year} 不一致")
    if expected:
        wrong = _differences(full, expected)
        if wrong:
            raise PublishError("读回的数字与编制结果不一致：" + "；".join(wrong[:10]))
    digest = sha256(data)
    with transaction.atomic():
        report, _ = Report.objects.select_for_update().get_or_create(
            agency=agency, year=year, defaults={"printed_agency": full.get("agency") or agency.name, "match": "manual"})
        same = report.versions.filter(sha256=digest, made_by="compiled").order_by("-number").first()
        if same is not None:
            version = same
        else:
            Blob.objects.get_or_create(sha256=digest, defaults={"size": len(data), "data": data})
            number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            findings = full.get("findings") or []
            version = Version.objects.create(
                report=report, number=number, sha256=digest, blob_id=digest, medium=_medium(full), name=name[:500],
                origin=f"xxgk-office:{agency.code}", made_by="compiled", author=author[:150], note=note,
                xxgk_version=XXGK_VERSION, data=full, format=full.get("format") or "unknown",
                published_on=_date(full.get("published_on")),
                errors=sum(1 for f in findings if f.get("severity") == "error"),
                warnings=sum(1 for f in findings if f.get("severity") == "warning"),
                tables_sha=tables_digest(full), signature=signature(full.get("sections") or {}),
            )
            Finding.objects.bulk_create([
                Finding(version=version, agency_id=agency.pk, year=year, rule=f["rule"], severity=f["severity"],
                        cells=f.get("cells") or [], message=f.get("message", ""), expected=f.get("expected"),
                        actual=f.get("actual"), source="read" if f["rule"].startswith("read.") else "check")
                for f in findings
            ])
        report.active_id, report.stale = version.pk, True
        report.save(update_fields=["active", "stale"])
    from . import figures

    figures.fill([version.pk])
    if refresh:
        from . import quality

        quality.refresh([report.pk])
    return version


def _differences(full: Mapping[str, Any], expected: Mapping[str, Any]) -> list[str]:
    out = []
    for key, want in expected.items():
        got = _lookup(full, key)
        if not _same(got, want):
            out.append(f"{key} 编制 {want!r}，读回 {got!r}")
    return out


def _lookup(d: Mapping[str, Any], key: str) -> Any:
    cur: Any = d
    for part in key.split("."):
        if not isinstance(cur, Mapping) or part not in cur:
            return None
        cur = cur[part]
    return cur


def _same(got: Any, want: Any) -> bool:
    """Equal as numbers (a fee "1.50" equals Decimal("1.5")), or both blank; never as floats."""
    if got is None or want is None:
        return got is None and want is None
    if isinstance(got, bool) or isinstance(want, bool):
        return got == want
    try:
        return Decimal(str(got)) == Decimal(str(want))
    except InvalidOperation:
        return str(got) == str(want)
