"""``/api/v1/notices/``: the documents of the cases the caller may see, their text and
their PDF; bounded parameters; the applicant reading one is served."""

import pytest

from dgov.notices import sealing
from dgov.notices.models import Kind
from dgov.notices.tests.conftest import notice_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def bearer():
    from dgov.api.actions import do_create_api_token

    def make(user):
        _token, secret = do_create_api_token(user, f"{user.username} system", by=user)
        return {"Authorization": f"Bearer {secret}"}

    return make


@pytest.fixture
def sealed(cases, seal, seal_officer):
    return sealing.do_seal(notice_of(cases.refused(), Kind.REFUSAL), by=seal_officer)


def test_the_applicant_lists_reads_and_downloads_their_document_and_is_served(client, bearer, citizen, sealed, cases):
    waiting = notice_of(cases.accepted(), Kind.ACCEPTANCE)
    headers = bearer(citizen)
    listed = client.get("/api/v1/notices/", headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == sealed.number  # not the waiting one
    assert waiting.pk not in [item["id"] for item in listed["items"]]
    detail = client.get(f"/api/v1/notices/{sealed.pk}", headers=headers).json()
    assert "提起行政诉讼" in detail["text"] and detail["opened_at"] is not None
    pdf = client.get(f"/api/v1/notices/{sealed.pk}/pdf", headers=headers)
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content) == sealed.path.read_bytes()


def test_staff_filter_by_case_and_see_waiting_documents_without_serving_anyone(client, bearer, clerk, sealed, cases):
    accepted = cases.accepted()
    headers = bearer(clerk)
    listed = client.get("/api/v1/notices/", {"case": accepted.number}, headers=headers).json()
    assert [item["kind"] for item in listed["items"]] == ["acceptance"] and not listed["items"][0]["sealed"]
    client.get(f"/api/v1/notices/{sealed.pk}", headers=headers)
    sealed.refresh_from_db()
    assert sealed.opened_at is None


def test_parameters_are_bounded_and_others_documents_are_not_found(client, bearer, sealed, make_staff, other_district):
    outsider = make_staff("window_clerk", "outsider", department=None, in_district=other_district)
    headers = bearer(outsider)
    assert client.get(f"/api/v1/notices/{sealed.pk}", headers=headers).status_code == 404
    assert client.get("/api/v1/notices/", {"limit": 1000}, headers=headers).status_code == 422
    assert client.get("/api/v1/notices/", {"case": "x" * 41}, headers=headers).status_code == 422
    assert client.get(f"/api/v1/notices/{2**63}", headers=headers).status_code == 422
    assert client.get("/api/v1/notices/").status_code == 401


def test_through_the_api_a_refusal_or_extension_without_a_reason_is_a_400_with_nothing_written(client, bearer, cases):
    from dgov.applications.models import Application, Status
    from dgov.notices.models import Notice

    submitted, accepted = cases.submitted(), cases.accepted()
    refused = client.post(
        f"/api/v1/applications/{submitted.number}/refuse",
        {"reasons": "  "},
        content_type="application/json",
        headers=bearer(cases.clerk),
    )
    assert refused.status_code == 400 and refused.json()["detail"] == "A refusal states its reasons."
    extended = client.post(
        f"/api/v1/applications/{accepted.number}/extend",
        {"days": 5, "reason": ""},
        content_type="application/json",
        headers=bearer(cases.approver),
    )
    assert extended.status_code == 400 and "reason" in extended.json()["detail"]
    assert Application.objects.get(pk=submitted.pk).status == Status.SUBMITTED
    assert Application.objects.get(pk=accepted.pk).extended_days == 0
    assert not Notice.objects.filter(kind__in=[Kind.REFUSAL, Kind.EXTENSION]).exists()
