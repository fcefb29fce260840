"""Account signals: 销售归行率, inflow trend, use of loan funds, large outflows.

Monthly rules read ``eng_cust_month`` (from ``txn_monthly``); fund use and large outflows read
``in_txn_detail`` (only the transactions those two rules need). "Month" means the latest
calendar month fully elapsed on the as-of date (M) and the months before it.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, num
from postloan.risk.engine.figures import RELATED
from postloan.risk.engine.registry import rule

ORG_SUFFIX = "公司|厂|店|行|社|中心|局|院|所|部|处|会|校|站|场|馆|集团|合作"


def _months(ctx: Ctx, back: int) -> str:
    M = ctx.last_complete_month
    return f"""(SELECT CAST(unnest(generate_series(CAST({M} - INTERVAL {back} MONTH AS DATE),
                {M}, INTERVAL 1 MONTH)) AS DATE) AS month)"""


@rule("EW-RETURN-RATIO")
def sales_proceeds_return_ratio_low(ctx: Ctx) -> str:
    """Non-retail borrowers with accounts here. Ratio of month M = sales proceeds received
    (inflows categorised ``sales_proceeds``) ÷ revenue of M; revenue is the month's invoiced
    amount (增票+普票, excluding tax) or, without invoices, the latest statement's revenue per
    month (annual / 12, quarterly / 3) — the engine's one figure, ``eng_return_month``
    (`figures.py`), which the screening persists for every other reader. Fires when the
    ratio is below ``return_ratio_min`` or at least ``return_ratio_drop_points`` below the
    trailing 6 months' pooled ratio."""
    M, th = ctx.last_complete_month, ctx.th
    return f"""
        WITH ratios AS (
            SELECT customer_id,
                   max(revenue_fen) FILTER (WHERE month = {M}) AS rev_m,
                   coalesce(max(proceeds_fen) FILTER (WHERE month = {M}), 0) AS proc_m,
                   sum(revenue_fen) FILTER (WHERE month < {M}) AS rev_t,
                   sum(proceeds_fen) FILTER (WHERE month < {M} AND revenue_fen IS NOT NULL)
                       AS proc_t
            FROM eng_return_month
            WHERE NOT retail AND month >= CAST({M} - INTERVAL 6 MONTH AS DATE) AND month <= {M}
            GROUP BY customer_id
        ), judged AS (
            SELECT *, CAST(proc_m AS DECIMAL(38, 10)) / rev_m AS ratio_m,
                   CASE WHEN rev_t > 0 THEN CAST(proc_t AS DECIMAL(38, 10)) / rev_t END AS ratio_t
            FROM ratios WHERE rev_m > 0
        )
        SELECT customer_id, NULL AS loan_id, 'orange' AS level,
               CAST(to_json({{'month': {M}, 'proceeds_fen': proc_m, 'revenue_fen': rev_m,
                     'trailing_proceeds_fen': proc_t, 'trailing_revenue_fen': rev_t}})
                   AS VARCHAR) AS evidence,
               format('{{}} 销售归行率 {{}}（回款 {{}} 元 / 收入 {{}} 元），前6个月 {{}}',
                      strftime({M}, '%Y-%m'), pct(proc_m, rev_m), yuan(proc_m), yuan(rev_m),
                      pct(proc_t, rev_t)) AS detail_zh
        FROM judged
        WHERE ratio_m < {num(th.return_ratio_min)}
           OR ratio_m <= ratio_t - {num(th.return_ratio_drop_points)}
    """


