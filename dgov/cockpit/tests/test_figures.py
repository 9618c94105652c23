"""Every figure, counted from the summary tables and again from the cases: alike."""

import datetime as dt

import pytest

from dgov.applications import actions
from dgov.applications.models import ApplicationEvent
from dgov.cockpit import figures, summary
from dgov.cockpit.figures import Period
from dgov.cockpit.models import MEASURES, DailyFigures, DepartmentDayFigures, MonthlyFigures, RefreshMark
from dgov.cockpit.tests.conftest import refresh

pytestmark = pytest.mark.django_db

MARCH, APRIL = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
BOTH = Period(MARCH, APRIL)


def assert_alike(district_id: int, period: Period = BOTH, **kwargs) -> None:
    for by in (None, "department", "item", "window", "month", "day"):
        from_summary = {
            k: m for k, m in figures.summed(district_id, period, by, **kwargs).items() if any(m.as_dict().values())
        }
        from_cases = {
            k: m for k, m in figures.recount(district_id, period, by, **kwargs).items() if any(m.as_dict().values())
        }
        assert from_summary == from_cases, by


def test_every_figure_from_the_summary_equals_the_recount_from_the_cases(district, history):
    refresh()
    assert_alike(district.pk)
    total = figures.summed(district.pk, BOTH)[None]
    assert (total.received, total.refused, total.supplemented, total.deemed) == (9, 1, 1, 1)
    assert (total.decided, total.approved, total.completed) == (5, 4, 4)
    assert total.on_time_promised == 4 and total.on_time_legal == 4  # "late" took 20 working days
    assert (total.one_trip, total.broken_promise, total.visits) == (3, 1, 2)
    assert (total.clock_stops, total.extensions) == (1, 1)
    assert total.levels == [0, 1, 0, 0, 1] and total.excluded == 1
    assert (total.rectifications, total.rectified_on_time, total.appeals, total.appeals_upheld) == (1, 1, 1, 1)


def test_the_figures_are_alike_for_one_department_and_one_month(district, history):
    from dgov.accounts.models import Department

    refresh()
    scjg = Department.objects.get(district=district, code="SCJG")
    assert_alike(district.pk, Period.month(MARCH), department_id=scjg.pk)
    assert_alike(district.pk, Period.month(APRIL))


def test_recording_visits_moves_the_one_trip_figure(district, items, walk, clerk, window):
    case = walk(items["one"], on=dt.date(2026, 3, 2), steps=["visit", "accept", "review", "approve", "complete"])
    refresh()
    march = Period.month(MARCH)
    before = figures.summed(district.pk, march)[None]
    assert (before.completed, before.one_trip, before.one_trip_rate, before.broken_promise) == (1, 1, 100.0, 0)
    actions.do_check_in(case, by=clerk, window=window)  # collecting the licence: a second trip
    actions.do_check_in(case, by=clerk, window=window)
    refresh()
    after = figures.summed(district.pk, march)[None]
    assert (after.completed, after.one_trip, after.one_trip_rate, after.broken_promise, after.visits) == (
        1,
        0,
        0.0,
        1,
        3,
    )
    assert_alike(district.pk, march)


def test_a_pass_counts_each_event_once_and_only_what_is_new(district, items, walk):
    walk(items["one"], on=dt.date(2026, 3, 2), steps=["accept"])
    assert summary.refresh_cases() == 2
    assert summary.refresh_cases() == 0
    first = list(MonthlyFigures.objects.values(*MEASURES))
    walk(items["one"], on=dt.date(2026, 3, 3))
    assert summary.refresh_cases() == 1
    assert figures.summed(district.pk, Period.month(MARCH))[None].received == 2
    assert first[0]["received"] == 1


def test_an_event_that_commits_below_the_mark_is_counted_when_it_appears(district, items, walk):
    case = walk(items["one"], on=dt.date(2026, 3, 2), steps=["accept"])
    late = ApplicationEvent.objects.get(application=case, verb="accept")
    late_id = late.pk
    late.delete()  # as if its transaction had not committed yet
    walk(items["one"], on=dt.date(2026, 3, 3))
    refresh()
    mark = RefreshMark.objects.get(name="cases")
    assert str(late_id) in mark.gaps
    assert figures.summed(district.pk, Period.month(MARCH))[None].accepted == 0
    late.pk = late_id
    late.save(force_insert=True)  # … and now it commits
    refresh()
    assert figures.summed(district.pk, Period.month(MARCH))[None].accepted == 1
    assert str(late_id) not in RefreshMark.objects.get(name="cases").gaps


