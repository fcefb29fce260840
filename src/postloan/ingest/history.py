"""Versioning business records on import: the audit trail of every created or changed row.

For the contract's `history` tables the incoming rows (`typed_<t>`) are compared with what the
database holds, in DuckDB, in one statement per table; each created or changed record becomes one
`core.AuditEvent` (action `import.create` / `import.update`, before/after of the file's columns),
built as JSON in DuckDB and written set-based — no Python object per row, even for millions.
Unchanged rows produce nothing, so re-importing the same files leaves the trail as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from postloan import contract
from postloan.core.models import AuditEvent
from postloan.ingest import dbread
from postloan.ingest.load import bulk_insert
from postloan.ingest.schema import ColumnSpec, table_spec
from postloan.ingest.sql import ident, lit
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


def diff(stage: Stage, t: str, *, actor, batch_id: int) -> TableChanges:
    """Write one audit event per created or changed row of table `t` — set-based: DuckDB builds
    the events, before/after as JSON, and `load.bulk_insert` writes them (inside the caller's
    transaction). Returns the counts."""
    spec = table_spec(t)
    cols = stage.files[t].columns
    old = _stage_existing(stage, t, cols)
    keys = list(spec.key)
    on = " AND ".join(f"o.{ident(k)} = n.{ident(k)}" for k in keys)
    changed = " OR ".join(f"n.{ident(c)} IS DISTINCT FROM o.{ident(c)}" for c in cols)
    key_text = " || '|' || ".join(f"CAST(n.{ident(k)} AS VARCHAR)" for k in keys)

    def as_json(alias: str) -> str:
        fields = ", ".join(
            f"{ident(c)} := {shown(f'{alias}.{ident(c)}', spec.column(c))}" for c in cols
        )
        return f"CAST(to_json(struct_pack({fields})) AS VARCHAR)"

    events = ident(f"events_{t}")
    stage.con.execute(
        f"CREATE OR REPLACE TABLE {events} AS SELECT n._row, {key_text} AS object_id,"
        f" o.{ident(keys[0])} IS NULL AS created, {as_json('o')} AS before, {as_json('n')} AS after"
        f" FROM typed_{t} n LEFT JOIN {old} o ON {on}"
        f" WHERE o.{ident(keys[0])} IS NULL OR {changed}"
    )
    created, updated = stage.con.execute(
        f"SELECT count(*) FILTER (created), count(*) FILTER (NOT created) FROM {events}"
    ).fetchall()[0]
    now = timezone.now().astimezone(dt.UTC).replace(tzinfo=None)  # naive = UTC, as Django stores
    bulk_insert(
        stage,
        AuditEvent._meta.db_table,
        f"SELECT {lit(now.isoformat(sep=' '))}::TIMESTAMP, {_int_or_null(getattr(actor, 'pk', None))},"
        f" CASE WHEN created THEN {lit(CREATE)} ELSE {lit(UPDATE)} END, {lit(t)}, object_id,"
        f" CASE WHEN created THEN NULL ELSE before END, after, '', {int(batch_id)}"
        f" FROM {events} ORDER BY _row",
        [
            "at",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "before",
            "after",
            "reason",
            "batch_id",
        ],
    )
    stage.con.execute(f"DROP TABLE {events}")
    return TableChanges(created=int(created), updated=int(updated))


def _int_or_null(value) -> str:
    return "NULL" if value is None else str(int(value))


def history_tables(stage: Stage) -> list[str]:
    return [t for t in contract.LOAD_ORDER if stage.usable(t) and contract.table(t).history]
