import hashlib
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.accounts.models import User
from dgov.audit.models import AuditEntry
from dgov.documents import storage
from dgov.documents.models import Document
from dgov.documents.storage import do_store_upload, reuse
from dgov.documents.tests import files
from dgov.documents.tests.conftest import stored_files

pytestmark = pytest.mark.django_db

UPLOAD = reverse("documents:upload")
LOCKER = reverse("documents:locker")


def upload(name, content):
    return SimpleUploadedFile(name, content, content_type="application/pdf")  # what the browser claims


def download_url(document):
    return reverse("documents:download", args=[document.pk])


def may_view_documents(user):
    # The lead's roles.py grants this to the window clerk; granted here too so these tests
    # do not depend on the role table.
    user.user_permissions.add(Permission.objects.get(content_type__app_label="documents", codename="view_document"))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def stranger(db):
    user = User(username="stranger", kind=User.Kind.CITIZEN, full_name="张三")
    user.set_password("a-test-password-1")
    user.save()
    return user


@pytest.fixture
def licence(citizen, district):
    return do_store_upload(upload("营业执照.pdf", files.pdf()), owner=citizen, district=district, label="营业执照")


def test_a_citizen_uploads_a_pdf_and_a_photo_and_finds_them_in_the_locker(client, citizen, district, documents_root):
    client.force_login(citizen)
    response = client.post(
        UPLOAD,
        {"uploads": [upload("营业执照.pdf", files.pdf()), upload("门头照.png", files.png())], "label": "开业材料"},
    )

    assert response.status_code == 302
    pdf, photo = Document.objects.order_by("pk")
    assert (pdf.owner, pdf.district, pdf.label, pdf.original_name) == (citizen, district, "开业材料", "营业执照.pdf")
    assert (pdf.content_type, photo.content_type) == ("application/pdf", "image/png")
    assert pdf.size == len(files.pdf())
    assert pdf.sha256 == hashlib.sha256(files.pdf()).hexdigest()
    assert pdf.created_by == citizen
    # Stored outside the web root under a random name in two levels of fan-out.
    assert pdf.path == documents_root / pdf.storage_name[:2] / pdf.storage_name[2:4] / pdf.storage_name
    assert pdf.path.read_bytes() == files.pdf()
    assert sorted(stored_files(documents_root)) == sorted([pdf.path, photo.path])
    assert "营业执照" not in str(pdf.path)
    entries = AuditEntry.objects.filter(verb="document.upload").order_by("pk")
    assert [(e.object_id, e.actor, e.district) for e in entries] == [
        (str(pdf.pk), citizen, district),
        (str(photo.pk), citizen, district),
    ]

    page = client.get(LOCKER).content.decode()
    assert "营业执照.pdf" in page and "门头照.png" in page
    assert download_url(pdf) in page


