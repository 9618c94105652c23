"""A bundle from the single form to the certificates, through HTTP where a person acts."""

import datetime as dt
import io
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from conftest import PASSWORD
from dgov.applications import actions as application_actions
from dgov.applications.models import Application, Channel, SubmittedMaterial
from dgov.applications.models import Status as PartStatus
from dgov.audit.models import AuditEntry
from dgov.bundles import actions
from dgov.bundles.models import BundleApplication, Status
from dgov.documents.tests import files
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification

from .conftest import LEASE

pytestmark = pytest.mark.django_db

SEPT_18 = dt.date(2026, 9, 18)


@pytest.fixture(autouse=True)
def documents_root(settings: Any, tmp_path: Path) -> Path:
    settings.DOCUMENTS_ROOT = tmp_path / "uploads"
    return settings.DOCUMENTS_ROOT


def upload(name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, files.pdf(), content_type="application/pdf")


def submit(
    bundle: Any, citizen: Any, applicant: Any, *, today: dt.date | None = None, key: str = "k1"
) -> BundleApplication:
    bundle_application, _created = actions.do_submit_bundle(
        bundle, applicant=applicant, by=citizen, channel=Channel.ONLINE, idempotency_key=key, today=today
    )
    return bundle_application


def accepted(bundle: Any, citizen: Any, applicant: Any, clerk: Any, **kwargs: Any) -> BundleApplication:
    bundle_application = submit(bundle, citizen, applicant, **kwargs)
    actions.do_accept_bundle(bundle_application, by=clerk, today=kwargs.get("today"))
    bundle_application.refresh_from_db()
    return bundle_application


def part(bundle_application: BundleApplication, code: str) -> Application:
    return Application.objects.get(bundle_part__bundle_application=bundle_application, department__code=code)


def decide(application: Application, reviewer: Any, approver: Any, *, approve: bool = True, reasons: str = "") -> None:
    application_actions.do_review(application, by=reviewer)
    application_actions.do_decide(application, by=approver, approve=approve, reasons=reasons)


def job() -> int:
    """A pass of the job runner's ``sync_bundles``."""
    return actions.sync_open()


def subjects(user: Any) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user, channel="app").order_by("pk").values_list("subject", flat=True)
    )


def test_one_form_files_one_application_per_item_and_the_shared_material_is_uploaded_once(
    client, citizen, bundle, food_item, drain_item
):
    client.force_login(citizen)
    page = client.get(reverse("bundles:apply", args=[bundle.code])).content.decode()
    lease = food_item.current_version.materials.get(name=LEASE)
    food_form = food_item.current_version.materials.get(name="食品经营许可申请书")
    drain_form = drain_item.current_version.materials.get(name="排水许可申请表")
    assert page.count('type="file"') == 3  # two forms and the lease: not four
    key = str(uuid.uuid4())

    def data() -> dict[str, Any]:
        return {
            "key": key,
            f"file_{lease.pk}": upload("租赁合同.pdf"),
            f"file_{food_form.pk}": upload("食品.pdf"),
            f"file_{drain_form.pk}": upload("排水.pdf"),
        }

    response = client.post(reverse("bundles:apply", args=[bundle.code]), data())
    bundle_application = BundleApplication.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bundles:case", args=[bundle_application.pk])
    applications = Application.objects.filter(bundle_part__bundle_application=bundle_application)
    assert {a.item_id for a in applications} == {food_item.pk, drain_item.pk}
    leases = SubmittedMaterial.objects.filter(material__name=LEASE)
    assert leases.count() == 2 and len({sm.document_id for sm in leases}) == 1  # one document, both parts

    # A retried submission with the same key files nothing more.
    again = client.post(reverse("bundles:apply", args=[bundle.code]), data())
    assert again.status_code == 302
    assert BundleApplication.objects.count() == 1 and Application.objects.count() == 2


