"""Corrections with a trail in the web app (issue 15, point 4): the form makes a new active version
with the checks re-run, the original stays, the audit log has the event; history, diff and "make
active"; analysts cannot, other counties cannot see, CSRF is enforced.

Expected findings are worked out by hand: adding 1 to 表三 （一）予以公开 · 自然人 of a report whose
identities all hold breaks the row sum of （一） and the column sum of （七）总计 (two errors), and
nothing else.
"""

from __future__ import annotations

import random
import re
from typing import Any

import pytest
from django.test import Client

CELL = "t3.granted.natural_person"


def _value(version: Any, key: str) -> Any:
    from xxgk.store.models import Version

    return next(c["value"] for c in Version.objects.get(pk=version.pk).data["cells"] if c["key"] == key)


def _post(c: Any, report_id: int, base: int, value: str, note: str = "核对原件：漏计 1 件", kind: str = "cell",
          key: str = CELL, **extra: Any) -> Any:
    return c.post(f"/reports/{report_id}/correct/", {"base": base, "kind": kind, "key": key, "value": value,
                                                      "note": note}, **extra)


@pytest.fixture
def v1(tree: dict[str, Any], put_report: Any) -> Any:
    return put_report(tree["town_a"], 2023, seed=21)


def test_correction_breaks_then_fixes_an_identity(v1: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Finding, Report, Version
    from xxgk.web.core.models import AuditEvent

    assert v1.errors == 0
    old = _value(v1, CELL)
    c = login(users["sup_a"])
    # The form, for the cell, holds its current raw text.
    form = c.get(f"/reports/{v1.report_id}/correct/?cell={CELL}", HTTP_HX_REQUEST="true").content.decode()
    assert f'name="base" value="{v1.pk}"' in form and "csrfmiddlewaretoken" in form
    r = _post(c, v1.report_id, v1.pk, str(old + 1))
    assert r.status_code == 302 and r.url == f"/reports/{v1.report_id}/"
    v2 = Version.objects.get(report_id=v1.report_id, number=2)
    assert (v2.made_by, v2.author, v2.note, v2.errors) == ("corrected", "sup_a", "核对原件：漏计 1 件", 2)
    assert Report.objects.get(pk=v1.report_id).active_id == v2.pk
    assert sorted(Finding.objects.filter(version=v2, severity="error").values_list("rule", flat=True)) == \
        ["t3.results_total", "t3.row_sum"]
    # The original is unchanged.
    assert _value(v1, CELL) == old and Version.objects.get(pk=v1.pk).errors == 0
    # The page shows the new version with the broken identity.
    body = c.get(f"/reports/{v1.report_id}/").content.decode()
    assert "t3.row_sum" in body and re.search(rf'data-key="{CELL}" class="[^"]*st-error', body)
    # Audited: who, what, before and after, why.
    e = AuditEvent.objects.get(action="report.correct")
    assert e.username == "sup_a" and e.target == f"store.Version:{v2.pk}" and e.agency_path == "/10/1001/100101/10010101/"
    assert e.details["before"] == str(old) and e.details["after"] == str(old + 1) and e.details["key"] == CELL
    assert e.details["note"] == "核对原件：漏计 1 件"
    # Fixing it back (htmx): the findings disappear.
    r = _post(c, v1.report_id, v2.pk, str(old), note="改回", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and r["HX-Redirect"] == f"/reports/{v1.report_id}/"
    v3 = Version.objects.get(report_id=v1.report_id, number=3)
    assert v3.errors == 0 and not Finding.objects.filter(version=v3, severity="error").exists()
    assert AuditEvent.objects.filter(action="report.correct").count() == 2


def test_refused_corrections_change_nothing(v1: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Version
    from xxgk.web.core.models import AuditEvent

    c = login(users["sup_a"])
    r = _post(c, v1.report_id, v1.pk, "5", note="")
    assert r.status_code == 400 and "errorlist" in r.content.decode()
    r = _post(c, v1.report_id, v1.pk, str(_value(v1, CELL)))
    assert r.status_code == 400 and "没有任何改动" in r.content.decode()
    r = _post(c, v1.report_id, v1.pk, "5", key="t9.x.y")
    assert r.status_code == 400
    # htmx gets its form back with the message (a 200, so htmx swaps it in).
    r = _post(c, v1.report_id, v1.pk, "5", note="", HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "<form" in r.content.decode()
    assert Version.objects.filter(report_id=v1.report_id).count() == 1
    assert not AuditEvent.objects.filter(action="report.correct").exists()


def test_stale_form_is_refused(v1: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Version

    c = login(users["sup_a"])
    assert _post(c, v1.report_id, v1.pk, "77").status_code == 302
    r = _post(c, v1.report_id, v1.pk, "78")  # still based on v1, now superseded
    assert r.status_code == 400 and "更新的版本" in r.content.decode()
    assert Version.objects.filter(report_id=v1.report_id).count() == 2


def test_section_correction_is_escaped_and_diffed(v1: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Version

    c = login(users["sup_a"])
    r = _post(c, v1.report_id, v1.pk, "整改<script>alert(1)</script>完成", kind="section", key="problems", note="补充")
    assert r.status_code == 302
    v2 = Version.objects.get(report_id=v1.report_id, number=2)
    assert v2.data["sections"]["problems"] == "整改<script>alert(1)</script>完成"
    body = c.get(f"/reports/{v1.report_id}/").content.decode()
    assert "<script>alert(1)</script>" not in body and "整改&lt;script&gt;alert(1)&lt;/script&gt;完成" in body
    d = c.get(f"/reports/{v1.report_id}/diff/?a={v1.pk}&b={v2.pk}").content.decode()
    assert 'data-section="problems"' in d and len(re.findall(r'data-section="', d)) == 1
    assert 'data-key="' not in d  # no cell changed
    assert "<script>alert(1)</script>" not in d
    # The new text is marked as inserted, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in d and "<ins>" in d


def test_history_diff_and_make_active(v1: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Report, Version
    from xxgk.web.core.models import AuditEvent

    c = login(users["sup_a"])
    old = _value(v1, "t4.review.upheld")
    assert _post(c, v1.report_id, v1.pk, str(old + 3), key="t4.review.upheld", note="原件为 N+3").status_code == 302
    v2 = Version.objects.get(report_id=v1.report_id, number=2)
    h = c.get(f"/reports/{v1.report_id}/versions/").content.decode()
    assert "原件为 N+3" in h and "sup_a" in h and "人工更正" in h
    assert f"/versions/{v1.pk}/activate/" in h and f"/versions/{v2.pk}/activate/" not in h  # v2 is active
    # The diff lists exactly the changed cell.
    d = c.get(f"/reports/{v1.report_id}/diff/?a={v1.pk}&b={v2.pk}").content.decode()
    assert re.findall(r'<tr data-key="([^"]+)"', d) == ["t4.review.upheld"]
    assert f"<del>{old}</del>" in d and f"<ins>{old + 3}</ins>" in d
    assert "t4.block_sum" in d  # the finding the correction made
    # Make active switches back, audited.
    r = c.post(f"/versions/{v1.pk}/activate/")
    assert r.status_code == 302
    assert Report.objects.get(pk=v1.report_id).active_id == v1.pk
    e = AuditEvent.objects.get(action="report.make_active")
    assert e.username == "sup_a" and e.details["previous"] == v2.pk and e.details["version"] == 1
    # The page now shows v1 as active; v2 is still there.
    page = c.get(f"/reports/{v1.report_id}/").content.decode()
    assert "第 1 版" in page and Version.objects.filter(report_id=v1.report_id).count() == 2
    # Again: nothing changes, nothing is audited.
    c.post(f"/versions/{v1.pk}/activate/")
    assert AuditEvent.objects.filter(action="report.make_active").count() == 1


def test_analyst_cannot_correct_or_make_active(v1: Any, users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Version

    c = login(users["ana_a"])
    assert c.get(f"/reports/{v1.report_id}/").status_code == 200
    assert "/correct/" not in c.get(f"/reports/{v1.report_id}/").content.decode()
    assert _post(c, v1.report_id, v1.pk, "99").status_code == 403
    assert c.post(f"/versions/{v1.pk}/activate/").status_code == 403
    assert Version.objects.filter(report_id=v1.report_id).count() == 1


def test_other_county_is_404(tree: dict[str, Any], users: dict[str, Any], put_report: Any, login: Any) -> None:
    from xxgk.store.models import Version

    b1 = put_report(tree["dept_b"], 2023, seed=22)
    assert _post(login(users["sup_b"]), b1.report_id, b1.pk, "41").status_code == 302
    b2 = Version.objects.get(report_id=b1.report_id, number=2)
    c = login(users["sup_a"])
    for url in (f"/reports/{b1.report_id}/versions/", f"/reports/{b1.report_id}/diff/?a={b1.pk}&b={b2.pk}",
                f"/reports/{b1.report_id}/correct/?cell={CELL}"):
        assert c.get(url).status_code == 404, url
    assert _post(c, b1.report_id, b2.pk, "42").status_code == 404
    assert c.post(f"/versions/{b1.pk}/activate/").status_code == 404
    # A version of 丁县 cannot be smuggled into a diff of one's own report either.
    mine = put_report(tree["town_a"], 2023, seed=23)
    assert c.get(f"/reports/{mine.report_id}/diff/?a={mine.pk}&b={b1.pk}").status_code == 404
    assert Version.objects.filter(report_id=b1.report_id).count() == 2


def test_csrf_enforced_on_the_correction_form(v1: Any, users: dict[str, Any]) -> None:
    from xxgk.store.models import Version

    c = Client(enforce_csrf_checks=True)
    c.force_login(users["sup_a"])
    assert _post(c, v1.report_id, v1.pk, "55").status_code == 403
    assert c.post(f"/versions/{v1.pk}/activate/").status_code == 403
    # With the token from the form, it goes through.
    form = c.get(f"/reports/{v1.report_id}/correct/?cell={CELL}").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    r = c.post(f"/reports/{v1.report_id}/correct/", {"base": v1.pk, "kind": "cell", "key": CELL, "value": "55",
                                                    "note": "x", "csrfmiddlewaretoken": token})
    assert r.status_code == 302
    assert Version.objects.filter(report_id=v1.report_id).count() == 2


def test_section_diff_marks_what_changed() -> None:
    from xxgk.web.supervise.report.history import marked

    a, b = marked("一是公开不及时；二是解读少。", "一是公开及时；二是解读较少。")
    assert [t for t, changed in a if changed] == ["不"]
    assert [t for t, changed in b if changed] == ["较"]
    assert "".join(t for t, _ in a) == "一是公开不及时；二是解读少。"


def test_generated_values_are_what_the_generator_made(v1: Any) -> None:
    """The fixture's report is the generator's (the oracle of the other tests' hand-worked findings)."""
    from tests.corpus.generate import random_report

    gen = random_report(random.Random(21), fmt="2021")
    assert _value(v1, CELL) == gen.value(CELL)
    assert v1.errors == 0
