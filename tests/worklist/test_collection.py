"""逾期催收: actions, promises kept or broken, 催收率 and 回收率 on a small hand-made case."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.core.models import AuditEvent
from postloan.portfolio.models import Customer, Loan, RepaymentInstalment
from postloan.worklist import actions, rates
from postloan.worklist.models import CollectionCase

pytestmark = pytest.mark.django_db
D = dt.date


def inst(loan_id, due, amount, paid_off=None):
    RepaymentInstalment.objects.create(
        loan_id=loan_id,
        due_date=due,
        principal_due=Decimal(amount),
        interest_due=Decimal("0"),
        principal_paid=Decimal(amount) if paid_off else Decimal("0"),
        paid_off_date=paid_off,
    )


@pytest.fixture
def book(bank):
    """A period 2026-07-01..2026-09-30.

    张伟 (C001/C002): overdue at the start 100 (L001 2026-06-20, paid 07-15) + 50 (L002 06-01,
      unpaid) = 150, collected 100 → 66.67%; due in the period 200 (08-20 paid 08-20)
      + 100 (09-20 unpaid) = 300, recovered 200 → 66.67%.
    王芳 (C003): overdue at the start 0 (rate none); due 80 (L003 07-20, paid 10-05 after the
      period) → recovered 0 → 0%.
    """
    RepaymentInstalment.objects.all().delete()
    inst("L001", D(2026, 6, 20), "100", D(2026, 7, 15))
    inst("L002", D(2026, 6, 1), "50")
    inst("L001", D(2026, 8, 20), "200", D(2026, 8, 20))
    inst("L002", D(2026, 9, 20), "100")
    inst("L003", D(2026, 7, 20), "80", D(2026, 10, 5))
    inst("L001", D(2026, 5, 20), "999", D(2026, 5, 20))  # paid before the period: not counted
    return bank


def test_it_computes_collection_and_recovery_rates_per_manager(book):
    rows = {
        r.key: r
        for r in rates.rates_by_manager(D(2026, 7, 1), D(2026, 9, 30), ["C001", "C002", "C003"])
    }
    zhang, wang = rows["AM01"], rows["AM02"]
    assert (zhang.overdue_at_start, zhang.collected) == (Decimal("150.00"), Decimal("100.00"))
    assert zhang.collection_rate == Decimal("0.6667")
    assert (zhang.due, zhang.recovered, zhang.recovery_rate) == (
        Decimal("300.00"),
        Decimal("200.00"),
        Decimal("0.6667"),
    )
    assert wang.collection_rate is None
    assert wang.recovery_rate == Decimal("0.0000")


def test_it_rolls_rates_up_the_unit_tree(book):
    branches = [book.branches["BR01"], book.branches["SB01"], book.branches["SB02"]]
    rows = {
        r.key: r
        for r in rates.rates_by_unit(
            D(2026, 7, 1), D(2026, 9, 30), ["C001", "C002", "C003"], branches
        )
    }
    assert rows["SB01"].overdue_at_start == Decimal("150.00")
    assert rows["BR01"].due == Decimal("380.00")
    assert rows["BR01"].recovered == Decimal("200.00")


@pytest.fixture
def case(bank):
    return CollectionCase.objects.create(
        customer_id="C003", owner_id="AM02", opened_on=D(2026, 10, 1), dpd_at_open=11
    )


def test_it_tells_kept_from_broken_promises(bank, case):
    am = bank.users["am_wang"]
    kept = actions.record_promise(
        case,
        acting_user=am,
        made_on=D(2026, 10, 2),
        amount=Decimal("10000"),
        promised_date=D(2026, 10, 10),
    )
    broken = actions.record_promise(
        case,
        acting_user=am,
        made_on=D(2026, 10, 12),
        amount=Decimal("10000"),
        promised_date=D(2026, 10, 25),
    )
    pending = actions.record_promise(
        case,
        acting_user=am,
        made_on=D(2026, 10, 30),
        amount=Decimal("5000"),
        promised_date=D(2026, 11, 5),
    )
    RepaymentInstalment.objects.filter(loan_id="L003", due_date=D(2026, 9, 20)).update(
        interest_paid=Decimal("10875.00"), paid_off_date=D(2026, 10, 8)
    )
    statuses = rates.promise_statuses([kept, broken, pending], D(2026, 10, 31))
    assert statuses[kept.pk] == ("kept", Decimal("10875.00"))
    assert statuses[broken.pk][0] == "broken"
    assert statuses[pending.pk][0] == "pending"


def test_it_records_actions_with_an_audit_row_and_refuses_them_after_closing(bank, case):
    am = bank.users["am_wang"]
    actions.record_collection_action(
        case, acting_user=am, kind="phone", action_date=D(2026, 10, 2), result="客户承诺月底还款"
    )
    actions.close_collection_case(
        case, acting_user=am, closed_on=D(2026, 10, 31), outcome="repaid", note="已结清"
    )
    assert AuditEvent.objects.filter(action="worklist.record_collection_action", actor=am).exists()
    case.refresh_from_db()
    with pytest.raises(Exception, match="已结案"):
        actions.record_collection_action(
            case, acting_user=am, kind="phone", action_date=D(2026, 11, 2), result="x"
        )


def test_it_records_collection_through_the_case_page(bank, case, login):
    client = login(bank.users["am_wang"])
    response = client.post(
        f"/work/collection/{case.pk}/actions/",
        {
            "kind": "visit",
            "action_date": "2026-10-20",
            "result": "上门催收，客户称资金周转困难",
            "next_action_date": "2026-11-03",
        },
    )
    assert response.status_code == 302
    page = client.get(f"/work/collection/{case.pk}/").content.decode()
    assert "上门催收，客户称资金周转困难" in page
    bad = client.post(
        f"/work/collection/{case.pk}/promises/",
        {"made_on": "2026-10-20", "amount": "100", "promised_date": "2026-10-01"},
    )
    assert bad.status_code == 302
    assert not case.promises.exists()
    assert login(bank.users["am_zhang"]).get(f"/work/collection/{case.pk}/").status_code == 404


def test_it_counts_per_person_even_when_a_customer_loses_its_manager(book):
    Customer.objects.filter(pk="C003").update(manager=None)
    rows = {r.key: r for r in rates.rates_by_manager(D(2026, 7, 1), D(2026, 9, 30), ["C003"])}
    assert rows[""].name == "（未分配客户经理）"
    assert Loan.objects.count() == 3


def test_it_names_loans_without_a_schedule_instead_of_dropping_them_silently(book, login):
    html = login(book.users["rm_branch"]).get(
        "/work/collection/rates/?start=2026-07-01&end=2026-09-30"
    )
    text = html.content.decode()
    assert html.status_code == 200
    assert "66.7%" in text
    assert "无还款计划" not in text
    RepaymentInstalment.objects.filter(loan_id="L003").delete()
    text = login(book.users["rm_branch"]).get("/work/collection/rates/").content.decode()
    assert "1 笔借据无还款计划，未计入催收率与回收率：L003" in text
