import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dgov.lib.xlsx import Sheet, workbook_bytes
from dgov.policies import matching
from dgov.policies.models import Grant, Policy, PolicyStatus
from dgov.policies.spreadsheet import COLUMNS

pytestmark = pytest.mark.django_db


def policy_post(**changes):
    data = {
        "title": "科技型中小企业研发费用补助",
        "issuer": "长春市宽城区人民政府",
        "department": "",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "conditions": "certificates has tech_sme\nrd_spend >= 50",
        "mode": "automatic",
        "benefit_kind": "share",
        "benefit_rate": "10",
        "benefit_fact": "rd_spend",
        "benefit_cap": "30",
        "period": "year",
        "budget": "500",
    }
    data.update(changes)
    return data


def test_an_editor_writes_and_publishes_a_policy(client, enterprise_officer, district):
    client.force_login(enterprise_officer)
    department = district.departments.get(code="SCJG").pk
    response = client.post(reverse("policies:new"), policy_post(department=department))
    assert response.status_code == 302
    policy = Policy.objects.get()
    assert policy.conditions == [
        {"fact": "certificates", "op": "has", "value": ["tech_sme"]},
        {"fact": "rd_spend", "op": ">=", "value": "50"},
    ]
    assert client.post(reverse("policies:act", args=[policy.pk, "publish"])).status_code == 302
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.PUBLISHED
    # A published policy is not edited.
    assert client.get(reverse("policies:edit", args=[policy.pk])).status_code == 403
    assert client.post(reverse("policies:act", args=[policy.pk, "publish"])).status_code == 409  # published already


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"conditions": "turnover >= 100"}, "there is no fact field “turnover”"),
        ({"valid_to": "2025-12-31"}, "The policy ends (2025-12-31) before it starts (2026-01-01)."),
        ({"mode": "application"}, "names the service item to apply for"),
        ({"benefit_fact": "employees"}, "Select a valid choice. employees is not one of the available choices."),
    ],
)
def test_a_bad_policy_is_refused_with_a_clear_message_and_nothing_saved(
    client, enterprise_officer, district, changes, message
):
    client.force_login(enterprise_officer)
    department = district.departments.get(code="SCJG").pk
    response = client.post(reverse("policies:new"), policy_post(department=department, **changes))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Policy.objects.exists()


def test_other_staff_cannot_write_policies(client, clerk, district):
    client.force_login(clerk)
    assert client.get(reverse("policies:new")).status_code == 403
    assert client.get(reverse("policies:library")).status_code == 403


def _workbook(rows):
    return workbook_bytes([Sheet("policies", COLUMNS, rows)])


def _row(**values):
    base = {
        "title": "稳岗返还",
        "issuer": "长春市人力资源和社会保障局",
        "department": "SCJG",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "mode": "automatic",
        "benefit_kind": "fixed",
        "benefit_amount": "2",
        "conditions": "employees >= 10",
        "is_example": "yes",
    }
    base.update(values)
    return [base.get(c, "") for c in COLUMNS]


def test_policies_are_imported_from_a_workbook(client, enterprise_officer):
    client.force_login(enterprise_officer)
    content = _workbook(
        [_row(), _row(title="研发补助", benefit_kind="share", benefit_rate="5", benefit_fact="rd_spend")]
    )
    upload = {"file": _upload(content), "publish": "on"}
    response = client.post(reverse("policies:import"), upload)
    assert response.status_code == 302
    assert list(Policy.objects.order_by("title").values_list("title", "status")) == [
        ("研发补助", "published"),
        ("稳岗返还", "published"),
    ]


