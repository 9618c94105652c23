import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dgov.audit.models import AuditEntry
from dgov.workdays import actions
from dgov.workdays.calendar import add_working_days
from dgov.workdays.importfile import CalendarFileError
from dgov.workdays.models import CalendarDay, CalendarYear, Deadline, DeadlineChange, Source

pytestmark = pytest.mark.django_db

D = dt.date

CALENDAR_2027 = """\
# 2027 arrangement (a test file, not the real notice)
2027-01-01,holiday,元旦
2027-01-02,holiday,元旦
2027-01-04,holiday,元旦补休

2027-02-05,holiday,春节
2027-02-20,workday,春节调休
"""


def test_a_new_deadline_gets_its_due_date_and_provisional_flag(deadline_for):
    in_2026 = deadline_for(D(2026, 9, 18), 20)
    into_2027 = deadline_for(D(2026, 12, 10), 20)
    assert (in_2026.due_date, in_2026.provisional) == (D(2026, 10, 22), False)
    assert (into_2027.due_date, into_2027.provisional) == (D(2027, 1, 8), True)
    assert Deadline.objects.provisional().get() == into_2027


def test_importing_2027_recomputes_an_open_provisional_deadline_and_logs_it(deadline_for, administrator):
    deadline = deadline_for(D(2026, 12, 10), 20)

    result = actions.do_import_year(CALENDAR_2027, by=administrator)

    assert result.years == [2027]
    assert result.stored == 4  # Jan 2 is a Saturday: listed, not stored
    assert result.skipped == 1
    deadline.refresh_from_db()
    # Jan 1 and Mon Jan 4 off now: 16–20 are Tue Jan 5 – Mon Jan 11.
    assert (deadline.due_date, deadline.provisional) == (D(2027, 1, 11), False)
    change = DeadlineChange.objects.get(deadline=deadline)
    assert (change.old_due, change.new_due) == (D(2027, 1, 8), D(2027, 1, 11))
    assert (change.old_provisional, change.new_provisional) == (True, False)
    assert change.by == administrator
    entry = AuditEntry.objects.get(verb="deadline.recompute")
    assert entry.object_id == str(deadline.pk)
    assert entry.changes["due_date"] == ["2027-01-08", "2027-01-11"]
    assert entry.district_id == deadline.district_id
    year_entry = AuditEntry.objects.get(verb="calendar.import")
    assert year_entry.actor == administrator
    assert "2027-01-04 holiday 元旦补休" in year_entry.changes["added"]


def test_importing_a_year_makes_it_official_and_replaces_its_days(administrator):
    actions.do_import_year(CALENDAR_2027, by=administrator)
    year = CalendarYear.objects.get(year=2027)
    assert year.official and year.source == Source.IMPORTED and year.imported_at
    assert not add_working_days(D(2027, 3, 1), 5).provisional
    assert add_working_days(D(2027, 2, 19), 1).date == D(2027, 2, 20)  # the make-up Saturday

    actions.do_import_year("2027-10-08,holiday,国庆节\n", by=administrator)
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [D(2027, 10, 8)]


def test_an_import_leaves_a_closed_deadline_alone(deadline_for, administrator):
    closed = deadline_for(D(2026, 12, 10), 20)
    assert actions.do_close_deadline(closed)
    actions.do_import_year(CALENDAR_2027, by=administrator)
    closed.refresh_from_db()
    assert (closed.due_date, closed.provisional) == (D(2027, 1, 8), True)
    assert not DeadlineChange.objects.exists()


def test_an_import_leaves_deadlines_of_other_years_alone(deadline_for, administrator):
    deadline_for(D(2026, 9, 18), 20)
    result = actions.do_import_year(CALENDAR_2027, by=administrator)
    assert result.changed == []
    assert not AuditEntry.objects.filter(verb="deadline.recompute").exists()


def test_an_import_that_confirms_the_estimate_still_clears_the_provisional_flag(deadline_for, administrator):
    deadline = deadline_for(D(2026, 12, 10), 20)
    actions.do_import_year("2027-01-01,holiday,元旦\n", by=administrator)
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.provisional) == (D(2027, 1, 8), False)
    change = DeadlineChange.objects.get()
    assert change.old_due == change.new_due


