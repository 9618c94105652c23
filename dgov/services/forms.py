from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import Department, District, ServiceWindow
from dgov.services.codes import check_implementation_code
from dgov.services.models import VERSION_FIELDS, GuideFileKind, Material, ServiceItemVersion, SpecialProcedure


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("What do you want to do?"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. 开饭店, 失业登记, 营业执照")}),
    )


class VersionForm(forms.ModelForm):
    """The guide's own fields; a new item also asks for its implementation code."""

    code = forms.CharField(
        label=_("Implementation code"),
        max_length=40,
        required=False,
        help_text=_("Set once when the item is created; it never changes."),
    )

    class Meta:
        model = ServiceItemVersion
        fields = list(VERSION_FIELDS)
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "conditions": forms.Textarea(attrs={"rows": 4}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
            "keywords": forms.Textarea(attrs={"rows": 2}),
            "place": forms.Textarea(attrs={"rows": 2}),
            "keywords_en": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, district: District, new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        self.district = district
        self.fields["department"].queryset = Department.objects.filter(district=district)  # type: ignore[attr-defined]
        self.fields["window"].queryset = ServiceWindow.objects.filter(district=district)  # type: ignore[attr-defined]
        if new:
            self.fields["code"].required = True
            self.order_fields(["code"])
        else:
            del self.fields["code"]

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.new and data.get("code"):
            try:
                data["code"] = check_implementation_code(
                    data["code"], district=self.district, department=data.get("department")
                )
            except ValidationError as error:
                self.add_error("code", error)
        return data


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "form", "copies", "source", "legal_basis", "required", "rongque"]


class ProcedureForm(forms.ModelForm):
    class Meta:
        model = SpecialProcedure
        fields = ["name", "counts_toward_limit", "max_days"]


class _OrderedFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict[str, Any]]:
        """The kept rows' values in the order given, blank extra rows skipped."""
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


class _MaterialFormSet(_OrderedFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        if not self.rows():
            raise ValidationError(_("List at least one material."), code="no_materials")


MaterialFormSet = forms.formset_factory(
    MaterialForm, formset=_MaterialFormSet, extra=3, can_delete=True, max_num=60, validate_max=True
)
ProcedureFormSet = forms.formset_factory(
    ProcedureForm, formset=_OrderedFormSet, extra=1, can_delete=True, max_num=20, validate_max=True
)


class GuideFileForm(forms.Form):
    """A blank form, a filled-in sample or a sample of the result, for an item's guide."""

    kind = forms.ChoiceField(label=_("Kind"), choices=GuideFileKind.choices)
    material_name = forms.ChoiceField(label=_("For the material"), required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (.docx), Excel (.xlsx), JPEG or PNG; at most 5 MB; a name of at most 200 characters."),
    )

    def __init__(self, *args: Any, materials: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["material_name"].choices = [("", _("— none: the sample of the result —"))] + [  # type: ignore[attr-defined]
            (name, name) for name in materials
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, material = data.get("kind"), data.get("material_name")
        if kind == GuideFileKind.RESULT_SAMPLE:
            data["material_name"] = ""
        elif kind and not material:
            self.add_error("material_name", _("Choose the material this form serves."))
        return data

    def clean_file(self) -> Any:
        from dgov.services.files import check_guide_file

        upload = self.cleaned_data["file"]
        upload.content_type_checked = check_guide_file(upload)
        return upload


class CatalogueImportForm(forms.Form):
    file = forms.FileField(label=_("Workbook (.xlsx)"), help_text=_("The same three sheets as the export."))

    def clean_file(self) -> bytes:
        from dgov.lib.xlsx import MAX_FILE_BYTES

        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."), code="too_big")
        return upload.read()
