import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from reportlab.pdfgen import canvas

from dgov.certificates import pdf, sealing
from dgov.certificates.actions import do_change_status
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import Certificate
from dgov.certificates.verify import Outcome, pades_check, verify_code, verify_file, verify_reference
from dgov.lib import clock as platform_clock

pytestmark = pytest.mark.django_db


def page(client, certificate):
    return client.get(reverse("certificates:verify_code", args=[certificate.verification_code]))


def pades_intact(data, ca_pem):
    return pades_check(data, ca_pem).intact


def outcome_of(response):
    return re.search(r'data-outcome="([a-z_]+)"', response.content.decode()).group(1)


def test_the_qr_link_points_at_the_public_verification_page_by_an_unguessable_code(certificate):
    assert sealing.verify_url(certificate.verification_code) == (
        f"https://gov.example/certificates/v/{certificate.verification_code}/"
    )
    assert len(certificate.verification_code) == 16
    assert certificate.identifier not in sealing.verify_url(certificate.verification_code)
    text = subprocess.run(["pdftotext", str(certificate.path), "-"], capture_output=True, text=True, check=True).stdout
    assert f"https://gov.example/certificates/v/{certificate.verification_code}/" in text


def test_the_sequential_number_or_identifier_tells_the_standing_but_not_the_holder(client, certificate):
    for reference in (certificate.number, certificate.identifier):
        response = client.post(reverse("certificates:verify"), {"reference": reference})
        assert outcome_of(response) == "valid"
        assert certificate.holder_name not in response.content.decode()
    legacy = client.get(reverse("certificates:verify_identifier", args=[certificate.identifier]))
    assert outcome_of(legacy) == "valid"
    assert certificate.holder_name not in legacy.content.decode()
    typed = client.post(reverse("certificates:verify"), {"reference": certificate.verification_code.lower()})
    assert certificate.holder_name in typed.content.decode()


def test_the_qr_page_says_valid_and_shows_the_id_number_masked(client, certificate):
    response = page(client, certificate)
    assert response.status_code == 200
    assert outcome_of(response) == "valid"
    body = response.content.decode()
    assert certificate.number in body
    assert "110105********002X" in body
    assert "11010519491231002X" not in body


def test_the_page_takes_the_certificate_number(client, certificate):
    response = client.post(reverse("certificates:verify"), {"reference": certificate.number})
    assert outcome_of(response) == "valid"
    assert verify_code(certificate.verification_code).outcome == Outcome.VALID


def test_an_unknown_number_was_not_issued_here(client, certificate):
    response = client.post(reverse("certificates:verify"), {"reference": "JYXK22010399999999"})
    assert outcome_of(response) == "not_issued_here"
    response = client.get(reverse("certificates:verify_identifier", args=["1.2.156.3005.2.X.Y.000001.001.0"]))
    assert outcome_of(response) == "not_issued_here"


def test_the_uploaded_file_verifies_as_valid(client, certificate):
    upload = SimpleUploadedFile("c.pdf", certificate.path.read_bytes(), content_type="application/pdf")
    response = client.post(reverse("certificates:verify"), {"upload": upload})
    assert outcome_of(response) == "valid"


@pytest.mark.parametrize("where", [0.01, 0.3, 0.5, 0.8, 0.97, -3])
def test_one_changed_byte_anywhere_makes_it_altered(certificate, where):
    data = bytearray(certificate.path.read_bytes())
    position = int(len(data) * where) if where > 0 else len(data) + where
    data[position] ^= 0x01
    assert verify_file(bytes(data)).outcome == Outcome.ALTERED


