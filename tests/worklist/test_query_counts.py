"""Pages of post-loan work read a fixed number of queries however many rows they show."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postloan.portfolio.models import Customer, Loan
from postloan.worklist.models import CollectionCase
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db

PAGES = [
    "/work/",
    "/work/inspections/",
    "/work/calendar/",
    "/work/collection/",
    "/work/collateral/",
]


def add_customers(bank, n, start):
    for i in range(start, start + n):
        c = Customer.objects.create(
            customer_id=f"X{i:03d}",
            name=f"测试客户{i}",
            type="corporate",
            branch=bank.branches["SB01"],
            manager=bank.staff["AM01"],
        )
        Loan.objects.create(
            loan_id=f"XL{i:03d}",
            customer=c,
            product="working_capital",
            principal=Decimal("100000"),
            balance=Decimal("100000"),
            start_date=dt.date(2026, 1, 5),
            maturity_date=dt.date(2026, 12, 1),
            guarantee_method="credit",
            interest_rate=Decimal("0.04"),
        )
        CollectionCase.objects.create(customer=c, owner=bank.staff["AM01"], opened_on=AS_OF)


def counts(client):
    out = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        out[url] = len(ctx)
    return out


def test_it_reads_a_fixed_number_of_queries_per_page(bank, login):
    client = login(bank.users["am_zhang"])
    add_customers(bank, 2, 0)
    plan_worklist(AS_OF)
    counts(client)  # warm the once-per-process lookups
    few = counts(client)
    add_customers(bank, 15, 100)
    plan_worklist(AS_OF)
    assert counts(client) == few
