from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Applicant, Department, District, ServiceWindow, User
from dgov.accounts.roles import Role
from dgov.lib.idnumbers import validate_credit_code, validate_resident_id


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)


class UnlockRequestForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)


class UnlockCodeForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    code = forms.RegexField(
        label=_("Code from the text message"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("The code has six digits.")},
    )


class ApplicantForm(forms.ModelForm):
    """A walk-in applicant registered by a window clerk, or a citizen registering."""

    class Meta:
        model = Applicant
        fields = ["kind", "name", "id_number", "credit_code", "phone"]

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"]
        return validate_resident_id(value) if value else ""

    def clean_credit_code(self) -> str:
        value = self.cleaned_data["credit_code"]
        return validate_credit_code(value) if value else ""

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value and not (len(value) == 11 and value.isascii() and value.isdigit() and value[0] == "1"):
            raise forms.ValidationError(_("A mobile number has 11 digits and starts with 1."))
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Applicant.Kind.CITIZEN and not data.get("id_number") and "id_number" not in self.errors:
            self.add_error("id_number", _("A citizen is identified by an ID card number."))
        if kind == Applicant.Kind.ENTERPRISE and not data.get("credit_code") and "credit_code" not in self.errors:
            self.add_error("credit_code", _("An enterprise is identified by its unified social credit code."))
        if (
            data.get("id_number")
            and Applicant.objects.filter(district=self.district, id_number=data["id_number"]).exists()
        ):
            self.add_error("id_number", _("This person is already registered."))
        if (
            data.get("credit_code")
            and Applicant.objects.filter(district=self.district, credit_code=data["credit_code"]).exists()
        ):
            self.add_error("credit_code", _("This enterprise is already registered."))
        return data


class NewAccountMixin:
    """A new account's user name is free and its password strong enough (for the forms
    that open accounts: a citizen's sign-up, an administrator's new staff member)."""

    cleaned_data: dict[str, Any]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        validate_password(password)
        return password


class CitizenSignupForm(NewAccountMixin, ApplicantForm):
    username = forms.CharField(label=_("User name"), max_length=150)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)

    class Meta(ApplicantForm.Meta):
        fields = ["kind", "name", "id_number", "credit_code", "phone"]


class StaffForm(NewAccountMixin, forms.Form):
    """An administrator creates a staff account of their own district."""

    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=100)
    password = forms.CharField(label=_("Initial password"), strip=False, widget=forms.PasswordInput)
    department = forms.ModelChoiceField(label=_("Department"), queryset=Department.objects.none(), required=False)
    window = forms.ModelChoiceField(label=_("Window"), queryset=ServiceWindow.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("%(value)s is not a known role.")},
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["department"].queryset = Department.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["window"].queryset = ServiceWindow.objects.filter(district=district)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        from dgov.accounts.roles import DEPARTMENT_SCOPED

        roles = {Role(r) for r in data.get("roles", [])}
        if roles & DEPARTMENT_SCOPED and not data.get("department"):
            self.add_error("department", _("This role works for one department: choose it."))
        return data


class RevealForm(forms.Form):
    FIELDS = [("id_number", _("ID card number")), ("phone", _("Mobile phone"))]

    field = forms.ChoiceField(label=_("Field"), choices=FIELDS)
    reason = forms.CharField(label=_("Reason"), min_length=4, max_length=200)
