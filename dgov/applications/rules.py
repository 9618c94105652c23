"""Who may do what to an application: one predicate per act (``dgov.lib.rules``).

The case page builds its buttons from these predicates, and each ``do_*`` of
``actions`` enforces its own first, so the page and the action never disagree:

1. The act is staff work of the case's district by a role holding the act's permission;
   review, decision and the clocks also by the case's department. Otherwise no button
   (``hide``; the action answers 403).
2. The case must be in the state the act needs; a case that has moved on shows no button
   and the action answers 409 (somebody acted first, or the same act came twice).
3. Nobody handles their own application, the clerk who accepted a case does not decide
   it, a stopped clock is resumed before deciding, an extension stays within Art. 42 and is
   decided before the limit ends, a supplement notice comes within the 5 working days of
   Art. 32 and at most once after a supplement: a disabled button with the reason
   (``deny``; the action answers 403 with the same reason).
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dgov.accounts.access import is_staff
from dgov.accounts.models import Applicant, User
from dgov.accounts.roles import ACCEPT, DECIDE, EXTEND, REVEAL, REVIEW, STOP_CLOCK
from dgov.accounts.rules import acts_for
from dgov.applications.models import CLOCK_STATUSES, MAX_EXTENSION_DAYS, OPEN_STATUSES, Application, Status
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on
from dgov.workdays.rules import may_extend_deadline

# Art. 32: one notice; a second only for what the first could not have named.
MAX_SUPPLEMENT_NOTICES = 2


@dataclass(frozen=True)
class ExtensionLimit:
    """How far a time limit may be extended in all (Art. 42), and the words that say so."""

    days: int
    too_long: Promise  # with %(max)d

    def message(self) -> str:
        return str(self.too_long) % {"max": self.days}

    def room(self, extended: int) -> Verdict:
        """The predicate's part: no room left once the limit is reached."""
        return deny(self.message()) if extended >= self.days else allow()

    def check(self, extended: int, days: int, reason: str) -> None:
        """The input's part: a reason told to the applicant, and ``days`` that fit."""
        if not reason.strip():
            raise ValidationError(_("An extension states its reason."), code="reason")
        if days < 1 or extended + days > self.days:
            raise ValidationError(self.message(), code="too_long")


# Art. 42 para. 1: by the head of the agency, at most 10 working days.
EXTENSION = ExtensionLimit(
    MAX_EXTENSION_DAYS, gettext_lazy("The limit can be extended by at most %(max)d working days in all.")
)


def already_handled(application: Application) -> Conflict:
    """Somebody else acted on the application first."""
    return Conflict(
        _("Application %(number)s was already handled by someone else.") % {"number": application.number},
        obj=application,
    )


def _owns(user: User, applicant: Applicant) -> bool:
    return applicant.user_id is not None and applicant.user_id == user.pk


def staff_act(user: User, case: Any, permission: str, *, department: bool = False) -> Verdict:
    """Rule 1, for an application or a bundle application (``case``)."""
    if not is_staff(user) or user.district_id != case.district_id or not user.has_perm(permission):
        return hide(_("Your role does not allow this action."))
    if department and user.department_id != case.department_id:
        return hide(_("This application belongs to another department."))
    return allow()


def not_own(case: Any, user: User) -> Verdict:
    """Rule 3's first clause, for an application or a bundle application (``case``)."""
    return deny(_("Nobody handles their own application.")) if _owns(user, case.applicant) else allow()


def _at(application: Application, *statuses: str) -> Verdict:
    """Rule 2."""
    return allow() if application.status in statuses else moved_on(already_handled(application).message)


def may_file(user: User, district_id: int, applicant: Applicant | None = None) -> Verdict:
    """Filing in ``district_id`` for ``applicant`` (None: before one is chosen): anyone
    for themselves, with a profile in that district, and a window clerk of the district
    for anyone of it."""
    if applicant is not None and applicant.district_id == district_id and acts_for(user, applicant, "may_apply"):
        return allow()
    if is_staff(user):
        if not user.has_perm(ACCEPT) or user.district_id != district_id:
            return hide(_("Your role does not allow this action."))
        if applicant is not None and applicant.district_id != district_id:
            return hide(_("There is no applicant %(id)s in your district.") % {"id": applicant.pk})
        return allow()
    return hide(_("You have no applicant profile in this district."))


def may_submit(user: User, item: Any, applicant: Applicant) -> Verdict:
    return may_file(user, item.district_id, applicant)


def may_accept(user: User, application: Application) -> Verdict:
    return staff_act(user, application, ACCEPT) & _at(application, Status.SUBMITTED) & not_own(application, user)


def may_refuse(user: User, application: Application) -> Verdict:
    return may_accept(user, application)


