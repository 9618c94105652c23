"""A notice's QR code leads to the certificates' verification page, which answers for it
as for a certificate: what was sealed, checked against the seal; the file by its bytes."""

import pytest
from django.urls import reverse

from dgov.certificates.models import FindingKind, LedgerFinding
from dgov.certificates.tests.test_long_term import append_update
from dgov.notices import sealing
from dgov.notices.models import Kind, Notice
from dgov.notices.tests.conftest import notice_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed(cases, seal, seal_officer):
    return sealing.do_seal(notice_of(cases.refused(), Kind.REFUSAL), by=seal_officer)


def outcome(response) -> str:
    page = response.content.decode()
    return page.split('data-outcome="', 1)[1].split('"', 1)[0]


def test_the_qr_code_page_shows_what_was_sealed_with_the_applicant_masked(client, sealed):
    response = client.get(f"/certificates/v/{sealed.verification_code}/")
    page = response.content.decode()
    assert outcome(response) == "valid" and 'data-record="notice"' in page
    assert sealed.number in page and "不予受理决定书" in page and "李*" in page and "李华" not in page


def test_the_file_is_checked_by_its_bytes(client, sealed):
    data = sealed.path.read_bytes()

    def check(content: bytes):
        from django.core.files.uploadedfile import SimpleUploadedFile

        return client.post(reverse("certificates:verify"), {"upload": SimpleUploadedFile("n.pdf", content)})

    assert outcome(check(data)) == "valid"
    assert outcome(check(append_update(data))) == "changed"
    flipped = bytearray(data)
    flipped[len(flipped) // 3] ^= 0x01
    assert outcome(check(bytes(flipped))) == "altered"
    assert outcome(check(b"%PDF-1.4 not ours")) == "not_issued_here"


def test_by_number_the_standing_only(client, sealed):
    response = client.post(reverse("certificates:verify"), {"reference": sealed.number})
    assert outcome(response) == "valid" and "李*" not in response.content.decode()


def test_a_database_edit_of_the_text_is_refused_and_found(client, sealed):
    Notice.objects.filter(pk=sealed.pk).update(text=sealed.text.replace("不予受理", "予以受理"))
    assert outcome(client.get(f"/certificates/v/{sealed.verification_code}/")) == "records_disagree"
    assert LedgerFinding.objects.filter(kind=FindingKind.RECORDS_DISAGREE, subject=f"notice:{sealed.pk}").exists()


def test_the_sealed_record_is_published_for_the_openssl_check(client, sealed, seal, tmp_path):
    from dgov.certificates.tests.tools import openssl_sm2_verify

    metadata = client.get(reverse("notices:sealed_record", args=[sealed.verification_code, "metadata.json"]))
    value = client.get(reverse("notices:sealed_record", args=[sealed.verification_code, "seal.der"]))
    assert openssl_sm2_verify(tmp_path, seal.sm2_public_key_pem, metadata.content, value.content)
    assert client.get(reverse("notices:sealed_record", args=[sealed.verification_code, "x"])).status_code == 404


def test_an_unknown_code_is_still_not_issued_here(client, sealed):
    assert outcome(client.get("/certificates/v/AAAAAAAAAAAAAAAA/")) == "not_issued_here"
