"""The hot path's hand-written statements stay in step with the models they read and
write (decision 0011): a column added to a model fails here (and in the system check)
instead of in production, and the system check refuses what a hand-written write would
skip."""

from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection, models
from django.db.models.signals import post_init, post_save, pre_init, pre_save

from dgov.accounts.roles import Role
from dgov.lib import fastsql


def _statements() -> list[fastsql.Statement]:
    fastsql.written_by_hand()  # imports the modules that hold them (each variant registered)
    return list(fastsql.STATEMENTS)


def _staff(role: Any) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, kind="staff", pk=3, district_id=1, department_id=2, roles=[role])


@pytest.mark.parametrize(
    ("user", "shape"),
    [
        (SimpleNamespace(is_authenticated=True, kind="applicant", pk=1), "own"),
        (_staff(Role.REVIEWER), "department"),
        (_staff(Role.DISTRICT_LEADER), "district"),
    ],
    ids=["applicant", "department-scoped", "district-wide"],
)
def test_every_application_statement_a_user_can_send_is_registered_for_the_check(user: Any, shape: str) -> None:
    from dgov.applications import loading
    from dgov.applications.models import visibility

    seen = visibility(user)
    assert seen is not None and loading.visible_shape(seen) == shape
    where = loading._visible_where(shape)

    assert where in loading.WHERES


def _columns(model: type[models.Model]) -> set[str]:
    return {field.column for field in model._meta.concrete_fields}


@pytest.mark.parametrize("statement", _statements(), ids=repr)
def test_every_hand_written_statement_lists_every_column_of_its_models(statement: fastsql.Statement) -> None:
    listed = [column for column in statement.columns if column is not None]
    if statement.kind == "INSERT":
        names = [name for _alias, name in listed]
        assert len(names) == len(set(names)), "a column listed twice"
        assert set(names) == _columns(statement.model) - {statement.model._meta.pk.column}
        assert fastsql._unlisted(statement) == []
    elif statement.kind == "UPDATE":
        assert {name for _alias, name in listed} <= _columns(statement.model)
    else:
        by_alias: dict[str, set[str]] = {}
        for alias, name in listed:
            by_alias.setdefault(alias, set()).add(name)
        assert by_alias, "a SELECT that reads no model"
        for alias, names in by_alias.items():
            if statement.values:  # plain values: some columns, each of them the model's
                assert names <= _columns(statement.aliases[alias]), alias
            else:
                assert names == _columns(statement.aliases[alias]), alias


def test_the_models_written_by_hand_are_these() -> None:
    from dgov.applications.models import Application, ApplicationEvent, SubmittedMaterial
    from dgov.audit.models import AuditEntry
    from dgov.notices.models import Notice
    from dgov.notifications.models import Notification
    from dgov.workdays.models import Deadline

    assert fastsql.written_by_hand() == {
        Application,
        ApplicationEvent,
        SubmittedMaterial,
        AuditEntry,
        Notification,
        Deadline,
        Notice,
    }


def test_the_system_check_passes_on_the_models_as_they_are() -> None:
    assert fastsql.check_hand_written() == []


def _refused(problem: str) -> list[str]:
    return [error.msg for error in fastsql.check_hand_written() if problem in error.msg]


def test_the_check_refuses_a_db_default_on_a_model_written_by_hand(monkeypatch: Any) -> None:
    """Issue 12: a field with ``db_default`` on the event model made every submission
    fail at run time; now the project does not start."""
    from dgov.applications.models import ApplicationEvent

    monkeypatch.setattr(ApplicationEvent._meta.get_field("note"), "db_default", models.Value(""))

    assert _refused("db_default") == [
        "applications.ApplicationEvent is written by hand-written SQL on the hot path, but field note has a db_default."
    ]


def test_the_check_refuses_a_generated_field(monkeypatch: Any) -> None:
    from dgov.notifications.models import Notification

    monkeypatch.setattr(Notification._meta.get_field("subject"), "generated", True, raising=False)

    assert _refused("generated") == [
        "notifications.Notification is written by hand-written SQL on the hot path, but field subject is generated."
    ]


def test_the_check_refuses_a_save_of_its_own(monkeypatch: Any) -> None:
    from dgov.audit.models import AuditEntry

    def save(self: Any, *args: Any, **kwargs: Any) -> None:
        super(AuditEntry, self).save(*args, **kwargs)

    monkeypatch.setattr(AuditEntry, "save", save)

    assert _refused("save()") == [
        "audit.AuditEntry is written by hand-written SQL on the hot path, but it has a save() of its own."
    ]


@pytest.mark.parametrize("signal", [pre_save, post_save], ids=["pre_save", "post_save"])
def test_the_check_refuses_save_receivers(signal: Any) -> None:
    from dgov.workdays.models import Deadline

    def receiver(**kwargs: Any) -> None:
        pass

    signal.connect(receiver, sender=Deadline)
    try:
        refused = _refused("receivers")
    finally:
        signal.disconnect(receiver, sender=Deadline)

    name = "pre_save" if signal is pre_save else "post_save"
    assert refused == [
        f"workdays.Deadline is written by hand-written SQL on the hot path, but it has {name} receivers."
    ]


