"""Notices to applicants (补正, 延期, 征求意见, 收费, 答复) as DOCX, from editable texts.

A text is plain Chinese with `{placeholder}` fields (`PLACEHOLDERS`). It is filled with
`str.format_map` over plain strings only: a template may name a field and nothing else (no
attribute or index access, no conversion, no format spec: `check()` refuses them when the template
is saved), and the values — the applicant's name, the request's description — are inserted as
text, never read as a template themselves. So neither an office's text nor an applicant's words can
reach code (no Django or Jinja template is ever built from them).

An office's own `NoticeTemplate` overrides the store-wide default row (agency NULL), which
overrides the built-in `DEFAULTS` below.
"""

from __future__ import annotations

import datetime as dt
import io
import string
from dataclasses import dataclass
from typing import Any

from .models import CONSULTED_PARTIES, FEE_METHODS, NOTICE_KINDS, OUTCOMES, Application, NoticeTemplate, label_of

#: Placeholder → what it holds (shown on the templates page).
PLACEHOLDERS: dict[str, str] = {
    "agency": "本机关名称",
    "applicant": "申请人",
    "ref": "申请编号",
    "received_on": "收到申请日期",
    "description": "申请内容",
    "due_on": "答复期限届满日",
    "today": "通知书日期",
    "correction_on": "补正通知日期",
    "correction_days": "补正期限（工作日）",
    "correction_due": "补正期限届满日",
    "party": "征求意见对象",
    "consultation_on": "征求意见函发出日期",
    "consultation_due": "征求意见答复期限",
    "extension_days": "延长期限（工作日）",
    "amount": "收费金额（元）",
    "method": "收费方式",
    "explanation": "收费计算说明",
    "payment_due": "缴费期限届满日",
    "outcome": "处理结果",
    "withheld_parts": "不予公开部分",
    "withheld_grounds": "不予公开理由及依据",
    "reply_note": "答复要点",
    "reply_on": "答复日期",
}

_TAIL = "\n\n{agency}\n{today}"

#: Built-in texts: kind → (title, body).
DEFAULTS: dict[str, tuple[str, str]] = {
    "correction": ("补正申请告知书", (
        "{applicant}：\n"
        "本机关于{received_on}收到您提出的政府信息公开申请（编号：{ref}），申请内容为：{description}。\n"
        "经审查，您的申请内容不够明确。根据《中华人民共和国政府信息公开条例》第三十条的规定，请您于{correction_due}前"
        "（{correction_days}个工作日内）对申请内容作出补正，说明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述。"
        "答复期限自本机关收到补正之日起重新计算。无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。"
        + _TAIL)),
    "extension": ("延期答复告知书", (
        "{applicant}：\n"
        "本机关于{received_on}收到您提出的政府信息公开申请（编号：{ref}）。因需要延长答复期限，"
        "根据《中华人民共和国政府信息公开条例》第三十三条第二款的规定，经政府信息公开工作机构负责人同意，"
        "答复期限延长{extension_days}个工作日，本机关将于{due_on}前作出答复。\n特此告知。" + _TAIL)),
    "consultation": ("第三方意见征询函", (
        "{party}：\n"
        "本机关于{received_on}收到政府信息公开申请（编号：{ref}），申请内容为：{description}。"
        "该申请所涉信息公开后可能损害你方合法权益。根据《中华人民共和国政府信息公开条例》第三十二条的规定，"
        "现书面征求你方意见，请于{consultation_due}前（自收到本函之日起15个工作日内）提出意见；逾期未提出意见的，"
        "由本机关依照条例规定决定是否公开。" + _TAIL)),
    "fee": ("收费通知书", (
        "{applicant}：\n"
        "本机关于{received_on}收到您提出的政府信息公开申请（编号：{ref}）。根据《中华人民共和国政府信息公开条例》"
        "第四十二条和《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），本件{method}，应缴纳信息处理费{amount}元。\n"
        "计算说明：{explanation}\n"
        "请自收到本通知之日的次日起20个工作日内（即{payment_due}前）缴纳。无正当理由逾期未缴纳的，视为放弃申请，"
        "本机关不再处理该政府信息公开申请。" + _TAIL)),
    "reply": ("政府信息公开申请答复书", (
        "{applicant}：\n"
        "本机关于{received_on}收到您提出的政府信息公开申请（编号：{ref}），申请内容为：{description}。\n"
        "经审查，现答复如下：{outcome}。{reply_note}\n"
        "不予公开部分：{withheld_parts}\n理由及依据：{withheld_grounds}\n"
        "如对本答复不服，可以自收到本答复之日起六十日内依法申请行政复议，或者自收到本答复之日起六个月内依法提起行政诉讼。"
        + _TAIL)),
}

KINDS = [k for k, _ in NOTICE_KINDS]


class TemplateError(ValueError):
    """A notice text that cannot be filled: an unknown placeholder or a malformed field."""


def check(text: str) -> list[str]:
    """The placeholders `text` uses; TemplateError for an unknown one, an attribute/index access,
    a conversion or a format spec, or a stray brace (literal braces are written `{{` and `}}`)."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as e:
        raise TemplateError(f"占位符格式错误：{e}（文字中的花括号请写成 {{{{ 和 }}}}）") from e
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name or spec or conversion or name not in PLACEHOLDERS:
            shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise TemplateError(f"未知的占位符：{shown}（可用：{'、'.join('{' + p + '}' for p in PLACEHOLDERS)}）")
        names.append(name)
    return names


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its placeholders replaced by `values` (missing ones empty), checked first."""
    check(text)
    return text.format_map({k: str(values.get(k, "")) for k in PLACEHOLDERS})