def _upload(content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("policies.xlsx", content)


def test_a_workbook_with_problems_is_refused_row_by_row_and_nothing_is_imported(client, enterprise_officer):
    client.force_login(enterprise_officer)
    content = _workbook(
        [
            _row(),
            _row(conditions="headcount >= 10"),
            _row(valid_to="2025-01-01"),
            _row(department="NOPE", mode="sometimes"),
        ]
    )
    response = client.post(reverse("policies:import"), {"file": _upload(content)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Row 3, column conditions: Condition 1: there is no fact field “headcount”" in page
    assert "Row 4: The policy ends (2025-01-01) before it starts (2026-01-01)." in page
    assert "Row 5, column department: No department of the district has the code “NOPE”." in page
    assert "Row 5, column mode:" in page
    assert not Policy.objects.exists()


def test_an_enterprise_sees_why_it_qualifies_and_receives_with_one_click(
    client, enterprise_user, own_profile, make_policy
):
    make_policy("industry in C37; certificates has high_tech", title="轨道交通装备企业奖励")
    make_policy("employees >= 10; tax_paid >= 20", title="纳税大户奖励")
    make_policy("employees >= 500", title="规模企业奖励")
    client.force_login(enterprise_user)
    page = client.get(reverse("policies:mine")).content.decode()
    assert 'data-match="轨道交通装备企业奖励"' in page
    assert "Industry (GB/T 4754): one of C37 — yours: C3720" in page
    assert 'data-near="纳税大户奖励"' in page and "missing: confirm this fact" in page
    assert "规模企业奖励" not in page
    policy = Policy.objects.get(title="纳税大户奖励")
    receive = reverse("policies:receive", args=[own_profile.pk, policy.pk])
    assert client.get(receive).status_code == 200
    refused = client.post(receive, {"employees": "80", "tax_paid": "5"})
    assert refused.status_code == 400 and "Tax paid last year ≥ 20万" in refused.content.decode()
    assert not Grant.objects.exists()
    assert client.post(receive, {"employees": "80", "tax_paid": "25"}).status_code == 302
    assert Grant.objects.get().enterprise_name == own_profile.name
    again = client.post(receive, {"employees": "80", "tax_paid": "25"})
    assert again.status_code == 409


def test_another_enterprise_cannot_use_my_profile(client, make_profile, own_profile, make_policy, district):
    from dgov.accounts.models import User

    other = User.objects.create(username="other_ent", kind=User.Kind.ENTERPRISE)
    policy = make_policy("")
    client.force_login(other)
    assert client.get(reverse("policies:facts", args=[own_profile.pk])).status_code == 404
    assert client.post(reverse("policies:receive", args=[own_profile.pk, policy.pk])).status_code == 404


def test_the_department_confirms_the_list_on_the_policy_page(client, enterprise_officer, make_policy, make_profile):
    policy = make_policy("employees >= 10", mode="automatic")
    make_profile("甲公司", employees=20)
    make_profile("乙公司", employees=30)
    matching.run(full=True)
    client.force_login(enterprise_officer)
    page = client.get(reverse("policies:policy", args=[policy.pk])).content.decode()
    assert 'data-enterprise="甲公司"' in page and 'data-action="confirm"' in page
    response = client.post(reverse("policies:act", args=[policy.pk, "confirm"]), {"confirm-reason": ""})
    assert response.status_code == 302
    assert Grant.objects.filter(policy=policy).count() == 2


def test_grants_are_published_for_everyone(client, enterprise_user, own_profile, make_policy):
    from dgov.policies.actions import do_receive_one_click

    policy = make_policy("", title="首次升规奖励", benefit_amount=Decimal("5"))
    do_receive_one_click(policy, own_profile, by=enterprise_user)
    page = client.get(reverse("policies:published_grants")).content.decode()
    assert 'data-grant="泰盟（长春）智能科技有限公司"' in page and "首次升规奖励" in page and "5.00" in page
    download = client.get(reverse("policies:published_grants") + "?format=xlsx")
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(reverse("policies:public")).status_code == 200
    assert client.get(reverse("policies:public_policy", args=[policy.pk])).status_code == 200


def test_an_enterprises_page_costs_a_fixed_number_of_queries(client, enterprise_user, own_profile, make_policy, clock):
    clock.set(dt.date(2026, 6, 15))
    for n in range(30):
        make_policy(f"employees >= {n}", title=f"政策{n}")
    client.force_login(enterprise_user)
    client.get(reverse("policies:mine"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("policies:mine"))
    for n in range(30, 60):
        make_policy(f"employees >= {n}", title=f"政策{n}")
    # The first request after a change reads the district's policies afresh (and shows them).
    assert "政策59" in client.get(reverse("policies:mine")).content.decode()
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("policies:mine"))
    assert len(more) == len(few) <= 8


@pytest.fixture
def enterprise_item(district, administrator):
    from dgov.accounts.models import Department
    from dgov.services.actions import do_publish_version
    from dgov.services.models import Audience, OnlineLevel, Trips

    data = {
        "name": "企业研发费用补助申请",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "宽城区惠企政策",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 10,
        "max_trips": Trips.NONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "研发 补助",
    }
    return do_publish_version(None, {"code": "KC-ZC-001", **data}, [], [], by=administrator)


def test_an_approved_one_window_application_is_granted_once_by_its_department(
    client, enterprise_user, own_profile, make_policy, enterprise_item, enterprise_officer
):
    from dgov.accounts.models import Applicant
    from dgov.applications.actions import do_submit
    from dgov.applications.models import Application, Channel
    from dgov.audit.models import AuditEntry

    policy = make_policy("employees >= 500", mode="application", service_item=enterprise_item)
    application, _created = do_submit(
        item=enterprise_item,
        applicant=Applicant.objects.get(user=enterprise_user),
        by=enterprise_user,
        channel=Channel.ONLINE,
        idempotency_key="policy-application",
    )
    grant = reverse("policies:act", args=[policy.pk, "grant"])
    client.force_login(enterprise_officer)
    unknown = client.post(grant, {"grant-number": "NO-SUCH-NUMBER"})
    assert unknown.status_code == 400 and "No application of the district has this number." in unknown.content.decode()
    pending = client.post(grant, {"grant-number": application.number})
    assert pending.status_code == 403 and "The application has not been approved." in pending.content.decode()
    assert not Grant.objects.exists()

    Application.objects.filter(pk=application.pk).update(status="approved", decided_on=dt.date(2026, 6, 12))
    # The department decided on the application: the policy's conditions (employees ≥ 500,
    # which this enterprise does not meet) are not checked again.
    assert client.post(grant, {"grant-number": application.number}).status_code == 302
    granted = Grant.objects.get()
    assert (granted.via, granted.application_id, granted.amount) == ("application", application.pk, Decimal("10"))
    assert AuditEntry.objects.filter(verb="policies.grant", actor=enterprise_officer).count() == 1
    again = client.post(grant, {"grant-number": application.number})
    assert again.status_code == 409 and Grant.objects.count() == 1


def test_on_the_policy_page_every_person_sees_exactly_what_they_may_do(
    client, make_policy, make_profile, enterprise_user, every_role
):
    from dgov.lib.testing import walk_pages

    make_profile("甲公司", employees=20)
    draft = make_policy("employees >= 10", mode="automatic", status=PolicyStatus.DRAFT)
    published = make_policy("employees >= 10", mode="automatic", title="稳岗奖励")
    withdrawn = make_policy("employees >= 10", mode="automatic", title="旧政策", status=PolicyStatus.WITHDRAWN)
    matching.run(full=True)
    people = [enterprise_user, *every_role.values(), *every_role("ZWFW").values()]
    seen: list[tuple[str, str, str]] = []
    problems = []
    for policy in (draft, published, withdrawn):
        verbs = {
            verb: (reverse("policies:act", args=[policy.pk, verb]), data)
            for verb, data in {
                "publish": {},
                "withdraw": {"withdraw-reason": "政策调整"},
                "confirm": {"confirm-reason": ""},
            }.items()
        }
        for person in people:
            problems += walk_pages(client, person, reverse("policies:policy", args=[policy.pk]), verbs, seen=seen)
    assert problems == []
    assert {("every_enterprise_service", verb, "enabled") for verb in ("publish", "withdraw", "confirm")} <= set(seen)
    assert ("every_enterprise_service", "confirm", "disabled") in seen  # the draft: not published yet


def test_the_public_page_links_policies_for_me_only_for_whom_it_opens(client, enterprise_user, clerk):
    mine = f'href="{reverse("policies:mine")}"'
    assert mine in client.get(reverse("policies:public")).content.decode()  # anonymous: the login leads there
    client.force_login(clerk)
    assert mine not in client.get(reverse("policies:public")).content.decode()
    client.force_login(enterprise_user)
    assert mine in client.get(reverse("policies:public")).content.decode()
    assert client.get(reverse("policies:mine")).status_code == 200
