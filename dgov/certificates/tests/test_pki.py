"""An outsider can check without us: the public page, its procedure run as written, the API."""

import base64
import datetime as dt
import html
import re
import shlex
import subprocess

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def procedures(page: str) -> list[str]:
    return [html.unescape(block) for block in re.findall(r"<pre[^>]*>(.*?)</pre>", page, re.S)]


def download(client, url, path):
    response = client.get(url)
    assert response.status_code == 200, url
    path.write_bytes(response.content)


def test_the_public_page_publishes_everything_and_its_procedure_works_as_written(client, certificate, tmp_path):
    page = client.get(reverse("certificates:pki")).content.decode()
    seal = certificate.seal
    assert seal.key_id in page and seal.name in page
    assert seal.valid_to.isoformat() in page
    blocks = procedures(page)
    assert certificate.seal.ca_certificate_pem.strip() in blocks[0]

    # Gather the files the way the page says: trust root and CRL, the seal's public key,
    # the certificate with its sealed record.
    code = certificate.district.code
    download(client, reverse("certificates:pki_file", args=[code, "ca.pem"]), tmp_path / "ca.pem")
    download(client, reverse("certificates:pki_file", args=[code, "tsa.pem"]), tmp_path / "tsa.pem")
    download(client, reverse("certificates:pki_file", args=[code, "crl"]), tmp_path / "ca.crl")
    download(client, reverse("certificates:seal_file", args=[seal.key_id, "sm2.pem"]), tmp_path / "seal-sm2.pem")
    download(client, reverse("certificates:seal_file", args=[seal.key_id, "cert.pem"]), tmp_path / "seal-cert.pem")
    verify_address = f"/certificates/v/{certificate.verification_code}/"
    download(client, verify_address + "metadata.json", tmp_path / "metadata.json")
    download(client, verify_address + "seal.der", tmp_path / "seal.der")
    (tmp_path / "certificate.pdf").write_bytes(certificate.path.read_bytes())

    crl = subprocess.run(
        ["openssl", "crl", "-inform", "DER", "-in", "ca.crl", "-CAfile", "ca.pem", "-noout"],
        cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert "verify OK" in crl.stderr + crl.stdout
    chain = subprocess.run(["openssl", "verify", "-CAfile", "ca.pem", "seal-cert.pem", "tsa.pem"], cwd=tmp_path,
                           capture_output=True, text=True, check=False)  # fmt: skip
    assert chain.returncode == 0, chain.stdout + chain.stderr

    # The pdfsig procedure, command by command.
    pdfsig_block = next(b for b in blocks if "pdfsig" in b)
    for line in pdfsig_block.strip().splitlines():
        result = subprocess.run(shlex.split(line), cwd=tmp_path, capture_output=True, text=True, check=False)
        assert result.returncode == 0, line + result.stderr
    assert "Signature is Valid." in result.stdout and "Certificate is Trusted." in result.stdout

    # The OpenSSL procedure, exactly as published.
    openssl_block = next(b for b in blocks if "pkeyutl" in b)
    result = subprocess.run(shlex.split(openssl_block), cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "Signature Verified Successfully" in result.stdout, result.stdout + result.stderr
    metadata = (tmp_path / "metadata.json").read_text()
    assert certificate.file_sha256 in metadata
    (tmp_path / "metadata.json").write_text(metadata.replace(certificate.holder_name, "王冒名"))
    result = subprocess.run(shlex.split(openssl_block), cwd=tmp_path, capture_output=True, text=True, check=False)
    assert "Signature Verified Successfully" not in result.stdout


def test_the_api_publishes_the_same_and_answers_by_code(client, certificate):
    data = client.get("/api/v1/certificates/pki").json()
    assert data["ca_certificate_pem"] == certificate.seal.ca_certificate_pem
    assert data["crl"]["number"] >= 1
    assert base64.b64decode(data["crl"]["der_base64"])
    assert data["crl_url"].endswith(f"/certificates/pki/{certificate.district.code}/crl")
    seal = next(s for s in data["seals"] if s["key_id"] == certificate.seal.key_id)
    assert seal["sm2_public_key_pem"] == certificate.seal.sm2_public_key_pem
    assert seal["valid_to"] == certificate.seal.valid_to.isoformat()
    assert "distid:1234567812345678" in data["openssl_verify"]
    answer = client.get(f"/api/v1/certificates/verify/{certificate.verification_code}").json()
    assert answer["outcome"] == "valid"
    assert answer["sealed"]["holder"] == certificate.holder_name
    assert client.get("/api/v1/certificates/verify/NOSUCHCODE").json()["outcome"] == "not_issued_here"


def test_verification_is_rate_limited_per_client_address(certificate, settings, clock):
    clock.set(clock.now())  # one window, however slow the machine
    settings.DGOV_VERIFY_RATE = "3/60"
    one, other = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    url = reverse("certificates:verify_code", args=[certificate.verification_code])
    assert [one.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = one.get(url)
    assert refused.status_code == 429
    assert "Too many verifications" in refused.content.decode()
    assert one.post(reverse("certificates:verify"), {"reference": certificate.number}).status_code == 429
    assert one.get(f"/api/v1/certificates/verify/{certificate.verification_code}").status_code == 429
    assert other.get(url).status_code == 200
    clock.set(clock.now() + dt.timedelta(seconds=61))
    assert one.get(url).status_code == 200  # the next window


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("zh-hans", "尚未公布其证书认证机构"),
        ("zh-hant", "尚未公佈其證書認證機構"),
        ("en", "has not published its certificate authority yet"),
    ],
)
def test_a_district_without_a_certificate_authority_says_so_plainly(client, district, language, says):
    response = client.get(reverse("certificates:pki"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    page = response.content.decode()
    assert "data-no-authority" in page and says in page and district.name in page
    assert "pdfsig" in page  # the steps to check a certificate are still there
    # The files themselves are not there yet.
    assert client.get(reverse("certificates:pki_file", args=[district.code, "ca.pem"])).status_code == 404
