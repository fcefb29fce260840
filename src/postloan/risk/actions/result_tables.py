"""The screening's big result tables written set-based: a loan's classification suggestion
(`LoanAssessment`, 800 k rows at scale L), a customer's risk view (`CustomerRiskView`, 550 k)
and the figures the engine persists for other readers (`SalesReturnMonth`: 销售资金归行率 per
customer and month; DPD is the suggestion's own column).

The rows are shaped in DuckDB from the engine's Arrow tables — money as the fen the database
stores, the floors and signal counts as JSON text — and reach the database through
`core.bulk.insert_from_duckdb` (COPY of DuckDB's CSV on PostgreSQL). A suggestion then meets
what people already did with the same loan's suggestion of that date in one INSERT … SELECT:
an unchanged suggestion keeps its id and its workflow (初分/认定/豁免), a changed one keeps its
id (the decisions pointing at it stay linked) and starts over. Before, every row went through
Python dicts and field preparation: 58 s of a 191 s scale-L screening.

Only what changed is written. Each row carries the md5 of its content (`content_hash`); the
stored rows' hashes of the date are read into DuckDB and compared there, so a re-screening
that finds the same suggestion for a loan (nearly every loan, on a correction import) leaves
its row alone — same id, same run, not rewritten. Only the changed, new and vanished rows
reach the database's temp tables and the DELETE / INSERT of the merge; the result equals a
full rewrite (tests/risk/test_write_only_changed.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
from django.db import connection

from postloan.core.bulk import delete_where, insert_from_duckdb
from postloan.portfolio.models import Loan
from postloan.risk import choices as ch
from postloan.risk.models import (
    ClassificationDecision,
    CustomerRiskView,
    FundUseTrailRow,
    LoanAssessment,
    SalesReturnMonth,
)

STAGE = "screening_stage_assessments"
PREVIOUS = "screening_previous_assessments"
REWRITE = "screening_rewrite_ids"  # ids of the stored rows that change or vanish
VIEW_REWRITE = "screening_rewrite_view_ids"
FIGURE_REWRITE = "screening_rewrite_figure_ids"
DATE_KEYS = {"month", "pay_date"}  # key columns stored as dates
STAGED = (  # the suggestion's own columns, as staged
    ("loan_id", "varchar(40)"),
    ("customer_id", "varchar(40)"),
    ("dpd", "integer"),
    ("overdue_principal", "bigint"),
    ("overdue_interest", "bigint"),
    ("current_class", "varchar(16)"),
    ("suggested_class", "varchar(16)"),
    ("rule_ids", "varchar(400)"),
    ("reasons", "text"),
    ("floors", "text"),
    ("change", "varchar(16)"),
    ("waivable_technical", "boolean"),
    ("content_hash", "varchar(32)"),
)


def arrow(result: Any, name: str) -> pa.Table | None:
    """One of the result's tables as Arrow (a list of dicts is converted); None if absent."""
    table = result.get(name) if isinstance(result, dict) else getattr(result, name, None)
    if table is None or isinstance(table, pa.Table):
        return table
    rows = list(table)
    return pa.Table.from_pylist(rows) if rows else None


def _json_value(column: str) -> str:
    """A text column holding JSON as a DuckDB JSON value: empty → {}, not JSON → {"text": …}."""
    return (
        f"CASE WHEN {column} IS NULL OR CAST({column} AS VARCHAR) = '' THEN CAST('{{}}' AS JSON) "
        f"WHEN json_valid(CAST({column} AS VARCHAR)) THEN CAST({column} AS JSON) "
        f"ELSE to_json({{'text': CAST({column} AS VARCHAR)}}) END"
    )


def with_content_hash(select: str, columns: list[str]) -> str:
    """`select` (whose columns are named `columns`) with one more: the md5 of their values."""
    parts = ", ".join(f"coalesce(CAST({c} AS VARCHAR), '')" for c in columns)
    return f"SELECT *, md5(concat_ws(chr(31), {parts})) AS content_hash FROM ({select}) AS shaped"


