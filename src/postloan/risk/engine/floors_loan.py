"""Per-loan classification floors: overdue days, events, impairment, cross-default.

Each function returns a query over the prepared tables with one row per loan the rule
fires on: ``loan_id``, ``evidence`` (JSON text with the numbers) and ``detail_zh``.
Events are customer-level: an open event (dated on or before the as-of date and not released)
applies to every loan of that customer on the book.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx, text
from postloan.risk.engine.registry import rule


def _dpd_over(days: int) -> str:
    return f"""
        SELECT loan_id,
               CAST(to_json({{'dpd': dpd, 'overdue_since': overdue_since,
                     'overdue_principal_fen': overdue_principal_fen,
                     'overdue_interest_fen': overdue_interest_fen}}) AS VARCHAR) AS evidence,
               format('逾期 {{}} 天（自 {{}} 起），逾期本金 {{}} 元、利息 {{}} 元', dpd, overdue_since,
                      yuan(overdue_principal_fen), yuan(overdue_interest_fen)) AS detail_zh
        FROM eng_loan_dpd SEMI JOIN eng_book USING (loan_id)
        WHERE dpd > {int(days)}
    """


@rule("CLS-SM-DPD")
def loans_past_due(ctx: Ctx) -> str:
    """DPD >= 1. DPD 1–7 may be technical: the suggestion stands and the classification row
    carries ``waivable_technical`` so the confirming person can waive it with a reason."""
    return _dpd_over(0)


@rule("CLS-SUB-DPD90")
def loans_past_due_over_90(ctx: Ctx) -> str:
    """DPD > 90 (91 fires, 90 does not)."""
    return _dpd_over(90)


@rule("CLS-DBT-DPD270")
def loans_past_due_over_270(ctx: Ctx) -> str:
    return _dpd_over(270)


@rule("CLS-LOSS-DPD360")
def loans_past_due_over_360(ctx: Ctx) -> str:
    return _dpd_over(360)


def _customer_event(event_type: str) -> str:
    return f"""
        SELECT b.loan_id,
               CAST(to_json({{'events': list({{'event_id': e.event_id,
                     'event_date': e.event_date, 'amount_fen': e.amount}}
                     ORDER BY e.event_date, e.event_id)}}) AS VARCHAR) AS evidence,
               format('事件 {{}}（{{}}）', string_agg(e.event_id, '、' ORDER BY e.event_id),
                      min(e.event_date)) AS detail_zh
        FROM eng_book b JOIN eng_open_events e ON e.customer_id = b.customer_id
        WHERE e.type = {text(event_type)}
        GROUP BY b.loan_id
    """


@rule("CLS-SM-MISUSE")
def funds_used_for_other_purpose(ctx: Ctx) -> str:
    return _customer_event("fund_misuse")


@rule("CLS-SM-REFI")
def new_loans_repaying_old(ctx: Ctx) -> str:
    """The event `refinance_to_repay` is recorded only for the non-excepted cases (bonds and
    qualifying small-business renewals are excepted by whoever records the event)."""
    return _customer_event("refinance_to_repay")


@rule("CLS-SUB-RATING")
def external_rating_cut_sharply(ctx: Ctx) -> str:
    return _customer_event("rating_downgrade")


@rule("CLS-DBT-EVADE")
def debtor_evading_bank_debt(ctx: Ctx) -> str:
    return _customer_event("evade_debt")


@rule("CLS-LOSS-BANKRUPT")
def debtor_in_bankruptcy_liquidation(ctx: Ctx) -> str:
    return _customer_event("bankruptcy")


@rule("CLS-SUB-IMPAIRED")
def credit_impaired_loans(ctx: Ctx) -> str:
    return """
        SELECT loan_id, CAST(to_json({'credit_impaired': true}) AS VARCHAR) AS evidence,
               '借据标记为已发生信用减值' AS detail_zh
        FROM eng_book WHERE credit_impaired
    """


def _ecl_share_at_least(num: int, den: int) -> str:
    # exact integer comparison: ecl / balance >= num / den  ⇔  ecl * den >= balance * num
    return f"""
        SELECT loan_id,
               CAST(to_json({{'ecl_amount_fen': ecl_amount, 'balance_fen': balance}}) AS VARCHAR)
                   AS evidence,
               format('减值准备 {{}} 元 / 余额 {{}} 元 = {{}}', yuan(ecl_amount), yuan(balance),
                      pct(ecl_amount, balance)) AS detail_zh
        FROM eng_book
        WHERE credit_impaired AND balance > 0 AND ecl_amount IS NOT NULL
          AND ecl_amount * {den} >= balance * {num}
    """


@rule("CLS-DBT-ECL50")
def impaired_with_half_provisioned(ctx: Ctx) -> str:
    """Credit impaired and ECL / balance >= 50% (49.99% does not fire)."""
    return _ecl_share_at_least(1, 2)


@rule("CLS-LOSS-ECL90")
def impaired_with_nine_tenths_provisioned(ctx: Ctx) -> str:
    return _ecl_share_at_least(9, 10)


@rule("CLS-SUB-CROSS20")
def overdue90_over_a_fifth_of_all_debt(ctx: Ctx) -> str:
    """Non-retail debtor whose latest credit report (on or before the as-of date) shows
    overdue-90 debt / total debt at all institutions > 20% (exactly 20% does not fire)."""
    return """
        SELECT b.loan_id,
               CAST(to_json({'report_date': c.report_date,
                     'overdue90_debt_all_fi_fen': c.overdue90_debt_all_fi,
                     'total_debt_all_fi_fen': c.total_debt_all_fi}) AS VARCHAR) AS evidence,
               format('征信（{}）逾期90天以上债务 {} 元 / 全部债务 {} 元 = {}', c.report_date,
                      yuan(c.overdue90_debt_all_fi), yuan(c.total_debt_all_fi),
                      pct(c.overdue90_debt_all_fi, c.total_debt_all_fi)) AS detail_zh
        FROM eng_book b JOIN eng_credit c ON c.customer_id = b.customer_id AND c.rn = 1
        WHERE NOT b.retail AND c.total_debt_all_fi > 0
          AND c.overdue90_debt_all_fi * 5 > c.total_debt_all_fi
    """
