"""Seed the official arrangements of 2004–2026 from the pinned ``chinesecalendar`` package.

Only the exceptions to the Monday-to-Friday week are stored: holidays on weekdays and
make-up working days on weekends. The years are fixed here so that a later version of
the package cannot change what this migration writes; newer years come by import (or a
later migration).
"""

import datetime

from django.db import migrations
from django.utils import timezone

YEARS = range(2004, 2027)


def seed(apps, schema_editor):
    import chinese_calendar

    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    chinese = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}
    known = {d.year for d in chinese_calendar.holidays}
    missing = set(YEARS) - known
    if missing:
        raise RuntimeError(f"chinesecalendar has no data for {sorted(missing)}: install the pinned version")

    days = []
    for day, name in sorted(chinese_calendar.holidays.items()):
        if day.year in YEARS and day.weekday() < 5:
            days.append(CalendarDay(date=day, kind="holiday", note=chinese.get(name, name), source="library"))
    for day, name in sorted(chinese_calendar.workdays.items()):
        if day.year in YEARS and day.weekday() >= 5:
            days.append(CalendarDay(date=day, kind="workday", note=f"{chinese.get(name, name)}调休", source="library"))
    CalendarDay.objects.bulk_create(days, batch_size=500)
    now = timezone.now()
    CalendarYear.objects.bulk_create(
        CalendarYear(year=year, official=True, source="library", imported_at=now) for year in YEARS
    )


def unseed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    first, last = datetime.date(YEARS[0], 1, 1), datetime.date(YEARS[-1], 12, 31)
    CalendarDay.objects.filter(source="library", date__range=(first, last)).delete()
    CalendarYear.objects.filter(source="library", year__in=list(YEARS)).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed, elidable=False)]