def cn(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


@dataclass(frozen=True)
class Text:
    kind: str
    title: str
    body: str
    own: bool  # the office's own text (else the default)


def template_for(agency_id: int, kind: str) -> Text:
    """The office's own text of `kind`, else the store-wide default row, else the built-in one."""
    row = (NoticeTemplate.objects.filter(kind=kind, agency_id=agency_id).first()
           or NoticeTemplate.objects.filter(kind=kind, agency__isnull=True).first())
    if row is not None:
        return Text(kind, row.title, row.body, row.agency_id == agency_id)
    title, body = DEFAULTS[kind]
    return Text(kind, title, body, False)


def values_for(app: Application, today: dt.date, agency_name: str) -> dict[str, str]:
    """Every placeholder's value for `app` (dates in Chinese; empty where the record has none)."""
    from .applications import service

    events = service.events_of(app)
    rep = service.report(app, today, events)
    latest = {e.kind: e for e in events}  # kind → its latest event
    corr, cons, ext, fee = (latest.get(k) for k in ("correction_requested", "consultation", "extension", "fee_notice"))
    v = {
        "agency": agency_name, "applicant": app.applicant_name, "ref": app.ref, "received_on": cn(app.received_on),
        "description": app.description, "due_on": cn(rep.due_on or app.due_on), "today": cn(today),
        "outcome": label_of(OUTCOMES, app.outcome) if app.outcome else "",
        "withheld_parts": app.withheld_parts or "无", "withheld_grounds": app.withheld_grounds or "无",
        "reply_note": app.reply_note, "reply_on": cn(app.closed_on),
    }
    if corr:
        v |= {"correction_on": cn(corr.on), "correction_days": str(corr.days or service.CORRECTION_REPLY_DAYS),
              "correction_due": cn(rep.correction_due)}
    if cons:
        from xxgk.office.calendar import CalendarNotLoaded, add_working_days
        from xxgk.office.clock import CONSULTATION_DAYS

        try:
            cd = cn(add_working_days(cons.on, CONSULTATION_DAYS))
        except CalendarNotLoaded:
            cd = ""
        v |= {"party": label_of(CONSULTED_PARTIES, cons.party), "consultation_on": cn(cons.on), "consultation_due": cd}
    if ext:
        v["extension_days"] = str(ext.days or "")
    if fee:
        v |= {"amount": f"{fee.amount_yuan:.2f}" if fee.amount_yuan is not None else "",
              "method": label_of(FEE_METHODS, fee.method), "explanation": fee.note,
              "payment_due": cn(rep.fee_payment_deadline)}
    return v


def available(app: Application) -> list[str]:
    """The notice kinds `app`'s record supports (a notice needs the event it announces)."""
    kinds = {e.kind for e in app.events.all()}
    out = [k for k, ev in (("correction", "correction_requested"), ("extension", "extension"),
                           ("consultation", "consultation"), ("fee", "fee_notice")) if ev in kinds]
    if not app.is_open:
        out.append("reply")
    return out


def docx_bytes(title: str, body: str) -> bytes:
    """A one-page notice: centred bold title, then the body line by line."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    for line in body.split("\n"):
        doc.add_paragraph(_xml_safe(line))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _xml_safe(text: str) -> str:
    """Control characters (other than tab) cannot be stored in DOCX XML: dropped."""
    return "".join(c for c in text if c == "\t" or ord(c) >= 32)


def render(app: Application, kind: str, today: dt.date, agency_name: str) -> tuple[str, bytes]:
    """(file stem, DOCX bytes) of the `kind` notice of `app`."""
    if kind not in DEFAULTS:
        raise TemplateError(f"未知的通知书类型：{kind}")
    t = template_for(app.agency_id, kind)
    values = values_for(app, today, agency_name)
    return f"{app.ref}-{kind}", docx_bytes(_xml_safe(fill(t.title, values)), fill(t.body, values))


def save_template(agency_id: int, kind: str, title: str, body: str, **audit_kw: Any) -> NoticeTemplate:
    """Store the office's own text of `kind` (checked first: TemplateError, nothing saved)."""
    from django.db import transaction

    from ..core import audit

    if kind not in DEFAULTS:
        raise TemplateError(f"未知的通知书类型：{kind}")
    if not title.strip() or not body.strip():
        raise TemplateError("标题和正文不能为空")
    check(title)
    used = check(body)
    with transaction.atomic():
        row, created = NoticeTemplate.objects.update_or_create(agency_id=agency_id, kind=kind,
                                                               defaults={"title": title, "body": body})
        audit.record("office.notice_template.save", target=row, kind=kind, created=created, placeholders=used,
                     **audit_kw)
    return row


def reset_template(agency_id: int, kind: str, **audit_kw: Any) -> None:
    """Drop the office's own text of `kind` (back to the default)."""
    from django.db import transaction

    from ..core import audit

    with transaction.atomic():
        n, _ = NoticeTemplate.objects.filter(agency_id=agency_id, kind=kind).delete()
        if n:
            audit.record("office.notice_template.reset", target=f"office.NoticeTemplate:{agency_id}:{kind}",
                         kind=kind, **audit_kw)
