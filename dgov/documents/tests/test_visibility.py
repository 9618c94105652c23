"""Issue 19 §1 (documents): a document is visible exactly to those who may see the
application it belongs to; a locker file to its owner only. Before, any staff member of the
district with the view-document permission downloaded any document by its sequential id."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.accounts.models import Department
from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.applications.tests.conftest import citizen_applicant, item  # noqa: F401 — fixtures used below
from dgov.audit.models import AuditEntry
from dgov.documents.models import Document
from dgov.documents.storage import do_store_upload
from dgov.documents.tests import files

pytestmark = pytest.mark.django_db

# Every staff role granted the view-document permission (documents/permissions.py).
ROLES_WITH_THE_PERMISSION = ["window_clerk", "reviewer", "department_approver", "seal_officer", "centre_supervisor"]


def stored(owner: Any, district: Any, name: str = "营业执照.pdf") -> Document:
    upload = SimpleUploadedFile(name, files.pdf(), content_type="application/pdf")
    return do_store_upload(upload, owner=owner, district=district, label=name)


def download(client: Any, user: Any, document: Document) -> int:
    client.force_login(user)
    return int(client.get(reverse("documents:download", args=[document.pk])).status_code)


@pytest.fixture
def staff(make_staff: Any, district: Any) -> list[Any]:
    """Each role with the permission, in the item's department (SCJG) and, for the
    department-scoped roles, in another one (城管局)."""
    Department.objects.get_or_create(district=district, code="CGJ", defaults={"name": "宽城区城市管理局"})
    people = [make_staff(role, f"{role}-scjg") for role in ROLES_WITH_THE_PERMISSION]
    people += [make_staff(role, f"{role}-cgj", department="CGJ") for role in ("reviewer", "department_approver")]
    return people


@pytest.fixture
def attached(item: Any, citizen: Any, citizen_applicant: Any, district: Any) -> Document:  # noqa: F811
    """The citizen's file handed in as a material of an application to the SCJG."""
    document = stored(citizen, district)
    material = item.current_version.materials.first()
    actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="k1",
        materials=[(material, document, False)],
    )  # fmt: skip
    return document


def test_no_staff_member_downloads_a_locker_file_never_handed_in(client, citizen, district, staff):
    private = stored(citizen, district, "户口簿.pdf")

    answers = {user.username: download(client, user, private) for user in staff}

    assert set(answers.values()) == {404}, answers
    assert not AuditEntry.objects.filter(verb="document.download").exists()
    assert download(client, citizen, private) == 200


def test_a_material_is_downloaded_by_exactly_those_who_see_its_application(client, attached, staff):
    application = Application.objects.get(materials__document=attached)
    expected = {
        user.username: 200 if Application.objects.visible_to(user).filter(pk=application.pk).exists() else 404
        for user in staff
    }
    # The market-supervision case: the 城管局's reviewer and approver do not see it.
    assert expected["reviewer-scjg"] == 200 and expected["reviewer-cgj"] == 404
    assert expected["department_approver-cgj"] == 404

    assert {user.username: download(client, user, attached) for user in staff} == expected
    # Every staff read is audited, with the reader and the district.
    readers = AuditEntry.objects.filter(verb="document.download", object_id=str(attached.pk))
    assert sorted(readers.values_list("actor__username", flat=True)) == sorted(
        name for name, status in expected.items() if status == 200
    )
    assert {entry.district_id for entry in readers} == {attached.district_id}
    # ... and the case page agrees with the download for each of them.
    for user in staff:
        client.force_login(user)
        case = client.get(reverse("applications:case", args=[application.pk])).status_code
        assert case == expected[user.username], user.username


def test_the_owner_still_downloads_what_they_handed_in_and_a_stranger_does_not(
    client, attached, make_staff, other_district
):
    owner = attached.owner
    assert download(client, owner, attached) == 200
    elsewhere = make_staff("window_clerk", "clerk-elsewhere", department=None, in_district=other_district)
    assert download(client, elsewhere, attached) == 404
