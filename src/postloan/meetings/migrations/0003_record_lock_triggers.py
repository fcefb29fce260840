"""Signed meeting records, signatures and the audit trail refuse UPDATE and DELETE in the
database itself (row triggers on SQLite and PostgreSQL; see `postloan.meetings.record_lock`)."""

from django.db import migrations

from postloan.meetings import record_lock


def install(apps, schema_editor):
    record_lock.install(schema_editor)


def uninstall(apps, schema_editor):
    record_lock.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_meeting_president"),
        ("core", "0002_calendar_days"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
