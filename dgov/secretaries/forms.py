"""Forms of project service and the green channel: every input is validated here; the
views pass cleaned values to the ``do_*`` functions."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department, User
from dgov.accounts.roles import Role
from dgov.documents.forms import MultipleFileField
from dgov.investment.models import Project
from dgov.lib import clock
from dgov.lib.widgets import DateInput
from dgov.secretaries.models import Engagement, IssueKind, Level, Method, Rating


def _staff(district_id: int, role: Role | None = None) -> Any:
    people = User.objects.filter(kind=User.Kind.STAFF, district_id=district_id, is_active=True)
    if role is not None:
        people = people.filter(groups__name=role.value)
    return people.order_by("username")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.username})"


class AssignForm(forms.Form):
    secretary = PersonField(label=_("Secretary"), queryset=User.objects.none())
    leader = PersonField(label=_("Responsible leader"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason (for a reassignment)"), max_length=300, required=False)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = _staff(district_id, Role.PROJECT_SECRETARY)  # type: ignore[attr-defined]
        self.fields["leader"].queryset = _staff(district_id, Role.DISTRICT_LEADER)  # type: ignore[attr-defined]


class ContactForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput)
    method = forms.ChoiceField(label=_("Method"), choices=Method.choices)
    people = forms.CharField(label=_("Who took part"), max_length=300)
    discussion = forms.CharField(label=_("What was discussed"), widget=forms.Textarea(attrs={"rows": 3}))
    issues_raised = forms.CharField(label=_("Issues raised"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    evidence = MultipleFileField(label=_("Evidence (photos, minutes)"), required=False)
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def clean_on(self) -> Any:
        on = self.cleaned_data["on"]
        if on > clock.today():
            raise forms.ValidationError(_("A contact cannot be dated in the future."))
        return on


class EvidenceForm(forms.Form):
    evidence = MultipleFileField(label=_("Evidence (photos, minutes)"))


class ScheduleForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Engagement.Kind.choices)
    planned_on = forms.DateField(label=_("Planned on"), widget=DateInput)


class IssueForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=IssueKind.choices)
    title = forms.CharField(label=_("Issue"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none())
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(district_id=district_id)  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 3}))


class EscalateForm(forms.Form):
    to_level = forms.ChoiceField(label=_("To level"), choices=Level.choices)
    department = forms.ModelChoiceField(label=_("Lead department"), queryset=Department.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(district_id=district_id)  # type: ignore[attr-defined]


class ConfirmContactForm(forms.Form):
    name = forms.CharField(label=_("Your name and position"), max_length=100)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class OverdueFilterForm(forms.Form):
    everyone = forms.BooleanField(label=_("Everyone's projects"), required=False)


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("Period start"), widget=DateInput, required=False)
    end = forms.DateField(label=_("Period end"), widget=DateInput, required=False)

    FIRST_YEAR, LAST_YEAR = 1900, 9998  # date arithmetic on week boundaries overflows past year 9999
    LONGEST_DAYS = 3 * 366

    def _in_range(self, name: str) -> Any:
        day = self.cleaned_data.get(name)
        if day is not None and not self.FIRST_YEAR <= day.year <= self.LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a date between the years %(first)d and %(last)d.")
                % {"first": self.FIRST_YEAR, "last": self.LAST_YEAR},
                code="year",
            )
        return day

    def clean_start(self) -> Any:
        return self._in_range("start")

    def clean_end(self) -> Any:
        return self._in_range("end")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError(_("The period must start before it ends."))
        start, end = data.get("start"), data.get("end") or clock.today()
        if start is not None and (end - start).days > self.LONGEST_DAYS:
            raise forms.ValidationError(_("Choose a period of at most three years."), code="too_long")
        return data


class GreenChannelForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=32)
    project = forms.ModelChoiceField(label=_("Key project"), queryset=Project.objects.none())
    lead_official = PersonField(label=_("Lead official"), queryset=User.objects.none())
    days = forms.IntegerField(
        label=_("Shortened promised limit (working days)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Leave empty for the default share of the item's promised limit."),
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, district_id: int, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district_id = district_id
        self.user = user
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            district_id=district_id, is_key=True
        ).order_by("name")
        self.fields["lead_official"].queryset = _staff(district_id)  # type: ignore[attr-defined]

    def clean_number(self) -> Any:
        from dgov.applications.models import Application

        # Only a case this person may see (the one rule, ``visible_to``): a case outside it
        # answers like a missing number, and never lends the card its title and status.
        number = self.cleaned_data["number"].strip()
        application = (
            Application.objects.visible_to(self.user)
            .filter(district_id=self.district_id, number=number)
            .select_related("item_version")
            .first()
        )
        if application is None:
            raise forms.ValidationError(_("No application of this district has that number."))
        return application


class LeadOfficialForm(forms.Form):
    lead_official = PersonField(label=_("Lead official"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_official"].queryset = _staff(district_id)  # type: ignore[attr-defined]
