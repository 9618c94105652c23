"""Who may do what with written notices: one ``may_*`` predicate per action
(``dgov.lib.rules``), read by the pages and enforced by the actions."""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.roles import ACCEPT, ISSUE_CERTIFICATE
from dgov.lib.rules import Verdict, allow, deny, hide
from dgov.notices.models import EDIT_TEMPLATES


def applicant_user_id(notice: Any) -> int | None:
    """The account of the applicant a notice is addressed to (None: no account)."""
    case = notice.application if notice.application_id else notice.bundle_application
    return case.applicant.user_id


def may_seal(user: Any, notice: Any) -> Verdict:
    """Act and seal are separate hands (行政审批专用章集中托管).

    1. The officer holds the seal officer's permission, in the notice's district.
    2. The notice waits for its seal.
    3. The officer did not write it (the clerk or approver whose act it records) and is
       not the applicant.
    """
    if not is_staff(user) or not user.has_perm(ISSUE_CERTIFICATE) or user.district_id != notice.district_id:
        return hide(_("Your role does not allow this action."))
    if notice.sealed_at is not None:
        return deny(_("This document is sealed already."))
    if notice.requested_by_id is not None and notice.requested_by_id == user.pk:
        return deny(_("The act and its seal must be two separate hands: you wrote this document."))
    if applicant_user_id(notice) == user.pk:
        return deny(_("Nobody handles their own application."))
    return allow()


def may_print(user: Any, notice: Any) -> Verdict:
    """A window clerk prints the paper copy of a sealed document (送达 by hand)."""
    if not is_staff(user) or not user.has_perm(ACCEPT) or user.district_id != notice.district_id:
        return hide(_("Your role does not allow this action."))
    if notice.sealed_at is None:
        return deny(_("The document is not sealed yet."))
    return allow()


def may_edit_templates(user: Any) -> Verdict:
    if is_staff(user) and user.has_perm(EDIT_TEMPLATES):
        return allow()
    return hide(_("Your role does not allow this action."))


def may_configure_auto_seal(user: Any) -> Verdict:
    """Only a seal officer puts sealing on their own authority into the job runner."""
    if is_staff(user) and user.has_perm(ISSUE_CERTIFICATE):
        return allow()
    return hide(_("Your role does not allow this action."))


def may_see_queue(user: Any) -> Verdict:
    return may_configure_auto_seal(user)
