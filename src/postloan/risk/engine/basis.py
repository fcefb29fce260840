"""Shared groundwork for every rule: normalised inputs, data issues, the loan book.

Temp tables made here (prefix ``eng_``) are what rule queries read:
- ``in_<table>``: every input, typed and complete (absent → empty).
- ``eng_data_issues``: contradictions; the loans concerned are kept out of every result.
- ``eng_loans`` / ``eng_repayments``: loans and instalments without data issues.
- ``eng_book``: active loans (status ``active``) with their customer's attributes. Settled and
  written-off loans are off the book: they get DPD 0 and no classification suggestion.
- ``eng_borrowers``: customers with at least one loan on the book (the signals' population).
- ``eng_open_events``: events dated on or before the as-of date and not released by then.
- ``eng_credit`` / ``eng_fin``: credit reports and statements up to the as-of date, ranked
  newest first (``rn`` = 1 is the latest).
- ``eng_funds``: each customer's latest end-of-day balance (unfrozen accounts) on or before
  the as-of date.
- ``eng_cust_month``: monthly flows per borrower (from ``txn_monthly``).
"""

from __future__ import annotations

from postloan.risk.engine import inputs, windows
from postloan.risk.engine.context import Ctx, num, sql_date

MATERIALISED = {"loans", "repayments", "customers", "accounts", "disbursements", "guarantees"}

MACROS = """
CREATE OR REPLACE TEMP MACRO yuan(f) AS
    CASE WHEN f IS NULL THEN '—' ELSE
    (CASE WHEN f < 0 THEN '-' ELSE '' END) || format('{:,}', abs(f) // 100) || '.'
    || lpad(CAST(abs(f) % 100 AS VARCHAR), 2, '0') END;
CREATE OR REPLACE TEMP MACRO pct(n, d) AS
    CASE WHEN d IS NULL OR d = 0 THEN '—'
    ELSE format('{:.2f}%', CAST(n AS DECIMAL(38, 6)) * 100 / d) END;
CREATE OR REPLACE TEMP MACRO class_ord(c) AS
    CASE c WHEN 'normal' THEN 0 WHEN 'special_mention' THEN 1 WHEN 'substandard' THEN 2
    WHEN 'doubtful' THEN 3 WHEN 'loss' THEN 4 ELSE 0 END;
CREATE OR REPLACE TEMP MACRO class_of(o) AS
    CASE o WHEN 0 THEN 'normal' WHEN 1 THEN 'special_mention' WHEN 2 THEN 'substandard'
    WHEN 3 THEN 'doubtful' ELSE 'loss' END;
CREATE OR REPLACE TEMP MACRO class_zh(c) AS
    CASE c WHEN 'normal' THEN '正常类' WHEN 'special_mention' THEN '关注类'
    WHEN 'substandard' THEN '次级类' WHEN 'doubtful' THEN '可疑类' WHEN 'loss' THEN '损失类'
    ELSE c END;
CREATE OR REPLACE TEMP MACRO level_ord(v) AS
    CASE v WHEN 'yellow' THEN 1 WHEN 'orange' THEN 2 WHEN 'red' THEN 3 ELSE 0 END;
CREATE OR REPLACE TEMP MACRO level_of(o) AS
    CASE o WHEN 1 THEN 'yellow' WHEN 2 THEN 'orange' ELSE 'red' END;
"""


def prepare(ctx: Ctx) -> None:
    con = ctx.con
    present = inputs.existing_relations(con)
    con.execute(MACROS)
    for name in inputs.input_names():
        is_present = name in present
        select = inputs.normalised_select(con, name, is_present)
        if name in MATERIALISED:
            con.execute(f"CREATE OR REPLACE TEMP TABLE in_{name} AS {select}")
        else:
            con.execute(f"CREATE OR REPLACE TEMP VIEW in_{name} AS {select}")
        if is_present:
            ctx.available.add(name)
    _derive_flows(ctx, present)
    _data_issues(ctx, "customers" in present)
    _book(ctx)
    _evidence_bases(ctx)


