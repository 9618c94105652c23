import datetime as dt
import timeit

import pytest
from django.utils import translation

from dgov.workdays import calendar
from dgov.workdays.calendar import Calendar, YearCalendar, add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db

D = dt.date


def due(start: dt.date, n: int) -> dt.date:
    return add_working_days(start, n).date


# -- 2026 National Day: Oct 1–7 off (with 中秋 on Fri Sep 25, Sep 26–27 weekend),
#    Sun Sep 20 and Sat Oct 10 are make-up working days.


def test_twenty_working_days_from_18_september_2026_fall_due_on_22_october():
    # Counted by hand, the acceptance day Fri Sep 18 not counted:
    #  1 Sun 20 (make-up) · 2–5 Mon 21–Thu 24 · Fri 25 中秋 off · 6–8 Mon 28–Wed 30
    #  Oct 1–7 off · 9–10 Thu 8–Fri 9 · 11 Sat 10 (make-up) · 12–16 Mon 12–Fri 16
    #  17–20 Mon 19–Thu 22.
    result = add_working_days(D(2026, 9, 18), 20)
    assert result.date == D(2026, 10, 22)
    assert result.provisional is False


def test_a_make_up_sunday_counts_as_a_working_day():
    assert is_working_day(D(2026, 9, 20))
    assert due(D(2026, 9, 18), 1) == D(2026, 9, 20)


