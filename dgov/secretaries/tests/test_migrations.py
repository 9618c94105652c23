"""The data migrations of issue 20 (decision 0023) on data written the old way.

The database is migrated back to the state before ``applications.0005`` and
``secretaries.0002``; rows are written there with the historical models (a clock stop
added to a case's deadlines as extension days, issue steps and green-channel cases with
copied dates); migrating forward must move them into the deadline mechanism: the stop
days into ``stopped_days`` with a ``DeadlineStop``, every step and case onto a
``Deadline``. The database is migrated to the latest state again whatever happens.

Dates lie in November 2025 and March 2026, weeks with no holiday and no make-up day, so
that they hold whether or not the seeded calendar survived an earlier transactional test
on the same worker (its flush empties every table).
"""

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dgov.applications import actions as application_actions
from dgov.applications.models import Application, Channel
from dgov.secretaries.models import EnterpriseIssue, GreenChannelCase, IssueStep
from dgov.workdays.calendar import add_working_days
from dgov.workdays.models import Deadline, DeadlineStop

pytestmark = [pytest.mark.migrations, pytest.mark.django_db(transaction=True)]

D = dt.date
BEFORE = [
    ("applications", "0004_times_from_the_clock_and_drill_down_indexes"),
    ("secretaries", "0001_initial"),
]
APPLICATIONS_AFTER = [("applications", "0005_supplement_notice_reason_and_clock_stops_on_deadlines")]
SECRETARIES_AFTER = [("secretaries", "0002_deadlines_read_from_the_deadline")]


