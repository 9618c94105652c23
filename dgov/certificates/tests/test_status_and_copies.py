import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dgov.audit.models import AuditEntry
from dgov.certificates.actions import do_annotated_copy, do_change_status
from dgov.certificates.models import CertificateStatusChange
from dgov.certificates.tests.conftest import grant
from dgov.certificates.verify import Outcome, verify_copy_code, verify_file
from dgov.lib import clock as platform_clock

pytestmark = pytest.mark.django_db


def test_a_status_change_needs_a_reason(certificate, status_officer):
    with pytest.raises(ValidationError):
        do_change_status(certificate, "02", "  ", by=status_officer)
    certificate.refresh_from_db()
    assert certificate.status == "01"


def test_a_status_change_needs_the_permission(certificate, seal_officer, citizen, make_staff):
    for somebody in (seal_officer, citizen, make_staff("reviewer", "plainreviewer")):
        with pytest.raises(PermissionDenied):
            do_change_status(certificate, "07", "吊销", by=somebody)


def test_an_approver_of_another_department_cannot_revoke(certificate, make_staff):
    from dgov.accounts.models import Department

    Department.objects.create(district=certificate.district, code="WJJ", name="宽城区卫生健康局")
    outsider = make_staff("department_approver", "outsider", department="WJJ")
    assert outsider.department_id != certificate.application.department_id

    with pytest.raises(PermissionDenied):
        do_change_status(certificate, "03", "撤销", by=outsider)


def test_the_issuing_departments_approver_may_suspend_by_role(certificate, make_staff):
    own = make_staff("department_approver", "ownapprover", department=certificate.application.department.code)

    do_change_status(certificate, "02", "暂扣整改", by=own)
    certificate.refresh_from_db()
    assert certificate.status == "02"


def test_a_status_change_is_logged_and_audited(certificate, status_officer):
    do_change_status(certificate, "02", "暂扣整改", by=status_officer)
    do_change_status(certificate, "01", "整改完成，恢复", by=status_officer)
    log = list(CertificateStatusChange.objects.filter(certificate=certificate).values_list("from_status", "to_status"))
    assert log == [("01", "02"), ("02", "01")]
    entries = AuditEntry.objects.filter(verb="certificate.status", object_id=str(certificate.pk))
    assert [e.changes["status"] for e in entries.order_by("pk")] == [["01", "02"], ["02", "01"]]


def test_a_revoked_certificate_stays_revoked(certificate, status_officer):
    do_change_status(certificate, "07", "吊销", by=status_officer)
    with pytest.raises(ValidationError):
        do_change_status(certificate, "01", "恢复", by=status_officer)


