"""Repayment signals: overdue days and money on hand before maturity and interest dates.

Each query returns ``customer_id, loan_id, level, evidence, detail_zh``.
"""

from __future__ import annotations

from datetime import date

from postloan.risk.engine.context import Ctx, sql_date
from postloan.risk.engine.registry import rule

INTEREST_MONTHS = (3, 6, 9, 12)
NOTHING = (
    "SELECT NULL AS customer_id, NULL AS loan_id, NULL AS level, NULL AS evidence,"
    " NULL AS detail_zh WHERE FALSE"
)  # 结息日: the 20th of Mar/Jun/Sep/Dec


@rule("EW-DPD-SHORT")
def loans_briefly_past_due(ctx: Ctx) -> str:
    """DPD 1–7 (up to the day before ``dpd_warning_from``): ask whether it is technical."""
    return f"""
        SELECT d.customer_id, d.loan_id, 'yellow' AS level,
               CAST(to_json({{'dpd': d.dpd, 'overdue_since': d.overdue_since}}) AS VARCHAR)
                   AS evidence,
               format('借据 {{}} 逾期 {{}} 天（自 {{}} 起），请核实是否技术性原因', d.loan_id, d.dpd,
                      d.overdue_since) AS detail_zh
        FROM eng_loan_dpd d SEMI JOIN eng_book b ON b.loan_id = d.loan_id
        WHERE d.dpd >= 1 AND d.dpd < {int(ctx.th.dpd_warning_from)}
    """


@rule("EW-DPD")
def loans_past_due_a_week_or_more(ctx: Ctx) -> str:
    """DPD >= 8 yellow; orange when > 30; red when > 90 (defaults)."""
    th = ctx.th
    return f"""
        SELECT d.customer_id, d.loan_id,
               CASE WHEN d.dpd > {int(th.dpd_red_over)} THEN 'red'
                    WHEN d.dpd > {int(th.dpd_orange_over)} THEN 'orange'
                    ELSE 'yellow' END AS level,
               CAST(to_json({{'dpd': d.dpd, 'overdue_since': d.overdue_since,
                     'overdue_principal_fen': d.overdue_principal_fen,
                     'overdue_interest_fen': d.overdue_interest_fen}}) AS VARCHAR) AS evidence,
               format('借据 {{}} 逾期 {{}} 天，逾期本金 {{}} 元、利息 {{}} 元', d.loan_id, d.dpd,
                      yuan(d.overdue_principal_fen), yuan(d.overdue_interest_fen)) AS detail_zh
        FROM eng_loan_dpd d SEMI JOIN eng_book b ON b.loan_id = d.loan_id
        WHERE d.dpd >= {int(th.dpd_warning_from)}
    """


@rule("EW-MATURITY-FUNDS")
def maturities_not_covered_by_funds(ctx: Ctx) -> str:
    """A loan (or acceptance bill) maturing within the next 3 days (as-of < maturity <= as-of
    + 3) while the customer's unfrozen accounts hold less than everything maturing in that
    window (balance plus unpaid interest due up to maturity), summed per customer."""
    D = ctx.D
    return f"""
        WITH maturing AS (
            SELECT b.customer_id, b.loan_id, b.maturity_date,
                   b.balance + coalesce((
                       SELECT sum(greatest(r.interest_due - r.interest_paid, 0))
                       FROM eng_repayments r
                       WHERE r.loan_id = b.loan_id AND r.due_date <= b.maturity_date
                         AND (r.paid_off_date IS NULL OR r.paid_off_date > {D})), 0) AS due_fen
            FROM eng_book b
            WHERE b.balance > 0 AND b.maturity_date > {D}
              AND b.maturity_date <= {ctx.days_after(ctx.th.maturity_funds_days_before)}
        ), per_customer AS (
            SELECT customer_id, sum(due_fen) AS due_fen FROM maturing GROUP BY customer_id
        )
        SELECT m.customer_id, m.loan_id, 'orange' AS level,
               CAST(to_json({{'maturity_date': m.maturity_date, 'loan_due_fen': m.due_fen,
                     'customer_due_fen': p.due_fen, 'funds_fen': coalesce(f.funds_fen, 0),
                     'balance_date': f.balance_date}}) AS VARCHAR) AS evidence,
               format('借据 {{}} 于 {{}} 到期，客户到期应还合计 {{}} 元，账户可用余额 {{}} 元',
                      m.loan_id, m.maturity_date, yuan(p.due_fen),
                      yuan(coalesce(f.funds_fen, 0))) AS detail_zh
        FROM maturing m JOIN per_customer p USING (customer_id)
        JOIN eng_funds f USING (customer_id)
        WHERE coalesce(f.funds_fen, 0) < p.due_fen
    """


def interest_dates(as_of: date) -> tuple[date, date]:
    """The next quarter interest date on or after ``as_of`` and the one before it."""
    candidates = [
        date(y, m, 20)
        for y in (as_of.year - 1, as_of.year, as_of.year + 1)
        for m in INTEREST_MONTHS
    ]
    upcoming = min(d for d in candidates if d >= as_of)
    previous = max(d for d in candidates if d < upcoming)
    return upcoming, previous


@rule("EW-INTEREST-FUNDS")
def interest_not_covered_by_funds(ctx: Ctx) -> str:
    """Evaluated when the next quarter interest date (20 Mar/Jun/Sep/Dec) is at most
    ``interest_funds_days_before`` days away. Interest due: the unpaid interest of instalments
    due from the as-of date to that date; a loan with no instalment in the quarter is
    estimated at balance × annual rate × days of the quarter / 360. Compared per customer with
    the unfrozen account balances."""
    upcoming, previous = interest_dates(ctx.as_of)
    if (upcoming - ctx.as_of).days > ctx.th.interest_funds_days_before:
        return NOTHING
    D, Q, P = ctx.D, sql_date(upcoming), sql_date(previous)
    days = (upcoming - previous).days
    return f"""
        WITH scheduled AS (
            SELECT loan_id,
                   sum(CASE WHEN r.due_date >= {D}
                             AND (r.paid_off_date IS NULL OR r.paid_off_date > {D})
                            THEN greatest(r.interest_due - r.interest_paid, 0) ELSE 0 END)
                       AS interest_fen
            FROM eng_repayments r
            WHERE r.due_date > {P} AND r.due_date <= {Q}
            GROUP BY loan_id
        ), due AS (
            SELECT b.customer_id,
                   sum(coalesce(s.interest_fen,
                       CAST(round(b.balance * coalesce(b.interest_rate, 0) * {days} / 360)
                            AS BIGINT))) AS interest_fen
            FROM eng_book b LEFT JOIN scheduled s USING (loan_id)
            WHERE b.balance > 0
            GROUP BY b.customer_id
        )
        SELECT d.customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'interest_date': {Q}, 'interest_due_fen': d.interest_fen,
                     'funds_fen': coalesce(f.funds_fen, 0), 'balance_date': f.balance_date}})
                   AS VARCHAR) AS evidence,
               format('{{}} 结息日应付利息约 {{}} 元，账户可用余额 {{}} 元', {Q},
                      yuan(d.interest_fen), yuan(coalesce(f.funds_fen, 0))) AS detail_zh
        FROM due d JOIN eng_funds f USING (customer_id)
        WHERE d.interest_fen > 0 AND coalesce(f.funds_fen, 0) < d.interest_fen
    """
