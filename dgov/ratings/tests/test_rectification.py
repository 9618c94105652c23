import datetime as dt

import pytest
from django.test import Client

from dgov.audit.models import AuditEntry
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification
from dgov.ratings import actions
from dgov.ratings.models import Appeal, Level, Rating, RatingPolicy, Rectification, Source
from dgov.workdays.calendar import add_working_days
from dgov.workdays.lights import Light
from dgov.workdays.models import Deadline

pytestmark = pytest.mark.django_db
D = dt.date


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def bad(citizen, completed) -> Rectification:
    rating = actions.do_rate(
        completed, level=Level.VERY_DISSATISFIED, comment="窗口推诿", source=Source.PAGE, by=citizen
    )
    return Rectification.objects.select_related("deadline").get(rating=rating)


# The deadline, across a holiday with make-up days ----------------------------------------------


def test_a_bad_rating_on_18_september_2026_is_due_15_working_days_later_on_15_october(citizen, completed):
    # Acceptance day not counted: 1 Sun Sep 20 (make-up) · 2–5 Mon 21–Thu 24 · Fri 25 中秋 off
    # · 6–8 Mon 28–Wed 30 · Oct 1–7 off · 9–10 Thu 8–Fri 9 · 11 Sat 10 (make-up) · 12–15 Mon 12–Thu 15.
    rating = actions.do_rate(completed, level=Level.DISSATISFIED, source=Source.PAGE, by=citizen, today=D(2026, 9, 18))
    deadline = rating.rectification.deadline
    assert (deadline.start_date, deadline.working_days, deadline.due_date) == (D(2026, 9, 18), 15, D(2026, 10, 15))
    assert not deadline.provisional


def test_the_districts_own_deadline_applies_and_a_make_up_saturday_counts(district, citizen, completed):
    RatingPolicy.objects.create(district=district, rectification_days=5)
    # 1 Thu Oct 8 · 2 Fri Oct 9 · 3 Sat Oct 10 (make-up) · 4 Mon 12 · 5 Tue 13
    rating = actions.do_rate(completed, level=Level.DISSATISFIED, source=Source.PAGE, by=citizen, today=D(2026, 9, 30))
    assert rating.rectification.deadline.due_date == D(2026, 10, 13)


def test_a_good_rating_opens_no_rectification(citizen, completed):
    actions.do_rate(completed, level=Level.BASICALLY_SATISFIED, source=Source.PAGE, by=citizen)
    assert not Rectification.objects.exists()


# Call-back, fix, reply -------------------------------------------------------------------------


def test_the_supervisor_calls_back_fixes_and_replies_and_each_step_is_audited(bad, supervisor, citizen):
    client = logged_in(supervisor)
    url = f"/ratings/rectifications/{bad.pk}/"
    assert client.post(url + "reply/", {"reply-reply": "已整改"}).status_code == 403  # not before the call-back
    assert client.post(url + "callback/", {"callback-note": ""}).status_code == 400
    assert client.post(url + "callback/", {"callback-note": "已回访，申请人反映窗口推诿"}).status_code == 302
    assert client.post(url + "callback/", {"callback-note": "again"}).status_code == 409
    assert client.post(url + "fix/", {"fix-fix": "对窗口人员批评教育，实行首问负责制"}).status_code == 302
    assert client.post(url + "fix/", {"fix-fix": "a second fix overwriting the first"}).status_code == 409
    assert client.post(url + "reply/", {"reply-reply": "感谢监督，已整改"}).status_code == 302

    bad.refresh_from_db()
    assert bad.status == Rectification.Status.CLOSED
    assert bad.closed_on == clock.today()
    assert Deadline.objects.get(pk=bad.deadline_id).closed_at is not None
    assert bad.light(clock.today()) == Light.GREEN
    verbs = set(AuditEntry.objects.filter(actor=supervisor).values_list("verb", flat=True))
    assert {"rectification.callback", "rectification.fix", "rectification.close"} <= verbs
    assert Notification.objects.filter(recipient=citizen, body="感谢监督，已整改").exists()
    page = client.get(url)
    assert b"data-submit=" not in page.content


def test_a_unit_head_sees_the_rectification_but_cannot_handle_it(bad, unit_head):
    client = logged_in(unit_head)
    assert client.get(f"/ratings/rectifications/{bad.pk}/").status_code == 200
    assert client.post(f"/ratings/rectifications/{bad.pk}/callback/", {"callback-note": "x"}).status_code == 403
    bad.refresh_from_db()
    assert bad.called_back_on is None


def test_another_districts_supervisor_cannot_find_the_rectification(bad, make_staff, other_district):
    outsider = make_staff("centre_supervisor", "outsider", department=None, in_district=other_district)
    assert logged_in(outsider).get(f"/ratings/rectifications/{bad.pk}/").status_code == 404


