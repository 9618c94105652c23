"""A transition's hand-written write (decision 0011): all of it or nothing, in one
statement on PostgreSQL."""

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dgov.applications import actions
from dgov.applications.models import Application, ApplicationEvent, Channel, Status, SubmittedMaterial
from dgov.audit.models import CANONICAL_COLUMNS, AuditEntry
from dgov.audit.seal import seal_holds, seal_key
from dgov.lib.conflicts import Conflict
from dgov.notices import drafting
from dgov.notifications.models import Notification
from dgov.workdays.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(item: Any, citizen: Any, citizen_applicant: Any, clerk: Any) -> Application:
    application, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="hot"
    )
    actions.do_accept(application, by=clerk)
    return application


def _written(application: Application, verb: str) -> tuple[int, int, int]:
    return (
        ApplicationEvent.objects.filter(application=application, verb=verb).count(),
        AuditEntry.objects.filter(verb=f"application.{verb}", object_id=str(application.pk)).count(),
        Notification.objects.filter(object_id=str(application.pk), subject__contains="approved").count(),
    )


def test_a_transition_that_lost_the_race_writes_nothing(accepted: Application, reviewer: Any, approver: Any) -> None:
    actions.do_review(accepted, by=reviewer)
    # Someone else decided meanwhile: this copy still says "reviewed".
    Application.objects.filter(pk=accepted.pk).update(status=Status.DENIED)

    with pytest.raises(Conflict):
        actions.do_decide(accepted, by=approver, approve=True)

    assert _written(accepted, "approve") == (0, 0, 0)
    assert Deadline.objects.filter(closed_at__isnull=False).count() == 0
    assert Application.objects.get(pk=accepted.pk).decided_by_id is None


def test_a_transition_writes_all_of_it_in_one_statement_on_postgresql(
    accepted: Application, reviewer: Any, approver: Any, django_assert_num_queries: Any
) -> None:
    from dgov.applications import loading

    actions.do_review(accepted, by=reviewer)
    application = loading.load_visible(accepted.number, approver)  # as the API loads it
    assert approver.has_perm("applications.decide_application") and approver.role_codes
    drafting.wording(accepted.district_id)  # the district's notice templates, cached as in service
    # Savepoint, the statement (with the written decision and the deadlines closed where
    # their due dates are still the ones loaded, from which the lateness is computed:
    # decision 0033), release; elsewhere the UPDATE, the event, the audit entry, the
    # notification, each deadline's UPDATE and the written decision one after the other.
    with django_assert_num_queries(3 if connection.vendor == "postgresql" else 9):
        actions.do_decide(application, by=approver, approve=True)

    assert _written(accepted, "approve") == (1, 1, 1)
    row = Application.objects.get(pk=accepted.pk)
    assert (row.status, row.decided_by_id, row.accepted_by_id) == (
        Status.APPROVED,
        approver.pk,
        accepted.accepted_by_id,
    )
    assert row.decided_on is not None and row.accepted_on is not None  # kept where no value was given
    closed = Deadline.objects.filter(pk__in=[row.legal_deadline_id, row.promised_deadline_id], closed_at__isnull=False)
    assert closed.count() == 2


def test_a_due_date_moved_after_the_load_leaves_the_statement_to_close_it_and_the_decision_reads_it_again(
    accepted: Application, reviewer: Any, approver: Any
) -> None:
    from dgov.applications import loading

    actions.do_review(accepted, by=reviewer)
    application = loading.load_visible(accepted.number, approver)  # as the API loads it
    assert application is not None
    legal, promised = application.legal_deadline, application.promised_deadline
    # An extension committed between the load and the decision moved the promised date.
    moved = promised.due_date + dt.timedelta(days=3)
    Deadline.objects.filter(pk=promised.pk).update(due_date=moved)
    with CaptureQueriesContext(connection) as queries:
        actions.do_decide(application, by=approver, approve=True)

    closed = dict(Deadline.objects.filter(pk__in=[legal.pk, promised.pk]).values_list("pk", "closed_at"))
    assert None not in closed.values() and len(set(closed.values())) == 1  # both, at the same moment
    reads = [q for q in queries.captured_queries if q["sql"].startswith("SELECT") and "workdays_deadline" in q["sql"]]
    assert len(reads) == 1  # read again only because one moved


