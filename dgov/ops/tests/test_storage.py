"""Files on shared storage (issue 16 §3, decision 0032): a local directory, where the
locker hard-links what the platform made, or an S3-compatible bucket through
django-storages, where it copies. The S3 tests run against moto's S3 server on a loopback
port: a real HTTP endpoint, the same requests a production bucket would get."""

import hashlib
import secrets
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.documents.tests import files as samples

BUCKET = "dgov-test-files"


@pytest.mark.parametrize(("storage", "linked"), [("local", True), ("object", False)])
def test_the_locker_links_on_local_storage_and_copies_on_a_mounted_bucket(
    settings: Any, approved: Any, seal_officer: Any, storage: str, linked: bool
) -> None:
    from dgov.certificates.sealing import do_issue
    from dgov.documents.models import Document

    settings.FILE_STORAGE = storage
    certificate = do_issue(approved, by=seal_officer)[0]
    in_locker = Document.objects.get(owner=approved.applicant.user, sha256=certificate.file_sha256)
    assert in_locker.path.read_bytes() == certificate.path.read_bytes()
    assert (in_locker.path.stat().st_ino == certificate.path.stat().st_ino) is linked
    assert certificate.path.stat().st_nlink == (2 if linked else 1)


def test_a_link_that_fails_falls_back_to_a_copy(settings: Any, monkeypatch: Any) -> None:
    import os

    from dgov.lib.files import LocalFiles

    def refuse(source: Any, target: Any) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    store = LocalFiles()
    staged = store.stage("certificates/ab/cd/a.pdf", [b"%PDF-1.7 certificate"])
    copy = store.share(staged, "uploads/ab/cd/b")
    staged.place()
    assert store.read("uploads/ab/cd/b") == store.read("certificates/ab/cd/a.pdf")
    assert store.path("uploads/ab/cd/b").stat().st_ino != store.path("certificates/ab/cd/a.pdf").stat().st_ino
    copy.discard()
    assert not store.exists("uploads/ab/cd/b")


# -- An S3-compatible object store -----------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="dgov", aws_secret_access_key="test"
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def on_s3(settings: Any, s3_endpoint: str, tmp_path: Any) -> Any:
    """``DGOV_FILE_STORAGE=s3`` with the options ``settings.py`` gives the backend, each
    test under a prefix of its own; the local file directories must stay empty."""
    from dgov.lib.files import files

    settings.FILE_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "dgov",
                "secret_key": "test",
                "location": f"t-{secrets.token_hex(4)}",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": True,
                "max_memory_size": 2 * 1024 * 1024,
            },
        },
    }
    store = files()
    yield store
    assert not settings.DOCUMENTS_ROOT.exists() and not settings.CERTIFICATES_ROOT.exists()


def in_bucket(store: Any, area: str) -> set[str]:
    return {key for key, _ in store.listing(area)}


def test_on_s3_an_upload_shared_by_two_applications_downloads_for_the_applicant_and_permitted_staff(
    on_s3: Any, client: Any, item: Any, citizen: Any, citizen_applicant: Any, clerk: Any, leader: Any
) -> None:
    from dgov.applications import actions
    from dgov.applications.models import Channel, SubmittedMaterial
    from dgov.documents.models import Document
    from dgov.services.models import Material

    pdf = samples.pdf()
    client.force_login(citizen)
    response = client.post(
        reverse("documents:upload"), {"uploads": SimpleUploadedFile("licence.pdf", pdf), "label": "营业执照"}
    )
    assert response.status_code == 302
    document = Document.objects.get(owner=citizen)
    assert in_bucket(on_s3, "uploads") == {document.key}
    assert (document.size, document.sha256) == (len(pdf), hashlib.sha256(pdf).hexdigest())

    material = item.current_version.materials.get(source=Material.Source.APPLICANT)
    first, second = (
        actions.do_submit(
            item=item,
            applicant=citizen_applicant,
            by=citizen,
            channel=Channel.ONLINE,
            idempotency_key=f"s3-{n}",
            materials=[(material, document, False)],
        )[0]
        for n in (1, 2)
    )
    url = reverse("documents:download", args=[document.pk])
    for who, status in ((leader, 404), (citizen, 200), (clerk, 200)):
        client.force_login(who)
        response = client.get(url)
        assert response.status_code == status
        if status == 404:  # the district's leader holds no permission to read applicants' files
            continue
        assert b"".join(response.streaming_content) == pdf
        assert response["Content-Disposition"].startswith("attachment")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert not response.has_header("Location")  # streamed through the platform, never a bucket address

    SubmittedMaterial.objects.filter(application=first).delete()
    client.force_login(clerk)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == pdf
    assert second.materials.filter(document=document).exists()


