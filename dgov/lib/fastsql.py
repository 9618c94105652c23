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
- ``update_statement(model, values, where)``: an UPDATE as (SQL, params) for ``also``.
- ``from_row(model, values)``: a model instance from the raw values of its columns,
  converted as the ORM would.
- ``cursor()``: the cursor for such statements (Django's wrapper, so the execute wrappers
  and the test suite's query counts see them; while queries are logged it is the ordinary
  client-binding cursor, which Django logs with the statement's text).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
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
    connection: Any = connections[alias]
    if connection.vendor != "postgresql" or connection.queries_logged:
        # Django logs a server-bound statement without its text: where queries are
        # logged (DEBUG, or a test counting them) the ordinary cursor shows them whole.
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor  # type: ignore[attr-defined]  # psycopg 3 only

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
        _saved(instance, pk, alias)
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
    before: Sequence[models.Model] = (),
) -> int:
    """``UPDATE model SET values WHERE pk = pk AND column IN allowed`` (``None`` in
    ``allowed`` meaning ``IS NULL``): the conditional UPDATE of a transition, returning how
    many rows changed (0 or 1). ``values`` maps field names (``accepted_by`` or
    ``accepted_by_id`` alike) to Python values or model instances.

    ``then``: unsaved rows to insert if and only if the row changed (a transition's
    timeline event, audit entry and notifications); a row may point at an earlier one by
    a foreign key (a supplement notice's items at the notice). ``also``: (SQL, params) of further
    UPDATEs, each with a WHERE clause, run likewise only if the row changed.
    ``before``: unsaved rows inserted first, whatever happens, that ``values`` may point
    at (an acceptance's deadlines): the caller's transaction rolls them back when nothing
    changed. On PostgreSQL all of it is one statement; elsewhere one statement each.
    Either way the caller's transaction holds them together."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    if connection.vendor != "postgresql":
        if before and len({type(row) for row in before}) == 1:
            insert_many(before)
        else:
            for row in before:
                insert(row)
        changed = _update(model, pk, values, column, allowed, connection, alias)
        if changed:
            for row, row_links in zip(then, _links(then), strict=True):
                _link(row, row_links, then)
                insert(row)
            with cursor(alias) as c:
                for statement, statement_params in also:
                    c.execute(statement, list(statement_params))
        return changed
    if not (then or also or before):
        return _update(model, pk, values, column, allowed, connection, alias)
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in values]
    # Which values are rows of ``before`` (their primary key comes from the statement).
    pointers = tuple(next((n for n, row in enumerate(before) if row is value), None) for value in values.values())
    present = [v for v in allowed if v is not None]
    null = len(present) != len(allowed)
    links = _links(then)
    shape = (tuple(type(r) for r in before), tuple(type(r) for r in then), tuple(sql for sql, _p in also))
    key = (model, "together", tuple(f.attname for f in fields), pointers, column, len(present), null, shape, links)
    sql = _updates.get(key)
    if sql is None:
        sql = _updates[key] = _together(meta, fields, pointers, column, len(present), null, shape, links, connection)
    params = [value for row in before for value in _insert_params(row, connection)]
    params += _update_params(model, pk, values, column, present, connection, pointers)
    for row, row_links in zip(then, links, strict=True):
        params += _insert_params(row, connection, skip=tuple(position for position, _k in row_links))
    for _sql, statement_params in also:
        params += list(statement_params)
    with cursor(alias) as c:
        c.execute(sql, params)
        changed, *pks = c.fetchone()
    for row, row_pk in zip([*before, *then], pks, strict=True):
        if row_pk is not None:
            _saved(row, row_pk, alias)
    if changed:
        for row, row_links in zip(then, links, strict=True):
            _link(row, row_links, then)
    return int(changed)


def _links(rows: Sequence[models.Model]) -> tuple[tuple[tuple[int, int], ...], ...]:
    """For each row, (position of an insert field, index of the earlier row it points at)."""
    found = []
    for n, row in enumerate(rows):
        mine = []
        for position, field in enumerate(_insert_fields(type(row))):
            if field.is_relation and field.is_cached(row):
                target = field.get_cached_value(row)
                earlier = next((k for k in range(n) if rows[k] is target), None)
                if earlier is not None:
                    mine.append((position, earlier))
        found.append(tuple(mine))
    return tuple(found)


def _link(row: models.Model, row_links: tuple[tuple[int, int], ...], rows: Sequence[models.Model]) -> None:
    fields = _insert_fields(type(row))
    for position, k in row_links:
        setattr(row, fields[position].attname, rows[k].pk)


def update_statement(model: type[models.Model], values: dict[str, Any], where: dict[str, Any]) -> tuple[str, list[Any]]:
    """``UPDATE model SET values WHERE where`` as (SQL, params), for ``update_where``'s
    ``also``: ``where`` maps field names to a value, a list (IN) or None (IS NULL)."""
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    meta = model._meta
    sets, tests, params = [], [], []
    for name, value in values.items():
        field: Any = meta.get_field(name)
        sets.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    for name, value in where.items():
        field = meta.get_field(name)
        target = field.target_field if field.is_relation else field
        if value is None:
            tests.append(f"{quote(field.column)} IS NULL")
        elif isinstance(value, list | tuple):
            tests.append(f"{quote(field.column)} IN ({', '.join(['%s'] * len(value))})")
            params += [target.get_db_prep_save(v, connection) for v in value]
        else:
            tests.append(f"{quote(field.column)} = %s")
            params.append(target.get_db_prep_save(value, connection))
    sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {' AND '.join(tests)}"  # noqa: S608 — names from the model
    return sql, params


def _saved(row: models.Model, pk: Any, alias: str) -> None:
    row.pk = pk
    row._state.adding = False
    row._state.db = alias


def _update_sql(meta: Any, sets: list[str], column: str, present: int, null: bool, connection: Any) -> str:
    quote = connection.ops.quote_name
    condition = quote(meta.get_field(column).column)
    tests = [f"{condition} IN ({', '.join(['%s'] * present)})"] if present else []
    if null:
        tests.append(f"{condition} IS NULL")
    return (
        f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)}"  # noqa: S608 — names from the model, values bound
        f" WHERE {quote(meta.pk.column)} = %s AND ({' OR '.join(tests)})"
    )


def _update(
    model: type[models.Model],
    pk: Any,
    values: dict[str, Any],
    column: str,
    allowed: Sequence[Any],
    connection: Any,
    alias: str,
) -> int:
    """The UPDATE alone."""
    meta = model._meta
    fields: list[Any] = [meta.get_field(name) for name in values]
    present = [v for v in allowed if v is not None]
    null = len(present) != len(allowed)
    key = (model, connection.vendor, tuple(f.attname for f in fields), column, len(present), null)
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        sets = [f"{quote(f.column)} = %s" for f in fields]
        sql = _updates[key] = _update_sql(meta, sets, column, len(present), null, connection)
    params = _update_params(model, pk, values, column, present, connection)
    with cursor(alias) as c:
        c.execute(sql, params)
        return int(c.rowcount)


def _update_params(
    model: type[models.Model],
    pk: Any,
    values: dict[str, Any],
    column: str,
    present: list[Any],
    connection: Any,
    pointers: tuple[int | None, ...] = (),
) -> list[Any]:
    """The parameters of the conditional UPDATE: the values (but those taken from a row of
    ``before``, at ``pointers``), the primary key, then the allowed values of ``column``."""
    meta = model._meta
    pointers = pointers or (None,) * len(values)
    params = []
    for (name, value), pointer in zip(values.items(), pointers, strict=True):
        if pointer is None:
            field: Any = meta.get_field(name)
            params.append(field.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, connection))
    condition: Any = meta.get_field(column)
    params.append(meta.pk.get_db_prep_save(pk, connection))
    params += [condition.get_db_prep_save(v, connection) for v in present]
    return params


@cache
def _insert_fields(model: type[models.Model]) -> list[Any]:
    pk = model._meta.pk
    # An automatic primary key is left to the database (its default or sequence).
    return [f for f in model._meta.local_concrete_fields if not (f is pk and isinstance(f, models.AutoField))]


# Field classes whose get_db_prep_save leaves a value of these Python types as it is.
_PLAIN: dict[type[models.Field], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.BooleanField: (bool,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.SmallIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.PositiveSmallIntegerField: (int,),
    models.BigAutoField: (int,),
    models.AutoField: (int,),
}
_preparers: dict[tuple[type[models.Model], str], list[tuple[Any, Any, tuple[type, ...]]]] = {}


def _preparer(model: type[models.Model], connection: Any) -> list[tuple[Any, Any, tuple[type, ...]]]:
    """Per insert field: how to read its value (``pre_save`` only where a field sets one,
    as ``auto_now``), how to prepare it, and the types that need no preparing."""
    key = (model, connection.vendor)
    found = _preparers.get(key)
    if found is None:
        found = []
        for field in _insert_fields(model):
            target = field.target_field if field.is_relation else field
            plain = _PLAIN.get(type(target), ())
            stamps = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            read = field.pre_save if stamps else None
            found.append((field, read, plain))
        _preparers[key] = found
    return found


def _insert_params(row: models.Model, connection: Any, skip: tuple[int, ...] = ()) -> list[Any]:
    """The INSERT's parameters for ``row``: what ``field.get_db_prep_save(field.pre_save(row,
    True))`` gives for each field, without the calls where a value needs no preparing."""
    params = []
    values = row.__dict__
    for n, (field, read, plain) in enumerate(_preparer(type(row), connection)):
        if n in skip:
            continue
        if read is not None:
            value = read(row, True)
        else:
            value = values[field.attname] if field.attname in values else getattr(row, field.attname)
        if value is not None and type(value) not in plain:
            value = field.get_db_prep_save(value, connection)
        params.append(value)
    return params


def _together(
    meta: Any,
    fields: list[models.Field],
    pointers: tuple[int | None, ...],
    column: str,
    present: int,
    null: bool,
    shape: tuple[tuple[type[models.Model], ...], tuple[type[models.Model], ...], tuple[str, ...]],
    links: tuple[tuple[tuple[int, int], ...], ...],
    connection: Any,
) -> str:
    """``WITH b0 AS (INSERT … RETURNING pk), …, moved AS (UPDATE … RETURNING pk),
    w0 AS (INSERT … SELECT … FROM moved RETURNING pk), …, x0 AS (UPDATE … AND EXISTS
    (SELECT 1 FROM moved)), … SELECT count(moved), pk of b0, …, pk of w0, …``: the ``then``
    inserts and ``also`` updates happen only when the UPDATE changed a row. Values in a
    SELECT list are cast to their column types (a parameter there has no type of its own)."""
    quote = connection.ops.quote_name
    before, then, also = shape
    parts, results = [], ["(SELECT count(*) FROM moved)"]
    for n, model in enumerate(before):
        columns = _insert_fields(model)
        parts.append(
            f"b{n} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)})"  # noqa: S608 — names from the models
            f" VALUES ({', '.join(['%s'] * len(columns))}) RETURNING {quote(model._meta.pk.column)})"
        )
        results.append(f"(SELECT {quote(model._meta.pk.column)} FROM b{n})")  # noqa: S608
    pointed = [
        f"(SELECT {quote(before[pointer]._meta.pk.column)} FROM b{pointer})" if pointer is not None else "%s"  # noqa: S608 — names from the models
        for pointer in pointers
    ]
    sets = [f"{quote(f.column)} = {value}" for f, value in zip(fields, pointed, strict=True)]
    update = _update_sql(meta, sets, column, present, null, connection)
    parts.append(f"moved AS ({update} RETURNING {quote(meta.pk.column)})")
    for n, model in enumerate(then):
        columns = _insert_fields(model)
        pointing = dict(links[n])  # position → the earlier row it points at
        values = ", ".join(
            f"CAST((SELECT {quote(then[pointing[i]]._meta.pk.column)} FROM w{pointing[i]}) AS {f.db_type(connection)})"  # noqa: S608 — names from the models
            if i in pointing
            else f"CAST(%s AS {f.db_type(connection)})"
            for i, f in enumerate(columns)
        )
        parts.append(
            f"w{n} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in columns)})"  # noqa: S608 — names from the models
            f" SELECT {values} FROM moved RETURNING {quote(model._meta.pk.column)})"
        )
        results.append(f"(SELECT {quote(model._meta.pk.column)} FROM w{n})")  # noqa: S608
    for n, statement in enumerate(also):
        parts.append(f"x{n} AS ({statement} AND EXISTS (SELECT 1 FROM moved))")  # noqa: S608 — the caller's SQL, values bound
    return f"WITH {', '.join(parts)} SELECT {', '.join(results)}"


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


class _HeadPk:
    def __repr__(self) -> str:
        return "HEAD_PK"


# A field value meaning "the primary key of the first row of this ``insert_together``".
HEAD_PK: Any = _HeadPk()


def insert_together(rows: Sequence[models.Model]) -> None:
    """Insert unsaved ``rows`` of any models: on PostgreSQL in one statement of
    data-modifying CTEs, elsewhere one INSERT each. Later rows may point at the first (an
    application and its materials, event, audit entry and notification), by a foreign key
    to it or by a field set to ``HEAD_PK``; no other row may point at another of them."""
    if not rows:
        return
    head = rows[0]
    # For each later row, the positions of its insert fields that take the first row's
    # primary key: foreign keys to it, and fields set to ``HEAD_PK`` (an object id).
    refs = [
        tuple(
            n
            for n, field in enumerate(_insert_fields(type(row)))
            if getattr(row, field.attname) is HEAD_PK
            or (field.is_relation and field.is_cached(row) and field.get_cached_value(row) is head)
        )
        for row in rows[1:]
    ]
    alias = router.db_for_write(type(head))
    connection = connections[alias]
    if connection.vendor != "postgresql" or len(rows) == 1:
        insert(head)
        for row, positions in zip(rows[1:], refs, strict=True):
            _point_at(row, positions, head)
            insert(row)
        return
    shape = tuple(type(row) for row in rows)
    key = ("together", connection.vendor, shape, tuple(refs))
    sql = _updates.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        parts, results = [], []
        for n, model in enumerate(shape):
            fields = _insert_fields(model)
            positions = refs[n - 1] if n else ()
            head_pk = f"(SELECT {quote(shape[0]._meta.pk.column)} FROM w0)"  # noqa: S608 — names from the model
            values = ", ".join(
                f"CAST({head_pk} AS {fields[i].db_type(connection)})" if i in positions else "%s"
                for i in range(len(fields))
            )
            parts.append(
                f"w{n} AS (INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)})"  # noqa: S608 — names from the models
                f" VALUES ({values}) RETURNING {quote(model._meta.pk.column)})"
            )
            results.append(f"(SELECT {quote(model._meta.pk.column)} FROM w{n})")  # noqa: S608
        sql = _updates[key] = f"WITH {', '.join(parts)} SELECT {', '.join(results)}"
    params = _insert_params(head, connection)
    for row, positions in zip(rows[1:], refs, strict=True):
        params += _insert_params(row, connection, skip=positions)
    with cursor(alias) as c:
        c.execute(sql, params)
        pks = c.fetchone()
    for row, pk in zip(rows, pks, strict=True):
        _saved(row, pk, alias)
    for row, positions in zip(rows[1:], refs, strict=True):
        _point_at(row, positions, head)


def _point_at(row: models.Model, positions: tuple[int, ...], head: models.Model) -> None:
    """Set the foreign keys at ``positions`` of ``row`` to the now saved ``head``."""
    fields = _insert_fields(type(row))
    for n in positions:
        setattr(row, fields[n].attname, fields[n].to_python(head.pk))


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