def test_a_missing_required_material_is_a_field_error_and_nothing_is_filed(client, citizen, bundle, food_item):
    client.force_login(citizen)
    response = client.post(reverse("bundles:apply", args=[bundle.code]), {"key": str(uuid.uuid4())})
    assert response.status_code == 400
    assert LEASE in response.content.decode()
    assert not Application.objects.exists() and not BundleApplication.objects.exists()


def test_one_acceptance_accepts_every_part_and_starts_the_joint_clock(
    client, citizen, citizen_applicant, clerk, bundle
):
    bundle_application = submit(bundle, citizen, citizen_applicant)
    client.force_login(clerk)
    response = client.post(reverse("bundles:act", args=[bundle_application.pk, "accept"]))
    assert response.status_code == 302
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.ACCEPTED and bundle_application.accepted_by == clerk
    assert set(Application.objects.values_list("status", flat=True)) == {PartStatus.ACCEPTED}
    assert bundle_application.joint_deadline.working_days == 25
    assert AuditEntry.objects.filter(verb="bundle_application.accept", actor=clerk).count() == 1
    # A second click is a conflict, not a second acceptance.
    again = client.post(reverse("bundles:act", args=[bundle_application.pk, "accept"]))
    assert again.status_code == 409


def test_a_part_waiting_for_a_supplement_keeps_the_bundle_from_being_accepted(
    citizen, citizen_applicant, clerk, bundle
):
    bundle_application = submit(bundle, citizen, citizen_applicant)
    application_actions.do_request_supplement(part(bundle_application, "ZJJ"), by=clerk, problems=[(None, "图纸不清")])
    with pytest.raises(PermissionDenied, match="cannot be accepted yet"):
        actions.do_accept_bundle(bundle_application, by=clerk)
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.SUBMITTED
    assert part(bundle_application, "SCJG").status == PartStatus.SUBMITTED  # rolled back with the refusal


def test_the_joint_limit_counts_45_working_days_across_national_day_and_its_make_up_days(
    citizen, citizen_applicant, clerk, district, food_item, drain_item
):
    from .conftest import make_bundle

    # 2026: 中秋 Fri 25 Sep and 1–7 Oct off; Sun 20 Sep and Sat 10 Oct are make-up working days.
    # 20 working days from 18 Sep fall on 22 Oct; 25 more on Thu 26 Nov. Weekdays alone: 20 Nov.
    long_bundle = make_bundle(district, [food_item, drain_item], limit=25)
    long_bundle.limit_days = 45
    long_bundle.save()
    bundle_application = accepted(long_bundle, citizen, citizen_applicant, clerk, today=SEPT_18)
    assert bundle_application.accepted_on == SEPT_18
    assert bundle_application.joint_deadline.due_date == dt.date(2026, 11, 26)
    derivation = " ".join(bundle_application.joint_deadline.compute_due().derivation)
    assert "2026-09-20" in derivation and "2026-10-10" in derivation and "2026-10-01" in derivation


def test_the_district_government_extends_the_joint_limit_by_at_most_15_days_with_a_reason_told(
    client, clock, citizen, citizen_applicant, clerk, approver, leader, bundle
):
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk, today=SEPT_18)
    due = bundle_application.joint_deadline.due_date
    clock.set(SEPT_18)  # while the joint limit runs
    # A department approver (Art. 42 para. 1 extensions) cannot extend a joint limit.
    with pytest.raises(PermissionDenied):
        actions.do_extend_bundle(bundle_application, by=approver, days=5, reason="现场核查")
    client.force_login(leader)
    url = reverse("bundles:act", args=[bundle_application.pk, "extend"])
    assert client.post(url, {"extend-days": 16, "extend-reason": "需专家论证"}).status_code == 400
    assert client.post(url, {"extend-days": 10, "extend-reason": "需专家论证"}).status_code == 302
    bundle_application.refresh_from_db()
    assert bundle_application.extended_days == 10
    assert bundle_application.joint_deadline.due_date > due
    response = client.post(url, {"extend-days": 6, "extend-reason": "再延"})
    assert response.status_code == 400 and "at most 15" in response.content.decode()
    message = Notification.objects.get(recipient=citizen, channel="app", subject__contains="extended")
    assert "需专家论证" in message.body and bundle_application.joint_deadline.due_date.isoformat() in message.body
    assert AuditEntry.objects.filter(verb="bundle_application.extend", actor=leader).exists()


