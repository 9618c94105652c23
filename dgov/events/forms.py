"""Forms of trips, events, targets and starts: fields are parsed here; the rules are the
actions' (they answer with the reasons)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import User
from dgov.events.models import EventKind, Target, TargetCategory
from dgov.investment.models import Project
from dgov.lib.widgets import DateInput


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class PeopleChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


def _staff(district_id: int) -> Any:
    return User.objects.filter(kind=User.Kind.STAFF, district_id=district_id, is_active=True).order_by("username")


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    leader = PersonChoice(label=_("Led by"), queryset=User.objects.none())
    participants = PeopleChoice(
        label=_("Participants"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput)
    ends_on = forms.DateField(label=_("To"), widget=DateInput)
    places = forms.CharField(label=_("Places"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = _staff(district_id)  # type: ignore[attr-defined]
        self.fields["participants"].queryset = _staff(district_id)  # type: ignore[attr-defined]


class MeetingForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise"), max_length=200, required=False)
    target = forms.ModelChoiceField(label=_("Target"), queryset=Target.objects.none(), required=False)
    met_on = forms.DateField(label=_("Met on"), widget=DateInput)
    people = forms.CharField(label=_("Who was met"), max_length=300, required=False)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    project = forms.ModelChoiceField(label=_("Project it concerns"), queryset=Project.objects.none(), required=False)
    new_lead = forms.BooleanField(label=_("It produced a new lead"), required=False)
    follow_up = forms.CharField(label=_("Follow-up"), max_length=300, required=False)
    follow_up_due = forms.DateField(label=_("Follow-up due"), widget=DateInput, required=False)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = Target.objects.filter(district_id=district_id)  # type: ignore[attr-defined]
        self.fields["project"].queryset = Project.objects.filter(district_id=district_id).order_by("name")  # type: ignore[attr-defined]


class TargetForm(forms.Form):
    category = forms.ChoiceField(label=_("List"), choices=TargetCategory.choices)
    name = forms.CharField(label=_("Enterprise"), max_length=200)
    industry = forms.CharField(label=_("Industry"), max_length=100, required=False)
    headquarters = forms.CharField(label=_("Headquarters"), max_length=100, required=False)


class StartForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Day of the ceremony"), widget=DateInput)
    place = forms.CharField(label=_("Place"), max_length=200)


class AddProjectForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any project of the district: the action says why one cannot start yet.
        self.fields["project"].queryset = Project.objects.filter(district_id=district_id).order_by(  # type: ignore[attr-defined]
            "-stage", "name"
        )
