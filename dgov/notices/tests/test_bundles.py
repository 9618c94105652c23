"""N证联办: a bundle act writes one joint document for the whole bundle, issued under the
service centre's seal; the parts' own acts write none while the bundle drives them."""

import datetime as dt

import pytest

from dgov.accounts.models import Department
from dgov.bundles import actions
from dgov.bundles.tests import conftest as bundle_fixtures
from dgov.bundles.tests.test_flow import accepted, submit
from dgov.certificates.ca import do_create_seal
from dgov.notices import sealing
from dgov.notices.models import Kind, Notice

pytestmark = pytest.mark.django_db

# The bundles suite's two departments' items and their bundle.
departments = bundle_fixtures.departments
food_item = bundle_fixtures.food_item
drain_item = bundle_fixtures.drain_item
bundle = bundle_fixtures.bundle


def joint(bundle_application, kind):
    return Notice.objects.get(bundle_application=bundle_application, kind=kind)


def parts_documents(bundle_application):
    return Notice.objects.filter(application__bundle_part__bundle_application=bundle_application)


def test_one_joint_notice_of_acceptance_lists_every_part_and_the_joint_date(citizen, citizen_applicant, clerk, bundle):
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    notice = joint(bundle_application, Kind.JOINT_ACCEPTANCE)
    assert "1. 食品经营许可（宽城区市场监督管理局）" in notice.text
    assert "2. 城镇污水排入排水管网许可（宽城区住房和城乡建设局）" in notice.text
    due = bundle_application.joint_deadline.due_date
    assert f"即{due.year}年{due.month}月{due.day}日前作出决定" in notice.text and "联合办理期限" in notice.notes
    assert notice.department.kind == Department.Kind.SERVICE_CENTRE
    assert not parts_documents(bundle_application).exists()


def test_one_joint_refusal_with_reasons_and_remedies_covers_every_part(citizen, citizen_applicant, clerk, bundle):
    bundle_application = submit(bundle, citizen, citizen_applicant)
    actions.do_refuse_bundle(bundle_application, by=clerk, reasons="申请人不具备经营主体资格")
    notice = joint(bundle_application, Kind.JOINT_REFUSAL)
    assert "申请人不具备经营主体资格" in notice.text and "申请行政复议" in notice.text
    assert not parts_documents(bundle_application).exists()


def test_a_joint_extension_states_the_reason_and_the_new_joint_date(citizen, citizen_applicant, clerk, leader, bundle):
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    actions.do_extend_bundle(bundle_application, by=leader, days=10, reason="需要组织专家论证")
    bundle_application.refresh_from_db()
    notice = joint(bundle_application, Kind.JOINT_EXTENSION)
    due = bundle_application.joint_deadline.due_date
    assert "因需要组织专家论证" in notice.text and f"将于{due.year}年{due.month}月{due.day}日前作出决定" in notice.text


def test_the_joint_document_is_sealed_with_the_service_centres_seal(
    citizen, citizen_applicant, clerk, bundle, district, seal, seal_officer
):
    centre = Department.objects.get(district=district, code="ZWFW")
    centre_seal = do_create_seal(
        district=district,
        department=centre,
        name="宽城区政务服务中心行政审批专用章",
        valid_from=seal.valid_from,
        valid_to=seal.valid_from + dt.timedelta(days=3650),
    )
    notice = sealing.do_seal(
        joint(accepted(bundle, citizen, citizen_applicant, clerk), Kind.JOINT_ACCEPTANCE), by=seal_officer
    )
    assert notice.seal == centre_seal and notice.number == f"ZWFW〔{notice.dated.year}〕1号"
    assert notice.document.owner == citizen
