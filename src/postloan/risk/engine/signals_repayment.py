"""Repayment signals: overdue days and money on hand before maturity and interest dates.

Each query returns ``customer_id, loan_id, level, evidence, detail_zh``.
"""

from __future__ import annotations

from datetime import date

from postloan.risk.engine.context import Ctx, sql_date
from postloan.risk.engine.registry import rule
from postloan.risk.engine.windows import interest_dates

NOTHING = (
    "SELECT NULL AS customer_id, NULL AS loan_id, NULL AS level, NULL AS evidence,"
    " NULL AS detail_zh WHERE FALSE"
)


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


def interest_check_date(as_of: date, th) -> tuple[date, date, bool] | None:
    """(结息日 to judge, the one before it, whether it has passed) or None: the upcoming one
    when at most ``interest_funds_days_before`` days away, else the last one when it passed at
    most ``interest_funds_days_after`` days ago."""
    upcoming, previous = interest_dates(as_of)
    if (upcoming - as_of).days <= th.interest_funds_days_before:
        return upcoming, previous, False
    if (as_of - previous).days <= th.interest_funds_days_after:
        return previous, interest_dates(previous)[1], True
    return None


@rule("EW-INTEREST-FUNDS")
def interest_not_covered_by_funds(ctx: Ctx) -> str:
    """结息日 (20 Mar/Jun/Sep/Dec) funds check, read two ways on one rule:

    - ahead: when the next 结息日 Q is at most ``interest_funds_days_before`` days away, the
      customer's unfrozen accounts now (latest balance on or before the as-of date) against
      the interest still to pay by Q;
    - looking back: otherwise, when the last 结息日 Q passed at most
      ``interest_funds_days_after`` days ago, the balance the accounts held going into Q
      (each account's latest balance dated before Q) against the interest charged on Q. A
      bank that loads its data monthly never screens in the three days before a 结息日, and a
      结息 shortfall (欠息) that already happened is the same warning, only certain.

    Interest: of instalments due in the window (ahead: from the as-of date to Q, unpaid part;
    back: the ``interest_funds_days_before`` days up to Q, in full, unless the repayment record
    shows the instalment paid by its due date — then it was covered); a loan with no instalment
    in the quarter (按季结息) is estimated at balance × annual rate × days since the previous
    结息日 (or since disbursement, if later) / 360.
    Only loans started before Q; compared per customer; customers with no balance before Q
    are not judged on the look-back."""
    check = interest_check_date(ctx.as_of, ctx.th)
    if check is None:
        return NOTHING
    upcoming, previous, passed = check
    D, Q, P = ctx.D, sql_date(upcoming), sql_date(previous)
    if passed:
        window = (
            f"r.due_date > CAST({Q} - INTERVAL {int(ctx.th.interest_funds_days_before)} DAY "
            "AS DATE) AND (r.paid_off_date IS NULL OR r.paid_off_date > r.due_date) "
            "THEN r.interest_due"
        )
        funds = f"""funds AS (
            SELECT a.customer_id, sum(b.balance) FILTER (WHERE NOT b.frozen) AS funds_fen,
                   max(b.balance_date) AS balance_date
            FROM in_accounts a
            JOIN (SELECT account_id, arg_max(balance, balance_date) AS balance,
                         arg_max(frozen, balance_date) AS frozen,
                         max(balance_date) AS balance_date
                  FROM in_account_balances WHERE balance_date < {Q}
                  GROUP BY account_id) b USING (account_id)
            GROUP BY a.customer_id)"""
        wording = "结息日前账户可用余额"
    else:
        window = (
            f"r.due_date >= {D} AND (r.paid_off_date IS NULL OR r.paid_off_date > {D}) "
            "THEN greatest(r.interest_due - r.interest_paid, 0)"
        )
        funds = "funds AS (SELECT customer_id, funds_fen, balance_date FROM eng_funds)"
        wording = "账户可用余额"
    return f"""
        WITH scheduled AS (
            SELECT loan_id, sum(CASE WHEN {window} ELSE 0 END) AS interest_fen
            FROM eng_repayments r
            WHERE r.due_date > {P} AND r.due_date <= {Q}
            GROUP BY loan_id
        ), due AS (
            SELECT b.customer_id,
                   sum(coalesce(s.interest_fen,
                       CAST(round(b.balance * coalesce(b.interest_rate, 0)
                                  * ({Q} - greatest({P}, coalesce(b.start_date, {P}))) / 360)
                            AS BIGINT))) AS interest_fen
            FROM eng_book b LEFT JOIN scheduled s USING (loan_id)
            WHERE b.balance > 0 AND (b.start_date IS NULL OR b.start_date < {Q})
            GROUP BY b.customer_id
        ), {funds}
        SELECT d.customer_id, NULL AS loan_id, 'yellow' AS level,
               CAST(to_json({{'interest_date': {Q}, 'passed': {str(passed).lower()},
                     'interest_due_fen': d.interest_fen,
                     'funds_fen': coalesce(f.funds_fen, 0), 'balance_date': f.balance_date}})
                   AS VARCHAR) AS evidence,
               format('{{}} 结息日应付利息约 {{}} 元，{wording} {{}} 元（{{}}）', {Q},
                      yuan(d.interest_fen), yuan(coalesce(f.funds_fen, 0)), f.balance_date)
                   AS detail_zh
        FROM due d JOIN funds f USING (customer_id)
        WHERE d.interest_fen > 0 AND coalesce(f.funds_fen, 0) < d.interest_fen
    """
