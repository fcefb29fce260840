"""A first load into an empty table builds its secondary indexes once, after the rows are in,
and on PostgreSQL checks its foreign keys once, by one join, instead of row by row.

Inserting millions of rows keeps every index up to date row by row, in random key order; building
an index afterwards is one sort. `deferred_indexes(table)` drops the table's non-unique indexes
when the table is empty and re-creates them from their own definitions when the load is done.
Unique indexes stay (the upsert's ON CONFLICT needs them, and they guard the keys).

PostgreSQL checks a deferred foreign key with one index probe per inserted row at commit (50 s of
an 11 M-row load). When the table *and* the table it references were both empty before the batch
(`fresh`), the constraint is dropped before the load and added back after it: adding a foreign
key checks every row with one join. Dropping it locks both tables against readers until the
import commits — readers who would otherwise see them empty wait instead; tables that held rows
before the batch keep their constraints and their readers.

Every step runs inside the importer's transaction: if the import fails or is killed, the rollback
brings the indexes and constraints back with the old (empty) table.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from postloan.core.bulk import checks_done

MIN_ROWS = 50_000  # below this, dropping and re-creating costs more than it saves


def table_is_empty(table: str) -> bool:
    with connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
        return cur.fetchone() is None


def secondary_indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's non-unique indexes."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s"
                " AND sql IS NOT NULL ORDER BY name",
                [table],
            )
        else:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s"
                " AND schemaname = current_schema() ORDER BY indexname",
                [table],
            )
        rows = cur.fetchall()
    return [(name, sql) for name, sql in rows if not sql.upper().startswith("CREATE UNIQUE")]


def foreign_keys(table: str) -> list[tuple[str, str, str]]:
    """PostgreSQL: (name, referenced table, definition) of the table's foreign keys."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT conname, confrelid::regclass::text, pg_get_constraintdef(oid)"
            " FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [connection.ops.quote_name(table)],
        )
        return [(name, referenced.strip('"'), sql) for name, referenced, sql in cur.fetchall()]


def unique_keys(table: str) -> list[tuple[str, str]]:
    """PostgreSQL: (name, definition) of the table's primary key and unique constraints that no
    foreign key leans on (those must stay while other tables point at them)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute(
            "SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
            " WHERE c.conrelid = %s::regclass AND c.contype IN ('p', 'u')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f'"
            " AND f.confrelid = c.conrelid AND f.conindid = c.conindid)"
            " ORDER BY c.contype, c.conname",
            [connection.ops.quote_name(table)],
        )
        return list(cur.fetchall())


@contextmanager
def deferred_indexes(table: str, rows: int, fresh: frozenset[str] = frozenset()):
    """Around the load of `rows` rows into `table` (inside the import's transaction); `fresh`
    names the tables that were empty before the batch. On PostgreSQL the unique keys go too
    (a first load is a plain COPY, no ON CONFLICT needs them; the validation found no duplicate
    key, and re-adding the key would fail the batch on one): building a key's index over 110 M
    rows once is far cheaper than keeping it in step row by row."""
    if rows < MIN_ROWS or not table_is_empty(table):
        yield
        return
    uniques = unique_keys(table)
    indexes = secondary_indexes(table)
    keys = [fk for fk in foreign_keys(table) if table in fresh and fk[1] in fresh]
    t = connection.ops.quote_name(table)
    with connection.cursor() as cur, checks_done(cur):
        for name, _, _ in keys:
            cur.execute(f"ALTER TABLE {t} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        for name, _ in uniques:
            cur.execute(f"ALTER TABLE {t} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cur, checks_done(cur):
        for name, sql in uniques:
            cur.execute(f"ALTER TABLE {t} ADD CONSTRAINT {connection.ops.quote_name(name)} {sql}")
        for _, sql in indexes:
            cur.execute(sql)
        for name, _, sql in keys:  # checks every row, by one join
            cur.execute(f"ALTER TABLE {t} ADD CONSTRAINT {connection.ops.quote_name(name)} {sql}")
