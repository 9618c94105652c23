import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.notices import templating
from dgov.notices.models import NoticeSettings

NUMBER_FIELDS = frozenset({"prefix", "year", "serial"})


class TemplateForm(forms.Form):
    """A new version of one kind's wording: refused unless it has every element the law
    requires of that kind (``templating.check``)."""

    title = forms.CharField(label=_("Title"), max_length=60)
    body = forms.CharField(label=_("Wording"), widget=forms.Textarea(attrs={"rows": 18}), max_length=20_000)
    note = forms.CharField(label=_("What changed"), max_length=200, required=False)

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "title" in data and "body" in data:
            problems = templating.check(self.kind, data["title"], data["body"])
            if problems:
                raise forms.ValidationError(problems)
        return data


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NoticeSettings
        fields = ["number_format", "reconsideration_body", "court"]

    def __init__(self, *args: Any, departments: Any = (), prefixes: dict[int, str] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.departments = list(departments)
        for department in self.departments:
            self.fields[f"prefix_{department.pk}"] = forms.CharField(
                label=department.name,
                max_length=20,
                required=False,
                initial=(prefixes or {}).get(department.pk, ""),
                help_text=_("Number prefix, e.g. 宽市监许. Empty: the department's code."),
            )

    def clean_number_format(self) -> str:
        value: str = self.cleaned_data["number_format"]
        fields = re.findall(r"\{([^{}]*)\}", value)
        leftover = re.sub(r"\{[^{}]*\}", "", value)
        if any(name not in NUMBER_FIELDS for name in fields) or "{" in leftover or "}" in leftover:
            raise forms.ValidationError(
                _("Use only {prefix}, {year} and {serial} in braces, e.g. {prefix}〔{year}〕{serial}号.")
            )
        if "serial" not in fields or "year" not in fields:
            raise forms.ValidationError(_("The number must contain {year} and {serial}."))
        return value

    def prefixes(self) -> dict[int, str]:
        return {d.pk: self.cleaned_data.get(f"prefix_{d.pk}", "").strip() for d in self.departments}


class AutoSealForm(forms.Form):
    on = forms.BooleanField(label=_("Seal waiting documents automatically on my authority"), required=False)
