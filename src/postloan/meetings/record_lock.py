"""Signed records locked in the database: row triggers that refuse UPDATE and DELETE.

    signed meeting record   meetings, agenda items (+ dissenters), attendance, recusals, customer
                            reports, per-loan decisions (meeting_loan_decisions), resolutions (except their follow-up columns), signed
                            amendments: no UPDATE, DELETE or new row once the record is signed
                            (from the first signature on, as `LockedRecord` in the ORM)
    meeting_signatures      never UPDATE or DELETE
    core_auditevent         never UPDATE or DELETE (the audit trail only grows)

The ORM's `LockedRecord` says so with a Chinese message; the triggers hold against everything
else — raw SQL, `QuerySet.update()` of an unforeseen path, another program on the database.
Both databases raise an integrity error (SQLite `RAISE(ABORT)`, PostgreSQL SQLSTATE 23000).

Emptying the whole database is not a change of a record: PostgreSQL's `flush` is TRUNCATE,
which fires no row triggers; on SQLite, where `flush` deletes row by row, `postloan flush`
drops these triggers for the flush and re-creates them after (`suspended`, which disables them
on PostgreSQL). Restores copy pages
(SQLite backup API), recreate the tables (pg_restore) or flush and insert (JSON), so none of them
updates or deletes a locked row either. A new column of these tables is protected on SQLite only
once listed below (tests/meetings/test_record_lock.py checks the lists against the models).
"""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

MESSAGE_RECORD = "postloan: 已签署的会议记录不能修改或删除，更正须提出补充更正并重新签署"
MESSAGE_SIGNATURE = "postloan: 签署记录不能修改或删除"
MESSAGE_AUDIT = "postloan: 审计记录不能修改或删除"


def meeting_signed(mid: str) -> str:
    return (
        f"(EXISTS (SELECT 1 FROM meetings lm WHERE lm.id = {mid} AND lm.status = 'signed')"
        f" OR EXISTS (SELECT 1 FROM meeting_signatures ls"
        f" WHERE ls.meeting_id = {mid} AND ls.amendment_id IS NULL))"
    )


def item_signed(iid: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM meeting_agenda_items li WHERE li.id = {iid}"
        f" AND {meeting_signed('li.meeting_id')})"
    )


def amendment_signed(aid: str) -> str:
    return (
        f"(EXISTS (SELECT 1 FROM meeting_amendments la WHERE la.id = {aid}"
        f" AND la.signed_at IS NOT NULL)"
        f" OR EXISTS (SELECT 1 FROM meeting_signatures ls WHERE ls.amendment_id = {aid}))"
    )


def resolution_signed(r: str) -> str:
    return (
        f"(({r}.amendment_id IS NULL AND {meeting_signed(f'{r}.meeting_id')})"
        f" OR ({r}.amendment_id IS NOT NULL AND {amendment_signed(f'{r}.amendment_id')}))"
    )


# The columns a signature covers, per table whose other columns may still change (SQLite lists
# them; PostgreSQL compares the whole row less the free columns).
MEETING_FREE = ("status", "signed_at")
MEETING_COLUMNS = (
    "id",
    "branch_id",
    "kind",
    "date",
    "location",
    "notice_due",
    "report_deadline",
    "noticed_on",
    "presiding_id",
    "president_id",
    "quorum_met",
    "quality_report",
    "risk_findings",
    "execution_report",
    "chair_summary",
    "ad_hoc_reason",
    "created_by_id",
    "created_at",
    "closed_at",
)
RESOLUTION_FREE = (
    "status",
    "checked_on",
    "check_detail",
    "claim_note",
    "claim_file",
    "claim_file_name",
    "claimed_by_id",
    "claimed_at",
    "reminded_on",
    "escalated_on",
    "closed_on",
)
RESOLUTION_COLUMNS = (
    "id",
    "meeting_id",
    "item_id",
    "amendment_id",
    "customer_id",
    "type",
    "params",
    "text",
    "department",
    "responsible_id",
    "deadline",
    "decided_on",
    "baseline",
    "created_at",
)
AMENDMENT_FREE = ("signed_at",)
AMENDMENT_COLUMNS = ("id", "meeting_id", "number", "text", "created_by_id", "created_at")


