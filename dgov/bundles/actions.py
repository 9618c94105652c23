"""Every act on a bundle: one function, one transaction, with its timeline event, its
audit entry and its notification written together.

The parts are ordinary applications: the bundle calls the ``do_*`` functions of
``dgov.applications.actions`` for them and never writes their rows itself. Departments
decide their parts on the ordinary case page; ``sync`` (run in the transaction of each
part's transition, see ``signals``) moves the bundle on: accepted when every part is,
the applicant told at once of a denial, ready to issue when every part is decided.
"""

import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts.models import District, User
from dgov.accounts.roles import Role
from dgov.applications import actions as application_actions
from dgov.applications import loading
from dgov.applications.models import Application, Channel
from dgov.applications.models import Status as PartStatus
from dgov.audit import context as audit_context
from dgov.audit.trail import diff, record
from dgov.bundles import rules
from dgov.bundles.models import (
    JOINT_LIMIT_DAYS,
    Bundle,
    BundleApplication,
    BundleEvent,
    BundleItem,
    BundlePart,
    OnDenial,
    Status,
)
from dgov.bundles.rules import already_handled
from dgov.lib import clock
from dgov.lib.rules import enforce
from dgov.notices import drafting
from dgov.notifications.outbox import notify
from dgov.services.models import Material, ServiceItem
from dgov.workdays.actions import do_close_deadline, do_create_deadline, do_extend_deadline
from dgov.workdays.models import Deadline

DECIDED = (PartStatus.APPROVED, PartStatus.DENIED, PartStatus.COMPLETED)
GRANTED = (PartStatus.APPROVED, PartStatus.COMPLETED)

# Set while a bundle action drives its parts, so the per-part hook leaves the bundle to it.
_driving: ContextVar[bool] = ContextVar("bundles_driving", default=False)


@contextlib.contextmanager
def _driving_parts() -> Iterator[None]:
    token = _driving.set(True)
    try:
        yield
    finally:
        _driving.reset(token)


# Defining bundles -----------------------------------------------------------------------


def check_bundle(items: Sequence[ServiceItem], limit_days: int | None) -> list[str]:
    """Every problem that keeps a bundle from being saved.

    1. At least two published items, of at least two departments (N证联办 joins the
       licences of several departments; one department's items are one application).
    2. The joint limit is at most 45 working days (行政许可法 Art. 42 para. 2).
    3. The joint limit is at most the sum of the parts' legal limits: a bundle is never
       slower than filing its parts one after another.
    """
    problems: list[str] = []
    versions = [item.current_version for item in items]
    if len(items) < 2:
        problems.append(_("Choose at least two service items."))
    if any(v is None for v in versions):
        problems.append(_("Only published service items can be bundled."))
    published = [v for v in versions if v is not None]
    if len(items) >= 2 and len({v.department_id for v in published}) < 2:
        problems.append(_("A bundle joins the items of at least two departments."))
    if limit_days is not None:
        if limit_days > JOINT_LIMIT_DAYS:
            problems.append(
                _("The joint time limit may not exceed %(max)d working days (Administrative Licensing Law Art. 42).")
                % {"max": JOINT_LIMIT_DAYS}
            )
        total = sum(v.legal_limit_days for v in published)
        if published and limit_days > max(total, 1):
            problems.append(
                _(
                    "The joint time limit (%(limit)d working days) exceeds the sum of the items' legal time limits "
                    "(%(total)d): the bundle would be slower than applying for each item in turn."
                )
                % {"limit": limit_days, "total": total}
            )
    return problems


def max_limit_for(items: Iterable[ServiceItem]) -> int:
    """The longest joint limit the rules allow for these items."""
    total = sum(item.current_version.legal_limit_days for item in items if item.current_version is not None)
    return max(1, min(JOINT_LIMIT_DAYS, total))


def _snapshot(bundle: Bundle) -> dict[str, Any]:
    return {
        "code": bundle.code,
        "name": bundle.name,
        "description": bundle.description,
        "limit_days": bundle.limit_days,
        "on_denial": bundle.on_denial,
        "published": bundle.published,
        "items": [link.item.code for link in bundle.links.select_related("item").order_by("order", "pk")]
        if bundle.pk
        else [],
    }


