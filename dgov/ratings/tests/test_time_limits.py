"""Issue 20: the rating window ends on a working day (Civil Code Art. 201, 203), the
rectification's derivation names its real start, and the window competition measures
on-time against the promise as made (without an Art. 42 extension).

2025 National Day: 1–8 Oct off; 2026 Spring Festival: 15–23 Feb off, Sat 14 and 28 Feb worked."""

import datetime as dt

import pytest
from django.urls import reverse

from dgov.applications.models import Application
from dgov.ratings import actions
from dgov.ratings.competition import competition, month_bounds, previous_month
from dgov.ratings.models import Level, Rating, RatingPolicy, Rectification, Source, rating_window
from dgov.workdays.models import CountedFrom, Deadline

pytestmark = pytest.mark.django_db

D = dt.date


def completed_on(application, day):
    Application.objects.filter(pk=application.pk).update(completed_on=day)
    application.refresh_from_db()
    return application


def test_the_window_ends_on_the_next_working_day_and_the_applicant_still_rates_on_it(
    clock, district, citizen, completed
):
    RatingPolicy.objects.create(district=district, deem_unrated=True)
    completed_on(completed, D(2025, 9, 26))
    # 7 natural days from the day after Fri 26 Sep: Fri 3 Oct, a National Day holiday;
    # the window ends on the next working day, Thu 9 Oct.
    assert rating_window(completed.completed_on).date == D(2025, 10, 9)
    assert actions.deem_ratings(D(2025, 10, 3)) == 0
    assert actions.deem_ratings(D(2025, 10, 9)) == 0
    clock.set(D(2025, 10, 9))
    actions.do_rate(completed, level=Level.VERY_DISSATISFIED, comment="办理太慢", source=Source.PAGE, by=citizen)
    assert actions.deem_ratings(D(2025, 10, 10)) == 0
    rating = Rating.objects.get()
    assert (rating.source, rating.level, rating.rated_on) == (Source.PAGE, Level.VERY_DISSATISFIED, D(2025, 10, 9))


def test_an_unrated_case_is_deemed_the_day_after_its_window(district, completed):
    RatingPolicy.objects.create(district=district, deem_unrated=True)
    completed_on(completed, D(2025, 9, 26))
    assert actions.deem_ratings(D(2025, 10, 10)) == 1
    rating = Rating.objects.get()
    assert (rating.source, rating.rated_on) == (Source.DEEMED, D(2025, 10, 10))


def test_a_rectification_counts_from_the_rating_day_and_shows_a_2027_date_as_provisional(
    client, clock, district, citizen, completed, supervisor
):
    clock.set(D(2026, 12, 21))
    actions.do_rate(completed, level=Level.DISSATISFIED, comment="态度差", source=Source.PAGE, by=citizen)
    rectification = Rectification.objects.get()
    deadline = rectification.deadline
    assert (deadline.counted_from, deadline.start_date, deadline.provisional) == (
        CountedFrom.RATED,
        D(2026, 12, 21),
        True,
    )
    steps = deadline.compute_due().derivation
    assert steps[0].startswith("Rated on 2026-12-21") and "Accepted on" not in " ".join(steps)
    assert deadline.due_date.isoformat() in steps[-1]
    client.force_login(supervisor)
    page = client.get(reverse("ratings:rectification", args=[rectification.pk])).content.decode()
    shown = page.split("<details>")[0]  # outside the folded explanation
    assert f'data-due-date="{deadline.due_date:%Y-%m-%d}"' in shown and "data-provisional-tag" in shown
    from dgov.workdays.testing import agrees, shown_due

    rendered = shown_due(page, "data-due=")
    assert (rendered.date, rendered.provisional) == (deadline.due_date.isoformat(), True) and agrees(rendered)


def test_the_competition_measures_on_time_against_the_unextended_promise(clock, district, completed):
    """Decided after the promise as made, before the extended one: late, and a red card."""
    today = clock.today()
    year, month = previous_month(today.year, today.month)
    first, _last = month_bounds(year, month)
    promise, extended = first + dt.timedelta(days=2), first + dt.timedelta(days=9)
    Deadline.objects.filter(pk=completed.promised_deadline_id).update(
        due_date=extended, base_due_date=promise, extra_days=5
    )
    Application.objects.filter(pk=completed.pk).update(decided_on=first + dt.timedelta(days=5))
    ranking = competition(district, year, month, today)
    unit = next(row for row in ranking.units if row.key == completed.department_id)
    assert (unit.decided, unit.on_time, unit.red_cards) == (1, 0, 1)
