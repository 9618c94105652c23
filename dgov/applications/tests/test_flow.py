import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dgov.applications import actions
from dgov.applications.models import Application, Channel, Status
from dgov.audit.models import AuditEntry
from dgov.lib.conflicts import Conflict
from dgov.notifications.models import Notification
from dgov.workdays.calendar import add_working_days
from dgov.workdays.models import DeadlineChange

pytestmark = pytest.mark.django_db


def submit(item, applicant, by, key="k1", **kwargs):
    return actions.do_submit(
        item=item, applicant=applicant, by=by, channel=Channel.ONLINE, idempotency_key=key, **kwargs
    )


def test_a_submission_gets_a_readable_number_and_a_verification_code(item, citizen, citizen_applicant):
    application, created = submit(item, citizen_applicant, citizen)
    assert created
    assert application.number.startswith("220103-")
    assert len(application.verification_code) == 6
    assert application.item_version == item.current_version
    assert Notification.objects.filter(recipient=citizen, channel="app").count() == 1
    assert AuditEntry.objects.filter(verb="application.submit", object_id=str(application.pk)).exists()


def test_a_repeated_submission_returns_the_first_application(item, citizen, citizen_applicant):
    first, _ = submit(item, citizen_applicant, citizen, key="same")
    again, created = submit(item, citizen_applicant, citizen, key="same")
    assert not created
    assert again.pk == first.pk
    assert Application.objects.count() == 1


def test_an_application_keeps_the_version_it_was_filed_under(item, citizen, citizen_applicant, administrator):
    from dgov.services.actions import VERSION_FIELDS, do_publish_version

    application, _ = submit(item, citizen_applicant, citizen)
    old = item.current_version
    data = {f: getattr(old, f) for f in VERSION_FIELDS}
    data["promised_limit_days"] = 3
    materials = [
        {
            "name": m.name,
            "form": m.form,
            "copies": m.copies,
            "source": m.source,
            "legal_basis": m.legal_basis,
            "required": m.required,
            "rongque": m.rongque,
        }
        for m in old.materials.all()
    ]
    do_publish_version(item, data, materials, [], by=administrator)
    application.refresh_from_db()
    assert application.item_version == old
    assert application.item_version.promised_limit_days == 5


def test_the_full_flow_runs_the_clocks_from_the_acceptance_day(
    item, citizen, citizen_applicant, clerk, reviewer, approver
):
    application, _ = submit(item, citizen_applicant, citizen)
    actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    today = application.accepted_on
    assert application.legal_deadline.due_date == add_working_days(today, 20).date
    assert application.promised_deadline.due_date == add_working_days(today, 5).date
    actions.do_review(application, by=reviewer)
    actions.do_decide(application, by=approver, approve=True)
    actions.do_complete(application, by=clerk)
    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert application.legal_deadline.closed_at is not None
    verbs = list(application.events.values_list("verb", flat=True))
    assert verbs == ["submit", "accept", "review", "approve", "complete"]
    assert AuditEntry.objects.filter(object_id=str(application.pk), verb__startswith="application.").count() == 5


def test_the_second_of_two_clerks_is_told_it_was_already_handled(item, citizen, citizen_applicant, clerk, make_staff):
    other = make_staff("window_clerk", "clerk2", department="ZWFW")
    application, _ = submit(item, citizen_applicant, citizen)
    stale_copy = Application.objects.get(pk=application.pk)
    actions.do_accept(application, by=clerk)
    with pytest.raises(Conflict):
        actions.do_refuse(stale_copy, by=other, reasons="材料不全")
    assert Application.objects.get(pk=application.pk).status == Status.ACCEPTED


def test_the_clerk_who_accepted_cannot_approve(item, citizen, citizen_applicant, make_staff, reviewer):
    both = make_staff("window_clerk", "both", department="SCJG")
    from django.contrib.auth.models import Group

    both.groups.add(Group.objects.get(name="department_approver"))
    application, _ = submit(item, citizen_applicant, citizen)
    actions.do_accept(application, by=both)
    actions.do_review(application, by=reviewer)
    both = type(both).objects.get(pk=both.pk)  # fresh permission cache
    with pytest.raises(PermissionDenied, match="accepted"):
        actions.do_decide(application, by=both, approve=True)


def test_nobody_handles_their_own_application(item, make_staff, district):
    from dgov.accounts.models import Applicant

    clerk = make_staff("window_clerk", "selfish", department="ZWFW")
    mine = Applicant.objects.create(
        district=district, user=clerk, kind="citizen", name="自己", id_number="11010519491231002X"
    )
    application, _ = submit(item, mine, clerk)
    with pytest.raises(PermissionDenied, match="own"):
        actions.do_accept(application, by=clerk)


def test_a_supplement_notice_lists_every_problem_and_the_supplement_day_becomes_the_acceptance_day(
    item, citizen, citizen_applicant, clerk
):
    application, _ = submit(item, citizen_applicant, citizen)
    material = item.current_version.materials.first()
    notice = actions.do_request_supplement(
        application, by=clerk, problems=[(material, "申请书未签字"), (None, "缺少平面图")]
    )
    assert notice.items.count() == 2
    message = Notification.objects.filter(recipient=citizen).latest("id")
    assert "申请书未签字" in message.body and "缺少平面图" in message.body
    actions.do_supplement(application, by=citizen, documents=[])
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    Application.objects.filter(pk=application.pk).update(supplemented_on=dt.date(2026, 9, 29))
    application.refresh_from_db()
    actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    assert application.accepted_on == dt.date(2026, 9, 29)
    # 5 working days after Tue 29 Sep 2026: 30 Sep; 1-7 Oct National Day off; 8, 9 Oct;
    # Sat 10 Oct (make-up working day); Mon 12 Oct.
    assert application.promised_deadline.due_date == dt.date(2026, 10, 12)