def test_departments_approve_in_parallel_and_the_bundle_waits_for_the_last(
    citizen, citizen_applicant, clerk, officers, bundle
):
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    decide(part(bundle_application, "ZJJ"), officers["zjj_reviewer"], officers["zjj_approver"])
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.ACCEPTED
    decide(part(bundle_application, "SCJG"), officers["scjg_reviewer"], officers["scjg_approver"])
    bundle_application.refresh_from_db()
    # The last decision moved the bundle on in its own transaction: the job finds nothing.
    assert bundle_application.status == Status.READY
    assert job() == 0
    assert bundle_application.joint_deadline.closed_at is not None


def test_a_denied_part_tells_the_applicant_which_why_and_that_the_others_continue(
    citizen, citizen_applicant, clerk, officers, bundle
):
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    decide(
        part(bundle_application, "ZJJ"),
        officers["zjj_reviewer"],
        officers["zjj_approver"],
        approve=False,
        reasons="排水口位置不符合要求",
    )
    job()
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.ACCEPTED
    message = Notification.objects.get(
        recipient=citizen, channel="app", object_type="bundles.bundleapplication", subject__contains="denied"
    )
    assert "城镇污水排入排水管网许可" in message.subject
    assert "排水口位置不符合要求" in message.body and "食品经营许可" in message.body and "continue" in message.body
    decide(part(bundle_application, "SCJG"), officers["scjg_reviewer"], officers["scjg_approver"])
    job()
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.READY
    # The denial is announced once, however often the job passes.
    job()
    assert (
        Notification.objects.filter(
            recipient=citizen, channel="app", subject__contains="denied", object_type="bundles.bundleapplication"
        ).count()
        == 1
    )


def test_under_the_stop_policy_a_denial_halts_the_other_parts_and_stops_the_bundle(
    citizen, citizen_applicant, clerk, officers, stopping_bundle
):
    bundle_application = accepted(stopping_bundle, citizen, citizen_applicant, clerk)
    decide(
        part(bundle_application, "SCJG"),
        officers["scjg_reviewer"],
        officers["scjg_approver"],
        approve=False,
        reasons="场所布局不合理",
    )
    job()
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.STOPPED
    assert bundle_application.parts.get(application__department__code="ZJJ").halted
    body = Notification.objects.get(
        recipient=citizen, channel="app", subject__contains="denied", object_type="bundles.bundleapplication"
    ).body
    assert "场所布局不合理" in body and "halted" in body
    assert "Bundle" in subjects(officers["zjj_approver"])[0]
    assert bundle_application.joint_deadline.closed_at is not None


def test_the_critical_path_is_the_open_part_expected_to_finish_last(
    client, citizen, citizen_applicant, clerk, officers, bundle
):
    from dgov.bundles.models import progress

    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    food, drain = part(bundle_application, "SCJG"), part(bundle_application, "ZJJ")
    application_actions.do_extend(food, by=officers["scjg_approver"], days=5, reason="现场核查")
    rows = {
        r.application.department.code: r for r in progress(bundle_application, actions.parts_of(bundle_application))
    }
    assert rows["SCJG"].critical and not rows["ZJJ"].critical
    assert rows["SCJG"].slack < rows["ZJJ"].slack
    decide(food, officers["scjg_reviewer"], officers["scjg_approver"])
    rows = {
        r.application.department.code: r for r in progress(bundle_application, actions.parts_of(bundle_application))
    }
    assert rows["ZJJ"].critical and not rows["SCJG"].critical and rows["SCJG"].step == 3

    client.force_login(citizen)
    page = client.get(reverse("bundles:case", args=[bundle_application.pk])).content.decode()
    assert 'data-part="ZJJ" data-part-status="accepted" class="critical" data-critical' in page
    assert drain.number in page


