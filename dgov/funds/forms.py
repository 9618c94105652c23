"""Forms of the guidance fund: every input is validated here; views pass cleaned values to
the ``do_*`` functions."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.funds.models import ExitKind
from dgov.investment.models import PIPELINE, Project

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class CommitmentForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    amount = forms.DecimalField(label=_("Amount (万元)"), **MONEY)
    share = forms.DecimalField(label=_("The fund's share (%)"), max_digits=5, decimal_places=2, min_value=0)
    conditions = forms.CharField(label=_("Conditions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(district_id=district_id).open().order_by("name")  # type: ignore[attr-defined]


class TrancheForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (万元)"), **MONEY)
    milestone = forms.ChoiceField(
        label=_("Released when the project reaches"), choices=[(s.value, s.label) for s in PIPELINE]
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note (the reason, when rejecting)"), max_length=300, required=False)


class ExitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Way out"), choices=ExitKind.choices)
    proceeds = forms.DecimalField(label=_("The fund receives (万元)"), **MONEY)
    counterparty = forms.CharField(label=_("Counterparty"), max_length=200, required=False)
    reference = forms.CharField(label=_("Appraisal or decision reference"), max_length=200, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)