def do_save_bundle(
    bundle: Bundle | None, *, district: District, data: Mapping[str, Any], items: Sequence[ServiceItem], by: User
) -> Bundle:
    """Create or change a bundle (administrator). ``data`` holds the bundle's fields."""
    enforce(rules.may_save_bundle(by, district))
    problems = check_bundle(items, data.get("limit_days"))
    if any(item.district_id != district.pk for item in items):
        problems.append(_("Only the service items of your district can be bundled."))
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if bundle is None:
            bundle = Bundle(district=district, created_by=by)
            before: dict[str, Any] = {}
        else:
            bundle = Bundle.objects.select_for_update().get(pk=bundle.pk, district=district)
            before = _snapshot(bundle)
        for name in ("code", "name", "description", "limit_days", "on_denial", "published"):
            if name in data:
                setattr(bundle, name, data[name])
        bundle.modified_by = by
        try:
            with transaction.atomic():
                bundle.save()
        except IntegrityError:
            raise ValidationError({"code": _("A bundle with this code exists already.")}, code="duplicate") from None
        BundleItem.objects.filter(bundle=bundle).delete()
        BundleItem.objects.bulk_create(
            BundleItem(bundle=bundle, item=item, order=order) for order, item in enumerate(items, start=1)
        )
        changes = diff(before, _snapshot(bundle))
        record("bundle.create" if not before else "bundle.change", bundle, actor=by, changes=changes)
    return bundle


# Shared materials -----------------------------------------------------------------------


@dataclass
class MaterialGroup:
    """One material as the bundle's single form asks for it: the same name and source in
    several items is asked for once and attached to every part that lists it."""

    key: tuple[str, str]
    materials: list[Material] = field(default_factory=list)

    @property
    def first(self) -> Material:
        return self.materials[0]

    @property
    def shared(self) -> bool:
        return len({m.version_id for m in self.materials}) > 1

    @property
    def required(self) -> bool:
        return any(m.required for m in self.materials)

    @property
    def rongque(self) -> bool:
        """May follow after acceptance only if every part that needs it says so."""
        required = [m for m in self.materials if m.required]
        return bool(required) and all(m.rongque for m in required)

    @property
    def item_names(self) -> list[str]:
        return [m.version.name for m in self.materials]

    def representative(self) -> Material:
        """An unsaved copy of the first material carrying the group's flags, for the form."""
        shown = Material(
            pk=self.first.pk,
            version_id=self.first.version_id,
            name=self.first.name,
            form=self.first.form,
            copies=max(m.copies for m in self.materials),
            source=self.first.source,
            legal_basis="；".join(dict.fromkeys(m.legal_basis for m in self.materials if m.legal_basis)),
            required=self.required,
            rongque=self.rongque,
            order=self.first.order,
        )
        shown.group = self  # type: ignore[attr-defined]
        return shown


def _normalise(name: str) -> str:
    return "".join(name.split())


def material_groups(items: Sequence[ServiceItem]) -> list[MaterialGroup]:
    """Every material of the items' current guides, grouped by (name, source), in the
    order of the first item that lists each."""
    groups: dict[tuple[str, str], MaterialGroup] = {}
    versions = [item.current_version for item in items if item.current_version is not None]
    materials = Material.objects.filter(version__in=versions).select_related("version").order_by()
    by_version: dict[int, list[Material]] = {}
    for material in materials:
        by_version.setdefault(material.version_id, []).append(material)
    for version in versions:
        for material in sorted(by_version.get(version.pk, []), key=lambda m: (m.order, m.pk)):
            key = (_normalise(material.name), material.source)
            groups.setdefault(key, MaterialGroup(key)).materials.append(material)
    return list(groups.values())


# Applying -------------------------------------------------------------------------------


def new_number(district_code: str, today: dt.date) -> str:
    return application_actions.new_number(district_code, today, kind="N")


def _event(
    bundle_application: BundleApplication, *, by: User | None, verb: str, from_status: str = "", note: str = ""
) -> None:
    BundleEvent.objects.create(
        bundle_application=bundle_application,
        by=by,
        verb=verb,
        from_status=from_status,
        to_status=bundle_application.status,
        note=note,
    )


