"""Every act on policies and grants: one function, one transaction, its audit entry with it.

Concurrency: a grant inserts its row under the unique constraint (policy, enterprise,
period) and moves the policy's budget and count by a conditional UPDATE in the same
transaction. Of two grants racing for the last of the budget, or for the same enterprise,
one commits and the other raises ``Conflict`` with nothing written.
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from dgov.accounts.models import Applicant, District, User
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notifications.outbox import notify
from dgov.policies import rules
from dgov.policies.conditions import NUMBER, Condition
from dgov.policies.facts import CONFIRMABLE, ENTERPRISE_FACTS, KNOWN_CERTIFICATES, Source
from dgov.policies.models import (
    BenefitKind,
    EnterpriseProfile,
    Grant,
    ListConfirmation,
    Mode,
    Period,
    Policy,
    PolicyMatch,
    PolicyStatus,
    Via,
    certificate_text,
)

POLICY_FIELDS = (
    "title",
    "issuer",
    "document_number",
    "is_example",
    "department",
    "summary",
    "full_text",
    "valid_from",
    "valid_to",
    "mode",
    "service_item",
    "benefit_kind",
    "benefit_amount",
    "benefit_rate",
    "benefit_fact",
    "benefit_cap",
    "period",
    "budget",
    "quota",
)


# Policies -----------------------------------------------------------------------------


def check_policy(data: Mapping[str, Any], district_id: int) -> list[str]:
    """What is wrong with a policy's data as a whole (fields are checked by the form or
    the import first); empty when it may be saved."""
    problems = []
    start, end = data.get("valid_from"), data.get("valid_to")
    if start and end and end < start:
        problems.append(
            _("The policy ends (%(end)s) before it starts (%(start)s).")
            % {"end": end.isoformat(), "start": start.isoformat()}
        )
    department = data.get("department")
    if department is not None and department.district_id != district_id:
        problems.append(_("The granting department must belong to the district."))
    mode = data.get("mode")
    item = data.get("service_item")
    if mode == Mode.APPLICATION and item is None:
        problems.append(_("A policy received through an ordinary application names the service item to apply for."))
    if item is not None and item.district_id != district_id:
        problems.append(_("The service item must belong to the district."))
    if data.get("benefit_kind") == BenefitKind.FIXED:
        if not data.get("benefit_amount") or data["benefit_amount"] <= 0:
            problems.append(_("A fixed benefit needs an amount above 0."))
    elif data.get("benefit_kind") == BenefitKind.SHARE:
        rate, fact = data.get("benefit_rate"), data.get("benefit_fact") or ""
        if not rate or rate <= 0 or rate > 100:
            problems.append(_("A share is between 0 and 100%."))
        if fact not in [f.name for f in ENTERPRISE_FACTS.facts if f.kind == NUMBER]:
            problems.append(
                _("The share is of a money fact: %(facts)s.")
                % {"facts": ", ".join(f.name for f in ENTERPRISE_FACTS.facts if f.kind == NUMBER)}
            )
    for name in ("benefit_cap", "budget"):
        if data.get(name) is not None and data[name] <= 0:
            problems.append(_("A cap or budget is above 0."))
    return problems


def _snapshot(policy: Policy) -> dict[str, Any]:
    values = {
        name: getattr(policy, f"{name}_id" if name in ("department", "service_item") else name)
        for name in POLICY_FIELDS
    }
    values["conditions"] = policy.conditions
    return {k: (str(v) if isinstance(v, Decimal | dt.date) else v) for k, v in values.items()}


def do_save_policy(
    district: District,
    data: Mapping[str, Any],
    conditions: list[Condition],
    *,
    by: User,
    policy: Policy | None = None,
) -> Policy:
    """Write a new policy as a draft, or change a draft."""
    enforce(rules.may_manage_policies(by, district.pk) if policy is None else rules.may_edit(by, policy))
    problems = check_policy(data, district.pk)
    if problems:
        raise ValidationError(problems, code="policy")
    with transaction.atomic():
        if policy is None:
            policy = Policy(district=district, created_by=by)
            before: dict[str, Any] = {}
        else:
            changed = Policy.objects.filter(pk=policy.pk, status=PolicyStatus.DRAFT).update(updated_at=clock.now())
            if not changed:
                raise Conflict(_("The policy was published meanwhile: it is no longer edited."))
            before = _snapshot(policy)
        for name in POLICY_FIELDS:
            if name in data:
                setattr(policy, name, data[name])
        policy.benefit_fact = policy.benefit_fact if policy.benefit_kind == BenefitKind.SHARE else ""
        policy.conditions = [c.as_data() for c in conditions]
        policy.save()
        after = _snapshot(policy)
        record(
            "policies.policy.save",
            policy,
            actor=by,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )
    return policy


def do_publish(policy: Policy, *, by: User) -> None:
    enforce(rules.may_publish(by, policy))
    with transaction.atomic():
        if not Policy.objects.filter(pk=policy.pk, status=PolicyStatus.DRAFT).update(
            status=PolicyStatus.PUBLISHED, updated_at=clock.now()
        ):
            raise Conflict(_("The policy was published or withdrawn meanwhile."))
        policy.status = PolicyStatus.PUBLISHED
        record("policies.policy.publish", policy, actor=by, changes={"status": ["draft", "published"]})


def do_withdraw(policy: Policy, *, by: User, reason: str) -> None:
    """Withdraw a published policy: it matches no one from now on; grants stay."""
    enforce(rules.may_withdraw(by, policy))
    if not reason.strip():
        raise ValidationError(_("A withdrawal states its reason."), code="reason")
    with transaction.atomic():
        if not Policy.objects.filter(pk=policy.pk, status=PolicyStatus.PUBLISHED).update(
            status=PolicyStatus.WITHDRAWN, updated_at=clock.now()
        ):
            raise Conflict(_("The policy was withdrawn meanwhile."))
        now = clock.now()
        PolicyMatch.objects.filter(policy=policy, active=True).update(active=False, lapsed_at=now)
        policy.status = PolicyStatus.WITHDRAWN
        record(
            "policies.policy.withdraw",
            policy,
            actor=by,
            changes={"status": ["published", "withdrawn"], "reason": reason},
        )


def do_import_policies(district: District, content: bytes, *, by: User, publish: bool = False) -> list[Policy]:
    """Import the ``policies`` sheet (see ``spreadsheet``): every row checked, all
    problems reported by row and column, nothing imported unless every row is right."""
    from dgov.policies.spreadsheet import read_policies

    enforce(rules.may_manage_policies(by, district.pk))
    rows = read_policies(content, district)
    created = []
    with transaction.atomic():
        for data, conditions in rows:
            policy = do_save_policy(district, data, conditions, by=by)
            if publish:
                do_publish(policy, by=by)
            created.append(policy)
        record("policies.policy.import", None, actor=by, district=district, changes={"rows": len(created)})
    return created


# Enterprise facts ---------------------------------------------------------------------


def profile_for(applicant: Applicant) -> EnterpriseProfile:
    """The enterprise's profile, made from its registration the first time it is needed."""
    found = EnterpriseProfile.objects.filter(applicant=applicant).select_related("applicant").first()
    if found is not None:
        return found
    if applicant.kind != Applicant.Kind.ENTERPRISE:
        raise ValidationError(_("Only an enterprise has an enterprise profile."), code="kind")
    try:
        with transaction.atomic():
            profile = EnterpriseProfile(
                district_id=applicant.district_id,
                applicant=applicant,
                name=applicant.name,
                credit_code=applicant.credit_code,
                sources={"region": Source.REGISTRATION} if applicant.credit_code else {},
            )
            profile.save()
    except IntegrityError:
        profile = EnterpriseProfile.objects.get(applicant=applicant)
    profile.applicant = applicant
    return profile


