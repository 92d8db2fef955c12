"""Issues list (问题清单): literal findings filtered to literal counts; marked handled with a note
(audited, hidden from the open list, kept by quality.refresh); isolation, roles, escaping."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from tests.web.test_rollup import generated

YEAR = 2024
SCRIPT = "<script>alert('x')</script>"


@pytest.fixture
def literal(tree: dict[str, Any], put_report: Any) -> dict[str, Any]:
    """Reports of 2024 for 丙县, 戊镇, 丙县教育局 (two versions: the second active) and 丁县教育局;
    their findings replaced by these (open unless said):

    丙县 (active)        t3.column_identity error ×2 (one's message holds <script>), read.window_by_identity warning
    戊镇 (active)        quality.late warning (quality)
    丙县教育局 v2 (active) t3.row_identity error
    丙县教育局 v1 (old)   t3.row_identity error            — never listed: not the active version
    戊镇 2023            quality.missing warning (agency-year, quality)
    丁县教育局 (active)   t3.column_identity error          — 丁县: never seen by 丙县's users
    """
    from xxgk.store.models import Finding

    v = {}
    for seed, name in enumerate(("county_a", "town_a", "dept_a", "dept_b"), start=21):
        _r, data = generated(tree[name], YEAR, seed, {})
        v[name] = put_report(tree[name], YEAR, data=data, name=f"{name}.txt")
    _r, data = generated(tree["dept_a"], YEAR, 99, {})
    v["dept_a_old"], v["dept_a"] = v["dept_a"], put_report(tree["dept_a"], YEAR, data=data, name="dept_a-2.txt")
    assert v["dept_a"].report.active_id == v["dept_a"].pk
    Finding.objects.all().delete()

    def add(version: Any, rule: str, severity: str, message: str, source: str = "check", **kw: Any) -> Any:
        agency_id = version.report.agency_id if version is not None else kw.pop("agency").pk
        return Finding.objects.create(version=version, agency_id=agency_id, year=kw.pop("year", YEAR), rule=rule,
                                      severity=severity, message=message, source=source, **kw)

    return {
        "versions": v,
        "c1": add(v["county_a"], "t3.column_identity", "error", f"一+二 ≠ 七+四 {SCRIPT}", cells=["t3.new_received.total"]),
        "c2": add(v["county_a"], "t3.column_identity", "error", "一+二 ≠ 七+四 (2)"),
        "c3": add(v["county_a"], "read.window_by_identity", "warning", "窗口", source="read"),
        "t1": add(v["town_a"], "quality.late", "warning", "迟报", source="quality"),
        "d1": add(v["dept_a"], "t3.row_identity", "error", "行合计"),
        "d_old": add(v["dept_a_old"], "t3.row_identity", "error", "旧版本的行合计"),
        "m1": add(None, "quality.missing", "warning", "未见戊镇 2023 年报告", source="quality", agency=tree["town_a"],
                  year=2023),
        "b1": add(v["dept_b"], "t3.column_identity", "error", "丁县的问题"),
    }


def _ids(client: Any, **params: Any) -> set[int]:
    r = client.get("/issues/", params)
    assert r.status_code == 200, r.status_code
    return {row["finding"].pk for row in r.context["rows"]}


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"c1", "c2", "c3", "t1", "d1", "m1"}),
    ({"rule": "t3.column_identity"}, {"c1", "c2"}),
    ({"severity": "error"}, {"c1", "c2", "d1"}),
    ({"severity": "warning"}, {"c3", "t1", "m1"}),
    ({"level": "township"}, {"t1", "m1"}),
    ({"level": "department"}, {"d1"}),
    ({"year": "2024"}, {"c1", "c2", "c3", "t1", "d1"}),
    ({"year": "2023"}, {"m1"}),
    ({"agency": "10010101"}, {"t1", "m1"}),
    ({"source": "quality"}, {"t1", "m1"}),
    ({"source": "read"}, {"c3"}),
    ({"severity": "error", "level": "county", "year": "2024"}, {"c1", "c2"}),
])
def test_filters_give_literal_rows(literal: dict[str, Any], users: dict[str, Any], login: Any,
                                   params: dict[str, str], expected: set[str]) -> None:
    client = login(users["sup_a"])
    assert _ids(client, **params) == {literal[k].pk for k in expected}
    r = client.get("/issues/", params)
    assert r.context["page"].paginator.count == len(expected)


def test_city_sees_both_counties_and_old_versions_never(literal: dict[str, Any], users: dict[str, Any],
                                                        login: Any) -> None:
    ids = _ids(login(users["sup_city"]))
    assert ids == {literal[k].pk for k in ("c1", "c2", "c3", "t1", "d1", "m1", "b1")}
    assert _ids(login(users["sup_b"])) == {literal["b1"].pk}


def test_handled_with_note_is_audited_and_leaves_the_open_list(literal: dict[str, Any], users: dict[str, Any],
                                                                login: Any) -> None:
    from xxgk.store.models import Finding
    from xxgk.web.core.models import AuditEvent

    client = login(users["sup_a"])
    c1 = literal["c1"]
    r = client.post(f"/issues/{c1.pk}/handle/", {"note": "已与县政府办核实，表格已更正", "handled": "1"},
                    HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert f'id="finding-{c1.pk}"' in r.content.decode() and "已处理" in r.content.decode()
    f = Finding.objects.get(pk=c1.pk)
    assert f.handled and f.handled_note == "已与县政府办核实，表格已更正" and f.handled_by == "sup_a"
    assert f.handled_at is not None
    event = AuditEvent.objects.get(action="finding.handled")
    assert event.username == "sup_a" and event.target == f"store.Finding:{c1.pk}"
    assert event.agency_path == "/10/1001/100101/" and event.details["note"] == "已与县政府办核实，表格已更正"
    assert c1.pk not in _ids(client)
    assert _ids(client, state="handled") == {c1.pk}
    assert len(_ids(client, state="all")) == 6
    # A note is required; reopening is audited too.
    assert client.post(f"/issues/{literal['c2'].pk}/handle/", {"note": " ", "handled": "1"}).status_code == 400
    assert client.post(f"/issues/{c1.pk}/handle/", {"handled": "0"}).status_code == 302
    assert c1.pk in _ids(client)
    assert AuditEvent.objects.filter(action="finding.reopened", target=f"store.Finding:{c1.pk}").count() == 1


def test_handled_mark_survives_quality_refresh(tree: dict[str, Any], put_report: Any, users: dict[str, Any],
                                               login: Any) -> None:
    """Only 戊镇 reports for 2024: refresh finds 丙县教育局 missing. Handled, the finding keeps its
    mark through a full refresh, through a new report elsewhere, and through a change of its wording
    (the province renamed: the message names it), where it is updated in place."""
    from xxgk.store import quality
    from xxgk.store.models import Finding

    put_report(tree["town_a"], YEAR, seed=3)
    missing = Finding.objects.get(rule="quality.missing", agency=tree["dept_a"], year=YEAR)
    client = login(users["sup_a"])
    assert client.post(f"/issues/{missing.pk}/handle/", {"note": "该局已撤并"}).status_code == 302
    quality.refresh(everything=True)
    put_report(tree["dept_b"], YEAR, seed=4)
    f = Finding.objects.get(pk=missing.pk)
    assert f.handled and f.handled_note == "该局已撤并"
    province = tree["province"]
    province.name = "甲省（更名）"
    province.save()
    assert quality.refresh(everything=True) > 0
    f = Finding.objects.get(pk=missing.pk)
    assert "甲省（更名）" in f.message
    assert f.handled and f.handled_note == "该局已撤并" and f.handled_by == "sup_a"
    assert missing.pk not in _ids(client)
    # The report arrives: the finding goes.
    province.name = "甲省"
    province.save()
    put_report(tree["dept_a"], YEAR, seed=5)
    assert not Finding.objects.filter(pk=missing.pk).exists()


def test_isolation(literal: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Finding

    client = login(users["sup_a"])
    b1 = literal["b1"]
    dept_b = literal["versions"]["dept_b"]
    Finding.objects.create(version=dept_b, agency_id=dept_b.report.agency_id, year=YEAR, rule="t4.block_sum",
                           severity="error", message="只在丁县", source="check")
    assert client.get("/issues/").context["rules"] == [
        "quality.late", "quality.missing", "read.window_by_identity", "t3.column_identity", "t3.row_identity"]
    assert "t4.block_sum" in login(users["sup_city"]).get("/issues/").context["rules"]
    client = login(users["sup_a"])
    assert client.post(f"/issues/{b1.pk}/handle/", {"note": "x"}).status_code == 404
    assert client.post(f"/issues/{b1.pk}/handle/", {"note": "x"}, HTTP_HX_REQUEST="true").status_code == 404
    assert client.get("/issues/", {"agency": "100102"}).status_code == 404
    assert client.get("/issues/", {"agency": "100102", "export": "csv"}).status_code == 404
    body = client.get("/issues/", {"state": "all"}).content.decode()
    assert "丁县" not in body
    for fmt in ("csv", "xlsx"):
        r = client.get("/issues/", {"state": "all", "export": fmt})
        assert r.status_code == 200
    rows = list(csv.DictReader(io.StringIO(client.get("/issues/", {"export": "csv"}).content.decode("utf-8-sig"))))
    assert {int(r["id"]) for r in rows} == {literal[k].pk for k in ("c1", "c2", "c3", "t1", "d1", "m1")}
    assert "丁县" not in str(rows)
    assert client.get("/issues/", {"severity": "fatal"}).status_code == 404


def test_analyst_cannot_handle(literal: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    from xxgk.store.models import Finding

    client = login(users["ana_a"])
    c1 = literal["c1"]
    assert client.get("/issues/").status_code == 200
    assert "标记为已处理" not in client.get("/issues/").content.decode()
    assert client.post(f"/issues/{c1.pk}/handle/", {"note": "x"}).status_code == 403
    assert not Finding.objects.get(pk=c1.pk).handled


def test_script_in_message_and_agency_name_is_escaped(literal: dict[str, Any], tree: dict[str, Any],
                                                      users: dict[str, Any], login: Any) -> None:
    town = tree["town_a"]
    town.name = "<script>x()</script>镇"
    town.save()
    client = login(users["sup_a"])
    body = client.get("/issues/").content.decode()
    assert SCRIPT not in body and "<script>x()</script>" not in body
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in body
    assert "&lt;script&gt;x()&lt;/script&gt;镇" in body
    r = client.post(f"/issues/{literal['c1'].pk}/handle/", {"note": "<script>n()</script>"}, HTTP_HX_REQUEST="true")
    assert "<script>n()</script>" not in r.content.decode() and "&lt;script&gt;n()" in r.content.decode()


def test_rows_link_to_the_report_page(literal: dict[str, Any], users: dict[str, Any], login: Any) -> None:
    from xxgk.web.supervise.rollup.common import report_url

    body = login(users["sup_a"]).get("/issues/", {"agency": "10010102"}).content.decode()
    assert f'href="{report_url(literal["versions"]["dept_a"].report_id)}"' in body


def test_count_is_capped(literal: dict[str, Any], users: dict[str, Any], login: Any,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    from xxgk.web import limits

    monkeypatch.setattr(limits, "ISSUES_COUNT_CAP", 4)
    monkeypatch.setattr(limits, "PAGE_SIZE", 2)
    client = login(users["sup_a"])
    r = client.get("/issues/")
    assert r.context["page"].capped and r.context["page"].paginator.count == 4
    assert "问题超过 4 条" in r.content.decode()
    seen = set()
    for n in (1, 2):
        seen |= {row["finding"].pk for row in client.get("/issues/", {"page": n}).context["rows"]}
    assert len(seen) == 4
