"""The job centre: a scope's jobs only, retry, and the agency of each file confirmed or settled
within the viewer's scope; a report matched outside the uploader's scope is never filed for them."""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.web.test_upload import UPLOAD, _zip, files, report_pdf, report_text


def upload(client: Any, *pairs: tuple[str, bytes]) -> Any:
    from xxgk.web.supervise.models import Job

    r = client.post(UPLOAD, files(*pairs))
    assert r.status_code == 302, r.content.decode()[:500]
    return Job.objects.get(pk=int(r.url.strip("/").split("/")[-1]))


@pytest.fixture
def two_jobs(users: dict[str, Any], tree: dict[str, Any], login: Any) -> tuple[Any, Any]:
    a = upload(login(users["sup_a"]), ("丙县.txt", report_text("丙县教育局", 2023, 1)))
    b = upload(login(users["sup_b"]), ("丁县.txt", report_text("丁县教育局", 2023, 2)))
    return a, b


def test_list_shows_only_the_scope(users: dict[str, Any], two_jobs: tuple[Any, Any], login: Any) -> None:
    a, b = two_jobs
    body = login(users["sup_a"]).get("/jobs/").content.decode()
    assert f'href="/jobs/{a.pk}/"' in body and f'href="/jobs/{b.pk}/"' not in body
    body = login(users["sup_b"]).get("/jobs/").content.decode()
    assert f'href="/jobs/{a.pk}/"' not in body and f'href="/jobs/{b.pk}/"' in body
    for above in ("sup_city", "admin"):
        body = login(users[above]).get("/jobs/").content.decode()
        assert f'href="/jobs/{a.pk}/"' in body and f'href="/jobs/{b.pk}/"' in body
    body = login(users["sup_city"]).get("/jobs/?status=finished").content.decode()
    assert "已完成 (2)" in body and "失败 (0)" in body


def test_other_county_is_404_everywhere(users: dict[str, Any], two_jobs: tuple[Any, Any], login: Any) -> None:
    from xxgk.web.core.models import AuditEvent

    _, b = two_jobs
    fb = b.files.get()
    c = login(users["sup_a"])
    for url in (f"/jobs/{b.pk}/", f"/jobs/{b.pk}/progress/"):
        assert c.get(url).status_code == 404, url
    b.status = "failed"
    b.save()
    for url, data in ((f"/jobs/{b.pk}/retry/", {}), (f"/jobs/files/{fb.pk}/confirm/", {}),
                      (f"/jobs/files/{fb.pk}/settle/", {"agency": "10010102"})):
        assert c.post(url, data).status_code == 404, url
    b.refresh_from_db()
    fb.refresh_from_db()
    assert b.status == "failed" and fb.confirmed_at is None and fb.report.agency.code == "10010201"
    assert not AuditEvent.objects.filter(action__in=("upload.retry", "upload.confirm", "report.settle")).exists()
    assert login(users["sup_b"]).get(f"/jobs/{b.pk}/").status_code == 200


def test_analyst_reads_but_cannot_change(users: dict[str, Any], two_jobs: tuple[Any, Any], login: Any) -> None:
    a, _ = two_jobs
    fa = a.files.get()
    c = login(users["ana_a"])
    body = c.get(f"/jobs/{a.pk}/").content.decode()
    assert "丙县教育局" in body and "确认</button>" not in body and "重试" not in body
    a.status = "failed"
    a.save()
    for url, data in ((f"/jobs/{a.pk}/retry/", {}), (f"/jobs/files/{fa.pk}/confirm/", {}),
                      (f"/jobs/files/{fa.pk}/settle/", {"agency": "10010101"})):
        assert c.post(url, data).status_code == 403, url
    a.refresh_from_db()
    assert a.status == "failed"


def test_confirm_is_audited_once(users: dict[str, Any], two_jobs: tuple[Any, Any], tree: dict[str, Any],
                                 login: Any) -> None:
    from xxgk.web.core.models import AuditEvent

    a, _ = two_jobs
    fa = a.files.get()
    c = login(users["sup_a"])
    assert "确认</button>" in c.get(f"/jobs/{a.pk}/").content.decode()
    r = c.post(f"/jobs/files/{fa.pk}/confirm/")
    assert r.status_code == 302
    fa.refresh_from_db()
    assert fa.confirmed_by == "sup_a" and fa.confirmed_at is not None
    e = AuditEvent.objects.get(action="upload.confirm")
    assert (e.username, e.agency_path, e.target) == ("sup_a", tree["dept_a"].path, f"store.Report:{fa.report_id}")
    assert e.details["agency"] == "10010102" and e.details["year"] == 2023
    assert c.post(f"/jobs/files/{fa.pk}/confirm/").status_code == 404  # nothing left to confirm
    body = c.get(f"/jobs/{a.pk}/").content.decode()
    assert "已由 sup_a 确认" in body


