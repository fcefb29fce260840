"""Financial-statement and tax-invoice signals.

"Latest" is the newest statement with ``period_end`` on or before the as-of date (an annual
one wins a tie); "a year earlier" is the statement of the same type whose period ends exactly
one year before it.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, num
from postloan.risk.engine.registry import rule

PAIR = """
    pair AS (
        SELECT l.customer_id, l.period_end, l.period_type, l.revenue, l.total_assets,
               l.total_liabilities, l.current_assets, l.current_liabilities,
               l.operating_cash_flow, p.period_end AS prior_end, p.revenue AS prior_revenue,
               p.total_assets AS prior_assets, p.total_liabilities AS prior_liabilities
        FROM eng_fin l
        SEMI JOIN eng_borrowers b ON b.customer_id = l.customer_id
        LEFT JOIN eng_fin p ON p.customer_id = l.customer_id
             AND p.period_type = l.period_type
             AND p.period_end = CAST(l.period_end - INTERVAL 1 YEAR AS DATE)
        WHERE l.rn = 1
    )
"""


@rule("EW-REVENUE-DROP")
def revenue_down_year_on_year(ctx: Ctx) -> str:
    th = ctx.th
    return f"""
        WITH {PAIR}
        SELECT customer_id, NULL AS loan_id,
               CASE WHEN revenue <= prior_revenue * (1 - {num(th.revenue_drop_red)})
                    THEN 'red' ELSE 'orange' END AS level,
               CAST(to_json({{'period_end': period_end, 'revenue_fen': revenue,
                     'prior_period_end': prior_end, 'prior_revenue_fen': prior_revenue}})
                   AS VARCHAR) AS evidence,
               format('{{}} 营业收入 {{}} 元，上年同期 {{}} 元，同比下降 {{}}', period_end,
                      yuan(revenue), yuan(prior_revenue),
                      pct(prior_revenue - revenue, prior_revenue)) AS detail_zh
        FROM pair
        WHERE prior_revenue > 0 AND revenue IS NOT NULL
          AND revenue <= prior_revenue * (1 - {num(th.revenue_drop_orange)})
    """


@rule("EW-LEVERAGE")
def debt_ratio_high_or_rising(ctx: Ctx) -> str:
    th = ctx.th
    return f"""
        WITH {PAIR}, ratios AS (
            SELECT *, CAST(total_liabilities AS DECIMAL(38, 10)) / total_assets AS ratio,
                   CASE WHEN prior_assets > 0 THEN
                        CAST(prior_liabilities AS DECIMAL(38, 10)) / prior_assets END AS prior_ratio
            FROM pair WHERE total_assets > 0 AND total_liabilities IS NOT NULL
        )
        SELECT customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'period_end': period_end, 'total_liabilities_fen': total_liabilities,
                     'total_assets_fen': total_assets, 'prior_period_end': prior_end,
                     'prior_liabilities_fen': prior_liabilities,
                     'prior_assets_fen': prior_assets}}) AS VARCHAR) AS evidence,
               format('{{}} 资产负债率 {{}}，上年同期 {{}}', period_end,
                      pct(total_liabilities, total_assets),
                      pct(prior_liabilities, prior_assets)) AS detail_zh
        FROM ratios
        WHERE ratio > {num(th.debt_ratio_max)}
           OR ratio - prior_ratio >= {num(th.debt_ratio_rise_points)}
    """


@rule("EW-LIQUIDITY")
def current_ratio_low(ctx: Ctx) -> str:
    th = ctx.th
    return f"""
        WITH {PAIR}
        SELECT customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'period_end': period_end, 'current_assets_fen': current_assets,
                     'current_liabilities_fen': current_liabilities}}) AS VARCHAR) AS evidence,
               format('{{}} 流动比率 {{}}（流动资产 {{}} 元 / 流动负债 {{}} 元）', period_end,
                      round(CAST(current_assets AS DECIMAL(38, 4)) / current_liabilities, 2),
                      yuan(current_assets), yuan(current_liabilities)) AS detail_zh
        FROM pair
        WHERE current_liabilities > 0 AND current_assets IS NOT NULL
          AND current_assets < current_liabilities * {num(th.current_ratio_min)}
    """


@rule("EW-OCF-NEG")
def operating_cash_flow_negative_twice(ctx: Ctx) -> str:
    """The two latest statements of the latest statement's type both show negative operating
    cash flow."""
    return """
        WITH latest AS (SELECT customer_id, period_type FROM eng_fin WHERE rn = 1),
        same AS (
            SELECT f.customer_id, f.period_end, f.operating_cash_flow,
                   row_number() OVER (PARTITION BY f.customer_id ORDER BY f.period_end DESC) AS k
            FROM eng_fin f JOIN latest l USING (customer_id, period_type)
            SEMI JOIN eng_borrowers b ON b.customer_id = f.customer_id
        )
        SELECT customer_id, NULL AS loan_id, 'orange' AS level,
               CAST(to_json({'periods': list({'period_end': period_end,
                     'operating_cash_flow_fen': operating_cash_flow} ORDER BY period_end)})
                   AS VARCHAR) AS evidence,
               string_agg(format('{} 经营现金流 {} 元', period_end, yuan(operating_cash_flow)),
                          '；' ORDER BY period_end) AS detail_zh
        FROM same WHERE k <= 2
        GROUP BY customer_id
        HAVING count(*) = 2 AND bool_and(operating_cash_flow < 0)
    """


@rule("EW-TAX-DROP")
def invoiced_amount_down_year_on_year(ctx: Ctx) -> str:
    """Invoiced amount (增票+普票, excluding tax) of the last ``tax_window_months`` complete
    months versus the same months a year earlier; the earlier window must have invoices."""
    th, M = ctx.th, ctx.last_complete_month
    n = int(th.tax_window_months)
    return f"""
        WITH win AS (
            SELECT customer_id,
                   sum(amount) FILTER (WHERE month > CAST({M} - INTERVAL {n} MONTH AS DATE)
                                         AND month <= {M}) AS recent,
                   sum(amount) FILTER (WHERE month > CAST({M} - INTERVAL {n + 12} MONTH AS DATE)
                                         AND month <= CAST({M} - INTERVAL 12 MONTH AS DATE))
                       AS year_ago
            FROM in_tax_invoices i SEMI JOIN eng_borrowers b ON b.customer_id = i.customer_id
            GROUP BY customer_id
        )
        SELECT customer_id, NULL AS loan_id, 'orange' AS level,
               CAST(to_json({{'window_end': {M}, 'months': {n}, 'recent_fen': coalesce(recent, 0),
                     'year_ago_fen': year_ago}}) AS VARCHAR) AS evidence,
               format('近{n}个月开票 {{}} 元，上年同期 {{}} 元，下降 {{}}', yuan(coalesce(recent, 0)),
                      yuan(year_ago), pct(year_ago - coalesce(recent, 0), year_ago)) AS detail_zh
        FROM win
        WHERE year_ago > 0 AND coalesce(recent, 0) <= year_ago * (1 - {num(th.tax_drop)})
    """
