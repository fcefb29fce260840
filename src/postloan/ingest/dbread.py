"""Reading what the database already holds, in chunks, for the set-based checks in DuckDB."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa
from django.db import connection

LOOKUP_CHUNK = 500
FETCH_CHUNK = 50_000


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _chunks(values: list, size: int) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def rows_for_keys(table: str, key: str, columns: Iterable[str], values: list[str]) -> list[tuple]:
    """Rows of `table` whose `key` is one of `values` (only `columns`, key first)."""
    cols = ", ".join(_q(c) for c in [key, *columns])
    found: list[tuple] = []
    with connection.cursor() as cur:
        for chunk in _chunks(sorted(set(values)), LOOKUP_CHUNK):
            marks = ", ".join(["%s"] * len(chunk))
            cur.execute(f"SELECT {cols} FROM {_q(table)} WHERE {_q(key)} IN ({marks})", chunk)
            found.extend(cur.fetchall())
    return found


def fetch_table(table: str, columns: list[str]) -> pa.Table:
    """The whole of `table` (only `columns`) as Arrow; values as the database driver returns them."""
    cols = ", ".join(_q(c) for c in columns)
    data: list[list] = [[] for _ in columns]
    with connection.cursor() as cur:
        cur.execute(f"SELECT {cols} FROM {_q(table)}")
        while rows := cur.fetchmany(FETCH_CHUNK):
            for i, column in enumerate(zip(*rows, strict=True)):
                data[i].extend(column)
    arrays = [pa.array(d) if any(v is not None for v in d) else pa.nulls(len(d)) for d in data]
    return pa.Table.from_arrays(arrays, names=columns)