def test_retry_reads_the_failed_file(users: dict[str, Any], tree: dict[str, Any], login: Any, monkeypatch: Any) -> None:
    import xxgk
    from xxgk.web import limits
    from xxgk.web.core.models import AuditEvent

    real = xxgk.parse

    def slow(source: Any, *, name: str | None = None, **kw: Any) -> Any:
        if name and name.endswith(".pdf"):
            time.sleep(60)
        return real(source, name=name, **kw)

    monkeypatch.setattr(xxgk, "parse", slow)
    monkeypatch.setattr(limits, "UPLOAD_PARSE_SECONDS", 5.0)  # the text file: ~0.1 s, even on a loaded machine
    c = login(users["sup_a"])
    job = upload(c, ("丙县.pdf", report_pdf("乙市丙县", 2024)), ("ok.txt", report_text("丙县教育局", 2023)))
    ok_version = job.files.get(name="ok.txt").version_id
    assert job.status == "failed" and job.files.get(name="丙县.pdf").status == "failed"
    assert 'action="/jobs/%d/retry/"' % job.pk in c.get("/jobs/?status=failed").content.decode()
    monkeypatch.setattr(xxgk, "parse", real)
    monkeypatch.setattr(limits, "UPLOAD_PARSE_SECONDS", 60.0)
    r = c.post(f"/jobs/{job.pk}/retry/")
    assert r.status_code == 302
    job.refresh_from_db()
    pdf = job.files.get(name="丙县.pdf")
    assert (job.status, pdf.status, pdf.agency_id, pdf.error) == ("finished", "read", tree["county_a"].pk, "")
    assert job.files.get(name="ok.txt").version_id == ok_version  # untouched
    assert len(job.runs) == 2 and job.attempts == 2 and pdf.run_id == job.runs[1]
    e = AuditEvent.objects.get(action="upload.retry")
    assert e.details["files"] == ["丙县.pdf"] and e.username == "sup_a"
    assert c.post(f"/jobs/{job.pk}/retry/").status_code == 302  # finished: nothing to do
    assert AuditEvent.objects.filter(action="upload.retry").count() == 1