def _derive_flows(ctx: Ctx, present: set[str]) -> None:
    """Monthly and windowed flows from `transactions` when the loader did not provide them."""
    th = ctx.th
    if "transactions" not in present:
        return
    if "txn_monthly" not in present:
        ctx.table(
            "eng_txn_monthly_derived",
            f"""
            SELECT account_id, CAST(date_trunc('month', txn_date) AS DATE) AS month, direction,
                   coalesce(category, 'other') AS category,
                   {counterparty_kind_sql("category")} AS counterparty_kind,
                   sum(amount) AS amount_fen, count(*) AS n
            FROM in_transactions
            WHERE txn_date <= {ctx.D}
              AND txn_date >= {sql_date(windows.txn_monthly_from(ctx.as_of))}
            GROUP BY ALL
            """,
        )
        ctx.run(
            "CREATE OR REPLACE TEMP VIEW in_txn_monthly AS SELECT * FROM eng_txn_monthly_derived"
        )
        ctx.available.add("txn_monthly")
    if "txn_detail" not in present:
        ctx.table(
            "eng_txn_detail_derived",
            f"""
            SELECT t.* FROM in_transactions t
            WHERE t.txn_date <= {ctx.D}
              AND t.txn_date >= {sql_date(windows.txn_detail_from(ctx.as_of, th))}
              AND ((t.direction = 'out' AND t.amount >= {num(th.large_outflow_floor_fen)}
                    AND t.txn_date >= {sql_date(windows.large_outflow_from(ctx.as_of, th))})
                   OR t.account_id IN (
                       SELECT a.account_id FROM in_accounts a
                       JOIN in_loans l ON l.customer_id = a.customer_id
                       JOIN in_disbursements d ON d.loan_id = l.loan_id
                       WHERE d.pay_date <= {ctx.D}
                         AND d.pay_date >= {sql_date(windows.disbursements_from(ctx.as_of, th))}))
            """,
        )
        ctx.run("CREATE OR REPLACE TEMP VIEW in_txn_detail AS SELECT * FROM eng_txn_detail_derived")
        ctx.available.add("txn_detail")


def counterparty_kind_sql(category: str) -> str:
    """The counterparty kind of a flow, from its category (portable SQL, used by the loader)."""
    return (
        f"CASE WHEN {category} = 'related_transfer' THEN 'related' "
        f"WHEN {category} IN ('loan_disbursement', 'loan_repayment') THEN 'bank' "
        f"WHEN {category} IN ('sales_proceeds', 'purchase') THEN 'trade' "
        f"WHEN {category} IN ('salary', 'tax') THEN 'payroll_tax' ELSE 'other' END"
    )


def _data_issues(ctx: Ctx, have_customers: bool) -> None:
    unknown_customer = (
        """
        UNION ALL
        SELECT 'loans', loan_id, loan_id, customer_id, 'unknown_customer',
               format('借据的客户 {} 不在客户表中', customer_id)
        FROM in_loans WHERE customer_id NOT IN (SELECT customer_id FROM in_customers)
        """
        if have_customers
        else ""
    )
    ctx.table(
        "eng_data_issues",
        f"""
        SELECT * FROM (
        SELECT 'loans' AS table_name, loan_id AS row_key, loan_id, customer_id,
               'balance_over_principal' AS issue,
               format('余额 {{}} 元大于发放金额 {{}} 元', yuan(balance), yuan(principal))
                   AS detail_zh
        FROM in_loans WHERE balance > principal
        UNION ALL
        SELECT 'loans', loan_id, loan_id, customer_id, 'negative_balance',
               format('余额 {{}} 元为负数', yuan(balance))
        FROM in_loans WHERE balance < 0
        UNION ALL
        SELECT 'loans', loan_id, loan_id, customer_id, 'maturity_before_start',
               format('到期日 {{}} 早于发放日 {{}}', maturity_date, start_date)
        FROM in_loans WHERE maturity_date < start_date
        UNION ALL
        SELECT 'loans', loan_id, loan_id, any_value(customer_id), 'duplicate_loan',
               format('借据号 {{}} 出现 {{}} 次', loan_id, count(*))
        FROM in_loans GROUP BY loan_id HAVING count(*) > 1
        UNION ALL
        SELECT 'repayments', r.loan_id || ' ' || CAST(r.due_date AS VARCHAR), r.loan_id,
               l.customer_id, 'principal_paid_over_due',
               format('{{}} 期已还本金 {{}} 元大于应还本金 {{}} 元', r.due_date,
                      yuan(r.principal_paid), yuan(r.principal_due))
        FROM in_repayments r LEFT JOIN in_loans l USING (loan_id)
        WHERE r.principal_paid > r.principal_due
        UNION ALL
        SELECT 'repayments', r.loan_id || ' ' || CAST(r.due_date AS VARCHAR), r.loan_id,
               l.customer_id, 'interest_paid_over_due',
               format('{{}} 期已还利息 {{}} 元大于应还利息 {{}} 元', r.due_date,
                      yuan(r.interest_paid), yuan(r.interest_due))
        FROM in_repayments r LEFT JOIN in_loans l USING (loan_id)
        WHERE r.interest_paid > r.interest_due
        {unknown_customer}
        ) ORDER BY table_name, row_key, issue
        """,
    )