def fact_values(profile: EnterpriseProfile) -> dict[str, Any]:
    """The confirmable facts as a form's initial data."""
    values: dict[str, Any] = {}
    for name in CONFIRMABLE:
        fact = ENTERPRISE_FACTS[name]
        value = getattr(profile, fact.column)
        values[name] = sorted(profile.certificate_set) if name == "certificates" else value
    return values


def do_confirm_facts(profile: EnterpriseProfile, facts: Mapping[str, Any], *, by: User) -> list[str]:
    """The enterprise confirms or corrects its facts; each changed fact is marked as its
    own word. Returns the names of the facts that changed."""
    enforce(rules.may_confirm_facts(by, profile))
    unknown = set(facts) - set(CONFIRMABLE)
    if unknown:
        raise ValidationError(
            _("These facts are not the enterprise's to confirm: %(facts)s.") % {"facts": ", ".join(sorted(unknown))}
        )
    changes: dict[str, list[Any]] = {}
    with transaction.atomic():
        locked = EnterpriseProfile.objects.select_for_update().get(pk=profile.pk)
        sources = dict(locked.sources)
        for name, value in facts.items():
            fact = ENTERPRISE_FACTS[name]
            if name == "certificates":
                # The form offers the well-known certificates; others (the platform's own
                # certificate types) stay as the platform recorded them.
                kept = locked.certificate_set - set(KNOWN_CERTIFICATES)
                value = certificate_text(set(value or []) | kept)
            before = getattr(locked, fact.column)
            if before != value or sources.get(name) != Source.CONFIRMED:
                setattr(locked, fact.column, value)
                sources[name] = Source.CONFIRMED
                changes[name] = [_plain(before), _plain(value)]
        locked.sources = sources
        locked.confirmed_at = clock.now()
        locked.save()
        record("policies.facts.confirm", locked, actor=by, changes=changes)
    for field in ("sources", "confirmed_at", *[ENTERPRISE_FACTS[n].column for n in facts]):
        setattr(profile, field, getattr(locked, field))
    profile.rd_intensity = locked.rd_intensity
    return list(changes)


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def facts_snapshot(profile: EnterpriseProfile, policy: Policy) -> dict[str, Any]:
    """{fact: [value, source]} of the facts the policy's conditions and benefit read."""
    names = {c.fact for c in policy.parsed_conditions}
    if policy.benefit_kind == BenefitKind.SHARE:
        names.add(policy.benefit_fact)
    snapshot = {}
    for name in sorted(names):
        fact = ENTERPRISE_FACTS[name]
        value = getattr(profile, fact.column)
        snapshot[name] = [_plain(value), profile.sources.get(name, "")]
    return snapshot


