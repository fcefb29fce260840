"""A completed inspection and an amendment cannot be changed, by the database's own triggers
(SQLite and PostgreSQL): see postloan/worklist/locks.py."""

from django.db import migrations

from postloan.worklist import locks


class Migration(migrations.Migration):
    dependencies = [("worklist", "0002_inspection_photos_and_amendments")]

    operations = [migrations.RunPython(locks.install, locks.uninstall)]