def test_without_a_notice_in_five_working_days_the_application_counts_as_accepted_on_receipt(
    item, citizen, citizen_applicant, clerk
):
    application, _ = submit(item, citizen_applicant, citizen)
    Application.objects.filter(pk=application.pk).update(received_on=dt.date(2026, 9, 28))
    application.refresh_from_db()
    with pytest.raises(PermissionDenied, match="5 working days"):
        actions.do_request_supplement(application, by=clerk, problems=[(None, "缺少平面图")])
    moved = actions.deem_accepted(today=dt.date(2026, 10, 13))
    assert moved == 1
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert application.deemed_accepted
    assert application.accepted_on == dt.date(2026, 9, 28)


def test_a_refusal_and_a_denial_need_reasons(item, citizen, citizen_applicant, clerk):
    application, _ = submit(item, citizen_applicant, citizen)
    with pytest.raises(ValidationError):
        actions.do_refuse(application, by=clerk, reasons=" ")
    assert Application.objects.get(pk=application.pk).status == Status.SUBMITTED


def test_a_clock_stop_moves_both_due_dates_by_the_days_stopped(item, citizen, citizen_applicant, clerk, reviewer):
    application, _ = submit(item, citizen_applicant, citizen)
    actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    legal_before = application.legal_deadline.due_date
    actions.do_stop_clock(
        application, by=reviewer, procedure="检验检测", expected_days=10, notice="需送检，预计10个工作日"
    )
    started = application.clock_stops.get().started_on
    stop = actions.do_resume_clock(application, by=reviewer, today=add_working_days(started, 3).date)
    assert stop.days_stopped == 3
    application.refresh_from_db()
    assert application.legal_deadline.due_date == add_working_days(legal_before, 3).date
    assert DeadlineChange.objects.filter(deadline=application.legal_deadline).count() == 1


def test_an_extension_is_capped_at_ten_days_and_told_to_the_applicant(
    item, citizen, citizen_applicant, clerk, approver
):
    application, _ = submit(item, citizen_applicant, citizen)
    actions.do_accept(application, by=clerk)
    application.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.do_extend(application, by=approver, days=11, reason="情况复杂")
    actions.do_extend(application, by=approver, days=10, reason="需现场核查")
    assert "需现场核查" in Notification.objects.filter(recipient=citizen).latest("id").body
    with pytest.raises(PermissionDenied, match="at most 10 working days"):
        actions.do_extend(application, by=approver, days=1, reason="再延")


def test_a_clerk_cannot_extend(item, citizen, citizen_applicant, clerk):
    application, _ = submit(item, citizen_applicant, citizen)
    actions.do_accept(application, by=clerk)
    with pytest.raises(PermissionDenied):
        actions.do_extend(application, by=clerk, days=5, reason="x")


def test_visits_beyond_the_promised_trips_are_flagged(item, citizen, citizen_applicant, clerk):
    application, _ = submit(item, citizen_applicant, citizen)
    actions.do_check_in(application, by=clerk)
    assert not application.trips_exceeded
    actions.do_check_in(application, by=clerk)
    assert application.trips_exceeded


def _fields(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


def test_the_one_statement_loader_sees_exactly_what_visible_to_sees(
    item: Any,
    citizen: Any,
    citizen_applicant: Any,
    clerk: Any,
    make_staff: Any,
    other_district: Any,
    django_assert_num_queries: Any,
) -> None:
    """``loading.load_visible`` (the API's transitions) against the ORM's
    ``visible_to(...).select_related(*RELATED)``: the same rows for every kind of user,
    and every field of each row read as the ORM reads it."""
    from django.contrib.auth.models import AnonymousUser

    from dgov.applications import loading

    application, _created = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="loader"
    )
    actions.do_accept(application, by=clerk)
    people = [
        AnonymousUser(),
        citizen,
        clerk,
        make_staff("reviewer", "own_reviewer", department=application.department.code),
        make_staff("reviewer", "other_reviewer", department="ZWFW"),
    ]
    outsider = make_staff("window_clerk", "outsider")
    outsider.district = other_district
    outsider.save()
    people.append(outsider)
    seen = 0
    for person in people:
        expected = (
            Application.objects.visible_to(person)
            .select_related(*loading.RELATED)
            .filter(number=application.number)
            .first()
        )
        found = loading.load_visible(application.number, person)
        assert (found is None) == (expected is None), person
        if found is None:
            continue
        seen += 1
        with django_assert_num_queries(0):  # everything a transition reads came with it
            assert _fields(found) == _fields(expected)
            for path in (
                "district",
                "item_version",
                "applicant",
                "applicant.user",
                "legal_deadline",
                "promised_deadline",
            ):
                mine, theirs = found, expected
                for name in path.split("."):
                    mine, theirs = getattr(mine, name), getattr(theirs, name)
                assert _fields(mine) == _fields(theirs), path
            assert loading.fact(found, "part_of_bundle") is None
            assert loading.fact(found, "green") is None
    assert seen == 3  # the applicant, the clerk and the reviewer of the department
