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
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from .. import __version__

#: What a version records as its maker when xxgk parsed it.
XXGK_VERSION = __version__


#: The contract keys the driver needs to file a version; the rest travels as encoded JSON.
HEAD_KEYS = ("agency", "year", "format", "published_on", "source", "findings")


@dataclass
class Parsed:
    """What a worker sends back: the head of the contract JSON (`HEAD_KEYS`: agency, year,
    findings …) and the whole object already encoded (`json_utf8`, the text `json` in UTF-8), or a
    one-line error. Sending encoded text instead of a 200-cell dict keeps the driver's share of the
    work small (no unpickling of the cells, no re-encoding): it is the one process every file
    passes through. Bytes rather than a str: the driver writes them to the database as they are
    (`jsontext.RawJSONUTF8`), where a str is decoded on arrival and encoded again to be written."""

    report: dict[str, Any] | None
    error: str | None
    seconds: float
    signature: bytes | None = None
    json_utf8: bytes | None = None
    tables_sha: str = ""
    #: The version's `Figures` row but its id (`figrow.row`): made here, beside the tables digest,
    #: so the one driver process does not decode `json` again to write it.
    figures: tuple[Any, ...] | None = None

    @property
    def json(self) -> str | None:
        """The contract JSON text as the store keeps it."""
        return None if self.json_utf8 is None else self.json_utf8.decode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(name: str, data: bytes) -> Parsed:
    """Read and check one file. Never raises: a file that cannot be read is an error string, so
    that one bad file never stops a batch (and a worker never dies of one)."""
    import xxgk

    from ..errors import XxgkError
    from .digest import tables_digest
    from .figrow import row as figures_row
    from .jsontext import compact_json_utf8
    from .similar import signature

    start = time.perf_counter()
    try:
        report = xxgk.parse(data, name=name)
        full = report.to_dict()
        encoded = compact_json_utf8(full)
        d = {k: full.get(k) for k in HEAD_KEYS}
        sig = signature(report.sections)
    except XxgkError as e:
        return Parsed(None, _one_line(str(e)), time.perf_counter() - start)
    except MemoryError:
        return Parsed(None, "内存不足：文件过大或过于复杂 (out of memory)", time.perf_counter() - start)
    except Exception as e:  # a reader bug must not stop the batch: recorded, with its class
        return Parsed(None, _one_line(f"内部错误 {type(e).__name__}: {e}"), time.perf_counter() - start)
    return Parsed(d, None, time.perf_counter() - start, sig, encoded, tables_digest(full), figures_row(full))


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


@dataclass
class Entry:
    """One input's outcome, waiting to be written: a parse (`parsed`), a failure before parsing
    (`error`), or a file whose bytes came earlier in the run (`duplicate`)."""

    item: str
    origin: str
    name: str
    digest: str
    size: int | None
    data: bytes | None = None
    fetched_at: datetime | None = None
    parsed: Parsed | None = None
    error: str | None = None
    duplicate: bool = False


