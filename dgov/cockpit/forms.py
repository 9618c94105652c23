import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.models import Department
from dgov.cockpit.figures import DRILLS, Period


class FiguresForm(forms.Form):
    """The period (months ``from`` … ``to``, ``YYYY-MM``) and, optionally, one department
    of the district (by code or id)."""

    start = forms.CharField(label=gettext_lazy("From (month)"), required=False, max_length=7)
    end = forms.CharField(label=gettext_lazy("To (month)"), required=False, max_length=7)
    department = forms.CharField(label=gettext_lazy("Department"), required=False, max_length=20)

    def __init__(self, data: Any, *, district_id: int, today: dt.date, fixed_department: Department | None = None):
        data = data.copy() if data is not None else {}
        # The page's parameters are "from" and "to"; "from" is a keyword in Python.
        for outer, inner in (("from", "start"), ("to", "end")):
            if outer in data and inner not in data:
                data[inner] = data[outer]
        super().__init__(data)
        self.district_id = district_id
        self.today = today
        self.fixed_department = fixed_department
        self.departments = list(Department.objects.filter(district_id=district_id).order_by("code"))

    def clean_department(self) -> Department | None:
        code = (self.cleaned_data.get("department") or "").strip()
        if not code:
            return self.fixed_department
        found = next((d for d in self.departments if code in (d.code, str(d.pk))), None)
        if found is None:
            raise ValidationError(
                _("There is no department “%(code)s” in your district.") % {"code": code[:20]}, code="department"
            )
        if self.fixed_department is not None and found.pk != self.fixed_department.pk:
            raise ValidationError(_("You see the figures of your own unit only."), code="own_unit")
        return found

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        try:
            data["period"] = Period.of(data.get("start") or None, data.get("end") or None, self.today)
        except ValidationError as error:
            self.add_error(None, error)
        return data

    @property
    def period(self) -> Period:
        return self.cleaned_data["period"]

    @property
    def chosen_department(self) -> Department | None:
        return self.cleaned_data.get("department")


class DrillForm(FiguresForm):
    """The cases behind a bar: the measure and the bar's item or window."""

    measure = forms.ChoiceField(choices=[(m, m) for m in DRILLS])
    item = forms.IntegerField(required=False, min_value=1, max_value=2**62)
    window = forms.IntegerField(required=False, min_value=0, max_value=2**62)
    # Where the page goes on (``access.cursor``): the day, or the time of an act, of the last
    # row of the page before and its id: ``2026-03-31.123`` or ``2026-03-31T08:00:00+00:00.45``.
    before = forms.CharField(required=False, max_length=60)

    def clean_before(self) -> tuple[dt.date | dt.datetime, int] | None:
        value = (self.cleaned_data.get("before") or "").strip()
        if not value:
            return None
        day, _dot, pk = value.rpartition(".")
        try:
            if not re.fullmatch(r"\d{1,18}", pk) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}(T[\d:.+-]{8,32})?", day):
                raise ValueError(value)
            at = dt.datetime.fromisoformat(day) if "T" in day else dt.date.fromisoformat(day)
            if isinstance(at, dt.datetime) and at.tzinfo is None:
                raise ValueError(value)
            return at, int(pk)
        except ValueError:
            raise ValidationError(
                _("This link to a further page is not valid: start again from the newest cases."), code="before"
            ) from None
