"""Guarantor and diligence signals.

EW-GUARANTOR runs after every other signal and after classification: it reads this run's
signals (``eng_signals``) and suggestions (``eng_loan_classification``).
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx
from postloan.risk.engine.registry import META, rule

CLOSED_STATUSES = "('released', 'closed', 'dismissed')"


def _rule_titles_sql(column: str) -> str:
    """A list of rule ids → their Chinese titles (the summary a person reads names no codes)."""
    cases = " ".join(
        f"WHEN '{m.rule_id}' THEN '{m.title_zh}'" for m in META.values() if "'" not in m.title_zh
    )
    return f"list_transform({column}, lambda r: CASE r {cases} ELSE r END)"


@rule("EW-GUARANTOR")
def guarantors_in_trouble(ctx: Ctx) -> str:
    """A guarantee of kind ``guarantor`` valid on the as-of date whose guarantor is itself a
    customer with an orange/red signal (this run, or open in ``prior_signals``: status not
    released/closed/dismissed) or a loan on the book suggested or confirmed non-performing.
    A guarantor's own EW-GUARANTOR signal never counts (this run's or an earlier one), so
    trouble does not travel along chains of guarantees."""
    D = ctx.D
    valid = (
        f"g.kind = 'guarantor' AND g.guarantor_customer_id IS NOT NULL "
        f"AND (g.start_date IS NULL OR g.start_date <= {D}) "
        f"AND (g.end_date IS NULL OR g.end_date >= {D})"
    )
    return f"""
        WITH links AS (
            SELECT DISTINCT loan_id, customer_id, guarantor FROM (
                SELECT b.loan_id, b.customer_id, g.guarantor_customer_id AS guarantor
                FROM in_guarantees g JOIN eng_book b ON b.loan_id = g.loan_id WHERE {valid}
                UNION ALL
                SELECT b.loan_id, b.customer_id, g.guarantor_customer_id
                FROM in_guarantees g JOIN eng_book b ON b.facility_id = g.facility_id
                WHERE g.loan_id IS NULL AND {valid})
            WHERE guarantor <> customer_id
        ), bad_signals AS (
            SELECT customer_id, list(DISTINCT rule_id ORDER BY rule_id) AS rules FROM (
                SELECT customer_id, rule_id, level FROM eng_signals
                WHERE rule_id <> 'EW-GUARANTOR'
                UNION ALL
                SELECT customer_id, rule_id, level FROM in_prior_signals
                WHERE rule_id <> 'EW-GUARANTOR'
                  AND coalesce(status, 'issued') NOT IN {CLOSED_STATUSES})
            WHERE level IN ('orange', 'red') GROUP BY customer_id
        ), bad_loans AS (
            SELECT customer_id, list(loan_id ORDER BY loan_id) AS loans
            FROM eng_loan_classification
            WHERE class_ord(suggested_class) >= 2 OR class_ord(current_class) >= 2
            GROUP BY customer_id
        ), hits AS (
            SELECT l.*, s.rules, n.loans FROM links l
            LEFT JOIN bad_signals s ON s.customer_id = l.guarantor
            LEFT JOIN bad_loans n ON n.customer_id = l.guarantor
            WHERE s.rules IS NOT NULL OR n.loans IS NOT NULL
        )
        SELECT customer_id, loan_id, 'orange' AS level,
               CAST(to_json({{'guarantors': list({{'guarantor_customer_id': guarantor,
                     'signals': rules, 'nonperforming_loans': loans}} ORDER BY guarantor)}})
                   AS VARCHAR) AS evidence,
               string_agg(format('保证人 {{}} {{}}', guarantor, concat_ws('，',
                   CASE WHEN rules IS NOT NULL
                        THEN format('有橙色/红色预警（{{}}）',
                                    array_to_string({_rule_titles_sql("rules")}, '、')) END,
                   CASE WHEN loans IS NOT NULL
                        THEN format('有不良贷款（{{}}）', array_to_string(loans, '、')) END)),
                   '；' ORDER BY guarantor) AS detail_zh
        FROM hits GROUP BY customer_id, loan_id
    """


@rule("EW-INSPECTION-OVERDUE")
def inspections_past_due(ctx: Ctx) -> str:
    """A required inspection (``inspections_due``) due before the as-of date and not done by
    then."""
    D = ctx.D
    return f"""
        SELECT i.customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'due_dates': list(i.due_date ORDER BY i.due_date)}}) AS VARCHAR)
                   AS evidence,
               format('贷后检查应于 {{}} 完成，已逾期 {{}} 天', min(i.due_date),
                      {D} - min(i.due_date)) AS detail_zh
        FROM in_inspections_due i SEMI JOIN eng_borrowers b ON b.customer_id = i.customer_id
        WHERE i.due_date < {D} AND (i.done_date IS NULL OR i.done_date > {D})
        GROUP BY i.customer_id
    """
