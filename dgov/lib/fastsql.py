"""What the hot path's hand-written SQL shares (decision 0011).

The ORM compiles every query in Python: 0.5–1.5 ms of CPU per query on this machine
(``bench/README.md``), where a transition's whole budget is ~5 ms. The few statements
every API transition sends are therefore literal SQL, each in the module that owns it,
with its measurement in the docstring of the function that sends it:

- ``dgov.api.auth.TOKEN``: the token, its user and their roles and permissions;
- ``dgov.applications.loading.APPLICATION`` and ``ITEM``: what a transition and a
  submission read;
- ``dgov.applications.actions.MOVE`` and ``EVENT``, ``dgov.audit.trail.ENTRY``,
  ``dgov.notifications.outbox.NOTIFICATION``: a transition's write.

Everything else is the ORM's. A statement is a ``Statement``: registered, so that the
system check below refuses what a hand-written write would skip (``db_default``,
generated fields, a custom ``save()``, ``pre_save``/``post_save`` receivers) on the
models it writes, and the tests compare its columns with the models' fields
(``dgov/lib/tests/test_fastsql.py``). Values are always bound; on PostgreSQL they are
bound on the server (``server_side_binding``), so that psycopg prepares each statement
and PostgreSQL keeps its plan for the connection.

- ``run(writes, guard=, gate=)``: send INSERTs and UPDATEs in order, on PostgreSQL as one
  statement of data-modifying CTEs; the id each returned, or None. With ``guard`` the
  writes after that one happen only if it wrote (a transition's conditional UPDATE), with
  ``gate`` every write only if the gate's row is there (locked first): a conflict then
  writes nothing, so the statement needs no transaction around it (``alone``).
- ``alone()``: whether a ``run`` is its own transaction here (PostgreSQL, no transaction
  open); ``unless_alone(alone)`` the transaction to open otherwise.
- ``inserting(statement, row)``: the INSERT of an unsaved instance, its values converted
  as the ORM converts what it saves; ``values(model, **given)`` likewise for an UPDATE.
- ``fetch(statement, params)``: the rows of a SELECT; ``instances(statement, row)`` the
  model instances of one, converted as the ORM converts what it reads (a SELECT made
  with ``values=True`` reads plain values, some columns only, and makes no instances).
"""

import contextlib
import re
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import Any, NamedTuple

from django.apps import apps
from django.core import checks
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.models.base import ModelState
from django.db.models.signals import post_init, post_save, pre_init, pre_save
from psycopg import _queries as psycopg_queries

STATEMENTS: list["Statement"] = []

# psycopg converts a statement's %s placeholders in Python and caches the result, but
# only for statements of at most 50 parameters and 4,096 bytes (psycopg/_queries.py:
# against ORM-made INSERTs of varying rows). A transition's statement has 53 (approval)
# to 68 (two notifications) parameters and, guarded (``_guarded``), up to 5.4 kB of text;
# converted afresh each time it cost 0.4 ms of CPU per transition (measured: an approval
# 853 µs against 586 µs for a completion of 50 parameters). The statements are a few
# dozen, each always the same text: cached, they stay well inside psycopg's 128 entries.
psycopg_queries.MAX_CACHED_STATEMENT_PARAMS = max(psycopg_queries.MAX_CACHED_STATEMENT_PARAMS, 128)
psycopg_queries.MAX_CACHED_STATEMENT_LENGTH = max(psycopg_queries.MAX_CACHED_STATEMENT_LENGTH, 16384)

_TABLE = r'"?(\w+)"?'
# A table a statement names and its alias: ``FROM table alias``, ``JOIN table alias``.
_NAMED = rf"(?:INSERT INTO|UPDATE|FROM|JOIN) {_TABLE}(?: (?!ON\b|WHERE\b|SET\b|JOIN\b|LEFT\b|\()(\w+))?"
_COLUMN = re.compile(r'^(?:(\w+)\.)?"?(\w+)"?$')


