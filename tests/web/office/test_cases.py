"""Appeals: 表四 counting with hand-counted literals, and the pages: the link to an application of
this office only, decided date required iff decided, isolation, CSRF, escaping, audit."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from types import SimpleNamespace as NS
from typing import Any

from django.test import Client

from xxgk.web.core.models import AuditEvent
from xxgk.web.office.cases.t4 import t4_cells, t4_counts
from xxgk.web.office.models import Application, Case

D = dt.date


def _c(kind: str, result: str, filed: dt.date, decided: dt.date | None = None) -> NS:
    return NS(kind=kind, result=result, filed_on=filed, decided_on=decided)


CASES = [
    _c("review", "upheld", D(2025, 1, 10), D(2025, 3, 1)),              # c1
    _c("review", "corrected", D(2024, 11, 1), D(2025, 2, 1)),           # c2 filed last year, decided this
    _c("review", "pending", D(2025, 6, 1)),                             # c3
    _c("review", "other", D(2025, 12, 1), D(2026, 1, 15)),              # c4 open on 31 Dec 2025
    _c("review", "pending", D(2026, 1, 2)),                             # c5 filed after the year
    _c("review", "upheld", D(2024, 3, 3), D(2024, 9, 9)),               # c6 all in 2024
    _c("litigation_direct", "pending", D(2023, 5, 5)),                  # l1 open for years
    _c("litigation_direct", "other", D(2025, 2, 2), D(2025, 12, 31)),   # l2 decided on 31 Dec
    _c("litigation_after_review", "corrected", D(2025, 4, 4), D(2025, 8, 8)),
    _c("litigation_after_review", "corrected", D(2025, 4, 5), D(2025, 9, 9)),
]


def test_t4_counts_literal() -> None:
    z = {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0}
    assert t4_counts(CASES, 2025) == {
        "review": {**z, "upheld": 1, "corrected": 1, "pending": 2, "total": 4},   # c1 | c2 | c3, c4
        "litigation_direct": {**z, "other": 1, "pending": 1, "total": 2},         # l2 | l1
        "litigation_after_review": {**z, "corrected": 2, "total": 2},
    }
    assert t4_counts(CASES, 2026) == {
        "review": {**z, "other": 1, "pending": 2, "total": 3},                    # c4 | c3, c5
        "litigation_direct": {**z, "pending": 1, "total": 1},                     # l1
        "litigation_after_review": dict(z),
    }
    assert t4_counts(CASES, 2024) == {
        "review": {**z, "upheld": 1, "pending": 1, "total": 2},                   # c6 | c2
        "litigation_direct": {**z, "pending": 1, "total": 1},
        "litigation_after_review": dict(z),
    }
    cells = t4_cells(CASES, 2025)
    assert len(cells) == 15 and cells["t4.review.total"] == 4 and cells["t4.litigation_after_review.corrected"] == 2


def _as(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _app(agency: Any, ref: str) -> Application:
    return Application.objects.create(agency=agency, ref=ref, applicant_type="natural_person", applicant_name="张三",
                                      channel="counter", submitted_on=D(2025, 3, 3), received_on=D(2025, 3, 3),
                                      description="d")


FORM = {"case_no": "丙行复〔2025〕1号", "kind": "review", "result": "pending", "filed_on": "2025-05-06",
        "decided_on": "", "note": "", "application_ref": ""}


def test_create_edit_and_link(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    own = _app(tree["dept_a"], "2025-001")
    _app(tree["dept_b"], "2025-B01")
    c = _as(staff["clerk_a"])
    # another agency's application is refused like an unknown ref
    r = c.post("/office/cases/new/", {**FORM, "application_ref": "2025-B01"})
    assert r.status_code == 400 and "本机关没有该编号的申请" in r.content.decode()
    assert not Case.objects.exists()
    assert c.post("/office/cases/new/", {**FORM, "application_ref": "2025-001"}).status_code == 302
    case = Case.objects.get()
    assert case.application == own and case.agency == tree["dept_a"] and case.result == "pending"
    # decided_on required iff the result is not pending
    bad = {**FORM, "application_ref": "2025-001", "result": "upheld"}
    assert c.post(f"/office/cases/{case.pk}/edit/", bad).status_code == 400
    assert c.post(f"/office/cases/{case.pk}/edit/", {**FORM, "decided_on": "2025-07-01"}).status_code == 400
    assert c.post(f"/office/cases/{case.pk}/edit/", {**bad, "decided_on": "2025-05-01"}).status_code == 400  # before filed
    assert c.post(f"/office/cases/{case.pk}/edit/", {**bad, "decided_on": "2025-07-01"}).status_code == 302
    case.refresh_from_db()
    assert (case.result, case.decided_on) == ("upheld", D(2025, 7, 1))
    # the edit page shows the linked ref; editing away from B's ref stays refused
    assert 'value="2025-001"' in c.get(f"/office/cases/{case.pk}/edit/").content.decode()
    assert c.post(f"/office/cases/{case.pk}/edit/", {**bad, "decided_on": "2025-07-01",
                                                     "application_ref": "2025-B01"}).status_code == 400
    case.refresh_from_db()
    assert case.application == own
    evs = list(AuditEvent.objects.filter(target=f"office.Case:{case.pk}").order_by("id"))
    assert [e.action for e in evs] == ["office.case.create", "office.case.edit"]
    assert evs[0].details["application"] == "2025-001"
    assert evs[1].details["changes"] == {"result": ["pending", "upheld"], "decided_on": [None, "2025-07-01"]}


def test_list_summary_and_export(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    a = tree["dept_a"]
    for x in CASES:
        Case.objects.create(agency=a, kind=x.kind, result=x.result, filed_on=x.filed_on, decided_on=x.decided_on)
    c = _as(staff["clerk_a"])
    page = c.get("/office/cases/?year=2025").content.decode()
    t4 = page.split('class="list t4"')[1].split("</table>")[0]
    assert re.findall(r'<td class="num">(\d+)</td>', t4) == ["1", "1", "0", "2", "4", "0", "0", "1", "1", "2",
                                                             "0", "2", "0", "0", "2"]
    rows = list(csv.DictReader(io.StringIO(c.get("/office/cases/?year=2025&export=csv").content.decode("utf-8-sig"))))
    assert len(rows) == 8  # the cases behind 2025's 表四: all but c5 and c6
    rows = list(csv.DictReader(io.StringIO(c.get("/office/cases/?result=pending&export=csv").content.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert c.get("/office/cases/?export=xlsx").content[:2] == b"PK"


def test_escaping_csrf_and_roles(staff: dict[str, Any], tree: dict[str, Any], users: dict[str, Any]) -> None:
    case = Case.objects.create(agency=tree["dept_a"], kind="review", case_no="<script>alert(1)</script>",
                               filed_on=D(2025, 1, 1), note="<b>n</b>")
    c = _as(staff["clerk_a"])
    for url in ("/office/cases/", f"/office/cases/{case.pk}/edit/"):
        body = c.get(url).content.decode()
        assert "<script>alert(1)" not in body and "&lt;script&gt;" in body, url
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(staff["clerk_a"])
    assert csrf.post("/office/cases/new/", FORM).status_code == 403
    assert csrf.post(f"/office/cases/{case.pk}/edit/", FORM).status_code == 403
    assert Case.objects.count() == 1
    assert _as(users["sup_a"]).get("/office/cases/").status_code == 403


def test_isolation_from_other_office(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    case = Case.objects.create(agency=tree["dept_a"], kind="review", case_no="甲复1号", filed_on=D(2025, 1, 1))
    for who in ("clerk_b", "head_b"):
        c = _as(staff[who])
        assert c.get(f"/office/cases/{case.pk}/edit/").status_code == 404
        assert c.post(f"/office/cases/{case.pk}/edit/", FORM).status_code == 404
        for url in ("/office/cases/", "/office/cases/?year=2025", "/office/cases/?export=csv", "/office/cases/?export=xlsx"):
            r = c.get(url)
            assert r.status_code == 200 and "甲复1号" not in r.content.decode("utf-8", "ignore"), url
        page = c.get("/office/cases/?year=2025").content.decode()
        t4 = page.split('class="list t4"')[1].split("</table>")[0]
        assert set(re.findall(r'<td class="num">(\d+)</td>', t4)) == {"0"}
    case.refresh_from_db()
    assert case.case_no == "甲复1号" and case.result == "pending"
