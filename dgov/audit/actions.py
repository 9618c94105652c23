"""A re-baseline after a restore (issue 19 §3): one administrator asks, another agrees.

A database restored from a backup ends its audit chain before checkpoints that were
signed later: ``verify_audit`` reports those entries as removed, rightly, since nothing
else tells a restore from a truncation. When the restore was legitimate, two different
administrators record it: ``do_request_rebaseline`` names the entry the restored chain
ends at and why; ``do_approve_rebaseline``, by someone else, appends a signed
"restored to #seq" line to the checkpoint file (``chain.write_rebaseline``). From then on
``verify_audit`` reads the checkpoints signed before it as a history the restore undid.
Both acts are audited. A re-baseline also acknowledges forged rows the chainer refused
up to its number, once they were looked into.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from dgov.accounts.access import is_staff
from dgov.accounts.models import User
from dgov.audit.chain import write_rebaseline
from dgov.audit.models import AuditLink, Rebaseline
from dgov.audit.permissions import REBASELINE
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import Verdict, allow, deny, enforce, hide


def _administrator(user: object) -> bool:
    return is_staff(user) and user.has_perm(REBASELINE)  # type: ignore[attr-defined]


def waiting() -> Rebaseline | None:
    """The re-baseline that waits for a second administrator, if any."""
    return Rebaseline.objects.filter(approved_at__isnull=True).select_related("requested_by").first()


def may_request_rebaseline(user: object) -> Verdict:
    if not _administrator(user):
        return hide()
    if waiting() is not None:
        return deny(_("A re-baseline is already waiting for a second administrator."))
    if not AuditLink.objects.exists():
        return deny(_("The chain is empty: there is nothing to re-baseline."))
    return allow()


def do_request_rebaseline(*, by: User, seq: int, reason: str) -> Rebaseline:
    """Ask for a re-baseline at chain link ``seq`` (the entry the restored chain ends at)."""
    enforce(may_request_rebaseline(by))
    with transaction.atomic():
        chain_hash = AuditLink.objects.filter(seq=seq).values_list("chain_hash", flat=True).first()
        if chain_hash is None:
            raise Conflict(_("Entry #%(seq)d is not chained.") % {"seq": seq})
        rebaseline = Rebaseline.objects.create(
            seq=seq, chain_hash=chain_hash, reason=reason, requested_by=by, requested_at=clock.now()
        )
        record("audit.rebaseline_request", rebaseline, actor=by, changes={"seq": seq, "reason": reason})
    return rebaseline


def may_approve_rebaseline(user: object, rebaseline: Rebaseline) -> Verdict:
    if not _administrator(user):
        return hide()
    if rebaseline.approved_at is not None:
        return deny(_("This re-baseline was agreed already."))
    if rebaseline.requested_by_id == user.pk:  # type: ignore[attr-defined]
        return deny(_("A second administrator must agree, not the one who asked."))
    return allow()


def do_approve_rebaseline(*, by: User, rebaseline: Rebaseline) -> Rebaseline:
    """Agree, and append the signed re-baseline line to the checkpoint file."""
    enforce(may_approve_rebaseline(by, rebaseline))
    now = clock.now()
    with transaction.atomic():
        agreed = (
            Rebaseline.objects.filter(pk=rebaseline.pk, approved_at__isnull=True)
            .exclude(requested_by=by)
            .update(approved_by=by, approved_at=now)
        )
        if not agreed:
            raise Conflict(_("This re-baseline was agreed already."))
        reached = AuditLink.objects.filter(seq=rebaseline.seq).values_list("chain_hash", flat=True).first()
        if reached != rebaseline.chain_hash:
            raise Conflict(
                _("The chain at #%(seq)d changed since the re-baseline was asked for: ask again.")
                % {"seq": rebaseline.seq}
            )
        rebaseline.approved_by, rebaseline.approved_at = by, now
        record(
            "audit.rebaseline",
            rebaseline,
            actor=by,
            changes={
                "seq": rebaseline.seq,
                "requested_by": rebaseline.requested_by.username,
                "approved_by": by.username,
            },
        )
        # Inside the transaction, as a checkpoint line: the trail never names a line the file lacks.
        write_rebaseline(
            seq=rebaseline.seq,
            chain_hash=rebaseline.chain_hash,
            requested_by=rebaseline.requested_by.username,
            approved_by=by.username,
            number=rebaseline.pk,
        )
    return rebaseline
