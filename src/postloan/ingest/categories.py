"""Deriving a transaction's category (类别) when the bank left it empty — set-based in DuckDB.

A counterparty that is one of the account holder's related parties (by account number or by
name) makes a `related_transfer`; otherwise the summary and counterparty name decide by keyword;
anything else is `other`. A category given in the file is kept as it is.
"""

from __future__ import annotations

import pyarrow as pa

from postloan.ingest import dbread
from postloan.ingest.sql import ident, lit
from postloan.ingest.stage import Stage

# First match wins; checked against summary, then counterparty name.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sales_proceeds", ("货款", "销售")),
    ("purchase", ("采购", "材料")),
    ("salary", ("工资", "薪资")),
    ("tax", ("税",)),
    ("loan_repayment", ("还款", "利息", "还本", "付息")),
    ("loan_disbursement", ("放款", "贷款发放")),
)

LOAD_VIEW = "load_transactions"


def _keyword_case(text: str) -> str:
    whens = []
    for category, words in KEYWORDS:
        cond = " OR ".join(f"contains({text}, {lit(w)})" for w in words)
        whens.append(f"WHEN {cond} THEN {lit(category)}")
    return f"CASE {' '.join(whens)} END"


def _owners(stage: Stage) -> None:
    """`acct_owner(account_id, customer_id)` for every account the transactions use."""
    con = stage.con
    con.execute("CREATE OR REPLACE TABLE acct_owner (account_id VARCHAR, customer_id VARCHAR)")
    in_batch = stage.usable("accounts")
    if in_batch:
        con.execute(
            "INSERT INTO acct_owner SELECT account_id, customer_id FROM typed_accounts"
            " WHERE account_id IS NOT NULL"
        )
    missing = [
        r[0]
        for r in con.execute(
            "SELECT DISTINCT t.account_id FROM typed_transactions t"
            " ANTI JOIN acct_owner o ON o.account_id = t.account_id"
            " WHERE t.account_id IS NOT NULL"
        ).fetchall()
    ]
    if missing:
        rows = dbread.rows_for_keys("accounts", "account_id", ["customer_id"], missing)
        con.register(
            "db_owner",
            pa.table(
                {
                    "account_id": pa.array([r[0] for r in rows], pa.string()),
                    "customer_id": pa.array([r[1] for r in rows], pa.string()),
                }
            ),
        )
        con.execute("INSERT INTO acct_owner SELECT account_id, customer_id FROM db_owner")
        con.unregister("db_owner")


def _related(stage: Stage) -> None:
    """`related(customer_id, related_name, related_account)`: this batch's and the database's."""
    con = stage.con
    db = dbread.fetch_table("related_parties", ["customer_id", "related_name", "related_account"])
    con.register("db_related", db)
    con.execute(
        "CREATE OR REPLACE TABLE related AS SELECT CAST(customer_id AS VARCHAR) AS customer_id,"
        " CAST(related_name AS VARCHAR) AS related_name,"
        " CAST(related_account AS VARCHAR) AS related_account FROM db_related"
    )
    con.unregister("db_related")
    if stage.usable("related_parties"):
        account = (
            "related_account"
            if stage.has_column("related_parties", "related_account")
            else "CAST(NULL AS VARCHAR)"
        )
        con.execute(
            f"INSERT INTO related SELECT customer_id, related_name, {account}"
            " FROM typed_related_parties"
        )


def prepare(stage: Stage) -> str:
    """Create the view the loader reads transactions from (category filled in); return its name."""
    cols = stage.files["transactions"].columns
    _owners(stage)
    _related(stage)
    stage.con.execute(
        "CREATE OR REPLACE TABLE related_accounts AS SELECT DISTINCT o.account_id,"
        " r.related_account AS cp FROM acct_owner o JOIN related r USING (customer_id)"
        " WHERE coalesce(r.related_account, '') <> ''"
    )
    stage.con.execute(
        "CREATE OR REPLACE TABLE related_names AS SELECT DISTINCT o.account_id,"
        " r.related_name AS cp FROM acct_owner o JOIN related r USING (customer_id)"
        " WHERE coalesce(r.related_name, '') <> ''"
    )

    def col(c: str) -> str:
        return f"t.{ident(c)}" if c in cols else "CAST(NULL AS VARCHAR)"

    summary, cp_name, cp_account = (
        col("summary"),
        col("counterparty_name"),
        col("counterparty_account"),
    )
    given = col("category")
    by_summary = _keyword_case(f"coalesce({summary}, '')")
    by_counterparty = _keyword_case(f"coalesce({cp_name}, '')")
    derived = (
        "CASE WHEN ra.cp IS NOT NULL OR rn.cp IS NOT NULL THEN 'related_transfer'"
        f" ELSE coalesce({by_summary}, {by_counterparty}, 'other') END"
    )
    others = ", ".join(f"t.{ident(c)}" for c in cols if c != "category")
    stage.con.execute(
        f"CREATE OR REPLACE VIEW {LOAD_VIEW} AS SELECT {others},"
        f" coalesce(nullif({given}, ''), {derived}) AS category FROM typed_transactions t"
        f" LEFT JOIN related_accounts ra ON ra.account_id = t.account_id AND ra.cp = {cp_account}"
        f" LEFT JOIN related_names rn ON rn.account_id = t.account_id AND rn.cp = {cp_name}"
    )
    return LOAD_VIEW
