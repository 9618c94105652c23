"""A certificate's journey in the browser: approved → issued by the seal service → the
applicant downloads it → opens its QR link → valid; an official revokes it → revoked.

Elements are found by ids and ``data-*`` attributes, not by translated text."""

import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from conftest import PASSWORD
from dgov.accounts.models import Applicant, Department
from dgov.applications import actions
from dgov.applications.models import Channel
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import CertificateType
from dgov.certificates.sealing import do_issue, verify_url
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, OnlineLevel, Trips

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def certificate_settings(settings, tmp_path: Path, live_server) -> None:
    settings.SEAL_KEY_DIR = tmp_path / "seal-keys"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.SEAL_CA_DIR = tmp_path / "ca-keys"
    settings.DGOV_PUBLIC_URL = live_server.url


def log_in(browser, live_server, username: str):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    return page


def grant(user, codename: str):
    user.user_permissions.add(Permission.objects.get(content_type__app_label="certificates", codename=codename))
    return type(user).objects.get(pk=user.pk)


def test_the_applicant_downloads_the_certificate_and_its_qr_page_follows_its_status(
    browser, live_server, district, administrator, clerk, approver, make_staff, citizen, tmp_path
):
    department = Department.objects.get(district=district, code="SCJG")
    Department.objects.filter(pk=department.pk).update(credit_code="11220103MB1234567X")
    item = do_publish_version(
        None,
        {
            "code": "KC-SCJG-001",
            "name": "食品经营许可",
            "kind": Audience.ENTERPRISE,
            "department": department,
            "legal_basis": "《中华人民共和国食品安全法》第三十五条",
            "conditions": "",
            "legal_limit_days": 20,
            "promised_limit_days": 5,
            "max_trips": Trips.ONE,
            "online_level": OnlineLevel.FULL,
            "fees": "",
            "fee_basis": "",
            "keywords": "",
        },
        [],
        [],
        by=administrator,
    )
    CertificateType.objects.create(district=district, code="JYXK", name="食品经营许可证", item=item)
    today = timezone.localdate()
    do_create_seal(
        district=district,
        department=department,
        name="宽城区市场监督管理局行政审批专用章",
        valid_from=today,
        valid_to=today.replace(year=today.year + 5),
    )
    reviewer = make_staff("reviewer", "reviewer")
    sealer = grant(make_staff("seal_officer", "sealer", department="ZWFW"), "issue_certificate")
    revoker = grant(approver, "change_certificate_status")

    # Intake, approval and sealing by three hands.
    application, _ = actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="journey",
    )
    actions.do_accept(application, by=clerk)
    actions.do_review(application, by=reviewer)
    actions.do_decide(application, by=approver, approve=True)
    application.refresh_from_db()
    certificate = do_issue(application, by=sealer)[0]

    # The applicant downloads the certificate.
    page = log_in(browser, live_server, citizen.username)
    page.goto("/certificates/mine/")
    with page.expect_download() as download_info:
        page.click(f"[data-download='{certificate.number}']")
    downloaded = tmp_path / "downloaded.pdf"
    download_info.value.save_as(downloaded)
    assert downloaded.read_bytes() == certificate.path.read_bytes()
    signature = subprocess.run(["pdfsig", str(downloaded)], capture_output=True, text=True, check=False).stdout
    assert "Signature is Valid." in signature

    # The QR code's link: the public page says valid, with the ID number masked.
    qr_link = verify_url(certificate.verification_code)
    assert qr_link.startswith(live_server.url)
    page.goto(qr_link)
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "valid"
    assert "110105********002X" in page.content()
    assert "11010519491231002X" not in page.content()

    # An official revokes it, with a reason.
    official = log_in(browser, live_server, revoker.username)
    official.goto(f"/certificates/{certificate.pk}/")
    official.select_option("#id_to", "07")
    official.fill("#id_reason", "经营场所不符合条件，依法吊销")
    with official.expect_navigation():
        official.click("[data-submit=status]")
    assert official.locator("[data-status]").get_attribute("data-status") == "07"

    page.goto(qr_link)
    assert page.locator("[data-outcome]").get_attribute("data-outcome") == "revoked"
    assert today.isoformat() in page.content()
