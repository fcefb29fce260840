"""The one I/O seam of screening: read the Django database into a DuckDB snapshot.

`build_snapshot(as_of, thresholds)` returns a DuckDB connection holding the engine's inputs
(`postloan.risk.engine.inputs`), read with plain SQL — no ORM — and carried into DuckDB as CSV
written by the database itself where it can (`snapshot_io`: COPY on PostgreSQL, the sqlite3
shell on SQLite), else by cursor chunks. Heavy tables are reduced in the source database:
- ``transactions`` → ``txn_monthly`` for the months the rules read, from the monthly totals the
  database keeps (``txn_month_totals``, maintained by triggers), plus ``txn_detail``: only the
  transactions EW-FUND-USE (the weeks after each recent disbursement, on the borrower's
  accounts) and EW-LARGE-OUTFLOW (large recent outflows) read;
- ``account_balances`` → each account's latest balance on or before the as-of date (and
  the one before the last 结息日);
- ``repayments`` → instalments unpaid on the as-of date, those due around it (the funds
  checks), contradictory rows, and the whole schedule of restructured or non-performing loans.
Values are loaded as the database returns them; the engine casts every column to the
contract's type (dates stored as text on SQLite included). Works on SQLite and PostgreSQL.
Besides the contract's tables it reads what the rooms keep for the engine, by name, always
there since the migrations made them: ``event_releases`` (risk) and ``inspections`` (the
worklist's, as ``inspections_due`` and ``inspection_findings``). ``prior_signals`` and
``classification_history`` are added by the screening (`risk.actions.screening`). No table is
probed for: a missing one is an error, not an input quietly left out.
"""

from __future__ import annotations

from datetime import date, timedelta

import duckdb
from django.db import connection as default_connection

from postloan import contract
from postloan.portfolio import txn_totals
from postloan.risk import copy, snapshot_io
from postloan.risk.copy_reads import add_reduced
from postloan.risk.engine import inputs, windows
from postloan.risk.engine.basis import counterparty_kind_sql
from postloan.risk.engine.thresholds import Thresholds
from postloan.risk.snapshot_io import bounded_duckdb

REDUCED = {"transactions", "account_balances", "repayments"}
NPL_CLASSES = ("substandard", "doubtful", "loss")


def build_snapshot(
    as_of: date,
    thresholds: Thresholds | None = None,
    connection=None,
    *,
    fast: bool = True,
    source: str = "auto",
) -> duckdb.DuckDBPyConnection:
    """The engine's inputs as of `as_of`; `fast=False` reads everything by cursor (the tests
    compare both ways). `source`: "auto" reads the big tables from the analytical copy when
    there is one (`postloan.analytics`: rebuilt first, or refused, when it is behind the last
    committed batch), "database" always from the database, "copy" insists on the copy."""
    th = thresholds or Thresholds()
    conn = connection or default_connection
    manifest = _copy_manifest(source)
    reads: dict[str, tuple[str, list]] = {}
    for t in contract.TABLES:
        if t.name not in REDUCED:
            reads[t.name] = (_select_all(conn, t.name, t.codes), [])
    if manifest is None:
        reads["account_balances"] = _latest_balances(conn, as_of)
        reads["repayments"] = _relevant_repayments(conn, as_of, th)
        reads["txn_monthly_totals"] = _txn_monthly(conn, as_of)
        reads.update(_txn_detail(conn, as_of, th))
    columns = [c for c, _ in inputs.OPTIONAL_TABLES["event_releases"]]
    reads["event_releases"] = (_select_all(conn, "event_releases", columns), [])
    reads["inspections_due"] = _inspections_due()
    reads["inspection_findings"] = _inspection_findings(as_of)
    con = bounded_duckdb()
    snapshot_io.load_all(con, conn, reads, types=_types(reads), fast=fast)
    if manifest is not None:
        add_reduced(con, manifest, as_of, th)
    _add_counterparty_kind(con)
    _join_txn_detail(con)
    return con


def _copy_manifest(source: str):
    """The analytical copy's current manifest for `source` (see `build_snapshot`), or None."""
    if source == "database":
        return None
    manifest = copy.current_for_screening()
    if manifest is None and source == "copy":
        raise copy.CopyError("尚未建立分析副本：请先运行 postloan analytics rebuild")
    return manifest


def _types(reads) -> dict[str, dict[str, str]]:
    """The engine's column types of each read (for the CSV paths)."""
    known = set(inputs.input_names())
    out = {name: {c: t for c, t, _ in inputs.columns(name)} for name in reads if name in known}
    out["txn_detail_large"] = out.get("txn_detail", {})
    out["txn_monthly_totals"] = {
        "month": "DATE",
        "amount_fen": "BIGINT",
        "n": "BIGINT",
    }
    return out


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


def _relevant_repayments(conn, as_of: date, th: Thresholds) -> tuple[str, list]:
    cols = ", ".join(f"r.{_q(conn, c)}" for c in contract.table("repayments").codes)
    around_from = as_of - timedelta(days=100)
    around_to = windows.schedule_until(as_of, th)
    params: list = [as_of, as_of, around_from, around_to, True, *NPL_CLASSES]
    sql = f"""
        SELECT {cols} FROM repayments r
        WHERE (r.due_date < %s AND (r.paid_off_date IS NULL OR r.paid_off_date > %s))
           OR (r.due_date >= %s AND r.due_date <= %s)
           OR r.principal_paid > r.principal_due OR r.interest_paid > r.interest_due
           OR r.loan_id IN (
               SELECT loan_id FROM loans
               WHERE restructured = %s OR restructure_date IS NOT NULL
                  OR classification IN (%s, %s, %s))
    """
    return sql, params


