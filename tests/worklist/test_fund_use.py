"""资金账户监管: the trail of a loan's money within the window after each disbursement."""

import datetime as dt
from decimal import Decimal

import pytest

from postloan.portfolio.models import (
    Account,
    Disbursement,
    Loan,
    RelatedParty,
    Transaction,
)
from postloan.risk.actions.screening import run_screening
from postloan.worklist import fund_use
from tests.factories import AS_OF

pytestmark = pytest.mark.django_db
D = dt.date


def trail_for_loan(loan):
    """The page's trail after the business day's screening (the trail is the engine's)."""
    run_screening(AS_OF)
    return fund_use.trail_for_loan(loan)


def txn(txn_id, day, direction, amount, name, account="", category="other", summary=""):
    Transaction.objects.create(
        txn_id=txn_id,
        account_id="A001",
        txn_date=day,
        direction=direction,
        amount=Decimal(amount),
        counterparty_name=name,
        counterparty_account=account,
        category=category,
        summary=summary,
    )


@pytest.fixture
def loan(bank):
    loan = Loan.objects.create(
        loan_id="L010",
        customer_id="C001",
        product="working_capital",
        principal=Decimal("1000000"),
        balance=Decimal("1000000"),
        start_date=D(2026, 9, 1),
        maturity_date=D(2027, 8, 31),
        guarantee_method="credit",
        payment_method="self",
        purpose="采购原材料",
    )
    RelatedParty.objects.create(
        customer_id="C001", related_name="赵刚", relation="controller", related_account="6222000011"
    )
    return loan


def test_it_flags_self_paid_money_going_to_a_related_party_real_estate_or_securities(loan):
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="杭州甲制造有限公司",
        payment_method="self",
    )
    txn("X1", D(2026, 9, 1), "in", "1000000", "示范银行", category="loan_disbursement")
    txn("X2", D(2026, 9, 5), "out", "300000", "宁波丙原料有限公司", category="purchase")
    txn("X3", D(2026, 9, 9), "out", "400000", "私人账户", account="6222000011")
    txn("X4", D(2026, 9, 12), "out", "200000", "杭州东方置业有限公司")
    txn("X5", D(2026, 9, 15), "out", "100000", "浙商证券股份有限公司")
    txn("X6", D(2026, 9, 20), "out", "50000", "员工工资", category="salary")
    txn("X7", D(2026, 10, 20), "out", "90000", "杭州东方置业有限公司")  # after the 30-day window
    trail = trail_for_loan(loan)
    (t,) = trail.trails
    flags = {f.counterparty: f.flag_labels for f in t.flows}
    assert flags == {
        "宁波丙原料有限公司": [],
        "私人账户": ["流向关联方"],
        "杭州东方置业有限公司": ["流向房地产"],
        "浙商证券股份有限公司": ["流向证券/期货"],
    }
    assert trail.suspicious


def test_it_flags_entrusted_money_coming_back_from_the_payee(loan):
    Loan.objects.filter(pk=loan.pk).update(payment_method="entrusted")
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="宁波丙原料有限公司",
        payee_account="3301999",
        payment_method="entrusted",
    )
    txn("X1", D(2026, 9, 1), "out", "1000000", "宁波丙原料有限公司", "3301999", "purchase")
    txn("X2", D(2026, 9, 7), "in", "850000", "宁波丙原料有限公司", "3301999", summary="退回货款")
    txn("X3", D(2026, 9, 10), "out", "800000", "杭州甲制造有限公司", "6217000099", summary="转账")
    (t,) = trail_for_loan(loan).trails
    assert [(f.counterparty, f.direction, f.flag_labels) for f in t.flows] == [
        ("宁波丙原料有限公司", "out", []),
        ("宁波丙原料有限公司", "in", ["受托支付后资金回流"]),
        ("杭州甲制造有限公司", "out", []),
    ]
    assert t.flag_labels == ["受托支付后资金回流"]


def test_it_flags_an_entrusted_payment_to_the_borrower_itself(loan):
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="杭州甲制造有限公司",
        payee_account="A001",
        payment_method="entrusted",
    )
    (t,) = trail_for_loan(loan).trails
    assert t.flag_labels == ["受托支付收款人为借款人本身"]


def test_it_flags_a_large_self_paid_outflow_to_an_undeclared_payee(loan):
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="杭州甲制造有限公司",
        payment_method="self",
    )
    txn("X1", D(2026, 9, 3), "out", "600000", "宁波丁贸易有限公司", category="purchase")
    txn("X2", D(2026, 9, 4), "out", "490000", "宁波戊贸易有限公司", category="purchase")
    txn("X3", D(2026, 9, 5), "out", "700000", "国家税务总局", category="tax")
    (t,) = trail_for_loan(loan).trails
    assert [(f.counterparty, f.flag_labels) for f in t.flows] == [
        ("宁波丁贸易有限公司", ["与申报收款人不一致"]),
        ("宁波戊贸易有限公司", []),
    ]


