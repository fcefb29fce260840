"""Pages of post-loan work read a fixed number of queries however many rows they show."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from postloan.portfolio.models import Customer, Loan
from postloan.worklist.models import CollectionCase, Inspection
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db

PAGES = [
    "/work/",
    "/work/?kind=inspection&section=overdue",
    "/work/?section=today&q=测试",
    "/work/panel/",
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


def counts(client, pages=PAGES):
    out = {}
    for url in pages:
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


def test_it_reads_a_fixed_number_of_queries_for_a_supervisor(bank, login):
    """The risk manager's 工作台: supervised overdue work and the per-manager summary."""
    client = login(bank.users["rm_branch"])
    pages = ["/work/", "/work/?section=overdue", "/work/panel/"]
    add_customers(bank, 2, 0)
    plan_worklist(AS_OF)
    Inspection.objects.filter(done_date__isnull=True).update(due_date=dt.date(2026, 10, 1))
    counts(client, pages)
    few = counts(client, pages)
    add_customers(bank, 15, 100)
    plan_worklist(AS_OF)
    Inspection.objects.filter(done_date__isnull=True).update(due_date=dt.date(2026, 10, 1))
    assert counts(client, pages) == few


def test_it_reads_a_fixed_number_of_queries_per_inspection_page(bank, login):
    """An inspection with its photos and amendments: not a query per photo or amendment."""
    from postloan.worklist import actions
    from tests.worklist.helpers import inspection_form, jpeg, upload

    client = login(bank.users["am_zhang"])
    plan_worklist(AS_OF)
    inspection = Inspection.objects.get(customer_id="C001", done_date__isnull=True)
    client.post(f"/work/inspections/{inspection.pk}/", inspection_form())
    url = f"/work/inspections/{inspection.pk}/"

    def add(n):
        for i in range(n):
            actions.amend_inspection(
                inspection,
                acting_user=bank.users["am_zhang"],
                reason=f"补充{i}",
                text="补充照片",
                photo=upload(jpeg()),
            )

    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(5)
    with CaptureQueriesContext(connection) as six:
        assert client.get(url).status_code == 200
    assert len(six) == len(one)
