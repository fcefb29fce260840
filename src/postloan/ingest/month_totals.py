"""The importer's first load of `transactions`: the monthly totals written once, set-based,
instead of by the triggers row by row (`portfolio/txn_totals.py` keeps them in step after)."""

from contextlib import contextmanager

from django.db import connection

from postloan.ingest.indexes import deferred_indexes, table_is_empty
from postloan.ingest.load import bulk_insert
from postloan.portfolio import txn_totals


@contextmanager
def first_load(stage, view: str):
    """Around the importer's write of `transactions`: when the table is empty, the triggers are
    suspended and, once the rows are in, the totals are written from the staged rows in one
    set-based insert (`stage` is the import's DuckDB stage, `view` the rows as loaded; COPY on
    PostgreSQL). Otherwise the triggers keep the totals as the upsert goes."""
    if not table_is_empty("transactions"):
        yield
        return
    with txn_totals.suspended():
        yield
        with connection.cursor() as cur:
            cur.execute(f"DELETE FROM {txn_totals.TABLE}")  # only zero groups can be left in it
        flows = stage.files["transactions"].rows  # the groups are fewer, of the same order
        with deferred_indexes(txn_totals.TABLE, flows, frozenset({txn_totals.TABLE})):
            bulk_insert(
                stage, txn_totals.TABLE, txn_totals.duckdb_select(view), list(txn_totals.COLUMNS)
            )
