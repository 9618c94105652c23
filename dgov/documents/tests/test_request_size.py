"""Issue 19 §2: an oversized body is refused from its Content-Length, before it is read."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dgov.documents.middleware import max_request_size
from dgov.documents.models import Document
from dgov.documents.tests import files

pytestmark = pytest.mark.django_db

UPLOAD = reverse("documents:upload")


class Unreadable:
    """A request body that fails the test if anybody reads from it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def test_the_limit_is_ten_files_of_the_largest_size_and_the_form(settings):
    assert max_request_size() == 10 * 20 * files.MB + files.MB
    settings.UPLOAD_MAX_MB = 5
    assert max_request_size() == 10 * 5 * files.MB + files.MB


def test_a_body_larger_than_any_upload_is_refused_unread_with_413(client, citizen):
    client.force_login(citizen)

    response = client.generic(
        "POST",
        UPLOAD,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(max_request_size() + 1),
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 413
    assert response.content.decode() == "The upload is too large: at most 10 files of 20 MB each may be sent at once."
    assert not Document.objects.exists()


def test_the_refusal_speaks_the_language_of_the_request(client, citizen):
    response = client.generic(
        "POST",
        UPLOAD,
        CONTENT_LENGTH=str(200 * 1024 * files.MB),
        HTTP_ACCEPT_LANGUAGE="zh-CN",
        **{"wsgi.input": Unreadable()},
    )

    assert response.status_code == 413
    assert "上传" in response.content.decode()


def test_the_api_answers_413_in_json(client):
    response = client.generic(
        "POST", "/api/v1/applications", CONTENT_LENGTH=str(10**12), **{"wsgi.input": Unreadable()}
    )

    assert response.status_code == 413
    assert response.json()["detail"].startswith("The upload is too large")


def test_a_body_within_the_limit_goes_through(client, citizen, settings):
    settings.UPLOAD_MAX_MB = 1  # the same setting caps the request and each file
    client.force_login(citizen)
    response = client.post(UPLOAD, {"uploads": [SimpleUploadedFile("a.pdf", files.pdf())]})

    assert response.status_code == 302
    assert Document.objects.count() == 1