def test_a_submission_writes_its_rows_pointing_at_the_new_application(
    item: Any, citizen: Any, citizen_applicant: Any
) -> None:
    material = item.current_version.materials.first()

    application, created = actions.do_submit(
        item=item,
        applicant=citizen_applicant,
        by=citizen,
        channel=Channel.ONLINE,
        idempotency_key="rows",
        materials=[(material, None, True)],
    )

    assert created
    assert list(SubmittedMaterial.objects.filter(application=application).values_list("material_id", "promised")) == [
        (material.pk, True)
    ]
    assert ApplicationEvent.objects.get(application=application).to_status == Status.SUBMITTED
    trace = AuditEntry.objects.get(verb="application.submit")
    assert (trace.object_id, trace.object_repr) == (str(application.pk), application.number)
    assert Notification.objects.filter(object_id=str(application.pk), recipient=citizen).exists()
    # Sealed before its INSERT knew the application's id (``fastsql.HEAD_PK``).
    assert trace.seal.startswith("h")
    assert seal_holds([getattr(trace, column) for column in CANONICAL_COLUMNS], trace.seal, seal_key())


def test_a_transition_sets_only_what_it_may(accepted: Application, reviewer: Any) -> None:
    with pytest.raises(TypeError, match="MOVE does not set visits"):
        actions._move(accepted, by=reviewer, to=Status.REVIEWED, was=Status.ACCEPTED, verb="review", visits=3)
    assert actions.TRANSITION_FIELDS == (
        "supplemented_on",
        "accepted_on",
        "deemed_accepted",
        "accepted_by",
        "legal_deadline",
        "promised_deadline",
        "reviewed_by",
        "decided_by",
        "decided_on",
        "late_legal_days",
        "late_promised_days",
        "completed_on",
        "reasons",
    )


def test_acceptance_writes_its_deadlines_with_the_transition_pointing_at_them(
    item: Any, citizen: Any, citizen_applicant: Any, clerk: Any
) -> None:
    application, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="deadlines"
    )
    drafting.wording(application.district_id)  # the district's notice templates, made now
    drafting.wording(application.district_id)  # …and cached
    with CaptureQueriesContext(connection) as queries:
        actions.do_accept(application, by=clerk)

    writes = [q["sql"] for q in queries.captured_queries if q["sql"].split(" ", 1)[0] in ("INSERT", "UPDATE", "WITH")]
    if connection.vendor == "postgresql":  # one statement: both deadlines, the UPDATE, …, the notice
        assert len(writes) == 1
        assert writes[0].index("workdays_deadline") < writes[0].index("UPDATE applications")
        assert writes[0].index("UPDATE applications") < writes[0].index("INSERT INTO notices_notice")
    else:  # the two deadlines, the UPDATE, the event, the audit entry, the notification, the notice
        assert len(writes) == 7
        assert "notices_notice" in writes[-1]

    row = Application.objects.select_related("legal_deadline", "promised_deadline").get(pk=application.pk)
    assert row.status == Status.ACCEPTED
    assert row.legal_deadline is not None and row.promised_deadline is not None
    assert (row.legal_deadline_id, row.promised_deadline_id) == (
        application.legal_deadline.pk,
        application.promised_deadline.pk,
    )
    assert row.legal_deadline.working_days == item.current_version.legal_limit_days
    assert Deadline.objects.count() == 2


def test_a_submission_that_collides_writes_none_of_its_rows(
    item: Any, citizen: Any, citizen_applicant: Any, monkeypatch: Any
) -> None:
    """The rows pointing at the new application go with it when its INSERT fails."""
    first, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="one"
    )
    monkeypatch.setattr(actions, "new_number", lambda *args, **kwargs: first.number)

    with pytest.raises(RuntimeError, match="could not allocate"):
        actions.do_submit(
            item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="two"
        )

    assert Application.objects.count() == 1
    assert ApplicationEvent.objects.count() == AuditEntry.objects.filter(verb="application.submit").count() == 1


