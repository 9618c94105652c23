"""Every act of financing matching: one function, one transaction, its audit entry with it.

Concurrency: answers and escalations are conditional UPDATEs (``WHERE status = 'pending'``
and, for an escalation, the level and due date it saw); a need is financed once
(``WHERE status = 'open'``). Whoever comes second gets ``Conflict`` and nothing is written.
"""

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import District, User
from dgov.accounts.roles import Role
from dgov.audit.trail import record
from dgov.financing import rules
from dgov.financing.models import (
    Bank,
    BankOfficer,
    Collateral,
    FinancingNeed,
    Level,
    NeedStatus,
    Offer,
    OfferStatus,
    OfferStep,
    Product,
)
from dgov.financing.permissions import SUPERVISE
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce
from dgov.notifications.outbox import notify
from dgov.policies.conditions import Condition
from dgov.policies.facts import ENTERPRISE_FACTS
from dgov.policies.models import EnterpriseProfile
from dgov.workdays.actions import do_close_deadline, do_create_deadline
from dgov.workdays.models import CountedFrom, Deadline


def _plain(value: Any) -> Any:
    return format(Decimal(value).normalize(), "f") if isinstance(value, Decimal) else value


# Banks and products -----------------------------------------------------------------------


def do_add_bank(district: District, *, name: str, branch: str = "", by: User, is_example: bool = False) -> Bank:
    enforce(rules.may_manage_banks(by, district.pk))
    try:
        with transaction.atomic():
            bank = Bank.objects.create(
                district=district, name=name.strip(), branch=branch.strip(), is_example=is_example, created_by=by
            )
            record("financing.bank.add", bank, actor=by, changes={"name": bank.name, "branch": bank.branch})
    except IntegrityError:
        raise ValidationError(_("This bank is registered already."), code="duplicate") from None
    return bank


def do_add_officer(bank: Bank, *, username: str, full_name: str, password: str, by: User) -> BankOfficer:
    """A login for a bank's staff member: an outside user acting for this bank only."""
    enforce(rules.may_manage_banks(by, bank.district_id))
    if User.objects.filter(username=username).exists():
        raise ValidationError(_("The user name %(name)s is taken.") % {"name": username}, code="username")
    user = User(username=username, full_name=full_name, kind=User.Kind.ENTERPRISE)
    validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save()
        officer = BankOfficer.objects.create(bank=bank, user=user, added_by=by)
        record("financing.officer.add", officer, actor=by, district=bank.district, changes={"user": username})
    return officer


def check_product(data: Mapping[str, Any]) -> list[str]:
    problems = []
    pairs = [
        ("rate_min", "rate_max", _("The lowest rate is above the highest.")),
        ("term_min", "term_max", _("The shortest term is longer than the longest.")),
        ("amount_min", "amount_max", _("The smallest loan is above the largest.")),
    ]
    for low, high, message in pairs:
        if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
            problems.append(str(message))
    if not data.get("collateral"):
        problems.append(_("Name at least one kind of collateral (or none, for credit)."))
    return problems


def do_save_product(
    bank: Bank, data: Mapping[str, Any], conditions: list[Condition], *, by: User, product: Product | None = None
) -> Product:
    enforce(rules.may_manage_products(by, bank))
    problems = check_product(data)
    if problems:
        raise ValidationError(problems, code="product")
    fields = ("name", "kind", "rate_min", "rate_max", "term_min", "term_max", "amount_min", "amount_max")
    try:
        with transaction.atomic():
            if product is None:
                product = Product(district_id=bank.district_id, bank=bank, created_by=by)
            for name in (*fields, "answer_days", "description", "is_example", "active"):
                if name in data:
                    setattr(product, name, data[name])
            product.collateral = "," + ",".join(sorted(data["collateral"])) + ","
            product.conditions = [c.as_data() for c in conditions]
            product.save()
            record(
                "financing.product.save",
                product,
                actor=by,
                district=bank.district,
                changes={k: _plain(getattr(product, k)) for k in fields} | {"conditions": product.conditions},
            )
    except IntegrityError:
        raise ValidationError(_("The bank has a product of this name already."), code="duplicate") from None
    return product


# Needs ------------------------------------------------------------------------------------


def fits(product: Product, need: FinancingNeed, profile: EnterpriseProfile, today: dt.date) -> bool:
    """A product fits a need: amount and term within its limits, the collateral accepted,
    and the enterprise meets the product's conditions on the facts the platform holds."""
    return (
        product.amount_min <= need.amount <= product.amount_max
        and product.term_min <= need.term_months <= product.term_max
        and need.collateral in product.collateral_set
        and ENTERPRISE_FACTS.check(product.parsed_conditions, profile, today).qualifies
    )


