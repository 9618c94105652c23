"""Certificates that hold up outside the platform and for their whole validity: PAdES
B-LT (timestamp, chain and CRL in the signed revision), checked by pdfsig and pyHanko's
command line; judged at signing time; a seal revoked through the district CA's CRL."""

import datetime as dt
import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from dgov.certificates import pdf
from dgov.certificates.ca import do_create_seal, do_revoke_seal
from dgov.certificates.models import RevocationList
from dgov.certificates.sealing import do_issue
from dgov.certificates.tests.tools import nss_store, pdfsig, pyhanko_validate
from dgov.certificates.verify import Outcome, verify_code, verify_file

pytestmark = pytest.mark.django_db


def append_update(data: bytes) -> bytes:
    """What a forger (or an innocent editor) does: an incremental update after the seal."""
    from pyhanko.pdf_utils.generic import NameObject, TextStringObject
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    writer.root[NameObject("/Lang")] = TextStringObject("en")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_pdfsig_finds_it_valid_over_the_whole_file_and_trusted_with_the_district_ca(certificate, tmp_path):
    out = pdfsig(certificate.path, nss_store(tmp_path / "nss", certificate.seal.ca_certificate_pem))
    assert "Signature is Valid." in out, out
    assert "Certificate is Trusted." in out, out
    assert "Total document signed" in out, out
    # Without the district CA in its store, pdfsig does not trust the seal.
    untrusted = pdfsig(certificate.path, nss_store(tmp_path / "empty", ""))
    assert "Certificate is Trusted." not in untrusted


def test_pyhanko_validates_it_with_revocation_info_required_from_the_published_crl(
    crl_published, certificate, tmp_path
):
    ca = tmp_path / "ca.pem"
    ca.write_text(certificate.seal.ca_certificate_pem)
    ok, out = pyhanko_validate(certificate.path, ca)
    assert not ok, "nothing published yet: --force-revinfo must fail"
    crl_published.publish(certificate.district)
    ok, out = pyhanko_validate(certificate.path, ca)
    assert ok, out
    assert "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in out
    assert "UNTOUCHED" in out


def test_the_file_is_a_certification_with_timestamp_dss_and_a_visible_seal(certificate):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.fields import MDPPerm
    from pyhanko.sign.validation.dss import DocumentSecurityStore

    from dgov.certificates.sealing import seal_mark
    from dgov.certificates.verify import _timestamp_time

    reader = PdfFileReader(io.BytesIO(certificate.path.read_bytes()), strict=False)
    signature = reader.embedded_signatures[0]
    assert signature.docmdp_level == MDPPerm.NO_CHANGES
    assert _timestamp_time(signature) is not None
    dss = DocumentSecurityStore.read_dss(reader)
    assert len(dss.crls) == 1
    subjects = {cert.subject.native["common_name"] for cert in dss.load_certs()}
    district = certificate.district
    assert {certificate.seal.name, f"{district} 时间戳服务", f"{district} 电子印章根证书"} <= subjects
    # The DSS is inside the signed revision: the signature still covers every byte.
    assert signature.byte_range[2] + signature.byte_range[3] == len(certificate.path.read_bytes())
    widget = signature.sig_field
    rect = [float(v) for v in widget["/Rect"]]
    assert rect == list(pdf.seal_box(certificate.certificate_type.layout))
    text = subprocess.run(["pdftotext", str(certificate.path), "-"], capture_output=True, text=True, check=True).stdout
    assert seal_mark(certificate.seal).fingerprint in text


def test_an_appended_update_is_reported_as_a_change_by_every_validator(crl_published, certificate, tmp_path):
    crl_published.publish(certificate.district)
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(append_update(certificate.path.read_bytes()))
    out = pdfsig(changed, nss_store(tmp_path / "nss", certificate.seal.ca_certificate_pem))
    assert "Total document signed" not in out, out
    ca = tmp_path / "ca.pem"
    ca.write_text(certificate.seal.ca_certificate_pem)
    ok, out = pyhanko_validate(changed, ca)
    assert not ok, out
    verdict = verify_file(changed.read_bytes())
    assert verdict.outcome == Outcome.CHANGED
    assert verdict.certificate == certificate