class Recorder:
    """Writes outcomes into the store for one run, a batch of files per transaction.

    Holds the hierarchy matcher and the hashes already ingested, both loaded once. Within a batch
    every file is decided in input order against the store plus the batch's own earlier files, so
    a batch of 64 writes exactly what 64 single-file transactions would, with a few statements
    instead of ~12 per file (measured: 6.5 ms → see bench/RESULTS.md, store ingest), each a
    multi-row INSERT or UPDATE of `rawsql` rather than the ORM's bulk_create/bulk_update (1.1 →
    0.6 ms a file of driver CPU, load and hash included, 2026-12-07). A run killed
    midway loses its open batch whole: nothing is half-written, and the rerun redoes it."""

    def __init__(self, run: Any, matcher: Matcher | None = None, *, xxgk_version: str = XXGK_VERSION,
                 skip_failed: bool = True) -> None:
        from .models import Ingest

        self.run = run
        self.xxgk_version = xxgk_version
        if matcher is None:
            from .matching import Matcher as HierarchyMatcher

            matcher = HierarchyMatcher.from_db()
        self.matcher = matcher
        #: Hashes ingested by an earlier run with this xxgk version (read, failed or duplicate; not
        #: failed with `skip_failed=False`: a person asked for that file to be read again).
        statuses = ("read", "failed", "duplicate") if skip_failed else ("read", "duplicate")
        self.before: set[str] = set(
            Ingest.objects.filter(xxgk_version=xxgk_version, status__in=statuses)
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

    # -- writing --------------------------------------------------------------------------

    def record_many(self, entries: list[Entry]) -> list[Outcome]:
        """Write `entries` (in input order) in one transaction."""
        from django.db import transaction

        from . import figures

        with transaction.atomic():
            outcomes = _Batch(self, entries).write()
            figures.record(entries, outcomes)  # the versions' numeric cells, for roll-ups
            return outcomes


#: The columns the batch writer fills, in the order of its rows (every column: raw SQL has no
#: model defaults).
_VERSION_FIELDS = ("report", "number", "sha256", "blob", "medium", "name", "origin", "fetched_at", "made_by", "author",
                   "note", "xxgk_version", "created_at", "data", "format", "published_on", "errors", "warnings",
                   "tables_sha", "signature")
_FINDING_FIELDS = ("version", "agency", "year", "rule", "severity", "cells", "message", "expected", "actual", "details",
                   "source", "handled", "handled_note")
_INGEST_FIELDS = ("run", "item", "sha256", "size", "status", "error", "version", "xxgk_version", "seconds", "created_at")


def _report_key(agency_id: int | None, printed: str, year: int | None) -> tuple[Any, ...]:
    return ("a", agency_id, year) if agency_id is not None else ("p", printed, year)


class _Batch:
    """The state of one transaction: reports, versions and blobs of the store that the batch
    touches (fetched in a few queries), updated in memory as each entry is decided."""

    def __init__(self, recorder: Recorder, entries: list[Entry]) -> None:
        self.r = recorder
        self.entries = entries

    def write(self) -> list[Outcome]:
        from django.utils import timezone

        from . import rawsql
        from .jsontext import RawJSONUTF8
        from .models import Blob, Finding, Ingest, Report, Version

        rec = self.r
        # 1. Which report each parsed entry belongs to.
        keys: dict[int, tuple[Any, ...]] = {}
        meta: dict[tuple[Any, ...], dict[str, Any]] = {}
        for i, e in enumerate(self.entries):
            if e.duplicate or e.error is not None or e.parsed is None or e.parsed.report is None:
                continue
            d = e.parsed.report
            printed = (d.get("agency") or "").strip()
            m = rec.matcher.match(printed or None, origin=e.origin)
            agency_id = getattr(m, "agency_id", None)
            key_name = printed[:300] or f"（未识别机关）{e.name}"[:300]
            key = _report_key(agency_id, key_name, d.get("year"))
            keys[i] = key
            meta.setdefault(key, {"printed": printed[:300], "match": getattr(m, "method", "none"),
                                  "candidates": list(getattr(m, "candidates", []) or [])})
        reports = self._reports(meta)
        # 2. The versions those reports already have.
        by_report: dict[int, list[tuple[str, str, str, int]]] = {}
        for rid, sha, xv, made, number in rawsql.select(Version, ("report", "sha256", "xxgk_version", "made_by", "number"),
                                                         "report", [r.pk for r in reports.values()]):
            by_report.setdefault(rid, []).append((sha, xv, made, number))
        active: dict[int, tuple[str, str] | None] = {}
        act = {pk: (sha, made) for pk, sha, made in rawsql.select(Version, ("id", "sha256", "made_by"), "id",
                                                                  {r.active_id for r in reports.values() if r.active_id})}
        for r in reports.values():
            active[r.pk] = act[r.active_id] if r.active_id else None
        digests = {e.digest for e in self.entries if e.digest and e.parsed is not None and e.parsed.report is not None}
        have_blobs = {sha for sha, in rawsql.select(Blob, ("sha256",), "sha256", digests)}
        # 3. Decide each entry in order.
        outcomes: list[Outcome] = []
        new_blobs: list[tuple[Any, ...]] = []
        new_versions: list[tuple[int, Any, list[Any], list[dict[str, Any]]]] = []  # (entry, report, row, findings)
        becomes_active: dict[int, int] = {}   # report pk → index into new_versions
        now = timezone.now()
        for i, e in enumerate(self.entries):
            if e.duplicate:
                outcomes.append(Outcome("duplicate?"))
                continue
            if i not in keys:
                message = e.error or (e.parsed.error if e.parsed else None) or "未知错误"
                outcomes.append(Outcome("failed", error=message))
                continue
            report = reports[keys[i]]
            assert e.parsed is not None and e.parsed.report is not None
            existing = by_report.setdefault(report.pk, [])
            if any(sha == e.digest and xv == rec.xxgk_version and made in ("parsed", "reparsed")
                   for sha, xv, made, _ in existing):
                outcomes.append(Outcome("duplicate?", report_id=report.pk))
                continue
            made_by = "reparsed" if any(sha == e.digest for sha, _, _, _ in existing) else "parsed"
            number = max((n for *_, n in existing), default=0) + 1
            existing.append((e.digest, rec.xxgk_version, made_by, number))
            if e.digest not in have_blobs:
                have_blobs.add(e.digest)
                new_blobs.append((e.digest, len(e.data or b""), e.data or b""))
            d = e.parsed.report
            findings = d.get("findings") or []
            row = [report.pk, number, e.digest, e.digest, _medium(d), e.name[:500], e.origin[:2000], e.fetched_at,
                   made_by, f"xxgk {rec.xxgk_version}", "", rec.xxgk_version, now,
                   RawJSONUTF8(e.parsed.json_utf8) if e.parsed.json_utf8 is not None else d,
                   d.get("format") or "unknown", _date(d.get("published_on")),
                   sum(1 for f in findings if f.get("severity") == "error"),
                   sum(1 for f in findings if f.get("severity") == "warning"),
                   e.parsed.tables_sha, e.parsed.signature]
            if _becomes_active(active.get(report.pk), made_by, e.digest):
                active[report.pk] = (e.digest, made_by)
                becomes_active[report.pk] = len(new_versions)
            new_versions.append((i, report, row, findings))
            outcomes.append(Outcome("read", report_id=report.pk))
        # 4. Write: a few multi-row statements (`rawsql`), not the ORM's per-object work.
        rawsql.insert(Blob, ("sha256", "size", "data"), new_blobs)
        if new_versions:
            ids = rawsql.insert(Version, _VERSION_FIELDS, [row for _, _, row, _ in new_versions], returning=True)
            rawsql.insert(Finding, _FINDING_FIELDS, [
                (pk, report.agency_id, report.year, f["rule"], f["severity"], f.get("cells") or [], f.get("message", ""),
                 f.get("expected"), f.get("actual"), {}, "read" if f["rule"].startswith("read.") else "check", False, "")
                for pk, (_, report, _, findings) in zip(ids, new_versions) for f in findings
            ])
            for pk, (i, _, _, _) in zip(ids, new_versions):
                outcomes[i].version_id = pk
            touched = {report.pk: report for _, report, _, _ in new_versions}
            for pk, report in touched.items():
                report.stale = True
                if pk in becomes_active:
                    report.active_id = ids[becomes_active[pk]]
            rawsql.update(Report, ("active", "stale"), [(r.active_id, r.stale, pk) for pk, r in touched.items()])
        # Duplicates point at the version their bytes made (in this batch or before).
        pending = [i for i, o in enumerate(outcomes) if o.status == "duplicate?"]
        if pending:
            hits = {}
            for sha, pk, rid in (Version.objects.filter(sha256__in={self.entries[i].digest for i in pending},
                                                        xxgk_version=rec.xxgk_version,
                                                        made_by__in=("parsed", "reparsed"))
                                 .order_by("-pk").values_list("sha256", "pk", "report_id")):
                hits[sha] = (pk, rid)
            for i in pending:
                hit = hits.get(self.entries[i].digest)
                if hit is None:
                    outcomes[i] = Outcome("failed", error="与本批次中另一文件内容相同，而该文件未能读入")
                else:
                    outcomes[i] = Outcome("duplicate", version_id=hit[0], report_id=hit[1])
        rawsql.insert(Ingest, _INGEST_FIELDS, [
            (rec.run.pk, e.item[:2000], e.digest, e.size, o.status, o.error, o.version_id, rec.xxgk_version,
             e.parsed.seconds if e.parsed else 0.0, now)
            for e, o in zip(self.entries, outcomes)
        ])
        return outcomes

    def _reports(self, meta: dict[tuple[Any, ...], dict[str, Any]]) -> dict[tuple[Any, ...], _Report]:
        """The Report of every key, created when new; an unsettled one keeps its latest candidates."""
        from django.db import connection

        from . import rawsql
        from .models import Report

        if not meta:
            return {}
        # Two plain IN queries (matched by agency, unsettled by printed name), filtered here: an OR
        # of 64 (agency, year) pairs costs more to compile than to run.
        found: dict[tuple[Any, ...], _Report] = {}
        names = ("id", "agency", "year", "printed_agency", "match", "candidates", "active", "stale")
        rows = rawsql.select(Report, names, "agency", {who for kind, who, _ in meta if kind == "a"})
        rows += rawsql.select(Report, names, "printed_agency", {who for kind, who, _ in meta if kind == "p"},
                              where=f"{connection.ops.quote_name('agency_id')} IS NULL")
        decode = Report._meta.get_field("candidates").from_db_value
        for pk, agency_id, year, printed, match, candidates, active_id, stale in rows:
            key = _report_key(agency_id, printed, year)
            if key in meta:
                found[key] = _Report(pk, agency_id, year, printed, match, decode(candidates, None, connection),
                                     active_id, bool(stale))
        new: list[_Report] = []
        settled: list[_Report] = []
        for key, m in meta.items():
            kind, who, year = key
            r = found.get(key)
            if r is None:
                r = _Report(None, who if kind == "a" else None, year, m["printed"] if kind == "a" else who,
                            m["match"], m["candidates"])
                new.append(r)
                found[key] = r
            elif kind == "p" and (r.match != m["match"] or r.candidates != m["candidates"]):
                r.match, r.candidates = m["match"], m["candidates"]
                settled.append(r)
        rawsql.update(Report, ("match", "candidates"), [(r.match, r.candidates, r.pk) for r in settled])
        ids = rawsql.insert(Report, names[1:], [(r.agency_id, r.year, r.printed_agency, r.match, r.candidates,
                                                 r.active_id, r.stale) for r in new], returning=True)
        for r, pk in zip(new, ids):
            r.pk = pk
        return found


@dataclass(slots=True)
class _Report:
    """What a batch reads and writes of a `Report` row (a model instance cost more to make than the
    rest of deciding its file)."""

    pk: Any
    agency_id: int | None
    year: int | None
    printed_agency: str
    match: str
    candidates: Any
    active_id: int | None = None
    stale: bool = False


def _becomes_active(active: tuple[str, str] | None, made_by: str, digest: str) -> bool:
    """A new file becomes the report's active version, unless a person's correction (or the
    office's compiled report) is active; a re-parse replaces only the reading of the active file."""
    if active is None:
        return True
    sha, active_made_by = active
    if made_by == "reparsed":
        return sha == digest and active_made_by in ("parsed", "reparsed")
    return active_made_by in ("parsed", "reparsed")