def test_a_make_up_saturday_can_be_the_due_date():
    assert due(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_the_national_day_week_is_skipped():
    assert not any(is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert due(D(2026, 9, 30), 1) == D(2026, 10, 8)


def test_2025_national_day_and_mid_autumn_run_from_1_to_8_october():
    # Make-up days Sun Sep 28 and Sat Oct 11; 中秋 is Mon Oct 6.
    # 1 Sun 28 · 2–3 Mon 29–Tue 30 · Oct 1–8 off · 4–5 Thu 9–Fri 10 · 6 Sat 11 · 7–10 Mon 13–Thu 16
    assert due(D(2025, 9, 26), 10) == D(2025, 10, 16)
    assert is_working_day(D(2025, 9, 28)) and is_working_day(D(2025, 10, 11))
    assert not is_working_day(D(2025, 10, 6)) and not is_working_day(D(2025, 10, 8))


# -- Spring Festival: 2025 Jan 28–Feb 4 off, make-up Sun Jan 26 and Sat Feb 8;
#    2026 Feb 15–23 off, make-up Sat Feb 14 and Sat Feb 28.


def test_2025_spring_festival_is_skipped_and_its_make_up_days_count():
    # 1 Sun Jan 26 · 2 Mon 27 · Jan 28–Feb 4 off · 3–5 Wed Feb 5–Fri 7 · 6 Sat Feb 8
    assert due(D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert due(D(2025, 1, 24), 6) == D(2025, 2, 8)


def test_2026_spring_festival_is_skipped_and_its_make_up_days_count():
    # 1 Fri Feb 13 · 2 Sat 14 (make-up) · Feb 15–23 off · 3 Tue 24 · … · 6 Fri 27 · 7 Sat 28 (make-up)
    assert due(D(2026, 2, 12), 3) == D(2026, 2, 24)
    assert due(D(2026, 2, 12), 7) == D(2026, 2, 28)
    assert due(D(2026, 2, 12), 8) == D(2026, 3, 2)


def test_the_day_of_acceptance_is_not_counted():
    assert due(D(2026, 3, 2), 1) == D(2026, 3, 3)  # Monday → Tuesday
    assert due(D(2026, 3, 6), 1) == D(2026, 3, 9)  # Friday → Monday
    assert due(D(2026, 3, 7), 1) == D(2026, 3, 9)  # accepted on a Saturday: Monday is the first day


def test_zero_working_days_fall_due_on_the_acceptance_day_and_negative_ones_are_refused():
    assert due(D(2026, 3, 2), 0) == D(2026, 3, 2)
    with pytest.raises(ValueError):
        add_working_days(D(2026, 3, 2), -1)


def test_between_counts_the_working_days_after_the_first_date_up_to_the_second():
    assert working_days_between(D(2026, 9, 18), D(2026, 10, 22)) == 20
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert working_days_between(D(2026, 3, 2), D(2026, 3, 2)) == 0


def test_between_is_negative_when_the_second_date_is_earlier():
    assert working_days_between(D(2026, 10, 22), D(2026, 9, 18)) == -20


def test_between_undoes_add_across_holidays_and_years():
    for start in [D(2025, 1, 20) + dt.timedelta(days=i * 11) for i in range(70)]:
        for n in (1, 5, 20, 45):
            assert working_days_between(start, due(start, n)) == n, (start, n)
        # n = 0 is the start itself only on a working day (Civil Code Art. 203, below).
        assert working_days_between(start, due(start, 0)) == (0 if is_working_day(start) else 1), start


@pytest.mark.django_db
@pytest.mark.parametrize(
    "start,expected",
    [
        (D(2025, 1, 31), D(2025, 2, 5)),  # Spring Festival 2025: 28 Jan – 4 Feb off
        (D(2026, 10, 3), D(2026, 10, 8)),  # National Day 2026: 1–7 Oct off
        (D(2026, 10, 10), D(2026, 10, 10)),  # a Saturday made a working day (调休)
        (D(2026, 12, 5), D(2026, 12, 7)),  # an ordinary Saturday
    ],
)
def test_a_period_ending_on_a_rest_day_ends_on_the_next_working_day(start, expected):
    result = add_working_days(start, 0)
    assert result.date == expected
    assert result.nominal == start
    assert result.rolled == (start != expected)
    assert calendar.roll_forward(start) == expected
    with translation.override("en"):
        explained = " ".join(result.derivation)
    assert ("Civil Code Art. 203" in explained) == (start != expected)


def test_the_derivation_names_the_years_holidays_and_make_up_days():
    with translation.override("en"):
        steps = add_working_days(D(2026, 9, 18), 20).derivation
    text = "\n".join(steps)
    assert "day of acceptance is not counted" in steps[0]
    assert "Calendar 2026: official" in text
    assert "2026-10-01 (Thursday): holiday skipped, 国庆节" in text
    assert "2026-09-20 (Sunday): make-up working day counted" in text
    assert steps[-1].startswith("Due on 2026-10-22")


# -- Years without an official arrangement


def test_a_deadline_running_into_2027_is_provisional_and_says_the_year_is_estimated():
    # 1–15 Dec 11–31, Fri Jan 1 2027 元旦 (estimated) off, 16–20 Mon Jan 4–Fri Jan 8.
    result = add_working_days(D(2026, 12, 10), 20)
    assert result.date == D(2027, 1, 8)
    assert result.provisional is True
    with translation.override("en"):
        text = "\n".join(result.derivation)
    assert "Calendar 2027: no official arrangement yet, estimated" in text
    assert "2027-01-01 (Friday): holiday skipped, 元旦 (estimated)" in text


def test_a_deadline_inside_an_official_year_is_not_provisional_even_if_the_next_is_estimated():
    assert add_working_days(D(2026, 12, 1), 5).provisional is False


def test_the_2027_estimate_has_the_statutory_holidays_and_makes_up_those_on_weekends():
    estimate = calendar.estimate_year(2027)
    assert estimate.official is False
    # 春节: 除夕 Fri Feb 5, 初一–初三 Sat 6–Mon 8; Sat and Sun are made up on Tue 9 and Wed 10.
    assert sorted(d for d in estimate.holidays if d.month == 2) == [
        D(2027, 2, 5),
        D(2027, 2, 8),
        D(2027, 2, 9),
        D(2027, 2, 10),
    ]
    assert D(2027, 4, 5) in estimate.holidays  # 清明 (solar term)
    assert D(2027, 6, 9) in estimate.holidays  # 端午, lunar 5/5
    assert D(2027, 9, 15) in estimate.holidays  # 中秋, lunar 8/15
    assert {D(2027, 10, 1), D(2027, 10, 4), D(2027, 10, 5)} <= set(estimate.holidays)
    assert not estimate.workdays


@pytest.mark.parametrize("year", [2025, 2026])
def test_the_estimate_loses_as_many_weekdays_as_the_official_arrangement(year):
    # 调休 only moves days: net weekdays off = the 13 statutory days of the 2025 revision.
    official = calendar.year_calendar(year)
    estimate = calendar.estimate_year(year)
    assert official.official
    assert len(official.holidays) - len(official.workdays) == 13
    assert len(estimate.holidays) - len(estimate.workdays) == 13


def test_every_year_from_2004_to_2026_is_official():
    from dgov.workdays.models import CalendarYear

    assert list(CalendarYear.objects.filter(official=True).values_list("year", flat=True)) == list(range(2004, 2027))


# -- The cache


def test_counting_on_cached_years_touches_no_database(django_assert_num_queries):
    add_working_days(D(2026, 9, 18), 20)
    with django_assert_num_queries(0):
        add_working_days(D(2026, 9, 18), 20)
        working_days_between(D(2026, 1, 1), D(2026, 12, 31))


def test_counting_twenty_days_on_cached_years_takes_microseconds():
    add_working_days(D(2026, 9, 18), 20)
    best = min(timeit.repeat(lambda: add_working_days(D(2026, 9, 18), 20), number=200, repeat=5)) / 200
    assert best < 100e-6, f"{best * 1e6:.1f} µs per call"


def test_a_cached_year_is_reloaded_after_its_ttl():
    now = [0.0]
    loads = []

    def loader(year: int) -> YearCalendar:
        loads.append(year)
        return YearCalendar.build(year, True, "manual", [])

    cal = Calendar(loader=loader, ttl=60, clock=lambda: now[0])
    cal.is_working_day(D(2026, 1, 5))
    now[0] = 59.0
    cal.is_working_day(D(2026, 1, 6))
    assert loads == [2026]
    now[0] = 60.0
    cal.is_working_day(D(2026, 1, 7))
    assert loads == [2026, 2026]
    cal.invalidate([2026])
    cal.is_working_day(D(2026, 1, 7))
    assert loads == [2026, 2026, 2026]
