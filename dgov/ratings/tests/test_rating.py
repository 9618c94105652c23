import datetime as dt
import json

import pytest
from django.core import signing
from django.test import Client

from dgov.accounts.models import Applicant, User
from dgov.applications import actions as application_actions
from dgov.audit.models import AuditEntry
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.ratings import actions
from dgov.ratings.models import Level, Rating, RatingPolicy, Rectification, Source, rating_window

pytestmark = pytest.mark.django_db
D = dt.date


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rate(client: Client, url: str, level: int, comment: str = ""):
    return client.post(url, {"level": str(level), "comment": comment})


# Rating on the pages -------------------------------------------------------------------------


def test_the_applicant_rates_a_completed_case_and_a_second_rating_is_refused(citizen, completed):
    client = logged_in(citizen)
    url = f"/ratings/case/{completed.pk}/"
    assert client.get(url).status_code == 200
    response = rate(client, url, Level.VERY_SATISFIED, "很方便")
    assert response.status_code == 200
    assert b"data-thanks" in response.content
    rating = Rating.objects.get()
    assert (rating.level, rating.comment, rating.source, rating.rated_by) == (5, "很方便", Source.PAGE, citizen)
    assert rating.department_id == completed.department_id

    again = rate(client, url, Level.VERY_DISSATISFIED)
    assert again.status_code == 409
    assert Rating.objects.get().level == Level.VERY_SATISFIED
    assert not Rectification.objects.exists()


def test_the_database_refuses_a_second_rating_even_when_two_arrive_together(citizen, completed):
    # The predicate looks first (a second rating is a repeated act: 409), but the partial
    # unique index is what keeps one rating when two requests race past that check
    # (test_concurrency).
    actions.do_rate(completed, level=Level.SATISFIED, source=Source.PAGE, by=citizen)
    with pytest.raises(Conflict):
        actions.do_rate(completed, level=Level.DISSATISFIED, source=Source.API, by=citizen)
    assert Rating.objects.count() == 1
    assert not Rectification.objects.exists()


def test_nobody_but_the_applicant_may_rate(district, completed, clerk):
    stranger = User.objects.create_user("stranger", password="x-Stranger-1", kind=User.Kind.CITIZEN)
    Applicant.objects.create(district=district, user=stranger, kind=Applicant.Kind.CITIZEN, name="路人")
    for user in (stranger, clerk):
        response = rate(logged_in(user), f"/ratings/case/{completed.pk}/", Level.VERY_DISSATISFIED)
        assert response.status_code == 404
    assert not Rating.objects.exists()
    with pytest.raises(Exception, match="Only the applicant"):
        actions.do_rate(completed, level=1, source=Source.PAGE, by=clerk)


def test_an_unfinished_case_cannot_be_rated_yet(citizen, finish):
    application = finish(complete=False)
    response = rate(logged_in(citizen), f"/ratings/case/{application.pk}/", Level.SATISFIED)
    assert response.status_code == 403
    assert b"data-not-rateable" in response.content
    assert not Rating.objects.exists()


def test_a_bad_input_is_a_form_error_not_a_rating(citizen, completed):
    response = rate(logged_in(citizen), f"/ratings/case/{completed.pk}/", 9)
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_each_visit_is_rated_once_besides_the_case(citizen, completed, clerk):
    visit = application_actions.do_check_in(completed, by=clerk)
    client = logged_in(citizen)
    assert rate(client, f"/ratings/visit/{visit.pk}/", Level.SATISFIED).status_code == 200
    assert rate(client, f"/ratings/visit/{visit.pk}/", Level.SATISFIED).status_code == 409
    assert rate(client, f"/ratings/case/{completed.pk}/", Level.VERY_SATISFIED).status_code == 200
    assert sorted(Rating.objects.values_list("visit_id", flat=True), key=str) == sorted([visit.pk, None], key=str)
    mine = client.get("/ratings/mine/")
    assert mine.status_code == 200
    assert b"data-rate-case" not in mine.content and b"data-rate-visit" not in mine.content