def stored_hashes(duck, name: str, sql: str, params: list) -> None:
    """Register in DuckDB as `name` the rows (id, key, content_hash, same) of the database
    query `sql` — the stored rows of the date, `same` false where a column outside the hash
    (the loan's balance) moved."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    ids, keys, hashes, same = (list(c) for c in zip(*rows, strict=True)) if rows else ([],) * 4
    duck.register(
        name,
        pa.table(
            {
                "id": pa.array(ids, pa.int64()),
                "key": pa.array(keys, pa.string()),
                "content_hash": pa.array(hashes, pa.string()),
                "same": pa.array([bool(x) for x in same], pa.bool_()),
            }
        ),
    )


def write_ids(duck, select: str, table: str) -> int:
    """A temp table `table` keyed by id, holding the ids DuckDB query `select` gives."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMP TABLE {table} (id bigint PRIMARY KEY)")
    return insert_from_duckdb(duck, select, table, ["id"])


# --- loan assessments -------------------------------------------------------------------------


def replace_assessments(duck, result: Any, as_of: dt.date, run_id: int | None) -> dict[str, int]:
    """Replace the suggestions of `as_of` with the result's; call inside a transaction."""
    classification = arrow(result, "loan_classification")
    if classification is None or classification.num_rows == 0:
        return _replace_with_nothing(as_of)
    duck.register("res_classification", classification)
    dpd = _register_or_empty(
        duck,
        "res_dpd",
        arrow(result, "loan_dpd"),
        "loan_id VARCHAR, overdue_principal_fen BIGINT, overdue_interest_fen BIGINT",
    )
    floors = _register_or_empty(
        duck,
        "res_floors",
        arrow(result, "loan_floors"),
        "loan_id VARCHAR, rule_id VARCHAR, floor_class VARCHAR, reason_zh VARCHAR, "
        "evidence VARCHAR",
    )
    select = f"""
        WITH f AS (
            SELECT loan_id, CAST(to_json(list({{
                'rule_id': coalesce(rule_id, ''), 'floor_class': coalesce(floor_class, ''),
                'reason': coalesce(reason_zh, ''), 'evidence': {_json_value("evidence")}
            }} ORDER BY rule_id, floor_class, reason_zh)) AS VARCHAR) AS floors
            FROM {floors} GROUP BY loan_id
        )
        SELECT c.loan_id, c.customer_id, CAST(coalesce(c.dpd, 0) AS INTEGER) AS dpd,
               CAST(coalesce(d.overdue_principal_fen, 0) AS BIGINT) AS overdue_principal,
               CAST(coalesce(d.overdue_interest_fen, 0) AS BIGINT) AS overdue_interest,
               c.current_class, c.suggested_class, coalesce(c.rule_ids, '') AS rule_ids,
               coalesce(c.reasons, '') AS reasons, coalesce(f.floors, '[]') AS floors,
               coalesce(nullif(c.change, ''), '{ch.ClassChange.SAME}') AS change,
               coalesce(c.waivable_technical, false) AS waivable_technical
        FROM res_classification c
        LEFT JOIN {dpd} d USING (loan_id)
        LEFT JOIN f USING (loan_id)
    """
    own = [name for name, _ in STAGED if name != "content_hash"]
    duck.execute(
        f"CREATE OR REPLACE TEMP TABLE res_assessments AS {with_content_hash(select, own)}"
    )
    counts = _staged_counts(duck, floors)
    table = LoanAssessment._meta.db_table
    stored_hashes(
        duck,
        "stored_assessments",
        f"SELECT a.id, a.loan_id, a.content_hash, "
        f"CASE WHEN a.balance = COALESCE(l.balance, 0) THEN 1 ELSE 0 END FROM {table} a "
        f"LEFT JOIN {Loan._meta.db_table} l ON l.loan_id = a.loan_id WHERE a.as_of = %s",
        [as_of],
    )
    # The diff, in DuckDB: what to write (new or changed) and which stored ids to rewrite.
    duck.execute(
        "CREATE OR REPLACE TEMP TABLE diff_assessments AS "
        "SELECT r.loan_id, s.id, (s.id IS NULL OR s.content_hash IS DISTINCT FROM r.content_hash "
        "OR NOT s.same) AS write FROM res_assessments r LEFT JOIN stored_assessments s "
        "ON s.key = r.loan_id"
    )
    changed = (
        "SELECT r.* FROM res_assessments r JOIN diff_assessments d USING (loan_id) WHERE d.write"
    )
    rewrite = (
        "SELECT id FROM diff_assessments WHERE write AND id IS NOT NULL UNION ALL "
        "SELECT s.id FROM stored_assessments s ANTI JOIN res_assessments r ON r.loan_id = s.key"
    )
    with connection.cursor() as cursor:
        _create_stage(cursor)
        counts["rows_written"] = insert_from_duckdb(duck, changed, STAGE, [n for n, _ in STAGED])
        counts["rows_rewritten"] = write_ids(duck, rewrite, REWRITE)
        cursor.execute(
            f"CREATE TEMP TABLE {PREVIOUS} AS SELECT id, loan_id, suggested_class, "
            f"{', '.join(_workflow_columns())} FROM {table} "
            f"WHERE id IN (SELECT id FROM {REWRITE})"
        )
        _index_stage(cursor)
        (unchanged,) = duck.execute(
            "SELECT count(*) FROM diff_assessments WHERE NOT write"
        ).fetchall()[0]
        counts["rows_unchanged"] = unchanged
        counts["workflow_kept"] = unchanged + _merge(cursor, as_of, run_id)
        for name in (STAGE, PREVIOUS, REWRITE):
            cursor.execute(f"DROP TABLE {name}")
    return counts