def test_the_list_shows_red_yellow_and_green_like_every_other_deadline(bad, supervisor, citizen, finish):
    today = clock.today()
    others = []
    for key in ("k2", "k3"):
        rating = actions.do_rate(finish(key), level=Level.DISSATISFIED, source=Source.PAGE, by=citizen)
        others.append(rating.rectification)
    due = {
        bad: today - dt.timedelta(days=1),
        others[0]: add_working_days(today, 1).date,
        others[1]: add_working_days(today, 10).date,
    }
    for r, date in due.items():
        Deadline.objects.filter(pk=r.deadline_id).update(due_date=date)
    page = logged_in(supervisor).get("/ratings/rectifications/").content.decode()
    for r, colour in zip(due, ("red", "yellow", "green"), strict=True):
        row = page.split(f'data-rectification="{r.pk}"')[1].split("</tr>")[0]
        assert f'data-value="{colour}"' in row


# Appeals ------------------------------------------------------------------------------------------


def test_an_upheld_appeal_excludes_the_rating_and_withdraws_the_rectification(bad, unit_head, supervisor):
    url = f"/ratings/rectifications/{bad.pk}/"
    head = logged_in(unit_head)
    assert head.post(url + "appeal/", {"appeal-ground": "malicious", "appeal-reason": ""}).status_code == 400
    filed = head.post(url + "appeal/", {"appeal-ground": "malicious", "appeal-reason": "申请人系同行恶意差评"})
    assert filed.status_code == 302
    assert head.post(url + "decide/", {"decide-outcome": "uphold", "decide-decision": "x"}).status_code == 403

    decided = logged_in(supervisor).post(
        url + "decide/", {"decide-outcome": "uphold", "decide-decision": "经核实，该评价与办件无关"}
    )
    assert decided.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.status == Appeal.Status.UPHELD and appeal.decided_by == supervisor
    assert Rating.objects.get().excluded
    assert Rating.objects.counted().count() == 0
    bad.refresh_from_db()
    assert bad.status == Rectification.Status.WITHDRAWN
    assert bad.fix == "" or "overwriting" not in bad.fix
    assert AuditEntry.objects.filter(verb="rating.appeal_decide", actor=supervisor).exists()
    assert AuditEntry.objects.filter(verb="rectification.withdraw", actor=supervisor, object_id=str(bad.pk)).exists()
    assert AuditEntry.objects.filter(verb="rating.appeal", actor=unit_head).exists()


def test_a_rejected_appeal_leaves_the_rating_counted(bad, unit_head, supervisor):
    appeal = actions.do_file_appeal(bad.rating, by=unit_head, ground=Appeal.Ground.MISTAKEN, reason="误评")
    actions.do_decide_appeal(appeal, by=supervisor, uphold=False, decision="评价属实")
    assert not Rating.objects.get().excluded
    with pytest.raises(Conflict):
        actions.do_decide_appeal(appeal, by=supervisor, uphold=True, decision="改判")
    with pytest.raises(Conflict):
        actions.do_file_appeal(bad.rating, by=unit_head, ground=Appeal.Ground.MISTAKEN, reason="再次申诉")


def test_only_the_rated_department_may_appeal(bad, make_staff):
    other = make_staff("unit_head", "otherhead", department="ZWFW")
    assert logged_in(other).post(
        f"/ratings/rectifications/{bad.pk}/appeal/", {"appeal-ground": "mistaken", "appeal-reason": "x"}
    ).status_code in (403, 404)
    assert not Appeal.objects.exists()


# The public page ------------------------------------------------------------------------------------


def test_the_public_page_shows_results_and_rectifications_without_personal_data(bad, finish, citizen):
    actions.do_rate(finish("k2"), level=Level.VERY_SATISFIED, source=Source.PAGE, by=citizen)
    page = Client().get("/ratings/public/")
    assert page.status_code == 200
    html = page.content.decode()
    row = html.split('data-results="department"')[1].split("</table>")[0]
    assert "宽城区市场监督管理局" in row and "50.0%" in row
    assert "data-public-rectifications" in html and 'data-status="open"' in html
    for personal in ("李华", "13812345678", "11010519491231002X", "窗口推诿", bad.rating.application.number):
        assert personal not in html


def test_the_list_costs_the_same_few_queries_for_one_row_or_many(bad, supervisor, citizen, finish):
    client = logged_in(supervisor)
    client.get("/ratings/rectifications/")  # warm the session and the calendar cache

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/ratings/rectifications/").status_code == 200
        return len(queries)

    one = count()
    for key in ("k2", "k3", "k4"):
        actions.do_rate(finish(key), level=Level.DISSATISFIED, source=Source.PAGE, by=citizen)
    assert count() == one
