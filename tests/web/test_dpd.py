import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import Loan, RepaymentInstalment
from postloan.web.queries.dpd import days_past_due, overdue_loan_q

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 10, 31)


def test_it_counts_from_the_earliest_unpaid_instalment(bank):
    assert days_past_due(Loan.objects.all(), AS_OF) == {"L001": 0, "L002": 0, "L003": 41}


def test_it_counts_an_instalment_paid_after_the_date_as_unpaid_on_that_date(bank):
    RepaymentInstalment.objects.filter(loan_id="L003").update(
        interest_paid=Decimal("10875.00"), paid_off_date=dt.date(2026, 11, 5)
    )
    assert days_past_due([bank.loans["L003"]], AS_OF) == {"L003": 41}
    assert days_past_due([bank.loans["L003"]], dt.date(2026, 11, 6)) == {"L003": 0}


def test_it_counts_from_maturity_when_the_balance_is_left_unpaid(bank):
    loan = bank.loans["L002"]
    loan.maturity_date = dt.date(2026, 10, 1)
    loan.save(update_fields=["maturity_date"])
    assert days_past_due([loan], AS_OF) == {"L002": 30}


def test_it_gives_nothing_without_a_business_date(bank):
    assert days_past_due(Loan.objects.all(), None) == {}


def test_it_finds_the_same_overdue_loans_in_sql(bank):
    overdue = set(Loan.objects.filter(overdue_loan_q(AS_OF)).values_list("loan_id", flat=True))
    dpd = days_past_due(Loan.objects.all(), AS_OF)
    assert overdue == {loan_id for loan_id, days in dpd.items() if days > 0} == {"L003"}