def test_one_changed_byte_is_altered_on_the_page_too(client, certificate):
    data = bytearray(certificate.path.read_bytes())
    data[len(data) // 2] ^= 0x20
    response = client.post(reverse("certificates:verify"), {"upload": SimpleUploadedFile("c.pdf", bytes(data))})
    assert outcome_of(response) == "altered"
    assert certificate.holder_name not in response.content.decode()


def _contents(data: bytes) -> re.Match:
    return re.search(rb"/Contents <([0-9a-fA-F]+)>", data)


def test_a_swapped_signature_makes_it_altered(make_approved, seal, seal_officer):
    first = sealing.do_issue(make_approved(), by=seal_officer)[0]
    second = sealing.do_issue(make_approved(), by=seal_officer)[0]
    a, b = first.path.read_bytes(), second.path.read_bytes()
    match_a, match_b = _contents(a), _contents(b)
    assert len(match_a.group(1)) == len(match_b.group(1))
    swapped = a[: match_a.start(1)] + match_b.group(1) + a[match_a.end(1) :]
    assert len(swapped) == len(a)
    assert verify_file(swapped).outcome == Outcome.ALTERED
    assert not pades_intact(swapped, seal.ca_certificate_pem)


def test_a_certificate_signed_with_another_key_is_altered_or_foreign(certificate, district, settings, tmp_path):
    # A forger with their own keys rebuilds the certificate page and signs it.
    settings.SEAL_KEY_DIR = tmp_path / "forger-keys"
    settings.SEAL_CA_DIR = tmp_path / "forger-ca"
    forged_seal = do_create_seal(
        district=district,
        department=certificate.application.department,
        name="伪造章",
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2040, 1, 1),
    )
    content = sealing.content_for(certificate, url=sealing.verify_url(certificate.verification_code))
    forged = sealing.pades_sign(pdf.render(content), forged_seal)
    assert verify_file(forged).outcome == Outcome.ALTERED  # claims our identifier, other bytes
    # The genuine file's signature does not validate under the forger's CA either.
    assert not pades_intact(certificate.path.read_bytes(), forged_seal.ca_certificate_pem)
    assert pades_intact(certificate.path.read_bytes(), certificate.seal.ca_certificate_pem)
    # A forgery with an identifier of its own was simply not issued here.
    other = Certificate(**{f.attname: getattr(certificate, f.attname) for f in Certificate._meta.concrete_fields})
    other.identifier = certificate.identifier.replace(".000001.", ".000999.")
    content = sealing.content_for(other, url="https://evil.example/")
    assert verify_file(sealing.pades_sign(pdf.render(content), forged_seal)).outcome == Outcome.NOT_ISSUED_HERE


def test_a_random_pdf_was_not_issued_here(client, certificate):
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.drawString(100, 700, "Certificate of nothing")
    c.showPage()
    c.save()
    assert verify_file(buffer.getvalue()).outcome == Outcome.NOT_ISSUED_HERE
    response = client.post(reverse("certificates:verify"), {"upload": SimpleUploadedFile("x.pdf", buffer.getvalue())})
    assert outcome_of(response) == "not_issued_here"
    assert verify_file(b"not a pdf at all").outcome == Outcome.NOT_ISSUED_HERE


def test_a_revoked_certificate_says_so_with_the_date(client, certificate, status_officer):
    do_change_status(certificate, "07", "经营场所不符合条件，依法吊销", by=status_officer)
    response = page(client, certificate)
    assert outcome_of(response) == "revoked"
    assert platform_clock.today().isoformat() in response.content.decode()
    assert verify_file(certificate.path.read_bytes()).outcome == Outcome.REVOKED


def test_a_suspended_certificate_says_so_with_the_date(client, certificate, status_officer):
    do_change_status(certificate, "02", "暂扣整改", by=status_officer)
    verdict = verify_reference(certificate.identifier)
    assert verdict.outcome == Outcome.SUSPENDED
    assert verdict.date == platform_clock.today()
    assert outcome_of(page(client, certificate)) == "suspended"


def test_an_expired_certificate_says_so_with_the_date(certificate):
    later = certificate.valid_to + dt.timedelta(days=1)
    verdict = verify_reference(certificate.identifier, today=later)
    assert verdict.outcome == Outcome.EXPIRED
    assert verdict.date == certificate.valid_to


def test_the_form_wants_one_of_number_or_file(client, db):
    assert client.post(reverse("certificates:verify"), {}).status_code == 400
    assert client.get(reverse("certificates:verify")).status_code == 200


def test_the_command_verifies_offline_and_fails_unless_valid(certificate, tmp_path, status_officer, capsys):
    good = tmp_path / "good.pdf"
    shutil.copy(certificate.path, good)
    call_command("verify_certificate", str(good))
    assert capsys.readouterr().out.startswith("valid")

    bad = tmp_path / "bad.pdf"
    data = bytearray(good.read_bytes())
    data[100] ^= 0x01
    bad.write_bytes(bytes(data))
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_certificate", str(bad))
    assert exit_info.value.code == 1
    assert capsys.readouterr().out.startswith("altered")

    do_change_status(certificate, "03", "以欺骗手段取得，依法撤销", by=status_officer)
    with pytest.raises(SystemExit):
        call_command("verify_certificate", str(good))
    assert capsys.readouterr().out.startswith("revoked")
