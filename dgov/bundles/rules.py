"""Who may do what to a bundle: one predicate per act (``dgov.lib.rules``), shown by the
bundle page as its buttons and enforced by each ``do_*`` of ``actions`` first.

1. The act is staff work of the bundle's district by a role holding the act's
   permission; otherwise no button (the action answers 403).
2. The bundle must be in the state the act needs; one that has moved on shows no button
   and the action answers 409.
3. Nobody handles their own application; every part must be complete before the window
   accepts, and none may have moved on before it refuses; an extension stays within
   Art. 42 para. 2 and is decided before the joint limit ends: a disabled button with the
   reason (the action answers 403 with it).
"""

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.access import is_staff
from dgov.accounts.models import Applicant, District, User
from dgov.accounts.roles import ACCEPT, ISSUE_CERTIFICATE
from dgov.applications.models import Status as PartStatus
from dgov.applications.rules import ExtensionLimit, may_file, not_own, staff_act
from dgov.bundles.models import MAX_EXTENSION_DAYS, Bundle, BundleApplication, BundlePart, Status
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on
from dgov.workdays.rules import may_extend_deadline

MANAGE = "bundles.manage_bundles"
EXTEND = "bundles.extend_bundle"

# Art. 42 para. 2: with the approval of the government at the same level, at most 15.
JOINT_EXTENSION = ExtensionLimit(
    MAX_EXTENSION_DAYS, gettext_lazy("The joint limit can be extended by at most %(max)d working days in all.")
)


def already_handled(bundle_application: BundleApplication) -> Conflict:
    """Somebody else acted on the bundle first."""
    return Conflict(
        _("Bundle application %(number)s was already handled by someone else.") % {"number": bundle_application.number},
        obj=bundle_application,
    )


def _at(bundle_application: BundleApplication, status: Status) -> Verdict:
    """Rule 2."""
    if bundle_application.status == status:
        return allow()
    return moved_on(already_handled(bundle_application).message)


def _listing(parts: Sequence[BundlePart]) -> str:
    return ", ".join(f"{p.application.item_version.name} ({p.application.get_status_display()})" for p in parts)


def may_save_bundle(user: User, district: District) -> Verdict:
    """Define or change the bundles of one's own district (administrator)."""
    if not is_staff(user) or user.district_id != district.pk or not user.has_perm(MANAGE):
        return hide(_("Your role does not allow this action."))
    return allow()


def may_submit_bundle(user: User, bundle: Bundle, applicant: Applicant) -> Verdict:
    """As for one application (``applications.rules.may_file``)."""
    return may_file(user, bundle.district_id, applicant)


def may_accept_bundle(user: User, bundle_application: BundleApplication, parts: Sequence[BundlePart]) -> Verdict:
    """One window accepts every part at once, once every part is complete."""
    verdict = (
        staff_act(user, bundle_application, ACCEPT)
        & _at(bundle_application, Status.SUBMITTED)
        & not_own(bundle_application, user)
    )
    waiting = [p for p in parts if p.application.status in (PartStatus.SUPPLEMENT, PartStatus.REFUSED)]
    if verdict and waiting:
        return deny(
            _("These parts cannot be accepted yet: %(parts)s. Every part must be complete first.")
            % {"parts": _listing(waiting)}
        )
    return verdict


def may_refuse_bundle(user: User, bundle_application: BundleApplication, parts: Sequence[BundlePart]) -> Verdict:
    """Not accepted, while no part is under way: refusing the bundle would tell the
    applicant "not accepted" while a department works on."""
    verdict = (
        staff_act(user, bundle_application, ACCEPT)
        & _at(bundle_application, Status.SUBMITTED)
        & not_own(bundle_application, user)
    )
    moved = [p for p in parts if p.application.status != PartStatus.SUBMITTED]
    if verdict and moved:
        return deny(
            _("These parts have moved on and cannot be refused with the bundle: %(parts)s.")
            % {"parts": _listing(moved)}
        )
    return verdict


def may_extend_bundle(user: User, bundle_application: BundleApplication) -> Verdict:
    """Art. 42 para. 2: at most 15 working days in all, decided while the joint limit runs."""
    verdict = (
        staff_act(user, bundle_application, EXTEND)
        & _at(bundle_application, Status.ACCEPTED)
        & not_own(bundle_application, user)
    )
    return (
        verdict
        & JOINT_EXTENSION.room(bundle_application.extended_days)
        & may_extend_deadline(bundle_application.joint_deadline, clock.today())
    )


def may_issue_bundle(user: User, bundle_application: BundleApplication) -> Verdict:
    return (
        staff_act(user, bundle_application, ISSUE_CERTIFICATE)
        & _at(bundle_application, Status.READY)
        & not_own(bundle_application, user)
    )


def may_complete_bundle(user: User, bundle_application: BundleApplication) -> Verdict:
    return (
        staff_act(user, bundle_application, ACCEPT)
        & _at(bundle_application, Status.ISSUED)
        & not_own(bundle_application, user)
    )
