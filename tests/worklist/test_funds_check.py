"""Funds checks before maturity, bill due dates and 结息日, against settlement balances."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import Account, AccountBalance, Loan
from postloan.worklist.choices import TaskKind
from postloan.worklist.funds import check_tasks
from postloan.worklist.models import CalendarTask
from postloan.worklist.planning import plan_worklist
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db
D = dt.date


def balance(account, day, amount, frozen=False):
    AccountBalance.objects.create(
        account_id=account, balance_date=day, balance=Decimal(amount), frozen=frozen
    )


@pytest.fixture
def bill(bank):
    Account.objects.create(account_id="A003", customer_id="C003", type="settlement")
    Account.objects.create(account_id="M003", customer_id="C003", type="margin")
    return Loan.objects.create(
        loan_id="B001",
        customer_id="C003",
        product="bank_acceptance",
        principal=Decimal("2000000"),
        balance=Decimal("2000000"),
        start_date=D(2026, 6, 10),
        maturity_date=D(2026, 12, 10),
        guarantee_method="pledge",
        deposit_ratio=Decimal("0.3"),
    )


def the_task(kind, loan_id):
    return CalendarTask.objects.get(kind=kind, loan_id=loan_id)


def test_it_checks_the_uncovered_exposure_of_an_acceptance_bill(bill):
    plan_worklist(AS_OF)
    task = the_task(TaskKind.BILL_FUNDS, "B001")
    assert task.amount_due == Decimal("1400000.00")  # 2,000,000 × (1 − 30%)
    assert task.due_date == D(2026, 12, 7)
    balance("A003", D(2026, 10, 30), "1000000")
    balance("M003", D(2026, 10, 30), "600000")  # the margin account is the covered part
    result = check_tasks([task], AS_OF)[task.pk]
    assert (result.status, result.shortfall) == ("short", Decimal("400000.00"))
    balance("A003", D(2026, 10, 31), "1500000")
    result = check_tasks([task], AS_OF)[task.pk]
    assert (result.status, result.available) == ("sufficient", Decimal("1500000.00"))


def test_it_does_not_count_frozen_accounts(bill):
    plan_worklist(AS_OF)
    task = the_task(TaskKind.BILL_FUNDS, "B001")
    balance("A003", D(2026, 10, 31), "5000000", frozen=True)
    result = check_tasks([task], AS_OF)[task.pk]
    assert result.status == "short"
    assert "冻结" in result.message


def test_it_says_why_funds_could_not_be_checked(bank):
    Loan.objects.filter(pk="L003").update(maturity_date=D(2026, 12, 3))
    plan_worklist(AS_OF)
    task = the_task(TaskKind.MATURITY_FUNDS, "L003")
    result = check_tasks([task], AS_OF)[task.pk]
    assert (result.status, result.message) == ("unknown", "客户无结算账户，无法核实资金")
    Account.objects.create(account_id="A003", customer_id="C003", type="settlement")
    result = check_tasks([task], AS_OF)[task.pk]
    assert "无余额数据" in result.message


def test_it_checks_the_quarterly_interest_against_the_balance(bank, settings):
    settings.WORKLIST_HORIZON_DAYS = 60
    plan_worklist(AS_OF)
    task = the_task(TaskKind.INTEREST_FUNDS, "L001")
    balance("A001", D(2026, 10, 31), "40000")
    result = check_tasks([task], AS_OF)[task.pk]
    assert result.status == "short"
    assert result.shortfall == Decimal("3983.33")


def test_it_records_the_funds_check_result_when_done(bill, login, bank):
    plan_worklist(AS_OF)
    task = the_task(TaskKind.BILL_FUNDS, "B001")
    balance("A003", D(2026, 10, 31), "1500000")
    client = login(bank.users["am_wang"])
    page = client.get(f"/work/calendar/{task.pk}/")
    assert "资金充足" in page.content.decode()
    response = client.post(
        f"/work/calendar/{task.pk}/", {"done_date": "2026-10-31", "note": "已与客户确认资金到位"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.done_date == AS_OF
    assert task.result["status"] == "sufficient"
    assert client.get(f"/work/calendar/{task.pk}/").status_code == 200
    assert login(bank.users["am_zhang"]).get(f"/work/calendar/{task.pk}/").status_code == 404
