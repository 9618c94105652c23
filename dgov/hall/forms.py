"""Forms of the hall: every input is validated here; views pass cleaned values to ``actions``."""

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import ServiceWindow
from dgov.hall import rules
from dgov.hall.actions import green_channel_case
from dgov.hall.models import HallItem, Priority, Slot
from dgov.hall.reports import GROUPS
from dgov.lib import clock
from dgov.lib.idnumbers import validate_resident_id
from dgov.lib.widgets import DateInput, TimeInput
from dgov.services.models import ServiceItem


class HallItemChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


NOT_SERVED = _("The hall does not take tickets for this item.")


class TakeTicketForm(forms.Form):
    """The kiosk and the phone: an item, and what may give priority."""

    item = HallItemChoice(
        label=_("Item"), queryset=HallItem.objects.none(), error_messages={"invalid_choice": NOT_SERVED}
    )
    id_number = forms.CharField(
        label=_("ID card number (for priority from the age of 65; not stored)"), max_length=18, required=False
    )
    green_number = forms.CharField(
        label=_("Application number, for a case in the green channel"), max_length=32, required=False
    )

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.district_id = district_id
        self.fields["item"].queryset = HallItem.objects.filter(  # type: ignore[attr-defined]
            district_id=district_id, active=True
        ).select_related("item__current_version")

    def clean_id_number(self) -> str:
        value = self.cleaned_data["id_number"].strip()
        return validate_resident_id(value, today=clock.today()) if value else ""

    def clean_green_number(self) -> str:
        value = self.cleaned_data["green_number"].strip()
        if value and green_channel_case(self.district_id, value) is None:
            raise ValidationError(
                _("Application %(number)s is not an open case of the green channel."), params={"number": value}
            )
        return value

    def priority(self) -> str:
        """The priority the cleaned answers give (the ID number itself is dropped here)."""
        if self.cleaned_data.get("green_number"):
            return Priority.GREEN_CHANNEL
        number = self.cleaned_data.get("id_number")
        if number and rules.age_on(number, clock.today()) >= rules.elderly_age():
            return Priority.ELDERLY
        return Priority.NONE


class LinkForm(forms.Form):
    number = forms.CharField(label=_("Application number"), max_length=32)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self) -> Any:
        from dgov.applications.models import Application

        number = self.cleaned_data["number"].strip()
        found = Application.objects.visible_to(self.user).filter(number=number).first()
        if found is None:
            raise ValidationError(_("No application numbered %(number)s in your district."), params={"number": number})
        return found


class HallItemForm(forms.Form):
    item = forms.ModelChoiceField(label=_("Service item"), queryset=ServiceItem.objects.none())
    ticket_prefix = forms.CharField(label=_("Ticket prefix"), max_length=2)
    windows = forms.ModelMultipleChoiceField(
        label=_("Windows"), queryset=ServiceWindow.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    active = forms.BooleanField(label=_("Tickets can be taken"), required=False, initial=True)
    order = forms.IntegerField(label=_("Order on the kiosk"), min_value=0, max_value=999, initial=0)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = (  # type: ignore[attr-defined]
            ServiceItem.objects.published().filter(district_id=district_id).select_related("current_version")
        )
        self.fields["windows"].queryset = ServiceWindow.objects.filter(district_id=district_id)  # type: ignore[attr-defined]


class SlotsForm(forms.Form):
    window = forms.ModelChoiceField(label=_("Window"), queryset=ServiceWindow.objects.none())
    day = forms.DateField(label=_("Day"), widget=DateInput)
    starts = forms.TimeField(label=_("From"), widget=TimeInput, initial=dt.time(9, 0))
    ends = forms.TimeField(label=_("To"), widget=TimeInput, initial=dt.time(11, 30))
    minutes = forms.IntegerField(label=_("Minutes per slot"), min_value=5, max_value=240, initial=30)
    capacity = forms.IntegerField(label=_("People per slot"), min_value=1, max_value=100, initial=3)

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["window"].queryset = ServiceWindow.objects.filter(district_id=district_id)  # type: ignore[attr-defined]

    def clean_day(self) -> dt.date:
        day = self.cleaned_data["day"]
        if day < clock.today():
            raise ValidationError(_("A slot cannot be in the past."))
        return day


class BookForm(forms.Form):
    item = HallItemChoice(
        label=_("Item"), queryset=HallItem.objects.none(), error_messages={"invalid_choice": NOT_SERVED}
    )
    slot = forms.ModelChoiceField(
        label=_("Slot"),
        queryset=Slot.objects.none(),
        error_messages={"invalid_choice": _("This slot does not exist or is in the past.")},
    )

    def __init__(self, *args: Any, district_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = HallItem.objects.filter(district_id=district_id, active=True)  # type: ignore[attr-defined]
        # Past days are refused here; a slot earlier today is refused by ``do_book``.
        self.fields["slot"].queryset = Slot.objects.filter(  # type: ignore[attr-defined]
            district_id=district_id, day__gte=clock.today()
        )


class FiguresForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput, required=False)
    end = forms.DateField(label=_("To"), widget=DateInput, required=False)
    by = forms.ChoiceField(
        label=_("Per"),
        required=False,
        choices=[("item", _("Item")), ("window", _("Window")), ("hour", _("Hour of the day"))],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = clock.today()
        data["end"] = data.get("end") or today
        data["start"] = data.get("start") or data["end"] - dt.timedelta(days=29)
        data["by"] = data.get("by") or "item"
        if data["start"] > data["end"]:
            raise ValidationError(_("The start comes before the end."))
        if (data["end"] - data["start"]).days > 366:
            raise ValidationError(_("Choose a period of at most one year."))
        assert data["by"] in GROUPS
        return data