def test_staff_change_the_status_through_the_page(client, certificate, status_officer):
    client.force_login(status_officer)
    url = reverse("certificates:detail", args=[certificate.pk])
    assert client.post(url, {"to": "07", "reason": ""}).status_code == 400
    response = client.post(url, {"to": "07", "reason": "依法吊销"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "07"


def test_the_holder_makes_a_copy_that_verifies_as_such(certificate, citizen):
    expires = platform_clock.today() + dt.timedelta(days=30)
    copy = do_annotated_copy(certificate, "办理银行开户", expires, by=citizen)
    verdict = verify_file(copy.path.read_bytes())
    assert verdict.outcome == Outcome.VALID
    assert verdict.copy == copy
    assert verify_copy_code(copy.code).copy == copy


def test_a_copy_does_not_verify_after_its_expiry(certificate, citizen):
    expires = platform_clock.today() + dt.timedelta(days=3)
    copy = do_annotated_copy(certificate, "办理银行开户", expires, by=citizen)
    verdict = verify_file(copy.path.read_bytes(), today=expires + dt.timedelta(days=1))
    assert verdict.outcome == Outcome.EXPIRED
    assert verdict.date == expires
    assert verify_file(copy.path.read_bytes(), today=expires).outcome == Outcome.VALID


def test_an_altered_copy_is_altered(certificate, citizen):
    copy = do_annotated_copy(certificate, "招投标", platform_clock.today() + dt.timedelta(days=3), by=citizen)
    data = bytearray(copy.path.read_bytes())
    data[len(data) // 3] ^= 0x01
    assert verify_file(bytes(data)).outcome == Outcome.ALTERED


def test_only_the_holder_makes_a_copy(certificate, seal_officer):
    with pytest.raises(PermissionDenied):
        do_annotated_copy(certificate, "x", platform_clock.today(), by=seal_officer)


def test_a_copy_states_its_purpose_and_cannot_outlive_the_certificate(certificate, citizen):
    with pytest.raises(ValidationError):
        do_annotated_copy(certificate, " ", platform_clock.today(), by=citizen)
    with pytest.raises(ValidationError):
        do_annotated_copy(certificate, "x", certificate.valid_to + dt.timedelta(days=1), by=citizen)


def test_the_holder_downloads_the_certificate_and_nobody_else_does(client, certificate, citizen, make_staff):
    url = reverse("certificates:download", args=[certificate.pk])
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == certificate.path.read_bytes()
    page = client.get(reverse("certificates:mine")).content.decode()
    assert certificate.number in page
    client.force_login(make_staff("reviewer", "someone"))
    assert client.get(url).status_code == 404


def test_the_holder_gets_the_copy_from_the_page(client, certificate, citizen):
    client.force_login(citizen)
    expires = (platform_clock.today() + dt.timedelta(days=10)).isoformat()
    response = client.post(
        reverse("certificates:annotated_copy", args=[certificate.pk]), {"purpose": "办理贷款", "expires_on": expires}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    assert verify_file(data).copy.purpose == "办理贷款"
    assert re.search(rb"1\.2\.156\.3005\.2\.", data)


def test_the_officer_with_both_permissions_may_change_status(certificate, seal_officer):
    officer = grant(seal_officer, "change_certificate_status")
    do_change_status(certificate, "04", "持证人申请注销", by=officer)
    certificate.refresh_from_db()
    assert certificate.status == "04"


def test_the_seal_officer_issues_from_the_queue(client, approved, seal_officer, django_assert_max_num_queries):
    client.force_login(seal_officer)
    url = reverse("certificates:issue_queue")
    with django_assert_max_num_queries(12):
        page = client.get(url)
    assert approved.number in page.content.decode()
    response = client.post(url, {"application": [approved.pk]})
    assert response.status_code == 302
    assert approved.certificates.count() == 1
    assert approved.number not in client.get(url).content.decode()


def test_only_seal_officers_see_the_issue_queue(client, approved, approver, citizen):
    for somebody in (approver, citizen):
        client.force_login(somebody)
        assert client.get(reverse("certificates:issue_queue")).status_code == 403


def test_the_pages_offer_only_what_the_rules_allow(client, certificate, citizen, status_officer, make_staff):
    from dgov.accounts.models import Department

    client.force_login(citizen)
    assert 'data-copy="' in client.get(reverse("certificates:mine")).content.decode()
    do_change_status(certificate, "02", "暂扣整改", by=status_officer)
    page = client.get(reverse("certificates:mine")).content.decode()
    assert "disabled" in page and "Only a valid certificate can be copied." in page

    Department.objects.create(district=certificate.district, code="WJJ", name="宽城区卫生健康局")
    outsider = make_staff("department_approver", "outsider2", department="WJJ")
    outsider.user_permissions.add(*status_officer.user_permissions.all())
    url = reverse("certificates:detail", args=[certificate.pk])
    client.force_login(status_officer)
    assert 'data-submit="status"' in client.get(url).content.decode()
    client.force_login(outsider)
    assert client.post(url, {"to": "07", "reason": "越权"}).status_code == 403
    certificate.refresh_from_db()
    assert certificate.status == "02"


def test_a_lost_race_on_the_status_is_a_conflict(certificate, status_officer):
    from dgov.lib.conflicts import Conflict

    stale = type(certificate).objects.get(pk=certificate.pk)
    do_change_status(certificate, "02", "暂扣整改", by=status_officer)
    with pytest.raises(Conflict):
        do_change_status(stale, "07", "吊销", by=status_officer)
