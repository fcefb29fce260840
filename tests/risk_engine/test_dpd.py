from datetime import date

from tests.risk_engine.builders import AS_OF, instalment, loan, one, overdue_by, run


def test_it_counts_days_from_the_earliest_unpaid_instalment():
    result = run(
        loans=[loan()],
        repayments=[
            instalment(due=date(2026, 3, 1)),  # unpaid, earliest
            instalment(due=date(2026, 5, 1)),
            instalment(due=date(2026, 1, 1), paid_off=date(2026, 1, 1)),
        ],
    )
    row = one(result.loan_dpd, loan_id="L1")
    assert row["dpd"] == (AS_OF - date(2026, 3, 1)).days == 121
    assert row["overdue_since"] == date(2026, 3, 1)
    assert row["overdue_principal_fen"] == 2 * 100_000_00
    assert row["overdue_interest_fen"] == 2 * 5_000_00


def test_it_treats_an_instalment_paid_after_the_as_of_date_as_unpaid_on_it():
    result = run(
        loans=[loan()],
        repayments=[instalment(due=date(2026, 6, 20), paid_off=date(2026, 7, 5))],
    )
    assert one(result.loan_dpd, loan_id="L1")["dpd"] == 10


def test_it_gives_zero_when_everything_due_is_paid_or_due_today():
    result = run(
        loans=[loan()],
        repayments=[
            instalment(due=date(2026, 6, 1), paid_off=date(2026, 6, 30)),
            instalment(due=AS_OF),  # due on the as-of date: not yet past due
        ],
    )
    row = one(result.loan_dpd, loan_id="L1")
    assert row["dpd"] == 0 and row["overdue_since"] is None


def test_it_counts_from_maturity_without_any_schedule_row():
    result = run(loans=[loan(maturity_date=date(2026, 6, 1), balance=300_000_00)])
    row = one(result.loan_dpd, loan_id="L1")
    assert row["dpd"] == 29
    assert row["overdue_principal_fen"] == 300_000_00


def test_it_ignores_maturity_once_the_balance_is_repaid():
    result = run(loans=[loan(maturity_date=date(2026, 6, 1), balance=0)])
    assert one(result.loan_dpd, loan_id="L1")["dpd"] == 0


def test_it_gives_settled_and_written_off_loans_zero_and_no_suggestion():
    result = run(
        loans=[loan(loan_id="L1", status="settled"), loan(loan_id="L2", status="written_off")],
        repayments=[overdue_by(200, "L1"), overdue_by(200, "L2")],
    )
    assert {r["dpd"] for r in result.loan_dpd.to_pylist()} == {0}
    assert result.loan_classification.num_rows == 0