def _deadline(need: FinancingNeed, product: Product, start: dt.date, days: int) -> Deadline:
    """A level's time limit for an answer, counted in working days from the day the need
    reached that level (sent to the bank, or escalated): that day is not counted."""
    return do_create_deadline(
        district=need.district_id,
        label=f"{need.profile.name} → {product}",
        start_date=start,
        counted_from=CountedFrom.ROUTED,
        working_days=days,
    )


def send_need(need: FinancingNeed, today: dt.date) -> list[Offer]:
    """Send the need to every active product it fits and has not been sent to; each bank's
    officers are told, with the due date. Runs in the caller's transaction."""
    sent = set(Offer.objects.filter(need=need).values_list("product_id", flat=True))
    products = (
        Product.objects.filter(district_id=need.district_id, active=True, bank__active=True)
        .exclude(pk__in=sent)
        .select_related("bank")
    )
    offers = []
    for product in products:
        if not fits(product, need, need.profile, today):
            continue
        deadline = _deadline(need, product, today, product.answer_days)
        offer = Offer.objects.create(
            district_id=need.district_id,
            need=need,
            product=product,
            bank=product.bank,
            sent_on=today,
            deadline=deadline,
        )
        OfferStep.objects.create(offer=offer, at=clock.now(), level=Level.BANK, verb="sent", deadline=deadline)
        offers.append(offer)
        for officer in product.bank.officers.filter(active=True).select_related("user"):
            notify(
                district=need.district,
                recipient=officer.user,
                subject=_("A financing need for %(product)s") % {"product": product.name},
                body=_("%(name)s needs %(amount)s万 for %(months)s months (%(purpose)s). Please answer by %(due)s.")
                % {
                    "name": need.profile.name,
                    "amount": _plain(need.amount),
                    "months": need.term_months,
                    "purpose": need.purpose,
                    "due": deadline.due_text,
                },
                obj=offer,
            )
    return offers


def do_submit_need(
    profile: EnterpriseProfile,
    *,
    by: User,
    amount: Decimal,
    term_months: int,
    purpose: str,
    collateral: str,
    idempotency_key: str = "",
) -> FinancingNeed:
    """The enterprise states a need; it goes at once to every product it fits. A repeated
    submission (same key) returns the first need."""
    enforce(rules.may_submit_need(by, profile))
    if idempotency_key:
        found = FinancingNeed.objects.filter(profile=profile, idempotency_key=idempotency_key).first()
        if found is not None:
            return found
    if amount <= 0 or term_months < 1:
        raise ValidationError(_("A need has an amount above 0 and a term of at least one month."), code="amount")
    if collateral not in Collateral.values:
        raise ValidationError(_("Choose the collateral offered."), code="collateral")
    today = clock.today()
    try:
        with transaction.atomic():
            need = FinancingNeed.objects.create(
                district_id=profile.district_id,
                profile=profile,
                amount=amount,
                term_months=term_months,
                purpose=purpose.strip(),
                collateral=collateral,
                submitted_by=by,
                submitted_at=clock.now(),
                submitted_on=today,
                idempotency_key=idempotency_key,
            )
            offers = send_need(need, today)
            if not offers:
                need.status = NeedStatus.UNMATCHED
                need.save(update_fields=["status"])
            record(
                "financing.need.submit",
                need,
                actor=by,
                changes={
                    "amount": _plain(amount),
                    "term": term_months,
                    "collateral": collateral,
                    "sent_to": [o.product_id for o in offers],
                },
            )
    except IntegrityError:
        found = FinancingNeed.objects.filter(profile=profile, idempotency_key=idempotency_key).first()
        if found is None:
            raise
        return found
    return need


def do_withdraw_need(need: FinancingNeed, *, by: User) -> None:
    enforce(rules.may_withdraw_need(by, need))
    with transaction.atomic():
        FinancingNeed.objects.select_for_update().filter(pk=need.pk).first()
        if not FinancingNeed.objects.filter(pk=need.pk, status__in=[NeedStatus.OPEN, NeedStatus.UNMATCHED]).update(
            status=NeedStatus.WITHDRAWN
        ):
            raise Conflict(_("The need was answered meanwhile."))
        _close_others(need, keep=None, by=by, verb="withdrawn")
        need.status = NeedStatus.WITHDRAWN
        record("financing.need.withdraw", need, actor=by, changes={"status": ["open", "withdrawn"]})


