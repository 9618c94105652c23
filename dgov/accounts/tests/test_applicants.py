import pytest
from django.urls import reverse

from dgov.accounts.models import Applicant
from dgov.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)


def test_a_clerk_registers_a_walk_in_citizen_and_the_trail_keeps_the_number_masked(client, clerk):
    login(client, clerk)
    response = client.post(
        reverse("accounts:applicant_create"),
        {"kind": "citizen", "name": "王芳", "id_number": "11010519491231002x", "phone": "13812345678"},
    )
    assert response.status_code == 302
    applicant = Applicant.objects.get()
    assert applicant.id_number == "11010519491231002X"
    assert applicant.district == clerk.district
    entry = AuditEntry.objects.get(verb="applicant.register")
    assert entry.actor == clerk
    assert entry.changes["id_number"] == [None, "110105********002X"]
    assert "11010519491231002X" not in str(entry.changes)


def test_a_bad_id_number_gets_a_field_error_and_writes_nothing(client, clerk):
    login(client, clerk)
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("accounts:applicant_create"),
        {"kind": "citizen", "name": "王芳", "id_number": "110105194912310021"},
    )
    assert response.status_code == 400
    assert "check character is wrong" in response.content.decode()
    assert not Applicant.objects.exists()
    assert AuditEntry.objects.count() == before


def test_an_enterprise_needs_a_valid_credit_code(client, clerk):
    login(client, clerk)
    response = client.post(
        reverse("accounts:applicant_create"),
        {"kind": "enterprise", "name": "某公司", "credit_code": "91350100M000100Y44"},
    )
    assert response.status_code == 400
    assert "should be 3" in response.content.decode()


def test_the_applicant_list_masks_numbers(client, clerk, citizen):
    login(client, clerk)
    page = client.get(reverse("accounts:applicants")).content.decode()
    assert "110105********002X" in page
    assert "138****5678" in page
    assert "11010519491231002X" not in page
    assert "13812345678" not in page


def test_revealing_a_number_needs_a_reason_and_is_audited(client, clerk, citizen):
    login(client, clerk)
    applicant = Applicant.objects.get()
    url = reverse("accounts:reveal", args=[applicant.pk])
    assert client.post(url, {"field": "id_number", "reason": ""}).status_code == 400
    assert not AuditEntry.objects.filter(verb="personal_data.reveal").exists()
    response = client.post(url, {"field": "id_number", "reason": "核对身份证原件"})
    assert response.status_code == 200
    assert "11010519491231002X" in response.content.decode()
    entry = AuditEntry.objects.get(verb="personal_data.reveal")
    assert entry.actor == clerk
    assert entry.changes == {"field": "id_number", "reason": "核对身份证原件"}
    assert entry.object_id == str(applicant.pk)


def test_a_role_without_the_right_cannot_reveal(client, approver, citizen):
    login(client, approver)
    applicant = Applicant.objects.get()
    response = client.post(reverse("accounts:reveal", args=[applicant.pk]), {"field": "id_number", "reason": "想看看"})
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(verb="personal_data.reveal").exists()


def test_staff_of_another_district_do_not_see_the_applicant(client, make_staff, other_district, citizen):
    stranger = make_staff("window_clerk", "stranger", department=None, in_district=other_district)
    login(client, stranger)
    applicant = Applicant.objects.get()
    assert "李华" not in client.get(reverse("accounts:applicants")).content.decode()
    response = client.post(
        reverse("accounts:reveal", args=[applicant.pk]), {"field": "id_number", "reason": "核对身份"}
    )
    assert response.status_code == 404
