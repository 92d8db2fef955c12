"""Notices as DOCX from editable texts: filled with the record's literal values, user text kept
literal (no template injection), unknown placeholders refused on save, an office's own text used
for its notices only, the texts page for heads of office only, every change audited."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest

from xxgk.web.core.models import AuditEvent
from xxgk.web.office import notices
from xxgk.web.office.applications import service
from xxgk.web.office.models import NoticeTemplate

D = dt.date


def docx_text(data: bytes) -> str:
    from docx import Document

    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def make(agency: Any, user: Any, on: dt.date, **kw: Any) -> Any:
    fields = {"applicant_type": "natural_person", "applicant_name": "张三", "channel": "counter",
              "description": "食堂招标文件 {agency} {applicant.__class__} {{x}} <w:t>", "submitted_on": on} | kw
    return service.create_application(agency, user, **fields)


def test_correction_notice_filled(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    u = staff["clerk_a"]
    app = make(tree["dept_a"], u, D(2025, 3, 3))
    service.add_event(app, "correction_requested", u, on=D(2025, 3, 5), days=15)
    r = login(u).get(f"/office/applications/{app.pk}/notices/correction/")
    assert r.status_code == 200 and r["Content-Disposition"] == 'attachment; filename="2025-0001-correction.docx"'
    text = docx_text(r.content)
    assert text.startswith("补正申请告知书\n张三：\n本机关于2025年3月3日收到您提出的政府信息公开申请（编号：2025-0001）")
    assert "请您于2025年3月26日前（15个工作日内）对申请内容作出补正" in text
    # the applicant's words are inserted literally, never read as a template
    assert "食堂招标文件 {agency} {applicant.__class__} {{x}} <w:t>" in text
    assert text.rstrip().endswith("丙县教育局\n" + notices.cn(dt.date.today()))


def test_notices_need_their_event(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    u = staff["clerk_a"]
    app = make(tree["dept_a"], u, D(2025, 3, 3))
    c = login(u)
    for kind in ("correction", "extension", "consultation", "fee", "reply", "nonsense"):
        assert c.get(f"/office/applications/{app.pk}/notices/{kind}/").status_code == 404, kind


def test_fee_extension_consultation_reply_notices(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    u, head = staff["clerk_a"], staff["head_a"]
    app = make(tree["dept_a"], u, D(2025, 9, 15))
    service.add_event(app, "consultation", u, on=D(2025, 9, 16), party="co_producer")
    service.add_event(app, "fee_notice", u, on=D(2025, 9, 17), method="per_page", pages=100)
    service.add_event(app, "extension", head, on=D(2025, 10, 9), days=10)
    c = login(u)
    base = f"/office/applications/{app.pk}/notices/"
    fee = docx_text(c.get(base + "fee/").content)
    assert "本件按量计收，应缴纳信息处理费700.00元" in fee and "第31–100页（第31–100页档）每页10元，70页=700元" in fee
    # 20 working days after 9/17: 9/18,19(2) 22–26(7) 28日调休(8) 29(9) 30(10) [10/1–8] 10/9(11) 10(12)
    # 11六调休(13) 13–17(18) 20(19) 21(20)
    assert "即2025年10月21日（星期二）前" not in fee  # dates are plain Chinese dates in notices
    assert "即2025年10月21日前" in fee
    cons = docx_text(c.get(base + "consultation/").content)
    assert cons.startswith("第三方意见征询函\n共同制作机关：")
    # 15 working days after 9/16: 17,18,19(3) 22–26(8) 28日调休(9) 29(10) 30(11) [10/1–8] 10/9(12) 10(13) 11六(14) 13(15)
    assert "请于2025年10月13日前" in cons
    ext = docx_text(c.get(base + "extension/").content)
    assert "答复期限延长10个工作日" in ext
    service.reply(app, D(2025, 10, 20), "partially_granted", "附件2", "涉及商业秘密，条例第十五条", "其余部分予以公开")
    rep = docx_text(c.get(base + "reply/").content)
    assert "现答复如下：部分公开（区分处理）。其余部分予以公开" in rep
    assert "不予公开部分：附件2\n理由及依据：涉及商业秘密，条例第十五条" in rep


@pytest.mark.parametrize("body,error", [
    ("{applicant} {unknown}", "未知的占位符：{unknown}"),
    ("{applicant.__class__}", "未知的占位符"),
    ("{applicant[0]}", "未知的占位符"),
    ("{applicant!r}", "未知的占位符"),
    ("{applicant:>10}", "未知的占位符"),
    ("{}", "未知的占位符"),
    ("单个 { 花括号", "占位符格式错误"),
])
def test_bad_templates_refused(body: str, error: str) -> None:
    with pytest.raises(notices.TemplateError, match=error.replace("{", r"\{").replace("}", r"\}")
                       .replace("[", r"\[").replace(".", r"\.")):
        notices.check(body)


def test_literal_braces_and_fill() -> None:
    assert notices.fill("{{示例}} {applicant}：{ref}", {"applicant": "{ref}", "ref": "2025-0001"}) == "{示例} {ref}：2025-0001"


def test_templates_page_and_override(tree: dict[str, Any], staff: dict[str, Any], login: Any) -> None:
    u = staff["clerk_a"]
    app = make(tree["dept_a"], u, D(2025, 3, 3))
    service.add_event(app, "correction_requested", u, on=D(2025, 3, 5), days=15)
    assert login(u).get("/office/notice-templates/").status_code == 403
    assert login(u).post("/office/notice-templates/", {"kind": "correction"}).status_code == 403
    assert login(staff["reviewer_a"]).get("/office/notice-templates/").status_code == 403
    c = login(staff["head_a"])
    page = c.get("/office/notice-templates/").content.decode()
    assert "补正申请告知书" in page and "{correction_due}" in page
    r = c.post("/office/notice-templates/", {"kind": "correction", "correction-title": "补正通知",
                                              "correction-body": "{applicant}：请于{correction_due}前补正。{oops}"})
    assert r.status_code == 400 and "未知的占位符：{oops}" in r.content.decode()
    assert not NoticeTemplate.objects.exists()
    r = c.post("/office/notice-templates/", {"kind": "correction", "correction-title": "补正通知<script>",
                                              "correction-body": "{applicant}：请于{correction_due}前补正。"})
    assert r.status_code == 302
    page = c.get("/office/notice-templates/").content.decode()
    assert "补正通知&lt;script&gt;" in page and "补正通知<script>" not in page
    text = docx_text(login(u).get(f"/office/applications/{app.pk}/notices/correction/").content)
    assert text == "补正通知<script>\n张三：请于2025年3月26日前补正。"
    # B's office keeps the default text
    other = make(tree["dept_b"], staff["clerk_b"], D(2025, 3, 3))
    service.add_event(other, "correction_requested", staff["clerk_b"], on=D(2025, 3, 5), days=15)
    text_b = docx_text(login(staff["clerk_b"]).get(f"/office/applications/{other.pk}/notices/correction/").content)
    assert text_b.startswith("补正申请告知书\n")
    # head_b edits B's own text without touching A's
    login(staff["head_b"]).post("/office/notice-templates/", {"kind": "correction", "correction-title": "乙的",
                                                              "correction-body": "{ref}"})
    assert NoticeTemplate.objects.get(agency=tree["dept_a"]).title == "补正通知<script>"
    # reset to default
    c = login(staff["head_a"])
    assert c.post("/office/notice-templates/", {"kind": "correction", "reset": "1"}).status_code == 302
    assert not NoticeTemplate.objects.filter(agency=tree["dept_a"]).exists()
    actions = list(AuditEvent.objects.filter(action__startswith="office.notice_template").order_by("id")
                   .values_list("action", "username", "agency_path"))
    assert actions == [("office.notice_template.save", "head_a", tree["dept_a"].path),
                       ("office.notice_template.save", "head_b", tree["dept_b"].path),
                       ("office.notice_template.reset", "head_a", tree["dept_a"].path)]