# Outside a transaction (the API's requests): the statement is the transaction -------------


def _sent(queries: CaptureQueriesContext) -> list[str]:
    """The writes and transaction commands sent (the reads of caches a flushed database
    makes cold are left out)."""
    sent = [" ".join(q["sql"].split())[:60] for q in queries.captured_queries]
    return [sql for sql in sent if not sql.startswith("SELECT")]


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_transition_is_one_statement_without_begin_or_commit(
    accepted: Application, reviewer: Any
) -> None:
    from dgov.applications import loading

    application = loading.load_visible(accepted.number, reviewer)  # as the API loads it
    assert application is not None and not loading.followed(application)

    with CaptureQueriesContext(connection) as queries:
        actions.do_review(application, by=reviewer)

    sent = _sent(queries)
    if connection.vendor == "postgresql":
        assert len(sent) == 1 and sent[0].startswith("WITH s0 AS (UPDATE applications_application")
    else:  # one statement after another, in a transaction
        assert sent[0].startswith("BEGIN") and sent[-1] == "COMMIT"
    assert _written(accepted, "review")[:2] == (1, 1)
    assert Application.objects.get(pk=accepted.pk).status == Status.REVIEWED


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_transition_that_lost_the_race_writes_nothing(
    accepted: Application, reviewer: Any
) -> None:
    from dgov.applications import loading

    application = loading.load_visible(accepted.number, reviewer)
    assert application is not None
    Application.objects.filter(pk=accepted.pk).update(status=Status.REVIEWED)  # someone else reviewed

    with pytest.raises(Conflict):
        actions.do_review(application, by=reviewer)

    assert _written(accepted, "review")[:2] == (0, 0)
    assert Application.objects.get(pk=accepted.pk).reviewed_by_id is None


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_an_acceptance_that_lost_the_race_leaves_no_deadline_or_document(
    item: Any, citizen: Any, citizen_applicant: Any, clerk: Any
) -> None:
    """The deadlines are written ahead of the UPDATE that points at them: the row's lock in
    the expected status (the gate) keeps them from being written when the UPDATE cannot be."""
    from dgov.applications import loading
    from dgov.notices.models import Notice

    submitted, _ = actions.do_submit(
        item=item, applicant=citizen_applicant, by=citizen, channel=Channel.ONLINE, idempotency_key="race"
    )
    application = loading.load_visible(submitted.number, clerk)
    assert application is not None
    Application.objects.filter(pk=submitted.pk).update(status=Status.REFUSED)  # refused meanwhile

    with pytest.raises(Conflict):
        actions.do_accept(application, by=clerk)

    assert Deadline.objects.count() == 0
    assert not Notice.objects.filter(application_id=submitted.pk).exists()
    assert _written(submitted, "accept")[:2] == (0, 0)
    assert not Notification.objects.filter(object_id=str(submitted.pk), subject__contains="accepted").exists()


@pytest.mark.django_db(transaction=True)
def test_a_transition_of_a_followed_application_runs_in_a_transaction_with_its_followers(
    accepted: Application, reviewer: Any
) -> None:
    """A follower's receiver (a bundle, a green-channel case) writes in the transition's
    transaction; an application loaded without the facts may have one."""
    from dgov.applications import loading

    application = loading.load_visible(accepted.number, reviewer)
    assert application is not None
    application.part_of_bundle = 7  # as loaded for a part of a bundle
    assert loading.followed(application)
    assert loading.followed(Application.objects.get(pk=accepted.pk))  # not loaded with the facts

    with CaptureQueriesContext(connection) as queries:
        actions.do_review(Application.objects.select_related("district", "applicant").get(pk=accepted.pk), by=reviewer)

    sent = _sent(queries)
    assert sent[0].startswith("BEGIN") and sent[-1] == "COMMIT"