class Statement:
    """A literal SQL statement (``%s`` placeholders) and what it reads or writes:
    ``INSERT INTO table (columns) VALUES (…) RETURNING id``, ``UPDATE table SET column =
    …, … WHERE … RETURNING id``, or a SELECT whose columns are ``alias.column`` of tables
    named ``FROM table alias`` / ``JOIN table alias``."""

    def __init__(self, sql: str, *, values: bool = False) -> None:
        self.sql = " ".join(sql.split())
        self.kind = self.sql.split(" ", 1)[0].upper()
        self.returns = " RETURNING " in self.sql
        # A SELECT of values, never made into instances: it may read some columns only.
        self.values = values
        STATEMENTS.append(self)

    def __repr__(self) -> str:
        return f"Statement({self.sql[:60]!r}…)"

    @cached_property
    def aliases(self) -> dict[str, type[models.Model]]:
        """alias (or table name) → model, for every table the statement names."""
        by_table = _models_by_table()
        return {alias: by_table[table] for alias, table in self.tables}

    @cached_property
    def tables(self) -> list[tuple[str, str]]:
        """(alias or table name, table name) of every table the statement names."""
        found = re.findall(_NAMED, self.sql, flags=re.IGNORECASE)
        return [(alias or table, table) for table, alias in found]

    @cached_property
    def model(self) -> type[models.Model]:
        """The model an INSERT or UPDATE writes, a SELECT's first table."""
        return next(iter(self.aliases.values()))

    @cached_property
    def columns(self) -> list[tuple[str, str] | None]:
        """(alias, column) of each column the statement writes (INSERT, UPDATE) or of
        each item of a SELECT's list (None for an expression)."""
        if self.kind == "INSERT":
            listed = re.search(r"\(([^)]*)\) VALUES", self.sql)
            assert listed is not None, self.sql
            table = self.tables[0][0]
            return [(table, name.strip().strip('"')) for name in listed.group(1).split(",")]
        if self.kind == "UPDATE":
            table = self.tables[0][0]
            sets = self.sql.split(" SET ", 1)[1].split(" WHERE ", 1)[0]
            return [(table, item.split("=", 1)[0].strip().strip('"')) for item in _top_level(sets)]
        items = _top_level(self.sql[len("SELECT ") : _top_level_from(self.sql)])
        found: list[tuple[str, str] | None] = []
        for item in items:
            match = _COLUMN.match(item.strip())
            found.append((match.group(1), match.group(2)) if match and match.group(1) else None)
        return found

    @cached_property
    def fields(self) -> list[Any]:
        """The model field of each column an INSERT or UPDATE writes."""
        by_column = {f.column: f for f in self.model._meta.concrete_fields}
        return [by_column[column] for _alias, column in self.columns]  # type: ignore[misc]

    @cached_property
    def readers(self) -> dict[str, list[tuple[int, str, Any, list[Any]]]]:
        """For each alias of a SELECT: (position in the row, attribute name, column
        expression, the converters the ORM applies to it on this database) of its
        columns, the primary key's first."""
        found: dict[str, list[tuple[int, str, Any, list[Any]]]] = {}
        for position, item in enumerate(self.columns):
            if item is None:
                continue
            alias, column = item
            model = self.aliases[alias]
            field = next(f for f in model._meta.concrete_fields if f.column == column)
            col = field.get_col(alias)
            db = _db()
            converters = db.ops.get_db_converters(col) + col.get_db_converters(db)
            found.setdefault(alias, []).append((position, field.attname, col, converters))
        for readers in found.values():
            readers.sort(key=lambda reader: not reader[2].target.primary_key)
        return found


def _top_level(text: str) -> list[str]:
    """``text`` split at the commas outside parentheses."""
    items, depth, start = [], 0, 0
    for n, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "," and depth == 0:
            items.append(text[start:n])
            start = n + 1
    items.append(text[start:])
    return items


def _top_level_from(sql: str) -> int:
    depth = 0
    for n, char in enumerate(sql):
        depth += (char == "(") - (char == ")")
        if depth == 0 and sql.startswith(" FROM ", n):
            return n
    raise ValueError(sql)


class Ref(NamedTuple):
    """A value to ``run``: the id returned by an earlier write of the same call (its
    index), e.g. a new application's id in its event's ``application_id``."""

    write: int


# A field value on an unsaved row meaning the id the first write of its ``run`` returns
# (``inserting`` passes it on): the audit entry of a submission, about the application its
# statement inserts, is sealed with it (``dgov.audit.seal``).
HEAD_PK: Any = Ref(0)


class Write(NamedTuple):
    """An INSERT or UPDATE to ``run``, and the unsaved row an INSERT writes (given its
    primary key and marked saved once written)."""

    statement: Statement
    params: Sequence[Any]
    row: models.Model | None = None


def inserting(statement: Statement, row: models.Model, **refs: Ref) -> Write:
    """The INSERT of an unsaved ``row``: each column's field value as the ORM saves it
    (``pre_save``, which sets ``auto_now_add``, then ``get_db_prep_save``), but the
    fields named in ``refs`` (by attname), which take the id an earlier write returns
    (set on ``row`` once written); so do fields whose value on ``row`` is a ``Ref``
    (``HEAD_PK``)."""
    db = _db()
    params: list[Any] = []
    for field in statement.fields:
        if field.attname in refs:
            params.append(refs[field.attname])
            continue
        value = field.pre_save(row, True)
        if isinstance(value, Ref):
            params.append(value)
            continue
        params.append(None if value is None else field.get_db_prep_save(value, db))
    return Write(statement, params, row)


