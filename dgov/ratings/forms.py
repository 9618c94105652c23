"""Forms of the rating pages: all input is validated here."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.ratings.models import Appeal, Level, Rectification


class RatingForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("How satisfied are you?"), choices=Level.choices, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallbackForm(forms.Form):
    note = forms.CharField(
        label=_("What the applicant said"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class FixForm(forms.Form):
    fix = forms.CharField(label=_("Rectification measures"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the applicant"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealForm(forms.Form):
    ground = forms.ChoiceField(label=_("Ground"), choices=Appeal.Ground.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AppealDecisionForm(forms.Form):
    UPHOLD, REJECT = "uphold", "reject"
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[(UPHOLD, _("Uphold: exclude the rating")), (REJECT, _("Reject: the rating stands"))],
        widget=forms.RadioSelect,
    )
    decision = forms.CharField(label=_("Reasons"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PolicyForm(forms.Form):
    deem_unrated = forms.BooleanField(
        label=_("Count a case left unrated for 7 days after completion as basically satisfied"), required=False
    )
    rectification_days = forms.IntegerField(label=_("Rectification deadline (working days)"), min_value=1, max_value=60)


class MonthForm(forms.Form):
    month = forms.CharField(label=_("Month"), required=False, max_length=7)

    def clean_month(self) -> tuple[int, int] | None:
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        try:
            day = dt.datetime.strptime(value, "%Y-%m").date()  # noqa: DTZ007 — a month, no time
        except ValueError:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="month") from None
        if not 2000 <= day.year <= 2100:
            raise ValidationError(_("Enter a month as YYYY-MM."), code="month")
        return day.year, day.month


class RectificationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Open")), *Rectification.Status.choices]
    )
