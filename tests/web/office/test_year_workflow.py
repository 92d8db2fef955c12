"""The annual report's workflow through the pages: compile, edit, submit, return, approve (refused
while placeholders remain or identities fail), publish into the store — a version made_by
"compiled" that reads back to the same numbers and that the county's supervisor sees — and
reopen. Plus what every office part must show: roles (403), isolation (404 for the other office on
every URL, GET and POST), CSRF, escaping, audit events."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from xxgk.report import keys as K

from ._year_data import backlog_2023, fill_sections, year_2024

pytestmark = pytest.mark.django_db


def _setup(tree: dict[str, Any]) -> dict[str, Any]:
    a = tree["dept_a"]
    backlog_2023(a)
    return year_2024(a)


def _yr(tree: dict[str, Any], year: int = 2024, who: str = "dept_a") -> Any:
    from xxgk.web.office.models import YearReport

    return YearReport.objects.get(agency=tree[who], year=year)


def _messages(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _as(client: Any, user: Any) -> Any:
    client.force_login(user)
    return client


def test_workflow_through_the_pages(tree: dict[str, Any], staff: dict[str, Any], users: dict[str, Any], client: Any) -> None:
    import xxgk

    _setup(tree)
    c = _as(client, staff["clerk_a"])
    r = c.post("/office/years/compile/", {"year": "2024"})
    assert r.status_code == 302 and r["Location"] == "/office/years/2024/"
    yr = _yr(tree)
    assert yr.state == "draft" and yr.values["t3.new_received.total"] == 26
    page = c.get("/office/years/2024/").content.decode()
    assert 'href="/office/years/2024/cell/t3.granted.natural_person/">2</a>' in page
    assert "/office/years/2024/do/approve/" not in page  # no approve button for a clerk
    # The clerk cannot approve, publish, reopen, sign or return.
    for step in ("approve", "publish", "reopen", "sign", "return"):
        assert c.post(f"/office/years/2024/do/{step}/", {"note": "x"}).status_code == 403, step
    assert c.post("/office/years/2024/do/submit/").status_code == 302
    assert _yr(tree).state == "review"
    # In review the sections are read-only.
    r = c.post("/office/years/2024/sections/", {"problems": "改过"}, follow=True)
    assert "只有编写中的年报才能编辑正文" in "".join(_messages(r))
    assert _yr(tree).sections["problems"] != "改过"
    # A reviewer cannot approve; returning needs a note.
    rv = _as(Client(), staff["reviewer_a"])
    assert rv.post("/office/years/2024/do/approve/").status_code == 403
    rv.post("/office/years/2024/do/return/", {"note": " "})
    assert _yr(tree).state == "review"
    rv.post("/office/years/2024/do/return/", {"note": "第五部分请补充问题"})
    yr = _yr(tree)
    assert yr.state == "draft" and yr.note == "第五部分请补充问题"
    assert "第五部分请补充问题" in c.get("/office/years/2024/").content.decode()
    # Submitted again with the placeholders still there: the head's approval is refused, clearly.
    c.post("/office/years/2024/do/submit/")
    head = _as(Client(), staff["head_a"])
    r = head.post("/office/years/2024/do/approve/", follow=True)
    assert _yr(tree).state == "review"
    msg = "".join(_messages(r))
    assert "【…】" in msg and "一、总体情况" in msg
    # The clerk fills them in (returned first), submits; the reviewer signs; the head approves.
    rv.post("/office/years/2024/do/return/", {"note": "请填写占位内容"})
    r = c.post("/office/years/2024/sections/", fill_sections(_yr(tree)))
    assert r.status_code == 302
    assert not any("【" in v for v in _yr(tree).sections.values())
    c.post("/office/years/2024/do/submit/")
    rv.post("/office/years/2024/do/sign/")
    assert _yr(tree).reviewed_by_name == "reviewer_a"
    head.post("/office/years/2024/do/approve/")
    yr = _yr(tree)
    assert yr.state == "approved" and yr.approved_by_name == "head_a"
    # Approved: recompiling is refused until reopened.
    r = c.post("/office/years/compile/", {"year": "2024"}, follow=True)
    assert _yr(tree).compiled_at == yr.compiled_at and "重新打开" in "".join(_messages(r))
    # Publish: a store version made_by "compiled" reading back to the same numbers.
    assert head.post("/office/years/2024/do/publish/").status_code == 302
    yr = _yr(tree)
    assert yr.state == "published" and yr.published_at is not None and yr.version is not None
    v = yr.version
    assert v.made_by == "compiled" and v.report.agency_id == tree["dept_a"].pk and v.report.year == 2024
    assert v.report.active_id == v.pk and v.medium == "docx"
    from xxgk.report.model import Report
    from xxgk.store.models import Blob

    stored = Report.from_dict(dict(v.data))
    again = xxgk.parse(bytes(Blob.objects.get(pk=v.blob_id).data), name="x.docx")
    for key in K.cell_keys("2021"):
        want = yr.values[key]
        for got in (stored.value(key), again.value(key)):
            assert (Decimal(str(got)) == Decimal(want)) if key == K.T2_FEE_KEY else got == want, key
    assert stored.value("t3.granted.natural_person") == 2 and stored.value("t3.results_total.total") == 25
    assert "已按要求填写。" in stored.sections["problems"]
    # The county's supervisor sees it in the supervision app; the other county's does not.
    sup = _as(Client(), users["sup_a"])
    r = sup.get(f"/reports/{v.report_id}/")
    body = r.content.decode()
    assert r.status_code == 200 and "丙县教育局" in body and "办公室系统生成" in body
    assert 'data-key="t3.results_total.total"' in body and ">25</a>" in body
    assert _as(Client(), users["sup_b"]).get(f"/reports/{v.report_id}/").status_code == 404
    assert f'href="/reports/{v.report_id}/"' in c.get("/office/years/2024/").content.decode()
    # Reopen (head, with a reason): back to draft, recompiling allowed again.
    assert c.post("/office/years/2024/do/reopen/", {"note": "x"}).status_code == 403
    head.post("/office/years/2024/do/reopen/", {"note": "发现一件申请日期录错"})
    yr = _yr(tree)
    assert yr.state == "draft" and yr.approved_by_name == "" and yr.version_id == v.pk
    c.post("/office/years/compile/", {"year": "2024"})
    assert _yr(tree).compiled_at > yr.compiled_at


def test_approval_refused_while_identities_fail(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    """A mid-life office whose backlog is incomplete: carried_over from last year's report (4) is
    not what the records hold (3), 表三 fails, approval is refused with the failing check."""
    import datetime as dt

    import xxgk
    from xxgk.office.compile import ApplicationRecord as R
    from xxgk.office.compile import compile_year
    from xxgk.store.compiled import publish
    from xxgk.web.office.year import service

    a = tree["dept_a"]
    last = compile_year(2023, [R("o1", "natural_person", dt.date(2023, 5, 1)), R("o2", "natural_person", dt.date(2023, 6, 1)),
                               R("o3", "commercial_enterprise", dt.date(2023, 7, 1)), R("o4", "other_org", dt.date(2023, 8, 1))])
    publish(a, 2023, name="2023.docx", data=xxgk.render(last.to_report(a.name, 2023, {}, fees={"notices": 0}), "docx"),
            author="上传人")
    _setup(tree)
    yr = service.close_year(a, 2024, staff["clerk_a"])
    assert yr.carried_over_from.startswith("report:")
    yr = service.save_sections(yr, staff["clerk_a"], fill_sections(yr))
    yr = service.submit(yr, staff["clerk_a"])
    with pytest.raises(service.YearError, match="表三"):
        service.approve(yr, staff["head_a"])
    assert _yr(tree).state == "review"


def test_edited_sections_are_kept_when_recompiling(tree: dict[str, Any], staff: dict[str, Any], client: Any) -> None:
    import datetime as dt

    from ._year_data import app

    _setup(tree)
    c = _as(client, staff["clerk_a"])
    c.post("/office/years/compile/", {"year": "2024"})
    yr = _yr(tree)
    # The browser posts CRLF and every section: the untouched ones must still count as untouched.
    posted = {k: v.replace("\n", "\r\n") for k, v in yr.sections.items()}
    posted["problems"] = "（一）存在的主要问题\r\n人手不足。\r\n（二）改进情况\r\n已增加人员。"
    c.post("/office/years/2024/sections/", posted)
    app(tree["dept_a"], "2024-LATE", "natural_person", dt.date(2024, 12, 30), dt.date(2024, 12, 31), "granted")
    c.post("/office/years/compile/", {"year": "2024"})
    yr = _yr(tree)
    assert yr.values["t3.new_received.total"] == 27
    assert yr.sections["problems"] == "（一）存在的主要问题\n人手不足。\n（二）改进情况\n已增加人员。"
    assert "新收政府信息公开申请27件" in yr.sections["overview"]


def test_section_text_is_escaped(tree: dict[str, Any], staff: dict[str, Any], client: Any) -> None:
    _setup(tree)
    c = _as(client, staff["clerk_a"])
    c.post("/office/years/compile/", {"year": "2024"})
    evil = "<script>alert(1)</script>"
    c.post("/office/years/2024/sections/", {"other": evil})
    for state in ("draft", "review"):
        page = c.get("/office/years/2024/").content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and evil not in page, state
        c.post("/office/years/2024/do/submit/")
    html = c.get("/office/years/2024/report.html").content.decode()
    assert evil not in html and "&lt;script&gt;" in html


def test_downloads_render_the_compiled_report(tree: dict[str, Any], staff: dict[str, Any], client: Any) -> None:
    import xxgk

    _setup(tree)
    c = _as(client, staff["clerk_a"])
    c.post("/office/years/compile/", {"year": "2024"})
    for fmt, ctype in (("docx", "wordprocessingml"), ("pdf", "application/pdf"), ("html", "text/html")):
        r = c.get(f"/office/years/2024/report.{fmt}")
        assert r.status_code == 200 and ctype in r["Content-Type"], fmt
        assert r["Content-Disposition"].startswith("attachment") and r["X-Content-Type-Options"] == "nosniff"
        back = xxgk.parse(r.content, name=f"x.{fmt}")
        assert back.value("t3.new_received.total") == 26 and back.value("t4.review.total") == 3, fmt
    assert c.get("/office/years/2024/report.xlsx").status_code == 404


def test_cell_page_lists_the_records(tree: dict[str, Any], staff: dict[str, Any], client: Any) -> None:
    rec = _setup(tree)
    c = _as(client, staff["clerk_a"])
    c.post("/office/years/compile/", {"year": "2024"})
    page = c.get("/office/years/2024/cell/t3.carried_forward.total/").content.decode()
    assert sorted(re.findall(r"<td>(?:<a [^>]*>)?(20\d\d-[A-Z0-9]+)", page)) == ["2023-P4", "2024-N1", "2024-N2", "2024-N3"]
    page = c.get("/office/years/2024/cell/t2.normative_documents.repealed/").content.decode()
    assert "教2022-3" in page and "教2024-4" in page and "教2024-1" not in page
    page = c.get("/office/years/2024/cell/t4.review.total/").content.decode()
    assert all(rec["cases"][k].case_no in page for k in ("C1", "C2", "C5")) and "诉2024-1" not in page
    assert c.get("/office/years/2024/cell/t9.nothing/").status_code == 404
    assert c.get("/office/years/2023/cell/t3.granted.total/").status_code == 404  # 2023 not closed


def _a_urls() -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    gets = ["/office/years/2024/", "/office/years/2024/reconcile/", "/office/years/2024/cell/t3.granted.total/",
            "/office/years/2024/cell/t4.review.upheld/", "/office/years/2024/report.docx",
            "/office/years/2024/report.pdf", "/office/years/2024/report.html"]
    posts = [("/office/years/2024/sections/", {"other": "B 改的"})] + [
        (f"/office/years/2024/do/{s}/", {"note": "B"}) for s in ("submit", "sign", "return", "approve", "publish", "reopen")]
    return gets, posts


def test_other_office_gets_404_on_every_year_url(tree: dict[str, Any], staff: dict[str, Any], client: Any) -> None:
    _setup(tree)
    c = _as(client, staff["clerk_a"])
    c.post("/office/years/compile/", {"year": "2024"})
    before = _yr(tree)
    gets, posts = _a_urls()
    for who in ("clerk_b", "head_b"):
        b = _as(Client(), staff[who])
        for url in gets:
            assert b.get(url).status_code == 404, (who, url)
            assert b.get(url, HTTP_HX_REQUEST="true").status_code == 404, (who, url)
        for url, data in posts:
            status = b.post(url, data).status_code
            assert status in (403, 404) and (status == 404 or who == "clerk_b"), (who, url, status)
        assert "2024" not in re.sub(r"<option[^>]*>\d+</option>", "", b.get("/office/years/").content.decode()
                                    ).split('<table class="list">')[1].split("</table>")[0]
    after = _yr(tree)
    assert (after.state, after.sections, after.values) == (before.state, before.sections, before.values)
    # B closing its own 2024 compiles B's records only: nothing of A's on any of B's pages.
    b = _as(Client(), staff["head_b"])
    b.post("/office/years/compile/", {"year": "2024"})
    assert _yr(tree, who="dept_b").values["t3.new_received.total"] == 0
    for url in gets[:4]:
        body = b.get(url).content.decode()
        assert "2024-001" not in body and "2023-P" not in body and "复2024" not in body, url
    assert _yr(tree).values == before.values


def test_csrf_is_enforced(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    _setup(tree)
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff["head_a"])
    assert c.post("/office/years/compile/", {"year": "2024"}).status_code == 403
    from xxgk.web.office.year import service

    service.close_year(tree["dept_a"], 2024, staff["clerk_a"])
    for url in ("/office/years/2024/sections/", "/office/years/2024/do/submit/"):
        assert c.post(url, {"other": "x"}).status_code == 403, url
    assert _yr(tree).state == "draft" and _yr(tree).sections["other"] != "x"
    # With the token from the page it goes through.
    page = c.get("/office/years/2024/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert c.post("/office/years/2024/do/submit/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert _yr(tree).state == "review"


def test_every_step_is_audited(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    from xxgk.web.core.models import AuditEvent
    from xxgk.web.office.year import service

    _setup(tree)
    a = tree["dept_a"]
    yr = service.close_year(a, 2024, staff["clerk_a"])
    yr = service.save_sections(yr, staff["clerk_a"], fill_sections(yr))
    yr = service.submit(yr, staff["clerk_a"])
    yr = service.return_to_draft(yr, staff["reviewer_a"], "再看看")
    yr = service.submit(yr, staff["clerk_a"])
    yr = service.sign_review(yr, staff["reviewer_a"])
    yr = service.approve(yr, staff["head_a"])
    yr = service.publish(yr, staff["head_a"])
    yr = service.reopen(yr, staff["head_a"], "更正")
    events = list(AuditEvent.objects.filter(action__startswith="office.year.").order_by("id"))
    assert [(e.action, e.username) for e in events] == [
        ("office.year.compile", "clerk_a"), ("office.year.sections", "clerk_a"), ("office.year.submit", "clerk_a"),
        ("office.year.return", "reviewer_a"), ("office.year.submit", "clerk_a"), ("office.year.sign", "reviewer_a"),
        ("office.year.approve", "head_a"), ("office.year.publish", "head_a"), ("office.year.reopen", "head_a")]
    assert all(e.target == f"office.YearReport:{yr.pk}" and e.agency_path == a.path for e in events)
    assert events[3].details["note"] == "再看看" and events[7].details["version"] == yr.version_id
    assert events[0].details["year"] == 2024 and events[0].details["carried_over_from"] == "records"


def test_fee_figures_contradicting_table_3_block_approval_not_compile(tree: dict[str, Any], staff: dict[str, Any]) -> None:
    """An application closed for an unpaid fee, but no fee notice recorded: the year compiles
    (section 六 keeps its placeholder), and approval names the contradiction."""
    import datetime as dt

    from xxgk.web.office.year import service

    from ._year_data import app

    a = tree["dept_a"]
    app(a, "F-1", "natural_person", dt.date(2024, 3, 1), dt.date(2024, 4, 20), "other_fee_unpaid")
    yr = service.close_year(a, 2024, staff["clerk_a"])
    assert yr.fees == {"notices": 0, "notice_amount_yuan": "0.00", "collected_yuan": "0.00"}
    assert "【请填写" in yr.sections["other"]
    assert service.problems(yr)["fees"]
    yr = service.save_sections(yr, staff["clerk_a"], fill_sections(yr))
    yr = service.submit(yr, staff["clerk_a"])
    with pytest.raises(service.YearError, match="收费通知"):
        service.approve(yr, staff["head_a"])


@pytest.mark.urls("tests.web.office._year_urls")
def test_cell_and_reconcile_pages_link_to_the_applications(tree: dict[str, Any], staff: dict[str, Any], client: Any) -> None:
    from xxgk.web.office.models import Application

    rec = _setup(tree)
    c = _as(client, staff["clerk_a"])
    c.post("/office/years/compile/", {"year": "2024"})
    g2 = Application.objects.get(ref="2024-G2")
    page = c.get("/office/years/2024/cell/t3.granted.natural_person/").content.decode()
    assert f'<a href="/office/applications/{g2.pk}/">2024-G2</a>' in page
    page = c.get("/office/years/2024/cell/t4.review.upheld/").content.decode()  # C1's application
    assert f'<a href="/office/applications/{rec["apps"]["granted"].pk}/">case-{rec["cases"]["C1"].pk}</a>' in page
