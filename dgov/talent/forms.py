"""Forms of the talent register and programmes: every input is validated here."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department
from dgov.investment.models import Project
from dgov.lib.idnumbers import resident_id_validator
from dgov.lib.widgets import DateInput
from dgov.policies.models import EnterpriseProfile
from dgov.services.models import ServiceItem
from dgov.talent.models import TALENT_FACTS, Education, ProgrammeKind, Tier, Title


class TalentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    id_number = forms.CharField(label=_("ID card number"), max_length=18, validators=[resident_id_validator])
    phone = forms.RegexField(label=_("Mobile phone"), regex=r"^1\d{10}$", required=False)
    education = forms.ChoiceField(label=_("Education"), choices=Education.choices)
    title = forms.ChoiceField(label=_("Professional title"), choices=Title.choices, initial=Title.NONE)
    tier = forms.ChoiceField(label=_("Talent class"), choices=[("", "—"), *Tier.choices], required=False)
    field_code = forms.RegexField(
        label=_("Field (GB/T 4754)"), regex=r"^[A-Ta-t](\d{2,4})?$", max_length=5, required=False
    )
    employer = forms.ModelChoiceField(label=_("Employer"), queryset=EnterpriseProfile.objects.none(), required=False)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    landed_on = forms.DateField(label=_("Came to work in the district on"), widget=DateInput)
    brought_in = forms.BooleanField(label=_("Brought in from outside the district"), required=False, initial=True)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = EnterpriseProfile.objects.filter(district_id=district_id).order_by("name")  # type: ignore[attr-defined]
        self.fields["project"].queryset = Project.objects.filter(district_id=district_id).order_by("name")  # type: ignore[attr-defined]

    def clean_id_number(self) -> str:
        return self.cleaned_data["id_number"].upper()


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Programme"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ProgrammeKind.choices)
    issuer = forms.CharField(label=_("Issuing body"), max_length=200)
    document_number = forms.CharField(label=_("Document number"), max_length=100, required=False)
    is_example = forms.BooleanField(label=_("Invented example (not a published document)"), required=False)
    department = forms.ModelChoiceField(label=_("Department that awards it"), queryset=Department.objects.none())
    service_item = forms.ModelChoiceField(label=_("Service item to apply for"), queryset=ServiceItem.objects.none())
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput)
    conditions = forms.CharField(
        label=_("Conditions (one per line: field operator value)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    benefit = forms.CharField(label=_("Benefit"), max_length=300)
    amount = forms.DecimalField(label=_("Amount (万元)"), max_digits=14, decimal_places=2, min_value=0, initial=0)
    quota = forms.IntegerField(label=_("At most this many talents"), min_value=1, required=False)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = Department.objects.filter(district_id=district_id)  # type: ignore[attr-defined]
        self.fields["service_item"].queryset = ServiceItem.objects.filter(district_id=district_id).order_by("code")  # type: ignore[attr-defined]
        self.fields["conditions"].help_text = _("Known fields: %(fields)s.") % {
            "fields": ", ".join(f.name for f in TALENT_FACTS.facts)
        }
        self.parsed: list[Any] = []

    def clean_conditions(self) -> str:
        text = self.cleaned_data["conditions"]
        try:
            self.parsed = TALENT_FACTS.parse_text(text)
        except forms.ValidationError as error:
            raise forms.ValidationError(error.messages) from None
        return text

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The programme ends before it starts."))
        return data


class AwardForm(forms.Form):
    number = forms.CharField(label=_("Approved application number"), max_length=32)