def _register_or_empty(duck, name: str, table: pa.Table | None, columns: str) -> str:
    """The relation to read `name` from: the registered Arrow table, or an empty one."""
    if table is not None and table.num_rows:
        duck.register(name, table)
        return name
    duck.execute(f"CREATE OR REPLACE TEMP TABLE {name}_empty ({columns})")
    return f"{name}_empty"


def _staged_counts(duck, floors: str) -> dict[str, int]:
    loans, down, up = duck.execute(
        "SELECT count(*), count(*) FILTER (WHERE change = ?), count(*) FILTER (WHERE change = ?) "
        "FROM res_classification",
        [ch.ClassChange.DOWNGRADE, ch.ClassChange.UPGRADE],
    ).fetchall()[0]
    (n_floors,) = duck.execute(f"SELECT count(*) FROM {floors}").fetchall()[0]
    return {"loans": loans, "floors": n_floors, "downgrades": down, "upgrades": up}


def _replace_with_nothing(as_of: dt.date) -> dict[str, int]:
    gone = LoanAssessment.objects.filter(as_of=as_of)
    ClassificationDecision.objects.filter(assessment__in=gone).update(assessment=None)
    delete_where(gone)
    return {"loans": 0, "floors": 0, "downgrades": 0, "upgrades": 0, "workflow_kept": 0}


def _create_stage(cursor) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind in STAGED)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(f"DROP TABLE IF EXISTS {PREVIOUS}")
    cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns})")


def _index_stage(cursor) -> None:
    """Key both staged tables by loan: the merge joins them and tests NOT EXISTS on loan_id.

    Without these SQLite (which indexes no temp table by itself) runs each NOT EXISTS as a
    scan of the other table — quadratic in the loans of the date, minutes at scale M when a
    date is screened again. PostgreSQL hashes the join either way; the index costs it little.
    """
    cursor.execute(f"CREATE UNIQUE INDEX {STAGE}_loan ON {STAGE} (loan_id)")
    cursor.execute(f"CREATE UNIQUE INDEX {PREVIOUS}_loan ON {PREVIOUS} (loan_id)")
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {STAGE}")
        cursor.execute(f"ANALYZE {PREVIOUS}")


def _workflow_columns() -> list[str]:
    meta = LoanAssessment._meta
    return [meta.get_field(name).column for name in LoanAssessment.WORKFLOW_FIELDS]


def _workflow_defaults() -> list:
    meta = LoanAssessment._meta
    fields = [meta.get_field(name) for name in LoanAssessment.WORKFLOW_FIELDS]
    return [f.get_db_prep_save(f.get_default(), connection) for f in fields]


