"""A signed meeting's per-loan decisions (meeting_loan_decisions, from 0004) refuse INSERT,
UPDATE and DELETE in the database like the rest of its record; on SQLite the meetings trigger
is re-created to cover the new column ad_hoc_reason (see `postloan.meetings.record_lock`)."""

from django.db import migrations

from postloan.meetings import record_lock

TABLE = "meeting_loan_decisions"


def install(apps, schema_editor):
    record_lock.install(schema_editor)


def uninstall(apps, schema_editor):
    for op in ("INSERT", "UPDATE", "DELETE"):
        name = record_lock.trigger_name(TABLE, op)
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0004_deliberation_loan_decisions_and_ad_hoc_notice")]

    operations = [migrations.RunPython(install, uninstall)]
