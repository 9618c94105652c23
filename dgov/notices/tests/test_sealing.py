"""The seal service seals a waiting notice as it seals a certificate: numbered per
department and year, PAdES B-LT and SM2 by the department's approval seal, entered in the
ledger that reconciliation checks, served into the applicant's locker with a link."""

import datetime as dt
import hashlib
import subprocess

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from dgov.certificates import ledger
from dgov.certificates.models import FindingKind, SealUse, SealUsePurpose
from dgov.certificates.tests.tools import nss_store, openssl_sm2_verify, pdfsig
from dgov.documents.models import Document
from dgov.notices import sealing
from dgov.notices.models import Kind, Notice, NoticeEvent, NumberPrefix
from dgov.notices.tests.conftest import notice_of
from dgov.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def refusal(cases, seal):
    return notice_of(cases.refused(), Kind.REFUSAL)


def test_a_sealed_refusal_holds_up_in_pdfsig_and_the_openssl_sm2_check(refusal, seal, seal_officer, tmp_path):
    NumberPrefix.objects.create(department_id=refusal.department_id, prefix="宽市监许")
    notice = sealing.do_seal(refusal, by=seal_officer)
    year = notice.dated.year
    assert notice.number == f"宽市监许〔{year}〕1号"
    data = notice.path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == notice.file_sha256
    out = pdfsig(notice.path, nss_store(tmp_path / "nss", seal.ca_certificate_pem))
    assert "Signature is Valid." in out and "Total document signed" in out and "Certificate is Trusted." in out
    assert openssl_sm2_verify(
        tmp_path, seal.sm2_public_key_pem, notice.seal_metadata.encode(), bytes.fromhex(notice.seal_value)
    )
    assert notice.file_sha256 in notice.seal_metadata and sealing.text_sha256(notice) in notice.seal_metadata
    printed = subprocess.run(["pdftotext", str(notice.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "不予受理决定书" in printed and notice.number in printed and "提起行政诉讼" in printed
    assert f"/certificates/v/{notice.verification_code}/" in printed


def test_numbers_run_per_department_and_year(cases, seal, seal_officer):
    first = notice_of(cases.refused(), Kind.REFUSAL)
    second = notice_of(cases.refused(), Kind.REFUSAL)
    sealed, refused = sealing.do_seal_batch([first, second], seal_officer)
    assert refused == [] and [n.serial for n in sealed] == [1, 2]
    # A document dated in another year (written on 31 December, sealed on 2 January)
    # takes the first number of its own year.
    late = notice_of(cases.refused(), Kind.REFUSAL)
    Notice.objects.filter(pk=late.pk).update(dated=late.dated.replace(year=late.dated.year - 1))
    late.refresh_from_db()
    assert sealing.do_seal(late, by=seal_officer).number == f"SCJG〔{late.dated.year}〕1号"


def test_the_seal_is_entered_in_the_ledger_and_reconciliation_finds_nothing(refusal, seal_officer):
    notice = sealing.do_seal(refusal, by=seal_officer)
    use = SealUse.objects.get(notice=notice)
    assert use.purpose == SealUsePurpose.NOTICE and use.document_sha256 == notice.file_sha256
    assert use.by == seal_officer and use.application_id == notice.application_id
    day = use.at.date()
    assert [f for f in ledger.reconcile(day) if f.kind != FindingKind.LATE_CERTIFICATE] == []


def test_a_notice_sealed_outside_the_ledger_is_found(refusal, seal_officer):
    notice = sealing.do_seal(refusal, by=seal_officer)
    SealUse.objects.filter(notice=notice).update(notice=None)
    kinds = {f.kind for f in ledger.reconcile(notice.dated)}
    assert FindingKind.NOTICE_WITHOUT_USE in kinds and FindingKind.USE_WITHOUT_DOCUMENT in kinds


def test_a_seal_use_by_the_hand_that_wrote_the_notice_is_found(refusal, seal_officer, clerk):
    notice = sealing.do_seal(refusal, by=seal_officer)
    SealUse.objects.filter(notice=notice).update(by=clerk)
    found = ledger.reconcile(timezone.localdate(SealUse.objects.get(notice=notice).at))  # the district's day
    assert any(f.kind == FindingKind.USE_WITHOUT_ACT for f in found)


def test_who_wrote_a_notice_cannot_seal_it(cases, seal, make_staff):
    from dgov.certificates.tests.conftest import grant

    both = grant(make_staff("window_clerk", "both", department="ZWFW"), "issue_certificate")
    application = cases.submitted()
    from dgov.applications import actions

    actions.do_refuse(application, by=both, reasons="不属于本机关职权范围")
    with pytest.raises(PermissionDenied, match="two separate hands"):
        sealing.do_seal(notice_of(application, Kind.REFUSAL), by=both)


def test_sealing_serves_into_the_locker_with_a_link(refusal, seal_officer, citizen, settings):
    notice = sealing.do_seal(refusal, by=seal_officer)
    assert Document.objects.get(pk=notice.document_id).owner == citizen
    assert Document.objects.get(pk=notice.document_id).path.read_bytes() == notice.path.read_bytes()
    message = Notification.objects.filter(recipient=citizen, body__contains=notice.number).first()
    assert message is not None and f"{settings.DGOV_PUBLIC_URL}/notices/{notice.pk}/" in message.body
    verbs = list(NoticeEvent.objects.filter(notice=notice).values_list("verb", flat=True))
    assert verbs == ["sealed", "delivered", "notified"]


def test_the_automatic_rule_seals_on_the_officers_authority(cases, seal, seal_officer, district):
    waiting = notice_of(cases.refused(), Kind.REFUSAL)
    sealing.do_set_auto_seal(district, by=seal_officer, on=True)
    assert sealing.seal_waiting(now=None) == 1  # type: ignore[arg-type]
    waiting.refresh_from_db()
    assert waiting.sealed_by == seal_officer and waiting.number
    assert sealing.seal_waiting(now=None) == 0  # type: ignore[arg-type]


def test_the_daily_reconciliation_exits_zero_with_sealed_notices(refusal, seal_officer, clock):
    notice = sealing.do_seal(refusal, by=seal_officer)
    clock.set(notice.dated + dt.timedelta(days=1))
    try:
        call_command("reconcile_seals")
    except SystemExit as exit_info:
        assert exit_info.code == 0
    assert Notice.objects.sealed().count() == 1


def test_without_the_departments_seal_the_batch_says_why_and_the_notice_waits(cases, seal_officer, certificate_type):
    waiting = notice_of(cases.refused(), Kind.REFUSAL)
    sealed, refused = sealing.do_seal_batch([waiting], seal_officer)
    assert sealed == [] and refused[0][1] == "The department has no approval seal valid today."
    waiting.refresh_from_db()
    assert waiting.sealed_at is None and waiting.number == ""