def test_every_bad_file_is_reported_at_once_and_nothing_is_written(client, citizen, documents_root):
    client.force_login(citizen)
    audit_before = AuditEntry.objects.count()
    response = client.post(
        UPLOAD,
        {
            "uploads": [
                upload("good.pdf", files.pdf()),
                upload("x.pdf", files.windows_executable()),
                upload("form.pdf", files.pdf_with_javascript(b"/J#61vaScript")),
                upload("scan.pdf", files.pdf() + b"0" * (21 * files.MB)),
                upload("archive.ofd", files.plain_zip()),
            ]
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "x.pdf is not a PDF, JPEG, PNG or OFD file." in page
    assert "form.pdf contains JavaScript, which is not accepted." in page
    assert "scan.pdf is larger than 20 MB." in page
    assert "archive.ofd is not a PDF, JPEG, PNG or OFD file." in page
    assert "good.pdf" not in page
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []
    assert AuditEntry.objects.count() == audit_before


def test_eleven_files_are_refused(client, citizen, documents_root):
    client.force_login(citizen)
    response = client.post(UPLOAD, {"uploads": [upload(f"page-{n}.png", files.png()) for n in range(11)]})

    assert response.status_code == 400
    assert "At most 10 files at a time." in response.content.decode()
    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_ten_files_are_accepted(client, citizen):
    client.force_login(citizen)
    response = client.post(UPLOAD, {"uploads": [upload(f"page-{n}.jpg", files.jpeg()) for n in range(10)]})

    assert response.status_code == 302
    assert Document.objects.filter(content_type="image/jpeg").count() == 10


def test_an_upload_without_files_is_refused(client, citizen):
    client.force_login(citizen)
    assert client.post(UPLOAD, {"label": "x"}).status_code == 400


def test_a_failure_inside_the_transaction_leaves_no_row_and_no_file(citizen, district, documents_root, monkeypatch):
    def broken_record(*args, **kwargs):
        raise RuntimeError("the audit trail is unavailable")

    monkeypatch.setattr(storage, "record", broken_record)

    with pytest.raises(RuntimeError):
        do_store_upload(upload("a.pdf", files.pdf()), owner=citizen, district=district, label="")

    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_a_failure_while_writing_the_second_file_leaves_nothing_of_the_first(
    citizen, district, documents_root, monkeypatch
):
    monkeypatch.setattr(storage, "max_file_size", lambda: len(files.png()))  # as if the PDF grew after its check

    with pytest.raises(ValueError):
        storage.do_store_uploads(
            [upload("a.png", files.png()), upload("b.pdf", files.pdf())], owner=citizen, district=district
        )

    assert not Document.objects.exists()
    assert stored_files(documents_root) == []


def test_the_storage_api_refuses_what_the_form_refuses(citizen, district, documents_root):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        do_store_upload(upload("x.pdf", b"MZ\x90\x00"), owner=citizen, district=district, label="")
    assert stored_files(documents_root) == []


def test_the_locker_lists_only_my_own_documents_in_a_fixed_number_of_queries(
    client, citizen, stranger, district, licence, django_assert_num_queries
):
    do_store_upload(upload("他人.pdf", files.pdf()), owner=stranger, district=district, label="别人的")
    for n in range(3):
        do_store_upload(upload(f"photo-{n}.png", files.png()), owner=citizen, district=district, label="")
    client.force_login(citizen)

    with django_assert_num_queries(3):  # session, user, documents
        page = client.get(LOCKER).content.decode()

    assert "营业执照.pdf" in page and "photo-2.png" in page
    assert "他人.pdf" not in page


def test_the_owner_downloads_a_pdf_as_a_file_never_shown_in_place(client, citizen, licence):
    client.force_login(citizen)
    audit_before = AuditEntry.objects.count()

    response = client.get(download_url(licence))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == files.pdf()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f"attachment; filename*=utf-8''{quote('营业执照.pdf')}"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Even opened in place by mistake, the file is a sandboxed document of no origin.
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in response["Cache-Control"]
    assert AuditEntry.objects.count() == audit_before  # owners reading their own files are not audited


def test_an_ofd_is_always_a_download(client, citizen, district):
    document = do_store_upload(upload("licence.ofd", files.ofd()), owner=citizen, district=district, label="")
    client.force_login(citizen)

    response = client.get(download_url(document))

    assert response["Content-Type"] == "application/ofd"
    assert response["Content-Disposition"] == 'attachment; filename="licence.ofd"'


def test_the_content_type_is_the_one_found_at_upload_not_the_one_claimed(client, citizen, district):
    claimed_html = SimpleUploadedFile("photo.html", files.png(), content_type="text/html")
    document = do_store_upload(claimed_html, owner=citizen, district=district, label="")
    client.force_login(citizen)

    response = client.get(download_url(document))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="photo.html"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_clerk_of_the_district_does_not_download_a_locker_file_never_handed_in(client, clerk, licence):
    # Issue 19 §1: staff see a file only through an application (test_visibility.py).
    client.force_login(may_view_documents(clerk))

    assert client.get(download_url(licence)).status_code == 404
    assert not AuditEntry.objects.filter(verb="document.download").exists()


@pytest.mark.parametrize("who", ["stranger", "staff_elsewhere", "staff_without_permission"])
def test_anyone_else_gets_404_as_if_the_document_did_not_exist(
    client, who, stranger, make_staff, other_district, licence
):
    people = {
        "stranger": lambda: stranger,
        "staff_elsewhere": lambda: may_view_documents(
            make_staff("window_clerk", "clerk2", department=None, in_district=other_district)
        ),
        "staff_without_permission": lambda: make_staff("inspector", "inspector", department=None),
    }
    client.force_login(people[who]())

    assert client.get(download_url(licence)).status_code == 404
    assert client.get(reverse("documents:download", args=[licence.pk + 1000])).status_code == 404
    assert not AuditEntry.objects.filter(verb="document.download").exists()


def test_a_document_whose_file_is_gone_gives_404(client, citizen, licence):
    licence.path.unlink()
    client.force_login(citizen)

    assert client.get(download_url(licence)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, licence):
    assert client.get(download_url(licence)).status_code == 302
    assert client.get(LOCKER).status_code == 302


def test_reuse_returns_the_same_document_without_copying_the_file(citizen, licence, documents_root):
    again = reuse(licence, by=citizen)

    assert again.pk == licence.pk
    assert Document.objects.count() == 1
    assert len(stored_files(documents_root)) == 1
    entry = AuditEntry.objects.get(verb="document.reuse")
    assert (entry.actor, entry.object_id) == (citizen, str(licence.pk))


def test_nobody_reuses_a_document_they_may_not_see(stranger, licence):
    with pytest.raises(PermissionDenied):
        reuse(licence, by=stranger)
    assert not AuditEntry.objects.filter(verb="document.reuse").exists()


def test_staff_reading_a_file_is_audited_even_when_the_clerk_is_its_owner(client, clerk):
    from dgov.audit.models import AuditEntry
    from dgov.documents.storage import do_store_upload

    # A walk-in applicant without an account: the clerk holds the scan.
    document = do_store_upload(upload("scan.pdf", files.pdf()), owner=clerk, district=clerk.district)
    client.force_login(clerk)

    assert client.get(reverse("documents:download", args=[document.pk])).status_code == 200
    assert AuditEntry.objects.filter(verb="document.download", object_id=str(document.pk), actor=clerk).exists()


def test_the_job_removes_files_no_row_points_at_and_keeps_the_rest(clerk):
    import os
    import time

    from dgov.documents.models import storage_path
    from dgov.documents.storage import do_store_upload, sweep_orphan_files

    kept = do_store_upload(upload("kept.pdf", files.pdf()), owner=clerk, district=clerk.district)
    orphan = storage_path("ab" * 16)
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"left by a rolled-back transaction")
    hour_ago = time.time() - 7200
    for path in (orphan, kept.path):
        os.utime(path, (hour_ago, hour_ago))

    assert sweep_orphan_files() == 1
    assert not orphan.exists()
    assert kept.path.exists()
