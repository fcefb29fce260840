"""How the snapshot's rows travel from the Django database into DuckDB.

Turning millions of rows into Python tuples was most of a snapshot's time, so the big reads
go as CSV, written by the database's own C code and read by DuckDB's parallel reader:

    PostgreSQL   COPY (<query>) TO STDOUT (FORMAT csv): outside a transaction `PARALLEL` reader
                 connections side by side, all on ONE snapshot of the database (exported by a
                 REPEATABLE READ transaction, `pg_export_snapshot`), the CSV files read into
                 DuckDB while the next queries run; inside a transaction, one by one on the
                 caller's connection (only it sees the caller's uncommitted rows)
    SQLite       the `sqlite3` command-line shell, read-only, on the database file — only when
                 the caller is not inside a transaction (another process cannot see uncommitted
                 rows) and the shell is installed (Debian package `sqlite3`)
    otherwise    the cursor, `fetchmany` in chunks into Arrow tables

Every path gives a DuckDB table of the query's column names. CSV columns are cast to the types
the caller gives (the engine's input types), others stay VARCHAR; the engine casts each input
to its contract type anyway (`engine.inputs.normalised_select`), as it does for SQLite's text
dates from the cursor.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

import duckdb
import pyarrow as pa
from django.conf import settings

from postloan.core import scratch
from postloan.core.sqlite_shell import path as shell
from postloan.core.sqlite_shell import usable as _can_use_shell

log = logging.getLogger(__name__)

CHUNK = 100_000
PARALLEL = max(2, min(4, os.cpu_count() or 2))  # readers at a time (shells, connections)
NULL = r"\N"
SNAPSHOT_ID = re.compile(r"[0-9A-F]+-[0-9A-F]+(-[0-9]+)?")
# The snapshot's big reads, biggest first: side by side, the small ones fill in beside them.
FIRST = ("txn_monthly_totals", "repayments", "txn_detail", "txn_detail_large", "account_balances")
CSV_OPTIONS = f"header = true, all_varchar = true, delim = ',', quote = '\"', nullstr = '{NULL}'"


def load_all(
    con, conn, reads: dict[str, tuple[str, list]], *, types=None, fast: bool = True
) -> None:
    """Create a DuckDB table per entry of `reads` (name → (sql, params)) holding the rows of that
    query run on Django connection `conn`; `types` (name → {column: DuckDB type}) types the CSV
    columns. The SQLite shell runs the queries side by side."""
    types = types or {}
    if fast and _can_use_shell(conn):
        _load_by_shell(con, conn, reads, types)
        return
    if fast and conn.vendor == "postgresql" and not conn.in_atomic_block:
        _load_side_by_side(con, conn, reads, types)
        return
    for name, (sql, params) in reads.items():
        started = time.perf_counter()
        if fast and conn.vendor == "postgresql":
            _load_by_copy(con, conn, name, sql, params, types.get(name, {}))
        else:
            _load_by_cursor(con, conn, name, sql, params)
        log.info("快照读取 %s：%.1f 秒", name, time.perf_counter() - started)


def _scratch() -> Path:
    return scratch.make("snapshot-")


def _from_csv(con, name: str, path: Path, types: dict[str, str]) -> None:
    """Load a CSV file as table `name`, columns cast to `types` (others stay VARCHAR)."""
    source = f"read_csv('{path.as_posix()}', {CSV_OPTIONS})"
    names = [d[0] for d in con.execute(f"SELECT * FROM {source} LIMIT 0").description]
    select = ", ".join(
        f'CAST("{n}" AS {types[n]}) AS "{n}"' if n in types else f'"{n}"' for n in names
    )
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT {select} FROM {source}')


# --- PostgreSQL: COPY … TO STDOUT ---------------------------------------------------------------


def _load_by_copy(con, conn, name: str, sql: str, params: list, types: dict) -> None:
    folder = _scratch()
    try:
        path = folder / f"{name}.csv"
        with conn.wrap_database_errors, conn.cursor() as cursor:
            _copy_to_file(cursor.cursor, sql, params, path)
        _from_csv(con, name, path, types)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy_to_file(cursor, sql: str, params: list, path: Path) -> None:
    """Write a query's rows as CSV (with a header) to `path`, on a psycopg cursor."""
    copy_sql = f"COPY ({sql}) TO STDOUT (FORMAT csv, HEADER true, NULL '{NULL}')"
    with path.open("wb") as out, cursor.copy(copy_sql, params or None) as copy:
        for block in copy:
            out.write(block)