def test_the_bundle_page_is_seen_by_its_applicant_and_the_district_alone(
    client, citizen, citizen_applicant, clerk, make_staff, other_district, bundle
):
    from django.contrib.auth.models import Group

    from dgov.accounts.models import User

    bundle_application = submit(bundle, citizen, citizen_applicant)
    url = reverse("bundles:case", args=[bundle_application.pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    client.force_login(User.objects.create_user("stranger", password=PASSWORD))
    assert client.get(url).status_code == 404
    client.force_login(make_staff("window_clerk", "far_clerk", department=None, in_district=other_district))
    assert client.get(url).status_code == 404
    assert client.post(reverse("bundles:act", args=[bundle_application.pk, "accept"])).status_code == 404
    assert Group.objects.filter(name="window_clerk").exists()


def test_a_citizen_cannot_accept_their_own_bundle(client, citizen, citizen_applicant, bundle):
    bundle_application = submit(bundle, citizen, citizen_applicant)
    client.force_login(citizen)
    assert client.post(reverse("bundles:act", args=[bundle_application.pk, "accept"])).status_code == 403
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.SUBMITTED


def test_the_api_reports_each_part_and_the_critical_path(client, citizen, citizen_applicant, clerk, bundle):
    from dgov.api.actions import do_create_api_token

    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    _token, secret = do_create_api_token(citizen, "mine")
    response = client.get(
        f"/api/v1/bundles/applications/{bundle_application.number}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "accepted" and len(data["parts"]) == 2
    assert sum(p["critical"] for p in data["parts"]) == 1
    assert data["joint_due"] == bundle_application.joint_deadline.due_date.isoformat()
    _token, other = do_create_api_token(clerk, "window")
    assert client.get("/api/v1/bundles/applications/NOPE", HTTP_AUTHORIZATION=f"Bearer {other}").status_code == 404


@pytest.fixture
def certificate_settings(settings: Any, tmp_path: Path) -> None:
    settings.SEAL_KEY_DIR = tmp_path / "keys" / "seals"
    settings.CERTIFICATES_ROOT = tmp_path / "certificates"
    settings.DGOV_PUBLIC_URL = "https://gov.example"


def test_the_certificates_of_every_part_come_out_together_through_one_exit(
    client,
    certificate_settings,
    district,
    departments,
    food_item,
    drain_item,
    make_staff,
    citizen,
    citizen_applicant,
    clerk,
    officers,
    bundle,
):
    from dgov.certificates.models import Certificate

    from .conftest import certificates_for

    certificates_for(district, departments, food_item, drain_item)
    sealer = make_staff("seal_officer", "sealer", department="ZWFW")
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    decide(part(bundle_application, "SCJG"), officers["scjg_reviewer"], officers["scjg_approver"])
    # Not every part is decided: nothing is issued yet.
    with pytest.raises(Conflict):
        actions.do_issue_bundle(bundle_application, by=sealer)
    decide(part(bundle_application, "ZJJ"), officers["zjj_reviewer"], officers["zjj_approver"])

    client.force_login(sealer)
    assert client.post(reverse("bundles:act", args=[bundle_application.pk, "issue"])).status_code == 302
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.ISSUED and bundle_application.issued_by == sealer
    certificates = Certificate.objects.filter(application__bundle_part__bundle_application=bundle_application)
    assert sorted(certificates.values_list("certificate_type__code", flat=True)) == ["JYXK", "PSXK"]
    message = Notification.objects.get(recipient=citizen, channel="app", subject__contains="certificates issued")
    assert all(c.number in message.body for c in certificates)

    client.force_login(clerk)
    assert client.post(reverse("bundles:act", args=[bundle_application.pk, "complete"])).status_code == 302
    assert set(Application.objects.values_list("status", flat=True)) == {PartStatus.COMPLETED}


def test_a_stopped_bundle_issues_nothing(
    certificate_settings, make_staff, citizen, citizen_applicant, clerk, officers, stopping_bundle
):
    sealer = make_staff("seal_officer", "sealer", department="ZWFW")
    bundle_application = accepted(stopping_bundle, citizen, citizen_applicant, clerk)
    decide(
        part(bundle_application, "ZJJ"),
        officers["zjj_reviewer"],
        officers["zjj_approver"],
        approve=False,
        reasons="不符合",
    )
    job()
    with pytest.raises(Conflict):
        actions.do_issue_bundle(bundle_application, by=sealer)


def test_parts_deemed_accepted_by_the_job_accept_the_bundle_from_the_day_it_was_received(
    citizen, citizen_applicant, bundle
):
    from django.core.management import call_command

    # Received on Fri 18 Sep 2026, no supplement notice within 5 working days (Art. 32).
    bundle_application = submit(bundle, citizen, citizen_applicant, today=SEPT_18)
    assert application_actions.deem_accepted(today=dt.date(2026, 10, 12)) == 2
    out = io.StringIO()
    call_command("sync_bundles", stdout=out)
    assert out.getvalue().strip() == "bundles_synced=0"  # the parts' acceptance moved it already
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.ACCEPTED and bundle_application.accepted_on == SEPT_18
    assert bundle_application.joint_deadline.start_date == SEPT_18
    call_command("sync_bundles", stdout=out)
    assert bundle_application.events.filter(verb="accept").count() == 1


def test_the_intake_list_costs_the_same_queries_for_one_bundle_or_many(
    client, django_assert_max_num_queries, citizen, citizen_applicant, clerk, bundle
):
    for n in range(3):
        accepted(bundle, citizen, citizen_applicant, clerk, key=f"k{n}")
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("bundles:intake"))
    assert response.content.decode().count("data-number=") == 3


def test_a_clerk_registers_a_walk_in_bundle_with_each_material_ticked_once(
    client, citizen_applicant, clerk, bundle, food_item
):
    lease = food_item.current_version.materials.get(name=LEASE)
    url = reverse("bundles:window_new") + f"?applicant={citizen_applicant.pk}&bundle={bundle.pk}"
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert page.count(f'name="handed_{lease.pk}"') == 1
    response = client.post(url, {"key": str(uuid.uuid4()), f"handed_{lease.pk}": "on"})
    bundle_application = BundleApplication.objects.get()
    assert response.status_code == 302 and bundle_application.channel == Channel.WINDOW
    parts = Application.objects.filter(bundle_part__bundle_application=bundle_application)
    assert [p.visits for p in parts] == [1, 1]
    assert SubmittedMaterial.objects.filter(material__name=LEASE, application__in=parts).count() == 2


def test_reading_the_bundle_page_moves_it_on_without_naming_the_reader_in_the_trail(
    client, citizen, citizen_applicant, clerk, officers, bundle
):
    from dgov.applications.signals import application_moved
    from dgov.bundles.signals import part_moved

    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    # Parts moved where the hook did not run (a data repair, say): a read catches up.
    application_moved.disconnect(dispatch_uid="bundles.part_moved")
    try:
        decide(part(bundle_application, "SCJG"), officers["scjg_reviewer"], officers["scjg_approver"])
        decide(part(bundle_application, "ZJJ"), officers["zjj_reviewer"], officers["zjj_approver"])
    finally:
        application_moved.connect(part_moved, dispatch_uid="bundles.part_moved")
    client.force_login(citizen)
    page = client.get(reverse("bundles:case", args=[bundle_application.pk])).content.decode()
    assert 'data-status="ready"' in page
    entry = AuditEntry.objects.get(verb="bundle_application.decided")
    assert entry.actor is None


def test_a_transition_hook_moves_the_bundle_in_the_transaction_of_the_part(
    citizen, citizen_applicant, clerk, officers, stopping_bundle
):
    bundle_application = accepted(stopping_bundle, citizen, citizen_applicant, clerk)
    denied = part(bundle_application, "SCJG")
    application_actions.do_review(denied, by=officers["scjg_reviewer"])
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.ACCEPTED  # a review moves no bundle
    denied.refresh_from_db()
    application_actions.do_decide(denied, by=officers["scjg_approver"], approve=False, reasons="不符合")
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.STOPPED
    assert bundle_application.events.get(verb="stop").by == officers["scjg_approver"]


def test_the_seal_officers_single_issue_queue_leaves_bundle_parts_to_the_joint_issue(
    client,
    district,
    departments,
    food_item,
    drain_item,
    citizen,
    citizen_applicant,
    clerk,
    officers,
    bundle,
    make_staff,
):
    from dgov.bundles.tests.conftest import certificates_for

    certificates_for(district, departments, food_item, drain_item)
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    approved = part(bundle_application, "SCJG")
    decide(approved, officers["scjg_reviewer"], officers["scjg_approver"])
    client.force_login(make_staff("seal_officer", "exitofficer", department="ZWFW"))

    page = client.get(reverse("certificates:issue_queue")).content.decode()

    assert approved.number not in page


def test_a_bundle_with_a_part_already_under_way_cannot_be_refused_whole(citizen, citizen_applicant, clerk, bundle):
    bundle_application = submit(bundle, citizen, citizen_applicant)
    started = part(bundle_application, "SCJG")
    application_actions.do_accept(started, by=clerk)

    with pytest.raises(PermissionDenied, match="have moved on"):
        actions.do_refuse_bundle(bundle_application, by=clerk, reasons="材料不全")

    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.SUBMITTED
    assert sorted(
        Application.objects.filter(bundle_part__bundle_application=bundle_application).values_list("status", flat=True)
    ) == ["accepted", "submitted"]


def test_nobody_extends_the_time_limit_of_their_own_bundle(district, citizen_applicant, clerk, bundle, make_staff):
    from dgov.accounts.models import Applicant
    from dgov.lib.idnumbers import id_check_character

    leader = make_staff("district_leader", "ownleader")
    own = Applicant.objects.create(
        district=district,
        user=leader,
        kind=citizen_applicant.kind,
        name="区领导本人",
        id_number="22010319790315234" + id_check_character("22010319790315234"),
    )
    bundle_application = accepted(bundle, leader, own, clerk)

    with pytest.raises(PermissionDenied):
        actions.do_extend_bundle(bundle_application, by=leader, days=5, reason="自己延期")
    bundle_application.refresh_from_db()
    assert bundle_application.extended_days == 0


def test_a_malformed_applicant_choice_on_the_window_page_is_not_a_server_error(client, clerk):
    client.force_login(clerk)
    assert client.get(reverse("bundles:window_new") + "?applicant=%C2%B2").status_code == 200


def test_a_part_approved_through_the_api_moves_the_bundle_from_the_fact_read_with_it(
    client, citizen, citizen_applicant, clerk, officers, bundle
):
    from dgov.api.actions import do_create_api_token
    from dgov.applications import loading

    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk)
    decide(part(bundle_application, "ZJJ"), officers["zjj_reviewer"], officers["zjj_approver"])
    last = part(bundle_application, "SCJG")
    application_actions.do_review(last, by=officers["scjg_reviewer"])
    # The API's loader knows the bundle of the part: no lookup of its own on the transition.
    loaded = loading.load_visible(last.number, officers["scjg_approver"])
    assert loading.fact(loaded, "part_of_bundle") == bundle_application.pk
    secret = do_create_api_token(officers["scjg_approver"], "department system")[1]

    response = client.post(
        f"/api/v1/applications/{last.number}/approve",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )

    assert response.status_code == 200, response.content
    bundle_application.refresh_from_db()
    assert bundle_application.status == Status.READY


def test_a_parts_clock_stop_stops_the_joint_limit_and_moves_it_by_the_days_stopped(
    clock, citizen, citizen_applicant, clerk, officers, bundle
):
    """Issue 20.4: a lawful expert review on one part (Art. 45) never turns the joint limit red."""
    from dgov.workdays.calendar import add_working_days

    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk, today=SEPT_18)
    joint = bundle_application.joint_deadline
    before = joint.due_date
    zjj = part(bundle_application, "ZJJ")
    clock.set(dt.date(2026, 9, 28))
    application_actions.do_stop_clock(
        zjj, by=officers["zjj_reviewer"], procedure="专家评审", expected_days=5, notice="需专家评审，预计5个工作日"
    )
    joint.refresh_from_db()
    assert joint.stopped_since == dt.date(2026, 9, 28)
    bundle_application.refresh_from_db()
    assert bundle_application.light(dt.date(2026, 9, 29)).value == "stopped"
    # Resumed Fri 9 Oct 2026: 29, 30 Sep, 8, 9 Oct stopped (1–7 Oct National Day) = 4 working days.
    zjj.refresh_from_db()
    application_actions.do_resume_clock(zjj, by=officers["zjj_reviewer"], today=dt.date(2026, 10, 9))
    joint.refresh_from_db()
    assert (joint.stopped_since, joint.stopped_days) == (None, 4)
    assert joint.due_date == add_working_days(before, 4).date
    steps = joint.compute_due().derivation
    assert any("2026-09-28 to 2026-10-09" in s and "4 working days" in s for s in steps)
    assert joint.due_date.isoformat() in steps[-1]


