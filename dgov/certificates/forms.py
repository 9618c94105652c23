import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from dgov.certificates.models import CertificateStatus
from dgov.lib.widgets import DateInput

MAX_UPLOAD = 20 * 1024 * 1024


class VerifyForm(forms.Form):
    reference = forms.CharField(label=_("Certificate number or identifier"), max_length=120, required=False, strip=True)
    upload = forms.FileField(label=_("Or the certificate file (PDF)"), required=False)

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload is not None and upload.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("reference")) == bool(data.get("upload")):
            raise forms.ValidationError(_("Give the certificate number or upload the file, one of the two."))
        return data


class StatusForm(forms.Form):
    to = forms.ChoiceField(label=_("New status"), choices=CertificateStatus.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class AnnotatedCopyForm(forms.Form):
    purpose = forms.CharField(label=_("What the copy is for"), max_length=200)
    expires_on = forms.DateField(label=_("Valid until"), widget=DateInput())

    def clean_expires_on(self) -> dt.date:
        return self.cleaned_data["expires_on"]
