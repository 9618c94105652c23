from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import User
from dgov.investment.models import (
    PROJECT_FACTS,
    Agent,
    Gate,
    Industry,
    InvestmentPolicy,
    OccupantReport,
    Project,
    ResidentOffice,
    Stage,
    StagePolicy,
    TargetCompany,
)
from dgov.lib import clock
from dgov.lib.widgets import DateInput

MAX_FILE_BYTES = 5_000_000


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = PROJECT_FACTS

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = ResidentOffice.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["industry"].queryset = Industry.objects.filter(district=district)  # type: ignore[attr-defined]
        _no_negative_numbers(self)

    def clean_investor_credit_code(self) -> str:
        from dgov.lib.idnumbers import credit_code_validator

        code = self.cleaned_data["investor_credit_code"].strip().upper()
        if code:
            credit_code_validator(code)
        return code


def _non_negative(value: Decimal) -> None:
    if value is not None and value < 0:
        raise ValidationError(_("The value cannot be negative."), code="negative")


def _no_negative_numbers(form: forms.BaseForm) -> None:
    """Every number a project states is a fact about money, land, jobs or energy: none is
    negative (a negative energy use would make the energy review exempt)."""
    for field in form.fields.values():
        if isinstance(field, forms.DecimalField | forms.IntegerField):
            field.min_value = 0
            field.widget.attrs.setdefault("min", "0")
            field.validators.append(_non_negative)


