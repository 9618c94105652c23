import datetime as dt

import pytest
from django.core.management import call_command

from dgov.applications.models import Application
from dgov.certificates.models import SealUse
from dgov.lib import clock as platform_clock
from dgov.workdays.calendar import add_working_days

pytestmark = pytest.mark.django_db


def reconcile(day):
    try:
        call_command("reconcile_seals", "--date", day.isoformat())
    except SystemExit as exit_info:
        return exit_info.code
    return 0


def test_a_day_of_sealing_on_approvals_is_clean(certificate, capsys):
    assert reconcile(platform_clock.today()) == 0
    assert "no findings" in capsys.readouterr().out


def test_a_seal_use_without_an_approval_is_listed(certificate, capsys):
    use = SealUse.objects.get(certificate=certificate)
    Application.objects.filter(pk=use.application_id).update(status="reviewed", decided_by=None)
    assert reconcile(platform_clock.today()) == 1
    out = capsys.readouterr().out
    assert "Seal use without an approval" in out
    assert certificate.file_sha256 in out


def test_an_approval_without_its_certificate_is_listed_after_ten_working_days(approved, capsys):
    due = add_working_days(approved.decided_on, 10).date
    assert reconcile(due) == 0
    assert reconcile(due + dt.timedelta(days=1)) == 1
    assert approved.number in capsys.readouterr().out


def test_a_late_certificate_due_in_a_year_without_an_official_calendar_is_marked_provisional(approved, capsys):
    """2027's holidays are not yet published: the due date it prints says so (issue 20.5)."""
    Application.objects.filter(pk=approved.pk).update(decided_on=dt.date(2026, 12, 28))
    assert reconcile(dt.date(2027, 2, 1)) == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines() if approved.number in line]
    assert "due=2027-" in line and line.endswith("(provisional)")
    Application.objects.filter(pk=approved.pk).update(decided_on=dt.date(2026, 11, 2))
    assert reconcile(dt.date(2026, 12, 1)) == 1
    (line,) = [line for line in capsys.readouterr().out.splitlines() if approved.number in line]
    assert "due=2026-11-16" in line and "provisional" not in line


def test_an_approval_with_its_certificate_is_not_late(certificate, approved):
    assert reconcile(add_working_days(approved.decided_on, 30).date) == 0


def sealed_outside_the_ledger(approved, seal_officer):
    """A certificate made with the signing functions alone: no ``record_seal_use``."""
    import hashlib
    import secrets

    from dgov.certificates import pdf, sealing
    from dgov.certificates.identifiers import make_identifier
    from dgov.certificates.models import Certificate, CertificateType

    certificate_type = CertificateType.objects.get(code="JYXK")
    seal = sealing.seal_for(approved, certificate_type, platform_clock.today())
    holder_name, holder_code, kind = sealing._holder(approved)
    certificate = Certificate(
        district=approved.district,
        application=approved,
        certificate_type=certificate_type,
        identifier=make_identifier("JYXK", approved.department.credit_code, 777, 1),
        number="JYXK22010300000777",
        serial=777,
        holder_name=holder_name,
        holder_code=holder_code,
        holder_code_kind=kind,
        issuer_name=approved.department.name,
        issuer_code=approved.department.credit_code,
        region="220103",
        item_name=approved.item_version.name,
        issued_on=platform_clock.today(),
        valid_from=platform_clock.today(),
        valid_to=platform_clock.today() + dt.timedelta(days=365),
        seal=seal,
        issued_by=seal_officer,
        storage_name=secrets.token_hex(16),
        verification_code=sealing.new_verification_code(),
    )
    signed = sealing.pades_sign(pdf.render(sealing.content_for(certificate, url="https://gov.example/")), seal)
    certificate.file_sha256 = hashlib.sha256(signed).hexdigest()
    certificate.seal_metadata = sealing.canonical(
        sealing.metadata(certificate, sealed_at="2026-01-01T00:00:00+00:00")
    ).decode()
    certificate.seal_value = sealing.key_store().sign(seal.key_id, certificate.seal_metadata.encode()).hex()
    certificate.save()
    sealing.write_file(certificate.storage_name, signed).place()
    return certificate


