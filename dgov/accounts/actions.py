"""Writes with side effects: each in one transaction with its audit entry."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts import rules
from dgov.accounts.models import Agent, Applicant, Department, District, ServiceWindow, User
from dgov.accounts.roles import Role
from dgov.audit.trail import diff, record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.personal import mask_phone
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


# Applicants' own accounts ----------------------------------------------------------------


def do_sign_up(
    *,
    district: District,
    kind: str,
    username: str,
    password: str,
    phone: str,
    email: str = "",
    profile: dict[str, Any],
) -> User:
    """Open an applicant account whose ``phone`` was just proved by a code
    (``codes.check_code``), with its applicant profile in ``district``: a citizen's, or an
    enterprise's registered by its legal representative. No password: log-in by code only."""
    from dgov.accounts.codes import verified

    with transaction.atomic():
        user = User(
            username=username,
            kind=User.Kind.ENTERPRISE if kind == Applicant.Kind.ENTERPRISE else User.Kind.CITIZEN,
            full_name=profile["name"],
            email=email,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        verified(user, phone)
        do_register_applicant(by=None, district=district, user=user, kind=kind, phone=phone, **profile)
        record("account.sign_up", user, actor=user, changes={"kind": kind, "password": bool(password)})
    return user


def do_set_password(user: User, password: str, *, how: str) -> None:
    """Set ``user``'s password (changed by them, or reset by a code or an e-mail link:
    ``how``); audited, without the password."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        record("account.password_set", user, actor=user, changes={"how": how})


# Enterprises and their agents (经办人) -----------------------------------------------------


def do_add_agent(*, by: User, enterprise: Applicant, name: str, phone: str, **permissions: bool) -> Agent:
    """Add an employee as ``enterprise``'s agent; linked at once to the account that has
    proved ``phone``, else when one does. The employee is told by text message."""
    from dgov.accounts.codes import account_for
    from dgov.notifications.outbox import notify

    enforce(rules.may_manage_agents(by, enterprise))
    holder = account_for(phone)
    with transaction.atomic():
        agent = Agent.objects.create(
            enterprise=enterprise,
            user=holder,
            name=name,
            phone=phone,
            added_by=by,
            added_at=clock.now(),
            **{k: bool(v) for k, v in permissions.items() if k in Agent.PERMISSIONS},
        )
        record(
            "enterprise.agent_add",
            agent,
            actor=by,
            district=enterprise.district,
            changes={"enterprise": enterprise.credit_code, "phone": mask_phone(phone), **_grants(agent)},
        )
        with translation.override(settings.LANGUAGE_CODE):
            notify(
                district=enterprise.district,
                recipient=holder,
                subject=_("You act for %(enterprise)s") % {"enterprise": enterprise.name},
                body=_(
                    "%(enterprise)s added you as its agent on the district's service platform. Log in, or open an "
                    "account, with this mobile number to act for it."
                )
                % {"enterprise": enterprise.name},
                email=False,
                sms_to=phone,
            )
    return agent


def _grants(agent: Agent) -> dict[str, bool]:
    return {name: bool(getattr(agent, name)) for name in Agent.PERMISSIONS}


def do_change_agent(*, by: User, agent: Agent, **permissions: bool) -> None:
    enforce(rules.may_manage_agents(by, agent.enterprise))
    with transaction.atomic():
        before = _grants(agent)
        for name in Agent.PERMISSIONS:
            if name in permissions:
                setattr(agent, name, bool(permissions[name]))
        changed = Agent.objects.filter(pk=agent.pk, removed_at__isnull=True).update(**_grants(agent))
        if not changed:
            raise Conflict(_("This agent was removed a moment ago."))
        record(
            "enterprise.agent_change",
            agent,
            actor=by,
            district=agent.enterprise.district,
            changes=diff(before, _grants(agent)),
        )


def do_remove_agent(*, by: User, agent: Agent) -> None:
    enforce(rules.may_manage_agents(by, agent.enterprise))
    with transaction.atomic():
        if not Agent.objects.filter(pk=agent.pk, removed_at__isnull=True).update(removed_at=clock.now()):
            raise Conflict(_("This agent was removed a moment ago."))
        record("enterprise.agent_remove", agent, actor=by, district=agent.enterprise.district)
