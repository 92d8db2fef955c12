"""One file into the store: parse it (anywhere: this process or a Dask worker), then record it
(always in the one driver process, so versions are never lost or doubled).

`parse_bytes` is pure and picklable: bytes in, a `Parsed` out, no database. `Recorder.record`
writes one file's outcome in one transaction: the blob, the report (agency-year, matched to the
hierarchy), the version, its findings, the ingest row. The store's cross-report signals
(`xxgk.store.quality`) are computed afterwards from stale reports, so the order files arrive in
does not change what the store ends up holding.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

from .. import __version__

#: What a version records as its maker when xxgk parsed it.
XXGK_VERSION = __version__


@dataclass
class Parsed:
    """What a worker sends back: the contract JSON (findings included) or a one-line error."""

    report: dict[str, Any] | None
    error: str | None
    seconds: float
    signature: bytes | None = None


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(name: str, data: bytes) -> Parsed:
    """Read and check one file. Never raises: a file that cannot be read is an error string, so
    that one bad file never stops a batch (and a worker never dies of one)."""
    import xxgk

    from ..errors import XxgkError
    from .similar import signature

    start = time.perf_counter()
    try:
        report = xxgk.parse(data, name=name)
        d = report.to_dict()
        sig = signature(report.sections)
    except XxgkError as e:
        return Parsed(None, _one_line(str(e)), time.perf_counter() - start)
    except MemoryError:
        return Parsed(None, "内存不足：文件过大或过于复杂 (out of memory)", time.perf_counter() - start)
    except Exception as e:  # a reader bug must not stop the batch: recorded, with its class
        return Parsed(None, _one_line(f"内部错误 {type(e).__name__}: {e}"), time.perf_counter() - start)
    return Parsed(d, None, time.perf_counter() - start, sig)


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line[:500]


class Matcher(Protocol):
    def match(self, printed: str | None, *, origin: str | None = None) -> Any: ...


@dataclass
class Outcome:
    """What happened to one input: status read|failed|duplicate, and the version it made or hit."""

    status: str
    version_id: int | None = None
    report_id: int | None = None
    error: str = ""
    rules: dict[str, int] = field(default_factory=dict)


def _medium(report: dict[str, Any]) -> str:
    kind = (report.get("source") or {}).get("kind") or "text"
    return kind if kind in {"text", "html", "docx", "xlsx", "pdf", "image", "json"} else "text"


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


class Recorder:
    """Writes outcomes into the store for one run. Holds the hierarchy matcher and the set of
    (hash, xxgk version) already ingested, both loaded once."""

    def __init__(self, run: Any, matcher: Matcher | None = None, *, xxgk_version: str = XXGK_VERSION) -> None:
        from .models import Ingest

        self.run = run
        self.xxgk_version = xxgk_version
        if matcher is None:
            from .matching import Matcher as HierarchyMatcher

            matcher = HierarchyMatcher.from_db()
        self.matcher = matcher
        #: Hashes ingested by an earlier run with this xxgk version (read, failed or duplicate).
        self.before: set[str] = set(
            Ingest.objects.filter(xxgk_version=xxgk_version, status__in=("read", "failed", "duplicate"))
            .values_list("sha256", flat=True)
        )
        #: Hashes met earlier in this run: a second file with the same bytes is a duplicate, whether
        #: its twin was recorded already (one process) or is still being parsed (Dask).
        self.this_run: set[str] = set()

    def already(self, digest: str) -> bool:
        """Ingested by an earlier run of this xxgk version: skipped, not recorded again."""
        return digest in self.before

    def first_in_run(self, digest: str) -> bool:
        if digest in self.this_run:
            return False
        self.this_run.add(digest)
        return True

    def record_duplicate(self, *, item: str, digest: str, size: int | None) -> Outcome:
        """A file whose bytes an earlier file of this run had: no parse, no version."""
        from .models import Ingest, Version

        hit = (Version.objects.filter(sha256=digest, xxgk_version=self.xxgk_version, made_by__in=("parsed", "reparsed"))
               .order_by("pk").first())
        status = "duplicate" if hit is not None else "failed"
        error = "" if hit is not None else "与本批次中另一文件内容相同，而该文件未能读入"
        Ingest.objects.create(run=self.run, item=item[:2000], sha256=digest, size=size, status=status, error=error,
                              version=hit, xxgk_version=self.xxgk_version)
        return Outcome(status, version_id=hit.pk if hit else None, report_id=hit.report_id if hit else None,
                       error=error)

    def record(self, *, item: str, origin: str, fetched_at: datetime | None, name: str, data: bytes | None,
               digest: str, size: int | None, parsed: Parsed | None, error: str | None = None) -> Outcome:
        """One file's outcome in one transaction."""
        from django.db import transaction

        from .models import Ingest

        with transaction.atomic():
            if error is not None or parsed is None or parsed.report is None:
                message = error or (parsed.error if parsed else None) or "未知错误"
                Ingest.objects.create(run=self.run, item=item[:2000], sha256=digest, size=size, status="failed",
                                      error=message, xxgk_version=self.xxgk_version,
                                      seconds=parsed.seconds if parsed else 0.0)
                return Outcome("failed", error=message)
            outcome = self._record_report(origin=origin, fetched_at=fetched_at, name=name, data=data or b"",
                                          digest=digest, parsed=parsed)
            Ingest.objects.create(run=self.run, item=item[:2000], sha256=digest, size=size, status=outcome.status,
                                  version_id=outcome.version_id, xxgk_version=self.xxgk_version,
                                  seconds=parsed.seconds)
            return outcome

    def _report_for(self, report: dict[str, Any], origin: str, name: str) -> Any:
        from .models import Report

        printed = (report.get("agency") or "").strip()
        year = report.get("year")
        m = self.matcher.match(printed or None, origin=origin)
        agency_id = getattr(m, "agency_id", None)
        method = getattr(m, "method", "none")
        candidates = list(getattr(m, "candidates", []) or [])
        if agency_id is not None:
            obj, _ = Report.objects.get_or_create(agency_id=agency_id, year=year,
                                                  defaults={"printed_agency": printed[:300], "match": method,
                                                            "candidates": candidates})
            return obj
        # Unsettled: keyed by what was printed, or by the file when nothing names the agency (so two
        # unnamed reports of one year never become one report).
        key = printed[:300] or f"（未识别机关）{name}"[:300]
        obj, created = Report.objects.get_or_create(agency=None, printed_agency=key, year=year,
                                                    defaults={"match": method, "candidates": candidates})
        if not created and (obj.match != method or obj.candidates != candidates):
            obj.match, obj.candidates = method, candidates
            obj.save(update_fields=["match", "candidates"])
        return obj

    def _record_report(self, *, origin: str, fetched_at: datetime | None, name: str, data: bytes, digest: str,
                       parsed: Parsed) -> Outcome:
        from django.db.models import Max

        from .models import Blob, Finding, Version

        d = parsed.report
        assert d is not None
        report = self._report_for(d, origin, name)
        same = report.versions.filter(sha256=digest)
        hit = same.filter(xxgk_version=self.xxgk_version, made_by__in=("parsed", "reparsed")).first()
        if hit is not None:
            return Outcome("duplicate", version_id=hit.pk, report_id=report.pk)
        made_by = "reparsed" if same.exists() else "parsed"
        if not Blob.objects.filter(sha256=digest).exists():
            Blob.objects.create(sha256=digest, size=len(data), data=data)
        number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        findings = d.get("findings") or []
        version = Version.objects.create(
            report=report, number=number, sha256=digest, blob_id=digest, medium=_medium(d), name=name[:500],
            origin=origin[:2000], fetched_at=fetched_at, made_by=made_by, author=f"xxgk {self.xxgk_version}",
            xxgk_version=self.xxgk_version, data=d, format=d.get("format") or "unknown",
            published_on=_date(d.get("published_on")),
            errors=sum(1 for f in findings if f.get("severity") == "error"),
            warnings=sum(1 for f in findings if f.get("severity") == "warning"),
            signature=parsed.signature,
        )
        Finding.objects.bulk_create([
            Finding(version=version, agency_id=report.agency_id, year=report.year, rule=f["rule"],
                    severity=f["severity"], cells=f.get("cells") or [], message=f.get("message", ""),
                    expected=f.get("expected"), actual=f.get("actual"),
                    source="read" if f["rule"].startswith("read.") else "check")
            for f in findings
        ])
        if self._becomes_active(report, made_by, digest):
            report.active = version
        report.stale = True
        report.save(update_fields=["active", "stale"])
        rules: dict[str, int] = {}
        for f in findings:
            rules[f["rule"]] = rules.get(f["rule"], 0) + 1
        return Outcome("read", version_id=version.pk, report_id=report.pk, rules=rules)

    @staticmethod
    def _becomes_active(report: Any, made_by: str, digest: str) -> bool:
        """A new file becomes the report's active version, unless a person's correction is active;
        a re-parse replaces only the reading of the file that is active."""
        active = report.active
        if active is None:
            return True
        if made_by == "reparsed":
            return active.sha256 == digest and active.made_by in ("parsed", "reparsed")
        return active.made_by in ("parsed", "reparsed")
