"""Single-row INSERTs for the hot path, without the ORM compiling the query each time.

``insert(instance)`` writes a model instance built in Python with one INSERT statement
prepared once per model and database vendor, and returns it with its primary key: the
same SQL the ORM sends for ``Model.objects.create``, at a fraction of the CPU (the ORM
costs ~4 ms per request on this machine, ``../shared/PERFORMANCE.md``). It is meant for
append-only rows written on every transition (timeline events, audit entries,
notifications): no ``pre_save``/``post_save`` signals are sent for them.
"""

from typing import Any, TypeVar

from django.db import connections, models, router

M = TypeVar("M", bound=models.Model)

_statements: dict[tuple[type[models.Model], str], tuple[str, list[models.Field], bool]] = {}


def _statement(model: type[models.Model], connection: Any) -> tuple[str, list[models.Field], bool]:
    key = (model, connection.vendor)
    found = _statements.get(key)
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
        found = _statements[key] = (sql, fields, returning)
    return found


def insert(instance: M) -> M:
    model = type(instance)
    alias = router.db_for_write(model)
    connection = connections[alias]
    sql, fields, returning = _statement(model, connection)
    params = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            pk = cursor.fetchone()[0]
        else:
            pk = connection.ops.last_insert_id(cursor, model._meta.db_table, model._meta.pk.column)
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = alias
    return instance
