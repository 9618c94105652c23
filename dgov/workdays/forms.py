import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.lib.widgets import DateInput
from dgov.workdays.calendar import HOLIDAY, WORKDAY
from dgov.workdays.importfile import parse_date

MAX_DAYS = 1000
MAX_SPAN_DAYS = 3660  # about ten years: each year read costs a query on a cold cache
MAX_FILE_BYTES = 1_000_000
NORMAL = "normal"


class IsoDateField(forms.Field):
    """A YYYY-MM-DD date that exists; the message says which of the two is wrong."""

    widget = DateInput()

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            return parse_date(text[:20])
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.date) else value


def _days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Working days"),
        min_value=0,
        max_value=MAX_DAYS,
        error_messages={
            "required": _("Give the number of working days."),
            "invalid": _("The number of working days must be a whole number."),
            "min_value": _("The number of working days cannot be negative."),
            "max_value": _("At most %(limit_value)s working days can be counted."),
        },
    )


class AddForm(forms.Form):
    start = IsoDateField(label=_("Acceptance day"), error_messages={"required": _("Give the acceptance day.")})
    days = _days_field()


class BetweenForm(forms.Form):
    a = IsoDateField(label=_("From (not counted)"), error_messages={"required": _("Give the first date.")})
    b = IsoDateField(label=_("To (counted)"), error_messages={"required": _("Give the second date.")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        a, b = data.get("a"), data.get("b")
        if a and b and abs((b - a).days) > MAX_SPAN_DAYS:
            raise ValidationError(
                _("The dates may be at most %(days)s days apart."), code="span", params={"days": MAX_SPAN_DAYS}
            )
        return data


class DayForm(forms.Form):
    date = IsoDateField(label=_("Date"))
    kind = forms.ChoiceField(
        label=_("The day is"),
        choices=[
            (HOLIDAY, _("a holiday (a weekday off)")),
            (WORKDAY, _("a make-up working day (a weekend day worked)")),
            (NORMAL, _("as usual (Monday to Friday working, weekends off)")),
        ],
    )
    note = forms.CharField(
        label=_("Note"), max_length=100, required=False, help_text=_("For example 国庆节 or 春节调休.")
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File"), required=False, help_text=_("UTF-8 text, one line per date."))
    text = forms.CharField(
        label=_("Or paste the lines"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 16, "placeholder": "2027-01-01,holiday,元旦\n2027-02-07,workday,春节调休"}
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload:
            if upload.size > MAX_FILE_BYTES:
                raise ValidationError(_("The file is larger than 1 MB."), code="too_big")
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(_("The file is not UTF-8 text."), code="encoding") from None
        elif data.get("text", "").strip():
            data["content"] = data["text"]
        else:
            raise ValidationError(_("Choose a file or paste its lines."), code="empty")
        return data
