"""Restructured loans and their observation period (重组观察期, 第二十条).

Reading of the rule (documented choices):
- Restructurings of a loan: ``loans.restructure_date`` plus every row of the optional
  ``restructurings`` input. The latest one on or before the as-of date is the current one.
- The period starts at the first instalment ``due_date`` after the restructure date (or the
  maturity date when no instalment falls after it).
- It ends at the later of start + 1 year and the due date two instalments after the start
  (two full repayment periods elapsed); with fewer instalments left, maturity stands in.
- A missed payment inside the period (an instalment due before the as-of date, paid after its
  due date or not at all) restarts it from that due date; restarts chain.
- The loan is "in observation" from the restructure date through the period's end.
- "Restructured again": an earlier restructuring whose observation period had not ended by the
  date of the later one.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx
from postloan.risk.engine.registry import rule


def prepare_restructuring(ctx: Ctx) -> None:
    D = ctx.D
    ctx.table(
        "eng_restructurings",
        f"""
        SELECT DISTINCT loan_id, rdate FROM (
            SELECT loan_id, restructure_date AS rdate FROM eng_book
            WHERE restructure_date IS NOT NULL
            UNION ALL
            SELECT r.loan_id, r.restructure_date FROM in_restructurings r
            SEMI JOIN eng_book b ON b.loan_id = r.loan_id
            WHERE r.restructure_date IS NOT NULL
        ) WHERE rdate <= {D}
        """,
    )
    ctx.table(
        "eng_restructure_obs",
        f"""
        WITH RECURSIVE
        sched AS (
            SELECT r.loan_id, r.due_date, r.paid_off_date,
                   lead(r.due_date, 2) OVER (PARTITION BY r.loan_id ORDER BY r.due_date) AS due2
            FROM eng_repayments r SEMI JOIN eng_restructurings x ON x.loan_id = r.loan_id
        ),
        period_end AS (
            SELECT s.loan_id, s.due_date,
                   CAST(greatest(s.due_date + INTERVAL 1 YEAR,
                                 coalesce(s.due2, b.maturity_date)) AS DATE) AS end_date
            FROM sched s JOIN eng_book b USING (loan_id)
        ),
        misses AS (
            SELECT loan_id, due_date FROM sched
            WHERE due_date < {D} AND (paid_off_date IS NULL OR paid_off_date > due_date)
        ),
        next_miss AS (
            SELECT p.loan_id, p.due_date, min(m.due_date) AS missed
            FROM period_end p JOIN misses m
              ON m.loan_id = p.loan_id AND m.due_date > p.due_date AND m.due_date <= p.end_date
            GROUP BY p.loan_id, p.due_date
        ),
        starts AS (
            SELECT x.loan_id, x.rdate,
                   coalesce((SELECT min(s.due_date) FROM sched s
                             WHERE s.loan_id = x.loan_id AND s.due_date > x.rdate),
                            greatest(b.maturity_date, x.rdate)) AS first_start
            FROM eng_restructurings x JOIN eng_book b USING (loan_id)
        ),
        chain(loan_id, rdate, cur, depth) AS (
            SELECT loan_id, rdate, first_start, 0 FROM starts
            UNION ALL
            SELECT c.loan_id, c.rdate, n.missed, c.depth + 1
            FROM chain c JOIN next_miss n ON n.loan_id = c.loan_id AND n.due_date = c.cur
        ),
        final AS (
            SELECT loan_id, rdate, arg_max(cur, depth) AS obs_start, max(depth) AS restarts,
                   min(cur) FILTER (WHERE depth = 0) AS first_start
            FROM chain GROUP BY loan_id, rdate
        ),
        periods AS (
            SELECT f.*, coalesce(p.end_date, CAST(f.obs_start + INTERVAL 1 YEAR AS DATE))
                       AS obs_end
            FROM final f LEFT JOIN period_end p
              ON p.loan_id = f.loan_id AND p.due_date = f.obs_start
        ),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY loan_id ORDER BY rdate DESC) AS rn
            FROM periods
        )
        SELECT cur.loan_id, cur.rdate AS restructure_date, cur.first_start, cur.obs_start,
               cur.obs_end, cur.restarts,
               {D} >= cur.rdate AND {D} <= cur.obs_end AS in_observation,
               EXISTS (SELECT 1 FROM ranked prev
                       WHERE prev.loan_id = cur.loan_id AND prev.rn > 1
                         AND prev.obs_end >= cur.rdate) AS restructured_again
        FROM ranked cur WHERE cur.rn = 1
        """,
    )


def _evidence() -> str:
    return """CAST(to_json({'restructure_date': o.restructure_date,
                'observation_start': o.obs_start, 'observation_end': o.obs_end,
                'restarts': o.restarts, 'dpd': d.dpd,
                'restructured_again': o.restructured_again}) AS VARCHAR)"""


@rule("CLS-RESTRUCT")
def restructured_loans_in_observation(ctx: Ctx) -> str:
    return f"""
        SELECT o.loan_id, {_evidence()} AS evidence,
               format('{{}} 重组，观察期 {{}} 至 {{}}{{}}', o.restructure_date, o.obs_start,
                      o.obs_end, CASE WHEN o.restarts > 0
                                      THEN format('（因逾期重新起算 {{}} 次）', o.restarts)
                                      ELSE '' END) AS detail_zh
        FROM eng_restructure_obs o JOIN eng_loan_dpd d USING (loan_id)
        WHERE o.in_observation
    """


@rule("CLS-RESTRUCT-FAIL")
def restructured_loans_failing_in_observation(ctx: Ctx) -> str:
    return f"""
        SELECT o.loan_id, {_evidence()} AS evidence,
               format('观察期（{{}} 至 {{}}）内{{}}', o.obs_start, o.obs_end,
                      CASE WHEN d.dpd >= 1 AND o.restructured_again
                           THEN format('逾期 {{}} 天且再次重组', d.dpd)
                           WHEN d.dpd >= 1 THEN format('逾期 {{}} 天', d.dpd)
                           ELSE '再次重组' END) AS detail_zh
        FROM eng_restructure_obs o JOIN eng_loan_dpd d USING (loan_id)
        WHERE o.in_observation AND (d.dpd >= 1 OR o.restructured_again)
    """
