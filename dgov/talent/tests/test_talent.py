import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.accounts.models import Applicant, Department
from dgov.applications.actions import do_submit
from dgov.applications.models import Application, Channel
from dgov.audit.models import AuditEntry
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification
from dgov.policies.actions import profile_for
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, OnlineLevel, Trips
from dgov.talent import actions, reports
from dgov.talent.models import TALENT_FACTS, Award, Programme, Talent

pytestmark = pytest.mark.django_db

CITIZEN_ID = "11010519491231002X"  # the citizen persona (李华), born 1949-12-31


@pytest.fixture(autouse=True)
def _today(clock):
    clock.set(dt.date(2026, 6, 15))


@pytest.fixture
def item(district, administrator):
    data = {
        "name": "人才安居补贴申请",
        "kind": Audience.CITIZEN,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "长春市人才政策",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "max_trips": Trips.NONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "人才 住房",
    }
    return do_publish_version(None, {"code": "KC-RC-001", **data}, [], [], by=administrator)


@pytest.fixture
def programme(district, item, enterprise_officer):
    return Programme.objects.create(
        district=district,
        name="高层次人才安居补贴",
        kind="housing",
        issuer="宽城区人才工作领导小组",
        is_example=True,
        department=Department.objects.get(district=district, code="SCJG"),
        service_item=item,
        valid_from=dt.date(2026, 1, 1),
        valid_to=dt.date(2026, 12, 31),
        conditions=[c.as_data() for c in TALENT_FACTS.parse_text("education in doctorate, master; tier in A, B, C, D")],
        benefit="每月2000元，连续3年",
        amount=Decimal("7.2"),
        quota=1,
        created_by=enterprise_officer,
    )


def approved_application(item, applicant, user):
    application, _created = do_submit(
        item=item, applicant=applicant, by=user, channel=Channel.ONLINE, idempotency_key=f"k-{applicant.pk}"
    )
    Application.objects.filter(pk=application.pk).update(status="approved", decided_on=dt.date(2026, 6, 12))
    return Application.objects.select_related("applicant").get(pk=application.pk)


@pytest.fixture
def talent(district, enterprise_user, enterprise_officer):
    employer = profile_for(Applicant.objects.get(user=enterprise_user))
    return actions.do_register_talent(
        district,
        {
            "name": "李华",
            "id_number": CITIZEN_ID,
            "education": "doctorate",
            "title": "deputy_senior",
            "tier": "D",
            "field_code": "C37",
            "employer": employer,
            "landed_on": dt.date(2025, 9, 1),
        },
        by=enterprise_officer,
    )


def test_the_register_reads_the_age_from_the_id_number_and_masks_it(talent):
    assert talent.born_on == dt.date(1949, 12, 31)
    assert talent.masked_id_number == "110105********002X"
    verdict = TALENT_FACTS.check(
        TALENT_FACTS.parse_text("age <= 45; years_in_district >= 1"), talent, dt.date(2026, 6, 15)
    )
    assert [c.outcome for c in verdict.checks] == ["unmet", "unmet"]


def test_a_talent_is_registered_once(district, talent, enterprise_officer):
    with pytest.raises(ValidationError, match="in the register already"):
        actions.do_register_talent(
            district,
            {"name": "李华", "id_number": CITIZEN_ID, "education": "master", "landed_on": dt.date(2026, 1, 1)},
            by=enterprise_officer,
        )


def test_an_approved_application_earns_the_award_once_within_the_quota(
    programme, item, talent, citizen, enterprise_officer
):
    application = approved_application(item, Applicant.objects.get(user=citizen), citizen)
    award = actions.do_award(programme, application, by=enterprise_officer)
    assert award.talent == talent and award.amount == Decimal("7.2")
    assert AuditEntry.objects.filter(verb="talent.award").exists()
    assert Notification.objects.filter(recipient=citizen, subject__contains="高层次人才安居补贴").exists()
    with pytest.raises(Conflict, match="has received this programme already"):
        actions.do_award(programme, application, by=enterprise_officer)
    programme.refresh_from_db()
    assert programme.awarded == 1


