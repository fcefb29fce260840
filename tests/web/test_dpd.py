"""The pages show the screening engine's DPD — one DPD for every page — never a second computation."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import Loan, RepaymentInstalment
from postloan.risk.actions.screening import run_screening
from postloan.risk.queries import latest_screening
from postloan.web.queries.dpd import days_past_due, overdue_loan_q

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 10, 31)


def test_it_reads_the_engines_dpd_from_the_latest_screening(screened_bank):
    assert days_past_due(Loan.objects.all(), AS_OF) == {"L001": 0, "L002": 0, "L003": 41}
    assert latest_screening(dt.date(2026, 11, 15)) == AS_OF


def test_it_knows_nothing_before_a_screening_ran(bank):
    assert days_past_due(Loan.objects.all(), AS_OF) == {}
    assert not Loan.objects.filter(overdue_loan_q(AS_OF)).exists()


def test_it_shows_each_date_its_own_screening(screened_bank):
    RepaymentInstalment.objects.filter(loan_id="L003").update(
        interest_paid=Decimal("10875.00"), paid_off_date=dt.date(2026, 11, 5)
    )
    run_screening(dt.date(2026, 11, 6))
    assert days_past_due([screened_bank.loans["L003"]], AS_OF) == {"L003": 41}
    assert days_past_due([screened_bank.loans["L003"]], dt.date(2026, 11, 6)) == {"L003": 0}


def test_it_finds_the_same_overdue_loans_in_sql(screened_bank):
    overdue = set(Loan.objects.filter(overdue_loan_q(AS_OF)).values_list("loan_id", flat=True))
    dpd = days_past_due(Loan.objects.all(), AS_OF)
    assert overdue == {loan_id for loan_id, days in dpd.items() if days > 0} == {"L003"}
