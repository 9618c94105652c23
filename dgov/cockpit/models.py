"""Summary tables of the figures (decision 0022): one row per day × district × department ×
item × window, and the same per month, with one column per measure.

The case measures are kept current from the applications' event log (``summary``), the
rating measures from the audit entries of ratings, rectifications and appeals; a chart
reads a month's rows here, never the cases, so its cost does not grow with their number.
These are derived rows: no foreign-key constraint (a summary never holds back a delete),
and ``window`` is a plain number (0: filed online, no window) so that the unique key has
no NULL in it and an upsert always finds its row.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Counted from the applications' timeline (added to as events arrive).
CASE_MEASURES = (
    "received",
    "supplemented",
    "refused",
    "accepted",
    "deemed",
    "decided",
    "approved",
    "on_time_legal",
    "on_time_promised",
    "completed",
    "one_trip",
    "broken_promise",
    "visits",
    "working_days",
    "clock_stops",
    "extensions",
)
# Recounted for each day a rating, rectification or appeal changed (set, not added to).
RATING_MEASURES = (
    "level_1",
    "level_2",
    "level_3",
    "level_4",
    "level_5",
    "excluded",
    "rectifications",
    "rectified_on_time",
    "rectified_late",
    "appeals",
    "appeals_upheld",
)
MEASURES = CASE_MEASURES + RATING_MEASURES
DIMENSIONS = ("district_id", "department_id", "item_id", "window")


class Measured(models.Model):
    district = models.ForeignKey(
        "accounts.District", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )

    received = models.IntegerField(default=0)
    supplemented = models.IntegerField(default=0)  # cases that got a supplement notice (by day received)
    refused = models.IntegerField(default=0)  # by day received
    accepted = models.IntegerField(default=0)
    deemed = models.IntegerField(default=0)  # deemed accepted (Art. 32), by day accepted
    decided = models.IntegerField(default=0)
    approved = models.IntegerField(default=0)
    on_time_legal = models.IntegerField(default=0)  # decided within the legal limit (by day decided)
    on_time_promised = models.IntegerField(default=0)
    completed = models.IntegerField(default=0)
    one_trip = models.IntegerField(default=0)  # completed, the applicant came in person at most once
    broken_promise = models.IntegerField(default=0)  # completed with more visits than the item promises
    visits = models.IntegerField(default=0)  # visits in person of the completed cases
    working_days = models.IntegerField(default=0)  # working days from acceptance to completion, summed
    clock_stops = models.IntegerField(default=0)  # by day stopped
    extensions = models.IntegerField(default=0)  # by day extended

    level_1 = models.IntegerField(default=0)  # counted ratings per level, by day rated
    level_2 = models.IntegerField(default=0)
    level_3 = models.IntegerField(default=0)
    level_4 = models.IntegerField(default=0)
    level_5 = models.IntegerField(default=0)
    excluded = models.IntegerField(default=0)  # ratings excluded by an upheld appeal
    rectifications = models.IntegerField(default=0)  # bad ratings' rectifications (not withdrawn)
    rectified_on_time = models.IntegerField(default=0)
    rectified_late = models.IntegerField(default=0)
    appeals = models.IntegerField(default=0)
    appeals_upheld = models.IntegerField(default=0)

    class Meta:
        abstract = True


class Figures(Measured):
    item = models.ForeignKey(
        "services.ServiceItem", on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    window = models.IntegerField(default=0)  # ServiceWindow id; 0: online

    class Meta:
        abstract = True


class DailyFigures(Figures):
    day = models.DateField()

    class Meta:
        verbose_name = _("daily figures")
        verbose_name_plural = _("daily figures")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "day", "department", "item", "window"], name="daily_figures_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}/{self.item_id}/{self.window}"


class DepartmentDayFigures(Measured):
    """The daily rows summed over items and windows: a day-by-day chart reads one row per
    department and day, however many items and windows the day's cases went through
    (decision 0035). Kept as the monthly rows are: case measures added with the daily
    rows, rating measures rolled up from them."""

    day = models.DateField()

    class Meta:
        verbose_name = _("daily figures per department")
        verbose_name_plural = _("daily figures per department")
        constraints = [
            models.UniqueConstraint(fields=["district", "day", "department"], name="department_day_figures_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.department_id}"


class MonthlyFigures(Figures):
    month = models.DateField()  # the first day of the month

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")
        permissions = [("view_cockpit", "Can see the cockpit of the district (a unit head: of the own unit)")]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "month", "department", "item", "window"], name="monthly_figures_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.department_id}/{self.item_id}/{self.window}"


class RefreshMark(models.Model):
    """How far a summary has read its log: the highest id read, and the ids below it not
    yet seen (a transaction that took a lower id may commit after a higher one; such a gap
    is looked at again on every pass until it fills or ``GAP_SECONDS`` pass)."""

    name = models.CharField(max_length=40, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    gaps = models.JSONField(default=dict)  # {id: first seen missing (epoch seconds)}
    refreshed_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"
