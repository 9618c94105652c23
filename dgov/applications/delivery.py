"""How the result reaches the applicant (证照邮寄): chosen when applying, the address kept
and shown masked, the tracking number recorded by the clerk and told to the applicant.
Each write in one transaction with its audit entry (and the applicant's notice)."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dgov.accounts.models import User
from dgov.applications import rules
from dgov.applications.models import Application, DeliveryMethod, ResultDelivery
from dgov.audit.trail import diff, record
from dgov.lib import clock
from dgov.lib.conflicts import Conflict
from dgov.lib.rules import enforce


def do_choose_delivery(application: Application, *, by: User, method: str, **address: str) -> ResultDelivery:
    """Keep the applicant's choice, made with the application (in its transaction)."""
    fields = {k: address.get(k, "") for k in ("recipient", "phone", "address")} if method == DeliveryMethod.POST else {}
    delivery = ResultDelivery.objects.create(application=application, method=method, **fields)
    record(
        "application.choose_delivery",
        application,
        actor=by,
        changes=diff({}, {"method": method, **fields}),
    )
    return delivery


def do_record_post(application: Application, *, by: User, carrier: str, tracking_number: str) -> ResultDelivery:
    """The result is sent: carrier and tracking number recorded once, audited, told to
    the applicant."""
    from dgov.applications.actions import notify_applicant

    enforce(rules.may_record_post(by, application))
    with transaction.atomic():
        changed = ResultDelivery.objects.filter(
            application=application, method=DeliveryMethod.POST, tracking_number=""
        ).update(carrier=carrier, tracking_number=tracking_number, posted_on=clock.today(), posted_by=by)
        if changed != 1:
            raise Conflict(_("The tracking number is recorded already."))
        record(
            "application.record_post",
            application,
            actor=by,
            changes={"carrier": carrier, "tracking_number": tracking_number},
        )
        notify_applicant(
            application,
            _("Application %(number)s: your result is on its way") % {"number": application.number},
            _("It was sent by %(carrier)s, tracking number %(tracking)s.")
            % {"carrier": carrier, "tracking": tracking_number},
        )
    return ResultDelivery.objects.get(application=application)


def do_reveal_address(application: Application, *, by: User, reason: str) -> ResultDelivery:
    """The full address for the clerk who posts the result; the asking is audited."""
    enforce(rules.may_reveal_address(by, application))
    delivery = ResultDelivery.objects.filter(application=application, method=DeliveryMethod.POST).first()
    if delivery is None:
        raise Conflict(_("The applicant collects the result at the window."))
    record("personal_data.reveal", application, actor=by, changes={"field": "delivery_address", "reason": reason})
    return delivery


def delivery_of(application: Any) -> ResultDelivery | None:
    try:
        return application.result_delivery  # type: ignore[no-any-return]
    except (ResultDelivery.DoesNotExist, AttributeError):
        return None