class LeadForm(forms.ModelForm):
    """What an agent gives for a new lead."""

    class Meta:
        model = Project
        fields = ["name", "investor", "agreed_amount", "fixed_asset_investment"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _no_negative_numbers(self)


class PipelineFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", "—"), *Stage.choices])
    office = forms.ModelChoiceField(label=_("Resident office"), required=False, queryset=ResidentOffice.objects.none())
    idle = forms.ChoiceField(
        label=_("Idle"), required=False, choices=[("", "—"), ("yellow", _("Yellow or red")), ("red", _("Red"))]
    )
    key = forms.BooleanField(label=_("Key projects only"), required=False)
    q = forms.CharField(label=_("Name or investor"), required=False, max_length=100)
    order = forms.ChoiceField(
        label=_("Order by"),
        required=False,
        choices=[
            ("", _("Key projects, then agreed amount")),
            ("score", _("选商 score")),
            ("idle", _("Longest since a stage change")),
        ],
    )

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = ResidentOffice.objects.filter(district=district)  # type: ignore[attr-defined]

    ORDERS = {
        "": ("-is_key", "-agreed_amount", "id"),
        "score": ("-selection_score", "id"),
        "idle": ("stage_entered_on", "id"),
    }

    def apply(self, projects: Any, table: Any, today: Any) -> Any:
        """``projects`` filtered and ordered as chosen (the pipeline page and its export)."""
        from django.db.models import Q

        from dgov.investment import reports

        data = self.cleaned_data if self.is_valid() else {}
        if data.get("stage"):
            projects = projects.filter(stage=data["stage"])
        if data.get("office"):
            projects = projects.filter(office=data["office"])
        if data.get("idle"):
            projects = projects.filter(reports.idle_filter(table, today, data["idle"]))
        if data.get("key"):
            projects = projects.filter(is_key=True)
        if data.get("q"):
            projects = projects.filter(Q(name__icontains=data["q"]) | Q(investor__icontains=data["q"]))
        return projects.order_by(*self.ORDERS.get(data.get("order") or "", self.ORDERS[""]))


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ActivityForm(forms.Form):
    text = forms.CharField(label=_("What was done"), max_length=500)


class ProbabilityForm(forms.Form):
    probability = forms.IntegerField(
        label=_("Probability (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Leave empty to use the stage's default."),
    )


class TransferForm(forms.Form):
    owner = forms.ModelChoiceField(label=_("New owner"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            district=district, kind=User.Kind.STAFF, is_active=True
        ).order_by("username")


class PauseForm(forms.Form):
    until = forms.DateField(label=_("Resume on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def clean_until(self) -> Any:
        until = self.cleaned_data["until"]
        if until <= clock.today():
            raise ValidationError(_("The resume date must be in the future."), code="past")
        return until


class GateForm(forms.Form):
    gate = forms.ChoiceField(label=_("Gate"), choices=Gate.choices)
    passed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("1", _("Passed")), ("0", _("Not passed"))],
        coerce=lambda v: v == "1",
    )
    reference = forms.CharField(label=_("Document reference"), required=False, max_length=100)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class ClaimForm(forms.Form):
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=Agent.objects.none())

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = Agent.objects.filter(district=district)  # type: ignore[attr-defined]


class AmountForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount (万元)"), min_value=0, max_digits=14, decimal_places=2)


class PaymentForm(AmountForm):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class AgentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    phone = forms.RegexField(label=_("Mobile phone"), regex=r"^1\d{10}$", required=False)
    office = forms.ModelChoiceField(label=_("Resident office"), required=False, queryset=ResidentOffice.objects.none())
    user = forms.ModelChoiceField(
        label=_("Login"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("A staff account with the hired-agent role; it sees only this agent's leads."),
    )

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = ResidentOffice.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["user"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            district=district, kind=User.Kind.STAFF, groups__name="hired_agent", agent__isnull=True
        )


class OfficeStaffForm(forms.Form):
    staff = forms.ModelMultipleChoiceField(label=_("Staff"), queryset=User.objects.none(), required=False)

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            district=district, kind=User.Kind.STAFF, is_active=True
        ).order_by("username")


class TargetForm(forms.ModelForm):
    class Meta:
        model = TargetCompany
        fields = ["name", "industry", "status", "note"]


class TargetResultForm(forms.Form):
    """What became of a company on the target list: its status and, once it became a
    project, which one."""

    target = forms.ModelChoiceField(label=_("Company"), queryset=TargetCompany.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=TargetCompany.Status.choices)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args: Any, office: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = office.targets.all()  # type: ignore[attr-defined]
        self.fields["project"].queryset = Project.objects.filter(  # type: ignore[attr-defined]
            district_id=office.district_id
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        landed = data.get("status") == TargetCompany.Status.LANDED
        if landed and data.get("project") is None:
            self.add_error("project", _("Name the project the company became."))
        if not landed and data.get("project") is not None:
            self.add_error("project", _("Only a company that became a project is linked to one."))
        return data


class AllocationForm(forms.Form):
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none())
    area = forms.DecimalField(label=_("Area (㎡)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)

    def __init__(self, *args: Any, district: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(district=district).exclude(  # type: ignore[attr-defined]
            stage=Stage.LOST
        )


class WaitingForm(AllocationForm):
    pass


class OccupantReportForm(forms.ModelForm):
    class Meta:
        model = OccupantReport
        fields = ["enterprise", "year", "output", "tax"]

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= clock.today().year:
            raise ValidationError(_("Give a past year."), code="year")
        return int(year)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("output", "tax"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("The value cannot be negative."))
        return data


class IncentiveRuleForm(forms.Form):
    """A new incentive rule; it applies to claims made from now on."""

    name = forms.CharField(label=_("Name"), max_length=100)
    floor_fixed_assets = forms.DecimalField(
        label=_("Fixed-asset investment at least (万元)"), min_value=0, max_digits=14, decimal_places=2
    )
    cap = forms.DecimalField(label=_("Cap per project (万元)"), min_value=0, max_digits=14, decimal_places=2)
    tiers = forms.CharField(
        label=_("Tiers"),
        max_length=300,
        help_text=_("Upper bound in 万元 and rate in ‰ per band, the last without a bound: 1000:3, 10000:4, :5"),
    )
    instalments = forms.CharField(
        label=_("Instalments"),
        max_length=300,
        help_text=_("Stage and share in %, adding up to 100: construction:50, operation:50"),
    )

    def clean_tiers(self) -> list[tuple[Decimal | None, Decimal]]:
        tiers: list[tuple[Decimal | None, Decimal]] = []
        try:
            for part in self.cleaned_data["tiers"].split(","):
                bound, rate = (x.strip() for x in part.split(":"))
                numbers = [Decimal(rate)] + ([Decimal(bound)] if bound else [])
                if not all(n.is_finite() for n in numbers):  # NaN and Infinity parse, then fail to compare
                    raise ValueError
                tiers.append((numbers[1] if bound else None, numbers[0]))
        except (ValueError, ArithmeticError):
            raise ValidationError(_("Write each band as bound:rate, separated by commas."), code="format") from None
        bounds = [b for b, _r in tiers]
        if bounds[-1] is not None or None in bounds[:-1]:
            raise ValidationError(_("Only the last band has no upper bound, and it must have none."), code="last")
        finite = [b for b in bounds if b is not None]
        too_big = any(b >= Decimal("1e12") for b in finite) or any(r >= 1000 for _b, r in tiers)  # the columns' sizes
        if finite != sorted(set(finite)) or any(b <= 0 for b in finite) or any(r < 0 for _b, r in tiers) or too_big:
            raise ValidationError(_("Bounds must rise and be positive; rates lie from 0 to 1000‰."), code="order")
        return tiers

    def clean_instalments(self) -> list[tuple[str, int]]:
        from dgov.investment.models import PIPELINE

        result: list[tuple[str, int]] = []
        try:
            for part in self.cleaned_data["instalments"].split(","):
                stage, share = (x.strip() for x in part.split(":"))
                result.append((stage, int(share)))
        except ValueError:
            raise ValidationError(
                _("Write each instalment as stage:share, separated by commas."), code="format"
            ) from None
        stages = [s for s, _n in result]
        if any(s not in PIPELINE for s in stages) or len(set(stages)) != len(stages):
            raise ValidationError(
                _("Stages are among %(stages)s, each once.") % {"stages": ", ".join(PIPELINE)}, code="stage"
            )
        if sum(n for _s, n in result) != 100 or any(n <= 0 for _s, n in result):
            raise ValidationError(_("The shares must be positive and add up to 100."), code="sum")
        return result


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"), help_text=_("One sheet “projects”, as in the export."))

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."), code="too_big")
        return bytes(upload.read())


class PolicyForm(forms.ModelForm):
    class Meta:
        model = InvestmentPolicy
        fields = [
            "min_fixed_assets_per_mu",
            "min_tax_per_mu",
            "province_review_tce",
            "county_review_tce",
            "exempt_below_kwh",
            "score_full_scale",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        county, province = data.get("county_review_tce"), data.get("province_review_tce")
        if county is not None and province is not None and county >= province:
            raise ValidationError(_("The county threshold must be below the province threshold."), code="order")
        return data


class StagePolicyForm(forms.ModelForm):
    class Meta:
        model = StagePolicy
        fields = ["probability", "yellow_days", "red_days"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("probability") is not None and data["probability"] > 100:
            self.add_error("probability", _("A probability is a percentage from 0 to 100."))
        yellow, red = data.get("yellow_days"), data.get("red_days")
        if yellow is not None and red is not None and red <= yellow:
            self.add_error("red_days", _("Red must come after yellow."))
        return data
