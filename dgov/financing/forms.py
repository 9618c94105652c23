"""Forms of financing matching: every input is validated here; views pass cleaned values
to the ``do_*`` functions."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.financing.actions import check_product
from dgov.financing.models import Collateral, ProductKind
from dgov.policies.facts import ENTERPRISE_FACTS

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
RATE: dict[str, Any] = {"max_digits": 5, "decimal_places": 2, "min_value": 0, "max_value": 36}


class NeedForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (万元)"), min_value=1, **MONEY)
    term_months = forms.IntegerField(label=_("Term (months)"), min_value=1, max_value=360)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    collateral = forms.ChoiceField(label=_("Collateral offered"), choices=Collateral.choices)
    key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4, required=False)


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"),
        choices=[("grant", _("Grant the loan")), ("decline", _("Decline"))],
        widget=forms.RadioSelect,
    )
    amount = forms.DecimalField(label=_("Amount granted (万元)"), required=False, min_value=0, **MONEY)
    rate = forms.DecimalField(label=_("Rate (% a year)"), required=False, **RATE)
    term_months = forms.IntegerField(label=_("Term (months)"), required=False, min_value=1, max_value=360)
    reason = forms.CharField(label=_("Reason (when declining)"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "grant":
            for name in ("amount", "rate", "term_months"):
                if data.get(name) is None:
                    self.add_error(name, _("Needed when the loan is granted."))
        elif data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("A declined need states the reason, for the enterprise."))
        return data


class FollowUpForm(forms.Form):
    note = forms.CharField(label=_("What was done (call, meeting, letter)"), max_length=300)


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Product"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProductKind.choices)
    rate_min = forms.DecimalField(label=_("Lowest rate (% a year)"), **RATE)
    rate_max = forms.DecimalField(label=_("Highest rate (% a year)"), **RATE)
    term_min = forms.IntegerField(label=_("Shortest term (months)"), min_value=1, max_value=360)
    term_max = forms.IntegerField(label=_("Longest term (months)"), min_value=1, max_value=360)
    amount_min = forms.DecimalField(label=_("Smallest loan (万元)"), min_value=0, **MONEY)
    amount_max = forms.DecimalField(label=_("Largest loan (万元)"), min_value=0, **MONEY)
    collateral = forms.MultipleChoiceField(
        label=_("Collateral accepted"), choices=Collateral.choices, widget=forms.CheckboxSelectMultiple
    )
    conditions = forms.CharField(
        label=_("Who qualifies (one condition per line: field operator value)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    answer_days = forms.IntegerField(label=_("Answers within (working days)"), min_value=1, max_value=30, initial=5)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parsed: list[Any] = []
        self.fields["conditions"].help_text = _("Known fields: %(fields)s.") % {
            "fields": ", ".join(f.name for f in ENTERPRISE_FACTS.facts)
        }

    def clean_conditions(self) -> str:
        text = self.cleaned_data["conditions"]
        try:
            self.parsed = ENTERPRISE_FACTS.parse_text(text)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            for problem in check_product(data):
                self.add_error(None, problem)
        return data


class BankForm(forms.Form):
    name = forms.CharField(label=_("Bank"), max_length=100)
    branch = forms.CharField(label=_("Branch"), max_length=100, required=False)


class OfficerForm(forms.Form):
    username = forms.RegexField(label=_("User name"), max_length=150, regex=r"^[\w.@+-]+$")
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput, min_length=12)
