"""Checking a staged batch, set-based: every check is one SQL statement over a whole file.

For each file `raw_<t>` this creates two DuckDB views — `clean_<t>` (trimmed text, defaults applied,
the user's row number in `_row`) and `typed_<t>` (parsed values) — and inserts every problem it
finds into the `issues` table: level (error|warning), file, row, column, value, reason.
"""

from __future__ import annotations

import pyarrow as pa

from postloan import contract
from postloan.ingest import dbread
from postloan.ingest.columns import cleaned_sql, error_sql, value_sql
from postloan.ingest.readers import FileError
from postloan.ingest.schema import table_spec
from postloan.ingest.sql import ident, lit
from postloan.ingest.stage import Stage

ERROR, WARNING = "error", "warning"

# Rows that contradict themselves: (table, later column, earlier column, reason, level).
ORDER_CHECKS = (
    ("loans", "maturity_date", "start_date", "到期日早于发放日", ERROR),
    ("facilities", "end_date", "start_date", "授信到期日早于起始日", ERROR),
    ("staff_certificates", "expiry_date", "issued_date", "证书有效期早于发证日期", ERROR),
    ("responsibility_letters", "period_to", "period_from", "责任期止早于责任期起", ERROR),
    ("complaints", "resolved_date", "received_date", "办结日期早于受理日期", ERROR),
)
# Amounts that should not exceed another: (table, column, ceiling column, reason, level).
CEILING_CHECKS = (
    ("loans", "balance", "principal", "余额大于发放金额", WARNING),
    ("repayments", "principal_paid", "principal_due", "已还本金大于应还本金", WARNING),
    ("repayments", "interest_paid", "interest_due", "已还利息大于应还利息", WARNING),
)


def clean_view(t: str) -> str:
    return ident(f"clean_{t}")


def typed_view(t: str) -> str:
    return ident(f"typed_{t}")


def create_issues_table(stage: Stage) -> None:
    stage.con.execute(
        "CREATE TABLE issues (level VARCHAR, file VARCHAR, row BIGINT, "
        '"column" VARCHAR, value VARCHAR, reason VARCHAR)'
    )


def add_file_errors(stage: Stage, errors: list[FileError]) -> None:
    for e in errors:
        stage.con.execute(
            "INSERT INTO issues VALUES (?, ?, ?, ?, ?, ?)",
            [ERROR, e.file, e.row, e.column, e.value, e.reason],
        )


def _insert_issues(stage: Stage, level: str, t: str, column: str, select: str) -> None:
    """`select` yields (_row, value, reason); rows with a reason become issues."""
    file = stage.files[t].source.display
    stage.con.execute(
        f"INSERT INTO issues SELECT {lit(level)}, {lit(file)}, _row, {lit(column)},"
        f" CAST(value AS VARCHAR), reason FROM ({select}) WHERE reason IS NOT NULL"
    )


def build_views(stage: Stage, t: str) -> None:
    f = stage.files[t]
    spec = table_spec(t)
    cols = [spec.column(c) for c in f.columns]
    clean = ", ".join(f"{cleaned_sql(ident(c.code), c)} AS {ident(c.code)}" for c in cols)
    stage.con.execute(
        f"CREATE VIEW {clean_view(t)} AS SELECT {f.row_expr} AS _row, {clean}"
        f" FROM {ident(f.raw_table)}"
    )
    typed = ", ".join(f"{value_sql(c)} AS {ident(c.code)}" for c in cols)
    stage.con.execute(f"CREATE VIEW {typed_view(t)} AS SELECT _row, {typed} FROM {clean_view(t)}")


def check_values(stage: Stage, t: str) -> None:
    """Every column's value checks in one scan; only bad rows are unnested into issues."""
    spec = table_spec(t)
    checks = []
    for code in stage.files[t].columns:
        col = spec.column(code)
        reason = error_sql(col)
        if reason:
            checks.append((col, reason))
    if not checks:
        return
    items = ", ".join(
        f"struct_pack(c := {lit(col.label)}, v := {ident(col.code)}, r := {reason})"
        for col, reason in checks
    )
    any_bad = " OR ".join(f"({reason}) IS NOT NULL" for _, reason in checks)
    file = stage.files[t].source.display
    stage.con.execute(
        f"INSERT INTO issues SELECT {lit(ERROR)}, {lit(file)}, _row, e.c, e.v, e.r"
        f" FROM (SELECT _row, unnest([{items}]) AS e FROM {clean_view(t)} WHERE {any_bad})"
        " WHERE e.r IS NOT NULL"
    )


