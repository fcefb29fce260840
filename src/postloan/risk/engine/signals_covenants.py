"""审批条件 (covenants): every condition the screening can test from the figures it already has.

Input ``covenants`` (data contract). A condition binds its loan (``loan_id``) or, without one,
every loan of the customer on the book. One signal per customer and loan (the customer alone
for facility- or customer-wide conditions), its evidence listing each breached condition with
its wording, threshold and actual value. Tested as of the business date D:

- ``debt_ratio_max`` / ``current_ratio_min``: the latest statement (``eng_fin`` rn = 1);
- ``sales_return_min``: 销售资金归行率 over the test period (the last complete month for
  ``monthly``, 3 for ``quarterly``/``once``, 12 for ``annual``) from the engine's one figure
  ``eng_return_month`` (``figures.py``): proceeds of the months with a revenue ÷ their revenue;
- ``collateral_registered_by``: after ``due_date``, a collateral securing the loan (or the
  facility, or any of the customer's loans for a customer-wide condition) not ``registered``;
- ``funds_purpose``: an open ``fund_misuse`` event, or a disbursement (paid by D) whose 申报用途
  differs from the loan's 用途 (neither contains the other).
A condition with ``due_date`` after D is not yet due (未到期) and not tested. ``insurance_kept``
and ``free_text`` are never tested here: the worklist asks the account manager to confirm them.
"""

from __future__ import annotations

from postloan import contract
from postloan.risk.engine.context import Ctx, text
from postloan.risk.engine.registry import rule

TESTABLE = ("debt_ratio_max", "current_ratio_min", "sales_return_min", "collateral_registered_by",
            "funds_purpose")  # fmt: skip


def _months_sql(ctx: Ctx) -> str:
    M = ctx.last_complete_month
    return f"""(SELECT CAST(unnest(generate_series(CAST({M} - INTERVAL 11 MONTH AS DATE),
                {M}, INTERVAL 1 MONTH)) AS DATE) AS month)"""


