"""Credit-report (征信) signals: the latest report against the one before it."""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, num
from postloan.risk.engine.registry import rule

PAIR = """
    pair AS (
        SELECT l.customer_id, l.report_date, l.total_debt_all_fi, l.overdue_debt_all_fi,
               l.nonperforming_other_fi, l.guarantees_given,
               p.report_date AS prior_date, p.total_debt_all_fi AS prior_debt,
               p.overdue_debt_all_fi AS prior_overdue,
               p.nonperforming_other_fi AS prior_nonperforming
        FROM eng_credit l
        SEMI JOIN eng_borrowers b ON b.customer_id = l.customer_id
        LEFT JOIN eng_credit p ON p.customer_id = l.customer_id AND p.rn = 2
        WHERE l.rn = 1
    )
"""


@rule("EW-CREDIT-OVERDUE")
def overdue_or_nonperforming_at_other_banks(ctx: Ctx) -> str:
    """Orange when overdue debt at other institutions is > 0 in the latest report and was 0
    (or there was no earlier report); red when ``nonperforming_other_fi`` is true now and was
    not in the earlier report (or there was none)."""
    return (
        """
        WITH """
        + PAIR
        + """
        SELECT customer_id, NULL AS loan_id,
               CASE WHEN nonperforming_other_fi AND NOT coalesce(prior_nonperforming, false)
                    THEN 'red' ELSE 'orange' END AS level,
               CAST(to_json({'report_date': report_date, 'overdue_debt_fen': overdue_debt_all_fi,
                     'nonperforming_other_fi': nonperforming_other_fi,
                     'prior_report_date': prior_date, 'prior_overdue_debt_fen': prior_overdue,
                     'prior_nonperforming_other_fi': prior_nonperforming}) AS VARCHAR)
                   AS evidence,
               concat_ws('；',
                   CASE WHEN overdue_debt_all_fi > 0 AND coalesce(prior_overdue, 0) = 0
                        THEN format('征信（{}）新增逾期债务 {} 元', report_date,
                                    yuan(overdue_debt_all_fi)) END,
                   CASE WHEN nonperforming_other_fi AND NOT coalesce(prior_nonperforming, false)
                        THEN format('征信（{}）显示在其他金融机构有不良', report_date) END)
                   AS detail_zh
        FROM pair
        WHERE (overdue_debt_all_fi > 0 AND coalesce(prior_overdue, 0) = 0)
           OR (nonperforming_other_fi AND NOT coalesce(prior_nonperforming, false))
    """
    )


@rule("EW-CREDIT-DEBT-JUMP")
def total_debt_jumped(ctx: Ctx) -> str:
    return f"""
        WITH {PAIR}
        SELECT customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'report_date': report_date, 'total_debt_fen': total_debt_all_fi,
                     'prior_report_date': prior_date, 'prior_total_debt_fen': prior_debt}})
                   AS VARCHAR) AS evidence,
               format('金融机构债务余额由 {{}} 元（{{}}）增至 {{}} 元（{{}}），增幅 {{}}',
                      yuan(prior_debt), prior_date, yuan(total_debt_all_fi), report_date,
                      pct(total_debt_all_fi - prior_debt, prior_debt)) AS detail_zh
        FROM pair
        WHERE prior_debt > 0
          AND total_debt_all_fi >= prior_debt * (1 + {num(ctx.th.credit_debt_jump)})
    """


@rule("EW-GUARANTEES-GIVEN")
def guarantees_given_exceed_net_assets(ctx: Ctx) -> str:
    """Guarantees given (latest report) >= 100% of net assets (latest statement: total
    assets − total liabilities); non-positive net assets with any guarantee given fire too."""
    return f"""
        WITH {PAIR}, net AS (
            SELECT customer_id, period_end, total_assets - total_liabilities AS net_assets
            FROM eng_fin WHERE rn = 1 AND total_assets IS NOT NULL
              AND total_liabilities IS NOT NULL
        )
        SELECT p.customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'report_date': p.report_date, 'guarantees_given_fen':
                     p.guarantees_given, 'period_end': n.period_end,
                     'net_assets_fen': n.net_assets}}) AS VARCHAR) AS evidence,
               format('对外担保 {{}} 元，净资产 {{}} 元（{{}}）', yuan(p.guarantees_given),
                      yuan(n.net_assets), n.period_end) AS detail_zh
        FROM pair p JOIN net n USING (customer_id)
        WHERE p.guarantees_given > 0
          AND p.guarantees_given >= n.net_assets * {num(ctx.th.guarantees_to_net_assets)}
    """