def values(model: type[models.Model], **given: Any) -> list[Any]:
    """``given`` field values (by field name, in order; a row for a foreign key) as the
    ORM saves them; a ``Ref`` is passed on to ``run``."""
    db = _db()
    found: list[Any] = []
    for name, value in given.items():
        if value is None:
            found.append(None)
            continue
        if isinstance(value, Ref):
            found.append(value)
            continue
        field: Any = model._meta.get_field(name)
        found.append(field.get_db_prep_save(value.pk if isinstance(value, models.Model) else value, db))
    return found


class Gate(NamedTuple):
    """A SELECT of the one row a ``run`` acts on, as it expects to find it (a statement of
    values, ``SELECT a.id FROM table a WHERE a.id = %s AND a.status = %s``): on PostgreSQL
    the statement locks it first (``FOR UPDATE``), and writes nothing unless the gate
    finds it."""

    statement: Statement
    params: Sequence[Any]


def alone() -> bool:
    """Whether a ``run`` here is a transaction of its own: on PostgreSQL outside any
    transaction, one statement commits or fails whole. Opening one around it would cost
    BEGIN and COMMIT, two more round trips: 95 µs of this process's CPU and 75 µs of
    PostgreSQL's per call (measured, ``bench/README.md`` 2026-12-04)."""
    db = _db()
    return db.vendor == "postgresql" and not db.in_atomic_block


def unless_alone(is_alone: bool, *, savepoint: bool = False) -> Any:
    """No transaction where ``is_alone`` (from ``alone()``, and the caller writes nothing
    else), else ``transaction.atomic``: inside an open one, a savepoint only if asked
    (for a caller that recovers from the statement's error)."""
    return contextlib.nullcontext() if is_alone else transaction.atomic(savepoint=savepoint)


def run(writes: Sequence[Write], *, guard: int | None = None, gate: Gate | None = None) -> list[Any]:
    """Send ``writes`` (INSERTs and UPDATEs, each returning the id of at most one row, or
    nothing) in order; return the id each returned, or None. With ``guard`` (the index of
    a write that returns an id: a conditional UPDATE), the writes after it are made only
    if it returned one; with ``gate``, no write is made unless the gate finds its row. On
    PostgreSQL several writes are one statement of data-modifying CTEs, each guarded one
    an ``INSERT … SELECT … WHERE EXISTS`` / an ``UPDATE … AND EXISTS`` of the guard's (or
    the gate's) result: a statement that is atomic by itself. Unguarded writes of one
    statement all run whatever the others' results."""
    db = _db()
    if db.vendor != "postgresql" or (len(writes) == 1 and guard is None and gate is None):
        found: list[Any] = []
        with db.cursor() as cursor:
            if gate is not None:
                cursor.execute(gate.statement.sql, list(gate.params))
                if cursor.fetchone() is None:
                    return [None] * len(writes)
            for n, (statement, params, _row) in enumerate(writes):
                if guard is not None and n > guard and found[guard] is None:
                    found.append(None)
                    continue
                cursor.execute(statement.sql, [found[p.write] if isinstance(p, Ref) else p for p in params])
                row = cursor.fetchone() if statement.returns else None
                found.append(row[0] if row is not None else None)
    else:
        refs = tuple(
            (n, k, p.write) for n, write in enumerate(writes) for k, p in enumerate(write.params) if isinstance(p, Ref)
        )
        gate_sql = gate.statement.sql if gate is not None else None
        sql = _together(tuple(write.statement for write in writes), refs, guard, gate_sql)
        params = [p for write in writes for p in write.params if not isinstance(p, Ref)]
        with db.cursor() as cursor:
            cursor.execute(sql, [*gate.params, *params] if gate is not None else params)
            found = list(cursor.fetchone())
    for write, pk in zip(writes, found, strict=True):
        if write.row is not None and pk is not None:
            write.row.pk = pk
            write.row._state.adding = False
            write.row._state.db = db.alias
            for field, p in zip(write.statement.fields, write.params, strict=True):
                if isinstance(p, Ref):
                    setattr(write.row, field.attname, field.to_python(found[p.write]))
    return found


_composed: dict[tuple[Any, ...], str] = {}


def _earlier(write: int) -> str:
    return f"(SELECT id FROM s{int(write)})"  # noqa: S608 — a number of our own