def test_the_joint_limit_is_not_extended_after_it_ended(clock, citizen, citizen_applicant, clerk, leader, bundle):
    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk, today=SEPT_18)
    due = bundle_application.joint_deadline.due_date
    clock.set(due + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied, match="an extension must be decided before the limit ends"):
        actions.do_extend_bundle(bundle_application, by=leader, days=5, reason="需专家论证")
    bundle_application.refresh_from_db()
    assert (bundle_application.extended_days, bundle_application.joint_deadline.due_date) == (0, due)


CALENDAR_2027 = """\
# 2027 arrangement (a test file, not the real notice)
2027-01-01,holiday,元旦
2027-01-04,holiday,元旦补休
"""


def test_a_2027_joint_date_is_provisional_until_the_notice_is_imported_and_the_page_agrees_with_its_derivation(
    client, citizen, citizen_applicant, clerk, administrator, bundle
):
    from dgov.workdays import actions as workday_actions
    from dgov.workdays.testing import agrees, shown_due

    bundle_application = accepted(bundle, citizen, citizen_applicant, clerk, today=dt.date(2026, 12, 14), key="2027")
    joint = bundle_application.joint_deadline
    # 25 working days after Mon 14 Dec 2026, 2027 estimated (only 1 Jan off): 15–18 Dec = 4,
    # 21–25 = 9, 28–31 = 13, 4–8 Jan = 18, 11–15 = 23, Mon 18, Tue 19 Jan = 25.
    assert (joint.due_date, joint.provisional) == (dt.date(2027, 1, 19), True)
    food, drain = (part(bundle_application, code).legal_deadline for code in ("SCJG", "ZJJ"))
    # The parts' own limits: food 10 working days, Mon 28 Dec 2026, inside 2026; drainage
    # 15, 31 Dec = 13, Mon 4, Tue 5 Jan 2027 = 15 on the estimate.
    assert (food.due_date, food.provisional) == (dt.date(2026, 12, 28), False)
    assert (drain.due_date, drain.provisional) == (dt.date(2027, 1, 5), True)
    client.force_login(clerk)
    url = reverse("bundles:case", args=[bundle_application.pk])
    before = shown_due(client.get(url).content.decode(), 'data-due="joint"')
    assert (before.date, before.provisional) == ("2027-01-19", True) and agrees(before), before

    workday_actions.do_import_year(CALENDAR_2027, by=administrator)
    joint.refresh_from_db()
    # Official 2027: Mon 4 Jan off too, so 25 falls on Wed 20 Jan.
    assert (joint.due_date, joint.provisional) == (dt.date(2027, 1, 20), False)
    after = shown_due(client.get(url).content.decode(), 'data-due="joint"')
    assert (after.date, after.provisional) == ("2027-01-20", False) and agrees(after), after
    drain.refresh_from_db()
    assert (drain.due_date, drain.provisional) == (dt.date(2027, 1, 6), False)
