import datetime as dt
from decimal import Decimal

import pytest

from postloan.org.models import Branch, Staff
from postloan.portfolio.models import Customer, Loan


@pytest.fixture
def many_customers():
    """Add `n` customers (one active loan each) to 张伟's book in 西湖支行."""

    def _make(n: int, start: int = 100):
        branch = Branch.objects.get(pk="SB01")
        manager = Staff.objects.get(pk="AM01")
        for k in range(start, start + n):
            customer = Customer.objects.create(
                customer_id=f"C{k:04d}",
                name=f"批量测试客户{k}",
                type="corporate" if k % 2 else "retail",
                branch=branch,
                manager=manager,
            )
            Loan.objects.create(
                loan_id=f"L{k:04d}",
                customer=customer,
                product="working_capital",
                principal=Decimal("100000.00"),
                balance=Decimal("50000.00"),
                start_date=dt.date(2026, 1, 1),
                maturity_date=dt.date(2027, 1, 1),
                guarantee_method="credit",
                classification="special_mention" if k % 3 == 0 else "normal",
            )

    return _make
