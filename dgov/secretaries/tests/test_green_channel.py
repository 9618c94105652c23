"""The green channel for major projects (重大项目绿色通道 · 领办制) and its report on the
ordinary queue."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from dgov.applications import actions as application_actions
from dgov.applications.models import Application, Channel
from dgov.audit.models import AuditEntry
from dgov.investment.models import Project
from dgov.lib import clock
from dgov.secretaries import actions, reports
from dgov.secretaries.models import GreenChannelCase
from dgov.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db

TODAY = clock.today()


@pytest.fixture
def supervisor(make_staff):
    return make_staff("centre_supervisor", "supervisor", department="ZWFW")


def accepted(item, applicant, clerk, key):
    application, _ = application_actions.do_submit(
        item=item, applicant=applicant, by=clerk, channel=Channel.WINDOW, idempotency_key=key
    )
    application_actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    return application


def test_a_key_projects_application_enters_with_a_lead_official_and_a_shortened_limit(
    item, enterprise_applicant, clerk, project, leader, supervisor
):
    application = accepted(item, enterprise_applicant, clerk, "g1")
    case = actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="重大项目领办", by=supervisor
    )
    assert case.promised_days == 5  # half of the item's 10 working days
    assert case.deadline.due_date == add_working_days(application.accepted_on, 5).date
    assert case.deadline.due_date < application.promised_deadline.due_date
    assert AuditEntry.objects.filter(verb="secretaries.green_channel.enter", object_id=str(case.pk)).exists()
    with pytest.raises(ValidationError):
        actions.do_enter_green_channel(
            application, project=project, lead_official=leader, reason="again", by=supervisor
        )
    assert GreenChannelCase.objects.count() == 1


def test_it_refuses_ordinary_projects_longer_limits_and_people_without_the_power(
    district, item, enterprise_applicant, clerk, project, leader, supervisor
):
    application = accepted(item, enterprise_applicant, clerk, "g2")
    ordinary = Project.objects.create(district=district, name="普通项目", investor="某公司")
    with pytest.raises(ValidationError):
        actions.do_enter_green_channel(application, project=ordinary, lead_official=leader, reason="x", by=supervisor)
    with pytest.raises(ValidationError):
        actions.do_enter_green_channel(
            application, project=project, lead_official=leader, reason="x", by=supervisor, days=6
        )
    with pytest.raises(PermissionDenied):
        actions.do_enter_green_channel(application, project=project, lead_official=leader, reason="x", by=clerk)
    assert not GreenChannelCase.objects.exists()


def test_the_tracking_card_shows_the_lead_official_and_both_due_dates(
    client, item, enterprise_applicant, clerk, project, leader, supervisor
):
    client.force_login(supervisor)
    application = accepted(item, enterprise_applicant, clerk, "g3")
    response = client.post(
        reverse("secretaries:green_new"),
        {"number": application.number, "project": project.pk, "lead_official": leader.pk, "days": 3, "reason": "领办"},
    )
    assert response.status_code == 302
    case = GreenChannelCase.objects.get()
    page = client.get(reverse("secretaries:green_case", args=[case.pk])).content.decode()
    assert f'data-green-due="{add_working_days(application.accepted_on, 3).date.isoformat()}"' in page
    assert str(leader) in page
    assert application.promised_deadline.due_date.isoformat() in page


def test_a_wrong_number_is_a_400_and_writes_nothing(client, project, leader, supervisor):
    client.force_login(supervisor)
    response = client.post(
        reverse("secretaries:green_new"),
        {"number": "NOPE", "project": project.pk, "lead_official": leader.pk, "reason": "x"},
    )
    assert response.status_code == 400
    assert not GreenChannelCase.objects.exists()


def test_the_report_compares_ordinary_waits_in_weeks_with_and_without_green_load(
    item, enterprise_applicant, clerk, project, leader, supervisor, district
):
    week1, week2 = dt.date(2025, 6, 9), dt.date(2025, 6, 16)  # two Mondays
    waits = {
        "o1": (week1 - dt.timedelta(days=7), week1 + dt.timedelta(days=2)),  # 7 working days
        "o2": (week2 - dt.timedelta(days=14), week2 + dt.timedelta(days=2)),
    }  # 12 working days
    for key, (accepted_on, decided_on) in waits.items():
        application = accepted(item, enterprise_applicant, clerk, key)
        Application.objects.filter(pk=application.pk).update(accepted_on=accepted_on, decided_on=decided_on)
    fast = accepted(item, enterprise_applicant, clerk, "fast")
    case = actions.do_enter_green_channel(fast, project=project, lead_official=leader, reason="x", by=supervisor)
    GreenChannelCase.objects.filter(pk=case.pk).update(entered_on=week2)
    Application.objects.filter(pk=fast.pk).update(accepted_on=week2, decided_on=week2 + dt.timedelta(days=1))

    report = reports.queue_impact(district.pk, week1, week2 + dt.timedelta(days=6))
    assert [(w.monday, w.waits, w.green_load) for w in report["weeks"]] == [(week1, [7], 0), (week2, [12], 1)]
    assert (report["loaded"].mean, report["quiet"].mean, report["difference"]) == (12, 7, 5)


def test_the_report_page_and_its_export(client, supervisor):
    client.force_login(supervisor)
    url = reverse("secretaries:green_report")
    assert client.get(url).status_code == 200
    assert client.get(url, {"start": "2025-06-30", "end": "2025-06-01"}).status_code == 400
    response = client.get(url, {"start": "2025-06-02", "end": "2025-06-29", "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 4  # a header and four weeks


def test_a_case_entered_before_acceptance_gets_its_due_date_once_accepted(
    item, enterprise_applicant, clerk, project, leader, supervisor
):
    from django.core.management import call_command

    application, _ = application_actions.do_submit(
        item=item, applicant=enterprise_applicant, by=clerk, channel=Channel.WINDOW, idempotency_key="early"
    )
    case = actions.do_enter_green_channel(application, project=project, lead_official=leader, reason="x", by=supervisor)
    assert case.deadline is None
    application_actions.do_accept(application, by=clerk)
    case.refresh_from_db()
    application.refresh_from_db()
    # Started in the acceptance's transaction (``signals.application_moved``) …
    assert case.deadline.due_date == add_working_days(application.accepted_on, 5).date
    # … and the job, a safety net, finds nothing left to start.
    out = io.StringIO()
    call_command("refresh_green_channel", stdout=out)
    assert GreenChannelCase.objects.filter(deadline__isnull=True).count() == 0


def test_the_api_gives_the_tracking_card(client, item, enterprise_applicant, clerk, project, leader, supervisor):
    from dgov.api.actions import do_create_api_token

    application = accepted(item, enterprise_applicant, clerk, "api")
    actions.do_enter_green_channel(application, project=project, lead_official=leader, reason="x", by=supervisor)
    _token, secret = do_create_api_token(supervisor, "card")
    data = client.get(f"/api/v1/secretaries/green/{application.number}", HTTP_AUTHORIZATION=f"Bearer {secret}").json()
    assert data["green_due"] == add_working_days(application.accepted_on, 5).date.isoformat()
    assert data["ordinary_due"] == application.promised_deadline.due_date.isoformat()
    missing = client.get("/api/v1/secretaries/green/NOPE", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert missing.status_code == 404


def test_the_application_case_page_carries_the_tracking_card(
    client, item, enterprise_applicant, clerk, project, leader, supervisor
):
    application = accepted(item, enterprise_applicant, clerk, "card1")
    case_page = reverse("applications:case", args=[application.pk])
    client.force_login(clerk)
    assert "data-green-card" not in client.get(case_page).content.decode()

    case = actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="重大项目领办", by=supervisor
    )
    page = client.get(case_page).content.decode()

    assert f'data-green-card="{application.number}"' in page
    assert f'data-green-due="{case.deadline.due_date:%Y-%m-%d}"' in page


def test_only_an_application_of_the_projects_investor_enters_the_green_channel(
    district, item, enterprise_applicant, clerk, project, leader, supervisor
):
    from dgov.accounts.demo import demo_credit_code
    from dgov.accounts.models import Applicant

    stranger = Applicant.objects.create(
        district=district,
        kind=Applicant.Kind.ENTERPRISE,
        name="长春某餐饮有限公司",
        credit_code=demo_credit_code("91220103MA0Y8K2Q1"),
    )
    nameless = Applicant.objects.create(
        district=district, kind=Applicant.Kind.ENTERPRISE, name="无代码", credit_code=""
    )
    for applicant, key in ((stranger, "other"), (nameless, "blank")):
        application = accepted(item, applicant, clerk, key)
        with pytest.raises(ValidationError) as refused:
            actions.do_enter_green_channel(
                application, project=project, lead_official=leader, reason="x", by=supervisor
            )
        assert refused.value.code == "not_investor"
    Project.objects.filter(pk=project.pk).update(investor_credit_code="")
    project.refresh_from_db()
    application = accepted(item, enterprise_applicant, clerk, "code-less project")
    with pytest.raises(ValidationError):
        actions.do_enter_green_channel(application, project=project, lead_official=leader, reason="x", by=supervisor)
    assert not GreenChannelCase.objects.exists()


def test_both_due_dates_of_the_card_show_how_they_are_counted(
    client, item, enterprise_applicant, clerk, project, leader, supervisor
):
    application = accepted(item, enterprise_applicant, clerk, "g9")
    case = actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="领办", days=3, by=supervisor
    )
    client.force_login(supervisor)
    for url in (reverse("secretaries:green_case", args=[case.pk]), reverse("secretaries:green")):
        page = client.get(url).content.decode()
        assert page.count("data-derivation") == 2  # the shortened and the ordinary promised due date
        assert "Civil Code Art. 201" in page


def test_the_cards_light_is_the_platforms_with_the_green_channels_own_yellow_threshold(
    settings, item, enterprise_applicant, clerk, project, leader, supervisor
):
    application = accepted(item, enterprise_applicant, clerk, "g-light")
    case = actions.do_enter_green_channel(
        application, project=project, lead_official=leader, reason="重大项目领办", by=supervisor
    )
    # Due Thursday 8 October 2026, the first working day after National Day.
    case.deadline.due_date = dt.date(2026, 10, 8)
    case.deadline.save(update_fields=["due_date"])
    case.refresh_from_db()
    monday = dt.date(2026, 9, 28)  # 28, 29, 30 September and 8 October: 3 working days left after it
    settings.DGOV_YELLOW_DAYS = {**settings.DGOV_YELLOW_DAYS, "green_channel": 1}
    assert reports.green_card(case, monday)["light"] == "green"
    settings.DGOV_YELLOW_DAYS = {**settings.DGOV_YELLOW_DAYS, "green_channel": 3}
    assert reports.green_card(case, monday)["light"] == "yellow"
    assert reports.green_card(case, dt.date(2026, 10, 6))["light"] == "yellow"  # a holiday: still running
    assert reports.green_card(case, dt.date(2026, 10, 9))["light"] == "red"


def test_the_card_links_the_application_only_for_those_who_may_open_it(
    client, item, enterprise_applicant, clerk, project, leader, supervisor, officer
):
    application = accepted(item, enterprise_applicant, clerk, "g9")
    case = actions.do_enter_green_channel(application, project=project, lead_official=leader, reason="x", by=supervisor)
    link = reverse("applications:case", args=[application.pk])
    client.force_login(supervisor)
    assert link in client.get(reverse("secretaries:green_case", args=[case.pk])).content.decode()
    client.force_login(officer)  # follows key projects, sees no case (decision 0025)
    page = client.get(reverse("secretaries:green_case", args=[case.pk]))
    assert page.status_code == 200 and link not in page.content.decode()


def test_the_form_finds_only_a_case_its_user_may_see(
    client, request, item, enterprise_applicant, clerk, project, leader, secretary, officer
):
    """Before, the number found any case of the district: a secretary with the power to
    manage the channel attached another key project's case (and its card then showed its
    title and status); an investment officer, who sees no case (decision 0025), any."""
    from django.contrib.auth.models import Permission

    from dgov.accounts.models import User

    secretary.user_permissions.add(Permission.objects.get(codename="manage_green_channel"))
    secretary = User.objects.get(pk=secretary.pk)
    application = accepted(item, enterprise_applicant, clerk, "g-visible")
    form = {"number": application.number, "project": project.pk, "lead_official": leader.pk, "reason": "领办"}
    for person in (secretary, officer):
        client.force_login(person)
        response = client.post(reverse("secretaries:green_new"), form)
        assert response.status_code == 400, person
        assert "No application of this district has that number." in response.content.decode()
    assert not GreenChannelCase.objects.exists()

    request.getfixturevalue("assigned")  # now the secretary's key project: its cases are theirs
    client.force_login(secretary)
    assert client.post(reverse("secretaries:green_new"), form).status_code == 302
    assert GreenChannelCase.objects.get().application == application