def _book(ctx: Ctx) -> None:
    ctx.table(
        "eng_loans",
        """
        SELECT * FROM in_loans
        WHERE loan_id NOT IN (SELECT loan_id FROM eng_data_issues WHERE loan_id IS NOT NULL)
        """,
    )
    ctx.table(
        "eng_repayments",
        "SELECT r.* FROM in_repayments r SEMI JOIN eng_loans l ON l.loan_id = r.loan_id",
    )
    ctx.table(
        "eng_book",
        """
        SELECT l.*, l.classification AS current_class,
               coalesce(c.type, 'corporate') AS customer_type,
               coalesce(c.type, 'corporate') = 'retail' AS retail,
               c.name AS customer_name, c.branch_code, c.industry_code,
               nullif(c.group_id, '') AS group_id
        FROM eng_loans l LEFT JOIN in_customers c USING (customer_id)
        WHERE l.status = 'active'
        """,
    )
    ctx.table(
        "eng_borrowers",
        """
        SELECT customer_id, any_value(customer_type) AS customer_type,
               any_value(retail) AS retail, any_value(customer_name) AS customer_name,
               any_value(branch_code) AS branch_code, any_value(industry_code) AS industry_code,
               any_value(group_id) AS group_id, sum(balance) AS exposure_fen,
               count(*) AS n_loans
        FROM eng_book GROUP BY customer_id
        """,
    )


def _evidence_bases(ctx: Ctx) -> None:
    D = ctx.D
    ctx.table(
        "eng_open_events",
        f"""
        SELECT e.* FROM in_events e
        WHERE e.event_date <= {D}
          AND NOT EXISTS (SELECT 1 FROM in_event_releases r
                          WHERE r.event_id = e.event_id AND r.released_on <= {D})
        """,
    )
    ctx.table(
        "eng_credit",
        f"""
        SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY report_date DESC) AS rn
        FROM in_credit_reports WHERE report_date <= {D}
        """,
    )
    ctx.table(
        "eng_fin",
        f"""
        SELECT *, row_number() OVER (PARTITION BY customer_id ORDER BY period_end DESC,
                  CASE period_type WHEN 'annual' THEN 0 WHEN 'quarterly' THEN 1 ELSE 2 END) AS rn
        FROM in_financials WHERE period_end <= {D}
        """,
    )
    ctx.table(
        "eng_funds",
        f"""
        SELECT a.customer_id, sum(b.balance) FILTER (WHERE NOT b.frozen) AS funds_fen,
               count(*) AS n_accounts, max(b.balance_date) AS balance_date
        FROM in_accounts a
        JOIN (SELECT account_id, arg_max(balance, balance_date) AS balance,
                     arg_max(frozen, balance_date) AS frozen, max(balance_date) AS balance_date
              FROM in_account_balances WHERE balance_date <= {D}
              GROUP BY account_id) b USING (account_id)
        GROUP BY a.customer_id
        """,
    )
    ctx.table(
        "eng_cust_month",
        f"""
        SELECT a.customer_id, t.month, t.direction, t.category, t.counterparty_kind,
               sum(t.amount_fen) AS amount_fen
        FROM in_txn_monthly t JOIN in_accounts a USING (account_id)
        SEMI JOIN eng_borrowers b ON b.customer_id = a.customer_id
        WHERE t.month <= {D}
        GROUP BY ALL
        """,
    )
