"""The seeded official years outlive a transactional test's flush: the root conftest seeds
them again, so the tests after it on the same worker count 2025 and 2026 as official."""

import datetime as dt

import pytest

from dgov.workdays.calendar import default_calendar
from dgov.workdays.models import CalendarDay, CalendarYear


@pytest.mark.django_db(transaction=True)
def test_the_years_a_flush_removes_come_back(request):
    import conftest

    CalendarDay.objects.filter(source="library").delete()
    CalendarYear.objects.filter(source="library").delete()
    conftest.restore_official_years()
    assert CalendarYear.objects.filter(year=2025, official=True).exists()
    # 2025-10-08 is the last day of the National Day holiday; 2025-10-11 a make-up Saturday.
    assert not default_calendar.is_working_day(dt.date(2025, 10, 8))
    assert default_calendar.is_working_day(dt.date(2025, 10, 11))


@pytest.mark.django_db(transaction=True)
def test_the_test_after_a_flush_counts_the_official_years():
    # Runs right after the transactional test above: transactional itself, so pytest-django
    # keeps it beside that test (a plain database test is sorted before every transactional
    # one, where it ran before the flush it is about). The flush removed the seeded years,
    # and the root conftest seeded them again after the flush (before, its restore ran ahead
    # of pytest-django's flush and was wiped by it).
    assert CalendarYear.objects.filter(year=2025, official=True, source="library").exists()
    assert default_calendar.is_working_day(dt.date(2025, 10, 11))
