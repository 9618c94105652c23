"""The lateness stored with each decision (decision 0033) against the way it was computed
before, from the deadlines: across a holiday, a clock stop and an extension, the stored
working days, the drill-downs and the on-time figures agree."""

import datetime as dt

import pytest
from django.db.models import F

from dgov.applications import actions
from dgov.applications.lateness import days_late
from dgov.applications.models import Application
from dgov.cockpit import figures
from dgov.cockpit.figures import Period
from dgov.cockpit.tests.conftest import refresh
from dgov.workdays.calendar import add_working_days, working_days_between

pytestmark = pytest.mark.django_db

D = dt.date


def test_the_stored_lateness_agrees_with_the_deadlines_it_was_computed_from(district, items, walk):
    one = items["one"]  # legal 20, promised 5 working days
    cases = {
        # Labour day: 1–5 May 2026 off, Saturday 9 May worked; promised due on 9 May.
        "holiday": walk(one, on=D(2026, 4, 29), steps=["accept", "review", ("approve", 9)]),
        "holiday_late": walk(one, on=D(2026, 4, 29), steps=["accept", "review", ("approve", 12)]),
        "stopped": walk(one, on=D(2026, 4, 6), steps=["accept", ("stop", 1), ("resume", 3), "review", ("approve", 4)]),
        "extended": walk(one, on=D(2026, 4, 6), steps=["accept", ("extend", 1), "review", ("approve", 8)]),
        "very_late": walk(one, on=D(2026, 3, 2), steps=["accept", ("review", 40), "approve"]),
        "open": walk(one, on=D(2026, 4, 6), steps=["accept"]),
    }
    decided = Application.objects.filter(decided_on__isnull=False).select_related("legal_deadline", "promised_deadline")
    for case in decided:
        for late, deadline in (
            (case.late_legal_days, case.legal_deadline),
            (case.late_promised_days, case.promised_deadline),
        ):
            assert (late > 0) == (case.decided_on > deadline.due_date), case
            assert late == (max(working_days_between(deadline.due_date, case.decided_on), 1) if late else 0)
    late = {name: (c.late_legal_days, c.late_promised_days) for name, c in cases.items()}
    assert late["holiday"] == (0, 0)  # 9 days after acceptance, 5 working days
    assert late["holiday_late"] == (0, 1)  # Monday 11 May: one working day after Saturday 9 May
    assert late["very_late"][0] > 0 and late["very_late"][1] > late["very_late"][0]
    assert late["open"] == (None, None)
    for name in ("stopped", "extended"):  # after 5 working days from acceptance, on time all the same
        case = cases[name]
        assert case.decided_on > add_working_days(case.accepted_on, 5).date and late[name] == (0, 0), name

    # The drill-downs from the stored value list the cases the join to the deadlines found.
    before = {
        "late_legal": Application.objects.filter(decided_on__gt=F("legal_deadline__due_date")),
        "on_time_legal": Application.objects.filter(decided_on__lte=F("legal_deadline__due_date")),
        "late_promised": Application.objects.filter(decided_on__gt=F("promised_deadline__due_date")),
        "on_time_promised": Application.objects.filter(decided_on__lte=F("promised_deadline__due_date")),
    }
    for measure, old in before.items():
        now = figures.cases_behind(measure, district.pk, D(2026, 3, 1), D(2026, 5, 31))
        assert set(now) == set(old.filter(decided_on__range=(D(2026, 3, 1), D(2026, 5, 31)))), measure
    assert {c.pk for c in figures.cases_behind("late_promised", district.pk, D(2026, 3, 1), D(2026, 5, 31))} == {
        cases["holiday_late"].pk,
        cases["very_late"].pk,
    }
    # The on-time figures, from the summary and from the cases, count what the deadlines say.
    refresh()
    period = Period(D(2026, 3, 1), D(2026, 5, 1))
    total = figures.summed(district.pk, period)[None]
    assert total == figures.recount(district.pk, period)[None]
    assert (total.decided, total.on_time_promised, total.on_time_legal) == (5, 3, 4)
    assert days_late(D(2026, 5, 10), D(2026, 5, 9)) == 1  # a decision on a rest day after the due date is late


def test_a_due_date_moved_between_the_read_and_the_decision_is_read_again(items, walk, approver, clock, monkeypatch):
    """The due dates are read before the decision's UPDATE; one moved in between (an
    extension committed just before) is read again after it and the lateness set again."""
    case = walk(items["one"], on=D(2026, 4, 29), steps=["accept", "review"])
    real = actions._due_dates
    reads = []

    def stale_first(application, **how):
        dues = real(application, **how)
        reads.append(dues)
        if len(reads) == 1:  # as read before an extension moved the promised date
            return {**dues, application.promised_deadline_id: D(2026, 5, 6)}
        return dues

    monkeypatch.setattr(actions, "_due_dates", stale_first)
    clock.set(D(2026, 5, 8))  # late against 6 May, on time against the real 9 May
    actions.do_decide(case, by=approver, approve=True)
    assert len(reads) == 2
    case.refresh_from_db()
    assert (case.late_legal_days, case.late_promised_days) == (0, 0)
