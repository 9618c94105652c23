"""What the verifier shows is what was sealed; the database is checked against it."""

import datetime as dt
import logging

import pytest
from django.urls import reverse

from dgov.certificates.models import Certificate, FindingKind, LedgerFinding
from dgov.certificates.verify import Outcome, verify_code, verify_file
from dgov.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_a_database_edit_of_holder_and_validity_is_refused_not_shown(client, certificate, seal_officer, caplog):
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="王冒名", valid_to=dt.date(2099, 12, 31))
    with caplog.at_level(logging.ERROR, logger="dgov.certificates.verify"):
        response = client.get(reverse("certificates:verify_code", args=[certificate.verification_code]))
    body = response.content.decode()
    assert 'data-outcome="records_disagree"' in body
    assert "王冒名" not in body and "2099" not in body
    assert "records disagree" in caplog.text
    finding = LedgerFinding.objects.get(kind=FindingKind.RECORDS_DISAGREE)
    assert "holder" in finding.detail and "valid_to" in finding.detail
    alert = Notification.objects.get(recipient=seal_officer, channel="app")
    assert certificate.number in alert.subject
    assert "https://gov.example/certificates/ledger/" in alert.body
    # The file itself says the same; a second look does not alert twice.
    assert verify_file(certificate.path.read_bytes()).outcome == Outcome.RECORDS_DISAGREE
    assert Notification.objects.filter(recipient=seal_officer, channel="app").count() == 1


def test_the_page_shows_the_sealed_holder(client, certificate):
    response = client.get(reverse("certificates:verify_code", args=[certificate.verification_code]))
    body = response.content.decode()
    assert "data-sealed" in body
    assert certificate.holder_name in body
    assert f"{certificate.valid_from.isoformat()} – {certificate.valid_to.isoformat()}" in body


@pytest.mark.parametrize(
    "change",
    [
        {"number": "JYXK22010399999999"},
        {"item_name": "另一个事项"},
        {"seal_metadata": '{"holder":"王冒名"}'},
        {"status": "02"},  # a status change that is not in the status log
        {"file_sha256": "0" * 64},
    ],
)
def test_any_disagreement_between_database_and_seal_is_refused(certificate, change):
    Certificate.objects.filter(pk=certificate.pk).update(**change)
    assert verify_code(certificate.verification_code).outcome == Outcome.RECORDS_DISAGREE


def test_a_stored_file_swapped_on_disk_is_refused(certificate):
    certificate.path.write_bytes(certificate.path.read_bytes() + b"\n%tampered\n")
    verdict = verify_code(certificate.verification_code)
    assert verdict.outcome == Outcome.RECORDS_DISAGREE
    assert any("stored file" in problem for problem in verdict.problems)


def test_an_annotated_copy_edited_in_the_database_is_refused(certificate, citizen):
    from dgov.certificates.actions import do_annotated_copy
    from dgov.certificates.models import AnnotatedCopy
    from dgov.certificates.verify import verify_copy_code
    from dgov.lib import clock

    copy = do_annotated_copy(certificate, "办理银行开户", clock.today() + dt.timedelta(days=10), by=citizen)
    assert verify_copy_code(copy.code).outcome == Outcome.VALID
    AnnotatedCopy.objects.filter(pk=copy.pk).update(expires_on=clock.today() + dt.timedelta(days=300))
    assert verify_copy_code(copy.code).outcome == Outcome.RECORDS_DISAGREE


def test_a_revocation_list_about_to_lapse_is_a_finding(certificate, clock, settings):
    from dgov.certificates import ledger

    clock.set(clock.now() + dt.timedelta(days=settings.DGOV_CRL_DAYS - 1))
    findings = ledger.reconcile(clock.today())
    assert [f.kind for f in findings] == [FindingKind.CRL_EXPIRING]
