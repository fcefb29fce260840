"""Writing a checked batch: one set-based write per table, without Python touching each row
on PostgreSQL.

PostgreSQL — COPY, the database's own bulk path:

    DuckDB view ──COPY TO──► a named pipe (csvpipe) ──COPY FROM STDIN──► table is empty?
                                                                     yes: straight into it
                                                                     no:  a temporary table, then
                                                                          one INSERT … SELECT …
                                                                          ON CONFLICT … DO UPDATE

SQLite — the same `INSERT … ON CONFLICT (<key>) DO UPDATE SET … WHERE <something changed>`, as one
`INSERT … SELECT` from a side file the `sqlite3` shell wrote before the transaction (`side.py`, the
big tables), else as `executemany` in chunks of tuples fetched from DuckDB.

On both, rows that did not change are not rewritten, and everything runs in the caller's
transaction (the importer's: the batch is all-or-nothing). Money is already integer fen; on
SQLite dates and decimals travel as text (what Django stores).

The CSV between the two: no header, `,` / `"` / `"` (delimiter, quote, escape) on both sides.
NULL is an empty unquoted field, and every value of a column that could hold an empty string
(anything but numbers, booleans, dates and times) is quoted, so `""` is an empty string — the
meaning PostgreSQL's CSV COPY gives them. Booleans are written `true`/`false`, dates ISO,
decimals as plain digits.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, transaction

from postloan.ingest import csvpipe
from postloan.ingest.schema import table_spec
from postloan.ingest.sql import ident
from postloan.ingest.stage import Stage

CHUNK_ROWS = 50_000  # SQLite: rows per executemany
COPY_BLOCK = 1 << 20  # PostgreSQL: bytes per write to the COPY stream
SQLITE_CACHE_KIB = 256 * 1024  # page cache while loading (restored afterwards)

# DuckDB type ids whose CSV text is never empty and never needs quoting.
_UNQUOTED = {
    "boolean",
    "tinyint",
    "smallint",
    "integer",
    "bigint",
    "hugeint",
    "utinyint",
    "usmallint",
    "uinteger",
    "ubigint",
    "uhugeint",
    "decimal",
    "float",
    "double",
    "date",
    "time",
    "timestamp",
    "timestamp with time zone",
    "timestamp_ms",
    "timestamp_s",
    "timestamp_ns",
}
# DuckDB type ids sent to SQLite as text (Django stores them as text there).
SQLITE_AS_TEXT = {"date", "decimal", "time", "timestamp", "timestamp_ms", "timestamp_s"}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def upsert_sql(t: str, cols: list[str], rows: str | None = None) -> str:
    """`INSERT INTO t (cols) <rows> ON CONFLICT (<key>) DO UPDATE SET … WHERE <changed>`;
    `rows` defaults to one `VALUES` row of placeholders (for `executemany`)."""
    keys = list(table_spec(t).key)
    names = ", ".join(_q(c) for c in cols)
    rows = rows or f"VALUES ({', '.join(['%s'] * len(cols))})"
    sql = f"INSERT INTO {_q(t)} ({names}) {rows} ON CONFLICT ({', '.join(_q(k) for k in keys)})"
    updates = [c for c in cols if c not in keys]
    if not updates:
        return sql + " DO NOTHING"
    distinct = "IS NOT" if connection.vendor == "sqlite" else "IS DISTINCT FROM"
    sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in updates)
    where = " OR ".join(f"{_q(t)}.{_q(c)} {distinct} excluded.{_q(c)}" for c in updates)
    return f"{sql} DO UPDATE SET {sets} WHERE {where}"


def upsert(stage: Stage, t: str, view: str, cols: list[str]) -> int:
    """Upsert every row of the DuckDB `view` into contract table `t`; return the rows written
    or changed (unchanged rows are neither written nor counted)."""
    if _postgres():
        return _upsert_by_copy(stage, t, view, cols)
    if t in stage.side:  # SQLite, rows already in a side file: one statement
        with connection.cursor() as cur:
            cur.execute(upsert_sql(t, cols, rows=f"{stage.side[t]} WHERE true"))
            return max(cur.rowcount or 0, 0)
    sql = upsert_sql(t, cols)
    result = stage.con.execute(f"SELECT {_sqlite_select(t, cols)} FROM {view}")
    written = 0
    with connection.cursor() as cur:
        while rows := result.fetchmany(CHUNK_ROWS):
            cur.executemany(sql, rows)
            written += max(cur.rowcount or 0, 0)
    return written


def bulk_insert(stage: Stage, table: str, select_sql: str, columns: list[str]) -> int:
    """Insert every row of the DuckDB query `select_sql` (run on `stage.con`) into the plain
    database table `table`; return the number of rows inserted.

    * The query's columns are matched to `columns` by position (their names do not matter);
      there must be as many. On PostgreSQL it runs on another DuckDB connection of the stage,
      in a thread: it may read the stage's tables and views, not TEMP objects or registered
      relations of `stage.con`. Columns of `table` not listed get their database defaults.
    * Plain `INSERT` semantics, no upsert: a row that breaks a key or a constraint raises
      `django.db.IntegrityError`. Call it inside the transaction that owns the write (the
      importer's), which then rolls back whole. Row triggers of `table` fire as for any insert.
    * Values travel as DuckDB types them: integers (money as integer fen), booleans, dates,
      timestamps (naive = UTC, as Django stores them), decimals; NULL stays NULL and `''`
      stays `''`. On SQLite dates, decimals and timestamps are sent as text, as Django
      stores them there. Nested types (lists, structs) are not supported.
    * PostgreSQL: DuckDB writes CSV into a named pipe that `COPY … FROM STDIN` reads as it
      is written — no Python per row, no file on disk. SQLite: one `INSERT … SELECT` from the
      side file the importer prepared for `table` (`stage.side`, see `side.py`), else
      `executemany` in chunks.
    """
    if _postgres():
        with transaction.atomic(savepoint=False), connection.cursor() as cur:
            return _copy(stage, cur, table, select_sql, columns)
    rel = stage.con.sql(select_sql)
    _check_width(rel, columns)
    names = ", ".join(_q(c) for c in columns)
    if table in stage.side:  # SQLite, rows already in a side file: one statement
        with connection.cursor() as cur:
            cur.execute(f"INSERT INTO {_q(table)} ({names}) {stage.side[table]}")
            return max(cur.rowcount or 0, 0)
    outer = ", ".join(
        f"CAST({ident(n)} AS VARCHAR)" if t.id in SQLITE_AS_TEXT else ident(n)
        for n, t in zip(rel.columns, rel.types, strict=True)
    )
    result = stage.con.execute(f"SELECT {outer} FROM ({select_sql}) AS q")
    sql = f"INSERT INTO {_q(table)} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"
    inserted = 0
    with connection.cursor() as cur:
        while rows := result.fetchmany(CHUNK_ROWS):
            cur.executemany(sql, rows)
            inserted += len(rows)
    return inserted


# --- PostgreSQL -------------------------------------------------------------------------------


def _upsert_by_copy(stage: Stage, t: str, view: str, cols: list[str]) -> int:
    select = f"SELECT {', '.join(ident(c) for c in cols)} FROM {view}"
    names = ", ".join(_q(c) for c in cols)
    # `savepoint=False`: inside the importer's transaction this adds nothing; called on its
    # own it makes one, which the temporary table (ON COMMIT DROP) needs to live in.
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        cur.execute(f"SELECT 1 FROM {_q(t)} LIMIT 1")
        if cur.fetchone() is None:  # first load: nothing to conflict with
            return _copy(stage, cur, t, select, cols)
        staging = f"load_{t}"  # session-private (pg_temp), dropped at the latest on commit
        cur.execute(f"DROP TABLE IF EXISTS pg_temp.{_q(staging)}")
        cur.execute(
            f"CREATE TEMPORARY TABLE {_q(staging)} ON COMMIT DROP AS"
            f" SELECT {names} FROM {_q(t)} WITH NO DATA"
        )
        _copy(stage, cur, staging, select, cols)
        cur.execute(upsert_sql(t, cols, rows=f"SELECT {names} FROM pg_temp.{_q(staging)}"))
        written = max(cur.rowcount or 0, 0)
        cur.execute(f"DROP TABLE pg_temp.{_q(staging)}")
        return written


def _copy(stage: Stage, cur, table: str, select_sql: str, columns: list[str]) -> int:
    """DuckDB writes the query's rows as CSV into a pipe while `COPY table (columns) FROM STDIN`
    reads them (`csvpipe`): the export and the load overlap."""
    query, options = _csv_export(stage, select_sql, columns)
    copy_sql = (
        f"COPY {_q(table)} ({', '.join(_q(c) for c in columns)})"
        " FROM STDIN (FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULL '')"
    )
    with (
        connection.wrap_database_errors,
        csvpipe.exported(stage, query, options, name=table) as src,
        cur.cursor.copy(copy_sql) as copy,
    ):
        while block := src.read(COPY_BLOCK):
            copy.write(block)
    return max(cur.cursor.rowcount or 0, 0)


def _csv_export(stage: Stage, select_sql: str, columns: list[str]) -> tuple[str, str]:
    """The query and the DuckDB COPY options that write its rows as the CSV PostgreSQL reads."""
    rel = stage.con.sql(select_sql)
    _check_width(rel, columns)
    aliases = [f"c{i}" for i in range(len(columns))]
    quoted = [a for a, t in zip(aliases, rel.types, strict=True) if t.id not in _UNQUOTED]
    options = "FORMAT csv, HEADER false, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NULLSTR ''"
    if quoted:
        options += f", FORCE_QUOTE ({', '.join(quoted)})"
    return f"SELECT * FROM ({select_sql}) AS q({', '.join(aliases)})", options


def _check_width(rel, columns: list[str]) -> None:
    if len(rel.columns) != len(columns):
        raise ValueError(f"查询有 {len(rel.columns)} 列，目标列有 {len(columns)} 个")


# --- SQLite -----------------------------------------------------------------------------------


def _sqlite_select(t: str, cols: list[str]) -> str:
    spec = table_spec(t)
    parts = []
    for c in cols:
        if spec.column(c).type in ("date", "month", "decimal"):
            parts.append(f"CAST({ident(c)} AS VARCHAR)")
        else:
            parts.append(ident(c))
    return ", ".join(parts)


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
