from datetime import date
from decimal import Decimal

import pytest

from postloan.portfolio.models import (
    Account,
    AccountBalance,
    Customer,
    Loan,
    RepaymentInstalment,
    Transaction,
)
from postloan.risk.engine import Thresholds, screen
from postloan.risk.snapshot import build_snapshot
from tests.risk_engine.builders import one


@pytest.mark.django_db
def test_it_screens_what_the_django_database_holds(bank):
    branch = next(iter(bank.branches.values()))
    customer = Customer.objects.create(
        customer_id="SNAP1", name="快照测试有限公司", type="corporate", branch=branch
    )
    Loan.objects.create(
        loan_id="SNAPL1",
        customer=customer,
        product="working_capital",
        principal=Decimal("500000.00"),
        balance=Decimal("400000.00"),
        start_date=date(2025, 1, 1),
        maturity_date=date(2027, 1, 1),
        guarantee_method="credit",
    )
    loan = Loan.objects.get(pk="SNAPL1")
    RepaymentInstalment.objects.create(
        loan=loan,
        due_date=date(2026, 3, 1),
        principal_due=Decimal("100000.00"),
        interest_due=Decimal("1234.56"),
    )
    RepaymentInstalment.objects.create(
        loan=loan,
        due_date=date(2025, 12, 1),
        principal_due=Decimal("100000.00"),
        interest_due=Decimal("1000.00"),
        principal_paid=Decimal("100000.00"),
        interest_paid=Decimal("1000.00"),
        paid_off_date=date(2025, 12, 1),
    )
    account = Account.objects.create(account_id="SNAPA1", customer=customer)
    AccountBalance.objects.create(
        account=account, balance_date=date(2026, 6, 1), balance=Decimal("10.00")
    )
    Transaction.objects.create(
        txn_id="SNAPT1",
        account=account,
        txn_date=date(2026, 5, 3),
        direction="in",
        amount=Decimal("88.80"),
        category="sales_proceeds",
    )

    con = build_snapshot(date(2026, 6, 30), Thresholds())
    assert con.execute(
        "SELECT amount_fen, CAST(month AS DATE) FROM txn_monthly WHERE account_id = 'SNAPA1'"
    ).fetchall() == [(8880, date(2026, 5, 1))]
    result = screen(con, date(2026, 6, 30))
    dpd = one(result.loan_dpd, loan_id="SNAPL1")
    assert dpd["dpd"] == 121 and dpd["overdue_interest_fen"] == 123456
    cls = one(result.loan_classification, loan_id="SNAPL1")
    assert cls["suggested_class"] == "substandard"
    assert result.data_issues.num_rows == 0


def _flows_bank(bank) -> None:
    """A borrower paid out on 2026-09-10 and 2026-09-20, and its account's flows around that."""
    branch = next(iter(bank.branches.values()))
    customer = Customer.objects.create(
        customer_id="FU1", name="流水窗口测试有限公司", type="corporate", branch=branch
    )
    loan = Loan.objects.create(
        loan_id="FUL1",
        customer=customer,
        product="working_capital",
        principal=Decimal("900000.00"),
        balance=Decimal("900000.00"),
        start_date=date(2026, 9, 10),
        maturity_date=date(2027, 9, 10),
        guarantee_method="credit",
    )
    for day in (10, 20):
        loan.disbursements.create(
            pay_date=date(2026, 9, day), amount=Decimal("450000.00"), payee_name="某供应商"
        )
    account = Account.objects.create(account_id="FUA1", customer=customer)
    flows = {  # id: (date, direction, amount)
        "FU-before": (date(2026, 9, 9), "out", "100.00"),  # before the first payment
        "FU-first": (date(2026, 9, 10), "out", "100.00"),  # on it
        "FU-last": (date(2026, 10, 20), "in", "100.00"),  # 30 days after the last payment
        "FU-after": (date(2026, 10, 21), "out", "100.00"),  # one day later: not read
        "FU-large": (date(2026, 10, 21), "out", "80000.00"),  # a large outflow: read
        "FU-large-in": (date(2026, 10, 5), "out", "90000.00"),  # large and in the window: once
    }
    for txn_id, (day, direction, amount) in flows.items():
        Transaction.objects.create(
            txn_id=txn_id, account=account, txn_date=day, direction=direction, amount=amount
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fast", [True, False])
def test_the_detail_flows_are_the_weeks_after_each_payment_and_the_large_outflows(bank, fast):
    _flows_bank(bank)
    con = build_snapshot(date(2026, 10, 31), Thresholds(), fast=fast)
    read = con.execute(
        "SELECT txn_id, count(*) FROM txn_detail WHERE account_id = 'FUA1' GROUP BY txn_id"
    ).fetchall()
    assert sorted(read) == [
        ("FU-first", 1),
        ("FU-large", 1),
        ("FU-large-in", 1),
        ("FU-last", 1),
    ]
