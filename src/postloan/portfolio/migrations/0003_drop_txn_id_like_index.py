"""PostgreSQL: drop the `varchar_pattern_ops` index Django adds beside a text primary key.

It serves `LIKE 'prefix%'` on `transactions.txn_id`, which nothing does (flows are found by
account and date), yet it costs disk and a 5-second build on every first load at scale M.
SQLite has no such index; nothing to do there. Reversing re-creates it under its own name.
"""

from django.db import migrations

INDEX = "transactions_txn_id_like"


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename = 'transactions' AND indexname LIKE 'transactions_txn_id_%%_like'"
        )
        for (name,) in cur.fetchall():
            cur.execute(f'DROP INDEX "{name}"')


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cur:
        cur.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON transactions (txn_id varchar_pattern_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_txn_month_totals")]

    operations = [migrations.RunPython(drop, create)]
