"""Who may do what in the ratings app: one predicate per action (``dgov.lib.rules``).

The rating page, the rectification page and the policy page build their buttons from
these; each ``do_*`` of ``actions`` enforces the same one first.
"""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.applications.models import Application, Status, Visit
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on
from dgov.ratings.models import BAD_LEVELS, Appeal, Rating, Rectification
from dgov.ratings.permissions import DECIDE_APPEAL, FILE_APPEAL, HANDLE_RECTIFICATION, MANAGE_POLICY

# A case can be rated once its handling is over: completed, denied, or not accepted.
RATEABLE_STATUSES = (Status.COMPLETED, Status.DENIED, Status.REFUSED)


def rating_problem(application: Application, visit: Visit | None) -> str:
    """Why this case or visit cannot be rated now ('' when it can)."""
    if visit is not None:
        if visit.application_id != application.pk:
            return _("This visit belongs to another case.")
        return ""
    if application.status not in RATEABLE_STATUSES:
        return _("A case can be rated once it is completed, denied or not accepted.")
    return ""


def existing_rating(application: Application, visit: Visit | None) -> Rating | None:
    if visit is not None:
        return Rating.objects.filter(visit=visit).first()
    return Rating.objects.filter(application=application, visit__isnull=True).first()


def may_rate(user: Any, application: Application, visit: Visit | None = None) -> Verdict:
    """The applicant rates a finished case, or one visit, once. ``user`` None: the bearer
    of the window's signed link, which itself names the case."""
    if user is not None and (application.applicant.user_id is None or application.applicant.user_id != user.pk):
        return hide(_("Only the applicant of the case may rate it."))
    problem = rating_problem(application, visit)
    if problem:
        return deny(problem)
    if existing_rating(application, visit) is not None:
        return moved_on(_("This has already been rated; a rating cannot be given twice."))
    return allow()


def _handles(user: Any, r: Rectification) -> Verdict:
    if not (is_staff(user) and user.district_id == r.district_id and user.has_perm(HANDLE_RECTIFICATION)):
        return hide(_("Your role does not allow this action."))
    if not r.is_open:
        return moved_on(_("This rectification is closed."))
    return allow()


def may_record_callback(user: Any, r: Rectification) -> Verdict:
    if r.called_back_on is not None:
        return _handles(user, r) & moved_on(_("The call-back is already recorded."))
    return _handles(user, r)


def may_record_fix(user: Any, r: Rectification) -> Verdict:
    verdict = _handles(user, r)
    if r.called_back_on is None:
        return verdict & deny(_("Call the applicant back first."))
    if r.fix:
        return verdict & moved_on(_("The rectification measures are already recorded."))
    return verdict


def may_reply(user: Any, r: Rectification) -> Verdict:
    verdict = _handles(user, r)
    if r.called_back_on is None or not r.fix:
        return verdict & deny(_("Record the call-back and the measures before replying."))
    return verdict


def may_appeal(user: Any, rating: Rating) -> Verdict:
    """The rated department appeals a bad rating, once."""
    if not (
        is_staff(user)
        and user.has_perm(FILE_APPEAL)
        and user.district_id == rating.district_id
        and user.department_id == rating.department_id
        and rating.level in BAD_LEVELS
    ):
        return hide(_("Only the rated department may appeal its bad ratings."))
    if rating.excluded or Appeal.objects.filter(rating_id=rating.pk).exists():
        return moved_on(_("This rating has already been appealed."))
    return allow()


def may_decide_appeal(user: Any, appeal: Appeal | None) -> Verdict:
    if appeal is None or not (
        is_staff(user) and user.district_id == appeal.district_id and user.has_perm(DECIDE_APPEAL)
    ):
        return hide(_("Your role does not allow this action."))
    if appeal.status != Appeal.Status.PENDING:
        return moved_on(_("Somebody else acted on this first; the page shows the current state."))
    if appeal.filed_by_id == user.pk:
        return deny(_("Nobody decides their own appeal."))
    return allow()


def may_save_policy(user: Any, district: Any) -> Verdict:
    if not (is_staff(user) and user.district_id == district.pk and user.has_perm(MANAGE_POLICY)):
        return hide(_("Your role does not allow this action."))
    return allow()