def covenant_tests(ctx: Ctx) -> str:
    """One row per tested condition (customer_id, loan_id, covenant_id, breached, level,
    condition_zh, actual_zh): what the screening found, breached or not."""
    D, M = ctx.D, ctx.last_complete_month
    return f"""
        WITH cov AS (
            SELECT k.*, l.loan_id AS book_loan
            FROM in_covenants k
            SEMI JOIN eng_borrowers b ON b.customer_id = k.customer_id
            LEFT JOIN eng_book l ON l.loan_id = k.loan_id
            WHERE (k.due_date IS NULL OR k.due_date <= {D}
                   OR k.type = 'collateral_registered_by')
              AND (k.loan_id IS NULL OR l.loan_id IS NOT NULL)
        ), fin AS (
            SELECT customer_id, period_end,
                   CASE WHEN total_assets > 0 AND total_liabilities IS NOT NULL THEN
                        CAST(total_liabilities AS DECIMAL(38, 10)) / total_assets END AS debt_ratio,
                   CASE WHEN current_liabilities > 0 AND current_assets IS NOT NULL THEN
                        CAST(current_assets AS DECIMAL(38, 10)) / current_liabilities END
                       AS current_ratio
            FROM eng_fin WHERE rn = 1
        ), sales AS (
            SELECT c.covenant_id, c.customer_id,
                   CASE c.frequency WHEN 'monthly' THEN 1 WHEN 'annual' THEN 12 ELSE 3 END AS n
            FROM cov c WHERE c.type = 'sales_return_min'
        ), sales_grid AS (  -- the engine's one 归行率 figure per month (risk/engine/figures.py)
            SELECT s.covenant_id, m.month, r.revenue_fen AS revenue,
                   coalesce(r.proceeds_fen, 0) AS proceeds
            FROM sales s CROSS JOIN {_months_sql(ctx)} m
            LEFT JOIN eng_return_month r ON r.customer_id = s.customer_id AND r.month = m.month
            WHERE m.month > CAST({M} - INTERVAL (s.n) MONTH AS DATE)
        ), sales_ratio AS (
            SELECT covenant_id, sum(revenue) AS revenue,
                   sum(proceeds) FILTER (WHERE revenue IS NOT NULL) AS proceeds,
                   min(month) AS first_month, max(month) AS last_month
            FROM sales_grid GROUP BY covenant_id
        ), secured AS (
            SELECT c.covenant_id, g.collateral_id, coalesce(col.registered, FALSE) AS registered
            FROM cov c
            JOIN in_guarantees g ON g.collateral_id IS NOT NULL AND (
                 g.loan_id = c.loan_id
                 OR (c.loan_id IS NULL AND c.facility_id IS NOT NULL
                     AND g.facility_id = c.facility_id)
                 OR (c.loan_id IS NULL AND c.facility_id IS NULL AND g.loan_id IN
                     (SELECT loan_id FROM eng_book b WHERE b.customer_id = c.customer_id)))
            LEFT JOIN in_collaterals col ON col.collateral_id = g.collateral_id
            WHERE c.type = 'collateral_registered_by'
        ), registration AS (
            SELECT covenant_id,
                   string_agg(collateral_id, '、' ORDER BY collateral_id)
                       FILTER (WHERE NOT registered) AS unregistered,
                   count(*) AS n
            FROM secured GROUP BY covenant_id
        ), misuse AS (
            SELECT c.covenant_id,
                   string_agg(DISTINCT format('{{}} 事件 {{}}', e.event_date, e.event_id), '；')
                       AS events
            FROM cov c JOIN eng_open_events e
                 ON e.customer_id = c.customer_id AND e.type = 'fund_misuse'
            WHERE c.type = 'funds_purpose' GROUP BY c.covenant_id
        ), paid AS (
            SELECT c.covenant_id, count(*) AS n,
                   string_agg(format('{{}} 支付 {{}} 元，申报用途“{{}}”，审批用途“{{}}”',
                              d.pay_date, yuan(d.amount), d.declared_purpose, l.purpose), '；'
                              ORDER BY d.pay_date)
                       FILTER (WHERE d.declared_purpose IS NOT NULL AND l.purpose IS NOT NULL
                               AND strpos(d.declared_purpose, l.purpose) = 0
                               AND strpos(l.purpose, d.declared_purpose) = 0) AS differing
            FROM cov c
            JOIN in_disbursements d ON d.pay_date <= {D}
                 AND (d.loan_id = c.loan_id OR (c.loan_id IS NULL AND d.loan_id IN
                      (SELECT loan_id FROM eng_book b WHERE b.customer_id = c.customer_id)))
            JOIN eng_book l ON l.loan_id = d.loan_id
            WHERE c.type = 'funds_purpose' GROUP BY c.covenant_id
        ), tested AS (
            SELECT c.customer_id, c.book_loan AS loan_id, c.covenant_id, c.type, c.text,
                   'orange' AS level,
                   f.debt_ratio > c.threshold AS breached,
                   format('资产负债率不高于 {{}}', pct(c.threshold, 1)) AS condition_zh,
                   format('{{}} 报表资产负债率 {{}}', f.period_end, pct(f.debt_ratio, 1)) AS actual_zh
            FROM cov c JOIN fin f USING (customer_id)
            WHERE c.type = 'debt_ratio_max' AND f.debt_ratio IS NOT NULL
            UNION ALL
            SELECT c.customer_id, c.book_loan, c.covenant_id, c.type, c.text, 'orange',
                   f.current_ratio < c.threshold,
                   format('流动比率不低于 {{}}', round(c.threshold, 2)),
                   format('{{}} 报表流动比率 {{}}', f.period_end, round(f.current_ratio, 2))
            FROM cov c JOIN fin f USING (customer_id)
            WHERE c.type = 'current_ratio_min' AND f.current_ratio IS NOT NULL
            UNION ALL
            SELECT c.customer_id, c.book_loan, c.covenant_id, c.type, c.text, 'orange',
                   CAST(r.proceeds AS DECIMAL(38, 10)) / r.revenue < c.threshold,
                   format('销售资金归行率不低于 {{}}', pct(c.threshold, 1)),
                   format('{{}}至{{}} 销售资金归行率 {{}}（本行回笼 {{}} 元 / 销售收入 {{}} 元）',
                          strftime(r.first_month, '%Y-%m'), strftime(r.last_month, '%Y-%m'),
                          pct(r.proceeds, r.revenue), yuan(r.proceeds), yuan(r.revenue))
            FROM cov c JOIN sales_ratio r USING (covenant_id)
            WHERE r.revenue > 0
            UNION ALL
            SELECT c.customer_id, c.book_loan, c.covenant_id, c.type, c.text, 'orange',
                   {D} > c.due_date AND g.unregistered IS NOT NULL,
                   format('押品于 {{}} 前办妥抵质押登记', c.due_date),
                   CASE WHEN g.unregistered IS NULL THEN format('{{}} 项押品均已登记', g.n)
                        ELSE format('押品 {{}} 未办理登记', g.unregistered) END
            FROM cov c JOIN registration g USING (covenant_id)
            WHERE c.type = 'collateral_registered_by' AND {D} > c.due_date
            UNION ALL
            SELECT c.customer_id, c.book_loan, c.covenant_id, c.type, c.text, 'red',
                   u.events IS NOT NULL OR p.differing IS NOT NULL,
                   '贷款资金按审批用途使用',
                   coalesce(concat_ws('；', CASE WHEN u.events IS NOT NULL
                                                 THEN '擅自改变资金用途：' || u.events END,
                                       p.differing),
                            format('{{}} 笔支付的申报用途与审批用途一致', p.n))
            FROM cov c LEFT JOIN misuse u USING (covenant_id) LEFT JOIN paid p USING (covenant_id)
            WHERE c.type = 'funds_purpose' AND (u.events IS NOT NULL OR p.n > 0)
        )
        SELECT * FROM tested
    """


