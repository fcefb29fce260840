"""Holds: a non-performing loan is not suggested better than its current class unless the
upgrade conditions hold (不良上调条件), and a loan non-performing before its restructuring is
not upgraded during the observation period.

Upgrade conditions (all must hold for a loan whose confirmed class is 次级/可疑/损失):
1. DPD = 0 (every overdue amount repaid);
2. paid on time since the last cure for at least two instalments and at least 6 months: the
   clean run starts at the latest repayment date of any instalment that was paid late or is
   unpaid (the loan's start date when there is none); it needs >= 2 instalments falling due in
   the run, each paid on or before its due date, and run start + 6 months <= as-of date
   (a bullet loan with no instalment in the run cannot meet it);
3. no other credit-impaired asset of the debtor here: no other loan on the book flagged
   ``credit_impaired`` or carrying a non-performing floor of its own (stage 1 floors, so the
   holds do not feed each other).

A hold is a floor at the current class (``CLS-NPL-HOLD``) or at the worse of the current and
pre-restructuring classes (``CLS-RESTRUCT-HOLD``; the pre-restructuring class is the latest
confirmed ``classification_history`` entry on or before the restructure date, else the
current class). A hold is only listed when it is worse than the loan's stage-1 floors.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx
from postloan.risk.engine.registry import rule


@rule("CLS-NPL-HOLD")
def nonperforming_loans_not_yet_upgradable(ctx: Ctx) -> str:
    D = ctx.D
    return f"""
        WITH npl AS (
            SELECT loan_id, customer_id, current_class, start_date FROM eng_book
            WHERE class_ord(current_class) >= 2
        ), miss AS (
            SELECT r.loan_id, max(coalesce(r.paid_off_date, {D})) AS cured_on
            FROM eng_repayments r SEMI JOIN npl ON npl.loan_id = r.loan_id
            WHERE r.due_date < {D} AND (r.paid_off_date IS NULL OR r.paid_off_date > r.due_date)
            GROUP BY r.loan_id
        ), run AS (
            SELECT n.loan_id, coalesce(m.cured_on, n.start_date) AS clean_since
            FROM npl n LEFT JOIN miss m USING (loan_id)
        ), ontime AS (
            SELECT run.loan_id, run.clean_since, count(r.due_date) AS n_ontime
            FROM run LEFT JOIN eng_repayments r
              ON r.loan_id = run.loan_id AND r.due_date > run.clean_since
             AND r.due_date <= {D} AND r.paid_off_date <= r.due_date
            GROUP BY ALL
        ), other_impaired AS (
            SELECT n.loan_id, list(o.loan_id ORDER BY o.loan_id) AS others
            FROM npl n JOIN eng_book o ON o.customer_id = n.customer_id AND o.loan_id <> n.loan_id
            LEFT JOIN eng_worst1 w ON w.loan_id = o.loan_id
            WHERE o.credit_impaired OR coalesce(w.worst_ord, 0) >= 2
            GROUP BY n.loan_id
        ), checked AS (
            SELECT n.loan_id, n.current_class, d.dpd, o.clean_since, o.n_ontime, oi.others,
                   d.dpd = 0 AS repaid,
                   o.n_ontime >= 2 AND o.clean_since + INTERVAL 6 MONTH <= {D} AS on_time,
                   oi.others IS NULL AS no_other_impaired
            FROM npl n JOIN eng_loan_dpd d USING (loan_id) JOIN ontime o USING (loan_id)
            LEFT JOIN other_impaired oi USING (loan_id)
        )
        SELECT c.loan_id, c.current_class AS floor_class,
               CAST(to_json({{'current_class': c.current_class, 'dpd': c.dpd,
                     'clean_since': c.clean_since, 'on_time_instalments': c.n_ontime,
                     'other_impaired_loans': c.others}}) AS VARCHAR) AS evidence,
               format('当前认定为{{}}，未满足上调条件：{{}}', class_zh(c.current_class),
                      concat_ws('；',
                        CASE WHEN NOT c.repaid THEN format('仍逾期 {{}} 天', c.dpd) END,
                        CASE WHEN NOT c.on_time THEN format(
                            '自 {{}} 起按时还款仅 {{}} 期（需至少2期且满6个月）',
                            c.clean_since, c.n_ontime) END,
                        CASE WHEN NOT c.no_other_impaired THEN format(
                            '债务人其他资产已减值或不良（{{}}）', array_to_string(c.others, '、'))
                            END)) AS detail_zh
        FROM checked c LEFT JOIN eng_worst1 w USING (loan_id)
        WHERE NOT (c.repaid AND c.on_time AND c.no_other_impaired)
          AND class_ord(c.current_class) > coalesce(w.worst_ord, 0)
    """


@rule("CLS-RESTRUCT-HOLD")
def restructured_nonperforming_loans_in_observation(ctx: Ctx) -> str:
    return """
        WITH pre AS (
            SELECT o.loan_id, arg_max(h.class, h.as_of) AS pre_class
            FROM eng_restructure_obs o JOIN in_classification_history h
              ON h.loan_id = o.loan_id AND h.as_of <= o.restructure_date
             AND coalesce(h.confirmed, true)
            GROUP BY o.loan_id
        ), held AS (
            SELECT o.loan_id, o.restructure_date, o.obs_end, b.current_class,
                   coalesce(p.pre_class, b.current_class) AS pre_class
            FROM eng_restructure_obs o JOIN eng_book b USING (loan_id)
            LEFT JOIN pre p USING (loan_id)
            WHERE o.in_observation
        )
        SELECT h.loan_id,
               class_of(greatest(class_ord(h.pre_class), class_ord(h.current_class)))
                   AS floor_class,
               CAST(to_json({'restructure_date': h.restructure_date,
                     'class_before_restructuring': h.pre_class,
                     'current_class': h.current_class,
                     'observation_end': h.obs_end}) AS VARCHAR) AS evidence,
               format('重组前为{}，观察期至 {} 止不得上调', class_zh(h.pre_class), h.obs_end)
                   AS detail_zh
        FROM held h LEFT JOIN eng_worst1 w USING (loan_id)
        WHERE class_ord(h.pre_class) >= 2
          AND greatest(class_ord(h.pre_class), class_ord(h.current_class))
              > coalesce(w.worst_ord, 0)
    """
