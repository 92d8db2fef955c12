"""The registers behind 表二: documents (issued / repealed / in force, derived), decision counts and
fee income entered by form and imported (CSV in GBK or UTF-8, XLSX), all or nothing; the year's
10 cells with hand-counted literals; isolation, CSRF, escaping and audit."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace as NS
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xxgk.web.core.models import AuditEvent
from xxgk.web.office.models import DecisionCount, Document, FeeIncome
from xxgk.web.office.register import imports
from xxgk.web.office.register.t2 import t2_cells, t2_documents

D = dt.date

DOCS = [
    NS(kind="regulations", issued_on=D(2025, 3, 1), repealed_on=None),               # R1
    NS(kind="regulations", issued_on=D(2020, 5, 1), repealed_on=D(2025, 6, 30)),     # R2
    NS(kind="regulations", issued_on=D(2019, 1, 1), repealed_on=D(2026, 2, 1)),      # R3 repealed a later year
    NS(kind="normative_documents", issued_on=D(2025, 12, 31), repealed_on=None),     # N1
    NS(kind="normative_documents", issued_on=D(2026, 1, 5), repealed_on=None),       # N2 issued after the year
    NS(kind="normative_documents", issued_on=D(2025, 2, 1), repealed_on=D(2025, 11, 11)),  # N3
    NS(kind="normative_documents", issued_on=D(2018, 1, 1), repealed_on=D(2025, 12, 31)),  # N4 repealed on 31 Dec
    NS(kind="normative_documents", issued_on=D(2024, 7, 1), repealed_on=None),       # N5
]


def test_t2_documents_literal() -> None:
    assert t2_documents(DOCS, 2025) == {
        "regulations": {"issued": 1, "repealed": 1, "in_force": 2},          # R1 | R2 | R1, R3
        "normative_documents": {"issued": 2, "repealed": 2, "in_force": 2},  # N1, N3 | N3, N4 | N1, N5
    }
    assert t2_documents(DOCS, 2026) == {
        "regulations": {"issued": 0, "repealed": 1, "in_force": 1},          # - | R3 | R1
        "normative_documents": {"issued": 1, "repealed": 0, "in_force": 3},  # N2 | - | N1, N2, N5
    }
    assert t2_documents([], 2025)["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}


def test_t2_cells_literal() -> None:
    decisions = [NS(year=2025, kind="licensing", count=12), NS(year=2025, kind="licensing", count=30),
                 NS(year=2025, kind="penalty", count=5), NS(year=2024, kind="licensing", count=7)]
    fees = [NS(year=2025, amount_wan_yuan=Decimal("1.2345")), NS(year=2025, amount_wan_yuan=Decimal("0.0055")),
            NS(year=2024, amount_wan_yuan=Decimal("9"))]
    cells = t2_cells(DOCS, decisions, fees, 2025)
    assert cells == {
        "t2.regulations.issued": 1, "t2.regulations.repealed": 1, "t2.regulations.in_force": 2,
        "t2.normative_documents.issued": 2, "t2.normative_documents.repealed": 2, "t2.normative_documents.in_force": 2,
        "t2.licensing": 42, "t2.penalty": 5, "t2.compulsion": 0, "t2.admin_fees_wan_yuan": Decimal("1.2400"),
    }
    assert len(cells) == 10
    with pytest.raises(TypeError):
        t2_cells([], [], [NS(year=2025, amount_wan_yuan=0.1)], 2025)


def _as(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_documents_pages_and_repeal(staff: dict[str, Any], tree: dict[str, Any]) -> None:
    c = _as(staff["clerk_a"])
    assert c.post("/office/documents/new/", {"kind": "normative_documents", "doc_no": "丙教发〔2025〕3号",
                                             "title": "<script>x</script>招生办法", "issued_on": "2025-02-01"}).status_code == 302
    doc = Document.objects.get(doc_no="丙教发〔2025〕3号")
    assert doc.agency == tree["dept_a"] and doc.repealed_on is None
    page = c.get("/office/documents/").content.decode()
    assert "&lt;script&gt;x" in page and "<script>x" not in page
    # repeal: before issue refused, then repealed
    assert c.post(f"/office/documents/{doc.pk}/repeal/", {"repealed_on": "2025-01-01"}).status_code == 400
    assert c.post(f"/office/documents/{doc.pk}/repeal/", {"repealed_on": "2025-11-11"}).status_code == 302
    doc.refresh_from_db()
    assert doc.repealed_on == D(2025, 11, 11)
    rows = list(csv.DictReader(io.StringIO(c.get("/office/documents/?export=csv").content.decode("utf-8-sig"))))
    assert [(r["doc_no"], r["repealed_on"], r["in_force"]) for r in rows] == [("丙教发〔2025〕3号", "2025-11-11", "no")]
    assert c.get("/office/documents/?status=in_force").content.decode().count("丙教发") == 0
    assert c.post(f"/office/documents/{doc.pk}/edit/", {"kind": "normative_documents", "doc_no": "丙教发〔2025〕3号",
                                                        "title": "招生办法", "issued_on": "2025-02-01",
                                                        "repealed_on": "2025-11-11"}).status_code == 302
    acts = list(AuditEvent.objects.filter(target=f"office.Document:{doc.pk}").order_by("id").values_list("action", flat=True))
    assert acts == ["office.document.create", "office.document.repeal", "office.document.edit"]
    ev = AuditEvent.objects.get(action="office.document.repeal")
    assert ev.details == {"repealed_on": "2025-11-11", "before": None}


def test_decisions_and_fees_by_form_and_the_year_summary(staff: dict[str, Any]) -> None:
    c = _as(staff["clerk_a"])
    a = staff["clerk_a"].xxgk.agency
    for kind, period, n in (("licensing", "1月", 12), ("licensing", "2月", 30), ("penalty", "全年", 5)):
        assert c.post("/office/decisions/", {"year": "2025", "kind": kind, "period": period, "count": str(n)}).status_code == 302
    # the same period twice is refused
    assert c.post("/office/decisions/", {"year": "2025", "kind": "licensing", "period": "1月", "count": "1"}).status_code == 400
    assert c.post("/office/fees/", {"year": "2025", "period": "上半年", "amount_wan_yuan": "1.2345"}).status_code == 302
    assert c.post("/office/fees/", {"year": "2025", "period": "下半年", "amount_wan_yuan": "0.0055"}).status_code == 302
    assert c.post("/office/fees/", {"year": "2025", "period": "x", "amount_wan_yuan": "-1"}).status_code == 400
    assert c.post("/office/fees/", {"year": "2025", "period": "y", "amount_wan_yuan": "0.00001"}).status_code == 400
    Document.objects.bulk_create([Document(agency=a, title=f"d{i}", kind=d.kind, issued_on=d.issued_on,
                                           repealed_on=d.repealed_on) for i, d in enumerate(DOCS)])
    page = c.get("/office/t2/?year=2025").content.decode()
    # the summary's numbers, in printed order: regulations 1 1 2, normative 2 2 2, 42 5 0, fee 1.2400
    import re
    nums = re.findall(r'<td class="num"(?: id="fee")?>([\d.]+)</td>', page)
    assert nums == ["1", "1", "2", "2", "2", "2", "42", "5", "0", "1.2400"]
    row = DecisionCount.objects.get(period="2月")
    assert c.post(f"/office/decisions/{row.pk}/edit/", {"year": "2025", "kind": "licensing", "period": "2月",
                                                        "count": "31"}).status_code == 302
    assert c.post(f"/office/decisions/{row.pk}/delete/").status_code == 302
    acts = list(AuditEvent.objects.filter(action__startswith="office.decisions").order_by("id").values_list("action", flat=True))
    assert acts == ["office.decisions.create"] * 3 + ["office.decisions.edit", "office.decisions.delete"]
    assert AuditEvent.objects.get(action="office.decisions.edit").details["changes"] == {"count": [30, 31]}
    assert AuditEvent.objects.filter(action="office.fees.create").first().details["amount_wan_yuan"] in ("1.2345", "0.0055")


def _upload(c: Client, reg: str, data: bytes, name: str) -> Any:
    return c.post(f"/office/{reg}/import/", {"file": SimpleUploadedFile(name, data)})


def test_import_csv_gbk_and_utf8_bom(staff: dict[str, Any]) -> None:
    c = _as(staff["clerk_a"])
    gbk = "year,kind,period,count,note\r\n2025,行政许可,一季度,17,窗口受理\r\n2025,penalty,一季度,3,\r\n".encode("gbk")
    r = _upload(c, "decisions", gbk, "决定.csv")
    assert r.status_code == 302
    assert sorted(DecisionCount.objects.values_list("kind", "period", "count", "note")) == [
        ("licensing", "一季度", 17, "窗口受理"), ("penalty", "一季度", 3, "")]
    bom = "\ufeffyear,period,amount_wan_yuan\n2025,全年,12.5\n".encode()
    assert _upload(c, "fees", bom, "fees.csv").status_code == 302
    assert FeeIncome.objects.get().amount_wan_yuan == Decimal("12.5")
    ev = AuditEvent.objects.get(action="office.decisions.import")
    assert ev.details["rows"] == 2 and ev.agency_path == staff["clerk_a"].xxgk.agency.path
    # importing the same file again doubles nothing: every row is a duplicate
    r = _upload(c, "decisions", gbk, "决定.csv")
    assert r.status_code == 400 and "第 2 行" in r.content.decode() and DecisionCount.objects.count() == 2


def test_import_xlsx_exact_decimals(staff: dict[str, Any]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["year", "period", "amount_wan_yuan", "note"])
    ws.append([2025, "1月", 0.1, "学费"])
    ws.append([2025, "2月", 0.2, None])
    ws.append([2025, "3月", "3.0001", None])
    buf = io.BytesIO()
    wb.save(buf)
    c = _as(staff["clerk_a"])
    assert _upload(c, "fees", buf.getvalue(), "fees.xlsx").status_code == 302
    total = sum(FeeIncome.objects.values_list("amount_wan_yuan", flat=True), Decimal(0))
    assert total == Decimal("3.3001")  # 0.1 + 0.2 exactly, not 0.30000000000000004
    assert "3.3001" in c.get("/office/t2/?year=2025").content.decode()

    # an XLSX whose row 3 holds more than 4 decimals (a formula's cached 1/3): refused whole, nothing rounded
    wb = Workbook()
    ws = wb.active
    ws.append(["year", "period", "amount_wan_yuan"])
    ws.append([2026, "1月", 5])
    ws.append([2026, "2月", 1 / 3])
    buf = io.BytesIO()
    wb.save(buf)
    r = _upload(c, "fees", buf.getvalue(), "fees2026.xlsx")
    assert r.status_code == 400 and "第 3 行" in r.content.decode() and "第 2 行" not in r.content.decode()
    assert not FeeIncome.objects.filter(year=2026).exists()

    wb = Workbook()
    ws = wb.active
    ws.append(["year", "kind", "period", "count"])
    ws.append([2025, "compulsion", "全年", 4])
    buf = io.BytesIO()
    wb.save(buf)
    assert _upload(c, "decisions", buf.getvalue(), "d.xlsx").status_code == 302
    assert DecisionCount.objects.get().count == 4


def test_import_is_all_or_nothing(staff: dict[str, Any]) -> None:
    c = _as(staff["clerk_a"])
    data = ("year,kind,period,count\n"
            "2025,licensing,1月,10\n"     # row 2 fine
            "2025,arrest,1月,3\n"         # row 3 bad kind
            "2025,penalty,1月,2\n"        # row 4 fine
            "2025,penalty,2月,-1\n"       # row 5 negative
            "2025,penalty,1月,2\n")       # row 6 duplicate of row 4
    r = _upload(c, "decisions", data.encode(), "d.csv")
    page = r.content.decode()
    assert r.status_code == 400
    assert "第 3 行" in page and "第 5 行" in page and "第 6 行" in page and "第 2 行" not in page and "第 4 行" not in page
    assert DecisionCount.objects.count() == 0 and not AuditEvent.objects.filter(action__contains="import").exists()
    r = _upload(c, "fees", "year,period,amount_wan_yuan\n2025,全年,1e3\n2025,x,abc\n".encode(), "f.csv")
    assert r.status_code == 400 and "第 2 行" in r.content.decode() and FeeIncome.objects.count() == 0


@pytest.mark.parametrize("data,name,says", [
    (b"%PDF-1.7\n...", "x.csv", "不是 CSV 或 XLSX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "x.xls", ".xls"),
    (b"year,period\n2025,x\n", "x.csv", "缺少列"),
    (b"PK\x03\x04garbage", "x.xlsx", "XLSX"),
    (b"", "x.csv", ""),
])
def test_import_refuses_files(staff: dict[str, Any], data: bytes, name: str, says: str) -> None:
    r = _upload(_as(staff["clerk_a"]), "fees", data, name)
    assert r.status_code == 400 and says in r.content.decode()
    assert FeeIncome.objects.count() == 0


def test_import_size_limit(staff: dict[str, Any]) -> None:
    big = b"year,period,amount_wan_yuan\n" + b"2025,p,1\n" * (imports.IMPORT_MAX_BYTES // 9 + 1)
    assert len(big) > imports.IMPORT_MAX_BYTES
    r = _upload(_as(staff["clerk_a"]), "fees", big, "big.csv")
    assert r.status_code == 400 and FeeIncome.objects.count() == 0
    with pytest.raises(imports.ImportRefused):
        imports.read_table(big)


def test_csrf_enforced(staff: dict[str, Any]) -> None:
    doc = Document.objects.create(agency=staff["clerk_a"].xxgk.agency, kind="regulations", title="t", issued_on=D(2025, 1, 1))
    c = Client(enforce_csrf_checks=True)
    c.force_login(staff["clerk_a"])
    for url, data in (("/office/documents/new/", {}), (f"/office/documents/{doc.pk}/repeal/", {"repealed_on": "2025-02-02"}),
                      ("/office/decisions/", {}), ("/office/fees/import/", {})):
        assert c.post(url, data).status_code == 403, url
    doc.refresh_from_db()
    assert doc.repealed_on is None


def test_isolation_from_other_office(staff: dict[str, Any]) -> None:
    a = staff["clerk_a"].xxgk.agency
    doc = Document.objects.create(agency=a, kind="regulations", title="甲的规章", doc_no="甲1", issued_on=D(2025, 1, 1))
    dec = DecisionCount.objects.create(agency=a, year=2025, kind="licensing", period="甲期", count=99)
    fee = FeeIncome.objects.create(agency=a, year=2025, period="甲期", amount_wan_yuan=Decimal("7.5"))
    for who in ("clerk_b", "head_b"):
        c = _as(staff[who])
        assert c.get(f"/office/documents/{doc.pk}/edit/").status_code == 404
        assert c.post(f"/office/documents/{doc.pk}/edit/", {"kind": "regulations", "title": "x",
                                                            "issued_on": "2025-01-01"}).status_code == 404
        assert c.post(f"/office/documents/{doc.pk}/repeal/", {"repealed_on": "2025-02-02"}).status_code == 404
        for reg, row in (("decisions", dec), ("fees", fee)):
            assert c.get(f"/office/{reg}/{row.pk}/edit/").status_code == 404
            assert c.post(f"/office/{reg}/{row.pk}/edit/", {"year": "2025", "kind": "penalty", "period": "x",
                                                            "count": "1", "amount_wan_yuan": "1"}).status_code == 404
            assert c.post(f"/office/{reg}/{row.pk}/delete/").status_code == 404
        for url in ("/office/documents/", "/office/documents/?export=csv", "/office/documents/?export=xlsx",
                    "/office/decisions/?year=2025", "/office/decisions/?export=csv", "/office/decisions/?export=xlsx",
                    "/office/fees/?export=csv", "/office/fees/", "/office/fees/?export=xlsx"):
            r = c.get(url)
            assert r.status_code == 200, url
            body = r.content.decode("utf-8", "ignore")
            assert "甲的规章" not in body and "甲期" not in body and "甲1" not in body, url
        page = c.get("/office/t2/?year=2025").content.decode()
        assert "99" not in page and "7.5" not in page
    # an import by B lands in B's register, and B may use the period A used
    c = _as(staff["clerk_b"])
    assert _upload(c, "decisions", "year,kind,period,count\n2025,licensing,甲期,1\n".encode(), "b.csv").status_code == 302
    doc.refresh_from_db(), dec.refresh_from_db(), fee.refresh_from_db()
    assert (doc.title, doc.repealed_on, dec.count, fee.amount_wan_yuan) == ("甲的规章", None, 99, Decimal("7.5"))
    assert DecisionCount.objects.filter(agency=a).count() == 1


def test_clerk_may_edit_registers_but_not_others(staff: dict[str, Any], users: dict[str, Any]) -> None:
    # a supervisor has no office: 403 on every register page
    c = _as(users["sup_a"])
    for url in ("/office/documents/", "/office/decisions/", "/office/fees/", "/office/t2/", "/office/fees/import/"):
        assert c.get(url).status_code == 403, url
