"""Upload: files, many files and ZIPs from the browser → a background job (Huey, immediate in tests)
→ versions in the store; limits, type sniffing, hostile inputs, escaping, roles and CSRF."""

from __future__ import annotations

import io
import random
import time
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

UPLOAD = "/upload/"


def report_text(agency: str, year: int, seed: int = 0) -> bytes:
    """A generated non-zero report printed as plain text, as tests/web/conftest.put_report makes."""
    from tests.corpus.generate import random_report
    from tests.corpus.layouts import render_text

    rng = random.Random(seed)
    report = random_report(rng, fmt="2021")
    report.agency, report.year = agency, year
    return render_text(report, "tab000", rng).encode("utf-8")


def report_pdf(agency: str, year: int, seed: int = 0) -> bytes:
    """The same generated report, born-digital PDF (the PDF writer)."""
    import xxgk
    from tests.corpus.generate import random_report

    report = random_report(random.Random(seed), fmt="2021")
    report.agency, report.year = agency, year
    return xxgk.render(report, "pdf")


def files(*pairs: tuple[str, bytes]) -> dict[str, Any]:
    return {"files": [SimpleUploadedFile(name, data) for name, data in pairs]}


def only_job() -> Any:
    from xxgk.web.supervise.models import Job

    jobs = list(Job.objects.all())
    assert len(jobs) == 1, jobs
    return jobs[0]


