"""PAdES B-LTA: archival timestamps keep a certificate checkable by outside tools after
the seal's and the timestamp authority's certificates have ended."""

import datetime as dt
import io
import subprocess

import pytest
from django.core.management import call_command
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.certificates import archive
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import Authority
from dgov.certificates.sealing import do_issue
from dgov.certificates.tests.tools import PYHANKO
from dgov.certificates.verify import Outcome, verify_file

pytestmark = pytest.mark.django_db


def pyhanko_ades(path, ca_file, at: dt.datetime) -> tuple[bool, str]:
    """``pyhanko sign adesverify`` (AdES validation with the LTA timestamp chain) at ``at``."""
    result = subprocess.run(
        [PYHANKO, "sign", "adesverify", "--trust", str(ca_file), "--trust-replace",
         "--validation-time", at.isoformat(), str(path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return result.returncode == 0 and "INTACT:TRUSTED" in result.stdout, result.stdout + result.stderr


def test_archival_timestamps_are_renewed_and_hold_past_the_seal_and_the_first_tsa(
    district, certificate_type, make_approved, seal_officer, clock, tmp_path
):
    start = clock.now().replace(microsecond=0)
    clock.set(start)
    seal = do_create_seal(
        district=district,
        certificate_type=certificate_type,
        name="宽城区食品经营许可专用章",
        valid_from=start.date() - dt.timedelta(days=10),
        valid_to=start.date() + dt.timedelta(days=60),
    )
    certificate_type.validity_years = 20
    certificate_type.save()
    certificate = do_issue(make_approved(), by=seal_officer)[0]
    issued = certificate.path.read_bytes()
    first_tsa_end = archive.certificate_end(Authority.objects.get(district=district).tsa_certificate_pem)

    # The job adds the first archival timestamp; the issued file stays as sealed.
    assert archive.run(clock.now()) == 1
    assert archive.run(clock.now()) == 0
    certificate.refresh_from_db()
    assert certificate.archived_until == first_tsa_end
    archived = archive.archive_path(certificate).read_bytes()
    assert archived.startswith(issued) and len(archived) > len(issued)
    assert certificate.path.read_bytes() == issued
    assert verify_file(archived).outcome == Outcome.VALID

    # Near the TSA's end: nothing to renew with until the offline CA renews the TSA.
    clock.set(first_tsa_end - dt.timedelta(days=200))
    call_command("issue_crl", district=district.code, stdout=io.StringIO())
    assert archive.run(clock.now()) == 0
    call_command("renew_tsa", district=district.code, stdout=io.StringIO())
    assert archive.run(clock.now()) == 1
    certificate.refresh_from_db()
    assert certificate.archived_until > first_tsa_end + dt.timedelta(days=365)
    renewed = archive.archive_path(certificate).read_bytes()
    assert renewed.startswith(archived)

    # Ten years on, long past the seal's end: pyHanko's AdES validation (offline, from the
    # file's own DSS) finds the signature valid through the chain of archival timestamps;
    # the issued file alone, or with only the first archival timestamp, no longer holds.
    ca = tmp_path / "ca.pem"
    ca.write_text(seal.ca_certificate_pem)
    at = clock.now() + dt.timedelta(days=10)
    assert at.date() > seal.valid_to + dt.timedelta(days=3000)
    for name, data, holds in (("renewed", renewed, True), ("archived", archived, False), ("issued", issued, False)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        ok, out = pyhanko_ades(tmp_path / f"{name}.pdf", ca, at)
        assert ok == holds, (name, out)
        if holds:
            assert "EXTENDED_WITH_LTA_UPDATES" in out and "TIMESTAMP_TOKEN<INTACT:TRUSTED>" in out

    # Past the first TSA's end the platform's own verifier takes both the issued file and
    # the archived copy.
    clock.set(first_tsa_end + dt.timedelta(days=400))
    call_command("issue_crl", district=district.code, stdout=io.StringIO())
    assert verify_file(renewed).outcome == Outcome.VALID
    assert verify_file(issued).outcome == Outcome.VALID


def test_the_holder_downloads_the_archived_copy_and_an_update_appended_to_it_is_a_change(
    certificate, clock, client, citizen
):
    from dgov.certificates.tests.test_long_term import append_update

    assert archive.run(clock.now()) == 1
    archived = archive.archive_path(certificate).read_bytes()
    client.force_login(citizen)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert b"".join(response.streaming_content) == archived
    assert AuditEntry.objects.filter(verb="certificate.archive", object_id=str(certificate.pk)).count() == 1
    verdict = verify_file(append_update(archived))
    assert verdict.outcome == Outcome.CHANGED
    assert verdict.certificate == certificate