def test_the_award_checks_the_conditions_and_the_register(programme, item, citizen, enterprise_officer, district):
    application = approved_application(item, Applicant.objects.get(user=citizen), citizen)
    with pytest.raises(ValidationError, match="not in the talent register"):
        actions.do_award(programme, application, by=enterprise_officer)
    Talent.objects.create(
        district=district,
        name="李华",
        id_number=CITIZEN_ID,
        education="bachelor",
        landed_on=dt.date(2026, 1, 1),
        created_by=enterprise_officer,
    )
    with pytest.raises(ValidationError, match="Education: one of Doctorate, Master's degree"):
        actions.do_award(programme, application, by=enterprise_officer)
    assert not Award.objects.exists()


def test_only_the_programmes_department_awards(programme, item, talent, citizen, make_staff):
    outsider = make_staff("enterprise_service", "other", department="ZWFW")
    application = approved_application(item, Applicant.objects.get(user=citizen), citizen)
    with pytest.raises(PermissionDenied, match="Only 宽城区市场监督管理局 awards"):
        actions.do_award(programme, application, by=outsider)


def test_a_programme_ending_before_it_starts_is_refused(client, enterprise_officer, item):
    client.force_login(enterprise_officer)
    response = client.post(
        reverse("talent:programmes"),
        {
            "name": "倒序计划",
            "kind": "subsidy",
            "issuer": "宽城区",
            "department": Department.objects.get(code="SCJG").pk,
            "service_item": item.pk,
            "valid_from": "2026-12-31",
            "valid_to": "2026-01-01",
            "conditions": "degree in master",
            "benefit": "x",
            "amount": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The programme ends before it starts." in page and "no fact field “degree”" in page
    assert not Programme.objects.exists()


def test_figures_count_talents_per_enterprise_and_awards(talent, district):
    figures = reports.figures(district.pk, 2025)
    assert figures["total"] == 1 and figures["this_year"] == 1 and figures["by_tier"] == {"D": 1}
    assert reports.by_enterprise(district.pk)[0]["n"] == 1


def test_pages_answer_each_person(client, talent, enterprise_user, enterprise_officer, citizen):
    client.force_login(enterprise_officer)
    page = client.get(reverse("talent:register")).content.decode()
    assert "110105********002X" in page and CITIZEN_ID not in page
    assert client.get(reverse("talent:figures")).status_code == 200
    client.force_login(enterprise_user)
    assert "110105********002X" in client.get(reverse("talent:mine")).content.decode()
    assert client.get(reverse("talent:register")).status_code == 403
    client.force_login(citizen)
    assert client.get(reverse("talent:mine")).status_code == 403


def test_a_full_id_number_is_shown_only_to_the_talent_office_with_a_reason_and_audited(
    client, talent, enterprise_officer, leader
):
    url = reverse("talent:reveal", args=[talent.pk])
    client.force_login(leader)
    page = client.get(reverse("talent:register")).content.decode()
    assert "110105********002X" in page and 'data-action="reveal"' not in page
    assert client.post(url, {"field": "id_number", "reason": "核对材料"}).status_code == 403
    client.force_login(enterprise_officer)
    assert 'data-action="reveal"' in client.get(reverse("talent:register")).content.decode()
    assert client.post(url, {"field": "id_number", "reason": ""}).status_code == 400
    assert not AuditEntry.objects.filter(verb="personal_data.reveal").exists()
    shown = client.post(url, {"field": "id_number", "reason": "核对人才认定材料"})
    assert shown.status_code == 200 and CITIZEN_ID in shown.content.decode()
    entry = AuditEntry.objects.get(verb="personal_data.reveal")
    assert entry.actor == enterprise_officer and entry.changes == {"field": "id_number", "reason": "核对人才认定材料"}
