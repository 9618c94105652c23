"""Issue 13 §3: an enterprise's agents (经办人) act for it with the permissions it grants,
and the enterprise sees all its cases."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from dgov.accounts.models import Agent, Applicant, User
from dgov.applications.models import Application
from dgov.audit.models import AuditEntry
from dgov.documents.tests import files
from dgov.lib.idnumbers import uscc_check_character
from dgov.notifications.models import Channel, Notification
from dgov.services.models import Material

pytestmark = pytest.mark.django_db

AGENT_PHONE = "13600001111"


@pytest.fixture(autouse=True)
def documents_root(settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"


@pytest.fixture
def enterprise_account(district):
    """The enterprise's own account, opened by its legal representative."""
    user = User(username="weidao", kind=User.Kind.ENTERPRISE, full_name="长春宽城味道餐饮有限公司")
    user.set_password(PASSWORD)
    user.save()
    body = "91220103MA0Y8K2Q1"
    Applicant.objects.create(
        district=district,
        user=user,
        kind=Applicant.Kind.ENTERPRISE,
        name="长春宽城味道餐饮有限公司",
        credit_code=body + uscc_check_character(body),
        representative="赵建国",
    )
    return user


@pytest.fixture
def employee(district):
    """A citizen account whose number is proved: the employee the enterprise adds."""
    user = User(username="sunli", kind=User.Kind.CITIZEN, full_name="孙丽", phone=AGENT_PHONE, phone_verified=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def enterprise_of(account):
    return Applicant.objects.get(user=account, kind=Applicant.Kind.ENTERPRISE)


def add_agent(client, account, **permissions):
    enterprise = enterprise_of(account)
    client.force_login(account)
    data = {f"add{enterprise.pk}-name": "孙丽", f"add{enterprise.pk}-phone": AGENT_PHONE}
    data.update({f"add{enterprise.pk}-{k}": "on" for k, v in permissions.items() if v})
    return client.post(reverse("accounts:agent_add", args=[enterprise.pk]), data)


def apply_as(client, item, applicant):
    material = item.current_version.materials.get(source=Material.Source.APPLICANT)
    return client.post(
        reverse("applications:apply", args=[item.code]),
        {
            "key": str(uuid.uuid4()),
            "as": applicant.pk,
            f"file_{material.pk}": SimpleUploadedFile("申请书.pdf", files.pdf(), content_type="application/pdf"),
        },
    )


def test_the_enterprise_adds_an_agent_by_number_who_is_told_by_text(client, enterprise_account, employee):
    response = add_agent(client, enterprise_account, may_apply=True)
    assert response.status_code == 302
    agent = Agent.objects.get()
    assert agent.user == employee and agent.may_apply and not agent.may_view_all
    [text] = Notification.objects.filter(channel=Channel.SMS, address=AGENT_PHONE)
    assert "长春宽城味道餐饮有限公司" in text.body
    entry = AuditEntry.objects.get(verb="enterprise.agent_add")
    assert entry.actor == enterprise_account and entry.changes["phone"] == "136****1111"


def test_an_agent_added_before_opening_an_account_is_linked_when_the_number_is_proved(
    client, enterprise_account, district
):
    add_agent(client, enterprise_account, may_apply=True)
    assert Agent.objects.get().user is None
    client.logout()
    client.post(reverse("accounts:signup"), {"step": "send", "phone": AGENT_PHONE})
    import re

    code = re.search(r"\b(\d{6})\b", Notification.objects.filter(address=AGENT_PHONE).order_by("pk").last().body).group(
        1
    )
    response = client.post(
        reverse("accounts:signup"),
        {
            "step": "verify",
            "name": "孙丽",
            "id_number": "11010519491231002X",
            "phone": AGENT_PHONE,
            "code": code,
            "username": "sunli2",
            "password": "",
            "email": "",
        },
    )
    assert response.status_code == 302
    assert Agent.objects.get().user.username == "sunli2"


def test_an_agent_applies_in_the_enterprises_name_and_the_enterprise_sees_the_case(
    client, item, enterprise_account, employee
):
    add_agent(client, enterprise_account, may_apply=True)
    enterprise = enterprise_of(enterprise_account)
    client.force_login(employee)
    page = client.get(reverse("applications:apply", args=[item.code]))
    assert page.status_code == 200 and "data-apply-as" not in page.content.decode()  # one choice only
    assert apply_as(client, item, enterprise).status_code == 302
    application = Application.objects.get()
    assert application.applicant == enterprise and application.submitted_by == employee
    assert client.get(reverse("applications:case", args=[application.pk])).status_code == 200

    client.force_login(enterprise_account)
    mine = client.get(reverse("applications:mine")).content.decode()
    assert application.number in mine
    assert client.get(reverse("applications:case", args=[application.pk])).status_code == 200


def test_an_agent_sees_the_enterprises_other_cases_only_when_allowed(client, item, enterprise_account, employee):
    from dgov.applications import actions
    from dgov.applications.models import Channel

    enterprise = enterprise_of(enterprise_account)
    filed_by_the_enterprise, _ = actions.do_submit(
        item=item, applicant=enterprise, by=enterprise_account, channel=Channel.ONLINE, idempotency_key="e1"
    )
    add_agent(client, enterprise_account, may_apply=True)
    case = reverse("applications:case", args=[filed_by_the_enterprise.pk])
    client.force_login(employee)
    assert client.get(case).status_code == 404

    agent = Agent.objects.get()
    client.force_login(enterprise_account)
    response = client.post(
        reverse("accounts:agent_change", args=[agent.pk]),
        {f"agent{agent.pk}-may_apply": "on", f"agent{agent.pk}-may_view_all": "on"},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.get(verb="enterprise.agent_change").changes == {"may_view_all": [False, True]}
    client.force_login(employee)
    assert client.get(case).status_code == 200


def test_an_agent_without_the_permission_to_apply_cannot_apply_for_the_enterprise(
    client, item, enterprise_account, employee
):
    add_agent(client, enterprise_account, may_view_all=True)
    client.force_login(employee)
    response = apply_as(client, item, enterprise_of(enterprise_account))
    assert response.status_code == 403  # no profile of their own, no enterprise to apply for
    assert not Application.objects.exists()


def test_a_removed_agent_no_longer_acts_for_the_enterprise(client, item, enterprise_account, employee):
    add_agent(client, enterprise_account, may_apply=True, may_view_all=True)
    agent = Agent.objects.get()
    client.force_login(enterprise_account)
    assert client.post(reverse("accounts:agent_remove", args=[agent.pk])).status_code == 302
    assert AuditEntry.objects.filter(verb="enterprise.agent_remove").exists()
    client.force_login(employee)
    assert apply_as(client, item, enterprise_of(enterprise_account)).status_code == 403


def test_only_the_enterprise_manages_its_agents(client, enterprise_account, employee, citizen):
    add_agent(client, enterprise_account, may_apply=True)
    agent = Agent.objects.get()
    enterprise = enterprise_of(enterprise_account)
    for outsider in (employee, citizen):
        client.force_login(outsider)
        assert client.post(reverse("accounts:agent_remove", args=[agent.pk])).status_code == 404
        added = client.post(
            reverse("accounts:agent_add", args=[enterprise.pk]),
            {f"add{enterprise.pk}-name": "X", f"add{enterprise.pk}-phone": "13900000000"},
        )
        assert added.status_code == 404
    assert Agent.objects.filter(removed_at__isnull=True).count() == 1


def test_the_same_number_cannot_be_added_twice(client, enterprise_account, employee):
    add_agent(client, enterprise_account, may_apply=True)
    again = add_agent(client, enterprise_account, may_apply=True)
    assert again.status_code == 400
    assert "agent of the enterprise already" in again.content.decode()
    assert Agent.objects.count() == 1


def test_the_enterprise_page_lists_agents_and_for_an_agent_whom_they_act_for(client, enterprise_account, employee):
    add_agent(client, enterprise_account, may_apply=True)
    page = client.get(reverse("accounts:enterprise")).content.decode()
    assert "孙丽" in page and "136****1111" in page and AGENT_PHONE not in page
    client.force_login(employee)
    page = client.get(reverse("accounts:enterprise")).content.decode()
    assert "data-acting" in page and "长春宽城味道餐饮有限公司" in page
