"""Once-only: a material marked as shared data or an e-certificate is fetched through a
provider and kept on the case with its source and time; one nobody holds is flagged."""

import pytest
from django.urls import reverse

from dgov.accounts.demo import demo_credit_code
from dgov.accounts.models import Applicant, Department
from dgov.applications import actions
from dgov.applications.models import Channel, SharedMaterial
from dgov.applications.sharing import do_fetch_shared, fetch_shared_materials
from dgov.audit.models import AuditEntry
from dgov.certificates.tests.conftest import (  # noqa: F401 — fixtures
    _certificate_settings,
    approved,
    certificate,
    certificate_type,
    make_approved,
    seal,
    seal_officer,
)
from dgov.lib import clock
from dgov.services.actions import do_publish_version
from dgov.services.models import Audience, Material, OnlineLevel, Trips

pytestmark = pytest.mark.django_db


def submit(item, applicant, by, key):
    return actions.do_submit(item=item, applicant=applicant, by=by, channel=Channel.ONLINE, idempotency_key=key)[0]


def test_a_shared_registration_record_is_fetched_with_its_source_and_time(item, district, make_staff, clerk):
    enterprise = Applicant.objects.create(
        district=district,
        kind=Applicant.Kind.ENTERPRISE,
        name="长春宽城味道餐饮有限公司",
        credit_code=demo_credit_code("91220103MA0Y8K2Q1"),
    )
    application = submit(item, enterprise, clerk, "e1")
    assert fetch_shared_materials(clock.now()) == 1  # the item's one shared material: 营业执照
    row = SharedMaterial.objects.get(application=application)
    assert row.found and row.provider == "register" and row.reference == enterprise.credit_code
    assert row.material.name == "营业执照" and row.fetched_at is not None
    assert fetch_shared_materials(clock.now()) == 0  # fetched once
    assert AuditEntry.objects.filter(verb="application.fetch_shared", object_id=str(application.pk)).count() == 1
    client_page = make_staff("reviewer", "reader")
    from django.test import Client

    client = Client()
    client.force_login(client_page)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-shared-found="yes"' in page and enterprise.credit_code in page


def test_a_material_no_source_holds_is_flagged_for_the_window(item, citizen, citizen_applicant):
    application = submit(item, citizen_applicant, citizen, "c1")  # a citizen has no business licence
    (row,) = do_fetch_shared(application)
    assert not row.found and row.provider == ""


def test_an_e_certificate_of_the_applicant_is_fetched_from_the_platforms_certificates(
    request, district, administrator, citizen, citizen_applicant
):
    issued = request.getfixturevalue("certificate")  # the citizen's 食品经营许可证
    data = {
        "name": "食品经营许可变更",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《食品经营许可和备案管理办法》",
        "conditions": "",
        "legal_limit_days": 20,
        "promised_limit_days": 5,
        "max_trips": Trips.ONE,
        "online_level": OnlineLevel.FULL,
        "fees": "",
        "fee_basis": "",
        "keywords": "",
    }
    materials = [
        {"name": "变更申请书", "source": Material.Source.APPLICANT, "legal_basis": "同上", "required": True},
        {"name": "食品经营许可证", "source": Material.Source.E_CERTIFICATE, "legal_basis": "同上", "required": True},
    ]
    change = do_publish_version(None, {"code": "220103-SCJG-019", **data}, materials, [], by=administrator)
    application = submit(change, citizen_applicant, citizen, "c2")
    (row,) = do_fetch_shared(application)
    assert row.found and row.provider == "certificates" and row.reference == issued.number
