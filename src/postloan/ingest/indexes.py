"""A first load into an empty table builds its secondary indexes once, after the rows are in.

Inserting millions of rows keeps every index up to date row by row, in random key order; building
an index afterwards is one sort. `deferred_indexes(table)` drops the table's non-unique indexes
when the table is empty and re-creates them from their own definitions when the load is done.
Unique indexes stay (the upsert's ON CONFLICT needs them, and they guard the keys). Both steps
run inside the importer's transaction: if the import fails or is killed, the rollback brings the
indexes back with the old (empty) table.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

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


@contextmanager
def deferred_indexes(table: str, rows: int):
    """Around the load of `rows` rows into `table` (inside the import's transaction)."""
    if rows < MIN_ROWS or not table_is_empty(table):
        yield
        return
    indexes = secondary_indexes(table)
    with connection.cursor() as cur, _checks_done(cur):
        for name, _ in indexes:
            cur.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cur, _checks_done(cur):
        for _, sql in indexes:
            cur.execute(sql)


@contextmanager
def _checks_done(cur):
    """PostgreSQL refuses index changes on a table with deferred foreign-key checks pending:
    run them now (a violation fails the import here, as it would at commit), then defer again."""
    if connection.vendor != "postgresql":
        yield
        return
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    cur.execute("SET CONSTRAINTS ALL DEFERRED")
