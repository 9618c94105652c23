import hashlib
import os
import stat
import subprocess

import pytest
from django.core.exceptions import PermissionDenied

from dgov.applications.models import Application
from dgov.audit.models import AuditEntry
from dgov.certificates import sm2
from dgov.certificates.identifiers import check_character, is_well_formed
from dgov.certificates.models import Certificate, SealUse
from dgov.certificates.sealing import do_issue, do_issue_batch, key_dir
from dgov.certificates.tests.conftest import ISSUER_CREDIT_CODE, grant

pytestmark = pytest.mark.django_db


def test_an_issued_certificate_is_reported_signed_and_unmodified_by_pdfsig(certificate):
    out = subprocess.run(["pdfsig", str(certificate.path)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in out
    assert "Total document signed" in out
    assert "宽城区市场监督管理局行政审批专用章" in out


def test_the_certificate_embeds_its_chinese_font(certificate):
    out = subprocess.run(["pdffonts", str(certificate.path)], capture_output=True, text=True, check=True).stdout
    fonts = out.splitlines()[2:]
    assert fonts
    assert all(" yes yes yes " in line for line in fonts), out
    text = subprocess.run(["pdftotext", str(certificate.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "食品经营许可证" in text
    assert certificate.number in text


def test_the_certificate_shows_an_id_number_masked(certificate):
    assert certificate.holder_code == "11010519491231002X"  # stored in full
    text = subprocess.run(["pdftotext", str(certificate.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "110105********002X" in text
    assert "11010519491231002X" not in text
    assert "11010519491231002X" not in certificate.seal_metadata


def test_the_identifier_follows_the_gb_t_36904_pattern(certificate):
    assert certificate.identifier.startswith(f"1.2.156.3005.2.JYXK.{ISSUER_CREDIT_CODE}.000001.001.")
    assert is_well_formed(certificate.identifier)
    body = f"JYXK{ISSUER_CREDIT_CODE}000001001"
    for position in range(len(body)):
        changed = body[:position] + ("1" if body[position] != "1" else "2") + body[position + 1 :]
        assert check_character(changed) != check_character(body)


def test_the_sm2_seal_verifies_with_the_openssl_command_line(certificate, tmp_path):
    (tmp_path / "pub.pem").write_text(certificate.seal.sm2_public_key_pem)
    (tmp_path / "meta.json").write_bytes(certificate.seal_metadata.encode())
    (tmp_path / "seal.der").write_bytes(bytes.fromhex(certificate.seal_value))
    command = [
        "openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(tmp_path / "pub.pem"),
        "-rawin", "-digest", "sm3", "-pkeyopt", "distid:1234567812345678",
        "-in", str(tmp_path / "meta.json"), "-sigfile", str(tmp_path / "seal.der"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Signature Verified Successfully" in result.stdout
    # The metadata binds the file.
    assert hashlib.sha256(certificate.path.read_bytes()).hexdigest() in certificate.seal_metadata
    (tmp_path / "meta.json").write_bytes(certificate.seal_metadata.replace("JYXK", "JYXL").encode())
    assert subprocess.run(command, capture_output=True, check=False).returncode != 0


def test_a_seal_made_with_openssl_is_verified_by_the_platform(tmp_path):
    key, pub, data, sig = (tmp_path / n for n in ("key.pem", "pub.pem", "data", "sig"))
    data.write_bytes(b'{"number":"JY1"}')
    subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", str(key), "-pubout", "-out", str(pub)], check=True, capture_output=True)
    subprocess.run(
        ["openssl", "pkeyutl", "-sign", "-inkey", str(key), "-rawin", "-digest", "sm3",
         "-pkeyopt", "distid:1234567812345678", "-in", str(data), "-out", str(sig)],
        check=True, capture_output=True,
    )  # fmt: skip
    public = sm2.PublicKey.from_pem(pub.read_text())
    assert public.verify(data.read_bytes(), sig.read_bytes())
    assert not public.verify(b'{"number":"JY2"}', sig.read_bytes())


def test_the_seal_refuses_without_a_recorded_approval(seal, make_approved, seal_officer):
    application = make_approved()
    Application.objects.filter(pk=application.pk).update(status="reviewed", decided_by=None)
    application.refresh_from_db()
    with pytest.raises(PermissionDenied):
        do_issue(application, by=seal_officer)
    assert not Certificate.objects.exists()
    assert not SealUse.objects.exists()


def test_the_seal_refuses_when_the_approver_is_the_clerk_who_accepted(approved, seal_officer, clerk):
    Application.objects.filter(pk=approved.pk).update(decided_by=clerk)
    approved.refresh_from_db()
    with pytest.raises(PermissionDenied):
        do_issue(approved, by=seal_officer)


def test_neither_the_approver_nor_the_accepting_clerk_may_seal(approved, approver, clerk):
    for hand in (grant(approver, "issue_certificate"), grant(clerk, "issue_certificate")):
        with pytest.raises(PermissionDenied):
            do_issue(approved, by=hand)
    assert not Certificate.objects.exists()


def test_staff_without_the_seal_officer_permission_cannot_seal(approved, make_staff):
    with pytest.raises(PermissionDenied):
        do_issue(approved, by=make_staff("centre_supervisor", "plain"))


def test_the_seal_officer_role_alone_grants_sealing(approved, make_staff, seal):
    assert do_issue(approved, by=make_staff("seal_officer", "byrole", department="ZWFW"))


def test_every_seal_use_is_in_the_audit_trail(certificate, approved):
    use = SealUse.objects.get(certificate=certificate)
    assert use.document_sha256 == certificate.file_sha256
    assert use.application == approved
    entry = AuditEntry.objects.get(verb="seal.use", object_id=str(use.pk))
    assert entry.changes["seal"] == certificate.seal.key_id
    assert entry.changes["document_sha256"] == certificate.file_sha256
    assert entry.changes["application"] == approved.number
    assert entry.changes["approved_by"] == approved.decided_by_id
    assert entry.changes["at"]


def test_issuing_again_returns_the_certificate_already_issued(certificate, approved, seal_officer):
    again = do_issue(approved, by=seal_officer)
    assert [c.pk for c in again] == [certificate.pk]
    assert SealUse.objects.count() == 1


def test_a_batch_issues_what_it_can_and_reports_the_rest(make_approved, seal, seal_officer):
    good = [make_approved(), make_approved()]
    bad = make_approved()
    Application.objects.filter(pk=bad.pk).update(status="denied")
    bad.refresh_from_db()
    issued, refused = do_issue_batch([*good, bad], seal_officer)
    assert len(issued) == 2
    assert [a for a, _reason in refused] == [bad]
    assert sorted(c.serial for c in issued) == [1, 2]


def test_seal_keys_are_private_files_outside_the_database(seal):
    files = sorted(key_dir().iterdir())
    assert files
    for path in files:
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(key_dir()).st_mode) == 0o700
    private = (key_dir() / f"{seal.key_id}.sm2.pem").read_text()
    assert "PRIVATE KEY" in private
    for field in ("sm2_public_key_pem", "certificate_pem", "ca_certificate_pem"):
        assert "PRIVATE" not in getattr(seal, field)


def test_each_certificate_type_has_its_layout(certificate, tmp_path):
    from dgov.certificates import pdf
    from dgov.certificates.sealing import content_for

    for layout in ("licence", "permit"):
        content = content_for(certificate, url="https://gov.example/v/")
        path = tmp_path / f"{layout}.pdf"
        path.write_bytes(pdf.render(pdf.Content(**{**content.__dict__, "layout": layout})))
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        portrait = "595.276 x 841.89" in info
        assert portrait == (layout == "permit"), info
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
        assert certificate.number in text


def test_the_holder_finds_the_issued_certificate_in_their_document_locker(certificate, approved):
    from dgov.documents.models import Document

    holder = approved.applicant.user
    in_locker = Document.objects.visible_to(holder).get(owner=holder, content_type="application/pdf")

    assert in_locker.sha256 == certificate.file_sha256
    assert in_locker.original_name == f"{certificate.identifier}.pdf"
    assert in_locker.path.read_bytes() == certificate.path.read_bytes()
    assert in_locker.path.stat().st_ino == certificate.path.stat().st_ino  # linked, not copied


def test_a_batch_reads_the_last_serial_once_and_skips_one_another_officer_took(make_approved, seal, seal_officer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dgov.certificates.sealing import _Batch

    batch = _Batch()
    applications = [make_approved(), make_approved()]
    with CaptureQueriesContext(connection) as queries:
        first, second = do_issue_batch(applications, seal_officer)[0]
    assert sum("MAX(" in query["sql"].upper() for query in queries.captured_queries) == 1
    first_of_batch = do_issue(make_approved(), by=seal_officer, batch=batch)[0]
    meanwhile = do_issue(make_approved(), by=seal_officer)[0]  # another officer's batch
    after = do_issue(make_approved(), by=seal_officer, batch=batch)[0]
    assert [c.serial for c in (first, second, first_of_batch, meanwhile, after)] == [1, 2, 3, 4, 5]