def _load_side_by_side(con, conn, reads: dict[str, tuple[str, list]], types: dict) -> None:
    """The reads on `PARALLEL` connections of their own, all seeing the snapshot one REPEATABLE
    READ transaction exported; each CSV file goes into DuckDB as soon as it is written. The
    biggest reads start first (`FIRST`), so that the small ones fill in beside them."""
    order = sorted(reads, key=lambda n: FIRST.index(n) if n in FIRST else len(FIRST))
    folder = _scratch()
    exporter = conn.copy()
    try:
        with exporter.wrap_database_errors, exporter.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
        if not SNAPSHOT_ID.fullmatch(snapshot):
            raise RuntimeError(f"数据库返回的快照标识异常：{snapshot!r}")

        def read(name: str) -> tuple[str, Path, float]:
            started = time.perf_counter()
            reader = conn.copy()
            try:
                with reader.wrap_database_errors, reader.cursor() as cursor:
                    cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                    path = folder / f"{name}.csv"
                    _copy_to_file(cursor.cursor, *reads[name], path)
                    cursor.execute("COMMIT")
            finally:
                reader.close()
            return name, path, time.perf_counter() - started

        with ThreadPoolExecutor(PARALLEL, thread_name_prefix="snapshot") as pool:
            pending = [pool.submit(read, name) for name in order]
            try:
                for done in as_completed(pending):
                    name, path, seconds = done.result()
                    _from_csv(con, name, path, types.get(name, {}))
                    path.unlink()
                    log.info("快照读取 %s：%.1f 秒", name, seconds)
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    finally:
        exporter.close()
        shutil.rmtree(folder, ignore_errors=True)


# --- SQLite: the command-line shell -------------------------------------------------------------


def literal(value) -> str:
    """A query parameter as an SQLite literal (the snapshot's parameters are dates, numbers,
    booleans and short strings of its own — never user text)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        value = value.isoformat()
    return "'" + str(value).replace("'", "''") + "'"


def _inline(sql: str, params: list) -> str:
    parts = sql.split("%s")
    if len(parts) != len(params) + 1:
        raise ValueError("参数个数与 SQL 占位符不一致")
    out = [parts[0]]
    for value, rest in zip(params, parts[1:], strict=True):
        out += [literal(value), rest]
    return "".join(out)


def _load_by_shell(con, conn, reads: dict[str, tuple[str, list]], types: dict) -> None:
    """One read-only shell per query, `PARALLEL` at a time, each writing its CSV file; then
    DuckDB reads the files. A query without rows (the shell then prints no header either) is
    read by the cursor, which knows the column names."""
    folder = _scratch()
    try:
        pending = list(reads.items())
        running: list[tuple[str, Path, subprocess.Popen]] = []
        done: list[tuple[str, Path]] = []
        while pending or running:
            while pending and len(running) < PARALLEL:
                name, (sql, params) = pending.pop(0)
                path = folder / f"{name}.csv"
                running.append((name, path, _start_shell(conn, sql, params, path)))
            name, path, process = running.pop(0)
            _finish_shell(process)
            done.append((name, path))
        for name, path in done:
            if path.stat().st_size:
                _from_csv(con, name, path, types.get(name, {}))
            else:
                _load_by_cursor(con, conn, name, *reads[name])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _start_shell(conn, sql: str, params: list, path: Path) -> subprocess.Popen:
    query = " ".join(_inline(sql, params).split())
    with path.open("wb") as out:
        process = subprocess.Popen(
            [
                shell(),
                "-readonly",
                "-csv",
                "-header",
                "-nullvalue",
                NULL,
                conn.settings_dict["NAME"],
            ],
            stdin=subprocess.PIPE,
            stdout=out,
            stderr=subprocess.PIPE,
        )
    process.stdin.write(f"{query};\n".encode())
    process.stdin.close()
    return process


def _finish_shell(process: subprocess.Popen) -> None:
    error = process.stderr.read()
    process.stderr.close()
    if process.wait() != 0 or error:
        raise RuntimeError(f"sqlite3 读取失败：{error.decode(errors='replace').strip()[:500]}")


# --- anywhere: the cursor ---------------------------------------------------------------------


def _load_by_cursor(con, conn, name: str, sql: str, params: list) -> None:
    """Stream a query's rows into a DuckDB table of that name, chunk by chunk."""
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        chunks = []
        while rows := cursor.fetchmany(CHUNK):
            columns = list(zip(*rows, strict=True))
            chunks.append(pa.table({n: _array(c) for n, c in zip(names, columns, strict=True)}))
    if chunks:
        table = pa.concat_tables(chunks, promote_options="permissive")
    else:
        table = pa.table({n: pa.array([], pa.null()) for n in names})
    con.register("_snapshot_chunk", table)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _snapshot_chunk')
    con.unregister("_snapshot_chunk")


def _array(values) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def bounded_duckdb() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to `VAR_DIR/tmp` past `POSTLOAN_DUCKDB_MEMORY` (default
    4 GB), so that a whole province's portfolio is screened within a bounded footprint. The
    folder is per process: concurrent screenings in other processes never share spill files."""
    spill = scratch.make("", fixed=f"duckdb-spill-{os.getpid()}")
    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{settings.POSTLOAN_DUCKDB_MEMORY}'")
    con.execute(f"SET temp_directory = '{spill.as_posix()}'")
    return con