# Grants -------------------------------------------------------------------------------


def _grant(
    policy: Policy,
    profile: EnterpriseProfile,
    *,
    by: User,
    via: str,
    today: dt.date,
    application: Any = None,
    confirmation: ListConfirmation | None = None,
    check_conditions: bool = True,
) -> Grant:
    """Grant ``policy`` to ``profile`` (the caller has enforced who may): conditions hold on
    today's facts, once in the period, within the budget and quota. Runs in the caller's
    transaction; raises ``ValidationError`` (does not qualify) or ``Conflict``."""
    if check_conditions:
        verdict = ENTERPRISE_FACTS.check(policy.parsed_conditions, profile, today)
        if not verdict.qualifies:
            reasons = [c.requirement for c in verdict.unmet + verdict.missing]
            raise ValidationError(
                _("%(name)s does not meet: %(conditions)s.") % {"name": profile.name, "conditions": "; ".join(reasons)},
                code="conditions",
            )
    amount, formula = policy.benefit_for(profile)
    if amount is None or amount <= 0:
        raise ValidationError(
            _("The amount for %(name)s cannot be worked out: the fact %(fact)s is missing.")
            % {"name": profile.name, "fact": policy.benefit_fact},
            code="amount",
        )
    period = policy.period_key(today)
    if Grant.objects.filter(policy=policy, profile=profile, period_key=period).exists():
        raise Conflict(_("%(name)s has already received this policy in this period.") % {"name": profile.name})
    now = clock.now()
    try:
        with transaction.atomic():
            grant = Grant.objects.create(
                district_id=policy.district_id,
                policy=policy,
                profile=profile,
                enterprise_name=profile.name,
                period_key=period,
                amount=amount,
                formula=formula[:300],
                via=via,
                application=application,
                confirmation=confirmation,
                facts=facts_snapshot(profile, policy),
                granted_on=today,
                granted_at=now,
                by=by,
            )
            room = Q(budget__isnull=True) | Q(granted_total__lte=F("budget") - amount)
            room &= Q(quota__isnull=True) | Q(grant_count__lt=F("quota"))
            if not Policy.objects.filter(room, pk=policy.pk).update(
                granted_total=F("granted_total") + amount, grant_count=F("grant_count") + 1
            ):
                raise Conflict(
                    _("The policy's budget or quota is used up: %(name)s cannot receive %(amount)s万.")
                    % {"name": profile.name, "amount": _plain(amount)}
                )
    except IntegrityError:
        raise Conflict(
            _("%(name)s has already received this policy in this period.") % {"name": profile.name}
        ) from None
    record(
        "policies.grant",
        grant,
        actor=by,
        changes={
            "policy": policy.pk,
            "enterprise": profile.pk,
            "amount": _plain(amount),
            "period": period,
            "via": via,
            "formula": formula,
        },
    )
    user = profile.applicant.user
    if user is not None:
        notify(
            district=policy.district,
            recipient=user,
            subject=_("You have received %(policy)s") % {"policy": policy.title},
            body=_("%(name)s receives %(amount)s万 under %(policy)s (%(how)s).")
            % {"name": profile.name, "amount": _plain(amount), "policy": policy.title, "how": Via(via).label},
            obj=grant,
        )
    return grant


