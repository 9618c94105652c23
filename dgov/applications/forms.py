"""Forms of the application pages: every input is validated here, views only call the
``do_*`` functions with the cleaned values."""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department
from dgov.applications.models import MAX_EXTENSION_DAYS, DeliveryMethod, Status
from dgov.documents.forms import MultipleFileField
from dgov.services.models import Material, ServiceItem
from dgov.workdays.lights import Light


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        name = obj.label or obj.original_name
        return f"{name} ({obj.original_name}, {obj.created_at:%Y-%m-%d})"


@dataclass
class MaterialRow:
    """One material as the form shows it: the file input, the locker select and, for a
    容缺 material, the promise to hand it in later."""

    material: Material
    upload: forms.BoundField
    reuse: forms.BoundField | None
    promise: forms.BoundField | None = None
    handed: forms.BoundField | None = None


class MaterialFieldsMixin:
    """Adds, per material, ``file_<pk>`` (uploads), ``reuse_<pk>`` (a document from the
    locker) and optionally ``promise_<pk>`` / ``handed_<pk>``; ``clean`` collects them
    into ``cleaned_data["materials"]``: a list of (material, uploads, reused, promised, handed)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_material(self, material: Material, *, documents: Any, promise: bool = False, handed: bool = False) -> None:
        pk = material.pk
        # Named after the material: a page of inputs all called "Upload" tells a screen
        # reader nothing about which file goes where.
        self.fields[f"file_{pk}"] = MultipleFileField(
            label=_("Upload: %(material)s") % {"material": material.name}, required=False
        )
        if documents is not None:
            self.fields[f"reuse_{pk}"] = DocumentChoiceField(
                label=_("Or use a document from my locker"),
                queryset=documents,
                required=False,
                empty_label=_("— none —"),
            )
        if promise:
            self.fields[f"promise_{pk}"] = forms.BooleanField(
                label=_("I promise to hand it in later (may follow after acceptance)"), required=False
            )
        if handed:
            self.fields[f"handed_{pk}"] = forms.BooleanField(label=_("Handed over on paper"), required=False)

    def rows(self, materials: Iterable[Material]) -> list[MaterialRow]:
        form: Any = self
        return [
            MaterialRow(
                material=m,
                upload=form[f"file_{m.pk}"],
                reuse=form[f"reuse_{m.pk}"] if f"reuse_{m.pk}" in self.fields else None,
                promise=form[f"promise_{m.pk}"] if f"promise_{m.pk}" in self.fields else None,
                handed=form[f"handed_{m.pk}"] if f"handed_{m.pk}" in self.fields else None,
            )
            for m in materials
        ]

    def collect(self, materials: Iterable[Material]) -> list[tuple[Material, list[Any], Any, bool, bool]]:
        data = self.cleaned_data
        return [
            (
                m,
                data.get(f"file_{m.pk}") or [],
                data.get(f"reuse_{m.pk}"),
                bool(data.get(f"promise_{m.pk}")),
                bool(data.get(f"handed_{m.pk}")),
            )
            for m in materials
        ]


class DeliveryFieldsMixin:
    """How the applicant receives the result (证照邮寄): at the window, or by post to an
    address kept with the application (``ResultDelivery``)."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    DELIVERY_FIELDS = ("delivery", "recipient", "delivery_phone", "address")

    def add_delivery(self) -> None:
        from dgov.accounts.forms import MobileField

        self.fields["delivery"] = forms.ChoiceField(
            label=_("How do you want to receive the result?"),
            choices=DeliveryMethod.choices,
            initial=DeliveryMethod.WINDOW,
            required=False,
            widget=forms.RadioSelect,
        )
        self.fields["recipient"] = forms.CharField(label=_("Recipient"), max_length=100, required=False)
        self.fields["delivery_phone"] = MobileField(label=_("Recipient's mobile phone"), required=False)
        self.fields["address"] = forms.CharField(
            label=_("Postal address"),
            max_length=200,
            required=False,
            help_text=_("Province, city, district, street, number, building and room."),
            widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
        )

    def clean_delivery_fields(self) -> None:
        data = self.cleaned_data
        if "delivery" not in self.fields:
            return
        if data.get("delivery") != DeliveryMethod.POST:
            data["delivery"] = DeliveryMethod.WINDOW
            return
        for name in ("recipient", "delivery_phone", "address"):
            if not str(data.get(name) or "").strip() and name not in getattr(self, "errors", {}):
                self.add_error(name, _("Needed to send the result by post."))  # type: ignore[attr-defined]
        if len(str(data.get("address") or "").strip()) < 8 and "address" not in getattr(self, "errors", {}):
            self.add_error("address", _("Give the whole address: district, street, number and room."))  # type: ignore[attr-defined]

    @property
    def delivery_fields(self) -> list[forms.BoundField]:
        form: Any = self
        return [form[name] for name in self.DELIVERY_FIELDS if name in self.fields]

    def delivery_choice(self) -> dict[str, Any]:
        """What ``actions.do_choose_delivery`` takes."""
        data = self.cleaned_data
        if data.get("delivery") != DeliveryMethod.POST:
            return {"method": DeliveryMethod.WINDOW}
        return {
            "method": DeliveryMethod.POST,
            "recipient": data["recipient"].strip(),
            "phone": data["delivery_phone"],
            "address": " ".join(data["address"].split()),
        }