def _month_expr(conn, column: str) -> str:
    if conn.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"substr(CAST({column} AS text), 1, 7) || '-01'"


def _txn_monthly(conn, as_of: date) -> tuple[str, list]:
    """Monthly flows per account from `txn_month_totals` (kept by triggers, see
    `portfolio.txn_totals`). A group of the as-of month that holds flows after the as-of date
    (an older date re-screened) is summed from `transactions` instead, up to the as-of date."""
    this_month = as_of.replace(day=1)
    category = txn_totals.category_sql("t.category")
    exact = """
        SELECT account_id, month, direction, category, amount_fen, n FROM txn_month_totals
        WHERE n <> 0 AND month >= %s AND month <= %s AND NOT (month = %s AND last_date > %s)
    """
    partial = f"""
        SELECT t.account_id, {_month_expr(conn, "t.txn_date")} AS month, t.direction,
               {category} AS category, SUM(t.amount) AS amount_fen, COUNT(*) AS n
        FROM transactions t
        JOIN (SELECT account_id, direction, category FROM txn_month_totals
              WHERE month = %s AND last_date > %s AND n <> 0) g
          ON g.account_id = t.account_id AND g.direction = t.direction
         AND g.category = {category}
        WHERE t.txn_date >= %s AND t.txn_date <= %s
        GROUP BY t.account_id, {_month_expr(conn, "t.txn_date")}, t.direction, {category}
    """
    params = [windows.txn_monthly_from(as_of), this_month, this_month, as_of]
    params += [this_month, as_of, this_month, as_of]
    return f"{exact} UNION ALL {partial}", params


def _add_counterparty_kind(con) -> None:
    """The engine's `txn_monthly` carries the counterparty kind derived from the category."""
    con.execute(
        "CREATE OR REPLACE TABLE txn_monthly AS SELECT account_id, month, direction, category, "
        f"{counterparty_kind_sql('category')} AS counterparty_kind, amount_fen, n "
        "FROM txn_monthly_totals"
    )
    con.execute("DROP TABLE txn_monthly_totals")


def _txn_detail(conn, as_of: date, th: Thresholds) -> dict[str, tuple[str, list]]:
    """The two reads behind ``txn_detail`` (joined in DuckDB, see `_join_txn_detail`):
    - ``txn_detail``: the flows EW-FUND-USE follows — on each account of a borrower with a
      disbursement in the look-back, from its first pay date to ``fund_use_window_days`` after
      its last (was: every flow of those accounts over the whole look-back, 6.2 M rows at
      scale L instead of 2.1 M);
    - ``txn_detail_large``: the recent large outflows EW-LARGE-OUTFLOW weighs.
    A flow in both comes once."""
    cols = ", ".join(f"t.{_q(conn, c)}" for c in contract.table("transactions").codes)
    large = f"""
        SELECT {cols} FROM transactions t
        WHERE t.direction = 'out' AND t.amount >= %s AND t.txn_date >= %s AND t.txn_date <= %s
    """
    large_params = [int(th.large_outflow_floor_fen), windows.large_outflow_from(as_of, th), as_of]
    return {
        "txn_detail": _fund_use_flows(conn, as_of, th, cols),
        "txn_detail_large": (large, large_params),
    }


def _fund_use_flows(conn, as_of: date, th: Thresholds, cols: str) -> tuple[str, list]:
    window = int(th.fund_use_window_days)
    postgres = conn.vendor == "postgresql"
    last_day = (
        f"MAX(d.pay_date) + {window}" if postgres else f"date(MAX(d.pay_date), '+{window} days')"
    )
    accounts = f"""
        SELECT a.account_id, MIN(d.pay_date) AS first_day, {last_day} AS last_day
        FROM accounts a
        JOIN loans l ON l.customer_id = a.customer_id
        JOIN disbursements d ON d.loan_id = l.loan_id
        WHERE d.pay_date >= %s AND d.pay_date <= %s
        GROUP BY a.account_id
    """
    params = [windows.disbursements_from(as_of, th), as_of, as_of]
    if postgres:
        # Each account's window probes the (account, date) index: joined plainly, the planner
        # cannot tell how narrow the windows are and reads all of `transactions` (22 GB at
        # scale L, 20 s), or sorts it to disk. OFFSET 0 keeps the lateral read per account.
        sql = f"""
            SELECT {cols} FROM ({accounts}) w
            CROSS JOIN LATERAL (
                SELECT * FROM transactions x
                WHERE x.account_id = w.account_id AND x.txn_date >= w.first_day
                  AND x.txn_date <= w.last_day AND x.txn_date <= %s
                OFFSET 0) t
        """
    else:
        sql = f"""
            SELECT {cols} FROM ({accounts}) w
            JOIN transactions t ON t.account_id = w.account_id
            WHERE t.txn_date >= w.first_day AND t.txn_date <= w.last_day AND t.txn_date <= %s
        """
    return sql, params


def _join_txn_detail(con) -> None:
    """One ``txn_detail``: the fund-use flows and the large outflows, each flow once."""
    con.execute(
        "CREATE OR REPLACE TABLE txn_detail AS "
        "SELECT * FROM txn_detail UNION SELECT * FROM txn_detail_large"
    )
    con.execute("DROP TABLE txn_detail_large")
