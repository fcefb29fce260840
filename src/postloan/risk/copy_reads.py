"""The screening's reduced reads of the big tables, from the analytical copy instead of the
database: the same rows `risk.snapshot` asks the database for (`_latest_balances`,
`_relevant_repayments`, `_txn_monthly`, `_txn_detail`), as DuckDB queries over the copy's
Parquet parts and the small tables the snapshot has already read from the database
(`loans`, `accounts`, `disbursements`, `restructurings`).

The monthly flows are summed from the copy's transactions — the same groups the database's
`txn_month_totals` holds (kept by triggers from the same rows), and for the as-of month only the
flows up to the as-of date, as `_txn_monthly` does for a past date.
"""

from __future__ import annotations

from datetime import date, timedelta

from postloan import contract
from postloan.analytics import store
from postloan.portfolio import txn_totals
from postloan.risk.engine import windows
from postloan.risk.engine.thresholds import Thresholds

NPL_CLASSES = ("substandard", "doubtful", "loss")


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def add_reduced(con, manifest: store.Manifest, as_of: date, th: Thresholds):
    """Create `account_balances`, `repayments`, `txn_monthly_totals`, `txn_detail` and
    `txn_detail_large` on `con` (as `risk.snapshot` would from the database)."""
    store.attach(con, manifest)
    _balances(con, as_of)
    _repayments(con, as_of, th)
    _monthly(con, as_of)
    _detail(con, as_of, th)
    for t in store.COPIED:
        con.execute(f'DROP VIEW "copy_{t}"')


def _balances(con, as_of: date) -> None:
    before = windows.interest_dates(as_of)[1]
    con.execute(f"""
        CREATE OR REPLACE TABLE account_balances AS
        SELECT b.account_id, b.balance_date, b.balance, b.frozen
        FROM copy_account_balances b
        JOIN (SELECT account_id, MAX(balance_date) AS last_date FROM copy_account_balances
              WHERE balance_date <= {_d(as_of)} GROUP BY account_id
              UNION
              SELECT account_id, MAX(balance_date) FROM copy_account_balances
              WHERE balance_date < {_d(before)} GROUP BY account_id) m
          ON m.account_id = b.account_id AND m.last_date = b.balance_date
    """)


def _repayments(con, as_of: date, th: Thresholds) -> None:
    cols = ", ".join(f"r.{c}" for c in contract.table("repayments").codes)
    around_from = as_of - timedelta(days=100)
    around_to = windows.schedule_until(as_of, th)
    classes = ", ".join(f"'{c}'" for c in NPL_CLASSES)
    con.execute(f"""
        CREATE OR REPLACE TABLE repayments AS
        SELECT {cols} FROM copy_repayments r
        WHERE (r.due_date < {_d(as_of)}
               AND (r.paid_off_date IS NULL OR r.paid_off_date > {_d(as_of)}))
           OR (r.due_date >= {_d(around_from)} AND r.due_date <= {_d(around_to)})
           OR r.principal_paid > r.principal_due OR r.interest_paid > r.interest_due
           OR r.loan_id IN (
               SELECT CAST(loan_id AS VARCHAR) FROM loans
               WHERE TRY_CAST(restructured AS BOOLEAN) OR restructure_date IS NOT NULL
                  OR classification IN ({classes}))
    """)


def _monthly(con, as_of: date) -> None:
    category = txn_totals.category_sql("category")
    con.execute(f"""
        CREATE OR REPLACE TABLE txn_monthly_totals AS
        SELECT account_id, CAST(date_trunc('month', txn_date) AS DATE) AS month, direction,
               {category} AS category, CAST(SUM(amount) AS BIGINT) AS amount_fen,
               CAST(COUNT(*) AS BIGINT) AS n
        FROM copy_transactions
        WHERE txn_date >= {_d(windows.txn_monthly_from(as_of))} AND txn_date <= {_d(as_of)}
        GROUP BY ALL
    """)


def _detail(con, as_of: date, th: Thresholds) -> None:
    cols = ", ".join(f"t.{c}" for c in contract.table("transactions").codes)
    window = int(th.fund_use_window_days)
    con.execute(f"""
        CREATE OR REPLACE TABLE txn_detail AS
        WITH w AS (
            SELECT CAST(a.account_id AS VARCHAR) AS account_id,
                   MIN(CAST(d.pay_date AS DATE)) AS first_day,
                   MAX(CAST(d.pay_date AS DATE)) + {window} AS last_day
            FROM accounts a
            JOIN loans l ON l.customer_id = a.customer_id
            JOIN disbursements d ON d.loan_id = l.loan_id
            WHERE CAST(d.pay_date AS DATE) >= {_d(windows.disbursements_from(as_of, th))}
              AND CAST(d.pay_date AS DATE) <= {_d(as_of)}
            GROUP BY a.account_id)
        SELECT {cols} FROM w JOIN copy_transactions t ON t.account_id = w.account_id
        WHERE t.txn_date >= w.first_day AND t.txn_date <= w.last_day
          AND t.txn_date <= {_d(as_of)}
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE txn_detail_large AS
        SELECT {cols} FROM copy_transactions t
        WHERE t.direction = 'out' AND t.amount >= {int(th.large_outflow_floor_fen)}
          AND t.txn_date >= {_d(windows.large_outflow_from(as_of, th))}
          AND t.txn_date <= {_d(as_of)}
    """)
