"""Forms of the bundle pages: every input is validated here; views only call the
``do_*`` functions with the cleaned values."""

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.applications.forms import ApplicantChoiceForm, MaterialFieldsMixin, MaterialRow
from dgov.bundles.actions import MaterialGroup, check_bundle
from dgov.bundles.models import JOINT_LIMIT_DAYS, MAX_EXTENSION_DAYS, Bundle, Status
from dgov.services.models import ServiceItem


class ItemChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        version = obj.current_version
        return f"{obj.code} {version.name} · {version.department.name} · {version.legal_limit_days}"


class BundleForm(forms.ModelForm):
    """An administrator defines a bundle: its items and its rules."""

    items = ItemChoiceField(
        label=_("Service items"),
        queryset=ServiceItem.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("At least two, of at least two departments. The number after each is its legal time limit."),
    )
    limit_days = forms.IntegerField(
        label=_("joint time limit (working days)"),
        min_value=1,
        max_value=JOINT_LIMIT_DAYS,
        initial=JOINT_LIMIT_DAYS,
        help_text=_(
            "At most 45 working days (Administrative Licensing Law Art. 42) and at most the sum of the "
            "items' legal time limits."
        ),
    )

    class Meta:
        model = Bundle
        fields = ["code", "name", "description", "limit_days", "on_denial", "published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, items: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["items"] = [link.item_id for link in self.instance.links.all()]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        items = list(cleaned.get("items") or [])
        if "items" in cleaned:
            for problem in check_bundle(items, cleaned.get("limit_days")):
                self.add_error(None, problem)
        cleaned["item_list"] = items
        return cleaned

    def validate_unique(self) -> None:
        # The district is not a form field: uniqueness of the code is checked by the action.
        pass


class BundleApplyForm(MaterialFieldsMixin, forms.Form):
    """The single form of a bundle: each material once, however many parts list it."""

    key = forms.UUIDField(label=_("Submission key"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, groups: Sequence[MaterialGroup], documents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        self.groups = [g for g in groups if g.first.to_submit]
        self.shown = [g.representative() for g in self.groups]
        for material in self.shown:
            self.add_material(material, documents=documents, promise=material.rongque)

    @property
    def material_rows(self) -> list[MaterialRow]:
        return self.rows(self.shown)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = []
        for material, uploads, reused, promised, _handed in self.collect(self.shown):
            if material.required and not uploads and reused is None and not promised:
                if material.rongque:
                    message = _("Hand in “%(name)s”, choose it from your locker, or promise to hand it in later.")
                else:
                    message = _("Hand in “%(name)s” or choose it from your locker.")
                self.add_error(f"file_{material.pk}", ValidationError(message % {"name": material.name}))
            chosen.append((material.group, uploads, reused, promised))  # type: ignore[attr-defined]
        cleaned["groups"] = chosen
        return cleaned


class ConfirmForm(forms.Form):
    """An act without input (accept, issue, complete)."""


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("Extend by (working days)"), min_value=1, max_value=MAX_EXTENSION_DAYS)
    reason = forms.CharField(
        label=_("Reason (told to the applicant)"),
        max_length=200,
        help_text=_("The district government's approval: at most 15 working days in all."),
    )


class IntakeForm(forms.Form):
    """The staff list's filter (GET)."""

    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Open")), *Status.choices])


class WindowStartForm(ApplicantChoiceForm):
    """Who applies for which bundle, chosen before the materials are listed."""

    bundle = forms.ModelChoiceField(label=_("Bundle"), queryset=Bundle.objects.none())

    def __init__(self, *args: Any, bundles: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bundle"].queryset = bundles  # type: ignore[attr-defined]


class WindowMaterialsForm(MaterialFieldsMixin, forms.Form):
    """The materials handed over at the window for the whole bundle: each one once."""

    key = forms.UUIDField(label=_("Submission key"), widget=forms.HiddenInput)

    def __init__(self, *args: Any, groups: Sequence[MaterialGroup], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4())
        self.groups = [g for g in groups if g.first.to_submit]
        self.shown = [g.representative() for g in self.groups]
        for material in self.shown:
            self.add_material(material, documents=None, promise=material.rongque, handed=True)

    @property
    def material_rows(self) -> list[MaterialRow]:
        return self.rows(self.shown)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned["groups"] = [
            (material.group, uploads, promised, handed)  # type: ignore[attr-defined]
            for material, uploads, _reused, promised, handed in self.collect(self.shown)
        ]
        return cleaned