def _close_others(need: FinancingNeed, *, keep: Offer | None, by: User, verb: str) -> None:
    others = Offer.objects.filter(need=need, status=OfferStatus.PENDING).select_related("deadline")
    if keep is not None:
        others = others.exclude(pk=keep.pk)
    now = clock.now()
    for offer in others:
        if Offer.objects.filter(pk=offer.pk, status=OfferStatus.PENDING).update(status=OfferStatus.WITHDRAWN):
            OfferStep.objects.create(offer=offer, at=now, level=offer.level, verb=verb, by=by)
            do_close_deadline(offer.deadline, at=now)


def do_answer(
    offer: Offer,
    *,
    by: User,
    grant: bool,
    amount: Decimal | None = None,
    rate: Decimal | None = None,
    term_months: int | None = None,
    reason: str = "",
) -> Offer:
    """The bank's answer: the loan granted (amount, rate, term within the product's
    ranges, no more than asked) or declined with the reason. A grant finances the need and
    closes its other offers. A second answer (a repeated click, or two officers at once) is
    a ``Conflict``."""
    enforce(rules.may_answer(by, offer))
    product, need = offer.product, offer.need
    today = clock.today()
    if grant:
        problems = []
        if amount is None or amount <= 0 or amount > need.amount or amount > product.amount_max:
            problems.append(
                _(
                    "The amount granted is above 0 and at most what was asked (%(asked)s万) and the product's largest loan (%(max)s万)."
                )
                % {"asked": _plain(need.amount), "max": _plain(product.amount_max)}
            )
        if rate is None or not product.rate_min <= rate <= product.rate_max:
            problems.append(
                _("The rate is within the product's range, %(low)s%%–%(high)s%%.")
                % {"low": _plain(product.rate_min), "high": _plain(product.rate_max)}
            )
        if term_months is None or not product.term_min <= term_months <= product.term_max:
            problems.append(
                _("The term is within the product's range, %(low)s–%(high)s months.")
                % {"low": product.term_min, "high": product.term_max}
            )
        if problems:
            raise ValidationError(problems, code="terms")
    elif not reason.strip():
        raise ValidationError(_("A declined need states the reason, for the enterprise."), code="reason")
    status = OfferStatus.GRANTED if grant else OfferStatus.DECLINED
    with transaction.atomic():
        # The need's row first, as every act on a need does: no two acts wait on each other.
        FinancingNeed.objects.select_for_update().filter(pk=need.pk).first()
        if not Offer.objects.filter(pk=offer.pk, status=OfferStatus.PENDING).update(
            status=status,
            answered_on=today,
            answered_by=by,
            amount=amount if grant else None,
            rate=rate if grant else None,
            term_months=term_months if grant else None,
            reason=reason.strip(),
        ):
            raise Conflict(_("This need was answered or withdrawn meanwhile."))
        deadline = Deadline.objects.get(pk=offer.deadline_id)
        on_time = not deadline.ended(today)
        do_close_deadline(deadline)
        if grant:
            if not FinancingNeed.objects.filter(pk=need.pk, status=NeedStatus.OPEN).update(
                status=NeedStatus.FINANCED,
                granted_amount=amount,
                granted_rate=rate,
                granted_on=today,
                granted_product=product,
            ):
                raise Conflict(_("The need is financed already or was withdrawn."))
            _close_others(need, keep=offer, by=by, verb="withdrawn")
        elif not Offer.objects.filter(need=need, status__in=[OfferStatus.PENDING, OfferStatus.GRANTED]).exists():
            FinancingNeed.objects.filter(pk=need.pk, status=NeedStatus.OPEN).update(status=NeedStatus.DECLINED)
        OfferStep.objects.create(
            offer=offer, at=clock.now(), level=offer.level, verb=status, note=reason.strip()[:300], by=by
        )
        offer.refresh_from_db()
        record(
            "financing.offer.answer",
            offer,
            actor=by,
            changes={
                "status": ["pending", str(status)],
                "amount": _plain(amount),
                "rate": _plain(rate),
                "term": term_months,
                "reason": reason,
                "on_time": on_time,
            },
        )
        user = need.profile.applicant.user
        if user is not None:
            body = (
                _("%(bank)s grants %(amount)s万 at %(rate)s%% for %(months)s months.")
                % {"bank": offer.bank, "amount": _plain(amount), "rate": _plain(rate), "months": term_months}
                if grant
                else _("%(bank)s declined: %(reason)s") % {"bank": offer.bank, "reason": reason}
            )
            notify(
                district=need.district,
                recipient=user,
                subject=_("Answer to your financing need from %(bank)s") % {"bank": offer.bank},
                body=body,
                obj=need,
            )
    return offer


