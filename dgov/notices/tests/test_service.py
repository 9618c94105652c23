"""Service (送达) and the pages: the applicant's first opening is the time of service,
recorded once and shown to staff; a clerk prints the paper copy; the seal officer seals
from the queue; bad input is a 400 with nothing written."""

import pytest
from django.urls import reverse

from dgov.applications.models import Application, Status
from dgov.audit.models import AuditEntry
from dgov.documents.models import Document
from dgov.notices import sealing
from dgov.notices.models import Kind, Notice, NoticeEvent
from dgov.notices.tests.conftest import notice_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(cases, seal, seal_officer):
    return sealing.do_seal(notice_of(cases.refused(), Kind.REFUSAL), by=seal_officer)


def test_the_applicants_first_opening_is_recorded_once_as_the_time_of_service(client, citizen, sealed, clock):
    client.force_login(citizen)
    page = client.get(reverse("notices:detail", args=[sealed.pk]))
    assert page.status_code == 200 and "data-served-now" in page.content.decode()
    assert "6个月内依法向长春市宽城区人民法院提起行政诉讼" in page.content.decode()
    sealed.refresh_from_db()
    first = sealed.opened_at
    assert first is not None
    client.get(reverse("notices:detail", args=[sealed.pk]))
    client.get(reverse("notices:download", args=[sealed.pk]))
    sealed.refresh_from_db()
    assert sealed.opened_at == first
    assert NoticeEvent.objects.filter(notice=sealed, verb="opened").count() == 1
    assert AuditEntry.objects.filter(verb="notice.served", object_id=str(sealed.pk)).count() == 1


def test_opening_the_locker_copy_serves_it_too(client, citizen, sealed):
    client.force_login(citizen)
    response = client.get(reverse("documents:download", args=[sealed.document_id]))
    assert b"".join(response.streaming_content) == sealed.path.read_bytes()
    sealed.refresh_from_db()
    assert sealed.opened_at is not None


def test_staff_reading_it_serves_nobody_and_see_when_the_applicant_opened_it(client, citizen, clerk, sealed):
    client.force_login(clerk)
    case = reverse("applications:case", args=[sealed.application_id])
    assert "data-not-opened" in client.get(case).content.decode()
    client.get(reverse("notices:detail", args=[sealed.pk]))
    sealed.refresh_from_db()
    assert sealed.opened_at is None
    client.force_login(citizen)
    client.get(reverse("notices:detail", args=[sealed.pk]))
    client.force_login(clerk)
    page = client.get(case).content.decode()
    assert 'data-notice="refusal"' in page and "data-opened=" in page and sealed.number in page


def test_the_case_page_shows_staff_the_waiting_documents_and_the_applicant_only_sealed_ones(
    client, cases, citizen, clerk, seal
):
    application = cases.accepted()
    client.force_login(clerk)
    assert "data-waiting" in client.get(reverse("applications:case", args=[application.pk])).content.decode()
    client.force_login(citizen)
    assert "data-case-notices" not in client.get(reverse("applications:case", args=[application.pk])).content.decode()


def test_another_applicant_cannot_see_the_document(client, sealed, district):
    from dgov.accounts.models import User

    other = User.objects.create_user("other", password="x-Password-1", kind=User.Kind.CITIZEN)
    client.force_login(other)
    assert client.get(reverse("notices:detail", args=[sealed.pk])).status_code == 404
    assert client.get(reverse("notices:download", args=[sealed.pk])).status_code == 404


def test_a_clerk_prints_the_paper_copy_with_the_same_number_and_it_is_logged(client, clerk, sealed):
    client.force_login(clerk)
    response = client.post(reverse("notices:print", args=[sealed.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == sealed.path.read_bytes()
    event = NoticeEvent.objects.get(notice=sealed, verb="printed")
    assert event.by == clerk and AuditEntry.objects.filter(verb="notice.print").exists()
    page = client.get(reverse("applications:case", args=[sealed.application_id])).content.decode()
    assert "data-printed" in page


def test_the_applicant_finds_their_documents_in_my_applications(client, citizen, sealed):
    client.force_login(citizen)
    page = client.get(reverse("applications:mine")).content.decode()
    assert "data-my-notices" in page and sealed.number in page
    assert sealed.number in client.get(reverse("notices:mine")).content.decode()


def test_the_seal_officer_seals_the_chosen_documents_from_the_queue(client, cases, seal, seal_officer):
    waiting = notice_of(cases.refused(), Kind.REFUSAL)
    client.force_login(seal_officer)
    page = client.get(reverse("notices:queue")).content.decode()
    assert f'data-notice-choice="{waiting.pk}"' in page
    response = client.post(reverse("notices:queue"), {"notice": [str(waiting.pk)]})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.sealed_by == seal_officer and waiting.number


def test_only_seal_officers_see_the_queue(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("notices:queue")).status_code == 403
    assert client.post(reverse("notices:auto_seal"), {"on": "on"}).status_code == 403


def test_a_refusal_without_reasons_is_a_400_and_writes_nothing(client, cases, clerk):
    application = cases.submitted()
    client.force_login(clerk)
    response = client.post(reverse("applications:act", args=[application.pk, "refuse"]), {"refuse-reasons": " "})
    assert response.status_code == 400
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED
    assert not Notice.objects.filter(application=application).exists()


def test_an_extension_without_a_reason_is_a_400_and_writes_nothing(client, cases):
    application = cases.accepted()
    client.force_login(cases.approver)
    response = client.post(
        reverse("applications:act", args=[application.pk, "extend"]), {"extend-days": "5", "extend-reason": ""}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.extended_days == 0
    assert not Notice.objects.filter(application=application, kind=Kind.EXTENSION).exists()


def test_an_applicant_without_an_account_is_told_by_text_and_served_on_paper(cases, seal, seal_officer, district):
    from dgov.accounts.models import Applicant
    from dgov.applications import actions
    from dgov.applications.models import Channel
    from dgov.notifications.models import Notification

    walk_in = Applicant.objects.create(
        district=district, kind=Applicant.Kind.CITIZEN, name="赵强", id_number="220103198506121232", phone="13912345678"
    )
    application, _ = actions.do_submit(
        item=cases.item, applicant=walk_in, by=cases.clerk, channel=Channel.WINDOW, idempotency_key="walk-in"
    )
    actions.do_refuse(application, by=cases.clerk, reasons="不属于本机关职权范围")
    notice = sealing.do_seal(notice_of(application, Kind.REFUSAL), by=seal_officer)
    assert notice.document is None and not Document.objects.filter(sha256=notice.file_sha256).exists()
    text = Notification.objects.get(address="13912345678", body__contains=notice.number)
    assert f"/certificates/v/{notice.verification_code}/" in text.body