def assert_department_days_add_up() -> None:
    """Each row per department and day holds its daily rows' sums, and no other row is there."""
    from django.db.models import Sum

    grouped = {
        (r.pop("district_id"), r.pop("day"), r.pop("department_id")): r
        for r in DailyFigures.objects.values("district_id", "day", "department_id")
        .annotate(**{m: Sum(m) for m in MEASURES})
        .order_by()
    }
    rows = {
        (r.pop("district_id"), r.pop("day"), r.pop("department_id")): r
        for r in DepartmentDayFigures.objects.values("district_id", "day", "department_id", *MEASURES)
    }
    assert rows == grouped
    assert len(rows) < DailyFigures.objects.count()


def test_the_rows_per_department_and_day_are_the_daily_rows_summed(district, history):
    refresh()
    assert_department_days_add_up()
    # A rating changed afterwards (rating measures are set again for its day) and a new case.
    from dgov.ratings.models import Rating

    rating = Rating.objects.filter(excluded=True).first()
    Rating.objects.filter(pk=rating.pk).update(excluded=False)
    summary._set_rating_days({(rating.district_id, rating.rated_on)})
    assert_department_days_add_up()


def test_the_fill_of_an_existing_summary_gives_the_rows_per_department_and_day(district, history):
    import importlib
    from types import SimpleNamespace

    from django.db import connection

    refresh()
    DepartmentDayFigures.objects.all().delete()
    fill = importlib.import_module("dgov.cockpit.migrations.0002_department_day_figures").fill
    with connection.cursor() as cursor:  # what the migration's schema editor offers it
        fill(None, SimpleNamespace(connection=connection, execute=cursor.execute))
    assert_department_days_add_up()


def test_the_daily_rows_add_up_to_the_monthly_rows(district, history):
    refresh()
    by_day = figures.summed(district.pk, BOTH, "day")
    by_month = figures.summed(district.pk, BOTH, "month")
    for month, measures in by_month.items():
        days = figures.total(m for day, m in by_day.items() if day.replace(day=1) == month)
        assert days == measures
    assert DailyFigures.objects.count() > MonthlyFigures.objects.count()


def test_declared_one_trip_is_beside_the_measured_one_and_broken_promises_come_first(
    district, items, walk, clerk, window
):
    for n in range(2):
        walk(items["none"], on=dt.date(2026, 3, 2 + n), steps=["visit", "accept", "review", "approve", "complete"])
    walk(items["one"], on=dt.date(2026, 3, 5), steps=["accept", "review", "approve", "complete"])
    refresh()
    declared = figures.declared_by_department(district.pk)
    assert figures.declared_total(declared).rate == 100.0  # every item declares at most one visit
    worst = figures.broken_promises(district.pk, Period.month(MARCH))
    assert [(w.code, w.broken, w.figures.completed) for w in worst] == [("KC-SCJG-002", 2, 2), ("KC-SCJG-001", 0, 1)]


def test_a_month_that_does_not_exist_or_has_not_begun_is_refused(clock):
    from django.core.exceptions import ValidationError

    clock.set(dt.date(2026, 4, 15))
    for start, end in (
        ("2026-13", None),
        ("x", None),
        (None, "2026-05"),
        ("2026-04", "2026-03"),
        ("2020-01", "2026-04"),
    ):
        with pytest.raises(ValidationError):
            Period.of(start, end)
    assert Period.of(None, None).months[0] == dt.date(2025, 5, 1)


def test_generated_cases_count_alike_from_the_summary_and_from_the_cases(db, clock):
    from django.core.management import call_command

    from dgov.accounts.models import District

    clock.set(dt.date(2026, 4, 20))
    call_command("generate_cases", count=400, months=3, stdout=__import__("io").StringIO())
    district = District.objects.get(code="220103")
    period = Period(dt.date(2026, 2, 1), dt.date(2026, 4, 1))
    assert_alike(district.pk, period)
    assert_department_days_add_up()
    total = figures.summed(district.pk, period)[None]
    assert total.received == 400
    assert 0 < total.completed < total.received and 0 < total.one_trip < total.completed
    assert total.supplemented and total.refused and total.deemed and total.ratings
    # What the job adds on top of generated cases is counted once.
    assert summary.refresh() == 0


def test_generated_days_read_past_the_end_as_the_last_day():
    """The generator's padded list of working days (``Days.at``) reads as stepping did
    before it: the working days in order, then the last one for any step past the end."""
    from dgov.cockpit.generate import PAST_THE_END, Days
    from dgov.workdays.calendar import default_calendar

    days = Days(dt.date(2026, 4, 20), dt.date(2026, 5, 10))  # Labour day's holidays and make-up days
    assert days.at[: len(days.days)] == days.days
    assert all(default_calendar.is_working_day(d) for d in days.days)
    assert days.at[len(days.days) + PAST_THE_END - 1] == days[10**6] == days.days[-1]
    assert days.at[days.index(dt.date(2026, 5, 6))] == dt.date(2026, 5, 6)