def do_follow_up(offer: Offer, *, by: User, note: str) -> OfferStep:
    """The level the need has climbed to follows it up with the bank (催办), on the record."""
    enforce(rules.may_follow_up(by, offer, clock.today()))
    if not note.strip():
        raise ValidationError(_("Say what was done to follow it up."), code="note")
    with transaction.atomic():
        step = OfferStep.objects.create(
            offer=offer, at=clock.now(), level=offer.level, verb="follow_up", note=note.strip()[:300], by=by
        )
        record("financing.offer.follow_up", offer, actor=by, changes={"level": offer.level, "note": note})
        for officer in offer.bank.officers.filter(active=True).select_related("user"):
            notify(
                district=offer.district,
                recipient=officer.user,
                subject=_("Please answer the financing need of %(name)s") % {"name": offer.need.profile.name},
                body=note.strip(),
                obj=offer,
            )
    return step


# The ladder (job) --------------------------------------------------------------------------


def _people_at(level: str, district_id: int) -> Any:
    staff = User.objects.filter(kind=User.Kind.STAFF, district_id=district_id, is_active=True)
    if level == Level.FINANCIAL_OFFICE:
        return staff.filter(groups__permissions__codename=SUPERVISE.split(".")[1]).distinct()
    return staff.filter(groups__name=Role.DISTRICT_LEADER.value)


def escalate_overdue(today: dt.date | None = None, limit: int = 500) -> int:
    """Carry each offer the bank has not answered by its due date one level up, with a new
    deadline in working days counted from today (the old one is closed); the next level's
    people and the bank are told.

    1. The due date is the deadline's, as the calendar now stands (an import recomputes
       it); the limit has run out when that date is past (``Deadline.ended``: a date on a
       rest day would run to the next working day, Civil Code Art. 203).
    2. One level at a time: the bank, then the district financial office, then a district
       leader; the top level stays where it is.
    3. The claim is a conditional UPDATE on the level and deadline seen, so two runners never
       move an offer twice (the loser's new deadline is rolled back with its savepoint).
    """
    today = today or clock.today()
    moved = 0
    overdue = (
        Offer.objects.pending()
        .filter(deadline__due_date__lt=today)
        .exclude(level=Level.DISTRICT_LEADER)
        .select_related("need__profile", "bank", "district", "product", "deadline")
        .order_by("deadline__due_date", "pk")[:limit]
    )
    for offer in overdue:
        was = offer.deadline
        if not was.ended(today):
            continue
        target = offer.next_level
        assert target is not None
        with transaction.atomic():
            deadline = _deadline(offer.need, offer.product, today, rules.level_days(target))
            due = deadline.due_date
            if not Offer.objects.filter(
                pk=offer.pk, status=OfferStatus.PENDING, level=offer.level, deadline_id=was.pk
            ).update(level=target, deadline=deadline):
                transaction.set_rollback(True)
                continue
            do_close_deadline(was)
            OfferStep.objects.create(
                offer=offer,
                at=clock.now(),
                level=target,
                verb="escalated",
                deadline=deadline,
                note=_("Not answered by %(due)s.") % {"due": was.due_text},
            )
            record(
                "financing.offer.escalate",
                offer,
                district=offer.district,
                changes={"level": [offer.level, str(target)], "due": [was.due_date.isoformat(), due.isoformat()]},
            )
            subject = _("Financing need not answered in time: %(name)s") % {"name": offer.need.profile.name}
            body = _(
                "%(bank)s has not answered the need of %(name)s (%(amount)s万) due %(was)s. Now at: %(level)s, due %(due)s."
            ) % {
                "bank": offer.bank,
                "name": offer.need.profile.name,
                "amount": _plain(offer.need.amount),
                "was": was.due_text,
                "level": target.label,
                "due": deadline.due_text,
            }
            recipients = list(_people_at(target, offer.district_id))
            recipients += [o.user for o in offer.bank.officers.filter(active=True).select_related("user")]
            for person in recipients:
                notify(district=offer.district, recipient=person, subject=subject, body=body, obj=offer)
        moved += 1
    return moved


def resend_unmatched(today: dt.date | None = None) -> int:
    """Needs no product fitted are tried again against the products added since."""
    today = today or clock.today()
    sent = 0
    for pk in FinancingNeed.objects.filter(status=NeedStatus.UNMATCHED).values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            need = (
                FinancingNeed.objects.select_for_update(of=("self",))
                .select_related("profile__applicant", "district")
                .filter(pk=pk, status=NeedStatus.UNMATCHED)
                .first()
            )
            if need is None:
                continue
            offers = send_need(need, today)
            if offers:
                FinancingNeed.objects.filter(pk=pk).update(status=NeedStatus.OPEN)
                sent += len(offers)
    return sent