def test_an_import_with_several_bad_lines_reports_all_of_them_and_writes_nothing(deadline_for, administrator):
    deadline_for(D(2026, 12, 10), 20)
    text = "\n".join(
        [
            "2027-01-01,holiday,元旦",  # 1 fine
            "2027-02-30,holiday,春节",  # 2 no such date
            "2027-02-06,holliday,春节",  # 3 unknown kind
            "2027-01-01,holiday,again",  # 4 duplicate of line 1
            "2027-02-08,workday,春节调休",  # 5 a Monday
            "just words",  # 6 no fields
            "# a comment",
            "2027/02/09,holiday,x",  # 8 wrong format
        ]
    )
    with pytest.raises(CalendarFileError) as caught:
        actions.do_import_year(text, by=administrator)
    problems = caught.value.problems
    assert [p.number for p in problems] == [2, 3, 4, 5, 6, 8]
    messages = [str(p) for p in problems]
    assert "Line 2: 2027-02-30 is not a date that exists." in messages
    assert "unknown kind “holliday”" in messages[1]
    assert "already listed on line 1" in messages[2]
    assert "already a working day" in messages[3]
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not CalendarDay.objects.filter(date__year=2027).exists()
    assert not DeadlineChange.objects.exists()
    assert not AuditEntry.objects.filter(verb__startswith="calendar.").exists()


def test_an_empty_file_is_refused():
    with pytest.raises(CalendarFileError):
        actions.do_import_year("# nothing here\n\n")


def test_a_file_with_a_byte_order_mark_and_full_width_commas_imports():
    result = actions.do_import_year("\ufeff2027-01-01，holiday，元旦\n")
    assert result.stored == 1
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).note == "元旦"


def test_an_administrator_makes_a_weekday_a_holiday_and_open_deadlines_move(deadline_for, administrator):
    deadline = deadline_for(D(2026, 9, 18), 20)
    changed = actions.do_set_day(D(2026, 10, 9), "holiday", "test", by=administrator)
    assert changed == [deadline]
    deadline.refresh_from_db()
    assert deadline.due_date == D(2026, 10, 23)
    assert add_working_days(D(2026, 9, 18), 20).date == D(2026, 10, 23)  # this process sees it at once
    entry = AuditEntry.objects.get(verb="calendar.set_day")
    assert entry.changes == {"kind": [None, "holiday"], "note": [None, "test"]}
    assert DeadlineChange.objects.get().new_due == D(2026, 10, 23)


def test_clearing_a_holiday_returns_the_day_to_work(deadline_for, administrator):
    deadline = deadline_for(D(2026, 9, 18), 20)
    actions.do_clear_day(D(2026, 9, 25), by=administrator)  # 中秋, a Friday
    deadline.refresh_from_db()
    assert deadline.due_date == D(2026, 10, 21)
    assert AuditEntry.objects.filter(verb="calendar.clear_day", actor=administrator).exists()


def test_a_day_after_the_due_date_does_not_touch_the_deadline(deadline_for, administrator):
    deadline_for(D(2026, 9, 18), 20)
    assert actions.do_set_day(D(2026, 11, 2), "holiday", by=administrator) == []
    assert not DeadlineChange.objects.exists()


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (D(2026, 10, 17), "holiday", "a rest day already"),
        (D(2026, 10, 16), "workday", "a working day already"),
        (D(2027, 3, 1), "holiday", "no official calendar yet"),
    ],
)
def test_a_single_day_edit_is_refused_when_it_makes_no_sense(day, kind, message, administrator):
    with pytest.raises(ValidationError) as caught:
        actions.do_set_day(day, kind, by=administrator)
    assert message in " ".join(caught.value.messages)
    assert not CalendarDay.objects.filter(date=day, source=Source.MANUAL).exists()


def test_clearing_an_ordinary_day_is_refused(administrator):
    with pytest.raises(ValidationError):
        actions.do_clear_day(D(2026, 10, 16), by=administrator)


def test_an_extension_adds_working_days_and_is_logged(deadline_for, administrator):
    deadline = deadline_for(D(2026, 9, 18), 20)
    actions.do_extend_deadline(deadline, days=10, reason="expert review", by=administrator, today=D(2026, 10, 22))
    deadline.refresh_from_db()
    # 21–25 Fri Oct 23 – Thu Oct 29, 26–30 Fri Oct 30 – Thu Nov 5
    assert (deadline.extra_days, deadline.due_date) == (10, D(2026, 11, 5))
    assert DeadlineChange.objects.get().reason == "expert review"
    assert AuditEntry.objects.filter(verb="deadline.extend").exists()


def test_the_deadline_log_is_append_only(deadline_for, administrator):
    deadline = deadline_for(D(2026, 9, 18), 20)
    actions.do_extend_deadline(deadline, days=1, reason="x", by=administrator, today=D(2026, 9, 18))
    change = DeadlineChange.objects.get()
    with pytest.raises(ValueError):
        change.save()


def test_the_sweep_fixes_a_provisional_deadline_written_from_a_stale_cache(deadline_for, administrator):
    deadline = deadline_for(D(2026, 12, 10), 20)
    actions.do_import_year(CALENDAR_2027, by=administrator)
    # As if another process, still holding the estimate, had written it afterwards.
    Deadline.objects.filter(pk=deadline.pk).update(due_date=D(2027, 1, 8), provisional=True)
    assert actions.recompute_provisional() == [deadline]
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.provisional) == (D(2027, 1, 11), False)