def test_retry_of_a_zip_redoes_only_failed_members(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    c = login(users["sup_a"])
    job = upload(c, ("r.zip", _zip([("a.txt", report_text("丙县戊镇", 2023)), ("../b.txt", b"x")])))
    before = {f.name: (f.status, f.version_id) for f in job.files.all()}
    assert before["r.zip!../b.txt"][0] == "failed" and before["r.zip!a.txt"][0] == "read"
    c.post(f"/jobs/{job.pk}/retry/")
    job.refresh_from_db()
    after = {f.name: (f.status, f.version_id) for f in job.files.all()}
    assert after == before and job.status == "failed" and job.files.count() == 2


def test_outside_scope_is_not_filed(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    """sup_a uploads 丁县's report: it is not filed under 丁县 for them, they cannot see or claim
    it; the city (above both) sees the job and settles it."""
    from xxgk.store.models import Report
    from xxgk.web.core.models import AuditEvent
    from xxgk.web.core.scope import scope_of

    c = login(users["sup_a"])
    job = upload(c, ("丁县.txt", report_text("丁县教育局", 2023, 5)))
    f = job.files.get()
    assert (f.status, f.agency_id, f.outside_scope) == ("read", None, True)
    report = Report.objects.get(pk=f.report_id)
    assert report.agency_id is None and report.match == "ambiguous"
    assert [x["code"] for x in report.candidates] == ["10010201"]
    assert not scope_of(users["sup_a"]).reports().filter(pk=report.pk).exists()
    assert not scope_of(users["sup_b"]).reports().filter(pk=report.pk).exists()
    body = c.get(f"/jobs/{job.pk}/").content.decode()
    assert "不在上传者的管辖范围内" in body and "归入 丁县教育局" not in body and "10010201" not in body
    assert job.status == "finished"
    # sup_a can neither claim it for 丙县 nor file it under 丁县.
    for code in ("10010102", "10010201"):
        assert c.post(f"/jobs/files/{f.pk}/settle/", {"agency": code}).status_code == 404
    report.refresh_from_db()
    assert report.agency_id is None
    # The city sees the job and the candidate, and settles it.
    city = login(users["sup_city"])
    body = city.get(f"/jobs/{job.pk}/").content.decode()
    assert "归入 丁县教育局" in body
    assert city.post(f"/jobs/files/{f.pk}/settle/", {"agency": "10010201"}).status_code == 302
    f.refresh_from_db()
    settled = Report.objects.get(pk=f.report_id)
    assert (settled.agency_id, settled.match, f.agency_id) == (tree["dept_b"].pk, "manual", tree["dept_b"].pk)
    assert scope_of(users["sup_b"]).reports().filter(pk=settled.pk).exists()
    e = AuditEvent.objects.get(action="report.settle")
    assert (e.username, e.agency_path, e.details["agency"]) == ("sup_city", tree["dept_b"].path, "10010201")
    # For sup_a it is now filed outside their scope: still no link, no name of the agency.
    body = login(users["sup_a"]).get(f"/jobs/{job.pk}/").content.decode()
    assert "已归入您管辖范围以外的机关" in body and "10010201" not in body


def test_bare_name_decided_by_the_scope(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    """`教育局` alone names no agency; uploaded by 丙县 it is 丙县教育局 (shown as decided by the
    scope, for confirmation); uploaded by the city it stays ambiguous between the two."""
    job = upload(login(users["sup_a"]), ("教育局.txt", report_text("教育局", 2023, 6)))
    f = job.files.get()
    assert (f.agency_id, f.decided_by, f.outside_scope) == (tree["dept_a"].pk, "parent_hint", False)
    assert "按上传者的管辖范围确定" in login(users["sup_a"]).get(f"/jobs/{job.pk}/").content.decode()
    city = login(users["sup_city"])
    job = upload(city, ("教育局2.txt", report_text("教育局", 2022, 7)))
    f = job.files.get()
    assert (f.agency_id, f.match) == (None, "ambiguous")
    body = city.get(f"/jobs/{job.pk}/").content.decode()
    assert "归入 丙县教育局" in body and "归入 丁县教育局" in body
    city.post(f"/jobs/files/{f.pk}/settle/", {"agency": "10010201"})
    f.refresh_from_db()
    assert f.agency_id == tree["dept_b"].pk and f.report.agency_id == tree["dept_b"].pk


def test_unmatched_settled_within_scope(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    from xxgk.web.core.models import AuditEvent

    c = login(users["sup_a"])
    job = upload(c, ("某某局.txt", report_text("某某局", 2023, 8)))
    f = job.files.get()
    assert (f.status, f.agency_id, f.match, f.printed_agency) == ("read", None, "none", "某某局")
    # A code outside the scope and a code that does not exist get the same answer.
    for code in ("10010201", "99999"):
        r = c.post(f"/jobs/files/{f.pk}/settle/", {"agency": code}, follow=True)
        assert f"您的管辖范围内没有此机构：{code}" in r.content.decode()
    assert not AuditEvent.objects.filter(action="report.settle").exists()
    r = c.post(f"/jobs/files/{f.pk}/settle/", {"agency": "10010101"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and 'id="job-body"' in r.content.decode()  # htmx: the job's body
    f.refresh_from_db()
    assert (f.agency_id, f.match, f.report.agency_id) == (tree["town_a"].pk, "manual", tree["town_a"].pk)
    e = AuditEvent.objects.get(action="report.settle")
    assert (e.username, e.details["printed"], e.details["agency"]) == ("sup_a", "某某局", "10010101")


def test_shared_unmatched_report_left_to_above(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    """Two counties upload different reports printed with the same unknown name and year: one
    unmatched report holds both, so neither county may settle it (it would move the other's)."""
    ja = upload(login(users["sup_a"]), ("x.txt", report_text("某某局", 2023, 8)))
    jb = upload(login(users["sup_b"]), ("y.txt", report_text("某某局", 2023, 9)))
    fa, fb = ja.files.get(), jb.files.get()
    assert fa.report_id == fb.report_id
    assert login(users["sup_a"]).post(f"/jobs/files/{fa.pk}/settle/", {"agency": "10010101"}).status_code == 404
    assert login(users["admin"]).post(f"/jobs/files/{fa.pk}/settle/", {"agency": "10010101"}).status_code == 302
    fa.refresh_from_db()
    fb.refresh_from_db()
    assert fa.agency_id == fb.agency_id == tree["town_a"].pk


def test_progress_counts_while_running(users: dict[str, Any], tree: dict[str, Any], login: Any,
                                       monkeypatch: Any) -> None:
    """done/total move as files are recorded (sampled from inside the run)."""
    from xxgk.store import batch
    from xxgk.web.supervise.models import Job

    monkeypatch.setattr(batch, "RECORD_BATCH", 1)
    seen: list[tuple[str, int, int]] = []
    real = batch.ingest_files

    def spy(*args: Any, on_file: Any = None, **kw: Any) -> Any:
        def wrapped(o: Any) -> None:
            on_file(o)
            job = Job.objects.get()
            seen.append((job.status, job.done, job.total))
        return real(*args, on_file=wrapped, **kw)

    monkeypatch.setattr(batch, "ingest_files", spy)
    upload(login(users["sup_a"]), *[(f"{i}.txt", report_text("丙县教育局", 2020 + i, i)) for i in range(3)])
    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    assert Job.objects.get().status == "finished"


def test_duplicate_of_another_countys_file_cannot_be_claimed(users: dict[str, Any], tree: dict[str, Any],
                                                              login: Any) -> None:
    """sup_a uploads the very bytes sup_b uploaded (unmatched): a duplicate, which gives sup_a no
    right to file sup_b's reading under 丙县."""
    data = report_text("某某局", 2023, 8)
    jb = upload(login(users["sup_b"]), ("b.txt", data))
    ja = upload(login(users["sup_a"]), ("a.txt", data))
    fa, fb = ja.files.get(), jb.files.get()
    assert (fa.status, fa.report_id) == ("duplicate", fb.report_id)
    assert login(users["sup_a"]).post(f"/jobs/files/{fa.pk}/settle/", {"agency": "10010101"}).status_code == 404
    fb.refresh_from_db()
    assert fb.report.agency_id is None
    assert login(users["sup_b"]).post(f"/jobs/files/{fb.pk}/settle/", {"agency": "10010201"}).status_code == 302
    fb.refresh_from_db()
    assert fb.report.agency_id == tree["dept_b"].pk


def test_job_whose_worker_died_fails_and_is_retried(users: dict[str, Any], tree: dict[str, Any], login: Any) -> None:
    """A job left `running` by a killed consumer: failed with a reason once past its time bound
    ((done + 1) × the parse limit + the margin), audited, and a retry reads it again."""
    from datetime import timedelta

    from django.utils import timezone

    from xxgk.web import limits
    from xxgk.web.core.models import AuditEvent
    from xxgk.web.supervise.jobs.stale import STALE_ERROR
    from xxgk.web.supervise.models import Job, JobFile

    from xxgk.web.supervise.models import JobUpload

    c = login(users["sup_a"])
    data = report_text("丙县教育局", 2023)
    job = upload(c, ("ok.txt", data))
    assert job.status == "finished"
    # What a killed consumer leaves behind: the job claimed, its file never recorded, its bytes
    # still staged (a finished job has let them go).
    bound = limits.UPLOAD_PARSE_SECONDS + limits.JOB_STALE_MARGIN_SECONDS
    JobFile.objects.filter(job=job).update(status="queued")
    JobUpload.objects.filter(job=job).update(data=data)
    Job.objects.filter(pk=job.pk).update(status="running", done=0, finished_at=None,
                                         started_at=timezone.now() - timedelta(seconds=bound - 30))
    body = c.get(f"/jobs/{job.pk}/").content.decode()  # within the bound: still running
    assert Job.objects.get(pk=job.pk).status == "running" and STALE_ERROR not in body
    Job.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(seconds=bound + 30))
    body = c.get(f"/jobs/{job.pk}/progress/").content.decode()
    job.refresh_from_db()
    assert job.status == "failed" and job.error == STALE_ERROR and STALE_ERROR in body
    e = AuditEvent.objects.get(action="upload.stale")
    assert e.target == f"supervise.Job:{job.pk}" and e.username == "" and e.agency_path == tree["county_a"].path
    assert c.get("/jobs/").status_code == 200 and AuditEvent.objects.filter(action="upload.stale").count() == 1
    assert c.post(f"/jobs/{job.pk}/retry/").status_code == 302
    job.refresh_from_db()
    assert job.status == "finished" and job.files.get().status in ("read", "duplicate")