def _merge(cursor, as_of: dt.date, run_id: int | None) -> int:
    """Unlink the decisions of suggestions that are gone, replace the rewritten rows (a changed
    one keeps its id), add the new ones; returns how many rewritten rows kept their workflow."""
    table = LoanAssessment._meta.db_table
    decisions = ClassificationDecision._meta.db_table
    cursor.execute(
        f"UPDATE {decisions} SET assessment_id = NULL WHERE assessment_id IN ("
        f"SELECT p.id FROM {PREVIOUS} p WHERE NOT EXISTS ("
        f"SELECT 1 FROM {STAGE} s WHERE s.loan_id = p.loan_id))"
    )
    cursor.execute(
        f"SELECT count(*) FROM {STAGE} s JOIN {PREVIOUS} p "
        "ON p.loan_id = s.loan_id AND p.suggested_class = s.suggested_class"
    )
    (kept,) = cursor.fetchone()
    cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {REWRITE})")
    workflow = _workflow_columns()
    own = [name for name, _ in STAGED if name != "floors"]
    floors = "CAST(s.floors AS jsonb)" if connection.vendor == "postgresql" else "s.floors"
    values = ", ".join([f"s.{c}" for c in own] + [floors, "COALESCE(l.balance, 0)"])
    columns = ", ".join([*own, "floors", "balance", "run_id", "as_of", *workflow])
    loans = f"LEFT JOIN {Loan._meta.db_table} l ON l.loan_id = s.loan_id"
    kept_values = ", ".join(
        f"CASE WHEN p.suggested_class = s.suggested_class THEN p.{c} ELSE %s END" for c in workflow
    )
    defaults = _workflow_defaults()
    cursor.execute(
        f"INSERT INTO {table} (id, {columns}) "
        f"SELECT p.id, {values}, %s, %s, {kept_values} "
        f"FROM {STAGE} s JOIN {PREVIOUS} p ON p.loan_id = s.loan_id {loans}",
        [run_id, as_of, *defaults],
    )
    new_values = ", ".join(["%s"] * len(workflow))
    cursor.execute(
        f"INSERT INTO {table} ({columns}) "
        f"SELECT {values}, %s, %s, {new_values} FROM {STAGE} s {loans} "
        f"WHERE NOT EXISTS (SELECT 1 FROM {PREVIOUS} p WHERE p.loan_id = s.loan_id)",
        [run_id, as_of, *defaults],
    )
    return kept


# --- customer risk views ----------------------------------------------------------------------