def test_a_genuine_certificate_stays_valid_after_its_seal_has_ended(
    district, certificate_type, make_approved, seal_officer, clock, client, tmp_path, capsys
):
    today = clock.today()
    short = do_create_seal(
        district=district,
        certificate_type=certificate_type,
        name="宽城区食品经营许可专用章",
        valid_from=today - dt.timedelta(days=10),
        valid_to=today + dt.timedelta(days=30),
    )
    certificate = do_issue(make_approved(), by=seal_officer)[0]
    assert certificate.seal == short
    assert certificate.valid_to > short.valid_to + dt.timedelta(days=365)

    clock.set(short.valid_to + dt.timedelta(days=400))
    verdict = verify_file(certificate.path.read_bytes())
    assert verdict.outcome == Outcome.VALID
    assert verdict.signed_on == today
    assert verdict.seal == short
    response = client.get(reverse("certificates:verify_code", args=[certificate.verification_code]))
    body = response.content.decode()
    assert 'data-outcome="valid"' in body
    assert f'data-signed-on="{today.isoformat()}"' in body
    assert short.name in body
    copy = tmp_path / "c.pdf"
    copy.write_bytes(certificate.path.read_bytes())
    call_command("verify_certificate", str(copy))
    assert capsys.readouterr().out.startswith("valid")


def test_a_revoked_seal_keeps_what_it_sealed_before_and_refuses_what_came_after(
    make_approved, seal, seal_officer, clock
):
    start = clock.now().replace(microsecond=0)
    clock.set(start)
    before = do_issue(make_approved(), by=seal_officer)[0]
    clock.set(start + dt.timedelta(hours=2))
    after = do_issue(make_approved(), by=seal_officer)[0]

    crl = do_revoke_seal(seal, reason="签章私钥疑似泄露", at=start + dt.timedelta(hours=1))

    from cryptography import x509

    serial = x509.load_pem_x509_certificate(seal.certificate_pem.encode()).serial_number
    listed = x509.load_der_x509_crl(bytes(crl.der)).get_revoked_certificate_by_serial_number(serial)
    assert listed is not None
    assert RevocationList.objects.filter(district=seal.district).count() == 2
    assert verify_file(before.path.read_bytes()).outcome == Outcome.VALID
    refused = verify_file(after.path.read_bytes())
    assert refused.outcome == Outcome.SEAL_REVOKED
    assert verify_code(after.verification_code).outcome == Outcome.SEAL_REVOKED
    with pytest.raises(ValidationError):
        do_issue(make_approved(), by=seal_officer)


def test_sealing_stops_when_the_revocation_list_has_lapsed(approved, seal_officer, clock, settings):
    clock.set(clock.now() + dt.timedelta(days=settings.DGOV_CRL_DAYS + 1))
    with pytest.raises(ValidationError) as refused:
        do_issue(approved, by=seal_officer)
    assert "revocation list is valid" in str(refused.value)


def test_a_configured_timestamp_authority_is_asked_over_http(settings, seal, make_approved, seal_officer):
    from pyhanko.pdf_utils.reader import PdfFileReader

    from dgov.certificates import sealing
    from dgov.certificates.models import Authority
    from dgov.certificates.tests.tools import http_tsa
    from dgov.certificates.verify import _timestamp_time

    tsa_key_id = Authority.objects.get(district=seal.district).tsa_key_id
    asked = []

    def remote():  # stands in for the province's TSA: its own key, reached over HTTP
        asked.append(1)
        return sealing.key_store().timestamper(tsa_key_id)

    with http_tsa(remote) as url:
        settings.DGOV_TSA_URL = url
        certificate = do_issue(make_approved(), by=seal_officer)[0]
    assert asked == [1]
    signature = PdfFileReader(io.BytesIO(certificate.path.read_bytes()), strict=False).embedded_signatures[0]
    assert _timestamp_time(signature) is not None
    assert verify_file(certificate.path.read_bytes()).outcome == Outcome.VALID