def _changed(vendor: str, columns: tuple[str, ...], free: tuple[str, ...], existing=None) -> str:
    if existing is not None:  # SQLite mid-migration: only the columns the table has yet
        columns = tuple(c for c in columns if c in existing)
    if vendor == "postgresql":
        minus = "ARRAY[" + ", ".join(f"'{c}'" for c in free) + "]"
        return f"((to_jsonb(NEW) - {minus}) IS DISTINCT FROM (to_jsonb(OLD) - {minus}))"
    return "(" + " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns) + ")"


def rules(vendor: str, columns=None) -> list[tuple[str, str, str, str]]:
    """(table, operation, condition on OLD/NEW that refuses it, message).

    `columns` (table → its columns in the database) narrows SQLite's lists while migrating."""
    out = []
    columns = columns or {}

    def child(table: str, locked):
        out.append((table, "INSERT", locked("NEW"), MESSAGE_RECORD))
        out.append((table, "UPDATE", f"({locked('OLD')} OR {locked('NEW')})", MESSAGE_RECORD))
        out.append((table, "DELETE", locked("OLD"), MESSAGE_RECORD))

    out.append(
        (
            "meetings",
            "UPDATE",
            f"(OLD.status = 'signed' OR ({meeting_signed('OLD.id')}"
            f" AND {_changed(vendor, MEETING_COLUMNS, MEETING_FREE, columns.get('meetings'))}))",
            MESSAGE_RECORD,
        )
    )
    out.append(("meetings", "DELETE", meeting_signed("OLD.id"), MESSAGE_RECORD))
    for table in ("meeting_agenda_items", "meeting_attendance"):
        child(table, lambda r: meeting_signed(f"{r}.meeting_id"))
    for table in ("meeting_recusals", "meeting_customer_reports", "meeting_loan_decisions"):
        child(table, lambda r: item_signed(f"{r}.item_id"))
    child("meeting_agenda_items_dissenters", lambda r: item_signed(f"{r}.agendaitem_id"))
    out.append(("meeting_resolutions", "INSERT", resolution_signed("NEW"), MESSAGE_RECORD))
    out.append(
        (
            "meeting_resolutions",
            "UPDATE",
            f"(({resolution_signed('OLD')} OR {resolution_signed('NEW')})"
            f" AND {_changed(vendor, RESOLUTION_COLUMNS, RESOLUTION_FREE, columns.get('meeting_resolutions'))})",
            MESSAGE_RECORD,
        )
    )
    out.append(("meeting_resolutions", "DELETE", resolution_signed("OLD"), MESSAGE_RECORD))
    out.append(
        (
            "meeting_amendments",
            "UPDATE",
            f"(OLD.signed_at IS NOT NULL OR ({amendment_signed('OLD.id')}"
            f" AND {_changed(vendor, AMENDMENT_COLUMNS, AMENDMENT_FREE, columns.get('meeting_amendments'))}))",
            MESSAGE_RECORD,
        )
    )
    out.append(("meeting_amendments", "DELETE", amendment_signed("OLD.id"), MESSAGE_RECORD))
    for table, message in (
        ("meeting_signatures", MESSAGE_SIGNATURE),
        ("core_auditevent", MESSAGE_AUDIT),
    ):
        out.append((table, "UPDATE", "TRUE" if vendor == "postgresql" else "1", message))
        out.append((table, "DELETE", "TRUE" if vendor == "postgresql" else "1", message))
    return out


def trigger_name(table: str, operation: str) -> str:
    return f"postloan_lock_{table}_{operation.lower()}"


def present_rules(connection) -> list[tuple[str, str, str, str]]:
    """The rules whose table exists yet: a migration before the table's own installs the rest
    later (meetings 0003 locks the record; 0005 adds the per-loan decisions of 0004)."""
    tables = set(connection.introspection.table_names())
    columns = {}
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("meetings", "meeting_resolutions", "meeting_amendments"):
                if table in tables:
                    description = connection.introspection.get_table_description(cursor, table)
                    columns[table] = {c.name for c in description}
    return [rule for rule in rules(connection.vendor, columns) if rule[0] in tables]