def replace_risk_views(duck, result: Any, as_of: dt.date) -> dict[str, int]:
    """Replace the customers' risk views of `as_of` — writing only those whose content differs
    from the stored one; call inside a transaction. Returns how many customers have a view,
    how many views were written and how many stored ones were left alone."""
    views = arrow(result, "risk_view")
    table = CustomerRiskView._meta
    if views is None or views.num_rows == 0:
        delete_where(CustomerRiskView.objects.filter(as_of=as_of))
        return {"customers": 0, "views_written": 0, "views_unchanged": 0}
    duck.register("res_risk_view", views)
    present = set(views.column_names)

    def count(column: str) -> str:
        return f"CAST(coalesce({column}, 0) AS BIGINT)" if column in present else "0"

    levels = ", ".join(f"'{level}': {count(f'n_{level}')}" for level in ch.SignalLevel.values)
    families = ", ".join(
        f"{{'key': '{family}', 'value': {count(f'n_{family}')}}}"
        for family in ch.SignalFamily.values
    )
    select = f"""
        SELECT customer_id, DATE '{as_of.isoformat()}' AS as_of,
               CAST(coalesce(exposure_fen, 0) AS BIGINT) AS exposure,
               coalesce(nullif(worst_class, ''), 'normal') AS worst_class,
               CAST(coalesce(max_dpd, 0) AS INTEGER) AS max_dpd,
               CAST(coalesce(npl_balance_fen, 0) AS BIGINT) AS npl_balance,
               CAST(to_json({{
                   'levels': {{{levels}}},
                   'families': map_from_entries(list_filter([{families}],
                                                            lambda e: e.value > 0)),
                   'breadth': {count("n_families")}
               }}) AS VARCHAR) AS counts,
               CAST(round(coalesce(CAST(score AS DOUBLE), 0), 2) AS DECIMAL(9, 2)) AS score,
               CAST(coalesce(rank, 0) AS INTEGER) AS rank,
               coalesce(explanation_zh, '') AS explanation
        FROM res_risk_view
    """
    names = [
        "customer",
        "as_of",
        "exposure",
        "worst_class",
        "max_dpd",
        "npl_balance",
        "counts",
        "score",
        "rank",
        "explanation",
    ]
    shaped = ["customer_id", *names[1:]]
    duck.execute(f"CREATE OR REPLACE TEMP TABLE res_views AS {with_content_hash(select, shaped)}")
    stored_hashes(
        duck,
        "stored_views",
        f"SELECT id, customer_id, content_hash, 1 FROM {table.db_table} WHERE as_of = %s",
        [as_of],
    )
    duck.execute(
        "CREATE OR REPLACE TEMP TABLE diff_views AS SELECT r.*, s.id FROM res_views r "
        "LEFT JOIN stored_views s ON s.key = r.customer_id "
        "WHERE s.id IS NULL OR s.content_hash IS DISTINCT FROM r.content_hash"
    )
    # The stored views that change or vanish go first (one per customer and date), then the
    # changed ones come back under their ids and the new ones get theirs.
    write_ids(
        duck,
        "SELECT id FROM diff_views WHERE id IS NOT NULL UNION ALL "
        "SELECT s.id FROM stored_views s ANTI JOIN res_views r ON r.customer_id = s.key",
        VIEW_REWRITE,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table.db_table} WHERE id IN (SELECT id FROM {VIEW_REWRITE})")
        cursor.execute(f"DROP TABLE {VIEW_REWRITE}")
    columns = [table.get_field(name).column for name in names] + ["content_hash"]
    listed = ", ".join([*shaped, "content_hash"])
    written = insert_from_duckdb(
        duck,
        f"SELECT id, {listed} FROM diff_views WHERE id IS NOT NULL",
        table.db_table,
        ["id", *columns],
    )
    written += insert_from_duckdb(
        duck, f"SELECT {listed} FROM diff_views WHERE id IS NULL", table.db_table, columns
    )
    return {
        "customers": views.num_rows,
        "views_written": written,
        "views_unchanged": views.num_rows - written,
    }


# --- figures for other readers ------------------------------------------------------------------


def replace_return_months(duck, result: Any, as_of: dt.date) -> dict[str, int]:
    """Replace the 销售资金归行率 rows of `as_of` with the engine's (`eng_return_month`)."""
    select = f"""
        SELECT customer_id, DATE '{as_of.isoformat()}' AS as_of, CAST(month AS DATE) AS month,
               CAST(proceeds_fen AS BIGINT) AS proceeds, CAST(invoiced_fen AS BIGINT) AS invoiced,
               CAST(statement_fen AS BIGINT) AS statement, CAST(revenue_fen AS BIGINT) AS revenue,
               coalesce(source, '') AS source,
               customer_id || '|' || strftime(CAST(month AS DATE), '%Y-%m-%d') AS key
        FROM res_figure
    """
    names = ["customer", "as_of", "month", "proceeds", "invoiced", "statement", "revenue", "source"]
    written, rows = _replace_figure(
        duck,
        arrow(result, "return_months"),
        SalesReturnMonth,
        as_of,
        select,
        names,
        ["customer_id", "month"],
    )
    return {"return_months": rows, "return_months_written": written}


