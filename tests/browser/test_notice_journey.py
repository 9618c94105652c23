"""A refusal's written decision in the browser: the clerk refuses with reasons, the seal
officer seals it from the queue, the applicant opens it from 我的办件 and reads the
remedy clause, and the clerk's case page shows when it was opened (the time of service).

Elements are found by ids, names and ``data-*`` attributes, not by translated text."""

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from dgov.accounts.models import Applicant, Department
from dgov.applications import actions
from dgov.applications.models import Channel, Status
from dgov.applications.tests.conftest import FOOD_BASIS
from dgov.certificates.ca import do_create_seal
from dgov.notices.models import Kind, Notice
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, OnlineLevel, Trips

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASONS = "申请事项依法不需要取得行政许可"


@pytest.fixture(autouse=True)
def seal_settings(settings, tmp_path: Path) -> None:
    settings.SEAL_KEY_DIR = tmp_path / "seal-keys"
    settings.SEAL_CA_DIR = tmp_path / "ca-keys"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    settings.DGOV_TSA_URL = ""
    settings.DGOV_CRL_URL = ""


def act(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-submit={action}]")


def test_the_applicant_opens_a_refusal_and_the_opening_is_the_time_of_service(
    as_user, district, administrator, clerk, make_staff, citizen
):
    department = Department.objects.get(district=district, code="SCJG")
    item = do_publish_version(
        None,
        {
            "code": "KC-SCJG-001",
            "name": "食品经营许可",
            "kind": Audience.ENTERPRISE,
            "department": department,
            "legal_basis": FOOD_BASIS,
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
    today = timezone.localdate()
    do_create_seal(
        district=district,
        department=department,
        name="宽城区市场监督管理局行政审批专用章",
        valid_from=today - dt.timedelta(days=1),
        valid_to=today + dt.timedelta(days=3650),
    )
    sealer = make_staff("seal_officer", "sealer", department="ZWFW")
    sealer.user_permissions.add(Permission.objects.get(codename="issue_certificate"))
    application, _ = actions.do_submit(
        item=item,
        applicant=Applicant.objects.get(user=citizen),
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="journey",
    )
    case = f"/applications/{application.pk}/"

    # The clerk refuses, stating the reasons: the decision waits for the seal.
    clerk_page = as_user("clerk")
    clerk_page.goto(case)
    clerk_page.click("[data-open-action=refuse]")
    clerk_page.fill("textarea[name=refuse-reasons]", REASONS)
    act(clerk_page, "refuse")
    assert clerk_page.locator("h1 [data-status]").get_attribute("data-status") == Status.REFUSED
    assert clerk_page.locator("[data-case-notices] [data-notice=refusal] [data-waiting]").count() == 1

    # The seal officer seals it from the queue: numbered, sealed, served into the locker.
    sealer_page = as_user("sealer")
    sealer_page.goto("/notices/seal/")
    act(sealer_page, "seal")
    notice = Notice.objects.get(application=application, kind=Kind.REFUSAL)
    assert notice.number and notice.opened_at is None

    # The applicant opens it from 我的办件 and reads the decision with its remedy clause.
    citizen_page = as_user("citizen")
    citizen_page.goto("/applications/mine/")
    with citizen_page.expect_navigation():
        citizen_page.click("[data-my-notices] [data-notice=refusal] a")
    text = citizen_page.locator("[data-text]").inner_text()
    assert REASONS in text
    assert "60日内向长春市宽城区人民政府申请行政复议" in text
    assert "6个月内依法向长春市宽城区人民法院提起行政诉讼" in text
    assert citizen_page.locator("[data-served-now]").count() == 1
    notice.refresh_from_db()
    assert notice.opened_at is not None

    # The clerk's case page shows the time of service.
    clerk_page.goto(case)
    opened = clerk_page.locator("[data-case-notices] [data-notice=refusal] [data-opened]")
    assert opened.count() == 1
    assert dt.datetime.fromisoformat(opened.get_attribute("data-opened")) == notice.opened_at
