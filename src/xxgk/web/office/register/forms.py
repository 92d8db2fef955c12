"""Forms of the register part: an item, a document, a decision count, a fee income, an import.

Querysets offered in a form (the documents an item may link) come from the office's scope, so a
form can never name another agency's record; duplicates of a (year, kind, period) are refused here
as in the import, so a count is never entered twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Document, DecisionCount, FeeIncome, ProactiveItem
from . import imports

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ItemForm(forms.ModelForm):
    class Meta:
        model = ProactiveItem
        fields = ["index_no", "title", "summary", "category", "art21", "channel", "formed_on", "document"]
        widgets = {"formed_on": DATE, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, office: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = office.documents().order_by("-issued_on", "-id")
        self.fields["document"].required = False

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError(_("A title is required."))
        return title


class DocumentForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ["kind", "doc_no", "title", "issued_on", "repealed_on"]
        widgets = {"issued_on": DATE, "repealed_on": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        issued, repealed = data.get("issued_on"), data.get("repealed_on")
        if issued and repealed and repealed < issued:
            self.add_error("repealed_on", _("A document cannot be repealed before it was issued."))
        return data


class RepealForm(forms.Form):
    repealed_on = forms.DateField(label=_("Repealed on"), widget=DATE)

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document = document

    def clean_repealed_on(self) -> dt.date:
        day = self.cleaned_data["repealed_on"]
        if day < self.document.issued_on:
            raise forms.ValidationError(_("A document cannot be repealed before it was issued."))
        return day


class _Yearly(forms.ModelForm):
    """A row of a yearly register; one row per (year, kind, period) of the office."""

    key_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, office: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not imports.YEAR_RANGE[0] <= year <= imports.YEAR_RANGE[1]:
            raise forms.ValidationError(_("Year out of range."))
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if all(k in data for k in self.key_fields):
            same = self.office.records(self._meta.model).filter(**{k: data[k] for k in self.key_fields})
            if self.instance.pk:
                same = same.exclude(pk=self.instance.pk)
            if same.exists():
                raise forms.ValidationError(_("This period is already recorded; edit that row instead."))
        return data


class DecisionForm(_Yearly):
    key_fields = ("year", "kind", "period")

    class Meta:
        model = DecisionCount
        fields = ["year", "kind", "period", "count", "note"]


class FeeForm(_Yearly):
    key_fields = ("year", "period")

    class Meta:
        model = FeeIncome
        fields = ["year", "period", "amount_wan_yuan", "note"]

    def clean_amount_wan_yuan(self) -> Decimal:
        value = self.cleaned_data["amount_wan_yuan"]
        if value is None or value < 0:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return value


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
        if f.size > imports.IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(kb)s KB.") % {"kb": imports.IMPORT_MAX_BYTES // 1024})
        return f


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=[(a, a) for a in ("submit", "approve", "publish", "return")])
    note = forms.CharField(required=False, max_length=2000)
    published_on = forms.DateField(required=False, widget=DATE)
