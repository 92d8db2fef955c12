"""The appeal case form. The application is named by its ref and looked up among this office's
applications only: a ref of another agency's application is "not found", exactly like a ref that
does not exist, so the form neither links nor reveals it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Case

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CaseForm(forms.ModelForm):
    application_ref = forms.CharField(label=_("Application ref"), required=False, max_length=32)

    class Meta:
        model = Case
        fields = ["case_no", "kind", "result", "filed_on", "decided_on", "note"]
        widgets = {"filed_on": DATE, "decided_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, office: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.office = office
        self.application = None
        if self.instance.pk and self.instance.application_id:
            app = office.applications().filter(pk=self.instance.application_id).first()
            self.initial.setdefault("application_ref", app.ref if app else "")

    def clean_application_ref(self) -> str:
        ref = self.cleaned_data["application_ref"].strip()
        if ref:
            self.application = self.office.applications().filter(ref=ref).first()
            if self.application is None:
                raise forms.ValidationError(_("No application with this ref in this office."))
        return ref

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        result, filed, decided = data.get("result"), data.get("filed_on"), data.get("decided_on")
        if result and result != "pending" and decided is None:
            self.add_error("decided_on", _("A decided case needs its decision date."))
        if result == "pending" and decided is not None:
            self.add_error("decided_on", _("A pending case has no decision date."))
        if filed and decided and decided < filed:
            self.add_error("decided_on", _("A case cannot be decided before it was filed."))
        return data

    def save(self, commit: bool = True) -> Case:
        case = super().save(commit=False)
        case.application = self.application
        if commit:
            case.save()
        return case
