"""PostgreSQL: re-create the monthly-totals trigger function without its old per-row check of
a transaction-local switch (`current_setting('postloan.txn_totals_off')`). Suspending the
trigger is `ALTER TABLE … DISABLE TRIGGER` now, so the check only cost every upserted flow a
call. SQLite's triggers never had it; nothing to do there. Reversing keeps the new function:
it does the same work."""

from django.db import migrations

from postloan.portfolio import txn_totals


def reinstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        txn_totals.install(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0003_drop_txn_id_like_index")]

    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop)]
