"""Set-based writes the ORM's bulk helpers make slow.

`insert_rows` writes plain dicts with one parameterised INSERT through `executemany` (`COPY` on
PostgreSQL) — for the screening's 100 k result rows, building model instances and
`bulk_create`'s multi-row SQL took most of the time. `delete_where` removes derived rows in one statement.

`insert_from_duckdb` writes the rows a DuckDB query shapes (the screening's result tables): on
PostgreSQL as the CSV DuckDB writes, streamed into `COPY … FROM STDIN` — no Python per row.

`QuerySet.bulk_update` builds a CASE WHEN expression per row and field; for tens of thousands of
rows that compiling dominates. `update_rows` sends one parameterised UPDATE through
`executemany` instead, with each value prepared by its field exactly as `save()` would.
"""

import shutil
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections, models

from postloan.core import scratch


def update_rows(model, objects: Iterable, fields: Sequence[str], chunk: int = 5000) -> int:
    """UPDATE `fields` of each object by primary key; returns the number of objects sent."""
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    sent, batch = 0, []
    with connection.cursor() as cursor:
        for obj in objects:
            values = [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in columns]
            batch.append([*values, meta.pk.get_db_prep_save(obj.pk, connection)])
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                sent, batch = sent + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            sent += len(batch)
    return sent


# Values of exactly these field types go to the database as they are (relations' ids too);
# any other type (MoneyField, JSONField, dates …) is prepared by the field, as `save()` does.
_AS_IS = {
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BigIntegerField,
    models.PositiveIntegerField,
    models.BooleanField,
}


def _preparer(field, conn):
    if field.is_relation or type(field) in _AS_IS:
        return None
    return lambda value: field.get_db_prep_save(value, conn)


def insert_rows(model, rows: Iterable[dict], chunk: int = 5000) -> int:
    """INSERT plain rows — dicts keyed by attname (`loan_id`, not `loan`) — with `executemany`
    (`COPY` on PostgreSQL), without building model instances. A missing field takes its default; a row with `id` keeps
    that primary key (re-created rows), the others get a new one. Returns the rows sent."""
    meta = model._meta
    pk = meta.pk
    conn = connections[DEFAULT_DB_ALIAS]  # the object itself: the proxy costs per lookup
    fields = [f for f in meta.concrete_fields if f is not pk]
    prepare = [_preparer(f, conn) for f in fields]
    defaults = [f.get_db_prep_save(f.get_default(), conn) for f in fields]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    table, with_id = quote(meta.db_table), f"{quote(pk.column)}, {columns}"
    if conn.vendor == "postgresql":
        statements = {
            False: f"COPY {table} ({columns}) FROM STDIN",
            True: f"COPY {table} ({with_id}) FROM STDIN",
        }
    else:
        statements = {
            False: f"INSERT INTO {table} ({columns}) VALUES ({marks})",
            True: f"INSERT INTO {table} ({with_id}) VALUES (%s, {marks})",
        }
    batches: dict[bool, list] = {False: [], True: []}
    sent = 0
    with connection.cursor() as cursor:

        def flush(with_pk: bool) -> None:
            nonlocal sent
            if batches[with_pk]:
                _write(cursor, statements[with_pk], batches[with_pk])
                sent += len(batches[with_pk])
                batches[with_pk] = []

        for row in rows:
            values = []
            for f, prep, default in zip(fields, prepare, defaults, strict=True):
                if f.attname not in row:
                    values.append(default)
                else:
                    value = row[f.attname]
                    values.append(value if prep is None or value is None else prep(value))
            with_pk = row.get(pk.attname) is not None
            batches[with_pk].append([row[pk.attname], *values] if with_pk else values)
            if len(batches[with_pk]) >= chunk:
                flush(with_pk)
        flush(False)
        flush(True)
    return sent


def _write(cursor, statement: str, rows: list) -> None:
    """PostgreSQL: `COPY … FROM STDIN`, each row's values dumped by psycopg as a parameter
    would be (the screening's 900 k assessments at scale L). Elsewhere `executemany`."""
    if not statement.startswith("COPY"):
        cursor.executemany(statement, rows)
        return
    with cursor.cursor.copy(statement) as copy:
        for values in rows:
            copy.write_row(values)


def delete_where(queryset) -> int:
    """DELETE the queryset's rows in one statement: no per-object collection, no signals. For
    derived rows whose dependants are DO_NOTHING (screening results re-created with their ids)."""
    return queryset._raw_delete(queryset.db)


NULL = r"\N"
BLOCK = 1 << 20


def insert_from_duckdb(duck, select: str, table: str, columns: Sequence[str]) -> int:
    """INSERT the rows of DuckDB query `select` into `table`'s `columns` (in the query's column
    order, values as the database stores them); returns the rows sent. PostgreSQL reads the CSV
    DuckDB writes (`COPY … FROM STDIN`); other databases get `executemany` in chunks."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    if connection.vendor != "postgresql":
        marks = ", ".join(["%s"] * len(columns))
        statement = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
        rows = duck.execute(select)
        sent = 0
        with connection.cursor() as cursor:
            while chunk := rows.fetchmany(5000):
                cursor.executemany(statement, chunk)
                sent += len(chunk)
        return sent
    folder = scratch.make("bulk-")
    try:
        path = folder / "rows.csv"
        (sent,) = duck.execute(
            f"COPY ({select}) TO '{path.as_posix()}' (FORMAT csv, HEADER false, NULLSTR '{NULL}')"
        ).fetchall()[0]
        copy_sql = f"COPY {quote(table)} ({names}) FROM STDIN (FORMAT csv, NULL '{NULL}')"
        with (
            connection.cursor() as cursor,
            path.open("rb") as source,
            cursor.cursor.copy(copy_sql) as copy,
        ):
            while block := source.read(BLOCK):
                copy.write(block)
        return int(sent)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def checks_done(cur):
    """PostgreSQL refuses index, constraint and trigger changes on a table with deferred
    foreign-key checks pending: run them now (a violation fails the import here, as it would at
    commit), then defer again."""
    if connection.vendor != "postgresql":
        yield
        return
    cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    yield
    cur.execute("SET CONSTRAINTS ALL DEFERRED")