@pytest.mark.parametrize("signal", [pre_init, post_init], ids=["pre_init", "post_init"])
def test_the_check_refuses_init_receivers_on_a_model_read_by_hand(signal: Any) -> None:
    from dgov.workdays.models import Deadline

    def receiver(**kwargs: Any) -> None:
        pass

    signal.connect(receiver, sender=Deadline)
    try:
        refused = _refused("_init receivers")
    finally:
        signal.disconnect(receiver, sender=Deadline)

    name = "pre_init" if signal is pre_init else "post_init"
    assert refused == [f"workdays.Deadline is read by hand-written SQL on the hot path, but it has {name} receivers."]


def test_the_check_refuses_an_insert_that_leaves_out_a_column(monkeypatch: Any) -> None:
    monkeypatch.setattr(fastsql, "STATEMENTS", [])
    fastsql.Statement("INSERT INTO api_benchrow (kind, counter) VALUES (%s, %s) RETURNING id")
    monkeypatch.setattr(fastsql, "MODULES", ())

    errors = fastsql.check_hand_written()

    assert [error.id for error in errors] == ["dgov.E012"]
    assert "does not list created_at" in errors[0].msg


def test_the_check_refuses_a_field_added_to_a_model_read_by_hand(monkeypatch: Any) -> None:
    """A field added without the statement: each instance would fetch it again (a query
    per transition) or, were it read positionally, read the wrong column."""
    from dgov.services.models import Material

    colour = models.CharField(max_length=10)
    colour.set_attributes_from_name("colour")
    monkeypatch.setattr(Material._meta, "concrete_fields", (*Material._meta.concrete_fields, colour))

    errors = [error for error in fastsql.check_hand_written() if error.id == "dgov.E014"]

    assert [error.msg.split(":")[0] for error in errors] == [
        "A hand-written statement on the hot path does not read colour of services.Material (m)"
    ]


def test_the_check_refuses_a_column_renamed_under_a_statement(monkeypatch: Any) -> None:
    from dgov.notifications.models import Notification

    monkeypatch.setattr(Notification._meta.get_field("subject"), "column", "title")

    errors = fastsql.check_hand_written()

    assert {error.msg.split(":")[0] for error in errors} == {
        "A hand-written statement on the hot path names notifications_notification.subject, "
        "which notifications.Notification does not have"
    }
    assert {error.id for error in errors} == {"dgov.E014"}


def test_the_check_refuses_a_table_renamed_under_a_statement(monkeypatch: Any) -> None:
    from dgov.workdays.models import Deadline

    monkeypatch.setattr(Deadline._meta, "db_table", "workdays_due")

    errors = fastsql.check_hand_written()

    assert errors
    assert {error.msg.split(":")[0] for error in errors} == {
        "A hand-written statement on the hot path names table workdays_deadline, which no model has"
    }


@pytest.mark.django_db
@pytest.mark.parametrize("guarded", [False, True], ids=["values", "guarded"])
def test_rows_written_by_hand_read_back_as_the_orm_wrote_them(district: Any, guarded: bool) -> None:
    """``inserting`` converts each value as the ORM does (datetimes, JSON, addresses);
    so does a guarded INSERT, whose values are cast to the columns' types."""
    from dgov.audit.models import AuditEntry
    from dgov.audit.trail import entry, writing

    by_hand = entry("bench.hand", changes={"status": ["a", "b"], "note": "x"}, district=district)
    by_hand.ip = "10.0.0.7"
    by_orm = entry("bench.orm", changes={"status": ["a", "b"], "note": "x"}, district=district)
    by_orm.ip = "10.0.0.7"
    by_orm.at = by_hand.at
    by_orm.save()

    if guarded:
        fastsql.run([writing(entry("bench.head", district=district)), writing(by_hand)], guard=0)
    else:
        fastsql.run([writing(by_hand)])

    hand, orm = AuditEntry.objects.get(pk=by_hand.pk), AuditEntry.objects.get(pk=by_orm.pk)
    names = [f.attname for f in AuditEntry._meta.concrete_fields if f.name not in ("id", "verb", "seal")]
    assert [getattr(hand, name) for name in names] == [getattr(orm, name) for name in names]
    assert not by_hand._state.adding


@pytest.mark.django_db
def test_several_writes_are_one_statement_on_postgresql(district: Any, django_assert_num_queries: Any) -> None:
    from dgov.audit.models import AuditEntry
    from dgov.audit.trail import entry, writing

    traces = [entry(f"bench.{n}", district=district) for n in range(3)]

    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        ids = fastsql.run([writing(trace) for trace in traces])

    assert ids == [trace.pk for trace in traces]
    assert sorted(AuditEntry.objects.filter(verb__startswith="bench.").values_list("pk", flat=True)) == sorted(ids)


