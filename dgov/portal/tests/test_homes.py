import pytest
from django.core.management import call_command
from django.urls import reverse

from dgov.accounts.models import Applicant, Department, ServiceWindow, User
from dgov.accounts.roles import Role
from dgov.applications.models import Application, Status

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home(client, make_staff, role):
    user = make_staff(role.value, "someone", department="SCJG")
    client.force_login(user)
    response = client.get(reverse("portal:home"), follow=True)
    assert response.status_code == 200
    assert f'data-role="{role.value}"' in response.content.decode()


def test_a_clerk_cannot_open_another_roles_home(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("portal:workbench", args=["administrator"])).status_code == 403
    assert client.get(reverse("portal:workbench", args=["no_such_role"])).status_code == 403


def test_a_citizen_lands_on_their_own_page(client, citizen):
    client.force_login(citizen)
    response = client.get(reverse("portal:home"), follow=True)
    assert response.status_code == 200
    assert "110105********002X" in response.content.decode()
    assert client.get(reverse("portal:workbench", args=["window_clerk"])).status_code == 403
    page = response.content.decode()
    for name in ("applications:mine", "applications:messages", "certificates:mine", "documents:locker", "ratings:mine"):
        assert f'href="{reverse(name)}"' in page, name


def test_the_language_switch_changes_the_page_language(client):
    response = client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert '<html lang="zh-hant">' in response.content.decode()


def test_loading_the_demo_twice_changes_nothing(db):
    call_command("load_demo", quiet=True)
    models = (User, Department, ServiceWindow, Applicant, Application)
    counts = [m.objects.count() for m in models]
    call_command("load_demo", quiet=True)
    assert [m.objects.count() for m in models] == counts
    assert counts[0] >= len(Role)
    assert set(Application.objects.values_list("status", flat=True)) == set(Status.values)
    # The seal officer has certificates issued for completed cases, by seals of
    # departments that carry their credit codes.
    from dgov.certificates.models import Certificate, Seal

    assert Certificate.objects.filter(application__status=Status.COMPLETED).exists()
    assert all(len(seal.department.credit_code) == 18 for seal in Seal.objects.select_related("department"))
    assert User.objects.get(username="seal").has_perm("certificates.issue_certificate")
    # A believable history: no case's event precedes its receipt, the acts are spread over
    # months, and the demo's own acts fall on working days in office hours.
    import datetime as dt

    from django.utils import timezone

    from dgov.applications.models import ApplicationEvent
    from dgov.audit.models import AuditEntry
    from dgov.workdays.calendar import is_working_day

    events = [
        (timezone.localtime(at), received)
        for at, received in ApplicationEvent.objects.values_list("at", "application__received_on")
    ]
    assert all(at.date() >= received for at, received in events)
    days = {at.date() for at, _received in events}
    assert max(days) - min(days) > dt.timedelta(days=60)
    submitted = [
        timezone.localtime(at) for at in ApplicationEvent.objects.filter(verb="submit").values_list("at", flat=True)
    ]
    assert all(
        is_working_day(at.date()) and dt.time(8, 30) <= at.time() <= dt.time(17, 30)
        for at in submitted
        if at.date() < max(days)
    )
    assert len({timezone.localdate(at) for at in AuditEntry.objects.values_list("at", flat=True)}) > 10


def test_the_front_page_links_what_the_district_publishes(client, district):
    import datetime as dt

    from dgov.campaigns.models import Campaign

    campaign = Campaign.objects.create(
        district=district, theme="解放思想大讨论", starts_on=dt.date(2018, 9, 1), ends_on=dt.date(2018, 12, 31)
    )
    page = client.get(reverse("portal:index")).content.decode()
    for url in (
        reverse("bundles:index"),
        reverse("ratings:public"),
        reverse("evaluation:public_index"),
        reverse("evaluation:column"),
        reverse("campaigns:public", args=[campaign.pk]),
    ):
        assert f'href="{url}"' in page, url


def test_one_pass_of_the_job_runner_runs_every_apps_jobs(db):
    from dgov.portal.management.commands.run_jobs import run_pass

    done = run_pass(sweep_deadlines=True)

    assert {"deemed_accepted", "ratings_deemed", "bundles_synced", "campaign_reminders"} <= set(done)