def migrate(targets: list[tuple[str, str]]) -> Any:
    """Migrate to ``targets``; the historical apps of the whole database as it is then
    (every other app stays at its latest migration).

    Backwards, each migration is unapplied from the state of the migrations applied: the
    executor's own backward path renders every app at every step of the whole history,
    minutes on this suite's graph for three migrations."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(targets)
    if any(not backwards for _migration, backwards in plan):
        executor.migrate(targets, plan=plan)
    else:
        loader = executor.loader
        for migration, _backwards in plan:
            key = (migration.app_label, migration.name)
            before = loader.project_state(sorted(set(executor.recorder.applied_migrations()) - {key}))
            with connection.schema_editor(atomic=migration.atomic) as editor:
                migration.unapply(before, editor)
            executor.recorder.record_unapplied(migration.app_label, migration.name)
    applied = sorted(executor.recorder.applied_migrations())
    return executor.loader.project_state(applied).apps


def to_the_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def migrator(transactional_db: Any) -> Iterator[Any]:
    """``migrate``, and the latest state again after the test, whatever happened."""
    yield migrate
    to_the_latest()


def accepted(clock: Any, day: dt.date, item: Any, applicant: Any, clerk: Any, key: str) -> Application:
    clock.set(day)
    application, _ = application_actions.do_submit(
        item=item, applicant=applicant, by=clerk, channel=Channel.WINDOW, idempotency_key=key
    )
    application_actions.do_accept(application, by=clerk)
    return Application.objects.get(pk=application.pk)


def test_clock_stops_issue_steps_and_green_channel_dates_move_into_the_deadline_mechanism(
    migrator, clock, item, enterprise_applicant, clerk, project, secretary, leader, departments
):
    # Written with today's code before migrating back: the cases and their deadlines.
    # A: accepted Mon 3 Nov 2025 (20 and 10 working days: Mon 1 Dec, Mon 17 Nov).
    a = accepted(clock, D(2025, 11, 3), item, enterprise_applicant, clerk, "a")
    # B: accepted Mon 2 Mar 2026; C: received, never accepted.
    b = accepted(clock, D(2026, 3, 2), item, enterprise_applicant, clerk, "b")
    c, _ = application_actions.do_submit(
        item=item, applicant=enterprise_applicant, by=clerk, channel=Channel.WINDOW, idempotency_key="c"
    )

    old = migrator(BEFORE)
    OldApplication = old.get_model("applications", "Application")
    ClockStop = old.get_model("applications", "ClockStop")
    OldDeadline = old.get_model("workdays", "Deadline")
    # The old encoding: a finished stop's working days were added to both deadlines as
    # extension days, beside a 10-day Art. 42 extension. Stop Wed 5 – Wed 12 Nov 2025:
    # 6, 7, 10, 11, 12 Nov = 5 working days.
    OldApplication.objects.filter(pk=a.pk).update(extended_days=10)
    lawful = ClockStop.objects.create(
        application_id=a.pk,
        procedure="专家评审",
        started_on=D(2025, 11, 5),
        ended_on=D(2025, 11, 12),
        days_stopped=5,
        expected_days=5,
        notice="需专家评审",
        counts_toward_limit=False,
        started_by_id=clerk.pk,
    )
    counted = ClockStop.objects.create(
        application_id=a.pk,
        procedure="补充检测",
        started_on=D(2025, 11, 13),
        ended_on=D(2025, 11, 14),
        days_stopped=1,
        expected_days=1,
        notice="超出指南所列时限，计入办理时限",
        counts_toward_limit=True,
        started_by_id=clerk.pk,
    )
    start = D(2025, 11, 3)
    for pk, days in ((a.legal_deadline_id, 20), (a.promised_deadline_id, 10)):
        OldDeadline.objects.filter(pk=pk).update(
            extra_days=15, due_date=add_working_days(start, days + 15).date, base_due_date=None
        )
    # B: a stop still running since Wed 4 Mar 2026, not yet added to anything.
    running = ClockStop.objects.create(
        application_id=b.pk,
        procedure="现场核查",
        started_on=D(2026, 3, 4),
        expected_days=3,
        notice="需现场核查",
        counts_toward_limit=False,
        started_by_id=clerk.pk,
    )
    Issue = old.get_model("secretaries", "EnterpriseIssue")
    Step = old.get_model("secretaries", "IssueStep")
    Green = old.get_model("secretaries", "GreenChannelCase")
    issue_deadline = OldDeadline.objects.create(
        district_id=project.district_id,
        label="泰盟 用地",
        start_date=D(2026, 3, 2),
        counted_from="routed",
        working_days=5,
        due_date=D(2026, 3, 16),
        base_due_date=D(2026, 3, 16),
    )
    issue = Issue.objects.create(
        district_id=project.district_id,
        project_id=project.pk,
        raised_by_id=secretary.pk,
        raised_on=D(2026, 3, 2),
        kind="land",
        title="用地",
        level="lead_department",
        department_id=departments["ZRZY"].pk,
        deadline_id=issue_deadline.pk,
    )
    # Answered at the department level (started Mon 2 Mar, due Mon 9 Mar), then raised to
    # the city, where it is pending with the issue's own deadline (due Mon 16 Mar).
    declined = Step.objects.create(
        issue_id=issue.pk,
        level="department",
        department_id=departments["ZRZY"].pk,
        started_on=D(2026, 3, 2),
        due_on=D(2026, 3, 9),
        outcome="declined",
        closed_on=D(2026, 3, 6),
        by_id=secretary.pk,
    )
    pending = Step.objects.create(
        issue_id=issue.pk, level="lead_department", started_on=D(2026, 3, 9), due_on=D(2026, 3, 16), by_id=secretary.pk
    )
    OldApplication.objects.filter(pk=b.pk).update(decided_on=D(2026, 3, 6))
    greens = {}
    for application, days in ((a, 3), (b, 2), (c, 4)):
        greens[application.pk] = Green.objects.create(
            district_id=project.district_id,
            application_id=application.pk,
            project_id=project.pk,
            lead_official_id=leader.pk,
            promised_days=days,
            promised_due_on=D(2000, 1, 1),  # a copy the migration must not keep
            reason="领办",
            entered_on=application.received_on,
            entered_by_id=secretary.pk,
        )

    migrator(APPLICATIONS_AFTER)
    legal = Deadline.objects.get(pk=a.legal_deadline_id)
    promised = Deadline.objects.get(pk=a.promised_deadline_id)
    # The extension stays an extension; the stop's 5 days are days stopped, on a stop row.
    assert (legal.extra_days, legal.stopped_days, legal.stopped_since) == (10, 5, None)
    assert (promised.extra_days, promised.stopped_days) == (10, 5)
    # Unextended: 20 + 5 working days after 3 Nov = Mon 8 Dec; 10 + 5 = Mon 24 Nov.
    assert (legal.base_due_date, promised.base_due_date) == (D(2025, 12, 8), D(2025, 11, 24))
    # The dates do not move, and the derivation now agrees with them: 35 working days
    # after 3 Nov = Mon 22 Dec; 25 = Mon 8 Dec.
    assert (legal.due_date, promised.due_date) == (D(2025, 12, 22), D(2025, 12, 8))
    for deadline in (legal, promised):
        due = deadline.compute_due()
        assert due.date == deadline.due_date
        assert due.terms is not None and (due.terms.extension, due.terms.stopped) == (10, 5)
        assert any("from 2025-11-05 to 2025-11-12" in step for step in due.derivation)
    stops = DeadlineStop.objects.filter(deadline__in=[legal, promised])
    assert sorted(stops.values_list("key", flat=True)) == [f"application-stop:{lawful.pk}"] * 2
    assert not DeadlineStop.objects.filter(key=f"application-stop:{counted.pk}").exists()
    for deadline in Deadline.objects.filter(pk__in=[b.legal_deadline_id, b.promised_deadline_id]):
        assert (deadline.stopped_since, deadline.extra_days, deadline.stopped_days) == (D(2026, 3, 4), 0, 0)
        stop = deadline.stops.get()
        assert (stop.key, stop.started_on, stop.ended_on) == (f"application-stop:{running.pk}", D(2026, 3, 4), None)

    migrator(SECRETARIES_AFTER)
    to_the_latest()  # the models of today read the rows from here on
    assert IssueStep.objects.get(pk=pending.pk).deadline_id == issue_deadline.pk
    answered = IssueStep.objects.get(pk=declined.pk).deadline
    assert answered.pk != issue_deadline.pk
    assert (answered.start_date, answered.due_date, answered.counted_from) == (D(2026, 3, 2), D(2026, 3, 9), "routed")
    assert answered.closed_at is not None
    assert EnterpriseIssue.objects.get(pk=issue.pk).deadline_id == issue_deadline.pk
    # Green channel: counted again from acceptance, never from the copied date.
    open_case = GreenChannelCase.objects.get(pk=greens[a.pk].pk).deadline
    assert (open_case.start_date, open_case.working_days, open_case.due_date) == (D(2025, 11, 3), 3, D(2025, 11, 6))
    assert open_case.closed_at is None and open_case.compute_due().date == open_case.due_date
    decided = GreenChannelCase.objects.get(pk=greens[b.pk].pk).deadline
    assert (decided.due_date, decided.closed_at is not None) == (D(2026, 3, 4), True)
    assert GreenChannelCase.objects.get(pk=greens[c.pk].pk).deadline is None
