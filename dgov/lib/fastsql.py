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
- ``insert_together(rows)``: unsaved rows of several models in one statement on
  PostgreSQL (one after the other elsewhere).
- ``select_one(model, joins, where, params)``: one row with its related rows, as
  ``select_related(…).filter(…).first()`` would give it.
- ``select_all(model, where, params)``: every row of one model meeting ``where``.
- ``from_row(model, values)``: a model instance from the raw values of its columns,
  converted as the ORM would.
- ``cursor()``: the cursor for such statements (Django's wrapper, so the execute wrappers
  and the test suite's query counts see them; while queries are logged it is the ordinary
  client-binding cursor, which Django logs with the statement's text).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)

_inserts: dict[tuple[type[models.Model], str], tuple[str, list[models.Field], bool]] = {}
_readers: dict[tuple[Any, ...], tuple[list[str], list[tuple[int, Any, list[Any]]]]] = {}
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
        fields = _insert_fields(model)
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
    params = [value for instance in instances for value in _insert_params(instance, connection)]
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
    then: Sequence[models.Model] = (),
    also: Sequence[tuple[str, Sequence[Any]]] = (),
) -> int:
    """``UPDATE model SET values WHERE pk = pk AND column IN allowed`` (``None`` in
    ``allowed`` meaning ``IS NULL``): the conditional UPDATE of a transition, returning how
    many rows changed (0 or 1). ``values`` maps field names (``accepted_by`` or
    ``accepted_by_id`` alike) to Python values or model instances.

    ``then``: unsaved rows to insert if and only if the row changed (a transition's
    timeline event, audit entry and notifications). On PostgreSQL the UPDATE and the
    inserts are one statement, the inserts reading the UPDATE's result; elsewhere they
    follow it. Either way the caller's transaction holds them together.

    ``also``: (SQL, params) of further UPDATEs, each with a WHERE clause, run likewise
    only if the row changed (in the same statement on PostgreSQL)."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    fields = [meta.get_field(name) for name in values]
    condition = meta.get_field(column)
    present = [v for v in allowed if v is not None]
    null = len(present) != len(allowed)
    together = bool(then or also) and connection.vendor == "postgresql"
    shape = tuple(type(row) for row in then) if together else ()
    extra = tuple(sql for sql, _params in also) if together else ()
    key = (model, connection.vendor, tuple(f.attname for f in fields), column, len(present), null, shape, extra)
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
        tests = [f"{quote(condition.column)} IN ({', '.join(['%s'] * len(present))})"] if present else []
        if null:
            tests.append(f"{quote(condition.column)} IS NULL")
        sql = (
            f"UPDATE {quote(meta.db_table)} SET {sets}"  # noqa: S608 — names from the model, values bound
            f" WHERE {quote(meta.pk.column)} = %s AND ({' OR '.join(tests)})"
        )
        if together:
            sql = _together(sql, meta, shape, extra, connection)
        _updates[key] = sql
    params = [
        field.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    params.append(meta.pk.get_db_prep_save(pk, connection))
    params += [condition.get_db_prep_save(v, connection) for v in present]
    if not together:
        with cursor(alias) as c:
            c.execute(sql, params)
            changed = int(c.rowcount)
        if changed:
            for row in then:
                insert(row)
            with cursor(alias) as c:
                for statement, statement_params in also:
                    c.execute(statement, list(statement_params))
        return changed
    for row in then:
        params += _insert_params(row, connection)
    for _sql, statement_params in also:
        params += list(statement_params)
    with cursor(alias) as c:
        c.execute(sql, params)
        changed, *pks = c.fetchone()
    if changed:
        for row, row_pk in zip(then, pks, strict=True):
            row.pk = row_pk
            row._state.adding = False
            row._state.db = alias
    return int(changed)


def _insert_fields(model: type[models.Model]) -> list[models.Field]:
    pk = model._meta.pk
    # An automatic primary key is left to the database (its default or sequence).
    return [f for f in model._meta.local_concrete_fields if not (f is pk and isinstance(f, models.AutoField))]


def _insert_params(row: models.Model, connection: Any) -> list[Any]:
    return [field.get_db_prep_save(field.pre_save(row, True), connection) for field in _insert_fields(type(row))]


def _together(
    update: str, meta: Any, shape: tuple[type[models.Model], ...], extra: tuple[str, ...], connection: Any
) -> str:
    """``WITH moved AS (UPDATE … RETURNING pk), w0 AS (INSERT … SELECT … FROM moved
    RETURNING pk), … SELECT count(moved), pk of w0, …``: the inserts happen only when the
    UPDATE changed a row. Values are cast to their column types (a parameter in a SELECT
    list has no type of its own)."""
    quote = connection.ops.quote_name
    parts = [f"moved AS ({update} RETURNING {quote(meta.pk.column)})"]
    for n, model in enumerate(shape):
        fields = _insert_fields(model)
        values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
        parts.append(
            f"w{n} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608 — names from the models
            f" SELECT {values} FROM moved RETURNING {quote(model._meta.pk.column)})"
        )
    for n, statement in enumerate(extra):
        parts.append(f"x{n} AS ({statement} AND EXISTS (SELECT 1 FROM moved))")  # noqa: S608 — the caller's SQL, values bound
    results = ", ".join(
        [
            "(SELECT count(*) FROM moved)",
            *(f"(SELECT {quote(m._meta.pk.column)} FROM w{n})" for n, m in enumerate(shape)),  # noqa: S608
        ]
    )
    return f"WITH {', '.join(parts)} SELECT {results}"


def _reader(model: type[models.Model], alias: str) -> tuple[list[str], list[tuple[int, Any, list[Any]]]]:
    """The attribute names of the model's concrete fields, and the converters the ORM
    would apply to some of them (none for most on PostgreSQL)."""
    key = (model, alias)
    found = _readers.get(key)
    if found is None:
        connection = connections[alias]
        fields = model._meta.concrete_fields
        conversions = []
        for n, field in enumerate(fields):
            column = field.get_col(model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            if converters:
                conversions.append((n, column, converters))
        found = _readers[key] = ([f.attname for f in fields], conversions)
    return found


def from_row(model: type[M], values: Sequence[Any], alias: str = "default") -> M:
    """A model instance from the raw values of its concrete fields in ``_meta`` order,
    converted as the ORM would (SQLite keeps datetimes as text and booleans as integers),
    built as ``Model.from_db`` builds it but without running ``__init__`` field by field
    (no ``pre_init``/``post_init`` signals: none of our models listens to them)."""
    attnames, conversions = _reader(model, alias)
    if conversions:
        values = list(values)
        connection = connections[alias]
        for n, column, converters in conversions:
            value = values[n]
            for converter in converters:
                value = converter(value, column, connection)
            values[n] = value
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = ModelState()
    state.adding = False
    state.db = alias
    return instance


def insert_together(rows: Sequence[models.Model]) -> None:
    """Insert unsaved ``rows`` (of any models, none referring to another of them): on
    PostgreSQL in one statement of data-modifying CTEs, elsewhere one INSERT each."""
    if not rows:
        return
    alias = router.db_for_write(type(rows[0]))
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(rows) == 1:
        for row in rows:
            insert(row)
        return
    shape = tuple(type(row) for row in rows)
    key = ("together", connection.vendor, shape)
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        parts, results = [], []
        for n, model in enumerate(shape):
            fields = _insert_fields(model)
            parts.append(
                f"w{n} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608 — names from the models
                f" VALUES ({', '.join(['%s'] * len(fields))}) RETURNING {quote(model._meta.pk.column)})"
            )
            results.append(f"(SELECT {quote(model._meta.pk.column)} FROM w{n})")  # noqa: S608
        sql = _updates[key] = f"WITH {', '.join(parts)} SELECT {', '.join(results)}"
    params = [value for row in rows for value in _insert_params(row, connection)]
    with cursor(alias) as c:
        c.execute(sql, params)
        pks = c.fetchone()
    for row, pk in zip(rows, pks, strict=True):
        row.pk = pk
        row._state.adding = False
        row._state.db = alias


@dataclass(frozen=True)
class Join:
    """A row joined to ``parent`` (the alias of the base row, ``a``, or of another join)
    on ``on`` (SQL over the aliases), set as ``attr`` of the parent's instance; ``outer``
    when it may be missing (its attribute is then left alone)."""

    attr: str
    model: type[models.Model]
    alias: str
    on: str
    parent: str = "a"
    outer: bool = False


_selects: dict[tuple[Any, ...], str] = {}


def select_one(
    model: type[M],
    joins: Sequence[Join],
    where: str,
    params: Sequence[Any],
    *,
    order_by: str = "",
    facts: Mapping[str, str] | None = None,
) -> M | None:
    """The first row of ``model`` (alias ``a``) meeting ``where``, its ``joins`` attached:
    one statement, built once (``where`` and ``order_by`` are SQL over the aliases with
    ``%s`` for ``params``, in the order they appear, joins first). ``facts``: {name: SQL
    expression without parameters}, read in the same statement into the dict
    ``instance.facts``."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    facts = facts or {}
    key = (model, tuple(joins), where, order_by, tuple(facts.items()), connection.vendor)
    sql = _selects.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        columns = [f"a.{quote(f.column)}" for f in model._meta.concrete_fields]
        tables = [f"{quote(model._meta.db_table)} a"]
        for join in joins:
            columns += [f"{join.alias}.{quote(f.column)}" for f in join.model._meta.concrete_fields]
            kind = "LEFT JOIN" if join.outer else "JOIN"
            tables.append(f"{kind} {quote(join.model._meta.db_table)} {join.alias} ON {join.on}")
        columns += [f"({expression})" for expression in facts.values()]
        sql = f"SELECT {', '.join(columns)} FROM {' '.join(tables)} WHERE {where}"  # noqa: S608 — names from the models
        sql += f" ORDER BY {order_by} LIMIT 1" if order_by else " LIMIT 1"
        _selects[key] = sql
    with cursor(alias) as c:
        c.execute(sql, list(params))
        row = c.fetchone()
    if row is None:
        return None
    start = len(model._meta.concrete_fields)
    found = from_row(model, row[:start], alias)
    instances: dict[str, Any] = {"a": found}
    for join in joins:
        width = len(join.model._meta.concrete_fields)
        values = row[start : start + width]
        start += width
        owner = instances.get(join.parent)
        if owner is None or values[0] is None:  # a missing optional row (primary key NULL)
            instances[join.alias] = None
            continue
        instances[join.alias] = from_row(join.model, values, alias)
        setattr(owner, join.attr, instances[join.alias])
    if facts:
        found.facts = dict(zip(facts, row[start:], strict=True))  # type: ignore[attr-defined]
    return found


def select_all(model: type[M], where: str, params: Sequence[Any], *, order_by: str = "") -> list[M]:
    """Every row of ``model`` (alias ``a``) meeting ``where``, in one prepared statement."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    key = (model, "all", where, order_by, connection.vendor)
    sql = _selects.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        columns = ", ".join(f"a.{quote(f.column)}" for f in model._meta.concrete_fields)
        sql = f"SELECT {columns} FROM {quote(model._meta.db_table)} a WHERE {where}"  # noqa: S608 — names from the model
        if order_by:
            sql += f" ORDER BY {order_by}"
        _selects[key] = sql
    with cursor(alias) as c:
        c.execute(sql, list(params))
        rows = c.fetchall()
    return [from_row(model, row, alias) for row in rows]
