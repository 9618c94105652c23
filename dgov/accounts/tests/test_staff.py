import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from dgov.accounts.models import Department, User
from dgov.accounts.roles import Role, all_role_permissions
from dgov.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_every_role_is_a_group_with_exactly_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role.value)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == all_role_permissions()[role]


def test_an_administrator_creates_a_staff_account_and_it_is_audited(client, administrator):
    client.force_login(administrator)
    department = Department.objects.get(code="SCJG")
    response = client.post(
        reverse("accounts:staff_create"),
        {
            "username": "newclerk",
            "full_name": "新人",
            "password": "long-enough-pass-42",
            "roles": ["window_clerk", "reviewer"],
            "department": department.pk,
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newclerk")
    assert user.district == administrator.district
    assert user.role_codes == ["reviewer", "window_clerk"]
    assert user.password.startswith("md5$")  # tests use MD5; production uses Argon2
    entry = AuditEntry.objects.get(verb="staff.create")
    assert entry.actor == administrator
    assert entry.changes["roles"] == [None, ["reviewer", "window_clerk"]]


def test_an_unknown_role_is_refused_with_a_message(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:staff_create"),
        {"username": "x1", "full_name": "X", "password": "long-enough-pass-42", "roles": ["emperor"]},
    )
    assert response.status_code == 400
    assert "emperor is not a known role" in response.content.decode()
    assert not User.objects.filter(username="x1").exists()


def test_a_department_scoped_role_needs_a_department(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("accounts:staff_create"),
        {"username": "x2", "full_name": "X", "password": "long-enough-pass-42", "roles": ["reviewer"]},
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="x2").exists()


def test_only_administrators_manage_staff(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("accounts:staff")).status_code == 403


def test_staff_must_belong_to_a_district(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="nowhere", kind=User.Kind.STAFF)


def test_argon2_is_the_production_hasher(settings):
    from django.conf import global_settings  # noqa: F401

    from dgov import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = User(username="argon")
    user.set_password("long-enough-pass-42")
    assert user.password.startswith("argon2$")


def test_a_role_is_department_scoped_where_that_matters(approver, administrator):
    assert approver.department_scope(Role.DEPARTMENT_APPROVER) == approver.department
    assert administrator.department_scope(Role.ADMINISTRATOR) is None
