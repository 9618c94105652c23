"""Forms of the policy library and of the enterprise's own pages: every input is validated
here (conditions through the declared fact set); views pass cleaned values to ``do_*``."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department
from dgov.lib.widgets import DateInput
from dgov.policies.actions import check_policy
from dgov.policies.conditions import NUMBER
from dgov.policies.facts import ENTERPRISE_FACTS, KNOWN_CERTIFICATES, SizeClass
from dgov.policies.models import BenefitKind, Mode, Period
from dgov.services.models import ServiceItem

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


def _facts_help() -> str:
    return ", ".join(f"{f.name} ({f.label})" for f in ENTERPRISE_FACTS.facts)


class PolicyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    issuer = forms.CharField(label=_("Issuing body"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    is_example = forms.BooleanField(label=_("Invented example (not a published document)"), required=False)
    department = forms.ModelChoiceField(label=_("Department that grants it"), queryset=Department.objects.none())
    summary = forms.CharField(label=_("Summary"), max_length=500, required=False)
    full_text = forms.CharField(label=_("Full text"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput)
    conditions = forms.CharField(
        label=_("Conditions (one per line: field operator value)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "spellcheck": "false"}),
    )
    mode = forms.ChoiceField(label=_("How it is received"), choices=Mode.choices)
    service_item = forms.ModelChoiceField(
        label=_("Service item to apply for (ordinary application)"), queryset=ServiceItem.objects.none(), required=False
    )
    benefit_kind = forms.ChoiceField(label=_("Benefit"), choices=BenefitKind.choices)
    benefit_amount = forms.DecimalField(label=_("Fixed amount (万元)"), required=False, **MONEY)
    benefit_rate = forms.DecimalField(label=_("Share (%)"), required=False, max_digits=6, decimal_places=2, min_value=0)
    benefit_fact = forms.ChoiceField(label=_("Share of the fact"), required=False, choices=())
    benefit_cap = forms.DecimalField(label=_("At most per enterprise (万元)"), required=False, **MONEY)
    period = forms.ChoiceField(label=_("How often"), choices=Period.choices)
    budget = forms.DecimalField(label=_("Budget (万元)"), required=False, **MONEY)
    quota = forms.IntegerField(label=_("At most this many enterprises"), required=False, min_value=1)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district_id = district_id
        self.fields["department"].queryset = Department.objects.filter(district_id=district_id)  # type: ignore[attr-defined]
        self.fields["service_item"].queryset = ServiceItem.objects.filter(district_id=district_id).order_by("code")  # type: ignore[attr-defined]
        self.fields["benefit_fact"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (f.name, f.label) for f in ENTERPRISE_FACTS.facts if f.kind == NUMBER
        ]
        self.fields["conditions"].help_text = _("Known fields: %(fields)s.") % {"fields": _facts_help()}
        self.parsed: list[Any] = []

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
            for problem in check_policy(data, self.district_id):
                self.add_error(None, problem)
        return data


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ConfirmListForm(forms.Form):
    exclude = forms.TypedMultipleChoiceField(
        label=_("Take off the list"), required=False, coerce=int, choices=(), widget=forms.CheckboxSelectMultiple
    )
    reason = forms.CharField(label=_("Why they are taken off"), max_length=300, required=False)

    def __init__(self, *args: Any, pending: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["exclude"].choices = pending  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("exclude") and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why enterprises are taken off the list."))
        return data


class GrantApplicationForm(forms.Form):
    number = forms.CharField(label=_("Approved application number"), max_length=32)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"))
    publish = forms.BooleanField(label=_("Publish at once"), required=False)


class FactsForm(forms.Form):
    """The facts an enterprise confirms (pre-filled from what the platform holds)."""

    industry = forms.RegexField(
        label=_("Industry (GB/T 4754)"),
        regex=r"^[A-Ta-t]\d{2,4}$",
        required=False,
        max_length=5,
        help_text=_("GB/T 4754-2017 class, e.g. C3720"),
        error_messages={"invalid": _("A section letter and 2–4 digits, e.g. C3720.")},
    )
    size = forms.ChoiceField(label=_("Size class"), choices=[("", "—"), *SizeClass.choices], required=False)
    years_in_operation = forms.DateField(label=_("Founded on"), required=False, widget=DateInput)
    paid_in_capital = forms.DecimalField(label=_("Paid-in capital (万元)"), required=False, **MONEY)
    revenue = forms.DecimalField(label=_("Revenue last year (万元)"), required=False, **MONEY)
    tax_paid = forms.DecimalField(label=_("Tax paid last year (万元)"), required=False, **MONEY)
    employees = forms.IntegerField(label=_("Employees"), required=False, min_value=0)
    rd_spend = forms.DecimalField(label=_("R&D spend last year (万元)"), required=False, **MONEY)
    certificates = forms.MultipleChoiceField(
        label=_("Certificates held"),
        required=False,
        choices=list(KNOWN_CERTIFICATES.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, only: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if only is not None:
            for name in list(self.fields):
                if name not in only:
                    del self.fields[name]

    def clean_industry(self) -> str:
        return (self.cleaned_data.get("industry") or "").upper()

    def facts(self) -> dict[str, Any]:
        """{fact name: value} as the profile stores it ("" for an unknown text fact)."""
        data = dict(self.cleaned_data)
        if "size" in data:
            data["size"] = data["size"] or ""
        return data