def test_a_certificate_sealed_outside_the_ledger_is_found_and_refused(approved, seal, seal_officer, capsys):
    from dgov.certificates.verify import Outcome, verify_code

    certificate = sealed_outside_the_ledger(approved, seal_officer)
    assert reconcile(platform_clock.today()) == 1
    out = capsys.readouterr().out
    assert "Certificate sealed outside the ledger" in out and certificate.number in out
    assert verify_code(certificate.verification_code).outcome == Outcome.RECORDS_DISAGREE


def test_a_deleted_ledger_entry_is_found_through_the_audit_trail(certificate, capsys):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM certificates_sealuse")
    assert reconcile(platform_clock.today()) == 1
    out = capsys.readouterr().out
    assert "missing from the ledger" in out
    assert "Certificate sealed outside the ledger" in out


def test_a_seal_use_without_its_document_or_reason_is_found(certificate, capsys):
    from dgov.certificates.models import SealUsePurpose

    use = SealUse.objects.get(certificate=certificate)
    SealUse.objects.filter(pk=use.pk).update(purpose=SealUsePurpose.OTHER, note="")
    assert reconcile(platform_clock.today()) == 1
    assert "without its certificate or a recorded reason" in capsys.readouterr().out
    SealUse.objects.filter(pk=use.pk).update(note="盖章用于内部函件（经批准）")
    # The certificate has lost its "issue" use: still a finding, but not this one.
    assert reconcile(platform_clock.today()) == 1
    assert "recorded reason" not in capsys.readouterr().out


def test_the_annotated_copy_carries_its_own_sm2_seal_and_ledger_entry(certificate, citizen, tmp_path, capsys):
    from dgov.certificates.actions import do_annotated_copy
    from dgov.certificates.tests.tools import openssl_sm2_verify

    copy = do_annotated_copy(certificate, "办理银行开户", platform_clock.today() + dt.timedelta(days=10), by=citizen)
    assert openssl_sm2_verify(
        tmp_path, copy.seal.sm2_public_key_pem, copy.seal_metadata.encode(), bytes.fromhex(copy.seal_value)
    )
    assert copy.file_sha256 in copy.seal_metadata
    assert SealUse.objects.get(annotated_copy=copy).document_sha256 == copy.file_sha256
    assert reconcile(platform_clock.today()) == 0
    SealUse.objects.filter(annotated_copy=copy).update(annotated_copy=None)
    assert reconcile(platform_clock.today()) == 1
    assert "Annotated copy sealed outside the ledger" in capsys.readouterr().out


def test_the_job_runner_reconciles_daily_and_the_findings_show_to_officer_and_auditor(
    client, certificate, seal_officer, make_staff, clock
):
    from dgov.certificates import jobs
    from dgov.certificates.models import LedgerFinding
    from dgov.lib.jobs import all_jobs

    job = next(j for j in all_jobs() if j.name == "reconcile_seals")
    assert job in jobs.JOBS and job.every == dt.timedelta(days=1)
    assert job.run(clock.now()) == 0
    SealUse.objects.all().update(document_sha256="0" * 64)
    assert job.run(clock.now()) >= 1
    assert job.run(clock.now()) >= 1  # found again, kept once
    kinds = set(LedgerFinding.objects.values_list("kind", flat=True))
    assert {"certificate_without_use", "use_without_document", "use_without_audit"} <= kinds
    count = LedgerFinding.objects.count()
    for person in (seal_officer, make_staff("auditor", "auditor1")):
        client.force_login(person)
        page = client.get("/certificates/ledger/").content.decode()
        assert page.count("data-finding=") == count
    client.force_login(seal_officer)
    assert "data-finding=" in client.get("/certificates/issue/").content.decode()
    client.force_login(make_staff("reviewer", "nosy"))
    assert client.get("/certificates/ledger/").status_code == 403
