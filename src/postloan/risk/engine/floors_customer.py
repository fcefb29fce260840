"""Customer-wide floors, computed on the per-loan result (stage-1 floors plus holds).

``eng_s1(loan_id, customer_id, retail, balance, current_class, s1_ord)`` is that result.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx
from postloan.risk.engine.registry import rule


@rule("CLS-SM-NPL-ELSEWHERE")
def debtors_nonperforming_elsewhere(ctx: Ctx) -> str:
    """Non-retail debtor whose latest credit report says ``nonperforming_other_fi``, or with
    another loan here suggested or confirmed non-performing (the loan's own class does not
    count against itself)."""
    return """
        WITH other_npl AS (
            SELECT a.loan_id, list(b.loan_id ORDER BY b.loan_id) AS npl_loans
            FROM eng_s1 a JOIN eng_s1 b ON b.customer_id = a.customer_id AND b.loan_id <> a.loan_id
            WHERE NOT a.retail AND (b.s1_ord >= 2 OR class_ord(b.current_class) >= 2)
            GROUP BY a.loan_id
        ), elsewhere AS (
            SELECT s.loan_id, c.report_date
            FROM eng_s1 s JOIN eng_credit c ON c.customer_id = s.customer_id AND c.rn = 1
            WHERE NOT s.retail AND c.nonperforming_other_fi
        )
        SELECT loan_id,
               CAST(to_json({'credit_report_date': e.report_date,
                     'nonperforming_loans_here': o.npl_loans}) AS VARCHAR) AS evidence,
               concat_ws('；',
                   CASE WHEN e.report_date IS NOT NULL
                        THEN format('征信（{}）显示在其他金融机构有不良', e.report_date) END,
                   CASE WHEN o.npl_loans IS NOT NULL
                        THEN format('本行借据 {} 为不良', array_to_string(o.npl_loans, '、'))
                        END) AS detail_zh
        FROM other_npl o FULL JOIN elsewhere e USING (loan_id)
    """


@rule("CLS-NPL-CONTAGION")
def debtors_with_over_a_tenth_nonperforming(ctx: Ctx) -> str:
    """Non-retail debtor with more than 10% of its balance here non-performing after the
    per-loan floors and holds (exactly 10% does not fire): every other loan of it gets 次级.
    Only loans not already non-performing are listed."""
    return """
        WITH share AS (
            SELECT customer_id, sum(balance) FILTER (WHERE s1_ord >= 2) AS npl_fen,
                   sum(balance) AS total_fen
            FROM eng_s1 WHERE NOT retail GROUP BY customer_id
        )
        SELECT s.loan_id,
               CAST(to_json({'npl_balance_fen': h.npl_fen, 'total_balance_fen': h.total_fen})
                   AS VARCHAR) AS evidence,
               format('该客户在本行不良余额 {} 元 / 全部余额 {} 元 = {}', yuan(h.npl_fen),
                      yuan(h.total_fen), pct(h.npl_fen, h.total_fen)) AS detail_zh
        FROM eng_s1 s JOIN share h USING (customer_id)
        WHERE h.total_fen > 0 AND h.npl_fen * 10 > h.total_fen AND s.s1_ord < 2
    """
