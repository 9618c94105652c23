from typing import Any

import pytest


@pytest.mark.parametrize(("storage", "linked"), [("local", True), ("object", False)])
def test_the_locker_links_on_local_storage_and_copies_on_object_storage(
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


def test_a_link_that_fails_falls_back_to_a_copy(settings: Any, tmp_path: Any, monkeypatch: Any) -> None:
    import os

    from dgov.documents.storage import place_produced_file

    def refuse(source: Any, target: Any) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", refuse)
    source, target = tmp_path / "a.pdf", tmp_path / "b.pdf"
    source.write_bytes(b"%PDF-1.7 certificate")
    place_produced_file(source, target)
    assert target.read_bytes() == source.read_bytes()
