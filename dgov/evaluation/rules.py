"""Who may do what in public evaluation, talks, the column and research reports: one
predicate per action (``dgov.lib.rules``). The pages build their buttons from these and
each ``do_*`` of ``actions`` enforces the same one first.

The public channels need no account: their predicates take ``user`` for the same shape
but decide on the thing alone (an invitation not yet used, a survey that is open).
"""

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.evaluation.models import (
    ArticleStatus,
    ColumnArticle,
    CommentStatus,
    Evaluation,
    Invitation,
    ReportStatus,
    ResearchReport,
    Survey,
    Talk,
    setting,
)
from dgov.evaluation.permissions import (
    INVITE,
    MANAGE_SURVEYS,
    MODERATE,
    RECORD_TALK,
    REVIEW_COLUMN,
    REVIEW_REPORT,
    SUBMIT_REPORT,
    WRITE_COLUMN,
)
from dgov.lib.rules import Verdict, allow, deny, hide, moved_on

EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.RETURNED)


def _holds(user: Any, permission: str, district_id: int | None = None) -> bool:
    """A staff member holding ``permission`` (in ``district_id`` when given)."""
    return bool(
        is_staff(user) and user.has_perm(permission) and (district_id is None or user.district_id == district_id)
    )


def _role() -> Verdict:
    return hide(_("Your role does not allow this action."))


# The public channels ----------------------------------------------------------------------


def may_evaluate_public(user: Any, campaign: Any, unit: Any) -> Verdict:
    """社会评议: anyone rates a unit of the campaign's district."""
    if unit.district_id != campaign.district_id:
        return hide(_("This unit does not take part in the campaign."))
    return allow()


def may_evaluate_served(user: Any, invitation: Invitation) -> Verdict:
    """服务对象测评: one evaluation per invitation."""
    if Evaluation.objects.filter(invitation=invitation).exists():
        return moved_on(_("This invitation has already been used."))
    return allow()


def may_answer_survey(user: Any, survey: Survey, today: dt.date) -> Verdict:
    """群众满意度测评: only while the survey is open."""
    if not survey.is_open(today):
        return deny(_("This survey is not open."))
    return allow()


# Moderation, invitations, surveys --------------------------------------------------------


def may_moderate(user: Any, evaluation: Evaluation) -> Verdict:
    if not _holds(user, MODERATE, evaluation.district_id):
        return _role()
    if evaluation.comment_status != CommentStatus.PENDING:
        return moved_on(_("This comment was already moderated."))
    return allow()


def may_invite(user: Any, campaign: Any = None, case: Any = None) -> Verdict:
    """An invitation for one case (or one visit of it) of the staff member's district."""
    if not _holds(user, INVITE, None if campaign is None else campaign.district_id):
        return _role()
    if case is not None and case.district_id != user.district_id:
        return hide(_("This case belongs to another district."))
    return allow()


def may_create_survey(user: Any, campaign: Any) -> Verdict:
    return allow() if _holds(user, MANAGE_SURVEYS, campaign.district_id) else _role()


def may_manage_surveys(user: Any) -> Verdict:
    return allow() if _holds(user, MANAGE_SURVEYS) else _role()


# Talks ------------------------------------------------------------------------------------


def may_record_talk(user: Any) -> Verdict:
    return allow() if _holds(user, RECORD_TALK) else _role()


def may_update_follow_up(user: Any, talk: Talk) -> Verdict:
    """Only the two people of a talk record its follow-up."""
    if user.pk not in (talk.leader_id, talk.counterpart_id):
        return hide(_("Only the two people of a talk record its follow-up."))
    return allow()


# The column -------------------------------------------------------------------------------


def may_review_column(user: Any, district_id: int | None = None) -> Verdict:
    """Review articles and schedule the batches they are released in."""
    return allow() if _holds(user, REVIEW_COLUMN, district_id) else _role()


def may_write_article(user: Any) -> Verdict:
    """The head of a unit writes the unit's article."""
    if not (_holds(user, WRITE_COLUMN) and user.department_id is not None):
        return hide(_("Only the head of a unit writes for the column."))
    return allow()


def may_revise_article(user: Any, article: ColumnArticle) -> Verdict:
    if article.author_id != user.pk or not _holds(user, WRITE_COLUMN):
        return hide(_("Only the author revises an article."))
    if article.status not in EDITABLE:
        return moved_on(_("This article is under review or approved and can no longer be changed."))
    return allow()


def may_submit_article(user: Any, article: ColumnArticle) -> Verdict:
    if article.author_id != user.pk:
        return hide(_("Only the author submits an article."))
    if article.status not in EDITABLE:
        return moved_on(_("This article was already handled by someone else."))
    return allow()


def may_review_article(user: Any, article: ColumnArticle) -> Verdict:
    verdict = may_review_column(user, article.district_id)
    if verdict and article.status != ArticleStatus.SUBMITTED:
        return moved_on(_("This article was already handled by someone else."))
    return verdict


# Research reports -------------------------------------------------------------------------


def may_submit_report(user: Any, campaign: Any) -> Verdict:
    """A unit submits its reports, up to the most allowed per campaign."""
    if not (_holds(user, SUBMIT_REPORT) and user.department_id is not None):
        return hide(_("Reports are submitted by a unit."))
    if campaign is None:
        return allow()
    most = setting("EVALUATION_REPORTS_MAX_PER_UNIT")
    if ResearchReport.objects.filter(campaign=campaign, unit_id=user.department_id).counting().count() >= most:
        return deny(
            _("%(unit)s has already submitted %(count)s reports in this campaign, the most allowed.")
            % {"unit": user.department.name, "count": most}
        )
    return allow()


def may_review_report(user: Any, report: ResearchReport) -> Verdict:
    if not _holds(user, REVIEW_REPORT, report.district_id):
        return _role()
    if report.status != ReportStatus.SUBMITTED:
        return moved_on(_("This report was already reviewed."))
    return allow()