def may_request_supplement(user: User, application: Application) -> Verdict:
    """Art. 32: one notice listing everything, within 5 working days of receipt; past them
    the application counts as accepted on the day it was received. After the supplement
    the application is accepted or refused: a second notice only within 5 working days of
    the supplement, for a material the first could not have named (the action asks why),
    and never a third."""
    verdict = may_accept(user, application)
    if not verdict:
        return verdict
    if clock.today() > application.supplement_notice_due():
        start = application.supplemented_on or application.received_on
        return deny(
            _("The 5 working days for a supplement notice have passed: the application counts as accepted on %(date)s.")
            % {"date": start.isoformat()}
        )
    if application.supplemented_on is not None and application.supplement_notices.count() >= MAX_SUPPLEMENT_NOTICES:
        return deny(
            _(
                "The supplement is in and a second notice was already issued: "
                "the application is now accepted or refused, not sent back again."
            )
        )
    return verdict


def further_notice(application: Application) -> bool:
    """The notice would be a second one (after a supplement): it needs its reason."""
    return application.supplemented_on is not None


def may_supplement(user: User, application: Application) -> Verdict:
    """The applicant hands in the supplement, or a window clerk takes it at the window."""
    if not acts_for(user, application.applicant, "may_apply") and not (
        is_staff(user) and user.district_id == application.district_id and user.has_perm(ACCEPT)
    ):
        return hide(_("Your role does not allow this action."))
    return _at(application, Status.SUPPLEMENT)


def may_review(user: User, application: Application) -> Verdict:
    return (
        staff_act(user, application, REVIEW, department=True)
        & _at(application, Status.ACCEPTED)
        & not_own(application, user)
    )


def may_decide(user: User, application: Application) -> Verdict:
    """Approve or deny: intake and approval are separate hands."""
    verdict = (
        staff_act(user, application, DECIDE, department=True)
        & _at(application, Status.REVIEWED)
        & not_own(application, user)
    )
    if verdict and application.accepted_by_id == user.pk:
        return deny(_("The clerk who accepted an application cannot approve it."))
    if verdict and application.clock_stopped:
        return deny(_("Resume the clock before deciding."))
    return verdict


def may_complete(user: User, application: Application) -> Verdict:
    return staff_act(user, application, ACCEPT) & _at(application, Status.APPROVED) & not_own(application, user)


def may_stop_clock(user: User, application: Application) -> Verdict:
    verdict = staff_act(user, application, STOP_CLOCK, department=True) & _at(application, *CLOCK_STATUSES)
    if verdict and application.clock_stopped:
        return moved_on(already_handled(application).message)
    return verdict & not_own(application, user)


def may_resume_clock(user: User, application: Application) -> Verdict:
    verdict = staff_act(user, application, STOP_CLOCK, department=True)
    if verdict and not application.clock_stopped:
        return moved_on(already_handled(application).message)
    return verdict & not_own(application, user)


def may_extend(user: User, application: Application) -> Verdict:
    """Art. 42: by at most 10 working days in all, decided while the limit runs."""
    verdict = (
        staff_act(user, application, EXTEND, department=True)
        & _at(application, *CLOCK_STATUSES)
        & not_own(application, user)
    )
    return (
        verdict
        & EXTENSION.room(application.extended_days)
        & may_extend_deadline(application.legal_deadline, clock.today())
    )


def may_check_in(user: User, application: Application) -> Verdict:
    """A visit in person, recorded by a window clerk. A visit after the decision (to
    collect a result, say) is still a trip the applicant made: any state will do."""
    return staff_act(user, application, ACCEPT) & not_own(application, user)


def may_record_post(user: User, application: Application) -> Verdict:
    """证照邮寄: a window clerk records the tracking number of a result sent by post, once
    the application is approved (the certificate exists) and only when the applicant
    chose the post."""
    verdict = staff_act(user, application, ACCEPT)
    if not verdict:
        return verdict
    delivery = getattr(application, "result_delivery", None)
    if delivery is None or not delivery.by_post:
        return hide(_("The applicant collects the result at the window."))
    if delivery.tracking_number:
        return moved_on(_("The tracking number is recorded already."))
    if application.status not in (Status.APPROVED, Status.COMPLETED):
        return deny(_("The result is posted once the application is approved."))
    return not_own(application, user)


def may_reveal_address(user: User, application: Application) -> Verdict:
    """Show the full postal address of a result sent by post (the asking is audited)."""
    if not (is_staff(user) and user.district_id == application.district_id and user.has_perm(REVEAL)):
        return hide(_("Your role does not allow this action."))
    return allow()


def may_fetch_shared(user: User, application: Application) -> Verdict:
    """免提交 (国务院令第716号 Art. 7): a window clerk asks the sources again for what the
    platform fetches and has not got yet, while the case is open."""
    verdict = staff_act(user, application, ACCEPT) & _at(application, *OPEN_STATUSES)
    if verdict and not application.shared_not_found():
        return hide(_("Every material the platform fetches is on the case."))
    return verdict
