"""Service (送达) of a sealed notice, and who may see which.

1. Electronic service: the sealed file goes into the applicant's document locker and the
   applicant is told, with a link (``DGOV_PUBLIC_URL``, ``dgov.lib.links``), in the app,
   by e-mail where they have an address; the applicant's first opening (the notice's
   page, its PDF, the API, or the locker copy) is recorded as the time of service
   (电子送达回执), audited and shown to staff.
2. An applicant without an account is told by text message and served on paper: a window
   clerk prints the sealed file (the same number and QR code) and the printing is logged.
"""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.audit.trail import record
from dgov.lib import clock
from dgov.lib.files import Staged
from dgov.lib.links import public_url
from dgov.lib.rules import enforce
from dgov.notices.models import Notice, NoticeEvent
from dgov.notices.rules import applicant_user_id, may_print


def visible_to(user: Any) -> Any:
    """Applicants: their own sealed documents. Staff: the documents of every case they
    can see (the applications' and bundles' own visibility rules), sealed or not."""
    from dgov.applications.models import Application
    from dgov.bundles.models import BundleApplication

    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    if user.kind != "staff":
        return Notice.objects.held_by(user)
    applications = Application.objects.visible_to(user).values("pk")
    bundles = BundleApplication.objects.visible_to(user).values("pk")
    return Notice.objects.filter(Q(application__in=applications) | Q(bundle_application__in=bundles))


def get_notice_for_user(request: HttpRequest, pk: int) -> Notice:
    """The one guarded way to a notice; 404 alike for missing and not visible."""
    try:
        return (
            visible_to(request.user)
            .select_related(
                "application__applicant",
                "application__item_version",
                "bundle_application__applicant",
                "department",
                "seal",
                "requested_by",
                "sealed_by",
            )
            .get(pk=pk)
        )
    except Notice.DoesNotExist:
        raise Http404 from None


def pdf_response(notice: Notice, *, inline: bool) -> FileResponse:
    """The sealed file (404 before it is sealed)."""
    from dgov.documents.storage import file_response

    if not notice.is_sealed:
        raise Http404
    return file_response(
        notice.key,
        content_type="application/pdf",
        filename=f"{notice.title}-{notice.verification_code}.pdf",
        inline=inline,
    )


def open_url(notice: Notice) -> str:
    return public_url(reverse("notices:detail", args=[notice.pk]))


def deliver(notice: Notice, file: Staged, *, size: int, by: Any) -> str | None:
    """In the sealing transaction: the locker copy, the notification with its link.
    Returns the locker copy's key, for the caller to delete if sealing rolls back."""
    from dgov.documents.storage import do_file_produced
    from dgov.notifications.outbox import notify

    case: Any = notice.application if notice.application_id else notice.bundle_application
    applicant = case.applicant
    now = clock.now()
    copy: str | None = None
    facts = {"title": notice.title, "number": notice.number, "case": case.number}
    with translation.override(settings.LANGUAGE_CODE):
        if applicant.user_id is not None:
            document = do_file_produced(
                file,
                owner=applicant.user,
                district=case.district,
                label=f"{notice.title} {notice.number}",
                original_name=f"{notice.title}-{notice.verification_code}.pdf",
                sha256=notice.file_sha256,
                size=size,
                by=by,
            )
            copy = document.key
            Notice.objects.filter(pk=notice.pk).update(document=document)
            notice.document = document
            NoticeEvent.objects.create(notice=notice, at=now, by=by, verb=NoticeEvent.Verb.DELIVERED)
            subject = _("%(title)s %(number)s") % facts
            body = _(
                "The %(title)s (%(number)s) on application %(case)s is in your document locker. "
                "Open it here: %(link)s — the day you open it counts as the day it was served on you."
            ) % {**facts, "link": open_url(notice)}
        else:
            subject = _("%(title)s %(number)s") % facts
            body = _(
                "The %(title)s (%(number)s) on application %(case)s has been issued. Collect it at the service "
                "hall; check it at %(link)s"
            ) % {**facts, "link": public_url(f"/certificates/v/{notice.verification_code}/")}
        notify(
            district=case.district,
            recipient=applicant.user,
            subject=subject,
            body=body,
            obj=case,
            sms_to=applicant.phone if applicant.user_id is None else "",
        )
    NoticeEvent.objects.create(notice=notice, at=now, by=by, verb=NoticeEvent.Verb.NOTIFIED)
    return copy


def do_open(notice: Notice, user: Any) -> bool:
    """The applicant opens their document: the first time is the time of service
    (电子送达回执), recorded once. Staff opening it serve nobody. True the first time."""
    if notice.sealed_at is None or user.pk is None or applicant_user_id(notice) != user.pk:
        return False
    if notice.opened_at is not None:
        return False
    now = clock.now()
    with transaction.atomic():
        if Notice.objects.filter(pk=notice.pk, opened_at__isnull=True).update(opened_at=now) != 1:
            return False  # opened in another tab at the same moment
        notice.opened_at = now
        NoticeEvent.objects.create(notice=notice, at=now, by=user, verb=NoticeEvent.Verb.OPENED)
        record(
            "notice.served",
            notice,
            actor=user,
            changes={"number": notice.number, "opened_at": now.isoformat(timespec="seconds")},
        )
    return True


def opened_in_locker(sender: Any, document: Any, user: Any, **kwargs: Any) -> None:
    """The applicant downloading the locker copy is served as well."""
    notice = (
        Notice.objects.filter(document=document, opened_at__isnull=True)
        .select_related("application__applicant", "bundle_application__applicant")
        .first()
    )
    if notice is not None:
        do_open(notice, user)


def do_print(notice: Notice, *, by: User) -> None:
    """A window clerk prints the paper copy (the sealed file: same number, same QR code)
    to hand over: logged and audited, shown to staff as service on paper."""
    enforce(may_print(by, notice))
    with transaction.atomic():
        NoticeEvent.objects.create(notice=notice, at=clock.now(), by=by, verb=NoticeEvent.Verb.PRINTED)
        record("notice.print", notice, actor=by, changes={"number": notice.number})
