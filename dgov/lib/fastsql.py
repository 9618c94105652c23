"""Hand-written SQL for the few statements every transition sends (decision 0011).

The ORM costs ~4 ms of CPU per request on this machine (``../shared/PERFORMANCE.md``) and
PostgreSQL plans every statement it is sent afresh: the application's five-join fetch
spent 1 ms planning and 0.1 ms running. On the hot path we therefore send SQL built once
per model (names from ``_meta``, values always bound) through ``cursor()``, which on
PostgreSQL binds on the server so that psycopg prepares a statement after its fifth use
and PostgreSQL keeps its plan for the connection. Everything else stays on the ORM.

- ``insert(instance)``: one INSERT of a model instance built in Python, returning it with
  its primary key (no ``pre_save``/``post_save`` signals: for append-only rows).
- ``update_where(model, pk, fields, column, allowed)``: one conditional UPDATE, the number
  of rows changed.
- ``from_row(model, fields, values)``: a model instance from raw column values, converted
  as the ORM would.
- ``cursor()``: the cursor for such statements (Django's wrapper, so the execute wrappers
  and the test suite's query counts see them; while queries are logged it is the ordinary
  client-binding cursor, which Django logs with the statement's text).
"""

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

_inserts: dict[tuple[type[models.Model], str], tuple[str, list[models.Field], bool]] = {}
_conversions: dict[tuple[Any, ...], list[tuple[Any, list[Any]]]] = {}
_updates: dict[tuple[Any, ...], str] = {}


def cursor(alias: str = "default") -> Any:
    """A cursor on ``alias`` that the database may keep plans for: on PostgreSQL a
    server-binding psycopg cursor (prepared after ``prepare_threshold`` uses, psycopg's
    default 5) in the connection's transaction; elsewhere the ordinary cursor."""
    connection = connections[alias]
    if connection.vendor != "postgresql" or connection.queries_logged:
        # Django logs a server-bound statement without its text: where queries are
        # logged (DEBUG, or a test counting them) the ordinary cursor shows them whole.
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # psycopg 3 only

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        return connection._prepare_cursor(ServerBindingCursor(connection.connection))


def _insert_statement(model: type[models.Model], connection: Any) -> tuple[str, list[models.Field], bool]:
    key = (model, connection.vendor)
    found = _inserts.get(key)
    if found is None:
        meta = model._meta
        pk = meta.pk
        # An automatic primary key is left to the database (its default or sequence).
        fields = [f for f in meta.local_concrete_fields if not (f is pk and isinstance(f, models.AutoField))]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 — names from the model, values bound
            quote(meta.db_table), ", ".join(quote(f.column) for f in fields), ", ".join(["%s"] * len(fields))
        )
        returning = bool(connection.features.can_return_columns_from_insert)
        if returning:
            sql += f" RETURNING {quote(pk.column)}"
        found = _inserts[key] = (sql, fields, returning)
    return found


def insert(instance: M) -> M:
    return insert_many([instance])[0]


def insert_many(instances: Sequence[M]) -> list[M]:
    """One INSERT for a few instances of one model (a statement per row count: for the
    small fixed batches of the hot path, not for imports)."""
    model = type(instances[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields, returning = _insert_statement(model, connection)
    if len(instances) > 1:
        if not returning:
            return [insert(instance) for instance in instances]
        head, tail = sql.split(" VALUES ", 1)
        row, rest = tail.split(")", 1)
        sql = f"{head} VALUES {', '.join([row + ')'] * len(instances))}{rest}"
    params = [field.get_db_prep_save(field.pre_save(i, True), connection) for i in instances for field in fields]
    with cursor(alias) as c:
        c.execute(sql, params)
        if returning:
            pks = [r[0] for r in c.fetchall()]
        else:
            pks = [connection.ops.last_insert_id(c, model._meta.db_table, model._meta.pk.column)]
    for instance, pk in zip(instances, pks, strict=True):
        instance.pk = pk
        instance._state.adding = False
        instance._state.db = alias
    return list(instances)


def update_where(
    model: type[models.Model],
    pk: Any,
    values: dict[str, Any],
    *,
    column: str,
    allowed: Sequence[Any],
) -> int:
    """``UPDATE model SET values WHERE pk = pk AND column IN allowed`` (``None`` in
    ``allowed`` meaning ``IS NULL``): the conditional UPDATE of a transition, returning how
    many rows changed (0 or 1). ``values`` maps field names (``accepted_by`` or
    ``accepted_by_id`` alike) to Python values or model instances."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    fields = [meta.get_field(name) for name in values]
    condition = meta.get_field(column)
    present = [v for v in allowed if v is not None]
    null = len(present) != len(allowed)
    key = (model, connection.vendor, tuple(f.attname for f in fields), column, len(present), null)
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        tests = [f"{quote(condition.column)} IN ({', '.join(['%s'] * len(present))})"] if present else []
        if null:
            tests.append(f"{quote(condition.column)} IS NULL")
        sql = _updates[key] = (
            f"UPDATE {quote(meta.db_table)} SET {sets}"  # noqa: S608 — names from the model, values bound
            f" WHERE {quote(meta.pk.column)} = %s AND ({' OR '.join(tests)})"
        )
    params = [
        field.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    params.append(meta.pk.get_db_prep_save(pk, connection))
    params += [condition.get_db_prep_save(v, connection) for v in present]
    with cursor(alias) as c:
        c.execute(sql, params)
        return int(c.rowcount)


def _converters(model: type[models.Model], fields: tuple[models.Field, ...], alias: str) -> list[tuple[Any, list[Any]]]:
    key = (model, fields, alias)
    found = _conversions.get(key)
    if found is None:
        connection = connections[alias]
        found = []
        for field in fields:
            column = field.get_col(model._meta.db_table)
            found.append((column, connection.ops.get_db_converters(column) + column.get_db_converters(connection)))
        _conversions[key] = found
    return found


def from_row(model: type[M], fields: Sequence[models.Field], values: Sequence[Any], alias: str = "default") -> M:
    """A model instance from raw column values of ``fields``, converted as the ORM would
    (SQLite keeps datetimes as text and booleans as integers)."""
    connection = connections[alias]
    converted = []
    for (column, converters), value in zip(_converters(model, tuple(fields), alias), values, strict=True):
        for converter in converters:
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(alias, [f.attname for f in fields], converted)
