"""个贷批量监管 on hand-made cohorts (as of 2026-10-31), 4 equal consumer loans each:
2025Q4 and 2026Q1 always paid on time; 2026Q2 (5 May 2026) has one loan that stops paying
from its second instalment (due 5 July): 26 days past due on 31 July (M1), 57 on 31 August
(M2, 30+), 87 on 30 September (M3+), 118 on 31 October (90+)."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import Customer, Loan, RepaymentInstalment
from postloan.portfolio_risk import actions, retail
from postloan.portfolio_risk.models import PortfolioSignal
from postloan.risk.actions.screening import run_screening
from tests.factories import AS_OF

D = Decimal
COHORTS = {
    "2025Q4": dt.date(2025, 11, 5),
    "2026Q1": dt.date(2026, 2, 5),
    "2026Q2": dt.date(2026, 5, 5),
}


def add_month(day: dt.date, k: int) -> dt.date:
    y, m = divmod(day.month - 1 + k, 12)
    return day.replace(year=day.year + y, month=m + 1)


def make_cohorts(bank):
    n = 0
    for key, start in COHORTS.items():
        for i in range(4):
            n += 1
            customer = Customer.objects.create(
                customer_id=f"R{n:03d}",
                name=f"个人{n}",
                type="retail",
                branch=bank.branches["SB01" if i % 2 else "SB02"],
                region_code="330106",
            )
            loan = Loan.objects.create(
                loan_id=f"RL{n:03d}",
                customer=customer,
                product="personal_consumption",
                principal=D("120000.00"),
                balance=D("120000.00"),
                start_date=start,
                maturity_date=add_month(start, 24),
                guarantee_method="credit",
            )
            misses = key == "2026Q2" and i == 0
            for k in range(1, 25):
                due = add_month(start, k)
                paid = due <= AS_OF and not (misses and k >= 2)
                RepaymentInstalment.objects.create(
                    loan=loan,
                    due_date=due,
                    principal_due=D("5000.00"),
                    interest_due=D("400.00"),
                    principal_paid=D("5000.00") if paid else D("0"),
                    interest_paid=D("400.00") if paid else D("0"),
                    paid_off_date=due if paid else None,
                )


@pytest.fixture
def cohorts(bank):
    make_cohorts(bank)
    return bank


def test_vintage_curves_by_cohort_and_months_on_book(cohorts):
    batch = retail.retail_batch(AS_OF, retail.Filters(product="personal_consumption"))
    assert [(c.key, c.loans) for c in batch.cohorts][-3:] == [
        ("2025Q4", 4),
        ("2026Q1", 4),
        ("2026Q2", 4),
    ]
    q2 = batch.cohorts[-1]
    assert [(p.mob, p.rate30, p.rate90) for p in q2.points] == [
        (0, D("0"), D("0")),
        (1, D("0"), D("0")),
        (2, D("0"), D("0")),
        (3, D("0.2500"), D("0")),
        (4, D("0.2500"), D("0")),
        (5, D("0.2500"), D("0.2500")),
    ]
    assert all(p.rate30 == 0 for c in batch.cohorts[:-1] for p in c.points)
    # The whole bank's retail loans include 李娜's L002 (2025Q2, no schedule: never late).
    assert retail.retail_batch(AS_OF).loans == 13


def test_roll_rates_month_to_month(cohorts):
    batch = retail.retail_batch(AS_OF, retail.Filters(product="personal_consumption"))
    july = batch.roll(dt.date(2026, 7, 31))
    assert july.counts[("M0", "M1")] == 1 and july.counts[("M0", "M0")] == 12  # with L002
    assert july.rate("M0", "M1") == D("0.0769")
    assert batch.roll(dt.date(2026, 8, 31)).rate("M1", "M2") == D("1.0000")
    assert batch.roll(dt.date(2026, 9, 30)).rate("M2", "M3+") == D("1.0000")
    october = batch.roll()
    assert october.month == AS_OF and october.counts[("M3+", "M3+")] == 1
    data = batch.chart_data()
    assert data["rolls"]["M0→M1"][data["months"].index("2026-07")] == pytest.approx(7.69)
    # A branch's batch: SB02 holds the late loan (i = 0), SB01 none of the late ones.
    sb01 = retail.retail_batch(AS_OF, retail.Filters(branch_path=cohorts.branches["SB01"].path))
    assert all(p.rate30 == 0 for c in sb01.cohorts for p in c.points)


def test_a_cohort_worse_than_the_earlier_ones_raises_a_portfolio_signal(cohorts):
    rm = cohorts.users["rm_branch"]
    actions.update_limits({"vintage_min_loans": "4"}, "小样本演示", rm)
    run_screening(AS_OF)
    actions.run_monitoring(AS_OF)
    s = PortfolioSignal.objects.get(rule_id="retail.vintage_worse")
    assert s.subject_key == "personal_consumption:2026Q2"
    assert s.value == D("0.2500") and s.evidence["mob"] == 5 and s.evidence["baseline"] == "0.0000"
    assert "账龄 5 个月逾期30天以上占比 25.00%" in s.summary
    # Threshold above the gap: released on the next day's run.
    actions.update_limits({"vintage_worse_by": "0.30"}, "放宽", rm)
    actions.run_monitoring(AS_OF)
    s.refresh_from_db()
    assert s.status == "released"
