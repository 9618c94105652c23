"""Writes with side effects: each in one transaction with its audit entry."""

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from dgov.accounts import rules
from dgov.accounts.models import Applicant, Department, District, ServiceWindow, User
from dgov.accounts.roles import Role
from dgov.audit.trail import diff, record
from dgov.lib.rules import enforce


def do_create_staff(
    *,
    by: User,
    district: District,
    username: str,
    full_name: str,
    password: str,
    roles: list[str],
    department: Department | None = None,
    window: ServiceWindow | None = None,
) -> User:
    enforce(rules.may_manage_staff(by, district))
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            kind=User.Kind.STAFF,
            district=district,
            department=department,
            window=window,
        )
        user.set_password(password)
        user.save()
        user.groups.set(Group.objects.filter(name__in=[Role(r).value for r in roles]))
        record(
            "staff.create",
            user,
            actor=by,
            changes=diff({}, {"username": username, "department": department, "roles": sorted(roles)}),
        )
        return user


def do_register_applicant(*, by: User | None, district: District, user: User | None = None, **fields: Any) -> Applicant:
    """Register an applicant at a window, or (``by`` None) one who signs up themselves."""
    if by is not None:
        enforce(rules.may_register_applicant(by, district))
    with transaction.atomic():
        applicant = Applicant.objects.create(district=district, user=user, created_by=by, **fields)
        record("applicant.register", applicant, actor=by, changes=diff({}, fields))
        return applicant


def do_reveal(*, by: User, applicant: Applicant, field: str, reason: str) -> str:
    """Show one full personal number; the asking is audited with its reason."""
    enforce(rules.may_reveal(by, applicant.district_id))
    with transaction.atomic():
        record("personal_data.reveal", applicant, actor=by, changes={"field": field, "reason": reason})
    return str(getattr(applicant, field))
