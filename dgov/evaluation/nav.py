from django.utils.translation import gettext_lazy as _

from dgov.evaluation.permissions import (
    INVITE,
    MANAGE_SURVEYS,
    MODERATE,
    REVIEW_COLUMN,
    REVIEW_REPORT,
    SUBMIT_REPORT,
    VIEW_RESULTS,
    WRITE_COLUMN,
)
from dgov.lib.nav import Link

LINKS = [
    Link(_("Evaluation results"), "evaluation:results", VIEW_RESULTS),
    Link(_("Comments to moderate"), "evaluation:moderation", MODERATE),
    Link(_("Invite to evaluate"), "evaluation:invite", INVITE),
    Link(_("Satisfaction surveys"), "evaluation:surveys", MANAGE_SURVEYS),
    Link(_("Heart-to-heart talks"), "evaluation:talks", ""),
    Link(_("Unit heads' column"), "evaluation:columns", WRITE_COLUMN),
    Link(_("Unit heads' column"), "evaluation:columns", REVIEW_COLUMN),
    Link(_("Research reports"), "evaluation:reports", SUBMIT_REPORT),
    Link(_("Research reports"), "evaluation:reports", REVIEW_REPORT),
]