class ApplyForm(DeliveryFieldsMixin, MaterialFieldsMixin, forms.Form):
    """Applying online: one row per material the applicant provides; shared data and
    e-certificates are fetched, never asked for (国务院令第716号 第七条); and, where the
    item allows it, how the result is received."""

    key = forms.UUIDField(label=_("Submission key"), widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        materials: Iterable[Material],
        documents: Any,
        post_available: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        self.materials = [m for m in materials if m.to_submit]
        for material in self.materials:
            self.add_material(material, documents=documents, promise=material.rongque)
        if post_available:
            self.add_delivery()

    @property
    def material_rows(self) -> list[MaterialRow]:
        return self.rows(self.materials)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self.clean_delivery_fields()
        for material, uploads, reused, promised, _handed in self.collect(self.materials):
            if material.required and not uploads and reused is None and not promised:
                if material.rongque:
                    message = _("Hand in “%(name)s”, choose it from your locker, or promise to hand it in later.")
                else:
                    message = _("Hand in “%(name)s” or choose it from your locker.")
                self.add_error(f"file_{material.pk}", ValidationError(message % {"name": material.name}))
        cleaned["materials"] = self.collect(self.materials)
        return cleaned


class ApplicantSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Applicant"),
        max_length=100,
        required=False,
        help_text=_("A name, or the last 4 characters of the ID card number or credit code."),
    )


def applicant_search(query: Any, applicants: Any) -> dict[str, Any]:
    """The first step of every window intake page: the search form and its results
    (None before a search) among ``applicants``."""
    search = ApplicantSearchForm(query)
    q = search.cleaned_data["q"].strip() if search.is_valid() else ""
    return {"search": search, "results": applicants.search(q) if q else None}


def picked_applicant(query: Any, applicants: Any) -> Any:
    """The applicant chosen from the search results (``?applicant=``), or None."""
    picked = query.get("applicant", "")
    return applicants.filter(pk=int(picked)).first() if picked.isascii() and picked.isdigit() else None


class ApplicantChoiceForm(forms.Form):
    """Who applies, chosen from ``applicants`` at the window before the materials are
    listed; subclasses add what they apply for."""

    applicant = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, applicants: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.applicants = applicants

    def clean_applicant(self) -> Any:
        applicant = self.applicants.filter(pk=self.cleaned_data["applicant"]).first()
        if applicant is None:
            raise ValidationError(_("Choose an applicant from the search results."))
        return applicant


class WindowStartForm(ApplicantChoiceForm):
    """Who applies for which item."""

    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.none())

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items  # type: ignore[attr-defined]


class WindowMaterialsForm(MaterialFieldsMixin, forms.Form):
    """The materials handed over at the window: ticked, optionally scanned."""

    key = forms.UUIDField(label=_("Submission key"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, materials: Iterable[Material], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        self.materials = [m for m in materials if m.to_submit]
        for material in self.materials:
            self.add_material(material, documents=None, promise=material.rongque, handed=True)

    @property
    def material_rows(self) -> list[MaterialRow]:
        return self.rows(self.materials)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["materials"] = self.collect(self.materials)
        return cleaned


class QueueForm(forms.Form):
    """The workbench queue's filters (GET)."""

    OPEN = "open"
    ALL = "all"

    status = forms.ChoiceField(label=_("Status"), required=False)
    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.none(), required=False)
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Department"), queryset=Department.objects.none(), required=False
    )
    light = forms.ChoiceField(
        label=_("Promised time limit"), choices=[("", _("Any"))] + list(Light.choices), required=False
    )
    q = forms.CharField(label=_("Application number"), max_length=40, required=False)

    def __init__(self, *args: Any, items: Any, departments: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("My queue")),
            (self.OPEN, _("All open")),
            (self.ALL, _("All")),
            *Status.choices,
        ]
        self.fields["item"].queryset = items  # type: ignore[attr-defined]
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


