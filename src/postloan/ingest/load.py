"""Writing a checked batch: one set-based upsert per table, in large chunks.

`INSERT … ON CONFLICT (<key>) DO UPDATE SET … WHERE <something changed>` works on SQLite (≥3.24)
and PostgreSQL; rows that did not change are not rewritten. SQLite gets `executemany` (in-process,
fast); PostgreSQL gets one `INSERT … SELECT FROM unnest(<one array per column>)` per chunk. Rows come out of DuckDB in chunks
of tuples and go to the database with `executemany`, never through the ORM row by row.
Money is already integer fen; on SQLite dates and decimals travel as text (what Django stores).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

from postloan.ingest.schema import table_spec
from postloan.ingest.sql import ident
from postloan.ingest.stage import Stage

CHUNK_ROWS = 50_000
SQLITE_CACHE_KIB = 256 * 1024  # page cache while loading (restored afterwards)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


PG_TYPES = {
    "int": "bigint",
    "money": "bigint",
    "decimal": "numeric",
    "date": "date",
    "month": "date",
    "bool": "boolean",
}


def _columnar() -> bool:
    """PostgreSQL takes a whole chunk as one statement: one array parameter per column."""
    return connection.vendor == "postgresql"


def upsert_sql(t: str, cols: list[str]) -> str:
    spec = table_spec(t)
    keys = list(spec.key)
    names = ", ".join(_q(c) for c in cols)
    if _columnar():
        arrays = ", ".join(f"%s::{PG_TYPES.get(spec.column(c).type, 'text')}[]" for c in cols)
        rows = f"SELECT * FROM unnest({arrays})"
    else:
        rows = f"VALUES ({', '.join(['%s'] * len(cols))})"
    sql = f"INSERT INTO {_q(t)} ({names}) {rows} ON CONFLICT ({', '.join(_q(k) for k in keys)})"
    updates = [c for c in cols if c not in keys]
    if not updates:
        return sql + " DO NOTHING"
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in updates)
    where = " OR ".join(f"{_q(t)}.{_q(c)} {distinct} excluded.{_q(c)}" for c in updates)
    return f"{sql} DO UPDATE SET {sets} WHERE {where}"


def _select_for_db(t: str, cols: list[str]) -> str:
    spec = table_spec(t)
    parts = []
    for c in cols:
        kind = spec.column(c).type
        if connection.vendor == "sqlite" and kind in ("date", "month", "decimal"):
            parts.append(f"CAST({ident(c)} AS VARCHAR)")
        else:
            parts.append(ident(c))
    return ", ".join(parts)


def upsert(stage: Stage, t: str, view: str, cols: list[str]) -> int:
    """Upsert every row of the DuckDB `view` into table `t`; return the rows written or changed."""
    sql = upsert_sql(t, cols)
    result = stage.con.execute(f"SELECT {_select_for_db(t, cols)} FROM {view}")
    written = 0
    with connection.cursor() as cur:
        while rows := result.fetchmany(CHUNK_ROWS):
            if _columnar():
                cur.execute(sql, [list(column) for column in zip(*rows, strict=True)])
            else:
                cur.executemany(sql, rows)
            written += max(cur.rowcount or 0, 0)
    return written


@contextmanager
def tuned_for_bulk():
    """A larger SQLite page cache during the load; nothing to do on PostgreSQL."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size = {int(before)}")