def _sqlite_statement(table: str, op: str, condition: str, message: str) -> str:
    return (
        f"CREATE TRIGGER IF NOT EXISTS {trigger_name(table, op)} BEFORE {op} ON {table}"
        f" FOR EACH ROW WHEN {condition} BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def _sqlite_statements(lock_rules) -> list[str]:
    return [_sqlite_statement(*rule) for rule in lock_rules]


def _pg_statements(lock_rules) -> list[str]:
    statements = []
    for table, op, condition, message in lock_rules:
        name = trigger_name(table, op)
        result = "OLD" if op == "DELETE" else "NEW"
        statements.append(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$\n"
            f"BEGIN\n  IF {condition} THEN\n"
            f"    RAISE EXCEPTION USING ERRCODE = '23000', MESSAGE = '{message}';\n"
            f"  END IF;\n  RETURN {result};\nEND $$"
        )
        statements.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        statements.append(
            f"CREATE TRIGGER {name} BEFORE {op} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"
        )
    return statements


def install(schema_editor) -> None:
    connection = schema_editor.connection
    lock_rules = present_rules(connection)
    if connection.vendor == "postgresql":
        statements = _pg_statements(lock_rules)
    else:  # a rule that changed (a new column) replaces its trigger
        statements = [
            f"DROP TRIGGER IF EXISTS {trigger_name(t, op)}" for t, op, _c, _m in lock_rules
        ]
        statements += _sqlite_statements(lock_rules)
    for sql in statements:
        schema_editor.execute(sql, params=None)


def drop_on_sqlite(schema_editor) -> None:
    """SQLite: drop the triggers before a migration re-creates a table they name (SQLite refuses
    the rename while a trigger names the missing table); a later migration installs them again."""
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        for name in installed(connection):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def uninstall(schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for table, op, _condition, _message in rules(vendor):
        name = trigger_name(table, op)
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}", params=None)
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()", params=None)
        else:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", params=None)


def installed(connection) -> list[str]:
    """The lock triggers present in the database (for checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE 'postloan_lock_%' AND NOT tgisinternal"
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'postloan_lock_%'"
            )
        return sorted(row[0] for row in cursor.fetchall())


@contextmanager
def suspended(connection):
    """The triggers out of the way while the whole database is emptied (`flush`).

    SQLite drops and re-creates them; PostgreSQL disables and re-enables them (its flush is
    TRUNCATE, which fires no row trigger anyway). Both are part of the caller's transaction
    where there is one."""
    present = set(installed(connection))
    lock_rules = present_rules(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks block ALTER
        for table, op, _c, _m in lock_rules:
            name = trigger_name(table, op)
            if name not in present:
                continue
            if connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                for table, op, _c, _m in lock_rules:
                    if trigger_name(table, op) in present:
                        cursor.execute(
                            f"ALTER TABLE {table} ENABLE TRIGGER {trigger_name(table, op)}"
                        )
            else:
                for table, op, condition, message in lock_rules:
                    if trigger_name(table, op) in present:
                        cursor.execute(_sqlite_statement(table, op, condition, message))


MIGRATION = ("meetings", "0003_record_lock_triggers")


def _lock_migrated(connection) -> bool:
    recorder = MigrationRecorder(connection)
    return recorder.has_table() and MIGRATION in set(recorder.applied_migrations())


def before_migrate(sender, using="default", **kwargs):
    """SQLite: drop the triggers while migrations run. Django re-creates a table to alter it, and
    SQLite refuses to rename a table while another table's trigger names a missing one."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for name in installed(connection):
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def after_migrate(sender, using="default", **kwargs):
    """SQLite: put the triggers back (re-created tables lost theirs) once the lock is migrated."""
    connection = connections[using]
    if connection.vendor == "sqlite" and _lock_migrated(connection):
        with connection.cursor() as cursor:
            for sql in _sqlite_statements(present_rules(connection)):
                cursor.execute(sql)