def test_psycopg_keeps_the_converted_placeholders_of_the_largest_transition() -> None:
    """A statement psycopg does not cache is converted afresh each time (0.4 ms of CPU)."""
    from psycopg import _queries

    from dgov.applications import actions
    from dgov.audit.trail import ENTRY
    from dgov.notices import drafting
    from dgov.notifications.outbox import NOTIFICATION

    # A decision telling an applicant in the app and by e-mail, closing both deadlines,
    # with its written decision, each write guarded by the UPDATE (as ``_move`` sends it);
    # an acceptance writing both deadlines ahead of its UPDATE, behind the gate.
    close, deadline = actions.CLOSE_DEADLINE, actions.INSERT_DEADLINE
    decision = (actions.MOVE, actions.INSERT_EVENT, ENTRY, NOTIFICATION, NOTIFICATION, close, close, drafting.INSERT)
    acceptance = (deadline, deadline, actions.MOVE, actions.INSERT_EVENT, ENTRY, NOTIFICATION, NOTIFICATION)
    largest = [
        fastsql._together(decision, guard=0),
        fastsql._together((*acceptance, drafting.INSERT), guard=2, gate=actions.GATE.sql),
    ]

    for statement in largest:
        assert statement.count("%s") <= _queries.MAX_CACHED_STATEMENT_PARAMS
        assert len(statement.encode()) <= _queries.MAX_CACHED_STATEMENT_LENGTH


def _close(pk: int) -> fastsql.Write:
    """An UPDATE that returns an id only where deadline ``pk`` is open."""
    import datetime as dt

    from dgov.applications.actions import CLOSE_DEADLINE
    from dgov.lib import clock
    from dgov.workdays.models import Deadline

    closed_at, due = (
        fastsql.values(Deadline, closed_at=clock.now()),
        fastsql.values(Deadline, due_date=dt.date(2026, 1, 5)),
    )
    return fastsql.Write(CLOSE_DEADLINE, [*closed_at, pk, *due])


@pytest.mark.django_db
def test_the_writes_after_a_guard_that_wrote_nothing_are_not_made(district: Any) -> None:
    from dgov.audit.models import AuditEntry
    from dgov.audit.trail import entry, writing

    after = entry("bench.after", district=district)

    assert fastsql.run([_close(0), writing(after)], guard=0) == [None, None]

    assert not AuditEntry.objects.filter(verb="bench.after").exists()
    assert after._state.adding and after.pk is None  # still unsaved


@pytest.mark.django_db
def test_no_write_is_made_unless_the_gate_finds_its_row(district: Any) -> None:
    from dgov.audit.models import AuditEntry
    from dgov.audit.trail import entry, writing

    gate = fastsql.Statement("SELECT d.id FROM accounts_district d WHERE d.id = %s AND d.code = %s", values=True)
    fastsql.STATEMENTS.remove(gate)  # the test's own, not one the system check should see
    shut = [writing(entry("bench.shut", district=district)), writing(entry("bench.shut", district=district))]
    assert fastsql.run(shut, gate=fastsql.Gate(gate, [district.pk, "elsewhere"])) == [None, None]
    assert not AuditEntry.objects.filter(verb="bench.shut").exists()

    open_ = [writing(entry("bench.open", district=district)), writing(entry("bench.open", district=district))]
    ids = fastsql.run(open_, gate=fastsql.Gate(gate, [district.pk, district.code]))
    assert sorted(AuditEntry.objects.filter(verb="bench.open").values_list("pk", flat=True)) == sorted(ids)


def test_a_guarded_statement_casts_each_value_to_its_column_and_asks_for_the_guard() -> None:
    from dgov.applications.actions import INSERT_EVENT, MOVE

    if connection.vendor != "postgresql":
        pytest.skip("the guarded statement is PostgreSQL's (elsewhere the writes are sent one by one)")
    insert = fastsql._guarded(INSERT_EVENT, "s0")
    assert insert.startswith("INSERT INTO applications_applicationevent (application_id, at, by_id,")
    assert " SELECT CAST(%s AS bigint), CAST(%s AS timestamp with time zone), " in insert
    assert insert.endswith(" WHERE EXISTS (SELECT 1 FROM s0) RETURNING id")
    update = fastsql._guarded(MOVE, "g")
    assert update.endswith(" WHERE (id = %s AND status = %s) AND EXISTS (SELECT 1 FROM g) RETURNING id")
    assert insert.count("%s") == INSERT_EVENT.sql.count("%s") and update.count("%s") == MOVE.sql.count("%s")


def test_a_statement_of_values_may_read_some_columns_but_makes_no_instances() -> None:
    from dgov.applications.loading import FILED_MATERIALS

    assert FILED_MATERIALS.values and list(fastsql._out_of_step(FILED_MATERIALS)) == []
    with pytest.raises(TypeError, match="makes no instances"):
        fastsql.instances(FILED_MATERIALS, (1, False))
    renamed = fastsql.Statement("SELECT s.material_id, s.gone FROM applications_submittedmaterial s", values=True)
    fastsql.STATEMENTS.remove(renamed)
    assert list(fastsql._out_of_step(renamed)) == [
        "names applications_submittedmaterial.gone, which applications.SubmittedMaterial does not have"
    ]
