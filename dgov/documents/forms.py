from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dgov.documents.checks import MAX_FILES, MAX_NAME_LENGTH, MB, TOO_MANY, max_file_size, validate_upload

ACCEPT = ".pdf,.jpg,.jpeg,.png,.ofd,application/pdf,image/jpeg,image/png,application/ofd"


def check_name_length(name: str | None) -> None:
    """Refuse a file name too long to keep whole (rather than cut it silently): the
    applicant renames it and sees the name the case will show."""
    raw = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    if len(raw) > MAX_NAME_LENGTH:
        raise ValidationError(
            _(
                "The name of the file “%(start)s…” is longer than %(max)d characters. Rename the file and upload "
                "it again."
            ),
            code="name_too_long",
            params={"start": raw[:20], "max": MAX_NAME_LENGTH},
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field ("Uploading multiple files" in Django's docs); every bad
    file is reported, not only the first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        errors: list[ValidationError] = []
        if len(files) > MAX_FILES:
            errors.append(ValidationError(TOO_MANY, code="too_many"))
        for uploaded_file in files:
            try:
                check_name_length(uploaded_file.name)
                validate_upload(uploaded_file)
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        return files


def _limits() -> str:
    return gettext("PDF, JPEG, PNG or OFD; at most %(size)d MB a file and %(count)d files at a time.") % {
        "size": max_file_size() // MB,
        "count": MAX_FILES,
    }


class DocumentUploadForm(forms.Form):
    uploads = MultipleFileField(label=_("Files"), help_text=lazy(_limits, str)())
    label = forms.CharField(
        label=_("What is it?"),
        max_length=200,
        required=False,
        help_text=_("For example, the name of the material, such as “business licence”."),
    )