def do_receive_one_click(
    policy: Policy, profile: EnterpriseProfile, *, by: User, facts: Mapping[str, Any] | None = None
) -> Grant:
    """即申即享: the enterprise confirms the pre-filled facts and receives the benefit at
    once when the conditions hold on them."""
    today = clock.today()
    enforce(rules.may_receive(by, policy, profile, today))
    with transaction.atomic():
        if facts:
            do_confirm_facts(profile, facts, by=by)
        return _grant(policy, profile, by=by, via=Via.ONE_CLICK, today=today)


def do_grant_from_application(policy: Policy, application: Any, *, by: User) -> Grant:
    """The application for the policy's item was approved: grant the benefit it decided."""
    today = clock.today()
    enforce(rules.may_grant_from_application(by, policy, application, today))
    profile = profile_for(application.applicant)
    with transaction.atomic():
        return _grant(
            policy,
            profile,
            by=by,
            via=Via.APPLICATION,
            today=today,
            application=application,
            check_conditions=False,  # the department decided on the application
        )


def pending_list(policy: Policy, today: dt.date) -> Any:
    """The matched enterprises that have not yet received the policy in this period."""
    received = Grant.objects.filter(policy=policy, period_key=policy.period_key(today)).values("profile_id")
    return (
        PolicyMatch.objects.filter(policy=policy, active=True)
        .exclude(profile_id__in=received)
        .select_related("profile__applicant")
        .order_by("profile__name", "pk")
    )


def do_confirm_list(policy: Policy, *, by: User, exclude: Iterable[int] = (), reason: str = "") -> ListConfirmation:
    """免申即享: the department confirms the list of matched enterprises and each is granted.

    1. Each enterprise on the list is checked again on today's facts (they may have changed
       since the matching job ran).
    2. The benefit is granted in the order of the list until the budget or quota runs out;
       the rest are recorded as skipped, with the reason.
    3. Enterprises the department takes off the list are skipped with the stated reason.
    """
    today = clock.today()
    enforce(rules.may_confirm_list(by, policy, today))
    excluded = set(exclude)
    if excluded and not reason.strip():
        raise ValidationError(_("Say why enterprises are taken off the list."), code="reason")
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if not locked.in_force_on(today):
            raise Conflict(_("The policy is no longer in force."))
        confirmation = ListConfirmation.objects.create(
            district_id=policy.district_id, policy=policy, by=by, at=clock.now()
        )
        skipped: list[dict[str, Any]] = []
        granted, total = 0, Decimal(0)
        for match in pending_list(locked, today):
            profile = match.profile
            if profile.pk in excluded:
                skipped.append({"profile": profile.pk, "name": profile.name, "reason": reason})
                continue
            try:
                with transaction.atomic():
                    grant = _grant(locked, profile, by=by, via=Via.AUTOMATIC, today=today, confirmation=confirmation)
            except (ValidationError, Conflict) as error:
                message = "; ".join(error.messages) if isinstance(error, ValidationError) else error.message
                skipped.append({"profile": profile.pk, "name": profile.name, "reason": message})
                continue
            granted += 1
            total += grant.amount
            locked.granted_total = Decimal(locked.granted_total) + grant.amount
            locked.grant_count += 1
        confirmation.granted, confirmation.granted_amount, confirmation.skipped = granted, total, skipped
        confirmation.save(update_fields=["granted", "granted_amount", "skipped"])
        record(
            "policies.list.confirm",
            confirmation,
            actor=by,
            changes={"policy": policy.pk, "granted": granted, "amount": _plain(total), "skipped": len(skipped)},
        )
    return confirmation


def period_label(policy: Policy, key: str) -> str:
    return str(Period(policy.period).label) if key == "once" else key
