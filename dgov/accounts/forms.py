from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Agent, Applicant, Department, District, ServiceWindow, User
from dgov.accounts.phones import normalise_digits, normalise_mobile
from dgov.accounts.roles import Role
from dgov.lib.idnumbers import validate_credit_code, validate_resident_id


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class MobileField(forms.CharField):
    """A mainland mobile number: full-width digits, spaces and +86 folded, anything else
    refused with a message that shows the form (``phones.normalise_mobile``)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Mobile phone"))
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel-national", "size": 14})
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        return normalise_mobile(value) if value else ""


class CodeField(forms.CharField):
    """The six digits of a text-message code (full-width digits folded)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Code from the text message"))
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        value = normalise_digits(super().clean(value))
        if not (len(value) == 6 and value.isascii() and value.isdigit()):
            raise forms.ValidationError(_("The code has six digits."), code="code_format")
        return value


class SendCodeForm(forms.Form):
    """Step one of every code flow: the number to send the code to."""

    phone = MobileField()


class CodeLoginForm(forms.Form):
    phone = MobileField()
    code = CodeField()


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
        return normalise_mobile(value) if value else ""

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


class OptionalPasswordMixin:
    """A password is optional when the account logs in by text-message code."""

    cleaned_data: dict[str, Any]

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if password:
            validate_password(password)
        return password


class SignupForm(OptionalPasswordMixin, forms.Form):
    """What every new applicant account gives: a mobile number proved by a code, a user
    name, and optionally a password and an e-mail address."""

    phone = MobileField()
    code = CodeField()
    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Optional: without one, you log in with a code sent to your phone."),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Optional: to receive notices and reset a forgotten password by e-mail."),
    )

    def __init__(self, *args: Any, district: District, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district = district

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username


class CitizenSignupForm(SignupForm):
    name = forms.CharField(label=_("Full name"), max_length=100)
    id_number = forms.CharField(label=_("ID card number"), max_length=30)

    field_order = ["name", "id_number", "phone", "code", "username", "password", "email"]

    def clean_id_number(self) -> str:
        value = validate_resident_id(normalise_digits(self.cleaned_data["id_number"]).upper())
        if Applicant.objects.filter(district=self.district, id_number=value).exists():
            raise forms.ValidationError(
                _("This ID number is registered already: log in, or ask at a window to link it to your account.")
            )
        return value


class EnterpriseSignupForm(SignupForm):
    """The legal representative registers the enterprise by its unified social credit code."""

    enterprise = forms.CharField(label=_("Enterprise name"), max_length=100)
    credit_code = forms.CharField(label=_("Unified social credit code"), max_length=30)
    representative = forms.CharField(label=_("Legal representative"), max_length=100)
    representative_id_number = forms.CharField(label=_("Legal representative's ID card number"), max_length=30)

    field_order = [
        "enterprise",
        "credit_code",
        "representative",
        "representative_id_number",
        "phone",
        "code",
        "username",
        "password",
        "email",
    ]

    def clean_credit_code(self) -> str:
        value = validate_credit_code(normalise_digits(self.cleaned_data["credit_code"]).upper())
        if Applicant.objects.filter(district=self.district, credit_code=value).exists():
            raise forms.ValidationError(
                _(
                    "This enterprise is registered already. Its legal representative can add you as an agent; "
                    "to take over an enterprise registered at a window, bring the business licence to a window."
                )
            )
        return value

    def clean_representative_id_number(self) -> str:
        return validate_resident_id(normalise_digits(self.cleaned_data["representative_id_number"]).upper())


class PasswordSetForm(forms.Form):
    """A new password, twice."""

    new_password = forms.CharField(
        label=_("New password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    repeat = forms.CharField(
        label=_("New password again"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args: Any, user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new, repeat = data.get("new_password"), data.get("repeat")
        if new and repeat and new != repeat:
            self.add_error("repeat", _("The two passwords differ."))
        elif new:
            try:
                validate_password(new, self.user)
            except forms.ValidationError as error:
                self.add_error("new_password", error)
        return data


class PasswordChangeForm(PasswordSetForm):
    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    field_order = ["old_password", "new_password", "repeat"]

    def clean_old_password(self) -> str:
        value = self.cleaned_data["old_password"]
        assert self.user is not None
        if self.user.has_usable_password() and not self.user.check_password(value):
            raise forms.ValidationError(_("The current password is wrong."))
        return value


class CodeResetForm(PasswordSetForm):
    """A forgotten password, set again with a code sent to the account's phone."""

    phone = MobileField()
    code = CodeField()

    field_order = ["phone", "code", "new_password", "repeat"]


class EmailResetForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class AgentForm(forms.ModelForm):
    """An enterprise adds an employee as its agent (经办人), by mobile number."""

    phone = MobileField()

    class Meta:
        model = Agent
        fields = ["name", "phone", "may_apply", "may_view_all", "may_see_certificates", "may_rate"]

    def __init__(self, *args: Any, enterprise: Applicant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.enterprise = enterprise

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if Agent.objects.filter(enterprise=self.enterprise, phone=phone, removed_at__isnull=True).exists():
            raise forms.ValidationError(_("This number is an agent of the enterprise already."))
        return phone


class AgentPermissionsForm(forms.ModelForm):
    class Meta:
        model = Agent
        fields = ["may_apply", "may_view_all", "may_see_certificates", "may_rate"]


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
