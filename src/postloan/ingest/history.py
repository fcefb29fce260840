"""Versioning business records on import: the audit trail of every created or changed row.

For the contract's `history` tables the incoming rows (`typed_<t>`) are compared with what the
database holds, in DuckDB, in one statement per table; each created or changed record becomes one
`core.AuditEvent` (action `import.create` / `import.update`, before/after of the file's columns).
Unchanged rows produce nothing, so re-importing the same files leaves the trail as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from postloan import contract
from postloan.core.models import AuditEvent
from postloan.ingest import dbread
from postloan.ingest.schema import ColumnSpec, table_spec
from postloan.ingest.sql import ident
from postloan.ingest.stage import Stage

CREATE, UPDATE = "import.create", "import.update"


@dataclass
class TableChanges:
    created: int = 0
    updated: int = 0


def duck_type(col: ColumnSpec) -> str:
    if col.type in ("int", "money"):
        return "BIGINT"
    if col.type == "decimal":
        return f"DECIMAL({col.max_digits or 18}, {col.decimal_places or 6})"
    if col.type in ("date", "month"):
        return "DATE"
    if col.type == "bool":
        return "BOOLEAN"
    return "VARCHAR"


def shown(expr: str, col: ColumnSpec) -> str:
    """How a value appears in the audit JSON: money as yuan text, dates as YYYY-MM-DD."""
    if col.type == "money":
        return f"CAST(CAST({expr} AS DECIMAL(20, 0)) / 100 AS DECIMAL(20, 2))::VARCHAR"
    if col.type in ("date", "month", "decimal"):
        return f"CAST({expr} AS VARCHAR)"
    return expr


def _stage_existing(stage: Stage, t: str, cols: list[str]) -> str:
    spec = table_spec(t)
    name = f"old_{t}"
    stage.con.register("db_rows", dbread.fetch_table(t, cols))
    casts = ", ".join(
        f"CAST({ident(c)} AS {duck_type(spec.column(c))}) AS {ident(c)}" for c in cols
    )
    stage.con.execute(f"CREATE OR REPLACE TABLE {ident(name)} AS SELECT {casts} FROM db_rows")
    stage.con.unregister("db_rows")
    return ident(name)


def diff(stage: Stage, t: str, *, actor, batch_id: int) -> tuple[list[AuditEvent], TableChanges]:
    spec = table_spec(t)
    cols = stage.files[t].columns
    old = _stage_existing(stage, t, cols)
    keys = list(spec.key)
    on = " AND ".join(f"o.{ident(k)} = n.{ident(k)}" for k in keys)
    changed = " OR ".join(f"n.{ident(c)} IS DISTINCT FROM o.{ident(c)}" for c in cols)
    key_text = " || '|' || ".join(f"CAST(n.{ident(k)} AS VARCHAR)" for k in keys)
    before = ", ".join(shown(f"o.{ident(c)}", spec.column(c)) for c in cols)
    after = ", ".join(shown(f"n.{ident(c)}", spec.column(c)) for c in cols)
    rows = stage.con.execute(
        f"SELECT {key_text}, o.{ident(keys[0])} IS NULL, {before}, {after}"
        f" FROM typed_{t} n LEFT JOIN {old} o ON {on}"
        f" WHERE o.{ident(keys[0])} IS NULL OR {changed} ORDER BY n._row"
    ).fetchall()
    n = len(cols)
    events: list[AuditEvent] = []
    changes = TableChanges()
    for row in rows:
        created = bool(row[1])
        old_values, new_values = row[2 : 2 + n], row[2 + n :]
        if created:
            changes.created += 1
        else:
            changes.updated += 1
        events.append(
            AuditEvent(
                actor=actor,
                action=CREATE if created else UPDATE,
                object_type=t,
                object_id=row[0],
                before=None if created else dict(zip(cols, old_values, strict=True)),
                after=dict(zip(cols, new_values, strict=True)),
                batch_id=batch_id,
            )
        )
    return events, changes


def history_tables(stage: Stage) -> list[str]:
    return [t for t in contract.LOAD_ORDER if stage.usable(t) and contract.table(t).history]
