"""One deadline light for the whole platform (dgov/workdays/lights.py): the rule for one
row and the expression for a list agree on every day around the 2025 and 2026 holidays."""

import datetime as dt

import pytest
from django.db.models import Value

from dgov.workdays.calendar import add_working_days
from dgov.workdays.lights import Light, Thresholds, light, light_case
from dgov.workdays.models import Deadline

D = dt.date


@pytest.fixture
def yellow(settings):
    settings.DGOV_YELLOW_DAYS = {"application": 1, "campaign": 3}
    return settings.DGOV_YELLOW_DAYS


@pytest.mark.django_db
def test_a_date_still_running_over_a_holiday_never_turns_red_on_the_holiday(yellow):
    # A campaign task due on 5 October 2026 (National Day): due on 8 October, the first
    # working day after; not red on 6 October, red on 9 October.
    assert light(D(2026, 10, 5), D(2026, 10, 6), kind="campaign") == Light.YELLOW
    assert light(D(2026, 10, 5), D(2026, 10, 8), kind="campaign") == Light.YELLOW
    assert light(D(2026, 10, 5), D(2026, 10, 9), kind="campaign") == Light.RED


@pytest.mark.django_db
def test_yellow_counts_working_days_left_by_kind(yellow):
    # 30 September 2026 → 8 October is one working day.
    assert light(D(2026, 10, 8), D(2026, 9, 30), kind="application") == Light.YELLOW
    assert light(D(2026, 10, 9), D(2026, 9, 30), kind="application") == Light.GREEN
    assert light(D(2026, 10, 9), D(2026, 9, 30), kind="campaign") == Light.YELLOW
    assert light(D(2026, 10, 9), D(2026, 9, 30), kind="application", stopped=True) == Light.STOPPED


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["application", "campaign"])
def test_the_list_expression_gives_each_row_the_same_light_as_the_rule(yellow, district, kind):
    # Every due date and every "today" across the 2025 Spring Festival and the 2026
    # National Day, rest days and make-up days included.
    dues = [D(2025, 1, 20) + dt.timedelta(days=i) for i in range(30)] + [
        D(2026, 9, 22) + dt.timedelta(days=i) for i in range(25)
    ]
    deadlines = [
        Deadline.objects.create(district=district, label=f"d{i}", start_date=due, working_days=0, due_date=due)
        for i, due in enumerate(dues)
    ]
    for today in [D(2025, 1, 24) + dt.timedelta(days=i) for i in range(16)] + [
        D(2026, 9, 28) + dt.timedelta(days=i) for i in range(14)
    ]:
        rows = dict(
            Deadline.objects.filter(pk__in=[d.pk for d in deadlines])
            .annotate(light=light_case("due_date", today, kind=kind))
            .values_list("due_date", "light")
        )
        for due in dues:
            assert rows[due] == light(due, today, kind=kind).value, (due, today)


@pytest.mark.django_db
def test_closed_and_stopped_rows_are_told_apart_in_a_list(district, yellow):
    from django.db.models import Q

    from dgov.lib import clock

    Deadline.objects.create(
        district=district, label="open", start_date=D(2026, 1, 5), working_days=0, due_date=D(2026, 1, 5)
    )
    Deadline.objects.create(
        district=district,
        label="closed",
        start_date=D(2026, 1, 5),
        working_days=0,
        due_date=D(2026, 1, 5),
        closed_at=clock.now(),
    )
    expression = light_case(
        "due_date", D(2026, 2, 2), kind="application", open=Q(closed_at__isnull=True), stopped=Q(label="stopped")
    )
    lights = dict(Deadline.objects.annotate(light=expression).values_list("label", "light"))
    assert lights == {"open": "red", "closed": None}
    assert Deadline.objects.annotate(light=Value("x")).count() == 2


@pytest.mark.django_db
def test_the_thresholds_fall_after_rest_days(yellow):
    # Today Friday 9 October 2026 (a working day); Saturday 10 October is a make-up day.
    t = Thresholds.on(D(2026, 10, 9), "application")
    assert t.red_before == D(2026, 10, 9)
    assert add_working_days(D(2026, 10, 9), 2).date == D(2026, 10, 12)
    assert t.yellow_before == D(2026, 10, 11)
