"""The hand-made bank with a group: 甲集团 G01 = C001 (core) + C004 (member) + C005 (a 子公司
C001 names in related_parties, itself in no group)."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import Customer, CustomerGroup, Loan, RelatedParty
from postloan.risk.actions.screening import run_screening
from tests.factories import AS_OF
from tests.ingest.conftest import bank_dir, imported  # noqa: F401 - the tiny bank as files


def add_group(bank):
    c = bank.customers
    Customer.objects.filter(pk="C001").update(group_id="G01")
    c["C004"] = Customer.objects.create(
        customer_id="C004",
        name="甲集团物流有限公司",
        type="corporate",
        group_id="G01",
        branch=bank.branches["SB02"],
        manager=bank.staff["AM02"],
        industry_code="G5430",
        region_code="330108",
    )
    c["C005"] = Customer.objects.create(
        customer_id="C005",
        name="甲集团新材料有限公司",
        type="corporate",
        branch=bank.branches["SB01"],
        manager=bank.staff["AM01"],
        industry_code="C2651",
        region_code="330106",
    )
    CustomerGroup.objects.create(group_id="G01", name="甲集团", core_customer=c["C001"])
    RelatedParty.objects.create(
        customer=c["C001"],
        related_name=c["C005"].name,
        relation="subsidiary",
        related_customer=c["C005"],
    )
    for loan_id, customer, balance in (
        ("L004", "C004", "2500000.00"),
        ("L005", "C005", "1500000.00"),
    ):
        Loan.objects.create(
            loan_id=loan_id,
            customer=c[customer],
            product="working_capital",
            principal=Decimal(balance),
            balance=Decimal(balance),
            start_date=dt.date(2026, 3, 1),
            maturity_date=dt.date(2027, 2, 28),
            guarantee_method="guarantee",
        )


@pytest.fixture
def group_bank(bank):
    add_group(bank)
    run_screening(AS_OF)
    return bank


from tests.demo.conftest import s_bank, xs_bank  # noqa: E402,F401 - the demo banks as files
from tests.meetings.conftest import committee_bank, run  # noqa: E402,F401 - the committee
