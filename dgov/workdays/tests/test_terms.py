"""Issue 20: the rules around the count, in the one deadline mechanism — Art. 203 for
periods ending on a rest day, clock stops (overlaps once, followers stop too), extensions
only while the limit runs, and a derivation that agrees with its date for every kind.

2025 National Day: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct worked.
2026 Spring Festival: 15–23 Feb off, Sat 14 and Sat 28 Feb worked."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from dgov.workdays import actions
from dgov.workdays.calendar import add_natural_days, add_working_days, carry
from dgov.workdays.models import CountedFrom, Deadline

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_zero_day_item_deemed_accepted_on_a_holiday_is_due_on_the_next_working_day():
    # Received Sat 4 Oct 2025 (National Day): due Thu 9 Oct, not on the holiday.
    due = add_working_days(D(2025, 10, 4), 0, CountedFrom.RECEIVED)
    assert due.date == D(2025, 10, 9)
    assert "2025-10-09" in due.derivation[-1]


def test_natural_day_periods_end_on_the_next_working_day():
    # 7 natural days after Sat 14 Feb 2026 (a make-up working day): Sat 21 Feb, Spring Festival → Tue 24 Feb.
    assert add_natural_days(D(2026, 2, 14), 7).date == D(2026, 2, 24)
    # 7 natural days after Sat 21 Feb: Sat 28 Feb, itself a make-up working day.
    assert add_natural_days(D(2026, 2, 21), 7).date == D(2026, 2, 28)
    # A date set on Sun 5 Oct 2025 carries to Thu 9 Oct; one set on Sun 28 Sep (worked) stays.
    assert (carry(D(2025, 10, 5)).date, carry(D(2025, 9, 28)).date) == (D(2025, 10, 9), D(2025, 9, 28))


def test_overlapping_stops_count_once_and_a_follower_stops_with_its_leader(district):
    # 20 working days from Mon 9 Feb 2026: 10–14 (14 worked) = 5, 24–28 = 10, 2–6 Mar = 15, 9–13 Mar = 20.
    leader = actions.do_create_deadline(district=district, label="part", start_date=D(2026, 2, 9), working_days=20)
    follower = actions.do_create_deadline(
        district=district, label="joint", start_date=D(2026, 2, 9), working_days=30, follows=[leader]
    )
    assert leader.due_date == D(2026, 3, 13)
    actions.do_stop_deadlines([leader], key="a", reason="检验", on=D(2026, 2, 11))
    actions.do_stop_deadlines([leader], key="b", reason="专家评审", on=D(2026, 2, 12))
    follower.refresh_from_db()
    assert follower.stopped_since == D(2026, 2, 11)
    actions.do_resume_deadlines("a", on=D(2026, 2, 24))  # (11, 24 Feb]: 12, 13, 14, 24 = 4
    actions.do_resume_deadlines("b", on=D(2026, 2, 25))  # (12, 25 Feb]: adds only 25 Feb
    leader.refresh_from_db()
    follower.refresh_from_db()
    assert (leader.stopped_days, leader.stopped_since) == (5, None)
    assert follower.stopped_days == 5
    # 13 Mar + 5 working days: 16–20 Mar.
    assert leader.due_date == D(2026, 3, 20)
    steps = leader.compute_due().derivation
    assert any("overlap are counted once" in s for s in steps) and "2026-03-20" in steps[-1]


def test_an_extension_after_the_end_is_refused_and_on_a_stopped_clock_allowed(district, administrator):
    deadline = actions.do_create_deadline(district=district, label="x", start_date=D(2025, 9, 25), working_days=5)
    assert deadline.due_date == D(2025, 10, 9)  # 26, Sun 28, 29, 30 Sep, Thu 9 Oct
    with pytest.raises(PermissionDenied, match="ended on 2025-10-09"):
        actions.do_extend_deadline(deadline, days=3, reason="r", by=administrator, today=D(2025, 10, 10))
    actions.do_stop_deadlines([deadline], key="s", reason="听证", on=D(2025, 10, 9))
    deadline.refresh_from_db()
    # Stopped on its last day: the stopped clock runs out no time, an extension is still in time.
    actions.do_extend_deadline(deadline, days=3, reason="r", by=administrator, today=D(2025, 10, 20))
    assert Deadline.objects.get(pk=deadline.pk).extra_days == 3


@pytest.mark.parametrize("kind", [k for k, _label in CountedFrom.choices])
def test_every_kinds_derivation_names_its_start_and_ends_on_its_date(district, kind):
    deadline = actions.do_create_deadline(
        district=district, label=kind, start_date=D(2026, 9, 30), working_days=10, counted_from=kind
    )
    actions.do_stop_deadlines([deadline], key="k", reason="鉴定", on=D(2026, 10, 9))
    actions.do_resume_deadlines("k", on=D(2026, 10, 13))  # 10 (make-up), 12, 13 Oct = 3
    deadline.refresh_from_db()
    due = deadline.compute_due()
    assert due.date == deadline.due_date
    steps = due.derivation
    assert "2026-09-30" in steps[0]
    assert deadline.due_date.isoformat() in steps[-1]
    assert any("In all: 13 working days" in s for s in steps)
