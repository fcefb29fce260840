"""The one I/O seam of screening: read the Django database into a DuckDB snapshot.

`build_snapshot(as_of, thresholds)` returns a DuckDB connection holding the engine's inputs
(`postloan.risk.engine.inputs`), read with raw SQL cursors in big `fetchmany` chunks into
Arrow tables — no ORM, no per-row Python work beyond transposing chunks. Heavy tables are
reduced in the source database, so their rows never travel through Python:
- ``transactions`` → ``txn_monthly`` (GROUP BY account, month, direction, category) for the
  months the rules read, plus ``txn_detail``: only the transactions EW-FUND-USE (accounts of
  borrowers with a recent disbursement) and EW-LARGE-OUTFLOW (large recent outflows) read;
- ``account_balances`` → each account's latest balance on or before the as-of date (and
  the one before the last 结息日);
- ``repayments`` → instalments unpaid on the as-of date, those due around it (the funds
  checks), contradictory rows, and the whole schedule of restructured or non-performing loans.
Values are loaded as the database returns them; the engine casts every column to the
contract's type (dates stored as text on SQLite included). Works on SQLite and PostgreSQL.
Optional inputs (``event_releases``, ``prior_signals`` …) are read when a table or view of
that name exists (see `introspection.table_names()`), e.g. provided later by the risk app.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
import pyarrow as pa
from django.db import connection as default_connection

from postloan import contract
from postloan.risk.engine import inputs, windows
from postloan.risk.engine.basis import counterparty_kind_sql
from postloan.risk.engine.thresholds import Thresholds

CHUNK = 100_000
REDUCED = {"transactions", "account_balances", "repayments"}
NPL_CLASSES = ("substandard", "doubtful", "loss")


def build_snapshot(
    as_of: date, thresholds: Thresholds | None = None, connection=None
) -> duckdb.DuckDBPyConnection:
    th = thresholds or Thresholds()
    conn = connection or default_connection
    existing = set(conn.introspection.table_names(include_views=True))
    con = duckdb.connect()
    for t in contract.TABLES:
        if t.name in existing and t.name not in REDUCED:
            _load(con, conn, t.name, _select_all(conn, t.name, t.codes), [])
    if "account_balances" in existing:
        _load(con, conn, "account_balances", *_latest_balances(conn, as_of))
    if "repayments" in existing:
        _load(con, conn, "repayments", *_relevant_repayments(conn, as_of, th, existing))
    if "transactions" in existing:
        _load(con, conn, "txn_monthly", *_txn_monthly(conn, as_of))
        _load(con, conn, "txn_detail", *_txn_detail(conn, as_of, th))
    for name, cols in inputs.OPTIONAL_TABLES.items():
        if name in existing and name not in ("txn_monthly", "txn_detail"):
            _load(con, conn, name, _select_all(conn, name, [c for c, _ in cols]), [])
    if "inspections" in existing:
        _load(con, conn, "inspections_due", *_inspections_due())
        _load(con, conn, "inspection_findings", *_inspection_findings(as_of))
    return con


def _inspections_due() -> tuple[str, list]:
    """The worklist's inspections (table `inspections`) as the engine's EW-INSPECTION-OVERDUE input."""
    return "SELECT customer_id, due_date, done_date FROM inspections", []


def _inspection_findings(as_of: date) -> tuple[str, list]:
    """On-site inspections that recorded a problem, as the engine's EW-INSPECTION input."""
    sql = """
        SELECT customer_id, done_date AS found_on, conclusion AS description FROM inspections
        WHERE has_problem = %s AND done_date IS NOT NULL AND done_date <= %s
    """
    return sql, [True, as_of]


def _q(conn, name: str) -> str:
    return conn.ops.quote_name(name)


def _select_all(conn, table: str, cols) -> str:
    return f"SELECT {', '.join(_q(conn, c) for c in cols)} FROM {_q(conn, table)}"


