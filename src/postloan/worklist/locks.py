"""The database's own refusal to change a completed inspection or an amendment.

The model and its queryset refuse first (with a Chinese message); these triggers close the
paths around them — raw SQL, `bulk.update_rows`, another program writing the database. They
guard the columns that make the record (date, mode, findings, conclusion, report, …); the
engine-facing `has_problem` follows the amendments, and foreign keys may still be nulled when
a person or loan is removed (`SET_NULL`).
"""

LOCKED_COLUMNS = (
    "customer_id",
    "kind",
    "due_date",
    "done_date",
    "mode",
    "findings",
    "conclusion",
    "proposed_class",
    "next_interval_months",
    "report",
)
MESSAGE = "检查已完成锁定，不能修改；更正请提交更正记录"
AMENDMENT_MESSAGE = "更正记录提交后不能修改"


def _sqlite_changed() -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in LOCKED_COLUMNS)


SQLITE = [
    "DROP TRIGGER IF EXISTS inspection_done_locked",
    f"CREATE TRIGGER inspection_done_locked BEFORE UPDATE ON inspections FOR EACH ROW "
    f"WHEN OLD.done_date IS NOT NULL AND ({_sqlite_changed()}) "
    f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END",
    "DROP TRIGGER IF EXISTS inspection_amendment_locked",
    f"CREATE TRIGGER inspection_amendment_locked BEFORE UPDATE ON inspection_amendments "
    f"FOR EACH ROW BEGIN SELECT RAISE(ABORT, '{AMENDMENT_MESSAGE}'); END",
]

_new = ", ".join(f"NEW.{c}" for c in LOCKED_COLUMNS)
_old = ", ".join(f"OLD.{c}" for c in LOCKED_COLUMNS)
POSTGRESQL = [
    f"""CREATE OR REPLACE FUNCTION inspection_done_locked() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.done_date IS NOT NULL AND ROW({_new}) IS DISTINCT FROM ROW({_old}) THEN
    RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$""",
    "DROP TRIGGER IF EXISTS inspection_done_locked ON inspections",
    "CREATE TRIGGER inspection_done_locked BEFORE UPDATE ON inspections "
    "FOR EACH ROW EXECUTE FUNCTION inspection_done_locked()",
    f"""CREATE OR REPLACE FUNCTION inspection_amendment_locked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '{AMENDMENT_MESSAGE}' USING ERRCODE = 'integrity_constraint_violation';
END $$""",
    "DROP TRIGGER IF EXISTS inspection_amendment_locked ON inspection_amendments",
    "CREATE TRIGGER inspection_amendment_locked BEFORE UPDATE ON inspection_amendments "
    "FOR EACH ROW EXECUTE FUNCTION inspection_amendment_locked()",
]

DROP = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS inspection_done_locked",
        "DROP TRIGGER IF EXISTS inspection_amendment_locked",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS inspection_done_locked ON inspections",
        "DROP FUNCTION IF EXISTS inspection_done_locked()",
        "DROP TRIGGER IF EXISTS inspection_amendment_locked ON inspection_amendments",
        "DROP FUNCTION IF EXISTS inspection_amendment_locked()",
    ],
}


def install(apps=None, schema_editor=None) -> None:
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    for sql in statements or ():
        schema_editor.execute(sql, params=None)


def uninstall(apps=None, schema_editor=None) -> None:
    for sql in DROP.get(schema_editor.connection.vendor, ()):
        schema_editor.execute(sql, params=None)
