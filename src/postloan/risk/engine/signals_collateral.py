"""Collateral signals: value drops, loan-to-value ceilings, stale appraisals.

A collateral secures a loan through a guarantee row naming it (directly by ``loan_id`` or by
the loan's ``facility_id``), valid on the as-of date. Its current value is the latest market
value (``collateral_values``, on or before the as-of date) unless a later appraisal exists.
Loan-to-value: each loan's balance is spread over its collaterals pro rata to their current
values, so a collateral's LTV = Σ over the loans it secures of balance ÷ the loan's total
collateral value. Types without a ceiling (vehicle, receivable, bill, other) are not judged on
LTV. One signal per loan, listing the collaterals.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, num
from postloan.risk.engine.registry import rule


def _links(ctx: Ctx) -> str:
    D = ctx.D
    valid = (
        f"g.collateral_id IS NOT NULL AND (g.start_date IS NULL OR g.start_date <= {D}) "
        f"AND (g.end_date IS NULL OR g.end_date >= {D})"
    )
    return f"""
        links AS (
            SELECT DISTINCT loan_id, customer_id, balance, collateral_id FROM (
                SELECT b.loan_id, b.customer_id, b.balance, g.collateral_id
                FROM in_guarantees g JOIN eng_book b ON b.loan_id = g.loan_id WHERE {valid}
                UNION ALL
                SELECT b.loan_id, b.customer_id, b.balance, g.collateral_id
                FROM in_guarantees g JOIN eng_book b ON b.facility_id = g.facility_id
                WHERE g.loan_id IS NULL AND {valid})
        ), val AS (
            SELECT c.collateral_id, c.type, c.appraised_value, c.appraisal_date,
                   v.market_value, v.value_date,
                   CASE WHEN v.value_date >= c.appraisal_date THEN v.market_value
                        ELSE c.appraised_value END AS current_value,
                   greatest(c.appraisal_date, coalesce(v.value_date, c.appraisal_date))
                       AS last_valued
            FROM in_collaterals c
            LEFT JOIN (SELECT collateral_id, arg_max(market_value, value_date) AS market_value,
                              max(value_date) AS value_date
                       FROM in_collateral_values WHERE value_date <= {D}
                       GROUP BY collateral_id) v USING (collateral_id)
            SEMI JOIN links l ON l.collateral_id = c.collateral_id
        )
    """


@rule("EW-COLLATERAL-VALUE")
def collateral_value_fallen_or_ltv_high(ctx: Ctx) -> str:
    th = ctx.th
    ceiling = (
        f"CASE v.type WHEN 'real_estate' THEN {num(th.ltv_real_estate)} "
        f"WHEN 'land' THEN {num(th.ltv_land)} WHEN 'equipment' THEN {num(th.ltv_equipment)} "
        f"WHEN 'equity' THEN {num(th.ltv_equity)} WHEN 'deposit' THEN {num(th.ltv_deposit)} END"
    )
    return f"""
        WITH {_links(ctx)},
        loan_value AS (
            SELECT l.loan_id, sum(v.current_value) AS total_value
            FROM links l JOIN val v USING (collateral_id) GROUP BY l.loan_id
        ), ltv AS (
            SELECT l.collateral_id,
                   sum(CAST(l.balance AS DECIMAL(38, 10)) / lv.total_value) AS ltv
            FROM links l JOIN loan_value lv USING (loan_id)
            WHERE lv.total_value > 0 GROUP BY l.collateral_id
        ), flagged AS (
            SELECT v.*, x.ltv, {ceiling} AS ceiling,
                   v.market_value IS NOT NULL AND v.value_date >= v.appraisal_date
                   AND v.market_value <= v.appraised_value * {num(th.collateral_value_drop)}
                       AS value_dropped
            FROM val v LEFT JOIN ltv x USING (collateral_id)
        ), hits AS (
            SELECT * FROM flagged
            WHERE value_dropped OR (ceiling IS NOT NULL AND (ltv > ceiling OR current_value <= 0))
        )
        SELECT l.customer_id, l.loan_id, 'orange' AS level,
               CAST(to_json({{'collaterals': list({{'collateral_id': h.collateral_id,
                     'type': h.type, 'appraised_value_fen': h.appraised_value,
                     'market_value_fen': h.market_value, 'value_date': h.value_date,
                     'ltv': round(h.ltv, 4), 'ceiling': h.ceiling}} ORDER BY h.collateral_id)}})
                   AS VARCHAR) AS evidence,
               string_agg(format('押品 {{}}：{{}}', h.collateral_id, concat_ws('，',
                   CASE WHEN h.value_dropped THEN format('市场价值 {{}} 元为评估价值 {{}} 元的 {{}}',
                        yuan(h.market_value), yuan(h.appraised_value),
                        pct(h.market_value, h.appraised_value)) END,
                   CASE WHEN h.ceiling IS NOT NULL AND h.ltv > h.ceiling
                        THEN format('抵质押率 {{}} 超过上限 {{}}', format('{{:.2f}}%', h.ltv * 100),
                                    format('{{:.0f}}%', h.ceiling * 100)) END)),
                   '；' ORDER BY h.collateral_id) AS detail_zh
        FROM links l JOIN hits h USING (collateral_id)
        GROUP BY l.customer_id, l.loan_id
    """


@rule("EW-APPRAISAL-STALE")
def collateral_not_revalued(ctx: Ctx) -> str:
    """No valuation (appraisal or market value) for more than ``appraisal_stale_months`` (real
    estate and every other type) or ``appraisal_stale_months_equity_bill`` (equity, bills);
    deposits are not revalued."""
    th, D = ctx.th, ctx.D
    return f"""
        WITH {_links(ctx)},
        stale AS (
            SELECT v.*, CASE WHEN v.type IN ('equity', 'bill')
                             THEN {int(th.appraisal_stale_months_equity_bill)}
                             ELSE {int(th.appraisal_stale_months)} END AS months
            FROM val v WHERE v.type <> 'deposit'
        ), hits AS (
            SELECT * FROM stale
            WHERE last_valued < CAST({D} - to_months(months) AS DATE)
        )
        SELECT l.customer_id, l.loan_id, 'yellow' AS level,
               CAST(to_json({{'collaterals': list({{'collateral_id': h.collateral_id,
                     'type': h.type, 'last_valued': h.last_valued, 'limit_months': h.months}}
                     ORDER BY h.collateral_id)}}) AS VARCHAR) AS evidence,
               string_agg(format('押品 {{}} 最近估值 {{}}，超过 {{}} 个月未重估', h.collateral_id,
                      h.last_valued, h.months), '；' ORDER BY h.collateral_id) AS detail_zh
        FROM links l JOIN hits h USING (collateral_id)
        GROUP BY l.customer_id, l.loan_id
    """