UNTESTED_WHY = {
    "insurance_kept": "保险是否持续有效无数据可检测，须客户经理核实确认",
    "free_text": "其他条件须客户经理核实确认",
    "debt_ratio_max": "无含总资产、总负债的财务报表，未评估，须客户经理核实确认",
    "current_ratio_min": "无含流动资产、流动负债的财务报表，未评估，须客户经理核实确认",
    "sales_return_min": "检测期内无开票或报表收入，归行率无法计算，须客户经理核实确认",
    "collateral_registered_by": "未找到担保该借据的押品，须客户经理核实确认",
    "funds_purpose": "无贷款资金支付记录，用途无法核对，须客户经理核实确认",
}
TYPE_ZH = dict(contract.COVENANT_TYPES)


def untested_sql(ctx: Ctx) -> str:
    """(customer_id, reason_zh) for every condition in force that the screening could not test:
    the engine's 未评估 rows of EW-COVENANT, one per condition, naming it (`条件K6（…）：…`)."""
    D = ctx.D
    why = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in UNTESTED_WHY.items())
    type_zh = " ".join(f"WHEN {text(k)} THEN {text(v)}" for k, v in TYPE_ZH.items())
    return f"""
        WITH tested AS ({covenant_tests(ctx)})
        SELECT k.customer_id,
               format('条件{{}}（{{}}）：{{}}', k.covenant_id, CASE k.type {type_zh} END,
                      CASE k.type {why} END) AS reason_zh
        FROM in_covenants k
        SEMI JOIN eng_borrowers b ON b.customer_id = k.customer_id
        WHERE (k.loan_id IS NULL OR k.loan_id IN (SELECT loan_id FROM eng_book))
          AND (k.due_date IS NULL OR k.due_date < {D}
               OR (k.due_date = {D} AND k.type <> 'collateral_registered_by'))
          AND k.covenant_id NOT IN (SELECT covenant_id FROM tested)
    """


@rule("EW-COVENANT")
def covenant_breached(ctx: Ctx) -> str:
    return f"""
        SELECT customer_id, loan_id,
               level_of(max(level_ord(level))) AS level,
               CAST(to_json({{'covenants': list({{'covenant_id': covenant_id,
                     'condition': condition_zh, 'wording': text, 'actual': actual_zh}}
                     ORDER BY covenant_id)}}) AS VARCHAR) AS evidence,
               string_agg(format('条件{{}}（{{}}）：{{}}', covenant_id, condition_zh, actual_zh),
                          '；' ORDER BY covenant_id) AS detail_zh
        FROM ({covenant_tests(ctx)}) t WHERE breached
        GROUP BY customer_id, loan_id
    """
