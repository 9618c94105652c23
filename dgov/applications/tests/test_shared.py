"""Once-only: a material marked as shared data or an e-certificate is fetched through a
provider and kept on the case with its source and time; one nobody holds is flagged."""

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse

from dgov.accounts.demo import demo_credit_code
from dgov.accounts.models import Applicant, Department
from dgov.applications import actions, sharing
from dgov.applications.models import Channel, SharedMaterial
from dgov.applications.sharing import Fetched, do_fetch_shared, fetch_shared_materials
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


# Providers named in the settings, a source that fails, the clerk's button, the job's walk.


class RealEstateRegister:
    """Stands for another system the district connects (不动产登记), as a deployment would
    name it in ``DGOV_SHARED_DATA_PROVIDERS``."""

    name = "real_estate"
    label = "不动产登记信息"

    def fetch(self, material, application):
        if "不动产" in material.name:
            return Fetched(reference="吉(2026)长春市不动产权第0012345号", title=material.name, data={"area": "86.5"})
        return None


class BrokenRegister:
    name = "broken"
    label = "断线的登记系统"

    def fetch(self, material, application):
        raise ConnectionError("the other system is down")


HERE = "dgov.applications.tests.test_shared."


@pytest.fixture
def enterprise(district):
    return Applicant.objects.create(
        district=district,
        kind=Applicant.Kind.ENTERPRISE,
        name="长春宽城味道餐饮有限公司",
        credit_code=demo_credit_code("91220103MA0Y8K2Q1"),
    )


@pytest.fixture
def deed_item(district, administrator):
    data = {
        "name": "不动产抵押登记",
        "kind": Audience.ENTERPRISE,
        "department": Department.objects.get(district=district, code="SCJG"),
        "legal_basis": "《不动产登记暂行条例》",
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
        {"name": "抵押合同", "source": Material.Source.APPLICANT, "legal_basis": "同上", "required": True},
        {"name": "不动产权证书", "source": Material.Source.SHARED, "legal_basis": "同上", "required": True},
        {"name": "营业执照", "source": Material.Source.SHARED, "legal_basis": "同上", "required": True},
    ]
    return do_publish_version(None, {"code": "220103-SCJG-031", **data}, materials, [], by=administrator)


def rows_of(application):
    return {row.material.name: row for row in SharedMaterial.objects.filter(application=application)}


def test_a_provider_named_in_the_settings_is_asked_after_the_platforms_own(deed_item, enterprise, clerk, settings):
    settings.DGOV_SHARED_DATA_PROVIDERS = [HERE + "RealEstateRegister"]
    application = submit(deed_item, enterprise, clerk, "d1")
    assert fetch_shared_materials(clock.now()) == 2
    rows = rows_of(application)
    assert rows["不动产权证书"].provider == "real_estate" and rows["不动产权证书"].data == {"area": "86.5"}
    assert rows["营业执照"].provider == "register"  # the platform's own answered first


def test_a_source_that_fails_is_named_and_the_clerk_asks_again_once_it_is_back(
    client, deed_item, enterprise, clerk, settings, clock
):
    settings.DGOV_SHARED_DATA_PROVIDERS = [HERE + "BrokenRegister"]
    application = submit(deed_item, enterprise, clerk, "d2")
    assert fetch_shared_materials(clock.now()) == 2
    rows = rows_of(application)
    assert rows["营业执照"].found  # the others are still asked
    deed = rows["不动产权证书"]
    assert not deed.found and deed.data == {"unavailable": ["broken"]}
    client.force_login(clerk)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert "断线的登记系统" in page and 'data-action="fetch_shared"' in page

    settings.DGOV_SHARED_DATA_PROVIDERS = [HERE + "RealEstateRegister"]
    clock.set(clock.now() + dt.timedelta(hours=1))
    client.force_login(clerk)  # a new session after the hour
    response = client.post(reverse("applications:act", args=[application.pk, "fetch_shared"]))
    assert response.status_code == 302
    deed.refresh_from_db()
    assert deed.found and deed.provider == "real_estate" and deed.fetched_at == clock.now()
    assert rows_of(application)["营业执照"].fetched_at < clock.now()  # what was found is not asked again
    entry = AuditEntry.objects.filter(verb="application.fetch_shared", object_id=str(application.pk)).latest("pk")
    assert entry.actor_id == clerk.pk and entry.changes["provider"] == "real_estate"
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-action="fetch_shared"' not in page  # nothing left to fetch
    response = client.post(reverse("applications:act", args=[application.pk, "fetch_shared"]))
    assert response.status_code == 403


def test_only_a_window_clerk_of_an_open_case_asks_again(client, item, enterprise, clerk, make_staff, citizen_applicant):
    application = submit(item, citizen_applicant, citizen_applicant.user, "c3")
    do_fetch_shared(application)  # a citizen has no business licence: not found
    for person in (make_staff("reviewer", "reader2"), citizen_applicant.user):
        client.force_login(person)
        response = client.post(reverse("applications:act", args=[application.pk, "fetch_shared"]))
        assert response.status_code in (403, 404)
    assert AuditEntry.objects.filter(verb="application.fetch_shared", actor=citizen_applicant.user).count() == 0
    actions.do_refuse(application, by=clerk, reasons="材料不全")
    client.force_login(clerk)
    page = client.get(reverse("applications:case", args=[application.pk])).content.decode()
    assert 'data-action="fetch_shared"' not in page
    assert client.post(reverse("applications:act", args=[application.pk, "fetch_shared"])).status_code in (403, 409)


def test_the_job_walks_on_from_the_newest_case_it_fetched_for(item, enterprise, clerk, monkeypatch):
    earlier = submit(item, enterprise, clerk, "w1")
    later = submit(item, enterprise, clerk, "w2")
    do_fetch_shared(later)  # the later case first: the earlier one committed late
    assert fetch_shared_materials(clock.now()) == 1 and rows_of(earlier)["营业执照"].found
    before_the_look_back = submit(item, enterprise, clerk, "w3")
    do_fetch_shared(submit(item, enterprise, clerk, "w4"))
    monkeypatch.setattr(sharing, "LOOK_BACK", 0)
    assert fetch_shared_materials(clock.now()) == 0  # a pass never reads the whole table
    assert not rows_of(before_the_look_back)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_runners_at_once_fetch_each_material_once(item, enterprise, clerk):
    from dgov.hall.tests.test_concurrency import at_once

    application = submit(item, enterprise, clerk, "r1")
    outcomes = at_once([lambda: fetch_shared_materials(clock.now()) for _ in range(3)])
    assert sorted(outcomes) == [0, 0, 1], outcomes
    assert SharedMaterial.objects.filter(application=application).count() == 1
    assert AuditEntry.objects.filter(verb="application.fetch_shared", object_id=str(application.pk)).count() == 1