def check_one_of(stage: Stage, t: str) -> None:
    spec = table_spec(t)
    names = spec.table.one_of
    if not names:
        return
    labels = "/".join(spec.column(c).label for c in names)
    present = [c for c in names if c in stage.files[t].columns]
    reason = lit(f"{'、'.join(spec.column(c).label for c in names)}至少填写一项")
    if not present:
        select = f"SELECT 1 AS _row, '' AS value, {reason} AS reason"
    else:
        empty = " AND ".join(f"{ident(c)} IS NULL" for c in present)
        select = f"SELECT _row, '' AS value, CASE WHEN {empty} THEN {reason} END AS reason FROM {clean_view(t)}"
    _insert_issues(stage, ERROR, t, labels, select)


def check_required_when(stage: Stage, t: str) -> None:
    """A column required for some values of another (`Table.extra["required_when"]`): e.g. a
    ratio covenant without a numeric threshold. Unknown codes are the enum check's business."""
    spec = table_spec(t)
    for column, when, codes, reason in spec.table.extra.get("required_when", ()):
        if when not in stage.files[t].columns:
            continue
        choices = dict(spec.column(when).column.choices)
        codes_sql = ", ".join(lit(c) for c in codes)
        labels_sql = ", ".join(lit(choices.get(c, c)) for c in codes)
        label = " ".join(f"WHEN {lit(c)} THEN {lit(choices.get(c, c))}" for c in codes)
        label = f"CASE {ident(when)} {label} ELSE {ident(when)} END"
        present = column in stage.files[t].columns
        empty = f"{ident(column)} IS NULL" if present else "true"
        shown = f"CAST({ident(column)} AS VARCHAR)" if present else "''"
        select = (
            f"SELECT _row, coalesce({shown}, '') AS value,"
            f" CASE WHEN {empty} AND ({ident(when)} IN ({codes_sql})"
            f" OR {ident(when)} IN ({labels_sql}))"
            f" THEN {lit(spec.column(when).label)} || '“' || {label} || '”：' || {lit(reason)}"
            f" END AS reason FROM {clean_view(t)}"
        )
        _insert_issues(stage, ERROR, t, spec.column(column).label, select)


def check_duplicates(stage: Stage, t: str) -> None:
    spec = table_spec(t)
    keys = [ident(k) for k in spec.key]
    key_list = ", ".join(keys)
    not_null = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    joined = " AND ".join(f"d.{k} = t.{k}" for k in keys)
    shown = " || '/' || ".join(f"CAST(t.{k} AS VARCHAR)" for k in keys)
    label = "+".join(spec.column(k).label for k in spec.key)
    select = (
        f"WITH d AS (SELECT {key_list}, min(_row) AS first FROM {typed_view(t)}"
        f" WHERE {not_null} GROUP BY {key_list} HAVING count(*) > 1)"
        f" SELECT t._row, {shown} AS value,"
        f" '与第 ' || d.first || ' 行的主键重复' AS reason"
        f" FROM {typed_view(t)} t JOIN d ON {joined} WHERE t._row > d.first"
    )
    _insert_issues(stage, ERROR, t, label, select)


def check_contradictions(stage: Stage) -> None:
    for t, later, earlier, reason, level in ORDER_CHECKS:
        if stage.has_column(t, later) and stage.has_column(t, earlier):
            select = (
                f"SELECT _row, CAST({ident(later)} AS VARCHAR) AS value,"
                f" CASE WHEN {ident(later)} < {ident(earlier)} THEN {lit(reason)} END AS reason"
                f" FROM {typed_view(t)}"
            )
            _insert_issues(stage, level, t, table_spec(t).column(later).label, select)
    for t, col, ceiling, reason, level in CEILING_CHECKS:
        if stage.has_column(t, col) and stage.has_column(t, ceiling):
            shown = f"CAST(CAST({ident(col)} AS DECIMAL(20, 0)) / 100 AS DECIMAL(20, 2))"
            select = (
                f"SELECT _row, {shown} AS value,"
                f" CASE WHEN {ident(col)} > {ident(ceiling)} THEN {lit(reason)} END AS reason"
                f" FROM {typed_view(t)}"
            )
            _insert_issues(stage, level, t, table_spec(t).column(col).label, select)


