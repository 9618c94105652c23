from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """Placeholder: the working-day calendar is being written."""

    date = models.DateField(_("date"), unique=True)

    class Meta:
        permissions = [("edit_calendar", "Can edit holidays and make-up working days")]
