"""Bank figures the engine computes once, for its rules and for every reader after it.

``eng_return_month`` — 销售资金归行率 per borrower with accounts here and calendar month, the
12 months before the as-of month and that month (flows up to the as-of date):

    proceeds  the month's inflows categorised ``sales_proceeds`` on the customer's accounts
    invoiced  the month's invoiced amount (增票 + 普票), NULL without an invoice row that month
    statement the latest statement's (period end on or before the date) revenue per month:
              annual ÷ 12, quarterly ÷ 3, in whole fen (only a positive revenue)
    revenue   invoiced, else statement; ``source`` says which ('invoice' / 'statement')
    ratio     proceeds ÷ revenue (none without revenue)

Sparse: a month with neither proceeds nor revenue has no row (it reads as nothing received
and no revenue). EW-RETURN-RATIO judges from this table; the screening persists it
(`risk.models.SalesReturnMonth`) and the 13-item report, 附件3 and the check of a
`tighten_monitoring` resolution read the persisted rows (`risk.queries.sales_return`).

``eng_fund_use_trail`` — where a loan's money went: for every disbursement of the last
``fund_use_lookback_days`` one ``payment`` row (the payee, with its findings) and one ``flow``
row per transaction of the borrower's accounts within ``fund_use_window_days`` after it (up to
the as-of date) that the trail shows: an outflow not to the borrower's own accounts that is
not routine (salary, tax, loan repayments) or carries a finding, and money coming back from an
entrusted payee. ``flags`` lists the findings (EW-FUND-USE's kinds; in the result the list is
one comma-joined text, as persisted):

    payment  payee_is_borrower  an entrusted payment whose payee is the borrower itself
             payee_related      the payee is a related party (name or account)
             payee_restricted   the payee's name carries a real-estate / securities / futures
                                keyword (not held against a 个人住房贷款 paying the home's seller)
    flow     outflow_restricted / outflow_related  an outflow, not to a declared payee (that is
                                the payment itself), to such a name or to a related party
             flow_back          money back from the entrusted payee (受托支付后资金回流)
             payee_differs      self payment: an outflow of at least
                                ``fund_use_payee_differs_share`` of the disbursement to a
                                counterparty other than the declared payees (routine excepted)

EW-FUND-USE is the flagged rows of this table; the screening persists it
(`risk.models.FundUseTrailRow`) and the worklist's 资金账户监管 page and 附件1 read it
(`risk.queries.fund_use_trail`).
"""

from __future__ import annotations

from postloan.risk.engine import windows
from postloan.risk.engine.context import Ctx, num, sql_date, text

RETURN_MONTHS_BACK = 12  # 附件3's twelve months end with the as-of month; the rule reads 7

RETURN_MONTH_COLUMNS = (
    "customer_id",
    "month",
    "retail",
    "proceeds_fen",
    "invoiced_fen",
    "statement_fen",
    "revenue_fen",
    "source",
)


def return_months(ctx: Ctx) -> None:
    this_month = windows.month_start(ctx.as_of)
    first = sql_date(windows.add_months(this_month, -RETURN_MONTHS_BACK))
    last = sql_date(this_month)
    ctx.table(
        "eng_return_month",
        f"""
        WITH pop AS (
            SELECT b.customer_id, coalesce(b.retail, false) AS retail FROM eng_borrowers b
            SEMI JOIN in_accounts a ON a.customer_id = b.customer_id
        ), months AS (
            SELECT CAST(unnest(generate_series({first}, {last}, INTERVAL 1 MONTH)) AS DATE)
                   AS month
        ), inv AS (
            SELECT customer_id, month, sum(amount) AS invoiced FROM in_tax_invoices
            WHERE month >= {first} AND month <= {ctx.D} GROUP BY customer_id, month
        ), fin_rev AS (
            SELECT customer_id, revenue // CASE period_type WHEN 'annual' THEN 12
                                          WHEN 'quarterly' THEN 3 ELSE 1 END AS statement
            FROM eng_fin WHERE rn = 1 AND revenue > 0
        ), proceeds AS (
            SELECT customer_id, month, sum(amount_fen) AS proceeds FROM eng_cust_month
            WHERE direction = 'in' AND category = 'sales_proceeds' AND month >= {first}
            GROUP BY customer_id, month
        )
        SELECT p.customer_id, m.month, p.retail,
               CAST(coalesce(s.proceeds, 0) AS BIGINT) AS proceeds_fen,
               CAST(i.invoiced AS BIGINT) AS invoiced_fen,
               CAST(f.statement AS BIGINT) AS statement_fen,
               CAST(coalesce(i.invoiced, f.statement) AS BIGINT) AS revenue_fen,
               CASE WHEN i.invoiced IS NOT NULL THEN 'invoice'
                    WHEN f.statement IS NOT NULL THEN 'statement' END AS source
        FROM pop p CROSS JOIN months m
        LEFT JOIN inv i ON i.customer_id = p.customer_id AND i.month = m.month
        LEFT JOIN fin_rev f ON f.customer_id = p.customer_id
        LEFT JOIN proceeds s ON s.customer_id = p.customer_id AND s.month = m.month
        WHERE s.proceeds <> 0 OR i.invoiced IS NOT NULL OR f.statement IS NOT NULL
        """,
    )