# At the window: QR code and the signed link ---------------------------------------------------


def test_the_clerk_hands_over_a_qr_code_and_the_applicant_rates_without_logging_in(citizen, completed, clerk):
    page = logged_in(clerk).get(f"/ratings/handover/case/{completed.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "data-qr" in html
    link = html.split("data-rating-link")[0].rsplit('href="', 1)[1].split('"')[0]
    assert "/ratings/r/" in link

    phone = Client()
    assert phone.get(link).status_code == 200
    assert rate(phone, link, Level.DISSATISFIED, "排队太久").status_code == 200
    rating = Rating.objects.get()
    assert (rating.source, rating.rated_by, rating.level) == (Source.WINDOW, citizen, Level.DISSATISFIED)
    assert Rectification.objects.filter(rating=rating, status=Rectification.Status.OPEN).exists()
    assert rate(phone, link, Level.SATISFIED).status_code == 409


def test_a_forged_or_expired_window_link_is_refused(completed, settings):
    token = actions.window_token(completed)
    assert Client().get(f"/ratings/r/{token}x/").status_code == 400
    forged = signing.dumps({"a": completed.pk, "v": 0}, salt="another purpose")
    assert Client().get(f"/ratings/r/{forged}/").status_code == 400
    settings.RATING_LINK_MINUTES = -1
    response = rate(Client(), f"/ratings/r/{token}/", Level.SATISFIED)
    assert response.status_code == 400
    assert b"data-link-error" in response.content
    assert not Rating.objects.exists()


def test_only_staff_who_accept_at_a_window_open_the_hand_over_page(completed, approver, citizen):
    assert logged_in(approver).get(f"/ratings/handover/case/{completed.pk}/").status_code == 403
    assert logged_in(citizen).get(f"/ratings/handover/case/{completed.pk}/").status_code == 403


# In the API ---------------------------------------------------------------------------------------


@pytest.fixture
def bearer():
    from dgov.api.actions import do_create_api_token

    def make(user) -> dict[str, str]:
        _token, secret = do_create_api_token(user, f"{user.username} system")
        return {"Authorization": f"Bearer {secret}"}

    return make


def test_the_api_rates_a_case_once_with_the_applicants_token(client, citizen, completed, clerk, bearer):
    url = f"/api/v1/ratings/cases/{completed.number}"
    body = json.dumps({"level": 1, "comment": "态度差"})
    response = client.post(url, body, content_type="application/json", headers=bearer(citizen))
    assert response.status_code == 201, response.content
    assert response.json()["level"] == 1
    assert response.json()["rectification_due"] is not None
    again = client.post(url, body, content_type="application/json", headers=bearer(citizen))
    assert again.status_code == 409
    assert client.post(url, body, content_type="application/json", headers=bearer(clerk)).status_code == 404
    assert client.post(url, body, content_type="application/json").status_code == 401
    listed = client.get(url, headers=bearer(citizen))
    assert [r["source"] for r in listed.json()] == ["api"]
    assert Rating.objects.count() == 1


def test_the_api_refuses_a_level_outside_the_five(client, citizen, completed, bearer):
    url = f"/api/v1/ratings/cases/{completed.number}"
    response = client.post(url, json.dumps({"level": 6}), content_type="application/json", headers=bearer(citizen))
    assert response.status_code in (400, 422)
    assert not Rating.objects.exists()


# Deemed ratings ------------------------------------------------------------------------------------


def test_a_case_unrated_for_7_days_counts_as_basically_satisfied_once(district, completed, finish):
    # The day after the window ended, whatever weekday the case was completed on (a
    # window ending on a rest day runs to the next working day).
    today = rating_window(completed.completed_on).date + dt.timedelta(days=1)
    recent = finish("k2")
    type(recent).objects.filter(pk=recent.pk).update(completed_on=today - dt.timedelta(days=6))
    assert actions.deem_ratings(today) == 0  # the policy is off by default
    RatingPolicy.objects.create(district=district, deem_unrated=True)
    assert actions.deem_ratings(today) == 1
    assert actions.deem_ratings(today) == 0
    rating = Rating.objects.get()
    assert (rating.application, rating.level, rating.source) == (completed, Level.BASICALLY_SATISFIED, Source.DEEMED)
    # Deemed the day after the window (7 natural days, carried past a rest day) ended.
    assert rating.rated_on == rating_window(completed.completed_on).date + dt.timedelta(days=1)


def test_a_rated_case_is_not_deemed(district, citizen, completed):
    RatingPolicy.objects.create(district=district, deem_unrated=True)
    actions.do_rate(completed, level=Level.VERY_SATISFIED, source=Source.PAGE, by=citizen)
    assert actions.deem_ratings(completed.completed_on + dt.timedelta(days=30)) == 0
    assert Rating.objects.get().level == Level.VERY_SATISFIED


# Policy -------------------------------------------------------------------------------------------


def test_the_administrator_sets_the_rectification_days_and_the_change_is_audited(district, administrator, citizen):
    client = logged_in(administrator)
    assert client.post("/ratings/policy/", {"rectification_days": "0"}).status_code == 400
    assert not RatingPolicy.objects.exists()
    assert client.post("/ratings/policy/", {"rectification_days": "5", "deem_unrated": "on"}).status_code == 302
    policy = RatingPolicy.objects.get(district=district)
    assert (policy.rectification_days, policy.deem_unrated) == (5, True)
    assert AuditEntry.objects.filter(verb="rating.policy", actor=administrator).exists()
    assert logged_in(citizen).get("/ratings/policy/").status_code == 403


def test_the_api_rates_a_visit_of_the_case_but_not_a_visit_of_another(
    client, citizen, completed, finish, clerk, bearer
):
    visit = application_actions.do_check_in(completed, by=clerk)
    elsewhere = application_actions.do_check_in(finish("k2"), by=clerk)
    url = f"/api/v1/ratings/cases/{completed.number}"
    headers = bearer(citizen)
    wrong = client.post(
        url, json.dumps({"level": 4, "visit": elsewhere.pk}), content_type="application/json", headers=headers
    )
    assert wrong.status_code == 404
    right = client.post(
        url, json.dumps({"level": 4, "visit": visit.pk}), content_type="application/json", headers=headers
    )
    assert right.status_code == 201 and right.json()["visit"] == visit.pk
    assert Rating.objects.get().visit == visit


def test_the_case_page_offers_the_applicant_a_rating_and_the_clerk_a_handover(citizen, completed, clerk):
    from django.urls import reverse

    case = reverse("applications:case", args=[completed.pk])
    assert reverse("ratings:rate_case", args=[completed.pk]) in logged_in(citizen).get(case).content.decode()
    assert reverse("ratings:handover_case", args=[completed.pk]) in logged_in(clerk).get(case).content.decode()


def test_the_job_runner_deems_unrated_cases_on_its_deadline_sweep(district, completed):

    from dgov.applications.models import Application
    from dgov.portal.management.commands.run_jobs import run_pass

    RatingPolicy.objects.create(district=district, deem_unrated=True)
    # Completed 20 days ago: its window (7 days, carried past rest days and holidays) has
    # ended whatever today's weekday is (8 days ago failed on Mondays).
    Application.objects.filter(pk=completed.pk).update(completed_on=clock.today() - dt.timedelta(days=20))

    assert run_pass(sweep_deadlines=True)["ratings_deemed"] == 1
    assert Rating.objects.get(application=completed).source == Source.DEEMED


def test_the_case_page_offers_the_rating_only_once_the_case_is_finished(finish, citizen, client):
    from django.urls import reverse

    client.force_login(citizen)
    open_case, done_case = finish("open", complete=False), finish("done")
    assert "data-rate-link" not in client.get(reverse("applications:case", args=[open_case.pk])).content.decode()
    assert "data-rate-link" in client.get(reverse("applications:case", args=[done_case.pk])).content.decode()