def replace_fund_use_trails(duck, result: Any, as_of: dt.date) -> dict[str, int]:
    """Replace the fund-use trail rows of `as_of` with the engine's (`eng_fund_use_trail`)."""
    select = f"""
        SELECT loan_id, DATE '{as_of.isoformat()}' AS as_of, customer_id,
               CAST(pay_date AS DATE) AS pay_date, payee_name,
               coalesce(payee_account, '') AS payee_account,
               CAST(amount_fen AS BIGINT) AS amount, coalesce(method, '') AS method,
               coalesce(declared_purpose, '') AS declared_purpose, row_kind,
               coalesce(CAST(txn_id AS VARCHAR), '') AS txn_id, CAST(txn_date AS DATE) AS txn_date,
               coalesce(direction, '') AS direction, CAST(txn_amount_fen AS BIGINT) AS txn_amount,
               coalesce(counterparty_name, '') AS counterparty_name,
               coalesce(counterparty_account, '') AS counterparty_account,
               coalesce(account_id, '') AS account_id, coalesce(category, '') AS category,
               coalesce(summary, '') AS summary, coalesce(flags, '') AS flags,
               concat_ws('|', loan_id, strftime(CAST(pay_date AS DATE), '%Y-%m-%d'), payee_name,
                         coalesce(CAST(txn_id AS VARCHAR), '')) AS key
        FROM res_figure
    """
    names = [
        "loan", "as_of", "customer_id", "pay_date", "payee_name", "payee_account", "amount",
        "method", "declared_purpose", "row_kind", "txn_id", "txn_date", "direction",
        "txn_amount", "counterparty_name", "counterparty_account", "account_id", "category",
        "summary", "flags",
    ]  # fmt: skip
    written, rows = _replace_figure(
        duck,
        arrow(result, "fund_use_trail"),
        FundUseTrailRow,
        as_of,
        select,
        names,
        ["loan_id", "pay_date", "payee_name", "txn_id"],
    )
    return {"fund_use_trail": rows, "fund_use_trail_written": written}


def _replace_figure(duck, table, model, as_of, select: str, names, key_columns) -> tuple[int, int]:
    """Make `model`'s rows of `as_of` the engine table's (shaped by `select` over `res_figure`,
    its columns named as the database's, and `key`: the stored `key_columns` joined by |),
    writing only the rows whose content hash differs from the
    stored one (a changed row keeps its id); returns (rows written, rows of the date)."""
    if table is None or table.num_rows == 0:
        delete_where(model.objects.filter(as_of=as_of))
        return 0, 0
    duck.register("res_figure", table)
    meta = model._meta
    shaped = [meta.get_field(n).column for n in names]
    duck.execute(f"CREATE OR REPLACE TEMP TABLE res_figures AS {with_content_hash(select, shaped)}")
    duck.unregister("res_figure")
    key = " || '|' || ".join(
        _date_text(c) if c in DATE_KEYS else f"coalesce({c}, '')" for c in key_columns
    )
    stored_hashes(
        duck,
        "stored_figures",
        f"SELECT id, {key}, content_hash, 1 FROM {meta.db_table} WHERE as_of = %s",
        [as_of],
    )
    duck.execute(
        "CREATE OR REPLACE TEMP TABLE diff_figures AS SELECT r.*, s.id FROM res_figures r "
        "LEFT JOIN stored_figures s ON s.key = r.key "
        "WHERE s.id IS NULL OR s.content_hash IS DISTINCT FROM r.content_hash"
    )
    write_ids(
        duck,
        "SELECT id FROM diff_figures WHERE id IS NOT NULL UNION ALL "
        "SELECT s.id FROM stored_figures s ANTI JOIN res_figures r ON r.key = s.key",
        FIGURE_REWRITE,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {meta.db_table} WHERE id IN (SELECT id FROM {FIGURE_REWRITE})")
        cursor.execute(f"DROP TABLE {FIGURE_REWRITE}")
    columns = [*shaped, "content_hash"]
    listed = ", ".join(columns)
    written = insert_from_duckdb(
        duck,
        f"SELECT id, {listed} FROM diff_figures WHERE id IS NOT NULL",
        meta.db_table,
        ["id", *columns],
    )
    written += insert_from_duckdb(
        duck, f"SELECT {listed} FROM diff_figures WHERE id IS NULL", meta.db_table, columns
    )
    return written, table.num_rows


def _date_text(column: str) -> str:
    """A stored date column as YYYY-MM-DD text, as DuckDB's strftime writes it."""
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM-DD')"
    return f"CAST({column} AS VARCHAR)"
