"""Forms of training: every input is validated here; views pass cleaned values to ``actions``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department
from dgov.accounts.roles import Role
from dgov.lib.widgets import DateTimeInput
from dgov.training.models import Kind


class TaskChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.campaign.theme} · {obj.number} {obj.content[:40]}"


class CourseForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(label=_("Topic"), max_length=200)
    lecturer = forms.CharField(label=_("Lecturer"), max_length=100, required=False)
    place = forms.CharField(label=_("Place"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput())
    hours = forms.DecimalField(label=_("Training hours"), min_value=0, max_value=99, decimal_places=1, initial=3)
    units = forms.ModelMultipleChoiceField(
        label=_("Units that must attend"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles that must attend"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    task = TaskChoice(label=_("Campaign task (for a campaign activity)"), queryset=None, required=False)  # type: ignore[arg-type]

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        from dgov.campaigns.models import Task

        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = Department.objects.filter(district_id=district_id)  # type: ignore[attr-defined]
        self.fields["task"].queryset = (  # type: ignore[attr-defined]
            Task.objects.filter(campaign__district_id=district_id)
            .select_related("campaign")
            .order_by("campaign", "number")
        )


class AbsenceForm(forms.Form):
    reason = forms.CharField(label=_("Reason for the absence"), max_length=300)


class HoursForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100, required=False)
    below = forms.BooleanField(label=_("Only those below the minimum"), required=False)