def _references(stage: Stage) -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, referenced column) for every checkable reference."""
    refs = []
    for t in stage.files:
        if not stage.usable(t):
            continue
        for code in stage.files[t].columns:
            target = contract.table(t).column(code).references
            if not target:
                continue
            rt, rc = target.split(".")
            if rt in stage.files and not stage.usable(rt):
                continue  # the referenced file is unreadable: its own error says enough
            refs.append((t, code, rt, rc))
    return refs


def _batch_keys(stage: Stage, rt: str, rc: str) -> str:
    if stage.usable(rt):
        return f"SELECT {ident(rc)} AS k FROM {typed_view(rt)} WHERE {ident(rc)} IS NOT NULL"
    return "SELECT CAST(NULL AS VARCHAR) AS k WHERE false"


def check_references(stage: Stage) -> None:
    """A referenced id must be in this batch or already in the database."""
    refs = _references(stage)
    missing: dict[tuple[str, str], set[str]] = {}  # (table, column): ids not in the batch
    wanted: dict[tuple[str, str], set[str]] = {}
    for t, code, rt, rc in refs:
        rows = stage.con.execute(
            f"SELECT DISTINCT v.{ident(code)} FROM {typed_view(t)} v"
            f" ANTI JOIN ({_batch_keys(stage, rt, rc)}) b ON b.k = v.{ident(code)}"
            f" WHERE v.{ident(code)} IS NOT NULL AND v.{ident(code)} <> ''"
        ).fetchall()
        missing[(t, code)] = {r[0] for r in rows}
        wanted.setdefault((rt, rc), set()).update(missing[(t, code)])
    in_database: dict[str, set[str]] = {}
    for (rt, rc), values in wanted.items():
        known = ident(f"known_{rt}")
        stage.con.execute(f"CREATE OR REPLACE TABLE {known} (k VARCHAR)")
        found = [r[0] for r in dbread.rows_for_keys(rt, rc, [], list(values))] if values else []
        in_database[rt] = set(found)
        if found:
            stage.con.register("found_keys", pa.table({"k": pa.array(found, pa.string())}))
            stage.con.execute(f"INSERT INTO {known} SELECT k FROM found_keys")
            stage.con.unregister("found_keys")
    for t, code, rt, rc in refs:
        if missing[(t, code)] <= in_database.get(rt, set()):
            continue  # every id is in the batch or the database: no second scan of the file
        label = contract.table(rt).column(rc).label
        c = ident(code)
        select = (
            f"SELECT v._row, v.{c} AS value, {lit(label)} || ' ' || v.{c} || ' 不存在' AS reason"
            f" FROM {typed_view(t)} v"
            f" ANTI JOIN ({_batch_keys(stage, rt, rc)} UNION ALL"
            f" SELECT k FROM {ident('known_' + rt)}) b ON b.k = v.{c}"
            f" WHERE v.{c} IS NOT NULL AND v.{c} <> ''"
        )
        _insert_issues(stage, ERROR, t, contract.table(t).column(code).label, select)


def check_group_members(stage: Stage) -> None:
    """A group (集团) must have a known member: a customer carrying its `group_id`, in this
    batch's customers or — unless the batch's row for that customer says otherwise — in the
    database. A group whose members are unknown cannot be one exposure."""
    if not stage.usable("groups") or not stage.has_column("groups", "group_id"):
        return
    ids = [
        r[0]
        for r in stage.con.execute(
            f"SELECT DISTINCT group_id FROM {typed_view('groups')} WHERE group_id IS NOT NULL"
        ).fetchall()
    ]
    batch_members = "SELECT CAST(NULL AS VARCHAR) AS g WHERE false"
    batch_customers: set[str] = set()
    if stage.usable("customers"):
        rows = stage.con.execute(f"SELECT customer_id FROM {typed_view('customers')}").fetchall()
        batch_customers = {r[0] for r in rows}
        if stage.has_column("customers", "group_id"):
            batch_members = f"SELECT group_id AS g FROM {typed_view('customers')}"
    found = dbread.rows_for_keys("customers", "group_id", ["customer_id"], ids) if ids else []
    known = sorted({g for g, customer in found if customer not in batch_customers})
    stage.con.register("db_group_members", pa.table({"g": pa.array(known, pa.string())}))
    select = (
        f"SELECT v._row, v.group_id AS value,"
        f" '集团 ' || v.group_id || ' 没有已知成员（客户表中没有集团编号为该值的客户）' AS reason"
        f" FROM {typed_view('groups')} v"
        f" ANTI JOIN ({batch_members} UNION ALL SELECT g FROM db_group_members) m"
        f" ON m.g = v.group_id WHERE v.group_id IS NOT NULL"
    )
    _insert_issues(
        stage, ERROR, "groups", contract.table("groups").column("group_id").label, select
    )
    stage.con.unregister("db_group_members")


def validate(stage: Stage) -> None:
    """Fill `issues` with every problem of the staged batch."""
    for t in contract.LOAD_ORDER:
        if not stage.usable(t):
            continue
        build_views(stage, t)
        check_values(stage, t)
        check_one_of(stage, t)
        check_required_when(stage, t)
        check_duplicates(stage, t)
    check_contradictions(stage)
    check_references(stage)
    check_group_members(stage)
