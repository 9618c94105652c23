"""Every act on the talent register and programmes: one function, one transaction, its
audit entry with it. An award is once per programme and talent (unique constraint) and
within the programme's quota (conditional UPDATE and CHECK)."""

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from dgov.accounts.models import District, User
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notifications.outbox import notify
from dgov.policies.conditions import Condition
from dgov.talent import rules
from dgov.talent.models import TALENT_FACTS, Award, Programme, Talent

TALENT_FIELDS = (
    "name",
    "id_number",
    "phone",
    "education",
    "title",
    "tier",
    "field_code",
    "employer",
    "project",
    "landed_on",
    "brought_in",
)
PROGRAMME_FIELDS = (
    "name",
    "kind",
    "issuer",
    "document_number",
    "is_example",
    "department",
    "service_item",
    "valid_from",
    "valid_to",
    "benefit",
    "amount",
    "quota",
)


def do_register_talent(district: District, data: Mapping[str, Any], *, by: User) -> Talent:
    enforce(rules.may_keep_register(by, district.pk))
    employer, project = data.get("employer"), data.get("project")
    if employer is not None and employer.district_id != district.pk:
        raise ValidationError(_("The employer must be an enterprise of the district."), code="employer")
    if project is not None and project.district_id != district.pk:
        raise ValidationError(_("The project must be one of the district's."), code="project")
    try:
        with transaction.atomic():
            talent = Talent(district=district, created_by=by)
            for name in TALENT_FIELDS:
                if name in data:
                    setattr(talent, name, data[name])
            talent.save()
            record(
                "talent.register",
                talent,
                actor=by,
                changes={
                    "id_number": talent.masked_id_number,
                    "employer": getattr(employer, "pk", None),
                    "project": getattr(project, "pk", None),
                    "tier": talent.tier,
                },
            )
    except IntegrityError:
        raise ValidationError(_("This ID number is in the register already."), code="duplicate") from None
    return talent


def do_save_programme(
    district: District, data: Mapping[str, Any], conditions: list[Condition], *, by: User
) -> Programme:
    enforce(rules.may_keep_register(by, district.pk))
    if data["valid_to"] < data["valid_from"]:
        raise ValidationError(_("The programme ends before it starts."), code="dates")
    with transaction.atomic():
        programme = Programme(district=district, created_by=by)
        for name in PROGRAMME_FIELDS:
            if name in data:
                setattr(programme, name, data[name])
        programme.conditions = [c.as_data() for c in conditions]
        programme.save()
        record(
            "talent.programme.save",
            programme,
            actor=by,
            changes={"name": programme.name, "conditions": programme.conditions},
        )
    return programme


def talent_of(application: Any) -> Talent | None:
    """The registered talent who filed the application (matched by the ID number)."""
    number = (application.applicant.id_number or "").upper()
    if not number:
        return None
    return Talent.objects.filter(district_id=application.district_id, id_number=number).first()


def do_award(programme: Programme, application: Any, *, by: User) -> Award:
    """Award the programme's benefit on an approved application: the applicant is in the
    register, meets the conditions on the register's facts, has not had it before, and the
    quota is not used up."""
    today = clock.today()
    enforce(rules.may_award(by, programme, application, today))
    talent = talent_of(application)
    if talent is None:
        raise ValidationError(
            _("The applicant is not in the talent register: register them first."), code="not_registered"
        )
    verdict = TALENT_FACTS.check(programme.parsed_conditions, talent, today)
    if not verdict.qualifies:
        raise ValidationError(
            _("%(name)s does not meet: %(conditions)s.")
            % {"name": talent.name, "conditions": "; ".join(c.requirement for c in verdict.unmet + verdict.missing)},
            code="conditions",
        )
    try:
        with transaction.atomic():
            award = Award.objects.create(
                district_id=programme.district_id,
                programme=programme,
                talent=talent,
                application=application,
                amount=programme.amount,
                awarded_on=today,
                by=by,
                facts={c.condition.fact: str(c.value) for c in verdict.checks},
            )
            if not Programme.objects.filter(Q(quota__isnull=True) | Q(awarded__lt=F("quota")), pk=programme.pk).update(
                awarded=F("awarded") + 1
            ):
                raise Conflict(_("The programme's quota is used up."))
    except IntegrityError:
        raise Conflict(_("%(name)s has received this programme already.") % {"name": talent.name}) from None
    record(
        "talent.award",
        award,
        actor=by,
        changes={
            "programme": programme.pk,
            "talent": talent.masked_id_number,
            "application": application.number,
            "amount": format(Decimal(programme.amount).normalize(), "f"),
        },
    )
    user = application.applicant.user
    if user is not None:
        notify(
            district=programme.district,
            recipient=user,
            subject=_("You receive %(programme)s") % {"programme": programme.name},
            body=programme.benefit,
            obj=award,
        )
    return award


def do_reveal(talent: Talent, field: str, reason: str, *, by: User) -> str:
    """One full personal number of a talent; the asking is audited with its reason."""
    enforce(rules.may_reveal(by, talent))
    if field not in ("id_number", "phone"):
        raise ValidationError(_("Only the ID card number or the phone can be shown."))
    with transaction.atomic():
        record("personal_data.reveal", talent, actor=by, changes={"field": field, "reason": reason})
    return str(getattr(talent, field))
