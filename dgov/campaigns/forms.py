"""Forms of the campaign pages: every input is validated here; views call the ``do_*``
functions with the cleaned values."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.campaigns.models import Campaign, Problem
from dgov.documents.forms import MultipleFileField
from dgov.lib.widgets import DateInput

DATE = DateInput()


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = ["theme", "starts_on", "ends_on", "publication_deadline", "reporting_period"]
        widgets = {"starts_on": DATE, "ends_on": DATE, "publication_deadline": DATE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        return data


class TaskImportForm(forms.Form):
    file = forms.FileField(label=_("Task table (.xlsx)"), help_text=_("One sheet named “tasks”, as in the export."))

    def clean_file(self) -> bytes:
        from dgov.lib.xlsx import MAX_FILE_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return bytes(upload.read())


class ProgressForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    uploads = MultipleFileField(label=_("Evidence files"), required=False)

    def __init__(self, *args: Any, leaf: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if leaf:
            self.fields["percent"].required = True
        else:
            del self.fields["percent"]

    def clean_percent(self) -> int | None:
        return self.cleaned_data.get("percent")


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class StepForm(forms.Form):
    text = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class ExtensionForm(forms.Form):
    new_due_on = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args: Any, current: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_new_due_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["new_due_on"]
        if self.current is not None and value <= self.current:
            raise ValidationError(
                _("The new deadline must be later than the current one (%(date)s).") % {"date": self.current}
            )
        return value


class DecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Grant")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class ProblemForm(forms.ModelForm):
    class Meta:
        model = Problem
        fields = ["problem", "root_cause", "measures", "due_on", "responsible"]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 2}),
            "root_cause": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "due_on": DATE,
        }


class EvidenceForm(forms.Form):
    note = forms.CharField(label=_("What was done"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)
    uploads = MultipleFileField(label=_("Evidence files"), required=False)


class EvidenceDecisionForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Accept: the problem is rectified")), ("no", _("Reject: more is needed"))],
        coerce=lambda value: value == "yes",
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)
