"""Secretaries, contacts and the weekly rule (每周至少对接一次), visits and meetings."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.documents.tests import files
from dgov.investment.models import Project, Stage
from dgov.lib import clock
from dgov.secretaries import actions, rules
from dgov.secretaries.models import AssignmentChange, Contact, Engagement, Method, Secretaryship

pytestmark = pytest.mark.django_db

TODAY = clock.today()


def log(project, secretary, days_ago=0, method=Method.PHONE, **extra):
    return actions.do_log_contact(
        project,
        by=secretary,
        on=TODAY - dt.timedelta(days=days_ago),
        method=method,
        people="刘总",
        discussion="供电接入方案",
        **extra,
    )


def test_a_key_project_gets_one_secretary_and_a_reassignment_keeps_the_trail(
    project, secretary, leader, officer, make_staff
):
    actions.do_assign(project, secretary=secretary, leader=leader, by=officer)
    successor = make_staff("project_secretary", "secretary2", department="TCJ")

    with pytest.raises(ValidationError):
        actions.do_assign(project, secretary=successor, leader=leader, by=officer, reason="")
    actions.do_assign(project, secretary=successor, leader=leader, by=officer, reason="岗位调整")

    current = Secretaryship.objects.get(project=project)
    assert current.secretary == successor
    trail = list(AssignmentChange.objects.filter(secretaryship=current).values_list("from_secretary", "to_secretary"))
    assert trail == [(None, secretary.pk), (secretary.pk, successor.pk)]
    assert AuditEntry.objects.filter(verb="secretaries.assign").count() == 2


def test_only_key_projects_get_a_secretary_and_only_real_secretaries_and_leaders_serve(
    district, secretary, leader, officer, project
):
    ordinary = Project.objects.create(district=district, name="小项目", investor="某公司", is_key=False)
    with pytest.raises(PermissionDenied, match="key-project list"):
        actions.do_assign(ordinary, secretary=secretary, leader=leader, by=officer)
    with pytest.raises(ValidationError):
        actions.do_assign(project, secretary=leader, leader=leader, by=officer)
    with pytest.raises(PermissionDenied):
        actions.do_assign(project, secretary=secretary, leader=leader, by=secretary)


def test_a_contact_counts_only_once_confirmed_or_with_evidence(assigned, project, secretary):
    plain = log(project, secretary, days_ago=1)
    assert not plain.counts
    assert Secretaryship.objects.get(project=project).last_contact_on == assigned.assigned_on

    assert actions.do_confirm_contact(plain, name="刘总")
    assert not actions.do_confirm_contact(plain, name="刘总")  # a second confirmation changes nothing
    plain.refresh_from_db()
    assert plain.counts
    secretaryship = Secretaryship.objects.get(project=project)
    assert secretaryship.last_contact_on == plain.on
    assert secretaryship.counted_contacts == 1


def test_an_older_contact_counted_later_does_not_move_the_last_contact_back(assigned, project, secretary):
    recent, older = log(project, secretary, days_ago=1), log(project, secretary, days_ago=6)
    actions.do_confirm_contact(recent, name="刘总")
    actions.do_confirm_contact(older, name="刘总")
    assert Secretaryship.objects.get(project=project).last_contact_on == recent.on


def test_only_the_projects_own_secretary_logs_contacts_and_not_in_the_future(assigned, project, secretary, make_staff):
    other = make_staff("project_secretary", "secretary2", department="TCJ")
    with pytest.raises(PermissionDenied):
        log(project, other)
    with pytest.raises(ValidationError):
        log(project, secretary, days_ago=-1)


def test_a_project_is_overdue_after_seven_days_without_a_counted_contact(assigned, project, secretary):
    monday = dt.date(2025, 6, 9)
    Secretaryship.objects.filter(pk=assigned.pk).update(last_contact_on=monday)
    overdue_on = {
        day: Secretaryship.objects.overdue(day).exists() for day in (monday + dt.timedelta(days=n) for n in (7, 8))
    }
    assert overdue_on == {dt.date(2025, 6, 16): False, dt.date(2025, 6, 17): True}


def test_statutory_holidays_do_not_count_toward_the_overdue_contact_flag(assigned):
    # 2025 国庆/中秋: 1–8 October off; the weekday holidays are 1, 2, 3, 6, 7, 8 October.
    last = dt.date(2025, 9, 29)
    Secretaryship.objects.filter(pk=assigned.pk).update(last_contact_on=last)
    assert rules.counted_days_between(last, dt.date(2025, 10, 12)) == 7
    assert not Secretaryship.objects.overdue(dt.date(2025, 10, 12)).exists()
    assert Secretaryship.objects.overdue(dt.date(2025, 10, 13)).exists()
    # Without the holiday the same gap would have been overdue a week earlier.
    assert (dt.date(2025, 10, 7) - last).days > rules.contact_days()
    assert not Secretaryship.objects.overdue(dt.date(2025, 10, 7)).exists()


def test_the_enterprise_confirms_through_the_signed_link(client, assigned, project, secretary):
    contact = log(project, secretary, days_ago=2)
    url = reverse("secretaries:confirm", args=[actions.confirmation_token(contact)])

    assert client.get(url).status_code == 200
    assert client.post(url, {"name": ""}).status_code == 400
    response = client.post(url, {"name": "刘总（项目经理）"})
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.confirmed_by_name == "刘总（项目经理）"
    assert contact.counts
    assert AuditEntry.objects.filter(verb="secretaries.contact.confirm", object_id=str(contact.pk)).exists()


def test_a_tampered_confirmation_link_is_refused(client, assigned, project, secretary):
    contact = log(project, secretary)
    token = actions.confirmation_token(contact)
    response = client.post(reverse("secretaries:confirm", args=[token[:-2] + "xx"]), {"name": "x"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert not contact.counts


def test_evidence_uploaded_with_the_contact_makes_it_count(client, assigned, project, secretary):
    client.force_login(secretary)
    upload = SimpleUploadedFile("纪要.pdf", files.pdf(), content_type="application/pdf")
    response = client.post(
        reverse("secretaries:project_act", args=[project.pk, "contact"]),
        {
            "contact-on": TODAY.isoformat(),
            "contact-method": Method.VISIT,
            "contact-people": "刘总",
            "contact-discussion": "现场查看",
            "contact-evidence": upload,
        },
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.counts and contact.attachments.count() == 1
    assert Secretaryship.objects.get(project=project).last_contact_on == TODAY


def test_a_bad_contact_form_is_a_400_and_writes_nothing(client, assigned, project, secretary):
    client.force_login(secretary)
    response = client.post(
        reverse("secretaries:project_act", args=[project.pk, "contact"]),
        {"contact-on": (TODAY + dt.timedelta(days=3)).isoformat(), "contact-method": "teleport"},
    )
    assert response.status_code == 400
    assert not Contact.objects.exists()


def test_a_counted_visit_fulfils_the_months_visit_and_an_unheld_one_is_missed(assigned, project, secretary):
    this_month = actions.do_schedule(
        project, by=secretary, kind=Engagement.Kind.MONTHLY_VISIT, planned_on=TODAY.replace(day=1)
    )
    with pytest.raises(ValidationError):
        actions.do_schedule(project, by=secretary, kind=Engagement.Kind.MONTHLY_VISIT, planned_on=TODAY)
    visit = log(project, secretary, method=Method.VISIT)
    actions.do_confirm_contact(visit, name="刘总")
    this_month.refresh_from_db()
    assert this_month.state(TODAY) == "held"

    last_month = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=5)
    missed = Engagement.objects.create(
        district=project.district,
        project=project,
        kind=Engagement.Kind.MONTHLY_VISIT,
        period_start=last_month.replace(day=1),
        planned_on=last_month,
        created_by=secretary,
    )
    assert missed.state(TODAY) == "missed"


def test_the_scorecard_counts_weeks_issues_ratings_and_advanced_projects(
    assigned, project, secretary, departments, land_staff
):
    start = TODAY - dt.timedelta(days=13)
    Secretaryship.objects.filter(pk=assigned.pk).update(assigned_on=start, stage_when_assigned=Stage.TALKS)
    contact = log(project, secretary, days_ago=0)
    actions.do_confirm_contact(contact, name="刘总")
    issue = actions.do_raise_issue(
        project, by=secretary, kind="land", title="用地", department=departments["ZRZY"], today=start
    )
    actions.do_resolve_issue(issue, by=land_staff, resolution="已协调", today=start + dt.timedelta(days=1))
    actions.do_rate_issue(issue, rating=5)

    card = actions.scorecard(secretary, start, TODAY)
    weeks = len(actions._weeks(start, TODAY))
    assert (card["weeks_met"], card["weeks_expected"]) == (1, weeks)
    assert (card["issues_on_time"], card["issues_judged"]) == (1, 1)
    assert card["average_rating"] == 5 and card["advanced"] == 1
    expected = round(100 * (40 * (1 / weeks) + 30 * 1 + 20 * 1 + 10 * 1) / 100, 1)
    assert card["total"] == expected


def test_the_visits_page_lists_the_missed_ones(client, assigned, project, secretary):
    last_month = (TODAY.replace(day=1) - dt.timedelta(days=1)).replace(day=5)
    missed = Engagement.objects.create(
        district=project.district,
        project=project,
        kind=Engagement.Kind.MONTHLY_VISIT,
        period_start=last_month.replace(day=1),
        planned_on=last_month,
        created_by=secretary,
    )
    actions.do_schedule(project, by=secretary, kind=Engagement.Kind.MONTHLY_VISIT, planned_on=TODAY)
    client.force_login(secretary)
    page = client.get(reverse("secretaries:engagements"), {"state": "missed"}).content.decode()
    assert page.count("data-engagement=") == 1 and f'data-engagement="{missed.pk}"' in page


def test_the_enterprises_own_user_confirms_and_phone_numbers_stay_masked(
    client, district, assigned, project, secretary
):
    from dgov.accounts.demo import demo_credit_code
    from dgov.accounts.models import Applicant, User

    code = demo_credit_code("91220103MA0Y8K2Q1")
    Project.objects.filter(pk=project.pk).update(investor_credit_code=code)
    user = User.objects.create_user("taimeng", password="x-1-y-2-z", kind=User.Kind.ENTERPRISE, full_name="泰盟科技")
    Applicant.objects.create(
        district=district, user=user, kind=Applicant.Kind.ENTERPRISE, name="泰盟", credit_code=code
    )
    contact = actions.do_log_contact(
        project, by=secretary, on=TODAY, method=Method.PHONE, people="刘总 13812345678", discussion="电话沟通"
    )
    client.force_login(user)
    page = client.get(reverse("secretaries:enterprise")).content.decode()
    assert actions.confirmation_token(contact)[:20] in page
    confirm = client.get(reverse("secretaries:confirm", args=[actions.confirmation_token(contact)])).content.decode()
    assert "13812345678" not in confirm and "138****5678" in confirm
    client.post(reverse("secretaries:confirm", args=[actions.confirmation_token(contact)]), {"name": "泰盟科技"})
    contact.refresh_from_db()
    assert contact.counts
    entry = AuditEntry.objects.get(verb="secretaries.contact.confirm")
    assert entry.actor == user and entry.changes["via"] == "user"


def test_a_contact_submitted_twice_is_recorded_once(client, assigned, project, secretary):
    client.force_login(secretary)
    data = {
        "contact-on": TODAY.isoformat(),
        "contact-method": Method.PHONE,
        "contact-people": "刘总",
        "contact-discussion": "电话沟通",
        "contact-key": "5b0c6f5e-3c3a-4f57-9a55-1f2d0c7b9a10",
    }
    url = reverse("secretaries:project_act", args=[project.pk, "contact"])
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Contact.objects.count() == 1


def test_the_contact_rule_is_a_setting(settings, assigned):
    monday = dt.date(2025, 6, 9)
    Secretaryship.objects.filter(pk=assigned.pk).update(last_contact_on=monday)
    assert Secretaryship.objects.overdue(dt.date(2025, 6, 17)).exists()
    settings.SECRETARY_CONTACT_DAYS = 14
    assert not Secretaryship.objects.overdue(dt.date(2025, 6, 17)).exists()
    assert Secretaryship.objects.overdue(dt.date(2025, 6, 24)).exists()


def test_the_secretary_cannot_confirm_their_own_contact_through_the_link(client, assigned, project, secretary):
    contact = log(project, secretary, days_ago=1)
    url = reverse("secretaries:confirm", args=[actions.confirmation_token(contact)])
    client.force_login(secretary)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "刘总"}).status_code == 403
    contact.refresh_from_db()
    assert contact.confirmed_at is None and not contact.counts
    client.logout()
    assert client.post(url, {"name": "刘总"}).status_code == 200  # the enterprise, without logging in
    contact.refresh_from_db()
    assert contact.counts


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_refused_or_repeated_upload_stores_no_file(client, assigned, project, secretary, make_staff, documents_root):
    from dgov.documents.models import Document

    def contact_with_evidence(key):
        return {
            "contact-on": TODAY.isoformat(),
            "contact-method": Method.VISIT,
            "contact-people": "刘总",
            "contact-discussion": "现场查看",
            "contact-key": key,
            "contact-evidence": SimpleUploadedFile("纪要.pdf", files.pdf(), content_type="application/pdf"),
        }

    url = reverse("secretaries:project_act", args=[project.pk, "contact"])
    client.force_login(make_staff("project_secretary", "another", department="TCJ"))  # not this project's secretary
    assert client.post(url, contact_with_evidence("6f1c1f0e-2b7a-4d3e-9a0b-0c1d2e3f4a5b")).status_code == 403
    earlier = log(project, secretary)
    evidence = {"evidence-evidence": SimpleUploadedFile("纪要.pdf", files.pdf(), content_type="application/pdf")}
    assert client.post(reverse("secretaries:contact_evidence", args=[earlier.pk]), evidence).status_code == 403
    assert not Document.objects.exists() and _stored_files(documents_root) == []

    client.force_login(secretary)
    key = "0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d"
    assert client.post(url, contact_with_evidence(key)).status_code == 302
    assert client.post(url, contact_with_evidence(key)).status_code == 302  # the same form sent again
    assert Document.objects.count() == 1 and len(_stored_files(documents_root)) == 1
    assert Contact.objects.filter(idempotency_key=key).get().attachments.count() == 1


def test_the_enterprise_page_lists_only_its_own_districts_projects(
    client, district, other_district, assigned, project, secretary
):
    from dgov.accounts.demo import demo_credit_code
    from dgov.accounts.models import Applicant, User

    code = demo_credit_code("91220103MA0Y8K2Q1")
    Project.objects.filter(pk=project.pk).update(investor_credit_code=code)
    contact = log(project, secretary)
    elsewhere = Project.objects.create(
        district=other_district, name="外区项目", investor="泰盟", is_key=True, investor_credit_code=code
    )
    user = User.objects.create_user("taimeng", password="x-1-y-2-z", kind=User.Kind.ENTERPRISE, full_name="泰盟科技")
    Applicant.objects.create(
        district=district, user=user, kind=Applicant.Kind.ENTERPRISE, name="泰盟", credit_code=code
    )
    stray = Contact.objects.create(
        district=other_district,
        project=elsewhere,
        secretary=secretary,
        on=TODAY,
        method=Method.PHONE,
        people="外区",
        discussion="外区",
    )
    client.force_login(user)
    page = client.get(reverse("secretaries:enterprise")).content.decode()
    assert actions.confirmation_token(contact)[:20] in page
    assert actions.confirmation_token(stray)[:20] not in page and "外区项目" not in page


def test_a_contacts_file_is_downloaded_by_those_who_open_the_project_and_nobody_else(
    client, assigned, project, secretary, leader, inspector, make_staff
):
    """Issue 19 §1: a file is seen through what carries it. The contact record's attachment
    (uploaded by the secretary) opens for the people the project page shows it to, and for
    no other staff member of the district, whatever their document permission."""
    client.force_login(secretary)
    upload = SimpleUploadedFile("纪要.pdf", files.pdf(), content_type="application/pdf")
    client.post(
        reverse("secretaries:project_act", args=[project.pk, "contact"]),
        {"contact-on": TODAY.isoformat(), "contact-method": Method.VISIT, "contact-people": "刘总",
         "contact-discussion": "现场查看", "contact-evidence": upload},
    )  # fmt: skip
    document = Contact.objects.get().attachments.get()
    page = reverse("secretaries:project", args=[project.pk])
    download = reverse("documents:download", args=[document.pk])
    for person in (secretary, leader, inspector, make_staff("window_clerk", "clerk-zwfw", department="ZWFW")):
        client.force_login(person)
        shown = client.get(page)
        assert client.get(download).status_code == (200 if shown.status_code == 200 else 404), person.username
        if shown.status_code == 200:
            assert download in shown.content.decode()
    client.force_login(leader)
    assert client.get(download).status_code == 200
