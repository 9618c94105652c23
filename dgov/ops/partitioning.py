"""Monthly partitions for the tables that grow with every act (docs/scale.md).

The statements that turn a plain table into one partitioned by month on a timestamp
column, keeping every row and the table's name, triggers and defaults, with the old rows
as one partition (no rewrite: the old table is attached, not copied):

1. a unique index on ``(id, column)`` is built on the old table (``CONCURRENTLY`` in
   service), and a CHECK that bounds its rows below the first month is added ``NOT VALID``
   and validated (a scan under a lock that lets reads and writes go on);
2. in one short transaction: the old table is renamed, the partitioned table created
   ``LIKE`` it (columns, defaults, so the id sequence carries on) with the primary key
   ``(id, column)`` — PostgreSQL needs the partition key in every unique key; ids stay
   unique because only the sequence hands them out — the old table attached as the
   partition of everything before the first month (its unique index of step 1 becoming
   its primary key), and the months ahead created;
3. row triggers (the audit trail's append-only ones) are created again on the new parent
   (``triggers`` below), and a job creates next month's partition ahead of time.

``plan(...)`` returns the statements; the suite runs them on a copy of the audit table
(``dgov/ops/tests/test_partitioning.py``).
"""

import datetime as dt

DROP_PRIMARY_KEY = (
    "DO $$ DECLARE pk text; BEGIN SELECT conname INTO pk FROM pg_constraint WHERE conrelid = '<legacy>'::regclass"
    " AND contype = 'p'; EXECUTE format('ALTER TABLE <legacy> DROP CONSTRAINT %I', pk); END $$"
)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(table: str, month: dt.date) -> str:
    return f"{table}_{month:%Y%m}"


def create_month(table: str, column: str, month: dt.date) -> str:
    """The partition of ``table`` for ``month`` (idempotent)."""
    return (
        f"CREATE TABLE IF NOT EXISTS {partition_name(table, month)} PARTITION OF {table}"
        f" FOR VALUES FROM ('{month.isoformat()}') TO ('{next_month(month).isoformat()}')"
    )


def prepare(table: str, column: str, first: dt.date, *, concurrently: bool = True) -> list[str]:
    """Step 1, before the switch: may run in service, each statement on its own."""
    how = "CONCURRENTLY " if concurrently else ""
    return [
        f"CREATE UNIQUE INDEX {how}IF NOT EXISTS {table}_id_{column}_key ON {table} (id, {column})",
        f"ALTER TABLE {table} ADD CONSTRAINT {table}_before_partitions CHECK ({column} < '{first.isoformat()}') NOT VALID",
        f"ALTER TABLE {table} VALIDATE CONSTRAINT {table}_before_partitions",
    ]


def switch(table: str, column: str, first: dt.date, months_ahead: int = 3) -> list[str]:
    """Step 2, in one transaction: the new parent, the old rows attached, months ahead."""
    legacy = f"{table}_legacy"
    statements = [
        f"ALTER TABLE {table} RENAME TO {legacy}",
        # The old primary key (id) gives way to the unique index (id, column) of step 1.
        DROP_PRIMARY_KEY.replace("<legacy>", legacy),
        f"ALTER TABLE {legacy} ADD PRIMARY KEY USING INDEX {table}_id_{column}_key",
        f"CREATE TABLE {table} (LIKE {legacy} INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS)"
        f" PARTITION BY RANGE ({column})",
        f"ALTER TABLE {table} ADD PRIMARY KEY (id, {column})",
        f"ALTER TABLE {table} ATTACH PARTITION {legacy} FOR VALUES FROM (MINVALUE) TO ('{first.isoformat()}')",
    ]
    month = first
    for _ in range(months_ahead + 1):
        statements.append(create_month(table, column, month))
        month = next_month(month)
    return statements


def plan(table: str, column: str, first: dt.date, months_ahead: int = 3) -> list[str]:
    return [*prepare(table, column, first), *switch(table, column, first, months_ahead)]