def test_text_report_read_and_matched(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Version

    c = login(users["sup_a"])
    r = c.post(UPLOAD, files(("教育局2023.txt", report_text("丙县教育局", 2023))))
    job = only_job()
    assert r.status_code == 302 and r.url == f"/jobs/{job.pk}/"
    assert (job.status, job.done, job.total) == ("finished", 1, 1)
    f = job.files.get()
    assert f.status == "read" and f.error == ""
    assert (f.agency_id, f.year, f.match) == (tree["dept_a"].pk, 2023, "exact")
    v = Version.objects.get(pk=f.version_id)
    assert v.report.agency_id == tree["dept_a"].pk and v.report.year == 2023
    assert v.origin == f"upload://job/{job.pk}/0/教育局2023.txt"
    assert job.run_id is not None and job.runs == [job.run_id]
    body = c.get(r.url).content.decode()
    assert "丙县教育局" in body and "已读入" in body and "2023" in body


def test_born_digital_pdf(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    pdf = report_pdf("乙市丙县", 2024, seed=3)
    assert pdf.startswith(b"%PDF-")
    start = time.perf_counter()
    login(users["sup_a"]).post(UPLOAD, files(("丙县2024.pdf", pdf)))
    elapsed = time.perf_counter() - start
    job = only_job()
    f = job.files.get()
    assert (job.status, f.status, f.agency_id, f.year) == ("finished", "read", tree["county_a"].pk, 2024)
    assert f.version.medium == "pdf"
    assert job.uploads.get().kind == "pdf"
    assert elapsed < 10, elapsed  # upload → parsed in a child → recorded (the bench target is 3 s)


def test_many_files_each_matched(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    login(users["sup_a"]).post(UPLOAD, files(
        ("a.txt", report_text("丙县戊镇", 2023, 1)),
        ("b.txt", report_text("丙县教育局", 2023, 2)),
        ("c.txt", report_text("乙市丙县", 2022, 3)),
    ))
    job = only_job()
    got = [(f.name, f.status, f.agency_id, f.year) for f in job.files.order_by("name")]
    assert got == [("a.txt", "read", tree["town_a"].pk, 2023), ("b.txt", "read", tree["dept_a"].pk, 2023),
                   ("c.txt", "read", tree["county_a"].pk, 2022)]
    assert (job.status, job.done, job.total) == ("finished", 3, 3)
    assert job.uploads.count() == 3 and not job.uploads.exclude(data=None).exists()  # staging emptied


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def test_zip_with_traversal_and_executable_members(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    data = _zip([
        ("丙县/戊镇.txt", report_text("丙县戊镇", 2023, 1)),
        ("../evil.txt", report_text("丙县教育局", 2023, 2)),
        ("丙县/教育局.txt", report_text("丙县教育局", 2023, 4)),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 200),
    ])
    r = login(users["sup_a"]).post(UPLOAD, files(("reports.zip", data)))
    job = only_job()
    assert job.uploads.get().kind == "zip"
    by_name = {f.name: f for f in job.files.all()}
    assert sorted(by_name) == ["reports.zip!../evil.txt", "reports.zip!tool.exe", "reports.zip!丙县/戊镇.txt",
                               "reports.zip!丙县/教育局.txt"]
    evil = by_name["reports.zip!../evil.txt"]
    assert evil.status == "failed" and "路径穿越" in evil.error and "path traversal" in evil.error
    exe = by_name["reports.zip!tool.exe"]
    assert exe.status == "failed" and "不接受可执行文件" in exe.error
    assert by_name["reports.zip!丙县/戊镇.txt"].agency_id == tree["town_a"].pk
    assert by_name["reports.zip!丙县/教育局.txt"].status == "read"
    assert job.status == "failed" and (job.done, job.total) == (4, 4)
    body = login(users["sup_a"]).get(r.url).content.decode()
    assert "路径穿越" in body and "重试失败的文件" in body
    # The ZIP stays staged: its failed members can be retried.
    assert job.uploads.get().data is not None


def test_same_file_again_is_a_duplicate(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Version
    from xxgk.web.supervise.models import Job

    c = login(users["sup_a"])
    data = report_text("丙县教育局", 2023)
    c.post(UPLOAD, files(("a.txt", data)))
    c.post(UPLOAD, files(("copy.txt", data)))
    first, second = Job.objects.order_by("pk")
    f = second.files.get()
    assert second.status == "finished" and f.status == "duplicate" and "已入库" in f.error
    assert f.version_id == first.files.get().version_id and Version.objects.count() == 1


def test_oversize_file_refused_nothing_stored(users: dict[str, Any], tree: dict[str, Any], login: Any,
                                             monkeypatch: Any) -> None:
    from xxgk.store.models import Blob, Run
    from xxgk.web import limits
    from xxgk.web.supervise.models import Job, JobUpload

    monkeypatch.setattr(limits, "UPLOAD_MAX_FILE_BYTES", 1000)
    r = login(users["sup_a"]).post(UPLOAD, files(("small.txt", b"x" * 10), ("big.txt", b"y" * 5000)))
    assert r.status_code == 413
    body = r.content.decode()
    assert "big.txt 过大：单个文件最大 1000\xa0字节" in body
    assert (Job.objects.count(), JobUpload.objects.count(), Blob.objects.count(), Run.objects.count()) == (0, 0, 0, 0)


def test_oversize_request_and_too_many_files(users: dict[str, Any], tree: dict[str, Any], login: Any,
                                             monkeypatch: Any, settings: Any) -> None:
    from xxgk.web import limits
    from xxgk.web.supervise.models import Job

    c = login(users["sup_a"])
    monkeypatch.setattr(limits, "UPLOAD_MAX_REQUEST_BYTES", 5000)
    r = c.post(UPLOAD, files(("a.txt", b"a" * 3000), ("b.txt", b"b" * 3000)))
    assert r.status_code == 413 and "上传内容过大：一次最多 4.9\xa0KB" in r.content.decode()
    monkeypatch.setattr(limits, "UPLOAD_MAX_REQUEST_BYTES", 10**9)
    monkeypatch.setattr(limits, "UPLOAD_MAX_FILES", 2)
    r = c.post(UPLOAD, files(("a.txt", b"a"), ("b.txt", b"b"), ("c.txt", b"c")))
    assert r.status_code == 413 and "文件过多：一次最多上传 2 个" in r.content.decode()
    # Django's own bound on the number of files (settings), met first, gets the same message.
    monkeypatch.setattr(limits, "UPLOAD_MAX_FILES", 500)
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    r = c.post(UPLOAD, files(*[(f"{i}.txt", b"x") for i in range(4)]))
    assert r.status_code == 413 and "文件过多：一次最多上传 3 个" in r.content.decode()
    assert Job.objects.count() == 0


def test_executable_renamed_pdf_refused(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.web.supervise.models import Job

    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 500
    r = login(users["sup_a"]).post(UPLOAD, files(("年报.pdf", exe), ("ok.txt", report_text("丙县教育局", 2023))))
    assert r.status_code == 400
    body = r.content.decode()
    assert "年报.pdf：不接受可执行文件（Windows (PE/EXE/DLL)）" in body and "本次上传未保存任何文件" in body
    assert Job.objects.count() == 0


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "文件为空"),
    ("a.rar", b"Rar!\x1a\x07\x00" + b"\x00" * 50, "不接受 RAR 文件"),
    ("a.bin", bytes(range(256)) * 4, "无法识别的文件类型"),
    ("a.docx.bak", _zip([("x.txt", b"hello")]), "文件名不以 .zip 结尾"),
])
def test_unknown_types_refused(users: dict[str, Any], tree: dict[str, Any], login: Any, name: str, data: bytes,
                               message: str) -> None:
    r = login(users["sup_a"]).post(UPLOAD, files((name, data)))
    assert r.status_code == 400 and message in r.content.decode()


def test_sniffed_kinds() -> None:
    from xxgk.web.supervise.jobs.sniff import kind_of

    assert kind_of("x", b"%PDF-1.4\n") == "pdf"
    assert kind_of("x", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20) == "image"
    assert kind_of("x", b"\xff\xd8\xff\xe0" + b"\x00" * 20) == "image"
    assert kind_of("x", "<!DOCTYPE html><html><body>年报</body></html>".encode()) == "html"
    assert kind_of("x", "政府信息公开工作年度报告".encode("gb18030")) == "text"
    assert kind_of("x.zip", _zip([("a.txt", b"x")])) == "zip"
    assert kind_of("x", _zip([("word/document.xml", b"<w/>")])) == "office"
    assert kind_of("x", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) == "office"


def test_corrupt_pdf_fails_with_one_line_reason(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    bad = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n" + bytes(range(256)) * 8 + b"\n%%EOF"
    r = login(users["sup_a"]).post(UPLOAD, files(("坏文件.pdf", bad)))
    job = only_job()
    f = job.files.get()
    assert job.status == "failed" and f.status == "failed"
    assert f.error and "\n" not in f.error and len(f.error) <= 500
    assert f.version_id is None
    body = login(users["sup_a"]).get(r.url).content.decode()
    assert f.error.split("（")[0][:20] in body and "有失败" in body


def test_slow_pdf_times_out_and_the_rest_is_read(users: dict[str, Any], tree: dict[str, Any], login: Any,
                                                 monkeypatch: Any) -> None:
    import xxgk
    from xxgk.web import limits

    real = xxgk.parse

    def slow(source: Any, *, name: str | None = None, **kw: Any) -> Any:
        if name and name.endswith(".pdf"):
            time.sleep(60)  # a hostile PDF: the child is killed long before
        return real(source, name=name, **kw)

    monkeypatch.setattr(xxgk, "parse", slow)
    monkeypatch.setattr(limits, "UPLOAD_PARSE_SECONDS", 5.0)  # the text file: ~0.1 s, even on a loaded machine
    start = time.perf_counter()
    login(users["sup_a"]).post(UPLOAD, files(("慢.pdf", report_pdf("乙市丙县", 2024)), ("ok.txt", report_text("丙县教育局", 2023))))
    assert time.perf_counter() - start < 20
    job = only_job()
    by_name = {f.name: f for f in job.files.all()}
    assert by_name["慢.pdf"].status == "failed" and "解析超时（timeout）：超过 5 秒" in by_name["慢.pdf"].error
    assert by_name["ok.txt"].status == "read"
    assert job.status == "failed"


def test_memory_limit_in_the_child(users: dict[str, Any], tree: dict[str, Any], login: Any, monkeypatch: Any) -> None:
    import re

    import xxgk
    from xxgk.web import limits

    def greedy(source: Any, *, name: str | None = None, **kw: Any) -> Any:
        blocks = [bytearray(256 * 2**20) for _ in range(8)]  # 2 GiB
        raise AssertionError(f"allocated {len(blocks)} blocks despite the limit")

    vm = int(re.search(r"VmSize:\s+(\d+) kB", open("/proc/self/status").read()).group(1)) * 1024
    monkeypatch.setattr(xxgk, "parse", greedy)
    monkeypatch.setattr(limits, "UPLOAD_PARSE_MEMORY_BYTES", vm + 512 * 2**20)
    login(users["sup_a"]).post(UPLOAD, files(("big.txt", report_text("丙县教育局", 2023))))
    f = only_job().files.get()
    assert f.status == "failed" and "内存不足" in f.error


def test_request_never_parses(users: dict[str, Any], tree: dict[str, Any], login: Any, monkeypatch: Any) -> None:
    """The web request stores and enqueues only; the worker parses."""
    import xxgk
    from xxgk.web.supervise.jobs import tasks

    queued: list[int] = []
    monkeypatch.setattr(tasks, "ingest_job", lambda job_id: queued.append(job_id))
    real = xxgk.parse
    monkeypatch.setattr(xxgk, "parse", lambda *a, **k: (_ for _ in ()).throw(AssertionError("parsed in the request")))
    r = login(users["sup_a"]).post(UPLOAD, files(("a.txt", report_text("丙县教育局", 2023))))
    job = only_job()
    assert r.status_code == 302 and queued == [job.pk] and job.status == "queued" and not job.files.exists()
    body = login(users["sup_a"]).get(f"/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in body and "排队中" in body
    monkeypatch.setattr(xxgk, "parse", real)
    tasks.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == "finished" and job.files.get().status == "read"
    body = login(users["sup_a"]).get(f"/jobs/{job.pk}/progress/").content.decode()
    assert "hx-trigger" not in body and "已读入" in body  # polling stops once finished


def test_names_escaped(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    c = login(users["sup_a"])
    r = c.post(UPLOAD, files(("<script>alert(1).txt", report_text("丙县教育局", 2023))))
    for url in (r.url, "/jobs/", "/audit/"):
        body = c.get(url).content.decode()
        assert "<script>alert(1)" not in body
    assert "&lt;script&gt;alert(1).txt" in c.get(r.url).content.decode()
    r = c.post(UPLOAD, files(("<script>x.pdf", b"MZ" + b"\x00" * 100)))
    assert r.status_code == 400 and "<script>x" not in r.content.decode() and "&lt;script&gt;x.pdf" in r.content.decode()


def test_upload_audited(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    import hashlib

    from xxgk.web.core.models import AuditEvent

    data = report_text("丙县教育局", 2023)
    login(users["sup_a"]).post(UPLOAD, files(("a.txt", data)))
    job = only_job()
    e = AuditEvent.objects.get(action="upload")
    assert (e.username, e.target, e.agency_path) == ("sup_a", f"supervise.Job:{job.pk}", "/10/1001/100101/")
    assert e.details["files"] == [{"name": "a.txt", "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                                   "kind": "text"}]


def test_analyst_cannot_upload(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.web.supervise.models import Job

    c = login(users["ana_a"])
    assert c.post(UPLOAD, files(("a.txt", report_text("丙县教育局", 2023)))).status_code == 403
    assert Job.objects.count() == 0
    body = c.get(UPLOAD).content.decode()
    assert "只读" in body and 'type="file"' not in body


def test_csrf_enforced_on_upload(users: dict[str, Any], tree: dict[str, Any]) -> None:
    from xxgk.web.supervise.models import Job

    c = Client(enforce_csrf_checks=True)
    c.force_login(users["sup_a"])
    data = report_text("丙县教育局", 2023)
    assert c.post(UPLOAD, files(("a.txt", data))).status_code == 403
    assert Job.objects.count() == 0
    c.get(UPLOAD)
    token = c.cookies["csrftoken"].value
    r = c.post(UPLOAD, {"csrfmiddlewaretoken": token, **files(("a.txt", data))})
    assert r.status_code == 302 and Job.objects.count() == 1


def test_ingest_files_store_function(tree: dict[str, Any]) -> None:
    """The store-level function on its own: in-memory files and a ZIP, in input order."""
    from xxgk.store.batch import ingest_files

    data = _zip([("x/丙县.txt", report_text("乙市丙县", 2021)), ("y.txt", b"")])
    summary, out = ingest_files([("a.txt", report_text("丙县戊镇", 2021)), ("b.zip", data)], origin="test://u",
                                timeout=30, memory=None)
    assert [(o.source, o.name, o.status) for o in out] == [
        (0, "a.txt", "read"), (1, "b.zip!x/丙县.txt", "read"), (1, "b.zip!y.txt", "failed")]
    assert out[1].origin == "test://u/1/b.zip!x/丙县.txt"
    assert (summary.read, summary.failed) == (2, 1)
    _, again = ingest_files([("a2.txt", report_text("丙县戊镇", 2021))], timeout=None, memory=None)
    assert again[0].status == "skipped" and again[0].version_id == out[0].version_id
