"""`flush` (empty every table) with the record-lock triggers out of the way on SQLite.

Django's flush deletes row by row on SQLite, which the triggers of `meetings.record_lock` would
refuse for signed records, signatures and the audit trail; on PostgreSQL it is TRUNCATE, which
no row trigger sees. The test suite's transactional tests and `postloan restore` of a JSON
backup flush through this command. Emptying the database is not amending a record.
"""

from django.core.management.commands import flush
from django.db import connections

from postloan.meetings import record_lock


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        with record_lock.suspended(connection):
            return super().handle(**options)