def _guarded(statement: Statement, source: str) -> str:
    """``statement`` made only if the CTE ``source`` returned a row: an INSERT's VALUES
    become a SELECT (each placeholder cast to its column's type, which VALUES would have
    taken from the column) ``WHERE EXISTS``, an UPDATE's WHERE gains ``AND EXISTS``."""
    exists = f"EXISTS (SELECT 1 FROM {source})"  # noqa: S608 — a name of our own
    if statement.kind == "INSERT":
        head, rest = statement.sql.split(" VALUES (", 1)
        items, tail = rest.rsplit(")", 1)
        db = _db()
        cast = [
            f"CAST({item.strip()} AS {field.db_type(db)})" if item.strip() == "%s" else item.strip()
            for item, field in zip(_top_level(items), statement.fields, strict=True)
        ]
        return f"{head} SELECT {', '.join(cast)} WHERE {exists}{tail}"
    if statement.kind == "UPDATE":
        head, rest = statement.sql.rsplit(" WHERE ", 1)
        condition, returning = (rest.split(" RETURNING ", 1) + [""])[:2]
        return f"{head} WHERE ({condition}) AND {exists}" + (f" RETURNING {returning}" if returning else "")
    raise ValueError(f"only an INSERT or UPDATE can be guarded: {statement!r}")


def _together(
    statements: tuple[Statement, ...],
    refs: tuple[tuple[int, int, int], ...] = (),
    guard: int | None = None,
    gate: str | None = None,
) -> str:
    """``WITH s0 AS (…), s1 AS (…) SELECT (SELECT id FROM s0), (SELECT id FROM s1)``;
    ``refs`` (write, placeholder, earlier write): placeholders that read an earlier
    write's id, ``(SELECT id FROM s<earlier>)``; ``guard``, ``gate``: as ``run``'s, the
    gate the first CTE (``g``, locking its row)."""
    key = (statements, refs, guard, gate)
    sql = _composed.get(key)
    if sql is None:
        texts = []
        for n, statement in enumerate(statements):
            if gate is not None:  # every write behind the gate
                texts.append(_guarded(statement, "g"))
            elif guard is not None and n > guard:  # the writes after the guard behind it
                texts.append(_guarded(statement, f"s{guard}"))
            else:
                texts.append(statement.sql)
        for n in {n for n, _k, _m in refs}:
            pieces = texts[n].split("%s")
            taken = {k: m for write, k, m in refs if write == n}
            texts[n] = pieces[0] + "".join(
                (_earlier(taken[k]) if k in taken else "%s") + piece for k, piece in enumerate(pieces[1:])
            )
        parts = ", ".join(f"s{n} AS ({text})" for n, text in enumerate(texts))
        if gate is not None:
            parts = f"g AS ({gate} FOR UPDATE), {parts}"
        results = ", ".join(
            f"(SELECT id FROM s{n})" if statement.returns else "NULL"  # noqa: S608 — names of our own
            for n, statement in enumerate(statements)
        )
        sql = _composed[key] = f"WITH {parts} SELECT {results}"  # noqa: S608 — literal statements
    return sql