@rule("EW-INFLOW-DROP")
def account_inflow_dropping(ctx: Ctx) -> str:
    """Monthly inflow (all credits except loan disbursements) of M-1 and of M each at most
    70% of the average of the 6 months before them (M-7..M-2, one baseline so the first low
    month does not lower the bar for the second) → yellow; both at most 50% → orange. Customers
    with no inflow at all in the trailing months are not judged; retail borrowers are not
    judged (a household account's few monthly credits swing too much to read as a trend)."""
    M, th = ctx.last_complete_month, ctx.th
    return f"""
        WITH inflow AS (
            SELECT customer_id, month, sum(amount_fen) AS inflow FROM eng_cust_month
            WHERE direction = 'in' AND category <> 'loan_disbursement' GROUP BY ALL
        ), grid AS (
            SELECT c.customer_id, m.month, coalesce(i.inflow, 0) AS inflow
            FROM (SELECT DISTINCT customer_id FROM inflow) c CROSS JOIN {_months(ctx, 7)} m
            LEFT JOIN inflow i ON i.customer_id = c.customer_id AND i.month = m.month
        ), base AS (
            SELECT customer_id, sum(inflow) AS trail6 FROM grid
            WHERE month < CAST({M} - INTERVAL 1 MONTH AS DATE) GROUP BY customer_id
        ), last2 AS (
            SELECT g.customer_id, any_value(b.trail6) AS trail6,
                   count(*) FILTER (WHERE b.trail6 > 0
                       AND g.inflow * 6 <= b.trail6 * {num(th.inflow_drop_yellow)}) AS n_yellow,
                   count(*) FILTER (WHERE b.trail6 > 0
                       AND g.inflow * 6 <= b.trail6 * {num(th.inflow_drop_orange)}) AS n_orange,
                   list({{'month': g.month, 'inflow_fen': g.inflow}} ORDER BY g.month) AS months
            FROM grid g JOIN base b USING (customer_id)
            WHERE g.month >= CAST({M} - INTERVAL 1 MONTH AS DATE)
            GROUP BY g.customer_id
        )
        SELECT l.customer_id, NULL AS loan_id,
               CASE WHEN n_orange = 2 THEN 'orange' ELSE 'yellow' END AS level,
               CAST(to_json({{'months': months, 'prior_6_months_total_fen': trail6}})
                   AS VARCHAR) AS evidence,
               format('近两个月流入 {{}} 元、{{}} 元，分别为此前6个月月均的 {{}}、{{}}',
                      yuan(months[1].inflow_fen), yuan(months[2].inflow_fen),
                      pct(months[1].inflow_fen * 6, trail6),
                      pct(months[2].inflow_fen * 6, trail6)) AS detail_zh
        FROM last2 l SEMI JOIN eng_borrowers b ON b.customer_id = l.customer_id AND NOT b.retail
        WHERE n_yellow = 2
    """


@rule("EW-FUND-USE")
def loan_funds_flowing_back_or_diverted(ctx: Ctx) -> str:
    """Disbursements in the last ``fund_use_lookback_days``; within ``fund_use_window_days``
    after each: (a) an entrusted payment whose payee is the borrower itself; (b) a payee or an
    outflow to a related party; (c) a payee or an outflow whose name carries a real-estate /
    securities / futures keyword; (d) money coming back from the entrusted payee (回流);
    (e) for self-payment, an outflow of at least ``fund_use_payee_differs_share`` of the
    disbursement to a payee other than the declared ones. An outflow to a declared payee is
    the payment itself (its payee is judged by (a)–(c)), not a diversion; a 个人住房贷款
    (mortgage) paid to the seller of the home is its agreed purpose: not held against (c).
    The findings are the flags of the engine's one fund-use trail (``eng_fund_use_trail``,
    `figures.py`), which the screening persists for the worklist's page and 附件1."""
    return """
        WITH findings AS (
            SELECT loan_id, customer_id, unnest(flags) AS kind,
                   CASE WHEN row_kind = 'payment' THEN payee_name
                        ELSE counterparty_name END AS counterparty,
                   CASE WHEN row_kind = 'payment' THEN amount_fen
                        ELSE txn_amount_fen END AS amount_fen,
                   CASE WHEN row_kind = 'payment' THEN pay_date ELSE txn_date END AS on_date
            FROM eng_fund_use_trail WHERE len(flags) > 0
        ), distinct_findings AS (
            SELECT DISTINCT * FROM findings
        )
        SELECT customer_id, loan_id, 'red' AS level,
               CAST(to_json({'findings': list({'kind': kind, 'counterparty': counterparty,
                     'amount_fen': amount_fen, 'date': on_date}
                     ORDER BY on_date, kind, counterparty)}) AS VARCHAR) AS evidence,
               string_agg(format('{} {}：{} {} 元', on_date,
                   CASE kind WHEN 'payee_is_borrower' THEN '受托支付收款人为借款人本身'
                             WHEN 'payee_related' THEN '收款人为关联方'
                             WHEN 'payee_restricted' THEN '收款人涉及房地产/证券/期货'
                             WHEN 'outflow_restricted' THEN '资金流向房地产/证券/期货'
                             WHEN 'outflow_related' THEN '资金流向关联方'
                             WHEN 'flow_back' THEN '受托支付资金回流'
                             ELSE '资金流向非申报收款人' END,
                   counterparty, yuan(amount_fen)), '；' ORDER BY on_date, kind, counterparty)
                   AS detail_zh
        FROM distinct_findings GROUP BY customer_id, loan_id
    """


