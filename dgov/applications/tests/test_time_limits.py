"""Issue 20: the rules around the counts (Art. 32 notices, Art. 42 extensions, the promise
the competition measures), with dates computed by hand across the 2025 National Day and
the 2026 Spring Festival.

2025 National Day: 1–8 Oct off, Sun 28 Sep and Sat 11 Oct working days.
2026 Spring Festival: 15–23 Feb off, Sat 14 Feb and Sat 28 Feb working days."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.applications import actions
from dgov.applications.models import Application, Channel, Status
from dgov.notifications.models import Notification
from dgov.workdays.lights import Light
from dgov.workdays.models import CountedFrom

pytestmark = pytest.mark.django_db

D = dt.date


def submit_on(clock, day, item, applicant, by, key):
    clock.set(day)
    application, _ = actions.do_submit(
        item=item, applicant=applicant, by=by, channel=Channel.ONLINE, idempotency_key=key
    )
    return application


def supplemented(clock, item, citizen, citizen_applicant, clerk, key="s1"):
    """Received Mon 9 Feb 2026, notice Tue 10 Feb, supplement complete Thu 12 Feb."""
    application = submit_on(clock, D(2026, 2, 9), item, citizen_applicant, citizen, key)
    clock.set(D(2026, 2, 10))
    actions.do_request_supplement(application, by=clerk, problems=[(None, "缺少平面图")])
    clock.set(D(2026, 2, 12))
    actions.do_supplement(application, by=citizen, documents=[])
    application.refresh_from_db()
    return application


def test_after_the_supplement_a_second_notice_needs_its_reason_reaches_the_supervisor_and_a_third_is_refused(
    clock, item, citizen, citizen_applicant, clerk, supervisor
):
    application = supplemented(clock, item, citizen, citizen_applicant, clerk)
    assert application.supplemented_on == D(2026, 2, 12)
    clock.set(D(2026, 2, 24))  # the first working day after the Spring Festival
    with pytest.raises(ValidationError) as no_reason:
        actions.do_request_supplement(application, by=clerk, problems=[(None, "消防意见书")])
    assert no_reason.value.code == "reason"
    assert application.supplement_notices.count() == 1
    notice = actions.do_request_supplement(
        application, by=clerk, problems=[(None, "消防意见书")], reason="平面图显示新增厨房，首次告知时无从得知"
    )
    assert notice.reason == "平面图显示新增厨房，首次告知时无从得知"
    told = Notification.objects.filter(recipient=supervisor, object_id=str(application.pk))
    assert told.count() == 1 and "首次告知时无从得知" in told.get().body
    clock.set(D(2026, 2, 25))
    application.refresh_from_db()
    actions.do_supplement(application, by=citizen, documents=[])
    application.refresh_from_db()
    with pytest.raises(PermissionDenied, match="second notice was already issued"):
        actions.do_request_supplement(application, by=clerk, problems=[(None, "再补")], reason="又发现")
    assert application.supplement_notices.count() == 2


def test_a_second_notice_after_the_five_working_days_from_the_supplement_is_refused(
    clock, item, citizen, citizen_applicant, clerk
):
    application = supplemented(clock, item, citizen, citizen_applicant, clerk)
    # 5 working days after Thu 12 Feb 2026: Fri 13, Sat 14 (make-up), Tue 24, Wed 25, Thu 26 Feb.
    assert application.supplement_notice_due() == D(2026, 2, 26)
    clock.set(D(2026, 2, 27))
    with pytest.raises(PermissionDenied, match="counts as accepted on 2026-02-12"):
        actions.do_request_supplement(application, by=clerk, problems=[(None, "x")], reason="y")


def test_a_supplemented_application_nobody_accepts_is_deemed_accepted_on_the_supplement_day(
    clock, item, citizen, citizen_applicant, clerk
):
    application = supplemented(clock, item, citizen, citizen_applicant, clerk)
    assert actions.deem_accepted(today=D(2026, 2, 26)) == 0  # the 5th working day: the clerk may still act
    assert actions.deem_accepted(today=D(2026, 2, 27)) == 1
    application.refresh_from_db()
    assert (application.status, application.deemed_accepted) == (Status.ACCEPTED, True)
    assert application.accepted_on == D(2026, 2, 12)
    legal = application.legal_deadline
    assert legal.counted_from == CountedFrom.SUPPLEMENTED
    # 20 working days after Thu 12 Feb: 13, 14 (make-up), 24–28 (28 a make-up Saturday) = 7,
    # 2–6 Mar = 12, 9–13 Mar = 17, 16, 17, 18 Mar = 20.
    assert legal.due_date == D(2026, 3, 18)
    # 5 working days: 13, 14, 24, 25, 26 Feb.
    assert application.promised_deadline.due_date == D(2026, 2, 26)
    steps = legal.compute_due().derivation
    assert steps[0].startswith("Supplement complete on 2026-02-12")
    assert "2026-03-18" in steps[-1]


def accepted_on(clock, day, item, citizen, citizen_applicant, clerk, key):
    application = submit_on(clock, day, item, citizen_applicant, citizen, key)
    actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    return application


def test_an_extension_after_the_limit_ended_is_refused_and_the_case_stays_overdue(
    clock, item, citizen, citizen_applicant, clerk, approver
):
    # Accepted Thu 25 Sep 2025. Legal, 20 working days: 26, Sun 28 (make-up), 29, 30 Sep,
    # 9, 10, Sat 11 Oct (make-up) = 7, 13–17 = 12, 20–24 = 17, 27, 28, 29 Oct = 20.
    application = accepted_on(clock, D(2025, 9, 25), item, citizen, citizen_applicant, clerk, "late")
    assert application.legal_deadline.due_date == D(2025, 10, 29)
    clock.set(D(2025, 10, 30))
    with pytest.raises(PermissionDenied, match="ended on 2025-10-29"):
        actions.do_extend(application, by=approver, days=10, reason="需现场核查")
    application.refresh_from_db()
    assert (application.extended_days, application.legal_deadline.due_date) == (0, D(2025, 10, 29))
    assert application.light(application.legal_deadline, D(2025, 10, 30)) == Light.RED


def test_an_extension_on_the_last_day_moves_the_law_s_limit_and_keeps_the_promise_as_made(
    client, clock, item, citizen, citizen_applicant, clerk, approver
):
    application = accepted_on(clock, D(2025, 9, 25), item, citizen, citizen_applicant, clerk, "in-time")
    # Promised, 5 working days: 26, Sun 28, 29, 30 Sep, Thu 9 Oct.
    assert application.promised_deadline.due_date == D(2025, 10, 9)
    clock.set(D(2025, 10, 29))
    actions.do_extend(application, by=approver, days=10, reason="需现场核查")
    application.refresh_from_db()
    legal, promised = application.legal_deadline, application.promised_deadline
    # 10 more working days after 29 Oct: 30, 31 Oct, 3–7 Nov, 10, 11, 12 Nov.
    assert (legal.due_date, legal.base_due_date) == (D(2025, 11, 12), D(2025, 10, 29))
    # The promise had already run out: it stays broken.
    assert (promised.due_date, promised.extra_days) == (D(2025, 10, 9), 0)
    steps = legal.compute_due().derivation
    assert any("Extended by 10 working days" in s for s in steps) and "2025-11-12" in steps[-1]
    client.force_login(approver)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-unextended="legal" data-date="2025-10-29"' in page


def test_an_extension_while_the_promise_runs_keeps_the_unextended_promise_for_the_competition(
    clock, item, citizen, citizen_applicant, clerk, approver
):
    # Accepted Mon 9 Feb 2026. Promised: 10, 11, 12, 13, Sat 14 Feb.
    application = accepted_on(clock, D(2026, 2, 9), item, citizen, citizen_applicant, clerk, "promise")
    assert application.promised_deadline.due_date == D(2026, 2, 14)
    clock.set(D(2026, 2, 13))
    actions.do_extend(application, by=approver, days=3, reason="需现场核查")
    promised = Application.objects.get(pk=application.pk).promised_deadline
    # 3 more after Sat 14 Feb: Tue 24, Wed 25, Thu 26 Feb (15–23 Feb the Spring Festival).
    assert (promised.due_date, promised.base_due_date) == (D(2026, 2, 26), D(2026, 2, 14))


CALENDAR_2027 = """\
# 2027 arrangement (a test file, not the real notice)
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦补休
"""


def test_a_2027_due_date_is_provisional_until_the_notice_is_imported_and_the_page_agrees_with_its_derivation(
    client, clock, item, citizen, citizen_applicant, clerk, administrator
):
    from dgov.workdays import actions as workday_actions
    from dgov.workdays.testing import agrees, shown_due

    application = accepted_on(clock, D(2026, 12, 14), item, citizen, citizen_applicant, clerk, "2027")
    legal, promised = application.legal_deadline, application.promised_deadline
    # Legal, 20 working days after Mon 14 Dec 2026, 2027 estimated (only 1 Jan off):
    # 15–18 Dec = 4, 21–25 = 9, 28–31 = 13, 4–8 Jan = 18, Mon 11, Tue 12 Jan = 20.
    assert (legal.due_date, legal.provisional) == (D(2027, 1, 12), True)
    # Promised, 5: 15–18, Mon 21 Dec, all in the official 2026.
    assert (promised.due_date, promised.provisional) == (D(2026, 12, 21), False)
    client.force_login(clerk)
    url = reverse("applications:case", args=[application.pk])
    page = client.get(url).content.decode()
    before = shown_due(page, 'data-due="legal"'), shown_due(page, 'data-due="promised"')
    assert [(s.date, s.provisional) for s in before] == [("2027-01-12", True), ("2026-12-21", False)]
    assert all(agrees(s) for s in before), before

    workday_actions.do_import_year(CALENDAR_2027, by=administrator)
    legal.refresh_from_db()
    # Official 2027: Mon 4 Jan off too, so 20 falls on Wed 13 Jan.
    assert (legal.due_date, legal.provisional) == (D(2027, 1, 13), False)
    page = client.get(url).content.decode()
    after = shown_due(page, 'data-due="legal"')
    assert (after.date, after.provisional) == ("2027-01-13", False) and agrees(after), after
    assert any("2027-01-04 (Monday): holiday skipped" in step for step in after.steps)


def test_the_acceptance_notice_marks_a_promised_date_counted_on_an_estimated_calendar(
    clock, item, citizen, citizen_applicant, clerk
):
    # Promised 5 working days after Mon 28 Dec 2026: 29–31 Dec, then 2027 (estimated: only
    # 1 Jan off): Mon 4, Tue 5 Jan. The citizen's notice says the date is provisional.
    application = accepted_on(clock, D(2026, 12, 28), item, citizen, citizen_applicant, clerk, "n27")
    assert (application.promised_deadline.due_date, application.promised_deadline.provisional) == (D(2027, 1, 5), True)
    notice = Notification.objects.filter(recipient=citizen, subject__contains="accepted").latest("pk")
    assert "due by 2027-01-05 (provisional)." in notice.body, notice.body
    # One counted on the official 2026 calendar is written bare.
    other = accepted_on(clock, D(2026, 12, 14), item, citizen, citizen_applicant, clerk, "n26")
    assert not other.promised_deadline.provisional
    notice = Notification.objects.filter(recipient=citizen, subject__contains=other.number).latest("pk")
    assert notice.body.endswith("due by 2026-12-21."), notice.body
