"""Days past due (逾期天数), exactly as the data contract defines it — the one DPD.

On date D: D minus the earliest `due_date` (< D) of an instalment not fully paid by D (no
`paid_off_date`, or `paid_off_date` > D); 0 when there is none. A loan past `maturity_date`
(maturity < D) with `balance` > 0 is overdue from its maturity date even with no instalment
row. Settled and written-off loans have DPD 0.

Overdue amounts: an instalment paid off after D counts in full as unpaid on D (its paid
amounts are later payments); otherwise due minus paid. Past maturity, the whole balance is
overdue principal.
"""

from __future__ import annotations

from postloan.risk.engine.context import Ctx


def loan_dpd(ctx: Ctx) -> None:
    D = ctx.D
    ctx.table(
        "eng_loan_dpd",
        f"""
        WITH unpaid AS (
            SELECT loan_id, min(due_date) AS first_unpaid,
                   sum(CASE WHEN paid_off_date IS NOT NULL THEN principal_due
                            ELSE greatest(principal_due - principal_paid, 0) END) AS principal,
                   sum(CASE WHEN paid_off_date IS NOT NULL THEN interest_due
                            ELSE greatest(interest_due - interest_paid, 0) END) AS interest
            FROM eng_repayments
            WHERE due_date < {D} AND (paid_off_date IS NULL OR paid_off_date > {D})
            GROUP BY loan_id
        ), since AS (
            SELECT l.loan_id, l.customer_id, l.status, l.balance, l.maturity_date,
                   l.maturity_date < {D} AND l.balance > 0 AS past_maturity,
                   u.first_unpaid, u.principal, u.interest
            FROM eng_loans l LEFT JOIN unpaid u USING (loan_id)
        )
        SELECT loan_id, customer_id,
               CASE WHEN status = 'active'
                    THEN coalesce({D} - least(first_unpaid,
                                              CASE WHEN past_maturity THEN maturity_date END), 0)
                    ELSE 0 END AS dpd,
               CASE WHEN status = 'active'
                    THEN least(first_unpaid, CASE WHEN past_maturity THEN maturity_date END)
                    END AS overdue_since,
               CASE WHEN status <> 'active' THEN 0
                    WHEN past_maturity THEN balance ELSE coalesce(principal, 0) END
                   AS overdue_principal_fen,
               CASE WHEN status <> 'active' THEN 0 ELSE coalesce(interest, 0) END
                   AS overdue_interest_fen
        FROM since
        ORDER BY loan_id
        """,
    )