# Case actions ---------------------------------------------------------------------------


class ConfirmForm(forms.Form):
    """An action without input (accept, complete, resume the clock, check in)."""


class ProblemForm(forms.Form):
    material = forms.ModelChoiceField(
        label=_("Material"), queryset=Material.objects.none(), required=False, empty_label=_("— other —")
    )
    problem = forms.CharField(label=_("What is missing or wrong"), max_length=300, required=False)

    def __init__(self, *args: Any, materials: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material"].queryset = materials  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("material") and not cleaned.get("problem", "").strip():
            self.add_error("problem", _("Say what is missing or wrong with this material."))
        return cleaned


class FurtherNoticeForm(forms.Form):
    """A second supplement notice says why the first could not have named the material."""

    reason = forms.CharField(
        label=_("Why the first notice could not name this material (shown to the supervisors)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class BaseProblemFormSet(forms.BaseFormSet):
    # Set for a second notice (after a supplement): its reason is part of the input.
    reason_form: FurtherNoticeForm | None = None

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return (self.reason_form is None or self.reason_form.is_valid()) and valid

    @property
    def reason(self) -> str:
        return self.reason_form.cleaned_data["reason"] if self.reason_form is not None else ""

    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.problems:
            raise ValidationError(_("List at least one missing or faulty material."))

    @property
    def problems(self) -> list[tuple[Any, str]]:
        return [
            (f.cleaned_data.get("material"), f.cleaned_data["problem"].strip())
            for f in self.forms
            if f.cleaned_data.get("problem", "").strip()
        ]


ProblemFormSet = forms.formset_factory(ProblemForm, formset=BaseProblemFormSet, extra=5, max_num=30)


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class StopClockForm(forms.Form):
    procedure = forms.CharField(
        label=_("Special procedure"),
        max_length=100,
        help_text=_("Hearing, testing, inspection, quarantine, appraisal, expert review …"),
    )
    expected_days = forms.IntegerField(label=_("Expected (working days)"), min_value=1, max_value=365)
    notice = forms.CharField(
        label=_("Written notice to the applicant"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    counts_toward_limit = forms.BooleanField(label=_("Counts toward the time limit"), required=False)


class PostedForm(forms.Form):
    """The clerk records how the result was posted (证照邮寄)."""

    carrier = forms.CharField(label=_("Carrier"), max_length=50, initial=_("China Post EMS"))
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=60)

    def clean_tracking_number(self) -> str:
        import re

        from dgov.accounts.phones import normalise_digits

        value = normalise_digits(self.cleaned_data["tracking_number"]).upper()
        if not re.fullmatch(r"[0-9A-Z-]{6,40}", value):
            raise ValidationError(_("A tracking number has 6 to 40 letters and digits."), code="tracking_number")
        return value


class RevealReasonForm(forms.Form):
    reason = forms.CharField(label=_("Why you need the full address"), min_length=4, max_length=200)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = forms.CharField(label=_("Reason (told to the applicant)"), max_length=200)


class SupplementForm(MaterialFieldsMixin, forms.Form):
    """The applicant's answer to the supplement notice: a file for every material it lists."""

    def __init__(self, *args: Any, materials: Iterable[Material], documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for material in self.materials:
            self.add_material(material, documents=documents)

    @property
    def material_rows(self) -> list[MaterialRow]:
        return self.rows(self.materials)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for material, uploads, reused, _promised, _handed in self.collect(self.materials):
            if not uploads and reused is None:
                self.add_error(
                    f"file_{material.pk}",
                    ValidationError(_("Hand in “%(name)s” or choose it from your locker.") % {"name": material.name}),
                )
        cleaned["materials"] = self.collect(self.materials)
        return cleaned


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=32)
    code = forms.CharField(label=_("Verification code"), max_length=8)

    def clean_number(self) -> str:
        return self.cleaned_data["number"].strip().upper()

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()