def fetch(statement: Statement, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a SELECT, as the database gave them (``instances`` makes models of one)."""
    with _db().cursor() as cursor:
        cursor.execute(statement.sql, list(params))
        return cursor.fetchall()


def instances(statement: Statement, row: Sequence[Any]) -> dict[str, Any]:
    """{alias: model instance} from a row of ``statement``, its values converted as the
    ORM converts what it reads; None for an alias an outer join found no row for."""
    if statement.values:
        raise TypeError(f"a statement of values makes no instances: {statement!r}")
    db = _db()
    found: dict[str, Any] = {}
    for alias, readers in statement.readers.items():
        if row[readers[0][0]] is None:  # no primary key: no row
            found[alias] = None
            continue
        model = statement.aliases[alias]
        # As Model.from_db, without running __init__ field by field (no pre_init or
        # post_init signal: the system check refuses receivers of them); a column the
        # statement does not read would be loaded when first used, as a deferred field.
        instance = found[alias] = model.__new__(model)
        values = instance.__dict__
        for position, attname, col, converters in readers:
            value = row[position]
            for converter in converters:
                value = converter(value, col, db)
            values[attname] = value
        state = instance._state = ModelState()
        state.adding = False
        state.db = db.alias
    return found


def _models_by_table() -> dict[str, type[models.Model]]:
    return {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}


def _db() -> Any:
    """The connection (resolved once: each attribute read through ``django.db.connection``
    costs a context-local lookup)."""
    return connections[DEFAULT_DB_ALIAS]


# The system check -----------------------------------------------------------------------

# The modules that hold the statements, imported before the check looks at them.
MODULES = ("dgov.api.auth", "dgov.applications.loading", "dgov.applications.actions")


def written_by_hand() -> set[type[models.Model]]:
    import importlib

    for module in MODULES:
        importlib.import_module(module)
    return {statement.model for statement in STATEMENTS if statement.kind in ("INSERT", "UPDATE")}


def _skipped(model: type[models.Model]) -> Iterable[str]:
    """What a hand-written INSERT or UPDATE of ``model`` would skip or break."""
    for field in model._meta.concrete_fields:
        if field.db_default is not models.NOT_PROVIDED:
            yield f"field {field.name} has a db_default"
        if getattr(field, "generated", False):
            yield f"field {field.name} is generated"
    if model.save is not models.Model.save:
        yield "it has a save() of its own"
    for signal, name in ((pre_save, "pre_save"), (post_save, "post_save")):
        if signal.has_listeners(model):
            yield f"it has {name} receivers"


@checks.register(checks.Tags.models)
def check_hand_written(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse on a model written by hand what the hand-written statement would skip, and
    on a model read by hand what building its instances would skip."""
    errors: list[checks.CheckMessage] = []
    for model in sorted(written_by_hand(), key=lambda m: m._meta.label):
        for problem in _skipped(model):
            errors.append(
                checks.Error(
                    f"{model._meta.label} is written by hand-written SQL on the hot path, but {problem}.",
                    hint="Write it through the ORM instead, or change the statement and this check "
                    "together (dgov/lib/fastsql.py, decision 0011).",
                    obj=model,
                    id="dgov.E011",
                )
            )
    read = {model for statement in STATEMENTS if statement.kind == "SELECT" for model in statement.aliases.values()}
    for model in sorted(read, key=lambda m: m._meta.label):
        for signal, name in ((pre_init, "pre_init"), (post_init, "post_init")):
            if signal.has_listeners(model):
                errors.append(
                    checks.Error(
                        f"{model._meta.label} is read by hand-written SQL on the hot path, but it has {name} receivers.",
                        hint="Its instances are built without __init__ (dgov/lib/fastsql.py, decision 0011).",
                        obj=model,
                        id="dgov.E013",
                    )
                )
    for statement in STATEMENTS:
        shape = list(_out_of_step(statement))
        for problem in shape:
            errors.append(
                checks.Error(
                    f"A hand-written statement on the hot path {problem}: {statement.sql[:80]}…",
                    hint="Change the statement together with the model (dgov/lib/fastsql.py, decision 0011).",
                    id="dgov.E014",
                )
            )
        if statement.kind == "INSERT" and not shape:
            missing = _unlisted(statement)
            if missing:
                errors.append(
                    checks.Error(
                        f"{statement.model._meta.label}: the hand-written INSERT does not list {', '.join(missing)}.",
                        hint="Add the columns to the statement (dgov/lib/fastsql.py, decision 0011).",
                        obj=statement.model,
                        id="dgov.E012",
                    )
                )
    return errors


def _out_of_step(statement: Statement) -> Iterable[str]:
    """How ``statement`` no longer fits the models it names: a table no model has, a
    column its model lacks (renamed or removed), or, for a SELECT, a model's column it
    does not read (added: each instance would fetch it again when first used)."""
    by_table = _models_by_table()
    missing = list(dict.fromkeys(table for _alias, table in statement.tables if table not in by_table))
    if missing:
        yield f"names table {', '.join(missing)}, which no model has"
        return
    aliases = statement.aliases
    read: dict[str, set[str]] = {}
    for item in statement.columns:
        if item is None:
            continue
        alias, column = item
        model = aliases[alias]
        if column not in {f.column for f in model._meta.concrete_fields}:
            yield f"names {model._meta.db_table}.{column}, which {model._meta.label} does not have"
        read.setdefault(alias, set()).add(column)
    if statement.kind != "SELECT" or statement.values:
        return
    for alias, columns in read.items():
        model = aliases[alias]
        unread = [f.column for f in model._meta.concrete_fields if f.column not in columns]
        if unread:
            yield f"does not read {', '.join(unread)} of {model._meta.label} ({alias})"


def _unlisted(statement: Statement) -> list[str]:
    """The columns of the model an INSERT leaves out (but an automatic primary key)."""
    listed = {column for _alias, column in statement.columns}  # type: ignore[misc]
    meta = statement.model._meta
    return [
        f.column
        for f in meta.concrete_fields
        if f.column not in listed and not (f is meta.pk and isinstance(f, models.AutoField))
    ]
