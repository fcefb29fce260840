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
"""

from __future__ import annotations

from postloan.risk.engine import windows
from postloan.risk.engine.context import Ctx, sql_date

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
