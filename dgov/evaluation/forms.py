"""Forms of the evaluation pages: every input is validated here; views call ``do_*``."""

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import User
from dgov.applications.models import Application, Visit
from dgov.campaigns.models import Campaign
from dgov.evaluation.models import ColumnArticle, ColumnBatch, Level, Measure, Scale, Survey, setting
from dgov.lib import clock
from dgov.lib.widgets import DateInput

DECISIONS_MODERATE = [("approve", _("Show publicly")), ("reject", _("Do not show"))]
DECISIONS_REVIEW = [("approve", _("Approve for release")), ("return", _("Return for revision"))]


def _level_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=Level.choices, coerce=int, widget=forms.RadioSelect, required=True
    )


class CommentMixin(forms.Form):
    comment = forms.CharField(
        label=_("Comment (shown publicly after moderation)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class EvaluateForm(CommentMixin):
    """A score on each measure, and an optional comment."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for measure in Measure:
            self.fields[f"m_{measure.value}"] = _level_field(measure.label)
        self.order_fields([f"m_{m.value}" for m in Measure] + ["comment"])

    def scores(self) -> dict[str, int]:
        return {m.value: self.cleaned_data[f"m_{m.value}"] for m in Measure}


class SurveyAnswerForm(CommentMixin):
    def __init__(self, *args: Any, survey: Survey, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = list(survey.questions.all())
        self.fields["unit"] = forms.ModelChoiceField(label=_("Unit"), queryset=survey.unit_choices())
        for q in self.questions:
            low, high = q.bounds
            choices: list[tuple[int, Any]]
            if q.scale == Scale.FIVE_LEVELS:
                choices = list(Level.choices)
            elif q.scale == Scale.YES_NO:
                choices = [(1, _("Yes")), (0, _("No"))]
            else:
                choices = [(n, str(n)) for n in range(high, low - 1, -1)]
            self.fields[f"q_{q.pk}"] = forms.TypedChoiceField(
                label=q.text, choices=choices, coerce=int, widget=forms.RadioSelect
            )
        self.order_fields(["unit"] + [f"q_{q.pk}" for q in self.questions] + ["comment"])

    def answers(self) -> dict[Any, int]:
        return {q: self.cleaned_data[f"q_{q.pk}"] for q in self.questions}


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Invitation code"), max_length=12)

    def clean_code(self) -> str:
        return str(self.cleaned_data["code"]).strip().upper()


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS_MODERATE)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


def campaign_field(user: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Campaign"), queryset=Campaign.objects.visible_to(user).order_by("-starts_on"), empty_label=None
    )


class InviteForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=32)
    per_visit = forms.BooleanField(label=_("For the latest visit in person (一次一评)"), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["campaign"] = campaign_field(user)
        self.order_fields(["campaign", "number", "per_visit"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = str(data.get("number", "")).strip()
        if not number:
            return data
        application = Application.objects.visible_to(self.user).filter(number=number).first()
        if application is None:
            raise ValidationError({"number": _("No application of your district has this number.")})
        data["application"] = application
        data["visit"] = None
        if data.get("per_visit"):
            data["visit"] = Visit.objects.filter(application=application).order_by("-at").first()
            if data["visit"] is None:
                raise ValidationError({"per_visit": _("This application has no visit in person.")})
        return data


class SurveyForm(forms.ModelForm):
    class Meta:
        model = Survey
        fields = ["title", "introduction", "opens_on", "closes_on", "units"]
        widgets = {
            "opens_on": DateInput(),
            "closes_on": DateInput(),
            "units": forms.CheckboxSelectMultiple,
            "introduction": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from dgov.accounts.models import Department

        self.fields["campaign"] = campaign_field(user)
        units: Any = self.fields["units"]
        units.queryset = Department.objects.visible_to(user)
        units.help_text = _("Leave empty to let respondents choose any unit of the district.")
        self.order_fields(["campaign", "title", "introduction", "opens_on", "closes_on", "units"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            raise ValidationError({"closes_on": _("A survey cannot close before it opens.")})
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300, required=False)
    scale = forms.ChoiceField(label=_("Scale"), choices=Scale.choices, initial=Scale.FIVE_LEVELS)


QuestionFormSet = forms.formset_factory(QuestionForm, extra=5, max_num=30, validate_max=True)


def questions_of(formset: Any) -> list[tuple[str, str]]:
    return [
        (f.cleaned_data["text"].strip(), f.cleaned_data["scale"])
        for f in formset.forms
        if f.cleaned_data.get("text", "").strip()
    ]


class TalkForm(forms.Form):
    counterpart = forms.ModelChoiceField(label=_("Talked with"), queryset=User.objects.none())
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    topic = forms.CharField(label=_("Topic"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000)
    follow_up = forms.CharField(
        label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        counterpart: Any = self.fields["counterpart"]
        counterpart.queryset = (
            User.objects.filter(kind=User.Kind.STAFF, district_id=user.district_id, is_active=True)
            .exclude(pk=user.pk)
            .order_by("department__code", "full_name")
        )
        self.fields["campaign"] = forms.ModelChoiceField(
            label=_("Campaign"),
            queryset=Campaign.objects.visible_to(user).order_by("-starts_on"),
            required=False,
        )

    def clean_held_on(self) -> dt.date:
        held_on: dt.date = self.cleaned_data["held_on"]
        if held_on > clock.today():
            raise ValidationError(_("A talk is recorded after it is held, not before."))
        return held_on


class FollowUpForm(forms.Form):
    follow_up = forms.CharField(label=_("Follow-up"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthForm(forms.Form):
    month = forms.CharField(
        label=_("Month"), max_length=7, required=False, widget=forms.TextInput(attrs={"type": "month"})
    )

    def clean_month(self) -> dt.date:
        value = str(self.cleaned_data.get("month") or "").strip()
        if not value:
            return clock.today().replace(day=1)
        match = _MONTH.match(value)
        # Up to 9998: the page also reads the month after, and 9999-12 has none.
        if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 9998:
            raise ValidationError(_("Enter a month as YYYY-MM."))
        return dt.date(int(match.group(1)), int(match.group(2)), 1)


class ArticleForm(forms.ModelForm):
    class Meta:
        model = ColumnArticle
        fields = ["title", "task_goals", "basic_ideas", "key_measures", "guarantees"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in ColumnArticle.PARTS}


class BatchForm(forms.Form):
    number = forms.IntegerField(label=_("Batch number"), min_value=1, max_value=99)
    release_on = forms.DateField(label=_("Released on"), widget=DateInput())

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"] = campaign_field(user)
        self.order_fields(["campaign", "number", "release_on"])


class ReviewArticleForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS_REVIEW)
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=ColumnBatch.objects.none(), required=False)
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args: Any, article: ColumnArticle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        batch: Any = self.fields["batch"]
        batch.queryset = ColumnBatch.objects.filter(campaign_id=article.campaign_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "approve" and data.get("batch") is None:
            raise ValidationError({"batch": _("Choose the batch the article is released in.")})
        if data.get("decision") == "return" and not str(data.get("note", "")).strip():
            raise ValidationError({"note": _("Say what is to be revised.")})
        return data


class ReportForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    contradiction = forms.CharField(label=_("Contradiction or problem studied"), max_length=300)
    body = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 12}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"] = campaign_field(user)
        limit = setting("EVALUATION_REPORT_MAX_CHARS")
        self.fields["body"].help_text = _("At most %(limit)s characters.") % {"limit": limit}
        self.order_fields(["campaign", "title", "contradiction", "body"])

    def clean_body(self) -> str:
        body = str(self.cleaned_data["body"]).strip()
        limit = setting("EVALUATION_REPORT_MAX_CHARS")
        if len(body) > limit:
            raise ValidationError(
                _("A report has at most %(limit)s characters; this one has %(count)s."),
                params={"limit": limit, "count": len(body)},
            )
        return body


class ReviewReportForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Adopt the report")), ("return", _("Return for revision"))]
    )
    note = forms.CharField(label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "return" and not str(data.get("note", "")).strip():
            raise ValidationError({"note": _("Say what is to be revised.")})
        return data
