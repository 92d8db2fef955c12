"""Forms of the applications part: what a clerk types, checked for shape here and for law in
`service` (whose ServiceError becomes a form error). A date of a fact cannot lie in the future."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xxgk.office import clock as ck

from ..models import APPLICANT_TYPES, CHANNELS, CONSULTED_PARTIES, FEE_METHODS, OUTCOMES
from .service import CORRECTION_REPLY_DAYS, CORRECTION_REPLY_MAX_DAYS

#: The Art. 31 fact each channel's received date is taken from (form field name).
CHANNEL_FIELD = {c: ("submitted_on" if c == "counter" else "signed_for_on" if c == "post_registered" else "confirmed_on")
                 for c, _label in CHANNELS}
DATE_FIELDS = ("submitted_on", "signed_for_on", "confirmed_on")


class FactDate(forms.DateField):
    """A date of something that happened: not after today."""

    widget = forms.DateInput(attrs={"type": "date"})

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value > dt.date.today():
            raise forms.ValidationError(_("A date in the future cannot be recorded."))


class ApplicationForm(forms.Form):
    applicant_type = forms.ChoiceField(label=_("Applicant type"), choices=APPLICANT_TYPES)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=200)
    id_number = forms.CharField(label=_("ID number"), max_length=64, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=64, required=False)
    address = forms.CharField(label=_("Address"), max_length=500, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=200, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=CHANNELS)
    submitted_on = FactDate(label=_("Submitted on"), required=False)
    signed_for_on = FactDate(label=_("Signed for on"), required=False)
    confirmed_on = FactDate(label=_("Confirmed on"), required=False)
    description = forms.CharField(label=_("Information requested"), widget=forms.Textarea(attrs={"rows": 4}),
                                  max_length=5000)
    form = forms.CharField(label=_("Form of delivery"), max_length=200, required=False)
    items = forms.IntegerField(label=_("Items (一事一申请)"), min_value=1, max_value=100, initial=1)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        channel = data.get("channel")
        if channel:
            need = CHANNEL_FIELD[channel]
            for f in DATE_FIELDS:  # only the channel's fact decides (Art. 31); the others are dropped
                if f != need:
                    data[f] = None
            if not data.get(need) and need not in self.errors:
                self.add_error(need, ck.received_rule(channel))
        return data


class CorrectionRequestForm(forms.Form):
    on = FactDate(label=_("Notice sent on"))
    days = forms.IntegerField(label=_("Working days given to correct"), min_value=1,
                              max_value=CORRECTION_REPLY_MAX_DAYS, initial=CORRECTION_REPLY_DAYS)
    note = forms.CharField(label=_("What to correct"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class DateForm(forms.Form):
    on = FactDate(label=_("Date"))
    note = forms.CharField(label=_("Remarks"), required=False, max_length=2000)


class ConsultationForm(forms.Form):
    on = FactDate(label=_("Letter sent on"))
    party = forms.ChoiceField(label=_("Consulted party"), choices=CONSULTED_PARTIES)
    note = forms.CharField(label=_("Remarks"), required=False, max_length=2000)


class ExtensionForm(forms.Form):
    on = FactDate(label=_("Decided and notified on"))
    days = forms.IntegerField(label=_("Working days"), min_value=1, max_value=ck.MAX_EXTENSION_DAYS,
                              initial=ck.MAX_EXTENSION_DAYS)
    note = forms.CharField(label=_("Reason for the extension"), required=False, max_length=2000)


class FeeNoticeForm(forms.Form):
    on = FactDate(label=_("Notice received by the applicant on"))
    method = forms.ChoiceField(label=_("Method"), choices=FEE_METHODS)
    pages = forms.IntegerField(label=_("Pages"), min_value=0, max_value=1_000_000, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("method") == "per_page" and data.get("pages") is None:
            self.add_error("pages", _("Charging by pages needs the page count."))
        return data


class AnswerForm(forms.Form):
    answered_on = FactDate(label=_("Answered on"))
    objection = forms.BooleanField(label=_("Reasoned objection"), required=False)


class PaymentForm(forms.Form):
    paid_on = FactDate(label=_("Paid on"))


class ReplyForm(forms.Form):
    on = FactDate(label=_("Reply date"))
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—")] + OUTCOMES)
    withheld_parts = forms.CharField(label=_("Withheld parts"), required=False, max_length=5000,
                                     widget=forms.Textarea(attrs={"rows": 2}))
    withheld_grounds = forms.CharField(label=_("Grounds and legal basis"), required=False, max_length=5000,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label=_("Reply summary"), required=False, max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 2}))


EVENT_FORMS: dict[str, type[forms.Form]] = {
    "correction_requested": CorrectionRequestForm,
    "correction_received": DateForm,
    "consultation": ConsultationForm,
    "extension": ExtensionForm,
    "fee_notice": FeeNoticeForm,
}


class TemplateForm(forms.Form):
    title = forms.CharField(label=_("Notice title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}), max_length=20000)