def _latest_balances(conn, as_of: date) -> tuple[str, list]:
    """Each account's latest balance on or before the as-of date, and the one it held going
    into the last 结息日 (EW-INTEREST-FUNDS looks back on it)."""
    sql = """
        SELECT b.account_id, b.balance_date, b.balance, b.frozen
        FROM account_balances b
        JOIN (SELECT account_id, MAX(balance_date) AS last_date FROM account_balances
              WHERE balance_date <= %s GROUP BY account_id
              UNION
              SELECT account_id, MAX(balance_date) FROM account_balances
              WHERE balance_date < %s GROUP BY account_id) m
          ON m.account_id = b.account_id AND m.last_date = b.balance_date
    """
    return sql, [as_of, windows.interest_dates(as_of)[1]]


def _relevant_repayments(conn, as_of: date, th: Thresholds, existing: set[str]) -> tuple[str, list]:
    cols = ", ".join(f"r.{_q(conn, c)}" for c in contract.table("repayments").codes)
    around_from = as_of - timedelta(days=100)
    around_to = windows.schedule_until(as_of, th)
    extra = ""
    params: list = [as_of, as_of, around_from, around_to, True, *NPL_CLASSES]
    if "restructurings" in existing:
        extra = "UNION SELECT loan_id FROM restructurings"
    sql = f"""
        SELECT {cols} FROM repayments r
        WHERE (r.due_date < %s AND (r.paid_off_date IS NULL OR r.paid_off_date > %s))
           OR (r.due_date >= %s AND r.due_date <= %s)
           OR r.principal_paid > r.principal_due OR r.interest_paid > r.interest_due
           OR r.loan_id IN (
               SELECT loan_id FROM loans
               WHERE restructured = %s OR restructure_date IS NOT NULL
                  OR classification IN (%s, %s, %s)
               {extra})
    """
    return sql, params


def _month_expr(conn, column: str) -> str:
    if conn.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"substr(CAST({column} AS text), 1, 7) || '-01'"


def _txn_monthly(conn, as_of: date) -> tuple[str, list]:
    category = "COALESCE(NULLIF(t.category, ''), 'other')"
    sql = f"""
        SELECT account_id, month, direction, category, counterparty_kind,
               SUM(amount) AS amount_fen, COUNT(*) AS n
        FROM (SELECT t.account_id, {_month_expr(conn, "t.txn_date")} AS month, t.direction,
                     {category} AS category, {counterparty_kind_sql(category)} AS counterparty_kind,
                     t.amount
              FROM transactions t WHERE t.txn_date >= %s AND t.txn_date <= %s) s
        GROUP BY account_id, month, direction, category, counterparty_kind
    """
    return sql, [windows.txn_monthly_from(as_of), as_of]


def _txn_detail(conn, as_of: date, th: Thresholds) -> tuple[str, list]:
    cols = ", ".join(f"t.{_q(conn, c)}" for c in contract.table("transactions").codes)
    sql = f"""
        SELECT {cols} FROM transactions t
        WHERE t.txn_date >= %s AND t.txn_date <= %s
          AND ((t.direction = 'out' AND t.amount >= %s AND t.txn_date >= %s)
               OR t.account_id IN (
                   SELECT a.account_id FROM accounts a
                   JOIN loans l ON l.customer_id = a.customer_id
                   JOIN disbursements d ON d.loan_id = l.loan_id
                   WHERE d.pay_date >= %s AND d.pay_date <= %s))
    """
    params = [
        windows.txn_detail_from(as_of, th),
        as_of,
        int(th.large_outflow_floor_fen),
        windows.large_outflow_from(as_of, th),
        windows.disbursements_from(as_of, th),
        as_of,
    ]
    return sql, params


def _load(con, conn, name: str, sql: str, params: list) -> None:
    """Stream a query's rows into a DuckDB table of that name, chunk by chunk."""
    with conn.cursor() as cursor:
        cursor.execute(sql, params)
        names = [d[0] for d in cursor.description]
        chunks = []
        while rows := cursor.fetchmany(CHUNK):
            columns = list(zip(*rows, strict=True))
            chunks.append(pa.table({n: _array(c) for n, c in zip(names, columns, strict=True)}))
    if chunks:
        table = pa.concat_tables(chunks, promote_options="permissive")
    else:
        table = pa.table({n: pa.array([], pa.null()) for n in names})
    con.register("_snapshot_chunk", table)
    con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _snapshot_chunk')
    con.unregister("_snapshot_chunk")


def _array(values) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())