def test_it_does_not_hold_the_developer_against_a_mortgage(bank):
    mortgage = Loan.objects.create(
        loan_id="M001",
        customer_id="C002",
        product="mortgage",
        principal=Decimal("800000"),
        balance=Decimal("800000"),
        start_date=D(2026, 9, 1),
        maturity_date=D(2046, 8, 31),
        guarantee_method="mortgage",
        payment_method="entrusted",
    )
    Disbursement.objects.create(
        loan=mortgage,
        pay_date=D(2026, 9, 1),
        amount=Decimal("800000"),
        payee_name="杭州东方房地产开发有限公司",
        payment_method="entrusted",
    )
    trail = trail_for_loan(mortgage)
    assert not trail.suspicious
    assert "属约定用途" in trail.notes[-1]


def test_it_passes_a_clean_entrusted_payment(loan):
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="宁波丙原料有限公司",
        payee_account="3301999",
        payment_method="entrusted",
    )
    txn("X1", D(2026, 9, 1), "out", "1000000", "宁波丙原料有限公司", "3301999", "purchase")
    trail = trail_for_loan(loan)
    assert not trail.suspicious
    assert trail.trails[0].flows[0].flag_labels == []


def test_it_says_what_it_could_not_check(loan):
    assert trail_for_loan(loan).notes == ["无贷款资金支付记录（disbursements），无法追踪资金流向"]
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="杭州甲制造有限公司",
        payment_method="self",
    )
    Transaction.objects.filter(account_id="A001").delete()
    trail = trail_for_loan(loan)
    assert "无流水" in trail.notes[0]
    assert trail.trails[0].notes == ["无账户流水，未能核实资金去向及回流"]
    assert not trail.suspicious
    assert Account.objects.filter(customer_id="C001").exists()  # an account, but no flows


def test_it_shows_the_trail_page_only_to_who_may_see_the_loan(loan, login, bank):
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="杭州甲制造有限公司",
        payment_method="self",
    )
    txn("X4", D(2026, 9, 12), "out", "200000", "杭州东方置业有限公司")
    run_screening(AS_OF)
    page = login(bank.users["am_zhang"]).get("/work/fund-use/L010/")
    assert page.status_code == 200
    assert "流向房地产" in page.content.decode()
    assert login(bank.users["am_wang"]).get("/work/fund-use/L010/").status_code == 404


def test_the_page_s_trail_is_the_engine_s_finding_by_finding(loan):
    """Every flagged row of the page is one of EW-FUND-USE's findings and the other way round:
    same counterparty, amount and date (the page reads the engine's persisted trail)."""
    from postloan.risk.models import FundUseTrailRow, Signal

    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 9, 1),
        amount=Decimal("1000000"),
        payee_name="杭州甲制造有限公司",
        payment_method="self",
    )
    txn("X2", D(2026, 9, 5), "out", "600000", "宁波丙原料有限公司", category="purchase")
    txn("X3", D(2026, 9, 9), "out", "400000", "私人账户", account="6222000011")
    txn("X4", D(2026, 9, 12), "out", "200000", "杭州东方置业有限公司")
    txn("X5", D(2026, 9, 20), "out", "50000", "员工工资", category="salary")
    trail = trail_for_loan(loan)
    page = {
        (f.date.isoformat(), f.counterparty, int(f.amount * 100))
        for t in trail.trails
        for f in t.flows
        if f.flags
    }
    signal = Signal.objects.get(rule_id="EW-FUND-USE", loan_id=loan.loan_id)
    engine = {(f["date"], f["counterparty"], f["amount_fen"]) for f in signal.evidence["findings"]}
    assert (
        page
        == engine
        == {
            ("2026-09-05", "宁波丙原料有限公司", 60_000_000),  # 与申报收款人不一致
            ("2026-09-09", "私人账户", 40_000_000),  # 流向关联方
            ("2026-09-12", "杭州东方置业有限公司", 20_000_000),  # 流向房地产
        }
    )
    # the routine salary is not on the trail, the payment row is
    rows = FundUseTrailRow.objects.filter(loan=loan, as_of=AS_OF)
    assert sorted(rows.values_list("row_kind", "txn_id")) == [
        ("flow", "X2"),
        ("flow", "X3"),
        ("flow", "X4"),
        ("payment", ""),
    ]


def test_a_disbursement_no_screening_followed_is_said_unverified(loan):
    Disbursement.objects.create(
        loan=loan,
        pay_date=D(2026, 5, 4),  # 180 days before the business date: past the 90-day lookback
        amount=Decimal("1000000"),
        payee_name="杭州东方置业有限公司",
        payment_method="self",
    )
    txn("X1", D(2026, 5, 10), "out", "300000", "宁波丙原料有限公司", category="purchase")
    (t,) = trail_for_loan(loan).trails
    assert not t.verified and not t.flows
    assert any("未经风险预警筛查跟踪" in n for n in t.notes)
    # screened while it was recent, its trail stays the one that screening left
    run_screening(D(2026, 6, 30))
    (t,) = fund_use.trail_for_loan(loan).trails
    assert t.verified
    assert t.flag_labels == ["流向房地产"]
    assert [f.counterparty for f in t.flows] == ["宁波丙原料有限公司"]
