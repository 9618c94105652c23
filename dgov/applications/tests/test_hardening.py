"""Inputs and paths a reviewer found outside the happy path."""

import pytest
from django.urls import reverse

from dgov.applications import actions
from dgov.applications.models import Application, Channel
from dgov.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def refused(item, citizen, citizen_applicant, clerk) -> Application:
    application, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="h1"
    )
    actions.do_refuse(application, by=clerk, reasons="不属于本事项，请致电 13812345678 咨询")
    application.refresh_from_db()
    return application


def test_nobody_records_a_visit_on_their_own_application(item, clerk, district):
    from django.core.exceptions import PermissionDenied

    from dgov.accounts.models import Applicant
    from dgov.lib.idnumbers import id_check_character

    own = Applicant.objects.create(
        district=district,
        user=clerk,
        kind="citizen",
        name="窗口人员本人",
        id_number="22010319850612345" + id_check_character("22010319850612345"),
    )
    application, _ = actions.do_submit(
        item=item, applicant=own, by=clerk, channel=Channel.ONLINE, idempotency_key="own-visit"
    )

    with pytest.raises(PermissionDenied):
        actions.do_check_in(application, by=clerk)
    application.refresh_from_db()
    assert application.visits == 0


def test_numbers_typed_into_a_reason_are_masked_in_the_audit_trail(refused):
    entry = AuditEntry.objects.get(verb="application.refuse", object_id=str(refused.pk))

    assert "13812345678" not in str(entry.changes)
    assert "138****5678" in str(entry.changes)


def test_a_malformed_applicant_choice_at_the_window_is_not_a_server_error(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("applications:window_new") + "?applicant=%C2%B2").status_code == 200