@rule("EW-LARGE-OUTFLOW")
def large_outflows_to_non_trade_parties(ctx: Ctx) -> str:
    """An outflow in the last ``large_outflow_lookback_days`` of at least
    ``large_outflow_floor_fen`` and at least ``large_outflow_share`` of its month's inflow,
    to a related party (by name/account, or category ``related_transfer``) or to an individual
    (a 2–4 character Chinese name without an organisation suffix; purchases, salary, tax and
    loan repayments excluded). Not to the customer's own accounts."""
    th, D = ctx.th, ctx.D
    return f"""
        WITH {RELATED},
        txn AS (
            SELECT t.*, a.customer_id FROM in_txn_detail t JOIN in_accounts a USING (account_id)
            SEMI JOIN eng_borrowers b ON b.customer_id = a.customer_id
            WHERE t.direction = 'out' AND t.txn_date <= {D}
              AND t.txn_date >= {ctx.days_before(th.large_outflow_lookback_days)}
              AND t.amount >= {num(th.large_outflow_floor_fen)}
              AND coalesce(t.counterparty_account, '') NOT IN
                  (SELECT account_id FROM in_accounts o WHERE o.customer_id = a.customer_id)
        ), inflow AS (
            SELECT customer_id, month, sum(amount_fen) AS inflow FROM eng_cust_month
            WHERE direction = 'in' GROUP BY ALL
        ), cand AS (
            SELECT t.*, coalesce(i.inflow, 0) AS month_inflow,
                   CASE WHEN t.category = 'related_transfer' OR EXISTS (
                            SELECT 1 FROM rel WHERE rel.customer_id = t.customer_id
                            AND (rel.name = t.counterparty_name
                                 OR rel.account = t.counterparty_account)) THEN 'related'
                        WHEN regexp_full_match(coalesce(t.counterparty_name, ''),
                                               '[\\p{{Han}}·]{{2,4}}')
                             AND NOT regexp_matches(t.counterparty_name, '{ORG_SUFFIX}')
                             AND coalesce(t.category, 'other')
                                 NOT IN ('purchase', 'salary', 'tax', 'loan_repayment')
                        THEN 'individual' END AS party
            FROM txn t LEFT JOIN inflow i ON i.customer_id = t.customer_id
             AND i.month = CAST(date_trunc('month', t.txn_date) AS DATE)
        ), hits AS (
            SELECT * FROM cand
            WHERE party IS NOT NULL AND amount >= month_inflow * {num(th.large_outflow_share)}
        )
        SELECT customer_id, NULL AS loan_id, 'orange' AS level,
               CAST(to_json({{'outflows': list({{'txn_id': txn_id, 'date': txn_date,
                     'amount_fen': amount, 'counterparty': counterparty_name, 'party': party,
                     'month_inflow_fen': month_inflow}} ORDER BY amount DESC, txn_id)}})
                   AS VARCHAR) AS evidence,
               string_agg(format('{{}} 向{{}}“{{}}”支出 {{}} 元（当月流入 {{}} 元）', txn_date,
                      CASE party WHEN 'related' THEN '关联方' ELSE '个人' END,
                      counterparty_name, yuan(amount), yuan(month_inflow)), '；'
                      ORDER BY amount DESC, txn_id) AS detail_zh
        FROM hits GROUP BY customer_id
    """
