"""Issue 14's "done when", as one script: a certificate issued under an https public
address, checked by tools the project did not write, then attacked."""

import datetime as dt
import hashlib
import subprocess

import pytest
from django.core.management import call_command

from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import Certificate
from dgov.certificates.sealing import do_issue
from dgov.certificates.tests.test_long_term import append_update
from dgov.certificates.tests.test_reconcile import sealed_outside_the_ledger
from dgov.certificates.tests.tools import nss_store, openssl_sm2_verify, pdfsig, pyhanko_validate
from dgov.certificates.verify import Outcome, verify_code, verify_file

pytestmark = pytest.mark.django_db


def reconcile_exit() -> int:
    try:
        call_command("reconcile_seals")
    except SystemExit as exit_info:
        return int(exit_info.code or 0)
    return 0


def test_done_when(settings, crl_published, district, certificate_type, make_approved, seal_officer, clock, tmp_path):
    settings.DGOV_PUBLIC_URL = "https://zwfw.kuancheng.example"
    today = clock.today()
    seal = do_create_seal(
        district=district,
        certificate_type=certificate_type,
        name="宽城区食品经营许可专用章",
        valid_from=today - dt.timedelta(days=10),
        valid_to=today + dt.timedelta(days=60),
    )
    crl_published.publish(district)
    certificate = do_issue(make_approved(), by=seal_officer)[0]
    assert certificate.seal == seal
    printed = subprocess.run(["pdftotext", str(certificate.path), "-"], capture_output=True, text=True, check=True)
    assert f"https://zwfw.kuancheng.example/certificates/v/{certificate.verification_code}/" in printed.stdout
    genuine = certificate.path.read_bytes()
    nssdir = nss_store(tmp_path / "nss", seal.ca_certificate_pem)
    ca = tmp_path / "ca.pem"
    ca.write_text(seal.ca_certificate_pem)

    def sm2_holds(data: bytes) -> bool:
        """The OpenSSL CLI verifies the seal over the metadata, which names the file's hash."""
        sealed = openssl_sm2_verify(
            tmp_path, seal.sm2_public_key_pem, certificate.seal_metadata.encode(), bytes.fromhex(certificate.seal_value)
        )
        return sealed and hashlib.sha256(data).hexdigest() in certificate.seal_metadata

    # Genuine: every verifier says valid.
    out = pdfsig(certificate.path, nssdir)
    assert "Signature is Valid." in out and "Total document signed" in out and "Certificate is Trusted." in out
    ok, out = pyhanko_validate(certificate.path, ca)
    assert ok, out
    assert sm2_holds(genuine)
    assert verify_file(genuine).outcome == Outcome.VALID

    # One flipped byte: every verifier says altered.
    flipped = bytearray(genuine)
    flipped[len(flipped) // 3] ^= 0x01
    bad = tmp_path / "flipped.pdf"
    bad.write_bytes(bytes(flipped))
    assert "Signature is Valid." not in pdfsig(bad, nssdir)
    assert not pyhanko_validate(bad, ca)[0]
    assert not sm2_holds(bytes(flipped))
    assert verify_file(bytes(flipped)).outcome == Outcome.ALTERED

    # An appended update: every verifier says changed.
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(append_update(genuine))
    assert "Total document signed" not in pdfsig(changed, nssdir)
    assert not pyhanko_validate(changed, ca)[0]
    assert not sm2_holds(changed.read_bytes())
    assert verify_file(changed.read_bytes()).outcome == Outcome.CHANGED

    # The clock past the seal's end: still valid, signed when the seal was valid.
    clock.set(seal.valid_to + dt.timedelta(days=365))
    later = verify_file(genuine)
    assert later.outcome == Outcome.VALID and later.signed_on == today
    clock.set(None)

    # A database edit of holder or validity: refused.
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="王冒名", valid_to=dt.date(2099, 12, 31))
    assert verify_code(certificate.verification_code).outcome == Outcome.RECORDS_DISAGREE
    assert verify_file(genuine).outcome == Outcome.RECORDS_DISAGREE

    # A certificate sealed outside the ledger: reported.
    outside = sealed_outside_the_ledger(make_approved(), seal_officer)
    assert reconcile_exit() == 1
    assert verify_code(outside.verification_code).outcome == Outcome.RECORDS_DISAGREE
