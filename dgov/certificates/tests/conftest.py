import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission

from dgov.accounts.models import Department
from dgov.applications import actions
from dgov.applications.models import Channel
from dgov.applications.tests import conftest as applications_fixtures
from dgov.certificates.ca import do_create_seal
from dgov.certificates.models import CertificateType, Layout
from dgov.lib import clock as platform_clock

ISSUER_CREDIT_CODE = "11220103MB1234567X"

# The applications suite's personas and service item, shared.
item = applications_fixtures.item
citizen_applicant = applications_fixtures.citizen_applicant


@pytest.fixture(autouse=True)
def _certificate_settings(settings: Any, tmp_path: Any) -> None:
    settings.SEAL_KEY_DIR = tmp_path / "keys" / "seals"
    settings.SEAL_CA_DIR = tmp_path / "keys" / "ca"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.DGOV_PUBLIC_URL = "https://gov.example"
    settings.DGOV_TSA_URL = ""
    settings.DGOV_CRL_URL = ""


def grant(user: Any, *codenames: str) -> Any:
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="certificates", codename=codename))
    # Permissions are cached on the instance: hand back a fresh one.
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def seal_officer(make_staff: Any) -> Any:
    officer = make_staff("seal_officer", "sealer", department="ZWFW")
    return grant(officer, "issue_certificate")


@pytest.fixture
def status_officer(approver: Any) -> Any:
    return grant(approver, "change_certificate_status")


@pytest.fixture
def certificate_type(district: Any, item: Any) -> CertificateType:
    Department.objects.filter(district=district, code="SCJG").update(credit_code=ISSUER_CREDIT_CODE)
    return CertificateType.objects.create(
        district=district, code="JYXK", name="食品经营许可证", layout=Layout.LICENCE, validity_years=5, item=item
    )


@pytest.fixture
def seal(district: Any, certificate_type: CertificateType) -> Any:
    today = platform_clock.today()
    return do_create_seal(
        district=district,
        department=Department.objects.get(district=district, code="SCJG"),
        name="宽城区市场监督管理局行政审批专用章",
        valid_from=today - dt.timedelta(days=30),
        valid_to=today + dt.timedelta(days=3650),
    )


@pytest.fixture
def make_approved(item: Any, citizen: Any, citizen_applicant: Any, clerk: Any, reviewer: Any, approver: Any) -> Any:
    counter = {"n": 0}

    def make(applicant: Any = None, by: Any = None) -> Any:
        counter["n"] += 1
        application, _ = actions.do_submit(
            item=item,
            applicant=applicant or citizen_applicant,
            by=by or citizen,
            channel=Channel.ONLINE,
            idempotency_key=f"k{counter['n']}",
        )
        actions.do_accept(application, by=clerk)
        actions.do_review(application, by=reviewer)
        actions.do_decide(application, by=approver, approve=True)
        application.refresh_from_db()
        return application

    return make


@pytest.fixture
def approved(make_approved: Any, seal: Any) -> Any:
    return make_approved()


@pytest.fixture
def certificate(approved: Any, seal_officer: Any) -> Any:
    from dgov.certificates.sealing import do_issue

    return do_issue(approved, by=seal_officer)[0]


@pytest.fixture
def crl_published(settings: Any) -> Any:
    """The district CA's CRL distribution point on a loopback server (set before the seal
    is made: the address goes into its certificate); ``.publish(district)`` serves the
    current list."""
    from dgov.certificates.tests.tools import crl_server

    with crl_server() as server:
        settings.DGOV_CRL_URL = server.url
        yield server
