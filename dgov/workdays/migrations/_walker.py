"""A frozen working-day walker for data migrations (never the app's calendar, which moves on)."""

import datetime as dt

ONE_DAY = dt.timedelta(days=1)


def walker(apps):
    """n working days after a start on the stored calendar (a year without an official
    arrangement as plain Monday to Friday: its deadlines are provisional, and the
    ``deadlines_recomputed`` job recounts them on the real estimate)."""
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarYear = apps.get_model("workdays", "CalendarYear")
    official = set(CalendarYear.objects.filter(official=True).values_list("year", flat=True))
    exceptions = dict(CalendarDay.objects.values_list("date", "kind"))

    def working(d):
        if d.year in official and d in exceptions:
            return exceptions[d] == "workday"
        return d.weekday() < 5

    def walk(start, n):
        d, counted = start, 0
        while counted < n:
            d += ONE_DAY
            counted += working(d)
        while not working(d):
            d += ONE_DAY
        return d

    return walk