def test_on_s3_an_issued_certificate_is_copied_into_the_locker_verifies_and_downloads(
    on_s3: Any, client: Any, approved: Any, seal_officer: Any
) -> None:
    from dgov.certificates.sealing import do_issue
    from dgov.certificates.verify import verify_file
    from dgov.documents.models import Document

    certificate = do_issue(approved, by=seal_officer)[0]
    in_locker = Document.objects.get(owner=approved.applicant.user, sha256=certificate.file_sha256)
    assert in_bucket(on_s3, "certificates") == {certificate.key}
    assert in_bucket(on_s3, "uploads") == {in_locker.key}  # a copy under its own key: no links on S3
    data = on_s3.read(certificate.key)
    assert on_s3.read(in_locker.key) == data and in_locker.size == len(data)
    verdict = verify_file(data)
    assert verdict.outcome == "valid" and verdict.certificate is not None and verdict.certificate.pk == certificate.pk

    client.force_login(approved.applicant.user)
    response = client.get(reverse("certificates:download", args=[certificate.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == data
    response = client.get(reverse("documents:download", args=[in_locker.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == data


def test_on_s3_a_failed_store_leaves_no_object_and_the_sweep_removes_only_orphans(
    on_s3: Any, citizen: Any, district: Any, monkeypatch: Any
) -> None:
    from dgov.documents import storage

    kept = storage.do_store_upload(SimpleUploadedFile("a.pdf", samples.pdf()), owner=citizen, district=district)

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(storage, "record", refuse)
    with pytest.raises(RuntimeError):
        storage.do_store_upload(SimpleUploadedFile("b.pdf", samples.pdf()), owner=citizen, district=district)
    assert in_bucket(on_s3, "uploads") == {kept.key}

    orphan = on_s3.stage(f"uploads/ab/cd/{secrets.token_hex(16)}", [b"left by a crash"])
    assert storage.sweep_orphan_files(older_than=0, now=time.time() + 5) == 1
    assert in_bucket(on_s3, "uploads") == {kept.key}
    assert not on_s3.exists(orphan.key)


def test_production_refuses_s3_without_a_bucket(settings: Any, monkeypatch: Any) -> None:
    from dgov.ops import checks
    from dgov.ops.checks import production_checks

    settings.PRODUCTION = True
    monkeypatch.setattr(checks, "default_database", lambda: {"ENGINE": "django.db.backends.postgresql", "HOST": ""})
    settings.FILE_STORAGE = "s3"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": ""}},
    }
    assert "dgov_ops.E004" in {message.id for message in production_checks()}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {"bucket_name": BUCKET}},
    }
    assert "dgov_ops.E004" not in {message.id for message in production_checks()}


def test_on_s3_a_backup_takes_the_keys_and_says_the_files_stay_in_the_bucket(
    on_s3: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    import io

    from django.core.management import call_command

    from dgov.ops import backup
    from dgov.ops.management.commands import backup as command

    assert set(backup.file_roots()) == {"seal-keys", "ca-keys", "audit-key.pem"}
    monkeypatch.setattr(command, "take", lambda dest, pg_bin: tmp_path / "backups" / "taken")
    out, err = io.StringIO(), io.StringIO()
    call_command("backup", str(tmp_path / "backups"), stdout=out, stderr=err)
    assert "in the S3 bucket" in err.getvalue() and out.getvalue().strip().endswith("taken")
