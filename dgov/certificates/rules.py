"""Who may do what with certificates: one ``may_*`` predicate per action (``dgov.lib.rules``),
read by the pages to show or explain a button and enforced by the action."""

from typing import Any

from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.roles import CHANGE_CERTIFICATE_STATUS, ISSUE_CERTIFICATE, VIEW_AUDIT
from dgov.lib.rules import Verdict, allow, deny, first_refusal, hide

APPROVED = ("approved", "completed")


def may_issue(user: Any, application: Any) -> Verdict:
    """Three separate hands (行政审批专用章集中托管): intake, approval and sealing.

    1. The officer holds the seal officer's permission, in the application's district.
    2. A decision to approve is on record (approved or completed, with its decider).
    3. The approver is not the clerk who accepted the application.
    4. The officer is neither the approver nor the accepting clerk, nor the applicant.
    """
    if not is_staff(user) or not user.has_perm(ISSUE_CERTIFICATE) or user.district_id != application.district_id:
        return hide(_("Your role does not allow this action."))
    if application.status not in APPROVED or application.decided_by_id is None:
        return deny(_("There is no recorded approval to seal."))
    if application.accepted_by_id is not None and application.accepted_by_id == application.decided_by_id:
        return deny(_("The approver is the clerk who accepted the application: the seal refuses."))
    if user.pk in (application.decided_by_id, application.accepted_by_id):
        return deny(_("Intake, approval and sealing must be three separate hands."))
    if application.applicant.user_id is not None and application.applicant.user_id == user.pk:
        return deny(_("Nobody handles their own application."))
    return allow()


def may_change_status(user: Any, certificate: Any) -> Verdict:
    """Suspension and revocation are the issuing department's decisions (the service
    centre, which issues for every department, excepted)."""
    if (
        not is_staff(user)
        or not user.has_perm(CHANGE_CERTIFICATE_STATUS)
        or user.district_id != certificate.district_id
    ):
        return hide(_("Your role does not allow this action."))
    department = user.department
    if (
        department is not None
        and department.kind != department.Kind.SERVICE_CENTRE
        and certificate.application.department_id != department.pk
    ):
        return hide(_("This certificate was issued for another department's item."))
    return allow()


def may_make_copy(user: Any, certificate: Any) -> Verdict:
    """Only the holder makes an annotated copy (加注件), of a certificate in force."""
    holder = certificate.application.applicant.user_id
    if holder is None or holder != getattr(user, "pk", None):
        return hide(_("Only the holder can make an annotated copy."))
    if certificate.status != "01":
        return deny(_("Only a valid certificate can be copied."))
    return allow()


def may_see_ledger(user: Any) -> Verdict:
    """Seal officers keep the ledger; auditors check it."""
    if is_staff(user) and (user.has_perm(ISSUE_CERTIFICATE) or user.has_perm(VIEW_AUDIT)):
        return allow()
    return hide()


__all__ = ["first_refusal", "may_change_status", "may_issue", "may_make_copy", "may_see_ledger"]