RELATED = """
    rel AS (
        SELECT r.customer_id, r.related_name AS name, r.related_account AS account
        FROM in_related_parties r
        UNION ALL
        SELECT r.customer_id, NULL, a.account_id FROM in_related_parties r
        JOIN in_accounts a ON a.customer_id = r.related_customer_id
        UNION ALL
        SELECT r.customer_id, c.name, NULL FROM in_related_parties r
        JOIN in_customers c ON c.customer_id = r.related_customer_id
    )
"""
ROUTINE = "('loan_repayment', 'tax', 'salary')"
FUND_USE_TRAIL_COLUMNS = (
    "loan_id",
    "customer_id",
    "pay_date",
    "payee_name",
    "payee_account",
    "amount_fen",
    "method",
    "declared_purpose",
    "row_kind",
    "txn_id",
    "txn_date",
    "direction",
    "txn_amount_fen",
    "counterparty_name",
    "counterparty_account",
    "account_id",
    "category",
    "summary",
    "flags",
)


def fund_use_keywords(ctx: Ctx) -> str:
    """The real-estate / securities / futures keywords as one DuckDB regular expression."""
    words = [w for w in ctx.th.fund_use_keywords if w]
    return text("|".join(words)) if words else "'(?!)'"


def fund_use_trail(ctx: Ctx) -> None:
    th, D = ctx.th, ctx.D
    window = int(th.fund_use_window_days)
    kw = fund_use_keywords(ctx)
    own = "SELECT account_id FROM in_accounts o WHERE o.customer_id = {}.customer_id"
    ctx.table(
        "eng_fund_use_trail",
        f"""
        WITH {RELATED},
        disb AS (
            SELECT d.loan_id, b.customer_id, b.customer_name, b.product, d.pay_date, d.amount,
                   d.payee_name, d.payee_account, d.declared_purpose,
                   coalesce(d.payment_method, b.payment_method) AS method
            FROM in_disbursements d JOIN eng_book b USING (loan_id)
            WHERE d.pay_date <= {D} AND d.pay_date >= {ctx.days_before(th.fund_use_lookback_days)}
        ), payees AS (
            SELECT DISTINCT loan_id, payee_name FROM in_disbursements WHERE payee_name IS NOT NULL
        ), txn AS (
            SELECT t.*, a.customer_id FROM in_txn_detail t JOIN in_accounts a USING (account_id)
            WHERE t.txn_date <= {D}
        ), after AS (
            SELECT d.*, t.txn_id, t.txn_date, t.direction, t.amount AS txn_amount,
                   t.counterparty_name, t.counterparty_account, t.account_id, t.category,
                   t.summary,
                   t.direction = 'out' AND coalesce(t.counterparty_account, '') NOT IN
                       ({own.format("t")}) AS outward,
                   EXISTS (SELECT 1 FROM payees p WHERE p.loan_id = d.loan_id
                           AND p.payee_name = coalesce(t.counterparty_name, '')) AS to_payee,
                   regexp_matches(coalesce(t.counterparty_name, ''), {kw}) AS restricted,
                   EXISTS (SELECT 1 FROM rel WHERE rel.customer_id = t.customer_id
                           AND (rel.name = t.counterparty_name
                                OR rel.account = t.counterparty_account)) AS related
            FROM disb d JOIN txn t ON t.customer_id = d.customer_id
             AND t.txn_date >= d.pay_date
             AND t.txn_date <= CAST(d.pay_date + INTERVAL {window} DAY AS DATE)
        ), payments AS (
            SELECT d.*, list_filter([
                CASE WHEN d.method = 'entrusted' AND (d.payee_name = d.customer_name
                          OR d.payee_account IN ({own.format("d")})) THEN 'payee_is_borrower' END,
                CASE WHEN EXISTS (SELECT 1 FROM rel WHERE rel.customer_id = d.customer_id
                          AND (rel.name = d.payee_name OR rel.account = d.payee_account))
                     THEN 'payee_related' END,
                CASE WHEN regexp_matches(coalesce(d.payee_name, ''), {kw})
                          AND d.product IS DISTINCT FROM 'mortgage' THEN 'payee_restricted' END
            ], lambda f: f IS NOT NULL) AS flags
            FROM disb d
        ), flows AS (
            SELECT a.*, list_filter([
                CASE WHEN a.outward AND NOT a.to_payee AND a.restricted THEN 'outflow_restricted'
                     WHEN a.outward AND NOT a.to_payee AND a.related THEN 'outflow_related' END,
                CASE WHEN a.direction = 'in' AND a.method = 'entrusted'
                          AND (a.counterparty_name = a.payee_name
                               OR a.counterparty_account = a.payee_account) THEN 'flow_back' END,
                CASE WHEN a.outward AND NOT a.to_payee AND a.method = 'self'
                          AND a.txn_amount >= a.amount * {num(th.fund_use_payee_differs_share)}
                          AND coalesce(a.category, 'other') NOT IN {ROUTINE}
                     THEN 'payee_differs' END
            ], lambda f: f IS NOT NULL) AS flags
            FROM after a
        )
        SELECT loan_id, customer_id, pay_date, payee_name, payee_account, amount AS amount_fen,
               method, declared_purpose, 'payment' AS row_kind, NULL AS txn_id,
               CAST(NULL AS DATE) AS txn_date, NULL AS direction,
               CAST(NULL AS BIGINT) AS txn_amount_fen, NULL AS counterparty_name,
               NULL AS counterparty_account, NULL AS account_id, NULL AS category,
               NULL AS summary, flags
        FROM payments
        UNION ALL
        SELECT loan_id, customer_id, pay_date, payee_name, payee_account, amount, method,
               declared_purpose, 'flow', CAST(txn_id AS VARCHAR), txn_date, direction,
               CAST(txn_amount AS BIGINT), counterparty_name, counterparty_account, account_id,
               category, summary, flags
        FROM flows
        WHERE len(flags) > 0
           OR (outward AND coalesce(category, 'other') NOT IN {ROUTINE})
        """,
    )