def _move(
    bundle_application: BundleApplication,
    *,
    by: User | None,
    to: Status,
    allowed_from: Iterable[Status],
    verb: str,
    note: str = "",
    changes: Mapping[str, Any] | None = None,
    **fields: Any,
) -> None:
    """The conditional UPDATE of every bundle transition, with its event and audit entry."""
    changed = BundleApplication.objects.filter(pk=bundle_application.pk, status__in=list(allowed_from)).update(
        status=to, updated_at=clock.now(), **fields
    )
    if changed != 1:
        raise already_handled(bundle_application)
    before = bundle_application.status
    bundle_application.status = to
    for name, value in fields.items():
        setattr(bundle_application, name, value)
    _event(bundle_application, by=by, verb=verb, from_status=before, note=note)
    record(
        f"bundle_application.{verb}",
        bundle_application,
        actor=by,
        changes={"status": [before, str(to)], **({"note": note} if note else {}), **(changes or {})},
    )


def do_submit_bundle(
    bundle: Bundle,
    *,
    applicant: Any,
    by: User,
    channel: Channel,
    idempotency_key: str,
    materials: Sequence[tuple[MaterialGroup, Any, bool]] = (),
    window: Any = None,
    today: dt.date | None = None,
) -> tuple[BundleApplication, bool]:
    """File one application for every item of the bundle. ``materials`` holds (group,
    document or None, promised-later): each document is attached to every part whose
    guide lists the material. Returns (bundle application, created)."""
    enforce(rules.may_submit_bundle(by, bundle, applicant))
    if not idempotency_key:
        raise ValidationError(_("A submission needs an idempotency key."), code="idempotency")
    existing = BundleApplication.objects.filter(submitted_by=by, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, False
    if not bundle.published or applicant.district_id != bundle.district_id:
        raise ValidationError(_("This bundle is not open for applications."), code="unpublished")
    items = bundle.ordered_items()
    if any(item.current_version is None for item in items):
        raise ValidationError(_("This bundle is not open for applications."), code="unpublished")
    today = today or clock.today()
    try:
        with transaction.atomic(), _driving_parts():
            bundle_application = _create(
                bundle, applicant=applicant, by=by, channel=channel, key=idempotency_key, today=today
            )
            for order, item in enumerate(items, start=1):
                version_id = item.current_version.pk  # type: ignore[union-attr]
                chosen = [
                    (material, document, promised)
                    for group, document, promised in materials
                    for material in group.materials
                    if material.version_id == version_id
                ]
                application, _created = application_actions.do_submit(
                    item=item,
                    applicant=applicant,
                    by=by,
                    channel=channel,
                    idempotency_key=f"{idempotency_key}:{item.pk}"[:64],
                    materials=chosen,
                    window=window,
                    today=today,
                )
                BundlePart.objects.create(bundle_application=bundle_application, application=application, order=order)
            _event(bundle_application, by=by, verb="submit")
            record(
                "bundle_application.submit",
                bundle_application,
                actor=by,
                changes={"bundle": bundle.code, "channel": channel, "items": [item.code for item in items]},
            )
            application_actions.notify_applicant(
                bundle_application,
                _("Bundle application %(number)s received") % {"number": bundle_application.number},
                _("Your application for “%(bundle)s” (%(count)d licences) was received on %(date)s.")
                % {"bundle": bundle.name, "count": len(items), "date": today.isoformat()},
            )
    except IntegrityError:
        # The same key arrived twice at once: the first one stands.
        existing = BundleApplication.objects.filter(submitted_by=by, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, False
    return bundle_application, True


def _create(bundle: Bundle, *, applicant: Any, by: User, channel: str, key: str, today: dt.date) -> BundleApplication:
    for _attempt in range(5):
        number = new_number(bundle.district.code, today)
        if BundleApplication.objects.filter(number=number).exists():
            continue
        return BundleApplication.objects.create(
            district=bundle.district,
            bundle=bundle,
            number=number,
            applicant=applicant,
            submitted_by=by,
            channel=channel,
            idempotency_key=key,
            on_denial=bundle.on_denial,
            limit_days=bundle.limit_days,
            received_on=today,
        )
    raise RuntimeError("could not allocate a bundle application number")


def parts_of(
    bundle_application: BundleApplication, *, lock: bool = False, lock_applications: bool = False
) -> list[BundlePart]:
    """The parts with their applications. Lock order, to stay clear of deadlocks with a
    department acting on one part: the parts' applications first, then the bundle. A
    caller that already holds one application (``sync``, from a part's transition)
    locks only the part rows."""
    parts = BundlePart.objects.filter(bundle_application=bundle_application).select_related(
        "application__applicant",
        "application__item",
        "application__item_version",
        "application__department",
        "application__district",
        "application__legal_deadline",
        "application__promised_deadline",
    )
    if lock_applications:
        parts = parts.select_for_update(of=("self", "application"))
    elif lock:
        parts = parts.select_for_update(of=("self",))
    return list(parts.order_by("order", "pk"))


# Window intake --------------------------------------------------------------------------


def _start_joint_clock(bundle_application: BundleApplication, accepted_on: dt.date) -> None:
    """The joint deadline, following every part's legal deadline: a part's clock stop
    (Art. 45) stops it and moves it by the working days stopped."""
    parts = Deadline.objects.filter(
        pk__in=Application.objects.filter(bundle_part__bundle_application=bundle_application).values(
            "legal_deadline_id"
        )
    )
    deadline = do_create_deadline(
        district=bundle_application.district,
        label=f"{bundle_application.number} joint",
        start_date=accepted_on,
        working_days=bundle_application.limit_days,
        follows=list(parts),
    )
    BundleApplication.objects.filter(pk=bundle_application.pk).update(joint_deadline=deadline)
    bundle_application.joint_deadline = deadline


def do_accept_bundle(bundle_application: BundleApplication, *, by: User, today: dt.date | None = None) -> None:
    """One window accepts every part at once; the joint clock starts on the latest
    acceptance day of the parts (a supplemented part counts from its supplement)."""
    today = today or clock.today()
    # One joint 联合受理通知书 covers the parts' acceptances.
    with transaction.atomic(), _driving_parts(), drafting.covered_by_joint():
        parts = parts_of(bundle_application, lock_applications=True)
        enforce(rules.may_accept_bundle(by, bundle_application, parts))
        _move(
            bundle_application,
            by=by,
            to=Status.ACCEPTED,
            allowed_from=[Status.SUBMITTED],
            verb="accept",
            accepted_by=by,
        )
        for part in parts:
            if part.application.status == PartStatus.SUBMITTED:
                application_actions.do_accept(part.application, by=by, today=today)
        accepted_on = max(
            Application.objects.filter(bundle_part__bundle_application=bundle_application).values_list(
                "accepted_on", flat=True
            )
        )
        BundleApplication.objects.filter(pk=bundle_application.pk).update(accepted_on=accepted_on)
        bundle_application.accepted_on = accepted_on
        _start_joint_clock(bundle_application, accepted_on)
        drafting.save(
            drafting.joint_acceptance(bundle_application, parts, by=by, deadline=bundle_application.joint_deadline)
        )
        due = bundle_application.joint_deadline.due_text  # type: ignore[union-attr]
        application_actions.notify_applicant(
            bundle_application,
            _("Bundle application %(number)s accepted") % {"number": bundle_application.number},
            _(
                "All %(count)d parts were accepted on %(date)s and go to their departments at once; "
                "every licence is due by %(due)s."
            )
            % {"count": len(parts), "date": accepted_on.isoformat(), "due": due},
        )


def do_refuse_bundle(bundle_application: BundleApplication, *, by: User, reasons: str) -> None:
    """Not accepted: every part still waiting is refused with the same reasons."""
    # One joint 联合不予受理决定书 covers the parts' refusals.
    with transaction.atomic(), _driving_parts(), drafting.covered_by_joint():
        parts = parts_of(bundle_application, lock_applications=True)
        enforce(rules.may_refuse_bundle(by, bundle_application, parts))
        if not reasons.strip():
            raise ValidationError(_("A refusal states its reasons."), code="reasons")
        _move(
            bundle_application,
            by=by,
            to=Status.REFUSED,
            allowed_from=[Status.SUBMITTED],
            verb="refuse",
            note=reasons,
            reasons=reasons,
        )
        for part in parts:
            if part.application.status == PartStatus.SUBMITTED:
                application_actions.do_refuse(part.application, by=by, reasons=reasons)
        drafting.save(drafting.joint_refusal(bundle_application, parts, by=by, reasons=reasons))
        application_actions.notify_applicant(
            bundle_application,
            _("Bundle application %(number)s not accepted") % {"number": bundle_application.number},
            _("Reasons: %(reasons)s") % {"reasons": reasons},
        )


# Following the parts --------------------------------------------------------------------


def sync(bundle_application: BundleApplication, *, by: User | None = None) -> None:
    """Move the bundle on from its parts' states; idempotent, run in the transaction of
    each part's transition (and by the ``sync_bundles`` job as a safety net).

    1. Every part accepted (e.g. deemed accepted, Art. 32) → the bundle is accepted.
    2. A part denied → the applicant is told which, why, and what the others do next;
       under the "stop" policy the undecided parts are halted and the bundle stops.
    3. Every part that is not halted decided → certificates to issue (or, when every
       part was denied, the bundle stops); the joint clock closes.
    """
    with transaction.atomic():
        bundle_application = BundleApplication.objects.select_for_update().get(pk=bundle_application.pk)
        parts = parts_of(bundle_application, lock=True)
        statuses = [p.application.status for p in parts]
        if bundle_application.status == Status.SUBMITTED:
            if parts and all(
                s not in (PartStatus.SUBMITTED, PartStatus.SUPPLEMENT, PartStatus.REFUSED) for s in statuses
            ):
                _move(bundle_application, by=by, to=Status.ACCEPTED, allowed_from=[Status.SUBMITTED], verb="accept")
                accepted_on = max(p.application.accepted_on for p in parts if p.application.accepted_on)
                BundleApplication.objects.filter(pk=bundle_application.pk).update(accepted_on=accepted_on)
                bundle_application.accepted_on = accepted_on
                _start_joint_clock(bundle_application, accepted_on)
            else:
                return
        if bundle_application.status != Status.ACCEPTED:
            return
        for part in parts:
            if part.application.status == PartStatus.DENIED and not part.denial_notified:
                _announce_denial(bundle_application, part, parts, by=by)
                if bundle_application.status == Status.STOPPED:
                    return
        live = [p for p in parts if not p.halted]
        if all(p.application.status in DECIDED for p in live):
            granted = [p for p in live if p.application.status in GRANTED]
            if granted:
                _move(bundle_application, by=by, to=Status.READY, allowed_from=[Status.ACCEPTED], verb="decided")
                application_actions.notify_applicant(
                    bundle_application,
                    _("Bundle application %(number)s: every part decided") % {"number": bundle_application.number},
                    _("%(count)d of %(total)d licences are approved; their certificates will be issued together.")
                    % {"count": len(granted), "total": len(parts)},
                )
            else:
                _move(
                    bundle_application,
                    by=by,
                    to=Status.STOPPED,
                    allowed_from=[Status.ACCEPTED],
                    verb="stop",
                    note=_("Every part was denied."),
                )
            if bundle_application.joint_deadline is not None:
                do_close_deadline(bundle_application.joint_deadline)


def _announce_denial(
    bundle_application: BundleApplication, denied: BundlePart, parts: list[BundlePart], *, by: User | None
) -> None:
    claimed = BundlePart.objects.filter(pk=denied.pk, denial_notified=False).update(denial_notified=True)
    if claimed != 1:
        return
    denied.denial_notified = True
    application = denied.application
    others = [p for p in parts if p.pk != denied.pk and not p.halted and p.application.status not in DECIDED]
    stop = bundle_application.on_denial == OnDenial.STOP
    names = ", ".join(p.application.item_version.name for p in others)
    if stop and others:
        next_steps = _("The bundle stops: the other parts (%(parts)s) are halted and no certificate is issued.") % {
            "parts": names
        }
    elif stop:
        next_steps = _("The bundle stops: no certificate is issued.")
    elif others:
        next_steps = _(
            "The other parts (%(parts)s) continue; their certificates will be issued together when they are decided."
        ) % {"parts": names}
    else:
        next_steps = _("The other parts are decided; the certificates of the approved ones will be issued together.")
    application_actions.notify_applicant(
        bundle_application,
        _("Bundle application %(number)s: %(item)s denied")
        % {"number": bundle_application.number, "item": application.item_version.name},
        _("%(department)s denied “%(item)s”. Reasons: %(reasons)s\n%(next)s")
        % {
            "department": application.department.name,
            "item": application.item_version.name,
            "reasons": application.reasons,
            "next": next_steps,
        },
    )
    _event(
        bundle_application, by=by, verb="part_denied", note=f"{application.item_version.name}: {application.reasons}"
    )
    record(
        "bundle_application.part_denied",
        bundle_application,
        actor=by,
        changes={"part": application.number, "policy": bundle_application.on_denial},
    )
    if not stop:
        return
    BundlePart.objects.filter(pk__in=[p.pk for p in others]).update(halted=True)
    for part in others:
        part.halted = True
        _tell_department(bundle_application, part, denied)
    _move(
        bundle_application,
        by=by,
        to=Status.STOPPED,
        allowed_from=[Status.ACCEPTED],
        verb="stop",
        note=_("%(item)s denied") % {"item": application.item_version.name},
        changes={"halted": [p.application.number for p in others]},
    )
    if bundle_application.joint_deadline is not None:
        do_close_deadline(bundle_application.joint_deadline)


def _tell_department(bundle_application: BundleApplication, part: BundlePart, denied: BundlePart) -> None:
    """The approvers of a halted part learn that the bundle stopped."""
    from dgov.accounts.models import User

    approvers = User.objects.filter(
        kind=User.Kind.STAFF,
        district_id=bundle_application.district_id,
        department_id=part.application.department_id,
        groups__name=Role.DEPARTMENT_APPROVER.value,
        is_active=True,
    ).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        for approver in approvers:
            notify(
                district=bundle_application.district,
                recipient=approver,
                subject=_("Bundle %(number)s stopped") % {"number": bundle_application.number},
                body=_(
                    "%(item)s was denied, so application %(part)s of the bundle is halted: no certificate is issued for it."
                )
                % {"item": denied.application.item_version.name, "part": part.application.number},
                obj=part.application,
            )


# Which bundle, if any, the application ``a`` is a part of: read with the application on
# every transition (``apps.BundlesConfig.ready``, ``dgov.applications.loading.add_fact``).
PART_OF_SQL = "SELECT bundle_application_id FROM bundles_bundlepart WHERE application_id = a.id"


def part_moved(application: Application, *, by: User | None = None) -> None:
    """Follow a part's transition at once, in its transaction (for a transition hook of
    the applications app, see ``apps.BundlesConfig.ready``)."""
    if _driving.get():
        return  # a bundle action drives its parts and moves the bundle itself
    # Every transition of every application asks. An application loaded by the API's
    # loader knows already; otherwise one query.
    bundle_pk = loading.fact(application, "part_of_bundle")
    if bundle_pk is loading.MISSING:
        parts = BundlePart.objects.filter(application=application)
        bundle_pk = parts.values_list("bundle_application_id", flat=True).first()
    if bundle_pk is not None:
        sync(BundleApplication(pk=bundle_pk), by=by)


def _needs_sync(status: str, parts: list[tuple[str, bool, bool]]) -> bool:
    """Whether ``sync`` would move a bundle on, from (part status, halted, denial
    announced) of each part; cheap enough to ask on every read."""
    if status == Status.SUBMITTED:
        return bool(parts) and all(
            s not in (PartStatus.SUBMITTED, PartStatus.SUPPLEMENT, PartStatus.REFUSED) for s, _h, _n in parts
        )
    if status == Status.ACCEPTED:
        if any(s == PartStatus.DENIED and not announced for s, _h, announced in parts):
            return True
        return all(s in DECIDED for s, halted, _n in parts if not halted)
    return False


def sync_due(bundle_applications: Any) -> int:
    """Run ``sync`` on those of ``bundle_applications`` whose parts have moved on; one
    query when none has. Returns how many were synced.

    The parts are decided on the ordinary case pages, which know nothing of bundles; the
    bundle follows on the next read of its pages or API, or the next pass of the job."""
    rows = BundlePart.objects.filter(
        bundle_application__in=bundle_applications.filter(status__in=[Status.SUBMITTED, Status.ACCEPTED]).values("pk")
    ).values_list(
        "bundle_application_id", "bundle_application__status", "application__status", "halted", "denial_notified"
    )
    states: dict[int, tuple[str, list[tuple[str, bool, bool]]]] = {}
    for pk, status, part_status, halted, announced in rows:
        states.setdefault(pk, (status, []))[1].append((part_status, halted, announced))
    due = [pk for pk, (status, parts) in sorted(states.items()) if _needs_sync(status, parts)]
    if not due:
        return 0
    # The platform moves the bundle, not whoever happens to read it: no actor in the trail.
    ctx = audit_context.current.get()
    token = audit_context.current.set(audit_context.RequestContext(ctx.request_id, ctx.ip, None) if ctx else None)
    try:
        for pk in due:
            sync(BundleApplication(pk=pk))
    finally:
        audit_context.current.reset(token)
    return len(due)


def sync_open() -> int:
    """Job: move every open bundle on whose parts have moved (``sync_bundles``)."""
    return sync_due(BundleApplication.objects.all())


# Time limit -----------------------------------------------------------------------------


def do_extend_bundle(bundle_application: BundleApplication, *, by: User, days: int, reason: str) -> None:
    """Extend the joint limit (Art. 42 para. 2: by at most 15 working days in all, with the
    approval of the district government, the reason told to the applicant), while it runs."""
    enforce(rules.may_extend_bundle(by, bundle_application))
    rules.JOINT_EXTENSION.check(bundle_application.extended_days, days, reason)
    with transaction.atomic():
        changed = BundleApplication.objects.filter(
            pk=bundle_application.pk, status=Status.ACCEPTED, extended_days=bundle_application.extended_days
        ).update(extended_days=F("extended_days") + days, updated_at=clock.now())
        if changed != 1:
            raise already_handled(bundle_application)
        bundle_application.extended_days += days
        deadline = do_extend_deadline(
            bundle_application.joint_deadline,  # type: ignore[arg-type]
            days=days,
            reason=reason,
            by=by,
        )
        bundle_application.joint_deadline = deadline
        drafting.save(
            drafting.joint_extension(
                bundle_application, parts_of(bundle_application), by=by, days=days, reason=reason, deadline=deadline
            )
        )
        _event(bundle_application, by=by, verb="extend", note=reason)
        record("bundle_application.extend", bundle_application, actor=by, changes={"days": days, "reason": reason})
        application_actions.notify_applicant(
            bundle_application,
            _("Bundle application %(number)s: joint time limit extended") % {"number": bundle_application.number},
            _(
                "With the approval of the district government the joint time limit is extended by %(days)d working "
                "days, to %(due)s. Reason: %(reason)s"
            )
            % {"days": days, "due": deadline.due_text, "reason": reason},
        )


# One exit -------------------------------------------------------------------------------


def do_issue_bundle(bundle_application: BundleApplication, *, by: User, today: dt.date | None = None) -> list[Any]:
    """Issue the certificates of every approved part together (一口出证), all or none.

    Parts whose item issues no certificate (a filing, 备案) have nothing to seal."""
    from dgov.certificates.models import CertificateType
    from dgov.certificates.sealing import do_issue

    enforce(rules.may_issue_bundle(by, bundle_application))
    today = today or clock.today()
    with transaction.atomic():
        parts = parts_of(bundle_application, lock=True)
        granted = [p.application for p in parts if not p.halted and p.application.status in GRANTED]
        _move(
            bundle_application,
            by=by,
            to=Status.ISSUED,
            allowed_from=[Status.READY],
            verb="issue",
            issued_on=today,
            issued_by=by,
        )
        with_types = set(
            CertificateType.objects.filter(item_id__in=[a.item_id for a in granted]).values_list("item_id", flat=True)
        )
        certificates = []
        for application in granted:
            if application.item_id in with_types:
                certificates.extend(do_issue(application, by=by, today=today))
        listing = "\n".join(f"{c.item_name}: {c.number}" for c in certificates)
        application_actions.notify_applicant(
            bundle_application,
            _("Bundle application %(number)s: certificates issued") % {"number": bundle_application.number},
            _(
                "The certificates of your bundle are issued together; collect them at the exit window or online.\n%(list)s"
            )
            % {"list": listing},
        )
    return certificates


def do_complete_bundle(bundle_application: BundleApplication, *, by: User) -> None:
    """The exit window hands over the results: every approved part is completed."""
    enforce(rules.may_complete_bundle(by, bundle_application))
    with transaction.atomic(), _driving_parts():
        parts = parts_of(bundle_application, lock_applications=True)
        _move(
            bundle_application,
            by=by,
            to=Status.COMPLETED,
            allowed_from=[Status.ISSUED],
            verb="complete",
            completed_on=clock.today(),
        )
        for part in parts:
            if not part.halted and part.application.status == PartStatus.APPROVED:
                application_actions.do_complete(part.application, by=by)
